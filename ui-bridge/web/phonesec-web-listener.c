/* phonesec-web-listener.c: accepting connections, TLS handshakes with a
 * deadline, idle timeouts and per-peer limits, before and around the
 * SoupServer (see the header for why).
 *
 * A connection is ours while it waits for a request: first its first byte
 * and its handshake, then, between requests, the next byte. libsoup has it
 * from the first byte of a request to the last byte of the answer: the
 * message signals tell us where it is, a weak reference on the stream
 * when libsoup let go of it for good. Closing a connection libsoup has is
 * a shutdown() of its socket: libsoup reads the end and lets go of it.
 *
 * Keep-alive is ours too: libsoup 3.2 leaks a kept-alive connection that
 * the client closes (its descriptor and all; fixed in libsoup 3.3), so
 * after an answer the connection is taken back (steal) and handed over
 * again when the next request comes. Pipelined requests are not kept
 * (browsers do not pipeline).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-web-listener.h"

#include <gio/gnetworking.h>

#include "phonesec-web-peers.h"

typedef enum
{
  STATE_WAITING,   /* for the first byte (of the connection, or of a request) */
  STATE_QUEUED,    /* for one of its peer's handshake places */
  STATE_HANDSHAKE, /* in a worker thread */
  STATE_READING,   /* libsoup's: reading a request */
  STATE_ANSWERING, /* libsoup's: answering it */
  STATE_REFUSING,  /* taken back from libsoup: answer, drain, close */
  STATE_CLOSING,   /* on its way out */
} ConnectionState;

typedef struct
{
  PhonesecWebListener *listener;
  ConnectionState state;
  PhonesecWebSlot slot;
  char *peer;
  GSocket *socket;
  GSocketConnection *tcp; /* ours until handed over (plain HTTP) */
  GIOStream *tls;         /* ours until handed over, once shaken hands */
  GIOStream *served;      /* libsoup's, weakly referenced, once handed over */
  GIOStream *taken;       /* what libsoup gave back (refusing) */
  GBytes *answer;         /* being written (refusing) */
  GSocketAddress *local;
  GSocketAddress *remote; /* given to libsoup: it leads a message to us */
  GSource *readable;
  guint timer; /* handshake deadline, or idle timeout */
  GCancellable *cancellable;
  GList link; /* in the listener's connections */
} Connection;

/* The handshakes of one peer in worker threads, and those waiting. */
typedef struct
{
  guint running;
  GQueue waiting; /* of Connection */
} PeerHandshakes;

struct _PhonesecWebListener
{
  SoupServer *server;
  GTlsCertificate *certificate; /* NULL: plain HTTP */
  GSocketService *service;
  PhonesecWebPeers *peers;
  GHashTable *handshakes; /* peer → PeerHandshakes */
  GQueue connections;     /* every Connection until it is freed */
  gulong request_started;
};

static GQuark connection_quark;

static void start_handshake (Connection *conn);

static void
peer_handshakes_free (PeerHandshakes *handshakes)
{
  g_queue_clear (&handshakes->waiting);
  g_free (handshakes);
}

static void
connection_free (Connection *conn)
{
  PhonesecWebListener *listener = conn->listener;

  phonesec_web_peers_remove (listener->peers, &conn->slot);
  if (conn->state == STATE_QUEUED)
    {
      PeerHandshakes *handshakes = g_hash_table_lookup (listener->handshakes, conn->peer);
      g_queue_remove (&handshakes->waiting, conn);
    }
  g_queue_unlink (&listener->connections, &conn->link);
  if (conn->readable != NULL)
    {
      g_source_destroy (conn->readable);
      g_source_unref (conn->readable);
    }
  g_clear_handle_id (&conn->timer, g_source_remove);
  if (conn->remote != NULL)
    g_object_set_qdata (G_OBJECT (conn->remote), connection_quark, NULL);
  if (conn->tls != NULL)
    g_io_stream_close (conn->tls, NULL, NULL);
  if (conn->tcp != NULL)
    g_io_stream_close (G_IO_STREAM (conn->tcp), NULL, NULL);
  g_clear_object (&conn->tls);
  g_clear_object (&conn->tcp);
  g_clear_object (&conn->socket);
  g_clear_object (&conn->local);
  g_clear_object (&conn->remote);
  g_clear_object (&conn->cancellable);
  g_clear_object (&conn->taken);
  g_clear_pointer (&conn->answer, g_bytes_unref);
  g_free (conn->peer);
  g_free (conn);
}

