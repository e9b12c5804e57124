/* test-pac-runner.c: PhonesecPacRunner with the real phonesec-pac-helper
 * (PHONESEC_PAC_HELPER): a URL → result table over test-data/corporate.pac
 * with a fixed clock, hostile scripts and URLs, the cache, the sandbox.
 *
 * The clock: PHONESEC_PAC_TEST_NOW = 2026-03-10 22:30:15 UTC, a Tuesday;
 * TZ = UTC+3, so local time is Wednesday 2026-03-11 01:30:15 and every
 * "GMT" variant answers differently from the local one.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gio/gio.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "phonesec-pac-result.h"
#include "phonesec-pac-runner.h"

#define TEST_NOW "1773181815"
#define BRANCH                                                                                     \
  "HTTPS branch-proxy.example:443; PROXY proxy.corp.example:3128; "                                \
  "PROXY backup.corp.example:8080; DIRECT"
#define MAIN "PROXY proxy.corp.example:3128; PROXY backup.corp.example:8080; DIRECT"
#define YES "PROXY yes.example:1"
#define NO "PROXY no.example:1"

static const char *const my_addresses[] = { "172.16.5.10", "2001:db8:1::10", NULL };

/* ---- helpers ------------------------------------------------------------ */

static const char *
helper_path (void)
{
  const char *p = g_getenv ("PHONESEC_PAC_HELPER");

  g_assert_nonnull (p);
  return p;
}

static void
on_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static gboolean
load (PhonesecPacRunner *runner, const char *script, gssize len, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GBytes) bytes = NULL;

  if (script != NULL)
    bytes = g_bytes_new_static (script, len < 0 ? strlen (script) : (gsize) len);
  phonesec_pac_runner_load_script_async (runner, bytes, NULL, on_done, &result);
  return phonesec_pac_runner_load_script_finish (runner, wait_result (&result), error);
}

static void
load_ok (PhonesecPacRunner *runner, const char *script)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (load (runner, script, -1, &error));
  g_assert_no_error (error);
}

static char *
find (PhonesecPacRunner *runner, const char *url, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  phonesec_pac_runner_find_proxy_async (runner, url, NULL, on_done, &result);
  return phonesec_pac_runner_find_proxy_finish (runner, wait_result (&result), error);
}

static void
assert_find (PhonesecPacRunner *runner, const char *url, const char *expected)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *got = find (runner, url, &error);

  if (error != NULL)
    g_error ("%s: %s", url, error->message);
  if (g_strcmp0 (got, expected) != 0)
    g_error ("%s: got “%s”, expected “%s”", url, got, expected);
}

static PhonesecPacRunner *
corporate_runner (void)
{
  PhonesecPacRunner *runner = phonesec_pac_runner_new (helper_path ());
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "test-data", "corporate.pac", NULL);
  g_autofree char *script = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_get_contents (path, &script, NULL, &error));
  g_assert_no_error (error);
  phonesec_pac_runner_set_my_addresses (runner, my_addresses);
  load_ok (runner, script);
  return runner;
}

/* ---- the table ---------------------------------------------------------- */

static const struct
{
  const char *url;
  const char *expected;
} corporate_cases[] = {
  /* Netscape host helpers. */
  { "http://wiki/", "PROXY wiki-gw.corp.example:80" },
  { "http://wiki.corp.example/page", "PROXY wiki-gw.corp.example:80" },
  { "http://WIKI.Corp.Example/page", "PROXY wiki-gw.corp.example:80" },
  { "http://wiki.other.example/", BRANCH },
  { "http://printer/", "DIRECT" },
  { "http://printer:631/jobs", "DIRECT" },
  { "http://a.b.corp.example/", "PROXY deep.corp.example:3128" },
  { "http://www.corp.example/", "DIRECT" },
  { "ftp://ftp.example.org/pub/", "SOCKS5 socks.corp.example:1080" },
  { "http://mirror.example.org/downloads/debian.iso", "PROXY bulk.corp.example:3128" },
  { "https://mirror.example.org/downloads/debian.iso", BRANCH },
  { "http://mirror.example.org/file-1.bin", "PROXY bulk.corp.example:3128" },
  { "http://mirror.example.org/file-12.bin", BRANCH },
  { "http://10.1.2.3/", "DIRECT" },
  { "http://192.168.7.7:8080/x", "DIRECT" },
  { "http://192.169.0.1/", BRANCH },
  { "http://localhost:8080/", "PROXY 127.0.0.1:9" },
  { "http://nothing.invalid/", "PROXY unresolvable.example:1" },
  { "https://www.example.com/", BRANCH },
  { "http://x.alert.test/", "PROXY alerted.example:1" },
  /* Microsoft extensions (FindProxyForURLEx is preferred). */
  { "http://[2001:db8::10]/", "PROXY [2001:db8::3128]:3128" },
  { "http://[fe80::1]:8080/", "DIRECT" },
  { "http://[2001:dead::1]/", "PROXY v6-other.example:1" },
  { "http://sort.v6.example/", YES },
  { "http://sortbad.v6.example/", YES },
  { "http://myex.v6.example/", YES },
  { "http://resolvable.v6.example/", YES },
  { "http://unresolvable.v6.example/", YES },
  { "http://resolveex.v6.example/", YES },
  { "http://innetex4.v6.example/", YES },
  { "http://version.v6.example/", YES },
  /* The clock: local Wed 2026-03-11 01:30:15, GMT Tue 2026-03-10 22:30:15. */
  { "http://wd.time.example/", YES },
  { "http://wdgmt.time.example/", NO },
  { "http://wdtuegmt.time.example/", YES },
  { "http://wdrange.time.example/", YES },
  { "http://wdwrap.time.example/", NO },
  { "http://wdwrapgmt.time.example/", YES },
  { "http://wdbad.time.example/", NO },
  { "http://day.time.example/", YES },
  { "http://daygmt.time.example/", NO },
  { "http://days.time.example/", NO },
  { "http://month.time.example/", YES },
  { "http://months.time.example/", NO },
  { "http://monwrap.time.example/", YES },
  { "http://year.time.example/", YES },
  { "http://years.time.example/", NO },
  { "http://daymon.time.example/", YES },
  { "http://monyear.time.example/", YES },
  { "http://full.time.example/", YES },
  { "http://fullgmt.time.example/", NO },
  { "http://datebad.time.example/", NO },
  { "http://hour.time.example/", YES },
  { "http://hourgmt.time.example/", YES },
  { "http://hours.time.example/", YES },
  { "http://hourswrap.time.example/", YES },
  { "http://office.time.example/", NO },
  { "http://minutes.time.example/", YES },
  { "http://minutesend.time.example/", NO },
  { "http://seconds.time.example/", YES },
  { "http://secondsbefore.time.example/", NO },
};

