/* phonesec-prt-archive.h: the report's tar.gz, and its file name.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _PhonesecPrtArchive PhonesecPrtArchive;

PhonesecPrtArchive *phonesec_prt_archive_new (void);
/* Adds a regular file (mode 0644) @path ("log/phonesecd.log") to the archive. */
void phonesec_prt_archive_add (PhonesecPrtArchive *self, const char *path, const char *data,
                               gssize length);
/* Writes the gzip'd tar and frees @self. Blocking: call from a thread. */
GBytes *phonesec_prt_archive_finish (PhonesecPrtArchive *self, GError **error);
void phonesec_prt_archive_free (PhonesecPrtArchive *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecPrtArchive, phonesec_prt_archive_free)

/**
 * phonesec_prt_make_name:
 * @expanded: PRT_Name after macro expansion ("" for the default)
 * @mac: the MAC as 12 lower-case hex digits ($MA)
 * @now: when the report was made
 *
 * The archive's file name: the default `prt-<yyyymmdd>-<hhmmss>-<MA>.tar.gz`,
 * or @expanded with ".tar.gz" appended when missing. Characters that are not
 * safe in a file name or an upload (anything but letters, digits, '-', '_',
 * '.') become '_'; no leading dot; at most 200 bytes.
 */
char *phonesec_prt_make_name (const char *expanded, const char *mac, GDateTime *now);

G_END_DECLS