/* Ends @conn now, or as soon as the party holding it lets go. */
static void
connection_close (Connection *conn)
{
  PhonesecWebListener *listener = conn->listener;

  switch (conn->state)
    {
      case STATE_WAITING:
      case STATE_QUEUED:
        connection_free (conn);
        return;
      case STATE_HANDSHAKE:
        /* The worker sees the cancellation; handshake_done () frees. */
        conn->state = STATE_CLOSING;
        phonesec_web_peers_remove (listener->peers, &conn->slot);
        g_cancellable_cancel (conn->cancellable);
        return;
      case STATE_READING:
      case STATE_ANSWERING:
        /* libsoup reads the end, closes, and drops the stream:
         * stream_finalized () frees. */
        conn->state = STATE_CLOSING;
        phonesec_web_peers_remove (listener->peers, &conn->slot);
        g_clear_handle_id (&conn->timer, g_source_remove);
        g_socket_shutdown (conn->socket, TRUE, TRUE, NULL);
        return;
      case STATE_REFUSING:
      case STATE_CLOSING:
      default:
        return;
    }
}

static gboolean
on_timeout (gpointer data)
{
  Connection *conn = data;

  conn->timer = 0;
  g_debug ("closing a connection of %s: no request in time", conn->peer);
  connection_close (conn);
  return G_SOURCE_REMOVE;
}

static void
arm_timer (Connection *conn, guint seconds)
{
  g_clear_handle_id (&conn->timer, g_source_remove);
  conn->timer = g_timeout_add (seconds * 1000, on_timeout, conn);
}

/* --- once libsoup has it ---------------------------------------------------------------- */

static void
stream_finalized (gpointer data, GObject *stream)
{
  connection_free (data);
}

static void
on_got_body (SoupServerMessage *msg, gpointer data)
{
  Connection *conn = data;

  if (conn->state != STATE_READING)
    return;
  /* The request is read: answering it may take a D-Bus round trip, or
   * for ever (a live-status stream). */
  conn->state = STATE_ANSWERING;
  phonesec_web_slot_set_idle (&conn->slot, FALSE, 0);
  g_clear_handle_id (&conn->timer, g_source_remove);
}

static void wait_for_request (Connection *conn, guint timeout_s);

/* HTTP/1.1, nobody said "close", and the end of the answer is known
 * without closing. Anything else libsoup closes itself. */
static gboolean
keeps_alive (SoupServerMessage *msg)
{
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);
  SoupEncoding encoding = soup_message_headers_get_encoding (response);

  return soup_server_message_get_http_version (msg) == SOUP_HTTP_1_1
         && !soup_message_headers_header_contains (request, "Connection", "close")
         && !soup_message_headers_header_contains (response, "Connection", "close")
         && encoding != SOUP_ENCODING_CHUNKED && encoding != SOUP_ENCODING_EOF;
}

/* The answer is written: the connection comes back to us until the next
 * request. */
