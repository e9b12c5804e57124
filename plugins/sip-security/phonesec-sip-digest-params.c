/* phonesec-sip-digest-params.c: Digest challenges and credentials.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "phonesec-sip-digest-params.h"

#define SUPPORTED_ALGORITHMS "MD5, SHA-256, SHA-512-256 (each also -sess)"

static gboolean
is_digest (const PhonesecSipAuthParams *params, GError **error)
{
  if (g_ascii_strcasecmp (params->scheme, "Digest") == 0)
    return TRUE;
  {
    g_autofree char *scheme = phonesec_quote_for_message (params->scheme, -1);

    g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_NOT_SUPPORTED,
                 _ ("Scheme %s is not supported; supported: Digest"), scheme);
  }
  return FALSE;
}

static gboolean
parse_algorithm (const PhonesecSipAuthParams *params, PhonesecSipDigestAlgorithm *out,
                 GError **error)
{
  const char *text = phonesec_sip_auth_params_lookup (params, "algorithm");

  if (phonesec_sip_digest_algorithm_parse (text, out))
    return TRUE;
  {
    g_autofree char *quoted = phonesec_quote_for_message (text, -1);

    g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_NOT_SUPPORTED,
                 _ ("Algorithm %s is not supported; supported: %s"), quoted, SUPPORTED_ALGORITHMS);
  }
  return FALSE;
}

typedef enum
{
  IN_CHALLENGE,
  IN_CREDENTIALS,
} Where;

static const char *
require (const PhonesecSipAuthParams *params, const char *name, Where where, GError **error)
{
  const char *value = phonesec_sip_auth_params_lookup (params, name);

  if (value != NULL && value[0] != '\0')
    return value;
  if (where == IN_CHALLENGE)
    g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE, _ ("The challenge has no %s"),
                 name);
  else
    g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                 _ ("The credentials have no %s"), name);
  return NULL;
}

static gboolean
is_true (const char *value)
{
  return value != NULL && g_ascii_strcasecmp (value, "true") == 0;
}

/* --- challenges -------------------------------------------------------------- */

void
phonesec_sip_digest_challenge_clear (PhonesecSipDigestChallenge *challenge)
{
  g_clear_pointer (&challenge->realm, g_free);
  g_clear_pointer (&challenge->nonce, g_free);
  g_clear_pointer (&challenge->opaque, g_free);
}

/* qop-options: a quoted, comma-separated list (RFC 7616 §3.3). */
static gboolean
parse_qop_options (const char *text, PhonesecSipDigestChallenge *out, GError **error)
{
  g_auto (GStrv) options = NULL;

  if (text == NULL)
    return TRUE;
  options = g_strsplit (text, ",", -1);
  for (guint i = 0; options[i] != NULL; i++)
    {
      const char *option = g_strstrip (options[i]);

      if (g_ascii_strcasecmp (option, "auth") == 0)
        out->qop_auth = TRUE;
      else if (g_ascii_strcasecmp (option, "auth-int") == 0)
        out->qop_auth_int = TRUE;
    }
  if (out->qop_auth || out->qop_auth_int)
    return TRUE;
  {
    g_autofree char *quoted = phonesec_quote_for_message (text, -1);

    g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_NOT_SUPPORTED,
                 _ ("qop %s offers neither auth nor auth-int"), quoted);
  }
  return FALSE;
}

gboolean
phonesec_sip_digest_challenge_parse (const PhonesecSipAuthParams *params,
                                     PhonesecSipDigestChallenge *out, GError **error)
{
  const char *realm, *nonce;

  memset (out, 0, sizeof *out);
  if (!is_digest (params, error) || !parse_algorithm (params, &out->algorithm, error))
    return FALSE;
  realm = require (params, "realm", IN_CHALLENGE, error);
  if (realm == NULL)
    return FALSE;
  nonce = require (params, "nonce", IN_CHALLENGE, error);
  if (nonce == NULL)
    return FALSE;
  if (!parse_qop_options (phonesec_sip_auth_params_lookup (params, "qop"), out, error))
    return FALSE;
  out->realm = g_strdup (realm);
  out->nonce = g_strdup (nonce);
  out->opaque = g_strdup (phonesec_sip_auth_params_lookup (params, "opaque"));
  out->stale = is_true (phonesec_sip_auth_params_lookup (params, "stale"));
  out->userhash = is_true (phonesec_sip_auth_params_lookup (params, "userhash"));
  return TRUE;
}

