/* phonesec-prov-fetch.c: one profile over tftp, http or https.
 *
 * http(s) goes through the network service (PhonesecHttpClient), like
 * every HTTP request of the phone; the body is capped while it arrives.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-prov-fetch.h"

#include <glib/gi18n-lib.h>
#include <string.h>

typedef struct
{
  PhonesecContext *context;
  GUri *uri;
  char *uid;
  PhonesecSecret *pwd;
  gsize max_size;
  guint tftp_timeout_ms;
  GList *addresses; /* GInetAddress*, tftp */
  GList *next_address;
  char *server;
  GOutputStream *sink; /* the body goes there instead of into memory */
  char *method;        /* NULL: GET */
  GBytes *body;        /* what the method sends */
  gsize written;
  GBytes *chunk; /* being written to the sink */
  PhonesecHttpResponse *response;
} Fetch;

static void
fetch_free (Fetch *f)
{
  g_clear_object (&f->context);
  g_clear_pointer (&f->uri, g_uri_unref);
  g_free (f->uid);
  g_clear_pointer (&f->pwd, phonesec_secret_unref);
  g_list_free_full (f->addresses, g_object_unref);
  g_free (f->server);
  g_clear_object (&f->sink);
  g_free (f->method);
  g_clear_pointer (&f->body, g_bytes_unref);
  g_clear_pointer (&f->chunk, g_bytes_unref);
  g_clear_object (&f->response);
  g_free (f);
}

static int
uri_port (GUri *uri)
{
  int port = g_uri_get_port (uri);
  const char *scheme = g_uri_get_scheme (uri);

  if (port > 0)
    return port;
  return g_ascii_strcasecmp (scheme, "https") == 0  ? 443
         : g_ascii_strcasecmp (scheme, "http") == 0 ? 80
                                                    : PHONESEC_TFTP_DEFAULT_PORT;
}

/* "scheme://address:port", IPv6 in brackets. */
static char *
describe_server (GUri *uri, GInetAddress *address, int port)
{
  g_autofree char *ip = g_inet_address_to_string (address);
  gboolean v6 = g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6;

  return g_strdup_printf ("%s://%s%s%s:%d", g_uri_get_scheme (uri), v6 ? "[" : "", ip,
                          v6 ? "]" : "", port);
}

/* --- http(s) --------------------------------------------------------------- */

/* Who answered: the address the network service's connection went to. */
static void
note_server (Fetch *f, PhonesecHttpResponse *response)
{
  const char *remote
      = response != NULL ? phonesec_http_response_get_remote_address (response) : NULL;

  g_clear_pointer (&f->server, g_free);
  if (remote != NULL)
    f->server = g_strdup_printf ("%s://%s", g_uri_get_scheme (f->uri), remote);
  else
    f->server = g_strdup_printf ("%s://%s:%d", g_uri_get_scheme (f->uri), g_uri_get_host (f->uri),
                                 uri_port (f->uri));
}

static void
return_too_large (GTask *task, Fetch *f)
{
  /* The number as a string: no 64-bit format macro inside _(). */
  g_autofree char *limit = g_strdup_printf ("%" G_GSIZE_FORMAT, f->max_size);

  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                           _ ("the file from %s is larger than %s bytes"), f->server, limit);
}

/* TRUE when @response is a 2xx answer; else @task is answered. */
static gboolean
response_ok (GTask *task, Fetch *f, PhonesecHttpResponse *response, GError *error)
{
  guint status = response != NULL ? phonesec_http_response_get_status (response) : 0;

  note_server (f, response);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE))
    return_too_large (task, f);
  else if (error != NULL)
    {
      GError *copy = g_error_copy (error);

      g_prefix_error (&copy, _ ("%s://%s:%d: "), g_uri_get_scheme (f->uri), g_uri_get_host (f->uri),
                      uri_port (f->uri));
      g_task_return_error (task, copy);
    }
  else if (status == 404)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                             _ ("%s has no such file (HTTP 404)"), f->server);
  else if (status < 200 || status > 299)
    g_task_return_new_error (task, PHONESEC_ERROR, PHONESEC_ERROR_FAILED, _ ("%s answered HTTP %u"),
                             f->server, status);
  else
    return TRUE;
  return FALSE;
}

static void
on_http_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Fetch *f = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecHttpResponse) response = NULL;
  g_autoptr (GBytes) body = phonesec_http_client_send_and_read_finish (
      PHONESEC_HTTP_CLIENT (source), result, &response, &error);

  if (body == NULL && error == NULL)
    error = g_error_new_literal (PHONESEC_ERROR, PHONESEC_ERROR_FAILED, _ ("no answer"));
  if (response_ok (task, f, response, body == NULL ? error : NULL))
    g_task_return_pointer (task, g_steal_pointer (&body), (GDestroyNotify) g_bytes_unref);
}

/* --- into a sink (firmware images): the body never sits whole in memory -- */

static void pump (GTask *task);

