/* phonesec-prov-ca.h: the certificate Custom_CA_Rule names, as a server
 * sends it (PEM or DER), checked and turned into the one PEM certificate
 * TlsPolicy.AddTrustedCA takes. Pure: bytes in, text out.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <phonesec/phonesec.h>

G_BEGIN_DECLS

/* The largest certificate file accepted (AddTrustedCA's own limit). */
#define PHONESEC_PROV_MAX_CA (64 * 1024)

/**
 * phonesec_prov_ca_to_pem:
 * @data: the file: one X.509 certificate, PEM (`-----BEGIN CERTIFICATE`)
 *   or DER
 *
 * Checks that @data is exactly one certificate, and a CA one
 * (basicConstraints CA:TRUE), and writes it as PEM.
 *
 * Returns: (transfer full): the PEM text, or %NULL with @error
 *   (G_IO_ERROR_INVALID_DATA) in words for the admin
 */
char *phonesec_prov_ca_to_pem (GBytes *data, GError **error);

G_END_DECLS
