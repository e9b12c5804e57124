/* phonesec-netd-link.c: frames over a non-blocking stream socket.
 *
 * Plain GSocket sources rather than GIOStream: no worker threads, and the
 * read buffer is bounded by the largest frame the peer may send. A read
 * hands every whole frame to the frame function in order; a frame function
 * may free the link (the frame function's return is then ignored).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <gio/gunixfdmessage.h>
#include <string.h>
#include <unistd.h>

#include "phonesec-netd-link.h"

/* Reads take half the largest frame at most (a frame in two reads; 64 KiB
 * on the daemon side, whose buffer stays with the idle daemon), and never
 * more than 512 KiB (the helper side, which reads 256 KiB upload chunks). */
#define MAX_READ_CHUNK (512 * 1024)
#define HIGH_WATER (2 * 1024 * 1024)
#define LOW_WATER (512 * 1024)

struct _PhonesecNetdLink
{
  GSocket *socket;
  gsize max_length;
  gsize read_chunk;
  PhonesecNetdLinkFuncs funcs;
  gpointer user_data;
  GSource *in_source;
  GSource *out_source;
  GByteArray *in;
  GQueue out; /* Outgoing*, oldest first */
  gboolean accept_fds;
  GQueue fds;       /* received with SCM_RIGHTS, not taken yet (GINT_TO_POINTER) */
  gsize out_offset; /* into the head */
  gsize out_queued; /* bytes in out, minus out_offset */
  gboolean closed;
  gboolean write_failed; /* the peer is gone; reading will see it */
  gboolean want_drained; /* someone found it congested */
  guint drained_idle;
  gboolean *freed; /* set while dispatching: the link was freed */
};

static void
link_close (PhonesecNetdLink *self, const GError *error)
{
  if (self->closed)
    return;
  self->closed = TRUE;
  if (self->in_source != NULL)
    {
      g_source_destroy (self->in_source);
      g_clear_pointer (&self->in_source, g_source_unref);
    }
  if (self->out_source != NULL)
    {
      g_source_destroy (self->out_source);
      g_clear_pointer (&self->out_source, g_source_unref);
    }
  g_socket_close (self->socket, NULL);
  if (self->funcs.closed != NULL)
    self->funcs.closed (error, self->user_data);
}

/* Dispatches the whole frames at the front of the buffer. FALSE when the
 * link was closed or freed meanwhile. */
static gboolean
dispatch (PhonesecNetdLink *self)
{
  gsize offset = 0;
  gboolean freed = FALSE;
  gboolean alive = TRUE;

  self->freed = &freed;
  while (!self->closed)
    {
      PhonesecNetdFrame frame;
      gsize consumed = 0;
      g_autoptr (GError) error = NULL;
      int got = phonesec_netd_frame_split (self->in->data + offset, self->in->len - offset,
                                           self->max_length, &frame, &consumed, &error);

      if (got == 0)
        break;
      if (got < 0 || !self->funcs.frame (&frame, self->user_data, &error))
        {
          if (freed)
            return FALSE;
          /* The closed function may free the link. */
          link_close (self, error);
          if (freed)
            return FALSE;
          break;
        }
      if (freed)
        return FALSE;
      offset += consumed;
    }
  self->freed = NULL;
  if (self->closed)
    alive = FALSE;
  else if (offset > 0)
    g_byte_array_remove_range (self->in, 0, offset);
  return alive;
}

/* Like recv(), keeping the descriptors that came along (up to
 * MAX_QUEUED_FDS waiting; more are closed). */
#define MAX_QUEUED_FDS 16

static gssize
receive_with_fds (PhonesecNetdLink *self, guint8 *buffer, gsize size, GError **error)
{
  GInputVector vector = { buffer, size };
  GSocketControlMessage **messages = NULL;
  int n_messages = 0;
  gssize n = g_socket_receive_message (self->socket, NULL, &vector, 1, &messages, &n_messages, NULL,
                                       NULL, error);

  for (int i = 0; i < n_messages; i++)
    {
      if (G_IS_UNIX_FD_MESSAGE (messages[i]))
        {
          int count = 0;
          int *fds = g_unix_fd_message_steal_fds (G_UNIX_FD_MESSAGE (messages[i]), &count);

          for (int f = 0; f < count; f++)
            if (self->fds.length < MAX_QUEUED_FDS)
              g_queue_push_tail (&self->fds, GINT_TO_POINTER (fds[f]));
            else
              close (fds[f]);
          g_free (fds);
        }
      g_object_unref (messages[i]);
    }
  g_free (messages);
  return n;
}