static void
on_wrote_body (SoupServerMessage *msg, gpointer data)
{
  Connection *conn = data;
  g_autoptr (GIOStream) taken = NULL;
  GInputStream *input;
  GIOStream *served = conn->served;

  if ((conn->state != STATE_READING && conn->state != STATE_ANSWERING) || !keeps_alive (msg))
    return;
  g_signal_handlers_disconnect_by_data (msg, conn);
  taken = soup_server_message_steal_connection (msg);
  /* libsoup's wrapper reads through a buffering filter stream that would
   * close our input stream when it goes. */
  input = taken != NULL ? g_io_stream_get_input_stream (taken) : NULL;
  if (G_IS_FILTER_INPUT_STREAM (input))
    g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (input), FALSE);
  g_object_weak_unref (G_OBJECT (served), stream_finalized, conn);
  conn->served = NULL;
  if (conn->listener->certificate != NULL)
    conn->tls = g_object_ref (served);
  else
    conn->tcp = G_SOCKET_CONNECTION (g_object_ref (served));
  wait_for_request (conn, PHONESEC_WEB_IDLE_TIMEOUT_S);
}

static void
on_request_started (SoupServer *server, SoupServerMessage *msg, gpointer data)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);
  Connection *conn
      = remote != NULL ? g_object_get_qdata (G_OBJECT (remote), connection_quark) : NULL;

  if (conn == NULL)
    return;
  /* The connection outlives its messages (each holds libsoup's
   * connection, which holds the stream). */
  g_signal_connect (msg, "got-body", G_CALLBACK (on_got_body), conn);
  g_signal_connect (msg, "wrote-body", G_CALLBACK (on_wrote_body), conn);
}

/* Each hand-over is a new libsoup connection for one request. */
static void
hand_over (Connection *conn, GIOStream *stream)
{
  PhonesecWebListener *listener = conn->listener;
  g_autoptr (GSocketConnection) tcp = g_steal_pointer (&conn->tcp);
  g_autoptr (GIOStream) tls = g_steal_pointer (&conn->tls);

  conn->state = STATE_READING;
  phonesec_web_slot_set_idle (&conn->slot, TRUE, g_get_monotonic_time ());
  arm_timer (conn, PHONESEC_WEB_IDLE_TIMEOUT_S);
  g_object_set_qdata (G_OBJECT (conn->remote), connection_quark, conn);
  conn->served = stream;
  g_object_weak_ref (G_OBJECT (stream), stream_finalized, conn);
  /* libsoup may answer a request already waiting, and even drop the
   * stream, before this returns; @conn is not touched after it. */
  soup_server_accept_iostream (listener->server, stream, conn->local, conn->remote, NULL);
}

/* --- taking it back: an answer, then a lingering close ----------------------------------- */

/* Drops the stream libsoup gave back: its end frees @conn. */
static void
refusal_done (Connection *conn)
{
  g_autoptr (GIOStream) taken = g_steal_pointer (&conn->taken);

  if (conn->readable != NULL)
    {
      g_source_destroy (conn->readable);
      g_clear_pointer (&conn->readable, g_source_unref);
    }
  g_clear_handle_id (&conn->timer, g_source_remove);
  conn->state = STATE_CLOSING;
  /* The socket first: a TLS close then has nothing to write to. */
  g_socket_close (conn->socket, NULL);
  g_io_stream_close (conn->served, NULL, NULL);
}

static gboolean
on_linger_over (gpointer data)
{
  Connection *conn = data;

  conn->timer = 0;
  if (conn->cancellable != NULL)
    g_cancellable_cancel (conn->cancellable); /* answer_written () ends it */
  else
    refusal_done (conn);
  return G_SOURCE_REMOVE;
}

/* What the client still sends is read and dropped: closing with unread
 * data would reset the connection, and the client could lose the answer. */
static gboolean
on_drain (GSocket *socket, GIOCondition condition, gpointer data)
{
  Connection *conn = data;
  char scratch[16384];

  for (;;)
    {
      g_autoptr (GError) error = NULL;
      gssize n
          = g_socket_receive_with_blocking (socket, scratch, sizeof scratch, FALSE, NULL, &error);

      if (n > 0)
        continue;
      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return G_SOURCE_CONTINUE;
      g_clear_pointer (&conn->readable, g_source_unref);
      refusal_done (conn);
      return G_SOURCE_REMOVE;
    }
}

