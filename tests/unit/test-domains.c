/* test-domains.c: Restricted_Access_Domains (phonesec-domains.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <phonesec/phonesec.h>
#include <string.h>

static const char *const domains[] = { "example.net", "voip.example.org.", NULL };
static const char *const none[] = { NULL };

static void
test_hosts (void)
{
  g_assert_true (phonesec_domains_host_allowed ("anything.test", none));
  g_assert_true (phonesec_domains_host_allowed ("anything.test", NULL));
  g_assert_true (phonesec_domains_host_allowed ("example.net", domains));
  g_assert_true (phonesec_domains_host_allowed ("PROV.Example.NET.", domains));
  g_assert_true (phonesec_domains_host_allowed ("a.voip.example.org", domains));
  g_assert_false (phonesec_domains_host_allowed ("badexample.net", domains));
  g_assert_false (phonesec_domains_host_allowed ("example.net.evil.test", domains));
  g_assert_false (phonesec_domains_host_allowed ("example.org", domains));
  g_assert_false (phonesec_domains_host_allowed ("192.0.2.1", domains));
  g_assert_false (phonesec_domains_host_allowed ("::1", domains));
  g_assert_false (phonesec_domains_host_allowed ("", domains));
  g_assert_false (phonesec_domains_host_allowed (NULL, domains));
}

static void
test_urls (void)
{
  static const struct
  {
    const char *url;
    gboolean allowed;
  } cases[] = {
    { "https://prov.example.net/cfg.xml", TRUE },
    { "https://u:Secr3t@prov.example.net:8443/x", TRUE },
    { "tftp://tftp.voip.example.org/x", TRUE },
    { "prov.example.net:514", TRUE },
    { "https://evil.test/x?h=prov.example.net", FALSE },
    { "https://u:Secr3t@evil.test/x", FALSE },
    { "http://[2001:db8::1]/x", FALSE },
    { "http://10.0.0.1:8080/x", FALSE },
    { "not a url", FALSE },
    { "", FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      gboolean ok = phonesec_domains_check_url (cases[i].url, domains, "PAC_URL", &error);

      g_test_message ("%s", cases[i].url);
      g_assert_true (ok == cases[i].allowed);
      if (ok)
        continue;
      g_assert_error (error, PHONESEC_ERROR, PHONESEC_ERROR_PERMISSION_DENIED);
      g_assert_nonnull (strstr (error->message, "PAC_URL"));
      g_assert_nonnull (strstr (error->message, "Restricted_Access_Domains"));
      g_assert_null (strstr (error->message, "Secr3t"));
    }
  g_assert_true (phonesec_domains_check_url ("https://evil.test/", none, "PAC_URL", NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/domains/hosts", test_hosts);
  g_test_add_func ("/domains/urls", test_urls);
  return g_test_run ();
}
