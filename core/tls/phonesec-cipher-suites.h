/* phonesec-cipher-suites.h: the TLS ≤ 1.2 cipher suites an OpenSSL cipher
 * string can name, with OpenSSL's attributes and GnuTLS's names for them.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Every attribute is one bit, as in OpenSSL, so that a cipher-string
 * keyword is a set of masks and "A+B" is the intersection of the masks. */

/**
 * PhonesecCipherKx:
 *
 * Key exchange, as OpenSSL's `k*` keywords see it. Anonymous DH/ECDH are
 * %PHONESEC_CIPHER_KX_DHE / %PHONESEC_CIPHER_KX_ECDHE with
 * %PHONESEC_CIPHER_AUTH_NULL.
 */
typedef enum
{
  PHONESEC_CIPHER_KX_RSA = 1 << 0,
  PHONESEC_CIPHER_KX_DHE = 1 << 1,
  PHONESEC_CIPHER_KX_ECDHE = 1 << 2,
  PHONESEC_CIPHER_KX_PSK = 1 << 3,
  PHONESEC_CIPHER_KX_RSAPSK = 1 << 4,
  PHONESEC_CIPHER_KX_DHEPSK = 1 << 5,
  PHONESEC_CIPHER_KX_ECDHEPSK = 1 << 6,
  PHONESEC_CIPHER_KX_SRP = 1 << 7,
} PhonesecCipherKx;

typedef enum
{
  PHONESEC_CIPHER_AUTH_RSA = 1 << 0,
  PHONESEC_CIPHER_AUTH_DSS = 1 << 1,
  PHONESEC_CIPHER_AUTH_ECDSA = 1 << 2,
  PHONESEC_CIPHER_AUTH_NULL = 1 << 3,
  PHONESEC_CIPHER_AUTH_PSK = 1 << 4,
  PHONESEC_CIPHER_AUTH_SRP = 1 << 5,
} PhonesecCipherAuth;

typedef enum
{
  PHONESEC_CIPHER_ENC_NULL = 1 << 0,
  PHONESEC_CIPHER_ENC_3DES = 1 << 1,
  PHONESEC_CIPHER_ENC_RC4 = 1 << 2,
  PHONESEC_CIPHER_ENC_SEED = 1 << 3,
  PHONESEC_CIPHER_ENC_AES128 = 1 << 4,
  PHONESEC_CIPHER_ENC_AES256 = 1 << 5,
  PHONESEC_CIPHER_ENC_AES128GCM = 1 << 6,
  PHONESEC_CIPHER_ENC_AES256GCM = 1 << 7,
  PHONESEC_CIPHER_ENC_AES128CCM = 1 << 8,
  PHONESEC_CIPHER_ENC_AES256CCM = 1 << 9,
  PHONESEC_CIPHER_ENC_AES128CCM8 = 1 << 10,
  PHONESEC_CIPHER_ENC_AES256CCM8 = 1 << 11,
  PHONESEC_CIPHER_ENC_CHACHA20 = 1 << 12,
  PHONESEC_CIPHER_ENC_CAMELLIA128 = 1 << 13,
  PHONESEC_CIPHER_ENC_CAMELLIA256 = 1 << 14,
  PHONESEC_CIPHER_ENC_CAMELLIA128GCM = 1 << 15, /* GnuTLS only */
  PHONESEC_CIPHER_ENC_CAMELLIA256GCM = 1 << 16, /* GnuTLS only */
  PHONESEC_CIPHER_ENC_ARIA128GCM = 1 << 17,
  PHONESEC_CIPHER_ENC_ARIA256GCM = 1 << 18,
} PhonesecCipherEnc;

#define PHONESEC_CIPHER_ENC_ALL ((1u << 19) - 1)

typedef enum
{
  PHONESEC_CIPHER_MAC_MD5 = 1 << 0,
  PHONESEC_CIPHER_MAC_SHA1 = 1 << 1,
  PHONESEC_CIPHER_MAC_SHA256 = 1 << 2,
  PHONESEC_CIPHER_MAC_SHA384 = 1 << 3,
  PHONESEC_CIPHER_MAC_AEAD = 1 << 4,
} PhonesecCipherMac;

/* The lowest protocol version OpenSSL allows the suite with (its
 * `TLSv1.2`, `TLSv1`, `SSLv3` keywords compare it exactly). */
typedef enum
{
  PHONESEC_CIPHER_PROTO_SSL3 = 1,
  PHONESEC_CIPHER_PROTO_TLS1_0,
  PHONESEC_CIPHER_PROTO_TLS1_2,
} PhonesecCipherProto;

