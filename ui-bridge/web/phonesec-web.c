/* phonesec-web: the phone's web administration UI over phonesecd's D-Bus
 * API. It keeps no configuration: pages come from Config.Describe, changes
 * go through Config.Apply acting for the logged-in account.
 *
 *   phonesec-web [--bus system|session|ADDRESS] [--listen ADDR:PORT] [--http]
 *                [--state-dir DIR]
 *   phonesec-web --set-password admin|user [--state-dir DIR]   (password on stdin)
 *
 * Layer 5, the top: start-up (options, the bus, the web server's
 * parameters, the TLS policy), the main loop and re-execution. It calls
 * every layer below; nothing calls it (README.md, "Layers").
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <phonesec/phonesec-bus.h>

#include "phonesec-web.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gi18n-lib.h>

#include "phonesec-web-cert.h"
#include "phonesec-web-login.h"
#include "phonesec-web-server.h"
#include "phonesec-web-status.h"

static char *opt_bus = NULL;
static char *opt_listen = NULL;
static gboolean opt_http = FALSE;
static char *opt_state_dir = NULL;
static char *opt_set_password = NULL;

static const GOptionEntry entries[]
    = { { "bus", 0, 0, G_OPTION_ARG_STRING, &opt_bus,
          N_ ("system (default), session or a D-Bus address"), "BUS" },
        { "listen", 0, 0, G_OPTION_ARG_STRING, &opt_listen,
          N_ ("address and port to listen on; port 0 picks one (default: every address, port 443, "
              "or Web_Server_Port with --http; nothing while Enable_Web_Server is No)"),
          "ADDR:PORT" },
        { "http", 0, 0, G_OPTION_ARG_NONE, &opt_http,
          N_ ("plain HTTP instead of HTTPS (tests, development)"), NULL },
        { "state-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_state_dir,
          N_ ("folder of the certificate and account hashes (default $STATE_DIRECTORY or "
              "/var/lib/phonesec-web)"),
          "DIR" },
        { "set-password", 0, 0, G_OPTION_ARG_STRING, &opt_set_password,
          N_ ("set the password of ACCOUNT (admin or user) from stdin, then exit"), "ACCOUNT" },
        { NULL } };

static const char *
locale_dir (void)
{
  const char *dir = g_getenv ("PHONESEC_LOCALEDIR");
  return dir != NULL ? dir : LOCALEDIR;
}

/* A read-only call made at start, before the main loop runs (nothing to
 * block yet). phonesecd may be starting, or re-executing itself on
 * Manager.Restart (its name is gone for ~50 ms, and a call that reached it
 * just before gets NoReply): retried for up to 10 s. */
static GVariant *
call_at_start (GDBusConnection *bus, const char *interface, const char *method, GVariant *args,
               const char *reply_type, GError **error)
{
  g_autoptr (GVariant) owned_args = args != NULL ? g_variant_ref_sink (args) : NULL;

  for (guint attempt = 0;; attempt++)
    {
      g_autoptr (GError) local_error = NULL;
      GVariant *reply = g_dbus_connection_call_sync (
          bus, PHONESEC_DBUS_NAME, PHONESEC_DBUS_PATH, interface, method, owned_args,
          G_VARIANT_TYPE (reply_type), G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &local_error);

      if (reply != NULL)
        return reply;
      if (attempt >= 100
          || !(g_error_matches (local_error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN)
               || g_error_matches (local_error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER)
               || g_error_matches (local_error, G_DBUS_ERROR, G_DBUS_ERROR_NO_REPLY)))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      g_usleep (100 * 1000);
    }
}

/* Enable_Web_Server, Web_Server_Port and Enable_Protocol, as the phone's
 * web server reads them (the first two when --listen is not given, the
 * last when --http is not). */
