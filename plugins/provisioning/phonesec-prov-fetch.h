/* phonesec-prov-fetch.h: fetches one profile (tftp, http, https).
 *
 * http(s) goes through the network service (phonesec_context_get_http_
 * client: the proxy slot, the TLS policy, the trust store and its name
 * checks), with the phone's own client certificate for https when the
 * device identity has one. tftp goes
 * through the SDK's TFTP reader, trying each address of the server's name
 * in DNS order until one answers.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <phonesec/phonesec.h>

G_BEGIN_DECLS

/**
 * PhonesecProvFetch:
 * @url: the absolute URL, macros expanded
 * @uid: (nullable): --uid, for a server that asks (HTTP Basic/Digest)
 * @pwd: (nullable): --pwd
 * @max_size: the largest file accepted
 * @tftp_timeout_ms: how long one tftp server address may stay silent
 * @sink: (nullable): where the file goes, written as it arrives (a
 *   firmware image never sits whole in memory: http(s) chunks, tftp
 *   blocks, each written before it is acknowledged); over tftp an address
 *   that stops answering mid-way fails the fetch rather than trying the
 *   next one; the result is then empty bytes
 * @method: (nullable): the HTTP method, GET when %NULL
 * @body: (nullable): what @method sends (an upload, http(s) only); the
 *   result is then the server's answer, at most @max_size bytes
 */
typedef struct
{
  const char *url;
  const char *uid;
  PhonesecSecret *pwd;
  gsize max_size;
  guint tftp_timeout_ms;
  GOutputStream *sink;
  const char *method;
  GBytes *body;
} PhonesecProvFetch;

/**
 * phonesec_prov_fetch_async:
 *
 * Errors: G_IO_ERROR_NOT_FOUND (the server has no such file: HTTP 404 or
 * TFTP file not found), G_IO_ERROR_MESSAGE_TOO_LARGE, G_IO_ERROR_TIMED_OUT
 * (no address answered), PHONESEC_ERROR_FAILED (another HTTP status, a TLS
 * failure), resolver and connection errors. Messages name the server, never
 * the URL's path or credentials.
 */
void phonesec_prov_fetch_async (PhonesecContext *context, const PhonesecProvFetch *fetch,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data);
/**
 * phonesec_prov_fetch_finish:
 * @server: (out) (optional): who answered, `scheme://address:port`, also
 *   on an error when a server did answer (a 404)
 *
 * Returns: (transfer full): the file
 */
GBytes *phonesec_prov_fetch_finish (GAsyncResult *result, char **server, GError **error);

G_END_DECLS