static void
answer_written (GObject *source, GAsyncResult *result, gpointer data)
{
  Connection *conn = data;
  gboolean ok = g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL);

  g_clear_object (&conn->cancellable);
  if (!ok || conn->timer == 0)
    {
      refusal_done (conn);
      return;
    }
  /* Our side is done (the client reads an end after the answer); theirs
   * is drained until they stop or the time is over. */
  g_socket_shutdown (conn->socket, FALSE, TRUE, NULL);
  conn->readable = g_socket_create_source (conn->socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (conn->readable, G_SOURCE_FUNC (on_drain), conn, NULL);
  g_source_attach (conn->readable, NULL);
}

static GBytes *
serialize_answer (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autoptr (GBytes) body = soup_message_body_flatten (soup_server_message_get_response_body (msg));
  guint status = soup_server_message_get_status (msg);
  GString *out = g_string_new (NULL);
  SoupMessageHeadersIter iter;
  const char *name, *value;

  soup_message_headers_remove (headers, "Content-Length");
  soup_message_headers_remove (headers, "Transfer-Encoding");
  soup_message_headers_remove (headers, "Connection");
  g_string_append_printf (out, "HTTP/1.1 %u %s\r\n", status, soup_status_get_phrase (status));
  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    g_string_append_printf (out, "%s: %s\r\n", name, value);
  g_string_append_printf (out, "Content-Length: %" G_GSIZE_FORMAT "\r\nConnection: close\r\n\r\n",
                          g_bytes_get_size (body));
  g_string_append_len (out, g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  return g_string_free_to_bytes (out);
}

void
phonesec_web_listener_answer_and_close (PhonesecWebListener *self, SoupServerMessage *msg)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);
  Connection *conn
      = remote != NULL ? g_object_get_qdata (G_OBJECT (remote), connection_quark) : NULL;

  if (conn == NULL || (conn->state != STATE_READING && conn->state != STATE_ANSWERING))
    {
      /* Not ours to take (or already going): libsoup answers after the body. */
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection",
                                    "close");
      return;
    }
  conn->answer = serialize_answer (msg);
  g_signal_handlers_disconnect_by_data (msg, conn);
  /* libsoup forgets the connection and its message; the stream it gives
   * back holds ours alive until refusal_done (). */
  conn->taken = soup_server_message_steal_connection (msg);
  conn->state = STATE_REFUSING;
  phonesec_web_peers_remove (self->peers, &conn->slot);
  g_clear_handle_id (&conn->timer, g_source_remove);
  conn->timer = g_timeout_add (PHONESEC_WEB_LINGER_MS, on_linger_over, conn);
  conn->cancellable = g_cancellable_new ();
  g_output_stream_write_all_async (
      g_io_stream_get_output_stream (conn->served), g_bytes_get_data (conn->answer, NULL),
      g_bytes_get_size (conn->answer), G_PRIORITY_DEFAULT, conn->cancellable, answer_written, conn);
}

/* --- before libsoup has it --------------------------------------------------------------- */

static void
release_handshake_place (PhonesecWebListener *listener, const char *peer)
{
  PeerHandshakes *handshakes = g_hash_table_lookup (listener->handshakes, peer);
  Connection *next;

  handshakes->running--;
  next = g_queue_pop_head (&handshakes->waiting);
  if (next != NULL)
    start_handshake (next);
  else if (handshakes->running == 0)
    g_hash_table_remove (listener->handshakes, peer);
}

static void
handshake_done (GObject *source, GAsyncResult *result, gpointer data)
{
  Connection *conn = data;
  g_autoptr (GError) error = NULL;
  gboolean ok = g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &error);

  release_handshake_place (conn->listener, conn->peer);
  if (!ok || conn->state == STATE_CLOSING)
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("TLS handshake with %s failed: %s", conn->peer, error->message);
      conn->state = STATE_CLOSING;
      connection_free (conn);
      return;
    }
  g_clear_object (&conn->cancellable);
  hand_over (conn, conn->tls);
}

