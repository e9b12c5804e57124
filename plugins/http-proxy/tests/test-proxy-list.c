/* test-proxy-list.c: proxy URIs, their PAC form, D-Bus URL checks.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gio/gio.h>
#include <string.h>

#include "phonesec-proxy-list.h"

static void
test_manual_uri (void)
{
  g_autofree char *name = phonesec_proxy_manual_uri ("proxy.example.com", 3128);
  g_autofree char *v4 = phonesec_proxy_manual_uri ("10.0.0.1", 8080);
  g_autofree char *v6 = phonesec_proxy_manual_uri ("2001:db8::1", 3128);

  g_assert_cmpstr (name, ==, "http://proxy.example.com:3128");
  g_assert_cmpstr (v4, ==, "http://10.0.0.1:8080");
  g_assert_cmpstr (v6, ==, "http://[2001:db8::1]:3128");
}

static const struct
{
  const char *uris; /* ','-separated */
  const char *pac;
} to_pac_cases[] = {
  { "direct://", "DIRECT" },
  { "http://a:3128", "PROXY a:3128" },
  { "http://a:3128,socks5://b:1080,direct://", "PROXY a:3128; SOCKS5 b:1080; DIRECT" },
  { "https://s:443,socks://c:1080,socks4://d:1081,socks4a://e:1",
    "HTTPS s:443; SOCKS c:1080; SOCKS4 d:1081; SOCKS4 e:1" },
  { "HTTP://UP:1/", "PROXY UP:1" },
  { "http://[2001:db8::1]:3128", "PROXY [2001:db8::1]:3128" },
  { "ftp://x:1,nonsense,http://", "DIRECT" },
  { "", "DIRECT" },
};

static void
test_to_pac (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (to_pac_cases); i++)
    {
      g_auto (GStrv) uris = *to_pac_cases[i].uris != '\0'
                                ? g_strsplit (to_pac_cases[i].uris, ",", -1)
                                : g_new0 (char *, 1);
      g_autofree char *pac = phonesec_proxy_list_to_pac ((const char *const *) uris);

      g_assert_cmpstr (pac, ==, to_pac_cases[i].pac);
    }
  {
    g_autofree char *none = phonesec_proxy_list_to_pac (NULL);
    g_assert_cmpstr (none, ==, "DIRECT");
  }
}

static void
test_check_url_good (void)
{
  const struct
  {
    const char *in, *out;
  } cases[] = {
    { "http://example.com/", "http://example.com/" },
    { "https://example.com:8443/a?b=c#d", "https://example.com:8443/a?b=c#d" },
    { "HTTP://Example.com/x", "http://Example.com/x" },
    { "http://user:s3cret@example.com/p", "http://example.com/p" },
    { "http://[2001:db8::1]:8080/", "http://[2001:db8::1]:8080/" },
    { "ftp://files.example.com/f", "ftp://files.example.com/f" },
    { "http://b\xc3\xbc"
      "cher.example/",
      "http://xn--bcher-kva.example/" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *out = phonesec_proxy_check_url (cases[i].in, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

static void
test_check_url_bad (void)
{
  g_autofree char *long_url = NULL;
  g_autoptr (GString) s = g_string_new ("http://example.com/");
  const char *bad[] = { "",
                        "example.com",
                        "/just/a/path",
                        "http://",
                        "http:///x",
                        "mailto:someone@example.com",
                        "http://exa mple.com/",
                        "http://example.com/\n",
                        "http://user:p4ss@",
                        "::::",
                        NULL };

  while (s->len <= 8192)
    g_string_append (s, "aaaaaaaa");
  long_url = g_string_free (g_steal_pointer (&s), FALSE);
  for (guint i = 0; bad[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *out = phonesec_proxy_check_url (bad[i], &error);

      if (out != NULL)
        g_error ("'%s' was accepted as '%s'", bad[i], out);
      g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS);
      /* Never echoes the URL: it may carry a password. */
      g_assert_null (strstr (error->message, "p4ss"));
    }
  {
    g_autoptr (GError) error = NULL;
    g_autofree char *out = phonesec_proxy_check_url (long_url, &error);
    g_assert_null (out);
    g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS);
  }
  {
    g_autoptr (GError) error = NULL;
    g_autofree char *out = phonesec_proxy_check_url (NULL, &error);
    g_assert_null (out);
    g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS);
  }
}

static void
test_is_pac (void)
{
  const char *pac_urls[] = { "http://pac.example.com/proxy.pac", "https://h:8443/p.pac?v=1", NULL };

  g_assert_true (phonesec_proxy_url_is_pac ("http://pac.example.com/proxy.pac", pac_urls));
  g_assert_true (phonesec_proxy_url_is_pac ("http://PAC.example.com:80/proxy.pac", pac_urls));
  g_assert_true (phonesec_proxy_url_is_pac ("https://h:8443/p.pac", pac_urls));
  g_assert_true (phonesec_proxy_url_is_pac ("http://wpad.example.com/wpad.dat", NULL));
  g_assert_true (phonesec_proxy_url_is_pac ("http://WPAD.corp/wpad.dat", NULL));
  g_assert_false (phonesec_proxy_url_is_pac ("http://pac.example.com/other", pac_urls));
  g_assert_false (phonesec_proxy_url_is_pac ("http://wpad.example.com/x", NULL));
  g_assert_false (phonesec_proxy_url_is_pac ("https://pac.example.com/proxy.pac", pac_urls));
  g_assert_false (phonesec_proxy_url_is_pac ("http://h:8443/p.pac", pac_urls));
  g_assert_false (phonesec_proxy_url_is_pac ("http://wpad.example.com/other.dat", NULL));
  g_assert_false (phonesec_proxy_url_is_pac ("http://notwpad.example.com/wpad.dat", NULL));
  g_assert_false (phonesec_proxy_url_is_pac ("not a url", pac_urls));
  /* What GIO asks a resolver: no path. */
  g_assert_true (phonesec_proxy_url_is_pac ("http://pac.example.com:80", pac_urls));
  g_assert_true (phonesec_proxy_url_is_pac ("http://pac.example.com", pac_urls));
  g_assert_true (phonesec_proxy_url_is_pac ("https://h:8443", pac_urls));
  g_assert_true (phonesec_proxy_url_is_pac ("http://wpad.example.com:80", NULL));
  g_assert_false (phonesec_proxy_url_is_pac ("http://pac.example.com:8080", pac_urls));
  g_assert_false (phonesec_proxy_url_is_pac ("https://pac.example.com", pac_urls));
  g_assert_false (phonesec_proxy_url_is_pac ("https://wpad.example.com", NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/proxy-list/manual-uri", test_manual_uri);
  g_test_add_func ("/proxy-list/to-pac", test_to_pac);
  g_test_add_func ("/proxy-list/check-url/good", test_check_url_good);
  g_test_add_func ("/proxy-list/check-url/bad", test_check_url_bad);
  g_test_add_func ("/proxy-list/is-pac", test_is_pac);
  return g_test_run ();
}
