/* test-upload-queue.c: the core's durable upload queue against a real HTTP
 * server (a SoupServer on 127.0.0.1 in this process).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "phonesec-http-private.h"
#include "phonesec-metrics-private.h"
#include "phonesec-upload-queue.h"

typedef struct
{
  SoupServer *server;
  char *base;     /* http://127.0.0.1:PORT */
  GPtrArray *got; /* "METHOD PATH BODY" of each request answered 2xx */
  guint status;   /* what the server answers */
  guint requests; /* every request, whatever the answer */
  char *dir;
  PhonesecHttpClient *session; /* with a network service of its own */
  PhonesecMetrics *metrics;
  GPtrArray *done; /* "id delivered status" */
  char *secret_url;
} Fixture;

static void
handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
         gpointer user_data)
{
  Fixture *f = user_data;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr (GBytes) bytes = soup_message_body_flatten (body);
  const char *header
      = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "X-Test");

  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Authorization");

  f->requests++;
  /* /auth wants Basic u:Pw-Uq-77: a challenge first, as real servers do. */
  if (g_str_has_prefix (path, "/auth") && g_strcmp0 (auth, "Basic dTpQdy1VcS03Nw==") != 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "WWW-Authenticate", "Basic realm=\"test\"");
      soup_server_message_set_status (msg, 401, NULL);
      return;
    }
  soup_server_message_set_status (msg, f->status, NULL);
  if (SOUP_STATUS_IS_SUCCESSFUL (f->status))
    g_ptr_array_add (f->got, g_strdup_printf ("%s %s %.*s %s", soup_server_message_get_method (msg),
                                              path, (int) g_bytes_get_size (bytes),
                                              (const char *) g_bytes_get_data (bytes, NULL),
                                              header != NULL ? header : "-"));
}

static void
on_done (PhonesecUploadQueue *queue, const char *owner, const char *id, const char *tag,
         gboolean delivered, guint status, const char *message, gpointer user_data)
{
  Fixture *f = user_data;
  g_ptr_array_add (f->done, g_strdup_printf ("%s %s %u", tag, delivered ? "yes" : "no", status));
}

static void
setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  GSList *uris;

  f->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->server, NULL, handler, f, NULL);
  g_assert_true (soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->server);
  f->base = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  f->got = g_ptr_array_new_with_free_func (g_free);
  f->done = g_ptr_array_new_with_free_func (g_free);
  f->status = 200;
  f->dir = g_dir_make_tmp ("phonesec-uploads-XXXXXX", &error);
  g_assert_no_error (error);
  f->session = phonesec_http_client_new_standalone (g_getenv ("PHONESEC_NETD"), NULL, &error);
  g_assert_no_error (error);
  /* Its network service runs before any test expects a message. */
  phonesec_http_client_start (f->session);
  while (!g_str_equal (
      phonesec_netd_supervisor_get_state (phonesec_http_client_get_supervisor (f->session)),
      "running"))
    g_main_context_iteration (NULL, TRUE);
  f->metrics = phonesec_metrics_new ();
  phonesec_metrics_set_sending_allowed (f->metrics, TRUE);
}

static void
rm_rf (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      g_unlink (child);
    }
  g_rmdir (path);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  /* Close both ends and let their sources run, or the sockets leak. */
  g_clear_object (&f->session);
  soup_server_disconnect (f->server);
  for (gint64 end = g_get_monotonic_time () + 100000; g_get_monotonic_time () < end;)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
  g_object_unref (f->server);
  g_free (f->base);
  g_ptr_array_unref (f->got);
  g_ptr_array_unref (f->done);
  rm_rf (f->dir);
  g_free (f->dir);
  g_object_unref (f->metrics);
}

static PhonesecUploadQueue *
new_queue (Fixture *f)
{
  PhonesecUploadQueue *queue = phonesec_upload_queue_new (f->dir, f->session, f->metrics);

  phonesec_upload_queue_set_backoff (queue, 20, 100);
  g_signal_connect (queue, "item-done", G_CALLBACK (on_done), f);
  return queue;
}

static char *
add (Fixture *f, PhonesecUploadQueue *queue, const char *tag, PhonesecUploadFlags flags,
     const char *path, GError **error)
{
  g_autofree char *url = g_strconcat (f->base, path, NULL);
  g_autoptr (GBytes) body = g_bytes_new (tag, strlen (tag));
  g_autoptr (GHashTable) headers = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (headers, "X-Test", "h1");
  return phonesec_upload_queue_add (queue, "owner", tag, flags, "POST", url, "text/plain", headers,
                                    body, error);
}

