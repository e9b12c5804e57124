/* phonesec-pac-runner.h: evaluates PAC scripts in a sandboxed helper process
 * (phonesec-pac-helper, duktape). Untrusted script never runs in phonesecd.
 *
 * Contract between the http-proxy plugin and its PAC sandbox; do not change
 * a signature without updating both sides.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PHONESEC_TYPE_PAC_RUNNER (phonesec_pac_runner_get_type ())
G_DECLARE_FINAL_TYPE (PhonesecPacRunner, phonesec_pac_runner, PHONESEC, PAC_RUNNER, GObject)

/* @helper_path: the phonesec-pac-helper executable. The helper is spawned
 * lazily and respawned after a hang (killed at the per-call limit) or crash.
 * "helper-crashed" (int signum or 0, const char *how) is emitted when it dies abnormally. */
PhonesecPacRunner *phonesec_pac_runner_new (const char *helper_path);

/* Loads @script (NULL unloads). Fails with a clear message for a script too
 * big, a syntax error, or no FindProxyForURL/FindProxyForURLEx function. */
void phonesec_pac_runner_load_script_async (PhonesecPacRunner *self, GBytes *script,
                                            GCancellable *cancellable, GAsyncReadyCallback callback,
                                            gpointer user_data);
gboolean phonesec_pac_runner_load_script_finish (PhonesecPacRunner *self, GAsyncResult *result,
                                                 GError **error);

/* The phone's addresses, for myIpAddress() and myIpAddressEx(). */
void phonesec_pac_runner_set_my_addresses (PhonesecPacRunner *self, const char *const *addresses);
/* Result cache lifetime; 0 turns the cache off. The cache is keyed on
 * what the script is given (the URL after the https:// origin cut, and the
 * host), so its answers are those of a new evaluation. */
void phonesec_pac_runner_set_cache_lifetime (PhonesecPacRunner *self, guint seconds);

/* Runs FindProxyForURLEx when the script defines it, else FindProxyForURL,
 * with @url handed to the script as a value. The result is the script's
 * string, already checked by phonesec_pac_result_parse(); any failure
 * (timeout, crash, exception, non-string, unparsable) is an error whose
 * message says why; the caller then goes DIRECT. */
void phonesec_pac_runner_find_proxy_async (PhonesecPacRunner *self, const char *url,
                                           GCancellable *cancellable, GAsyncReadyCallback callback,
                                           gpointer user_data);
char *phonesec_pac_runner_find_proxy_finish (PhonesecPacRunner *self, GAsyncResult *result,
                                             GError **error);

G_END_DECLS
