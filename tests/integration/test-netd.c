/* test-netd.c: the network service (phonesec-netd) and the SDK's HTTP
 * client, without phonesecd: a PhonesecHttpClient with a helper of its own
 * against a SoupServer on loopback (in a thread of its own: the client's
 * side runs in the test's main loop).
 *
 * Bodies stream both ways with bounded buffers, a redirect sends a body
 * again, cancellations reach the server, a restarted helper takes the
 * requests that had no answer yet (once), a crashed or hung one is seen,
 * reported and replaced, and the helper runs confined. Requests can present
 * a client certificate, say which address answered, and carry credentials
 * that serve that request only.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>

#include "phonesec-http-private.h"

#define BIG (24 * 1024 * 1024)

/* --- the server -------------------------------------------------------------- */

typedef struct
{
  GMainContext *context;
  GMainLoop *loop;
  GThread *thread;
  SoupServer *server;
  guint16 port;
  GMutex lock;
  GHashTable *hits;    /* path → count */
  GChecksum *received; /* of the last /upload body */
  gsize received_bytes;
  gboolean client_gone; /* a /slow body was cut by the client */
  GPtrArray *paused;    /* /hold messages */
} Server;

static Server *server;

static void
count_hit (const char *path)
{
  g_mutex_lock (&server->lock);
  g_hash_table_insert (
      server->hits, g_strdup (path),
      GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (server->hits, path)) + 1));
  g_mutex_unlock (&server->lock);
}

static guint
hits (const char *path)
{
  guint n;

  g_mutex_lock (&server->lock);
  n = GPOINTER_TO_UINT (g_hash_table_lookup (server->hits, path));
  g_mutex_unlock (&server->lock);
  return n;
}

/* /big: BIG bytes of a known pattern, in chunks as the client reads. */
static void
big_wrote_chunk (SoupServerMessage *msg, gpointer user_data)
{
  gsize *sent = user_data;
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  guint8 chunk[64 * 1024];

  if (*sent >= BIG)
    {
      soup_message_body_complete (body);
      return;
    }
  for (gsize i = 0; i < sizeof chunk; i++)
    chunk[i] = (guint8) ((*sent + i) * 7);
  soup_message_body_append (body, SOUP_MEMORY_COPY, chunk, sizeof chunk);
  *sent += sizeof chunk;
}

static void
on_finished (SoupServerMessage *msg, gpointer user_data)
{
  gsize *sent = user_data;

  g_mutex_lock (&server->lock);
  if (*sent < BIG)
    server->client_gone = TRUE;
  g_mutex_unlock (&server->lock);
}

static void
handler (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query,
         gpointer user_data)
{
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);

  count_hit (path);
  if (g_str_equal (path, "/hello"))
    {
      const char *agent = soup_message_headers_get_one (
          soup_server_message_get_request_headers (msg), "User-Agent");
      g_autofree char *text = g_strdup_printf ("hello %s", agent != NULL ? agent : "-");

      soup_message_headers_append (response, "X-Test", "one");
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_COPY, text, strlen (text));
    }
  else if (g_str_equal (path, "/big"))
    {
      gsize *sent = g_new0 (gsize, 1);

      soup_server_message_set_status (msg, 200, NULL);
      soup_message_headers_set_encoding (response, SOUP_ENCODING_CHUNKED);
      g_signal_connect (msg, "wrote-chunk", G_CALLBACK (big_wrote_chunk), sent);
      g_signal_connect (msg, "wrote-headers", G_CALLBACK (big_wrote_chunk), sent);
      g_signal_connect_data (msg, "finished", G_CALLBACK (on_finished), sent,
                             (GClosureNotify) (void (*) (void)) g_free, 0);
    }
  else if (g_str_equal (path, "/auth")
           && g_strcmp0 (soup_message_headers_get_one (
                             soup_server_message_get_request_headers (msg), "Authorization"),
                         "Basic dTpw")
                  != 0)
    {
      /* A challenge first, as real servers do: the client sends again. */
      soup_message_headers_replace (response, "WWW-Authenticate", "Basic realm=\"t\"");
      soup_server_message_set_status (msg, 401, NULL);
    }
  else if (g_str_equal (path, "/upload") || g_str_equal (path, "/auth"))
    {
      SoupMessageBody *body = soup_server_message_get_request_body (msg);
      g_autoptr (GBytes) bytes = soup_message_body_flatten (body);

      g_mutex_lock (&server->lock);
      g_checksum_reset (server->received);
      g_checksum_update (server->received, g_bytes_get_data (bytes, NULL),
                         g_bytes_get_size (bytes));
      server->received_bytes = g_bytes_get_size (bytes);
      g_mutex_unlock (&server->lock);
      soup_server_message_set_status (msg, 201, NULL);
    }
  else if (g_str_equal (path, "/hold"))
    {
      /* Answered when the test says (release_held()). */
      soup_server_message_pause (msg);
      g_mutex_lock (&server->lock);
      g_ptr_array_add (server->paused, g_object_ref (msg));
      g_mutex_unlock (&server->lock);
    }
  else
    soup_server_message_set_status (msg, 404, NULL);
}

