/* test-pac-dns.c: the script's DNS questions, answered by the daemon side
 * (GResolver) from a real dnsmasq, and by a server that never answers.
 *
 * The program re-runs itself under `unshare -n -m`: a network namespace of
 * its own (loopback only) and a mount namespace where /etc/resolv.conf is
 * bind-mounted to point at 127.0.0.1, where dnsmasq serves *.corp-dns.test
 * and forwards *.slow.test to 127.0.0.2:53, a UDP socket this test holds
 * and never reads. With CI=true a missing tool fails the test.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "phonesec-pac-runner.h"

#define INSIDE_ENV "PHONESEC_PAC_DNS_INSIDE"

static const char *dns_script
    = "function FindProxyForURL(url, host) {\n"
      "  if (host == 'two-slow.example') {\n"
      "    var a = isResolvable('a.slow.test'), b = isResolvable('b.slow.test');\n"
      "    return 'PROXY ' + (a || b ? 'resolved' : 'unresolved') + '.example:1';\n"
      "  }\n"
      "  if (host == 'cap.example') {\n"
      "    var n = 0;\n"
      "    for (var i = 0; i < 20; i++) if (isResolvable('n' + i + '.corp-dns.test')) n++;\n"
      "    return 'PROXY n' + n + '.example:1';\n"
      "  }\n"
      "  if (host == 'ex.example')\n"
      "    return dnsResolveEx('v6.corp-dns.test').split(';').sort().join(',') ==\n"
      "      '10.9.8.7,2001:db8::53' && dnsResolve('v6.corp-dns.test') == '10.9.8.7' ?\n"
      "      'PROXY yes.example:1' : 'PROXY no.example:1';\n"
      "  if (isInNet(host, '10.9.8.0', '255.255.255.0'))\n"
      "    return 'PROXY ' + dnsResolve(host) + ':3128';\n"
      "  return 'DIRECT';\n"
      "}\n";

static GSubprocess *dnsmasq;
static GSocket *silent;
static char *tmpdir;

static void
run_or_die (const char *const *argv)
{
  g_autoptr (GError) error = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                     &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    g_error ("%s: %s", argv[0], error->message);
}

static gboolean
resolves (const char *name)
{
  g_autoptr (GResolver) resolver = g_resolver_get_default ();
  GList *l = g_resolver_lookup_by_name (resolver, name, NULL, NULL);
  gboolean ok = l != NULL;

  g_resolver_free_addresses (l);
  return ok;
}

/* Inside the namespaces: loopback up, resolv.conf, dnsmasq, the silent
 * server. */
static void
setup_network (void)
{
  const char *lo_up[] = { "ip", "link", "set", "lo", "up", NULL };
  g_autofree char *resolv = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocketAddress) addr = NULL;
  g_autoptr (GInetAddress) ip = NULL;

  run_or_die (lo_up);
  tmpdir = g_dir_make_tmp ("pac-dns-XXXXXX", &error);
  g_assert_no_error (error);
  resolv = g_build_filename (tmpdir, "resolv.conf", NULL);
  g_assert_true (g_file_set_contents (
      resolv, "nameserver 127.0.0.1\noptions timeout:5 attempts:1\n", -1, &error));
  {
    const char *bind[] = { "mount", "--bind", resolv, "/etc/resolv.conf", NULL };
    run_or_die (bind);
  }

  silent
      = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);
  g_assert_no_error (error);
  ip = g_inet_address_new_from_string ("127.0.0.2");
  addr = g_inet_socket_address_new (ip, 53);
  g_assert_true (g_socket_bind (silent, addr, FALSE, &error));

  dnsmasq = g_subprocess_new (
      G_SUBPROCESS_FLAGS_NONE, &error, "dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null",
      "--no-resolv", "--no-hosts", "--listen-address=127.0.0.1", "--bind-interfaces", "--port=53",
      "--pid-file=", "--address=/corp-dns.test/10.9.8.7",
      "--address=/v6.corp-dns.test/2001:db8::53", "--server=/slow.test/127.0.0.2#53", NULL);
  g_assert_no_error (error);
  for (int i = 0; i < 100 && !resolves ("ready.corp-dns.test"); i++)
    g_usleep (50 * 1000);
  g_assert_true (resolves ("ready.corp-dns.test"));
}

