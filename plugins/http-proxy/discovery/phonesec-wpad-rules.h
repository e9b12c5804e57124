/* phonesec-wpad-rules.h: where WPAD looks for the PAC script.
 *
 * DHCP option 252 first, then http://wpad.<domain>/wpad.dat for the
 * phone's domain and each parent domain, stopping before a public suffix
 * (never wpad.com, never wpad.co.uk). Pure functions, unit-tested.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The DHCP option that carries the WPAD URL (a de-facto standard). */
#define PHONESEC_WPAD_DHCP_OPTION 252

/**
 * phonesec_wpad_dns_candidates:
 * @domain: the phone's DNS domain ("a.b.example.com", a trailing dot allowed)
 * @error: PHONESEC_ERROR_INVALID_VALUE when @domain is not a DNS name
 *
 * Returns: (transfer full) (nullable): the host names to try, most specific
 * first: "wpad.a.b.example.com", "wpad.b.example.com", "wpad.example.com".
 * Empty (not NULL) when @domain is itself a public suffix or a single label.
 */
GStrv phonesec_wpad_dns_candidates (const char *domain, GError **error);

/**
 * phonesec_wpad_dns_url:
 * @host: a candidate from phonesec_wpad_dns_candidates()
 *
 * Returns: (transfer full): "http://@host/wpad.dat".
 */
char *phonesec_wpad_dns_url (const char *host);

/**
 * phonesec_wpad_dhcp_url:
 * @network: (nullable): the network facts a{sv} ("dhcp-options" a{us})
 *
 * Returns: (transfer full) (nullable): the text of DHCP option 252 without
 * the surrounding blanks and NULs some servers add, or NULL when absent or
 * blank. It is not checked here (phonesec_pac_url_parse() does).
 */
char *phonesec_wpad_dhcp_url (GVariant *network);

/**
 * phonesec_wpad_network_domain:
 * @network: (nullable): the network facts a{sv} ("domain" s)
 *
 * Returns: (transfer full) (nullable): the domain, or NULL when absent/empty.
 */
char *phonesec_wpad_network_domain (GVariant *network);

G_END_DECLS
