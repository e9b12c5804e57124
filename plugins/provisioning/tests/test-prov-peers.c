/* test-prov-peers.c: the provisioning plugin in a real phonesecd against
 * the real servers issue 17 names, in a network and mount namespace this
 * test makes for itself at start (root, before any thread): loopback up,
 * a resolv.conf bind-mounted over /etc/resolv.conf that points at dnsmasq
 * on 127.0.0.1:53, and in it
 *
 * - nginx: HTTPS on 127.0.0.1:8443 (TLS 1.2 and 1.3) and 127.0.0.1:8444
 *   (TLS 1.2 only), both with `ssl_verify_client on` against the phone CA,
 *   and plain HTTP on 127.0.0.4:8080; its access log records the client
 *   certificate's subject and the TLS version of each request;
 * - dnsmasq: prov.test has three A records, 127.0.0.2, 127.0.0.3 and
 *   127.0.0.4 in that order, of which only the last has a server (nginx's
 *   HTTP);
 * - rsyslogd: UDP syslog on 127.0.0.1:514, writing HOSTNAME, tag and
 *   message of every datagram to a file.
 *
 * The namespace is this test's: the fixed ports clash with nothing, and
 * the test runs in parallel with others. PROV_TEST_KEEP=1 keeps the
 * peers' folder (configurations and logs) for a look after a failure.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE
#include <errno.h>
#include <glib/gstdio.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "prov-test-fixture.h"
#include "prov-test-util.h"

#define HTTPS_PORT 8443
#define HTTPS12_PORT 8444
#define HTTP_PORT 8080
#define NOBODY_PORT 8081 /* nothing listens there, at any address */
#define SYSLOG_PORT 514
/* $PN $MAC of the device identity, as the default messages begin. */
#define PN_MAC "CP-8841-3PCC 00:11:22:33:44:55"

static struct
{
  char *dir;
  char *www;
  char *access_log;   /* nginx */
  char *dnsmasq_log;  /* --log-queries */
  char *received_log; /* what rsyslogd received */
  GSubprocess *dnsmasq, *nginx, *rsyslogd;
} peers;

/* dnsmasq drops its capabilities at start, which clears the parent-death
 * signal, and nginx's worker outlives a killed master: a failed assertion
 * stops them by hand. */
static volatile pid_t peer_pids[3];

static void
stop_peers_and_die (int sig)
{
  for (guint i = 0; i < G_N_ELEMENTS (peer_pids); i++)
    if (peer_pids[i] > 0)
      kill (peer_pids[i], SIGTERM);
  signal (sig, SIG_DFL);
  raise (sig);
}

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

/* @argv with stdout and stderr into @dir/@name.out. */
static GSubprocess *
spawn_peer (const char *const *argv, const char *name, guint slot)
{
  g_autoptr (GSubprocessLauncher) launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autofree char *out = g_strconcat (peers.dir, "/", name, ".out", NULL);
  g_autoptr (GError) error = NULL;
  GSubprocess *p;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  g_subprocess_launcher_set_stdout_file_path (launcher, out);
  p = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  peer_pids[slot] = atoi (g_subprocess_get_identifier (p));
  return p;
}

/* Fails with @name's output when it is no longer running. */
static void
assert_running (GSubprocess *p, const char *name)
{
  g_autofree char *path = g_strconcat (peers.dir, "/", name, ".out", NULL);
  g_autofree char *out = NULL;

  if (g_subprocess_get_identifier (p) != NULL)
    return;
  g_file_get_contents (path, &out, NULL, NULL);
  g_error ("%s ended at start; its output:\n%s", name, out);
}

static void
require_program (const char *program, const char *package)
{
  g_autofree char *path = g_find_program_in_path (program);

  if (path == NULL)
    g_error ("%s is not installed: this test runs real peers; install %s (scripts/install-deps)",
             program, package);
}

static char *
peer_path (const char *name)
{
  return g_build_filename (peers.dir, name, NULL);
}

/* --- the namespace and DNS ------------------------------------------------- */

/* A network namespace with only loopback, and a mount namespace whose
 * /etc/resolv.conf is ours. Must run before any thread exists. */
