/* prov-test-util.c: see prov-test-util.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "prov-test-util.h"

#include <string.h>

GBytes *
prov_test_run_filter (const char *command, GBytes *input)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) p
      = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                          "sh", "-c", command, NULL);
  g_autoptr (GBytes) out = NULL;

  g_assert_no_error (error);
  g_subprocess_communicate (p, input, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (p));
  return g_steal_pointer (&out);
}

GBytes *
prov_test_text_bytes (const char *text)
{
  return g_bytes_new (text, strlen (text));
}
