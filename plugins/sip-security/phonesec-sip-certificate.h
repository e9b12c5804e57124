/* phonesec-sip-certificate.h: a server's certificate chain as the SIP
 * stack hands it over (DER, the server's own first), made a
 * GTlsCertificate for phonesec_context_check_server_certificate().
 *
 * Internal to the sip-security plugin. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* More than any real chain (server, intermediates, root). */
#define PHONESEC_SIP_CERTIFICATE_MAX_CHAIN 10
#define PHONESEC_SIP_CERTIFICATE_MAX_SIZE 65536

/**
 * phonesec_sip_certificate_from_der:
 * @der_chain: aay
 *
 * Returns: (transfer full): the chain, or %NULL with
 *   PHONESEC_ERROR_INVALID_VALUE (empty, too long, or not DER certificates)
 */
GTlsCertificate *phonesec_sip_certificate_from_der (GVariant *der_chain, GError **error);

G_END_DECLS
