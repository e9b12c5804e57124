/* phonesec-tls-policy.h: the one TLS policy of the phone.
 *
 * From TLS_Min_Version, TLS_Cipher_List and FIPS_Mode it builds, per
 * application class, the GnuTLS priority string and the exact suite list a
 * handshake may end on; it owns the trust store (system CAs, the phone's
 * custom CAs in the state folder, and --ca-file).
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <gnutls/gnutls.h>

#include "phonesec-cipher-list.h"

G_BEGIN_DECLS

#define PHONESEC_TYPE_TLS_POLICY (phonesec_tls_policy_get_type ())
G_DECLARE_FINAL_TYPE (PhonesecTlsPolicy, phonesec_tls_policy, PHONESEC, TLS_POLICY, GObject)

/**
 * phonesec_tls_policy_new:
 * @trust_dir: folder of the phone's custom CAs (created 0700), one PEM each
 * @ca_file: (nullable): extra CA bundle (development and tests)
 * @system_bundle: (nullable): the system CA bundle, or %NULL for the
 *   distribution's default
 */
PhonesecTlsPolicy *phonesec_tls_policy_new (const char *trust_dir, const char *ca_file,
                                            const char *system_bundle, GError **error);
/* Brings the bundle file up to date with the system CAs, --ca-file and the
 * custom CAs (it writes only when it differs). Once, before the first TLS
 * client: phonesecd does it as soon as it holds its bus name, which waits
 * for nothing it does not need. */
void phonesec_tls_policy_load_trust (PhonesecTlsPolicy *self);

/* Signals: "changed" (the policy or the trust store), "trust-changed" (a
 * CA added or removed). */

/* Recomputes everything; emits "changed" when the effective policy changed.
 * @min_version: "TLS 1.0" .. "TLS 1.3"; @cipher_list: the OpenSSL string
 * as configured (empty or invalid → the guide's per-class fallback). */
void phonesec_tls_policy_configure (PhonesecTlsPolicy *self, const char *min_version,
                                    const char *cipher_list, gboolean fips);

const char *phonesec_tls_policy_get_min_version (PhonesecTlsPolicy *self);
const char *phonesec_tls_policy_get_cipher_list (PhonesecTlsPolicy *self);
/* Empty, or why the configured cipher list was not usable (it was then
 * replaced by the per-class fallbacks, as the guide says). */
const char *phonesec_tls_policy_get_cipher_list_error (PhonesecTlsPolicy *self);
gboolean phonesec_tls_policy_get_fips (PhonesecTlsPolicy *self);
/* Empty, or the security error the guide asks the phone to show. */
const char *phonesec_tls_policy_get_fips_error (PhonesecTlsPolicy *self);

/* "web-server", "xmpp", "default" ↔ PhonesecCipherAppClass; "sip" is the
 * default class. */
gboolean phonesec_tls_app_class_from_string (const char *text, PhonesecCipherAppClass *out);

/* The complete GnuTLS priority string for @app (versions included). */
char *phonesec_tls_policy_dup_priority (PhonesecTlsPolicy *self, PhonesecCipherAppClass app);
/* Transfer none: the compiled list for @app. */
PhonesecCipherList *phonesec_tls_policy_get_list (PhonesecTlsPolicy *self,
                                                  PhonesecCipherAppClass app);
/* IANA names of every suite a handshake may end on, TLS 1.3 ones included,
 * in preference order. */
GStrv phonesec_tls_policy_dup_suites (PhonesecTlsPolicy *self, PhonesecCipherAppClass app);
/* The TLS ≤ 1.2 suites of @app as an OpenSSL cipher string (OpenSSL
 * names joined by ':'), for clients built on OpenSSL. */
char *phonesec_tls_policy_dup_openssl_ciphers (PhonesecTlsPolicy *self, PhonesecCipherAppClass app);

/**
 * phonesec_tls_policy_check_negotiated:
 * @version: the negotiated protocol (GNUTLS_TLS1_2...)
 * @suite_iana: the negotiated suite's IANA name
 *
 * The check after every handshake we drive: a GnuTLS priority string is a
 * product of algorithm lists and may enable more suites than the OpenSSL
 * string selected; such a handshake is refused here.
 */
gboolean phonesec_tls_policy_check_negotiated (PhonesecTlsPolicy *self, PhonesecCipherAppClass app,
                                               gnutls_protocol_t version, const char *suite_iana,
                                               GError **error);

/* Applies priority and trust to a client session (thread-safe). */
gboolean phonesec_tls_policy_setup_client (PhonesecTlsPolicy *self, gnutls_session_t session,
                                           PhonesecCipherAppClass app, GError **error);
/* Credentials holding the whole trust store (transfer full). */
gnutls_certificate_credentials_t phonesec_tls_policy_new_credentials (PhonesecTlsPolicy *self,
                                                                      GError **error);

/* --- trust store ------------------------------------------------------- */

/* A PEM file with every trusted CA (system, custom, --ca-file), rewritten
 * when the store changes (only then: a start writes nothing when it is up
 * to date): for libraries that take a file (libldap, libopenconnect). When
 * it could not be written, see get_trust_error: the previous file is kept
 * when it trusts no CA the store no longer holds, else there is none. */
const char *phonesec_tls_policy_get_bundle_path (PhonesecTlsPolicy *self);
/* The PEM file the network service's HTTP client trusts: the bundle, or
 * the system CAs alone while no bundle file exists. */
const char *phonesec_tls_policy_get_trust_file (PhonesecTlsPolicy *self);
/* Whether @chain (a server certificate and the issuers it sent) leads to a
 * CA of the trust store as it is now, valid today; the host name is not
 * checked here (phonesec-tls-hostname.h). */
gboolean phonesec_tls_policy_verify_server_chain (PhonesecTlsPolicy *self, GTlsCertificate *chain,
                                                  GError **error);
/* Empty, or why the bundle file is not the whole trust store (it could not
 * be written: a full state folder), in words for the admin. */
const char *phonesec_tls_policy_get_trust_error (PhonesecTlsPolicy *self);

/* Adds one CA certificate (PEM, exactly one CA:TRUE certificate); returns
 * its SHA-256 fingerprint (lower-case hex, colon-separated). */
char *phonesec_tls_policy_add_ca (PhonesecTlsPolicy *self, const char *pem, GError **error);
gboolean phonesec_tls_policy_remove_ca (PhonesecTlsPolicy *self, const char *fingerprint,
                                        GError **error);
/* aa{sv}: fingerprint s, subject s, not-after x (unix time), source s
 * ("custom" or "ca-file"). */
GVariant *phonesec_tls_policy_dup_trusted_cas (PhonesecTlsPolicy *self);

G_END_DECLS
