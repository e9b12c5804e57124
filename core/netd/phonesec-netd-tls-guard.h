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
 * Provisioning requests (PHONESEC_NETD_REQUEST_PROVISIONING) get the admin
 * guide's checks instead of the plain name check: a subject CN of the form
 * "host/anything" counts by its host part, and a server reached by its IP
 * address is accepted when DNS gives that address for the certificate's
 * name. The lookup cannot run inside the handshake: the first attempt
 * says which names are missing, the request looks them up asynchronously
 * and tries once more (phonesec-netd-request.c).
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

/* Gives @message the provisioning checks; it also gets a connection of its
 * own, closed after it. */
void phonesec_netd_tls_guard_set_provisioning (SoupMessage *message);
/* After a refusal: the certificate's names whose addresses the check
 * needed and did not have (transfer full), or NULL. */
GStrv phonesec_netd_tls_guard_steal_missing_names (SoupMessage *message);
/* What DNS gave for @name (GInetAddress list; NULL: nothing, or failed). */
void phonesec_netd_tls_guard_add_addresses (SoupMessage *message, const char *name,
                                            GList *addresses);
/* @to (the same request, made again) gets @from's mark and addresses. */
void phonesec_netd_tls_guard_copy_provisioning (SoupMessage *from, SoupMessage *to);

/* Why the guard refused @message's connection, or NULL. */
const char *phonesec_netd_tls_guard_get_error (SoupMessage *message);
/* What @message's TLS connection negotiated, a{sv} (tls-version,
 * tls-suite, tls-peer-subject: floating), or NULL over http://. */
GVariant *phonesec_netd_tls_guard_dup_info (SoupMessage *message);

G_END_DECLS
