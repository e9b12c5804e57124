/* phonesec-prt-archive.c: a tar.gz in memory: POSIX ustar members,
 * gzip'd with GIO's zlib compressor.
 *
 * Written here rather than with libarchive: its library pulls libxml2, ICU
 * and libstdc++ into phonesecd, about 2 MiB of resident memory and a
 * noticeable part of the start, for the few regular files a report holds.
 * Member paths over 100 bytes use ustar's prefix field (split at a '/');
 * a path that cannot be split so is cut (report paths are short and
 * fixed).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "phonesec-prt-archive.h"

#define NAME_MAX_BYTES 200
#define BLOCK 512

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

/* A numeric field: octal, zero-padded, NUL-terminated. */
static void
put_octal (guint8 *field, gsize width, guint64 value)
{
  g_autofree char *text = g_strdup_printf ("%0*" G_GINT64_MODIFIER "o", (int) width - 1, value);

  memcpy (field, text, width - 1);
  field[width - 1] = '\0';
}

/* The name field, or prefix + name when it does not fit in 100 bytes. */
static void
put_path (guint8 *header, const char *path)
{
  gsize len = strlen (path);
  const char *split;

  if (len <= 100)
    {
      memcpy (header, path, len);
      return;
    }
  /* The last '/' that leaves at most 100 bytes of name and 155 of prefix. */
  for (split = path + len - 1; split > path; split--)
    if (*split == '/' && (gsize) (path + len - split - 1) <= 100 && (gsize) (split - path) <= 155)
      {
        memcpy (header + 345, path, split - path);
        memcpy (header, split + 1, path + len - split - 1);
        return;
      }
  memcpy (header, path, 100);
}

static void
append_header (GByteArray *tar, const Member *member, gint64 mtime)
{
  guint8 header[BLOCK] = { 0 };
  guint checksum = 0;

  put_path (header, member->path);
  put_octal (header + 100, 8, 0644);
  put_octal (header + 108, 8, 0);
  put_octal (header + 116, 8, 0);
  put_octal (header + 124, 12, g_bytes_get_size (member->data));
  put_octal (header + 136, 12, (guint64) MAX (mtime, 0));
  header[156] = '0'; /* a regular file */
  memcpy (header + 257, "ustar", 6);
  memcpy (header + 263, "00", 2);
  /* The checksum counts its own field as spaces. */
  memset (header + 148, ' ', 8);
  for (guint i = 0; i < BLOCK; i++)
    checksum += header[i];
  put_octal (header + 148, 7, checksum);
  header[155] = ' ';
  g_byte_array_append (tar, header, BLOCK);
}

GBytes *
phonesec_prt_archive_finish (PhonesecPrtArchive *self, GError **error)
{
  static const guint8 zeros[BLOCK] = { 0 };
  g_autoptr (GByteArray) tar = g_byte_array_new ();
  g_autoptr (GZlibCompressor) gzip = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1);
  g_autoptr (GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr (GOutputStream) out = NULL;
  g_autoptr (GError) local = NULL;

  for (guint i = 0; i < self->members->len; i++)
    {
      Member *member = self->members->pdata[i];
      gsize size;
      const guint8 *data = g_bytes_get_data (member->data, &size);

      append_header (tar, member, self->mtime);
      if (size > 0)
        g_byte_array_append (tar, data, size);
      if (size % BLOCK != 0)
        g_byte_array_append (tar, zeros, BLOCK - size % BLOCK);
    }
  /* The end: two empty blocks. */
  g_byte_array_append (tar, zeros, BLOCK);
  g_byte_array_append (tar, zeros, BLOCK);
  phonesec_prt_archive_free (self);

  out = g_converter_output_stream_new (memory, G_CONVERTER (gzip));
  if (!g_output_stream_write_all (out, tar->data, tar->len, NULL, NULL, &local)
      || !g_output_stream_close (out, NULL, &local))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _ ("Cannot build the report archive: %s"),
                   local->message);
      return NULL;
    }
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
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
