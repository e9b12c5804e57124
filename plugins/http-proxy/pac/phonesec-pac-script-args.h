/* phonesec-pac-script-args.h: what FindProxyForURL(url, host) is given for
 * a caller's URL. Pure function, unit-tested; the runner sends exactly
 * this to the helper and keys its result cache on it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * phonesec_pac_script_args:
 * @url: the caller's URL
 * @script_url: (out) (transfer full): the script's `url`: @url without its
 *   user information (a password may be there) and fragment; an https://
 *   or wss:// URL cut to its origin (`https://host:port/`), as browsers do
 * @host: (out) (transfer full): the script's `host`: lower case, IDN in
 *   ASCII (punycode), an IPv6 literal without brackets
 * @error: why @url cannot be evaluated (no host, or not a valid one)
 *
 * Returns: %TRUE, or %FALSE with @error and both outs untouched.
 */
gboolean phonesec_pac_script_args (const char *url, char **script_url, char **host, GError **error);

G_END_DECLS
