/* phonesec-tftp-client.c: an asynchronous RFC 1350 reader over GSocket.
 *
 * One GTask per transfer. Its state owns three sources on the caller's
 * main context (socket readable, per-packet timer, total timer); the first
 * outcome (file complete, server error, cap, timeout, cancellation) removes
 * them all and returns the task, so nothing fires afterwards.
 *
 * With a sink (phonesec_tftp_fetch_to_stream_async) each block is
 * written before it is acknowledged: the server waits for the disk, as
 * TFTP's lock step allows, and the file never sits in memory.
 *
 * Our own because GIO has no TFTP client (and libsoup speaks only HTTP),
 * while PAC_URL and the provisioning rules may be tftp:// URLs. Moved to
 * the core from the http-proxy plugin for the provisioning plugin.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec/phonesec-tftp.h"
#include "phonesec-tftp-packet.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#define DEFAULT_PACKET_TIMEOUT_MS 1000
#define DEFAULT_RETRIES 4
#define DEFAULT_TOTAL_TIMEOUT_MS 15000
#define DEFAULT_MAX_SIZE (1024 * 1024)

typedef struct
{
  PhonesecTftpOptions options;
  char *host;
  guint16 port;
  char *filename;
  char *server_name;    /* "host:port", for messages */
  GInetAddress *server; /* where the RRQ goes; answers must come from it */
  guint16 tid;          /* the server's transfer port, 0 until its first answer */
  GSocket *socket;
  GSource *read_source;
  GSource *packet_timer;
  GSource *total_timer;
  GBytes *last_sent; /* what a timeout retransmits */
  guint tries;
  guint16 expected_block;
  GByteArray *data;    /* without a sink */
  GOutputStream *sink; /* where the blocks go instead */
  GBytes *writing;     /* the block being written to the sink */
  gsize received;
  gboolean done;
} Transfer;

static void
transfer_free (Transfer *t)
{
  g_free (t->host);
  g_free (t->filename);
  g_free (t->server_name);
  g_clear_object (&t->server);
  g_clear_object (&t->socket);
  g_clear_pointer (&t->last_sent, g_bytes_unref);
  g_clear_pointer (&t->data, g_byte_array_unref);
  g_clear_object (&t->sink);
  g_clear_pointer (&t->writing, g_bytes_unref);
  g_free (t);
}

static void
stop_sources (Transfer *t)
{
  GSource **sources[] = { &t->read_source, &t->packet_timer, &t->total_timer };

  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    if (*sources[i] != NULL)
      {
        g_source_destroy (*sources[i]);
        g_clear_pointer (sources[i], g_source_unref);
      }
}

/* Ends the transfer with @error (taken) or the data; drops the task's
 * own reference. */
static void
finish (GTask *task, GError *error)
{
  Transfer *t = g_task_get_task_data (task);

  if (t->done)
    {
      g_clear_error (&error);
      return;
    }
  t->done = TRUE;
  stop_sources (t);
  if (t->socket != NULL)
    g_socket_close (t->socket, NULL);
  if (error != NULL)
    g_task_return_error (task, error);
  else if (t->sink != NULL)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&t->data)),
                           (GDestroyNotify) g_bytes_unref);
  g_object_unref (task);
}

static void
send_to (Transfer *t, GBytes *packet, guint16 port)
{
  g_autoptr (GSocketAddress) to = g_inet_socket_address_new (t->server, port);
  gsize len;
  const guint8 *buf = g_bytes_get_data (packet, &len);

  /* UDP: a lost or refused packet is a lost packet; the timer retries. */
  g_socket_send_to (t->socket, to, (const char *) buf, len, NULL, NULL);
}

static void
send_last (Transfer *t)
{
  send_to (t, t->last_sent, t->tid != 0 ? t->tid : t->port);
}

static gboolean on_packet_timeout (gpointer user_data);

static void
restart_packet_timer (GTask *task)
{
  Transfer *t = g_task_get_task_data (task);

  if (t->packet_timer != NULL)
    {
      g_source_destroy (t->packet_timer);
      g_source_unref (t->packet_timer);
    }
  t->packet_timer = g_timeout_source_new (t->options.packet_timeout_ms);
  g_source_set_callback (t->packet_timer, on_packet_timeout, task, NULL);
  g_source_attach (t->packet_timer, g_task_get_context (task));
}

