/* test-http-proxy.c: the http-proxy plugin (org.phonesec.PhoneSec1.HttpProxy)
 * through a real phonesecd on a private bus, against a real tinyproxy, a
 * target HTTP server, a gnutls-serv HTTPS server and a Digest proxy on
 * loopback (proxy-fixture.c, tls-fixture.c).
 *
 * The request driver is the daemon's own shared SoupSession: TlsPolicy.Probe
 * (client soup) fetches any http:// or https:// URL with it, and that
 * session asks the core's proxy slot, where the plugin installs its
 * resolver. "Via the proxy" is asserted on the peers: the target records the
 * Via header tinyproxy adds (ViaProxyName phonesec-test-tinyproxy), and
 * tinyproxy's log names every connection it made (CONNECT lines).
 *
 * Every D-Bus reply, error and property, and the daemon's log, are checked
 * for the proxy passwords.
 *
 * The whole run happens in a network and mount namespace the program makes
 * for itself at start (root, before any thread): loopback only, a
 * resolv.conf bind-mounted over /etc/resolv.conf pointing at a dnsmasq on
 * 127.0.0.1:53 that knows wpad.b.example.com (127.0.0.1) and answers
 * NXDOMAIN for everything else, and a WPAD server on 127.0.0.1:80. Every
 * process the tests start (dbus-daemon, phonesecd, tinyproxy, gnutls-serv)
 * lives there too: nothing reaches the machine's network or DNS.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE
#include <errno.h>
#include <glib/gstdio.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "phonesec-test-bus.h"
#include "proxy-fixture.h"
#include "tls-fixture.h"

#define BUS_NAME PHONESEC_DBUS_NAME
#define TLS_POLICY PHONESEC_DBUS_INTERFACE_TLS_POLICY
#define PROXY_PATH PHONESEC_DBUS_PLUGINS_PATH "/http_proxy"
#define PROXY_IFACE PHONESEC_DBUS_INTERFACE_PREFIX "HttpProxy"
#define VIA_NAME "phonesec-test-tinyproxy"

#define PROXY_USER "phone-7f3a"
#define PROXY_PASSWORD "Pr0xy-Pass-4b7e"
#define WRONG_PASSWORD "Wr0ng-Pr0xy-1c9d"
#define DIGEST_PASSWORD "D1gest-Pr0xy-8e2f"

#define CALL_TIMEOUT_MS 30000

/* --- the run's PKI (for the https:// cases) -------------------------------- */

static struct
{
  char *dir;
  PhonesecTestCa *ca;
  PhonesecTestCert *server; /* IP SAN 127.0.0.1 */
} pki;

static void
pki_make (void)
{
  g_autoptr (GError) error = NULL;
  const PhonesecTestCertSpec spec = { .cn = "https.test", .ip_address = "127.0.0.1" };

  phonesec_test_require_gnutls_bin ();
  phonesec_test_require_tinyproxy ();
  pki.dir = g_dir_make_tmp ("phonesec-proxy-pki-XXXXXX", &error);
  g_assert_no_error (error);
  g_chmod (pki.dir, 0755);
  pki.ca = phonesec_test_ca_new (pki.dir, "phonesec proxy test CA");
  pki.server = phonesec_test_ca_issue (pki.ca, "https-server", &spec);
}

static void
pki_free (void)
{
  g_clear_pointer (&pki.server, phonesec_test_cert_free);
  g_clear_pointer (&pki.ca, phonesec_test_ca_free);
  if (g_getenv ("PHONESEC_TEST_KEEP") == NULL)
    phonesec_test_rm_rf (pki.dir);
  g_clear_pointer (&pki.dir, g_free);
}

/* --- the run's namespace, DNS and WPAD server --------------------------------- */

#define WPAD_NAME "wpad.b.example.com"

static struct
{
  char *dir;
  char *dnsmasq_log;
  GSubprocess *dnsmasq;
  PhonesecTestHttpServer *wpad; /* 127.0.0.1:80 */
} world;

/* dnsmasq drops its capabilities at start, which clears the parent-death
 * signal: a failing test kills it on the way out. */
static volatile pid_t dnsmasq_pid;

static void
kill_dnsmasq_and_die (int sig)
{
  if (dnsmasq_pid > 0)
    kill (dnsmasq_pid, SIGKILL);
  signal (sig, SIG_DFL);
  raise (sig);
}

/* Before any thread: unshare() refuses a multi-threaded process. */
static void
enter_namespace (void)
{
  if (getuid () != 0)
    g_error ("test-http-proxy needs root: it runs in a network namespace of its own");
  if (unshare (CLONE_NEWNS | CLONE_NEWNET) != 0)
    g_error ("unshare(CLONE_NEWNS | CLONE_NEWNET): %s", g_strerror (errno));
  if (mount ("none", "/", "none", MS_REC | MS_PRIVATE, NULL) != 0)
    g_error ("making the mounts private: %s", g_strerror (errno));
}

static void
run_or_die (const char *const *argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *err = NULL;
  gint status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, &err, &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    g_error ("%s failed: %s %s", argv[0], error != NULL ? error->message : "", err);
}

static gboolean
wpad_resolves (void)
{
  g_autoptr (GResolver) resolver = g_resolver_get_default ();
  GList *addresses = g_resolver_lookup_by_name (resolver, WPAD_NAME, NULL, NULL);
  gboolean found = addresses != NULL;

  g_resolver_free_addresses (addresses);
  return found;
}

static void
world_make (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *resolv = NULL;
  g_autofree char *log_arg = NULL;
  g_autofree char *out = NULL;
  g_autofree char *dnsmasq = g_find_program_in_path ("dnsmasq");
  const char *const lo_up[] = { "ip", "link", "set", "lo", "up", NULL };
  /* getaddrinfo's AI_ADDRCONFIG finds no IPv4 address on a host whose only
   * one is 127.0.0.1; a second loopback address is enough. */
  const char *const lo_addr[] = { "ip", "addr", "add", "127.0.0.53/8", "dev", "lo", NULL };

  if (dnsmasq == NULL && !g_file_test ("/usr/sbin/dnsmasq", G_FILE_TEST_IS_EXECUTABLE))
    g_error ("dnsmasq is not installed (apt-get install dnsmasq): never skipped");
  world.dir = g_dir_make_tmp ("phonesec-proxy-world-XXXXXX", &error);
  g_assert_no_error (error);
  g_chmod (world.dir, 0755);
  run_or_die (lo_up);
  run_or_die (lo_addr);

  /* No search list: only the names asked for are looked up. */
  resolv = g_build_filename (world.dir, "resolv.conf", NULL);
  g_file_set_contents (resolv, "nameserver 127.0.0.1\noptions timeout:1 attempts:2\n", -1, &error);
  g_assert_no_error (error);
  g_chmod (resolv, 0644);
  if (mount (resolv, "/etc/resolv.conf", "none", MS_BIND, NULL) != 0)
    g_error ("bind-mounting %s over /etc/resolv.conf: %s", resolv, g_strerror (errno));

  world.dnsmasq_log = g_build_filename (world.dir, "dnsmasq.log", NULL);
  log_arg = g_strconcat ("--log-facility=", world.dnsmasq_log, NULL);
  out = g_build_filename (world.dir, "dnsmasq.out", NULL);
  {
    const char *argv[]
        = { dnsmasq != NULL ? dnsmasq : "/usr/sbin/dnsmasq", "--keep-in-foreground",
            "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--bind-interfaces",
            "--listen-address=127.0.0.1", "--port=53", "--user=root", "--pid-file", "--log-queries",
            log_arg, "--address=/" WPAD_NAME "/127.0.0.1",
            /* Everything else: no such name. */
            "--address=/#/", NULL };
    g_autoptr (GSubprocessLauncher) launcher
        = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);

    g_subprocess_launcher_set_stdout_file_path (launcher, out);
    world.dnsmasq = g_subprocess_launcher_spawnv (launcher, argv, &error);
    g_assert_no_error (error);
    dnsmasq_pid = atoi (g_subprocess_get_identifier (world.dnsmasq));
    signal (SIGABRT, kill_dnsmasq_and_die);
    signal (SIGTRAP, kill_dnsmasq_and_die);
    signal (SIGSEGV, kill_dnsmasq_and_die);
    signal (SIGTERM, kill_dnsmasq_and_die);
  }
  for (guint i = 0; i < 100 && !wpad_resolves (); i++)
    g_usleep (50 * 1000);
  if (!wpad_resolves ())
    {
      g_autofree char *output = NULL;
      g_file_get_contents (out, &output, NULL, NULL);
      g_error ("dnsmasq does not answer %s:\n%s", WPAD_NAME, output);
    }
  world.wpad = phonesec_test_target_start_on (80);
}

static char *
dnsmasq_log (void)
{
  char *contents = NULL;

  if (!g_file_get_contents (world.dnsmasq_log, &contents, NULL, NULL))
    return g_strdup ("");
  return contents;
}

static void
world_free (void)
{
  g_clear_pointer (&world.wpad, phonesec_test_http_server_free);
  if (world.dnsmasq != NULL)
    {
      g_subprocess_force_exit (world.dnsmasq);
      g_subprocess_wait (world.dnsmasq, NULL, NULL);
      dnsmasq_pid = 0;
      g_clear_object (&world.dnsmasq);
    }
  umount ("/etc/resolv.conf");
  if (g_getenv ("PHONESEC_TEST_KEEP") == NULL)
    phonesec_test_rm_rf (world.dir);
  g_clear_pointer (&world.dir, g_free);
  g_clear_pointer (&world.dnsmasq_log, g_free);
}

/* --- fixture --------------------------------------------------------------- */