static void
test_corporate_table (void)
{
  g_autoptr (PhonesecPacRunner) runner = corporate_runner ();

  g_test_expect_message ("phonesec-http-proxy", G_LOG_LEVEL_MESSAGE,
                         "PAC alert(): PAC: x.alert.test asked for http://x.alert.test/");
  for (guint i = 0; i < G_N_ELEMENTS (corporate_cases); i++)
    assert_find (runner, corporate_cases[i].url, corporate_cases[i].expected);
  g_test_assert_expected_messages ();
}

static void
count_alerts (const char *domain, GLogLevelFlags level, const char *message, gpointer user_data)
{
  GPtrArray *seen = user_data;

  g_ptr_array_add (seen, g_strdup (message));
}

/* alert() reaches the log one bounded line at a time, at most 20 a minute:
 * a script cannot flood the log or forge lines. */
static void
test_alert_bounded (void)
{
  g_autoptr (PhonesecPacRunner) runner = phonesec_pac_runner_new (helper_path ());
  g_autoptr (GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  guint id = g_log_set_handler ("phonesec-http-proxy", G_LOG_LEVEL_MESSAGE, count_alerts, seen);

  /* More alerts than the cap, each longer than a line may be; small
   * enough to stay far from the 1 s call limit under ASan. */
  load_ok (runner, "function FindProxyForURL(u, h) {\n"
                   "  for (var i = 0; i < 30; i++)\n"
                   "    alert('one\\ntwo\\x1b[31m' + new Array(2000).join('x'));\n"
                   "  return 'DIRECT';\n"
                   "}\n");
  assert_find (runner, "http://a.example/", "DIRECT");
  assert_find (runner, "http://a.example/", "DIRECT");
  g_log_remove_handler ("phonesec-http-proxy", id);
  g_assert_cmpuint (seen->len, ==, 20);
  for (guint i = 0; i < seen->len; i++)
    {
      const char *m = seen->pdata[i];
      g_assert_true (g_str_has_prefix (m, "PAC alert(): one two [31mxxx"));
      g_assert_null (strchr (m, '\n'));
      g_assert_null (strchr (m, '\x1b'));
      g_assert_cmpuint (strlen (m), <=, 1100);
    }
}

typedef struct
{
  guint done;
  guint index;
} Pipelined;

static void
on_pipelined (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Pipelined *p = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *got
      = phonesec_pac_runner_find_proxy_finish (PHONESEC_PAC_RUNNER (source), result, &error);
  guint i = p->index++ % G_N_ELEMENTS (corporate_cases);

  /* Replies come back in the order asked. */
  g_assert_no_error (error);
  g_assert_cmpstr (got, ==, corporate_cases[i].expected);
  p->done++;
}

/* Hundreds of requests in flight at once: one helper, answers in order. */
static void
test_pipelined (void)
{
  g_autoptr (PhonesecPacRunner) runner = corporate_runner ();
  Pipelined p = { 0, 0 };
  guint n = 5 * G_N_ELEMENTS (corporate_cases);

  for (guint i = 0; i < n; i++)
    phonesec_pac_runner_find_proxy_async (
        runner, corporate_cases[i % G_N_ELEMENTS (corporate_cases)].url, NULL, on_pipelined, &p);
  while (p.done < n)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_my_ip_address (void)
{
  g_autoptr (PhonesecPacRunner) runner = corporate_runner ();
  const char *const other[] = { "192.0.2.5", NULL };
  g_autoptr (PhonesecPacRunner) bare = phonesec_pac_runner_new (helper_path ());

  assert_find (runner, "https://www.example.com/", BRANCH);
  phonesec_pac_runner_set_my_addresses (runner, other);
  assert_find (runner, "https://www.example.com/", MAIN);

  /* Without addresses, myIpAddress() is the loopback address. */
  load_ok (bare, "function FindProxyForURL(u, h) { return 'PROXY ' + myIpAddress() + ':1'; }");
  assert_find (bare, "http://a.example/", "PROXY 127.0.0.1:1");
  phonesec_pac_runner_set_my_addresses (bare, my_addresses);
  assert_find (bare, "http://a.example/", "PROXY 172.16.5.10:1");
}

/* The helpers' edge cases, as a table the script itself checks: it answers
 * "PROXY ok.example:1" or names the first failing row. */
static void
test_helper_semantics (void)
{
  g_autoptr (PhonesecPacRunner) runner = phonesec_pac_runner_new (helper_path ());

  load_ok (runner,
           "var rows = [\n"
           "  [shExpMatch('www.example.com', '*.example.com'), true],\n"
           "  [shExpMatch('example.com', '*.example.com'), false],\n"
           "  [shExpMatch('a.b', 'a?b'), true],\n"
           "  [shExpMatch('axxb', 'a?b'), false],\n"
           "  [shExpMatch('http://x/a+b(c)', 'http://x/a+b(c)'), true],\n"
           "  [shExpMatch('host7', 'host[0-9]'), true],\n"
           "  [shExpMatch('hostx', 'host[0-9]'), false],\n"
           "  [shExpMatch('hostx', 'host[!0-9]'), true],\n"
           "  [shExpMatch('ab', 'a[bc]'), true],\n"
           "  [shExpMatch('a[b', 'a[b'), true],\n"
           "  [shExpMatch('', '*'), true],\n"
           "  [shExpMatch('aaaaaaaaaaaaaaaaaaaaaaaaaaaaab', '*a*a*a*a*a*a*a*a*a*c'), false],\n"
           "  [isPlainHostName('www'), true],\n"
           "  [isPlainHostName('www.example'), false],\n"
           "  [isPlainHostName('::1'), false],\n"
           "  [dnsDomainIs('www.example.com', '.example.com'), true],\n"
           "  [dnsDomainIs('www', '.example.com'), false],\n"
           "  [dnsDomainIs('WWW.Example.COM', '.example.com'), true],\n"
           "  [localHostOrDomainIs('www', 'www.example.com'), true],\n"
           "  [localHostOrDomainIs('www.example.com', 'www.example.com'), true],\n"
           "  [localHostOrDomainIs('www.other.com', 'www.example.com'), false],\n"
           "  [localHostOrDomainIs('home', 'www.example.com'), false],\n"
           "  [dnsDomainLevels('www'), 0],\n"
           "  [dnsDomainLevels('www.example.com'), 2],\n"
           "  [isInNet('198.51.100.7', '198.51.100.0', '255.255.255.0'), true],\n"
           "  [isInNet('198.51.101.7', '198.51.100.0', '255.255.255.0'), false],\n"
           "  [isInNet('198.51.100.7', '198.51.100.0', 'not-a-mask'), false],\n"
           "  [dnsResolve('192.0.2.1'), '192.0.2.1'],\n"
           "  [isResolvable('192.0.2.1'), true],\n"
           "  [isResolvable(''), false],\n"
           "  [isInNetEx('2001:db8::1', '2001:db8::/32'), true],\n"
           "  [isInNetEx('2001:db9::1', '2001:db8::/32'), false],\n"
           "  [isInNetEx('2001:db8::1', '2001:db8::/129'), false],\n"
           "  [isInNetEx('10.0.0.1', '2001:db8::/32'), false],\n"
           "  [isInNetEx('10.1.2.3', '10.0.0.0/8'), true],\n"
           "  [isInNetEx('10.1.2.3', '10.0.0.0/x'), false],\n"
           "  [sortIpAddressList('10.0.0.1'), '10.0.0.1'],\n"
           "  [sortIpAddressList(''), false],\n"
           "  [weekdayRange('NOPE', 'FRI'), false],\n"
           "  [dateRange(), false],\n"
           "  [dateRange(32), false],\n"
           "  [dateRange(0), false],\n"
           "  [dateRange('MAR', 2026), false],\n"
           "  [timeRange(), false],\n"
           "  [timeRange(25), false],\n"
           "  [timeRange('x', 2), false],\n"
           "];\n"
           "function FindProxyForURL(u, h) {\n"
           "  for (var i = 0; i < rows.length; i++)\n"
           "    if (rows[i][0] !== rows[i][1]) return 'PROXY row' + i + '.example:1';\n"
           "  return 'PROXY ok.example:1';\n"
           "}\n");
  assert_find (runner, "http://a.example/", "PROXY ok.example:1");
}

static void
test_ex_preferred (void)
{
  g_autoptr (PhonesecPacRunner) runner = phonesec_pac_runner_new (helper_path ());

  load_ok (runner, "function FindProxyForURL(u, h) { return 'PROXY plain.example:1'; }\n"
                   "function FindProxyForURLEx(u, h) { return 'PROXY ex.example:1'; }\n");
  assert_find (runner, "http://a.example/", "PROXY ex.example:1");
  load_ok (runner, "function FindProxyForURLEx(u, h) { return 'PROXY only-ex.example:1'; }");
  assert_find (runner, "http://a.example/", "PROXY only-ex.example:1");
}

/* The script sees the built-ins and the PAC helpers, nothing of the
 * engine or of the helper's internals. */
static void
test_global_object (void)
{
  g_autoptr (PhonesecPacRunner) runner = phonesec_pac_runner_new (helper_path ());

  load_ok (runner,
           "function FindProxyForURL(u, h) {\n"
           "  var own = Object.getOwnPropertyNames(this).filter(function (n) {\n"
           "    return ['isPlainHostName', 'dnsDomainIs', 'localHostOrDomainIs', 'isResolvable',\n"
           "      'isInNet', 'dnsResolve', 'myIpAddress', 'dnsDomainLevels', 'shExpMatch',\n"
           "      'weekdayRange', 'dateRange', 'timeRange', 'alert', 'isResolvableEx',\n"
           "      'isInNetEx', 'dnsResolveEx', 'myIpAddressEx', 'sortIpAddressList',\n"
           "      'getClientVersion', 'FindProxyForURL'].indexOf(n) < 0 &&\n"
           "      typeof this[n] === 'function' && !/^[A-Z]/.test(n) &&\n"
           "      ['eval', 'parseInt', 'parseFloat', 'isNaN', 'isFinite', 'decodeURI',\n"
           "       'decodeURIComponent', 'encodeURI', 'encodeURIComponent', 'escape',\n"
           "       'unescape'].indexOf(n) < 0;\n"
           "  }, this);\n"
           "  var bad = [typeof Duktape, typeof N, typeof require, typeof print, typeof CBOR,\n"
           "    typeof TextEncoder, typeof TextDecoder, typeof performance].join('');\n"
           "  return 'PROXY ' + (own.length === 0 && bad === new Array(9).join('undefined')"
           " ? 'clean' : 'dirty-' + own.join('-') + bad) + '.example:1';\n"
           "}\n");
  assert_find (runner, "http://a.example/", "PROXY clean.example:1");
}

/* ---- URLs handed as values -------------------------------------------- */

/* The script returns the URL's length and the sum of its UTF-16 code units;
 * the test computes both: the URL arrived intact, never as source text. */
static const char *checksum_script
    = "function FindProxyForURL(url, host) {\n"
      "  var s = 0;\n"
      "  for (var i = 0; i < url.length; i++) s = (s + url.charCodeAt(i)) % 1000000;\n"
      "  return 'PROXY l' + url.length + '-s' + s + '.' + (host.indexOf(':') < 0 ? host : 'v6')"
      " + ':1';\n"
      "}\n";

static char *
expected_checksum (const char *url, const char *host)
{
  g_autofree gunichar2 *utf16 = NULL;
  glong n = 0;
  guint64 s = 0;

  utf16 = g_utf8_to_utf16 (url, -1, NULL, &n, NULL);
  for (glong i = 0; i < n; i++)
    s = (s + utf16[i]) % 1000000;
  return g_strdup_printf ("PROXY l%ld-s%" G_GUINT64_FORMAT ".%s:1", n, s, host);
}

static void
test_url_as_value (void)
{
  g_autoptr (PhonesecPacRunner) runner = phonesec_pac_runner_new (helper_path ());
  g_autoptr (GString) big = g_string_new ("http://big.example/");
  const char *urls[] = {
    "http://q.example/a');return 'PROXY evil:1';//",
    "http://q.example/\"+\"PROXY evil:1\"+\"",
    "http://q.example/back\\slash\\');\\\\",
    "http://q.example/%27);%0aalert(1);//?x='y'&z=\"w\"",
    "http://q.example/\u2028line\u2029separators",
    "http://q.example/"
    "\xf0\x9f\x98\x80", /* outside the BMP */
    NULL,
  };

  load_ok (runner, checksum_script);
  while (big->len < 4096)
    g_string_append (big, "');\"\\x");
  urls[G_N_ELEMENTS (urls) - 1] = big->str;
  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      const char *host = i == G_N_ELEMENTS (urls) - 1 ? "big.example" : "q.example";
      g_autofree char *expected = expected_checksum (urls[i], host);
      assert_find (runner, urls[i], expected);
    }
}

/* IDN hosts reach the script in ASCII (punycode), lower case; IPv6 literals
 * without brackets. */
static void
test_host_forms (void)
{
  g_autoptr (PhonesecPacRunner) runner = phonesec_pac_runner_new (helper_path ());

  load_ok (runner, "function FindProxyForURL(u, h) {\n"
                   "  return h.indexOf(':') >= 0 ? 'PROXY [' + h + ']:1' : 'PROXY ' + h + ':1';\n"
                   "}\n");
  assert_find (runner, "http://café.example/", "PROXY xn--caf-dma.example:1");
  assert_find (runner, "http://BÜCHER.Example:8080/x", "PROXY xn--bcher-kva.example:1");
  assert_find (runner, "http://xn--caf-dma.example/", "PROXY xn--caf-dma.example:1");
  assert_find (runner, "https://[2001:DB8::1]:8443/", "PROXY [2001:db8::1]:1");
  assert_find (runner, "http://user:pw@Host.Example:81/", "PROXY host.example:1");
}

/* No password, fragment, or https path reaches the script (which could log
 * it with alert() or encode it in a proxy name). */
static void
test_url_privacy (void)
{
  g_autoptr (PhonesecPacRunner) runner = phonesec_pac_runner_new (helper_path ());
  static const struct
  {
    const char *url;
    const char *seen;
  } cases[] = {
    { "http://user:s3cret@a.example:81/p?q=1#frag", "http://a.example:81/p?q=1" },
    { "http://a.example/p#frag", "http://a.example/p" },
    { "https://a.example/secret/path?token=s3cret", "https://a.example/" },
    { "https://user:s3cret@a.example:8443/x", "https://a.example:8443/" },
    { "wss://a.example/chat?id=1", "wss://a.example/" },
    { "https://[2001:db8::1]:8443/x", "https://[2001:db8::1]:8443/" },
    { "http://a.example/kept?as=is", "http://a.example/kept?as=is" },
  };

  load_ok (runner, checksum_script);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GUri) uri = g_uri_parse (cases[i].seen, G_URI_FLAGS_NONE, NULL);
      g_autofree char *host = g_strdup (g_uri_get_host (uri));
      g_autofree char *expected = NULL;

      if (strchr (host, ':') != NULL)
        {
          g_free (host);
          host = g_strdup ("v6");
        }
      expected = expected_checksum (cases[i].seen, host);
      assert_find (runner, cases[i].url, expected);
    }
}

