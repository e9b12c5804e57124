/* phonesec-sip-digest.h: HTTP/SIP digest computations (RFC 7616, RFC 8760).
 *
 * MD5, SHA-256 and SHA-512/256 (FIPS 180-4, the hash with its own initial
 * values, not SHA-512 cut to 256 bits), their -sess variants, qop auth and
 * auth-int, and userhash. Pure functions of their inputs: no I/O, no state.
 * Hashes are nettle's (GnuTLS does not offer SHA-512/256).
 *
 * Internal to the sip-security plugin. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <phonesec/phonesec.h>

G_BEGIN_DECLS

/**
 * PhonesecSipDigestHash:
 *
 * The hash of an algorithm, in the order of preference of RFC 8760 §2.4
 * (strongest last).
 */
typedef enum
{
  PHONESEC_SIP_DIGEST_MD5,
  PHONESEC_SIP_DIGEST_SHA256,
  PHONESEC_SIP_DIGEST_SHA512_256,
} PhonesecSipDigestHash;

#define PHONESEC_SIP_DIGEST_N_HASHES (PHONESEC_SIP_DIGEST_SHA512_256 + 1)

/* Hex digits of the longest digest (SHA-256 and SHA-512/256), plus NUL. */
#define PHONESEC_SIP_DIGEST_HEX_MAX 65

typedef struct
{
  PhonesecSipDigestHash hash;
  gboolean sess; /* "-sess": A1 carries the nonce and cnonce */
} PhonesecSipDigestAlgorithm;

/* The "algorithm" value as RFC 7616 spells it ("SHA-512-256-sess");
 * case-insensitive on input. Absent means MD5 (RFC 7616 §3.3). */
gboolean phonesec_sip_digest_algorithm_parse (const char *text, PhonesecSipDigestAlgorithm *out);
const char *phonesec_sip_digest_algorithm_name (PhonesecSipDigestAlgorithm algorithm);
/* Hex digits of the hash's output: 32 or 64. */
guint phonesec_sip_digest_hex_length (PhonesecSipDigestHash hash);

/**
 * phonesec_sip_digest_hex:
 * @out: (out caller-allocates): PHONESEC_SIP_DIGEST_HEX_MAX bytes
 *
 * H(@data) in lower-case hex, as every digest value is written.
 */
void phonesec_sip_digest_hex (PhonesecSipDigestHash hash, const void *data, gsize len, char *out);

typedef enum
{
  PHONESEC_SIP_DIGEST_QOP_NONE, /* RFC 2069 form, which RFC 3261 still allows */
  PHONESEC_SIP_DIGEST_QOP_AUTH,
  PHONESEC_SIP_DIGEST_QOP_AUTH_INT,
} PhonesecSipDigestQop;

const char *phonesec_sip_digest_qop_name (PhonesecSipDigestQop qop);

/**
 * PhonesecSipDigestInput:
 * @username: the user name itself, also when the header carries its userhash
 * @body: (nullable): the message body, for auth-int (NULL: empty)
 *
 * Everything the response is computed from, password aside.
 */
typedef struct
{
  PhonesecSipDigestAlgorithm algorithm;
  const char *username;
  const char *realm;
  const char *nonce;
  const char *cnonce; /* for qop and -sess */
  const char *nc;     /* for qop: 8 hex digits, as the header carries them */
  PhonesecSipDigestQop qop;
  const char *method;
  const char *uri;
  GBytes *body;
} PhonesecSipDigestInput;

/**
 * phonesec_sip_digest_response:
 * @out: (out caller-allocates): PHONESEC_SIP_DIGEST_HEX_MAX bytes
 *
 * The "response" value, RFC 7616 §3.4.1: KD (H(A1), nonce ":" nc ":"
 * cnonce ":" qop ":" H(A2)), or without qop KD (H(A1), nonce ":" H(A2)).
 * Intermediate values holding the password are wiped.
 */
void phonesec_sip_digest_response (const PhonesecSipDigestInput *input,
                                   const PhonesecSecret *password, char *out);

/**
 * phonesec_sip_digest_userhash:
 * @out: (out caller-allocates): PHONESEC_SIP_DIGEST_HEX_MAX bytes
 *
 * H (username ":" realm), RFC 7616 §3.4.4.
 */
void phonesec_sip_digest_userhash (PhonesecSipDigestHash hash, const char *username,
                                   const char *realm, char *out);

/* Whether two hex digests are equal, in time that does not depend on where
 * they differ. */
gboolean phonesec_sip_digest_equal (const char *a, const char *b);

G_END_DECLS