static void
wait_for (guint *counter, guint n)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (*counter < n && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (*counter, >=, n);
}

static guint
count_files (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* Delivered in order, with headers; files gone afterwards. */
static void
test_deliver (Fixture *f, gconstpointer data)
{
  g_autoptr (PhonesecUploadQueue) queue = new_queue (f);
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *tag = g_strdup_printf ("item%u", i);
      g_autofree char *id = add (f, queue, tag, 0, "/up", &error);
      g_assert_no_error (error);
      g_assert_nonnull (id);
    }
  /* Durable before sending: nothing goes before start. */
  g_assert_cmpuint (count_files (f->dir), ==, 6);
  g_assert_cmpuint (f->requests, ==, 0);
  phonesec_upload_queue_start (queue);
  wait_for (&f->done->len, 3);
  g_assert_cmpuint (f->got->len, ==, 3);
  g_assert_cmpstr (f->got->pdata[0], ==, "POST /up item0 h1");
  g_assert_cmpstr (f->got->pdata[2], ==, "POST /up item2 h1");
  g_assert_cmpstr (f->done->pdata[1], ==, "item1 yes 200");
  g_assert_cmpuint (count_files (f->dir), ==, 0);
  g_assert_cmpuint (phonesec_upload_queue_get_length (queue, NULL), ==, 0);
}

/* 500 and connection refused are retried; every item arrives exactly once. */
static void
test_retry (Fixture *f, gconstpointer data)
{
  g_autoptr (PhonesecUploadQueue) queue = new_queue (f);
  g_autoptr (GError) error = NULL;
  g_autofree char *a = NULL, *b = NULL;

  f->status = 500;
  phonesec_upload_queue_start (queue);
  a = add (f, queue, "a", 0, "/r", &error);
  b = add (f, queue, "b", 0, "/r", &error);
  g_assert_no_error (error);
  wait_for (&f->requests, 6);
  g_assert_cmpuint (f->got->len, ==, 0);
  g_assert_true (phonesec_upload_queue_has_item (queue, a));
  f->status = 201;
  wait_for (&f->done->len, 2);
  /* A little longer: nothing more may come. */
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE), g_usleep (10000);
  g_assert_cmpuint (f->got->len, ==, 2);
  g_assert_false (phonesec_upload_queue_has_item (queue, a));
}

/* 4xx (but 408/429) is final: dropped, not retried. */
static void
test_permanent (Fixture *f, gconstpointer data)
{
  g_autoptr (PhonesecUploadQueue) queue = new_queue (f);
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL;

  f->status = 404;
  phonesec_upload_queue_start (queue);
  g_test_expect_message ("phonesec", G_LOG_LEVEL_WARNING, "*answered HTTP 404*dropped");
  id = add (f, queue, "gone", 0, "/missing", &error);
  wait_for (&f->done->len, 1);
  g_test_assert_expected_messages ();
  g_assert_cmpstr (f->done->pdata[0], ==, "gone no 404");
  g_assert_cmpuint (f->requests, ==, 1);
  g_assert_cmpuint (count_files (f->dir), ==, 0);
}

