/* fuzz-netd-protocol.c: phonesecd's side of the network service channel
 * (doc/network-service.md): the input is what a helper sends.
 *
 * Each run makes a supervisor with a test peer in place of phonesec-netd
 * (READY at once, no process), an HTTP client with three requests under
 * way (no body; 300 KiB of bytes that can start over; a stream that
 * cannot) and a proxy resolver, then hands it the input as if read from
 * the socket: framing, payload types and bounds, the order of frames per
 * request, flow control, proxy lookups, logs. Whatever the bytes, phonesecd
 * must not crash, leak or grow; a violation ends the peer.
 *
 * The corpus is tests/fuzz/corpus/netd-protocol (a valid exchange per file).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gio/gio.h>
#include <stdint.h>

#include "phonesec-http-private.h"

static GLogWriterOutput
quiet (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  return G_LOG_WRITER_HANDLED;
}

static void
on_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (PhonesecHttpResponse) response
      = phonesec_http_client_send_finish (PHONESEC_HTTP_CLIENT (source), result, NULL);

  /* Read what came: the body's stream is filled by DATA frames. */
  if (response != NULL)
    {
      GInputStream *body = phonesec_http_response_get_body (response);
      guint8 buffer[1024];

      if (phonesec_netd_feed_stream_get_buffered (PHONESEC_NETD_FEED_STREAM (body)) > 0)
        g_input_stream_read (body, buffer, sizeof buffer, NULL, NULL);
    }
}

static void
iterate (void)
{
  for (guint i = 0; i < 32 && g_main_context_iteration (NULL, FALSE); i++)
    ;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static gboolean initialized;
  static GBytes *bytes;
  g_autoptr (PhonesecNetdSupervisor) supervisor = NULL;
  g_autoptr (PhonesecHttpClient) client = NULL;
  g_autoptr (GProxyResolver) resolver = NULL;
  g_autoptr (PhonesecHttpRequest) get = NULL;
  g_autoptr (PhonesecHttpRequest) post = NULL;
  g_autoptr (PhonesecHttpRequest) stream = NULL;
  g_autoptr (GInputStream) unseekable = NULL;

  if (!initialized)
    {
      guint8 *body = g_malloc (300 * 1024);

      for (gsize i = 0; i < 300 * 1024; i++)
        body[i] = (guint8) i;
      bytes = g_bytes_new_take (body, 300 * 1024);
      g_log_set_writer_func (quiet, NULL, NULL);
      initialized = TRUE;
    }
  supervisor = phonesec_netd_supervisor_new ("/nonexistent/phonesec-netd", NULL, NULL);
  resolver = g_simple_proxy_resolver_new (NULL, NULL);
  client = phonesec_http_client_new (supervisor, resolver, NULL);
  phonesec_netd_supervisor_attach_test_peer (supervisor);

  get = phonesec_http_request_new ("GET", "http://example.test/");
  post = phonesec_http_request_new ("POST", "https://example.test/upload");
  phonesec_http_request_set_body_bytes (post, "application/octet-stream", bytes);
  stream = phonesec_http_request_new ("PUT", "http://example.test/stream");
  unseekable = g_memory_input_stream_new_from_bytes (bytes);
  /* Through a converter: a stream that cannot seek. */
  {
    g_autoptr (GZlibCompressor) deflate = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW, 1);
    g_autoptr (GInputStream) converted
        = g_converter_input_stream_new (unseekable, G_CONVERTER (deflate));

    phonesec_http_request_set_body (stream, NULL, converted, -1);
  }
  phonesec_http_client_send_async (client, get, NULL, on_sent, NULL);    /* id 1 */
  phonesec_http_client_send_async (client, post, NULL, on_sent, NULL);   /* id 2 */
  phonesec_http_client_send_async (client, stream, NULL, on_sent, NULL); /* id 3 */
  iterate ();

  phonesec_netd_supervisor_receive (supervisor, data, size);
  iterate ();

  phonesec_http_client_shutdown (client);
  iterate ();
  return 0;
}
