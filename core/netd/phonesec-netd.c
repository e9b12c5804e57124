/* phonesec-netd.c: the phone's network service. phonesecd starts it (as an
 * unprivileged user, the channel on fd 3, the TLS policy's priority in
 * G_TLS_GNUTLS_PRIORITY) and it carries out every HTTP(S) client request
 * of the phone (doc/network-service.md).
 *
 * Start: give up what can go at once (phonesec-netd-sandbox.c), load
 * everything that reads files (glib-networking and GnuTLS, the name
 * service modules, translations), then Landlock and seccomp, then READY.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gi18n-lib.h>
#include <locale.h>
#include <netdb.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "phonesec-netd-sandbox.h"
#include "phonesec-netd-service.h"

static const char *
locale_dir (void)
{
  const char *dir = g_getenv ("PHONESEC_LOCALEDIR");

  return dir != NULL ? dir : LOCALEDIR;
}

/* getaddrinfo loads the name service modules nsswitch.conf names on first
 * use: now, while libraries may still be opened. */
static void
load_name_services (void)
{
  struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV };
  struct addrinfo *result = NULL;

  if (getaddrinfo ("localhost", "80", &hints, &result) == 0)
    freeaddrinfo (result);
}

int
main (int argc, char **argv)
{
  g_autoptr (GMainLoop) loop = NULL;
  g_autoptr (GError) error = NULL;
  PhonesecNetdService *service;
  int fd = 3;

  if (argc > 1 && g_str_has_prefix (argv[1], "--fd="))
    fd = atoi (argv[1] + 5);
  phonesec_netd_sandbox_prepare (fd);

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  /* The catalog is read at the first lookup: now. */
  (void) _ ("cancelled");

  /* glib-networking (and GnuTLS with its configuration) load here. */
  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    g_printerr ("phonesec-netd: no TLS backend (glib-networking): https:// will fail\n");
  /* Every GSocketClient asks for the default proxy resolver, which loads
   * GIO's proxy modules: now, and the inert one (ours answers). */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  (void) g_proxy_resolver_get_default ();
  load_name_services ();

  loop = g_main_loop_new (NULL, FALSE);
  service = phonesec_netd_service_new (fd, loop, &error);
  if (service == NULL)
    {
      g_printerr ("phonesec-netd: %s\n", error->message);
      return 1;
    }
  phonesec_netd_sandbox_enter ();
  phonesec_netd_service_ready (service);
  g_main_loop_run (loop);
  phonesec_netd_service_free (service);
  return 0;
}