static gboolean
on_packet_timeout (gpointer user_data)
{
  GTask *task = user_data;
  Transfer *t = g_task_get_task_data (task);

  if (t->tries >= t->options.retries)
    {
      g_clear_pointer (&t->packet_timer, g_source_unref);
      finish (task,
              g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                           t->tid == 0 ? _ ("no answer from the TFTP server %s after %u tries")
                                       : _ ("the TFTP server %s stopped answering (%u tries)"),
                           t->server_name, t->tries + 1));
      return G_SOURCE_REMOVE;
    }
  t->tries++;
  send_last (t);
  restart_packet_timer (task);
  return G_SOURCE_REMOVE;
}

static gboolean
on_total_timeout (gpointer user_data)
{
  GTask *task = user_data;
  Transfer *t = g_task_get_task_data (task);

  g_clear_pointer (&t->total_timer, g_source_unref);
  finish (task, g_error_new (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                             _ ("the TFTP transfer from %s did not complete within %u s"),
                             t->server_name, (t->options.total_timeout_ms + 999) / 1000));
  return G_SOURCE_REMOVE;
}

static GError *
server_error (Transfer *t, const PhonesecTftpPacket *packet)
{
  GIOErrorEnum code;

  switch (packet->error_code)
    {
      case PHONESEC_TFTP_ERR_NOT_FOUND:
        code = G_IO_ERROR_NOT_FOUND;
        break;
      case PHONESEC_TFTP_ERR_ACCESS:
        code = G_IO_ERROR_PERMISSION_DENIED;
        break;
      default:
        code = G_IO_ERROR_FAILED;
    }
  if (packet->error_message != NULL && *packet->error_message != '\0')
    return g_error_new (G_IO_ERROR, code, _ ("the TFTP server %s answered: %s (\"%s\")"),
                        t->server_name, phonesec_tftp_error_code_describe (packet->error_code),
                        packet->error_message);
  return g_error_new (G_IO_ERROR, code, _ ("the TFTP server %s answered: %s"), t->server_name,
                      phonesec_tftp_error_code_describe (packet->error_code));
}

/* The block just kept (@len bytes) is acknowledged; the last one ends
 * the transfer (FALSE). */
static gboolean
acknowledge (GTask *task, gsize len)
{
  Transfer *t = g_task_get_task_data (task);

  g_clear_pointer (&t->last_sent, g_bytes_unref);
  t->last_sent = phonesec_tftp_encode_ack (t->expected_block);
  send_last (t);
  t->tries = 0;
  if (len < PHONESEC_TFTP_BLOCK_SIZE)
    {
      finish (task, NULL);
      return FALSE;
    }
  t->expected_block++; /* wraps at 65535 as servers do */
  restart_packet_timer (task);
  return TRUE;
}

static void
on_block_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Transfer *t = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  gboolean ok = g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error);
  gsize len = g_bytes_get_size (t->writing);

  g_clear_pointer (&t->writing, g_bytes_unref);
  if (t->done)
    return; /* timed out or cancelled meanwhile */
  if (!ok)
    {
      finish (task, g_steal_pointer (&error));
      return;
    }
  t->received += len;
  acknowledge (task, len);
}

/* With a sink: the block is written, then acknowledged; no retransmission
 * while the disk works (the server waits for the ACK). */
static void
write_block (GTask *task, const PhonesecTftpPacket *packet)
{
  Transfer *t = g_task_get_task_data (task);

  if (t->packet_timer != NULL)
    {
      g_source_destroy (t->packet_timer);
      g_clear_pointer (&t->packet_timer, g_source_unref);
    }
  t->writing = g_bytes_new (packet->data, packet->data_len);
  g_output_stream_write_all_async (t->sink, g_bytes_get_data (t->writing, NULL), packet->data_len,
                                   G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                   on_block_written, g_object_ref (task));
}

/* Handles one datagram from the server's address on @from_port. Returns
 * FALSE once the transfer is over. */
