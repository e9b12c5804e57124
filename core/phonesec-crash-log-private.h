/* phonesec-crash-log-private.h: how the daemon fills the crash log.
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "phonesec/phonesec-crash.h"

G_BEGIN_DECLS

PhonesecCrashLog *phonesec_crash_log_new (void);

/* Installs handlers for fatal signals (SEGV, ABRT, BUS, FPE, ILL, SYS) that
 * write the signal, the plugin to blame (phonesec-plugin-guard.h) and a
 * backtrace to @record_path, then die as they would have; and an exit hook
 * that does the same when plugin code calls exit(), then exits with a
 * failure status. */
void phonesec_crash_log_install_handler (const char *record_path);

/* The previous run ended without a clean stop: records it, with what its
 * crash handler wrote in @record_path (then removed) when it could.
 * Returns that record's text, or NULL when there was none. */
char *phonesec_crash_log_add_previous_run (PhonesecCrashLog *self, const char *record_path);

/* The value of "KEY=value" in a crash record's header, or NULL. */
char *phonesec_crash_record_dup_field (const char *record, const char *key);

G_END_DECLS
