/* phonesec-web-listener.h: accepting phonesec-web's connections.
 *
 * libsoup 3.2's own listener starts a TLS handshake as soon as a
 * connection is accepted, and glib-networking runs every handshake as a
 * blocking job in GLib's shared worker pool, with no time limit: a few
 * dozen connections that never send a byte hold every worker, and real
 * handshakes queue behind them for ever. So phonesec-web accepts its
 * connections itself and hands them to the SoupServer
 * (soup_server_accept_iostream) once they are ready:
 *
 * - a connection waits for its first byte in the main loop, holding no
 *   thread; only then does its handshake start, at most
 *   PHONESEC_WEB_MAX_HANDSHAKES_PER_PEER at a time per peer;
 * - from accept to the end of the handshake (the first byte over plain
 *   HTTP) it has PHONESEC_WEB_HANDSHAKE_TIMEOUT_S;
 * - once served, a connection that is not answering a request (waiting
 *   for one, or for the rest of one) is closed after
 *   PHONESEC_WEB_IDLE_TIMEOUT_S;
 * - a peer holds at most PHONESEC_WEB_MAX_CONNECTIONS_PER_PEER
 *   connections and the server PHONESEC_WEB_MAX_CONNECTIONS; past a limit
 *   an idle one gives way (phonesec-web-peers.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

#define PHONESEC_WEB_HANDSHAKE_TIMEOUT_S 10
#define PHONESEC_WEB_IDLE_TIMEOUT_S 15
/* A browser opens about 6 connections per site, and a live-status page
 * holds one more: 32 clients behind one address, each with a page and a
 * stream, still fit (the streams are 16 per account). */
#define PHONESEC_WEB_MAX_CONNECTIONS_PER_PEER 96
/* One descriptor each, well under the usual 1,024. */
#define PHONESEC_WEB_MAX_CONNECTIONS 256
/* Handshakes run in GLib's worker pool (10 threads, slow to grow): one
 * peer's stalled handshakes must leave room for the others'. */
#define PHONESEC_WEB_MAX_HANDSHAKES_PER_PEER 4
/* After a refusal, what the client still sends is read and dropped for
 * this long, so that it reads the answer rather than a reset. */
#define PHONESEC_WEB_LINGER_MS 2000

typedef struct _PhonesecWebListener PhonesecWebListener;

/* Serves @server: HTTPS with @certificate, or plain HTTP when NULL. */
PhonesecWebListener *phonesec_web_listener_new (SoupServer *server, GTlsCertificate *certificate);
/* Listens on @address (port 0: any free one); *effective (nullable) is
 * the address actually bound. */
gboolean phonesec_web_listener_listen (PhonesecWebListener *self, GSocketAddress *address,
                                       GSocketAddress **effective, GError **error);
/* Answers @msg, now, with the status, headers and body it holds, and
 * closes its connection, whatever libsoup was doing (reading a body that
 * is too big): the connection is taken from libsoup, and @msg is likely
 * freed on return. */
void phonesec_web_listener_answer_and_close (PhonesecWebListener *self, SoupServerMessage *msg);
/* Call after the SoupServer has been disconnected and released. */
void phonesec_web_listener_free (PhonesecWebListener *self);

G_END_DECLS
