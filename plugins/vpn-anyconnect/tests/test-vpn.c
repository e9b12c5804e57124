/* test-vpn.c: the vpn-anyconnect plugin (org.phonesec.PhoneSec1.Vpn)
 * against a real ocserv, through a real phonesecd on a private bus.
 *
 * Each test makes two network namespaces joined by a veth pair
 * (vpn-fixture.c): ocserv listens on 443 in the "server" one; phonesecd
 * runs in the "client" one (PHONESEC_DAEMON_WRAPPER="ip netns exec NS",
 * the bus socket being a path, reachable from any namespace), so the
 * tunnel interface, its routes and /sys/class/net are the namespace's, and
 * /etc/netns/NS/{resolv.conf,hosts} stand in for the host's files.
 *
 * The plugin is copied (0644, its script 0755) from
 * PHONESEC_VPN_PLUGIN_DIR, the folder its build fills; phonesecd trusts
 * the run's test CA (--ca-file).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "phonesec-test-bus.h"
#include "tls-fixture.h"
#include "vpn-fixture.h"

#define BUS_NAME PHONESEC_DBUS_NAME
#define VPN_PATH PHONESEC_DBUS_PLUGINS_PATH "/vpn_anyconnect"
#define VPN_IFACE PHONESEC_DBUS_INTERFACE_PREFIX "Vpn"
#define IFNAME "vpn0"

#define USER "alice"
#define PASSWORD "Vpn-Pass-4d7e1c9b"
#define WRONG_PASSWORD "Not-The-Pass-77"
#define GROUP "phones"

/* The tunnel is up ~0.12 s after openconnect starts; valgrind makes it
 * seconds. */
#define CONNECT_TIMEOUT_MS 20000
/* After a server loss: retries 1 s, 2 s, 4 s... after the loss. */
#define RECONNECT_TIMEOUT_MS 30000

/* --- the run's PKI --------------------------------------------------------- */

static struct
{
  char *dir;
  PhonesecTestCa *ca;                /* given to the daemon with --ca-file */
  PhonesecTestCa *other_ca;          /* never trusted */
  PhonesecTestCert *server;          /* IP SAN 10.201.0.1, DNS SAN vpn.test */
  PhonesecTestCert *other_ca_server; /* the same names, issued by other_ca */
} pki;

static void
pki_make (void)
{
  g_autoptr (GError) error = NULL;
  const PhonesecTestCertSpec good = { .cn = PHONESEC_VPN_SERVER_NAME,
                                      .ip_address = PHONESEC_VPN_SERVER_IP,
                                      .dns_name = PHONESEC_VPN_SERVER_NAME };

  phonesec_test_require_gnutls_bin ();
  phonesec_test_require_vpn_tools ();
  pki.dir = g_dir_make_tmp ("phonesec-vpn-pki-XXXXXX", &error);
  g_assert_no_error (error);
  g_chmod (pki.dir, 0755);
  pki.ca = phonesec_test_ca_new (pki.dir, "phonesec VPN test CA");
  pki.other_ca = phonesec_test_ca_new (pki.dir, "another VPN test CA");
  pki.server = phonesec_test_ca_issue (pki.ca, "vpn-server", &good);
  pki.other_ca_server = phonesec_test_ca_issue (pki.other_ca, "vpn-other-ca", &good);
}

static void
pki_free (void)
{
  g_clear_pointer (&pki.server, phonesec_test_cert_free);
  g_clear_pointer (&pki.other_ca_server, phonesec_test_cert_free);
  g_clear_pointer (&pki.ca, phonesec_test_ca_free);
  g_clear_pointer (&pki.other_ca, phonesec_test_ca_free);
  if (g_getenv ("PHONESEC_TEST_KEEP") == NULL)
    phonesec_test_rm_rf (pki.dir);
  g_clear_pointer (&pki.dir, g_free);
}

/* --- fixture --------------------------------------------------------------- */

typedef struct
{
  PhonesecTestBus *bus;
  PhonesecVpnNet *net;
  PhonesecOcserv *ocserv;
  GPtrArray *states; /* State values seen in PropertiesChanged, in order */
  guint subscription;
} Fixture;

static void
copy_file (const char *from, const char *to, int mode)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  g_file_get_contents (from, &contents, &length, &error);
  g_assert_no_error (error);
  g_file_set_contents_full (to, contents, length, G_FILE_SET_CONTENTS_NONE, mode, &error);
  g_assert_no_error (error);
  g_chmod (to, mode);
}

/* The built plugin, and its script (0755) that the daemon runs from the
 * test's copy. */
static void
copy_plugin (PhonesecTestBus *bus)
{
  g_autofree char *from = NULL;
  g_autofree char *script = g_build_filename (bus->plugin_dir, "phonesec-vpn-script", NULL);

  phonesec_test_bus_add_plugin (bus, "PHONESEC_VPN_PLUGIN_DIR");
  from = g_build_filename (g_getenv ("PHONESEC_VPN_PLUGIN_DIR"), "phonesec-vpn-script", NULL);
  if (!g_file_test (from, G_FILE_TEST_IS_REGULAR))
    g_error ("the vpn-anyconnect plugin is not built: %s is missing", from);
  copy_file (from, script, 0755);
  /* The daemon inherits it: the plugin runs this copy. */
  g_setenv ("PHONESEC_VPN_SCRIPT", script, TRUE);
}

