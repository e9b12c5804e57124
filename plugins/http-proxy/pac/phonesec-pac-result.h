/* phonesec-pac-result.h: strict parser of FindProxyForURL results.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Parses "PROXY a:8080; SOCKS5 b:1080; DIRECT" into GProxyResolver URIs in
 * order: "http://a:8080", "socks5://b:1080", "direct://". Keywords: DIRECT,
 * PROXY and HTTP (http://), HTTPS (https://), SOCKS (socks://), SOCKS4,
 * SOCKS5. Anything else, an empty result or a bad host:port is an error
 * that says which entry was wrong. */
GStrv phonesec_pac_result_parse (const char *result, GError **error);

G_END_DECLS