static void
enter_namespaces (void)
{
  if (geteuid () != 0)
    g_error ("test-prov-peers needs root: it makes a network namespace for its servers");
  if (unshare (CLONE_NEWNS | CLONE_NEWNET) != 0)
    g_error ("unshare(CLONE_NEWNS | CLONE_NEWNET): %s", g_strerror (errno));
  /* Nothing mounted here may leak to the host. The kernel ignores the
   * type of a propagation change or a bind mount; "none" rather than NULL
   * keeps memcheck from reading address 0. */
  if (mount ("none", "/", "none", MS_REC | MS_PRIVATE, NULL) != 0)
    g_error ("making / private: %s", g_strerror (errno));
}

static void
loopback_up (void)
{
  const char *up[] = { "ip", "link", "set", "lo", "up", NULL };
  /* getaddrinfo's AI_ADDRCONFIG (GLib's lookups) answers nothing on a host
   * whose only IPv4 address is 127.0.0.1; a second one is enough. */
  const char *second[] = { "ip", "addr", "add", "127.0.0.53/8", "dev", "lo", NULL };

  prov_test_run_or_die (up);
  prov_test_run_or_die (second);
}

/* The addresses the resolver gives for @name, comma-separated ("" when
 * none). */
static char *
resolve (const char *name)
{
  g_autoptr (GResolver) resolver = g_resolver_get_default ();
  GList *addresses = g_resolver_lookup_by_name (resolver, name, NULL, NULL);
  g_autoptr (GString) text = g_string_new (NULL);

  for (GList *l = addresses; l != NULL; l = l->next)
    {
      g_autofree char *a = g_inet_address_to_string (l->data);
      g_string_append_printf (text, "%s%s", text->len > 0 ? "," : "", a);
    }
  g_resolver_free_addresses (addresses);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
start_dnsmasq (void)
{
  g_autofree char *resolv = peer_path ("resolv.conf");
  g_autofree char *log_arg = g_strconcat ("--log-facility=", peers.dnsmasq_log, NULL);
  /* dnsmasq answers repeated --address records last first: this gives
   * 127.0.0.2, 127.0.0.3, 127.0.0.4. glibc then sorts them (RFC 6724
   * rule 9, longest prefix shared with the source address 127.0.0.1):
   * 127.0.0.1 would come first, .2, .3, .4 keep their order (checked
   * below). */
  const char *argv[] = { "dnsmasq",
                         "--keep-in-foreground",
                         "--conf-file=/dev/null",
                         "--no-resolv",
                         "--no-hosts",
                         "--bind-interfaces",
                         "--listen-address=127.0.0.1",
                         "--port=53",
                         "--user=root",
                         "--pid-file",
                         "--log-queries",
                         log_arg,
                         "--address=/prov.test/127.0.0.4",
                         "--address=/prov.test/127.0.0.3",
                         "--address=/prov.test/127.0.0.2",
                         "--address=/#/",
                         NULL };
  g_autofree char *order = NULL;

  /* No search list: only the names asked for are looked up. */
  g_assert_true (g_file_set_contents (
      resolv, "nameserver 127.0.0.1\noptions timeout:2 attempts:2\n", -1, NULL));
  if (mount (resolv, "/etc/resolv.conf", "none", MS_BIND, NULL) != 0)
    g_error ("bind-mounting %s over /etc/resolv.conf: %s", resolv, g_strerror (errno));
  peers.dnsmasq = spawn_peer (argv, "dnsmasq", 0);
  for (guint i = 0; i < 100; i++)
    {
      g_free (order);
      order = resolve ("prov.test");
      if (order[0] != '\0' || g_subprocess_get_identifier (peers.dnsmasq) == NULL)
        break;
      g_usleep (50000);
    }
  assert_running (peers.dnsmasq, "dnsmasq");
  g_test_message ("prov.test resolves to %s", order);
  g_assert_cmpstr (order, ==, "127.0.0.2,127.0.0.3,127.0.0.4");
}

/* --- nginx ----------------------------------------------------------------- */

/* A TCP connection to @address:@port succeeds. */
static gboolean
accepts (const char *address, guint16 port)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnection) connection
      = g_socket_client_connect_to_host (client, address, port, NULL, NULL);

  return connection != NULL;
}

