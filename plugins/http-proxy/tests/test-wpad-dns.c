/* test-wpad-dns.c: WPAD against a real dnsmasq, in a network and mount
 * namespace this test makes for itself at start (root, before any thread):
 * loopback up, a resolv.conf bind-mounted over /etc/resolv.conf that points
 * at dnsmasq on 127.0.0.1:53, and an HTTP server on 127.0.0.1:80 answering
 * /wpad.dat with a script naming the Host it was asked for. dnsmasq logs
 * every query (--log-queries), so the tests see which names were looked up.
 *
 * dnsmasq knows wpad.b.example.com and wpad.example.net (127.0.0.1) and
 * answers NXDOMAIN for everything else. PAC_TEST_KEEP=1 keeps the temp
 * folder (dnsmasq's log) for a look after a failure.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE
#include <glib/gstdio.h>
#include <phonesec/phonesec.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include <libsoup/soup.h>

#include "pac-test-util.h"

static struct
{
  char *dir;
  char *log_path;
  GSubprocess *dnsmasq;
  SoupServer *http;
  PhonesecHttpClient *session;
  GSocket *silent; /* a DNS "server" that never answers */
  GSubprocess *tftpd;
  guint16 tftp_port;
  guint wpad_requests;
} world;

#define DHCP_SCRIPT "function FindProxyForURL(u, h) { return \"PROXY dhcp.example:3128\"; }\n"

/* dnsmasq drops capabilities at start, which clears the parent-death signal
 * the fixture sets: a failed assertion kills it by hand. */
static volatile pid_t dnsmasq_pid;

static void
kill_dnsmasq_and_die (int sig)
{
  if (dnsmasq_pid > 0)
    kill (dnsmasq_pid, SIGKILL);
  signal (sig, SIG_DFL);
  raise (sig);
}

static char *
script_for_host (const char *host)
{
  return g_strdup_printf ("function FindProxyForURL(u, h) { return \"PROXY %s:3128\"; }\n", host);
}

static void
handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
         gpointer user_data)
{
  const char *host
      = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Host");

  if (g_str_equal (path, "/wpad.dat") && host != NULL)
    {
      g_autofree char *script = script_for_host (host);

      world.wpad_requests++;
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/x-ns-proxy-autoconfig", SOUP_MEMORY_COPY,
                                        script, strlen (script));
    }
  else if (g_str_equal (path, "/dhcp.pac"))
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/x-ns-proxy-autoconfig",
                                        SOUP_MEMORY_STATIC, DHCP_SCRIPT, strlen (DHCP_SCRIPT));
    }
  else
    soup_server_message_set_status (msg, 404, NULL);
}

static void
run (const char *const *argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *output = NULL;
  g_autoptr (GSubprocess) p = g_subprocess_newv (
      argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE, &error);

  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (p, NULL, NULL, &output, NULL, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (p))
    g_error ("%s failed: %s", argv[0], output);
}

/* A network namespace with only loopback, and a mount namespace whose
 * /etc/resolv.conf is ours. Must run before any thread exists. */
static void
enter_namespaces (void)
{
  if (geteuid () != 0)
    g_error ("test-wpad-dns needs root: it makes a network namespace for dnsmasq");
  if (unshare (CLONE_NEWNS | CLONE_NEWNET) != 0)
    g_error ("unshare(CLONE_NEWNS | CLONE_NEWNET): %s", g_strerror (errno));
  /* Nothing mounted here may leak to the host. */
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
    g_error ("making / private: %s", g_strerror (errno));
}

static gboolean
name_resolves (const char *name)
{
  g_autoptr (GResolver) resolver = g_resolver_get_default ();
  GList *addresses = g_resolver_lookup_by_name (resolver, name, NULL, NULL);
  gboolean ok = addresses != NULL;

  g_resolver_free_addresses (addresses);
  return ok;
}

