/* phonesec-netd-request.c: see the header.
 *
 * The request body is a feed stream filled by phonesecd's DATA frames;
 * each read by libsoup grants phonesecd more room (CREDIT). When libsoup
 * restarts the message (a redirect, a 407), the body must start over: a
 * new feed stream, a REWIND to phonesecd, and its DATA frames are dropped
 * until its REWOUND. The response body goes back as DATA frames, no more
 * than phonesecd's window allows. Exactly one END or FAIL ends a request,
 * and nothing is sent for it afterwards.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>
#include <unistd.h>

#include "phonesec-netd-feed-stream.h"
#include "phonesec-netd-request.h"
#include "phonesec-netd-tls-guard.h"

#define MAX_HEADER_BYTES (64 * 1024)

struct _PhonesecNetdRequest
{
  gatomicrefcount ref;
  const PhonesecNetdRequestHost *host;
  guint32 id;
  SoupMessage *message;
  GCancellable *cancellable;
  gboolean finished; /* END or FAIL sent */

  gboolean has_body;
  gboolean rewindable;
  gint64 length;
  PhonesecNetdFeedStream *body;
  gboolean file_body;  /* waits for BODY_FILE before it is sent */
  gboolean wants_cert; /* waits for CLIENT_CERT before it is sent */
  gboolean userinfo;   /* the URL carries credentials: forget them after */
  char *user;          /* the URL's, taken out of it: given to its own challenges */
  char *password;
  gboolean auth_refused; /* a Digest challenge under FIPS_Mode went unanswered */
  GBytes *file;          /* the body, mapped from the descriptor phonesecd passed */
  gboolean skipping;     /* DATA of a body being rewound */
  gboolean body_failed;
  gsize body_unacked;

  GInputStream *response;
  gint64 credit;
  gboolean reading;
  gboolean sent; /* handed to libsoup */
  gboolean head_sent;

  GTlsCertificate *client_cert; /* kept for a second attempt */
  gboolean looked_up;           /* the provisioning check's names were looked up */
  guint lookups;                /* of them, still running */
};

PhonesecNetdRequest *
phonesec_netd_request_ref (PhonesecNetdRequest *self)
{
  g_atomic_ref_count_inc (&self->ref);
  return self;
}

void
phonesec_netd_request_unref (PhonesecNetdRequest *self)
{
  if (!g_atomic_ref_count_dec (&self->ref))
    return;
  if (self->body != NULL)
    phonesec_netd_feed_stream_disconnect (self->body);
  g_clear_object (&self->body);
  g_clear_pointer (&self->file, g_bytes_unref);
  g_clear_object (&self->response);
  g_clear_object (&self->message);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client_cert);
  g_free (self->user);
  if (self->password != NULL)
    explicit_bzero (self->password, strlen (self->password));
  g_free (self->password);
  g_free (self);
}

/* --- the last frame -------------------------------------------------------------- */

