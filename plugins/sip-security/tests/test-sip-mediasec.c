/* test-sip-mediasec.c: phonesec-sip-mediasec.c against the guide's table
 * ("Paramètres de la négociation de sécurité du plan de support") and the
 * Security-Client grammar of RFC 3329 §2.2.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-sip-mediasec.h"

/* RFC 3329 §2.2, for one sec-mechanism (the header's list is split on
 * commas by the stack):
 *   sec-mechanism  = mechanism-name *(SEMI mech-parameters)
 *   mechanism-name = ( "digest" / "tls" / "ipsec-ike" / "ipsec-man" / token )
 *   mech-parameters = ( preference / digest-algorithm / digest-qop /
 *                       digest-verify / extension )
 *   preference = "q" EQUAL qvalue; extension = generic-param
 *   generic-param = token [ EQUAL gen-value ]   (RFC 3261 §25.1)
 * with SEMI/EQUAL allowing whitespace around them. */
#define TOKEN "[A-Za-z0-9.!%*_+`'~-]+"
#define SEC_MECHANISM                                                                              \
  "^" TOKEN "(\\s*;\\s*(q\\s*=\\s*(0(\\.[0-9]{0,3})?|1(\\.0{0,3})?)|" TOKEN "(\\s*=\\s*(" TOKEN    \
  "|\"[^\"]*\"))?))*$"

typedef struct
{
  gboolean request;
  gboolean over_tls_only;
  const char *transport;
  gboolean applies;
  gboolean sends;
} Row;

/* The guide: Request Yes = the phone starts (sends Security-Client), No =
 * the server starts and the phone answers; Over TLS Only Yes = only when
 * the signalling transport is TLS, No = whatever the transport. */
static const Row table[] = {
  { FALSE, FALSE, "UDP", TRUE, FALSE }, { FALSE, FALSE, "TCP", TRUE, FALSE },
  { FALSE, FALSE, "TLS", TRUE, FALSE }, { TRUE, FALSE, "UDP", TRUE, TRUE },
  { TRUE, FALSE, "TCP", TRUE, TRUE },   { TRUE, FALSE, "TLS", TRUE, TRUE },
  { FALSE, TRUE, "UDP", FALSE, FALSE }, { FALSE, TRUE, "TCP", FALSE, FALSE },
  { FALSE, TRUE, "TLS", TRUE, FALSE },  { TRUE, TRUE, "UDP", FALSE, FALSE },
  { TRUE, TRUE, "TCP", FALSE, FALSE },  { TRUE, TRUE, "TLS", TRUE, TRUE },
  { TRUE, TRUE, "Auto", FALSE, FALSE },
};

static void
test_guide_table (void)
{
  g_autoptr (GRegex) grammar = g_regex_new (SEC_MECHANISM, 0, 0, NULL);

  g_assert_nonnull (grammar);
  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      const Row *r = &table[i];
      g_auto (GStrv) values
          = phonesec_sip_mediasec_security_client (r->request, r->over_tls_only, r->transport);

      g_test_message ("Request=%d OverTLSOnly=%d %s: %u values", r->request, r->over_tls_only,
                      r->transport, g_strv_length (values));
      g_assert_cmpint (phonesec_sip_mediasec_applies (r->over_tls_only, r->transport), ==,
                       r->applies);
      g_assert_cmpint (values[0] != NULL, ==, r->sends);
      for (guint v = 0; values[v] != NULL; v++)
        {
          g_auto (GStrv) params = g_strsplit (values[v], ";", -1);

          g_assert_true (g_regex_match (grammar, values[v], 0, NULL));
          /* The draft's header field parameter, once, without a value. */
          g_assert_true (g_strv_contains ((const char *const *) params, "mediasec"));
          g_assert_cmpstr (params[0], ==, "sdes-srtp");
        }
    }
}

static void
test_grammar_is_strict (void)
{
  g_autoptr (GRegex) grammar = g_regex_new (SEC_MECHANISM, 0, 0, NULL);

  g_assert_true (g_regex_match (grammar, "ipsec-3gpp;q=0.1;alg=hmac-sha-1-96", 0, NULL));
  g_assert_true (g_regex_match (grammar, "tls;q=0.2", 0, NULL));
  g_assert_false (g_regex_match (grammar, "sdes-srtp;;mediasec", 0, NULL));
  g_assert_false (g_regex_match (grammar, "sdes srtp;mediasec", 0, NULL));
  g_assert_false (g_regex_match (grammar, "tls;=x", 0, NULL));
}

static void
test_srtp_profiles (void)
{
  const char *const *profiles = phonesec_sip_mediasec_srtp_profiles ();

  /* RFC 4568 §6.2 names. */
  g_assert_cmpstr (profiles[0], ==, "AES_CM_128_HMAC_SHA1_80");
  g_assert_cmpstr (profiles[1], ==, "AES_CM_128_HMAC_SHA1_32");
  g_assert_null (profiles[2]);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sip-mediasec/guide-table", test_guide_table);
  g_test_add_func ("/sip-mediasec/rfc3329-grammar", test_grammar_is_strict);
  g_test_add_func ("/sip-mediasec/srtp-profiles", test_srtp_profiles);
  return g_test_run ();
}