/* A chunk is in the sink (http). */
static void
on_chunk_written (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    pump (g_steal_pointer (&task));
}

static void
on_chunk_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Fetch *f = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  GBytes *chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);

  g_clear_pointer (&f->chunk, g_bytes_unref);
  if (chunk == NULL)
    {
      g_prefix_error (&error, "%s: ", f->server);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  f->chunk = chunk;
  if (g_bytes_get_size (chunk) == 0)
    g_task_return_pointer (task, g_bytes_new (NULL, 0), (GDestroyNotify) g_bytes_unref);
  else if ((f->written += g_bytes_get_size (chunk)) > f->max_size)
    return_too_large (task, f);
  else
    g_output_stream_write_all_async (
        f->sink, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk), G_PRIORITY_DEFAULT,
        g_task_get_cancellable (task), on_chunk_written, g_object_ref (task));
}

static void
pump (GTask *task)
{
  Fetch *f = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (phonesec_http_response_get_body (f->response), 64 * 1024,
                                   G_PRIORITY_DEFAULT, g_task_get_cancellable (task), on_chunk_read,
                                   g_object_ref (task));
}

static void
on_http_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Fetch *f = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  f->response = phonesec_http_client_send_finish (PHONESEC_HTTP_CLIENT (source), result, &error);
  if (!response_ok (task, f, f->response, error))
    return;
  if (phonesec_http_response_get_content_length (f->response) > (gint64) f->max_size)
    return_too_large (task, f);
  else
    pump (g_steal_pointer (&task));
}

/* --uid/--pwd as the URL's user information: the network service answers
 * the server's challenge (Basic, Digest) with them, for this request only,
 * never a proxy's. Zeroed by the caller. */
static char *
url_with_credentials (Fetch *f)
{
  g_autofree char *user = g_uri_escape_string (f->uid, NULL, FALSE);
  g_autofree char *password
      = g_uri_escape_string (f->pwd != NULL ? phonesec_secret_peek (f->pwd) : "", NULL, FALSE);
  char *url = g_uri_join_with_user (G_URI_FLAGS_ENCODED, g_uri_get_scheme (f->uri), user, password,
                                    NULL, g_uri_get_host (f->uri), g_uri_get_port (f->uri),
                                    g_uri_get_path (f->uri), g_uri_get_query (f->uri), NULL);

  explicit_bzero (password, strlen (password));
  return url;
}

/* The phone's client certificate (device identity), for https: its PEM
 * goes to the network service with the request. */
static void
set_client_certificate (Fetch *f, PhonesecHttpRequest *request)
{
  PhonesecDevice *device = phonesec_context_get_device (f->context);
  g_autoptr (GError) error = NULL;

  if (!phonesec_device_get_client_certificate (device)
      || phonesec_device_get_client_certificate_file (device) == NULL)
    return;
  if (!phonesec_http_request_set_client_certificate_files (
          request, phonesec_device_get_client_certificate_file (device),
          phonesec_device_get_client_key_file (device), &error))
    g_warning ("The phone's client certificate does not load: %s", error->message);
}

static void
fetch_http (GTask *task)
{
  Fetch *f = g_task_get_task_data (task);
  g_autofree char *url = f->uid != NULL ? url_with_credentials (f) : g_uri_to_string (f->uri);
  g_autoptr (PhonesecHttpRequest) request
      = phonesec_http_request_new (f->method != NULL ? f->method : "GET", url);

  explicit_bzero (url, strlen (url));
  if (f->body != NULL)
    phonesec_http_request_set_body_bytes (request, "application/xml", f->body);
  if (g_ascii_strcasecmp (g_uri_get_scheme (f->uri), "https") == 0)
    {
      set_client_certificate (f, request);
      /* The guide's server certificate checks ("Mise à disposition HTTPS"). */
      phonesec_http_request_set_flags (request, phonesec_http_request_get_flags (request)
                                                    | PHONESEC_HTTP_PROVISIONING);
    }
  if (f->sink != NULL)
    phonesec_http_client_send_async (phonesec_context_get_http_client (f->context), request,
                                     g_task_get_cancellable (task), on_http_sent,
                                     g_object_ref (task));
  else
    phonesec_http_client_send_and_read_async (phonesec_context_get_http_client (f->context),
                                              request, f->max_size, g_task_get_cancellable (task),
                                              on_http_done, g_object_ref (task));
}

/* --- tftp ------------------------------------------------------------------ */

static void try_next_address (GTask *task);

/* How long a whole tftp file into a sink may take. */
#define SINK_TFTP_TIMEOUT_MS (30 * 60 * 1000)

