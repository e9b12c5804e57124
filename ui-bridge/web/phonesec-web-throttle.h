/* phonesec-web-throttle.h: login throttling, per client address and per
 * account.
 *
 * After PHONESEC_WEB_THROTTLE_FREE_FAILURES failures of an address, or of
 * an account from anywhere, each new attempt waits 1, 2, 4... seconds (at
 * most PHONESEC_WEB_THROTTLE_MAX_DELAY_S) after the last failure before its
 * password is even looked at.
 *
 * An attempt is checked and counted in one step, before its slow hash
 * runs: it is then in progress, and an address or account has at most as
 * many attempts in progress as failures it may still make (3 minus its
 * failures, or 1 once its delay is over). Further attempts wait for those
 * to end and are judged then: attempts sent in parallel are judged as if
 * sent one after the other, whether their passwords are wrong (3 checked,
 * the rest refused) or right (all let in, a few at a time).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "phonesec-web-accounts.h"

G_BEGIN_DECLS

#define PHONESEC_WEB_THROTTLE_FREE_FAILURES 3
#define PHONESEC_WEB_THROTTLE_MAX_DELAY_S 300
/* Addresses remembered; past that the least recently seen one is
 * forgotten, one at a time (~100 bytes each). */
#define PHONESEC_WEB_THROTTLE_MAX_ADDRESSES 4096
/* Failures are forgotten after this long without a new one. */
#define PHONESEC_WEB_THROTTLE_FORGET_S 3600

typedef enum
{
  PHONESEC_WEB_THROTTLE_GO,     /* check the password now, then _end () */
  PHONESEC_WEB_THROTTLE_WAIT,   /* ask again when an attempt in progress ends */
  PHONESEC_WEB_THROTTLE_REFUSE, /* too many failures: wait *retry_after s */
} PhonesecWebThrottleVerdict;

typedef struct _PhonesecWebThrottle PhonesecWebThrottle;

PhonesecWebThrottle *phonesec_web_throttle_new (void);
void phonesec_web_throttle_free (PhonesecWebThrottle *self);

/* A login attempt from @client for @account (PHONESEC_WEB_ROLE_NONE for a
 * name that is no account: only the address counts) at monotonic time @now
 * (µs). GO counts it in progress for both. */
PhonesecWebThrottleVerdict phonesec_web_throttle_begin (PhonesecWebThrottle *self,
                                                        const char *client, PhonesecWebRole account,
                                                        gint64 now, guint *retry_after);
/* The attempt begun (GO) for @client and @account ended at @now: a wrong
 * password is a failure of both, the delay running from @now; a right one
 * forgets the account's failures (its owner is back), not the address's
 * (a success on one account frees no guesses at the other). */
void phonesec_web_throttle_end (PhonesecWebThrottle *self, const char *client,
                                PhonesecWebRole account, gboolean success, gint64 now);

G_END_DECLS
