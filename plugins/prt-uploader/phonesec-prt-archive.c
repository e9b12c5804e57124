/* phonesec-prt-archive.c: tar.gz with libarchive, in memory.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <archive.h>
#include <archive_entry.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "phonesec-prt-archive.h"

#define NAME_MAX_BYTES 200

typedef struct
{
  char *path;
  GBytes *data;
} Member;

struct _PhonesecPrtArchive
{
  GPtrArray *members;
  gint64 mtime;
};

static void
member_free (Member *member)
{
  g_free (member->path);
  g_bytes_unref (member->data);
  g_free (member);
}

PhonesecPrtArchive *
phonesec_prt_archive_new (void)
{
  PhonesecPrtArchive *self = g_new0 (PhonesecPrtArchive, 1);

  self->members = g_ptr_array_new_with_free_func ((GDestroyNotify) member_free);
  self->mtime = g_get_real_time () / G_USEC_PER_SEC;
  return self;
}

void
phonesec_prt_archive_add (PhonesecPrtArchive *self, const char *path, const char *data,
                          gssize length)
{
  Member *member = g_new0 (Member, 1);

  member->path = g_strdup (path);
  member->data = g_bytes_new (data, length < 0 ? strlen (data) : (gsize) length);
  g_ptr_array_add (self->members, member);
}

void
phonesec_prt_archive_free (PhonesecPrtArchive *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->members);
  g_free (self);
}

static la_ssize_t
append_to_buffer (struct archive *a, void *user_data, const void *buffer, size_t length)
{
  g_byte_array_append (user_data, buffer, length);
  return (la_ssize_t) length;
}

GBytes *
phonesec_prt_archive_finish (PhonesecPrtArchive *self, GError **error)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();
  struct archive *a = archive_write_new ();
  gboolean ok;

  ok = archive_write_set_format_pax_restricted (a) == ARCHIVE_OK
       && archive_write_add_filter_gzip (a) == ARCHIVE_OK
       && archive_write_set_bytes_in_last_block (a, 1) == ARCHIVE_OK
       && archive_write_open (a, out, NULL, append_to_buffer, NULL) == ARCHIVE_OK;
  for (guint i = 0; ok && i < self->members->len; i++)
    {
      Member *member = self->members->pdata[i];
      struct archive_entry *entry = archive_entry_new ();
      gsize size;
      const void *data = g_bytes_get_data (member->data, &size);

      archive_entry_set_pathname (entry, member->path);
      archive_entry_set_filetype (entry, AE_IFREG);
      archive_entry_set_perm (entry, 0644);
      archive_entry_set_size (entry, (la_int64_t) size);
      archive_entry_set_mtime (entry, self->mtime, 0);
      ok = archive_write_header (a, entry) == ARCHIVE_OK
           && (size == 0 || archive_write_data (a, data, size) == (la_ssize_t) size);
      archive_entry_free (entry);
    }
  ok = ok && archive_write_close (a) == ARCHIVE_OK;
  if (!ok)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _ ("Cannot build the report archive: %s"),
                 archive_error_string (a) != NULL ? archive_error_string (a) : "?");
  archive_write_free (a);
  phonesec_prt_archive_free (self);
  if (!ok)
    return NULL;
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

char *
phonesec_prt_make_name (const char *expanded, const char *mac, GDateTime *now)
{
  g_autoptr (GString) name = g_string_new (NULL);

  if (expanded == NULL || expanded[0] == '\0')
    {
      g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
      g_string_printf (name, "prt-%s-%s", stamp, mac);
    }
  else
    g_string_assign (name, expanded);
  for (gsize i = 0; i < name->len; i++)
    {
      char c = name->str[i];
      if (!g_ascii_isalnum (c) && c != '-' && c != '_' && c != '.')
        name->str[i] = '_';
    }
  while (name->len > 0 && name->str[0] == '.')
    name->str[0] = '_';
  if (!g_str_has_suffix (name->str, ".tar.gz"))
    {
      if (name->len > NAME_MAX_BYTES - 7)
        g_string_truncate (name, NAME_MAX_BYTES - 7);
      g_string_append (name, ".tar.gz");
    }
  else if (name->len > NAME_MAX_BYTES)
    {
      g_string_truncate (name, NAME_MAX_BYTES - 7);
      g_string_append (name, ".tar.gz");
    }
  return g_string_free (g_steal_pointer (&name), FALSE);
}
