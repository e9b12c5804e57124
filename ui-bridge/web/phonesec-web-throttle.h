/* phonesec-web-throttle.h: login throttling, per client address and per
 * account.
 *
 * After PHONESEC_WEB_THROTTLE_FREE_FAILURES failures of an address, or of
 * an account from anywhere, each new attempt waits 1, 2, 4... seconds (at
 * most PHONESEC_WEB_THROTTLE_MAX_DELAY_S) after the last failure before its
 * password is even looked at. An attempt is checked and counted in one
 * step, before the slow hash runs, so attempts sent in parallel are
 * counted as they come, not when their hashes finish.
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

typedef struct _PhonesecWebThrottle PhonesecWebThrottle;

PhonesecWebThrottle *phonesec_web_throttle_new (void);
void phonesec_web_throttle_free (PhonesecWebThrottle *self);

/* A login attempt from @client for @account (PHONESEC_WEB_ROLE_NONE for a
 * name that is no account: only the address counts) at monotonic time @now
 * (µs). Returns the seconds to wait, nothing counted; or 0: the attempt may
 * go on, and counts as a failure of @client and @account from now on,
 * until phonesec_web_throttle_succeeded() says otherwise. */
guint phonesec_web_throttle_begin (PhonesecWebThrottle *self, const char *client,
                                   PhonesecWebRole account, gint64 now);
/* The attempt begun for @client and @account had a wrong password, known
 * at @now: the delay runs from then (the hash took a while). */
void phonesec_web_throttle_failed (PhonesecWebThrottle *self, const char *client,
                                   PhonesecWebRole account, gint64 now);
/* The attempt begun for @client and @account had the right password: it
 * is no failure, and the account's failures are forgotten (its owner is
 * back). The address's earlier failures stay: a success on one account
 * must not free guesses at the other. */
void phonesec_web_throttle_succeeded (PhonesecWebThrottle *self, const char *client,
                                      PhonesecWebRole account);

G_END_DECLS
