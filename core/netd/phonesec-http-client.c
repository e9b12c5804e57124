/* phonesec-http-client.c: the SDK's HTTP requests, carried to the network
 * service.
 *
 * A call is one request, numbered by an id unique for the client's life.
 * It waits (queued) until a helper is ready, is sent to it (its REQUEST,
 * then its body as the helper grants room), gets its HEAD (the send task
 * completes with a response whose body stream the DATA frames fill) and
 * ends with the helper's END or FAIL, even after our CANCEL: a call stays
 * known until then, so every frame the helper sends names a call we know
 * in a state where that frame can come, or it is a violation.
 *
 * A helper that goes away takes its calls with it: one without a HEAD is
 * sent again, once, to the next helper if its body can start over; the
 * others fail with PHONESEC_HTTP_ERROR_SERVICE_RESTARTED.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <fcntl.h>
#include <gio/gfiledescriptorbased.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <unistd.h>

#include "phonesec-http-private.h"

/* A queued request waits this long for a helper to be ready. */
#define QUEUE_TIMEOUT_S 30
#define CONSUMED_ACK (PHONESEC_NETD_CHUNK_MAX)
#define LOG_LINES_PER_MINUTE 60
#define DEFAULT_TIMEOUT_S 60

typedef enum
{
  CALL_QUEUED,
  CALL_SENT,       /* waiting for HEAD */
  CALL_STREAMING,  /* HEAD in, body coming */
  CALL_CANCELLING, /* CANCEL sent: waiting for END or FAIL */
} CallState;

typedef struct
{
  gatomicrefcount ref;
  PhonesecHttpClient *client; /* NULL once the call is over */
  guint32 id;
  guint generation; /* of the helper it was sent to */
  CallState state;
  PhonesecHttpRequest *request;
  GTask *task; /* until HEAD or failure */
  GSource *cancel_source;
  guint queue_timer;
  guint attempts;

  GInputStream *body;
  gint64 body_length;
  gboolean body_rewindable;
  gboolean body_file;  /* passed to the helper as a descriptor */
  goffset body_offset; /* where it starts in its file */
  gint64 body_credit;
  gboolean body_reading;
  gboolean body_done;
  gboolean body_needs_seek;
  guint body_epoch; /* a read from an older epoch is dropped */
  gboolean rewind_wanted;

  PhonesecNetdFeedStream *feed;
  gint64 response_credit;
  gsize consumed_unacked;
} Call;

typedef struct
{
  PhonesecHttpClient *client;
  guint generation;
  guint32 id;
  GCancellable *cancellable;
} Lookup;

struct _PhonesecHttpClient
{
  GObject parent_instance;

  PhonesecNetdSupervisor *supervisor;
  GProxyResolver *resolver;
  PhonesecMetrics *metrics;
  GHashTable *calls;   /* id → Call* */
  GHashTable *lookups; /* id → Lookup* (the current helper's) */
  guint32 next_id;

  char *priority;
  char *min_version;
  char *cipher_list;
  gboolean fips;
  char *trust_path;

  gboolean auth_enabled;
  char *auth_proxy;
  char *auth_user;
  PhonesecSecret *auth_password;
  gboolean auth_fips;

  gint64 log_window;
  guint log_lines;
  gboolean demote_warnings; /* a test's own client: its logs are debug */
  gboolean shut_down;
};

enum
{
  SIGNAL_PROXY_AUTH_EVENT,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PhonesecHttpClient, phonesec_http_client, G_TYPE_OBJECT)

static void pump_body (Call *call);
static void transmit (PhonesecHttpClient *self, Call *call);

/* --- calls ------------------------------------------------------------------- */

static Call *
call_ref (Call *call)
{
  g_atomic_ref_count_inc (&call->ref);
  return call;
}

static void
call_unref (Call *call)
{
  if (!g_atomic_ref_count_dec (&call->ref))
    return;
  g_assert (call->task == NULL);
  g_clear_object (&call->request);
  if (call->feed != NULL)
    phonesec_netd_feed_stream_disconnect (call->feed);
  g_clear_object (&call->feed);
  g_free (call);
}

static void
drop_cancel_source (Call *call)
{
  if (call->cancel_source != NULL)
    {
      g_source_destroy (call->cancel_source);
      g_clear_pointer (&call->cancel_source, g_source_unref);
    }
}

static void
send_frame (PhonesecHttpClient *self, GBytes *frame)
{
  if (self->supervisor != NULL)
    phonesec_netd_supervisor_send (self->supervisor, frame);
}

static void
send_empty (PhonesecHttpClient *self, guint8 type, guint32 id)
{
  g_autoptr (GBytes) frame = phonesec_netd_frame_new (type, id, NULL, 0);

  send_frame (self, frame);
}

/* Takes @call out of the client: no frame reaches it after this. */
static void
call_forget (Call *call)
{
  PhonesecHttpClient *self = call->client;

  if (self == NULL)
    return;
  call->client = NULL;
  drop_cancel_source (call);
  g_clear_handle_id (&call->queue_timer, g_source_remove);
  if (call->feed != NULL)
    phonesec_netd_feed_stream_disconnect (call->feed);
  if (self->metrics != NULL)
    phonesec_metrics_counter_add (self->metrics, "core.http.requests", 1);
  g_hash_table_remove (self->calls, GUINT_TO_POINTER (call->id)); /* unrefs */
}

/* Ends the call's send task with @error (taken). */
static void
call_fail_task (Call *call, GError *error)
{
  GTask *task = g_steal_pointer (&call->task);

  if (task == NULL)
    {
      g_error_free (error);
      return;
    }
  g_task_return_error (task, error);
  g_object_unref (task);
}

/* The call fails for good: its task, or its body stream once it has one. */
static void
call_fail (Call *call, GError *error)
{
  if (call->feed != NULL && call->task == NULL)
    {
      phonesec_netd_feed_stream_push_error (call->feed, error);
      g_error_free (error);
    }
  else
    call_fail_task (call, error);
}