static void
on_properties_changed (GDBusConnection *connection, const char *sender, const char *path,
                       const char *interface, const char *signal, GVariant *parameters,
                       gpointer user_data)
{
  Fixture *f = user_data;
  const char *iface;
  g_autoptr (GVariant) changed = NULL;
  const char *state;

  g_variant_get (parameters, "(&s@a{sv}@as)", &iface, &changed, NULL);
  if (strcmp (iface, VPN_IFACE) == 0 && g_variant_lookup (changed, "State", "&s", &state))
    g_ptr_array_add (f->states, g_strdup (state));
}

static void
start_daemon (Fixture *f)
{
  /* phonesecd (under the configured wrapper, valgrind for example) in the
   * client namespace. */
  const char *outer = g_getenv ("PHONESEC_VPN_OUTER_WRAPPER");
  g_autofree char *wrapper
      = g_strdup_printf ("ip netns exec %s %s", f->net->client_ns, outer != NULL ? outer : "");

  g_setenv ("PHONESEC_DAEMON_WRAPPER", wrapper, TRUE);
  phonesec_test_bus_start_daemon (f->bus);
}

static void
setup (Fixture *f, gconstpointer data)
{
  f->net = phonesec_vpn_net_new ();
  f->bus = phonesec_test_bus_new ();
  f->states = g_ptr_array_new_with_free_func (g_free);
  copy_plugin (f->bus);
  g_ptr_array_add (f->bus->extra_args, g_strdup_printf ("--ca-file=%s", pki.ca->cert->cert_path));
  /* Debug messages (openconnect's output) in the log: for the failure
   * messages and for the secrecy test. */
  g_ptr_array_add (f->bus->extra_args, g_strdup ("--verbose"));
  f->subscription = g_dbus_connection_signal_subscribe (
      f->bus->connection, NULL, "org.freedesktop.DBus.Properties", "PropertiesChanged", VPN_PATH,
      VPN_IFACE, G_DBUS_SIGNAL_FLAGS_NONE, on_properties_changed, f, NULL);
  start_daemon (f);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  if (f->subscription != 0)
    g_dbus_connection_signal_unsubscribe (f->bus->connection, f->subscription);
  /* Every test ends with a clean daemon stop (exit status 0: under
   * valgrind or ASan that includes no error), and the tunnel is gone. */
  if (f->bus->daemon != NULL)
    {
      phonesec_test_bus_stop_daemon (f->bus);
      g_assert_false (phonesec_vpn_net_has_link (f->net->client_ns, IFNAME));
    }
  g_clear_pointer (&f->bus, phonesec_test_bus_free);
  g_clear_pointer (&f->ocserv, phonesec_ocserv_free);
  g_clear_pointer (&f->net, phonesec_vpn_net_free);
  g_clear_pointer (&f->states, g_ptr_array_unref);
}

static void
start_ocserv_full (Fixture *f, const PhonesecTestCert *cert, const char *group,
                   const char *priority)
{
  const PhonesecOcservSpec spec
      = { .cert = cert, .user = USER, .password = PASSWORD, .group = group, .priority = priority };

  f->ocserv = phonesec_ocserv_start (f->net, &spec, f->bus->tmpdir);
}

static void
start_ocserv (Fixture *f, const PhonesecTestCert *cert, const char *group)
{
  const PhonesecOcservSpec spec
      = { .cert = cert, .user = USER, .password = PASSWORD, .group = group };

  f->ocserv = phonesec_ocserv_start (f->net, &spec, f->bus->tmpdir);
}

/* --- D-Bus helpers ----------------------------------------------------------- */

static GVariant *
vpn_get (Fixture *f, const char *name)
{
  return phonesec_test_get_property (f->bus, VPN_PATH, VPN_IFACE, name);
}

static char *
vpn_get_string (Fixture *f, const char *name)
{
  g_autoptr (GVariant) v = vpn_get (f, name);

  return g_variant_dup_string (v, NULL);
}

static guint64
vpn_get_uint64 (Fixture *f, const char *name)
{
  g_autoptr (GVariant) v = vpn_get (f, name);

  return g_variant_get_uint64 (v);
}

static GVariant *
vpn_call (Fixture *f, const char *method, GError **error)
{
  return g_dbus_connection_call_sync (f->bus->connection, BUS_NAME, VPN_PATH, VPN_IFACE, method,
                                      NULL, G_VARIANT_TYPE_UNIT, G_DBUS_CALL_FLAGS_NONE, 30000,
                                      NULL, error);
}

static void
vpn_connect (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = vpn_call (f, "Connect", &error);

  g_assert_no_error (error);
}

static void
apply_settings (Fixture *f, const char *server, const char *password)
{
  g_autoptr (GError) error = NULL;

  phonesec_test_apply_strings (f->bus, &error, "VPN_Server", server, "VPN_User_Name", USER,
                               "VPN_Password", password, NULL);
  g_assert_no_error (error);
}

typedef struct
{
  Fixture *f;
  const char *state;
  gboolean negate;
} StateWait;

static gboolean
state_is (gpointer data)
{
  StateWait *w = data;
  g_autofree char *state = vpn_get_string (w->f, "State");

  g_usleep (5000);
  return (g_strcmp0 (state, w->state) == 0) != w->negate;
}

/* Waits for State (or for it to leave @state); shows the daemon's log
 * when it does not come. */
static void
wait_state_full (Fixture *f, const char *state, gboolean negate, guint ms)
{
  StateWait w = { f, state, negate };

  if (!phonesec_test_wait_until (state_is, &w, ms))
    {
      g_autofree char *now = vpn_get_string (f, "State");
      g_autofree char *last_error = vpn_get_string (f, "LastError");
      g_autofree char *log = phonesec_test_bus_dup_log (f->bus);
      g_autofree char *olog = f->ocserv != NULL ? phonesec_ocserv_dup_log (f->ocserv) : NULL;

      g_error ("State is %s (LastError '%s'), waited %u ms for %s%s\ndaemon log:\n%s\nocserv "
               "log:\n%s",
               now, last_error, ms, negate ? "anything but " : "", state, log,
               olog != NULL ? olog : "");
    }
}

