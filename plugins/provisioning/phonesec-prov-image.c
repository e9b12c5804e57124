/* phonesec-prov-image.c: a firmware image's version against
 * Downgrade_Rev_Limit, and its decryption in place (see
 * phonesec-prov-image.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-prov-image.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "phonesec-prov-decode.h"

#define HEADER_LEN 16 /* "Salted__" and the salt */
#define BLOCK 16
#define CHUNK (64 * 1024)

static gboolean
has_digit (const char *text, gssize len)
{
  for (gssize i = 0; len < 0 ? text[i] != '\0' : i < len; i++)
    if (g_ascii_isdigit (text[i]))
      return TRUE;
  return FALSE;
}

char *
phonesec_prov_image_version (const char *file_name)
{
  g_autofree char *name = g_strdup (file_name);
  char *dot;

  /* ".loads", ".bin", ".enc": an extension without digits is no version. */
  while ((dot = strrchr (name, '.')) != NULL && dot != name && !has_digit (dot + 1, -1))
    *dot = '\0';
  if (!has_digit (name, -1))
    return NULL;
  return g_steal_pointer (&name);
}

/* The version part of @version: after its product prefix (`sip88xx.`,
 * `spa525g-`), else from its first digit (`v2`). */
static const char *
without_product (const char *version)
{
  for (const char *p = version; *p != '\0'; p++)
    if ((*p == '.' || *p == '-') && g_ascii_isdigit (p[1]))
      return p + 1;
  return version + strcspn (version, "0123456789");
}

/* `.`, `-` and `_` are one separator for the comparison. */
static char *
normalize (const char *version)
{
  char *copy = g_strdup (version);

  g_strdelimit (copy, "-_", '.');
  return copy;
}

gboolean
phonesec_prov_image_check_limit (const char *file_name, const char *limit, GError **error)
{
  g_autofree char *version = phonesec_prov_image_version (file_name);
  g_autofree char *lim = g_strstrip (g_strdup (limit != NULL ? limit : ""));
  g_autofree char *quoted = phonesec_quote_for_message (file_name, -1);
  g_autofree char *a = NULL, *b = NULL;

  if (lim[0] == '\0')
    return TRUE;
  if (version == NULL)
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("the image's file name '%s' holds no version to compare with "
                      "Downgrade_Rev_Limit"),
                   quoted);
      return FALSE;
    }
  a = normalize (g_ascii_isdigit (lim[0]) && !g_ascii_isdigit (version[0])
                     ? without_product (version)
                     : version);
  b = normalize (lim);
  if (phonesec_rule_compare_versions (a, b) >= 0)
    return TRUE;
  {
    g_autofree char *qv = phonesec_quote_for_message (version, -1);
    g_autofree char *ql = phonesec_quote_for_message (lim, -1);

    g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                 _ ("the image '%s' (version %s) is below Downgrade_Rev_Limit %s: not "
                    "installed"),
                 quoted, qv, ql);
  }
  return FALSE;
}

/* --- decryption ------------------------------------------------------------ */

static gboolean
io_error (GError **error, gboolean writing)
{
  int saved = errno;

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
               writing ? _ ("cannot write the image: %s") : _ ("cannot read the image: %s"),
               g_strerror (saved));
  return FALSE;
}

static gboolean
read_at (int fd, guint8 *buf, gsize len, goffset offset, GError **error)
{
  while (len > 0)
    {
      ssize_t n = pread (fd, buf, len, offset);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return n < 0 ? io_error (error, FALSE)
                     : (g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                                             _ ("the image file is shorter than it was")),
                        FALSE);
      buf += n;
      len -= n;
      offset += n;
    }
  return TRUE;
}

static gboolean
write_at (int fd, const guint8 *buf, gsize len, goffset offset, GError **error)
{
  while (len > 0)
    {
      ssize_t n = pwrite (fd, buf, len, offset);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return io_error (error, TRUE);
      buf += n;
      len -= n;
      offset += n;
    }
  return TRUE;
}

/* Decrypts @len bytes of @cipher in place with @key_iv (and @iv instead of
 * its IV when not NULL). */
static gboolean
cbc_decrypt (const guint8 key_iv[PHONESEC_PROV_KEY_IV_LEN], const guint8 *iv, guint8 *data,
             gsize len)
{
  gnutls_datum_t k = { (unsigned char *) key_iv, 32 };
  gnutls_datum_t v = { (unsigned char *) (iv != NULL ? iv : key_iv + 32), BLOCK };
  gnutls_cipher_hd_t h;
  int rc;

  if (gnutls_cipher_init (&h, GNUTLS_CIPHER_AES_256_CBC, &k, &v) < 0)
    return FALSE;
  rc = gnutls_cipher_decrypt (h, data, len);
  gnutls_cipher_deinit (h);
  return rc >= 0;
}

