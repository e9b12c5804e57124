/* phonesec-sip-nonce.c: stateless, authenticated nonces.
 *
 * A nonce is base64 of 32 bytes: the issue time (8 bytes, big-endian
 * seconds), a random salt (8) and the first 16 bytes of
 * HMAC-SHA-256 (secret, label line realm time salt). Checking one costs an
 * HMAC and, for the replay check, a hash table lookup.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <nettle/hmac.h>
#include <nettle/memops.h>
#include <string.h>

#include "phonesec-sip-nonce.h"

#define SECRET_SIZE 32
#define STAMP_SIZE 16 /* time and salt */
#define MAC_SIZE 16
#define NONCE_SIZE (STAMP_SIZE + MAC_SIZE)
#define LABEL "phonesec sip nonce v1"
/* A nonce stamped this far ahead of our clock is not ours. */
#define FUTURE_SLACK 2

typedef struct
{
  gint64 issued;
  guint32 nc;
} Used;

struct _PhonesecSipNonces
{
  guint8 secret[SECRET_SIZE];
  GHashTable *used; /* nonce → Used* */
  gint64 last_purge;
};

static PhonesecSipNonces *
nonces_new (void)
{
  PhonesecSipNonces *self = g_new0 (PhonesecSipNonces, 1);

  self->used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return self;
}

PhonesecSipNonces *
phonesec_sip_nonces_new (void)
{
  PhonesecSipNonces *self = nonces_new ();

  if (gnutls_rnd (GNUTLS_RND_KEY, self->secret, sizeof self->secret) < 0)
    g_error ("The random number generator failed");
  return self;
}

PhonesecSipNonces *
phonesec_sip_nonces_new_with_secret (const guint8 secret[32])
{
  PhonesecSipNonces *self = nonces_new ();

  memcpy (self->secret, secret, SECRET_SIZE);
  return self;
}

void
phonesec_sip_nonces_free (PhonesecSipNonces *self)
{
  if (self == NULL)
    return;
  explicit_bzero (self->secret, sizeof self->secret);
  g_hash_table_unref (self->used);
  g_free (self);
}

gint64
phonesec_sip_nonces_now (void)
{
  return g_get_monotonic_time () / G_USEC_PER_SEC;
}

static void
compute_mac (PhonesecSipNonces *self, guint line, const char *realm, const guint8 stamp[STAMP_SIZE],
             guint8 mac[MAC_SIZE])
{
  struct hmac_sha256_ctx ctx;
  guint8 full[SHA256_DIGEST_SIZE];
  guint32 line_be = GUINT32_TO_BE (line);

  hmac_sha256_set_key (&ctx, sizeof self->secret, self->secret);
  hmac_sha256_update (&ctx, sizeof LABEL, (const guint8 *) LABEL);
  hmac_sha256_update (&ctx, sizeof line_be, (const guint8 *) &line_be);
  /* With its NUL, so that realm and stamp cannot slide into each other. */
  hmac_sha256_update (&ctx, strlen (realm) + 1, (const guint8 *) realm);
  hmac_sha256_update (&ctx, STAMP_SIZE, stamp);
  hmac_sha256_digest (&ctx, sizeof full, full);
  memcpy (mac, full, MAC_SIZE);
}

char *
phonesec_sip_nonces_issue (PhonesecSipNonces *self, guint line, const char *realm, gint64 now)
{
  guint8 nonce[NONCE_SIZE];
  guint64 time_be = GUINT64_TO_BE ((guint64) now);

  memcpy (nonce, &time_be, sizeof time_be);
  if (gnutls_rnd (GNUTLS_RND_NONCE, nonce + sizeof time_be, STAMP_SIZE - sizeof time_be) < 0)
    g_error ("The random number generator failed");
  compute_mac (self, line, realm, nonce, nonce + STAMP_SIZE);
  return g_base64_encode (nonce, sizeof nonce);
}

/* The nonce's bytes when it is 44 characters of base64 for 32 bytes. */
static gboolean
decode (const char *text, guint8 out[NONCE_SIZE])
{
  gsize len = 0;
  g_autofree guint8 *bytes = NULL;

  if (strlen (text) != 44)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '+' && *p != '/' && *p != '=')
      return FALSE;
  bytes = g_base64_decode (text, &len);
  if (len != NONCE_SIZE)
    return FALSE;
  memcpy (out, bytes, NONCE_SIZE);
  return TRUE;
}

static void
purge (PhonesecSipNonces *self, gint64 now)
{
  GHashTableIter iter;
  Used *used;

  if (now == self->last_purge)
    return;
  self->last_purge = now;
  g_hash_table_iter_init (&iter, self->used);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &used))
    if (now - used->issued > PHONESEC_SIP_NONCE_LIFETIME)
      g_hash_table_iter_remove (&iter);
}

PhonesecSipNonceStatus
phonesec_sip_nonces_check (PhonesecSipNonces *self, guint line, const char *realm,
                           const char *nonce, guint32 nc, gint64 now)
{
  guint8 bytes[NONCE_SIZE];
  guint8 mac[MAC_SIZE];
  guint64 time_be;
  gint64 issued;
  g_autofree char *key = NULL;
  Used *used;

  if (!decode (nonce, bytes))
    return PHONESEC_SIP_NONCE_UNKNOWN;
  compute_mac (self, line, realm, bytes, mac);
  if (!memeql_sec (mac, bytes + STAMP_SIZE, MAC_SIZE))
    return PHONESEC_SIP_NONCE_UNKNOWN;
  memcpy (&time_be, bytes, sizeof time_be);
  issued = (gint64) GUINT64_FROM_BE (time_be);
  if (issued > now + FUTURE_SLACK)
    return PHONESEC_SIP_NONCE_UNKNOWN;
  if (now - issued > PHONESEC_SIP_NONCE_LIFETIME)
    return PHONESEC_SIP_NONCE_STALE;
  purge (self, now);
  /* By its bytes: base64 spellings that differ in unused bits are one nonce. */
  key = g_base64_encode (bytes, sizeof bytes);
  used = g_hash_table_lookup (self->used, key);
  if (used != NULL)
    return nc > used->nc ? PHONESEC_SIP_NONCE_VALID : PHONESEC_SIP_NONCE_REPLAYED;
  /* Forgetting a live nonce would let its answer be played again: rather
   * refuse until some expire (a challenge asks the peer to start again). */
  if (g_hash_table_size (self->used) >= PHONESEC_SIP_NONCE_MAX_USED)
    return PHONESEC_SIP_NONCE_BUSY;
  return PHONESEC_SIP_NONCE_VALID;
}

void
phonesec_sip_nonces_mark_used (PhonesecSipNonces *self, const char *nonce, guint32 nc, gint64 now)
{
  guint8 bytes[NONCE_SIZE];
  guint64 time_be;
  g_autofree char *key = NULL;
  Used *used;

  if (!decode (nonce, bytes))
    return;
  key = g_base64_encode (bytes, sizeof bytes);
  used = g_hash_table_lookup (self->used, key);
  if (used != NULL)
    {
      used->nc = MAX (used->nc, nc);
      return;
    }
  memcpy (&time_be, bytes, sizeof time_be);
  used = g_new0 (Used, 1);
  used->issued = (gint64) GUINT64_FROM_BE (time_be);
  used->nc = nc;
  g_hash_table_insert (self->used, g_steal_pointer (&key), used);
}