static GError *
error_from_helper (guint32 kind, guint32 code, const char *message)
{
  g_autofree char *clean = phonesec_netd_clean_text (message, PHONESEC_NETD_MAX_MESSAGE);

  switch (kind)
    {
      case PHONESEC_NETD_FAIL_IO:
        /* Only codes GIO has (and not a cancellation: that has its kind). */
        if (code > G_IO_ERROR_MESSAGE_TOO_LARGE || code == G_IO_ERROR_CANCELLED)
          code = G_IO_ERROR_FAILED;
        return g_error_new_literal (G_IO_ERROR, code, clean);
      case PHONESEC_NETD_FAIL_TLS:
        return g_error_new_literal (PHONESEC_HTTP_ERROR, PHONESEC_HTTP_ERROR_TLS, clean);
      case PHONESEC_NETD_FAIL_TLS_REFUSED:
        return g_error_new_literal (PHONESEC_HTTP_ERROR, PHONESEC_HTTP_ERROR_TLS_REFUSED, clean);
      case PHONESEC_NETD_FAIL_BODY:
        return g_error_new_literal (PHONESEC_HTTP_ERROR, PHONESEC_HTTP_ERROR_BODY, clean);
      case PHONESEC_NETD_FAIL_CANCELLED:
        return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, clean);
      case PHONESEC_NETD_FAIL_REQUEST:
        return g_error_new_literal (PHONESEC_HTTP_ERROR, PHONESEC_HTTP_ERROR_INVALID_REQUEST,
                                    clean);
      default:
        return g_error_new_literal (PHONESEC_HTTP_ERROR, PHONESEC_HTTP_ERROR_FAILED, clean);
    }
}

/* The caller gave up (its cancellable, or it closed the body early). */
static void
call_cancel (Call *call)
{
  PhonesecHttpClient *self = call->client;

  if (self == NULL)
    return;
  drop_cancel_source (call);
  call_fail_task (call, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                             _ ("The request was cancelled")));
  if (call->state == CALL_QUEUED)
    {
      call_forget (call);
      return;
    }
  if (call->state != CALL_CANCELLING)
    {
      call->state = CALL_CANCELLING;
      send_empty (self, PHONESEC_NETD_TO_HELPER_CANCEL, call->id);
    }
}

