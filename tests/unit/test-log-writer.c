/* test-log-writer.c: the daemon's log file on a full disk.
 *
 * /dev/full takes the place of the log file: every write fails with
 * ENOSPC, as on a full state folder.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gstdio.h>
#include <unistd.h>

#include "phonesec-log-writer.h"

typedef struct
{
  char *dir;
  char *full; /* a link to /dev/full */
  char *real;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("phonesec-log-XXXXXX", &error);
  g_assert_no_error (error);
  f->full = g_build_filename (f->dir, "full.log", NULL);
  f->real = g_build_filename (f->dir, "real.log", NULL);
  g_assert_no_errno (symlink ("/dev/full", f->full));
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_autoptr (GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->full);
  g_free (f->real);
}

/* Records that do not fit are said (with the file and the reason) until
 * one fits again. */
static void
test_full_disk_is_said_until_there_is_room (Fixture *f, gconstpointer data)
{
  g_autofree char *error = NULL;
  g_autofree char *kept = NULL;

  phonesec_log_writer_persist (f->full, FALSE);
  g_message ("first record");
  error = phonesec_log_writer_dup_persist_error ();
  g_assert_nonnull (error);
  g_test_message ("%s", error);
  g_assert_nonnull (strstr (error, f->full));
  g_assert_nonnull (strstr (error, g_strerror (ENOSPC)));

  phonesec_log_writer_persist (f->real, FALSE);
  g_clear_pointer (&error, g_free);
  error = phonesec_log_writer_dup_persist_error ();
  g_assert_null (error);
  /* The records kept in memory meanwhile reach the file. */
  g_assert_true (g_file_get_contents (f->real, &kept, NULL, NULL));
  g_assert_nonnull (strstr (kept, "first record"));
}

static void
test_unopenable_file_is_said (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "no-such-folder", "x.log", NULL);
  g_autofree char *error = NULL;

  phonesec_log_writer_persist (path, FALSE);
  error = phonesec_log_writer_dup_persist_error ();
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error, path));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* The writer's own warning ("cannot be kept") is what is tested. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  phonesec_log_writer_install (FALSE);
  g_test_add ("/log-writer/full-disk", Fixture, NULL, setup,
              test_full_disk_is_said_until_there_is_room, teardown);
  g_test_add ("/log-writer/unopenable", Fixture, NULL, setup, test_unopenable_file_is_said,
              teardown);
  return g_test_run ();
}
