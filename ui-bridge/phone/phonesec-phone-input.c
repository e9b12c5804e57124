/* phonesec-phone-input.c: the phone's keys: navigation, Select, Back, Set,
 * Exit, and text entry for string fields.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include <glib/gi18n.h>

#include "phonesec-phone.h"

static PhonesecPhoneScreen *
top (PhonesecPhone *phone)
{
  return g_ptr_array_index (phone->stack, phone->stack->len - 1);
}

static gboolean
on_render (gpointer user_data)
{
  PhonesecPhone *phone = user_data;

  phone->render_id = 0;
  phonesec_phone_render (phone);
  return G_SOURCE_REMOVE;
}

void
phonesec_phone_schedule_render (PhonesecPhone *phone)
{
  if (phone->render_id == 0)
    phone->render_id = g_idle_add (on_render, phone);
}

static void
on_items_changed (GMenuModel *model, int position, int removed, int added, gpointer user_data)
{
  phonesec_phone_schedule_render (user_data);
}

void
phonesec_phone_push (PhonesecPhone *phone, GMenuModel *model, const char *title)
{
  PhonesecPhoneScreen *screen = g_new0 (PhonesecPhoneScreen, 1);

  screen->model = g_object_ref (model);
  screen->title = g_strdup (title);
  screen->changed_id
      = g_signal_connect (model, "items-changed", G_CALLBACK (on_items_changed), phone);
  /* A GDBusMenuModel subscribes to its menu on first use. */
  g_menu_model_get_n_items (model);
  g_ptr_array_add (phone->stack, screen);
}

static void
pop (PhonesecPhone *phone)
{
  if (phone->stack->len > 1)
    g_ptr_array_remove_index (phone->stack, phone->stack->len - 1);
}

static void
show_message (PhonesecPhone *phone, const char *text)
{
  g_free (phone->message);
  phone->message = g_strdup (text);
}

static gboolean
action_enabled (PhonesecPhone *phone, const char *action)
{
  return action != NULL && g_action_group_has_action (G_ACTION_GROUP (phone->actions), action)
         && g_action_group_get_action_enabled (G_ACTION_GROUP (phone->actions), action);
}

static void
start_entry (PhonesecPhone *phone, GMenuModel *model, int index, const char *action,
             gboolean secret)
{
  g_autofree char *value = secret ? g_strdup ("") : phonesec_phone_item_value (phone, model, index);

  g_free (phone->edit_action);
  g_free (phone->edit_label);
  phone->edit_action = g_strdup (action);
  phone->edit_label = phonesec_phone_item_string (model, index, G_MENU_ATTRIBUTE_LABEL);
  phone->edit_secret = secret;
  g_string_assign (phone->edit_text, value != NULL ? value : "");
}

/* An option line: its action with its target, then back to the field. */
static void
select_option (PhonesecPhone *phone, GMenuModel *model, int index, const char *action)
{
  g_autoptr (GVariant) target
      = g_menu_model_get_item_attribute_value (model, index, G_MENU_ATTRIBUTE_TARGET, NULL);

  g_action_group_activate_action (G_ACTION_GROUP (phone->actions), action, target);
  pop (phone);
}

