/* phonesec-netd-feed-stream.c: see the header.
 *
 * Chunks wait in a queue under a mutex: pushes come from the main
 * context, reads from it too (libsoup, our own readers) or, synchronously,
 * from a worker thread (a splice done in a thread). GInputStream allows
 * one operation at a time, so at most one asynchronous read waits.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "phonesec-netd-feed-stream.h"

struct _PhonesecNetdFeedStream
{
  GInputStream parent_instance;

  GMutex lock;
  GCond cond;
  GQueue chunks; /* GBytes* */
  gsize offset;  /* into the head */
  gsize buffered;
  gboolean ended;
  GError *error;
  GTask *pending; /* a read_async waiting for data */
  void *pending_buffer;
  gsize pending_count;
  GSource *pending_cancel; /* completes the read when its cancellable fires */

  GMainContext *context; /* where the funcs run */
  PhonesecNetdFeedFunc consumed;
  PhonesecNetdFeedFunc abandoned;
  gpointer user_data;
};

G_DEFINE_FINAL_TYPE (PhonesecNetdFeedStream, phonesec_netd_feed_stream, G_TYPE_INPUT_STREAM)

/* Caller holds the lock. Copies up to @count bytes; 0 only at the end. */
static gsize
take_locked (PhonesecNetdFeedStream *self, guint8 *buffer, gsize count)
{
  gsize done = 0;

  while (done < count && !g_queue_is_empty (&self->chunks))
    {
      GBytes *head = g_queue_peek_head (&self->chunks);
      gsize len;
      const guint8 *data = g_bytes_get_data (head, &len);
      gsize n = MIN (count - done, len - self->offset);

      memcpy (buffer + done, data + self->offset, n);
      done += n;
      self->offset += n;
      if (self->offset == len)
        {
          g_bytes_unref (g_queue_pop_head (&self->chunks));
          self->offset = 0;
        }
    }
  self->buffered -= done;
  return done;
}

typedef struct
{
  PhonesecNetdFeedStream *stream;
  gsize consumed;
  gboolean abandoned;
} Notify;

static gboolean
notify_in_context (gpointer user_data)
{
  Notify *n = user_data;
  PhonesecNetdFeedStream *self = n->stream;

  if (n->abandoned && self->abandoned != NULL)
    self->abandoned (self, 0, self->user_data);
  else if (!n->abandoned && self->consumed != NULL)
    self->consumed (self, n->consumed, self->user_data);
  g_object_unref (self);
  g_free (n);
  return G_SOURCE_REMOVE;
}

/* The funcs run in the stream's context, at once when we are in it. */
static void
notify (PhonesecNetdFeedStream *self, gsize consumed, gboolean abandoned)
{
  Notify *n;

  if ((abandoned ? self->abandoned : self->consumed) == NULL || (!abandoned && consumed == 0))
    return;
  if (g_main_context_is_owner (self->context))
    {
      if (abandoned)
        self->abandoned (self, 0, self->user_data);
      else
        self->consumed (self, consumed, self->user_data);
      return;
    }
  n = g_new0 (Notify, 1);
  n->stream = g_object_ref (self);
  n->consumed = consumed;
  n->abandoned = abandoned;
  g_main_context_invoke (self->context, notify_in_context, n);
}

static gssize
feed_read (GInputStream *stream, void *buffer, gsize count, GCancellable *cancellable,
           GError **error)
{
  PhonesecNetdFeedStream *self = PHONESEC_NETD_FEED_STREAM (stream);
  gssize result = -1;

  if (count == 0)
    return 0;
  g_mutex_lock (&self->lock);
  /* A blocking read belongs in another thread than the one feeding us. */
  while (self->buffered == 0 && !self->ended && self->error == NULL)
    {
      if (g_main_context_is_owner (self->context))
        {
          g_mutex_unlock (&self->lock);
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK,
                               "read this stream asynchronously in its own thread");
          return -1;
        }
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          g_mutex_unlock (&self->lock);
          return -1;
        }
      g_cond_wait_until (&self->cond, &self->lock, g_get_monotonic_time () + 50 * 1000);
    }
  if (self->buffered > 0)
    result = take_locked (self, buffer, count);
  else if (self->error != NULL)
    g_propagate_error (error, g_error_copy (self->error));
  else
    result = 0;
  g_mutex_unlock (&self->lock);
  if (result > 0)
    notify (self, result, FALSE);
  return result;
}

