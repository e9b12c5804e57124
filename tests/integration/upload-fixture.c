/* upload-fixture.c: a recording libsoup 3 server on loopback, and readers
 * for what it received (multipart forms, tar.gz with libarchive).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>

#include "upload-fixture.h"

struct _PhonesecUploadServer
{
  SoupServer *server;
  /* Our own listener, connections handed to the server with
   * soup_server_accept_iostream(): libsoup 3.2's own listener leaks every
   * socket it accepts (valgrind would blame the test). */
  GSocketService *service;
  GTlsCertificate *certificate; /* HTTPS when set */
  gboolean https;
  guint16 port;
  gboolean up;
  GPtrArray *requests; /* PhonesecUploadRequest* */
  guint status;        /* answered while status_left > 0 or status_forever */
  guint status_left;
  gboolean status_forever;
};

static void
request_free (PhonesecUploadRequest *request)
{
  g_free (request->method);
  g_free (request->path);
  g_free (request->query);
  g_clear_pointer (&request->headers, soup_message_headers_unref);
  g_clear_pointer (&request->body, g_bytes_unref);
  g_free (request);
}

static guint
next_status (PhonesecUploadServer *self)
{
  if (self->status_forever)
    return self->status;
  if (self->status_left > 0)
    {
      self->status_left--;
      return self->status;
    }
  return SOUP_STATUS_OK;
}

static void
handle_request (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
                gpointer user_data)
{
  PhonesecUploadServer *self = user_data;
  PhonesecUploadRequest *request = g_new0 (PhonesecUploadRequest, 1);
  SoupMessageHeaders *in = soup_server_message_get_request_headers (msg);
  SoupMessageHeadersIter iter;
  const char *name, *value;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  GUri *uri = soup_server_message_get_uri (msg);

  request->method = g_strdup (soup_server_message_get_method (msg));
  request->path = g_strdup (path);
  request->query = g_strdup (g_uri_get_query (uri));
  /* A copy: the message's headers go away with the message. */
  request->headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  soup_message_headers_iter_init (&iter, in);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    soup_message_headers_append (request->headers, name, value);
  request->body = soup_message_body_flatten (body);
  request->status = next_status (self);
  g_ptr_array_add (self->requests, request);

  soup_server_message_set_status (msg, request->status, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_COPY, "ok\n", 3);
}

/* A new connection: TLS first for HTTPS, then the server reads it. */
static gboolean
on_incoming (GSocketService *service, GSocketConnection *connection, GObject *source,
             gpointer user_data)
{
  PhonesecUploadServer *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocketAddress) local = g_socket_connection_get_local_address (connection, NULL);
  g_autoptr (GSocketAddress) remote = g_socket_connection_get_remote_address (connection, NULL);
  g_autoptr (GIOStream) stream = NULL;

  if (self->certificate != NULL)
    {
      stream = g_tls_server_connection_new (G_IO_STREAM (connection), self->certificate, &error);
      g_assert_no_error (error);
    }
  else
    stream = g_object_ref (G_IO_STREAM (connection));
  soup_server_accept_iostream (self->server, stream, local, remote, &error);
  g_assert_no_error (error);
  return TRUE;
}

static void
listen_on (PhonesecUploadServer *self, guint16 port)
{
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr (GSocketAddress) bound = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_null (self->service);
  self->service = g_socket_service_new ();
  g_signal_connect (self->service, "incoming", G_CALLBACK (on_incoming), self);
  g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_service_start (self->service);
  self->up = TRUE;
}

/* Closes the listening socket and every open connection (keep-alive ones
 * included): the next connect() is refused. */