static void
world_set_up (void)
{
  g_autofree char *resolv = NULL;
  g_autofree char *log_arg = NULL;
  g_autofree char *silent_arg = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) port80 = g_inet_socket_address_new (loopback, 80);

  pac_test_require_program ("dnsmasq", "dnsmasq");
  pac_test_require_program ("ip", "iproute2");
  world.dir = pac_test_make_dir ("pac-wpad-XXXXXX");
  world.log_path = g_build_filename (world.dir, "dnsmasq.log", NULL);
  {
    const char *argv[] = { "ip", "link", "set", "lo", "up", NULL };
    run (argv);
  }
  {
    /* getaddrinfo's AI_ADDRCONFIG (GLib's IPv4-only lookups, as libsoup
     * makes them) answers nothing on a host whose only IPv4 address is
     * 127.0.0.1; a second loopback address is enough. */
    const char *argv[] = { "ip", "addr", "add", "127.0.0.53/8", "dev", "lo", NULL };
    run (argv);
  }

  resolv = g_build_filename (world.dir, "resolv.conf", NULL);
  /* No search list: only the names asked for are looked up. */
  g_file_set_contents (resolv, "nameserver 127.0.0.1\noptions timeout:2 attempts:2\n", -1, &error);
  g_assert_no_error (error);
  if (mount (resolv, "/etc/resolv.conf", NULL, MS_BIND, NULL) != 0)
    g_error ("bind-mounting %s over /etc/resolv.conf: %s", resolv, g_strerror (errno));

  log_arg = g_strconcat ("--log-facility=", world.log_path, NULL);
  {
    g_autoptr (GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
    g_autoptr (GSocketAddress) bound = NULL;

    world.silent = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                 G_SOCKET_PROTOCOL_UDP, &error);
    g_assert_no_error (error);
    g_socket_bind (world.silent, any_port, FALSE, &error);
    g_assert_no_error (error);
    bound = g_socket_get_local_address (world.silent, &error);
    g_assert_no_error (error);
    silent_arg = g_strdup_printf ("--server=/wpad.s.b.example.com/127.0.0.1#%u",
                                  g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  }
  {
    const char *argv[]
        = { "dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts",
            "--bind-interfaces", "--listen-address=127.0.0.1", "--port=53", "--user=root",
            "--pid-file", "--log-queries", log_arg, "--address=/wpad.b.example.com/127.0.0.1",
            "--address=/wpad.example.net/127.0.0.1",
            /* Lookups of this name hang. */
            silent_arg,
            /* Everything else: no such name. */
            "--address=/#/", NULL };
    g_autofree char *out = g_build_filename (world.dir, "dnsmasq.out", NULL);

    world.dnsmasq = pac_test_spawn (argv, out);
    dnsmasq_pid = atoi (g_subprocess_get_identifier (world.dnsmasq));
    signal (SIGABRT, kill_dnsmasq_and_die);
    signal (SIGTRAP, kill_dnsmasq_and_die);
    signal (SIGSEGV, kill_dnsmasq_and_die);
    signal (SIGTERM, kill_dnsmasq_and_die);
  }

  world.http = soup_server_new (NULL, NULL);
  soup_server_add_handler (world.http, NULL, handler, NULL, NULL);
  soup_server_listen (world.http, port80, 0, &error);
  g_assert_no_error (error);
  world.session = pac_test_client_new (NULL);

  for (guint i = 0; i < 100 && !name_resolves ("wpad.b.example.com"); i++)
    {
      if (g_subprocess_get_identifier (world.dnsmasq) == NULL)
        break;
      g_usleep (50000);
    }
  if (!name_resolves ("wpad.b.example.com"))
    {
      g_autofree char *out_path = g_build_filename (world.dir, "dnsmasq.out", NULL);
      g_autofree char *out = NULL;

      g_file_get_contents (out_path, &out, NULL, NULL);
      g_error ("dnsmasq does not answer on 127.0.0.1:53; its output:\n%s", out);
    }
}

static void
world_tear_down (void)
{
  pac_test_kill (world.tftpd);
  g_clear_object (&world.tftpd);
  pac_test_kill (world.dnsmasq);
  g_clear_object (&world.dnsmasq);
  dnsmasq_pid = 0;
  pac_test_run_for (50);
  soup_server_disconnect (world.http);
  g_clear_object (&world.http);
  g_clear_object (&world.session);
  g_clear_object (&world.silent);
  umount ("/etc/resolv.conf");
  if (g_getenv ("PAC_TEST_KEEP") == NULL)
    pac_test_rm_rf (world.dir);
  g_free (world.dir);
  g_free (world.log_path);
}

/* --- dnsmasq's query log ---------------------------------------------------- */

static gsize
log_size (void)
{
  GStatBuf st;

  return g_stat (world.log_path, &st) == 0 ? (gsize) st.st_size : 0;
}