static gpointer
server_thread (gpointer data)
{
  g_main_context_push_thread_default (server->context);
  g_main_loop_run (server->loop);
  g_main_context_pop_thread_default (server->context);
  return NULL;
}

static gboolean
release_in_server (gpointer data)
{
  g_mutex_lock (&server->lock);
  for (guint i = 0; i < server->paused->len; i++)
    {
      SoupServerMessage *msg = server->paused->pdata[i];

      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "held", 4);
      soup_server_message_unpause (msg);
    }
  g_ptr_array_set_size (server->paused, 0);
  g_mutex_unlock (&server->lock);
  return G_SOURCE_REMOVE;
}

static void
release_held (void)
{
  g_main_context_invoke (server->context, release_in_server, NULL);
}

static guint
held_count (void)
{
  guint n;

  g_mutex_lock (&server->lock);
  n = server->paused->len;
  g_mutex_unlock (&server->lock);
  return n;
}

static void
server_start (void)
{
  g_autoptr (GError) error = NULL;
  GSList *uris;

  server = g_new0 (Server, 1);
  g_mutex_init (&server->lock);
  server->hits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  server->received = g_checksum_new (G_CHECKSUM_SHA256);
  server->paused = g_ptr_array_new_with_free_func (g_object_unref);
  server->context = g_main_context_new ();
  server->loop = g_main_loop_new (server->context, FALSE);
  g_main_context_push_thread_default (server->context);
  server->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server->server, NULL, handler, NULL, NULL);
  soup_server_listen_local (server->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server->server);
  server->port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_main_context_pop_thread_default (server->context);
  server->thread = g_thread_new ("server", server_thread, NULL);
}

static char *
url (const char *path)
{
  return g_strdup_printf ("http://127.0.0.1:%u%s", server->port, path);
}

/* --- the client ---------------------------------------------------------------- */

static PhonesecHttpClient *
client_new (void)
{
  g_autoptr (GError) error = NULL;
  PhonesecHttpClient *client
      = phonesec_http_client_new_standalone (g_getenv ("PHONESEC_NETD"), NULL, &error);

  g_assert_no_error (error);
  return client;
}

static void
on_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static PhonesecHttpResponse *
send_sync (PhonesecHttpClient *client, PhonesecHttpRequest *request, GError **error)
{
  GAsyncResult *result = NULL;
  PhonesecHttpResponse *response;

  phonesec_http_client_send_async (client, request, NULL, on_result, &result);
  response = phonesec_http_client_send_finish (client, wait_result (&result), error);
  g_object_unref (result);
  return response;
}

static GBytes *
read_all_sync (PhonesecHttpClient *client, PhonesecHttpRequest *request, gsize max,
               PhonesecHttpResponse **response, GError **error)
{
  GAsyncResult *result = NULL;
  GBytes *bytes;

  phonesec_http_client_send_and_read_async (client, request, max, NULL, on_result, &result);
  bytes
      = phonesec_http_client_send_and_read_finish (client, wait_result (&result), response, error);
  g_object_unref (result);
  return bytes;
}

static gboolean
wait_until (gboolean (*cond) (gpointer), gpointer data, guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (!cond (data) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
  return cond (data);
}

static guint
helper_pid (PhonesecHttpClient *client)
{
  return phonesec_netd_supervisor_get_pid (phonesec_http_client_get_supervisor (client));
}

static gboolean
helper_running (gpointer data)
{
  PhonesecNetdSupervisor *supervisor = phonesec_http_client_get_supervisor (data);

  return g_str_equal (phonesec_netd_supervisor_get_state (supervisor), "running");
}

static char *
proc_status_field (guint pid, const char *field)
{
  g_autofree char *path = g_strdup_printf ("/proc/%u/status", pid);
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], field) && lines[i][strlen (field)] == ':')
      return g_strstrip (g_strdup (lines[i] + strlen (field) + 1));
  return NULL;
}

/* --- tests ----------------------------------------------------------------------- */

static void
test_get (void)
{
  g_autoptr (PhonesecHttpClient) client = client_new ();
  g_autofree char *target = url ("/hello");
  g_autoptr (PhonesecHttpRequest) request = phonesec_http_request_new ("GET", target);
  g_autoptr (PhonesecHttpResponse) response = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = read_all_sync (client, request, 1024, &response, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (phonesec_http_response_get_status (response), ==, 200);
  g_assert_cmpstr (phonesec_http_response_get_header (response, "x-test"), ==, "one");
  g_assert_null (phonesec_http_response_get_tls_info (response));
  /* The helper's User-Agent went with it. */
  g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                   "hello phonesec/" PACKAGE_VERSION, strlen ("hello phonesec/" PACKAGE_VERSION));
}