typedef struct
{
  PhonesecTestBus *bus;
  PhonesecTestHttpServer *target;
  PhonesecTinyproxy *tinyproxy;
  PhonesecTestHttpServer *digest_proxy;
  PhonesecTlsServer *https;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  f->bus = phonesec_test_bus_new ();
  phonesec_test_bus_add_plugin (f->bus, "PHONESEC_HTTP_PROXY_PLUGIN_DIR");
  g_ptr_array_add (f->bus->extra_args, g_strdup_printf ("--ca-file=%s", pki.ca->cert->cert_path));
  phonesec_test_bus_start_daemon (f->bus);
  f->target = phonesec_test_target_start ();
}

/* The configured secrets never show: not in @text, whatever it is. */
static void
assert_no_secret (const char *what, const char *text)
{
  const char *const secrets[] = { PROXY_PASSWORD, WRONG_PASSWORD, DIGEST_PASSWORD, NULL };

  for (guint i = 0; text != NULL && secrets[i] != NULL; i++)
    if (strstr (text, secrets[i]) != NULL)
      g_error ("%s contains the password %s:\n%s", what, secrets[i], text);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  /* The daemon's whole log, after everything the test did. */
  g_autofree char *log = phonesec_test_bus_dup_log (f->bus);

  assert_no_secret ("the phonesecd log", log);
  g_clear_pointer (&f->https, phonesec_tls_server_free);
  g_clear_pointer (&f->digest_proxy, phonesec_test_http_server_free);
  g_clear_pointer (&f->tinyproxy, phonesec_tinyproxy_free);
  g_clear_pointer (&f->target, phonesec_test_http_server_free);
  g_clear_pointer (&f->bus, phonesec_test_bus_free);
}

/* --- D-Bus helpers --------------------------------------------------------- */

static GVariant *
proxy_call (Fixture *f, const char *method, GVariant *args, const char *reply_type, GError **error)
{
  GVariant *reply = g_dbus_connection_call_sync (
      f->bus->connection, BUS_NAME, PROXY_PATH, PROXY_IFACE, method, args,
      G_VARIANT_TYPE (reply_type), G_DBUS_CALL_FLAGS_NONE, CALL_TIMEOUT_MS, NULL, error);

  if (reply != NULL)
    {
      g_autofree char *text = g_variant_print (reply, FALSE);
      assert_no_secret ("an HttpProxy reply", text);
    }
  else
    assert_no_secret ("an HttpProxy error", (*error)->message);
  return reply;
}

static char *
proxy_property (Fixture *f, const char *name)
{
  char *text = phonesec_test_dup_string_property (f->bus, PROXY_PATH, PROXY_IFACE, name);

  assert_no_secret (name, text);
  return text;
}

static void
assert_property (Fixture *f, const char *name, const char *expected)
{
  g_autofree char *value = proxy_property (f, name);

  g_assert_cmpstr (value, ==, expected);
}

static char *
find_proxy (Fixture *f, const char *url)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply
      = proxy_call (f, "FindProxyForURL", g_variant_new ("(s)", url), "(s)", &error);
  char *result;

  g_assert_no_error (error);
  g_variant_get (reply, "(s)", &result);
  return result;
}

static char *
get_proxies (Fixture *f, const char *url)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply
      = proxy_call (f, "GetProxies", g_variant_new ("(s)", url), "(as)", &error);
  g_autofree const char **proxies = NULL;

  g_assert_no_error (error);
  g_variant_get (reply, "(^a&s)", &proxies);
  return g_strjoinv (",", (char **) proxies);
}

static void
apply_ok (Fixture *f, ...)
{
  g_autoptr (GError) error = NULL;
  GVariantBuilder values;
  va_list ap;
  const char *name;

  g_variant_builder_init (&values, G_VARIANT_TYPE ("a{sv}"));
  va_start (ap, f);
  while ((name = va_arg (ap, const char *)) != NULL)
    g_variant_builder_add (&values, "{sv}", name, g_variant_new_string (va_arg (ap, const char *)));
  va_end (ap);
  phonesec_test_apply (f->bus, g_variant_builder_end (&values),
                       g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0), &error);
  g_assert_no_error (error);
}

static void
apply_manual (Fixture *f, guint16 port, const char *requires_auth, const char *user,
              const char *password)
{
  g_autofree char *port_text = g_strdup_printf ("%u", port);

  apply_ok (f, "Proxy_Mode", "Manual", "Proxy_Host", "127.0.0.1", "Proxy_Port", port_text,
            "Proxy_Server_Requires_Authentication", requires_auth, "Proxy_Username", user,
            "Proxy_Password", password, NULL);
}

/* TlsPolicy.Probe with the shared SoupSession: the HTTP status, or 0 with
 * @error when the request failed. */
static guint
fetch (Fixture *f, const char *url, GError **error)
{
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) result = NULL;
  GVariantBuilder options;
  guint32 status = 0;

  g_variant_builder_init (&options, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&options, "{sv}", "client", g_variant_new_string ("soup"));
  reply = phonesec_test_call (f->bus, TLS_POLICY, "Probe",
                              g_variant_new ("(s@a{sv})", url, g_variant_builder_end (&options)),
                              error);
  if (reply == NULL)
    {
      assert_no_secret ("a Probe error", (*error)->message);
      return 0;
    }
  {
    g_autofree char *text = g_variant_print (reply, FALSE);
    assert_no_secret ("a Probe reply", text);
    g_test_message ("Probe %s -> %s", url, text);
  }
  result = g_variant_get_child_value (reply, 0);
  g_assert_true (g_variant_lookup (result, "http-status", "u", &status));
  return status;
}

static guint
fetch_ok (Fixture *f, const char *url)
{
  g_autoptr (GError) error = NULL;
  guint status = fetch (f, url, &error);

  if (status == 0)
    {
      g_autofree char *log = phonesec_test_bus_dup_log (f->bus);
      g_error ("Probe %s failed: %s\nphonesecd log:\n%s", url, error->message, log);
    }
  return status;
}

static char *
target_url (Fixture *f, const char *path)
{
  return g_strdup_printf ("http://127.0.0.1:%u%s", phonesec_test_http_server_get_port (f->target),
                          path);
}

/* The target saw @path through tinyproxy (its Via) — or directly. */
static void
assert_target_saw (Fixture *f, const char *path, gboolean via_proxy)
{
  g_autoptr (PhonesecSeenRequest) seen = phonesec_test_http_server_dup_request (f->target, path);

  if (seen == NULL)
    g_error ("the target server never saw %s", path);
  if (via_proxy)
    {
      if (seen->via == NULL || strstr (seen->via, VIA_NAME) == NULL)
        g_error ("%s reached the target without going through tinyproxy (Via: %s)", path,
                 seen->via != NULL ? seen->via : "none");
    }
  else if (seen->via != NULL)
    g_error ("%s went through a proxy (Via: %s), expected direct", path, seen->via);
  /* Neither tinyproxy nor the phone hands the proxy credentials on. */
  if (seen->proxy_authorization != NULL)
    g_error ("%s reached the target with Proxy-Authorization: %s", path, seen->proxy_authorization);
}

