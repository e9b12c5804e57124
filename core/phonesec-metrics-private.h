/* phonesec-metrics-private.h: what the daemon does with the registry.
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "phonesec/phonesec-metrics.h"

G_BEGIN_DECLS

PhonesecMetrics *phonesec_metrics_new (void);
/* Follows Webex_Metrics_Enable; emits "sending-allowed-changed" on change. */
void phonesec_metrics_set_sending_allowed (PhonesecMetrics *self, gboolean allowed);

G_END_DECLS