/* 24 MiB down, read slowly: neither side ever holds more than its window
 * (and the helper's memory does not grow with the body). */
static void
test_large_download_streams (void)
{
  g_autoptr (PhonesecHttpClient) client = client_new ();
  g_autofree char *target = url ("/big");
  g_autoptr (PhonesecHttpRequest) request = phonesec_http_request_new ("GET", target);
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecHttpResponse) response = send_sync (client, request, &error);
  GInputStream *body;
  gsize total = 0, most = 0;
  guint64 rss_before, rss_most = 0;
  guint pid = helper_pid (client);
  guint8 buffer[16 * 1024];
  gboolean pattern_ok = TRUE;

  g_assert_no_error (error);
  g_assert_cmpuint (phonesec_http_response_get_status (response), ==, 200);
  {
    g_autofree char *rss = proc_status_field (pid, "VmRSS");
    rss_before = g_ascii_strtoull (rss, NULL, 10);
  }
  body = phonesec_http_response_get_body (response);
  for (;;)
    {
      GAsyncResult *result = NULL;
      gssize n;

      most = MAX (most, phonesec_netd_feed_stream_get_buffered (PHONESEC_NETD_FEED_STREAM (body)));
      g_input_stream_read_async (body, buffer, sizeof buffer, G_PRIORITY_DEFAULT, NULL, on_result,
                                 &result);
      n = g_input_stream_read_finish (body, wait_result (&result), &error);
      g_object_unref (result);
      g_assert_no_error (error);
      if (n == 0)
        break;
      for (gssize i = 0; i < n; i++)
        if (buffer[i] != (guint8) ((total + i) * 7))
          pattern_ok = FALSE;
      total += n;
      if (total % (4 * 1024 * 1024) < sizeof buffer)
        {
          g_autofree char *rss = proc_status_field (pid, "VmRSS");
          rss_most = MAX (rss_most, g_ascii_strtoull (rss, NULL, 10));
          /* A slow reader: the helper must wait, not buffer. */
          g_usleep (20 * 1000);
        }
    }
  g_test_message ("%zu bytes; at most %zu buffered here; helper VmRSS %" G_GUINT64_FORMAT
                  " -> %" G_GUINT64_FORMAT " kB",
                  total, most, rss_before, rss_most);
  g_assert_cmpuint (total, ==, BIG);
  g_assert_true (pattern_ok);
  g_assert_cmpuint (most, <=, PHONESEC_NETD_WINDOW);
  /* 24 MiB went through; the helper grew by far less. */
  g_assert_cmpuint (rss_most, <, rss_before + 8 * 1024);
}

/* A body stream that makes its bytes as it is read: nothing holds it
 * whole, and it cannot seek. */
typedef struct
{
  GInputStream parent_instance;
  gsize left;
  gsize offset;
} Generator;
typedef GInputStreamClass GeneratorClass;
G_DEFINE_TYPE (Generator, generator, G_TYPE_INPUT_STREAM)

static gssize
generator_read (GInputStream *stream, void *buffer, gsize count, GCancellable *cancellable,
                GError **error)
{
  Generator *self = (Generator *) stream;
  gsize n = MIN (count, self->left);

  for (gsize i = 0; i < n; i++)
    ((guint8 *) buffer)[i] = (guint8) ((self->offset + i) * 13);
  self->offset += n;
  self->left -= n;
  return n;
}

static void
generator_class_init (GeneratorClass *klass)
{
  klass->read_fn = generator_read;
}

static void
generator_init (Generator *self)
{
}

static GInputStream *
generator_new (gsize size)
{
  Generator *self = g_object_new (generator_get_type (), NULL);

  self->left = size;
  return G_INPUT_STREAM (self);
}

static char *
generator_sha256 (gsize size)
{
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 buffer[4096];

  for (gsize done = 0; done < size;)
    {
      gsize n = MIN (sizeof buffer, size - done);

      for (gsize i = 0; i < n; i++)
        buffer[i] = (guint8) ((done + i) * 13);
      g_checksum_update (sum, buffer, n);
      done += n;
    }
  return g_strdup (g_checksum_get_string (sum));
}

static void
assert_server_received (gsize size)
{
  g_autofree char *expected = generator_sha256 (size);

  g_mutex_lock (&server->lock);
  g_assert_cmpuint (server->received_bytes, ==, size);
  g_assert_cmpstr (g_checksum_get_string (server->received), ==, expected);
  g_mutex_unlock (&server->lock);
}

