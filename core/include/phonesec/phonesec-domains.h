/* phonesec-domains.h: Restricted_Access_Domains, the one "may the phone
 * talk to this server" check of every client (provisioning, upgrade,
 * report, CA and PRT upload rules, the metrics collector, the PAC URL, the
 * SIP proxies).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <phonesec/phonesec-api.h>

G_BEGIN_DECLS

/**
 * phonesec_domains_host_allowed:
 * @host: (nullable): a host name or IP address
 * @domains: (nullable) (array zero-terminated=1): Restricted_Access_Domains
 *
 * An empty list allows every host; else @host must be a listed domain or
 * below one (case-insensitive, a final '.' ignored). An IP address is never
 * below a domain.
 */
PHONESEC_API gboolean phonesec_domains_host_allowed (const char *host, const char *const *domains);

/**
 * phonesec_domains_check_url:
 * @url: (nullable): a URL (scheme://host...), or a bare host[:port]
 * @what: what the URL is for, named for the admin: the parameter
 *   ("Profile_Rule_B", "PAC_URL")
 *
 * Returns: %TRUE when @url's host is allowed, else %FALSE with @error
 *   (PHONESEC_ERROR_PERMISSION_DENIED) naming @what and the host, never
 *   the rest of the URL (it may carry credentials)
 */
PHONESEC_API gboolean phonesec_domains_check_url (const char *url, const char *const *domains,
                                                  const char *what, GError **error);

G_END_DECLS
