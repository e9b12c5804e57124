/* phonesec-dot1x-attempt.h: one authentication attempt, followed through
 * wpa_supplicant's EAP status signals, and why it failed in words an
 * admin understands.
 *
 * wpa_supplicant reports the EAP exchange as (status, parameter) pairs:
 * "started", "accept proposed method" (TLS, FAST), "reject proposed
 * method", "remote certificate verification" (success or OpenSSL's
 * reason), "local TLS alert" and "remote TLS alert" (the alert's name),
 * "parameter needed", and "completion" (success or failure). A failure
 * itself carries no reason; the reason is what came before it.
 *
 * Pure: no D-Bus, no main loop.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "phonesec-dot1x-settings.h"

G_BEGIN_DECLS

typedef enum
{
  PHONESEC_DOT1X_ATTEMPT_RUNNING,
  PHONESEC_DOT1X_ATTEMPT_SUCCEEDED,
  PHONESEC_DOT1X_ATTEMPT_FAILED,
} PhonesecDot1xAttemptResult;

typedef struct _PhonesecDot1xAttempt PhonesecDot1xAttempt;

/* @min_version: the TLS_Min_Version rank in force, for messages;
 * @with_pac: EAP-FAST with a PAC, whose tunnel needs no server
 * certificate. */
PhonesecDot1xAttempt *phonesec_dot1x_attempt_new (PhonesecDot1xEap eap, guint min_version,
                                                  gboolean with_pac);
void phonesec_dot1x_attempt_free (PhonesecDot1xAttempt *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecDot1xAttempt, phonesec_dot1x_attempt_free)

/* One EAP signal; returns where the attempt stands after it. */
PhonesecDot1xAttemptResult phonesec_dot1x_attempt_feed (PhonesecDot1xAttempt *self,
                                                        const char *status, const char *parameter);
/* Whether the switch answered at all (an EAP request arrived). */
gboolean phonesec_dot1x_attempt_get_started (PhonesecDot1xAttempt *self);

/* Why the attempt failed (after _FAILED), for LastError. */
char *phonesec_dot1x_attempt_describe_failure (PhonesecDot1xAttempt *self);
/* Why it did not finish in time on @ifname. */
char *phonesec_dot1x_attempt_describe_timeout (PhonesecDot1xAttempt *self, const char *ifname);

G_END_DECLS