static gboolean
read_web_settings (GDBusConnection *bus, gboolean *enabled, guint *port, gboolean *https,
                   GError **error)
{
  const char *names[] = { "Enable_Web_Server", "Web_Server_Port", "Enable_Protocol", NULL };
  const char *protocol = NULL;
  g_autoptr (GVariant) reply = call_at_start (bus, PHONESEC_DBUS_INTERFACE_CONFIG, "Get",
                                              g_variant_new ("(^as)", names), "(a{sv})", error);
  g_autoptr (GVariant) values = NULL;

  if (reply == NULL)
    return FALSE;
  values = g_variant_get_child_value (reply, 0);
  if (!g_variant_lookup (values, "Enable_Web_Server", "b", enabled)
      || !g_variant_lookup (values, "Web_Server_Port", "u", port)
      || !g_variant_lookup (values, "Enable_Protocol", "&s", &protocol))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           "Enable_Web_Server, Web_Server_Port or Enable_Protocol is missing or "
                           "mistyped");
      return FALSE;
    }
  /* Anything but Http (the schema allows Http and Https) keeps HTTPS. */
  *https = g_strcmp0 (protocol, "Http") != 0;
  return TRUE;
}

/* The web-server class of the phone's TLS policy. glib-networking reads
 * G_TLS_GNUTLS_PRIORITY once, when its backend loads, so this runs before
 * any TLS object exists; a later policy change needs a restart of
 * phonesec-web (phonesecd restarts its phonesec-netd helper likewise). */
static void
apply_tls_policy (GDBusConnection *bus)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  const char *priority = NULL;

  reply = call_at_start (bus, PHONESEC_DBUS_INTERFACE_TLS_POLICY, "Resolve",
                         g_variant_new ("(s)", "web-server"), "(sas)", &error);
  if (reply != NULL)
    g_variant_get (reply, "(&sas)", &priority, NULL);
  if (priority == NULL || priority[0] == '\0')
    {
      g_warning ("cannot read the web-server TLS policy (%s); using NORMAL",
                 error != NULL ? error->message : "empty");
      priority = "NORMAL";
    }
  g_message ("TLS priority: %s", priority);
  g_setenv ("G_TLS_GNUTLS_PRIORITY", priority, TRUE);
}

static gboolean
parse_listen (const char *text, GSocketAddress **out, GError **error)
{
  const char *colon = text != NULL ? strrchr (text, ':') : NULL;
  g_autofree char *host = NULL;
  g_autoptr (GInetAddress) address = NULL;
  guint64 port = 0;

  if (colon == NULL || !g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &port, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--listen: expected ADDRESS:PORT, got '%s'", text != NULL ? text : "");
      return FALSE;
    }
  host = g_strndup (text, colon - text);
  if (host[0] == '[' && host[strlen (host) - 1] == ']')
    {
      memmove (host, host + 1, strlen (host));
      host[strlen (host) - 1] = '\0';
    }
  address = host[0] == '\0' ? g_inet_address_new_any (G_SOCKET_FAMILY_IPV4)
                            : g_inet_address_new_from_string (host);
  if (address == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--listen: '%s' is not an IP address", host);
      return FALSE;
    }
  *out = g_inet_socket_address_new (address, (guint16) port);
  return TRUE;
}

static int
set_password (const char *state_dir)
{
  char line[256];
  g_autoptr (GError) error = NULL;
  gsize len;

  if (fgets (line, sizeof line, stdin) == NULL)
    {
      g_printerr ("phonesec-web: no password on stdin\n");
      return 2;
    }
  len = strlen (line);
  while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
    line[--len] = '\0';
  if (g_mkdir_with_parents (state_dir, 0700) != 0
      || !phonesec_web_accounts_set_password (
          state_dir, phonesec_web_role_from_string (opt_set_password), line, &error))
    {
      memset (line, 0, sizeof line);
      g_printerr ("phonesec-web: %s\n", error != NULL ? error->message : g_strerror (errno));
      return 1;
    }
  memset (line, 0, sizeof line);
  printf ("phonesec-web: password of %s set\n", opt_set_password);
  return 0;
}

static int exit_status = 0;
static char **saved_argv = NULL;
static char *self_path = NULL;
static gboolean restart_requested = FALSE;

/* Parameters read once at start: a change re-executes phonesec-web (same
 * pid, same arguments). The TLS ones because glib-networking reads its
 * priority once per process (phonesecd restarts its phonesec-netd helper
 * for the same reason); logged-in sessions end (they live in memory only). */