static void
test_bad_urls (void)
{
  g_autoptr (PhonesecPacRunner) runner = phonesec_pac_runner_new (helper_path ());
  const char *bad[] = { "",
                        "not a url",
                        "http://",
                        "mailto:someone@example.com",
                        "http://exa mple.com/",
                        "http://\xff.example/" };
  g_autofree char *huge = NULL;

  load_ok (runner, checksum_script);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *got = find (runner, bad[i], &error);

      if (got != NULL)
        g_error ("“%s” gave “%s”", bad[i], got);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    }
  {
    g_autoptr (GError) error = NULL;
    g_autofree char *got = NULL;

    huge = g_strdup_printf ("http://a.example/%0*d", 70000, 0);
    got = find (runner, huge, &error);
    g_assert_null (got);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  }
  assert_find (runner, "http://a.example/", "PROXY l17-s1538.a.example:1");
}

/* ---- hostile scripts -------------------------------------------------- */

/* Counts the ticks of a 20 ms timer: the main loop must keep iterating
 * while the helper is busy. */
typedef struct
{
  gint64 last;
  gint64 max_gap;
  guint ticks;
} Ticker;

static gboolean
on_tick (gpointer user_data)
{
  Ticker *t = user_data;
  gint64 now = g_get_monotonic_time ();

  if (t->last != 0)
    t->max_gap = MAX (t->max_gap, now - t->last);
  t->last = now;
  t->ticks++;
  return G_SOURCE_CONTINUE;
}

