/* phonesec-store-file.c: the sealed key file and its durable replacement.
 *
 * The seal is a last group, so the file stays a GKeyFile an engineer can
 * read (GKeyFile takes [Integrity] as one more group):
 *
 *   [Store] ... [Values] ... [UserAccess] ...
 *   # Length and SHA-256 of every byte above the [Integrity] line...
 *   [Integrity]
 *   Length=412
 *   SHA256=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
 *
 * A file cut anywhere loses the seal or no longer matches it; a flipped bit
 * changes the checksum.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "phonesec-store-file.h"

#define SEAL_GROUP "[Integrity]"
#define SEAL_COMMENT                                                                               \
  "# Length and SHA-256 of every byte above the [Integrity] line. phonesecd\n"                     \
  "# sets a file they do not match aside (cut short, altered) and starts on\n"                     \
  "# the generation before it, kept beside it as <this file>.prev.\n"
/* "[Integrity]\nLength=<20 digits>\nSHA256=<64>\n" is far below this. */
#define SEAL_MAX 160

char *
phonesec_store_file_seal (const char *body, gsize body_len, gsize *out_len)
{
  GString *text = g_string_sized_new (body_len + 256);
  g_autofree char *checksum = NULL;
  gsize covered;

  g_string_append_len (text, body, body_len);
  if (text->len > 0 && text->str[text->len - 1] != '\n')
    g_string_append_c (text, '\n');
  g_string_append (text, "\n" SEAL_COMMENT);
  covered = text->len;
  checksum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) text->str, covered);
  g_string_append_printf (text, SEAL_GROUP "\nLength=%" G_GSIZE_FORMAT "\nSHA256=%s\n", covered,
                          checksum);
  if (out_len != NULL)
    *out_len = text->len;
  return g_string_free (text, FALSE);
}

/* The start of the last line that reads exactly SEAL_GROUP, or NULL.
 * Byte-wise: a damaged file may hold NUL bytes. */
static const char *
find_seal (const char *contents, gsize len)
{
  static const char needle[] = "\n" SEAL_GROUP "\n";
  gsize needle_len = sizeof needle - 1;

  for (gsize i = len >= needle_len ? len - needle_len + 1 : 0; i-- > 0;)
    if (memcmp (contents + i, needle, needle_len) == 0)
      return contents + i + 1;
  return NULL;
}

static gboolean
seal_error (GError **error, const char *message)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, message);
  return FALSE;
}

gboolean
phonesec_store_file_check_seal (const char *contents, gsize len, gboolean *out_sealed,
                                GError **error)
{
  const char *seal = find_seal (contents, len);
  gsize covered, seal_len;
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  g_autofree char *checksum = NULL;
  guint64 length = 0;

  *out_sealed = seal != NULL;
  if (seal == NULL)
    return TRUE;
  covered = seal - contents;
  seal_len = len - covered;
  text = g_strndup (seal, MIN (seal_len, SEAL_MAX));
  /* Exactly three lines, each ended, nothing after: a file cut inside the
   * seal, or with bytes added after it, does not pass. */
  if (seal_len > SEAL_MAX || strlen (text) != seal_len)
    return seal_error (error, _ ("its [Integrity] group is damaged"));
  lines = g_strsplit (text, "\n", -1);
  if (g_strv_length (lines) != 4 || lines[3][0] != '\0' || !g_str_has_prefix (lines[1], "Length=")
      || !g_str_has_prefix (lines[2], "SHA256=")
      || !g_ascii_string_to_unsigned (lines[1] + strlen ("Length="), 10, 0, G_MAXUINT64, &length,
                                      NULL))
    return seal_error (error, _ ("its [Integrity] group is incomplete: the file was cut short"));
  if (length != covered)
    {
      g_autofree char *said = g_strdup_printf ("%" G_GUINT64_FORMAT, length);
      g_autofree char *found = g_strdup_printf ("%" G_GSIZE_FORMAT, covered);

      /* Numbers as strings: a G_GSIZE_FORMAT inside _() breaks the msgid. */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _ ("it holds %s bytes where its [Integrity] group says %s: it was cut short "
                      "or altered"),
                   found, said);
      return FALSE;
    }
  checksum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, covered);
  if (strcmp (lines[2] + strlen ("SHA256="), checksum) != 0)
    return seal_error (error,
                       _ ("its SHA-256 checksum does not match its contents: it was altered or "
                          "damaged"));
  return TRUE;
}

