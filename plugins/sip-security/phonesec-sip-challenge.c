/* phonesec-sip-challenge.c: the phone's own challenges, and their answers.
 *
 * The order of the checks matters: the nonce is checked before the
 * response is computed (a forged nonce costs one HMAC, not a digest), and
 * the nonce count is remembered only after the response verified (an
 * attacker who saw a nonce cannot use up its counts with garbage).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "phonesec-sip-challenge.h"
#include "phonesec-sip-digest-params.h"

GStrv
phonesec_sip_challenges_new (const PhonesecSipLine *line, PhonesecSipNonces *nonces, gint64 now,
                             gboolean stale)
{
  PhonesecSipDigestAlgorithm allowed[6];
  guint n = phonesec_sip_line_allowed_algorithms (line, allowed);
  g_autoptr (GStrvBuilder) values = g_strv_builder_new ();
  PhonesecSipDigestChallenge challenge = { 0 };

  challenge.realm = phonesec_sip_line_realm (line);
  challenge.nonce = phonesec_sip_nonces_issue (nonces, line->line, challenge.realm, now);
  challenge.qop_auth = TRUE;
  challenge.stale = stale;
  for (guint i = 0; i < n; i++)
    {
      /* -sess needs nothing from the server: offering the plain form is
       * enough, and shorter. */
      if (allowed[i].sess)
        continue;
      challenge.algorithm = allowed[i];
      {
        g_autofree char *value = phonesec_sip_digest_challenge_to_string (&challenge);

        g_strv_builder_add (values, value);
      }
    }
  phonesec_sip_digest_challenge_clear (&challenge);
  return g_strv_builder_end (values);
}

const char *
phonesec_sip_verify_result_name (PhonesecSipVerifyResult result)
{
  static const char *const names[] = {
    [PHONESEC_SIP_VERIFY_OK] = "",
    [PHONESEC_SIP_VERIFY_MALFORMED] = "malformed",
    [PHONESEC_SIP_VERIFY_NOT_ALLOWED] = "algorithm-not-allowed",
    [PHONESEC_SIP_VERIFY_NO_QOP] = "qop-required",
    [PHONESEC_SIP_VERIFY_WRONG_REALM] = "wrong-realm",
    [PHONESEC_SIP_VERIFY_WRONG_USER] = "wrong-user",
    [PHONESEC_SIP_VERIFY_WRONG_URI] = "wrong-uri",
    [PHONESEC_SIP_VERIFY_UNKNOWN_NONCE] = "unknown-nonce",
    [PHONESEC_SIP_VERIFY_STALE] = "stale",
    [PHONESEC_SIP_VERIFY_REPLAYED] = "replayed",
    [PHONESEC_SIP_VERIFY_BUSY] = "busy",
    [PHONESEC_SIP_VERIFY_WRONG_CREDENTIALS] = "wrong-credentials",
  };

  g_return_val_if_fail (result < G_N_ELEMENTS (names), "malformed");
  return names[result];
}

static gboolean
user_matches (const PhonesecSipLine *line, const PhonesecSipDigestCredentials *c)
{
  const char *user = phonesec_sip_line_auth_user (line);
  char hash[PHONESEC_SIP_DIGEST_HEX_MAX];

  if (!c->userhash)
    return g_str_equal (c->username, user);
  phonesec_sip_digest_userhash (c->algorithm.hash, user, c->realm, hash);
  return g_ascii_strcasecmp (c->username, hash) == 0;
}

static PhonesecSipNonceStatus
check_nonce (const PhonesecSipLine *line, PhonesecSipNonces *nonces,
             const PhonesecSipDigestCredentials *c, gint64 now, guint32 *nc_out)
{
  guint64 nc = 0;

  g_ascii_string_to_unsigned (c->nc, 16, 0, G_MAXUINT32, &nc, NULL);
  *nc_out = (guint32) nc;
  return phonesec_sip_nonces_check (nonces, line->line, c->realm, c->nonce, *nc_out, now);
}