static gboolean
handle_packet (GTask *task, const guint8 *buf, gsize len, guint16 from_port)
{
  Transfer *t = g_task_get_task_data (task);
  PhonesecTftpPacket packet;

  if (t->tid != 0 && from_port != t->tid)
    {
      /* RFC 1350: another transfer's packet; tell its sender, carry on. */
      g_autoptr (GBytes) reply
          = phonesec_tftp_encode_error (PHONESEC_TFTP_ERR_UNKNOWN_TID, "Unknown transfer ID");

      send_to (t, reply, from_port);
      return TRUE;
    }
  if (!phonesec_tftp_decode (buf, len, &packet, NULL))
    return TRUE; /* garbage: ignored, the timer still runs */

  if (packet.opcode == PHONESEC_TFTP_ERROR)
    {
      GError *error = server_error (t, &packet);

      phonesec_tftp_packet_clear (&packet);
      finish (task, error);
      return FALSE;
    }
  if (packet.opcode != PHONESEC_TFTP_DATA || t->writing != NULL)
    {
      /* While a block is written, its copies are dropped: ACKed after. */
      phonesec_tftp_packet_clear (&packet);
      return TRUE;
    }

  if (packet.block == t->expected_block)
    {
      if (t->tid == 0)
        t->tid = from_port;
      if (t->received + packet.data_len > t->options.max_size)
        {
          g_autoptr (GBytes) reply = phonesec_tftp_encode_error (
              PHONESEC_TFTP_ERR_DISK_FULL, "File larger than this client accepts");

          send_to (t, reply, t->tid);
          finish (task, g_error_new (G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                                     _ ("the file on the TFTP server %s is larger than the limit "
                                        "of %lu bytes"),
                                     t->server_name, (gulong) t->options.max_size));
          return FALSE;
        }
      if (t->sink != NULL)
        write_block (task, &packet);
      else
        {
          g_byte_array_append (t->data, packet.data, packet.data_len);
          t->received += packet.data_len;
          if (!acknowledge (task, packet.data_len))
            {
              phonesec_tftp_packet_clear (&packet);
              return FALSE;
            }
        }
    }
  else if (t->tid != 0 && packet.block == (guint16) (t->expected_block - 1))
    {
      /* Our ACK was lost: the server sent the block again. */
      send_last (t);
    }
  phonesec_tftp_packet_clear (&packet);
  return TRUE;
}

static gboolean
on_readable (GSocket *socket, GIOCondition condition, gpointer user_data)
{
  GTask *task = user_data;
  Transfer *t = g_task_get_task_data (task);

  for (;;)
    {
      /* One byte more than the largest packet shows oversized datagrams. */
      guint8 buf[PHONESEC_TFTP_MAX_PACKET + 1];
      g_autoptr (GSocketAddress) from = NULL;
      g_autoptr (GError) error = NULL;
      gssize n;
      GInetSocketAddress *inet;

      n = g_socket_receive_from (socket, &from, (char *) buf, sizeof buf,
                                 g_task_get_cancellable (task), &error);
      if (n < 0)
        {
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            return G_SOURCE_CONTINUE;
          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_clear_pointer (&t->read_source, g_source_unref);
              finish (task, g_steal_pointer (&error));
              return G_SOURCE_REMOVE;
            }
          /* An ICMP port unreachable shows up here on Linux: the server
           * is not there (yet); the timer retries, then gives up. */
          return G_SOURCE_CONTINUE;
        }
      if (!G_IS_INET_SOCKET_ADDRESS (from))
        continue;
      inet = G_INET_SOCKET_ADDRESS (from);
      if (!g_inet_address_equal (g_inet_socket_address_get_address (inet), t->server))
        continue; /* not our server at all */
      if (!handle_packet (task, buf, n, g_inet_socket_address_get_port (inet)))
        return G_SOURCE_REMOVE;
    }
}

static void
start_transfer (GTask *task, GInetAddress *address)
{
  Transfer *t = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GInetAddress) any = NULL;
  g_autoptr (GSocketAddress) local = NULL;
  GSocketFamily family = g_inet_address_get_family (address);

  t->server = g_object_ref (address);
  t->socket = g_socket_new (family, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);
  if (t->socket == NULL)
    {
      finish (task, g_steal_pointer (&error));
      return;
    }
  g_socket_set_blocking (t->socket, FALSE);
  any = g_inet_address_new_any (family);
  local = g_inet_socket_address_new (any, 0);
  if (!g_socket_bind (t->socket, local, FALSE, &error))
    {
      finish (task, g_steal_pointer (&error));
      return;
    }
  t->last_sent = phonesec_tftp_encode_rrq (t->filename, &error);
  if (t->last_sent == NULL)
    {
      finish (task, g_steal_pointer (&error));
      return;
    }
  t->read_source = g_socket_create_source (t->socket, G_IO_IN, g_task_get_cancellable (task));
  g_source_set_callback (t->read_source, G_SOURCE_FUNC (on_readable), task, NULL);
  g_source_attach (t->read_source, g_task_get_context (task));
  send_last (t);
  restart_packet_timer (task);
}