static const char *const tls_parameters[] = {
  "TLS_Min_Version",
  "TLS_Cipher_List",
  "FIPS_Mode",
  NULL,
};
static const char *const listen_parameters[] = {
  "Enable_Web_Server",
  "Web_Server_Port",
  NULL,
};
static const char *const protocol_parameters[] = {
  "Enable_Protocol",
  NULL,
};
static gboolean watch_tls = FALSE;      /* serving HTTPS */
static gboolean watch_listen = FALSE;   /* no --listen: the parameters decide */
static gboolean watch_protocol = FALSE; /* no --http: Enable_Protocol decides */

static void
on_config_changed (GDBusConnection *bus, const char *sender, const char *path,
                   const char *interface, const char *signal, GVariant *parameters, gpointer data)
{
  g_autofree const char **names = NULL;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(tas)")))
    return;
  g_variant_get (parameters, "(t^a&s)", NULL, &names);
  for (guint i = 0; names[i] != NULL; i++)
    if ((watch_tls && g_strv_contains (tls_parameters, names[i]))
        || (watch_listen && g_strv_contains (listen_parameters, names[i]))
        || (watch_protocol && g_strv_contains (protocol_parameters, names[i])))
      {
        g_message ("%s changed: restarting to apply it", names[i]);
        restart_requested = TRUE;
        g_main_loop_quit (data);
        return;
      }
}

static gboolean
on_signal (gpointer data)
{
  g_main_loop_quit (data);
  /* Kept: a second SIGTERM during shutdown must not kill us half-way. */
  return G_SOURCE_CONTINUE;
}

/* phonesecd sends its signals to the clients that have called it: ask for
 * them each time it starts (it re-executes on a TLS policy change). */
static void
on_daemon_appeared (GDBusConnection *bus, const char *name, const char *owner, gpointer data)
{
  static const char *const acts_on[]
      = { "Enable_Web_Server", "Web_Server_Port", "Enable_Protocol", NULL };

  g_dbus_connection_call (bus, PHONESEC_DBUS_NAME, PHONESEC_DBUS_PATH,
                          PHONESEC_DBUS_INTERFACE_MANAGER, "Subscribe", NULL, NULL,
                          G_DBUS_CALL_FLAGS_NONE, PHONESEC_WEB_CALL_TIMEOUT_MS, NULL, NULL, NULL);
  /* The web server is what enforces these (Config.Describe says so). */
  g_dbus_connection_call (bus, PHONESEC_DBUS_NAME, PHONESEC_DBUS_PATH,
                          PHONESEC_DBUS_INTERFACE_MANAGER, "DeclareActor",
                          g_variant_new ("(s^as)", "phonesec-web", acts_on), NULL,
                          G_DBUS_CALL_FLAGS_NONE, PHONESEC_WEB_CALL_TIMEOUT_MS, NULL, NULL, NULL);
}

/* Lost the bus (dbus-daemon stopped): stop with an error, systemd
 * restarts us; GDBus's own exit-on-close would raise SIGTERM instead. */
static void
on_bus_closed (GDBusConnection *bus, gboolean remote_peer_vanished, GError *error, gpointer data)
{
  g_warning ("lost the D-Bus connection%s%s", error != NULL ? ": " : "",
             error != NULL ? error->message : "");
  exit_status = 1;
  g_main_loop_quit (data);
}

static void
init_gettext (void)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

