/* fuzz-prov-decode.c: libFuzzer target for what a server sends as a
 * profile: phonesec_prov_decode() with and without a key.
 *
 * Besides memory safety: a decoded profile is valid UTF-8 without NUL and
 * at most PHONESEC_PROV_MAX_PROFILE bytes (plus a rewritten declaration);
 * a failure is a GError with a message that never contains the key.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE /* memmem */
#include <stdint.h>
#include <string.h>

#include "phonesec-prov-decode.h"

#define KEY "Fuzz-K3y-Secret"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Whether @message holds the key's text. A quoted profile byte is
 * escaped as "\xFF", whose last digit may start "Fuzz-...": that F is
 * the escape's, not the key's (as "\xFFuzz-K3y-Secret" in a quoted
 * encoding name). */
static gboolean
key_shows (const char *message)
{
  for (const char *p = strstr (message, KEY); p != NULL; p = strstr (p + 1, KEY))
    {
      gsize at = p - message;

      if (!(at >= 3 && message[at - 3] == '\\' && message[at - 2] == 'x')
          && !(at >= 5 && message[at - 5] == '\\' && message[at - 4] == 'u'))
        return TRUE;
    }
  return FALSE;
}

static void
check (GBytes *bytes, PhonesecSecret *key)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = phonesec_prov_decode (bytes, key, &error);

  if (text == NULL)
    {
      g_assert (error != NULL && error->message[0] != '\0');
      gsize len;
      const char *data = g_bytes_get_data (bytes, &len);

      /* The key never shows, unless the profile itself quotes its text. */
      g_assert (!key_shows (error->message)
                || (data != NULL && memmem (data, len, KEY, strlen (KEY)) != NULL));
      return;
    }
  g_assert (g_utf8_validate (text, -1, NULL));
  g_assert (strlen (text) <= PHONESEC_PROV_MAX_PROFILE + 64);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GBytes) bytes = g_bytes_new (data, size);
  g_autoptr (PhonesecSecret) key = phonesec_secret_new (KEY, -1);

  check (bytes, NULL);
  check (bytes, key);
  return 0;
}