static gboolean
on_cancelled (GCancellable *cancellable, gpointer user_data)
{
  call_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static gboolean
on_queue_timeout (gpointer user_data)
{
  Call *call = user_data;

  call->queue_timer = 0;
  call_fail (call,
             g_error_new (PHONESEC_HTTP_ERROR, PHONESEC_HTTP_ERROR_SERVICE_UNAVAILABLE,
                          _ ("The network service did not start within %u s"), QUEUE_TIMEOUT_S));
  call_forget (call);
  return G_SOURCE_REMOVE;
}

/* --- request bodies ------------------------------------------------------------ */

typedef struct
{
  Call *call;
  guint epoch;
  guint8 *frame; /* header, then the chunk read into its place */
} BodyRead;

static void
on_body_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  BodyRead *read = user_data;
  Call *call = read->call;
  g_autoptr (GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  PhonesecHttpClient *self = call->client;

  call->body_reading = FALSE;
  if (self == NULL || (call->state != CALL_SENT && call->state != CALL_STREAMING))
    goto out;
  if (read->epoch != call->body_epoch)
    {
      /* Read for a transmission or a start that is over. */
      pump_body (call);
      goto out;
    }
  if (n < 0)
    {
      g_autofree char *why
          = g_strdup_printf (_ ("The request body could not be read: %s"), error->message);

      call_fail (call, g_error_new_literal (PHONESEC_HTTP_ERROR, PHONESEC_HTTP_ERROR_BODY, why));
      call->state = CALL_CANCELLING;
      send_empty (self, PHONESEC_NETD_TO_HELPER_CANCEL, call->id);
      goto out;
    }
  if (n == 0)
    {
      call->body_done = TRUE;
      send_empty (self, PHONESEC_NETD_TO_HELPER_BODY_END, call->id);
      goto out;
    }
  {
    guint32 length = GUINT32_TO_BE ((guint32) (n + PHONESEC_NETD_HEADER_SIZE - 4));
    g_autoptr (GBytes) frame = NULL;

    /* The chunk was read in place: only its length is new. */
    memcpy (read->frame, &length, 4);
    frame = g_bytes_new_with_free_func (read->frame, PHONESEC_NETD_HEADER_SIZE + n, g_free,
                                        read->frame);
    read->frame = NULL;
    call->body_credit -= n;
    send_frame (self, frame);
  }
  pump_body (call);
out:
  call_unref (call);
  g_free (read->frame);
  g_free (read);
}

/* Reads the next chunk of the body when the helper has room for it. */
static void
pump_body (Call *call)
{
  PhonesecHttpClient *self = call->client;
  BodyRead *read;
  gsize want;

  if (self == NULL || call->body == NULL || call->body_file || call->body_reading
      || (call->state != CALL_SENT && call->state != CALL_STREAMING))
    return;
  if (call->rewind_wanted || call->body_needs_seek)
    {
      g_autoptr (GError) error = NULL;

      if (!g_seekable_seek (G_SEEKABLE (call->body), 0, G_SEEK_SET, NULL, &error))
        {
          call_fail (call, g_error_new (PHONESEC_HTTP_ERROR, PHONESEC_HTTP_ERROR_BODY,
                                        _ ("The request body could not be sent again: %s"),
                                        error->message));
          call->state = CALL_CANCELLING;
          send_empty (self, PHONESEC_NETD_TO_HELPER_CANCEL, call->id);
          return;
        }
      if (call->rewind_wanted)
        send_empty (self, PHONESEC_NETD_TO_HELPER_BODY_REWOUND, call->id);
      call->rewind_wanted = FALSE;
      call->body_needs_seek = FALSE;
      call->body_credit = PHONESEC_NETD_UPLOAD_WINDOW;
      call->body_done = FALSE;
    }
  if (call->body_done || call->body_credit <= 0 || self->supervisor == NULL
      || phonesec_netd_supervisor_is_congested (self->supervisor))
    return;
  want = (gsize) MIN (call->body_credit, PHONESEC_NETD_UPLOAD_CHUNK_MAX);
  call->body_reading = TRUE;
  /* The epoch goes with the read: one for a transmission or a start that
   * is over is recognised and dropped. The chunk is read straight into
   * its frame. */
  read = g_new0 (BodyRead, 1);
  read->call = call_ref (call);
  read->epoch = call->body_epoch;
  {
    g_autoptr (GBytes) header
        = phonesec_netd_frame_new (PHONESEC_NETD_TO_HELPER_BODY_DATA, call->id, NULL, 0);

    read->frame = g_malloc (PHONESEC_NETD_HEADER_SIZE + want);
    memcpy (read->frame, g_bytes_get_data (header, NULL), PHONESEC_NETD_HEADER_SIZE);
  }
  g_input_stream_read_async (call->body, read->frame + PHONESEC_NETD_HEADER_SIZE, want,
                             G_PRIORITY_DEFAULT, NULL, on_body_read, read);
}

/* --- sending -------------------------------------------------------------------- */

/* A body read from a file goes as the file itself: a read-only descriptor
 * the helper reads (and reads again) from, with no copy through the
 * channel. Any seekable stream on a descriptor of known length will do. */
static gboolean
body_is_file (Call *call)
{
  return call->body != NULL && call->body_length >= 0 && G_IS_FILE_DESCRIPTOR_BASED (call->body)
         && G_IS_SEEKABLE (call->body) && g_seekable_can_seek (G_SEEKABLE (call->body));
}

static void
send_body_file (PhonesecHttpClient *self, Call *call)
{
  int fd = g_file_descriptor_based_get_fd (G_FILE_DESCRIPTOR_BASED (call->body));
  g_autofree char *path = g_strdup_printf ("/proc/self/fd/%d", fd);
  g_autoptr (GBytes) frame = phonesec_netd_frame_new_variant (
      PHONESEC_NETD_TO_HELPER_BODY_FILE, call->id,
      g_variant_new ("(tt)", (guint64) call->body_offset, (guint64) call->body_length), FALSE);
  /* A descriptor of its own, read-only whatever the caller opened. */
  int passed = open (path, O_RDONLY | O_CLOEXEC);

  if (passed < 0)
    passed = dup (fd);
  if (self->supervisor != NULL)
    phonesec_netd_supervisor_send_with_fd (self->supervisor, frame, passed);
  else if (passed >= 0)
    close (passed);
  call->body_done = TRUE;
}

/* The PEM follows the REQUEST that announced it, zeroed once written. */
static void
send_client_cert (PhonesecHttpClient *self, Call *call)
{
  PhonesecSecret *pem = phonesec_http_request_get_client_certificate (call->request);
  g_autoptr (GBytes) frame = NULL;
  const char *text;

  if (pem == NULL)
    return;
  text = phonesec_secret_peek (pem);
  frame = phonesec_netd_frame_new_secret (PHONESEC_NETD_TO_HELPER_CLIENT_CERT, call->id, text,
                                          strlen (text));
  send_frame (self, frame);
}

static void
transmit (PhonesecHttpClient *self, Call *call)
{
  guint32 flags = (call->body_rewindable ? PHONESEC_NETD_REQUEST_REWINDABLE : 0)
                  | (call->body_file ? PHONESEC_NETD_REQUEST_BODY_FILE : 0);
  g_autoptr (GBytes) frame = phonesec_netd_frame_new_variant (
      PHONESEC_NETD_TO_HELPER_REQUEST, call->id,
      phonesec_http_request_to_variant (call->request, flags), TRUE);

  g_clear_handle_id (&call->queue_timer, g_source_remove);
  call->generation = phonesec_netd_supervisor_get_generation (self->supervisor);
  call->state = CALL_SENT;
  call->body_epoch++;
  call->body_credit = PHONESEC_NETD_UPLOAD_WINDOW;
  call->body_done = FALSE;
  call->rewind_wanted = FALSE;
  send_frame (self, frame);
  send_client_cert (self, call);
  if (call->body_file)
    send_body_file (self, call);
  else
    pump_body (call);
}

static gint
compare_ids (gconstpointer a, gconstpointer b)
{
  const Call *x = a, *y = b;

  return x->id < y->id ? -1 : x->id > y->id;
}

/* In the order they were asked for. */
static void
transmit_queued (PhonesecHttpClient *self)
{
  g_autoptr (GList) calls = g_hash_table_get_values (self->calls);

  calls = g_list_sort (calls, compare_ids);
  for (GList *l = calls; l != NULL; l = l->next)
    {
      Call *call = l->data;

      if (call->state == CALL_QUEUED && call->client != NULL)
        transmit (self, call);
    }
}

void
phonesec_http_client_send_async (PhonesecHttpClient *self, PhonesecHttpRequest *request,
                                 GCancellable *cancellable, GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  g_autoptr (GError) error = NULL;
  Call *call;

  g_return_if_fail (PHONESEC_IS_HTTP_CLIENT (self));
  g_return_if_fail (PHONESEC_IS_HTTP_REQUEST (request));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, phonesec_http_client_send_async);
  if (g_task_return_error_if_cancelled (task))
    return;
  if (!phonesec_http_request_check (request, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (self->shut_down || self->supervisor == NULL)
    {
      g_task_return_new_error (task, PHONESEC_HTTP_ERROR, PHONESEC_HTTP_ERROR_SERVICE_UNAVAILABLE,
                               _ ("The network service is stopping"));
      return;
    }
  call = g_new0 (Call, 1);
  g_atomic_ref_count_init (&call->ref);
  call->client = self;
  call->id = ++self->next_id;
  call->request = g_object_ref (request);
  call->task = g_steal_pointer (&task);
  call->body = phonesec_http_request_get_body (request, &call->body_length);
  call->body_rewindable = phonesec_http_request_body_can_rewind (request);
  if (body_is_file (call))
    {
      call->body_file = TRUE;
      call->body_offset = g_seekable_tell (G_SEEKABLE (call->body));
    }
  g_hash_table_insert (self->calls, GUINT_TO_POINTER (call->id), call);
  if (cancellable != NULL)
    {
      call->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (call->cancel_source, (GSourceFunc) (void (*) (void)) on_cancelled,
                             call, NULL);
      g_source_attach (call->cancel_source, g_task_get_context (call->task));
    }
  if (phonesec_netd_supervisor_is_ready (self->supervisor))
    transmit (self, call);
  else
    {
      call->queue_timer = g_timeout_add_seconds (QUEUE_TIMEOUT_S, on_queue_timeout, call);
      phonesec_netd_supervisor_start (self->supervisor);
    }
}

PhonesecHttpResponse *
phonesec_http_client_send_finish (PhonesecHttpClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- frames from the helper ------------------------------------------------------- */

static gboolean violation (GError **error, PhonesecNetdError code, const char *format, ...)
    G_GNUC_PRINTF (3, 4);

static gboolean
violation (GError **error, PhonesecNetdError code, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_set_error_literal (error, PHONESEC_NETD_ERROR, code, "");
  g_free ((*error)->message);
  (*error)->message = g_strdup_vprintf (format, args);
  va_end (args);
  return FALSE;
}

static void
on_feed_consumed (PhonesecNetdFeedStream *feed, gsize consumed, gpointer user_data)
{
  Call *call = user_data;
  PhonesecHttpClient *self = call->client;

  if (self == NULL || call->state != CALL_STREAMING)
    return;
  call->consumed_unacked += consumed;
  /* Room in chunks, or at once when the reader has caught up. */
  if (call->consumed_unacked >= CONSUMED_ACK || phonesec_netd_feed_stream_get_buffered (feed) == 0)
    {
      g_autoptr (GBytes) frame = phonesec_netd_frame_new_variant (
          PHONESEC_NETD_TO_HELPER_CREDIT, call->id,
          g_variant_new ("(u)", (guint32) call->consumed_unacked), FALSE);

      call->response_credit += call->consumed_unacked;
      call->consumed_unacked = 0;
      send_frame (self, frame);
    }
}

static void
on_feed_abandoned (PhonesecNetdFeedStream *feed, gsize consumed, gpointer user_data)
{
  Call *call = user_data;

  if (call->client != NULL && call->state == CALL_STREAMING)
    call_cancel (call);
}

static gboolean
check_info (GVariant *info, GError **error)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;

  if (g_variant_get_size (info) > PHONESEC_NETD_MAX_INFO)
    return violation (error, PHONESEC_NETD_ERROR_PAYLOAD, "HEAD info too large");
  g_variant_iter_init (&iter, info);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      gboolean known
          = (g_str_equal (key, "tls-version") || g_str_equal (key, "tls-suite")
             || g_str_equal (key, "tls-peer-subject") || g_str_equal (key, "remote-address"))
            && g_variant_is_of_type (value, G_VARIANT_TYPE_STRING);

      g_variant_unref (value);
      if (!known)
        return violation (error, PHONESEC_NETD_ERROR_PAYLOAD, "HEAD info: unknown key");
    }
  return TRUE;
}

static gboolean
has_key (GVariant *info, const char *key)
{
  g_autoptr (GVariant) value = g_variant_lookup_value (info, key, NULL);

  return value != NULL;
}

/* The helper's word for who answered: an address and a port, or nothing. */
static char *
clean_remote_address (GVariant *info)
{
  g_autoptr (GSocketConnectable) parsed = NULL;
  const char *text;

  if (!g_variant_lookup (info, "remote-address", "&s", &text) || strlen (text) > 64)
    return NULL;
  parsed = g_network_address_parse (text, 0, NULL);
  if (parsed == NULL
      || !g_hostname_is_ip_address (g_network_address_get_hostname (G_NETWORK_ADDRESS (parsed))))
    return NULL;
  return g_strdup (text);
}

static gboolean
on_head (PhonesecHttpClient *self, Call *call, const PhonesecNetdFrame *frame, GError **error)
{
  g_autoptr (GVariant) value = phonesec_netd_frame_parse (frame, PHONESEC_NETD_TYPE_HEAD, error);
  g_autoptr (GVariant) headers = NULL;
  g_autoptr (GVariant) info = NULL;
  g_autoptr (PhonesecHttpResponse) response = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *remote = NULL;
  const char *raw_reason;
  guint32 status;
  gint64 length;

  if (value == NULL)
    return FALSE;
  if (call->state != CALL_SENT && call->state != CALL_CANCELLING)
    return violation (error, PHONESEC_NETD_ERROR_ORDER, "HEAD for request %u twice", call->id);
  g_variant_get (value, "(u&s@a(ss)x@a{sv})", &status, &raw_reason, &headers, &length, &info);
  if (status < 100 || status > 599 || length < -1 || strlen (raw_reason) > PHONESEC_NETD_MAX_REASON
      || !phonesec_netd_check_headers (headers, error) || !check_info (info, error))
    {
      if (error != NULL && *error == NULL)
        violation (error, PHONESEC_NETD_ERROR_PAYLOAD, "HEAD out of bounds");
      return FALSE;
    }
  if (call->state == CALL_CANCELLING)
    return TRUE; /* nobody wants it any more: END or FAIL follows */
  reason = phonesec_netd_clean_text (raw_reason, PHONESEC_NETD_MAX_REASON);
  remote = clean_remote_address (info);
  call->feed = phonesec_netd_feed_stream_new ();
  phonesec_netd_feed_stream_set_funcs (call->feed, on_feed_consumed, on_feed_abandoned, call);
  call->state = CALL_STREAMING;
  call->response_credit = PHONESEC_NETD_WINDOW;
  response = phonesec_http_response_new (
      status, reason, headers, length, has_key (info, "tls-version") ? g_variant_ref (info) : NULL,
      remote, call->feed);
  drop_cancel_source (call); /* from now on, closing the body cancels */
  {
    GTask *task = g_steal_pointer (&call->task);

    g_task_return_pointer (task, g_steal_pointer (&response), g_object_unref);
    g_object_unref (task);
  }
  return TRUE;
}

static gboolean
on_call_frame (PhonesecHttpClient *self, Call *call, const PhonesecNetdFrame *frame, GError **error)
{
  switch (frame->type)
    {
      case PHONESEC_NETD_TO_DAEMON_HEAD:
        return on_head (self, call, frame, error);

      case PHONESEC_NETD_TO_DAEMON_DATA:
        if (call->state == CALL_SENT)
          return violation (error, PHONESEC_NETD_ERROR_ORDER, "DATA before HEAD");
        if (frame->length == 0 || frame->length > PHONESEC_NETD_CHUNK_MAX
            || (call->state == CALL_STREAMING && (gint64) frame->length > call->response_credit))
          return violation (error, PHONESEC_NETD_ERROR_FLOW,
                            "DATA of %" G_GSIZE_FORMAT " bytes over the window", frame->length);
        if (call->state == CALL_STREAMING)
          {
            g_autoptr (GBytes) chunk = g_bytes_new (frame->payload, frame->length);

            call->response_credit -= frame->length;
            phonesec_netd_feed_stream_push (call->feed, chunk);
          }
        return TRUE;

      case PHONESEC_NETD_TO_DAEMON_END:
        if (!phonesec_netd_frame_check_empty (frame, error))
          return FALSE;
        if (call->state == CALL_SENT)
          return violation (error, PHONESEC_NETD_ERROR_ORDER, "END before HEAD");
        if (call->state == CALL_STREAMING)
          phonesec_netd_feed_stream_push_end (call->feed);
        call_forget (call);
        return TRUE;

      case PHONESEC_NETD_TO_DAEMON_FAIL:
        {
          g_autoptr (GVariant) value
              = phonesec_netd_frame_parse (frame, PHONESEC_NETD_TYPE_FAIL, error);
          guint32 kind, code;
          const char *message;

          if (value == NULL)
            return FALSE;
          g_variant_get (value, "(uu&s)", &kind, &code, &message);
          if (kind < PHONESEC_NETD_FAIL_IO || kind > PHONESEC_NETD_FAIL_LAST)
            return violation (error, PHONESEC_NETD_ERROR_PAYLOAD, "FAIL of kind %u", kind);
          if (call->state != CALL_CANCELLING)
            {
              if (self->metrics != NULL
                  && (kind == PHONESEC_NETD_FAIL_TLS || kind == PHONESEC_NETD_FAIL_TLS_REFUSED))
                phonesec_metrics_counter_add (self->metrics, "core.tls.failures", 1);
              call_fail (call, error_from_helper (kind, code, message));
            }
          call_forget (call);
          return TRUE;
        }

      case PHONESEC_NETD_TO_DAEMON_CREDIT:
        {
          g_autoptr (GVariant) value
              = phonesec_netd_frame_parse (frame, PHONESEC_NETD_TYPE_CREDIT, error);
          guint32 more;

          if (value == NULL)
            return FALSE;
          g_variant_get (value, "(u)", &more);
          if (call->body == NULL || call->body_file || more == 0)
            return violation (error, PHONESEC_NETD_ERROR_FLOW, "CREDIT for no body");
          if (call->state == CALL_CANCELLING)
            return TRUE;
          if (call->body_credit + more > PHONESEC_NETD_MAX_CREDIT)
            return violation (error, PHONESEC_NETD_ERROR_FLOW, "CREDIT over %u bytes",
                              PHONESEC_NETD_MAX_CREDIT);
          call->body_credit += more;
          pump_body (call);
          return TRUE;
        }

      case PHONESEC_NETD_TO_DAEMON_REWIND:
        if (!phonesec_netd_frame_check_empty (frame, error))
          return FALSE;
        if (call->body == NULL || !call->body_rewindable || call->body_file)
          return violation (error, PHONESEC_NETD_ERROR_ORDER, "REWIND of a body that cannot");
        if (call->state == CALL_CANCELLING)
          return TRUE;
        call->rewind_wanted = TRUE;
        call->body_epoch++;
        pump_body (call);
        return TRUE;

      default:
        return violation (error, PHONESEC_NETD_ERROR_TYPE, "unknown frame type 0x%02x",
                          frame->type);
    }
}

/* --- proxy lookups ------------------------------------------------------------- */

static void
lookup_free (Lookup *lookup)
{
  g_object_unref (lookup->cancellable);
  g_free (lookup);
}

static void
send_proxy_answer (PhonesecHttpClient *self, guint32 id, const char *const *proxies)
{
  g_autoptr (GBytes) frame = phonesec_netd_frame_new_variant (
      PHONESEC_NETD_TO_HELPER_PROXY_ANSWER, id, g_variant_new ("(^as)", proxies), FALSE);

  send_frame (self, frame);
}

/* Always called, cancelled or not: it frees the lookup. */
static void
on_lookup_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Lookup *lookup = user_data;
  PhonesecHttpClient *self = lookup->client;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) proxies
      = g_proxy_resolver_lookup_finish (G_PROXY_RESOLVER (source), result, &error);
  const char *const none[] = { NULL };

  /* Cancelled: the helper that asked is gone (dropped from the table). */
  if (!g_cancellable_is_cancelled (lookup->cancellable))
    {
      for (guint i = 0; proxies != NULL && proxies[i] != NULL; i++)
        if (!g_utf8_validate (proxies[i], -1, NULL))
          {
            g_clear_pointer (&proxies, g_strfreev);
            break;
          }
      send_proxy_answer (self, lookup->id, proxies != NULL ? (const char *const *) proxies : none);
      g_hash_table_remove (self->lookups, GUINT_TO_POINTER (lookup->id));
    }
  lookup_free (lookup);
}

