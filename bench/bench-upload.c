/* bench-upload.c: an upload through the network service against the same
 * upload from phonesecd's own process, as it was done before issue 14.
 *
 * The same SoupServer (a thread of this program, on loopback) receives
 * POSTs of a file's content (256 KiB and 4 MiB, the size of problem
 * reports), alternately:
 *   baseline  a SoupSession in this process sending the file mapped in
 *             memory (what the upload queue did in phonesecd);
 *   helper    PhonesecHttpClient, the SDK, through phonesec-netd (what the
 *             upload queue does now: the file opened, passed to the helper
 *             as a read-only descriptor it maps).
 * Both keep their connection alive, as the phone's one client does. Goal:
 * the helper's median at most 1.2 times the baseline's, per size.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "bench-common.h"
#include "phonesec-http-private.h"

#define ROUNDS 30

static GMainContext *server_context;
static GMainLoop *server_loop;
static gint received;

static void
handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
         gpointer user_data)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  g_atomic_int_add (&received, (gint) body->length / 1024);
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "ok", 2);
}

static gpointer
server_thread (gpointer data)
{
  g_main_context_push_thread_default (server_context);
  g_main_loop_run (server_loop);
  return NULL;
}

static guint16
server_start (void)
{
  g_autoptr (GError) error = NULL;
  SoupServer *server;
  GSList *uris;
  guint16 port;

  server_context = g_main_context_new ();
  server_loop = g_main_loop_new (server_context, FALSE);
  g_main_context_push_thread_default (server_context);
  server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server, NULL, handler, NULL, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_main_context_pop_thread_default (server_context);
  g_thread_new ("server", server_thread, NULL);
  return port;
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

/* Before: the daemon's SoupSession, the file mapped. */
static gint64
upload_in_process (SoupSession *session, const char *url, const char *path)
{
  gint64 t0 = bench_now_ns ();
  g_autoptr (GMappedFile) mapped = g_mapped_file_new (path, FALSE, NULL);
  g_autoptr (GBytes) body = g_mapped_file_get_bytes (mapped);
  g_autoptr (SoupMessage) msg = soup_message_new ("POST", url);
  GAsyncResult *result = NULL;
  g_autoptr (GBytes) reply = NULL;
  g_autoptr (GError) error = NULL;

  soup_message_set_request_body_from_bytes (msg, "application/gzip", body);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, on_result, &result);
  reply = soup_session_send_and_read_finish (session, wait_result (&result), &error);
  g_object_unref (result);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  return bench_now_ns () - t0;
}

/* Now: the SDK, through phonesec-netd, the file opened as the upload queue
 * opens it (the helper maps it from the descriptor passed along). */
static gint64
upload_through_helper (PhonesecHttpClient *client, const char *url, const char *path)
{
  gint64 t0 = bench_now_ns ();
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GFileInputStream) body = g_file_read (file, NULL, NULL);
  g_autoptr (GFileInfo) info
      = g_file_input_stream_query_info (body, G_FILE_ATTRIBUTE_STANDARD_SIZE, NULL, NULL);
  g_autoptr (PhonesecHttpRequest) request = phonesec_http_request_new ("POST", url);
  g_autoptr (PhonesecHttpResponse) response = NULL;
  GAsyncResult *result = NULL;
  g_autoptr (GBytes) reply = NULL;
  g_autoptr (GError) error = NULL;

  phonesec_http_request_set_body (request, "application/gzip", G_INPUT_STREAM (body),
                                  g_file_info_get_size (info));
  phonesec_http_client_send_and_read_async (client, request, 1024, NULL, on_result, &result);
  reply = phonesec_http_client_send_and_read_finish (client, wait_result (&result), &response,
                                                     &error);
  g_object_unref (result);
  g_assert_no_error (error);
  g_assert_cmpuint (phonesec_http_response_get_status (response), ==, 200);
  return bench_now_ns () - t0;
}

static char *
make_file (const char *dir, gsize size)
{
  g_autofree char *name = g_strdup_printf ("body-%zu", size);
  char *path = g_build_filename (dir, name, NULL);
  g_autofree guint8 *data = g_malloc (size);
  g_autoptr (GError) error = NULL;

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) g_random_int ();
  g_file_set_contents (path, (const char *) data, size, &error);
  g_assert_no_error (error);
  return path;
}

int
main (int argc, char **argv)
{
  const gsize sizes[] = { 256 * 1024, 4 * 1024 * 1024 };
  g_autoptr (GError) error = NULL;
  g_autoptr (SoupSession) session = NULL;
  g_autoptr (PhonesecHttpClient) client = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *url = NULL;
  gint64 begin = bench_now_ns ();
  guint16 port;

  bench_init (&argc, &argv, "An upload through the network service against one in process.");
  port = server_start ();
  url = g_strdup_printf ("http://127.0.0.1:%u/upload", port);
  dir = g_dir_make_tmp ("phonesec-bench-upload-XXXXXX", &error);
  g_assert_no_error (error);
  session = soup_session_new_with_options ("timeout", 60, NULL);
  client = phonesec_http_client_new_standalone (g_getenv ("PHONESEC_NETD"), NULL, &error);
  g_assert_no_error (error);

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      g_autofree char *path = make_file (dir, sizes[s]);
      g_autoptr (GArray) before = bench_samples_new (ROUNDS);
      g_autoptr (GArray) helper = bench_samples_new (ROUNDS);
      g_autofree char *metric = g_strdup_printf ("upload_%zuk_ratio", sizes[s] / 1024);
      double ratio;

      /* Warm-up: connections open, page cache full. */
      upload_in_process (session, url, path);
      upload_through_helper (client, url, path);
      for (guint i = 0; i < ROUNDS; i++)
        {
          gint64 a = upload_in_process (session, url, path);
          gint64 b = upload_through_helper (client, url, path);

          g_array_append_val (before, a);
          g_array_append_val (helper, b);
        }
      ratio = bench_median_us (helper) / bench_median_us (before);
      g_print ("%zu KiB: in process median %.0f us, through the network service %.0f us\n",
               sizes[s] / 1024, bench_median_us (before), bench_median_us (helper));
      bench_report (metric, ratio, 1.2);
      g_unlink (path);
    }
  g_rmdir (dir);
  g_print ("(%.1f s)\n", (bench_now_ns () - begin) / 1e9);
  return 0;
}
