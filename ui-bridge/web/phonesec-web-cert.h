/* phonesec-web-cert.h: the device certificate of the web server.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Loads <state_dir>/web-cert.pem and web-key.pem, generating them first if
 * either is missing: RSA 2048 (FIPS-acceptable, usable by every cipher list
 * the policy can produce), self-signed, SHA-256, 10 years, CN and
 * subjectAltName = the host name, serverAuth. Written 0600. */
GTlsCertificate *phonesec_web_cert_ensure (const char *state_dir, GError **error);

G_END_DECLS