static guint
count_in_log (const char *log, const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (log, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

/* --- tests ----------------------------------------------------------------- */

/* Off (the default): direct connections, DIRECT answers. */
static void
test_off_direct (Fixture *f, gconstpointer data)
{
  g_autofree char *url = target_url (f, "/off");
  g_autofree char *pac = NULL;
  g_autofree char *proxies = NULL;
  g_autofree char *log = NULL;
  g_autofree char *port = NULL;

  f->tinyproxy = phonesec_tinyproxy_start (f->bus->tmpdir, NULL, NULL);
  port = g_strdup_printf ("%u", f->tinyproxy->port);
  /* A proxy is configured but the mode is Off: it must not be used. */
  apply_ok (f, "Proxy_Host", "127.0.0.1", "Proxy_Port", port, NULL);
  assert_property (f, "Mode", "Off");
  assert_property (f, "State", "off");
  assert_property (f, "LastError", "");
  assert_property (f, "PacUrl", "");
  assert_property (f, "PacSource", "");
  pac = find_proxy (f, url);
  g_assert_cmpstr (pac, ==, "DIRECT");
  proxies = get_proxies (f, url);
  g_assert_cmpstr (proxies, ==, "direct://");

  g_assert_cmpuint (fetch_ok (f, url), ==, 200);
  assert_target_saw (f, "/off", FALSE);
  log = phonesec_tinyproxy_dup_log (f->tinyproxy);
  g_assert_cmpuint (count_in_log (log, "Established connection"), ==, 0);
}

/* Manual without authentication: every request goes through the proxy;
 * going back to Off goes direct again. */
static void
test_manual_via_proxy (Fixture *f, gconstpointer data)
{
  g_autofree char *url = target_url (f, "/manual");
  g_autofree char *url_off = target_url (f, "/manual-then-off");
  g_autofree char *expected_pac = NULL;
  g_autofree char *expected_uri = NULL;
  g_autofree char *pac = NULL;
  g_autofree char *proxies = NULL;
  g_autofree char *log = NULL;

  f->tinyproxy = phonesec_tinyproxy_start (f->bus->tmpdir, NULL, NULL);
  apply_manual (f, f->tinyproxy->port, "No", "", "");
  assert_property (f, "Mode", "Manual");
  assert_property (f, "State", "manual");
  assert_property (f, "LastError", "");

  expected_pac = g_strdup_printf ("PROXY 127.0.0.1:%u", f->tinyproxy->port);
  expected_uri = g_strdup_printf ("http://127.0.0.1:%u", f->tinyproxy->port);
  pac = find_proxy (f, url);
  g_assert_cmpstr (pac, ==, expected_pac);
  proxies = get_proxies (f, "https://example.com/");
  g_assert_cmpstr (proxies, ==, expected_uri);

  g_assert_cmpuint (fetch_ok (f, url), ==, 200);
  assert_target_saw (f, "/manual", TRUE);
  log = phonesec_tinyproxy_dup_log (f->tinyproxy);
  g_assert_cmpuint (count_in_log (log, "Established connection"), ==, 1);

  apply_ok (f, "Proxy_Mode", "Off", NULL);
  assert_property (f, "State", "off");
  g_assert_cmpuint (fetch_ok (f, url_off), ==, 200);
  assert_target_saw (f, "/manual-then-off", FALSE);
}

/* A keep-alive connection made directly before Manual was set must not
 * carry the next request past the proxy. */
static void
test_mode_change_no_stale_connection (Fixture *f, gconstpointer data)
{
  g_autofree char *url_direct = target_url (f, "/stale-direct");
  g_autofree char *url_proxied = target_url (f, "/stale-proxied");

  f->tinyproxy = phonesec_tinyproxy_start (f->bus->tmpdir, NULL, NULL);
  g_assert_cmpuint (fetch_ok (f, url_direct), ==, 200);
  assert_target_saw (f, "/stale-direct", FALSE);
  apply_manual (f, f->tinyproxy->port, "No", "", "");
  g_assert_cmpuint (fetch_ok (f, url_proxied), ==, 200);
  assert_target_saw (f, "/stale-proxied", TRUE);
}

/* Basic proxy authentication with the right credentials: 200 through the
 * proxy, for http:// (absolute-URI request) and https:// (CONNECT). */
static void
test_basic_auth_right (Fixture *f, gconstpointer data)
{
  g_autofree char *url = target_url (f, "/basic-right");
  g_autofree char *log = NULL;

  f->tinyproxy = phonesec_tinyproxy_start (f->bus->tmpdir, PROXY_USER, PROXY_PASSWORD);
  apply_manual (f, f->tinyproxy->port, "Yes", PROXY_USER, PROXY_PASSWORD);
  g_assert_cmpuint (fetch_ok (f, url), ==, 200);
  assert_target_saw (f, "/basic-right", TRUE);
  assert_property (f, "LastError", "");

  f->https = phonesec_tls_server_start (pki.server, "NORMAL", f->bus->tmpdir);
  g_assert_cmpuint (fetch_ok (f, f->https->https_url), ==, 200);
  log = phonesec_tinyproxy_dup_log (f->tinyproxy);
  g_test_message ("tinyproxy log:\n%s", log);
  /* The tunnel went through tinyproxy. */
  g_assert_cmpuint (count_in_log (log, "Established connection"), ==, 2);
  assert_property (f, "LastError", "");
}

static void
assert_auth_failure (Fixture *f, const char *url, guint expected_status)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *last_error = NULL;
  gint64 start = g_get_monotonic_time ();
  guint status = fetch (f, url, &error);

  /* A failure, with the proxy's status: never a 200, never a loop. */
  if (status == 0)
    g_test_message ("Probe failed: %s", error->message);
  else if (expected_status == 0) /* the proxy's choice */
    g_assert_true (status == 401 || status == 407);
  else
    g_assert_cmpuint (status, ==, expected_status);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_TIME_SPAN_SECOND);
  last_error = proxy_property (f, "LastError");
  g_test_message ("LastError: %s", last_error);
  g_assert_nonnull (strstr (last_error, "roxy authentication"));
}

/* Wrong credentials: tinyproxy answers 401 (not 407). The request fails
 * once, clearly, and the target is never reached. */
static void
test_basic_auth_wrong (Fixture *f, gconstpointer data)
{
  g_autofree char *url = target_url (f, "/basic-wrong");
  g_autofree char *last_error = NULL;
  g_autofree char *log = NULL;

  f->tinyproxy = phonesec_tinyproxy_start (f->bus->tmpdir, PROXY_USER, PROXY_PASSWORD);
  apply_manual (f, f->tinyproxy->port, "Yes", PROXY_USER, WRONG_PASSWORD);
  assert_auth_failure (f, url, 401);
  last_error = proxy_property (f, "LastError");
  g_assert_nonnull (strstr (last_error, "refused"));
  /* Again: the cached (wrong) credentials fail the same way. */
  assert_auth_failure (f, url, 401);
  g_assert_cmpuint (phonesec_test_http_server_count (f->target, "/basic-wrong"), ==, 0);

  /* https:// (CONNECT) fails the same way. */
  f->https = phonesec_tls_server_start (pki.server, "NORMAL", f->bus->tmpdir);
  assert_auth_failure (f, f->https->https_url, 401);

  /* Correcting the password works at once (the cache was forgotten). */
  apply_ok (f, "Proxy_Password", PROXY_PASSWORD, NULL);
  assert_property (f, "LastError", "");
  g_assert_cmpuint (fetch_ok (f, url), ==, 200);
  assert_target_saw (f, "/basic-wrong", TRUE);
  log = phonesec_tinyproxy_dup_log (f->tinyproxy);
  g_assert_cmpuint (count_in_log (log, "Established connection"), ==, 1);
}

/* The proxy wants credentials the phone was not given: 407, and LastError
 * says authentication is required. */
static void
test_auth_none (Fixture *f, gconstpointer data)
{
  g_autofree char *url = target_url (f, "/auth-none");
  g_autofree char *last_error = NULL;

  f->tinyproxy = phonesec_tinyproxy_start (f->bus->tmpdir, PROXY_USER, PROXY_PASSWORD);
  /* The password is set but authentication is off: it must not be sent. */
  apply_manual (f, f->tinyproxy->port, "No", PROXY_USER, PROXY_PASSWORD);
  assert_auth_failure (f, url, 407);
  last_error = proxy_property (f, "LastError");
  g_assert_nonnull (strstr (last_error, "Proxy_Server_Requires_Authentication"));
  g_assert_cmpuint (phonesec_test_http_server_count (f->target, "/auth-none"), ==, 0);

  /* Required but no user name: 407 as well, saying so. */
  apply_ok (f, "Proxy_Server_Requires_Authentication", "Yes", "Proxy_Username", "", NULL);
  assert_auth_failure (f, url, 0);
  g_free (last_error);
  last_error = proxy_property (f, "LastError");
  g_assert_nonnull (strstr (last_error, "Proxy_Username is empty"));
}

/* Digest proxy authentication, when the proxy asks for it. */
static void
test_digest_auth (Fixture *f, gconstpointer data)
{
  g_autoptr (PhonesecSeenRequest) seen = NULL;

  f->digest_proxy = phonesec_test_digest_proxy_start (PROXY_USER, DIGEST_PASSWORD);
  apply_manual (f, phonesec_test_http_server_get_port (f->digest_proxy), "Yes", PROXY_USER,
                DIGEST_PASSWORD);
  g_assert_cmpuint (fetch_ok (f, "http://digest-target.test/digest"), ==, 200);
  seen = phonesec_test_http_server_dup_request (f->digest_proxy, "/digest");
  g_assert_nonnull (seen);
  g_assert_cmpstr (seen->auth_user, ==, PROXY_USER);
  g_assert_nonnull (seen->proxy_authorization);
  g_assert_true (g_str_has_prefix (seen->proxy_authorization, "Digest "));
  assert_no_secret ("the Digest Proxy-Authorization", seen->proxy_authorization);
  /* Challenged once (407), then accepted. */
  g_assert_cmpuint (phonesec_test_http_server_count (f->digest_proxy, "/digest"), ==, 2);
  assert_property (f, "LastError", "");

  /* Wrong Digest password: a second 407 (retrying) ends it, clearly. */
  apply_ok (f, "Proxy_Password", WRONG_PASSWORD, NULL);
  assert_auth_failure (f, "http://digest-target.test/digest-wrong", 407);
  /* One 407 (the cached Digest auth carries the new, wrong password
   * preemptively) or two (challenge, then refusal): never more. */
  g_assert_cmpuint (phonesec_test_http_server_count (f->digest_proxy, "/digest-wrong"), >=, 1);
  g_assert_cmpuint (phonesec_test_http_server_count (f->digest_proxy, "/digest-wrong"), <=, 2);
}

/* --- credentials go only to the proxy that asked for them --------------- */

static PhonesecTestHttpServer *
https_target_start (void)
{
  return phonesec_test_https_target_start (pki.server->cert_path, pki.server->key_path);
}

static char *
server_url (PhonesecTestHttpServer *server, const char *scheme, const char *path)
{
  return g_strdup_printf ("%s://127.0.0.1:%u%s", scheme,
                          phonesec_test_http_server_get_port (server), path);
}

/* @server saw @path, never with a Proxy-Authorization header. */
static void
assert_no_credentials_at (PhonesecTestHttpServer *server, const char *path)
{
  g_autoptr (PhonesecSeenRequest) seen = phonesec_test_http_server_dup_request (server, path);
  guint with = phonesec_test_http_server_count_credentials (server, path);

  if (seen == NULL)
    g_error ("the server never saw %s", path);
  if (with > 0)
    g_error ("%s arrived %u time(s) with Proxy-Authorization (last: %s)", path, with,
             seen->proxy_authorization != NULL ? seen->proxy_authorization : "none");
}

