/* phonesec-crash-record.h: writing a crash record's header, from a signal
 * handler.
 *
 * A leaf of the crash log and the plugin guard, which both write into a
 * record: neither calls the other for it.
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Async-signal-safe: @text as is; one "KEY=value" line of the header. */
void phonesec_crash_record_write (int fd, const char *text);
void phonesec_crash_record_write_field (int fd, const char *key, const char *value);
void phonesec_crash_record_write_number (int fd, const char *key, gint64 value);

G_END_DECLS