/* Items survive the queue (the daemon) going away; orphans are cleaned. */
static void
test_restart (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *orphan = g_build_filename (f->dir, "00000000000000ff.body", NULL);
  g_autofree char *junk = g_build_filename (f->dir, "0000000000000100.item", NULL);

  {
    g_autoptr (PhonesecUploadQueue) queue = new_queue (f);
    g_autofree char *id1 = add (f, queue, "kept1", 0, "/k", &error);
    g_autofree char *id2 = add (f, queue, "kept2", 0, "/k", &error);
    g_assert_no_error (error);
  }
  g_assert_true (g_file_set_contents (orphan, "half-written", -1, NULL));
  g_assert_true (g_file_set_contents (junk, "[Item]\nnot an item", -1, NULL));
  g_test_expect_message ("phonesec", G_LOG_LEVEL_WARNING, "*unreadable item*");
  {
    g_autoptr (PhonesecUploadQueue) queue = new_queue (f);
    g_autofree char *id3 = NULL;

    g_test_assert_expected_messages ();
    g_assert_cmpuint (phonesec_upload_queue_get_length (queue, "owner"), ==, 2);
    g_assert_false (g_file_test (orphan, G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (junk, G_FILE_TEST_EXISTS));
    /* New ids never reuse an old one. */
    id3 = add (f, queue, "new", 0, "/k", &error);
    g_assert_cmpstr (id3, ==, "0000000000000002");
    phonesec_upload_queue_start (queue);
    wait_for (&f->done->len, 3);
    g_assert_cmpstr (f->got->pdata[0], ==, "POST /k kept1 h1");
    g_assert_cmpstr (f->got->pdata[2], ==, "POST /k new h1");
  }
}

/* Per-owner bounds drop the owner's oldest item. */
static void
test_bounds (Fixture *f, gconstpointer data)
{
  g_autoptr (PhonesecUploadQueue) queue = new_queue (f);
  g_autoptr (GError) error = NULL;

  phonesec_upload_queue_set_limits (queue, 2, 1024);
  g_free (add (f, queue, "one", 0, "/b", &error));
  g_free (add (f, queue, "two", 0, "/b", &error));
  g_test_expect_message ("phonesec", G_LOG_LEVEL_WARNING, "*of owner is full*oldest*");
  g_free (add (f, queue, "three", 0, "/b", &error));
  g_test_assert_expected_messages ();
  g_assert_no_error (error);
  g_assert_cmpuint (phonesec_upload_queue_get_length (queue, "owner"), ==, 2);
  g_assert_cmpuint (f->done->len, ==, 1);
  g_assert_cmpstr (f->done->pdata[0], ==, "one no 0");
  /* Bigger than the byte bound: refused outright. */
  {
    g_autofree char *url = g_strconcat (f->base, "/b", NULL);
    g_autoptr (GBytes) big = g_bytes_new_take (g_malloc0 (2048), 2048);
    g_autofree char *id
        = phonesec_upload_queue_add (queue, "owner", "big", 0, "PUT", url, NULL, NULL, big, &error);
    g_assert_null (id);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
  }
}

/* Metrics never go while not allowed, and waiting ones are discarded. */
static void
test_metrics_gate (Fixture *f, gconstpointer data)
{
  g_autoptr (PhonesecUploadQueue) queue = new_queue (f);
  g_autoptr (GError) error = NULL;
  g_autofree char *m1 = NULL, *other = NULL, *m2 = NULL;

  m1 = add (f, queue, "m1", PHONESEC_UPLOAD_METRICS, "/m", &error);
  other = add (f, queue, "report", 0, "/p", &error);
  g_assert_no_error (error);
  phonesec_metrics_set_sending_allowed (f->metrics, FALSE);
  g_assert_false (phonesec_upload_queue_has_item (queue, m1));
  g_assert_true (phonesec_upload_queue_has_item (queue, other));
  m2 = add (f, queue, "m2", PHONESEC_UPLOAD_METRICS, "/m", &error);
  g_assert_null (m2);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  phonesec_upload_queue_start (queue);
  wait_for (&f->got->len, 1);
  g_assert_cmpuint (f->got->len, ==, 1);
  g_assert_cmpstr (f->got->pdata[0], ==, "POST /p report h1");
}

/* Bad URLs are refused before anything is written. */
static void
test_bad_url (Fixture *f, gconstpointer data)
{
  g_autoptr (PhonesecUploadQueue) queue = new_queue (f);
  const char *bad[] = { "ftp://host/x", "http://", "not a url", "file:///etc/passwd", "" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *id = phonesec_upload_queue_add (queue, "owner", NULL, 0, "POST", bad[i],
                                                       NULL, NULL, NULL, &error);
      g_assert_null (id);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    }
  g_assert_cmpuint (count_files (f->dir), ==, 0);
}

/* A folder that cannot be made (a full disk at the first start; here a
 * file in the way) is a warning: the queue exists, starts empty, and
 * adding says why it fails; once the folder can be made, adding works. */
static void
test_missing_folder_is_not_fatal (Fixture *f, gconstpointer data)
{
  g_autofree char *blocker = g_build_filename (f->dir, "blocker", NULL);
  g_autofree char *dir = g_build_filename (blocker, "uploads", NULL);
  g_autoptr (PhonesecUploadQueue) queue = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *id = NULL;

  g_assert_true (g_file_set_contents (blocker, "", 0, NULL));
  g_test_expect_message ("phonesec", G_LOG_LEVEL_WARNING, "Upload queue: cannot create*");
  queue = phonesec_upload_queue_new (dir, f->session, f->metrics);
  g_test_assert_expected_messages ();
  g_assert_nonnull (queue);
  g_assert_false (phonesec_upload_queue_is_busy (queue));

  id = add (f, queue, "r1", 0, "/p", &error);
  g_assert_null (id);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "Cannot queue the upload"));
  g_clear_error (&error);

  g_assert_no_errno (g_unlink (blocker));
  id = add (f, queue, "r1", 0, "/p", &error);
  g_assert_no_error (error);
  g_assert_nonnull (id);
  g_assert_cmpuint (count_files (dir), ==, 2);
  rm_rf (blocker);
}

