/* fuzz-main.c: runs a libFuzzer target over corpus files without libFuzzer.
 *
 * With gcc (the normal build) each fuzz target is linked with this driver
 * and run by `meson test` over its corpus folder, so the seeds are checked on
 * every build; the clang build links the same targets with -fsanitize=fuzzer
 * and explores for a few seconds instead.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static int
run_path (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;
      int n = 0;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          n += run_path (child);
        }
      return n;
    }
  else
    {
      g_autofree char *contents = NULL;
      gsize len = 0;
      g_autoptr (GError) error = NULL;

      if (!g_file_get_contents (path, &contents, &len, &error))
        g_error ("%s", error->message);
      LLVMFuzzerTestOneInput ((const uint8_t *) contents, len);
      return 1;
    }
}

int
main (int argc, char **argv)
{
  int n = 0;

  for (int i = 1; i < argc; i++)
    n += run_path (argv[i]);
  g_print ("%d inputs ran without a crash\n", n);
  return n > 0 ? 0 : 1;
}
