/* test-web-status-vpn.c: Info > Status in words, against real plugin
 * states and a real VPN connection.
 *
 * The fixture of tests/integration (test-vpn.c, test-phone-vpn.c):
 * phonesecd in a network namespace of its own with the VPN, proxy,
 * directory, problem report, metrics and SIP plugins, ocserv in another.
 * Then tests/web/test-web-status.js drives phonesec-web in headless
 * chromium (run-browser-test.sh): the status page in English and French
 * while the VPN connects and disconnects, the administrator's details, and
 * the user's view with no hidden value. Screenshots in
 * <build>/tests/web/artefacts-status/.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gstdio.h>

#include "phonesec-test-bus.h"
#include "tls-fixture.h"
#include "vpn-fixture.h"

#define USER "alice"
#define PASSWORD "Vpn-Pass-5e2a9f10"

typedef struct
{
  PhonesecTestCa *ca;
  PhonesecTestCert *server;
  PhonesecVpnNet *net;
  PhonesecTestBus *bus;
  PhonesecOcserv *ocserv;
  char *pki_dir;
} Fixture;

/* The plugins whose status screens the page shows. */
static void
add_plugins (PhonesecTestBus *bus)
{
  phonesec_vpn_add_plugin (bus);
  phonesec_test_bus_add_plugin (bus, "PHONESEC_HTTP_PROXY_PLUGIN_DIR");
  phonesec_test_bus_add_plugin (bus, "PHONESEC_LDAP_PLUGIN_DIR");
  phonesec_test_bus_add_plugin (bus, "PHONESEC_PRT_PLUGIN_DIR");
  phonesec_test_bus_add_plugin (bus, "PHONESEC_METRICS_PLUGIN_DIR");
  phonesec_test_bus_add_plugin (bus, "PHONESEC_SIP_PLUGIN_DIR");
}

static void
setup (Fixture *f, gconstpointer data)
{
  const PhonesecTestCertSpec names = { .cn = PHONESEC_VPN_SERVER_NAME,
                                       .ip_address = PHONESEC_VPN_SERVER_IP,
                                       .dns_name = PHONESEC_VPN_SERVER_NAME };
  PhonesecOcservSpec server = { .user = USER, .password = PASSWORD };
  g_autoptr (GError) error = NULL;
  g_autofree char *wrapper = NULL;

  phonesec_test_require_gnutls_bin ();
  phonesec_test_require_vpn_tools ();
  f->pki_dir = g_dir_make_tmp ("phonesec-web-status-pki-XXXXXX", &error);
  g_assert_no_error (error);
  g_chmod (f->pki_dir, 0755);
  f->ca = phonesec_test_ca_new (f->pki_dir, "phonesec web status test CA");
  f->server = phonesec_test_ca_issue (f->ca, "vpn-server", &names);

  f->net = phonesec_vpn_net_new ();
  f->bus = phonesec_test_bus_new ();
  add_plugins (f->bus);
  g_ptr_array_add (f->bus->extra_args, g_strdup_printf ("--ca-file=%s", f->ca->cert->cert_path));
  /* phonesecd (and the tunnel) in the client namespace; phonesec-web and
   * the browser stay outside and reach it through the bus's socket. */
  wrapper = g_strdup_printf ("ip netns exec %s", f->net->client_ns);
  g_setenv ("PHONESEC_DAEMON_WRAPPER", wrapper, TRUE);
  phonesec_test_bus_start_daemon (f->bus);
  server.cert = f->server;
  f->ocserv = phonesec_ocserv_start (f->net, &server, f->bus->tmpdir);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  phonesec_test_bus_stop_daemon (f->bus);
  g_clear_pointer (&f->bus, phonesec_test_bus_free);
  g_clear_pointer (&f->ocserv, phonesec_ocserv_free);
  g_clear_pointer (&f->net, phonesec_vpn_net_free);
  g_clear_pointer (&f->server, phonesec_test_cert_free);
  g_clear_pointer (&f->ca, phonesec_test_ca_free);
  phonesec_test_rm_rf (f->pki_dir);
  g_free (f->pki_dir);
}

static void
test_status_page_in_words (Fixture *f, gconstpointer data)
{
  const char *src = g_getenv ("PHONESEC_WEB_TEST_SRC");
  const char *build = g_getenv ("PHONESEC_WEB_TEST_BUILD");
  g_autofree char *runner = g_build_filename (src, "run-browser-test.sh", NULL);
  g_autofree char *artefacts = g_build_filename (build, "artefacts-status", NULL);
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr (GSubprocess) node = NULL;
  g_autoptr (GError) error = NULL;

  g_subprocess_launcher_unsetenv (launcher, "PHONESEC_DAEMON_WRAPPER");
  g_subprocess_launcher_setenv (launcher, "PHONESEC_TEST_BUS", f->bus->address, TRUE);
  g_subprocess_launcher_setenv (launcher, "PHONESEC_TEST_VPN_SERVER", PHONESEC_VPN_SERVER_NAME,
                                TRUE);
  g_subprocess_launcher_setenv (launcher, "PHONESEC_TEST_VPN_USER", USER, TRUE);
  g_subprocess_launcher_setenv (launcher, "PHONESEC_TEST_VPN_PASSWORD", PASSWORD, TRUE);
  g_subprocess_launcher_setenv (launcher, "PHONESEC_TEST_VPN_NETMASK", PHONESEC_VPN_POOL_NETMASK,
                                TRUE);
  g_subprocess_launcher_setenv (launcher, "PHONESEC_WEB_ARTEFACTS", artefacts, TRUE);
  node = g_subprocess_launcher_spawn (launcher, &error, "sh", runner, src, build,
                                      "test-web-status.js", NULL);
  g_assert_no_error (error);
  g_subprocess_wait (node, NULL, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (node))
    g_error ("test-web-status.js failed (its output is above)");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/web/status/in-words", Fixture, NULL, setup, test_status_page_in_words, teardown);
  return g_test_run ();
}