/* The derivation whose key gives the last block (@tail: the block before
 * it, or none when there is one block, then the last) a valid padding: its
 * key and IV in @key_iv, and the padding length; 0 when none does. A wrong
 * key's padding is valid for about one block in 255, nearly always as one
 * byte: when two derivations fit, the longer padding wins. */
static guint
find_key (PhonesecSecret *key, const guint8 *salt, const guint8 *tail, gsize tail_len,
          guint8 key_iv[PHONESEC_PROV_KEY_IV_LEN])
{
  guint8 candidate[PHONESEC_PROV_KEY_IV_LEN];
  guint best = 0;

  for (guint method = 0; method < PHONESEC_PROV_KEY_DERIVATIONS; method++)
    {
      guint8 last[BLOCK];
      gssize clear;

      memcpy (last, tail + tail_len - BLOCK, BLOCK);
      if (phonesec_prov_derive_key (method, key, salt, candidate)
          && cbc_decrypt (candidate, tail_len > BLOCK ? tail : NULL, last, BLOCK)
          && (clear = phonesec_prov_unpad (last, BLOCK)) >= 0 && BLOCK - (guint) clear > best)
        {
          best = BLOCK - (guint) clear;
          memcpy (key_iv, candidate, PHONESEC_PROV_KEY_IV_LEN);
        }
    }
  gnutls_memset (candidate, 0, sizeof candidate);
  return best;
}

/* Reads the header and the last two blocks; finds the key (@pad: 0 when
 * none fits). */
static gboolean
check_header (int fd, goffset size, PhonesecSecret *key, guint8 key_iv[PHONESEC_PROV_KEY_IV_LEN],
              guint *pad, GError **error)
{
  guint8 header[HEADER_LEN], tail[2 * BLOCK];
  gsize tail_len = size >= HEADER_LEN + 2 * BLOCK ? 2 * BLOCK : BLOCK;

  if (size < HEADER_LEN || !read_at (fd, header, HEADER_LEN, 0, NULL)
      || memcmp (header, "Salted__", 8) != 0)
    return g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                _ ("the rule has a --key but the image is not encrypted (openssl "
                                   "enc -aes-256-cbc: \"Salted__\", salt, blocks of 16 bytes)")),
           FALSE;
  if (size == HEADER_LEN || (size - HEADER_LEN) % BLOCK != 0)
    return g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                _ ("the encrypted image is damaged: its length is not a whole "
                                   "number of 16-byte blocks")),
           FALSE;
  if (!read_at (fd, tail, tail_len, size - tail_len, error))
    return FALSE;
  *pad = find_key (key, header + 8, tail, tail_len, key_iv);
  return TRUE;
}

/* CBC from @size's start to its end, each chunk written 16 bytes before
 * where it was read: over the header, then over what was already read. */
static gboolean
decrypt_chunks (int fd, goffset size, const guint8 key_iv[PHONESEC_PROV_KEY_IV_LEN],
                GCancellable *cancellable, GError **error)
{
  gnutls_datum_t k = { (unsigned char *) key_iv, 32 };
  gnutls_datum_t v = { (unsigned char *) key_iv + 32, BLOCK };
  g_autofree guint8 *buf = g_malloc (CHUNK);
  gnutls_cipher_hd_t h;
  gboolean ok = TRUE;

  if (gnutls_cipher_init (&h, GNUTLS_CIPHER_AES_256_CBC, &k, &v) < 0)
    return g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                                _ ("AES-256-CBC is not available")),
           FALSE;
  for (goffset off = HEADER_LEN; ok && off < size; off += CHUNK)
    {
      gsize n = (gsize) MIN ((goffset) CHUNK, size - off);

      /* The handle carries the CBC chain from one chunk to the next. */
      ok = !g_cancellable_set_error_if_cancelled (cancellable, error)
           && read_at (fd, buf, n, off, error) && gnutls_cipher_decrypt (h, buf, n) >= 0
           && write_at (fd, buf, n, off - HEADER_LEN, error);
      if (!ok && error != NULL && *error == NULL)
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, _ ("AES-256-CBC failed"));
    }
  gnutls_cipher_deinit (h);
  return ok;
}

gboolean
phonesec_prov_image_decrypt_fd (int fd, PhonesecSecret *key, GCancellable *cancellable,
                                GError **error)
{
  guint8 key_iv[PHONESEC_PROV_KEY_IV_LEN];
  struct stat st;
  guint pad = 0;
  gboolean ok;

  if (fstat (fd, &st) != 0)
    return io_error (error, FALSE);
  if (!check_header (fd, st.st_size, key, key_iv, &pad, error))
    return FALSE;
  if (pad == 0)
    return g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                                _ ("the encrypted image could not be decrypted: wrong key")),
           FALSE;
  ok = decrypt_chunks (fd, st.st_size, key_iv, cancellable, error);
  gnutls_memset (key_iv, 0, sizeof key_iv);
  if (ok && ftruncate (fd, st.st_size - HEADER_LEN - pad) != 0)
    return io_error (error, TRUE);
  return ok;
}
