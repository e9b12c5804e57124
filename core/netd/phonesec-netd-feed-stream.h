/* phonesec-netd-feed-stream.h: a GInputStream filled chunk by chunk from
 * the network service channel: a response body in phonesecd, a request
 * body in phonesec-netd.
 *
 * The producer pushes chunks (never more than the window it granted), then
 * the end or an error; the consumer reads asynchronously (or
 * synchronously from another thread). Each read calls the consumed
 * function, which grants the producer more room; closing before the end
 * calls the abandoned function.
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PHONESEC_TYPE_NETD_FEED_STREAM (phonesec_netd_feed_stream_get_type ())
G_DECLARE_FINAL_TYPE (PhonesecNetdFeedStream, phonesec_netd_feed_stream, PHONESEC, NETD_FEED_STREAM,
                      GInputStream)

/* Called in the main context that made the stream. */
typedef void (*PhonesecNetdFeedFunc) (PhonesecNetdFeedStream *stream, gsize consumed,
                                      gpointer user_data);

PhonesecNetdFeedStream *phonesec_netd_feed_stream_new (void);
/* @consumed: bytes read out (called after every read); @abandoned (with
 * consumed 0): closed before its end. @user_data must outlive the stream,
 * or be cut off with phonesec_netd_feed_stream_disconnect(). */
void phonesec_netd_feed_stream_set_funcs (PhonesecNetdFeedStream *self,
                                          PhonesecNetdFeedFunc consumed,
                                          PhonesecNetdFeedFunc abandoned, gpointer user_data);
void phonesec_netd_feed_stream_disconnect (PhonesecNetdFeedStream *self);

void phonesec_netd_feed_stream_push (PhonesecNetdFeedStream *self, GBytes *chunk);
void phonesec_netd_feed_stream_push_end (PhonesecNetdFeedStream *self);
/* Reads after the buffered bytes fail with @error. */
void phonesec_netd_feed_stream_push_error (PhonesecNetdFeedStream *self, const GError *error);
/* Bytes pushed and not yet read. */
gsize phonesec_netd_feed_stream_get_buffered (PhonesecNetdFeedStream *self);
/* Whether the end or an error was pushed. */
gboolean phonesec_netd_feed_stream_is_finished (PhonesecNetdFeedStream *self);

G_END_DECLS