/* The names queried since @offset, each once, in order of first query. */
static GPtrArray *
names_queried_since (gsize offset)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) lines = NULL;

  /* dnsmasq writes its log from its main loop: give it a moment. */
  pac_test_run_for (200);
  g_file_get_contents (world.log_path, &text, &len, NULL);
  if (text == NULL || offset >= len)
    return names;
  lines = g_strsplit (text + offset, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *q = strstr (lines[i], " query[");
      const char *name;
      const char *end;
      g_autofree char *copy = NULL;
      gboolean seen = FALSE;

      if (q == NULL || (name = strstr (q, "] ")) == NULL)
        continue;
      name += 2;
      end = strstr (name, " from ");
      if (end == NULL)
        continue;
      copy = g_ascii_strdown (name, end - name);
      for (guint j = 0; j < names->len; j++)
        seen |= g_str_equal (g_ptr_array_index (names, j), copy);
      if (!seen)
        g_ptr_array_add (names, g_steal_pointer (&copy));
    }
  return names;
}

static char *
join (GPtrArray *names)
{
  g_autoptr (GString) s = g_string_new (NULL);

  for (guint i = 0; i < names->len; i++)
    g_string_append_printf (s, "%s%s", i > 0 ? ", " : "", (char *) g_ptr_array_index (names, i));
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* The wpad names among @names are exactly @expected, in that order. */
static void
assert_wpad_queries (GPtrArray *names, const char *const *expected)
{
  g_autoptr (GPtrArray) wpad = g_ptr_array_new ();
  g_autofree char *all = join (names);

  for (guint i = 0; i < names->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (names, i), "wpad"))
      g_ptr_array_add (wpad, g_ptr_array_index (names, i));
  g_test_message ("names queried: %s", all);
  g_ptr_array_add (wpad, NULL);
  if (!g_strv_equal ((const char *const *) wpad->pdata, expected))
    {
      g_autofree char *want = g_strjoinv (", ", (char **) expected);
      g_error ("wpad names queried: [%s], expected [%s]", all, want);
    }
}

static GVariant *
network (const char *domain, const char *option_252)
{
  GVariantDict dict;
  GVariantBuilder options;

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "domain", "s", domain);
  g_variant_builder_init (&options, G_VARIANT_TYPE ("a{us}"));
  g_variant_builder_add (&options, "{us}", 15, domain);
  if (option_252 != NULL)
    g_variant_builder_add (&options, "{us}", 252, option_252);
  g_variant_dict_insert_value (&dict, "dhcp-options", g_variant_builder_end (&options));
  return g_variant_ref_sink (g_variant_dict_end (&dict));
}

static PhonesecPacSource *
discover (const char *domain, const char *option_252, GPtrArray **names)
{
  PhonesecPacSource *source = phonesec_pac_source_new (world.session);
  g_autoptr (GVariant) facts = network (domain, option_252);
  gsize offset = log_size ();

  g_object_set (source, "dns-timeout-ms", 3000, "fetch-timeout-ms", 3000, NULL);
  phonesec_pac_source_configure (source, NULL, TRUE, facts, NULL);
  pac_test_wait_settled (source, 20000);
  *names = names_queried_since (offset);
  return source;
}

static void
assert_script_from (PhonesecPacSource *source, const char *host)
{
  g_autofree char *expected = script_for_host (host);
  g_autofree char *url = g_strdup_printf ("http://%s/wpad.dat", host);
  GBytes *script = phonesec_pac_source_get_script (source);

  g_assert_cmpstr (phonesec_pac_source_get_state (source), ==, "ready");
  g_assert_cmpstr (phonesec_pac_source_get_origin (source), ==, "dns");
  g_assert_cmpstr (phonesec_pac_source_get_url (source), ==, url);
  g_assert_nonnull (script);
  g_assert_cmpmem (g_bytes_get_data (script, NULL), g_bytes_get_size (script), expected,
                   strlen (expected));
}

/* --- tests ------------------------------------------------------------------ */

/* a.b.example.com: wpad.a.b.example.com does not exist, wpad.b.example.com
 * does; the walk stops there. */
static void
test_walk_finds_nearest (void)
{
  g_autoptr (GPtrArray) names = NULL;
  g_autoptr (PhonesecPacSource) source = discover ("a.b.example.com", NULL, &names);

  assert_script_from (source, "wpad.b.example.com");
  assert_wpad_queries (names,
                       (const char *[]){ "wpad.a.b.example.com", "wpad.b.example.com", NULL });
}

/* The walk goes up one label at a time to the registrable domain. */
static void
test_walk_reaches_registrable_domain (void)
{
  g_autoptr (GPtrArray) names = NULL;
  g_autoptr (PhonesecPacSource) source = discover ("a.b.c.example.net", NULL, &names);

  assert_script_from (source, "wpad.example.net");
  assert_wpad_queries (names, (const char *[]){ "wpad.a.b.c.example.net", "wpad.b.c.example.net",
                                                "wpad.c.example.net", "wpad.example.net", NULL });
}