/* Manual with Basic authentication, used once through tinyproxy. */
static void
use_basic_auth (Fixture *f, const char *path)
{
  g_autofree char *url = target_url (f, path);

  if (f->tinyproxy == NULL)
    f->tinyproxy = phonesec_tinyproxy_start (f->bus->tmpdir, PROXY_USER, PROXY_PASSWORD);
  apply_manual (f, f->tinyproxy->port, "Yes", PROXY_USER, PROXY_PASSWORD);
  g_assert_cmpuint (fetch_ok (f, url), ==, 200);
  assert_target_saw (f, path, TRUE);
  assert_property (f, "LastError", "");
}

/* The issue's report: after Manual with authentication, Off goes direct
 * with no Proxy-Authorization at all (it carried "Basic Og==", an empty
 * user:password), to http:// and https:// servers alike. */
static void
test_no_credentials_after_off (Fixture *f, gconstpointer data)
{
  g_autoptr (PhonesecTestHttpServer) https = https_target_start ();
  g_autofree char *direct = target_url (f, "/off-after-auth");
  g_autofree char *direct_tls = server_url (https, "https", "/off-after-auth-tls");

  use_basic_auth (f, "/auth-before-off");
  apply_ok (f, "Proxy_Mode", "Off", NULL);
  g_assert_cmpuint (fetch_ok (f, direct), ==, 200);
  assert_target_saw (f, "/off-after-auth", FALSE);
  g_assert_cmpuint (fetch_ok (f, direct_tls), ==, 200);
  assert_no_credentials_at (https, "/off-after-auth-tls");
}

/* https:// through the authenticating proxy: the CONNECT carries the
 * credentials, the request inside the tunnel (the origin server's) not. */
static void
test_no_credentials_in_tunnel (Fixture *f, gconstpointer data)
{
  g_autoptr (PhonesecTestHttpServer) https = https_target_start ();
  g_autofree char *url = server_url (https, "https", "/in-tunnel");
  g_autofree char *log = NULL;

  use_basic_auth (f, "/auth-before-tunnel");
  g_assert_cmpuint (fetch_ok (f, url), ==, 200);
  assert_no_credentials_at (https, "/in-tunnel");
  /* It did go through tinyproxy (which let only an authenticated CONNECT in). */
  log = phonesec_tinyproxy_dup_log (f->tinyproxy);
  g_assert_cmpuint (count_in_log (log, "Established connection"), ==, 2);
}

/* Manual without Proxy_Host goes direct: the credentials stay home. */
static void
test_no_credentials_direct_in_manual (Fixture *f, gconstpointer data)
{
  g_autofree char *url = target_url (f, "/manual-no-host");

  use_basic_auth (f, "/auth-before-no-host");
  apply_ok (f, "Proxy_Host", "", NULL);
  assert_property (f, "State", "error");
  g_assert_cmpuint (fetch_ok (f, url), ==, 200);
  assert_target_saw (f, "/manual-no-host", FALSE);
}

/* Proxy_Port now names another proxy, one that never asks for
 * credentials: it never gets the first one's. (The target server stands in
 * for that proxy: it answers absolute-URI requests itself.) */
static void
test_no_credentials_to_other_proxy (Fixture *f, gconstpointer data)
{
  g_autoptr (PhonesecTestHttpServer) other = phonesec_test_target_start ();
  g_autofree char *port = g_strdup_printf ("%u", phonesec_test_http_server_get_port (other));

  use_basic_auth (f, "/auth-before-other");
  apply_ok (f, "Proxy_Port", port, NULL);
  g_assert_cmpuint (fetch_ok (f, "http://origin.test/to-other-proxy"), ==, 200);
  assert_no_credentials_at (other, "/to-other-proxy");
}

/* Credentials cleared, or authentication turned off: the Digest proxy that
 * asked before gets no Proxy-Authorization, not even one made of an empty
 * user name and password; the request ends with its 407. */
static void
test_no_credentials_after_clearing (Fixture *f, gconstpointer data)
{
  f->digest_proxy = phonesec_test_digest_proxy_start (PROXY_USER, DIGEST_PASSWORD);
  apply_manual (f, phonesec_test_http_server_get_port (f->digest_proxy), "Yes", PROXY_USER,
                DIGEST_PASSWORD);
  g_assert_cmpuint (fetch_ok (f, "http://digest-target.test/digest-before"), ==, 200);

  apply_ok (f, "Proxy_Username", "", "Proxy_Password", "", NULL);
  assert_auth_failure (f, "http://digest-target.test/digest-cleared", 407);
  assert_no_credentials_at (f->digest_proxy, "/digest-cleared");

  apply_ok (f, "Proxy_Server_Requires_Authentication", "No", "Proxy_Username", PROXY_USER,
            "Proxy_Password", DIGEST_PASSWORD, NULL);
  assert_auth_failure (f, "http://digest-target.test/digest-auth-off", 407);
  assert_no_credentials_at (f->digest_proxy, "/digest-auth-off");
}

/* Manual mode with no host: nothing to use, State=error saying why. */
static void
test_manual_empty_host (Fixture *f, gconstpointer data)
{
  g_autofree char *last_error = NULL;
  g_autofree char *url = target_url (f, "/empty-host");

  apply_ok (f, "Proxy_Mode", "Manual", NULL);
  assert_property (f, "State", "error");
  last_error = proxy_property (f, "LastError");
  g_assert_nonnull (strstr (last_error, "Proxy_Host is empty"));
  g_assert_cmpuint (fetch_ok (f, url), ==, 200);
  assert_target_saw (f, "/empty-host", FALSE);
}

/* An invalid Proxy_Host is refused by Apply and nothing changes. */
static void
test_invalid_host_rejected (Fixture *f, gconstpointer data)
{
  const char *const bad[] = { "http://proxy.example.com",
                              "proxy.example.com:3128",
                              "user:" PROXY_PASSWORD "@proxy.example.com",
                              "proxy/path",
                              "bad host",
                              NULL };
  guint16 port;
  g_autofree char *port_text = NULL;

  f->tinyproxy = phonesec_tinyproxy_start (f->bus->tmpdir, NULL, NULL);
  port = f->tinyproxy->port;
  port_text = g_strdup_printf ("%u", port);
  apply_ok (f, "Proxy_Mode", "Manual", "Proxy_Host", "127.0.0.1", "Proxy_Port", port_text, NULL);
  for (guint i = 0; bad[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GVariant) host = NULL;
      g_autofree char *remote = NULL;
      g_autofree char *expected = g_strdup_printf ("http://127.0.0.1:%u", port);
      g_autofree char *proxies = NULL;

      phonesec_test_apply_strings (f->bus, &error, "Proxy_Mode", "Off", "Proxy_Host", bad[i], NULL);
      g_assert_nonnull (error);
      remote = g_dbus_error_get_remote_error (error);
      g_assert_cmpstr (remote, ==, PHONESEC_DBUS_ERROR_PREFIX "InvalidValue");
      g_assert_nonnull (strstr (error->message, "Proxy_Host"));
      assert_no_secret ("the Apply error", error->message);
      /* Nothing changed: neither the host nor the mode given with it. */
      host = phonesec_test_get (f->bus, "Proxy_Host");
      g_assert_cmpstr (g_variant_get_string (host, NULL), ==, "127.0.0.1");
      assert_property (f, "Mode", "Manual");
      proxies = get_proxies (f, "http://example.com/");
      g_assert_cmpstr (proxies, ==, expected);
    }
}

/* Bad URL arguments: InvalidArgs, the URL (it may hold a password) never
 * echoed; credentials in a good URL are dropped. */
static void
test_bad_url (Fixture *f, gconstpointer data)
{
  const char *const bad[] = { "",        "not a url",  "example.com",
                              "http://", "/path/only", "http://user:" PROXY_PASSWORD "@",
                              NULL };
  g_autofree char *pac = NULL;

  for (guint i = 0; bad[i] != NULL; i++)
    for (guint m = 0; m < 2; m++)
      {
        g_autoptr (GError) error = NULL;
        g_autoptr (GVariant) reply
            = proxy_call (f, m == 0 ? "FindProxyForURL" : "GetProxies",
                          g_variant_new ("(s)", bad[i]), m == 0 ? "(s)" : "(as)", &error);

        g_assert_null (reply);
        g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS);
      }
  pac = find_proxy (f, "http://user:" PROXY_PASSWORD "@example.com/x");
  g_assert_cmpstr (pac, ==, "DIRECT");
}

/* Auto mode: without the PAC components built, it says so and goes direct. */
static void
test_auto_state (Fixture *f, gconstpointer data)
{
  g_autofree char *state = NULL;
  g_autofree char *proxies = NULL;
  g_autofree char *url = target_url (f, "/auto");

  apply_ok (f, "Proxy_Mode", "Auto", "Use_Auto_Discovery__WPAD_", "No", "PAC_URL",
            "http://127.0.0.1:9/none.pac", NULL);
  assert_property (f, "Mode", "Auto");
  state = proxy_property (f, "State");
  g_assert_true (g_str_equal (state, "discovering") || g_str_equal (state, "error"));
  proxies = get_proxies (f, url);
  g_assert_cmpstr (proxies, ==, "direct://");
  g_assert_cmpuint (fetch_ok (f, url), ==, 200);
  assert_target_saw (f, "/auto", FALSE);
}

/* Rediscover() makes network traffic on demand: administrators only. */
static void
test_rediscover_admin_only (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *address = g_strdup_printf ("--address=%s", f->bus->address);
  const char *argv[]
      = { "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "busctl",     address,
          "call",    BUS_NAME,        PROXY_PATH,      PROXY_IFACE,      "Rediscover", NULL };
  gint status = 0;

  apply_ok (f, "Proxy_Mode", "Auto", NULL);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status,
                &error);
  g_assert_no_error (error);
  g_test_message ("busctl as nobody: %s %s", out, err);
  g_assert_false (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (err, "administrator"));
}

