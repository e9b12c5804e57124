/* phonesecctl-sip-transport.h: one SIP connection of `phonesecctl sip
 * register`: UDP (with RFC 3261 retransmissions), TCP, or TLS with the
 * phone's TLS policy for SIP (the priority string of GetLinePolicy), the
 * server's chain judged by phonesecd (SipSecurity.CheckServerCertificate).
 *
 * Blocking, with a deadline: phonesecctl is a command, not a service.
 *
 * Internal to phonesecctl (not installed).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "phonesecctl-sip-message.h"

G_BEGIN_DECLS

typedef struct _PhonesecctlSipTransport PhonesecctlSipTransport;

/**
 * PhonesecctlSipCheckFunc:
 * @der_chain: aay, the server's certificates as it sent them
 * @reason: (out): why not, when it returns FALSE
 *
 * Whether to go on with this TLS server (asks phonesecd).
 */
typedef gboolean (*PhonesecctlSipCheckFunc) (GVariant *der_chain, char **reason, gpointer user_data,
                                             GError **error);

typedef struct
{
  const char *transport; /* UDP, TCP or TLS */
  const char *host;
  guint port;
  const char *tls_priority;
  PhonesecctlSipCheckFunc check;
  gpointer check_data;
  gint64 deadline; /* g_get_monotonic_time () value */
} PhonesecctlSipTarget;

/* Connects (for TLS: handshake and the server check). */
PhonesecctlSipTransport *phonesecctl_sip_transport_open (const PhonesecctlSipTarget *target,
                                                         GError **error);
void phonesecctl_sip_transport_free (PhonesecctlSipTransport *transport);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecctlSipTransport, phonesecctl_sip_transport_free)

/* "address:port" of our end, for Via and Contact. */
const char *phonesecctl_sip_transport_get_local (PhonesecctlSipTransport *transport);
/* For TLS, "TLS1.3 TLS_AES_256_GCM_SHA384"; else NULL. */
const char *phonesecctl_sip_transport_get_tls_description (PhonesecctlSipTransport *transport);

/**
 * phonesecctl_sip_transport_request:
 * @call_id, @cseq: the request's, to tell its responses from strays
 *
 * Sends @request (again over UDP until an answer or the deadline) and
 * returns its first final response (provisional ones are skipped).
 */
PhonesecctlSipResponse *phonesecctl_sip_transport_request (PhonesecctlSipTransport *transport,
                                                           const char *request, const char *call_id,
                                                           guint cseq, GError **error);

G_END_DECLS
