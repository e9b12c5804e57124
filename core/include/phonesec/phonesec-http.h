/* phonesec-http.h: HTTP(S) requests for plugins and the core.
 *
 * Every HTTP client request of the phone is carried out by phonesec-netd,
 * the network service: an unprivileged, sandboxed helper process that
 * phonesecd starts and supervises, and that owns the phone's one HTTP
 * client (libsoup, glib-networking with the TLS policy's priority, the
 * handshake checks of the TLS policy, the trust store). Requests and their
 * bodies travel to it over a private channel (doc/network-service.md);
 * bodies stream both ways, so a large upload or download never sits whole
 * in either process. The proxy of each connection is asked of the proxy
 * slot (phonesec_context_set_proxy_resolver()), so every request follows
 * the http-proxy plugin.
 *
 *   g_autoptr (PhonesecHttpRequest) request = phonesec_http_request_new ("GET", url);
 *   phonesec_http_client_send_async (client, request, cancellable, on_sent, self);
 *   ...
 *   PhonesecHttpResponse *response = phonesec_http_client_send_finish (client, result, &error);
 *   status = phonesec_http_response_get_status (response);
 *   body = phonesec_http_response_get_body (response);   // read it asynchronously
 *
 * When the network service restarts (a TLS policy change, a crash), a
 * request that has no answer yet is sent again once to the new service
 * if its body can be sent again (no body, bytes, or a seekable stream);
 * otherwise, or when the answer was being received, it fails with
 * PHONESEC_HTTP_ERROR_SERVICE_RESTARTED.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <phonesec/phonesec-secret.h>
#include <phonesec/phonesec-api.h>

G_BEGIN_DECLS

#define PHONESEC_HTTP_ERROR (phonesec_http_error_quark ())
PHONESEC_API GQuark phonesec_http_error_quark (void);

/**
 * PhonesecHttpError:
 * @PHONESEC_HTTP_ERROR_FAILED: the request failed in the network service
 *   (a malformed reply, too many redirects)
 * @PHONESEC_HTTP_ERROR_TLS: the TLS handshake failed, or the server's
 *   certificate is not trusted or not for this host
 * @PHONESEC_HTTP_ERROR_TLS_REFUSED: the TLS policy refused the connection
 *   (a protocol or cipher suite it does not allow)
 * @PHONESEC_HTTP_ERROR_INVALID_REQUEST: not an http:// or https:// URL, a
 *   bad method or header
 * @PHONESEC_HTTP_ERROR_BODY: the request body could not be sent (again,
 *   after a redirect or an authentication challenge, when it is a stream
 *   that cannot seek)
 * @PHONESEC_HTTP_ERROR_SERVICE_RESTARTED: the network service restarted
 *   while the request was under way and it could not be sent again
 * @PHONESEC_HTTP_ERROR_SERVICE_UNAVAILABLE: the network service could not
 *   be started in time
 *
 * Network errors (connection refused, host not found, timeouts) are in
 * G_IO_ERROR; a cancelled request fails with G_IO_ERROR_CANCELLED.
 */
typedef enum
{
  PHONESEC_HTTP_ERROR_FAILED,
  PHONESEC_HTTP_ERROR_TLS,
  PHONESEC_HTTP_ERROR_TLS_REFUSED,
  PHONESEC_HTTP_ERROR_INVALID_REQUEST,
  PHONESEC_HTTP_ERROR_BODY,
  PHONESEC_HTTP_ERROR_SERVICE_RESTARTED,
  PHONESEC_HTTP_ERROR_SERVICE_UNAVAILABLE,
} PhonesecHttpError;

/**
 * PhonesecHttpFlags:
 * @PHONESEC_HTTP_FLAGS_NONE: follow redirects, reuse connections
 * @PHONESEC_HTTP_NO_REDIRECT: give 3xx answers to the caller
 * @PHONESEC_HTTP_NEW_CONNECTION: do not reuse a kept-alive connection
 * @PHONESEC_HTTP_PROVISIONING: the admin guide's provisioning checks of an
 *   https:// server's certificate ("Mise à disposition HTTPS") instead of
 *   plain RFC 6125: a subject CN "host/anything" (no dNSName SAN) counts by
 *   its host part, and a server reached by its IP address is accepted when
 *   DNS gives that address for the certificate's name. The request gets a
 *   connection of its own, closed after it. For the provisioning rules
 *   (profile, upgrade, report, CA) only.
 */
typedef enum
{
  PHONESEC_HTTP_FLAGS_NONE = 0,
  PHONESEC_HTTP_NO_REDIRECT = 1 << 0,
  PHONESEC_HTTP_NEW_CONNECTION = 1 << 1,
  PHONESEC_HTTP_PROVISIONING = 1 << 2,
} PhonesecHttpFlags;