static guint
ticker_start (Ticker *t)
{
  memset (t, 0, sizeof *t);
  t->last = g_get_monotonic_time ();
  return g_timeout_add (20, on_tick, t);
}

static void
ticker_check (Ticker *t, guint id, gint64 elapsed_us)
{
  g_source_remove (id);
  g_test_message ("%u ticks in %" G_GINT64_FORMAT " ms, longest gap %" G_GINT64_FORMAT " ms",
                  t->ticks, elapsed_us / 1000, t->max_gap / 1000);
  /* Generous for a loaded 2-core machine, strict enough to catch a block. */
  g_assert_cmpint (t->max_gap, <, 200 * 1000);
  g_assert_cmpuint (t->ticks, >=, elapsed_us / 1000 / 20 / 3);
}

static const char *good_script
    = "function FindProxyForURL(u, h) { return 'PROXY good.example:1'; }";

/* A hostile FindProxyForURL: the call fails with @code and a message
 * holding @says, the main loop keeps running, and the next call works. */
static void
check_hostile_call (const char *script, GQuark domain, int code, const char *says)
{
  g_autoptr (PhonesecPacRunner) runner = phonesec_pac_runner_new (helper_path ());
  g_autoptr (GError) error = NULL;
  g_autofree char *got = NULL;
  Ticker ticker;
  guint id;
  gint64 start;

  load_ok (runner, script);
  id = ticker_start (&ticker);
  start = g_get_monotonic_time ();
  got = find (runner, "http://victim.example/", &error);
  ticker_check (&ticker, id, g_get_monotonic_time () - start);
  g_assert_null (got);
  g_assert_error (error, domain, code);
  if (strstr (error->message, says) == NULL)
    g_error ("message “%s” lacks “%s”", error->message, says);
  g_test_message ("%s", error->message);

  /* The same runner answers the next call (a new helper if it was
   * killed), and a good script loads and runs. */
  g_clear_error (&error);
  g_free (find (runner, "http://victim.example/", &error));
  g_assert_error (error, domain, code);
  load_ok (runner, good_script);
  assert_find (runner, "http://a.example/", "PROXY good.example:1");
}

