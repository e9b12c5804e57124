/* phonesec-sip-mediasec.h: media-plane security negotiation, RFC 3329 with
 * the "mediasec" header field parameter of draft-dawes-sipcore-mediasec-
 * parameter, as the guide's "Paramètres de la négociation de sécurité du
 * plan de support" table says the phone uses it:
 *
 *   MediaSec_Request_n_        Yes: the phone starts the negotiation (sends
 *                              Security-Client); No: it waits for the
 *                              server's Security-Server and answers it
 *   MediaSec_Over_TLS_Only_n_  Yes: negotiate (start or answer) only when
 *                              the line's transport is TLS
 *
 * Internal to the sip-security plugin. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The option tag of Require and Proxy-Require in a mediasec request. */
#define PHONESEC_SIP_MEDIASEC_OPTION_TAG "mediasec"

/* Whether the line may negotiate media security at all on @transport. */
gboolean phonesec_sip_mediasec_applies (gboolean over_tls_only, const char *transport);

/**
 * phonesec_sip_mediasec_security_client:
 *
 * The Security-Client values (RFC 3329 §2.2 sec-mechanism, one per media
 * keying mechanism the phone supports, each with the mediasec parameter)
 * the line sends in its requests; empty when it does not start the
 * negotiation on @transport.
 *
 * Returns: (transfer full)
 */
GStrv phonesec_sip_mediasec_security_client (gboolean request, gboolean over_tls_only,
                                             const char *transport);

/* The SRTP crypto suites (RFC 4568 §6.2) the phone offers with SDES keying:
 * what "sdes-srtp" stands for. Transfer none. */
const char *const *phonesec_sip_mediasec_srtp_profiles (void);

G_END_DECLS