static gboolean
on_readable (GSocket *socket, GIOCondition condition, gpointer user_data)
{
  PhonesecNetdLink *self = user_data;
  g_autoptr (GError) error = NULL;
  gsize old = self->in->len;
  gssize n;

  /* Never more than one frame's worth waiting: the bound holds however
   * the peer writes. A side that takes no descriptors reads with recv():
   * any the peer sends are closed by the kernel, never installed here. */
  g_byte_array_set_size (self->in, old + self->read_chunk);
  if (self->accept_fds)
    n = receive_with_fds (self, self->in->data + old, self->read_chunk, &error);
  else
    n = g_socket_receive (self->socket, (char *) self->in->data + old, self->read_chunk, NULL,
                          &error);
  g_byte_array_set_size (self->in, old + MAX (n, 0));
  if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    return G_SOURCE_CONTINUE;
  if (n <= 0)
    {
      g_clear_pointer (&self->in_source, g_source_unref);
      link_close (self, n < 0 ? error : NULL);
      return G_SOURCE_REMOVE;
    }
  if (!dispatch (self))
    return G_SOURCE_REMOVE; /* closed (source destroyed) or freed */
  return G_SOURCE_CONTINUE;
}

typedef struct
{
  GBytes *frame;
  int fd; /* goes with the frame's first byte (SCM_RIGHTS), or -1 */
} Outgoing;

static void
outgoing_free (Outgoing *o)
{
  g_bytes_unref (o->frame);
  if (o->fd >= 0)
    close (o->fd);
  g_free (o);
}

static gboolean on_writable (GSocket *socket, GIOCondition condition, gpointer user_data);

static gboolean
call_drained (gpointer user_data)
{
  PhonesecNetdLink *self = user_data;

  self->drained_idle = 0;
  if (self->funcs.drained != NULL && !self->closed)
    self->funcs.drained (self->user_data);
  return G_SOURCE_REMOVE;
}

/* Writes what the socket takes. Never calls back synchronously: the
 * caller may be in the middle of its own work (send() from a frame
 * function). A write error means the peer is gone; the read side sees the
 * end and reports it. */
static void
write_some (PhonesecNetdLink *self)
{
  while (!g_queue_is_empty (&self->out) && !self->closed && !self->write_failed)
    {
      Outgoing *head = g_queue_peek_head (&self->out);
      gsize len;
      const guint8 *data = g_bytes_get_data (head->frame, &len);
      g_autoptr (GError) error = NULL;
      gssize n;

      if (head->fd >= 0 && self->out_offset == 0)
        {
          GOutputVector vector = { data, len };
          g_autoptr (GSocketControlMessage) message = g_unix_fd_message_new ();

          if (!g_unix_fd_message_append_fd (G_UNIX_FD_MESSAGE (message), head->fd, &error))
            n = -1;
          else
            n = g_socket_send_message (self->socket, NULL, &vector, 1, &message, 1, 0, NULL,
                                       &error);
          if (n > 0)
            {
              close (head->fd);
              head->fd = -1;
            }
        }
      else
        n = g_socket_send (self->socket, (const char *) data + self->out_offset,
                           len - self->out_offset, NULL, &error);

      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          if (self->out_source == NULL)
            {
              self->out_source = g_socket_create_source (self->socket, G_IO_OUT, NULL);
              g_source_set_callback (self->out_source, (GSourceFunc) (void (*) (void)) on_writable,
                                     self, NULL);
              g_source_attach (self->out_source, NULL);
            }
          return;
        }
      if (n < 0)
        {
          self->write_failed = TRUE;
          g_queue_clear_full (&self->out, (GDestroyNotify) outgoing_free);
          self->out_offset = 0;
          self->out_queued = 0;
          break;
        }
      self->out_offset += n;
      self->out_queued -= n;
      if (self->out_offset == len)
        {
          outgoing_free (g_queue_pop_head (&self->out));
          self->out_offset = 0;
        }
    }
  if (self->out_source != NULL)
    {
      g_source_destroy (self->out_source);
      g_clear_pointer (&self->out_source, g_source_unref);
    }
  if (self->want_drained && self->out_queued < LOW_WATER && self->drained_idle == 0)
    {
      self->want_drained = FALSE;
      self->drained_idle = g_idle_add (call_drained, self);
    }
}

