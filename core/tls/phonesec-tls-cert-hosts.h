/* phonesec-tls-cert-hosts.h: the host names of a server certificate that
 * a DNS lookup takes: the admin guide's provisioning check (the server's
 * address must be one DNS gives for the certificate's name).
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gnutls/x509.h>

#include "phonesec-tls-hostname.h"

G_BEGIN_DECLS

/* At most this many names are given to DNS: a certificate with hundreds of
 * SANs must not turn one handshake into hundreds of lookups. */
#define PHONESEC_TLS_CERT_HOSTS_MAX 8

/**
 * phonesec_tls_cert_host_names:
 * @cert: a server certificate
 * @flags: %PHONESEC_TLS_NAME_ALLOW_CN_SLASH cuts the CN at its first '/'
 *
 * The names that phonesec_tls_check_hostname() compares, in the
 * certificate's order: its dNSName SANs when it has any (a SAN extension
 * that cannot be read counts as having some), else its last CN; only those
 * that are plain host names (no wildcard, no IP address, no NUL, ASCII),
 * lowercase, without a trailing dot, without duplicates, at most
 * %PHONESEC_TLS_CERT_HOSTS_MAX.
 *
 * Returns: (transfer full): a %NULL-terminated array, empty when none
 */
GStrv phonesec_tls_cert_host_names (gnutls_x509_crt_t cert, PhonesecTlsNameFlags flags);

/* The same for glib-networking's certificate (an empty array when it
 * cannot be read). */
GStrv phonesec_tls_certificate_host_names (GTlsCertificate *certificate,
                                           PhonesecTlsNameFlags flags);

G_END_DECLS