static void
wait_state (Fixture *f, const char *state, guint ms)
{
  wait_state_full (f, state, FALSE, ms);
}

static gboolean
has_tunnel (Fixture *f)
{
  return phonesec_vpn_net_has_link (f->net->client_ns, IFNAME);
}

/* The address ocserv gave its client: the peer of its tun interface. */
static char *
server_side_peer (Fixture *f)
{
  const char *argv[] = { "ip", "-4", "-o", "addr", "show", NULL };
  g_autofree char *out = NULL;
  const char *peer;

  g_assert_cmpint (phonesec_vpn_net_run (f->net->server_ns, &out, argv), ==, 0);
  peer = strstr (out, " peer ");
  if (peer == NULL)
    return NULL;
  peer += strlen (" peer ");
  return g_strndup (peer, strcspn (peer, "/ "));
}

static gboolean
ping_through_tunnel (Fixture *f)
{
  const char *argv[]
      = { "ping", "-c", "3", "-i", "0.2", "-W", "2", "-I", IFNAME, PHONESEC_VPN_SERVER_TUNNEL_IP,
          NULL };
  g_autofree char *out = NULL;
  int status = phonesec_vpn_net_run (f->net->client_ns, &out, argv);

  g_test_message ("ping: %s", out);
  return status == 0;
}

/* The openconnect child of the daemon, 0 if none. */
static int
find_openconnect (Fixture *f)
{
  const char *daemon = g_subprocess_get_identifier (f->bus->daemon);
  g_autoptr (GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *stat_path = g_build_filename ("/proc", name, "stat", NULL);
      g_autofree char *stat = NULL;
      g_auto (GStrv) fields = NULL;
      const char *close_paren;

      if (!g_ascii_isdigit (name[0]) || !g_file_get_contents (stat_path, &stat, NULL, NULL))
        continue;
      close_paren = strrchr (stat, ')');
      if (close_paren == NULL || strstr (stat, "(openconnect)") == NULL)
        continue;
      fields = g_strsplit (close_paren + 2, " ", 4);
      if (fields[0] != NULL && fields[1] != NULL && g_strcmp0 (fields[1], daemon) == 0)
        return atoi (name);
    }
  return 0;
}

static gboolean
file_contains (const char *path, const char *needle)
{
  g_autofree char *contents = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;
  /* cmdline and environ are NUL-separated. */
  for (gsize i = 0; i < length; i++)
    if (contents[i] == '\0')
      contents[i] = '\n';
  return strstr (contents, needle) != NULL;
}

/* Whether a PropertiesChanged gave State=@state, letting the signals that
 * follow the property reads arrive for up to 5 s. */
static gboolean
saw_state_within (Fixture *f, const char *state, guint ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) ms * 1000;

  while (!g_ptr_array_find_with_equal_func (f->states, state, g_str_equal, NULL))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return TRUE;
}

static gboolean
saw_state (Fixture *f, const char *state)
{
  return saw_state_within (f, state, 5000);
}

static double
connect_and_time (Fixture *f)
{
  gint64 start = g_get_monotonic_time ();

  vpn_connect (f);
  wait_state (f, "connected", CONNECT_TIMEOUT_MS);
  return (g_get_monotonic_time () - start) / 1000.0;
}

/* --- tests ------------------------------------------------------------------- */

/* The fixture's own check: openconnect by hand reaches ocserv and pings. */
static void
test_fixture_openconnect (Fixture *f, gconstpointer data)
{
  g_autofree char *out = NULL;
  const char *argv[] = { "sh", "-c",
                         "echo '" PASSWORD "' | timeout 10 openconnect --non-inter "
                         "--passwd-on-stdin --user=" USER " --cafile=\"$0\" --authenticate "
                         "https://" PHONESEC_VPN_SERVER_NAME "/",
                         pki.ca->cert->cert_path, NULL };

  start_ocserv (f, pki.server, NULL);
  g_assert_cmpint (phonesec_vpn_net_run (f->net->client_ns, &out, argv), ==, 0);
  g_assert_nonnull (strstr (out, "COOKIE="));
}

