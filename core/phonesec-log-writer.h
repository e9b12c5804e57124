/* phonesec-log-writer.h: the daemon's log writer (masking and recent ring).
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <phonesec/phonesec-api.h>

/* Installs the writer: masks secrets, keeps the recent records, forwards to
 * GLib's default writer (journald when present, else stderr). Exported for
 * phonesecd. */
PHONESEC_API void phonesec_log_writer_install (gboolean verbose);

/* Replaces the set of values to mask (the current secrets); thread-safe.
 * Values shorter than 3 bytes are not masked (they would garble every line). */
void phonesec_log_writer_set_secrets (const char *const *values);

/* The most recent records, oldest first, one line each
 * ("2026-11-26T12:00:00.123Z <level> <domain>: <message>"). */
GStrv phonesec_log_writer_dup_recent (void);

/* Masks the current secrets in @text (also used by the writer). */
char *phonesec_log_writer_mask (const char *text);

/* Also appends every record to @path (bounded, 0600). With @keep_previous
 * (the last run crashed), the last run's file is kept as @path.previous. */
void phonesec_log_writer_persist (const char *path, gboolean keep_previous);

/* NULL, or why records are not being kept in the file (it cannot be
 * opened, or the disk is full), in words for the admin. */
char *phonesec_log_writer_dup_persist_error (void);

/* The last run's records kept by phonesec_log_writer_persist(), or NULL. */
char *phonesec_log_writer_dup_previous (const char *path);