static gboolean
on_proxy_lookup (PhonesecHttpClient *self, const PhonesecNetdFrame *frame, GError **error)
{
  g_autoptr (GVariant) value
      = phonesec_netd_frame_parse (frame, PHONESEC_NETD_TYPE_PROXY_LOOKUP, error);
  const char *uri;
  Lookup *lookup;

  if (value == NULL)
    return FALSE;
  g_variant_get (value, "(&s)", &uri);
  if (frame->id == 0 || g_hash_table_contains (self->lookups, GUINT_TO_POINTER (frame->id))
      || g_hash_table_size (self->lookups) >= PHONESEC_NETD_MAX_LOOKUPS
      || strlen (uri) > PHONESEC_NETD_MAX_URL)
    return violation (error, PHONESEC_NETD_ERROR_FLOW,
                      "proxy lookup %u: a duplicate, one too "
                      "many or too long",
                      frame->id);
  if (self->resolver == NULL)
    {
      const char *const direct[] = { "direct://", NULL };

      send_proxy_answer (self, frame->id, direct);
      return TRUE;
    }
  lookup = g_new0 (Lookup, 1);
  lookup->client = self;
  lookup->generation = phonesec_netd_supervisor_get_generation (self->supervisor);
  lookup->id = frame->id;
  lookup->cancellable = g_cancellable_new ();
  /* The table only points at it: on_lookup_done() frees it. */
  g_hash_table_insert (self->lookups, GUINT_TO_POINTER (frame->id), lookup);
  g_proxy_resolver_lookup_async (self->resolver, uri, lookup->cancellable, on_lookup_done, lookup);
  return TRUE;
}

