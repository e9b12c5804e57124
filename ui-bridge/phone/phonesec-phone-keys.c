/* phonesec-phone-keys.c: escape sequences of xterm, VT100 and tmux.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-phone-keys.h"

#include <string.h>

static const struct
{
  const char *sequence;
  PhonesecKey key;
} sequences[] = {
  { "\033[A", PHONESEC_KEY_UP },     { "\033OA", PHONESEC_KEY_UP },
  { "\033[B", PHONESEC_KEY_DOWN },   { "\033OB", PHONESEC_KEY_DOWN },
  { "\033[C", PHONESEC_KEY_RIGHT },  { "\033OC", PHONESEC_KEY_RIGHT },
  { "\033[D", PHONESEC_KEY_LEFT },   { "\033OD", PHONESEC_KEY_LEFT },
  { "\033OP", PHONESEC_KEY_SELECT }, { "\033[11~", PHONESEC_KEY_SELECT },
  { "\033OQ", PHONESEC_KEY_BACK },   { "\033[12~", PHONESEC_KEY_BACK },
  { "\033OR", PHONESEC_KEY_SET },    { "\033[13~", PHONESEC_KEY_SET },
  { "\033OS", PHONESEC_KEY_EXIT },   { "\033[14~", PHONESEC_KEY_EXIT },
  { "\033OM", PHONESEC_KEY_ENTER },
};

/* An unknown CSI/SS3 sequence is skipped whole: ESC [ params final. */
static gsize
skip_sequence (const char *data, gsize length)
{
  gsize i = 2;

  if (length < 2 || (data[1] != '[' && data[1] != 'O'))
    return 1;
  while (i < length && (data[i] < 0x40 || data[i] > 0x7e))
    i++;
  return MIN (i + 1, length);
}

static gsize
escape_key (const char *data, gsize length, PhonesecKeyEvent *event)
{
  if (length == 1)
    {
      event->key = PHONESEC_KEY_ESCAPE;
      return 1;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (sequences); i++)
    {
      gsize n = strlen (sequences[i].sequence);
      if (n <= length && memcmp (data, sequences[i].sequence, n) == 0)
        {
          event->key = sequences[i].key;
          return n;
        }
    }
  if (data[1] == '[' || data[1] == 'O')
    return skip_sequence (data, length);
  /* ESC then a key (Alt+key, or Escape typed before it). */
  event->key = PHONESEC_KEY_ESCAPE;
  return 1;
}

gsize
phonesec_phone_keys_next (const char *data, gsize length, PhonesecKeyEvent *event)
{
  guchar c;

  memset (event, 0, sizeof *event);
  if (length == 0)
    return 0;
  c = (guchar) data[0];
  if (c == '\033')
    return escape_key (data, length, event);
  if (c == '\r' || c == '\n')
    event->key = PHONESEC_KEY_ENTER;
  else if (c == 0x7f || c == 0x08)
    event->key = PHONESEC_KEY_BACKSPACE;
  else if (c >= 0x20)
    {
      const char *end = g_utf8_find_next_char (data, data + length);
      gsize n = end != NULL ? (gsize) (end - data) : length;

      if (n >= sizeof event->text || !g_utf8_validate (data, n, NULL))
        return 1;
      event->key = PHONESEC_KEY_TEXT;
      memcpy (event->text, data, n);
      return n;
    }
  return 1;
}