static void
test_hostile_infinite_loop (void)
{
  check_hostile_call ("function FindProxyForURL(u, h) { while (true) {} }", G_IO_ERROR,
                      G_IO_ERROR_TIMED_OUT, "1000 ms");
}

typedef struct
{
  guint done;
  guint timed_out;
  guint good;
} Burst;

static void
on_burst (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Burst *b = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *got
      = phonesec_pac_runner_find_proxy_finish (PHONESEC_PAC_RUNNER (source), result, &error);

  b->done++;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    b->timed_out++;
  else if (g_strcmp0 (got, "PROXY good.example:1") == 0)
    b->good++;
}

/* Ten calls for a host the script hangs on, queued with two for another
 * host: one second for all ten, not ten; the others still answered. */
static void
test_hostile_loop_same_host (void)
{
  g_autoptr (PhonesecPacRunner) runner = phonesec_pac_runner_new (helper_path ());
  Burst b = { 0, 0, 0 };
  gint64 start;

  load_ok (runner, "function FindProxyForURL(u, h) {\n"
                   "  if (h == 'slow.example') while (true) {}\n"
                   "  return 'PROXY good.example:1';\n"
                   "}\n");
  start = g_get_monotonic_time ();
  for (guint i = 0; i < 10; i++)
    {
      phonesec_pac_runner_find_proxy_async (runner, "http://slow.example/x", NULL, on_burst, &b);
      if (i == 4 || i == 8)
        phonesec_pac_runner_find_proxy_async (runner, "http://fast.example/", NULL, on_burst, &b);
    }
  while (b.done < 12)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (b.timed_out, ==, 10);
  g_assert_cmpuint (b.good, ==, 2);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2500 * 1000);
}

/* While the helper hangs, 600 KB of requests wait for it: far more than a
 * pipe holds. Writing them must not stall the main loop (the pipe is
 * non-blocking on our side), and they are answered after the kill. */
static void
test_hostile_hang_big_queue (void)
{
  g_autoptr (PhonesecPacRunner) runner = phonesec_pac_runner_new (helper_path ());
  g_autoptr (GString) url = g_string_new ("http://fast.example/");
  Burst b = { 0, 0, 0 };
  Ticker ticker;
  guint id;
  gint64 start;

  load_ok (runner, "function FindProxyForURL(u, h) {\n"
                   "  if (h == 'slow.example') while (true) {}\n"
                   "  return 'PROXY good.example:1';\n"
                   "}\n");
  while (url->len < 60000)
    g_string_append_c (url, 'x');
  phonesec_pac_runner_find_proxy_async (runner, "http://slow.example/", NULL, on_burst, &b);
  for (guint i = 0; i < 10; i++)
    phonesec_pac_runner_find_proxy_async (runner, url->str, NULL, on_burst, &b);
  /* Timed from here: the calls above are the caller's own work. */
  id = ticker_start (&ticker);
  start = g_get_monotonic_time ();
  while (b.done < 11)
    g_main_context_iteration (NULL, TRUE);
  ticker_check (&ticker, id, g_get_monotonic_time () - start);
  g_assert_cmpuint (b.timed_out, ==, 1);
  g_assert_cmpuint (b.good, ==, 10);
}

static void
on_cancelled_find (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *got
      = phonesec_pac_runner_find_proxy_finish (PHONESEC_PAC_RUNNER (source), result, &error);

  g_assert_null (got);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  *(gboolean *) user_data = TRUE;
}

static void
test_cancelled (void)
{
  g_autoptr (PhonesecPacRunner) runner = phonesec_pac_runner_new (helper_path ());
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  gboolean done = FALSE;

  load_ok (runner, good_script);
  phonesec_pac_runner_find_proxy_async (runner, "http://a.example/", cancellable, on_cancelled_find,
                                        &done);
  g_cancellable_cancel (cancellable);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  assert_find (runner, "http://a.example/", "PROXY good.example:1");
}