static PhonesecSipVerifyResult
nonce_result (PhonesecSipNonceStatus status)
{
  switch (status)
    {
      case PHONESEC_SIP_NONCE_STALE:
        return PHONESEC_SIP_VERIFY_STALE;
      case PHONESEC_SIP_NONCE_REPLAYED:
        return PHONESEC_SIP_VERIFY_REPLAYED;
      case PHONESEC_SIP_NONCE_BUSY:
        return PHONESEC_SIP_VERIFY_BUSY;
      case PHONESEC_SIP_NONCE_UNKNOWN:
        return PHONESEC_SIP_VERIFY_UNKNOWN_NONCE;
      case PHONESEC_SIP_NONCE_VALID:
      default:
        return PHONESEC_SIP_VERIFY_OK;
    }
}

/* Results that leave the response to be checked. */
static gboolean
nonce_checked (PhonesecSipVerifyResult result)
{
  return result == PHONESEC_SIP_VERIFY_OK || result == PHONESEC_SIP_VERIFY_STALE
         || result == PHONESEC_SIP_VERIFY_REPLAYED || result == PHONESEC_SIP_VERIFY_BUSY;
}

/* Everything but the nonce and the response. */
static PhonesecSipVerifyResult
check_fields (const PhonesecSipLine *line, const char *uri, const PhonesecSipDigestCredentials *c)
{
  g_autofree char *realm = phonesec_sip_line_realm (line);

  if (!phonesec_sip_line_allows (line, c->algorithm))
    return PHONESEC_SIP_VERIFY_NOT_ALLOWED;
  /* We always offer qop: without it there is no nonce count, hence no
   * replay protection. */
  if (c->qop == PHONESEC_SIP_DIGEST_QOP_NONE)
    return PHONESEC_SIP_VERIFY_NO_QOP;
  if (!g_str_equal (c->realm, realm))
    return PHONESEC_SIP_VERIFY_WRONG_REALM;
  if (!user_matches (line, c))
    return PHONESEC_SIP_VERIFY_WRONG_USER;
  if (!g_str_equal (c->uri, uri))
    return PHONESEC_SIP_VERIFY_WRONG_URI;
  return PHONESEC_SIP_VERIFY_OK;
}

static gboolean
response_matches (const PhonesecSipLine *line, const PhonesecSecret *password, const char *method,
                  GBytes *body, const PhonesecSipDigestCredentials *c)
{
  PhonesecSipDigestInput in = { 0 };
  char expected[PHONESEC_SIP_DIGEST_HEX_MAX];

  in.algorithm = c->algorithm;
  in.username = phonesec_sip_line_auth_user (line);
  in.realm = c->realm;
  in.nonce = c->nonce;
  in.cnonce = c->cnonce;
  in.nc = c->nc;
  in.qop = c->qop;
  in.method = method;
  in.uri = c->uri;
  in.body = body;
  phonesec_sip_digest_response (&in, password, expected);
  return phonesec_sip_digest_equal (expected, c->response);
}

PhonesecSipVerifyResult
phonesec_sip_verify (const PhonesecSipLine *line, const PhonesecSecret *password,
                     PhonesecSipNonces *nonces, const char *method, const char *uri,
                     const char *authorization, GBytes *body, gint64 now, char **detail)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecSipAuthParams) params
      = phonesec_sip_auth_parse_credentials (authorization, strlen (authorization), &error);
  PhonesecSipDigestCredentials c = { 0 };
  PhonesecSipVerifyResult result;
  guint32 nc = 0;

  if (params == NULL || !phonesec_sip_digest_credentials_parse (params, &c, &error))
    {
      if (detail != NULL)
        *detail = g_strdup (error->message);
      return PHONESEC_SIP_VERIFY_MALFORMED;
    }
  result = check_fields (line, uri, &c);
  if (result == PHONESEC_SIP_VERIFY_OK)
    result = nonce_result (check_nonce (line, nonces, &c, now, &nc));
  /* Stale only with the right credentials (RFC 7616 §3.3: the peer may
   * then answer a new nonce without asking its user). */
  if (nonce_checked (result) && !response_matches (line, password, method, body, &c))
    result = PHONESEC_SIP_VERIFY_WRONG_CREDENTIALS;
  if (result == PHONESEC_SIP_VERIFY_OK)
    phonesec_sip_nonces_mark_used (nonces, c.nonce, nc, now);
  phonesec_sip_digest_credentials_clear (&c);
  return result;
}
