/* phonesec-prov-decode.c: decrypt, inflate and recode a fetched profile.
 *
 * Decryption with GnuTLS (AES-256-CBC, SHA-256/MD5, PBKDF2), since the
 * daemon links it already; inflating with GIO's zlib converter, capped.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-prov-decode.h"

#include <glib/gi18n-lib.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <string.h>

#define SALT_MAGIC "Salted__"
#define SALT_LEN 8
#define HEADER_LEN (8 + SALT_LEN)
#define KEY_LEN 32
#define IV_LEN 16
#define BLOCK 16
G_STATIC_ASSERT (KEY_LEN + IV_LEN == PHONESEC_PROV_KEY_IV_LEN);

gboolean
phonesec_prov_is_encrypted (GBytes *data)
{
  gsize len;
  const guint8 *p = g_bytes_get_data (data, &len);

  return len >= HEADER_LEN && memcmp (p, SALT_MAGIC, 8) == 0;
}

gboolean
phonesec_prov_is_gzip (GBytes *data)
{
  gsize len;
  const guint8 *p = g_bytes_get_data (data, &len);

  return len >= 2 && p[0] == 0x1f && p[1] == 0x8b;
}

/* EVP_BytesToKey with one iteration: D_i = H(D_i-1 | pass | salt). */
static gboolean
bytes_to_key (gnutls_digest_algorithm_t digest, PhonesecSecret *pass, const guint8 *salt,
              guint8 out[KEY_LEN + IV_LEN])
{
  guint8 block[64];
  gsize have = 0, dlen = gnutls_hash_get_len (digest);

  while (have < KEY_LEN + IV_LEN)
    {
      gnutls_hash_hd_t h;

      if (gnutls_hash_init (&h, digest) < 0)
        return FALSE;
      if (have > 0)
        gnutls_hash (h, block, dlen);
      gnutls_hash (h, phonesec_secret_peek (pass), phonesec_secret_get_length (pass));
      gnutls_hash (h, salt, SALT_LEN);
      gnutls_hash_deinit (h, block);
      memcpy (out + have, block, MIN (dlen, KEY_LEN + IV_LEN - have));
      have += MIN (dlen, KEY_LEN + IV_LEN - have);
    }
  gnutls_memset (block, 0, sizeof block);
  return TRUE;
}

static gboolean
pbkdf2_key (PhonesecSecret *pass, const guint8 *salt, guint8 out[KEY_LEN + IV_LEN])
{
  gnutls_datum_t k = { (unsigned char *) phonesec_secret_peek (pass),
                       (unsigned int) phonesec_secret_get_length (pass) };
  gnutls_datum_t s = { (unsigned char *) salt, SALT_LEN };

  return gnutls_pbkdf2 (GNUTLS_MAC_SHA256, &k, &s, 10000, out, KEY_LEN + IV_LEN) == 0;
}

gboolean
phonesec_prov_derive_key (guint method, PhonesecSecret *pass, const guint8 *salt,
                          guint8 out[PHONESEC_PROV_KEY_IV_LEN])
{
  switch (method)
    {
      case 0:
        return bytes_to_key (GNUTLS_DIG_SHA256, pass, salt, out);
      case 1:
        return bytes_to_key (GNUTLS_DIG_MD5, pass, salt, out);
      case 2:
        return pbkdf2_key (pass, salt, out);
      default:
        return FALSE;
    }
}

gssize
phonesec_prov_unpad (const guint8 *clear, gsize len)
{
  guint pad = len > 0 ? clear[len - 1] : 0;

  if (len % BLOCK != 0 || pad == 0 || pad > BLOCK)
    return -1;
  for (guint i = 1; i <= pad; i++)
    if (clear[len - i] != pad)
      return -1;
  return (gssize) (len - pad);
}

/* A profile starts with XML (maybe after a BOM or blanks) or gzip. */
static gboolean
looks_like_profile (const guint8 *p, gsize len)
{
  gsize i = 0;

  if (len >= 2 && p[0] == 0x1f && p[1] == 0x8b)
    return TRUE;
  if (len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
    i = 3;
  while (i < len && g_ascii_isspace (p[i]))
    i++;
  return i < len && p[i] == '<';
}

/* Decrypts with @key_iv into @out; the clear length, or -1. */
static gssize
try_decrypt (const guint8 *cipher, gsize len, const guint8 key_iv[KEY_LEN + IV_LEN], guint8 *out)
{
  gnutls_datum_t key = { (unsigned char *) key_iv, KEY_LEN };
  gnutls_datum_t iv = { (unsigned char *) key_iv + KEY_LEN, IV_LEN };
  gnutls_cipher_hd_t h;
  gssize clear;
  int rc;

  if (gnutls_cipher_init (&h, GNUTLS_CIPHER_AES_256_CBC, &key, &iv) < 0)
    return -1;
  rc = gnutls_cipher_decrypt2 (h, cipher, len, out, len);
  gnutls_cipher_deinit (h);
  if (rc < 0 || (clear = phonesec_prov_unpad (out, len)) < 0)
    return -1;
  return looks_like_profile (out, clear) ? clear : -1;
}

GBytes *
phonesec_prov_decrypt (GBytes *data, PhonesecSecret *key, GError **error)
{
  gsize len;
  const guint8 *p = g_bytes_get_data (data, &len);
  g_autofree guint8 *out = NULL;
  guint8 key_iv[KEY_LEN + IV_LEN];

  if (!phonesec_prov_is_encrypted (data) || (len - HEADER_LEN) % BLOCK != 0 || len == HEADER_LEN)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _ ("the profile is not in the encrypted format (openssl enc "
                              "-aes-256-cbc: \"Salted__\", salt, blocks of 16 bytes)"));
      return NULL;
    }
  out = g_malloc (len - HEADER_LEN);
  for (guint method = 0; method < PHONESEC_PROV_KEY_DERIVATIONS; method++)
    {
      gboolean derived = phonesec_prov_derive_key (method, key, p + 8, key_iv);
      gssize n = derived ? try_decrypt (p + HEADER_LEN, len - HEADER_LEN, key_iv, out) : -1;

      gnutls_memset (key_iv, 0, sizeof key_iv);
      if (n >= 0)
        return g_bytes_new_take (g_steal_pointer (&out), n);
    }
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _ ("the encrypted profile could not be decrypted: wrong key, or not a "
                          "profile"));
  return NULL;
}