/* Cancels the lookups of a helper that is gone. */
static void
drop_lookups (PhonesecHttpClient *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->lookups);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Lookup *lookup = value;

      /* Its callback frees it when it sees the cancellation. */
      g_hash_table_iter_steal (&iter);
      g_cancellable_cancel (lookup->cancellable);
    }
}

/* --- frames about the whole service ------------------------------------------- */

static gboolean
on_log (PhonesecHttpClient *self, const PhonesecNetdFrame *frame, GError **error)
{
  g_autoptr (GVariant) value = phonesec_netd_frame_parse (frame, PHONESEC_NETD_TYPE_LOG, error);
  g_autofree char *clean = NULL;
  gint64 now = g_get_monotonic_time ();
  guint32 level;
  const char *text;

  if (value == NULL)
    return FALSE;
  g_variant_get (value, "(u&s)", &level, &text);
  if (level > PHONESEC_NETD_LOG_WARNING)
    return violation (error, PHONESEC_NETD_ERROR_PAYLOAD, "log level %u", level);
  if (now - self->log_window > 60 * G_USEC_PER_SEC)
    {
      self->log_window = now;
      self->log_lines = 0;
    }
  /* A chatty helper cannot flood the log. */
  if (++self->log_lines > LOG_LINES_PER_MINUTE)
    return TRUE;
  clean = phonesec_netd_clean_text (text, PHONESEC_NETD_MAX_MESSAGE);
  if (self->demote_warnings)
    g_debug ("Network service: %s", clean);
  else if (level == PHONESEC_NETD_LOG_WARNING)
    g_warning ("Network service: %s", clean);
  else if (level == PHONESEC_NETD_LOG_MESSAGE)
    g_message ("Network service: %s", clean);
  else
    g_debug ("Network service: %s", clean);
  return TRUE;
}

