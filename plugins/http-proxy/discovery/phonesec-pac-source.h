/* phonesec-pac-source.h: finds and fetches the PAC script.
 *
 * Proxy_Mode=Auto: Use_Auto_Discovery__WPAD_=Yes discovers it by WPAD (DHCP
 * option 252 first, then DNS wpad.<domain> walking up, stopping before the
 * top-level domain); =No fetches PAC_URL (http, https, tftp). Size-capped,
 * refreshed at an interval, retried with backoff.
 *
 * Contract between the http-proxy plugin and its discovery code.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <phonesec/phonesec.h>

G_BEGIN_DECLS

#define PHONESEC_TYPE_PAC_SOURCE (phonesec_pac_source_get_type ())
G_DECLARE_FINAL_TYPE (PhonesecPacSource, phonesec_pac_source, PHONESEC, PAC_SOURCE, GObject)

/* @session: the HTTP(S) client to fetch with (the core's shared session: TLS
 * policy and host name checks apply; the plugin's resolver answers direct://
 * for PAC URLs). */
PhonesecPacSource *phonesec_pac_source_new (PhonesecHttpClient *session);

/* (Re)starts discovery or fetching with these settings. @configured_url is
 * PAC_URL ("" or NULL when unset); @network is the a{sv} of
 * phonesec_context_dup_network() (domain s, addresses as, dns-servers as,
 * dhcp-options a{us}); @restricted_domains is Restricted_Access_Domains
 * (NULL or empty: no restriction): a candidate URL whose host is outside it
 * is neither looked up nor fetched, and the error names PAC_URL or WPAD and
 * the host (phonesec-domains.h). A new list starts again (the script in use
 * may come from a server it refuses). */
void phonesec_pac_source_configure (PhonesecPacSource *self, const char *configured_url,
                                    gboolean use_wpad, GVariant *network,
                                    const char *const *restricted_domains);
/* Forgets what was found and starts again. */
void phonesec_pac_source_rediscover (PhonesecPacSource *self);
/* Stops every timer and request. */
void phonesec_pac_source_stop (PhonesecPacSource *self);

/* The current script, or NULL while none. */
GBytes *phonesec_pac_source_get_script (PhonesecPacSource *self);
/* The effective PAC URL, or NULL. */
const char *phonesec_pac_source_get_url (PhonesecPacSource *self);
/* "dhcp", "dns", "configured", or NULL. */
const char *phonesec_pac_source_get_origin (PhonesecPacSource *self);
/* "discovering", "ready" or "error". */
const char *phonesec_pac_source_get_state (PhonesecPacSource *self);
/* Why the last attempt failed (no secret, no credentials), or NULL. */
const char *phonesec_pac_source_get_error (PhonesecPacSource *self);

/* Signal "changed" (no arguments): script, url, origin, state or error changed. */

G_END_DECLS
