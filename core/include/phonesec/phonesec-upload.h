/* phonesec-upload.h: the durable upload queue the core lends to plugins.
 *
 * An item is an HTTP request (method, URL, content type, extra headers, body)
 * written to the state folder before its first attempt. The core sends the
 * items through the shared SoupSession (proxy, TLS policy), one at a time,
 * retries failures with exponential backoff and jitter, and removes an item
 * as soon as a server answered it with 2xx: so an item reaches the server at
 * most once per successful reply, and survives restarts and kill -9 until
 * then. Each owner (plugin) has its own bounds in count and bytes; when full,
 * its oldest item is dropped with a warning.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PHONESEC_TYPE_UPLOAD_QUEUE (phonesec_upload_queue_get_type ())
G_DECLARE_FINAL_TYPE (PhonesecUploadQueue, phonesec_upload_queue, PHONESEC, UPLOAD_QUEUE, GObject)

typedef enum
{
  PHONESEC_UPLOAD_DEFAULT = 0,
  /* A metrics item: refused and discarded while Webex_Metrics_Enable=No,
   * whichever plugin made it. */
  PHONESEC_UPLOAD_METRICS = 1 << 0,
} PhonesecUploadFlags;

/**
 * phonesec_upload_queue_add:
 * @owner: who is notified ("item-done") and whose bounds apply: the plugin name
 * @tag: (nullable): the owner's own reference (a report id), given back in signals
 * @headers: (nullable) (element-type utf8 utf8): extra request headers
 *
 * Writes the item durably and schedules it. Returns its id, or %NULL with
 * @error (the URL is not http(s), the body is larger than the owner's byte
 * bound, the folder cannot be written, metrics are disabled...).
 */
char *phonesec_upload_queue_add (PhonesecUploadQueue *self, const char *owner, const char *tag,
                                 PhonesecUploadFlags flags, const char *method, const char *url,
                                 const char *content_type, GHashTable *headers, GBytes *body,
                                 GError **error);

/* Drops every item of @owner (all of them when @owner is NULL) matching
 * @flags (0: any); returns how many were dropped. */
guint phonesec_upload_queue_discard (PhonesecUploadQueue *self, const char *owner,
                                     PhonesecUploadFlags flags);

/* Makes every waiting item of @owner (NULL: all) due now. */
void phonesec_upload_queue_retry_now (PhonesecUploadQueue *self, const char *owner);

/* Whether the item @id is still waiting (or being sent). */
gboolean phonesec_upload_queue_has_item (PhonesecUploadQueue *self, const char *id);

/* Items of @owner waiting (NULL: all). */
guint phonesec_upload_queue_get_length (PhonesecUploadQueue *self, const char *owner);

/* Signals:
 * "item-done" (owner s, id s, tag s, delivered b, status u, message s): the
 *   item left the queue: delivered (2xx), or dropped (a 4xx other than
 *   408/429 is permanent; bounds; discard). @message says why, without the
 *   URL's credentials.
 * "item-failed" (owner s, id s, tag s, status u, message s): an attempt
 *   failed and the item will be retried (status 0 = no reply). */

G_END_DECLS