static gboolean
handle_frame (const PhonesecNetdFrame *frame, gpointer user_data, GError **error)
{
  PhonesecHttpClient *self = user_data;
  Call *call;

  switch (frame->type)
    {
      case PHONESEC_NETD_TO_DAEMON_PROXY_LOOKUP:
        return on_proxy_lookup (self, frame, error);
      case PHONESEC_NETD_TO_DAEMON_LOG:
        return frame->id == 0 ? on_log (self, frame, error)
                              : violation (error, PHONESEC_NETD_ERROR_ORDER, "LOG with an id");
      case PHONESEC_NETD_TO_DAEMON_AUTH_EVENT:
        {
          g_autoptr (GVariant) value
              = phonesec_netd_frame_parse (frame, PHONESEC_NETD_TYPE_AUTH_EVENT, error);
          guint32 event;

          if (value == NULL)
            return FALSE;
          g_variant_get (value, "(u)", &event);
          if (frame->id != 0 || event > PHONESEC_PROXY_AUTH_DIGEST_FIPS)
            return violation (error, PHONESEC_NETD_ERROR_PAYLOAD, "auth event %u", event);
          g_signal_emit (self, signals[SIGNAL_PROXY_AUTH_EVENT], 0, event);
          return TRUE;
        }
      default:
        break;
    }
  call = g_hash_table_lookup (self->calls, GUINT_TO_POINTER (frame->id));
  if (call == NULL || call->state == CALL_QUEUED
      || call->generation != phonesec_netd_supervisor_get_generation (self->supervisor))
    return violation (error, PHONESEC_NETD_ERROR_ORDER,
                      "frame 0x%02x for request %u, not under way", frame->type, frame->id);
  {
    gboolean ok;

    call_ref (call);
    ok = on_call_frame (self, call, frame, error);
    call_unref (call);
    return ok;
  }
}

/* --- the helper's life ----------------------------------------------------------- */

static void
send_proxy_auth (PhonesecHttpClient *self)
{
  g_autoptr (GBytes) frame = phonesec_netd_frame_new_variant (
      PHONESEC_NETD_TO_HELPER_PROXY_AUTH, 0,
      g_variant_new ("(bsssb)", self->auth_enabled, self->auth_proxy ? self->auth_proxy : "",
                     self->auth_user ? self->auth_user : "",
                     self->auth_password ? phonesec_secret_peek (self->auth_password) : "",
                     self->auth_fips),
      TRUE);

  send_frame (self, frame);
}

/* A new helper: its trust store and configuration go first. */
static void
on_spawned (PhonesecNetdSupervisor *supervisor, guint generation, gpointer user_data)
{
  PhonesecHttpClient *self = user_data;
  g_autofree char *pem = NULL;
  gsize len = 0;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) trust = NULL;
  g_autoptr (GBytes) config = NULL;
  GVariantDict dict;

  if (self->trust_path != NULL && !g_file_get_contents (self->trust_path, &pem, &len, &error))
    g_warning ("The network service gets no trust store: %s", error->message);
  if (len > PHONESEC_NETD_MAX_TO_HELPER - PHONESEC_NETD_HEADER_SIZE)
    {
      g_warning ("The trust store %s is larger than %u bytes: the network service trusts no CA",
                 self->trust_path, PHONESEC_NETD_MAX_TO_HELPER);
      len = 0;
    }
  trust = phonesec_netd_frame_new (PHONESEC_NETD_TO_HELPER_TRUST, 0, pem, len);
  send_frame (self, trust);

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "user-agent", "s", "phonesec/" PACKAGE_VERSION);
  g_variant_dict_insert (&dict, "timeout", "u", DEFAULT_TIMEOUT_S);
  g_variant_dict_insert (&dict, "min-version", "s",
                         self->min_version != NULL ? self->min_version : "TLS 1.1");
  g_variant_dict_insert (&dict, "cipher-list", "s",
                         self->cipher_list != NULL ? self->cipher_list : "");
  g_variant_dict_insert (&dict, "fips", "b", self->fips);
  config = phonesec_netd_frame_new_variant (PHONESEC_NETD_TO_HELPER_CONFIG, 0,
                                            g_variant_dict_end (&dict), FALSE);
  send_frame (self, config);
  if (self->auth_enabled || self->auth_proxy != NULL)
    send_proxy_auth (self);
}

static void
on_ready (PhonesecNetdSupervisor *supervisor, guint generation, gpointer user_data)
{
  transmit_queued (user_data);
}