static void
test_large_upload_streams (void)
{
  g_autoptr (PhonesecHttpClient) client = client_new ();
  g_autofree char *target = url ("/upload");
  g_autoptr (PhonesecHttpRequest) request = phonesec_http_request_new ("POST", target);
  g_autoptr (GInputStream) body = generator_new (BIG);
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecHttpResponse) response = NULL;

  /* Unknown length: chunked. */
  phonesec_http_request_set_body (request, "application/octet-stream", body, -1);
  response = send_sync (client, request, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (phonesec_http_response_get_status (response), ==, 201);
  assert_server_received (BIG);
}

static char *
auth_url (void)
{
  return g_strdup_printf ("http://u:p@127.0.0.1:%u/auth", server->port);
}

/* A 401 challenge makes libsoup send the request again with its body: the
 * helper asks the client to start the body over (REWIND). */
static void
test_challenge_sends_body_again (void)
{
  g_autoptr (PhonesecHttpClient) client = client_new ();
  g_autofree char *target = auth_url ();
  g_autoptr (PhonesecHttpRequest) request = phonesec_http_request_new ("POST", target);
  g_autofree guint8 *data = g_malloc (700 * 1024);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecHttpResponse) response = NULL;

  for (gsize i = 0; i < 700 * 1024; i++)
    data[i] = (guint8) (i * 13);
  bytes = g_bytes_new (data, 700 * 1024);
  phonesec_http_request_set_body_bytes (request, "application/octet-stream", bytes);
  response = send_sync (client, request, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (phonesec_http_response_get_status (response), ==, 201);
  g_assert_cmpuint (hits ("/auth"), ==, 2);
  assert_server_received (700 * 1024);
}

/* A body that cannot start over fails the second attempt clearly. */
static void
test_challenge_unseekable_body_fails (void)
{
  g_autoptr (PhonesecHttpClient) client = client_new ();
  g_autofree char *target = auth_url ();
  g_autoptr (PhonesecHttpRequest) request = phonesec_http_request_new ("POST", target);
  g_autoptr (GInputStream) body = generator_new (1000);
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecHttpResponse) response = NULL;

  phonesec_http_request_set_body (request, "application/octet-stream", body, 1000);
  response = send_sync (client, request, &error);
  g_assert_null (response);
  g_assert_error (error, PHONESEC_HTTP_ERROR, PHONESEC_HTTP_ERROR_BODY);
  g_test_message ("%s", error->message);
}

static gboolean
server_saw_client_go (gpointer data)
{
  gboolean gone;

  g_mutex_lock (&server->lock);
  gone = server->client_gone;
  g_mutex_unlock (&server->lock);
  return gone;
}

/* Closing a body early stops the transfer at the server; a cancellable
 * ends a request waiting for its answer. */
static void
test_cancel (void)
{
  g_autoptr (PhonesecHttpClient) client = client_new ();
  g_autoptr (GError) error = NULL;

  {
    g_autofree char *target = url ("/big");
    g_autoptr (PhonesecHttpRequest) request = phonesec_http_request_new ("GET", target);
    g_autoptr (PhonesecHttpResponse) response = send_sync (client, request, &error);

    g_assert_no_error (error);
    g_input_stream_close (phonesec_http_response_get_body (response), NULL, NULL);
    g_assert_true (wait_until (server_saw_client_go, NULL, 5000));
  }
  {
    g_autofree char *target = url ("/hold");
    g_autoptr (PhonesecHttpRequest) request = phonesec_http_request_new ("GET", target);
    g_autoptr (GCancellable) cancellable = g_cancellable_new ();
    GAsyncResult *result = NULL;
    g_autoptr (PhonesecHttpResponse) response = NULL;

    phonesec_http_client_send_async (client, request, cancellable, on_result, &result);
    while (held_count () == 0)
      g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
    g_cancellable_cancel (cancellable);
    response = phonesec_http_client_send_finish (client, wait_result (&result), &error);
    g_object_unref (result);
    g_assert_null (response);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    release_held ();
  }
  /* The helper is fine afterwards, and forgot both. */
  {
    g_autofree char *target = url ("/hello");
    g_autoptr (PhonesecHttpRequest) request = phonesec_http_request_new ("GET", target);
    g_autoptr (GError) again = NULL;
    g_autoptr (PhonesecHttpResponse) response = send_sync (client, request, &again);

    g_assert_no_error (again);
    g_assert_cmpuint (phonesec_http_client_get_in_flight (client), <=, 1);
  }
}

static gboolean
held_one (gpointer data)
{
  return held_count () >= GPOINTER_TO_UINT (data);
}

