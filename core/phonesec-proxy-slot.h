/* phonesec-proxy-slot.h: the one GProxyResolver every HTTP client asks.
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "phonesec/phonesec-metrics.h"

G_BEGIN_DECLS

#define PHONESEC_TYPE_PROXY_SLOT (phonesec_proxy_slot_get_type ())
G_DECLARE_FINAL_TYPE (PhonesecProxySlot, phonesec_proxy_slot, PHONESEC, PROXY_SLOT, GObject)

PhonesecProxySlot *phonesec_proxy_slot_new (void);
/* @resolver: (nullable): the resolver to forward to; NULL = direct */
void phonesec_proxy_slot_set_resolver (PhonesecProxySlot *self, GProxyResolver *resolver);
/* Counts lookups as core.proxy.lookups. */
void phonesec_proxy_slot_set_metrics (PhonesecProxySlot *self, PhonesecMetrics *metrics);

G_END_DECLS