static void
test_connect (Fixture *f, gconstpointer data)
{
  g_autofree char *address = NULL;
  g_autofree char *netmask = NULL;
  g_autofree char *server = NULL;
  g_autofree char *peer = NULL;
  g_autofree char *last_error = NULL;
  g_autoptr (GVariant) since = NULL;
  guint64 sent0, received0;
  double ms;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint connecting = G_MAXUINT, connected = G_MAXUINT;

  start_ocserv (f, pki.server, NULL);
  /* By name: the client namespace's /etc/hosts has it. */
  apply_settings (f, PHONESEC_VPN_SERVER_NAME, PASSWORD);
  {
    g_autofree char *state = vpn_get_string (f, "State");
    g_assert_cmpstr (state, ==, "disconnected");
  }
  g_assert_false (has_tunnel (f));

  ms = connect_and_time (f);
  g_test_message ("Connect() to State=connected: %.0f ms", ms);
  g_assert_true (saw_state (f, "connected"));

  /* connecting, then connected, in that order. */
  for (guint i = 0; i < f->states->len; i++)
    {
      if (strcmp (f->states->pdata[i], "connecting") == 0 && connecting == G_MAXUINT)
        connecting = i;
      if (strcmp (f->states->pdata[i], "connected") == 0 && connected == G_MAXUINT)
        connected = i;
    }
  g_assert_cmpuint (connecting, <, connected);
  g_assert_cmpuint (connected, !=, G_MAXUINT);

  address = vpn_get_string (f, "IpAddress");
  netmask = vpn_get_string (f, "Netmask");
  server = vpn_get_string (f, "Server");
  last_error = vpn_get_string (f, "LastError");
  since = vpn_get (f, "ConnectedSince");
  peer = server_side_peer (f);
  g_assert_cmpstr (address, ==, peer);
  g_assert_true (g_str_has_prefix (address, "10.77.0."));
  g_assert_cmpstr (netmask, ==, PHONESEC_VPN_POOL_NETMASK);
  g_assert_cmpstr (server, ==, PHONESEC_VPN_SERVER_NAME);
  g_assert_cmpstr (last_error, ==, "");
  g_assert_cmpint (g_variant_get_int64 (since), >=, now - 5);
  g_assert_cmpint (g_variant_get_int64 (since), <=, now + 60);

  /* The interface has the address in the client namespace. */
  {
    const char *argv[] = { "ip", "-4", "-o", "addr", "show", "dev", IFNAME, NULL };
    g_autofree char *out = NULL;
    g_autofree char *expect = g_strdup_printf (" %s/24 ", address);

    g_assert_cmpint (phonesec_vpn_net_run (f->net->client_ns, &out, argv), ==, 0);
    g_assert_nonnull (strstr (out, expect));
  }

  sent0 = vpn_get_uint64 (f, "BytesSent");
  received0 = vpn_get_uint64 (f, "BytesReceived");
  g_assert_true (ping_through_tunnel (f));
  /* Refreshed every second. */
  for (int i = 0; i < 300; i++)
    {
      if (vpn_get_uint64 (f, "BytesSent") >= sent0 + 3 * 84
          && vpn_get_uint64 (f, "BytesReceived") >= received0 + 3 * 84)
        break;
      g_usleep (10000);
    }
  g_assert_cmpuint (vpn_get_uint64 (f, "BytesSent"), >=, sent0 + 3 * 84);
  g_assert_cmpuint (vpn_get_uint64 (f, "BytesReceived"), >=, received0 + 3 * 84);

  /* ocserv offers DTLS (udp-port): the tunnel uses it. */
  for (int i = 0; i < 500; i++)
    {
      g_autofree char *transport = vpn_get_string (f, "Transport");

      if (g_str_equal (transport, "dtls"))
        break;
      g_assert_cmpstr (transport, ==, "tls");
      g_usleep (10000);
    }
  {
    g_autofree char *transport = vpn_get_string (f, "Transport");
    g_assert_cmpstr (transport, ==, "dtls");
  }

  /* The DNS server ocserv pushes changed no resolver file. */
  {
    g_autofree char *resolv = NULL;
    g_autofree char *ns_resolv
        = g_build_filename ("/etc/netns", f->net->client_ns, "resolv.conf", NULL);

    g_assert_true (g_file_get_contents (ns_resolv, &resolv, NULL, NULL));
    g_assert_null (strstr (resolv, PHONESEC_VPN_SERVER_TUNNEL_IP));
  }
}

static void
test_failure (Fixture *f, const PhonesecTestCert *cert, const char *server, const char *password,
              const char *expected_error)
{
  g_autofree char *last_error = NULL;

  start_ocserv (f, cert, NULL);
  apply_settings (f, server, password);
  vpn_connect (f);
  wait_state (f, "failed", CONNECT_TIMEOUT_MS);
  last_error = vpn_get_string (f, "LastError");
  g_test_message ("LastError: %s", last_error);
  g_assert_nonnull (strstr (last_error, expected_error));
  g_assert_false (has_tunnel (f));
  g_assert_null (strstr (last_error, password));
  /* Not retried: the same settings cannot succeed. */
  g_usleep (1500 * 1000);
  {
    g_autofree char *state = vpn_get_string (f, "State");
    g_assert_cmpstr (state, ==, "failed");
  }
  g_assert_cmpint (find_openconnect (f), ==, 0);
  g_assert_false (has_tunnel (f));
}

static void
test_wrong_password (Fixture *f, gconstpointer data)
{
  test_failure (f, pki.server, PHONESEC_VPN_SERVER_IP, WRONG_PASSWORD,
                "refused the user name or the password");
}

static void
test_wrong_ca (Fixture *f, gconstpointer data)
{
  test_failure (f, pki.other_ca_server, PHONESEC_VPN_SERVER_IP, PASSWORD, "is not trusted");
}

static void
test_wrong_host_name (Fixture *f, gconstpointer data)
{
  /* other.test resolves to the server, whose certificate does not list it. */
  test_failure (f, pki.server, PHONESEC_VPN_OTHER_NAME, PASSWORD,
                "not valid for the name " PHONESEC_VPN_OTHER_NAME);
}

