/* phonesec-tls-cert-names.h: what a server certificate says about whom it
 * is for (its SANs and last CN), read the same way for the host name check
 * (phonesec-tls-hostname.c) and for the names given to DNS
 * (phonesec-tls-cert-hosts.c).
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <gnutls/x509.h>

G_BEGIN_DECLS

typedef struct
{
  GPtrArray *dns; /* GBytes, raw dNSName contents */
  GPtrArray *ips; /* GBytes, raw iPAddress contents */
  gboolean san_broken;
  GBytes *cn; /* the last CN as bytes, non-ASCII marked, or NULL */
} PhonesecTlsCertNames;

/* Every SAN extension (a broken one sets san_broken) and the last CN. */
void phonesec_tls_cert_names_read (gnutls_x509_crt_t cert, PhonesecTlsCertNames *names);
void phonesec_tls_cert_names_clear (PhonesecTlsCertNames *names);

G_END_DECLS