static void
on_resolved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data; /* the resolver's reference */
  Transfer *t = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  GList *addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (source), result, &error);

  if (t->done)
    {
      g_resolver_free_addresses (addresses);
      return;
    }
  if (addresses == NULL)
    {
      finish (task, g_error_new (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                                     ? G_IO_ERROR
                                     : G_RESOLVER_ERROR,
                                 g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                                     ? G_IO_ERROR_CANCELLED
                                     : G_RESOLVER_ERROR_NOT_FOUND,
                                 _ ("the TFTP server name %s could not be resolved: %s"), t->host,
                                 error->message));
      return;
    }
  start_transfer (task, addresses->data);
  g_resolver_free_addresses (addresses);
}

static void
fetch (const char *host, guint16 port, const char *filename, const PhonesecTftpOptions *options,
       GOutputStream *sink, GCancellable *cancellable, GAsyncReadyCallback callback,
       gpointer user_data, gpointer source_tag)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Transfer *t = g_new0 (Transfer, 1);
  g_autoptr (GInetAddress) literal = NULL;

  g_task_set_source_tag (task, source_tag);
  if (options != NULL)
    t->options = *options;
  if (t->options.packet_timeout_ms == 0)
    t->options.packet_timeout_ms = DEFAULT_PACKET_TIMEOUT_MS;
  if (t->options.retries == 0)
    t->options.retries = DEFAULT_RETRIES;
  if (t->options.total_timeout_ms == 0)
    t->options.total_timeout_ms = DEFAULT_TOTAL_TIMEOUT_MS;
  if (t->options.max_size == 0)
    t->options.max_size = DEFAULT_MAX_SIZE;
  t->host = g_strdup (host);
  t->port = port != 0 ? port : PHONESEC_TFTP_DEFAULT_PORT;
  t->filename = g_strdup (filename);
  t->server_name = strchr (host, ':') != NULL ? g_strdup_printf ("[%s]:%u", host, t->port)
                                              : g_strdup_printf ("%s:%u", host, t->port);
  t->expected_block = 1;
  if (sink != NULL)
    t->sink = g_object_ref (sink);
  else
    t->data = g_byte_array_new ();
  g_task_set_task_data (task, t, (GDestroyNotify) transfer_free);

  /* The task holds itself until finish(): sources point at it unowned. */
  t->total_timer = g_timeout_source_new (t->options.total_timeout_ms);
  g_source_set_callback (t->total_timer, on_total_timeout, task, NULL);
  g_source_attach (t->total_timer, g_task_get_context (task));

  literal = g_inet_address_new_from_string (host);
  if (literal != NULL)
    start_transfer (task, literal);
  else
    {
      g_autoptr (GResolver) resolver = g_resolver_get_default ();

      g_resolver_lookup_by_name_async (resolver, host, cancellable, on_resolved,
                                       g_object_ref (task));
    }
}

void
phonesec_tftp_fetch_async (const char *host, guint16 port, const char *filename,
                           const PhonesecTftpOptions *options, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  fetch (host, port, filename, options, NULL, cancellable, callback, user_data,
         phonesec_tftp_fetch_async);
}

GBytes *
phonesec_tftp_fetch_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
phonesec_tftp_fetch_to_stream_async (const char *host, guint16 port, const char *filename,
                                     const PhonesecTftpOptions *options, GOutputStream *sink,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  g_return_if_fail (G_IS_OUTPUT_STREAM (sink));
  fetch (host, port, filename, options, sink, cancellable, callback, user_data,
         phonesec_tftp_fetch_to_stream_async);
}

gboolean
phonesec_tftp_fetch_to_stream_finish (GAsyncResult *result, gsize *size, GError **error)
{
  Transfer *t;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  t = g_task_get_task_data (G_TASK (result));
  if (size != NULL)
    *size = t->received;
  return g_task_propagate_boolean (G_TASK (result), error);
}
