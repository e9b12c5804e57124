/* phonesec-prov-dhcp.h: where a relative rule ("/$PSN.xml") goes: the
 * provisioning server the DHCP options gave (Network.Update's
 * dhcp-options), in the order of DHCP_Option_To_Use then
 * DHCPv6_Option_To_Use.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * phonesec_prov_dhcp_resolve:
 * @path: the rule's path, starting with '/'
 * @dhcp_options: (nullable): a{us}, option number → its text
 * @order: (array length=n_order): option numbers, in order
 * @option_used: (out) (optional): the option that gave the server
 *
 * Options 66 and 150 name a TFTP server (150 may list several addresses:
 * the first is taken), 159 and 160 a provisioning server as an address or a
 * URL; any other option is used when its text is a URL. A URL's path is
 * kept in front of @path.
 *
 * Returns: (transfer full) (nullable): the absolute URL, or %NULL when no
 *   listed option is there
 */
char *phonesec_prov_dhcp_resolve (const char *path, GVariant *dhcp_options, const guint *order,
                                  gsize n_order, guint *option_used);

G_END_DECLS