/* OpenSSL's strength classes; FIPS shares the mask, so "HIGH+FIPS"
 * matches nothing in OpenSSL and here alike. */
typedef enum
{
  PHONESEC_CIPHER_STRENGTH_NONE = 1 << 0,
  PHONESEC_CIPHER_STRENGTH_LOW = 1 << 1,
  PHONESEC_CIPHER_STRENGTH_MEDIUM = 1 << 2,
  PHONESEC_CIPHER_STRENGTH_HIGH = 1 << 3,
  PHONESEC_CIPHER_STRENGTH_FIPS = 1 << 4,
} PhonesecCipherStrength;

/**
 * PhonesecCipherSuiteFlags:
 * @PHONESEC_CIPHER_SUITE_NOT_DEFAULT: in OpenSSL's COMPLEMENTOFDEFAULT
 * @PHONESEC_CIPHER_SUITE_OPENSSL3: Debian 12's OpenSSL 3.0 offers it (3DES
 *   and SEED suites are only in OpenSSL 1.1.1 builds such as the phone's)
 * @PHONESEC_CIPHER_SUITE_GNUTLS: GnuTLS 3.7 implements it (checked again
 *   against the running library, see phonesec_cipher_suite_is_available())
 * @PHONESEC_CIPHER_SUITE_WEAK_BUILD: OpenSSL has it only when built with
 *   enable-weak-ssl-ciphers (RC4); cipher strings never select it
 * @PHONESEC_CIPHER_SUITE_GNUTLS_ONLY: OpenSSL has no name for it
 *   (CAMELLIA-GCM); cipher strings never select it
 */
typedef enum
{
  PHONESEC_CIPHER_SUITE_NOT_DEFAULT = 1 << 0,
  PHONESEC_CIPHER_SUITE_OPENSSL3 = 1 << 1,
  PHONESEC_CIPHER_SUITE_GNUTLS = 1 << 2,
  PHONESEC_CIPHER_SUITE_WEAK_BUILD = 1 << 3,
  PHONESEC_CIPHER_SUITE_GNUTLS_ONLY = 1 << 4,
} PhonesecCipherSuiteFlags;

/**
 * PhonesecCipherSuite:
 * @code: the IANA code point
 * @iana_name: the IANA name (`TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384`)
 * @openssl_name: OpenSSL's name (`ECDHE-RSA-AES256-GCM-SHA384`), or %NULL
 * @openssl_alias: an older OpenSSL name that cipher strings accept too, or %NULL
 * @kx: a #PhonesecCipherKx bit
 * @auth: a #PhonesecCipherAuth bit
 * @enc: a #PhonesecCipherEnc bit
 * @mac: a #PhonesecCipherMac bit
 * @min_proto: a #PhonesecCipherProto
 * @strength_bits: OpenSSL's strength in bits (0 for NULL encryption)
 * @strength: #PhonesecCipherStrength bits (class, and FIPS)
 * @flags: #PhonesecCipherSuiteFlags
 *
 * One row of the static table; rows live for the whole process.
 */
typedef struct
{
  guint8 code[2];
  const char *iana_name;
  const char *openssl_name;
  const char *openssl_alias;
  guint32 kx;
  guint32 auth;
  guint32 enc;
  guint32 mac;
  guint8 min_proto;
  guint16 strength_bits;
  guint8 strength;
  guint8 flags;
} PhonesecCipherSuite;

const PhonesecCipherSuite *phonesec_cipher_suites_get_table (guint *n_suites);
guint phonesec_cipher_suite_get_index (const PhonesecCipherSuite *suite);

const PhonesecCipherSuite *phonesec_cipher_suite_lookup_code (const guint8 code[2]);
const PhonesecCipherSuite *phonesec_cipher_suite_lookup_iana_name (const char *iana_name);
const PhonesecCipherSuite *phonesec_cipher_suite_lookup_openssl_name (const char *name, gsize len);

gboolean phonesec_cipher_suite_is_selectable (const PhonesecCipherSuite *suite);
gboolean phonesec_cipher_suite_is_available (const PhonesecCipherSuite *suite);
gboolean phonesec_cipher_suite_is_fips_approved (const PhonesecCipherSuite *suite);
gboolean phonesec_cipher_suite_allowed_at_level (const PhonesecCipherSuite *suite, guint level);

const char *phonesec_cipher_suite_get_gnutls_kx (const PhonesecCipherSuite *suite);
const char *phonesec_cipher_suite_get_gnutls_cipher (const PhonesecCipherSuite *suite);
const char *phonesec_cipher_suite_get_gnutls_mac (const PhonesecCipherSuite *suite);

G_END_DECLS