static gboolean
on_writable (GSocket *socket, GIOCondition condition, gpointer user_data)
{
  PhonesecNetdLink *self = user_data;

  /* write_some() removes this source once the queue is empty. */
  write_some (self);
  return G_SOURCE_CONTINUE;
}

PhonesecNetdLink *
phonesec_netd_link_new (int fd, gsize max_length, const PhonesecNetdLinkFuncs *funcs,
                        gpointer user_data, GError **error)
{
  GSocket *socket = g_socket_new_from_fd (fd, error);
  PhonesecNetdLink *self;

  if (socket == NULL)
    return NULL;
  self = g_new0 (PhonesecNetdLink, 1);
  self->socket = socket;
  g_socket_set_blocking (self->socket, FALSE);
  self->max_length = max_length;
  self->read_chunk = CLAMP (max_length / 2, 4096, MAX_READ_CHUNK);
  self->funcs = *funcs;
  self->user_data = user_data;
  self->in = g_byte_array_sized_new (self->read_chunk);
  g_queue_init (&self->out);
  self->in_source = g_socket_create_source (self->socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (self->in_source, (GSourceFunc) (void (*) (void)) on_readable, self, NULL);
  g_source_attach (self->in_source, NULL);
  return self;
}

void
phonesec_netd_link_send (PhonesecNetdLink *self, GBytes *frame)
{
  phonesec_netd_link_send_with_fd (self, frame, -1);
}

void
phonesec_netd_link_send_with_fd (PhonesecNetdLink *self, GBytes *frame, int fd)
{
  Outgoing *o;

  if (self->closed || self->write_failed)
    {
      if (fd >= 0)
        close (fd);
      return;
    }
  o = g_new0 (Outgoing, 1);
  o->frame = g_bytes_ref (frame);
  o->fd = fd;
  g_queue_push_tail (&self->out, o);
  self->out_queued += g_bytes_get_size (frame);
  /* Try at once: most frames go out without a source round trip. */
  if (self->out_source == NULL)
    write_some (self);
}

void
phonesec_netd_link_accept_fds (PhonesecNetdLink *self)
{
  self->accept_fds = TRUE;
}

int
phonesec_netd_link_take_fd (PhonesecNetdLink *self)
{
  return g_queue_is_empty (&self->fds) ? -1 : GPOINTER_TO_INT (g_queue_pop_head (&self->fds));
}

gsize
phonesec_netd_link_get_queued (PhonesecNetdLink *self)
{
  return self->out_queued;
}

gboolean
phonesec_netd_link_is_congested (PhonesecNetdLink *self)
{
  if (self->closed || self->write_failed)
    return TRUE;
  if (self->out_queued < HIGH_WATER)
    return FALSE;
  self->want_drained = TRUE;
  return TRUE;
}

void
phonesec_netd_link_flush (PhonesecNetdLink *self, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  if (self->closed)
    return;
  g_socket_set_blocking (self->socket, TRUE);
  g_socket_set_timeout (self->socket, MAX (1, timeout_ms / 1000));
  while (!g_queue_is_empty (&self->out) && !self->closed && g_get_monotonic_time () < deadline)
    write_some (self);
  g_socket_set_blocking (self->socket, FALSE);
}

void
phonesec_netd_link_free (PhonesecNetdLink *self)
{
  if (self == NULL)
    return;
  if (self->freed != NULL)
    *self->freed = TRUE;
  self->funcs.closed = NULL;
  g_clear_handle_id (&self->drained_idle, g_source_remove);
  link_close (self, NULL);
  g_clear_object (&self->socket);
  g_queue_clear_full (&self->out, (GDestroyNotify) outgoing_free);
  while (!g_queue_is_empty (&self->fds))
    close (GPOINTER_TO_INT (g_queue_pop_head (&self->fds)));
  g_byte_array_unref (self->in);
  g_free (self);
}
