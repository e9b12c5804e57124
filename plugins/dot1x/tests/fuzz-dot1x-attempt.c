/* fuzz-dot1x-attempt.c: wpa_supplicant's EAP status signals, as a hostile
 * or broken supplicant could send them.
 *
 * The input is lines "status<TAB>parameter"; the first byte picks the
 * method and whether a PAC is in use. Whatever comes, the attempt ends at
 * most once, and what LastError would say is one line that quotes the
 * supplicant's words, never raw control characters.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <string.h>

#include "phonesec-dot1x-attempt.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
assert_one_clean_line (const char *text)
{
  g_assert_nonnull (text);
  g_assert_true (g_utf8_validate (text, -1, NULL));
  for (const char *p = text; *p != '\0'; p++)
    g_assert_false ((guchar) *p < 0x20 || *p == 0x7f);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (PhonesecDot1xAttempt) attempt = NULL;
  PhonesecDot1xAttemptResult result = PHONESEC_DOT1X_ATTEMPT_RUNNING;
  guint8 flags = size > 0 ? data[0] : 0;
  g_autofree char *timeout = NULL;

  if (size > 0)
    data++, size--;
  /* D-Bus strings are UTF-8 without NUL: wpa_supplicant cannot send less. */
  text = g_strndup ((const char *) data, size);
  if (!g_utf8_validate (text, -1, NULL))
    return 0;
  attempt
      = phonesec_dot1x_attempt_new (flags & 1 ? PHONESEC_DOT1X_EAP_FAST : PHONESEC_DOT1X_EAP_TLS,
                                    (flags >> 1) & 3, (flags >> 3) & 1);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) pair = g_strsplit (lines[i], "\t", 2);
      PhonesecDot1xAttemptResult now;

      if (pair[0] == NULL)
        continue;
      now = phonesec_dot1x_attempt_feed (attempt, pair[0], pair[1] != NULL ? pair[1] : "");
      /* Once ended, it stays ended the same way. */
      if (result != PHONESEC_DOT1X_ATTEMPT_RUNNING)
        g_assert_cmpint (now, ==, result);
      result = now;
    }
  if (result == PHONESEC_DOT1X_ATTEMPT_FAILED)
    {
      g_autofree char *why = phonesec_dot1x_attempt_describe_failure (attempt);

      assert_one_clean_line (why);
    }
  timeout = phonesec_dot1x_attempt_describe_timeout (attempt, "eth0");
  assert_one_clean_line (timeout);
  return 0;
}
