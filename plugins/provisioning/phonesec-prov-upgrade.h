/* phonesec-prov-upgrade.h: one firmware upgrade through Upgrade_Rule.
 *
 * The image is fetched as a profile is (phonesec-prov-target.h: rule
 * grammar, macros, DHCP, Restricted_Access_Domains; the TLS policy, proxy
 * and client certificate of phonesec-prov-fetch.h), unless its file name
 * says it is older than Downgrade_Rev_Limit, written as it arrives to a
 * private file of the plugin's state folder, at most
 * phonesec_prov_upgrade_max_size() bytes, decrypted there in place when
 * the rule has a --key (phonesec-prov-image.h), and handed to the install hook,
 * a program of the platform: phonesec never flashes anything itself.
 * Log_Upgrade_Request_Msg, Log_Upgrade_Success_Msg and
 * Log_Upgrade_Failure_Msg go to Syslog_Server.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "phonesec-prov-run.h"

G_BEGIN_DECLS

/**
 * phonesec_prov_upgrade_find_hook:
 *
 * The install hook: PHONESEC_UPGRADE_HOOK when set (phonesecd's
 * environment: the systemd unit, development, tests), else
 * `$libexecdir/phonesec/install-firmware`. It must be a regular executable
 * file owned by root or the daemon's user and writable by no one else.
 *
 * Returns: (transfer full): its path, or %NULL with @error
 *   (PHONESEC_ERROR_NOT_SUPPORTED) saying what is wrong with it
 */
char *phonesec_prov_upgrade_find_hook (GError **error);

/* The largest image accepted: PHONESEC_UPGRADE_MAX_BYTES (1 KiB .. 4 GiB)
 * when set, else 256 MiB. */
gsize phonesec_prov_upgrade_max_size (void);

/**
 * phonesec_prov_upgrade_async:
 * @automatic: after a resync (a rule whose conditions pick no image is
 *   then nothing to do) rather than asked for with Upgrade() (an error)
 * @skip_url: (nullable): an image URL already installed: when the rule
 *   still names it, nothing is done (outcome @skipped)
 *
 * Completes with a #PhonesecProvOutcome (phonesec_prov_run_finish()):
 * @error (`Upgrade_Rule: ...`, the hook's exit status included) or %NULL
 * once the hook exited with 0, @server, @url (the image's URL, for
 * @skip_url next time), and @skipped when there was nothing to do.
 */
void phonesec_prov_upgrade_async (PhonesecContext *context, gboolean automatic,
                                  const char *skip_url, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);

G_END_DECLS
