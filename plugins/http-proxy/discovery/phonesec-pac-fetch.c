/* phonesec-pac-fetch.c: one PAC download, by scheme.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-pac-fetch.h"
#include "phonesec-pac-url.h"
#include <phonesec/phonesec.h>

#include <glib/gi18n-lib.h>

#define READ_CHUNK 16384

typedef struct
{
  PhonesecPacFetchOptions options;
  char *shown_url;           /* without credentials */
  GCancellable *cancellable; /* ours: the caller's and the timeout both cancel it */
  gulong caller_handler;
  GCancellable *caller_cancellable;
  GSource *timer;
  gboolean timed_out;
  GInputStream *stream;
  GByteArray *data;
} Fetch;

static void
fetch_free (Fetch *f)
{
  if (f->timer != NULL)
    {
      g_source_destroy (f->timer);
      g_source_unref (f->timer);
    }
  if (f->caller_cancellable != NULL)
    g_cancellable_disconnect (f->caller_cancellable, f->caller_handler);
  g_clear_object (&f->caller_cancellable);
  g_clear_object (&f->cancellable);
  g_clear_object (&f->stream);
  g_clear_pointer (&f->data, g_byte_array_unref);
  g_free (f->shown_url);
  g_free (f);
}

/* Ends the task with "Could not fetch the PAC script from URL: why". */
static void
return_error (GTask *task, GError *cause)
{
  Fetch *f = g_task_get_task_data (task);
  GQuark domain = cause->domain;
  int code = cause->code;
  g_autofree char *why = NULL;

  if (f->timed_out && g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      domain = G_IO_ERROR;
      code = G_IO_ERROR_TIMED_OUT;
      why = g_strdup_printf (_ ("no complete answer within %u s"),
                             (f->options.timeout_ms + 999) / 1000);
    }
  else
    why = g_strdup (cause->message);
  g_task_return_new_error (task, domain, code, _ ("Could not fetch the PAC script from %s: %s"),
                           f->shown_url, why);
  g_error_free (cause);
}

static void
return_bytes (GTask *task)
{
  Fetch *f = g_task_get_task_data (task);

  g_task_return_pointer (task, g_byte_array_free_to_bytes (g_steal_pointer (&f->data)),
                         (GDestroyNotify) g_bytes_unref);
}

static gboolean
on_timeout (gpointer user_data)
{
  Fetch *f = user_data;

  f->timed_out = TRUE;
  g_cancellable_cancel (f->cancellable);
  g_clear_pointer (&f->timer, g_source_unref);
  return G_SOURCE_REMOVE;
}

static void
on_caller_cancelled (GCancellable *caller, gpointer user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static GError *
too_large (Fetch *f)
{
  return g_error_new (G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                      _ ("the script is larger than the limit of %lu bytes"),
                      (gulong) f->options.max_size);
}

/* --- http, https -------------------------------------------------------- */

static void read_next (GTask *task);

static void
on_read (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Fetch *f = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) chunk
      = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);

  if (chunk == NULL)
    {
      return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_bytes_get_size (chunk) == 0)
    {
      return_bytes (task);
      return;
    }
  if (f->data->len + g_bytes_get_size (chunk) > f->options.max_size)
    {
      /* Stop reading now: the rest is never downloaded. */
      g_cancellable_cancel (f->cancellable);
      return_error (task, too_large (f));
      return;
    }
  g_byte_array_append (f->data, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
  read_next (g_steal_pointer (&task));
}

static void
read_next (GTask *task)
{
  Fetch *f = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (f->stream, READ_CHUNK, G_PRIORITY_DEFAULT, f->cancellable,
                                   on_read, task);
}