/* Nothing anywhere: every level is tried, never wpad.org; the error names
 * them all. */
static void
test_walk_stops_before_tld (void)
{
  g_autoptr (GPtrArray) names = NULL;
  g_autoptr (PhonesecPacSource) source = discover ("x.y.example.org", NULL, &names);
  const char *error = phonesec_pac_source_get_error (source);

  g_assert_cmpstr (phonesec_pac_source_get_state (source), ==, "error");
  g_assert_null (phonesec_pac_source_get_script (source));
  assert_wpad_queries (names, (const char *[]){ "wpad.x.y.example.org", "wpad.y.example.org",
                                                "wpad.example.org", NULL });
  g_test_message ("%s", error);
  g_assert_true (g_str_has_prefix (error, "WPAD found no PAC script: "));
  g_assert_nonnull (strstr (error, "wpad.x.y.example.org: no such DNS name"));
  g_assert_nonnull (strstr (error, "wpad.example.org: no such DNS name"));
  g_assert_null (strstr (error, "wpad.org"));
}

/* Under a two-label public suffix: never wpad.co.uk. */
static void
test_walk_stops_before_public_suffix (void)
{
  g_autoptr (GPtrArray) names = NULL;
  g_autoptr (PhonesecPacSource) source = discover ("x.example.co.uk", NULL, &names);

  g_assert_cmpstr (phonesec_pac_source_get_state (source), ==, "error");
  assert_wpad_queries (names,
                       (const char *[]){ "wpad.x.example.co.uk", "wpad.example.co.uk", NULL });
}

/* DHCP option 252 comes first: no wpad name is looked up at all. */
static void
test_dhcp_option_first (void)
{
  g_autoptr (GPtrArray) names = NULL;
  guint before = world.wpad_requests;
  g_autoptr (PhonesecPacSource) source
      = discover ("a.b.example.com", "http://127.0.0.1/dhcp.pac", &names);
  GBytes *script = phonesec_pac_source_get_script (source);

  g_assert_cmpstr (phonesec_pac_source_get_state (source), ==, "ready");
  g_assert_cmpstr (phonesec_pac_source_get_origin (source), ==, "dhcp");
  g_assert_cmpstr (phonesec_pac_source_get_url (source), ==, "http://127.0.0.1/dhcp.pac");
  g_assert_cmpmem (g_bytes_get_data (script, NULL), g_bytes_get_size (script), DHCP_SCRIPT,
                   strlen (DHCP_SCRIPT));
  assert_wpad_queries (names, (const char *[]){ NULL });
  g_assert_cmpuint (world.wpad_requests, ==, before);
}

/* A DHCP URL that fails: DNS is tried next, and the script comes from there. */
static void
test_dhcp_option_failing_falls_back_to_dns (void)
{
  g_autoptr (GPtrArray) names = NULL;
  g_autoptr (PhonesecPacSource) source
      = discover ("a.b.example.com", "http://127.0.0.1/gone.pac", &names);

  assert_script_from (source, "wpad.b.example.com");
  assert_wpad_queries (names,
                       (const char *[]){ "wpad.a.b.example.com", "wpad.b.example.com", NULL });
}

/* A lookup that hangs is given up after dns-timeout-ms; the walk goes on. */
static void
test_dns_timeout_moves_on (void)
{
  g_autoptr (GPtrArray) names = NULL;
  gint64 start = g_get_monotonic_time ();
  g_autoptr (PhonesecPacSource) source = NULL;
  g_autoptr (GVariant) facts = network ("s.b.example.com", NULL);
  double elapsed;
  gsize offset = log_size ();
  const char *const expected[] = { "wpad.s.b.example.com", "wpad.b.example.com", NULL };

  source = phonesec_pac_source_new (world.session);
  g_object_set (source, "dns-timeout-ms", 500, NULL);
  phonesec_pac_source_configure (source, NULL, TRUE, facts, NULL);
  pac_test_wait_settled (source, 20000);
  elapsed = (g_get_monotonic_time () - start) / 1e6;
  names = names_queried_since (offset);
  assert_script_from (source, "wpad.b.example.com");
  assert_wpad_queries (names, expected);
  g_test_message ("settled after %.2f s", elapsed);
  g_assert_cmpfloat (elapsed, >=, 0.45);
  /* glibc alone would wait timeout:2 x attempts:2. */
  g_assert_cmpfloat (elapsed, <, 3.0);
}