/* Select (Enter, F1) on the highlighted line, by its kind. */
static void
select_line (PhonesecPhone *phone)
{
  PhonesecPhoneScreen *screen = top (phone);
  int index = (int) screen->selected;
  g_autofree char *kind = NULL;
  g_autofree char *action = NULL;
  g_autofree char *label = NULL;

  if (index >= g_menu_model_get_n_items (screen->model))
    return;
  kind = phonesec_phone_item_string (screen->model, index, PHONESEC_MENUS_ATTR_KIND);
  action = phonesec_phone_item_action (screen->model, index);
  label = phonesec_phone_item_string (screen->model, index, G_MENU_ATTRIBUTE_LABEL);
  if (g_strcmp0 (kind, "submenu") == 0 || g_strcmp0 (kind, "choice") == 0)
    {
      g_autoptr (GMenuModel) link
          = g_menu_model_get_item_link (screen->model, index, G_MENU_LINK_SUBMENU);
      if (link != NULL && (g_strcmp0 (kind, "submenu") == 0 || action_enabled (phone, action)))
        phonesec_phone_push (phone, link, label);
      else if (link != NULL)
        show_message (phone, _ ("This setting cannot be changed"));
      return;
    }
  if (kind == NULL || strcmp (kind, "info") == 0 || strcmp (kind, "message") == 0)
    return;
  if (!action_enabled (phone, action))
    show_message (phone, _ ("This setting cannot be changed"));
  else if (strcmp (kind, "text") == 0 || strcmp (kind, "secret") == 0)
    start_entry (phone, screen->model, index, action, strcmp (kind, "secret") == 0);
  else if (strcmp (kind, "option") == 0)
    select_option (phone, screen->model, index, action);
  else
    g_action_group_activate_action (G_ACTION_GROUP (phone->actions), action, NULL);
}

static void
end_entry (PhonesecPhone *phone, gboolean set)
{
  if (set)
    g_action_group_activate_action (G_ACTION_GROUP (phone->actions), phone->edit_action,
                                    g_variant_new_string (phone->edit_text->str));
  g_clear_pointer (&phone->edit_action, g_free);
  g_clear_pointer (&phone->edit_label, g_free);
  g_string_truncate (phone->edit_text, 0);
}

static void
entry_key (PhonesecPhone *phone, const PhonesecKeyEvent *event)
{
  switch (event->key)
    {
      case PHONESEC_KEY_ENTER:
      case PHONESEC_KEY_SET:
        end_entry (phone, TRUE);
        break;
      case PHONESEC_KEY_ESCAPE:
      case PHONESEC_KEY_BACK:
        end_entry (phone, FALSE);
        break;
      case PHONESEC_KEY_BACKSPACE:
        if (phone->edit_text->len > 0)
          {
            const char *last = g_utf8_find_prev_char (
                phone->edit_text->str, phone->edit_text->str + phone->edit_text->len);
            g_string_truncate (phone->edit_text, last - phone->edit_text->str);
          }
        break;
      case PHONESEC_KEY_TEXT:
        g_string_append (phone->edit_text, event->text);
        break;
      case PHONESEC_KEY_EXIT:
        g_main_loop_quit (phone->loop);
        break;
      default:
        break;
    }
}

static void
list_key (PhonesecPhone *phone, const PhonesecKeyEvent *event)
{
  PhonesecPhoneScreen *screen = top (phone);
  guint n = (guint) g_menu_model_get_n_items (screen->model);

  switch (event->key)
    {
      case PHONESEC_KEY_UP:
        screen->selected = screen->selected > 0 ? screen->selected - 1 : (n > 0 ? n - 1 : 0);
        break;
      case PHONESEC_KEY_DOWN:
        screen->selected = n > 0 ? (screen->selected + 1) % n : 0;
        break;
      case PHONESEC_KEY_ENTER:
      case PHONESEC_KEY_RIGHT:
      case PHONESEC_KEY_SELECT:
      case PHONESEC_KEY_SET:
        select_line (phone);
        break;
      case PHONESEC_KEY_ESCAPE:
      case PHONESEC_KEY_LEFT:
      case PHONESEC_KEY_BACK:
        pop (phone);
        break;
      case PHONESEC_KEY_EXIT:
        g_main_loop_quit (phone->loop);
        break;
      case PHONESEC_KEY_TEXT:
        if (strcmp (event->text, "q") == 0)
          g_main_loop_quit (phone->loop);
        break;
      default:
        break;
    }
}

void
phonesec_phone_handle_key (PhonesecPhone *phone, const PhonesecKeyEvent *event)
{
  /* A message stays until the next key. */
  g_clear_pointer (&phone->message, g_free);
  if (phone->edit_action != NULL)
    entry_key (phone, event);
  else
    list_key (phone, event);
  phonesec_phone_schedule_render (phone);
}