/* A planned restart (a TLS policy change) while a request waits for its
 * answer: the request goes to the new helper, once, and succeeds. */
static void
test_restart_sends_again (void)
{
  g_autoptr (PhonesecHttpClient) client = client_new ();
  g_autofree char *target = url ("/hold");
  g_autoptr (PhonesecHttpRequest) request = phonesec_http_request_new ("POST", target);
  g_autoptr (GBytes) bytes = g_bytes_new_static ("retry me", 8);
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecHttpResponse) response = NULL;
  GAsyncResult *result = NULL;
  guint before = hits ("/hold");
  guint pid;

  phonesec_http_request_set_body_bytes (request, "text/plain", bytes);
  phonesec_http_client_send_async (client, request, NULL, on_result, &result);
  g_assert_true (wait_until (held_one, GUINT_TO_POINTER (1), 5000));
  pid = helper_pid (client);
  phonesec_http_client_restart (client, "the test says so");
  g_assert_cmpuint (helper_pid (client), !=, pid);
  g_assert_true (wait_until (held_one, GUINT_TO_POINTER (2), 5000));
  release_held ();
  response = phonesec_http_client_send_finish (client, wait_result (&result), &error);
  g_object_unref (result);
  g_assert_no_error (error);
  g_assert_cmpuint (phonesec_http_response_get_status (response), ==, 200);
  g_assert_cmpuint (hits ("/hold"), ==, before + 2);
  /* Planned: no crash counted. */
  g_assert_cmpuint (
      phonesec_netd_supervisor_get_restarts (phonesec_http_client_get_supervisor (client)), ==, 0);
}

/* A restart while the answer streams in: it cannot be taken again, so
 * the body fails with a clear error. */
static void
test_restart_fails_streaming (void)
{
  g_autoptr (PhonesecHttpClient) client = client_new ();
  g_autofree char *target = url ("/big");
  g_autoptr (PhonesecHttpRequest) request = phonesec_http_request_new ("GET", target);
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecHttpResponse) response = send_sync (client, request, &error);
  GInputStream *body;
  guint8 buffer[4096];
  gssize n;

  g_assert_no_error (error);
  body = phonesec_http_response_get_body (response);
  phonesec_http_client_restart (client, "the TLS policy changed");
  do
    {
      GAsyncResult *result = NULL;

      g_input_stream_read_async (body, buffer, sizeof buffer, G_PRIORITY_DEFAULT, NULL, on_result,
                                 &result);
      n = g_input_stream_read_finish (body, wait_result (&result), &error);
      g_object_unref (result);
    }
  while (n > 0);
  g_assert_error (error, PHONESEC_HTTP_ERROR, PHONESEC_HTTP_ERROR_SERVICE_RESTARTED);
  g_assert_nonnull (strstr (error->message, "the TLS policy changed"));
}

typedef struct
{
  PhonesecHttpClient *client;
  guint pid;
} PidChange;

static gboolean
new_helper_running (gpointer data)
{
  PidChange *p = data;
  guint pid = helper_pid (p->client);

  return pid != 0 && pid != p->pid && helper_running (p->client);
}

