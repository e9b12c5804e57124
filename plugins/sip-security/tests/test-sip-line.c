/* test-sip-line.c: phonesec-sip-line.c: parameter names, proxies and
 * Restricted_Access_Domains, allowed algorithms.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "sip-test-line.h"

static void
test_parameter_names (void)
{
  g_autofree char *name = phonesec_sip_line_parameter ("Password_n_", 12);

  g_assert_cmpstr (name, ==, "Password_12_");
  g_assert_cmpuint (phonesec_sip_line_of_parameter ("Password_12_"), ==, 12);
  g_assert_cmpuint (phonesec_sip_line_of_parameter ("MediaSec_Over_TLS_Only_3_"), ==, 3);
  g_assert_cmpuint (phonesec_sip_line_of_parameter ("TLS_Min_Version"), ==, 0);
  g_assert_cmpuint (phonesec_sip_line_of_parameter ("FIPS_Mode"), ==, 0);
  g_assert_cmpuint (phonesec_sip_line_of_parameter ("Proxy_0_"), ==, 0);
  g_assert_cmpuint (phonesec_sip_line_of_parameter ("_1_"), ==, 0);
  g_assert_cmpuint (phonesec_sip_line_of_parameter ("Proxy__"), ==, 0);
  g_assert_cmpuint (phonesec_sip_line_of_parameter ("Proxy_99999999999_"), ==, 0);
}

static void
test_split_host_port (void)
{
  static const struct
  {
    const char *value;
    const char *host;
    guint port;
  } cases[] = {
    { "sip.example.net", "sip.example.net", 0 },
    { " sip.example.net:5061 ", "sip.example.net", 5061 },
    { "10.0.0.1:5060", "10.0.0.1", 5060 },
    { "[2001:db8::1]:5061", "2001:db8::1", 5061 },
    { "[2001:db8::1]", "2001:db8::1", 0 },
    { "2001:db8::1", "2001:db8::1", 0 },
    { "host:notaport", "host:notaport", 0 },
    { "", NULL, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint port = 99;
      g_autofree char *host = phonesec_sip_split_host_port (cases[i].value, &port);

      g_assert_cmpstr (host, ==, cases[i].host);
      g_assert_cmpuint (port, ==, cases[i].port);
    }
}

static void
test_restricted_domains (void)
{
  const char *const domains[] = { "example.net", "Voip.Example.ORG", NULL };
  const char *const none[] = { NULL };

  g_assert_true (phonesec_domains_host_allowed ("anything.test", none));
  g_assert_true (phonesec_domains_host_allowed ("example.net", domains));
  g_assert_true (phonesec_domains_host_allowed ("SIP.example.net.", domains));
  g_assert_true (phonesec_domains_host_allowed ("a.voip.example.org", domains));
  g_assert_false (phonesec_domains_host_allowed ("badexample.net", domains));
  g_assert_false (phonesec_domains_host_allowed ("example.net.evil.test", domains));
  g_assert_false (phonesec_domains_host_allowed ("example.org", domains));
  g_assert_false (phonesec_domains_host_allowed ("192.0.2.1", domains));
  g_assert_false (phonesec_domains_host_allowed ("", domains));
}

static void
test_algorithms_and_auth_user (void)
{
  g_autoptr (PhonesecSipLine) line = sip_test_line_new (TRUE);
  PhonesecSipDigestAlgorithm a[6];
  g_autofree char *realm = NULL;

  g_assert_cmpuint (phonesec_sip_line_allowed_algorithms (line, a), ==, 6);
  g_assert_cmpstr (phonesec_sip_digest_algorithm_name (a[0]), ==, "SHA-512-256");
  g_assert_cmpstr (phonesec_sip_digest_algorithm_name (a[1]), ==, "SHA-512-256-sess");
  g_assert_cmpstr (phonesec_sip_digest_algorithm_name (a[5]), ==, "MD5-sess");
  line->fips = TRUE;
  g_assert_cmpuint (phonesec_sip_line_allowed_algorithms (line, a), ==, 4);
  line->rfc8760 = FALSE;
  g_assert_cmpuint (phonesec_sip_line_allowed_algorithms (line, a), ==, 0);
  line->fips = FALSE;
  g_assert_cmpuint (phonesec_sip_line_allowed_algorithms (line, a), ==, 2);
  g_assert_cmpstr (phonesec_sip_digest_algorithm_name (a[0]), ==, "MD5");

  g_assert_cmpstr (phonesec_sip_line_auth_user (line), ==, "1001");
  line->use_auth_id = TRUE;
  g_assert_cmpstr (phonesec_sip_line_auth_user (line), ==, "1001"); /* Auth_ID empty */
  g_free (line->auth_id);
  line->auth_id = g_strdup ("auth-1001");
  g_assert_cmpstr (phonesec_sip_line_auth_user (line), ==, "auth-1001");

  realm = phonesec_sip_line_realm (line);
  g_assert_cmpstr (realm, ==, "sip.example.net");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sip-line/parameter-names", test_parameter_names);
  g_test_add_func ("/sip-line/host-port", test_split_host_port);
  g_test_add_func ("/sip-line/restricted-domains", test_restricted_domains);
  g_test_add_func ("/sip-line/algorithms-and-user", test_algorithms_and_auth_user);
  return g_test_run ();
}