static void
on_tftp_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  Fetch *f = g_task_get_task_data (task);
  GBytes *bytes = NULL;
  gsize sent = 0;
  gboolean ok = f->sink != NULL ? phonesec_tftp_fetch_to_stream_finish (result, &sent, &error)
                                : (bytes = phonesec_tftp_fetch_finish (result, &error)) != NULL;

  if (ok)
    g_task_return_pointer (task, bytes != NULL ? bytes : g_bytes_new (NULL, 0),
                           (GDestroyNotify) g_bytes_unref);
  /* Silent: the next A record, unless part of an image is in the sink
   * already (a server that stopped mid-way fails the fetch). */
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) && sent == 0)
    try_next_address (g_steal_pointer (&task));
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
try_next_address (GTask *task)
{
  Fetch *f = g_task_get_task_data (task);
  PhonesecTftpOptions options
      = { .total_timeout_ms = f->tftp_timeout_ms, .retries = 2, .max_size = f->max_size };
  GInetAddress *address;
  g_autofree char *ip = NULL;
  const char *path = g_uri_get_path (f->uri);

  if (f->next_address == NULL)
    {
      g_clear_pointer (&f->server, g_free);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                               _ ("no address of tftp server %s answered"),
                               g_uri_get_host (f->uri));
      return;
    }
  address = f->next_address->data;
  f->next_address = f->next_address->next;
  ip = g_inet_address_to_string (address);
  g_free (f->server);
  f->server = describe_server (f->uri, address, uri_port (f->uri));
  options.packet_timeout_ms = MAX (f->tftp_timeout_ms / (options.retries + 1), 100);
  while (*path == '/')
    path++;
  if (f->sink == NULL)
    phonesec_tftp_fetch_async (ip, uri_port (f->uri), path, &options, g_task_get_cancellable (task),
                               on_tftp_done, task);
  else
    {
      /* An image takes long: a silent server still fails per packet. */
      options.total_timeout_ms = SINK_TFTP_TIMEOUT_MS;
      phonesec_tftp_fetch_to_stream_async (ip, uri_port (f->uri), path, &options, f->sink,
                                           g_task_get_cancellable (task), on_tftp_done, task);
    }
}

static void
on_resolved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Fetch *f = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  f->addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (source), result, &error);
  if (f->addresses == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  f->next_address = f->addresses;
  try_next_address (g_steal_pointer (&task));
}

static void
fetch_tftp (GTask *task)
{
  Fetch *f = g_task_get_task_data (task);
  g_autoptr (GResolver) resolver = g_resolver_get_default ();

  g_resolver_lookup_by_name_async (resolver, g_uri_get_host (f->uri), g_task_get_cancellable (task),
                                   on_resolved, g_object_ref (task));
}

/* --- entry points ---------------------------------------------------------- */

void
phonesec_prov_fetch_async (PhonesecContext *context, const PhonesecProvFetch *fetch,
                           GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr (GError) error = NULL;
  Fetch *f = g_new0 (Fetch, 1);
  const char *scheme;

  g_task_set_source_tag (task, phonesec_prov_fetch_async);
  g_task_set_task_data (task, f, (GDestroyNotify) fetch_free);
  f->context = g_object_ref (context);
  f->uid = g_strdup (fetch->uid);
  f->pwd = fetch->pwd != NULL ? phonesec_secret_ref (fetch->pwd) : NULL;
  f->max_size = fetch->max_size;
  f->sink = fetch->sink != NULL ? g_object_ref (fetch->sink) : NULL;
  f->method = g_strdup (fetch->method);
  f->body = fetch->body != NULL ? g_bytes_ref (fetch->body) : NULL;
  f->tftp_timeout_ms = fetch->tftp_timeout_ms > 0 ? fetch->tftp_timeout_ms : 5000;
  f->uri = g_uri_parse (fetch->url, G_URI_FLAGS_ENCODED, NULL);
  scheme = f->uri != NULL ? g_uri_get_scheme (f->uri) : NULL;
  if (f->uri == NULL || g_uri_get_host (f->uri) == NULL || g_uri_get_host (f->uri)[0] == '\0')
    g_task_return_new_error (task, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                             _ ("the rule's URL, once its macros are expanded, is not valid"));
  else if (g_ascii_strcasecmp (scheme, "http") == 0 || g_ascii_strcasecmp (scheme, "https") == 0)
    fetch_http (task);
  else if (g_ascii_strcasecmp (scheme, "tftp") == 0 && f->body != NULL)
    g_task_return_new_error (task, PHONESEC_ERROR, PHONESEC_ERROR_NOT_SUPPORTED,
                             _ ("uploads over tftp are not supported; allowed: http, https"));
  else if (g_ascii_strcasecmp (scheme, "tftp") == 0)
    fetch_tftp (task);
  else
    g_task_return_new_error (task, PHONESEC_ERROR, PHONESEC_ERROR_NOT_SUPPORTED,
                             _ ("the scheme '%s' is not supported; allowed: tftp, http, https"),
                             scheme);
}

GBytes *
phonesec_prov_fetch_finish (GAsyncResult *result, char **server, GError **error)
{
  Fetch *f = g_task_get_task_data (G_TASK (result));

  if (server != NULL)
    *server = g_strdup (f->server);
  return g_task_propagate_pointer (G_TASK (result), error);
}