static void
test_server_lost_and_back (Fixture *f, gconstpointer data)
{
  g_autofree char *last_error = NULL;
  gint64 t0;

  start_ocserv (f, pki.server, NULL);
  apply_settings (f, PHONESEC_VPN_SERVER_IP, PASSWORD);
  connect_and_time (f);
  g_assert_true (has_tunnel (f));

  phonesec_ocserv_kill (f->ocserv);
  t0 = g_get_monotonic_time ();
  wait_state_full (f, "connected", TRUE, RECONNECT_TIMEOUT_MS);
  g_test_message ("server lost: State left connected after %.0f ms",
                  (g_get_monotonic_time () - t0) / 1000.0);
  {
    g_autofree char *state = vpn_get_string (f, "State");
    g_autofree char *address = vpn_get_string (f, "IpAddress");

    g_assert_cmpstr (state, ==, "connecting");
    g_assert_cmpstr (address, ==, "");
  }
  last_error = vpn_get_string (f, "LastError");
  g_test_message ("LastError: %s", last_error);
  g_assert_cmpstr (last_error, !=, "");

  phonesec_ocserv_restart (f->ocserv);
  t0 = g_get_monotonic_time ();
  wait_state (f, "connected", RECONNECT_TIMEOUT_MS);
  g_test_message ("server back: connected again after %.0f ms",
                  (g_get_monotonic_time () - t0) / 1000.0);
  g_assert_true (has_tunnel (f));
  g_assert_true (ping_through_tunnel (f));
}

static void
test_disconnect (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autofree char *state = NULL;
  g_autofree char *address = NULL;

  start_ocserv (f, pki.server, NULL);
  apply_settings (f, PHONESEC_VPN_SERVER_IP, PASSWORD);
  connect_and_time (f);
  g_assert_true (has_tunnel (f));

  reply = vpn_call (f, "Disconnect", &error);
  g_assert_no_error (error);
  /* Disconnect returns once the tunnel is gone. */
  state = vpn_get_string (f, "State");
  address = vpn_get_string (f, "IpAddress");
  g_assert_cmpstr (state, ==, "disconnected");
  g_assert_cmpstr (address, ==, "");
  {
    g_autofree char *transport = vpn_get_string (f, "Transport");
    g_assert_cmpstr (transport, ==, "");
  }
  g_assert_false (has_tunnel (f));
  g_assert_cmpint (find_openconnect (f), ==, 0);
  g_assert_true (saw_state (f, "disconnected"));
  g_assert_true (saw_state (f, "disconnecting"));
  /* ocserv was told: its end of the tunnel goes away too. */
  for (int i = 0; i < 200 && server_side_peer (f) != NULL; i++)
    g_usleep (10000);
  g_assert_null (server_side_peer (f));

  /* Not reconnected behind the user's back. */
  g_usleep (1500 * 1000);
  g_clear_pointer (&state, g_free);
  state = vpn_get_string (f, "State");
  g_assert_cmpstr (state, ==, "disconnected");
  g_assert_false (has_tunnel (f));
}

static void
test_connect_on_bootup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  start_ocserv (f, pki.server, NULL);
  apply_settings (f, PHONESEC_VPN_SERVER_IP, PASSWORD);
  phonesec_test_apply_strings (f->bus, &error, "Connect_on_Bootup", "Yes", NULL);
  g_assert_no_error (error);
  /* Connect_on_Bootup alone does not connect now: at the next start. */
  g_usleep (500 * 1000);
  {
    g_autofree char *state = vpn_get_string (f, "State");
    g_assert_cmpstr (state, ==, "disconnected");
  }

  phonesec_test_bus_stop_daemon (f->bus);
  start_daemon (f);
  wait_state (f, "connected", CONNECT_TIMEOUT_MS);
  g_assert_true (has_tunnel (f));

  /* Daemon stop tears the tunnel down. */
  phonesec_test_bus_stop_daemon (f->bus);
  g_assert_false (has_tunnel (f));
  for (int i = 0; i < 200 && server_side_peer (f) != NULL; i++)
    g_usleep (10000);
  g_assert_null (server_side_peer (f));
}

static void
test_config_change_reconnects (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *last_error = NULL;

  start_ocserv (f, pki.server, NULL);
  apply_settings (f, PHONESEC_VPN_SERVER_IP, PASSWORD);
  connect_and_time (f);

  /* The server by name now: a new connection to it. */
  g_ptr_array_set_size (f->states, 0);
  phonesec_test_apply_strings (f->bus, &error, "VPN_Server", PHONESEC_VPN_SERVER_NAME, NULL);
  g_assert_no_error (error);
  wait_state_full (f, "connected", TRUE, CONNECT_TIMEOUT_MS);
  wait_state (f, "connected", CONNECT_TIMEOUT_MS);
  {
    g_autofree char *server = vpn_get_string (f, "Server");
    g_assert_cmpstr (server, ==, PHONESEC_VPN_SERVER_NAME);
  }
  g_assert_true (saw_state (f, "connecting"));

  /* A wrong password: the new settings are used, and refused. */
  phonesec_test_apply_strings (f->bus, &error, "VPN_Password", WRONG_PASSWORD, NULL);
  g_assert_no_error (error);
  wait_state (f, "failed", CONNECT_TIMEOUT_MS);
  last_error = vpn_get_string (f, "LastError");
  g_assert_nonnull (strstr (last_error, "refused the user name or the password"));
  g_assert_false (has_tunnel (f));

  /* Fixed: connected again without a Connect(). */
  phonesec_test_apply_strings (f->bus, &error, "VPN_Password", PASSWORD, NULL);
  g_assert_no_error (error);
  wait_state (f, "connected", CONNECT_TIMEOUT_MS);
}

static void
test_tunnel_group (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *address = NULL;

  start_ocserv (f, pki.server, GROUP);
  apply_settings (f, PHONESEC_VPN_SERVER_IP, PASSWORD);
  phonesec_test_apply_strings (f->bus, &error, "VPN_Tunnel_Group", GROUP, NULL);
  g_assert_no_error (error);
  connect_and_time (f);
  /* The group's pool, not the default one: the group was selected. */
  address = vpn_get_string (f, "IpAddress");
  g_assert_true (g_str_has_prefix (address, "10.78.0."));
}