/* --- a request --- */

#define PHONESEC_TYPE_HTTP_REQUEST (phonesec_http_request_get_type ())
PHONESEC_API GType phonesec_http_request_get_type (void);
G_DECLARE_FINAL_TYPE (PhonesecHttpRequest, phonesec_http_request, PHONESEC, HTTP_REQUEST, GObject)

/* @method: GET, POST, PUT...; @url: http:// or https://, with or without
 * user:password@ (sent as Basic authentication, never logged). */
PHONESEC_API PhonesecHttpRequest *phonesec_http_request_new (const char *method, const char *url);
PHONESEC_API const char *phonesec_http_request_get_method (PhonesecHttpRequest *self);
PHONESEC_API const char *phonesec_http_request_get_url (PhonesecHttpRequest *self);
/* Appends a header (an existing one of the same name stays). */
PHONESEC_API void phonesec_http_request_add_header (PhonesecHttpRequest *self, const char *name,
                                                    const char *value);
/* A header whose value is a credential: kept as a PhonesecSecret, never
 * logged, zeroed once sent. */
PHONESEC_API void phonesec_http_request_add_secret_header (PhonesecHttpRequest *self,
                                                           const char *name, PhonesecSecret *value);
/**
 * phonesec_http_request_set_body:
 * @content_type: (nullable): the Content-Type
 * @body: read asynchronously, from the main context, as the network
 *   service takes it; a #GSeekable that can seek can be sent again
 *   (redirects, authentication challenges, a service restart)
 * @length: its length, or -1 when unknown (chunked encoding)
 */
PHONESEC_API void phonesec_http_request_set_body (PhonesecHttpRequest *self,
                                                  const char *content_type, GInputStream *body,
                                                  gint64 length);
PHONESEC_API void phonesec_http_request_set_body_bytes (PhonesecHttpRequest *self,
                                                        const char *content_type, GBytes *body);
/**
 * phonesec_http_request_set_client_certificate:
 * @pem: (nullable): the certificate (chain first) and its private key, PEM
 *
 * Presents that client certificate if the server asks for one. The PEM
 * goes to the network service as a secret, for this request only: the
 * sandboxed helper reads no file of the phone's. Never logged.
 */
PHONESEC_API void phonesec_http_request_set_client_certificate (PhonesecHttpRequest *self,
                                                                PhonesecSecret *pem);
/**
 * phonesec_http_request_set_client_certificate_files:
 *
 * The same from two PEM files (the device identity's ClientCertificateFile
 * and ClientKeyFile; one file may hold both). Small local files, read at
 * once. Errors name the files, never their content.
 */
PHONESEC_API gboolean phonesec_http_request_set_client_certificate_files (PhonesecHttpRequest *self,
                                                                          const char *cert_file,
                                                                          const char *key_file,
                                                                          GError **error);
PHONESEC_API void phonesec_http_request_set_flags (PhonesecHttpRequest *self,
                                                   PhonesecHttpFlags flags);
PHONESEC_API PhonesecHttpFlags phonesec_http_request_get_flags (PhonesecHttpRequest *self);

/* --- a response --- */

#define PHONESEC_TYPE_HTTP_RESPONSE (phonesec_http_response_get_type ())
PHONESEC_API GType phonesec_http_response_get_type (void);
G_DECLARE_FINAL_TYPE (PhonesecHttpResponse, phonesec_http_response, PHONESEC, HTTP_RESPONSE,
                      GObject)

PHONESEC_API guint phonesec_http_response_get_status (PhonesecHttpResponse *self);
/* The server's reason phrase (for logs: not translated, not trusted). */
PHONESEC_API const char *phonesec_http_response_get_reason (PhonesecHttpResponse *self);
/* The first header of that name (case-insensitive), or %NULL. */
PHONESEC_API const char *phonesec_http_response_get_header (PhonesecHttpResponse *self,
                                                            const char *name);
/* Every header, a(ss) in the order received. */
PHONESEC_API GVariant *phonesec_http_response_get_headers (PhonesecHttpResponse *self);
/* Content-Length, or -1. */
PHONESEC_API gint64 phonesec_http_response_get_content_length (PhonesecHttpResponse *self);
/**
 * phonesec_http_response_get_body:
 *
 * The body as it arrives (transfer none). Read it asynchronously from the
 * main context (or synchronously from another thread); close it (or drop
 * the response) to stop the transfer early.
 */
PHONESEC_API GInputStream *phonesec_http_response_get_body (PhonesecHttpResponse *self);
/* Who answered: the address and port the connection went to,
 * `192.0.2.1:443` or `[2001:db8::1]:443` (a proxy's, through one), or
 * %NULL when the network service could not tell. */
