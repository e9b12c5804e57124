/* phonesec-phone-keys.h: terminal input bytes to the phone's keys.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  PHONESEC_KEY_NONE,
  PHONESEC_KEY_UP,
  PHONESEC_KEY_DOWN,
  PHONESEC_KEY_LEFT,
  PHONESEC_KEY_RIGHT,
  PHONESEC_KEY_ENTER,  /* Select (lists), Set (text entry) */
  PHONESEC_KEY_ESCAPE, /* Back */
  PHONESEC_KEY_BACKSPACE,
  PHONESEC_KEY_SELECT, /* F1: the soft keys */
  PHONESEC_KEY_BACK,   /* F2 */
  PHONESEC_KEY_SET,    /* F3 */
  PHONESEC_KEY_EXIT,   /* F4 */
  PHONESEC_KEY_TEXT,   /* one typed character, in text */
} PhonesecKey;

typedef struct
{
  PhonesecKey key;
  char text[8]; /* PHONESEC_KEY_TEXT: one UTF-8 character */
} PhonesecKeyEvent;

/* Reads the first key of @data (@length bytes); returns how many bytes it
 * took (at least 1 when @length > 0). A lone ESC is Escape: a terminal
 * sends an escape sequence in one write, so a read never splits one. */
gsize phonesec_phone_keys_next (const char *data, gsize length, PhonesecKeyEvent *event);

G_END_DECLS
