/* phonesec-sip-nonce.h: the nonces of the phone's own challenges (Auth
 * INVITE), stateless as RFC 7616 §5.5 suggests: the issue time and a salt,
 * authenticated by HMAC-SHA-256 under a secret drawn when the plugin
 * starts, for one line and realm. Nothing is kept per challenge; only the
 * nonces that have been answered are remembered, with their highest nonce
 * count, until they expire, so that an answer cannot be played again.
 *
 * Internal to the sip-security plugin. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How long an issued nonce may be answered: an INVITE's challenge is
 * answered within a round trip. */
#define PHONESEC_SIP_NONCE_LIFETIME 30
/* Answered nonces remembered at most (each for the lifetime). */
#define PHONESEC_SIP_NONCE_MAX_USED 4096

typedef struct _PhonesecSipNonces PhonesecSipNonces;

typedef enum
{
  PHONESEC_SIP_NONCE_VALID,
  PHONESEC_SIP_NONCE_STALE,    /* ours, older than the lifetime */
  PHONESEC_SIP_NONCE_UNKNOWN,  /* not ours (another secret, line, realm, or forged) */
  PHONESEC_SIP_NONCE_REPLAYED, /* answered before with this nonce count or a higher one */
  PHONESEC_SIP_NONCE_BUSY,     /* too many answered nonces alive to remember one more */
} PhonesecSipNonceStatus;

/* A fresh secret (GnuTLS's key-grade random generator). */
PhonesecSipNonces *phonesec_sip_nonces_new (void);
/* For tests: a given secret of 32 bytes. */
PhonesecSipNonces *phonesec_sip_nonces_new_with_secret (const guint8 secret[32]);
void phonesec_sip_nonces_free (PhonesecSipNonces *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecSipNonces, phonesec_sip_nonces_free)

/* Seconds of the clock nonces are stamped with (CLOCK_MONOTONIC: a nonce
 * does not outlive a boot, and a clock change does not age it). */
gint64 phonesec_sip_nonces_now (void);

/* A new nonce (44 characters of base64) for @line and @realm at @now. */
char *phonesec_sip_nonces_issue (PhonesecSipNonces *self, guint line, const char *realm,
                                 gint64 now);

/**
 * phonesec_sip_nonces_check:
 * @nc: the nonce count the answer carries
 *
 * Whether an answer with @nonce and @nc may be accepted at @now, before its
 * response is checked; nothing is remembered yet (see _mark_used).
 */
PhonesecSipNonceStatus phonesec_sip_nonces_check (PhonesecSipNonces *self, guint line,
                                                  const char *realm, const char *nonce, guint32 nc,
                                                  gint64 now);

/* Remembers that @nonce was answered with @nc, after its response verified
 * (so a forged answer cannot use up a nonce count). */
void phonesec_sip_nonces_mark_used (PhonesecSipNonces *self, const char *nonce, guint32 nc,
                                    gint64 now);

G_END_DECLS