static char *
nginx_https_server (guint16 port, const char *protocols)
{
  return g_strdup_printf ("  server {\n"
                          "    listen 127.0.0.1:%u ssl;\n"
                          "    ssl_certificate %s;\n"
                          "    ssl_certificate_key %s;\n"
                          "    ssl_protocols %s;\n"
                          "    ssl_client_certificate %s;\n"
                          "    ssl_verify_client on;\n"
                          "    root %s;\n"
                          "  }\n",
                          port, prov_pki.server->cert_path, prov_pki.server->key_path, protocols,
                          prov_pki.phone_ca->cert->cert_path, peers.www);
}

/* As root (`user root`: the PKI folder is root's), one worker, every path
 * in the peers' folder, no default site. */
static char *
nginx_conf (void)
{
  g_autofree char *tls = nginx_https_server (HTTPS_PORT, "TLSv1.2 TLSv1.3");
  g_autofree char *tls12 = nginx_https_server (HTTPS12_PORT, "TLSv1.2");
  const char *d = peers.dir;

  return g_strdup_printf (
      "user root;\nworker_processes 1;\npid %s/nginx.pid;\nerror_log %s/error.log info;\n"
      "events { worker_connections 64; }\n"
      "http {\n"
      "  default_type application/xml;\n"
      "  log_format peers '$server_port $request_method $uri $status "
      "proto=$ssl_protocol verify=$ssl_client_verify dn=\"$ssl_client_s_dn\"';\n"
      "  access_log %s peers;\n"
      "  client_body_temp_path %s/tmp-body;\n  proxy_temp_path %s/tmp-proxy;\n"
      "  fastcgi_temp_path %s/tmp-fastcgi;\n  uwsgi_temp_path %s/tmp-uwsgi;\n"
      "  scgi_temp_path %s/tmp-scgi;\n"
      "%s%s"
      "  server { listen 127.0.0.4:%u; root %s; }\n"
      "}\n",
      d, d, peers.access_log, d, d, d, d, d, tls, tls12, HTTP_PORT, peers.www);
}

static void
start_nginx (void)
{
  g_autofree char *conf = peer_path ("nginx.conf");
  g_autofree char *text = nginx_conf ();
  g_autofree char *error_log = peer_path ("error.log");
  const char *argv[]
      = { "nginx", "-p", peers.dir, "-c", conf, "-e", error_log, "-g", "daemon off;", NULL };

  g_assert_true (g_file_set_contents (conf, text, -1, NULL));
  peers.nginx = spawn_peer (argv, "nginx", 1);
  for (guint i = 0; i < 100 && g_subprocess_get_identifier (peers.nginx) != NULL; i++)
    {
      if (phonesec_test_port_accepts (HTTPS_PORT) && phonesec_test_port_accepts (HTTPS12_PORT)
          && accepts ("127.0.0.4", HTTP_PORT))
        break;
      g_usleep (50000);
    }
  assert_running (peers.nginx, "nginx");
  g_assert_true (accepts ("127.0.0.4", HTTP_PORT));
}

/* --- rsyslogd -------------------------------------------------------------- */

static void
start_rsyslogd (void)
{
  g_autofree char *conf = peer_path ("rsyslog.conf");
  g_autofree char *pid = peer_path ("rsyslogd.pid");
  /* Only imudp: no imuxsock (/dev/log) nor imklog. */
  g_autofree char *text
      = g_strdup_printf ("global(workDirectory=\"%s\")\n"
                         "module(load=\"imudp\")\n"
                         "input(type=\"imudp\" port=\"%u\" address=\"127.0.0.1\")\n"
                         "template(name=\"fields\" type=\"string\" string=\"host=%%HOSTNAME%% "
                         "tag=%%syslogtag%% pri=%%pri%% msg=%%msg%%\\n\")\n"
                         "action(type=\"omfile\" file=\"%s\" template=\"fields\")\n",
                         peers.dir, SYSLOG_PORT, peers.received_log);
  const char *argv[] = { "rsyslogd", "-n", "-f", conf, "-i", pid, NULL };
  g_autoptr (GSocket) socket
      = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, NULL);
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) to = g_inet_socket_address_new (lo, SYSLOG_PORT);
  static const char ready[] = "<13>Jan  1 00:00:00 test ready: rsyslogd-listens";
  gboolean seen = FALSE;

  g_assert_true (g_file_set_contents (conf, text, -1, NULL));
  peers.rsyslogd = spawn_peer (argv, "rsyslogd", 2);
  /* UDP says nothing about a listener: send until one line arrives. */
  for (guint i = 0; i < 50 && !seen && g_subprocess_get_identifier (peers.rsyslogd) != NULL; i++)
    {
      g_socket_send_to (socket, to, ready, strlen (ready), NULL, NULL);
      seen = phonesec_test_wait_file_contains (peers.received_log, "rsyslogd-listens", 200);
    }
  assert_running (peers.rsyslogd, "rsyslogd");
  g_assert_true (seen);
}