static void
on_drained (PhonesecNetdSupervisor *supervisor, gpointer user_data)
{
  PhonesecHttpClient *self = user_data;
  g_autoptr (GList) calls = g_hash_table_get_values (self->calls);

  for (GList *l = calls; l != NULL; l = l->next)
    pump_body (l->data);
}

/* The helper of @generation is gone: its calls go to the next one or fail. */
static void
on_stopped (PhonesecNetdSupervisor *supervisor, guint generation, gboolean planned, const char *why,
            gpointer user_data)
{
  PhonesecHttpClient *self = user_data;
  g_autoptr (GList) calls = g_hash_table_get_values (self->calls);
  gboolean requeued = FALSE;

  drop_lookups (self);
  for (GList *l = calls; l != NULL; l = l->next)
    {
      Call *call = l->data;

      if (call->client == NULL || call->state == CALL_QUEUED || call->generation != generation)
        continue;
      call_ref (call);
      if (call->state == CALL_SENT && call->attempts == 0 && call->body_rewindable
          && !self->shut_down)
        {
          call->attempts++;
          call->state = CALL_QUEUED;
          call->body_needs_seek = call->body != NULL;
          call->body_epoch++;
          call->queue_timer = g_timeout_add_seconds (QUEUE_TIMEOUT_S, on_queue_timeout, call);
          requeued = TRUE;
        }
      else if (call->state != CALL_CANCELLING)
        {
          call_fail (call, g_error_new (PHONESEC_HTTP_ERROR, PHONESEC_HTTP_ERROR_SERVICE_RESTARTED,
                                        _ ("The network service stopped while the request was "
                                           "under way (%s)"),
                                        why));
          call_forget (call);
        }
      else
        call_forget (call);
      call_unref (call);
    }
  if (requeued && !self->shut_down)
    phonesec_netd_supervisor_start (supervisor);
}

/* --- API ----------------------------------------------------------------------- */

PhonesecHttpClient *
phonesec_http_client_new (PhonesecNetdSupervisor *supervisor, GProxyResolver *resolver,
                          PhonesecMetrics *metrics)
{
  PhonesecHttpClient *self = g_object_new (PHONESEC_TYPE_HTTP_CLIENT, NULL);

  self->supervisor = g_object_ref (supervisor);
  self->resolver = resolver != NULL ? g_object_ref (resolver) : NULL;
  self->metrics = metrics != NULL ? g_object_ref (metrics) : NULL;
  phonesec_netd_supervisor_set_handler (supervisor, handle_frame, self);
  g_signal_connect_object (supervisor, "spawned", G_CALLBACK (on_spawned), self, 0);
  g_signal_connect_object (supervisor, "ready", G_CALLBACK (on_ready), self, 0);
  g_signal_connect_object (supervisor, "stopped", G_CALLBACK (on_stopped), self, 0);
  g_signal_connect_object (supervisor, "drained", G_CALLBACK (on_drained), self, 0);
  return self;
}

PhonesecHttpClient *
phonesec_http_client_new_standalone (const char *helper_path, const char *ca_file, GError **error)
{
  g_autoptr (PhonesecNetdSupervisor) supervisor
      = phonesec_netd_supervisor_new (helper_path, NULL, error);
  PhonesecHttpClient *self;

  if (supervisor == NULL)
    return NULL;
  phonesec_netd_supervisor_set_priority (supervisor, "NORMAL");
  self = phonesec_http_client_new (supervisor, NULL, NULL);
  self->demote_warnings = TRUE;
  phonesec_http_client_set_tls (self, "NORMAL", "TLS 1.0", "", FALSE,
                                ca_file != NULL ? ca_file : "/dev/null");
  return self;
}

void
phonesec_http_client_set_tls (PhonesecHttpClient *self, const char *priority,
                              const char *min_version, const char *cipher_list, gboolean fips,
                              const char *trust_path)
{
  g_return_if_fail (PHONESEC_IS_HTTP_CLIENT (self));
  g_free (self->priority);
  self->priority = g_strdup (priority);
  g_free (self->min_version);
  self->min_version = g_strdup (min_version);
  g_free (self->cipher_list);
  self->cipher_list = g_strdup (cipher_list);
  self->fips = fips;
  g_free (self->trust_path);
  self->trust_path = g_strdup (trust_path);
  phonesec_netd_supervisor_set_priority (self->supervisor, priority);
}

void
phonesec_http_client_restart (PhonesecHttpClient *self, const char *why)
{
  g_return_if_fail (PHONESEC_IS_HTTP_CLIENT (self));
  if (!self->shut_down)
    phonesec_netd_supervisor_restart (self->supervisor, why);
}

void
phonesec_http_client_start (PhonesecHttpClient *self)
{
  g_return_if_fail (PHONESEC_IS_HTTP_CLIENT (self));
  if (!self->shut_down)
    phonesec_netd_supervisor_start (self->supervisor);
}

void
phonesec_http_client_shutdown (PhonesecHttpClient *self)
{
  g_return_if_fail (PHONESEC_IS_HTTP_CLIENT (self));
  if (self->shut_down)
    return;
  self->shut_down = TRUE;
  phonesec_netd_supervisor_stop (self->supervisor);
  /* Calls still queued never had a helper. */
  {
    g_autoptr (GList) calls = g_hash_table_get_values (self->calls);

    for (GList *l = calls; l != NULL; l = l->next)
      {
        Call *call = l->data;

        call_ref (call);
        if (call->state != CALL_CANCELLING)
          call_fail (call, g_error_new_literal (PHONESEC_HTTP_ERROR,
                                                PHONESEC_HTTP_ERROR_SERVICE_UNAVAILABLE,
                                                _ ("The network service is stopping")));
        call_forget (call);
        call_unref (call);
      }
  }
}

PhonesecNetdSupervisor *
phonesec_http_client_get_supervisor (PhonesecHttpClient *self)
{
  return self->supervisor;
}

guint
phonesec_http_client_get_in_flight (PhonesecHttpClient *self)
{
  return g_hash_table_size (self->calls);
}