char *
phonesec_store_file_dup_previous_path (const char *path)
{
  return g_strconcat (path, ".prev", NULL);
}

static char *
dup_link_path (const char *path)
{
  return g_strconcat (path, ".prev.new", NULL);
}

/* The current file becomes <path>.prev by a hard link made under another
 * name and renamed over the old .prev, so a good .prev exists at every
 * instant. No data is copied or synced: the inode was fsync'd when it was
 * written; the folder fsync of the replace makes the names durable. */
static void
keep_previous_generation (const char *path)
{
  g_autofree char *prev = phonesec_store_file_dup_previous_path (path);
  g_autofree char *fresh = dup_link_path (path);
  int result = link (path, fresh);

  if (result < 0 && errno == EEXIST && g_unlink (fresh) == 0)
    result = link (path, fresh);
  if (result < 0)
    {
      /* No current file: the first commit, or a start that fell back on
       * .prev, which then stays as it is. */
      if (errno != ENOENT)
        g_warning ("Could not keep %s as the previous generation: %s", path, g_strerror (errno));
      return;
    }
  if (g_rename (fresh, prev) < 0)
    {
      g_warning ("Could not keep %s as the previous generation: %s", path, g_strerror (errno));
      g_unlink (fresh);
    }
}

static gboolean
write_failed (GError **error, int saved, const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  if (saved == ENOSPC || saved == EDQUOT)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, _ ("the state folder %s is full: %s"), dir,
                 g_strerror (saved));
  else
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _ ("cannot write %s: %s"), path,
                 g_strerror (saved));
  return FALSE;
}

static gboolean
write_all (int fd, const char *data, gsize len)
{
  while (len > 0)
    {
      gssize written = write (fd, data, len);

      if (written < 0 && errno == EINTR)
        continue;
      if (written <= 0)
        {
          if (written == 0)
            errno = ENOSPC;
          return FALSE;
        }
      data += written;
      len -= written;
    }
  return TRUE;
}

gboolean
phonesec_store_file_replace (const char *path, const char *contents, gsize len,
                             gboolean keep_previous, GError **error)
{
  g_autofree char *tmp = g_strconcat (path, ".XXXXXX", NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  int fd, dir_fd, saved;

  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    return write_failed (error, errno, path);
  if (!write_all (fd, contents, len) || fsync (fd) < 0)
    {
      saved = errno;
      close (fd);
      g_unlink (tmp);
      return write_failed (error, saved, path);
    }
  if (close (fd) < 0)
    {
      saved = errno;
      g_unlink (tmp);
      return write_failed (error, saved, path);
    }
  /* After the new text is durable, so a failed write leaves .prev alone. */
  if (keep_previous)
    keep_previous_generation (path);
  if (g_rename (tmp, path) < 0)
    {
      saved = errno;
      g_unlink (tmp);
      return write_failed (error, saved, path);
    }
  /* The rename is done: the new state is the file's now, whatever follows.
   * A failed folder fsync only leaves its durability to the kernel. */
  dir_fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (dir_fd < 0 || fsync (dir_fd) < 0)
    g_warning ("Could not flush the folder %s to disk: %s", dir, g_strerror (errno));
  if (dir_fd >= 0)
    close (dir_fd);
  return TRUE;
}

void
phonesec_store_file_remove_leftovers (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *pattern = g_strconcat (base, ".??????", NULL);
  g_autofree char *link_path = dup_link_path (path);
  g_autoptr (GPatternSpec) spec = g_pattern_spec_new (pattern);
  g_autoptr (GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    if (g_pattern_spec_match_string (spec, name))
      {
        g_autofree char *stale = g_build_filename (dir, name, NULL);

        g_debug ("Removing %s, left by an interrupted write", stale);
        g_unlink (stale);
      }
  g_unlink (link_path);
}

gboolean
phonesec_store_file_keep_aside (const char *path, GError **error)
{
  g_autofree char *aside = g_strconcat (path, ".corrupt", NULL);

  if (g_rename (path, aside) < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _ ("Could not move %s aside: %s"), path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}