static void
test_tunnel_group_wrong (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *last_error = NULL;

  start_ocserv (f, pki.server, GROUP);
  apply_settings (f, PHONESEC_VPN_SERVER_IP, PASSWORD);
  phonesec_test_apply_strings (f->bus, &error, "VPN_Tunnel_Group", "sales", NULL);
  g_assert_no_error (error);
  vpn_connect (f);
  wait_state (f, "failed", CONNECT_TIMEOUT_MS);
  last_error = vpn_get_string (f, "LastError");
  g_test_message ("LastError: %s", last_error);
  g_assert_nonnull (strstr (last_error, "does not offer the tunnel group 'sales'"));
  g_assert_false (has_tunnel (f));
  /* Never connected with another group instead. */
  g_assert_true (saw_state (f, "failed"));
  g_assert_false (saw_state_within (f, "connected", 200));
}

static void
test_connect_needs_server (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = vpn_call (f, "Connect", &error);
  g_autofree char *state = NULL;

  g_assert_null (reply);
  g_assert_true (g_dbus_error_is_remote_error (error));
  {
    g_autofree char *name = g_dbus_error_get_remote_error (error);
    g_assert_cmpstr (name, ==, PHONESEC_DBUS_ERROR_PREFIX "InvalidValue");
  }
  g_assert_nonnull (strstr (error->message, "VPN_Server"));
  state = vpn_get_string (f, "State");
  g_assert_cmpstr (state, ==, "disconnected");
}

static void
test_child_crash (Fixture *f, gconstpointer data)
{
  int pid;
  g_autofree char *log = NULL;

  start_ocserv (f, pki.server, NULL);
  apply_settings (f, PHONESEC_VPN_SERVER_IP, PASSWORD);
  connect_and_time (f);
  pid = find_openconnect (f);
  g_assert_cmpint (pid, >, 0);
  kill (pid, SIGSEGV);
  wait_state_full (f, "connected", TRUE, CONNECT_TIMEOUT_MS);
  /* Recorded as a crash, then retried. */
  wait_state (f, "connected", RECONNECT_TIMEOUT_MS);
  log = phonesec_test_bus_dup_log (f->bus);
  g_assert_nonnull (strstr (log, "Crash recorded: openconnect"));
}

static void
test_password_never_shown (Fixture *f, gconstpointer data)
{
  int pid;
  g_autofree char *cmdline = NULL;
  g_autofree char *environ_path = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) proc = NULL;
  const char *name;

  start_ocserv (f, pki.server, NULL);
  /* A failed attempt first: its messages must not show it either. */
  apply_settings (f, PHONESEC_VPN_SERVER_IP, WRONG_PASSWORD);
  vpn_connect (f);
  wait_state (f, "failed", CONNECT_TIMEOUT_MS);
  apply_settings (f, PHONESEC_VPN_SERVER_IP, PASSWORD);
  vpn_connect (f);
  wait_state (f, "connected", CONNECT_TIMEOUT_MS);

  /* The child: not in its arguments or environment. */
  pid = find_openconnect (f);
  g_assert_cmpint (pid, >, 0);
  cmdline = g_strdup_printf ("/proc/%d/cmdline", pid);
  environ_path = g_strdup_printf ("/proc/%d/environ", pid);
  g_assert_true (g_file_test (cmdline, G_FILE_TEST_EXISTS));
  g_assert_true (file_contains (cmdline, "--passwd-on-stdin"));
  g_assert_false (file_contains (cmdline, PASSWORD));
  g_assert_true (file_contains (environ_path, "PATH="));
  g_assert_false (file_contains (environ_path, PASSWORD));
  /* Nor in any process's. */
  proc = g_dir_open ("/proc", 0, NULL);
  while ((name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *c = g_build_filename ("/proc", name, "cmdline", NULL);
      g_autofree char *e = g_build_filename ("/proc", name, "environ", NULL);

      if (!g_ascii_isdigit (name[0]))
        continue;
      g_assert_false (file_contains (c, PASSWORD));
      g_assert_false (file_contains (e, PASSWORD));
      g_assert_false (file_contains (c, WRONG_PASSWORD));
      g_assert_false (file_contains (e, WRONG_PASSWORD));
    }

  /* D-Bus: every property of the plugin, the configuration and the export. */
  {
    g_autoptr (GVariant) all = g_dbus_connection_call_sync (
        f->bus->connection, BUS_NAME, VPN_PATH, "org.freedesktop.DBus.Properties", "GetAll",
        g_variant_new ("(s)", VPN_IFACE), NULL, G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);
    g_autofree char *text = NULL;
    g_autoptr (GVariant) value = phonesec_test_get (f->bus, "VPN_Password");
    g_autoptr (GVariant) objects = g_dbus_connection_call_sync (
        f->bus->connection, BUS_NAME, PHONESEC_DBUS_PATH, "org.freedesktop.DBus.ObjectManager",
        "GetManagedObjects", NULL, NULL, G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);
    g_autofree char *objects_text = NULL;

    g_assert_no_error (error);
    text = g_variant_print (all, TRUE);
    g_assert_null (strstr (text, PASSWORD));
    g_assert_cmpstr (g_variant_get_string (value, NULL), ==, "");
    objects_text = g_variant_print (objects, TRUE);
    g_assert_null (strstr (objects_text, PASSWORD));
    g_assert_null (strstr (objects_text, WRONG_PASSWORD));
  }
  g_assert_cmpint (phonesec_test_apply_strings (f->bus, &error, "VPN_Password", PASSWORD, NULL), !=,
                   G_MAXUINT64);
  /* The daemon's log, with debug messages on. */
  {
    g_autoptr (GVariant) reply = NULL;
    g_autofree char *log = NULL;

    reply = vpn_call (f, "Disconnect", &error);
    g_assert_no_error (error);
    phonesec_test_bus_stop_daemon (f->bus);
    log = phonesec_test_bus_dup_log (f->bus);
    g_assert_nonnull (strstr (log, "openconnect"));
    g_assert_null (strstr (log, PASSWORD));
    g_assert_null (strstr (log, WRONG_PASSWORD));
  }
}