static void
finish (PhonesecNetdRequest *self, GBytes *frame)
{
  if (self->finished)
    return;
  self->finished = TRUE;
  phonesec_netd_link_send (self->host->link, frame);
  if (self->response != NULL)
    g_input_stream_close_async (self->response, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  self->host->done (self->id, self->host->data);
}

static void
fail (PhonesecNetdRequest *self, PhonesecNetdFailKind kind, guint code, const char *message)
{
  g_autofree char *valid
      = g_utf8_make_valid (message, MIN (strlen (message), PHONESEC_NETD_MAX_MESSAGE));
  g_autoptr (GBytes) frame = phonesec_netd_frame_new_variant (
      PHONESEC_NETD_TO_DAEMON_FAIL, self->id, g_variant_new ("(uus)", kind, code, valid), FALSE);

  finish (self, frame);
}

static void
fail_with (PhonesecNetdRequest *self, const GError *error)
{
  const char *refused
      = self->message != NULL ? phonesec_netd_tls_guard_get_error (self->message) : NULL;

  if (refused != NULL)
    fail (self, PHONESEC_NETD_FAIL_TLS_REFUSED, 0, refused);
  else if (self->body_failed)
    fail (self, PHONESEC_NETD_FAIL_BODY, 0,
          _ ("the request had to be sent again (a redirect or an authentication challenge) "
             "but its body cannot be"));
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    fail (self, PHONESEC_NETD_FAIL_CANCELLED, 0, error->message);
  else if (error->domain == G_TLS_ERROR)
    fail (self, PHONESEC_NETD_FAIL_TLS, error->code, error->message);
  else if (error->domain == G_IO_ERROR)
    fail (self, PHONESEC_NETD_FAIL_IO, error->code, error->message);
  else if (error->domain == G_RESOLVER_ERROR)
    fail (self, PHONESEC_NETD_FAIL_IO, G_IO_ERROR_HOST_NOT_FOUND, error->message);
  else if (error->domain == SOUP_SESSION_ERROR)
    fail (self, PHONESEC_NETD_FAIL_HTTP, error->code, error->message);
  else
    fail (self, PHONESEC_NETD_FAIL_IO, G_IO_ERROR_FAILED, error->message);
}

/* --- the response --------------------------------------------------------------- */

static void pump_response (PhonesecNetdRequest *self);
static void send_data (PhonesecNetdRequest *self, const guint8 *data, gsize len);

static void
on_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PhonesecNetdRequest *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) chunk
      = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);

  self->reading = FALSE;
  if (self->finished)
    ;
  else if (chunk == NULL)
    fail_with (self, error);
  else if (g_bytes_get_size (chunk) == 0)
    {
      g_autoptr (GBytes) end
          = phonesec_netd_frame_new (PHONESEC_NETD_TO_DAEMON_END, self->id, NULL, 0);
      finish (self, end);
    }
  else
    {
      gsize len;
      gconstpointer data = g_bytes_get_data (chunk, &len);

      send_data (self, data, len);
      pump_response (self);
    }
  phonesec_netd_request_unref (self);
}

static void
send_data (PhonesecNetdRequest *self, const guint8 *data, gsize len)
{
  g_autoptr (GBytes) frame
      = phonesec_netd_frame_new (PHONESEC_NETD_TO_DAEMON_DATA, self->id, data, len);

  self->credit -= len;
  phonesec_netd_link_send (self->host->link, frame);
}

/* Takes what the response stream already holds without waiting, so that
 * it leaves with the frames before it (HEAD, then DATA and END of a short
 * answer): one wake-up of phonesecd rather than one per frame. FALSE when
 * the stream has to be waited for. */
static gboolean
read_ready (PhonesecNetdRequest *self)
{
  GPollableInputStream *pollable;

  if (!G_IS_POLLABLE_INPUT_STREAM (self->response)
      || !g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (self->response)))
    return FALSE;
  pollable = G_POLLABLE_INPUT_STREAM (self->response);
  while (!self->finished && self->credit > 0)
    {
      g_autoptr (GError) error = NULL;
      gsize want = MIN (self->credit, PHONESEC_NETD_CHUNK_MAX);
      g_autofree guint8 *buffer = g_malloc (want);
      gssize n = g_pollable_input_stream_read_nonblocking (pollable, buffer, want,
                                                           self->cancellable, &error);

      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return FALSE;
      if (n < 0)
        fail_with (self, error);
      else if (n == 0)
        {
          g_autoptr (GBytes) end
              = phonesec_netd_frame_new (PHONESEC_NETD_TO_DAEMON_END, self->id, NULL, 0);
          finish (self, end);
        }
      else
        send_data (self, buffer, n);
    }
  return TRUE;
}

/* Reads the next chunk when phonesecd has room for it. */
static void
pump_response (PhonesecNetdRequest *self)
{
  gboolean done;

  if (self->finished || self->reading || self->response == NULL || self->credit <= 0)
    return;
  phonesec_netd_request_ref (self);
  done = read_ready (self);
  phonesec_netd_request_unref (self);
  if (done)
    return;
  self->reading = TRUE;
  g_input_stream_read_bytes_async (self->response, MIN (self->credit, PHONESEC_NETD_CHUNK_MAX),
                                   G_PRIORITY_DEFAULT, self->cancellable, on_read,
                                   phonesec_netd_request_ref (self));
}

