/* phonesec-web-throttle.h: login throttling.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Login throttling per client address: after 3 failures each new attempt
 * waits 2^(failures-3) seconds (at most 5 minutes) before it is even
 * checked. */
typedef struct _PhonesecWebThrottle PhonesecWebThrottle;
PhonesecWebThrottle *phonesec_web_throttle_new (void);
void phonesec_web_throttle_free (PhonesecWebThrottle *self);
/* Seconds the client must still wait, 0 when it may try now. */
guint phonesec_web_throttle_check (PhonesecWebThrottle *self, const char *client);
void phonesec_web_throttle_record (PhonesecWebThrottle *self, const char *client, gboolean success);

G_END_DECLS