static char *
dup_name_owner (Fixture *f)
{
  g_autoptr (GVariant) reply = g_dbus_connection_call_sync (
      f->bus->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
      "GetNameOwner", g_variant_new ("(s)", BUS_NAME), G_VARIANT_TYPE ("(s)"),
      G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  char *owner = NULL;

  if (reply != NULL)
    g_variant_get (reply, "(s)", &owner);
  return owner;
}

static gboolean
vpn_object_present (Fixture *f)
{
  g_autoptr (GVariant) reply = g_dbus_connection_call_sync (
      f->bus->connection, BUS_NAME, VPN_PATH, "org.freedesktop.DBus.Properties", "Get",
      g_variant_new ("(ss)", VPN_IFACE, "State"), G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE,
      10000, NULL, NULL);

  return reply != NULL;
}

/* A TLS policy parameter: phonesecd stays on the bus (only its network
 * service restarts) and the plugin, which watches the policy, takes it for
 * the next attempt. */
static void
apply_policy (Fixture *f, const char *name, const char *value)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *owner_before = dup_name_owner (f);
  g_autofree char *owner_after = NULL;

  phonesec_test_apply_strings (f->bus, &error, name, value, NULL);
  g_assert_no_error (error);
  owner_after = dup_name_owner (f);
  g_assert_cmpstr (owner_after, ==, owner_before);
  g_assert_true (vpn_object_present (f));
}

typedef struct
{
  Fixture *f;
  const char *needle;
} ErrorWait;

static gboolean
last_error_contains (gpointer data)
{
  ErrorWait *w = data;
  g_autofree char *last_error = vpn_get_string (w->f, "LastError");

  g_usleep (5000);
  return strstr (last_error, w->needle) != NULL;
}

/* The TLS policy applies to the VPN: a server below TLS_Min_Version is
 * refused; and a Connect() holds across policy changes: the tunnel is made
 * again under the new policy. */
static void
test_tls_policy (Fixture *f, gconstpointer data)
{
  ErrorWait w = { f, "The TLS connection to the VPN server" };
  g_autofree char *last_error = NULL;

  start_ocserv_full (f, pki.server, NULL, "NORMAL:%SERVER_PRECEDENCE:-VERS-ALL:+VERS-TLS1.2");
  apply_settings (f, PHONESEC_VPN_SERVER_IP, PASSWORD);
  apply_policy (f, "TLS_Min_Version", "TLS 1.3");
  vpn_connect (f);
  if (!phonesec_test_wait_until (last_error_contains, &w, CONNECT_TIMEOUT_MS))
    {
      g_autofree char *log = phonesec_test_bus_dup_log (f->bus);
      g_error ("no TLS failure reported; daemon log:\n%s", log);
    }
  last_error = vpn_get_string (f, "LastError");
  g_test_message ("LastError: %s", last_error);
  g_assert_false (saw_state_within (f, "connected", 100));
  g_assert_false (has_tunnel (f));

  /* Back to TLS 1.2: the plugin connects again by itself (Connect()
   * holds until Disconnect()). */
  g_ptr_array_set_size (f->states, 0);
  apply_policy (f, "TLS_Min_Version", "TLS 1.2");
  wait_state (f, "connected", CONNECT_TIMEOUT_MS);
  g_assert_true (has_tunnel (f));
}

/* Connect() is not forgotten by a daemon restart; Disconnect() is not
 * either. */
static void
test_daemon_restart_resumes (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;

  start_ocserv (f, pki.server, NULL);
  apply_settings (f, PHONESEC_VPN_SERVER_IP, PASSWORD);
  connect_and_time (f);
  phonesec_test_bus_stop_daemon (f->bus);
  g_assert_false (has_tunnel (f));
  start_daemon (f);
  wait_state (f, "connected", CONNECT_TIMEOUT_MS);

  reply = vpn_call (f, "Disconnect", &error);
  g_assert_no_error (error);
  phonesec_test_bus_stop_daemon (f->bus);
  start_daemon (f);
  g_usleep (1000 * 1000);
  {
    g_autofree char *state = vpn_get_string (f, "State");
    g_assert_cmpstr (state, ==, "disconnected");
  }
  g_assert_false (has_tunnel (f));
}

/* --- benchmark ----------------------------------------------------------------- */

#define BENCH_ROUNDS 9

static int bench_netns_fd = -1;

/* Child setup of the bare openconnect: straight into the client namespace,
 * without an extra program (ip netns exec) in front of it. */
static void
enter_client_netns (gpointer user_data)
{
  if (setns (bench_netns_fd, CLONE_NEWNET) != 0)
    _exit (127);
}

static double
median (double *v, guint n)
{
  for (guint i = 1; i < n; i++)
    for (guint j = i; j > 0 && v[j - 1] > v[j]; j--)
      {
        double t = v[j];
        v[j] = v[j - 1];
        v[j - 1] = t;
      }
  return v[n / 2];
}

/* The bare program as an admin would run it (the system's CAs and the
 * test CA, as the plugin's bundle holds), with the plugin's script: spawn
 * to the script's "connect" report (the tunnel configured). */
