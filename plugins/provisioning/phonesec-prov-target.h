/* phonesec-prov-target.h: what a rule (Profile_Rule, Custom_CA_Rule,
 * Upgrade_Rule...) asks to fetch, the same way for all of them.
 *
 * Parse the rule (phonesec-rule.h), pick the alternative whose condition
 * holds, expand its macros, resolve a relative path against the DHCP-given
 * server (DHCP_Option_To_Use, then DHCPv6_Option_To_Use), refuse gds://
 * and servers outside Restricted_Access_Domains, keep --key, and --uid /
 * --pwd unless Profile_Authentication_Type is Disabled.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <phonesec/phonesec.h>

G_BEGIN_DECLS

/**
 * PhonesecProvTarget:
 * @url: the absolute URL, macros expanded (it may hold no credential:
 *   those are @uid and @pwd)
 * @uid: (nullable): --uid, expanded
 * @pwd: (nullable): --pwd, expanded
 * @key: (nullable): --key, expanded
 */
typedef struct
{
  char *url;
  char *uid;
  PhonesecSecret *pwd;
  PhonesecSecret *key;
} PhonesecProvTarget;

void phonesec_prov_target_free (PhonesecProvTarget *target);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecProvTarget, phonesec_prov_target_free)

/**
 * phonesec_prov_target_new:
 * @parameter: the rule's name, for Restricted_Access_Domains' message
 * @text: the rule
 *
 * Returns: (transfer full): the target, or %NULL with @error:
 *   PHONESEC_ERROR_NOT_FOUND with @no_alternative set when no alternative's
 *   condition holds (nothing to fetch), or why the rule cannot be fetched
 */
PhonesecProvTarget *phonesec_prov_target_new (PhonesecContext *context, GHashTable *vars,
                                              const char *parameter, const char *text,
                                              gboolean *no_alternative, GError **error);

/* Fetches @target (phonesec-prov-fetch.h), files up to @max_size bytes,
 * into @sink when it is not %NULL. */
void phonesec_prov_target_fetch_async (PhonesecContext *context, const PhonesecProvTarget *target,
                                       gsize max_size, GOutputStream *sink,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data);

/* Sends @body to @target with HTTP @method (http(s) only); completes
 * like a fetch, with the server's answer (at most 64 KiB). */
void phonesec_prov_target_upload_async (PhonesecContext *context, const PhonesecProvTarget *target,
                                        const char *method, GBytes *body, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data);

G_END_DECLS