static gboolean
parse_options (int *argc, char ***argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (GError) error = NULL;

  g_option_context_set_summary (context, _ ("The phone's web administration pages."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("phonesec-web: %s\n", error->message);
      return FALSE;
    }
  return TRUE;
}

static char *
choose_state_dir (void)
{
  return g_strdup (opt_state_dir != NULL          ? opt_state_dir
                   : g_getenv ("STATE_DIRECTORY") ? g_getenv ("STATE_DIRECTORY")
                                                  : "/var/lib/phonesec-web");
}

static gboolean
open_bus (PhonesecWeb *web)
{
  g_autoptr (GError) error = NULL;

  web->bus = phonesec_bus_connect (opt_bus, &error);
  if (web->bus == NULL)
    {
      g_printerr ("phonesec-web: cannot connect to the bus: %s\n", error->message);
      return FALSE;
    }
  g_dbus_connection_set_exit_on_close (web->bus, FALSE);
  return TRUE;
}

/* HTTP or HTTPS, where to listen (*listen_address stays NULL when
 * Enable_Web_Server is No and --listen is not given), and which parameter
 * changes need a restart. */
static gboolean
choose_serving (PhonesecWeb *web, GSocketAddress **listen_address)
{
  g_autoptr (GError) error = NULL;
  gboolean enabled = TRUE;
  gboolean https = TRUE;
  guint port = 80;

  if (!read_web_settings (web->bus, &enabled, &port, &https, &error))
    {
      g_printerr ("phonesec-web: cannot read the web server settings: %s\n", error->message);
      return FALSE;
    }
  /* --http (tests, development) overrides Enable_Protocol. */
  web->https = opt_http ? FALSE : https;
  watch_protocol = !opt_http;
  watch_tls = web->https;
  watch_listen = *listen_address == NULL;
  if (*listen_address == NULL)
    {
      if (!enabled)
        {
          /* Stays up without listening, to start serving when it is set
           * back to Yes. */
          g_message ("Enable_Web_Server is No: not serving");
        }
      else
        {
          g_autoptr (GInetAddress) any = g_inet_address_new_any (G_SOCKET_FAMILY_IPV6);
          /* Web_Server_Port is the HTTP port; HTTPS uses 443. */
          *listen_address = g_inet_socket_address_new (any, web->https ? 443 : (guint16) port);
        }
    }
  return TRUE;
}

/* The account hashes (made at first start) and the French catalogue. */
static gboolean
load_accounts_and_catalogue (PhonesecWeb *web)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *mo_path = NULL;

  web->accounts = phonesec_web_accounts_load (web->state_dir, &error);
  if (web->accounts == NULL)
    {
      g_printerr ("phonesec-web: accounts: %s\n", error->message);
      return FALSE;
    }
  mo_path = g_build_filename (locale_dir (), "fr", "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);
  web->fr = phonesec_web_mo_new_from_file (mo_path, &error);
  if (web->fr == NULL)
    g_warning ("French pages will show English: %s", error->message);
  return TRUE;
}

/* Over HTTPS: the TLS policy, then the device certificate. */
static gboolean
prepare_tls (PhonesecWeb *web, GTlsCertificate **certificate)
{
  g_autoptr (GError) error = NULL;

  if (!web->https)
    return TRUE;
  apply_tls_policy (web->bus);
  *certificate = phonesec_web_cert_ensure (web->state_dir, &error);
  if (*certificate == NULL)
    {
      g_printerr ("phonesec-web: %s\n", error->message);
      return FALSE;
    }
  return TRUE;
}

/* Tests and scripts/dev-run read this line for the chosen port. */
static void
print_listening (PhonesecWeb *web, GSocketAddress *bound_address)
{
  GInetSocketAddress *local = G_INET_SOCKET_ADDRESS (bound_address);
  g_autofree char *host = g_inet_address_to_string (g_inet_socket_address_get_address (local));

  printf ("phonesec-web: listening on %s://%s%s%s:%u/\n", web->https ? "https" : "http",
          strchr (host, ':') != NULL ? "[" : "", host, strchr (host, ':') != NULL ? "]" : "",
          g_inet_socket_address_get_port (local));
}

static gboolean
start_serving (PhonesecWeb *web, GTlsCertificate *certificate, GSocketAddress *listen_address)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocketAddress) bound_address = NULL;

  /* TLS is the listener's: libsoup gets connections once their handshake is done. */
  web->server = soup_server_new ("server-header", "phonesec-web", NULL);
  web->sessions = phonesec_web_sessions_new ();
  web->throttle = phonesec_web_throttle_new ();
  phonesec_web_events_init (web);
  soup_server_add_handler (web->server, NULL, phonesec_web_handle, web, NULL);
  g_signal_connect (web->server, "request-started", G_CALLBACK (phonesec_web_request_started), web);

  web->listener = phonesec_web_listener_new (web->server, web->https ? certificate : NULL);
  if (listen_address != NULL
      && !phonesec_web_listener_listen (web->listener, listen_address, &bound_address, &error))
    {
      g_printerr ("phonesec-web: cannot listen: %s\n", error->message);
      return FALSE;
    }
  if (bound_address != NULL)
    print_listening (web, bound_address);
  fflush (stdout);
  return TRUE;
}