typedef struct
{
  GVariantBuilder *builder;
  guint count;
  gsize bytes;
} Headers;

static void
add_header (const char *name, const char *value, gpointer user_data)
{
  Headers *h = user_data;
  g_autofree char *valid = NULL;

  /* What the server sent, made fit for the channel: the daemon refuses
   * anything else. */
  if (!phonesec_netd_check_header_name (name))
    return;
  valid = g_utf8_make_valid (value, MIN (strlen (value), 8192));
  g_strdelimit (valid, "\r\n", ' ');
  h->count++;
  h->bytes += strlen (name) + strlen (valid) + 16;
  if (h->count <= PHONESEC_NETD_MAX_HEADERS)
    g_variant_builder_add (h->builder, "(ss)", name, valid);
}

/* Who answered (the address the connection went to; the proxy's through
 * one): callers report it, provisioning's LastServer and $SERVIP. */
static GVariant *
add_remote_address (PhonesecNetdRequest *self, GVariant *info)
{
  GSocketAddress *remote = soup_message_get_remote_address (self->message);
  g_autoptr (GVariant) owned = info;
  GVariantDict dict;

  g_variant_dict_init (&dict, info);
  if (remote != NULL && G_IS_INET_SOCKET_ADDRESS (remote))
    {
      GInetSocketAddress *inet = G_INET_SOCKET_ADDRESS (remote);
      g_autofree char *ip = g_inet_address_to_string (g_inet_socket_address_get_address (inet));
      gboolean v6 = g_inet_address_get_family (g_inet_socket_address_get_address (inet))
                    == G_SOCKET_FAMILY_IPV6;
      g_autofree char *text = g_strdup_printf ("%s%s%s:%u", v6 ? "[" : "", ip, v6 ? "]" : "",
                                               g_inet_socket_address_get_port (inet));

      g_variant_dict_insert (&dict, "remote-address", "s", text);
    }
  return g_variant_ref_sink (g_variant_dict_end (&dict));
}

static gboolean
send_head (PhonesecNetdRequest *self)
{
  SoupMessageHeaders *response = soup_message_get_response_headers (self->message);
  GVariantBuilder builder;
  Headers headers = { &builder, 0, 0 };
  const char *reason = soup_message_get_reason_phrase (self->message);
  g_autofree char *valid_reason = NULL;
  g_autoptr (GVariant) info = phonesec_netd_tls_guard_dup_info (self->message);
  g_autoptr (GBytes) frame = NULL;
  gint64 length = -1;
  guint status = soup_message_get_status (self->message);

  if (status == SOUP_STATUS_UNAUTHORIZED && self->auth_refused)
    {
      fail (self, PHONESEC_NETD_FAIL_HTTP, status,
            _ ("the server asks for Digest authentication (MD5), which FIPS_Mode does not allow: "
               "the credentials were not sent"));
      return FALSE;
    }
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ss)"));
  soup_message_headers_foreach (response, add_header, &headers);
  if (headers.count > PHONESEC_NETD_MAX_HEADERS || headers.bytes > MAX_HEADER_BYTES || status < 100
      || status > 599)
    {
      g_variant_builder_clear (&builder);
      fail (self, PHONESEC_NETD_FAIL_HTTP, 0,
            _ ("the server's answer has too many headers, or too large ones, or a bad status"));
      return FALSE;
    }
  if (soup_message_headers_get_encoding (response) == SOUP_ENCODING_CONTENT_LENGTH)
    length = soup_message_headers_get_content_length (response);
  valid_reason = g_utf8_make_valid (reason != NULL ? reason : "",
                                    reason != NULL ? MIN (strlen (reason), 200) : 0);
  g_strdelimit (valid_reason, "\r\n", ' ');
  info = add_remote_address (self, info);
  frame = phonesec_netd_frame_new_variant (PHONESEC_NETD_TO_DAEMON_HEAD, self->id,
                                           g_variant_new ("(us@a(ss)x@a{sv})", status, valid_reason,
                                                          g_variant_builder_end (&builder), length,
                                                          info),
                                           FALSE);
  phonesec_netd_link_send (self->host->link, frame);
  self->head_sent = TRUE;
  self->credit = PHONESEC_NETD_WINDOW;
  return TRUE;
}