static void
test_hostile_memory_bomb (void)
{
  const char *bomb = "function FindProxyForURL(u, h) {\n"
                     "  var a = [], s = 'x';\n"
                     "  for (var i = 0; i < 20; i++) s = s + s;\n"
                     "  while (true) a.push(s + a.length);\n"
                     "}\n";

#if defined(__SANITIZE_ADDRESS__)
  /* An instrumented helper on a loaded machine may reach the 1 s call
   * limit before the memory limit: either stops the script, and the
   * normal build checks that it is the memory limit. */
  {
    g_autoptr (PhonesecPacRunner) runner = phonesec_pac_runner_new (helper_path ());
    g_autoptr (GError) error = NULL;
    g_autofree char *got = NULL;

    load_ok (runner, bomb);
    got = find (runner, "http://victim.example/", &error);
    g_assert_null (got);
    g_assert_true (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE)
                   || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT));
    load_ok (runner, good_script);
    assert_find (runner, "http://a.example/", "PROXY good.example:1");
    return;
  }
#endif
  check_hostile_call (bomb, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "MiB");
}

static void
test_hostile_non_string (void)
{
  check_hostile_call ("function FindProxyForURL(u, h) { return 42; }", G_IO_ERROR,
                      G_IO_ERROR_INVALID_DATA, "a number");
}

static void
test_hostile_bad_entry (void)
{
  check_hostile_call ("function FindProxyForURL(u, h) { return 'PROXY a:1; GOPHER b:70'; }",
                      G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "Entry 2");
}

static void
test_hostile_throws (void)
{
  check_hostile_call ("function FindProxyForURL(u, h) { throw new Error('boom'); }", G_IO_ERROR,
                      G_IO_ERROR_FAILED, "boom");
}

static void
test_hostile_deep_recursion (void)
{
  check_hostile_call ("function f(n) { return f(n + 1) + 1; }\n"
                      "function FindProxyForURL(u, h) { return f(0); }",
                      G_IO_ERROR, G_IO_ERROR_FAILED, "RangeError");
}

/* A hostile script at load time: refused with @code, the loaded script
 * stays in place, the main loop keeps running. */
static void
check_hostile_load (const char *script, gssize len, int code, const char *says)
{
  g_autoptr (PhonesecPacRunner) runner = phonesec_pac_runner_new (helper_path ());
  g_autoptr (GError) error = NULL;
  Ticker ticker;
  guint id;
  gint64 start;

  load_ok (runner, good_script);
  id = ticker_start (&ticker);
  start = g_get_monotonic_time ();
  g_assert_false (load (runner, script, len, &error));
  ticker_check (&ticker, id, g_get_monotonic_time () - start);
  g_assert_error (error, G_IO_ERROR, code);
  if (strstr (error->message, says) == NULL)
    g_error ("message “%s” lacks “%s”", error->message, says);
  g_test_message ("%s", error->message);
  assert_find (runner, "http://a.example/", "PROXY good.example:1");
}

static void
test_hostile_load_loop (void)
{
  check_hostile_load ("while (true) {}", -1, G_IO_ERROR_TIMED_OUT, "3000 ms");
}

static void
test_hostile_load_syntax (void)
{
  check_hostile_load ("function FindProxyForURL(u, h) {\n  return 'DIRECT';\n\n  if (\n}\n", -1,
                      G_IO_ERROR_INVALID_DATA, "line");
}

static void
test_hostile_load_no_function (void)
{
  check_hostile_load ("var FindProxyForURL = 'DIRECT'; function findProxyForUrl() {}", -1,
                      G_IO_ERROR_NOT_FOUND, "FindProxyForURL");
}

static void
test_hostile_load_throws (void)
{
  check_hostile_load ("throw 'nope';", -1, G_IO_ERROR_FAILED, "nope");
}

static void
test_hostile_load_memory (void)
{
  check_hostile_load ("var s = 'x'; while (true) s = s + s;", -1, G_IO_ERROR_NO_SPACE, "MiB");
}

static void
test_hostile_load_50mb (void)
{
  gsize len = 50 * 1024 * 1024;
  g_autofree char *script = g_malloc (len);

  memset (script, ' ', len);
  memcpy (script, good_script, strlen (good_script));
  check_hostile_load (script, len, G_IO_ERROR_MESSAGE_TOO_LARGE, "KiB");
}

static void
test_hostile_load_nul (void)
{
  check_hostile_load ("function FindProxyForURL() { return 'DIRECT'; }\0junk", 55,
                      G_IO_ERROR_INVALID_DATA, "NUL");
}

/* ---- crash, sandbox ---------------------------------------------------- */

/* The helper child of this process, found through /proc. */
static int
helper_pid (void)
{
  g_autoptr (GDir) dir = g_dir_open ("/proc", 0, NULL);
  g_autofree char *wanted = g_canonicalize_filename (helper_path (), NULL);
  const char *name;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *stat_path = g_build_filename ("/proc", name, "stat", NULL);
      g_autofree char *exe_path = g_build_filename ("/proc", name, "exe", NULL);
      g_autofree char *stat = NULL;
      g_autofree char *exe = NULL;
      const char *close;
      int ppid = 0;

      if (!g_ascii_isdigit (name[0]) || !g_file_get_contents (stat_path, &stat, NULL, NULL))
        continue;
      close = strrchr (stat, ')');
      if (close == NULL || sscanf (close + 2, "%*c %d", &ppid) != 1 || ppid != getpid ())
        continue;
      exe = g_file_read_link (exe_path, NULL);
      if (exe != NULL && strcmp (exe, wanted) == 0)
        return atoi (name);
    }
  return 0;
}

static void
on_crashed (PhonesecPacRunner *runner, int code, const char *how, gpointer user_data)
{
  *(int *) user_data = code;
}

static gboolean
kill_helper (gpointer user_data)
{
  int pid = helper_pid ();

  g_assert_cmpint (pid, >, 0);
  kill (pid, SIGKILL); /* SIGSEGV would be caught by ASan in that build */
  return G_SOURCE_REMOVE;
}