static void
on_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Fetch *f = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecHttpResponse) response
      = phonesec_http_client_send_finish (PHONESEC_HTTP_CLIENT (source), result, &error);
  guint status;
  gint64 length;

  if (response == NULL)
    {
      return_error (task, g_steal_pointer (&error));
      return;
    }
  f->stream = g_object_ref (phonesec_http_response_get_body (response));
  status = phonesec_http_response_get_status (response);
  if (status < 200 || status > 299)
    {
      const char *reason = phonesec_http_response_get_reason (response);
      g_autofree char *safe_reason = g_strndup (reason != NULL ? reason : "", 60);

      for (char *p = safe_reason; *p != '\0'; p++)
        if ((guchar) *p < 0x20 || (guchar) *p >= 0x7f)
          *p = '?';
      g_cancellable_cancel (f->cancellable);
      return_error (task, g_error_new (G_IO_ERROR,
                                       status == 404 ? G_IO_ERROR_NOT_FOUND : G_IO_ERROR_FAILED,
                                       _ ("the server answered HTTP %u %s"), status, safe_reason));
      return;
    }
  length = phonesec_http_response_get_content_length (response);
  if (length > (gint64) f->options.max_size)
    {
      g_cancellable_cancel (f->cancellable);
      return_error (task, too_large (f));
      return;
    }
  read_next (g_steal_pointer (&task));
}

static void
fetch_http (GTask *task, PhonesecHttpClient *client, const char *url)
{
  Fetch *f = g_task_get_task_data (task);
  g_autoptr (PhonesecHttpRequest) request = phonesec_http_request_new ("GET", url);

  /* A PAC script is fetched directly, never through a cache. */
  phonesec_http_request_add_header (request, "Cache-Control", "no-cache");
  phonesec_http_client_send_async (client, request, f->cancellable, on_sent, task);
}

/* --- tftp --------------------------------------------------------------- */

static void
on_tftp_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  GBytes *bytes = phonesec_tftp_fetch_finish (result, &error);

  if (bytes == NULL)
    return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
}

static void
fetch_tftp (GTask *task, GUri *uri)
{
  Fetch *f = g_task_get_task_data (task);
  g_autofree char *file = phonesec_pac_url_tftp_file (uri, NULL);
  PhonesecTftpOptions options = {
    .packet_timeout_ms = f->options.tftp_packet_timeout_ms,
    .retries = f->options.tftp_retries,
    /* Our own timer reports the timeout; the client's is a backstop. */
    .total_timeout_ms = f->options.timeout_ms + 1000,
    .max_size = f->options.max_size,
  };
  int port = g_uri_get_port (uri);

  phonesec_tftp_fetch_async (g_uri_get_host (uri), port > 0 ? port : PHONESEC_TFTP_DEFAULT_PORT,
                             file, &options, f->cancellable, on_tftp_done, task);
}

void
phonesec_pac_fetch_async (PhonesecHttpClient *client, const char *url,
                          const PhonesecPacFetchOptions *options, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Fetch *f = g_new0 (Fetch, 1);
  g_autoptr (GUri) uri = NULL;
  g_autoptr (GError) error = NULL;
  PhonesecPacScheme scheme;

  g_task_set_source_tag (task, phonesec_pac_fetch_async);
  if (options != NULL)
    f->options = *options;
  if (f->options.max_size == 0)
    f->options.max_size = PHONESEC_PAC_FETCH_DEFAULT_MAX_SIZE;
  if (f->options.timeout_ms == 0)
    f->options.timeout_ms = PHONESEC_PAC_FETCH_DEFAULT_TIMEOUT_MS;
  f->shown_url = phonesec_pac_url_redact (url);
  f->data = g_byte_array_new ();
  f->cancellable = g_cancellable_new ();
  g_task_set_task_data (task, f, (GDestroyNotify) fetch_free);

  uri = phonesec_pac_url_parse (url, &scheme, &error);
  if (uri == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  if (cancellable != NULL)
    {
      f->caller_cancellable = g_object_ref (cancellable);
      f->caller_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_caller_cancelled),
                                                 f->cancellable, NULL);
    }
  f->timer = g_timeout_source_new (f->options.timeout_ms);
  g_source_set_callback (f->timer, on_timeout, f, NULL);
  g_source_attach (f->timer, g_task_get_context (task));

  if (scheme == PHONESEC_PAC_SCHEME_TFTP)
    fetch_tftp (task, uri);
  else
    {
      g_autofree char *checked = g_uri_to_string (uri);
      fetch_http (task, client, checked);
    }
}

GBytes *
phonesec_pac_fetch_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
