/* phonesec-phone-screen.c: a phone's screen in a terminal.
 *
 * Plain ANSI (clear, reverse video, bold): every terminal and tmux's
 * capture-pane read it the same way.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-phone-screen.h"

#include <string.h>

#include <glib/gi18n.h>

#define CLEAR "\033[H\033[2J"
#define REVERSE "\033[7m"
#define BOLD "\033[1m"
#define DIM "\033[2m"
#define RESET "\033[0m"

void
phonesec_phone_row_free (PhonesecPhoneRow *row)
{
  if (row == NULL)
    return;
  g_free (row->label);
  g_free (row->value);
  g_free (row);
}

/* @text cut or padded to @columns characters. */
static void
append_fitted (GString *out, const char *text, guint columns)
{
  glong length = g_utf8_strlen (text, -1);

  if ((guint) length > columns)
    {
      const char *end = g_utf8_offset_to_pointer (text, columns > 0 ? columns - 1 : 0);
      g_string_append_len (out, text, end - text);
      if (columns > 0)
        g_string_append (out, "…");
      return;
    }
  g_string_append (out, text);
  for (guint i = (guint) length; i < columns; i++)
    g_string_append_c (out, ' ');
}

static void
append_title (GString *out, const PhonesecPhoneView *view)
{
  const char *indicator = view->indicator != NULL ? view->indicator : "";
  guint right = (guint) g_utf8_strlen (indicator, -1);

  g_string_append (out, REVERSE BOLD " ");
  append_fitted (out, view->title, view->width > right + 2 ? view->width - right - 2 : 0);
  g_string_append (out, indicator);
  g_string_append (out, " " RESET "\r\n");
}

/* "> label ......... value", the value right-aligned. */
static void
append_row (GString *out, const PhonesecPhoneView *view, const PhonesecPhoneRow *row,
            gboolean selected)
{
  guint width = MAX (view->width, 20);
  guint value_columns = (guint) MIN (g_utf8_strlen (row->value, -1), (glong) width / 2);
  guint label_columns = width - 2 - value_columns - (value_columns > 0 ? 1 : 0);

  if (selected)
    g_string_append (out, REVERSE "> ");
  else
    g_string_append (out, row->dim ? DIM "  " : "  ");
  append_fitted (out, row->label, label_columns);
  if (value_columns > 0)
    {
      g_string_append_c (out, ' ');
      append_fitted (out, row->value, value_columns);
    }
  g_string_append (out, RESET "\r\n");
}

static void
append_rows (GString *out, const PhonesecPhoneView *view, guint visible)
{
  guint first = view->selected >= visible ? view->selected - visible + 1 : 0;
  guint shown = 0;

  for (guint i = first; i < view->rows->len && shown < visible; i++, shown++)
    append_row (out, view, g_ptr_array_index (view->rows, i), i == view->selected);
  for (; shown < visible; shown++)
    g_string_append (out, "\r\n");
}

static void
append_entry (GString *out, const PhonesecPhoneView *view)
{
  g_string_append_printf (out, BOLD "%s:" RESET " ", view->edit_label);
  if (view->edit_secret)
    for (glong i = g_utf8_strlen (view->edit_text, -1); i > 0; i--)
      g_string_append_c (out, '*');
  else
    g_string_append (out, view->edit_text);
  g_string_append (out, "_\r\n");
}

/* The soft keys of the guide's phone, with the terminal keys that press
 * them. */
static void
append_soft_keys (GString *out, const PhonesecPhoneView *view)
{
  g_string_append (out, REVERSE);
  if (view->edit_label != NULL)
    g_string_append_printf (out, " [%s: Enter] [%s: Esc] ", _ ("Set"), _ ("Back"));
  else
    g_string_append_printf (out, " [%s: Enter] [%s: Esc] [%s: F4/q] ", _ ("Select"), _ ("Back"),
                            _ ("Exit"));
  g_string_append (out, RESET);
}

char *
phonesec_phone_screen_render (const PhonesecPhoneView *view)
{
  GString *out = g_string_new (CLEAR);
  guint height = MAX (view->height, 6);

  append_title (out, view);
  /* Title, entry or blank, message, soft keys. */
  append_rows (out, view, height - 4);
  if (view->edit_label != NULL)
    append_entry (out, view);
  else
    g_string_append (out, "\r\n");
  if (view->message != NULL && view->message[0] != '\0')
    {
      g_string_append (out, BOLD "! " RESET);
      append_fitted (out, view->message, MAX (view->width, 20) - 2);
    }
  g_string_append (out, "\r\n");
  append_soft_keys (out, view);
  return g_string_free (out, FALSE);
}