static void
test_crash_respawn (void)
{
  g_autoptr (PhonesecPacRunner) runner = phonesec_pac_runner_new (helper_path ());
  g_autoptr (GError) error = NULL;
  g_autofree char *got = NULL;
  int crashed = -1;

  g_signal_connect (runner, "helper-crashed", G_CALLBACK (on_crashed), &crashed);
  load_ok (runner, "function FindProxyForURL(u, h) {\n"
                   "  if (h == 'slow.example') while (true) {}\n"
                   "  return 'PROXY good.example:1';\n"
                   "}\n");
  g_test_expect_message ("phonesec-http-proxy", G_LOG_LEVEL_WARNING, "PAC helper * died*");
  g_timeout_add (200, kill_helper, NULL);
  got = find (runner, "http://slow.example/", &error);
  g_assert_null (got);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE);
  g_assert_nonnull (strstr (error->message, "signal 9"));
  g_assert_cmpint (crashed, ==, SIGKILL);
  g_test_assert_expected_messages ();
  /* Respawned with the script reloaded. */
  assert_find (runner, "http://a.example/", "PROXY good.example:1");
}

/* A helper that cannot even start: every request fails and says so. */
static void
test_helper_missing (void)
{
  g_autoptr (PhonesecPacRunner) runner = phonesec_pac_runner_new ("/nonexistent/pac-helper");
  g_autoptr (GError) error = NULL;

  g_assert_false (load (runner, good_script, -1, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "Cannot start the PAC helper"));
}

static void
test_sandbox (void)
{
  g_autoptr (PhonesecPacRunner) runner = phonesec_pac_runner_new (helper_path ());
  g_autofree char *status_path = NULL;
  g_autofree char *status = NULL;
  g_autofree char *fd_path = NULL;
  g_autoptr (GDir) fds = NULL;
  guint n_fds = 0;
  int pid;

  load_ok (runner, good_script);
  pid = helper_pid ();
  g_assert_cmpint (pid, >, 0);
  status_path = g_strdup_printf ("/proc/%d/status", pid);
  g_assert_true (g_file_get_contents (status_path, &status, NULL, NULL));
  g_assert_nonnull (strstr (status, "NoNewPrivs:\t1"));
#if defined(__SANITIZE_ADDRESS__)
  /* The ASan runtime needs system calls the filter refuses: the helper
   * installs it only in normal builds (see sandbox() there). */
  g_assert_nonnull (strstr (status, "Seccomp:\t0"));
#else
  g_assert_nonnull (strstr (status, "Seccomp:\t2"));
#endif
  fd_path = g_strdup_printf ("/proc/%d/fd", pid);
  fds = g_dir_open (fd_path, 0, NULL);
  g_assert_nonnull (fds);
  while (g_dir_read_name (fds) != NULL)
    n_fds++;
  g_assert_cmpuint (n_fds, <=, 3);
}

/* ---- cache, unload --------------------------------------------------- */

static const char *counter_script
    = "var n = 0;\n"
      "function FindProxyForURL(u, h) { n++; return 'PROXY n' + n + '.example:1'; }\n";

static void
test_cache (void)
{
  g_autoptr (PhonesecPacRunner) runner = phonesec_pac_runner_new (helper_path ());

  load_ok (runner, counter_script);
  /* Off by default: every call runs the script. */
  assert_find (runner, "http://a.example/", "PROXY n1.example:1");
  assert_find (runner, "http://a.example/", "PROXY n2.example:1");

  phonesec_pac_runner_set_cache_lifetime (runner, 1);
  assert_find (runner, "http://a.example/x", "PROXY n3.example:1");
  assert_find (runner, "http://a.example/x", "PROXY n3.example:1");
  /* The script never sees a fragment or user information. */
  assert_find (runner, "http://user:pw@a.example/x#f", "PROXY n3.example:1");
  /* It sees an http:// URL's path and query: each is evaluated. */
  assert_find (runner, "http://a.example/y", "PROXY n4.example:1");
  assert_find (runner, "http://a.example/x?q=1", "PROXY n5.example:1");
  assert_find (runner, "http://A.example/x", "PROXY n6.example:1");
  /* Of an https:// URL it sees the origin only: one evaluation. */
  assert_find (runner, "https://a.example/x", "PROXY n7.example:1");
  assert_find (runner, "https://a.example/y?z=1", "PROXY n7.example:1");
  assert_find (runner, "http://b.example/", "PROXY n8.example:1");
  assert_find (runner, "http://a.example:8080/", "PROXY n9.example:1");
  /* Expired after its lifetime. */
  g_usleep (1100 * 1000);
  assert_find (runner, "http://a.example/x", "PROXY n10.example:1");
  /* New addresses or a new script empty it. */
  phonesec_pac_runner_set_my_addresses (runner, my_addresses);
  assert_find (runner, "http://a.example/x", "PROXY n11.example:1");
  load_ok (runner, counter_script);
  assert_find (runner, "http://a.example/", "PROXY n1.example:1");
  phonesec_pac_runner_set_cache_lifetime (runner, 0);
  assert_find (runner, "http://a.example/", "PROXY n2.example:1");
}

/* A script that answers by path, as ad-blocking and corporate PACs do:
 * with the cache on, every answer is the one a runner without cache gives,
 * in an order where an answer cached for another URL of the same origin
 * would show. */