/* A crash: seen, counted, said, and a new helper takes the next request. */
static void
test_crash_restarts (void)
{
  g_autoptr (PhonesecHttpClient) client = client_new ();
  g_autofree char *target = url ("/hello");
  PhonesecNetdSupervisor *supervisor = phonesec_http_client_get_supervisor (client);
  PidChange change = { client, 0 };

  phonesec_http_client_start (client);
  g_assert_true (wait_until (helper_running, client, 5000));
  change.pid = helper_pid (client);
  g_test_expect_message ("phonesec", G_LOG_LEVEL_WARNING,
                         "The network service (phonesec-netd) was killed by signal 11*");
  g_assert_cmpint (kill (change.pid, SIGSEGV), ==, 0);
  g_assert_true (wait_until (new_helper_running, &change, 5000));
  g_test_assert_expected_messages ();
  g_assert_cmpuint (phonesec_netd_supervisor_get_restarts (supervisor), ==, 1);
  g_assert_nonnull (strstr (phonesec_netd_supervisor_get_last_error (supervisor), "signal 11"));
  {
    g_autoptr (PhonesecHttpRequest) request = phonesec_http_request_new ("GET", target);
    g_autoptr (GError) error = NULL;
    g_autoptr (PhonesecHttpResponse) response = send_sync (client, request, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (phonesec_http_response_get_status (response), ==, 200);
  }
}

/* A hang (stopped process): the watchdog kills it and starts another. */
static void
test_hang_restarts (void)
{
  g_autoptr (PhonesecHttpClient) client = client_new ();
  PhonesecNetdSupervisor *supervisor = phonesec_http_client_get_supervisor (client);
  PidChange change = { client, 0 };

  phonesec_netd_supervisor_set_watchdog (supervisor, 200);
  phonesec_http_client_start (client);
  g_assert_true (wait_until (helper_running, client, 5000));
  change.pid = helper_pid (client);
  g_test_expect_message ("phonesec", G_LOG_LEVEL_WARNING,
                         "The network service (phonesec-netd) stopped answering*hung*");
  g_assert_cmpint (kill (change.pid, SIGSTOP), ==, 0);
  g_assert_true (wait_until (new_helper_running, &change, 5000));
  g_test_assert_expected_messages ();
  g_assert_nonnull (strstr (phonesec_netd_supervisor_get_last_error (supervisor), "hung"));
}

/* The helper runs as an unprivileged user, without capabilities, with no
 * new privileges, under a seccomp filter. */
static void
test_confined (void)
{
  g_autoptr (PhonesecHttpClient) client = client_new ();
  guint pid;
  g_autofree char *uid = NULL;
  g_autofree char *nnp = NULL;
  g_autofree char *seccomp = NULL;
  g_autofree char *caps = NULL;
  g_autofree char *bounding = NULL;

  phonesec_http_client_start (client);
  g_assert_true (wait_until (helper_running, client, 5000));
  pid = helper_pid (client);
  uid = proc_status_field (pid, "Uid");
  nnp = proc_status_field (pid, "NoNewPrivs");
  seccomp = proc_status_field (pid, "Seccomp");
  caps = proc_status_field (pid, "CapEff");
  g_test_message ("Uid %s, NoNewPrivs %s, Seccomp %s, CapEff %s", uid, nnp, seccomp, caps);
  g_assert_false (g_str_has_prefix (uid, "0\t"));
  g_assert_cmpstr (nnp, ==, "1");
  g_assert_cmpstr (caps, ==, "0000000000000000");
#ifndef __SANITIZE_ADDRESS__
  g_assert_cmpstr (seccomp, ==, "2");
#endif
  (void) bounding;
}

/* Who answered, as provisioning reports it (LastServer, $SERVIP). */
static void
test_remote_address (void)
{
  g_autoptr (PhonesecHttpClient) client = client_new ();
  g_autofree char *target = url ("/hello");
  g_autofree char *expected = g_strdup_printf ("127.0.0.1:%u", server->port);
  g_autoptr (PhonesecHttpRequest) request = phonesec_http_request_new ("GET", target);
  g_autoptr (PhonesecHttpResponse) response = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = read_all_sync (client, request, 1024, &response, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (phonesec_http_response_get_remote_address (response), ==, expected);
}

static guint
get_status (PhonesecHttpClient *client, const char *target)
{
  g_autoptr (PhonesecHttpRequest) request = phonesec_http_request_new ("GET", target);
  g_autoptr (PhonesecHttpResponse) response = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = read_all_sync (client, request, 1024, &response, &error);

  g_assert_no_error (error);
  return phonesec_http_response_get_status (response);
}

/* A URL's user:password@ answers its own challenge, and is not kept for
 * the next request to that server (libsoup's auth cache would send it). */
static void
test_credentials_one_request (void)
{
  g_autoptr (PhonesecHttpClient) client = client_new ();
  g_autofree char *with = auth_url ();
  g_autofree char *without = url ("/auth");
  guint before = hits ("/auth");

  g_assert_cmpuint (get_status (client, with), ==, 201);
  g_assert_cmpuint (hits ("/auth"), ==, before + 2); /* challenged, then answered */
  g_assert_cmpuint (get_status (client, without), ==, 401);
  g_assert_cmpuint (get_status (client, without), ==, 401);
}

/* --- client certificates ----------------------------------------------------- */

typedef struct
{
  char *dir;
  char *server_pem; /* certificate and key, 127.0.0.1 */
  char *client_cert;
  char *client_key;
  SoupServer *soup;
  guint16 port;
  char *peer_subject; /* what the server saw, under server->lock */
} TlsPeer;

static void
openssl (const char *dir, const char *args)
{
  g_autofree char *command = g_strdup_printf ("openssl %s", args);
  g_auto (GStrv) argv = NULL;
  g_autoptr (GError) error = NULL;
  int status = 0;

  g_assert_true (g_shell_parse_argv (command, NULL, &argv, NULL));
  g_spawn_sync (dir, argv, NULL,
                G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static void
tls_handler (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query,
             gpointer user_data)
{
  TlsPeer *peer = user_data;
  GTlsCertificate *cert = soup_server_message_get_tls_peer_certificate (msg);

  g_mutex_lock (&server->lock);
  g_free (peer->peer_subject);
  peer->peer_subject = cert != NULL ? g_tls_certificate_get_subject_name (cert) : NULL;
  g_mutex_unlock (&server->lock);
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "tls", 3);
}

typedef struct
{
  TlsPeer *peer;
  GTlsCertificate *cert;
  GTlsDatabase *database;
} TlsListen;

/* Self-signed, the client's certificate needs no chain: any is taken, the
 * handler records whose it was. */
static gboolean
accept_any (SoupServerMessage *msg, GTlsCertificate *cert, GTlsCertificateFlags errors,
            gpointer user_data)
{
  return TRUE;
}

static void
on_request_started (SoupServer *soup, SoupServerMessage *msg, gpointer user_data)
{
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_any), NULL);
}

/* In the server thread, which owns its context. */
static gboolean
tls_peer_listen (gpointer data)
{
  TlsListen *listen = data;
  TlsPeer *peer = listen->peer;
  g_autoptr (GError) error = NULL;
  GSList *uris;

  peer->soup = soup_server_new ("tls-certificate", listen->cert, "tls-database", listen->database,
                                "tls-auth-mode", G_TLS_AUTHENTICATION_REQUIRED, NULL);
  g_signal_connect (peer->soup, "request-started", G_CALLBACK (on_request_started), NULL);
  soup_server_add_handler (peer->soup, NULL, tls_handler, peer, NULL);
  soup_server_listen_local (peer->soup, 0, SOUP_SERVER_LISTEN_IPV4_ONLY | SOUP_SERVER_LISTEN_HTTPS,
                            &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (peer->soup);
  g_mutex_lock (&server->lock);
  peer->port = g_uri_get_port (uris->data);
  g_mutex_unlock (&server->lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return G_SOURCE_REMOVE;
}

static gboolean
tls_peer_listening (gpointer data)
{
  TlsPeer *peer = data;
  gboolean listening;

  g_mutex_lock (&server->lock);
  listening = peer->port != 0;
  g_mutex_unlock (&server->lock);
  return listening;
}

/* An HTTPS SoupServer (in the server thread) that requires a client
 * certificate issued by itself (the client's, self-signed). */
static TlsPeer *
tls_peer_start (void)
{
  TlsPeer *peer = g_new0 (TlsPeer, 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (GTlsCertificate) cert = NULL;
  g_autoptr (GTlsDatabase) database = NULL;
  g_autofree char *key = NULL;
  TlsListen listen = { peer, NULL, NULL };

  peer->dir = g_dir_make_tmp ("test-netd-XXXXXX", &error);
  g_assert_no_error (error);
  openssl (peer->dir, "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 "
                      "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 "
                      "-keyout server.key -out server.crt");
  openssl (peer->dir, "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 "
                      "-subj /OU=CP-8841/L=FCH0001/CN=phone -keyout client.key -out client.crt");
  peer->server_pem = g_build_filename (peer->dir, "server.crt", NULL);
  peer->client_cert = g_build_filename (peer->dir, "client.crt", NULL);
  peer->client_key = g_build_filename (peer->dir, "client.key", NULL);
  key = g_build_filename (peer->dir, "server.key", NULL);
  cert = g_tls_certificate_new_from_files (peer->server_pem, key, &error);
  g_assert_no_error (error);
  database = g_tls_file_database_new (peer->client_cert, &error);
  g_assert_no_error (error);
  listen.cert = cert;
  listen.database = database;
  g_main_context_invoke (server->context, tls_peer_listen, &listen);
  g_assert_true (wait_until (tls_peer_listening, peer, 10000));
  return peer;
}

static gboolean
tls_peer_stop_in_server (gpointer data)
{
  TlsPeer *peer = data;

  soup_server_disconnect (peer->soup);
  g_clear_object (&peer->soup);
  return G_SOURCE_REMOVE;
}

static void
tls_peer_stop (TlsPeer *peer)
{
  g_autofree char *command = g_strdup_printf ("rm -rf %s", peer->dir);

  g_main_context_invoke (server->context, tls_peer_stop_in_server, peer);
  while (g_atomic_pointer_get (&peer->soup) != NULL)
    g_usleep (1000);
  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL));
  g_free (peer->dir);
  g_free (peer->server_pem);
  g_free (peer->client_cert);
  g_free (peer->client_key);
  g_free (peer->peer_subject);
  g_free (peer);
}

static PhonesecHttpClient *
tls_client_new (TlsPeer *peer)
{
  g_autoptr (GError) error = NULL;
  PhonesecHttpClient *client
      = phonesec_http_client_new_standalone (g_getenv ("PHONESEC_NETD"), peer->server_pem, &error);

  g_assert_no_error (error);
  return client;
}

/* The PEM crosses the channel: the helper, which reads no file, presents
 * it; a request without one is refused by the server. */
static void
test_client_certificate (void)
{
  TlsPeer *peer = tls_peer_start ();
  g_autoptr (PhonesecHttpClient) client = tls_client_new (peer);
  g_autofree char *target = g_strdup_printf ("https://127.0.0.1:%u/id", peer->port);
  g_autofree char *expected = g_strdup_printf ("127.0.0.1:%u", peer->port);
  g_autoptr (PhonesecHttpRequest) request = phonesec_http_request_new ("GET", target);
  g_autoptr (PhonesecHttpRequest) bare = phonesec_http_request_new ("GET", target);
  g_autoptr (PhonesecHttpResponse) response = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (phonesec_http_request_set_client_certificate_files (request, peer->client_cert,
                                                                     peer->client_key, &error));
  g_assert_no_error (error);
  body = read_all_sync (client, request, 1024, &response, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (phonesec_http_response_get_status (response), ==, 200);
  g_assert_cmpstr (phonesec_http_response_get_remote_address (response), ==, expected);
  g_mutex_lock (&server->lock);
  g_assert_nonnull (strstr (peer->peer_subject, "CN=phone"));
  g_mutex_unlock (&server->lock);

  g_clear_pointer (&body, g_bytes_unref);
  g_clear_object (&response);
  body = read_all_sync (client, bare, 1024, &response, &error);
  g_assert_null (body);
  g_assert_nonnull (error);
  tls_peer_stop (peer);
}

/* A certificate or key that does not load fails that request with a
 * message that shows nothing of it; the helper stays up. */
static void
test_client_certificate_bad (void)
{
  g_autoptr (PhonesecHttpClient) client = client_new ();
  g_autofree char *target = url ("/hello");
  g_autoptr (PhonesecHttpRequest) request = phonesec_http_request_new ("GET", target);
  g_autoptr (PhonesecSecret) pem = phonesec_secret_new (
      "-----BEGIN PRIVATE KEY-----\nS3cr3tKeyMaterial\n-----END PRIVATE KEY-----\n", -1);
  g_autoptr (PhonesecHttpResponse) response = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GError) error = NULL;
  guint pid;

  phonesec_http_request_set_client_certificate (request, pem);
  body = read_all_sync (client, request, 1024, &response, &error);
  g_assert_error (error, PHONESEC_HTTP_ERROR, PHONESEC_HTTP_ERROR_INVALID_REQUEST);
  g_assert_null (strstr (error->message, "S3cr3t"));
  g_assert_null (strstr (error->message, "BEGIN"));
  pid = helper_pid (client);
  g_assert_cmpuint (get_status (client, target), ==, 200);
  g_assert_cmpuint (helper_pid (client), ==, pid);

  g_clear_error (&error);
  g_assert_false (phonesec_http_request_set_client_certificate_files (
      request, "/nonexistent/client.crt", NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("PHONESEC_NETD") == NULL)
    g_error ("PHONESEC_NETD is not set: run the tests with meson test");
#ifdef __SANITIZE_ADDRESS__
  {
    /* The helpers this test starts: ASan's quarantine would keep every
     * freed chunk of a 24 MiB download, and the RSS bound would measure
     * it instead of the helper; and its SIGSEGV handler would make the
     * crash test's signal an abort. */
    g_autofree char *options = g_strconcat (g_getenv ("ASAN_OPTIONS") ?: "",
                                            ":quarantine_size_mb=0:handle_segv=0", NULL);
    g_setenv ("ASAN_OPTIONS", options, TRUE);
  }
#endif
  server_start ();
  g_test_add_func ("/netd/request/get", test_get);
  g_test_add_func ("/netd/request/large-download-streams", test_large_download_streams);
  g_test_add_func ("/netd/request/large-upload-streams", test_large_upload_streams);
  g_test_add_func ("/netd/request/challenge-sends-body-again", test_challenge_sends_body_again);
  g_test_add_func ("/netd/request/challenge-unseekable-body-fails",
                   test_challenge_unseekable_body_fails);
  g_test_add_func ("/netd/request/cancel", test_cancel);
  g_test_add_func ("/netd/request/remote-address", test_remote_address);
  g_test_add_func ("/netd/request/credentials-one-request", test_credentials_one_request);
  g_test_add_func ("/netd/request/client-certificate", test_client_certificate);
  g_test_add_func ("/netd/request/client-certificate-bad", test_client_certificate_bad);
  g_test_add_func ("/netd/restart/sends-again-once", test_restart_sends_again);
  g_test_add_func ("/netd/restart/streaming-fails-clearly", test_restart_fails_streaming);
  g_test_add_func ("/netd/helper/crash-restarts", test_crash_restarts);
  g_test_add_func ("/netd/helper/hang-restarts", test_hang_restarts);
  g_test_add_func ("/netd/helper/confined", test_confined);
  return g_test_run ();
}
