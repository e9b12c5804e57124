/* phonesec-sip-digest.c: digest computations of RFC 7616 and RFC 8760.
 *
 * SHA-512/256 here is nettle's sha512_256 (FIPS 180-4 §5.3.6.2: SHA-512
 * with its own initial hash value). RFC 7616's §3.9.2 example was first
 * published with values of SHA-512 truncated to 256 bits, which is not
 * that hash; the erratum gives the right ones and the unit test holds both.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <nettle/md5.h>
#include <nettle/memops.h>
#include <nettle/nettle-meta.h>
#include <nettle/sha2.h>
#include <string.h>

#include "phonesec-sip-digest.h"

/* Room for any of the three hashes' state and output. */
typedef union
{
  struct md5_ctx md5;
  struct sha256_ctx sha256;
  struct sha512_ctx sha512_256;
} HashContext;

#define MAX_DIGEST_SIZE SHA256_DIGEST_SIZE

static const struct
{
  const char *name; /* RFC 7616 §6.1 registry spelling */
  const struct nettle_hash *nettle;
} hashes[PHONESEC_SIP_DIGEST_N_HASHES] = {
  [PHONESEC_SIP_DIGEST_MD5] = { "MD5", &nettle_md5 },
  [PHONESEC_SIP_DIGEST_SHA256] = { "SHA-256", &nettle_sha256 },
  [PHONESEC_SIP_DIGEST_SHA512_256] = { "SHA-512-256", &nettle_sha512_256 },
};

gboolean
phonesec_sip_digest_algorithm_parse (const char *text, PhonesecSipDigestAlgorithm *out)
{
  if (text == NULL)
    {
      *out = (PhonesecSipDigestAlgorithm){ PHONESEC_SIP_DIGEST_MD5, FALSE };
      return TRUE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (hashes); i++)
    {
      gsize n = strlen (hashes[i].name);

      if (g_ascii_strncasecmp (text, hashes[i].name, n) != 0)
        continue;
      if (text[n] == '\0' || g_ascii_strcasecmp (text + n, "-sess") == 0)
        {
          out->hash = i;
          out->sess = text[n] != '\0';
          return TRUE;
        }
    }
  return FALSE;
}

const char *
phonesec_sip_digest_algorithm_name (PhonesecSipDigestAlgorithm algorithm)
{
  static const char *const sess_names[PHONESEC_SIP_DIGEST_N_HASHES] = {
    "MD5-sess",
    "SHA-256-sess",
    "SHA-512-256-sess",
  };

  return algorithm.sess ? sess_names[algorithm.hash] : hashes[algorithm.hash].name;
}

guint
phonesec_sip_digest_hex_length (PhonesecSipDigestHash hash)
{
  return hashes[hash].nettle->digest_size * 2;
}

const char *
phonesec_sip_digest_qop_name (PhonesecSipDigestQop qop)
{
  switch (qop)
    {
      case PHONESEC_SIP_DIGEST_QOP_AUTH:
        return "auth";
      case PHONESEC_SIP_DIGEST_QOP_AUTH_INT:
        return "auth-int";
      case PHONESEC_SIP_DIGEST_QOP_NONE:
      default:
        return "";
    }
}

static void
to_hex (const guint8 *digest, guint size, char *out)
{
  static const char digits[] = "0123456789abcdef";

  for (guint i = 0; i < size; i++)
    {
      out[2 * i] = digits[digest[i] >> 4];
      out[2 * i + 1] = digits[digest[i] & 0xf];
    }
  out[2 * size] = '\0';
}

/* H over the parts joined by ':' (NULL ends the list). */
static void
hash_joined (PhonesecSipDigestHash hash, char *out, ...)
{
  const struct nettle_hash *h = hashes[hash].nettle;
  HashContext ctx;
  guint8 digest[MAX_DIGEST_SIZE];
  const char *part;
  gboolean first = TRUE;
  va_list args;

  h->init (&ctx);
  va_start (args, out);
  while ((part = va_arg (args, const char *)) != NULL)
    {
      if (!first)
        h->update (&ctx, 1, (const guint8 *) ":");
      h->update (&ctx, strlen (part), (const guint8 *) part);
      first = FALSE;
    }
  va_end (args);
  h->digest (&ctx, h->digest_size, digest);
  to_hex (digest, h->digest_size, out);
  /* The context may hold the password (A1). */
  explicit_bzero (&ctx, sizeof ctx);
  explicit_bzero (digest, sizeof digest);
}

void
phonesec_sip_digest_hex (PhonesecSipDigestHash hash, const void *data, gsize len, char *out)
{
  const struct nettle_hash *h = hashes[hash].nettle;
  HashContext ctx;
  guint8 digest[MAX_DIGEST_SIZE];

  h->init (&ctx);
  h->update (&ctx, len, data);
  h->digest (&ctx, h->digest_size, digest);
  to_hex (digest, h->digest_size, out);
}

void
phonesec_sip_digest_userhash (PhonesecSipDigestHash hash, const char *username, const char *realm,
                              char *out)
{
  hash_joined (hash, out, username, realm, NULL);
}

void
phonesec_sip_digest_response (const PhonesecSipDigestInput *in, const PhonesecSecret *password,
                              char *out)
{
  PhonesecSipDigestHash hash = in->algorithm.hash;
  char ha1[PHONESEC_SIP_DIGEST_HEX_MAX];
  char ha2[PHONESEC_SIP_DIGEST_HEX_MAX];

  /* A1 = username ":" realm ":" passwd, and for -sess
   * H(that) ":" nonce ":" cnonce (RFC 7616 §3.4.2). */
  hash_joined (hash, ha1, in->username, in->realm, phonesec_secret_peek (password), NULL);
  if (in->algorithm.sess)
    hash_joined (hash, ha1, ha1, in->nonce, in->cnonce, NULL);

  /* A2 = method ":" uri, and for auth-int ":" H(body) (§3.4.3). */
  if (in->qop == PHONESEC_SIP_DIGEST_QOP_AUTH_INT)
    {
      char body_hash[PHONESEC_SIP_DIGEST_HEX_MAX];
      gsize size = 0;
      const void *data = in->body != NULL ? g_bytes_get_data (in->body, &size) : "";

      phonesec_sip_digest_hex (hash, data, size, body_hash);
      hash_joined (hash, ha2, in->method, in->uri, body_hash, NULL);
    }
  else
    hash_joined (hash, ha2, in->method, in->uri, NULL);

  if (in->qop == PHONESEC_SIP_DIGEST_QOP_NONE)
    hash_joined (hash, out, ha1, in->nonce, ha2, NULL);
  else
    hash_joined (hash, out, ha1, in->nonce, in->nc, in->cnonce,
                 phonesec_sip_digest_qop_name (in->qop), ha2, NULL);
  /* H(A1) is as good as the password for this realm. */
  explicit_bzero (ha1, sizeof ha1);
}

gboolean
phonesec_sip_digest_equal (const char *a, const char *b)
{
  gsize len = strlen (a);

  if (len != strlen (b))
    return FALSE;
  return memeql_sec (a, b, len);
}