static void
drop_cancel_source (PhonesecNetdFeedStream *self)
{
  if (self->pending_cancel != NULL)
    {
      g_source_destroy (self->pending_cancel);
      g_clear_pointer (&self->pending_cancel, g_source_unref);
    }
}

/* In the stream's context: the waiting read was cancelled. */
static gboolean
pending_cancelled (GCancellable *cancellable, gpointer user_data)
{
  PhonesecNetdFeedStream *self = user_data;
  GTask *task;

  g_mutex_lock (&self->lock);
  task = g_steal_pointer (&self->pending);
  g_mutex_unlock (&self->lock);
  drop_cancel_source (self);
  if (task != NULL)
    {
      g_task_return_error_if_cancelled (task);
      g_object_unref (task);
    }
  return G_SOURCE_REMOVE;
}

/* Completes the waiting read, if any and if it can be. */
static void
complete_pending (PhonesecNetdFeedStream *self)
{
  GTask *task = NULL;
  gssize result = -1;
  GError *error = NULL;

  g_mutex_lock (&self->lock);
  if (self->pending != NULL && (self->buffered > 0 || self->ended || self->error != NULL))
    {
      task = g_steal_pointer (&self->pending);
      if (self->buffered > 0)
        result = take_locked (self, self->pending_buffer, self->pending_count);
      else if (self->error != NULL)
        error = g_error_copy (self->error);
      else
        result = 0;
    }
  g_mutex_unlock (&self->lock);
  if (task == NULL)
    return;
  drop_cancel_source (self);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_int (task, result);
  g_object_unref (task);
  if (result > 0)
    notify (self, result, FALSE);
}

static void
feed_read_async (GInputStream *stream, void *buffer, gsize count, int io_priority,
                 GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  PhonesecNetdFeedStream *self = PHONESEC_NETD_FEED_STREAM (stream);
  GTask *task = g_task_new (stream, cancellable, callback, user_data);

  g_task_set_source_tag (task, feed_read_async);
  g_task_set_priority (task, io_priority);
  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  if (count == 0)
    {
      g_task_return_int (task, 0);
      g_object_unref (task);
      return;
    }
  g_mutex_lock (&self->lock);
  self->pending = task;
  self->pending_buffer = buffer;
  self->pending_count = count;
  g_mutex_unlock (&self->lock);
  if (cancellable != NULL)
    {
      self->pending_cancel = g_cancellable_source_new (cancellable);
      g_source_set_callback (self->pending_cancel,
                             (GSourceFunc) (void (*) (void)) pending_cancelled, self, NULL);
      g_source_attach (self->pending_cancel, self->context);
    }
  complete_pending (self);
}

static gssize
feed_read_finish (GInputStream *stream, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, stream), -1);
  return g_task_propagate_int (G_TASK (result), error);
}

static gboolean
feed_close (GInputStream *stream, GCancellable *cancellable, GError **error)
{
  PhonesecNetdFeedStream *self = PHONESEC_NETD_FEED_STREAM (stream);
  gboolean abandoned;

  g_mutex_lock (&self->lock);
  abandoned = !self->ended && self->error == NULL;
  g_queue_clear_full (&self->chunks, (GDestroyNotify) g_bytes_unref);
  self->buffered = 0;
  self->offset = 0;
  g_mutex_unlock (&self->lock);
  if (abandoned)
    notify (self, 0, TRUE);
  return TRUE;
}

/* GInputStream's default close_async runs close_fn in a thread: ours is
 * quick, and must run in our context. */