/* --- the peers' life ------------------------------------------------------- */

static void
peers_start (void)
{
  const int signals[] = { SIGABRT, SIGTRAP, SIGSEGV, SIGTERM };

  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    signal (signals[i], stop_peers_and_die);
  require_program ("dnsmasq", "dnsmasq");
  require_program ("nginx", "nginx");
  require_program ("rsyslogd", "rsyslog");
  require_program ("ip", "iproute2");
  peers.dir = g_dir_make_tmp ("prov-peers-XXXXXX", NULL);
  g_assert_nonnull (peers.dir);
  peers.www = peer_path ("www");
  peers.access_log = peer_path ("access.log");
  peers.dnsmasq_log = peer_path ("dnsmasq.log");
  peers.received_log = peer_path ("received.log");
  g_assert_cmpint (g_mkdir (peers.www, 0755), ==, 0);
  loopback_up ();
  start_dnsmasq ();
  start_nginx ();
  start_rsyslogd ();
}

static void
stop_peer (GSubprocess **p, guint slot)
{
  peer_pids[slot] = 0;
  g_subprocess_send_signal (*p, SIGTERM);
  g_subprocess_wait (*p, NULL, NULL);
  g_clear_object (p);
}

static void
peers_stop (void)
{
  stop_peer (&peers.rsyslogd, 2);
  stop_peer (&peers.nginx, 1);
  stop_peer (&peers.dnsmasq, 0);
  umount ("/etc/resolv.conf");
  if (g_getenv ("PROV_TEST_KEEP") == NULL)
    phonesec_test_rm_rf (peers.dir);
  else
    g_printerr ("peers' folder kept: %s\n", peers.dir);
  g_free (peers.dir);
  g_free (peers.www);
  g_free (peers.access_log);
  g_free (peers.dnsmasq_log);
  g_free (peers.received_log);
}

/* --- what the peers saw ---------------------------------------------------- */

static gsize
file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (gsize) st.st_size : 0;
}

/* The text @path gained since @offset. */
static char *
read_since (const char *path, gsize offset)
{
  g_autofree char *text = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &text, &len, NULL) || offset >= len)
    return g_strdup ("");
  return g_strdup (text + offset);
}

/* The line of @path after @offset holding @needle, waited for (nginx and
 * rsyslogd write from their own loops); the test fails without one. */
static char *
wait_line (const char *path, gsize offset, const char *needle)
{
  g_autofree char *text = NULL;
  gint64 deadline = g_get_monotonic_time () + 5000 * prov_test_timeout_scale * 1000;

  for (;;)
    {
      g_auto (GStrv) lines = NULL;

      g_free (text);
      text = read_since (path, offset);
      lines = g_strsplit (text, "\n", -1);
      for (guint i = 0; lines[i] != NULL; i++)
        if (strstr (lines[i], needle) != NULL)
          return g_strdup (lines[i]);
      if (g_get_monotonic_time () > deadline)
        g_error ("no line with '%s' in %s; since the test began:\n%s", needle, path, text);
      g_usleep (20000);
    }
}

/* rsyslogd wrote, after @offset, the line whose message is @message:
 * it parsed the RFC 3164 framing (PRI 133: local0.notice, the HOSTNAME
 * SEP<MAC>, the tag); the message keeps its leading space. */
static void
assert_received (gsize offset, const char *message)
{
  g_autofree char *msg = g_strconcat (" msg= ", message, NULL);
  g_autofree char *line = wait_line (peers.received_log, offset, msg);

  g_test_message ("rsyslogd: %s", line);
  g_assert_true (g_str_has_prefix (line, "host=SEP" DEV_MA " tag=phonesec: pri=133 msg= "));
  g_assert_true (g_str_has_suffix (line, msg));
}

static void
put_profile (const char *name, const char *text)
{
  prov_test_write_file (peers.www, name, text, -1);
}

