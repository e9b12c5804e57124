/* test-prt-archive.c: the report archive reads back, and names are safe.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <archive.h>
#include <archive_entry.h>
#include <string.h>

#include "phonesec-prt-archive.h"

static void
test_roundtrip (void)
{
  g_autoptr (PhonesecPrtArchive) archive = phonesec_prt_archive_new ();
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *big = g_strnfill (300000, 'x');
  struct archive *a;
  struct archive_entry *entry;
  const char *expected[] = { "report.txt", "log/phonesecd.log", "empty.txt" };
  guint n = 0;
  const guint8 *data;
  gsize size;

  phonesec_prt_archive_add (archive, "report.txt", "id: 1\n", -1);
  phonesec_prt_archive_add (archive, "log/phonesecd.log", big, -1);
  phonesec_prt_archive_add (archive, "empty.txt", "", 0);
  bytes = phonesec_prt_archive_finish (g_steal_pointer (&archive), &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (bytes, &size);
  g_assert_cmpuint (size, >, 18);
  g_assert_cmpuint (data[0], ==, 0x1f); /* gzip magic */
  g_assert_cmpuint (data[1], ==, 0x8b);
  g_assert_cmpuint (size, <, 10000); /* 300 kB of 'x' compresses */

  a = archive_read_new ();
  archive_read_support_filter_gzip (a);
  archive_read_support_format_tar (a);
  g_assert_cmpint (archive_read_open_memory (a, data, size), ==, ARCHIVE_OK);
  while (archive_read_next_header (a, &entry) == ARCHIVE_OK)
    {
      g_autofree char *content = NULL;
      la_int64_t len = archive_entry_size (entry);

      g_assert_cmpuint (n, <, G_N_ELEMENTS (expected));
      g_assert_cmpstr (archive_entry_pathname (entry), ==, expected[n]);
      content = g_malloc0 (len + 1);
      g_assert_cmpint (archive_read_data (a, content, len), ==, len);
      if (n == 0)
        g_assert_cmpstr (content, ==, "id: 1\n");
      if (n == 1)
        g_assert_cmpstr (content, ==, big);
      if (n == 2)
        g_assert_cmpint (len, ==, 0);
      n++;
    }
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (expected));
  archive_read_free (a);
}

/* A member path over ustar's 100-byte name field goes through its prefix
 * field, and reads back whole. */
static void
test_long_member_path (void)
{
  g_autoptr (PhonesecPrtArchive) archive = phonesec_prt_archive_new ();
  g_autofree char *folder = g_strnfill (120, 'd');
  g_autofree char *file = g_strnfill (90, 'f');
  g_autofree char *path = g_strconcat (folder, "/", file, NULL);
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GError) error = NULL;
  struct archive *a;
  struct archive_entry *entry;
  gsize size;
  const guint8 *data;

  phonesec_prt_archive_add (archive, path, "content", -1);
  bytes = phonesec_prt_archive_finish (g_steal_pointer (&archive), &error);
  g_assert_no_error (error);
  data = g_bytes_get_data (bytes, &size);
  a = archive_read_new ();
  archive_read_support_filter_gzip (a);
  archive_read_support_format_tar (a);
  g_assert_cmpint (archive_read_open_memory (a, data, size), ==, ARCHIVE_OK);
  g_assert_cmpint (archive_read_next_header (a, &entry), ==, ARCHIVE_OK);
  g_assert_cmpstr (archive_entry_pathname (entry), ==, path);
  g_assert_cmpint (archive_entry_size (entry), ==, 7);
  g_assert_cmpint (archive_entry_perm (entry), ==, 0644);
  g_assert_cmpint (archive_read_next_header (a, &entry), ==, ARCHIVE_EOF);
  archive_read_free (a);
}

static void
test_names (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_utc (2026, 11, 27, 8, 5, 9);
  struct
  {
    const char *in, *out;
  } cases[] = {
    { "", "prt-20261127-080509-001122334455.tar.gz" },
    { NULL, "prt-20261127-080509-001122334455.tar.gz" },
    { "prt-lab-001122334455", "prt-lab-001122334455.tar.gz" },
    { "report.tar.gz", "report.tar.gz" },
    /* Paths and traversal never survive. */
    { "../../etc/passwd", "_._.._etc_passwd.tar.gz" },
    { "/abs/name", "_abs_name.tar.gz" },
    { ".hidden", "_hidden.tar.gz" },
    /* Header and form breakers. */
    { "a\"b\r\nc;d", "a_b__c_d.tar.gz" },
    { "nom été", "nom___t__.tar.gz" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = phonesec_prt_make_name (cases[i].in, "001122334455", now);
      g_assert_cmpstr (name, ==, cases[i].out);
    }
}

static void
test_long_name (void)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *long_in = g_strnfill (1000, 'a');
  g_autofree char *name = phonesec_prt_make_name (long_in, "001122334455", now);
  g_autofree char *long_gz = g_strconcat (long_in, ".tar.gz", NULL);
  g_autofree char *name2 = phonesec_prt_make_name (long_gz, "001122334455", now);

  g_assert_cmpuint (strlen (name), ==, 200);
  g_assert_true (g_str_has_suffix (name, ".tar.gz"));
  g_assert_cmpuint (strlen (name2), ==, 200);
  g_assert_true (g_str_has_suffix (name2, ".tar.gz"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/prt/archive/roundtrip", test_roundtrip);
  g_test_add_func ("/prt/archive/long-member-path", test_long_member_path);
  g_test_add_func ("/prt/name/rules", test_names);
  g_test_add_func ("/prt/name/long", test_long_name);
  return g_test_run ();
}
