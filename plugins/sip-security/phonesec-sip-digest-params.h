/* phonesec-sip-digest-params.h: Digest challenges and credentials
 * (RFC 7616 §3.3 and §3.4, RFC 3261 §22.4, RFC 8760): what their
 * parameters mean, checked, and written back as header values.
 *
 * Internal to the sip-security plugin. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "phonesec-sip-auth-header.h"
#include "phonesec-sip-digest.h"

G_BEGIN_DECLS

/**
 * PhonesecSipDigestChallenge:
 * @opaque: (nullable): echoed unchanged
 * @qop_auth, @qop_auth_int: what the qop list offers; both FALSE when the
 *   challenge has no qop (RFC 2069 form)
 */
typedef struct
{
  PhonesecSipDigestAlgorithm algorithm;
  char *realm;
  char *nonce;
  char *opaque;
  gboolean stale;
  gboolean userhash;
  gboolean qop_auth;
  gboolean qop_auth_int;
} PhonesecSipDigestChallenge;

void phonesec_sip_digest_challenge_clear (PhonesecSipDigestChallenge *challenge);

/* PHONESEC_ERROR_NOT_SUPPORTED for another scheme, an unknown algorithm or
 * a qop without auth and auth-int; INVALID_VALUE when realm or nonce is
 * missing. Messages quote the server's words. */
gboolean phonesec_sip_digest_challenge_parse (const PhonesecSipAuthParams *params,
                                              PhonesecSipDigestChallenge *out, GError **error);

/* `Digest realm="...", nonce="...", algorithm=..., qop="..."[, opaque][,
 * stale=true][, userhash=true]` */
char *phonesec_sip_digest_challenge_to_string (const PhonesecSipDigestChallenge *challenge);

/**
 * PhonesecSipDigestCredentials:
 * @username: the user name (from username, or decoded from username*), or
 *   its hex hash when @userhash
 * @cnonce, @nc: (nullable): with a qop only
 * @opaque: (nullable)
 */
typedef struct
{
  PhonesecSipDigestAlgorithm algorithm;
  char *username;
  gboolean userhash;
  char *realm;
  char *nonce;
  char *uri;
  char *response;
  char *cnonce;
  char *nc;
  char *opaque;
  PhonesecSipDigestQop qop;
} PhonesecSipDigestCredentials;

void phonesec_sip_digest_credentials_clear (PhonesecSipDigestCredentials *credentials);

/* INVALID_VALUE when a required parameter is missing or malformed
 * (username, realm, nonce, uri, response of the algorithm's length; cnonce
 * and an 8-hex-digit nc with a qop), NOT_SUPPORTED for an unknown
 * algorithm or qop. */
gboolean phonesec_sip_digest_credentials_parse (const PhonesecSipAuthParams *params,
                                                PhonesecSipDigestCredentials *out, GError **error);

/* The Authorization value; the user name goes as username*= (RFC 7616
 * §3.4.4, UTF-8) when it is not plain ASCII and not hashed. */
char *phonesec_sip_digest_credentials_to_string (const PhonesecSipDigestCredentials *credentials);

G_END_DECLS