static void
on_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static PhonesecPacRunner *
dns_runner (void)
{
  PhonesecPacRunner *runner = phonesec_pac_runner_new (g_getenv ("PHONESEC_PAC_HELPER"));
  g_autoptr (GBytes) bytes = g_bytes_new_static (dns_script, strlen (dns_script));
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  phonesec_pac_runner_load_script_async (runner, bytes, NULL, on_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (phonesec_pac_runner_load_script_finish (runner, result, &error));
  g_assert_no_error (error);
  return runner;
}

typedef struct
{
  gint64 last;
  gint64 max_gap;
} Ticker;

static gboolean
on_tick (gpointer user_data)
{
  Ticker *t = user_data;
  gint64 now = g_get_monotonic_time ();

  t->max_gap = MAX (t->max_gap, now - t->last);
  t->last = now;
  return G_SOURCE_CONTINUE;
}

/* Returns the result; *@elapsed_us the time taken; the main loop must
 * have run every 20 ms meanwhile. */
static char *
find_timed (PhonesecPacRunner *runner, const char *url, gint64 *elapsed_us, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  Ticker t = { g_get_monotonic_time (), 0 };
  guint id = g_timeout_add (20, on_tick, &t);
  gint64 start = t.last;
  char *r;

  phonesec_pac_runner_find_proxy_async (runner, url, NULL, on_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
  *elapsed_us = g_get_monotonic_time () - start;
  g_assert_cmpint (t.max_gap, <, 200 * 1000);
  r = phonesec_pac_runner_find_proxy_finish (runner, result, error);
  return r;
}

static void
assert_find (PhonesecPacRunner *runner, const char *url, const char *expected)
{
  g_autoptr (GError) error = NULL;
  gint64 elapsed;
  g_autofree char *got = find_timed (runner, url, &elapsed, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (got, ==, expected);
}

static void
test_names_resolve (void)
{
  g_autoptr (PhonesecPacRunner) runner = dns_runner ();

  assert_find (runner, "http://www.corp-dns.test/", "PROXY 10.9.8.7:3128");
  assert_find (runner, "http://elsewhere.example/", "DIRECT");
  /* dnsResolveEx: every family; dnsResolve: IPv4 only. */
  assert_find (runner, "http://ex.example/", "PROXY yes.example:1");
}

/* At most 16 questions per call: a script cannot keep the resolver busy. */
static void
test_question_cap (void)
{
  g_autoptr (PhonesecPacRunner) runner = dns_runner ();

  assert_find (runner, "http://cap.example/", "PROXY n16.example:1");
}

/* Two names whose server never answers: each gives up after 1 s, and the
 * 1 s limit of the call does not count that wait. */
static void
test_silent_server (void)
{
  g_autoptr (PhonesecPacRunner) runner = dns_runner ();
  g_autoptr (GError) error = NULL;
  g_autofree char *got = NULL;
  gint64 elapsed;

  got = find_timed (runner, "http://two-slow.example/", &elapsed, &error);
  g_test_message ("two silent names: %" G_GINT64_FORMAT " ms", elapsed / 1000);
  g_assert_no_error (error);
  g_assert_cmpstr (got, ==, "PROXY unresolved.example:1");
  g_assert_cmpint (elapsed, >=, 1900 * 1000);
  g_assert_cmpint (elapsed, <, 4000 * 1000);
  /* And the runner answers at once afterwards. */
  assert_find (runner, "http://www.corp-dns.test/", "PROXY 10.9.8.7:3128");
}

int
main (int argc, char **argv)
{
  int status;

  if (g_getenv (INSIDE_ENV) == NULL)
    {
      g_autoptr (GPtrArray) args = g_ptr_array_new ();
      g_autofree char *unshare = g_find_program_in_path ("unshare");
      g_autofree char *dnsmasq_path = g_find_program_in_path ("dnsmasq");

      if (unshare == NULL || dnsmasq_path == NULL || getuid () != 0)
        {
          g_printerr ("needs root, unshare and dnsmasq\n");
          return g_strcmp0 (g_getenv ("CI"), "true") == 0 ? 1 : 77;
        }
      g_setenv (INSIDE_ENV, "1", TRUE);
      g_ptr_array_add (args, "unshare");
      g_ptr_array_add (args, "-n");
      g_ptr_array_add (args, "-m");
      g_ptr_array_add (args, "--propagation");
      g_ptr_array_add (args, "private");
      for (int i = 0; i < argc; i++)
        g_ptr_array_add (args, argv[i]);
      g_ptr_array_add (args, NULL);
      execv (unshare, (char **) args->pdata);
      g_printerr ("cannot run unshare\n");
      return 1;
    }

  g_test_init (&argc, &argv, NULL);
  g_assert_nonnull (g_getenv ("PHONESEC_PAC_HELPER"));
  setup_network ();
  g_test_add_func ("/pac-dns/names-resolve", test_names_resolve);
  g_test_add_func ("/pac-dns/question-cap", test_question_cap);
  g_test_add_func ("/pac-dns/silent-server", test_silent_server);
  status = g_test_run ();

  g_subprocess_force_exit (dnsmasq);
  g_subprocess_wait (dnsmasq, NULL, NULL);
  g_clear_object (&dnsmasq);
  g_clear_object (&silent);
  {
    g_autofree char *resolv = g_build_filename (tmpdir, "resolv.conf", NULL);
    const char *umount[] = { "umount", "/etc/resolv.conf", NULL };
    run_or_die (umount);
    g_unlink (resolv);
    g_rmdir (tmpdir);
    g_free (tmpdir);
  }
  return status;
}