static void
assert_applied (Fixture *f, const char *expected)
{
  g_autofree char *value = phonesec_test_dup_string (f->bus, "LDAP_Corp_Dir_Name");

  g_assert_cmpstr (value, ==, expected);
}

/* Resync() fails, State says so, the configuration does not move and the
 * profile's value is still @applied. Returns $ERR: LastError after its
 * "Profile_Rule: ". */
static char *
resync_fails (Fixture *f, const char *applied)
{
  guint64 generation = phonesec_test_get_generation (f->bus);
  g_autofree char *result = prov_test_resync (f);
  g_autofree char *state = prov_test_string (f, "State");
  g_autofree char *error = prov_test_string (f, "LastError");

  g_assert_cmpstr (result, ==, "failed");
  g_assert_cmpstr (state, ==, "failed");
  g_assert_true (g_str_has_prefix (error, "Profile_Rule: "));
  assert_applied (f, applied);
  g_assert_cmpuint (phonesec_test_get_generation (f->bus), ==, generation);
  return g_strdup (error + strlen ("Profile_Rule: "));
}

/* --- nginx ----------------------------------------------------------------- */

/* At start (Resync_On_Reset), over TLS 1.3 with the phone's certificate;
 * nginx verified it against the phone CA and logged the guide's subject. */
static void
test_nginx_client_certificate (Fixture *f, gconstpointer data)
{
  g_autofree char *rule = g_strdup_printf ("https://127.0.0.1:%u/$MA.xml", HTTPS_PORT);
  g_autofree char *result = NULL, *server = NULL, *line = NULL, *expected = NULL;
  gsize offset = file_size (peers.access_log);

  put_profile (DEV_MA ".xml", PROFILE ("From nginx"));
  prov_test_start_with (f, "Profile_Rule", rule, "Resync_On_Reset", "Yes", NULL);
  result = prov_test_wait_resync (f);
  g_assert_cmpstr (result, ==, "success");
  assert_applied (f, "From nginx");
  server = prov_test_string (f, "LastServer");
  expected = g_strdup_printf ("https://127.0.0.1:%u", HTTPS_PORT);
  g_assert_cmpstr (server, ==, expected);
  line = wait_line (peers.access_log, offset, "/" DEV_MA ".xml");
  g_test_message ("nginx: %s", line);
  g_assert_true (g_str_has_prefix (line, "8443 GET /" DEV_MA ".xml 200 "));
  g_assert_nonnull (strstr (line, " proto=TLSv1.3 "));
  g_assert_nonnull (strstr (line, " verify=SUCCESS "));
  /* nginx prints the subject RFC 2253 style; the guide's S= is ST=. */
  g_assert_nonnull (strstr (line, "OU=CP-8841-3PCC"));
  g_assert_nonnull (strstr (line, "L=FCH0000DEV1"));
  g_assert_nonnull (strstr (line, "ST=" DEV_MA));
}

/* A server that stops at TLS 1.2 is reached over TLS 1.2; with
 * TLS_Min_Version 1.3 the phone refuses it and nothing is applied. */
static void
test_nginx_tls12_and_min_version (Fixture *f, gconstpointer data)
{
  g_autofree char *rule = g_strdup_printf ("https://127.0.0.1:%u/tls12.xml", HTTPS12_PORT);
  g_autofree char *result = NULL, *line = NULL, *error = NULL, *after = NULL;
  gsize offset = file_size (peers.access_log);

  put_profile ("tls12.xml", PROFILE ("Over TLS 1.2"));
  prov_test_start_with (f, "Profile_Rule", rule, NULL);
  result = prov_test_resync (f);
  g_assert_cmpstr (result, ==, "success");
  assert_applied (f, "Over TLS 1.2");
  line = wait_line (peers.access_log, offset, "/tls12.xml");
  g_test_message ("nginx: %s", line);
  g_assert_nonnull (strstr (line, " 200 proto=TLSv1.2 verify=SUCCESS "));

  put_profile ("tls12.xml", PROFILE ("Not over TLS 1.2"));
  prov_test_apply (f, "TLS_Min_Version", "TLS 1.3");
  offset = file_size (peers.access_log);
  error = resync_fails (f, "Over TLS 1.2");
  g_assert_true (g_str_has_prefix (error, "https://127.0.0.1:8444: "));
  g_assert_nonnull (strstr (error, "protocol version"));
  /* The handshake failed: no request reached nginx's access log. */
  after = read_since (peers.access_log, offset);
  g_assert_null (strstr (after, "/tls12.xml"));
}

