/* phonesec-test-store.c: an independent check of the store file's seal.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "phonesec-test-store.h"

GKeyFile *
phonesec_test_read_sealed_store (const char *path, GError **error)
{
  g_autoptr (GKeyFile) keyfile = g_key_file_new ();
  g_autofree char *contents = NULL;
  g_autofree char *length = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *covered_text = NULL;
  g_autofree char *checksum = NULL;
  g_autofree char *expected_end = NULL;
  const char *seal;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, error)
      || !g_key_file_load_from_data (keyfile, contents, len, G_KEY_FILE_NONE, error))
    return NULL;
  seal = g_strrstr (contents, "\n[Integrity]\n");
  if (seal == NULL || strlen (contents) != len)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s has no [Integrity] group", path);
      return NULL;
    }
  seal++;
  length = g_key_file_get_string (keyfile, "Integrity", "Length", error);
  sha256 = length != NULL ? g_key_file_get_string (keyfile, "Integrity", "SHA256", error) : NULL;
  if (sha256 == NULL)
    return NULL;
  covered_text = g_strdup_printf ("%" G_GSIZE_FORMAT, (gsize) (seal - contents));
  checksum
      = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, seal - contents);
  /* The group ends the file: nothing may follow its two keys. */
  expected_end = g_strdup_printf ("[Integrity]\nLength=%s\nSHA256=%s\n", length, sha256);
  if (g_strcmp0 (length, covered_text) != 0 || g_strcmp0 (sha256, checksum) != 0
      || strcmp (seal, expected_end) != 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "%s does not match its [Integrity] group (Length=%s for %s bytes, SHA256=%s "
                   "for %s)",
                   path, length, covered_text, sha256, checksum);
      return NULL;
    }
  return g_steal_pointer (&keyfile);
}

GBytes *
phonesec_test_read_bytes (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}