/* libsoup's auth manager keeps what answered a challenge for the next
 * requests to that server, whoever makes them: a URL's credentials are
 * for its own request only. (The proxy's are not in that cache.) */
static void
forget_credentials (PhonesecNetdRequest *self, SoupSession *session)
{
  SoupSessionFeature *manager;

  if (!self->userinfo)
    return;
  manager = soup_session_get_feature (session, SOUP_TYPE_AUTH_MANAGER);
  if (manager != NULL)
    soup_auth_manager_clear_cached_credentials (SOUP_AUTH_MANAGER (manager));
}

static void on_restarted (SoupMessage *message, gpointer user_data);
static void send_message (PhonesecNetdRequest *self);

/* The URL's credentials answer its server's challenge, once. Digest is
 * MD5 in libsoup: under FIPS_Mode it is not answered (send_head() says
 * why). The proxy's challenges are phonesec-netd-proxy-auth.c's. */
static gboolean
on_authenticate (SoupMessage *message, SoupAuth *auth, gboolean retrying, gpointer user_data)
{
  PhonesecNetdRequest *self = user_data;

  if (soup_auth_is_for_proxy (auth) || self->user == NULL || retrying)
    return FALSE;
  if (self->host->fips && G_TYPE_CHECK_INSTANCE_TYPE (auth, SOUP_TYPE_AUTH_DIGEST))
    {
      self->auth_refused = TRUE;
      return FALSE;
    }
  soup_auth_authenticate (auth, self->user, self->password != NULL ? self->password : "");
  return TRUE;
}

/* Credentials out of the URL and into the request: libsoup would answer
 * any scheme with them, without asking. */
static void
take_credentials (PhonesecNetdRequest *self)
{
  GUri *uri = soup_message_get_uri (self->message);
  g_autoptr (GUri) bare = NULL;

  self->userinfo = g_uri_get_user (uri) != NULL;
  if (!self->userinfo)
    return;
  self->user = g_uri_unescape_string (g_uri_get_user (uri), NULL);
  if (g_uri_get_password (uri) != NULL)
    self->password = g_uri_unescape_string (g_uri_get_password (uri), NULL);
  bare = soup_uri_copy (uri, SOUP_URI_USER, NULL, SOUP_URI_PASSWORD, NULL, SOUP_URI_NONE);
  soup_message_set_uri (self->message, bare);
}

static void
copy_header (const char *name, const char *value, gpointer user_data)
{
  soup_message_headers_append (user_data, name, value);
}

/* The same request in a new message: libsoup is not asked to send a
 * message again after it failed. */
static void
renew_message (PhonesecNetdRequest *self)
{
  g_autoptr (SoupMessage) old = g_steal_pointer (&self->message);

  self->message
      = soup_message_new_from_uri (soup_message_get_method (old), soup_message_get_uri (old));
  soup_message_headers_foreach (soup_message_get_request_headers (old), copy_header,
                                soup_message_get_request_headers (self->message));
  soup_message_set_flags (self->message, soup_message_get_flags (old));
  if (self->client_cert != NULL)
    soup_message_set_tls_client_certificate (self->message, self->client_cert);
  phonesec_netd_tls_guard_copy_provisioning (old, self->message);
  g_signal_handlers_disconnect_by_data (old, self);
  g_signal_connect (self->message, "restarted", G_CALLBACK (on_restarted), self);
  g_signal_connect (self->message, "authenticate", G_CALLBACK (on_authenticate), self);
}

typedef struct
{
  PhonesecNetdRequest *request; /* a reference */
  char *name;
} Lookup;

