/* phonesec-sip-auth-header.h: the syntax of WWW-Authenticate,
 * Proxy-Authenticate, Authorization and Proxy-Authorization values
 * (RFC 7235 §2.1 / RFC 3261 §25.1): a scheme and a list of auth-params
 * (token = token / quoted-string), or a token68.
 *
 * Every value comes from the network: lengths and counts are bounded, and
 * every refusal says what was wrong in a message safe to log (caller input
 * is quoted with phonesec_quote_for_message()).
 *
 * Internal to the sip-security plugin. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <phonesec/phonesec.h>

G_BEGIN_DECLS

/* Limits: far above any real challenge, far below harm. */
#define PHONESEC_SIP_AUTH_MAX_HEADER 262144
#define PHONESEC_SIP_AUTH_MAX_VALUE 1024
#define PHONESEC_SIP_AUTH_MAX_NAME 64
#define PHONESEC_SIP_AUTH_MAX_PARAMS 32
#define PHONESEC_SIP_AUTH_MAX_CHALLENGES 16

/**
 * PhonesecSipAuthParams:
 * @scheme: as written ("Digest"); compare case-insensitively
 * @token68: (nullable): the token68 form (Basic, Negotiate), then no params
 * @names: (element-type utf8): parameter names, lower case, each once
 * @values: (element-type utf8): their values, quoted-strings unquoted
 */
typedef struct
{
  char *scheme;
  char *token68;
  GPtrArray *names;
  GPtrArray *values;
} PhonesecSipAuthParams;

void phonesec_sip_auth_params_free (PhonesecSipAuthParams *params);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecSipAuthParams, phonesec_sip_auth_params_free)

/* The value of parameter @name (lower case), or NULL. */
const char *phonesec_sip_auth_params_lookup (const PhonesecSipAuthParams *params, const char *name);

/**
 * phonesec_sip_auth_parse_challenges:
 * @text: a WWW-Authenticate or Proxy-Authenticate value (no header name),
 *   @len bytes
 *
 * Returns: (transfer container) (element-type PhonesecSipAuthParams): the
 *   challenges in order (one value may hold several), or %NULL with
 *   PHONESEC_ERROR_INVALID_VALUE
 */
GPtrArray *phonesec_sip_auth_parse_challenges (const char *text, gsize len, GError **error);

/* An Authorization or Proxy-Authorization value: exactly one scheme with
 * its parameters. */
PhonesecSipAuthParams *phonesec_sip_auth_parse_credentials (const char *text, gsize len,
                                                            GError **error);

/* Appends `name="value"` with '"' and '\' escaped (quoted-string). */
void phonesec_sip_auth_append_quoted (GString *out, const char *name, const char *value);

G_END_DECLS
