/* phonesec-sip-challenge.h: the phone as the challenger (Auth INVITE,
 * Auth_INVITE_n_): the WWW-Authenticate values of its 401, and the check
 * of the Authorization that answers them.
 *
 * Internal to the sip-security plugin. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "phonesec-sip-line.h"
#include "phonesec-sip-nonce.h"

G_BEGIN_DECLS

/**
 * phonesec_sip_challenges_new:
 * @stale: mark them stale=true (the refused answer had the right
 *   credentials on an expired nonce: the peer may answer again without
 *   asking anyone, RFC 7616 §3.3)
 *
 * One challenge per algorithm the line allows, most preferred first
 * (RFC 8760 §2.4), sharing one fresh nonce, qop="auth".
 *
 * Returns: (transfer full): the header values; empty when the line allows
 *   no algorithm
 */
GStrv phonesec_sip_challenges_new (const PhonesecSipLine *line, PhonesecSipNonces *nonces,
                                   gint64 now, gboolean stale);

/**
 * PhonesecSipVerifyResult:
 *
 * Why an answer was refused; the reason strings are part of the D-Bus API
 * (SipSecurity.Verify).
 */
typedef enum
{
  PHONESEC_SIP_VERIFY_OK,
  PHONESEC_SIP_VERIFY_MALFORMED,         /* "malformed" */
  PHONESEC_SIP_VERIFY_NOT_ALLOWED,       /* "algorithm-not-allowed" */
  PHONESEC_SIP_VERIFY_NO_QOP,            /* "qop-required" */
  PHONESEC_SIP_VERIFY_WRONG_REALM,       /* "wrong-realm" */
  PHONESEC_SIP_VERIFY_WRONG_USER,        /* "wrong-user" */
  PHONESEC_SIP_VERIFY_WRONG_URI,         /* "wrong-uri" */
  PHONESEC_SIP_VERIFY_UNKNOWN_NONCE,     /* "unknown-nonce" */
  PHONESEC_SIP_VERIFY_STALE,             /* "stale" */
  PHONESEC_SIP_VERIFY_REPLAYED,          /* "replayed" */
  PHONESEC_SIP_VERIFY_BUSY,              /* "busy" */
  PHONESEC_SIP_VERIFY_WRONG_CREDENTIALS, /* "wrong-credentials" */
} PhonesecSipVerifyResult;

const char *phonesec_sip_verify_result_name (PhonesecSipVerifyResult result);

/**
 * phonesec_sip_verify:
 * @authorization: the Authorization value received (no header name)
 * @body: (nullable): the request's body, for qop auth-int
 * @detail: (out) (optional): for MALFORMED, what was wrong (safe to log)
 *
 * Checks an answer to one of phonesec_sip_challenges_new()'s challenges
 * for @method on @uri (the request's Request-URI). On success the nonce
 * count is remembered, so the same answer is refused as REPLAYED next time.
 */
PhonesecSipVerifyResult phonesec_sip_verify (const PhonesecSipLine *line,
                                             const PhonesecSecret *password,
                                             PhonesecSipNonces *nonces, const char *method,
                                             const char *uri, const char *authorization,
                                             GBytes *body, gint64 now, char **detail);

G_END_DECLS