/* Without a client certificate (the device identity has none) nginx
 * answers 400; the resync fails, says so, and applies nothing. */
static void
test_nginx_needs_client_certificate (Fixture *f, gconstpointer data)
{
  g_autofree char *rule = g_strdup_printf ("https://127.0.0.1:%u/nocert.xml", HTTPS_PORT);
  g_autofree char *line = NULL, *error = NULL;
  gsize offset = file_size (peers.access_log);

  put_profile ("nocert.xml", PROFILE ("No client certificate"));
  /* The device identity without ClientCertificateFile/ClientKeyFile. */
  g_ptr_array_remove_index (f->bus->extra_args, f->bus->extra_args->len - 1);
  prov_test_start_with (f, "Profile_Rule", rule, NULL);
  error = resync_fails (f, "");
  g_assert_cmpstr (error, ==, "https://127.0.0.1:8443 answered HTTP 400");
  line = wait_line (peers.access_log, offset, "/nocert.xml");
  g_test_message ("nginx: %s", line);
  /* nginx logs an empty variable as "-". */
  g_assert_nonnull (strstr (line, " 400 proto=TLSv1.3 verify=NONE dn=\"-\""));
}

/* --- dnsmasq: redundant servers -------------------------------------------- */

/* prov.test: 127.0.0.2 and 127.0.0.3 refuse, 127.0.0.4 (nginx) answers;
 * LastServer names it, and rsyslogd got the success with that address. */
static void
test_dns_third_address_answers (Fixture *f, gconstpointer data)
{
  g_autofree char *rule = g_strdup_printf ("http://prov.test:%u/third.xml", HTTP_PORT);
  g_autofree char *syslog = g_strdup_printf ("127.0.0.1:%u", SYSLOG_PORT);
  g_autofree char *result = NULL, *server = NULL, *expected = NULL;
  g_autofree char *queries = NULL, *message = NULL;
  gsize dns_offset = file_size (peers.dnsmasq_log);
  gsize offset = file_size (peers.received_log);

  put_profile ("third.xml", PROFILE ("Third address"));
  prov_test_start_with (f, "Profile_Rule", rule, "Syslog_Server", syslog, NULL);
  result = prov_test_resync (f);
  g_assert_cmpstr (result, ==, "success");
  assert_applied (f, "Third address");
  server = prov_test_string (f, "LastServer");
  expected = g_strdup_printf ("http://127.0.0.4:%u", HTTP_PORT);
  g_assert_cmpstr (server, ==, expected);
  /* The phone asked dnsmasq, which gave the three in that order. */
  queries = read_since (peers.dnsmasq_log, dns_offset);
  g_assert_nonnull (strstr (queries, "query[A] prov.test"));
  {
    const char *p2 = strstr (queries, "config prov.test is 127.0.0.2\n");
    const char *p3 = p2 != NULL ? strstr (p2, "config prov.test is 127.0.0.3\n") : NULL;

    g_assert_nonnull (p3);
    g_assert_nonnull (strstr (p3, "config prov.test is 127.0.0.4\n"));
  }
  message
      = g_strdup_printf (PN_MAC " -- Successful resync http://127.0.0.4:%u/third.xml", HTTP_PORT);
  assert_received (offset, message);
}

/* Nothing listens at any of prov.test's addresses: the resync fails,
 * and the failure reaches rsyslogd with $ERR. */
static void
test_dns_all_down (Fixture *f, gconstpointer data)
{
  g_autofree char *rule = g_strdup_printf ("http://prov.test:%u/down.xml", NOBODY_PORT);
  g_autofree char *syslog = g_strdup_printf ("127.0.0.1:%u", SYSLOG_PORT);
  g_autofree char *error = NULL, *message = NULL, *server = NULL;
  gsize offset = file_size (peers.received_log);

  put_profile ("down.xml", PROFILE ("Never fetched"));
  prov_test_start_with (f, "Profile_Rule", rule, "Syslog_Server", syslog, NULL);
  error = resync_fails (f, "");
  g_assert_nonnull (strstr (error, "prov.test"));
  server = prov_test_string (f, "LastServer");
  /* No address answered: LastServer names none. */
  g_test_message ("LastServer: %s", server);
  g_assert_null (strstr (server, "127.0.0."));
  message
      = g_strdup_printf (PN_MAC " -- Requesting resync http://prov.test:%u/down.xml", NOBODY_PORT);
  assert_received (offset, message);
  g_free (message);
  message = g_strconcat (PN_MAC " -- Resync failed: ", error, NULL);
  assert_received (offset, message);
}

