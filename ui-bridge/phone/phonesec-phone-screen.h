/* phonesec-phone-screen.h: one phone screen as plain ANSI text.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  char *label;
  char *value;  /* beside the label, right-aligned; may be empty */
  gboolean dim; /* a line that cannot be selected for anything */
} PhonesecPhoneRow;

void phonesec_phone_row_free (PhonesecPhoneRow *row);

typedef struct
{
  const char *title;
  const char *indicator; /* top right (the guide's VPN icon), or NULL */
  GPtrArray *rows;       /* of PhonesecPhoneRow */
  guint selected;
  const char *message;    /* the phone's message line, or NULL */
  const char *edit_label; /* text entry: the field's label, else NULL */
  const char *edit_text;  /* what is typed so far (shown masked when secret) */
  gboolean edit_secret;
  guint width, height;
} PhonesecPhoneView;

/* The whole screen: clear, title line (reverse video), the rows that fit
 * with the selected one visible and marked "> " in reverse video, the
 * message line, the soft keys. Returns what to write to the terminal. */
char *phonesec_phone_screen_render (const PhonesecPhoneView *view);

G_END_DECLS
