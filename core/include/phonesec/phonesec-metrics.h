/* phonesec-metrics.h: the core's registry of counters and gauges.
 *
 * The core and every plugin register their numbers here; the webex-metrics
 * plugin sends them (only while Webex_Metrics_Enable=Yes) and engineers read
 * them with Metrics.Snapshot(). Thread-safe: GTask threads may count too.
 * Names are dotted, lowercase, owner first: "core.transactions",
 * "vpn-anyconnect.bytes_sent" (phonesec_context_metric_* add the prefix).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <phonesec/phonesec-api.h>

G_BEGIN_DECLS

#define PHONESEC_TYPE_METRICS (phonesec_metrics_get_type ())
PHONESEC_API GType phonesec_metrics_get_type (void);
G_DECLARE_FINAL_TYPE (PhonesecMetrics, phonesec_metrics, PHONESEC, METRICS, GObject)

/* A counter only grows (since the daemon started). */
PHONESEC_API void phonesec_metrics_counter_add (PhonesecMetrics *self, const char *name,
                                                guint64 delta);
/* A gauge is a current value. */
PHONESEC_API void phonesec_metrics_gauge_set (PhonesecMetrics *self, const char *name,
                                              gint64 value);
/* Every metric: a{sv} name → t (counter) or x (gauge), sorted by name. */
PHONESEC_API GVariant *phonesec_metrics_snapshot (PhonesecMetrics *self);
/* Whether metrics may leave the phone (Webex_Metrics_Enable). */
PHONESEC_API gboolean phonesec_metrics_get_sending_allowed (PhonesecMetrics *self);

/* Signal "sending-allowed-changed" (b): Webex_Metrics_Enable changed. */

G_END_DECLS
