/* phonesecctl-sip-message.h: the few SIP messages `phonesecctl sip
 * register` needs: a REGISTER written, a response read (RFC 3261 §7).
 *
 * Internal to phonesecctl (not installed).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A response larger than this is not one a registrar sends. */
#define PHONESECCTL_SIP_MAX_MESSAGE 65536
/* Real responses have a dozen; a 200 OK lists every Contact bound. */
#define PHONESECCTL_SIP_MAX_HEADERS 256

typedef struct
{
  const char *transport;   /* UDP, TCP or TLS */
  const char *request_uri; /* sip:domain[:port] */
  const char *domain;      /* host[:port] of the address of record */
  const char *user;        /* the line's User ID */
  const char *local;       /* our address:port as the peer sees it */
  const char *call_id;
  const char *from_tag;
  guint cseq;
  guint expires;
  const char *const *extra_headers; /* "Name: value" lines (Authorization, Security-Client...) */
} PhonesecctlSipRegister;

/* The REGISTER request, with a new Via branch. */
char *phonesecctl_sip_register_to_string (const PhonesecctlSipRegister *request);

typedef struct
{
  guint status;
  char *reason;
  GPtrArray *names;  /* header names as written */
  GPtrArray *values; /* their values, continuation lines joined */
  gsize length;      /* bytes of the whole message (headers and body) */
} PhonesecctlSipResponse;

void phonesecctl_sip_response_free (PhonesecctlSipResponse *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecctlSipResponse, phonesecctl_sip_response_free)

/**
 * phonesecctl_sip_response_parse:
 * @data: bytes received, @len of them; a stream may hold more after it,
 *   and CRLFs before it (skipped)
 *
 * The head must be UTF-8 with CRLF line ends and no control character but
 * HT, at most %PHONESECCTL_SIP_MAX_HEADERS headers; every Content-Length
 * copy must agree. Error messages quote at most 60 characters.
 *
 * Returns: the response, or %NULL with @complete FALSE when more bytes are
 *   needed, or %NULL with @error when these are not a SIP response
 */
PhonesecctlSipResponse *phonesecctl_sip_response_parse (const char *data, gsize len,
                                                        gboolean *complete, GError **error);

/* Every value of header @name (case-insensitive; compact forms known), in
 * order. Transfer container. */
GPtrArray *phonesecctl_sip_response_get_all (const PhonesecctlSipResponse *response,
                                             const char *name);
/* The first value, or NULL. */
const char *phonesecctl_sip_response_get (const PhonesecctlSipResponse *response, const char *name);

G_END_DECLS
