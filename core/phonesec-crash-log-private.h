/* phonesec-crash-log-private.h: how the daemon fills the crash log.
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "phonesec/phonesec-crash.h"

G_BEGIN_DECLS

PhonesecCrashLog *phonesec_crash_log_new (void);

/* Installs handlers for fatal signals (SEGV, ABRT, BUS, FPE, ILL, SYS) that
 * write the signal and a backtrace to @record_path, then die as they would
 * have. */
void phonesec_crash_log_install_handler (const char *record_path);

/* The previous run ended without a clean stop: records it, with what its
 * crash handler wrote in @record_path (then removed) when it could. */
void phonesec_crash_log_add_previous_run (PhonesecCrashLog *self, const char *record_path);

G_END_DECLS