static void
stop_listening (PhonesecUploadServer *self)
{
  if (self->service != NULL)
    {
      g_socket_service_stop (self->service);
      g_socket_listener_close (G_SOCKET_LISTENER (self->service));
      g_clear_object (&self->service);
    }
  soup_server_disconnect (self->server);
  self->up = FALSE;
  /* The closed connections finish (and free their sockets) in idles. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

PhonesecUploadServer *
phonesec_upload_server_new (const char *cert_path, const char *key_path)
{
  PhonesecUploadServer *self = g_new0 (PhonesecUploadServer, 1);
  g_autoptr (GError) error = NULL;

  self->requests = g_ptr_array_new_with_free_func ((GDestroyNotify) request_free);
  if (cert_path != NULL)
    {
      self->certificate = g_tls_certificate_new_from_files (cert_path, key_path, &error);
      g_assert_no_error (error);
      self->https = TRUE;
    }
  self->server = soup_server_new ("server-header", "phonesec-upload-fixture", NULL);
  soup_server_add_handler (self->server, NULL, handle_request, self, NULL);
  listen_on (self, 0);
  return self;
}

void
phonesec_upload_server_free (PhonesecUploadServer *self)
{
  if (self == NULL)
    return;
  stop_listening (self);
  g_clear_object (&self->server);
  g_clear_object (&self->certificate);
  g_ptr_array_unref (self->requests);
  g_free (self);
}

guint16
phonesec_upload_server_get_port (PhonesecUploadServer *self)
{
  return self->port;
}

char *
phonesec_upload_server_url (PhonesecUploadServer *self, const char *path)
{
  g_assert (path[0] == '/');
  return g_strdup_printf ("%s://127.0.0.1:%u%s", self->https ? "https" : "http", self->port, path);
}

void
phonesec_upload_server_set_status (PhonesecUploadServer *self, guint status, guint count)
{
  self->status = status;
  self->status_left = count;
  self->status_forever = count == 0;
}

void
phonesec_upload_server_down (PhonesecUploadServer *self)
{
  g_assert_true (self->up);
  stop_listening (self);
}

void
phonesec_upload_server_up (PhonesecUploadServer *self)
{
  guint16 port = self->port;

  g_assert_false (self->up);
  listen_on (self, port);
  g_assert_cmpuint (self->port, ==, port);
}

gboolean
phonesec_upload_server_is_up (PhonesecUploadServer *self)
{
  return self->up;
}

GPtrArray *
phonesec_upload_server_get_requests (PhonesecUploadServer *self)
{
  return self->requests;
}

guint
phonesec_upload_server_count (PhonesecUploadServer *self, const char *prefix, gboolean answered_ok)
{
  guint n = 0;

  for (guint i = 0; i < self->requests->len; i++)
    {
      PhonesecUploadRequest *request = self->requests->pdata[i];

      if (prefix != NULL && !g_str_has_prefix (request->path, prefix))
        continue;
      if (answered_ok && !SOUP_STATUS_IS_SUCCESSFUL (request->status))
        continue;
      n++;
    }
  return n;
}

gboolean
phonesec_upload_server_wait (PhonesecUploadServer *self, const char *prefix, guint n,
                             guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (phonesec_upload_server_count (self, prefix, TRUE) < n)
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return TRUE;
}

void
phonesec_upload_server_run_for (PhonesecUploadServer *self, guint ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

void
phonesec_upload_server_clear (PhonesecUploadServer *self)
{
  g_ptr_array_set_size (self->requests, 0);
}

/* --- multipart ------------------------------------------------------------ */

void
phonesec_form_part_free (PhonesecFormPart *part)
{
  if (part == NULL)
    return;
  g_free (part->name);
  g_free (part->filename);
  g_free (part->content_type);
  g_clear_pointer (&part->body, g_bytes_unref);
  g_free (part);
}

GPtrArray *
phonesec_upload_request_parse_form (PhonesecUploadRequest *request)
{
  g_autoptr (SoupMultipart) multipart = NULL;
  g_autoptr (GPtrArray) parts = NULL;
  const char *type = soup_message_headers_get_content_type (request->headers, NULL);

  if (g_strcmp0 (type, "multipart/form-data") != 0)
    return NULL;
  multipart = soup_multipart_new_from_message (request->headers, request->body);
  if (multipart == NULL)
    return NULL;
  parts = g_ptr_array_new_with_free_func ((GDestroyNotify) phonesec_form_part_free);
  for (int i = 0; i < soup_multipart_get_length (multipart); i++)
    {
      SoupMessageHeaders *headers;
      GBytes *body;
      g_autofree char *disposition = NULL;
      g_autoptr (GHashTable) params = NULL;
      PhonesecFormPart *part;

      if (!soup_multipart_get_part (multipart, i, &headers, &body))
        return NULL;
      if (!soup_message_headers_get_content_disposition (headers, &disposition, &params)
          || g_strcmp0 (disposition, "form-data") != 0)
        return NULL;
      part = g_new0 (PhonesecFormPart, 1);
      part->name = g_strdup (g_hash_table_lookup (params, "name"));
      part->filename = g_strdup (g_hash_table_lookup (params, "filename"));
      part->content_type = g_strdup (soup_message_headers_get_content_type (headers, NULL));
      part->body = g_bytes_ref (body);
      g_ptr_array_add (parts, part);
    }
  return g_steal_pointer (&parts);
}

PhonesecFormPart *
phonesec_form_find (GPtrArray *parts, const char *name)
{
  for (guint i = 0; parts != NULL && i < parts->len; i++)
    {
      PhonesecFormPart *part = parts->pdata[i];

      if (g_strcmp0 (part->name, name) == 0)
        return part;
    }
  return NULL;
}

/* --- tar.gz --------------------------------------------------------------- */

GHashTable *
phonesec_test_untar (GBytes *archive, GError **error)
{
  struct archive *reader = archive_read_new ();
  struct archive_entry *entry;
  g_autoptr (GHashTable) members
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  gsize size;
  const void *data = g_bytes_get_data (archive, &size);
  int r;

  archive_read_support_filter_gzip (reader);
  archive_read_support_format_tar (reader);
  if (archive_read_open_memory (reader, data, size) != ARCHIVE_OK)
    goto fail;
  while ((r = archive_read_next_header (reader, &entry)) == ARCHIVE_OK)
    {
      g_autoptr (GByteArray) content = g_byte_array_new ();
      char buffer[8192];
      la_ssize_t n;
      const char *path = archive_entry_pathname (entry);

      if (archive_entry_filetype (entry) != AE_IFREG)
        continue;
      while ((n = archive_read_data (reader, buffer, sizeof buffer)) > 0)
        g_byte_array_append (content, (const guint8 *) buffer, (guint) n);
      if (n < 0)
        goto fail;
      /* "./x" and "x" are the same member. */
      if (g_str_has_prefix (path, "./"))
        path += 2;
      g_hash_table_replace (members, g_strdup (path),
                            g_byte_array_free_to_bytes (g_steal_pointer (&content)));
    }
  if (r != ARCHIVE_EOF)
    goto fail;
  /* A gzip filter must have been used: a plain tar is not a tar.gz. */
  if (archive_filter_code (reader, 0) != ARCHIVE_FILTER_GZIP)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "not gzip-compressed");
      archive_read_free (reader);
      return NULL;
    }
  archive_read_free (reader);
  return g_steal_pointer (&members);

fail:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "not a valid tar.gz: %s",
               archive_error_string (reader) != NULL ? archive_error_string (reader) : "?");
  archive_read_free (reader);
  return NULL;
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

char *
phonesec_test_untar_names (GHashTable *members)
{
  guint n = 0;
  g_autofree const char **names = (const char **) g_hash_table_get_keys_as_array (members, &n);

  qsort (names, n, sizeof (char *), compare_strings);
  return g_strjoinv (",", (char **) names);
}

gboolean
phonesec_test_bytes_contain (GBytes *haystack, const char *needle)
{
  gsize size;
  const void *data = g_bytes_get_data (haystack, &size);

  return memmem (data, size, needle, strlen (needle)) != NULL;
}