typedef struct
{
  Fixture *f;
  const char *name;
  const char *const *wanted;
} WaitProperty;

static gboolean
property_is (gpointer user_data)
{
  WaitProperty *w = user_data;
  g_autofree char *value = proxy_property (w->f, w->name);

  return g_strv_contains (w->wanted, value);
}

/* Waits until State is one of @wanted (10 s); returns it. */
static char *
wait_state (Fixture *f, const char *const *wanted)
{
  WaitProperty w = { f, "State", wanted };

  phonesec_test_wait_until (property_is, &w, 10000);
  return proxy_property (f, "State");
}

/* A PAC server of its own: the PAC server itself is always reached
 * directly, so it must not be the target. */
static char *
serve_pac (Fixture *f, PhonesecTestHttpServer *pac_server, const char *script)
{
  phonesec_test_http_server_serve (pac_server, "/proxy.pac", "application/x-ns-proxy-autoconfig",
                                   script);
  return g_strdup_printf ("http://127.0.0.1:%u/proxy.pac",
                          phonesec_test_http_server_get_port (pac_server));
}

/* PAC_URL over http: the script's list is used in order, with failover
 * from a closed proxy to tinyproxy, through the daemon's shared session. */
static void
test_auto_pac_url_failover (Fixture *f, gconstpointer data)
{
  g_autoptr (PhonesecTestHttpServer) pac_server = phonesec_test_target_start ();
  const char *const ready[] = { "ready", "error", NULL };
  guint16 closed = phonesec_test_pick_free_port ();
  g_autofree char *script = NULL;
  g_autofree char *pac_url = NULL;
  g_autofree char *state = NULL;
  g_autofree char *expected_pac = NULL;
  g_autofree char *expected_uris = NULL;
  g_autofree char *pac = NULL;
  g_autofree char *proxies = NULL;
  g_autofree char *url = target_url (f, "/auto-failover");
  g_autofree char *direct_pac = NULL;

  f->tinyproxy = phonesec_tinyproxy_start (f->bus->tmpdir, NULL, NULL);
  script = g_strdup_printf ("function FindProxyForURL(url, host) {\n"
                            "  if (host == \"127.0.0.1\")\n"
                            "    return \"PROXY 127.0.0.1:%u; PROXY 127.0.0.1:%u; DIRECT\";\n"
                            "  return \"DIRECT\";\n}\n",
                            closed, f->tinyproxy->port);
  pac_url = serve_pac (f, pac_server, script);
  apply_ok (f, "Proxy_Mode", "Auto", "Use_Auto_Discovery__WPAD_", "No", "PAC_URL", pac_url, NULL);
  state = wait_state (f, ready);
  if (!g_str_equal (state, "ready"))
    {
      g_autofree char *last_error = proxy_property (f, "LastError");
      g_autofree char *log = phonesec_test_bus_dup_log (f->bus);
      g_error ("State %s, LastError %s\n%s", state, last_error, log);
    }
  assert_property (f, "PacUrl", pac_url);
  assert_property (f, "PacSource", "configured");

  expected_pac = g_strdup_printf ("PROXY 127.0.0.1:%u; PROXY 127.0.0.1:%u; DIRECT", closed,
                                  f->tinyproxy->port);
  expected_uris = g_strdup_printf ("http://127.0.0.1:%u,http://127.0.0.1:%u,direct://", closed,
                                   f->tinyproxy->port);
  pac = find_proxy (f, url);
  g_assert_cmpstr (pac, ==, expected_pac);
  proxies = get_proxies (f, url);
  g_assert_cmpstr (proxies, ==, expected_uris);
  direct_pac = find_proxy (f, "http://elsewhere.example/");
  g_assert_cmpstr (direct_pac, ==, "DIRECT");

  g_assert_cmpuint (fetch_ok (f, url), ==, 200);
  assert_target_saw (f, "/auto-failover", TRUE);
}

/* After Manual with authentication, Auto with a PAC that answers DIRECT:
 * direct requests carry no Proxy-Authorization, http:// and https://. */
static void
test_no_credentials_pac_direct (Fixture *f, gconstpointer data)
{
  g_autoptr (PhonesecTestHttpServer) pac_server = phonesec_test_target_start ();
  g_autoptr (PhonesecTestHttpServer) https = https_target_start ();
  const char *const settled[] = { "ready", "error", NULL };
  g_autofree char *pac_url = NULL, *state = NULL, *pac = NULL;
  g_autofree char *direct = target_url (f, "/pac-direct-after-auth");
  g_autofree char *direct_tls = server_url (https, "https", "/pac-direct-after-auth-tls");

  use_basic_auth (f, "/auth-before-pac");
  pac_url
      = serve_pac (f, pac_server, "function FindProxyForURL(url, host) { return \"DIRECT\"; }\n");
  apply_ok (f, "Proxy_Mode", "Auto", "Use_Auto_Discovery__WPAD_", "No", "PAC_URL", pac_url, NULL);
  state = wait_state (f, settled);
  g_assert_cmpstr (state, ==, "ready");
  pac = find_proxy (f, direct);
  g_assert_cmpstr (pac, ==, "DIRECT");
  g_assert_cmpuint (fetch_ok (f, direct), ==, 200);
  assert_target_saw (f, "/pac-direct-after-auth", FALSE);
  g_assert_cmpuint (fetch_ok (f, direct_tls), ==, 200);
  assert_no_credentials_at (https, "/pac-direct-after-auth-tls");
}

/* A broken script: State=error saying why, and everything goes direct. */
static void
test_auto_broken_script (Fixture *f, gconstpointer data)
{
  g_autoptr (PhonesecTestHttpServer) pac_server = phonesec_test_target_start ();
  const char *const settled[] = { "ready", "error", NULL };
  g_autofree char *pac_url = serve_pac (f, pac_server, "function FindProxyForURL(url, host) {");
  g_autofree char *state = NULL;
  g_autofree char *last_error = NULL;
  g_autofree char *url = target_url (f, "/auto-broken");
  g_autofree char *pac = NULL;

  apply_ok (f, "Proxy_Mode", "Auto", "Use_Auto_Discovery__WPAD_", "No", "PAC_URL", pac_url, NULL);
  state = wait_state (f, settled);
  g_assert_cmpstr (state, ==, "error");
  last_error = proxy_property (f, "LastError");
  g_test_message ("LastError: %s", last_error);
  g_assert_cmpstr (last_error, !=, "");
  pac = find_proxy (f, url);
  g_assert_cmpstr (pac, ==, "DIRECT");
  g_assert_cmpuint (fetch_ok (f, url), ==, 200);
  assert_target_saw (f, "/auto-broken", FALSE);
}

/* A PAC that answers by path and query (a secure area, ad blocking):
 * through the daemon's FindProxyForURL, cache on (as always in the
 * daemon), every URL gets the script's own answer for it (the "expected"
 * column: what an evaluation of that URL alone gives), whatever URL of the
 * same origin was asked before. Of an https:// URL the script sees the
 * origin only, so all of them share one answer. The table is asked twice. */
static void
test_auto_cache_follows_path (Fixture *f, gconstpointer data)
{
  g_autoptr (PhonesecTestHttpServer) pac_server = phonesec_test_target_start ();
  const char *const ready[] = { "ready", "error", NULL };
  g_autofree char *pac_url
      = serve_pac (f, pac_server,
                   "function FindProxyForURL(url, host) {\n"
                   "  if (shExpMatch(url, \"*/secure/*\")) return \"PROXY secure.example:3128\";\n"
                   "  if (shExpMatch(url, \"*ads=*\")) return \"PROXY blackhole.example:9\";\n"
                   "  if (shExpMatch(url, \"https://*\"))\n"
                   "    return url == \"https://\" + host + \"/\" ? \"PROXY origin.example:443\"\n"
                   "                                          : \"PROXY saw-path.example:1\";\n"
                   "  return \"DIRECT\";\n}\n");
  static const struct
  {
    const char *url;
    const char *expected;
  } cases[] = {
    { "http://shop.example/secure/pay", "PROXY secure.example:3128" },
    { "http://shop.example/public/index.html", "DIRECT" },
    { "http://shop.example/public/index.html?ads=1", "PROXY blackhole.example:9" },
    { "http://shop.example/public/index.html?q=1", "DIRECT" },
    { "http://shop.example/secure/pay?ads=1", "PROXY secure.example:3128" },
    { "http://shop.example:8080/public/", "DIRECT" },
    { "http://shop.example:8080/secure/x", "PROXY secure.example:3128" },
    { "https://shop.example/secure/pay", "PROXY origin.example:443" },
    { "https://shop.example/public/?ads=1", "PROXY origin.example:443" },
    { "https://shop.example/", "PROXY origin.example:443" },
  };
  g_autofree char *state = NULL;

  apply_ok (f, "Proxy_Mode", "Auto", "Use_Auto_Discovery__WPAD_", "No", "PAC_URL", pac_url, NULL);
  state = wait_state (f, ready);
  g_assert_cmpstr (state, ==, "ready");
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autofree char *answer = find_proxy (f, cases[i].url);

        g_test_message ("%s -> %s", cases[i].url, answer);
        g_assert_cmpstr (answer, ==, cases[i].expected);
      }
}

/* Network.Update as the DHCP client would call it. */
static void
network_update (Fixture *f, GVariant *facts)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = phonesec_test_call (
      f->bus, PHONESEC_DBUS_INTERFACE_NETWORK, "Update", g_variant_new_tuple (&facts, 1), &error);

  g_assert_no_error (error);
}