static void
feed_close_async (GInputStream *stream, int io_priority, GCancellable *cancellable,
                  GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (stream, cancellable, callback, user_data);

  g_task_set_source_tag (task, feed_close_async);
  feed_close (stream, cancellable, NULL);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static gboolean
feed_close_finish (GInputStream *stream, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
phonesec_netd_feed_stream_dispose (GObject *object)
{
  PhonesecNetdFeedStream *self = PHONESEC_NETD_FEED_STREAM (object);

  /* A stream dropped without close() is abandoned all the same. */
  if (!g_input_stream_is_closed (G_INPUT_STREAM (self)))
    g_input_stream_close (G_INPUT_STREAM (self), NULL, NULL);
  self->consumed = NULL;
  self->abandoned = NULL;
  G_OBJECT_CLASS (phonesec_netd_feed_stream_parent_class)->dispose (object);
}

static void
phonesec_netd_feed_stream_finalize (GObject *object)
{
  PhonesecNetdFeedStream *self = PHONESEC_NETD_FEED_STREAM (object);

  drop_cancel_source (self);
  g_queue_clear_full (&self->chunks, (GDestroyNotify) g_bytes_unref);
  g_clear_error (&self->error);
  g_main_context_unref (self->context);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  G_OBJECT_CLASS (phonesec_netd_feed_stream_parent_class)->finalize (object);
}

static void
phonesec_netd_feed_stream_class_init (PhonesecNetdFeedStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  object_class->dispose = phonesec_netd_feed_stream_dispose;
  object_class->finalize = phonesec_netd_feed_stream_finalize;
  stream_class->read_fn = feed_read;
  stream_class->read_async = feed_read_async;
  stream_class->read_finish = feed_read_finish;
  stream_class->close_fn = feed_close;
  stream_class->close_async = feed_close_async;
  stream_class->close_finish = feed_close_finish;
}

static void
phonesec_netd_feed_stream_init (PhonesecNetdFeedStream *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  g_queue_init (&self->chunks);
  self->context = g_main_context_ref_thread_default ();
}

PhonesecNetdFeedStream *
phonesec_netd_feed_stream_new (void)
{
  return g_object_new (PHONESEC_TYPE_NETD_FEED_STREAM, NULL);
}

void
phonesec_netd_feed_stream_set_funcs (PhonesecNetdFeedStream *self, PhonesecNetdFeedFunc consumed,
                                     PhonesecNetdFeedFunc abandoned, gpointer user_data)
{
  self->consumed = consumed;
  self->abandoned = abandoned;
  self->user_data = user_data;
}

void
phonesec_netd_feed_stream_disconnect (PhonesecNetdFeedStream *self)
{
  self->consumed = NULL;
  self->abandoned = NULL;
  self->user_data = NULL;
}

void
phonesec_netd_feed_stream_push (PhonesecNetdFeedStream *self, GBytes *chunk)
{
  gsize len = g_bytes_get_size (chunk);

  if (len == 0)
    return;
  g_mutex_lock (&self->lock);
  if (!self->ended && self->error == NULL)
    {
      g_queue_push_tail (&self->chunks, g_bytes_ref (chunk));
      self->buffered += len;
      g_cond_broadcast (&self->cond);
    }
  g_mutex_unlock (&self->lock);
  complete_pending (self);
}

void
phonesec_netd_feed_stream_push_end (PhonesecNetdFeedStream *self)
{
  g_mutex_lock (&self->lock);
  if (self->error == NULL)
    self->ended = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  complete_pending (self);
}

void
phonesec_netd_feed_stream_push_error (PhonesecNetdFeedStream *self, const GError *error)
{
  g_mutex_lock (&self->lock);
  if (!self->ended && self->error == NULL)
    self->error = g_error_copy (error);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  complete_pending (self);
}

gsize
phonesec_netd_feed_stream_get_buffered (PhonesecNetdFeedStream *self)
{
  gsize buffered;

  g_mutex_lock (&self->lock);
  buffered = self->buffered;
  g_mutex_unlock (&self->lock);
  return buffered;
}

gboolean
phonesec_netd_feed_stream_is_finished (PhonesecNetdFeedStream *self)
{
  gboolean finished;

  g_mutex_lock (&self->lock);
  finished = self->ended || self->error != NULL;
  g_mutex_unlock (&self->lock);
  return finished;
}
