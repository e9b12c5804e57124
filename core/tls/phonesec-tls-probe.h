/* phonesec-tls-probe.h: one TLS connection now, under the current policy.
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "phonesec/phonesec-http.h"

#include "phonesec-tls-policy.h"

G_BEGIN_DECLS

typedef enum
{
  PHONESEC_TLS_PROBE_SOUP,   /* the network service's SoupSession */
  PHONESEC_TLS_PROBE_GNUTLS, /* a direct GnuTLS session (as LDAP, SIP use) */
} PhonesecTlsProbeClient;

/* Result: a{sv} with version s, suite s, client s, peer-subject s and, for
 * https with the soup client, http-status u. */
void phonesec_tls_probe_async (PhonesecTlsPolicy *policy, PhonesecHttpClient *http_client,
                               const char *url, PhonesecTlsProbeClient client,
                               PhonesecCipherAppClass app, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
GVariant *phonesec_tls_probe_finish (GAsyncResult *result, GError **error);

/* "TLS 1.2" for GNUTLS_TLS1_2... */
const char *phonesec_tls_version_name (gnutls_protocol_t version);

G_END_DECLS