static PhonesecSecret *
give_secret (const char *owner, const char *tag, const char *ref, const char *url,
             gpointer user_data)
{
  Fixture *f = user_data;

  g_assert_cmpstr (owner, ==, "owner");
  g_assert_cmpstr (url, ==, f->secret_url);
  if (g_str_equal (ref, "Rule"))
    return phonesec_secret_new ("u:Pw-Uq-77", -1);
  if (g_str_equal (ref, "HeaderValue"))
    return phonesec_secret_new ("Tok-Uq-88", -1);
  return NULL;
}

static gboolean
dir_contains (const char *dir, const char *needle)
{
  g_autoptr (GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize len;

      g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
      if (g_strstr_len (contents, len, needle) != NULL)
        return TRUE;
    }
  return FALSE;
}

/* The URL's user:password and a secret header never reach the files: the
 * owner gives them at send time, also after a restart. A password without a
 * reference is refused. */
static void
test_secrets_asked_at_send_time (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) secret_headers = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GBytes) body = g_bytes_new_static ("s1", 2);
  g_autofree char *url = g_strdup_printf ("http://u:Pw-Uq-77@%s/auth", f->base + 7);
  g_autofree char *id = NULL;

  f->secret_url = g_strconcat (f->base, "/auth", NULL);
  g_hash_table_insert (secret_headers, "X-Test", "HeaderValue");
  {
    g_autoptr (PhonesecUploadQueue) queue = new_queue (f);
    g_autofree char *refused
        = phonesec_upload_queue_add (queue, "owner", "x", 0, "POST", url, NULL, NULL, body, &error);

    g_assert_null (refused);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    g_assert_null (strstr (error->message, "Pw-Uq-77"));
    g_clear_error (&error);
    id = phonesec_upload_queue_add_full (queue, "owner", "s1", 0, "POST", url, "text/plain", NULL,
                                         "Rule", secret_headers, body, &error);
    g_assert_no_error (error);
    g_assert_nonnull (id);
  }
  g_assert_false (dir_contains (f->dir, "Pw-Uq-77"));
  g_assert_false (dir_contains (f->dir, "Tok-Uq-88"));
  g_assert_true (dir_contains (f->dir, "UserInfoRef=Rule"));
  {
    /* A later run: the item on disk, the owner asked again. */
    g_autoptr (PhonesecUploadQueue) queue = new_queue (f);

    phonesec_upload_queue_set_secret_func (queue, "owner", give_secret, f, NULL);
    phonesec_upload_queue_start (queue);
    wait_for (&f->done->len, 1);
    g_assert_cmpstr (f->done->pdata[0], ==, "s1 yes 200");
    g_assert_cmpstr (f->got->pdata[0], ==, "POST /auth s1 Tok-Uq-88");
  }
  g_free (f->secret_url);
}

static void
test_display_url (void)
{
  g_autofree char *a = phonesec_upload_url_for_display ("https://user:pw@host:8443/p?q=1");
  g_autofree char *b = phonesec_upload_url_for_display ("::");

  g_assert_cmpstr (a, ==, "https://host:8443/p?q=1");
  g_assert_null (strstr (b, "::"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, setup, fn, teardown)
  ADD ("/upload-queue/deliver", test_deliver);
  ADD ("/upload-queue/retry", test_retry);
  ADD ("/upload-queue/permanent", test_permanent);
  ADD ("/upload-queue/restart", test_restart);
  ADD ("/upload-queue/bounds", test_bounds);
  ADD ("/upload-queue/metrics-gate", test_metrics_gate);
  ADD ("/upload-queue/bad-url", test_bad_url);
  ADD ("/upload-queue/missing-folder", test_missing_folder_is_not_fatal);
  ADD ("/upload-queue/secrets-asked-at-send-time", test_secrets_asked_at_send_time);
  g_test_add_func ("/upload-queue/display-url", test_display_url);
  return g_test_run ();
}