char *
phonesec_sip_digest_challenge_to_string (const PhonesecSipDigestChallenge *challenge)
{
  GString *out = g_string_new ("Digest ");

  phonesec_sip_auth_append_quoted (out, "realm", challenge->realm);
  g_string_append (out, ", ");
  phonesec_sip_auth_append_quoted (out, "nonce", challenge->nonce);
  g_string_append_printf (out, ", algorithm=%s",
                          phonesec_sip_digest_algorithm_name (challenge->algorithm));
  if (challenge->qop_auth || challenge->qop_auth_int)
    {
      g_string_append (out, ", ");
      phonesec_sip_auth_append_quoted (out, "qop",
                                       challenge->qop_auth && challenge->qop_auth_int
                                           ? "auth,auth-int"
                                       : challenge->qop_auth ? "auth"
                                                             : "auth-int");
    }
  if (challenge->opaque != NULL)
    {
      g_string_append (out, ", ");
      phonesec_sip_auth_append_quoted (out, "opaque", challenge->opaque);
    }
  if (challenge->stale)
    g_string_append (out, ", stale=true");
  if (challenge->userhash)
    g_string_append (out, ", userhash=true");
  return g_string_free (out, FALSE);
}

/* --- credentials ------------------------------------------------------------ */

void
phonesec_sip_digest_credentials_clear (PhonesecSipDigestCredentials *credentials)
{
  g_clear_pointer (&credentials->username, g_free);
  g_clear_pointer (&credentials->realm, g_free);
  g_clear_pointer (&credentials->nonce, g_free);
  g_clear_pointer (&credentials->uri, g_free);
  g_clear_pointer (&credentials->response, g_free);
  g_clear_pointer (&credentials->cnonce, g_free);
  g_clear_pointer (&credentials->nc, g_free);
  g_clear_pointer (&credentials->opaque, g_free);
}

/* username*: RFC 8187 ext-value, UTF-8 only: UTF-8'[language]'pct-encoded. */
static char *
decode_ext_value (const char *text, GError **error)
{
  const char *first = strchr (text, '\'');
  const char *second = first != NULL ? strchr (first + 1, '\'') : NULL;
  g_autofree char *decoded = NULL;

  if (first == NULL || second == NULL || first - text != 5
      || g_ascii_strncasecmp (text, "UTF-8", 5) != 0)
    {
      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                           _ ("username* is not UTF-8''percent-encoded text"));
      return NULL;
    }
  decoded = g_uri_unescape_string (second + 1, NULL);
  if (decoded == NULL || !g_utf8_validate (decoded, -1, NULL))
    {
      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                           _ ("username* does not decode to UTF-8 text"));
      return NULL;
    }
  return g_steal_pointer (&decoded);
}

static gboolean
is_hex (const char *text, gsize len)
{
  if (strlen (text) != len)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isxdigit (text[i]))
      return FALSE;
  return TRUE;
}

static gboolean
parse_username (const PhonesecSipAuthParams *params, PhonesecSipDigestCredentials *out,
                GError **error)
{
  const char *plain = phonesec_sip_auth_params_lookup (params, "username");
  const char *extended = phonesec_sip_auth_params_lookup (params, "username*");

  if (plain != NULL && extended != NULL)
    {
      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                           _ ("The credentials give both username and username*"));
      return FALSE;
    }
  if (extended != NULL)
    out->username = decode_ext_value (extended, error);
  else if (plain != NULL && g_utf8_validate (plain, -1, NULL))
    out->username = g_strdup (plain);
  else if (plain != NULL)
    g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                         _ ("The username is not UTF-8 text"));
  else
    g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                         _ ("The credentials have no username"));
  return out->username != NULL;
}

static gboolean
parse_qop (const PhonesecSipAuthParams *params, PhonesecSipDigestCredentials *out, GError **error)
{
  const char *qop = phonesec_sip_auth_params_lookup (params, "qop");
  const char *cnonce, *nc;

  if (qop == NULL)
    return TRUE;
  if (g_ascii_strcasecmp (qop, "auth") == 0)
    out->qop = PHONESEC_SIP_DIGEST_QOP_AUTH;
  else if (g_ascii_strcasecmp (qop, "auth-int") == 0)
    out->qop = PHONESEC_SIP_DIGEST_QOP_AUTH_INT;
  else
    {
      g_autofree char *quoted = phonesec_quote_for_message (qop, -1);

      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_NOT_SUPPORTED,
                   _ ("qop %s is not supported; supported: auth, auth-int"), quoted);
      return FALSE;
    }
  if ((cnonce = require (params, "cnonce", IN_CREDENTIALS, error)) == NULL
      || (nc = require (params, "nc", IN_CREDENTIALS, error)) == NULL)
    return FALSE;
  if (!is_hex (nc, 8))
    {
      g_autofree char *quoted = phonesec_quote_for_message (nc, -1);

      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("nc %s is not 8 hexadecimal digits"), quoted);
      return FALSE;
    }
  out->cnonce = g_strdup (cnonce);
  out->nc = g_strdup (nc);
  return TRUE;
}