static void
on_looked_up (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Lookup *lookup = user_data;
  PhonesecNetdRequest *self = lookup->request;
  g_autoptr (GError) error = NULL;
  GList *addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (source), result, &error);

  /* A name that does not resolve has no address: the check says so. */
  if (!self->finished)
    phonesec_netd_tls_guard_add_addresses (self->message, lookup->name, addresses);
  g_resolver_free_addresses (addresses);
  if (--self->lookups == 0 && !self->finished)
    {
      if (g_cancellable_is_cancelled (self->cancellable))
        fail (self, PHONESEC_NETD_FAIL_CANCELLED, 0, _ ("cancelled"));
      else
        {
          renew_message (self);
          send_message (self);
        }
    }
  phonesec_netd_request_unref (self);
  g_free (lookup->name);
  g_free (lookup);
}

/* A provisioning request refused only because its certificate's names
 * had not been looked up: looks them up (asynchronously: never inside a
 * handshake) and tries once more. A request with a body is not sent
 * twice. */
static gboolean
look_up_and_retry (PhonesecNetdRequest *self)
{
  g_auto (GStrv) names = phonesec_netd_tls_guard_steal_missing_names (self->message);
  g_autoptr (GResolver) resolver = NULL;

  if (names == NULL || self->looked_up || self->has_body)
    return FALSE;
  self->looked_up = TRUE;
  resolver = g_resolver_get_default ();
  for (guint i = 0; names[i] != NULL; i++)
    {
      Lookup *lookup = g_new0 (Lookup, 1);

      lookup->request = phonesec_netd_request_ref (self);
      lookup->name = g_strdup (names[i]);
      self->lookups++;
      g_resolver_lookup_by_name_async (resolver, names[i], self->cancellable, on_looked_up, lookup);
    }
  return TRUE;
}

static void
on_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PhonesecNetdRequest *self = user_data;
  g_autoptr (GError) error = NULL;
  GInputStream *stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);

  forget_credentials (self, SOUP_SESSION (source));
  if (self->finished)
    g_clear_object (&stream);
  else if (stream == NULL && look_up_and_retry (self))
    g_debug ("request %u: looking up its server certificate's names", self->id);
  else if (stream == NULL)
    fail_with (self, error);
  else
    {
      self->response = stream;
      if (send_head (self))
        pump_response (self);
    }
  phonesec_netd_request_unref (self);
}

/* --- the request body ------------------------------------------------------------- */

static void
on_body_consumed (PhonesecNetdFeedStream *feed, gsize consumed, gpointer user_data)
{
  PhonesecNetdRequest *self = user_data;

  if (self->finished || feed != self->body)
    return;
  self->body_unacked += consumed;
  if (self->body_unacked >= PHONESEC_NETD_UPLOAD_CHUNK_MAX
      || phonesec_netd_feed_stream_get_buffered (feed) == 0)
    {
      g_autoptr (GBytes) frame = phonesec_netd_frame_new_variant (
          PHONESEC_NETD_TO_DAEMON_CREDIT, self->id,
          g_variant_new ("(u)", (guint32) self->body_unacked), FALSE);

      self->body_unacked = 0;
      phonesec_netd_link_send (self->host->link, frame);
    }
}

static void
set_body (PhonesecNetdRequest *self)
{
  if (self->body != NULL)
    phonesec_netd_feed_stream_disconnect (self->body);
  g_clear_object (&self->body);
  self->body = phonesec_netd_feed_stream_new ();
  self->body_unacked = 0;
  phonesec_netd_feed_stream_set_funcs (self->body, on_body_consumed, NULL, self);
  /* The Content-Type came with the headers. */
  soup_message_set_request_body (self->message, NULL, G_INPUT_STREAM (self->body), self->length);
}

/* libsoup sends the message again (a redirect, an authentication
 * challenge) and dropped its body. */
static void
on_restarted (SoupMessage *message, gpointer user_data)
{
  PhonesecNetdRequest *self = user_data;
  g_autoptr (GBytes) frame = NULL;

  if (!self->has_body || self->finished)
    return;
  /* A file is read again from the start by ourselves. */
  if (self->file != NULL)
    {
      soup_message_set_request_body_from_bytes (self->message, NULL, self->file);
      return;
    }
  if (!self->rewindable)
    {
      self->body_failed = TRUE;
      g_cancellable_cancel (self->cancellable);
      return;
    }
  set_body (self);
  self->skipping = TRUE;
  frame = phonesec_netd_frame_new (PHONESEC_NETD_TO_DAEMON_REWIND, self->id, NULL, 0);
  phonesec_netd_link_send (self->host->link, frame);
}