static void
test_cache_equals_uncached (void)
{
  static const char *const script
      = "function FindProxyForURL(u, h) {\n"
        "  if (shExpMatch(u, '*/secure/*')) return 'PROXY secure.example:3128';\n"
        "  if (shExpMatch(u, '*ads=*')) return 'PROXY blackhole.example:9';\n"
        "  return 'PROXY p' + u.length + '.example:80';\n"
        "}\n";
  static const char *const urls[] = {
    "http://shop.example/secure/pay",      "http://shop.example/public/a",
    "http://shop.example/public/a?ads=1",  "http://shop.example/public/a?ads=2",
    "http://shop.example/public/ab",       "http://shop.example/secure/pay#top",
    "http://shop.example:8080/secure/pay", "http://shop.example:8080/public/",
    "https://shop.example/secure/pay",     "https://shop.example/public/a?ads=1",
    "https://shop.example:8443/secure/x",  "wss://shop.example/secure/chat",
    "ws://shop.example/secure/chat",
  };
  g_autoptr (PhonesecPacRunner) cached = phonesec_pac_runner_new (helper_path ());
  g_autoptr (PhonesecPacRunner) uncached = phonesec_pac_runner_new (helper_path ());

  load_ok (cached, script);
  load_ok (uncached, script);
  phonesec_pac_runner_set_cache_lifetime (cached, 3600);
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
      {
        g_autoptr (GError) error = NULL;
        g_autofree char *want = find (uncached, urls[i], &error);
        g_autofree char *got = NULL;

        g_assert_no_error (error);
        got = find (cached, urls[i], &error);
        g_assert_no_error (error);
        g_test_message ("%s -> %s", urls[i], got);
        g_assert_cmpstr (got, ==, want);
      }
}

static void
test_unload (void)
{
  g_autoptr (PhonesecPacRunner) runner = phonesec_pac_runner_new (helper_path ());
  g_autoptr (GError) error = NULL;
  g_autofree char *got = NULL;

  got = find (runner, "http://a.example/", &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED);
  g_clear_error (&error);
  load_ok (runner, good_script);
  assert_find (runner, "http://a.example/", "PROXY good.example:1");
  load_ok (runner, NULL);
  got = find (runner, "http://a.example/", &error);
  g_assert_null (got);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED);
}

/* The local zone from a file, as on the phone (TZ unset or naming a
 * zoneinfo file): read before the sandbox, still used after the filter
 * (duktape's Date calls mktime(), which rereads the zone each time). */
static void
test_zone_file (void)
{
  g_autoptr (PhonesecPacRunner) runner = NULL;
  g_autofree char *saved = g_strdup (g_getenv ("TZ"));

  /* tzdata: in every Debian system. */
  g_assert_true (g_file_test ("/usr/share/zoneinfo/Europe/Paris", G_FILE_TEST_EXISTS));
  g_setenv ("TZ", ":/usr/share/zoneinfo/Europe/Paris", TRUE);
  runner = phonesec_pac_runner_new (helper_path ());
  load_ok (runner, "function FindProxyForURL(u, h) {\n"
                   "  var jan = new Date(2026, 0, 15, 12).getTimezoneOffset();\n"
                   "  var jul = new Date(2026, 6, 15, 12).getTimezoneOffset();\n"
                   "  return 'PROXY jan' + jan + '.jul' + jul + ':1';\n"
                   "}");
  assert_find (runner, "http://a.example/", "PROXY jan-60.jul-120:1");
  /* A second call, after mktime() ran under the filter. */
  assert_find (runner, "http://b.example/", "PROXY jan-60.jul-120:1");
  g_setenv ("TZ", saved, TRUE);
}

int
main (int argc, char **argv)
{
  g_setenv ("PHONESEC_PAC_TEST_NOW", TEST_NOW, TRUE);
  g_setenv ("TZ", "XST-3", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pac-runner/corporate-table", test_corporate_table);
  g_test_add_func ("/pac-runner/zone-file", test_zone_file);
  g_test_add_func ("/pac-runner/alert-bounded", test_alert_bounded);
  g_test_add_func ("/pac-runner/pipelined", test_pipelined);
  g_test_add_func ("/pac-runner/my-ip-address", test_my_ip_address);
  g_test_add_func ("/pac-runner/helper-semantics", test_helper_semantics);
  g_test_add_func ("/pac-runner/ex-preferred", test_ex_preferred);
  g_test_add_func ("/pac-runner/global-object", test_global_object);
  g_test_add_func ("/pac-runner/url-as-value", test_url_as_value);
  g_test_add_func ("/pac-runner/host-forms", test_host_forms);
  g_test_add_func ("/pac-runner/url-privacy", test_url_privacy);
  g_test_add_func ("/pac-runner/bad-urls", test_bad_urls);
  g_test_add_func ("/pac-runner/hostile/infinite-loop", test_hostile_infinite_loop);
  g_test_add_func ("/pac-runner/hostile/loop-same-host", test_hostile_loop_same_host);
  g_test_add_func ("/pac-runner/hostile/hang-big-queue", test_hostile_hang_big_queue);
  g_test_add_func ("/pac-runner/hostile/memory-bomb", test_hostile_memory_bomb);
  g_test_add_func ("/pac-runner/hostile/non-string", test_hostile_non_string);
  g_test_add_func ("/pac-runner/hostile/bad-entry", test_hostile_bad_entry);
  g_test_add_func ("/pac-runner/hostile/throws", test_hostile_throws);
  g_test_add_func ("/pac-runner/hostile/deep-recursion", test_hostile_deep_recursion);
  g_test_add_func ("/pac-runner/hostile/load-loop", test_hostile_load_loop);
  g_test_add_func ("/pac-runner/hostile/load-syntax", test_hostile_load_syntax);
  g_test_add_func ("/pac-runner/hostile/load-no-function", test_hostile_load_no_function);
  g_test_add_func ("/pac-runner/hostile/load-throws", test_hostile_load_throws);
  g_test_add_func ("/pac-runner/hostile/load-memory", test_hostile_load_memory);
  g_test_add_func ("/pac-runner/hostile/load-50mb", test_hostile_load_50mb);
  g_test_add_func ("/pac-runner/hostile/load-nul", test_hostile_load_nul);
  g_test_add_func ("/pac-runner/crash-respawn", test_crash_respawn);
  g_test_add_func ("/pac-runner/helper-missing", test_helper_missing);
  g_test_add_func ("/pac-runner/sandbox", test_sandbox);
  g_test_add_func ("/pac-runner/cache", test_cache);
  g_test_add_func ("/pac-runner/cache-equals-uncached", test_cache_equals_uncached);
  g_test_add_func ("/pac-runner/unload", test_unload);
  g_test_add_func ("/pac-runner/cancelled", test_cancelled);
  return g_test_run ();
}
