/* phonesec-crash.h: what the core knows of crashes.
 *
 * Records: the previous run of phonesecd ending uncleanly (with the fatal
 * signal and a backtrace when the crash handler could write them), and any
 * helper process (PAC sandbox, VPN child...) that a plugin saw die on a
 * signal. The prt-uploader plugin turns them into problem reports.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <phonesec/phonesec-api.h>

G_BEGIN_DECLS

#define PHONESEC_TYPE_CRASH_LOG (phonesec_crash_log_get_type ())
PHONESEC_API GType phonesec_crash_log_get_type (void);
G_DECLARE_FINAL_TYPE (PhonesecCrashLog, phonesec_crash_log, PHONESEC, CRASH_LOG, GObject)

/**
 * phonesec_crash_log_report:
 * @process: what died: "phonesecd", "phonesec-pac-helper", "openconnect"...
 * @plugin: (nullable): the plugin that ran it
 * @signum: the signal that killed it, 0 when unknown
 * @details: (nullable): more facts (exit status, backtrace, core file)
 *
 * Records a crash and emits "crashed" with its record.
 */
PHONESEC_API void phonesec_crash_log_report (PhonesecCrashLog *self, const char *process,
                                             const char *plugin, int signum, const char *details);

/* Every record since the daemon started (the previous run's first), as
 * aa{sv}: process s, plugin s, signal i, signal-name s, time x (unix
 * seconds), details s. */
PHONESEC_API GVariant *phonesec_crash_log_dup_records (PhonesecCrashLog *self);

/* Signal "crashed" (a{sv} record). */

G_END_DECLS
