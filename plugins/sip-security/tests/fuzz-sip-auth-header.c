/* fuzz-sip-auth-header.c: libFuzzer target for what a SIP server or peer
 * sends the phone: WWW-/Proxy-Authenticate challenges (Authorize) and
 * Authorization credentials (Verify).
 *
 * The input is parsed both ways. Invariants: no crash, no leak; a parse
 * error has a one-line message; what parses as a Digest challenge or
 * credentials, written back, parses again to the same values (so nothing
 * the phone echoes can inject a header).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <string.h>

#include "phonesec-sip-digest-params.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_error (GError *error)
{
  g_assert_nonnull (error);
  g_assert_null (strchr (error->message, '\n'));
  g_assert_null (strchr (error->message, '\r'));
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_assert_cmpuint (strlen (error->message), <, 512);
}

static void
check_written (const char *written)
{
  for (const char *p = written; *p != '\0'; p++)
    g_assert_true ((guchar) *p >= 0x20 || *p == '\t');
}

static void
challenge_round_trip (const PhonesecSipAuthParams *params)
{
  PhonesecSipDigestChallenge c, again;
  g_autoptr (GError) error = NULL;
  g_autofree char *written = NULL;
  g_autoptr (GPtrArray) reparsed = NULL;

  if (!phonesec_sip_digest_challenge_parse (params, &c, &error))
    {
      check_error (error);
      return;
    }
  written = phonesec_sip_digest_challenge_to_string (&c);
  check_written (written);
  reparsed = phonesec_sip_auth_parse_challenges (written, strlen (written), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (reparsed->len, ==, 1);
  g_assert_true (phonesec_sip_digest_challenge_parse (reparsed->pdata[0], &again, &error));
  g_assert_cmpstr (again.realm, ==, c.realm);
  g_assert_cmpstr (again.nonce, ==, c.nonce);
  g_assert_cmpstr (again.opaque, ==, c.opaque);
  g_assert_cmpint (again.algorithm.hash, ==, c.algorithm.hash);
  g_assert_cmpint (again.algorithm.sess, ==, c.algorithm.sess);
  phonesec_sip_digest_challenge_clear (&c);
  phonesec_sip_digest_challenge_clear (&again);
}

static void
credentials_round_trip (const char *text, gsize len)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecSipAuthParams) params
      = phonesec_sip_auth_parse_credentials (text, len, &error);
  g_autoptr (PhonesecSipAuthParams) reparsed = NULL;
  PhonesecSipDigestCredentials c, again;
  g_autofree char *written = NULL;

  if (params == NULL || !phonesec_sip_digest_credentials_parse (params, &c, &error))
    {
      check_error (error);
      return;
    }
  written = phonesec_sip_digest_credentials_to_string (&c);
  check_written (written);
  reparsed = phonesec_sip_auth_parse_credentials (written, strlen (written), &error);
  g_assert_no_error (error);
  g_assert_true (phonesec_sip_digest_credentials_parse (reparsed, &again, &error));
  g_assert_cmpstr (again.username, ==, c.username);
  g_assert_cmpstr (again.realm, ==, c.realm);
  g_assert_cmpstr (again.uri, ==, c.uri);
  g_assert_cmpstr (again.response, ==, c.response);
  g_assert_cmpstr (again.nc, ==, c.nc);
  phonesec_sip_digest_credentials_clear (&c);
  phonesec_sip_digest_credentials_clear (&again);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = NULL;

  list = phonesec_sip_auth_parse_challenges ((const char *) data, size, &error);
  if (list == NULL)
    check_error (error);
  else
    for (guint i = 0; i < list->len; i++)
      challenge_round_trip (list->pdata[i]);
  credentials_round_trip ((const char *) data, size);
  return 0;
}