/* WPAD from DHCP option 252 (pushed through Network.Update): found,
 * fetched, evaluated; myIpAddress() answers the address the network facts
 * give; a new address is seen after a network change. */
static void
test_auto_wpad_dhcp_my_ip (Fixture *f, gconstpointer data)
{
  g_autoptr (PhonesecTestHttpServer) pac_server = phonesec_test_target_start ();
  const char *const ready[] = { "ready", "error", NULL };
  g_autofree char *script = NULL;
  g_autofree char *wpad_url = NULL;
  g_autofree char *state = NULL;
  g_autofree char *pac = NULL;
  g_autofree char *url = target_url (f, "/wpad-dhcp");
  GVariantBuilder options;
  GVariantBuilder facts;

  f->tinyproxy = phonesec_tinyproxy_start (f->bus->tmpdir, NULL, NULL);
  script = g_strdup_printf ("function FindProxyForURL(url, host) {\n"
                            "  if (myIpAddress() == \"10.20.30.40\")\n"
                            "    return \"PROXY 127.0.0.1:%u\";\n"
                            "  return \"DIRECT\";\n}\n",
                            f->tinyproxy->port);
  phonesec_test_http_server_serve (pac_server, "/wpad.dat", "application/x-ns-proxy-autoconfig",
                                   script);
  wpad_url = g_strdup_printf ("http://127.0.0.1:%u/wpad.dat",
                              phonesec_test_http_server_get_port (pac_server));

  g_variant_builder_init (&options, G_VARIANT_TYPE ("a{us}"));
  g_variant_builder_add (&options, "{us}", 252, wpad_url);
  g_variant_builder_init (&facts, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&facts, "{sv}", "dhcp-options", g_variant_builder_end (&options));
  g_variant_builder_add (&facts, "{sv}", "addresses",
                         g_variant_new_strv ((const char *const[]){ "10.20.30.40" }, 1));
  network_update (f, g_variant_builder_end (&facts));

  apply_ok (f, "Proxy_Mode", "Auto", "Use_Auto_Discovery__WPAD_", "Yes", NULL);
  state = wait_state (f, ready);
  if (!g_str_equal (state, "ready"))
    {
      g_autofree char *last_error = proxy_property (f, "LastError");
      g_error ("State %s, LastError %s", state, last_error);
    }
  assert_property (f, "PacSource", "dhcp");
  assert_property (f, "PacUrl", wpad_url);
  g_assert_cmpuint (fetch_ok (f, url), ==, 200);
  assert_target_saw (f, "/wpad-dhcp", TRUE);

  /* The phone's address changes: myIpAddress() follows, DIRECT now. */
  g_variant_builder_init (&facts, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&facts, "{sv}", "addresses",
                         g_variant_new_strv ((const char *const[]){ "10.99.99.99" }, 1));
  network_update (f, g_variant_builder_end (&facts));
  g_free (wait_state (f, ready));
  {
    gint64 deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;

    /* The runner's cache may answer for its short lifetime; the answer
     * for a URL never asked is new. */
    do
      {
        g_free (pac);
        pac = find_proxy (f, "http://never-asked.example/");
      }
    while (!g_str_equal (pac, "DIRECT") && g_get_monotonic_time () < deadline
           && (g_usleep (100000), TRUE));
    g_assert_cmpstr (pac, ==, "DIRECT");
  }
}

/* A script that throws for one host: DIRECT for it, LastError says why;
 * other hosts still follow the script. */
static void
test_auto_evaluation_error (Fixture *f, gconstpointer data)
{
  g_autoptr (PhonesecTestHttpServer) pac_server = phonesec_test_target_start ();
  const char *const ready[] = { "ready", "error", NULL };
  g_autofree char *pac_url
      = serve_pac (f, pac_server,
                   "function FindProxyForURL(url, host) {\n"
                   "  if (host == \"boom.example\") throw new Error(\"no way\");\n"
                   "  return \"PROXY 192.0.2.1:3128\";\n}\n");
  g_autofree char *state = NULL;
  g_autofree char *pac = NULL;
  g_autofree char *other = NULL;
  g_autofree char *last_error = NULL;

  apply_ok (f, "Proxy_Mode", "Auto", "Use_Auto_Discovery__WPAD_", "No", "PAC_URL", pac_url, NULL);
  state = wait_state (f, ready);
  g_assert_cmpstr (state, ==, "ready");
  pac = find_proxy (f, "http://boom.example/");
  g_assert_cmpstr (pac, ==, "DIRECT");
  last_error = proxy_property (f, "LastError");
  g_test_message ("LastError: %s", last_error);
  g_assert_nonnull (strstr (last_error, "boom.example"));
  other = find_proxy (f, "http://fine.example/");
  g_assert_cmpstr (other, ==, "PROXY 192.0.2.1:3128");
}

static void
got_reply (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* A PAC script that never returns: the daemon goes on answering (a
 * Config.Get within 100 ms while the script spins), the helper is stopped
 * at its time limit, the answer is DIRECT and LastError says why; live
 * traffic still flows (direct). */
static void
test_auto_hostile_loop (Fixture *f, gconstpointer data)
{
  g_autoptr (PhonesecTestHttpServer) pac_server = phonesec_test_target_start ();
  const char *const ready[] = { "ready", "error", NULL };
  g_autofree char *pac_url = serve_pac (
      f, pac_server, "function FindProxyForURL(url, host) { while (true) {} return \"DIRECT\"; }");
  g_autofree char *state = NULL;
  g_autofree char *last_error = NULL;
  g_autofree char *url = target_url (f, "/hostile-loop");
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) error = NULL;
  /* Under valgrind everything is ten times slower. */
  gint64 limit_us = (g_getenv ("PHONESEC_DAEMON_WRAPPER") != NULL ? 1000 : 100) * 1000;
  const char *answer = NULL;

  apply_ok (f, "Proxy_Mode", "Auto", "Use_Auto_Discovery__WPAD_", "No", "PAC_URL", pac_url, NULL);
  state = wait_state (f, ready);
  g_assert_cmpstr (state, ==, "ready");

  g_dbus_connection_call (f->bus->connection, BUS_NAME, PROXY_PATH, PROXY_IFACE, "FindProxyForURL",
                          g_variant_new ("(s)", "http://spin.example/"), G_VARIANT_TYPE ("(s)"),
                          G_DBUS_CALL_FLAGS_NONE, CALL_TIMEOUT_MS, NULL, got_reply, &result);
  for (guint i = 0; i < 5; i++)
    {
      gint64 start;
      g_autoptr (GVariant) value = NULL;

      g_usleep (50 * 1000);
      start = g_get_monotonic_time ();
      value = phonesec_test_get (f->bus, "Proxy_Mode");
      g_assert_cmpint (g_get_monotonic_time () - start, <, limit_us);
      g_assert_cmpstr (g_variant_get_string (value, NULL), ==, "Auto");
    }
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  reply = g_dbus_connection_call_finish (f->bus->connection, result, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(&s)", &answer);
  g_assert_cmpstr (answer, ==, "DIRECT");
  last_error = proxy_property (f, "LastError");
  g_test_message ("LastError: %s", last_error);
  g_assert_nonnull (strstr (last_error, "spin.example"));
  g_assert_cmpuint (fetch_ok (f, url), ==, 200);
  assert_target_saw (f, "/hostile-loop", FALSE);
}

/* FindProxyForURL(@url) while proving the daemon responsive: Config.Get
 * answers within 100 ms (1 s under valgrind) every 50 ms until the answer
 * comes. Returns the answer, or NULL with @error. */
static char *
find_while_responsive (Fixture *f, const char *url, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GVariant) reply = NULL;
  gint64 limit_us = (g_getenv ("PHONESEC_DAEMON_WRAPPER") != NULL ? 1000 : 100) * 1000;
  guint probes = 0;
  char *answer;

  g_dbus_connection_call (f->bus->connection, BUS_NAME, PROXY_PATH, PROXY_IFACE, "FindProxyForURL",
                          g_variant_new ("(s)", url), G_VARIANT_TYPE ("(s)"),
                          G_DBUS_CALL_FLAGS_NONE, CALL_TIMEOUT_MS, NULL, got_reply, &result);
  while (result == NULL || probes == 0)
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr (GVariant) value = phonesec_test_get (f->bus, "Proxy_Mode");

      g_assert_cmpint (g_get_monotonic_time () - start, <, limit_us);
      g_assert_cmpstr (g_variant_get_string (value, NULL), ==, "Auto");
      probes++;
      for (gint64 until = g_get_monotonic_time () + 50 * 1000;
           result == NULL && g_get_monotonic_time () < until;)
        g_main_context_iteration (NULL, FALSE);
    }
  reply = g_dbus_connection_call_finish (f->bus->connection, result, error);
  if (reply == NULL)
    {
      assert_no_secret ("an HttpProxy error", (*error)->message);
      return NULL;
    }
  g_variant_get (reply, "(s)", &answer);
  return answer;
}

/* Loads @script through PAC_URL (a new path each time, so it is fetched
 * anew) and waits until the plugin has settled. Returns State. */
static char *
load_hostile (Fixture *f, PhonesecTestHttpServer *pac_server, const char *script)
{
  static guint serial;
  const char *const settled[] = { "ready", "error", NULL };
  g_autofree char *path = g_strdup_printf ("/hostile-%u.pac", ++serial);
  g_autofree char *pac_url = g_strdup_printf (
      "http://127.0.0.1:%u%s", phonesec_test_http_server_get_port (pac_server), path);

  phonesec_test_http_server_serve (pac_server, path, "application/x-ns-proxy-autoconfig", script);
  apply_ok (f, "Proxy_Mode", "Auto", "Use_Auto_Discovery__WPAD_", "No", "PAC_URL", pac_url, NULL);
  /* Leave "ready" from the previous script: PacUrl shows the new one. */
  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *now = proxy_property (f, "PacUrl");

      if (g_str_equal (now, pac_url))
        break;
      g_usleep (10 * 1000);
      g_main_context_iteration (NULL, FALSE);
    }
  return wait_state (f, settled);
}

