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
 * Credentials never reach the queue's files: an item keeps its URL without
 * `user:password@` and, in place of a secret header value, the name of a
 * reference; just before each attempt the queue asks the owner's secret
 * function (phonesec_upload_queue_set_secret_func()) for the current value
 * of each reference.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "phonesec-secret.h"
#include <phonesec/phonesec-api.h>

G_BEGIN_DECLS

#define PHONESEC_TYPE_UPLOAD_QUEUE (phonesec_upload_queue_get_type ())
PHONESEC_API GType phonesec_upload_queue_get_type (void);
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
 * @url: an http(s) URL; a `user:password@` in it is refused here (use
 *   phonesec_upload_queue_add_full() with a userinfo reference)
 * @headers: (nullable) (element-type utf8 utf8): extra request headers,
 *   written to disk as they are: no secret values here
 *
 * Writes the item durably and schedules it. Returns its id, or %NULL with
 * @error (the URL is not http(s) or carries a password, the body is larger
 * than the owner's byte bound, the folder cannot be written, metrics are
 * disabled...).
 */
PHONESEC_API char *phonesec_upload_queue_add (PhonesecUploadQueue *self, const char *owner,
                                              const char *tag, PhonesecUploadFlags flags,
                                              const char *method, const char *url,
                                              const char *content_type, GHashTable *headers,
                                              GBytes *body, GError **error);

/**
 * phonesec_upload_queue_add_full:
 * @url: an http(s) URL, with or without `user:password@`: the item keeps it
 *   without, and asks for @userinfo_ref at send time
 * @userinfo_ref: (nullable): the reference of the URL's `user:password`
 *   (say, the parameter it comes from: "PRT_Upload_Rule"); %NULL when the
 *   URL carries none
 * @secret_headers: (nullable) (element-type utf8 utf8): header name → the
 *   reference of its value ("X-Token" → "PRT_HTTP_Header_Value")
 *
 * phonesec_upload_queue_add() for an item with secrets: only the
 * references are written to disk. The user:password goes as HTTP Basic
 * authentication (`Authorization`) with the first request. The owner must have set a secret
 * function; without one, or when it returns %NULL, the item goes without
 * that secret (and most likely fails with 401).
 */
PHONESEC_API char *phonesec_upload_queue_add_full (
    PhonesecUploadQueue *self, const char *owner, const char *tag, PhonesecUploadFlags flags,
    const char *method, const char *url, const char *content_type, GHashTable *headers,
    const char *userinfo_ref, GHashTable *secret_headers, GBytes *body, GError **error);

/**
 * PhonesecUploadSecretFunc:
 * @owner: the item's owner
 * @tag: the item's tag ("" when none)
 * @ref: the reference given to phonesec_upload_queue_add_full()
 * @url: the item's URL, without user information
 * @user_data: the function's data
 *
 * Called on the main thread just before each attempt of an item, once per
 * reference it holds, also for items an earlier run left. Return the
 * current clear value (for a userinfo reference: `user:password`, as
 * written in a URL) only when it still belongs with @url — the same server
 * as configured now. A secret configured for another server must not be
 * returned: an item queued before the change would carry it there.
 *
 * Returns: (transfer full) (nullable): the value, or %NULL to send without
 */
typedef PhonesecSecret *(*PhonesecUploadSecretFunc) (const char *owner, const char *tag,
                                                     const char *ref, const char *url,
                                                     gpointer user_data);

/**
 * phonesec_upload_queue_set_secret_func:
 * @func: (nullable): the function, or %NULL to remove it (a plugin's
 *   deactivate should)
 * @destroy: (nullable): frees @user_data when replaced or removed
 *
 * Sets how the queue asks @owner for the secrets of its items.
 */
PHONESEC_API void phonesec_upload_queue_set_secret_func (PhonesecUploadQueue *self,
                                                         const char *owner,
                                                         PhonesecUploadSecretFunc func,
                                                         gpointer user_data,
                                                         GDestroyNotify destroy);

/* Drops every item of @owner (all of them when @owner is NULL) matching
 * @flags (0: any); returns how many were dropped. */
PHONESEC_API guint phonesec_upload_queue_discard (PhonesecUploadQueue *self, const char *owner,
                                                  PhonesecUploadFlags flags);

/* Makes every waiting item of @owner (NULL: all) due now. */
PHONESEC_API void phonesec_upload_queue_retry_now (PhonesecUploadQueue *self, const char *owner);

/* Whether the item @id is still waiting (or being sent). */
PHONESEC_API gboolean phonesec_upload_queue_has_item (PhonesecUploadQueue *self, const char *id);

/* Items of @owner waiting (NULL: all). */
PHONESEC_API guint phonesec_upload_queue_get_length (PhonesecUploadQueue *self, const char *owner);

/* Signals:
 * "item-done" (owner s, id s, tag s, delivered b, status u, message s): the
 *   item left the queue: delivered (2xx), or dropped (a 4xx other than
 *   408/429 is permanent; bounds; discard). @message says why, without the
 *   URL's credentials.
 * "item-failed" (owner s, id s, tag s, status u, message s): an attempt
 *   failed and the item will be retried (status 0 = no reply). */

G_END_DECLS
