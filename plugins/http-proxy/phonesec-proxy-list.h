/* phonesec-proxy-list.h: proxy URIs, their PAC form, and the URLs the
 * HttpProxy interface accepts. Pure functions (unit-tested, fuzzed).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* "http://HOST:PORT" for Manual mode; an IPv6 address is bracketed. No
 * credentials: libsoup answers the proxy's challenge instead. */
char *phonesec_proxy_manual_uri (const char *host, guint16 port);

/* GProxyResolver URIs → PAC form: "direct://" → "DIRECT", "http://h:p" →
 * "PROXY h:p", "https://" → "HTTPS", "socks://" → "SOCKS", "socks4://",
 * "socks4a://" → "SOCKS4", "socks5://" → "SOCKS5"; joined with "; ". An
 * entry it does not know is left out; an empty result is "DIRECT". */
char *phonesec_proxy_list_to_pac (const char *const *uris);

/* Checks a URL given on D-Bus: absolute, with a scheme and a host, at most
 * 8 KiB, no control characters. Returns it without any user:password@
 * part (never evaluated, never echoed). The error message never quotes
 * the URL (it may hold credentials). */
char *phonesec_proxy_check_url (const char *url, GError **error);

/* Whether @url is one of @pac_urls (same scheme, host, port and path,
 * ignoring the query) or a WPAD candidate (http://wpad.<...>/wpad.dat):
 * the PAC file itself is always fetched directly. A URL without a path
 * (what GIO gives a resolver: scheme://host:port) matches any path of
 * that server: the whole PAC server is reached directly. */
gboolean phonesec_proxy_url_is_pac (const char *url, const char *const *pac_urls);

G_END_DECLS