/* The issue's hostile PACs, one daemon: each one leaves the daemon
 * responsive (Config.Get within 100 ms while the call runs), answers DIRECT
 * and says why in LastError. */
static void
test_auto_hostile_scripts (Fixture *f, gconstpointer data)
{
  g_autoptr (PhonesecTestHttpServer) pac_server = phonesec_test_target_start ();
  gsize huge_len = 50 * 1024 * 1024;
  g_autofree char *huge = g_malloc (huge_len + 1);
  const char *const kinds[] = { "50 MB script",      "syntax error",  "no FindProxyForURL",
                                "non-string result", "object result", "infinite loop" };
  const char *scripts[G_N_ELEMENTS (kinds)];
  const char *const fn
      = "function FindProxyForURL(url, host) { return \"PROXY 192.0.2.1:3128\"; }\n";

  /* A valid script at the end, after 50 MB of comment: refused for its size. */
  memset (huge, ' ', huge_len);
  memcpy (huge, "//", 2);
  memcpy (huge + huge_len - strlen (fn), fn, strlen (fn));
  huge[huge_len] = '\0';
  scripts[0] = huge;
  scripts[1] = "function FindProxyForURL(url, host) { return \"DIRECT\"";
  scripts[2] = "function findproxyforurl(url, host) { return \"PROXY 192.0.2.1:3128\"; }";
  scripts[3] = "function FindProxyForURL(url, host) { return 42; }";
  scripts[4] = "function FindProxyForURL(url, host) { return { toString: function () {"
               " return \"PROXY 192.0.2.1:3128\"; } }; }";
  scripts[5] = "function FindProxyForURL(url, host) { for (;;) {} }";

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *state = load_hostile (f, pac_server, scripts[i]);
      g_autofree char *answer = NULL;
      g_autofree char *last_error = NULL;
      g_autoptr (GError) error = NULL;
      g_autofree char *url = g_strdup_printf ("http://hostile-%u.example", i);

      g_test_message ("%s: State %s", kinds[i], state);
      answer = find_while_responsive (f, url, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (answer, ==, "DIRECT");
      last_error = proxy_property (f, "LastError");
      g_test_message ("%s: LastError: %s", kinds[i], last_error);
      g_assert_cmpstr (last_error, !=, "");
      /* A script refused at load: State says so; one that fails per call:
       * the host is named. */
      if (i <= 2)
        g_assert_cmpstr (state, ==, "error");
      else
        g_assert_nonnull (strstr (last_error, url + strlen ("http://")));
    }
}

/* Hostile URLs over a normal script: handed to the script as a value (no
 * injection through quotes, backslashes or "');"), 4 KB long, IDN hosts in
 * ASCII; the daemon stays responsive for each. The script answers with what
 * it saw, so the test can tell. */
static void
test_auto_hostile_urls (Fixture *f, gconstpointer data)
{
  g_autoptr (PhonesecTestHttpServer) pac_server = phonesec_test_target_start ();
  g_autofree char *state = NULL;
  g_autofree char *long_url = NULL;
  g_autofree char *long_expected = NULL;
  GString *path = g_string_new ("http://long.example/");

  state = load_hostile (f, pac_server,
                        "var hits = 0;\n"
                        "function FindProxyForURL(url, host) {\n"
                        "  if (url.indexOf('injected') >= 0 && typeof evil !== 'undefined')\n"
                        "    return 'PROXY evil.example:1';\n"
                        "  return 'PROXY ' + host + ':' + url.length;\n"
                        "}\n");
  g_assert_cmpstr (state, ==, "ready");

  while (path->len < 4096)
    g_string_append_c (path, 'a' + path->len % 26);
  long_url = g_string_free (path, FALSE);
  long_expected = g_strdup_printf ("PROXY long.example:%zu", strlen (long_url));

  {
    const struct
    {
      const char *url;
      const char *expected; /* NULL: refused as a URL */
    } cases[] = {
      /* One URL each (the script answers by URL). */
      { long_url, long_expected },
      /* Quotes and the like percent-encoded, as they travel in a request. */
      { "http://q1.example/%27);var%20evil=1;//", "PROXY q1.example:38" },
      { "http://q2.example/a'b\"c", "PROXY q2.example:23" },
      { "http://q3.example/back\\slash');evil=1;('injected", "PROXY q3.example:48" },
      /* The script sees the host, and the URL, in ASCII. */
      { "http://bücher.example/", "PROXY xn--bcher-kva.example:29" },
      { "http://CAFÉ.Example/x", "PROXY xn--caf-dma.example:28" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr (GError) error = NULL;
        g_autofree char *answer = find_while_responsive (f, cases[i].url, &error);

        g_test_message ("%.60s -> %s", cases[i].url, answer != NULL ? answer : error->message);
        if (answer == NULL)
          {
            /* Refused as a URL: clearly, and never by running anything. */
            g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS);
            g_assert_null (cases[i].expected);
            continue;
          }
        g_assert_null (strstr (answer, "evil"));
        g_assert_cmpstr (answer, ==, cases[i].expected);
      }
  }
}

static void
network_update_domain (Fixture *f, const char *domain, const char *option_252)
{
  GVariantBuilder facts;

  g_variant_builder_init (&facts, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&facts, "{sv}", "domain", g_variant_new_string (domain));
  if (option_252 != NULL)
    {
      GVariantBuilder options;

      g_variant_builder_init (&options, G_VARIANT_TYPE ("a{us}"));
      g_variant_builder_add (&options, "{us}", 252, option_252);
      g_variant_builder_add (&facts, "{sv}", "dhcp-options", g_variant_builder_end (&options));
    }
  network_update (f, g_variant_builder_end (&facts));
}

static char *
wpad_script (Fixture *f)
{
  return g_strdup_printf ("function FindProxyForURL(url, host) {\n"
                          "  if (host == \"127.0.0.1\") return \"PROXY 127.0.0.1:%u\";\n"
                          "  return \"DIRECT\";\n}\n",
                          f->tinyproxy->port);
}

/* WPAD by DNS: the domain from Network.Update is walked up (wpad.a.b.example.com
 * does not exist, wpad.b.example.com does), http://wpad.b.example.com/wpad.dat
 * is fetched directly and its proxy used for live traffic. */
static void
test_wpad_dns_walk (Fixture *f, gconstpointer data)
{
  const char *const ready[] = { "ready", "error", NULL };
  g_autofree char *script = NULL;
  g_autofree char *state = NULL;
  g_autofree char *log = NULL;
  g_autofree char *url = target_url (f, "/wpad-dns");
  g_autoptr (PhonesecSeenRequest) fetched = NULL;

  f->tinyproxy = phonesec_tinyproxy_start (f->bus->tmpdir, NULL, NULL);
  script = wpad_script (f);
  phonesec_test_http_server_serve (world.wpad, "/wpad.dat", "application/x-ns-proxy-autoconfig",
                                   script);
  apply_ok (f, "Proxy_Mode", "Auto", "Use_Auto_Discovery__WPAD_", "Yes", NULL);
  network_update_domain (f, "a.b.example.com", NULL);
  state = wait_state (f, ready);
  if (!g_str_equal (state, "ready"))
    {
      g_autofree char *last_error = proxy_property (f, "LastError");
      g_autofree char *dns = dnsmasq_log ();
      g_error ("State %s, LastError %s\ndnsmasq:\n%s", state, last_error, dns);
    }
  assert_property (f, "PacSource", "dns");
  assert_property (f, "PacUrl", "http://" WPAD_NAME "/wpad.dat");
  log = dnsmasq_log ();
  g_assert_nonnull (strstr (log, "wpad.a.b.example.com"));
  g_assert_nonnull (strstr (log, WPAD_NAME));
  /* The WPAD file itself came directly (no tinyproxy Via). */
  fetched = phonesec_test_http_server_dup_request (world.wpad, "/wpad.dat");
  g_assert_nonnull (fetched);
  g_assert_null (fetched->via);

  g_assert_cmpuint (fetch_ok (f, url), ==, 200);
  assert_target_saw (f, "/wpad-dns", TRUE);
}

/* DHCP option 252 comes first: with both a domain and option 252, the
 * DHCP URL is used and no wpad.* name is looked up. */
static void
test_wpad_dhcp_first (Fixture *f, gconstpointer data)
{
  g_autoptr (PhonesecTestHttpServer) dhcp_server = phonesec_test_target_start ();
  const char *const ready[] = { "ready", "error", NULL };
  g_autofree char *script = NULL;
  g_autofree char *dhcp_url = NULL;
  g_autofree char *state = NULL;
  g_autofree char *before = dnsmasq_log ();
  g_autofree char *after = NULL;

  f->tinyproxy = phonesec_tinyproxy_start (f->bus->tmpdir, NULL, NULL);
  script = wpad_script (f);
  phonesec_test_http_server_serve (dhcp_server, "/dhcp.pac", "application/x-ns-proxy-autoconfig",
                                   script);
  dhcp_url = g_strdup_printf ("http://127.0.0.1:%u/dhcp.pac",
                              phonesec_test_http_server_get_port (dhcp_server));
  network_update_domain (f, "dhcp.b.example.com", dhcp_url);
  apply_ok (f, "Proxy_Mode", "Auto", "Use_Auto_Discovery__WPAD_", "Yes", NULL);
  state = wait_state (f, ready);
  g_assert_cmpstr (state, ==, "ready");
  assert_property (f, "PacSource", "dhcp");
  assert_property (f, "PacUrl", dhcp_url);
  after = dnsmasq_log ();
  g_assert_null (strstr (after + strlen (before), "wpad.dhcp.b.example.com"));
}