/* --- rsyslogd: framing and macros ------------------------------------------ */

#define REQUEST_MSG "req pn=$PN mac=$MAC url=$SCHEME://$SERVIP:$PORT$PATH"
#define SUCCESS_MSG "ok pn=$PN mac=$MAC url=$SCHEME://$SERVIP:$PORT$PATH"
#define FAILURE_MSG "ko pn=$PN mac=$MAC err=[$ERR]"

static void
start_with_messages (Fixture *f, const char *rule)
{
  g_autofree char *syslog = g_strdup_printf ("127.0.0.1:%u", SYSLOG_PORT);

  prov_test_start_with (f, "Profile_Rule", rule, "Syslog_Server", syslog, "Log_Request_Msg",
                        REQUEST_MSG, "Log_Success_Msg", SUCCESS_MSG, "Log_Failure_Msg", FAILURE_MSG,
                        NULL);
}

/* Log_Request_Msg and Log_Success_Msg with their macros expanded. */
static void
test_syslog_macros (Fixture *f, gconstpointer data)
{
  g_autofree char *rule = g_strdup_printf ("https://127.0.0.1:%u/logged.xml", HTTPS_PORT);
  g_autofree char *result = NULL, *request = NULL, *success = NULL;
  gsize offset = file_size (peers.received_log);

  put_profile ("logged.xml", PROFILE ("Logged"));
  start_with_messages (f, rule);
  result = prov_test_resync (f);
  g_assert_cmpstr (result, ==, "success");
  request = g_strdup_printf ("req pn=CP-8841-3PCC mac=00:11:22:33:44:55 "
                             "url=https://127.0.0.1:%u/logged.xml",
                             HTTPS_PORT);
  assert_received (offset, request);
  success = g_strdup_printf ("ok pn=CP-8841-3PCC mac=00:11:22:33:44:55 "
                             "url=https://127.0.0.1:%u/logged.xml",
                             HTTPS_PORT);
  assert_received (offset, success);
}

/* A 404 from nginx: Log_Failure_Msg with $ERR saying so. */
static void
test_syslog_failure_err (Fixture *f, gconstpointer data)
{
  g_autofree char *rule = g_strdup_printf ("https://127.0.0.1:%u/missing.xml", HTTPS_PORT);
  g_autofree char *error = NULL, *failure = NULL;
  gsize offset = file_size (peers.received_log);

  start_with_messages (f, rule);
  error = resync_fails (f, "");
  g_assert_nonnull (strstr (error, "404"));
  failure = g_strdup_printf ("ko pn=CP-8841-3PCC mac=00:11:22:33:44:55 err=[%s]", error);
  assert_received (offset, failure);
}

#define ADD(path, func) g_test_add (path, Fixture, NULL, prov_test_setup, func, prov_test_teardown)

int
main (int argc, char **argv)
{
  int status;

  enter_namespaces ();
  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("PHONESEC_DAEMON_WRAPPER") != NULL && g_getenv ("PHONESEC_DAEMON_WRAPPER")[0])
    prov_test_timeout_scale = 6;
  prov_test_pki_make ();
  peers_start ();
  ADD ("/prov-peers/nginx/client-certificate", test_nginx_client_certificate);
  ADD ("/prov-peers/nginx/tls12-and-min-version", test_nginx_tls12_and_min_version);
  ADD ("/prov-peers/nginx/needs-client-certificate", test_nginx_needs_client_certificate);
  ADD ("/prov-peers/dns/third-address-answers", test_dns_third_address_answers);
  ADD ("/prov-peers/dns/all-down", test_dns_all_down);
  ADD ("/prov-peers/syslog/macros", test_syslog_macros);
  ADD ("/prov-peers/syslog/failure-err", test_syslog_failure_err);
  status = g_test_run ();
  peers_stop ();
  prov_test_pki_free ();
  return status;
}
