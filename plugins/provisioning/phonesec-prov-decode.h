/* phonesec-prov-decode.h: what a fetched profile is made of before
 * ImportProfile sees it: OpenSSL `enc -aes-256-cbc` encryption, gzip, and
 * an ISO-8859-1 declaration. Pure functions: bytes in, bytes out.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <phonesec/phonesec.h>

G_BEGIN_DECLS

/* The largest profile accepted, whatever its encoding on the wire. */
#define PHONESEC_PROV_MAX_PROFILE (4 * 1024 * 1024)

/* The key (32 bytes) and IV (16) of `openssl enc -aes-256-cbc`, and how
 * many derivations from a passphrase OpenSSL has used. */
#define PHONESEC_PROV_KEY_IV_LEN 48
#define PHONESEC_PROV_KEY_DERIVATIONS 3

/**
 * phonesec_prov_derive_key:
 * @method: 0: EVP_BytesToKey with SHA-256 (OpenSSL >= 1.1), 1: with MD5
 *   (older OpenSSL), 2: PBKDF2-SHA256, 10000 iterations (`-pbkdf2`)
 * @salt: the 8 bytes after "Salted__"
 * @out: the key then the IV
 *
 * Returns: %FALSE when GnuTLS could not derive it
 */
gboolean phonesec_prov_derive_key (guint method, PhonesecSecret *pass, const guint8 *salt,
                                   guint8 out[PHONESEC_PROV_KEY_IV_LEN]);

/* The length of @clear (decrypted, @len bytes) without its PKCS#7
 * padding, or -1 when the padding is wrong (a wrong key, mostly). */
gssize phonesec_prov_unpad (const guint8 *clear, gsize len);

/**
 * phonesec_prov_decrypt:
 * @data: the file as `openssl enc -aes-256-cbc -k KEY` writes it
 *   ("Salted__", 8 bytes of salt, then the cipher text)
 * @key: the passphrase (--key)
 *
 * Tries the key derivations OpenSSL has used: EVP_BytesToKey with SHA-256
 * (OpenSSL ≥ 1.1 default), with MD5 (older OpenSSL, as Cisco's guides
 * show), and PBKDF2-SHA256 with 10000 iterations (`-pbkdf2`). A derivation
 * is taken when the padding is right and the text starts like a profile
 * (XML or gzip).
 *
 * Returns: (transfer full): the clear text, or %NULL with @error
 *   (G_IO_ERROR_INVALID_DATA: not that format, or a wrong key)
 */
GBytes *phonesec_prov_decrypt (GBytes *data, PhonesecSecret *key, GError **error);

/* Whether @data starts with OpenSSL's "Salted__" header. */
gboolean phonesec_prov_is_encrypted (GBytes *data);

/**
 * phonesec_prov_gunzip:
 * @max_size: the largest output accepted
 *
 * Returns: (transfer full): the inflated bytes, or %NULL with @error
 *   (truncated or corrupt data, larger than @max_size)
 */
GBytes *phonesec_prov_gunzip (GBytes *data, gsize max_size, GError **error);

/* Whether @data starts with the gzip magic. */
gboolean phonesec_prov_is_gzip (GBytes *data);

/**
 * phonesec_prov_decode:
 * @key: (nullable): the rule's --key, when it has one
 *
 * The whole chain: decrypt (when encrypted; an encrypted file without a
 * key, or a key with a clear file, is an error), gunzip (when gzip), and
 * XML text in UTF-8 (an `encoding="ISO-8859-1"` declaration is converted
 * and rewritten; any other than UTF-8 or US-ASCII is refused).
 *
 * Returns: (transfer full): the profile text, NUL-terminated, or %NULL
 *   with @error in words for the admin (never quoting the key)
 */
char *phonesec_prov_decode (GBytes *data, PhonesecSecret *key, GError **error);

G_END_DECLS