/* Rediscover() fetches the WPAD file again. */
static void
test_wpad_rediscover (Fixture *f, gconstpointer data)
{
  const char *const ready[] = { "ready", "error", NULL };
  const char *const any[] = { "discovering", "ready", "error", NULL };
  g_autofree char *script = NULL;
  g_autofree char *state = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  guint fetched;

  f->tinyproxy = phonesec_tinyproxy_start (f->bus->tmpdir, NULL, NULL);
  script = wpad_script (f);
  phonesec_test_http_server_serve (world.wpad, "/wpad.dat", "application/x-ns-proxy-autoconfig",
                                   script);
  network_update_domain (f, "b.example.com", NULL);
  apply_ok (f, "Proxy_Mode", "Auto", NULL);
  state = wait_state (f, ready);
  g_assert_cmpstr (state, ==, "ready");
  fetched = phonesec_test_http_server_count (world.wpad, "/wpad.dat");
  reply = proxy_call (f, "Rediscover", NULL, "()", &error);
  g_assert_no_error (error);
  g_free (wait_state (f, any));
  g_free (state);
  {
    gint64 deadline = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;

    while (phonesec_test_http_server_count (world.wpad, "/wpad.dat") == fetched
           && g_get_monotonic_time () < deadline)
      g_usleep (50 * 1000);
  }
  g_assert_cmpuint (phonesec_test_http_server_count (world.wpad, "/wpad.dat"), >, fetched);
  state = wait_state (f, ready);
  g_assert_cmpstr (state, ==, "ready");
}

/* Waits for State=error and returns LastError. */
static char *
wait_refused (Fixture *f)
{
  const char *const done[] = { "ready", "error", NULL };
  g_autofree char *state = wait_state (f, done);
  char *last_error = proxy_property (f, "LastError");

  g_test_message ("State %s, LastError %s", state, last_error);
  g_assert_cmpstr (state, ==, "error");
  return last_error;
}

/* Restricted_Access_Domains and PAC_URL: a PAC server outside the list is
 * never contacted and LastError names PAC_URL and the host; a list that
 * holds its parent domain lets the same URL be fetched at once. */
static void
test_restricted_pac_url (Fixture *f, gconstpointer data)
{
  const char *const ready[] = { "ready", "error", NULL };
  const char *pac_url = "http://" WPAD_NAME "/restricted.pac";
  g_autofree char *last_error = NULL;
  g_autofree char *state = NULL;
  g_autofree char *direct = NULL;

  phonesec_test_http_server_serve (world.wpad, "/restricted.pac",
                                   "application/x-ns-proxy-autoconfig",
                                   "function FindProxyForURL(u, h) { return \"DIRECT\"; }\n");
  apply_ok (f, "Restricted_Access_Domains", "prov.example.net, voice.example.org", "Proxy_Mode",
            "Auto", "Use_Auto_Discovery__WPAD_", "No", "PAC_URL", pac_url, NULL);
  last_error = wait_refused (f);
  g_assert_nonnull (strstr (last_error, "PAC_URL"));
  g_assert_nonnull (strstr (last_error, "'" WPAD_NAME "'"));
  g_assert_nonnull (strstr (last_error, "Restricted_Access_Domains (prov.example.net"));
  g_assert_null (strstr (last_error, "/restricted.pac"));
  g_assert_cmpuint (phonesec_test_http_server_count (world.wpad, "/restricted.pac"), ==, 0);
  direct = find_proxy (f, "http://elsewhere.example/");
  g_assert_cmpstr (direct, ==, "DIRECT");

  /* A domain above the server's name: allowed. */
  apply_ok (f, "Restricted_Access_Domains", "prov.example.net, Example.COM", NULL);
  state = wait_state (f, ready);
  g_assert_cmpstr (state, ==, "ready");
  g_assert_cmpuint (phonesec_test_http_server_count (world.wpad, "/restricted.pac"), ==, 1);
}

/* Restricted_Access_Domains and WPAD: neither the DHCP option 252 URL nor
 * the wpad.<domain> name is contacted (not even looked up in DNS). */
static void
test_restricted_wpad (Fixture *f, gconstpointer data)
{
  g_autoptr (PhonesecTestHttpServer) dhcp_server = phonesec_test_target_start ();
  g_autofree char *dhcp_url = NULL;
  g_autofree char *before = dnsmasq_log ();
  g_autofree char *after = NULL;
  g_autofree char *last_error = NULL;
  guint wpad_fetches = phonesec_test_http_server_count (world.wpad, "/wpad.dat");

  phonesec_test_http_server_serve (world.wpad, "/wpad.dat", "application/x-ns-proxy-autoconfig",
                                   "function FindProxyForURL(u, h) { return \"DIRECT\"; }\n");
  phonesec_test_http_server_serve (dhcp_server, "/dhcp.pac", "application/x-ns-proxy-autoconfig",
                                   "function FindProxyForURL(u, h) { return \"DIRECT\"; }\n");
  dhcp_url = g_strdup_printf ("http://127.0.0.1:%u/dhcp.pac",
                              phonesec_test_http_server_get_port (dhcp_server));
  apply_ok (f, "Restricted_Access_Domains", "prov.example.net", NULL);
  network_update_domain (f, "b.example.com", dhcp_url);
  apply_ok (f, "Proxy_Mode", "Auto", "Use_Auto_Discovery__WPAD_", "Yes", NULL);
  last_error = wait_refused (f);
  g_assert_nonnull (strstr (last_error, "WPAD (DHCP option 252): the server '127.0.0.1'"));
  g_assert_nonnull (strstr (last_error, "WPAD (DNS): the server '" WPAD_NAME "'"));
  g_assert_nonnull (strstr (last_error, "Restricted_Access_Domains (prov.example.net)"));
  g_assert_cmpuint (phonesec_test_http_server_count (dhcp_server, "/dhcp.pac"), ==, 0);
  g_assert_cmpuint (phonesec_test_http_server_count (world.wpad, "/wpad.dat"), ==, wpad_fetches);
  after = dnsmasq_log ();
  g_assert_null (strstr (after + strlen (before), WPAD_NAME));
}

int
main (int argc, char **argv)
{
  int status;

  enter_namespace ();
  g_test_init (&argc, &argv, NULL);
  world_make ();
  pki_make ();
#define ADD(path, func) g_test_add (path, Fixture, NULL, setup, func, teardown)
  ADD ("/http-proxy/off/direct", test_off_direct);
  ADD ("/http-proxy/manual/via-proxy", test_manual_via_proxy);
  ADD ("/http-proxy/manual/empty-host", test_manual_empty_host);
  ADD ("/http-proxy/manual/no-stale-connection", test_mode_change_no_stale_connection);
  ADD ("/http-proxy/auth/basic-right", test_basic_auth_right);
  ADD ("/http-proxy/auth/basic-wrong-401", test_basic_auth_wrong);
  ADD ("/http-proxy/auth/none-407", test_auth_none);
  ADD ("/http-proxy/auth/digest", test_digest_auth);
  ADD ("/http-proxy/auth/no-credentials/after-off", test_no_credentials_after_off);
  ADD ("/http-proxy/auth/no-credentials/pac-direct", test_no_credentials_pac_direct);
  ADD ("/http-proxy/auth/no-credentials/in-tunnel", test_no_credentials_in_tunnel);
  ADD ("/http-proxy/auth/no-credentials/direct-in-manual", test_no_credentials_direct_in_manual);
  ADD ("/http-proxy/auth/no-credentials/other-proxy", test_no_credentials_to_other_proxy);
  ADD ("/http-proxy/auth/no-credentials/after-clearing", test_no_credentials_after_clearing);
  ADD ("/http-proxy/config/invalid-host-rejected", test_invalid_host_rejected);
  ADD ("/http-proxy/dbus/bad-url", test_bad_url);
  ADD ("/http-proxy/auto/state", test_auto_state);
  ADD ("/http-proxy/dbus/rediscover-admin-only", test_rediscover_admin_only);
  ADD ("/http-proxy/auto/pac-url-failover", test_auto_pac_url_failover);
  ADD ("/http-proxy/auto/broken-script", test_auto_broken_script);
  ADD ("/http-proxy/auto/cache-follows-path", test_auto_cache_follows_path);
  ADD ("/http-proxy/auto/wpad-dhcp-my-ip", test_auto_wpad_dhcp_my_ip);
  ADD ("/http-proxy/auto/evaluation-error", test_auto_evaluation_error);
  ADD ("/http-proxy/auto/hostile-loop", test_auto_hostile_loop);
  ADD ("/http-proxy/auto/hostile-scripts", test_auto_hostile_scripts);
  ADD ("/http-proxy/auto/hostile-urls", test_auto_hostile_urls);
  ADD ("/http-proxy/wpad/dns-walk", test_wpad_dns_walk);
  ADD ("/http-proxy/wpad/dhcp-first", test_wpad_dhcp_first);
  ADD ("/http-proxy/wpad/rediscover", test_wpad_rediscover);
  ADD ("/http-proxy/restricted/pac-url", test_restricted_pac_url);
  ADD ("/http-proxy/restricted/wpad", test_restricted_wpad);
#undef ADD
  status = g_test_run ();
  pki_free ();
  world_free ();
  return status;
}
