/* phonesec-notify.h: readiness notification to the service manager.
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

/* Sends @state ("READY=1", "STOPPING=1") to $NOTIFY_SOCKET, if set.
 * Returns FALSE when the variable is set but the message could not be sent. */
gboolean phonesec_notify (const char *state);
