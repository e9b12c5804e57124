/* phonesec-upload-queue.h: how the daemon makes the upload queue.
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "phonesec/phonesec-http.h"

#include "phonesec/phonesec-metrics.h"
#include "phonesec/phonesec-upload.h"

G_BEGIN_DECLS

/* Loads the items left in @dir (created 0700) by earlier runs. A folder
 * that cannot be created or read is a warning (the queue starts empty and
 * adding an item says why it fails), never a reason not to start. */
PhonesecUploadQueue *phonesec_upload_queue_new (const char *dir, PhonesecHttpClient *client,
                                                PhonesecMetrics *metrics);
/* Sending starts when the plugins are active, so that their owners see
 * every "item-done" of the items earlier runs left. */
void phonesec_upload_queue_start (PhonesecUploadQueue *self);
/* Whether a request is on the wire. */
gboolean phonesec_upload_queue_is_busy (PhonesecUploadQueue *self);
/* Retry delays: the first retry after @min_ms (with jitter), doubling up to
 * @max_ms. */
void phonesec_upload_queue_set_backoff (PhonesecUploadQueue *self, guint min_ms, guint max_ms);
/* Per-owner bounds. */
void phonesec_upload_queue_set_limits (PhonesecUploadQueue *self, guint max_items,
                                       guint64 max_bytes);
/* The URL with its user:password@ part removed, for messages and logs. */
char *phonesec_upload_url_for_display (const char *url);

G_END_DECLS