void
phonesec_http_client_set_proxy_auth (PhonesecHttpClient *self, gboolean enabled,
                                     const char *proxy_uri, const char *username,
                                     PhonesecSecret *password, gboolean fips)
{
  g_return_if_fail (PHONESEC_IS_HTTP_CLIENT (self));
  self->auth_enabled = enabled;
  g_free (self->auth_proxy);
  self->auth_proxy = g_strdup (proxy_uri);
  g_free (self->auth_user);
  self->auth_user = g_strdup (username);
  g_clear_pointer (&self->auth_password, phonesec_secret_unref);
  self->auth_password = password != NULL ? phonesec_secret_ref (password) : NULL;
  self->auth_fips = fips;
  if (self->auth_proxy != NULL && !g_utf8_validate (self->auth_proxy, -1, NULL))
    g_clear_pointer (&self->auth_proxy, g_free);
  if (self->auth_user != NULL && !g_utf8_validate (self->auth_user, -1, NULL))
    g_clear_pointer (&self->auth_user, g_free);
  if (self->auth_password != NULL
      && !g_utf8_validate (phonesec_secret_peek (self->auth_password), -1, NULL))
    g_clear_pointer (&self->auth_password, phonesec_secret_unref);
  if (phonesec_netd_supervisor_get_generation (self->supervisor) != 0)
    send_proxy_auth (self);
}

void
phonesec_http_client_proxy_changed (PhonesecHttpClient *self)
{
  g_return_if_fail (PHONESEC_IS_HTTP_CLIENT (self));
  send_empty (self, PHONESEC_NETD_TO_HELPER_PROXY_CHANGED, 0);
}

/* --- send and read ------------------------------------------------------------- */

typedef struct
{
  PhonesecHttpResponse *response;
  GByteArray *data;
  gsize max_size;
} ReadAll;

static void
read_all_free (ReadAll *r)
{
  g_clear_object (&r->response);
  g_clear_pointer (&r->data, g_byte_array_unref);
  g_free (r);
}

static void read_next (GTask *task);

/* The number as a string: no 64-bit format macro inside _(). */
static void
return_too_large (GTask *task, gsize max_size)
{
  g_autofree char *limit = g_strdup_printf ("%" G_GSIZE_FORMAT, max_size);

  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                           _ ("the answer is larger than the limit of %s bytes"), limit);
}

static void
on_chunk (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ReadAll *r = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) chunk
      = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);

  if (chunk == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_bytes_get_size (chunk) == 0)
    {
      g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&r->data)),
                             (GDestroyNotify) g_bytes_unref);
      return;
    }
  if (r->data->len + g_bytes_get_size (chunk) > r->max_size)
    {
      /* Closing stops the transfer: the rest is never downloaded. */
      g_input_stream_close (G_INPUT_STREAM (source), NULL, NULL);
      return_too_large (task, r->max_size);
      return;
    }
  g_byte_array_append (r->data, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  read_next (g_steal_pointer (&task));
}

static void
read_next (GTask *task)
{
  ReadAll *r = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (phonesec_http_response_get_body (r->response),
                                   PHONESEC_NETD_CHUNK_MAX, G_PRIORITY_DEFAULT,
                                   g_task_get_cancellable (task), on_chunk, task);
}

static void
on_sent_for_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ReadAll *r = g_task_get_task_data (task);
  GError *error = NULL;

  r->response = phonesec_http_client_send_finish (PHONESEC_HTTP_CLIENT (source), result, &error);
  if (r->response == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (phonesec_http_response_get_content_length (r->response) > (gint64) r->max_size)
    {
      g_input_stream_close (phonesec_http_response_get_body (r->response), NULL, NULL);
      return_too_large (task, r->max_size);
      return;
    }
  read_next (g_steal_pointer (&task));
}

void
phonesec_http_client_send_and_read_async (PhonesecHttpClient *self, PhonesecHttpRequest *request,
                                          gsize max_size, GCancellable *cancellable,
                                          GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  ReadAll *r = g_new0 (ReadAll, 1);

  g_task_set_source_tag (task, phonesec_http_client_send_and_read_async);
  r->data = g_byte_array_new ();
  r->max_size = max_size;
  g_task_set_task_data (task, r, (GDestroyNotify) read_all_free);
  phonesec_http_client_send_async (self, request, cancellable, on_sent_for_read, task);
}

GBytes *
phonesec_http_client_send_and_read_finish (PhonesecHttpClient *self, GAsyncResult *result,
                                           PhonesecHttpResponse **response, GError **error)
{
  ReadAll *r;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  r = g_task_get_task_data (G_TASK (result));
  if (response != NULL)
    *response = r->response != NULL ? g_object_ref (r->response) : NULL;
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- GObject ------------------------------------------------------------------- */

static void
call_destroy (gpointer data)
{
  Call *call = data;

  call->client = NULL;
  call_unref (call);
}

static void
phonesec_http_client_dispose (GObject *object)
{
  PhonesecHttpClient *self = PHONESEC_HTTP_CLIENT (object);

  if (self->supervisor != NULL)
    {
      phonesec_http_client_shutdown (self);
      phonesec_netd_supervisor_set_handler (self->supervisor, NULL, NULL);
    }
  if (self->lookups != NULL)
    drop_lookups (self);
  g_clear_object (&self->supervisor);
  g_clear_object (&self->resolver);
  g_clear_object (&self->metrics);
  G_OBJECT_CLASS (phonesec_http_client_parent_class)->dispose (object);
}

static void
phonesec_http_client_finalize (GObject *object)
{
  PhonesecHttpClient *self = PHONESEC_HTTP_CLIENT (object);

  g_hash_table_unref (self->calls);
  g_hash_table_unref (self->lookups);
  g_free (self->priority);
  g_free (self->min_version);
  g_free (self->cipher_list);
  g_free (self->trust_path);
  g_free (self->auth_proxy);
  g_free (self->auth_user);
  g_clear_pointer (&self->auth_password, phonesec_secret_unref);
  G_OBJECT_CLASS (phonesec_http_client_parent_class)->finalize (object);
}

static void
phonesec_http_client_class_init (PhonesecHttpClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = phonesec_http_client_dispose;
  object_class->finalize = phonesec_http_client_finalize;
  signals[SIGNAL_PROXY_AUTH_EVENT]
      = g_signal_new ("proxy-auth-event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
phonesec_http_client_init (PhonesecHttpClient *self)
{
  self->calls = g_hash_table_new_full (NULL, NULL, NULL, call_destroy);
  self->lookups = g_hash_table_new (NULL, NULL);
}