PHONESEC_API const char *phonesec_http_response_get_remote_address (PhonesecHttpResponse *self);
/* What the TLS connection negotiated, a{sv} (tls-version s, tls-suite s,
 * tls-peer-subject s), or %NULL over http://. */
PHONESEC_API GVariant *phonesec_http_response_get_tls_info (PhonesecHttpResponse *self);

/* --- the client --- */

#define PHONESEC_TYPE_HTTP_CLIENT (phonesec_http_client_get_type ())
PHONESEC_API GType phonesec_http_client_get_type (void);
G_DECLARE_FINAL_TYPE (PhonesecHttpClient, phonesec_http_client, PHONESEC, HTTP_CLIENT, GObject)

/**
 * phonesec_http_client_send_async:
 *
 * Sends @request through the network service; completes when the answer's
 * status and headers are in (the body follows through the response's
 * stream). @request must not be changed once sent.
 */
PHONESEC_API void phonesec_http_client_send_async (PhonesecHttpClient *self,
                                                   PhonesecHttpRequest *request,
                                                   GCancellable *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer user_data);
PHONESEC_API PhonesecHttpResponse *
phonesec_http_client_send_finish (PhonesecHttpClient *self, GAsyncResult *result, GError **error);

/**
 * phonesec_http_client_send_and_read_async:
 * @max_size: the largest body accepted; a larger one stops the transfer
 *   and fails with G_IO_ERROR_MESSAGE_TOO_LARGE
 *
 * The same, then reads the whole body.
 */
PHONESEC_API void
phonesec_http_client_send_and_read_async (PhonesecHttpClient *self, PhonesecHttpRequest *request,
                                          gsize max_size, GCancellable *cancellable,
                                          GAsyncReadyCallback callback, gpointer user_data);
/* The body; the response (status, headers) in @response when not NULL. */
PHONESEC_API GBytes *phonesec_http_client_send_and_read_finish (PhonesecHttpClient *self,
                                                                GAsyncResult *result,
                                                                PhonesecHttpResponse **response,
                                                                GError **error);

/**
 * PhonesecProxyAuthEvent:
 * @PHONESEC_PROXY_AUTH_ACCEPTED: a request carrying the credentials went
 *   through the proxy
 * @PHONESEC_PROXY_AUTH_NOT_ENABLED_407: the proxy asked (407) but proxy
 *   authentication is off
 * @PHONESEC_PROXY_AUTH_NOT_ENABLED_401: the same, the way some proxies ask
 *   (401 to a request through them)
 * @PHONESEC_PROXY_AUTH_REFUSED_407: the proxy refused the credentials (407)
 * @PHONESEC_PROXY_AUTH_REFUSED_401: the same with a 401
 * @PHONESEC_PROXY_AUTH_NO_USERNAME: the proxy asks, the user name is empty
 * @PHONESEC_PROXY_AUTH_DIGEST_FIPS: the proxy wants Digest, which FIPS
 *   mode does not allow
 */
typedef enum
{
  PHONESEC_PROXY_AUTH_ACCEPTED,
  PHONESEC_PROXY_AUTH_NOT_ENABLED_407,
  PHONESEC_PROXY_AUTH_NOT_ENABLED_401,
  PHONESEC_PROXY_AUTH_REFUSED_407,
  PHONESEC_PROXY_AUTH_REFUSED_401,
  PHONESEC_PROXY_AUTH_NO_USERNAME,
  PHONESEC_PROXY_AUTH_DIGEST_FIPS,
} PhonesecProxyAuthEvent;

/**
 * phonesec_http_client_set_proxy_auth:
 * @enabled: whether proxy challenges are answered at all
 * @proxy_uri: (nullable): the proxy the credentials are for, as the proxy
 *   resolver names it (`http://host:port`); no other proxy is answered
 * @username: (nullable): the user name
 * @password: (nullable): the password
 * @fips: refuse Digest (MD5)
 *
 * Proxy authentication (Basic, Digest) for every request. The credentials
 * go only to @proxy_uri, on the requests that proxy reads itself (an
 * absolute-URI request, a CONNECT; never inside a tunnel), once it has
 * asked for them (407) under these settings: never directly to a server,
 * never to another proxy. What happens is told by "proxy-auth-event".
 */
PHONESEC_API void phonesec_http_client_set_proxy_auth (PhonesecHttpClient *self, gboolean enabled,
                                                       const char *proxy_uri, const char *username,
                                                       PhonesecSecret *password, gboolean fips);
/* The proxy answers changed: connections kept alive under the old ones are
 * not reused (requests in flight finish where they are). */
PHONESEC_API void phonesec_http_client_proxy_changed (PhonesecHttpClient *self);

/* Signal "proxy-auth-event" (PhonesecProxyAuthEvent event), in the main
 * context. */

G_END_DECLS
