/* phonesec-pac-url.h: checks a PAC URL and makes it safe to show.
 *
 * Pure functions (no I/O), unit-tested and shared by the fetchers.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* PAC_URL is at most this long (the parameter's limit). */
#define PHONESEC_PAC_URL_MAX_LENGTH 511

typedef enum
{
  PHONESEC_PAC_SCHEME_HTTP,
  PHONESEC_PAC_SCHEME_HTTPS,
  PHONESEC_PAC_SCHEME_TFTP,
} PhonesecPacScheme;

/**
 * phonesec_pac_url_parse:
 * @url: a PAC URL (tftp, http or https)
 * @error: PHONESEC_ERROR_INVALID_VALUE naming the URL (without its
 *   credentials) and what is wrong
 *
 * Returns: (transfer full) (nullable): the parsed URL: a known scheme, a
 * host, a port in range, at most %PHONESEC_PAC_URL_MAX_LENGTH bytes, no
 * spaces or control characters.
 */
GUri *phonesec_pac_url_parse (const char *url, PhonesecPacScheme *scheme, GError **error);

/**
 * phonesec_pac_url_redact:
 * @url: (nullable): any text given as a URL, valid or not
 *
 * Returns: (transfer full): @url without its user information
 * ("user:password@"), control characters replaced by '?', cut to 200
 * characters: what messages and properties may show.
 */
char *phonesec_pac_url_redact (const char *url);

/**
 * phonesec_pac_url_tftp_file:
 * @uri: a tftp URL from phonesec_pac_url_parse()
 *
 * Returns: (transfer full) (nullable): the file name to ask the TFTP server
 * for (RFC 3617: the path without its first '/', percent-decoded), or NULL
 * with PHONESEC_ERROR_INVALID_VALUE when empty or holding a NUL.
 */
char *phonesec_pac_url_tftp_file (GUri *uri, GError **error);

G_END_DECLS
