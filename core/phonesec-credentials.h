/* phonesec-credentials.h: finding, masking and keeping credentials that
 * live inside other values (URLs, provisioning rules, secret header values).
 *
 * Internal to the core (not installed); plugins have
 * phonesec/phonesec-credentials.h.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "phonesec/phonesec-credentials.h"

G_BEGIN_DECLS

/* Where a value keeps credentials; from the schema's Type/Kind (see
 * phonesec_param_spec_get_credentials()). */
typedef enum
{
  PHONESEC_CREDENTIALS_NONE,
  PHONESEC_CREDENTIALS_URL,   /* Type=url: the password of user:password@ */
  PHONESEC_CREDENTIALS_RULE,  /* Kind=rule: --pwd and --key values, and the URL's password */
  PHONESEC_CREDENTIALS_WHOLE, /* Kind=header-secret: the whole value */
} PhonesecCredentialsKind;

/* "url", "rule", "header" (Describe's "credentials"); NULL for NONE. */
const char *phonesec_credentials_kind_to_string (PhonesecCredentialsKind kind);

/* One credential: @len bytes at @offset of the value. */
typedef struct
{
  gsize offset;
  gsize len;
} PhonesecCredentialSpan;

/**
 * phonesec_credentials_find:
 * @value: any text, valid or not (error paths and fuzzers pass anything)
 *
 * The credentials of @value, in order, not overlapping; empty ones (the
 * "" of `user:@host`) included, as places.
 *
 * Rules are read as the validator reads them: blanks separate tokens; the
 * token after `--pwd` or `--key` (or what follows `=` in `--pwd=P`) is a
 * credential; options may sit in a leading `[...]`; any token holding
 * `://` is a URL. In a URL the password runs from the first ':' of the user
 * information to the last '@' of the authority (which ends at the first
 * '/', '?' or '#' after `//`), as GUri splits it, so `@` in a path is not a
 * user information and `[::1]` hosts are left alone.
 *
 * Returns: (transfer full) (element-type PhonesecCredentialSpan): the spans
 */
GArray *phonesec_credentials_find (PhonesecCredentialsKind kind, const char *value);

/* @value with every non-empty credential replaced by the mask. */
char *phonesec_credentials_mask (PhonesecCredentialsKind kind, const char *value);

/* Whether @value holds a non-empty credential. */
gboolean phonesec_credentials_has (PhonesecCredentialsKind kind, const char *value);

/* Every non-empty credential of @value (for the log writer's mask). */
void phonesec_credentials_collect (PhonesecCredentialsKind kind, const char *value,
                                   GStrvBuilder *into);

/**
 * phonesec_credentials_merge:
 * @written: the value a caller writes (stripped)
 * @stored: the value stored now
 *
 * What writing @written means for its credentials:
 * - no credential of @written is the mask: @written as is (new
 *   credentials, or none: a URL written without `user:password@` removes
 *   them);
 * - some are the mask, and @written is @stored with credentials changed at
 *   most (the same text around them, the same number of them): @written
 *   with each masked credential replaced by the stored one in its place;
 * - some are the mask but the rest differs (another host, path, option):
 *   %NULL and PHONESEC_ERROR_INVALID_VALUE. Credentials are never carried
 *   to a value they were not given for: the caller must write them again.
 *
 * The error message never quotes either value.
 *
 * Returns: (transfer full): the value to store, or %NULL
 */
char *phonesec_credentials_merge (PhonesecCredentialsKind kind, const char *written,
                                  const char *stored, GError **error);

/**
 * phonesec_credentials_strip_url:
 * @url: a URL
 * @out_userinfo: (out) (optional) (transfer full): the `user:password`
 *   removed (%NULL when none)
 *
 * @url without its user information (`https://host/path`), for what is
 * written to disk or shown; a value that is not a `scheme://` URL is
 * returned unchanged.
 */
char *phonesec_credentials_strip_url (const char *url, char **out_userinfo);

G_END_DECLS
