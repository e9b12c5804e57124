/* phonesec-credentials.h: credentials inside other values, masked.
 *
 * A URL may carry `user:password@`, a provisioning rule `--pwd P` and
 * `--key K`: those parts are secrets even though the value as a whole is
 * not. Every read path (Config.Get, ExportProfile, problem reports, plugin
 * properties derived from such a value) shows them as
 * %PHONESEC_CREDENTIALS_MASK.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "phonesec-secret.h"
#include <phonesec/phonesec-api.h>

G_BEGIN_DECLS

/**
 * PHONESEC_CREDENTIALS_MASK:
 *
 * What a credential reads as. Written back in the same place of an otherwise
 * unchanged value, it means "keep the stored credential".
 */
#define PHONESEC_CREDENTIALS_MASK "********"

/**
 * phonesec_credentials_mask_url:
 * @url: (nullable): a URL as configured, maybe with `user:password@`
 *
 * The URL with its password (between the first ':' of the user information
 * and the last '@' before the host) replaced by %PHONESEC_CREDENTIALS_MASK:
 * `https://user:********@host/path`. The user name stays; a value that is
 * not a `scheme://` URL comes back unchanged. For a plugin that shows a
 * configured URL in a property or a message.
 *
 * Returns: (transfer full): the masked URL ("" for %NULL)
 */
PHONESEC_API char *phonesec_credentials_mask_url (const char *url);

/**
 * phonesec_credentials_same_server:
 * @url_a: (nullable): a URL
 * @url_b: (nullable): another
 *
 * Whether both are URLs of the same scheme, host and port (the scheme's
 * default when absent), user information and path aside: the check a
 * #PhonesecUploadSecretFunc makes before handing out a credential.
 */
PHONESEC_API gboolean phonesec_credentials_same_server (const char *url_a, const char *url_b);

/**
 * phonesec_credentials_dup_userinfo_for:
 * @configured: (nullable): the URL as configured now, maybe with
 *   `user:password@`
 * @item_url: the URL an upload item goes to (without user information)
 *
 * What a #PhonesecUploadSecretFunc answers for a userinfo reference: the
 * `user:password` of @configured (as written, percent-encoded), only when
 * it names the same server as @item_url.
 *
 * Returns: (transfer full) (nullable): the user information, or %NULL
 */
PHONESEC_API PhonesecSecret *phonesec_credentials_dup_userinfo_for (const char *configured,
                                                                    const char *item_url);

G_END_DECLS