gboolean
phonesec_sip_digest_credentials_parse (const PhonesecSipAuthParams *params,
                                       PhonesecSipDigestCredentials *out, GError **error)
{
  const char *realm, *nonce, *uri, *response;

  memset (out, 0, sizeof *out);
  if (!is_digest (params, error) || !parse_algorithm (params, &out->algorithm, error))
    return FALSE;
  if (!parse_username (params, out, error)
      || (realm = require (params, "realm", IN_CREDENTIALS, error)) == NULL
      || (nonce = require (params, "nonce", IN_CREDENTIALS, error)) == NULL
      || (uri = require (params, "uri", IN_CREDENTIALS, error)) == NULL
      || (response = require (params, "response", IN_CREDENTIALS, error)) == NULL
      || !parse_qop (params, out, error))
    {
      phonesec_sip_digest_credentials_clear (out);
      return FALSE;
    }
  if (!is_hex (response, phonesec_sip_digest_hex_length (out->algorithm.hash)))
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("The response is not %u hexadecimal digits, as %s gives"),
                   phonesec_sip_digest_hex_length (out->algorithm.hash),
                   phonesec_sip_digest_algorithm_name (out->algorithm));
      phonesec_sip_digest_credentials_clear (out);
      return FALSE;
    }
  out->userhash = is_true (phonesec_sip_auth_params_lookup (params, "userhash"));
  out->realm = g_strdup (realm);
  out->nonce = g_strdup (nonce);
  out->uri = g_strdup (uri);
  out->response = g_ascii_strdown (response, -1);
  out->opaque = g_strdup (phonesec_sip_auth_params_lookup (params, "opaque"));
  return TRUE;
}

/* attr-char of RFC 8187 §3.2.1. */
static gboolean
is_attr_char (char c)
{
  return g_ascii_isalnum (c) || (c != '\0' && strchr ("!#$&+-.^_`|~", c) != NULL);
}

static gboolean
is_plain_ascii (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || (guchar) *p >= 0x7f)
      return FALSE;
  return TRUE;
}

static void
append_username (GString *out, const PhonesecSipDigestCredentials *c)
{
  if (c->userhash || is_plain_ascii (c->username))
    {
      phonesec_sip_auth_append_quoted (out, "username", c->username);
      return;
    }
  g_string_append (out, "username*=UTF-8''");
  for (const char *p = c->username; *p != '\0'; p++)
    if (is_attr_char (*p))
      g_string_append_c (out, *p);
    else
      g_string_append_printf (out, "%%%02X", (guchar) *p);
}

char *
phonesec_sip_digest_credentials_to_string (const PhonesecSipDigestCredentials *c)
{
  GString *out = g_string_new ("Digest ");

  append_username (out, c);
  g_string_append (out, ", ");
  phonesec_sip_auth_append_quoted (out, "realm", c->realm);
  g_string_append (out, ", ");
  phonesec_sip_auth_append_quoted (out, "nonce", c->nonce);
  g_string_append (out, ", ");
  phonesec_sip_auth_append_quoted (out, "uri", c->uri);
  g_string_append (out, ", ");
  phonesec_sip_auth_append_quoted (out, "response", c->response);
  g_string_append_printf (out, ", algorithm=%s", phonesec_sip_digest_algorithm_name (c->algorithm));
  if (c->cnonce != NULL)
    {
      g_string_append (out, ", ");
      phonesec_sip_auth_append_quoted (out, "cnonce", c->cnonce);
    }
  if (c->qop != PHONESEC_SIP_DIGEST_QOP_NONE)
    g_string_append_printf (out, ", qop=%s, nc=%s", phonesec_sip_digest_qop_name (c->qop), c->nc);
  if (c->opaque != NULL)
    {
      g_string_append (out, ", ");
      phonesec_sip_auth_append_quoted (out, "opaque", c->opaque);
    }
  if (c->userhash)
    g_string_append (out, ", userhash=true");
  return g_string_free (out, FALSE);
}
