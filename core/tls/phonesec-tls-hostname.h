/* phonesec-tls-hostname.h: does a server certificate name the host we
 * meant to reach? (RFC 6125 / RFC 2818 host name verification)
 *
 * Used by every TLS client the daemon drives: LDAPS and StartTLS, HTTPS
 * downloads and provisioning (always), SIP over TLS (per line,
 * TLS_Name_Validate_n_). Chain and expiry checks are not done here.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

G_BEGIN_DECLS

/**
 * PhonesecTlsNameFlags:
 * @PHONESEC_TLS_NAME_FLAGS_NONE: RFC 6125 rules only
 * @PHONESEC_TLS_NAME_ALLOW_CN_SLASH: when the subject CN is used (no
 *   dNSName SAN), accept the admin guide's provisioning forms
 *   `CN=host/anything` (`CN=pv.telco.net/mailto:admin@telco.net`) by
 *   comparing only the part before the first '/'. Pass it for HTTPS
 *   provisioning (resync, upgrade rules) only: the guide documents the form
 *   for provisioning server certificates, and no other client needs to give
 *   weight to a CN that is not a host name.
 */
typedef enum
{
  PHONESEC_TLS_NAME_FLAGS_NONE = 0,
  PHONESEC_TLS_NAME_ALLOW_CN_SLASH = 1 << 0,
} PhonesecTlsNameFlags;

/* At most this many of the certificate's names are listed in an error. */
#define PHONESEC_TLS_NAME_MAX_LISTED 5

gboolean phonesec_tls_check_hostname (gnutls_x509_crt_t cert, const char *name,
                                      PhonesecTlsNameFlags flags, GError **error);

gboolean phonesec_tls_check_session_hostname (gnutls_session_t session, const char *name,
                                              PhonesecTlsNameFlags flags, GError **error);

gboolean phonesec_tls_check_certificate_hostname (GTlsCertificate *certificate, const char *name,
                                                  PhonesecTlsNameFlags flags, GError **error);

/* Internal, exposed for the unit tests and the fuzz target: does the
 * certificate dNSName (or CN) @pattern, @pattern_len raw bytes that may
 * contain NULs, match the reference host name @name (UTF-8, as the caller
 * gave it)? Always FALSE when @name is an IP address or not a valid host
 * name. */
gboolean phonesec_tls_name_matches (const char *pattern, gsize pattern_len, const char *name);

G_END_DECLS