void
phonesec_netd_request_body_data (PhonesecNetdRequest *self, const guint8 *data, gsize len)
{
  g_autoptr (GBytes) chunk = NULL;

  if (self->finished || self->skipping || self->body == NULL || len == 0)
    return;
  /* phonesecd keeps to the window; a bug there must not grow us. */
  if (phonesec_netd_feed_stream_get_buffered (self->body) + len > PHONESEC_NETD_MAX_CREDIT)
    {
      g_critical ("phonesecd sent request %u more body than its window", self->id);
      g_cancellable_cancel (self->cancellable);
      return;
    }
  chunk = g_bytes_new (data, len);
  phonesec_netd_feed_stream_push (self->body, chunk);
}

void
phonesec_netd_request_body_end (PhonesecNetdRequest *self)
{
  if (!self->finished && !self->skipping && self->body != NULL)
    phonesec_netd_feed_stream_push_end (self->body);
}

void
phonesec_netd_request_body_rewound (PhonesecNetdRequest *self)
{
  self->skipping = FALSE;
}

void
phonesec_netd_request_credit (PhonesecNetdRequest *self, guint32 more)
{
  if (self->finished)
    return;
  self->credit += more;
  pump_response (self);
}

void
phonesec_netd_request_cancel (PhonesecNetdRequest *self)
{
  if (self->finished)
    return;
  g_cancellable_cancel (self->cancellable);
  /* Waiting for its file or for room, nothing pending would report it:
   * end now. */
  if (!self->sent || (self->head_sent && !self->reading))
    fail (self, PHONESEC_NETD_FAIL_CANCELLED, 0, _ ("cancelled"));
}

static void
send_message (PhonesecNetdRequest *self)
{
  self->sent = TRUE;
  soup_session_send_async (self->host->session, self->message, G_PRIORITY_DEFAULT,
                           self->cancellable, on_sent, phonesec_netd_request_ref (self));
}

/* Sends once what the request waits for (its file, its certificate) is in. */
static void
send_when_complete (PhonesecNetdRequest *self)
{
  if (self->finished || self->sent || self->wants_cert || (self->file_body && self->file == NULL))
    return;
  send_message (self);
}

void
phonesec_netd_request_body_file (PhonesecNetdRequest *self, int fd, guint64 offset, guint64 length)
{
  g_autoptr (GMappedFile) mapped = NULL;
  g_autoptr (GBytes) whole = NULL;
  g_autoptr (GError) error = NULL;

  if (self->finished || !self->file_body || self->file != NULL || fd < 0)
    {
      if (fd >= 0)
        close (fd);
      if (!self->finished)
        fail (self, PHONESEC_NETD_FAIL_BODY, 0, _ ("the request body's file did not come"));
      return;
    }
  /* Mapped, not read: the pages come from the page cache as libsoup
   * sends them, and the body never sits whole in memory of its own. */
  mapped = g_mapped_file_new_from_fd (fd, FALSE, &error);
  close (fd);
  if (mapped != NULL)
    whole = g_mapped_file_get_bytes (mapped);
  if (whole == NULL || offset > g_bytes_get_size (whole)
      || length > g_bytes_get_size (whole) - offset)
    {
      fail (self, PHONESEC_NETD_FAIL_BODY, 0,
            error != NULL ? error->message : _ ("the request body's file is shorter than said"));
      return;
    }
  self->file = g_bytes_new_from_bytes (whole, offset, length);
  soup_message_set_request_body_from_bytes (self->message, NULL, self->file);
  send_when_complete (self);
}

