/* phonesec-store-file.h: the configuration's file on disk.
 *
 * A GKeyFile sealed by a last group, [Integrity], holding the length and the
 * SHA-256 of every byte above it; replaced by one durable rename that keeps
 * the previous generation beside it as <path>.prev (a hard link, no copy).
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Returns @body followed by its [Integrity] group (transfer full). @body is
 * GKeyFile text ending with a newline. */
char *phonesec_store_file_seal (const char *body, gsize body_len, gsize *out_len);

/**
 * phonesec_store_file_check_seal:
 * @out_sealed: (out): whether the text carries an [Integrity] group
 *
 * A text without the group is not judged here (an old file, or one cut
 * before it: the caller tells them apart by its Version). A text with the
 * group must match it exactly, nothing after it; FALSE says what differs.
 */
gboolean phonesec_store_file_check_seal (const char *contents, gsize len, gboolean *out_sealed,
                                         GError **error);

/* <path>.prev: the generation before the current one. */
char *phonesec_store_file_dup_previous_path (const char *path);

/**
 * phonesec_store_file_replace:
 * @keep_previous: whether the file now at @path is a good state to keep as
 *   <path>.prev before it is replaced
 *
 * Temp file, fsync, [hard link of the current file to <path>.prev], rename
 * over @path, fsync of the folder: one fsync'd write and one folder fsync,
 * as g_file_set_contents_full (DURABLE) does. A kill at any instant leaves
 * @path old or new, and <path>.prev a good generation or absent. A full
 * disk is said in words (G_IO_ERROR_NO_SPACE).
 */
gboolean phonesec_store_file_replace (const char *path, const char *contents, gsize len,
                                      gboolean keep_previous, GError **error);

/* Removes what a killed replace may leave (<path>.XXXXXX, the link being
 * made); the caller must be the folder's only writer. */
void phonesec_store_file_remove_leftovers (const char *path);

/* Renames @path to <path>.corrupt (an older one is replaced). */
gboolean phonesec_store_file_keep_aside (const char *path, GError **error);

G_END_DECLS