static double
bare_openconnect_ms (Fixture *f)
{
  g_autoptr (GSubprocessLauncher) launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                   | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr (GSubprocess) p = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDataInputStream) lines = NULL;
  g_autofree char *cafile = g_strdup_printf ("--cafile=%s", pki.ca->cert->cert_path);
  g_autofree char *script = g_strdup_printf ("--script=%s", g_getenv ("PHONESEC_VPN_SCRIPT"));
  gint64 start;
  double ms = -1;

  g_subprocess_launcher_set_child_setup (launcher, enter_client_netns, NULL, NULL);
  g_subprocess_launcher_setenv (launcher, "PHONESEC_VPN_RUNTIME_DIR", f->bus->tmpdir, TRUE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C", TRUE);
  start = g_get_monotonic_time ();
  p = g_subprocess_launcher_spawn (
      launcher, &error, "/usr/sbin/openconnect", "--protocol=anyconnect", "--non-inter",
      "--passwd-on-stdin", "--user=" USER, cafile, "--interface=" IFNAME, script, "--disable-ipv6",
      "--reconnect-timeout=0", "--", "https://" PHONESEC_VPN_SERVER_IP "/", NULL);
  g_assert_no_error (error);
  g_output_stream_write_all (g_subprocess_get_stdin_pipe (p), PASSWORD "\n", strlen (PASSWORD) + 1,
                             NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (g_subprocess_get_stdin_pipe (p), NULL, NULL);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (p));
  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line (lines, NULL, NULL, &error);

      if (line == NULL)
        break;
      if (strstr (line, "reason=connect") != NULL)
        {
          ms = (g_get_monotonic_time () - start) / 1000.0;
          break;
        }
    }
  g_assert_cmpfloat (ms, >, 0);
  g_subprocess_send_signal (p, SIGTERM);
  g_subprocess_wait (p, NULL, NULL);
  for (int i = 0; i < 200 && has_tunnel (f); i++)
    g_usleep (5000);
  g_assert_false (has_tunnel (f));
  return ms;
}

static void
test_bench_connect_time (Fixture *f, gconstpointer data)
{
  g_autofree char *ns_path = g_build_filename ("/run/netns", f->net->client_ns, NULL);
  double plugin[BENCH_ROUNDS], bare[BENCH_ROUNDS];
  double mp, mb;

  bench_netns_fd = open (ns_path, O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (bench_netns_fd, >=, 0);
  start_ocserv (f, pki.server, NULL);
  apply_settings (f, PHONESEC_VPN_SERVER_IP, PASSWORD);
  /* Interleaved, so both see the same machine load. */
  for (guint i = 0; i < BENCH_ROUNDS; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GVariant) reply = NULL;
      gint64 start;

      g_ptr_array_set_size (f->states, 0);
      start = g_get_monotonic_time ();
      vpn_connect (f);
      g_assert_true (saw_state_within (f, "connected", CONNECT_TIMEOUT_MS));
      plugin[i] = (g_get_monotonic_time () - start) / 1000.0;
      reply = vpn_call (f, "Disconnect", &error);
      g_assert_no_error (error);
      g_assert_false (has_tunnel (f));
      bare[i] = bare_openconnect_ms (f);
    }
  close (bench_netns_fd);
  mp = median (plugin, BENCH_ROUNDS);
  mb = median (bare, BENCH_ROUNDS);
  g_test_message ("Connect() to State=connected: median %.1f ms; bare openconnect to its "
                  "tunnel configured: median %.1f ms; ratio %.2f (goal <= 1.2) over %d rounds",
                  mp, mb, mp / mb, BENCH_ROUNDS);
  g_test_minimized_result (mp / mb, "plugin/bare connect time ratio");
}

int
main (int argc, char **argv)
{
  int status;
  const char *wrapper = g_getenv ("PHONESEC_DAEMON_WRAPPER");

  g_test_init (&argc, &argv, NULL);
  /* start_daemon() puts `ip netns exec` in front of any wrapper. */
  if (wrapper != NULL && g_getenv ("PHONESEC_VPN_OUTER_WRAPPER") == NULL)
    g_setenv ("PHONESEC_VPN_OUTER_WRAPPER", wrapper, TRUE);
  pki_make ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, setup, func, teardown)
  ADD ("/vpn/fixture/openconnect", test_fixture_openconnect);
  ADD ("/vpn/connect", test_connect);
  ADD ("/vpn/connect-needs-server", test_connect_needs_server);
  ADD ("/vpn/failure/wrong-password", test_wrong_password);
  ADD ("/vpn/failure/wrong-ca", test_wrong_ca);
  ADD ("/vpn/failure/wrong-host-name", test_wrong_host_name);
  ADD ("/vpn/server-lost-and-back", test_server_lost_and_back);
  ADD ("/vpn/disconnect", test_disconnect);
  ADD ("/vpn/connect-on-bootup", test_connect_on_bootup);
  ADD ("/vpn/config-change-reconnects", test_config_change_reconnects);
  ADD ("/vpn/tunnel-group/selected", test_tunnel_group);
  ADD ("/vpn/tunnel-group/unknown", test_tunnel_group_wrong);
  ADD ("/vpn/child-crash", test_child_crash);
  ADD ("/vpn/tls-policy/min-version", test_tls_policy);
  ADD ("/vpn/daemon-restart-resumes", test_daemon_restart_resumes);
  ADD ("/vpn/secrets/password-never-shown", test_password_never_shown);
  /* meson benchmark (-m perf): against the bare openconnect program. */
  if (g_test_perf ())
    ADD ("/vpn/bench/connect-time", test_bench_connect_time);
#undef ADD

  status = g_test_run ();
  pki_free ();
  return status;
}