/* Until SIGTERM or SIGINT, the bus is lost, or a parameter read at start
 * changes (restart_requested). */
static void
run_main_loop (PhonesecWeb *web, GMainLoop *loop)
{
  guint config_subscription, daemon_watch;

  g_unix_signal_add (SIGTERM, on_signal, loop);
  g_unix_signal_add (SIGINT, on_signal, loop);
  g_signal_connect (web->bus, "closed", G_CALLBACK (on_bus_closed), loop);
  config_subscription = g_dbus_connection_signal_subscribe (
      web->bus, PHONESEC_DBUS_NAME, PHONESEC_DBUS_INTERFACE_CONFIG, "Changed", PHONESEC_DBUS_PATH,
      NULL, G_DBUS_SIGNAL_FLAGS_NONE, on_config_changed, loop, NULL);
  daemon_watch
      = g_bus_watch_name_on_connection (web->bus, PHONESEC_DBUS_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                        on_daemon_appeared, NULL, NULL, NULL);
  g_main_loop_run (loop);
  g_bus_unwatch_name (daemon_watch);
  g_dbus_connection_signal_unsubscribe (web->bus, config_subscription);
  g_signal_handlers_disconnect_by_func (web->bus, on_bus_closed, loop);
}

static void
shut_down (PhonesecWeb *web)
{
  phonesec_web_events_shutdown (web);
  phonesec_web_login_shutdown (web);
  soup_server_disconnect (web->server);
  g_clear_object (&web->server);
  phonesec_web_listener_free (web->listener);
  phonesec_web_sessions_free (web->sessions);
  phonesec_web_throttle_free (web->throttle);
  phonesec_web_mo_free (web->fr);
  g_key_file_unref (web->accounts);
  g_clear_object (&web->bus);
}

/* Same pid, same arguments: the new process reads the parameters again. */
static void
reexecute (void)
{
  /* Every descriptor is close-on-exec (GLib's default). */
  execv (self_path != NULL ? self_path : "/proc/self/exe", saved_argv);
  g_printerr ("phonesec-web: cannot re-execute: %s\n", g_strerror (errno));
  exit_status = 1;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  g_autoptr (GSocketAddress) listen_address = NULL;
  g_autoptr (GTlsCertificate) certificate = NULL;
  g_autofree char *state_dir = NULL;
  PhonesecWeb web = { 0 };

  g_auto (GStrv) argv_copy = g_strdupv (argv);

  init_gettext ();
  if (!parse_options (&argc, &argv))
    return 2;
  state_dir = choose_state_dir ();
  if (opt_set_password != NULL)
    return set_password (state_dir);

  if (opt_listen != NULL && !parse_listen (opt_listen, &listen_address, &error))
    {
      g_printerr ("phonesec-web: %s\n", error->message);
      return 2;
    }
  saved_argv = g_strdupv (argv_copy);
  /* Resolved now: the binary may be replaced by an upgrade later, and
   * valgrind answers this readlink with the program it runs. */
  self_path = g_file_read_link ("/proc/self/exe", NULL);
  if (g_mkdir_with_parents (state_dir, 0700) != 0)
    {
      g_printerr ("phonesec-web: cannot create %s: %s\n", state_dir, g_strerror (errno));
      return 1;
    }

  web.state_dir = state_dir;
  if (!open_bus (&web) || !choose_serving (&web, &listen_address)
      || !load_accounts_and_catalogue (&web) || !prepare_tls (&web, &certificate)
      || !start_serving (&web, certificate, listen_address))
    return 1;

  loop = g_main_loop_new (NULL, FALSE);
  run_main_loop (&web, loop);
  shut_down (&web);
  if (restart_requested && exit_status == 0)
    reexecute ();
  g_strfreev (saved_argv);
  g_free (self_path);
  return exit_status;
}
