/* phonesec-web-mo.c: a small, bounds-checked .mo reader (see the header).
 *
 * Our own rather than gettext's: gettext translates into the process's
 * locale (setlocale), while this threaded server answers each request in
 * the language its browser asked for.
 *
 * Format (GNU gettext manual, "The Format of GNU MO Files"): a 28-byte
 * header of 32-bit words (magic 0x950412de in the file's byte order,
 * revision, N, offset of the msgid table, offset of the msgstr table, hash
 * table size and offset), then two tables of N (length, offset) pairs
 * pointing at NUL-terminated strings. The hash table is not needed: the
 * strings go into a GHashTable.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-web-mo.h"

#include <string.h>

#define MO_MAGIC 0x950412deU
/* Far more than the phonesec catalogue will ever hold; bounds the memory a
 * hostile file could make us allocate. */
#define MO_MAX_ENTRIES 100000U

struct _PhonesecWebMo
{
  GHashTable *strings; /* msgid (singular) → msgstr (first form), owned */
};

static guint32
read_u32 (const guint8 *p, gboolean swap)
{
  guint32 v;

  memcpy (&v, p, sizeof v);
  return swap ? GUINT32_SWAP_LE_BE (v) : v;
}

/* The string at table entry @i, checked to lie inside the file and to end
 * with the NUL that the format requires after @length bytes. */
static gboolean
read_entry (const guint8 *data, gsize size, guint32 table, guint32 i, gboolean swap,
            const char **out, guint32 *out_len, GError **error)
{
  guint64 entry = (guint64) table + (guint64) i * 8;
  guint32 length, offset;

  if (entry + 8 > size)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "string table entry %u lies outside the file", i);
      return FALSE;
    }
  length = read_u32 (data + entry, swap);
  offset = read_u32 (data + entry + 4, swap);
  if ((guint64) offset + length + 1 > size || data[(gsize) offset + length] != '\0')
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "string %u (offset %u, length %u) is outside the file or not terminated", i,
                   offset, length);
      return FALSE;
    }
  *out = (const char *) data + offset;
  *out_len = length;
  return TRUE;
}

PhonesecWebMo *
phonesec_web_mo_new_from_data (const guint8 *data, gsize size, GError **error)
{
  g_autoptr (GHashTable) strings = NULL;
  PhonesecWebMo *self;
  gboolean swap;
  guint32 magic, n, orig_table, trans_table;

  g_return_val_if_fail (data != NULL || size == 0, NULL);

  if (size < 28)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "too short for a .mo header");
      return NULL;
    }
  memcpy (&magic, data, sizeof magic);
  if (magic == MO_MAGIC)
    swap = FALSE;
  else if (GUINT32_SWAP_LE_BE (magic) == MO_MAGIC)
    swap = TRUE;
  else
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "not a .mo file (bad magic)");
      return NULL;
    }
  /* Major revision 0 and 1 share this layout. */
  if ((read_u32 (data + 4, swap) >> 16) > 1)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "unsupported .mo revision");
      return NULL;
    }
  n = read_u32 (data + 8, swap);
  orig_table = read_u32 (data + 12, swap);
  trans_table = read_u32 (data + 16, swap);
  if (n > MO_MAX_ENTRIES)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "too many strings (%u)", n);
      return NULL;
    }

  strings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint32 i = 0; i < n; i++)
    {
      const char *msgid, *msgstr;
      guint32 id_len, str_len;

      if (!read_entry (data, size, orig_table, i, swap, &msgid, &id_len, error)
          || !read_entry (data, size, trans_table, i, swap, &msgstr, &str_len, error))
        return NULL;
      /* The header (msgid "") and untranslated entries are not lookups. */
      if (msgid[0] == '\0' || msgstr[0] == '\0')
        continue;
      /* A msgctxt entry ("ctx\4id") is never asked for by this program. */
      if (memchr (msgid, '\4', id_len) != NULL)
        continue;
      if (!g_utf8_validate (msgid, -1, NULL) || !g_utf8_validate (msgstr, -1, NULL))
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "string %u is not UTF-8", i);
          return NULL;
        }
      /* strdup stops at the first NUL: singular msgid, first plural form. */
      g_hash_table_replace (strings, g_strdup (msgid), g_strdup (msgstr));
    }

  self = g_new0 (PhonesecWebMo, 1);
  self->strings = g_steal_pointer (&strings);
  return self;
}

PhonesecWebMo *
phonesec_web_mo_new_from_file (const char *path, GError **error)
{
  g_autoptr (GMappedFile) file = g_mapped_file_new (path, FALSE, error);

  if (file == NULL)
    return NULL;
  return phonesec_web_mo_new_from_data ((const guint8 *) g_mapped_file_get_contents (file),
                                        g_mapped_file_get_length (file), error);
}

void
phonesec_web_mo_free (PhonesecWebMo *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->strings);
  g_free (self);
}

const char *
phonesec_web_mo_lookup (const PhonesecWebMo *self, const char *msgid)
{
  const char *found;

  if (self == NULL || msgid == NULL || msgid[0] == '\0')
    return msgid;
  found = g_hash_table_lookup (self->strings, msgid);
  return found != NULL ? found : msgid;
}

guint
phonesec_web_mo_count (const PhonesecWebMo *self)
{
  return self != NULL ? g_hash_table_size (self->strings) : 0;
}
