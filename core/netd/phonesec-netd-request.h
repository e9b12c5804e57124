/* phonesec-netd-request.h: one request in phonesec-netd, from phonesecd's
 * REQUEST to the END or FAIL that closes it.
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "phonesec-netd-link.h"
#include "phonesec-netd-protocol.h"

G_BEGIN_DECLS

typedef struct _PhonesecNetdRequest PhonesecNetdRequest;

/* What a request uses of the service that runs it: the session, the
 * channel to phonesecd, and a call once its last frame went out (the
 * service forgets it then). Given, not looked up, so that requests sit
 * below the service. */
typedef struct
{
  SoupSession *session;
  PhonesecNetdLink *link;
  void (*done) (guint32 id, gpointer data);
  gpointer data;
  gboolean fips; /* the TLS policy's FIPS_Mode: no MD5 Digest answers */
} PhonesecNetdRequestHost;

/* Starts the request @value (PHONESEC_NETD_TYPE_REQUEST). One that cannot
 * be sent gets its FAIL at once (and is done). */
PhonesecNetdRequest *phonesec_netd_request_start (const PhonesecNetdRequestHost *host, guint32 id,
                                                  GVariant *value);
void phonesec_netd_request_body_data (PhonesecNetdRequest *self, const guint8 *data, gsize len);
void phonesec_netd_request_body_end (PhonesecNetdRequest *self);
void phonesec_netd_request_body_rewound (PhonesecNetdRequest *self);
/* The body as a file (@fd taken: -1 when none came), then the request goes. */
void phonesec_netd_request_body_file (PhonesecNetdRequest *self, int fd, guint64 offset,
                                      guint64 length);
/* The client certificate and key (PEM, CLIENT_CERT), then the request
 * goes once its body file, if any, is here too. */
void phonesec_netd_request_client_cert (PhonesecNetdRequest *self, const guint8 *pem, gsize len);
void phonesec_netd_request_credit (PhonesecNetdRequest *self, guint32 more);
void phonesec_netd_request_cancel (PhonesecNetdRequest *self);
/* Its END or FAIL went out. */
gboolean phonesec_netd_request_is_finished (PhonesecNetdRequest *self);
PhonesecNetdRequest *phonesec_netd_request_ref (PhonesecNetdRequest *self);
void phonesec_netd_request_unref (PhonesecNetdRequest *self);

G_END_DECLS
