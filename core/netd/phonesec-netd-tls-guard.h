/* phonesec-netd-tls-guard.h: the TLS policy's checks on every handshake of
 * the network service's SoupSession.
 *
 * glib-networking takes one priority string per process, and a priority
 * string may enable more suites than the admin's OpenSSL list; a resumed
 * session skips the certificate check its first handshake made, maybe
 * against a trust store that has lost a CA since. So after each handshake
 * the negotiated suite is checked against the policy's list, the peer's
 * chain against the trust store as it is, and the host name by RFC 6125;
 * a failure closes the connection before the request is written.
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct _PhonesecNetdTlsGuard PhonesecNetdTlsGuard;

/* Watches every message of @session. */
PhonesecNetdTlsGuard *phonesec_netd_tls_guard_new (SoupSession *session);
void phonesec_netd_tls_guard_free (PhonesecNetdTlsGuard *self);
/* The policy (TLS_Min_Version, TLS_Cipher_List, FIPS_Mode). */
void phonesec_netd_tls_guard_configure (PhonesecNetdTlsGuard *self, const char *min_version,
                                        const char *cipher_list, gboolean fips);
/* The trust store the chains are checked against (transfer none; NULL:
 * every connection is refused). */
void phonesec_netd_tls_guard_set_database (PhonesecNetdTlsGuard *self, GTlsDatabase *database);

/* Why the guard refused @message's connection, or NULL. */
const char *phonesec_netd_tls_guard_get_error (SoupMessage *message);
/* What @message's TLS connection negotiated, a{sv} (tls-version,
 * tls-suite, tls-peer-subject: floating), or NULL over http://. */
GVariant *phonesec_netd_tls_guard_dup_info (SoupMessage *message);

G_END_DECLS
