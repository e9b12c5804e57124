/* test-pac-result.c: the FindProxyForURL result parser, good and bad input.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gio/gio.h>
#include <string.h>

#include "phonesec-pac-result.h"

static void
test_good_table (void)
{
  static const struct
  {
    const char *in;
    const char *out; /* URIs joined by spaces */
  } cases[] = {
    { "DIRECT", "direct://" },
    { "direct", "direct://" },
    { "PROXY a:8080; SOCKS5 b:1080; DIRECT", "http://a:8080 socks5://b:1080 direct://" },
    { "PROXY proxy.example.com:3128", "http://proxy.example.com:3128" },
    { "HTTP p:80", "http://p:80" },
    { "HTTPS p:443", "https://p:443" },
    { "SOCKS s:1080", "socks://s:1080" },
    { "SOCKS4 s:1", "socks4://s:1" },
    { "socks5 s:65535", "socks5://s:65535" },
    { "PROXY Proxy.Example.COM:8080", "http://proxy.example.com:8080" },
    { "PROXY 10.1.2.3:8080", "http://10.1.2.3:8080" },
    { "PROXY [2001:DB8::1]:8080", "http://[2001:db8::1]:8080" },
    { "PROXY [::1]", "http://[::1]:80" },
    { "PROXY p", "http://p:80" },
    { "HTTPS p", "https://p:443" },
    { "SOCKS5 p", "socks5://p:1080" },
    { "  PROXY\tp:1  ;  DIRECT  ", "http://p:1 direct://" },
    { "PROXY p:1;", "http://p:1" },
    { ";;PROXY p:1;;DIRECT;", "http://p:1 direct://" },
    { "PROXY under_score.example:8080", "http://under_score.example:8080" },
    { "DIRECT; PROXY p:1", "direct:// http://p:1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_auto (GStrv) got = phonesec_pac_result_parse (cases[i].in, &error);
      g_autofree char *joined = NULL;

      g_assert_no_error (error);
      g_assert_nonnull (got);
      joined = g_strjoinv (" ", got);
      g_assert_cmpstr (joined, ==, cases[i].out);
    }
}

static void
test_bad_table (void)
{
  static const struct
  {
    const char *in;
    const char *says; /* a part of the message */
  } cases[] = {
    { "", "empty" },
    { "   ", "empty" },
    { ";;;", "empty" },
    { "PROXY", "Entry 1" },
    { "PROXY ", "Entry 1" },
    { "PROXYa:80", "Entry 1" },
    { "FTP a:21", "“FTP a:21”" },
    { "DIRECT x", "Entry 1" },
    { "DIRECTS", "Entry 1" },
    { "PROXY a:0", "Entry 1" },
    { "PROXY a:65536", "Entry 1" },
    { "PROXY a:123456", "Entry 1" },
    { "PROXY a:", "Entry 1" },
    { "PROXY a:+80", "Entry 1" },
    { "PROXY a:-1", "Entry 1" },
    { "PROXY a:80x", "Entry 1" },
    { "PROXY a b:80", "Entry 1" },
    { "PROXY a:80 b:80", "Entry 1" },
    { "DIRECT; PROXY :80", "Entry 2" },
    { "DIRECT;;PROXY -a:80", "Entry 3" },
    { "PROXY a-:80", "Entry 1" },
    { "PROXY a..b:80", "Entry 1" },
    { "PROXY .a:80", "Entry 1" },
    { "PROXY a.:80", "Entry 1" },
    { "PROXY [::1", "Entry 1" },
    { "PROXY [::1]x", "Entry 1" },
    { "PROXY [10.0.0.1]:80", "Entry 1" },
    { "PROXY [zz::1]:80", "Entry 1" },
    { "PROXY ::1:80", "Entry 1" },
    { "PROXY http://a:80", "Entry 1" },
    { "PROXY a:80/x", "Entry 1" },
    { "PROXY café.example:80", "Entry 1" },
    { "PROXY a\n:80", "Entry 1" },
    { "PROXY a:80, PROXY b:80", "Entry 1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_auto (GStrv) got = phonesec_pac_result_parse (cases[i].in, &error);

      if (got != NULL)
        g_error ("“%s” parsed", cases[i].in);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      if (strstr (error->message, cases[i].says) == NULL)
        g_error ("“%s”: message “%s” lacks “%s”", cases[i].in, error->message, cases[i].says);
    }
}

static void
test_long_labels (void)
{
  g_autofree char *label63 = g_strnfill (63, 'a');
  g_autofree char *label64 = g_strnfill (64, 'a');
  g_autofree char *ok = g_strdup_printf ("PROXY %s.example:80", label63);
  g_autofree char *bad = g_strdup_printf ("PROXY %s.example:80", label64);
  g_autoptr (GString) long_name = g_string_new ("PROXY ");
  g_auto (GStrv) a = NULL;
  g_auto (GStrv) b = NULL;
  g_auto (GStrv) c = NULL;

  a = phonesec_pac_result_parse (ok, NULL);
  g_assert_nonnull (a);
  b = phonesec_pac_result_parse (bad, NULL);
  g_assert_null (b);
  for (int i = 0; i < 64; i++)
    g_string_append (long_name, "abc.");
  g_string_append (long_name, "x:80"); /* 257 bytes */
  c = phonesec_pac_result_parse (long_name->str, NULL);
  g_assert_null (c);
}

/* The message quotes the entry, but bounded and without control bytes or
 * invalid UTF-8: a hostile script cannot flood or forge log lines. */
static void
test_message_is_clean (void)
{
  g_autoptr (GString) in = g_string_new ("PROXY ");
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) got = NULL;

  for (int i = 0; i < 1000; i++)
    g_string_append (in, "\n\x1b[31m\xff");
  got = phonesec_pac_result_parse (in->str, &error);
  g_assert_null (got);
  g_assert_nonnull (error);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_null (strchr (error->message, '\n'));
  g_assert_null (strchr (error->message, '\x1b'));
  g_assert_cmpuint (strlen (error->message), <, 400);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pac-result/good", test_good_table);
  g_test_add_func ("/pac-result/bad", test_bad_table);
  g_test_add_func ("/pac-result/long-labels", test_long_labels);
  g_test_add_func ("/pac-result/message-is-clean", test_message_is_clean);
  return g_test_run ();
}