void
phonesec_netd_request_client_cert (PhonesecNetdRequest *self, const guint8 *pem, gsize len)
{
  g_autoptr (GTlsCertificate) cert = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *copy = NULL;

  if (self->finished)
    return;
  if (!self->wants_cert || self->sent || len == 0 || len > PHONESEC_NETD_MAX_CLIENT_CERT)
    {
      fail (self, PHONESEC_NETD_FAIL_REQUEST, 0, _ ("the client certificate came unasked"));
      return;
    }
  copy = g_strndup ((const char *) pem, len);
  cert = g_tls_certificate_new_from_pem (copy, -1, &error);
  explicit_bzero (copy, len);
  /* Never the PEM nor GnuTLS's words about it: a key was in there. */
  if (cert == NULL)
    {
      fail (self, PHONESEC_NETD_FAIL_REQUEST, 0,
            _ ("the client certificate or its key does not load"));
      return;
    }
  soup_message_set_tls_client_certificate (self->message, cert);
  g_set_object (&self->client_cert, cert);
  /* libsoup does not tell connections apart by the certificate they
   * presented: this one neither reuses another's nor is reused. */
  soup_message_add_flags (self->message, SOUP_MESSAGE_NEW_CONNECTION);
  soup_message_headers_replace (soup_message_get_request_headers (self->message), "Connection",
                                "close");
  self->wants_cert = FALSE;
  send_when_complete (self);
}

gboolean
phonesec_netd_request_is_finished (PhonesecNetdRequest *self)
{
  return self->finished;
}

/* --- start ------------------------------------------------------------------------ */

PhonesecNetdRequest *
phonesec_netd_request_start (const PhonesecNetdRequestHost *host, guint32 id, GVariant *value)
{
  PhonesecNetdRequest *self = g_new0 (PhonesecNetdRequest, 1);
  g_autoptr (GVariant) headers = NULL;
  g_autoptr (GError) error = NULL;
  const char *method, *url, *name, *header;
  guint32 flags, timeout;
  GVariantIter iter;

  g_atomic_ref_count_init (&self->ref);
  self->host = host;
  self->id = id;
  self->cancellable = g_cancellable_new ();
  g_variant_get (value, "(&s&s@a(ss)xuu)", &method, &url, &headers, &self->length, &flags,
                 &timeout);
  self->has_body = (flags & PHONESEC_NETD_REQUEST_HAS_BODY) != 0;
  self->rewindable = (flags & PHONESEC_NETD_REQUEST_REWINDABLE) != 0;
  self->file_body = self->has_body && (flags & PHONESEC_NETD_REQUEST_BODY_FILE) != 0;
  self->wants_cert = (flags & PHONESEC_NETD_REQUEST_CLIENT_CERT) != 0;
  if (!phonesec_netd_check_method (method) || !phonesec_netd_check_headers (headers, &error)
      || (self->message = soup_message_new (method, url)) == NULL)
    {
      fail (self, PHONESEC_NETD_FAIL_REQUEST, 0, _ ("not a request the phone can send"));
      return self;
    }
  g_variant_iter_init (&iter, headers);
  while (g_variant_iter_next (&iter, "(&s&s)", &name, &header))
    soup_message_headers_append (soup_message_get_request_headers (self->message), name, header);
  if (flags & PHONESEC_NETD_REQUEST_NO_REDIRECT)
    soup_message_add_flags (self->message, SOUP_MESSAGE_NO_REDIRECT);
  if (flags & PHONESEC_NETD_REQUEST_NEW_CONNECTION)
    soup_message_add_flags (self->message, SOUP_MESSAGE_NEW_CONNECTION);
  if (flags & PHONESEC_NETD_REQUEST_PROVISIONING)
    phonesec_netd_tls_guard_set_provisioning (self->message);
  g_signal_connect (self->message, "restarted", G_CALLBACK (on_restarted), self);
  g_signal_connect (self->message, "authenticate", G_CALLBACK (on_authenticate), self);
  take_credentials (self);
  if (self->has_body && !self->file_body)
    set_body (self);
  /* A file body waits for its descriptor (BODY_FILE), a client
   * certificate for its CLIENT_CERT. */
  send_when_complete (self);
  return self;
}