/* Option 252 may name a TFTP URL by host name: the TFTP client resolves it. */
static void
test_dhcp_option_tftp_by_name (void)
{
  g_autofree char *tftp_dir = g_build_filename (world.dir, "tftp", NULL);
  g_autofree char *pac = g_build_filename (tftp_dir, "proxy.pac", NULL);
  g_autofree char *address = NULL;
  g_autofree char *url = NULL;
  g_autofree char *log = g_build_filename (world.dir, "in.tftpd.log", NULL);
  g_autoptr (GBytes) expected = pac_test_make_script (1500, 252);
  g_autoptr (GPtrArray) names = NULL;
  g_autoptr (PhonesecPacSource) source = NULL;
  GBytes *script;

  pac_test_require_program ("in.tftpd", "tftpd-hpa");
  g_assert_cmpint (g_mkdir_with_parents (tftp_dir, 0755), ==, 0);
  pac_test_write_file (pac, g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
  /* Port 69 of 127.0.0.1 is free: this namespace is ours. */
  world.tftp_port = 69;
  address = g_strdup_printf ("127.0.0.1:%u", world.tftp_port);
  {
    const char *argv[] = { "in.tftpd", "-L", "-a", address, "-s", tftp_dir, NULL };

    world.tftpd = pac_test_spawn (argv, log);
  }
  pac_test_run_for (200);
  url = g_strdup ("tftp://wpad.b.example.com/proxy.pac");
  source = discover ("a.b.example.com", url, &names);
  script = phonesec_pac_source_get_script (source);

  g_assert_cmpstr (phonesec_pac_source_get_state (source), ==, "ready");
  g_assert_cmpstr (phonesec_pac_source_get_origin (source), ==, "dhcp");
  g_assert_cmpstr (phonesec_pac_source_get_url (source), ==, url);
  g_assert_true (g_bytes_equal (script, expected));
  /* The one name looked up is the server's, not a wpad walk. */
  assert_wpad_queries (names, (const char *[]){ "wpad.b.example.com", NULL });
}

/* A domain that is no DNS name: nothing is queried, the error says why. */
static void
test_bad_domain (void)
{
  g_autoptr (GPtrArray) names = NULL;
  g_autoptr (PhonesecPacSource) source = discover ("bad..example.com", NULL, &names);

  g_assert_cmpstr (phonesec_pac_source_get_state (source), ==, "error");
  g_assert_nonnull (strstr (phonesec_pac_source_get_error (source), "not a valid domain name"));
  assert_wpad_queries (names, (const char *[]){ NULL });
}

/* The network changes: configure() with new facts starts over. */
static void
test_network_change (void)
{
  g_autoptr (GPtrArray) names = NULL;
  g_autoptr (PhonesecPacSource) source = discover ("x.y.example.org", NULL, &names);
  g_autoptr (GVariant) facts = network ("a.b.example.com", NULL);

  g_assert_cmpstr (phonesec_pac_source_get_state (source), ==, "error");
  phonesec_pac_source_configure (source, NULL, TRUE, facts, NULL);
  g_assert_cmpstr (phonesec_pac_source_get_state (source), ==, "discovering");
  pac_test_wait_settled (source, 20000);
  assert_script_from (source, "wpad.b.example.com");
}

int
main (int argc, char **argv)
{
  int status;

  enter_namespaces ();
  g_test_init (&argc, &argv, NULL);
  world_set_up ();
  g_test_add_func ("/wpad-dns/walk-finds-nearest", test_walk_finds_nearest);
  g_test_add_func ("/wpad-dns/walk-reaches-registrable-domain",
                   test_walk_reaches_registrable_domain);
  g_test_add_func ("/wpad-dns/walk-stops-before-tld", test_walk_stops_before_tld);
  g_test_add_func ("/wpad-dns/walk-stops-before-public-suffix",
                   test_walk_stops_before_public_suffix);
  g_test_add_func ("/wpad-dns/dhcp-option-first", test_dhcp_option_first);
  g_test_add_func ("/wpad-dns/dhcp-option-failing-falls-back-to-dns",
                   test_dhcp_option_failing_falls_back_to_dns);
  g_test_add_func ("/wpad-dns/dns-timeout-moves-on", test_dns_timeout_moves_on);
  g_test_add_func ("/wpad-dns/dhcp-option-tftp-by-name", test_dhcp_option_tftp_by_name);
  g_test_add_func ("/wpad-dns/bad-domain", test_bad_domain);
  g_test_add_func ("/wpad-dns/network-change", test_network_change);
  status = g_test_run ();
  world_tear_down ();
  return status;
}