static void
start_handshake (Connection *conn)
{
  static const char *const protocols[] = { "http/1.1", "http/1.0", NULL };
  PhonesecWebListener *listener = conn->listener;
  PeerHandshakes *handshakes = g_hash_table_lookup (listener->handshakes, conn->peer);
  g_autoptr (GError) error = NULL;

  if (handshakes == NULL)
    {
      handshakes = g_new0 (PeerHandshakes, 1);
      g_queue_init (&handshakes->waiting);
      g_hash_table_insert (listener->handshakes, g_strdup (conn->peer), handshakes);
    }
  if (handshakes->running >= PHONESEC_WEB_MAX_HANDSHAKES_PER_PEER)
    {
      conn->state = STATE_QUEUED;
      g_queue_push_tail (&handshakes->waiting, conn);
      return;
    }
  /* "database" NULL: no client certificates are asked for, and the
   * default database would give each connection its own copy of the
   * system's trust list (~4 MiB, and its parsing). Browsers seldom send
   * close_notify; HTTP framing says where bodies end. */
  conn->tls = g_initable_new (
      g_tls_backend_get_server_connection_type (g_tls_backend_get_default ()), NULL, &error,
      "base-io-stream", conn->tcp, "certificate", listener->certificate, "database", NULL,
      "require-close-notify", FALSE, "advertised-protocols", protocols, NULL);
  if (conn->tls == NULL)
    {
      g_warning ("cannot start TLS with %s: %s", conn->peer, error->message);
      if (handshakes->running == 0 && handshakes->waiting.length == 0)
        g_hash_table_remove (listener->handshakes, conn->peer);
      connection_free (conn);
      return;
    }
  handshakes->running++;
  conn->state = STATE_HANDSHAKE;
  conn->cancellable = g_cancellable_new ();
  g_tls_connection_handshake_async (G_TLS_CONNECTION (conn->tls), G_PRIORITY_DEFAULT,
                                    conn->cancellable, handshake_done, conn);
}

/* Nothing is started for a connection that has not spoken: idle ones
 * cost a descriptor, never a thread. */
static gboolean
on_readable (GSocket *socket, GIOCondition condition, gpointer data)
{
  Connection *conn = data;

  g_clear_pointer (&conn->readable, g_source_unref);
  if (!(condition & G_IO_IN))
    {
      connection_free (conn);
      return G_SOURCE_REMOVE;
    }
  if (conn->tls != NULL)
    hand_over (conn, conn->tls); /* the next request, or the client's end */
  else if (conn->listener->certificate != NULL)
    start_handshake (conn);
  else
    hand_over (conn, G_IO_STREAM (conn->tcp));
  return G_SOURCE_REMOVE;
}

