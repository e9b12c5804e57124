/* phonesec-http-private.h: the parts of the HTTP SDK the core and its
 * tests use, behind phonesec-http.h.
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "phonesec/phonesec-http.h"
#include "phonesec/phonesec-metrics.h"
#include "phonesec-netd-feed-stream.h"
#include "phonesec-netd-protocol.h"
#include "phonesec-netd-supervisor.h"

G_BEGIN_DECLS

/* --- requests and responses --- */

/* (transfer none) the body stream, and its length (-1: unknown). */
GInputStream *phonesec_http_request_get_body (PhonesecHttpRequest *self, gint64 *length);
/* (transfer none) (nullable) the client certificate's PEM. */
PhonesecSecret *phonesec_http_request_get_client_certificate (PhonesecHttpRequest *self);
/* No body, or one that can seek back to its start. */
gboolean phonesec_http_request_body_can_rewind (PhonesecHttpRequest *self);
/* Whether the request can go to the network service as it is. */
gboolean phonesec_http_request_check (PhonesecHttpRequest *self, GError **error);
/* The REQUEST frame's payload; @flags: PhonesecNetdRequestFlags to add. */
GVariant *phonesec_http_request_to_variant (PhonesecHttpRequest *self, guint32 flags);

PhonesecHttpResponse *phonesec_http_response_new (guint status, const char *reason,
                                                  GVariant *headers, gint64 length,
                                                  GVariant *tls_info, const char *remote_address,
                                                  PhonesecNetdFeedStream *body);

/* --- the client --- */

/**
 * phonesec_http_client_new:
 * @supervisor: the network service
 * @resolver: (nullable): asked for the proxy of each connection (the
 *   proxy slot); %NULL: direct
 * @metrics: (nullable): counts core.http.requests and core.tls.failures
 */
PhonesecHttpClient *phonesec_http_client_new (PhonesecNetdSupervisor *supervisor,
                                              GProxyResolver *resolver, PhonesecMetrics *metrics);

/**
 * phonesec_http_client_new_standalone:
 * @helper_path: phonesec-netd
 * @ca_file: (nullable): the only CAs trusted (a PEM file); %NULL: none
 *
 * A client with a network service of its own, direct connections and the
 * default policy: for tests and benchmarks.
 */
PhonesecHttpClient *phonesec_http_client_new_standalone (const char *helper_path,
                                                         const char *ca_file, GError **error);

/* The TLS policy the next network service gets: its GnuTLS priority, what
 * its handshake checks allow, and the PEM file of the trust store. Takes
 * effect at the next start: phonesec_http_client_restart(). */
void phonesec_http_client_set_tls (PhonesecHttpClient *self, const char *priority,
                                   const char *min_version, const char *cipher_list, gboolean fips,
                                   const char *trust_path);
/* A planned restart of the network service (@why is logged and given to
 * requests that cannot be sent again). */
void phonesec_http_client_restart (PhonesecHttpClient *self, const char *why);
/* Starts the network service now rather than at the first request. */
void phonesec_http_client_start (PhonesecHttpClient *self);
/* Shutting down: requests fail, the service stops. */
void phonesec_http_client_shutdown (PhonesecHttpClient *self);
PhonesecNetdSupervisor *phonesec_http_client_get_supervisor (PhonesecHttpClient *self);
/* How many requests are under way (queued or sent). */
guint phonesec_http_client_get_in_flight (PhonesecHttpClient *self);

G_END_DECLS