GBytes *
phonesec_prov_gunzip (GBytes *data, gsize max_size, GError **error)
{
  g_autoptr (GZlibDecompressor) z = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  g_autoptr (GByteArray) out = g_byte_array_new ();
  gsize len, pos = 0;
  const guint8 *in = g_bytes_get_data (data, &len);
  guint8 buf[16384];

  for (;;)
    {
      gsize read = 0, written = 0;
      GConverterResult r
          = g_converter_convert (G_CONVERTER (z), in + pos, len - pos, buf, sizeof buf,
                                 G_CONVERTER_INPUT_AT_END, &read, &written, error);

      if (r == G_CONVERTER_ERROR)
        {
          g_prefix_error (error, _ ("the gzip profile is damaged: "));
          return NULL;
        }
      pos += read;
      if (out->len + written > max_size)
        {
          /* The number as a string: no 64-bit format macro inside _(). */
          g_autofree char *limit = g_strdup_printf ("%" G_GSIZE_FORMAT, max_size);

          g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                       _ ("the gzip profile inflates to more than %s bytes"), limit);
          return NULL;
        }
      g_byte_array_append (out, buf, written);
      if (r == G_CONVERTER_FINISHED)
        return g_byte_array_free_to_bytes (g_steal_pointer (&out));
    }
}

/* The encoding="..." of an XML declaration at the start, or NULL. */
static char *
declared_encoding (const char *text, gsize len)
{
  const char *end, *enc;
  g_autofree char *decl = NULL;

  if (len < 5 || strncmp (text, "<?xml", 5) != 0 || (end = g_strstr_len (text, len, "?>")) == NULL)
    return NULL;
  decl = g_strndup (text, end - text);
  enc = strstr (decl, "encoding");
  if (enc == NULL)
    return NULL;
  enc += 8;
  while (*enc == ' ' || *enc == '=')
    enc++;
  if (*enc != '"' && *enc != '\'')
    return NULL;
  return g_strndup (enc + 1, strcspn (enc + 1, "\"'"));
}

/* ISO-8859-1 text to UTF-8, its declaration rewritten; UTF-8 checked. */
static char *
to_utf8 (GBytes *bytes, GError **error)
{
  gsize len;
  const char *text = g_bytes_get_data (bytes, &len);
  g_autofree char *enc = declared_encoding (text, len);

  if (enc != NULL
      && (g_ascii_strcasecmp (enc, "ISO-8859-1") == 0 || g_ascii_strcasecmp (enc, "latin1") == 0))
    {
      const char *end = g_strstr_len (text, len, "?>") + 2;
      g_autofree char *body
          = g_convert (end, len - (end - text), "UTF-8", "ISO-8859-1", NULL, NULL, error);

      return body != NULL ? g_strconcat ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", body, NULL)
                          : NULL;
    }
  if (enc != NULL && g_ascii_strcasecmp (enc, "UTF-8") != 0
      && g_ascii_strcasecmp (enc, "US-ASCII") != 0)
    {
      g_autofree char *q = phonesec_quote_for_message (enc, -1);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _ ("the profile's encoding '%s' is not supported; allowed: UTF-8, ISO-8859-1"),
                   q);
      return NULL;
    }
  if (len == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _ ("the profile is empty"));
      return NULL;
    }
  if (memchr (text, '\0', len) != NULL || !g_utf8_validate_len (text, len, NULL))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _ ("the profile is not valid UTF-8 text"));
      return NULL;
    }
  return g_strndup (text, len);
}

char *
phonesec_prov_decode (GBytes *data, PhonesecSecret *key, GError **error)
{
  g_autoptr (GBytes) bytes = g_bytes_ref (data);

  if (phonesec_prov_is_encrypted (bytes))
    {
      GBytes *clear;

      if (key == NULL || phonesec_secret_is_empty (key))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               _ ("the profile is encrypted but the rule has no --key"));
          return NULL;
        }
      if ((clear = phonesec_prov_decrypt (bytes, key, error)) == NULL)
        return NULL;
      g_bytes_unref (bytes);
      bytes = clear;
    }
  else if (key != NULL && !phonesec_secret_is_empty (key))
    {
      /* The admin asked for an encrypted file: a clear one is not it. */
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _ ("the rule has a --key but the profile is not encrypted"));
      return NULL;
    }
  if (phonesec_prov_is_gzip (bytes))
    {
      GBytes *inflated = phonesec_prov_gunzip (bytes, PHONESEC_PROV_MAX_PROFILE, error);

      if (inflated == NULL)
        return NULL;
      g_bytes_unref (bytes);
      bytes = inflated;
    }
  return to_utf8 (bytes, error);
}
