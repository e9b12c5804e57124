/* phonesec-metrics-batch.h: one metrics batch as JSON.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The device dictionary's keys are mac, serial, product, firmware; @metrics
 * is an a{sv} of t and x values (anything else is skipped). The result is
 * one JSON object: {"device":{...},"seq":N,"time":T,"interval":I,"metrics":{...}}. */
char *phonesec_metrics_batch_to_json (const char *mac, const char *serial, const char *product,
                                      const char *firmware, guint64 seq, gint64 time,
                                      guint interval, GVariant *metrics);

/* Appends @text to @out as a JSON string, quotes included. */
void phonesec_json_append_string (GString *out, const char *text);

G_END_DECLS