static void
wait_for_request (Connection *conn, guint timeout_s)
{
  conn->state = STATE_WAITING;
  phonesec_web_slot_set_idle (&conn->slot, TRUE, g_get_monotonic_time ());
  arm_timer (conn, timeout_s);
  conn->readable = g_socket_create_source (conn->socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  g_source_set_callback (conn->readable, G_SOURCE_FUNC (on_readable), conn, NULL);
  g_source_attach (conn->readable, NULL);
}

static gboolean
on_incoming (GSocketService *service, GSocketConnection *tcp, GObject *source, gpointer data)
{
  PhonesecWebListener *listener = data;
  g_autoptr (GSocketAddress) remote = g_socket_connection_get_remote_address (tcp, NULL);
  g_autofree char *peer = NULL;
  PhonesecWebSlot *victim = NULL;
  Connection *conn;

  if (!G_IS_INET_SOCKET_ADDRESS (remote))
    return TRUE; /* dropped, closed */
  peer
      = phonesec_web_peers_key (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));
  if (!phonesec_web_peers_make_room (listener->peers, peer, &victim))
    {
      g_debug ("refusing a connection of %s: every connection is busy", peer);
      return TRUE;
    }
  if (victim != NULL)
    connection_close (victim->owner);

  conn = g_new0 (Connection, 1);
  conn->listener = listener;
  conn->state = STATE_WAITING;
  conn->peer = g_steal_pointer (&peer);
  conn->tcp = g_object_ref (tcp);
  conn->socket = g_object_ref (g_socket_connection_get_socket (tcp));
  conn->remote = g_steal_pointer (&remote);
  conn->local = g_socket_connection_get_local_address (tcp, NULL);
  conn->link.data = conn;
  g_queue_push_tail_link (&listener->connections, &conn->link);
  phonesec_web_peers_add (listener->peers, &conn->slot, conn->peer, conn, g_get_monotonic_time ());
  g_socket_set_option (conn->socket, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
  wait_for_request (conn, PHONESEC_WEB_HANDSHAKE_TIMEOUT_S);
  return TRUE;
}

/* --- the listener ---------------------------------------------------------------------------- */

PhonesecWebListener *
phonesec_web_listener_new (SoupServer *server, GTlsCertificate *certificate)
{
  PhonesecWebListener *self = g_new0 (PhonesecWebListener, 1);

  if (connection_quark == 0)
    connection_quark = g_quark_from_static_string ("phonesec-web-connection");
  self->server = g_object_ref (server);
  self->certificate = certificate != NULL ? g_object_ref (certificate) : NULL;
  self->peers = phonesec_web_peers_new (PHONESEC_WEB_MAX_CONNECTIONS_PER_PEER,
                                        PHONESEC_WEB_MAX_CONNECTIONS);
  self->handshakes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) peer_handshakes_free);
  g_queue_init (&self->connections);
  self->service = g_socket_service_new ();
  /* A burst of connections waits in the kernel's queue, not in SYN
   * retransmits (GLib's default backlog is 10). */
  g_socket_listener_set_backlog (G_SOCKET_LISTENER (self->service), 128);
  g_signal_connect (self->service, "incoming", G_CALLBACK (on_incoming), self);
  self->request_started
      = g_signal_connect (server, "request-started", G_CALLBACK (on_request_started), self);
  return self;
}

gboolean
phonesec_web_listener_listen (PhonesecWebListener *self, GSocketAddress *address,
                              GSocketAddress **effective, GError **error)
{
  GSocketAddress *bound = NULL;

  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL, &bound,
                                      error))
    return FALSE;
  if (effective != NULL)
    *effective = bound;
  else
    g_object_unref (bound);
  return TRUE;
}

void
phonesec_web_listener_free (PhonesecWebListener *self)
{
  if (self == NULL)
    return;
  g_socket_service_stop (self->service);
  g_socket_listener_close (G_SOCKET_LISTENER (self->service));
  g_clear_object (&self->service);
  g_clear_signal_handler (&self->request_started, self->server);
  while (self->connections.head != NULL)
    {
      Connection *conn = self->connections.head->data;

      if (conn->state == STATE_HANDSHAKE
          || (conn->state == STATE_CLOSING && conn->cancellable != NULL))
        {
          /* A worker thread holds it, and its callback would come from a
           * main loop that will not run again: stop the worker, forget it. */
          g_cancellable_cancel (conn->cancellable);
          g_queue_unlink (&self->connections, &conn->link);
          continue;
        }
      /* Still libsoup's (a message kept alive): forget it too. */
      if (conn->served != NULL)
        g_object_weak_unref (G_OBJECT (conn->served), stream_finalized, conn);
      connection_free (conn);
    }
  g_hash_table_unref (self->handshakes);
  phonesec_web_peers_free (self->peers);
  g_clear_object (&self->certificate);
  g_clear_object (&self->server);
  g_free (self);
}
