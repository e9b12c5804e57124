/* phonesec-phone-view.c: the current screen's lines, from the exported
 * menu model and the actions' states.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <glib/gi18n.h>

#include "phonesec-phone-screen.h"
#include "phonesec-phone.h"

char *
phonesec_phone_item_string (GMenuModel *model, int index, const char *attribute)
{
  char *value = NULL;

  if (!g_menu_model_get_item_attribute (model, index, attribute, "s", &value))
    return NULL;
  return value;
}

char *
phonesec_phone_item_action (GMenuModel *model, int index)
{
  g_autofree char *action = phonesec_phone_item_string (model, index, G_MENU_ATTRIBUTE_ACTION);

  if (action == NULL || !g_str_has_prefix (action, PHONESEC_MENUS_ACTION_PREFIX "."))
    return NULL;
  return g_strdup (action + strlen (PHONESEC_MENUS_ACTION_PREFIX "."));
}

static GVariant *
item_state (PhonesecPhone *phone, GMenuModel *model, int index)
{
  g_autofree char *action = phonesec_phone_item_action (model, index);

  if (action == NULL || !g_action_group_has_action (G_ACTION_GROUP (phone->actions), action))
    return NULL;
  return g_action_group_get_action_state (G_ACTION_GROUP (phone->actions), action);
}

/* The label of the option whose target is @value. */
static char *
choice_label (GMenuModel *model, int index, const char *value)
{
  g_autoptr (GMenuModel) options = g_menu_model_get_item_link (model, index, G_MENU_LINK_SUBMENU);
  int n = options != NULL ? g_menu_model_get_n_items (options) : 0;

  for (int i = 0; i < n; i++)
    {
      g_autoptr (GVariant) target
          = g_menu_model_get_item_attribute_value (options, i, G_MENU_ATTRIBUTE_TARGET, NULL);
      if (target != NULL && g_variant_is_of_type (target, G_VARIANT_TYPE_STRING)
          && strcmp (g_variant_get_string (target, NULL), value) == 0)
        return phonesec_phone_item_string (options, i, G_MENU_ATTRIBUTE_LABEL);
    }
  return g_strdup (value);
}

static char *
stateful_value (GMenuModel *model, int index, const char *kind, GVariant *state)
{
  if (strcmp (kind, "bool") == 0 && g_variant_is_of_type (state, G_VARIANT_TYPE_BOOLEAN))
    return phonesec_phone_item_string (model, index,
                                       g_variant_get_boolean (state)
                                           ? PHONESEC_MENUS_ATTR_TRUE_WORD
                                           : PHONESEC_MENUS_ATTR_FALSE_WORD);
  if (!g_variant_is_of_type (state, G_VARIANT_TYPE_STRING))
    return NULL;
  if (strcmp (kind, "choice") == 0)
    return choice_label (model, index, g_variant_get_string (state, NULL));
  if (strcmp (kind, "text") == 0)
    return g_variant_dup_string (state, NULL);
  return NULL;
}

char *
phonesec_phone_item_value (PhonesecPhone *phone, GMenuModel *model, int index)
{
  g_autofree char *kind = phonesec_phone_item_string (model, index, PHONESEC_MENUS_ATTR_KIND);
  g_autoptr (GVariant) state = NULL;
  gboolean is_set = FALSE;

  if (kind == NULL)
    return g_strdup ("");
  if (strcmp (kind, "info") == 0)
    return phonesec_phone_item_string (model, index, PHONESEC_MENUS_ATTR_VALUE);
  if (strcmp (kind, "submenu") == 0)
    return g_strdup (">");
  if (strcmp (kind, "secret") == 0)
    {
      g_menu_model_get_item_attribute (model, index, PHONESEC_MENUS_ATTR_IS_SET, "b", &is_set);
      return g_strdup (is_set ? "********" : "");
    }
  state = item_state (phone, model, index);
  return state != NULL ? stateful_value (model, index, kind, state) : NULL;
}

static GPtrArray *
current_rows (PhonesecPhone *phone, PhonesecPhoneScreen *screen)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) phonesec_phone_row_free);
  int n = g_menu_model_get_n_items (screen->model);

  for (int i = 0; i < n; i++)
    {
      PhonesecPhoneRow *row = g_new0 (PhonesecPhoneRow, 1);
      g_autofree char *kind
          = phonesec_phone_item_string (screen->model, i, PHONESEC_MENUS_ATTR_KIND);
      char *value = phonesec_phone_item_value (phone, screen->model, i);

      row->label = phonesec_phone_item_string (screen->model, i, G_MENU_ATTRIBUTE_LABEL);
      if (row->label == NULL)
        row->label = g_strdup ("");
      row->value = value != NULL ? value : g_strdup ("");
      row->dim = g_strcmp0 (kind, "message") == 0;
      g_ptr_array_add (rows, row);
    }
  if (n == 0)
    {
      PhonesecPhoneRow *row = g_new0 (PhonesecPhoneRow, 1);
      row->label
          = g_strdup (phone->service_present ? _ ("(empty)") : _ ("phonesec-menus is not running"));
      row->value = g_strdup ("");
      row->dim = TRUE;
      g_ptr_array_add (rows, row);
    }
  return rows;
}

/* The guide's VPN icon in the top right corner while connected. */
static const char *
indicator (PhonesecPhone *phone)
{
  g_autoptr (GVariant) state = NULL;

  if (!g_action_group_has_action (G_ACTION_GROUP (phone->actions), PHONESEC_MENUS_ACTION_VPN_STATE))
    return NULL;
  state = g_action_group_get_action_state (G_ACTION_GROUP (phone->actions),
                                           PHONESEC_MENUS_ACTION_VPN_STATE);
  if (state != NULL && g_variant_is_of_type (state, G_VARIANT_TYPE_STRING)
      && strcmp (g_variant_get_string (state, NULL), "connected") == 0)
    return "[VPN]";
  return NULL;
}

static void
terminal_size (guint *width, guint *height)
{
  struct winsize size = { 0 };

  *width = 80;
  *height = 24;
  if (ioctl (STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0 && size.ws_row > 0)
    {
      *width = size.ws_col;
      *height = size.ws_row;
    }
}

void
phonesec_phone_render (PhonesecPhone *phone)
{
  PhonesecPhoneScreen *screen = g_ptr_array_index (phone->stack, phone->stack->len - 1);
  g_autoptr (GPtrArray) rows = current_rows (phone, screen);
  PhonesecPhoneView view = { 0 };
  g_autofree char *text = NULL;

  if (screen->selected >= rows->len)
    screen->selected = rows->len > 0 ? rows->len - 1 : 0;
  view.title = screen->title;
  view.indicator = indicator (phone);
  view.rows = rows;
  view.selected = screen->selected;
  view.message = phone->message;
  view.edit_label = phone->edit_action != NULL ? phone->edit_label : NULL;
  view.edit_text = phone->edit_text->str;
  view.edit_secret = phone->edit_secret;
  terminal_size (&view.width, &view.height);
  text = phonesec_phone_screen_render (&view);
  fputs (text, stdout);
  fflush (stdout);
}
