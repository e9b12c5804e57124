/* phonesec-menus-items.c: menu items for the lines of a phone screen.
 *
 * Labels of parameters are the schema's (Config.Describe label, section,
 * help: msgids of the "phonesec" domain), translated here; nothing about a
 * parameter is written twice.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-menus-items.h"

#include <string.h>

#include <glib/gi18n.h>

#include "phonesec-menus-actions.h"
#include "phonesec-menus-api.h"
#include "phonesec-menus-sync.h"

char *
phonesec_menus_item_action (const char *name)
{
  return g_strconcat (PHONESEC_MENUS_ACTION_PREFIX ".", name, NULL);
}

static void
set_kind (GMenuItem *item, const char *kind)
{
  g_menu_item_set_attribute (item, PHONESEC_MENUS_ATTR_KIND, "s", kind);
}

GMenuItem *
phonesec_menus_item_submenu (const char *label, GMenuModel *screen)
{
  GMenuItem *item = g_menu_item_new_submenu (label, screen);

  set_kind (item, "submenu");
  return item;
}

GMenuItem *
phonesec_menus_item_info (const PhonesecStatusLine *line)
{
  GMenuItem *item = g_menu_item_new (line->label, NULL);

  set_kind (item, "info");
  g_menu_item_set_attribute (item, PHONESEC_MENUS_ATTR_VALUE, "s", line->value);
  g_menu_item_set_attribute (item, PHONESEC_MENUS_ATTR_LEVEL, "s",
                             phonesec_status_level_to_string (line->level));
  g_menu_item_set_attribute (item, PHONESEC_MENUS_ATTR_ID, "s", line->id);
  return item;
}

GMenuItem *
phonesec_menus_item_message (const char *text)
{
  GMenuItem *item = g_menu_item_new (text, NULL);

  set_kind (item, "message");
  return item;
}

GMenuItem *
phonesec_menus_item_command (const char *label, const char *action)
{
  g_autofree char *detailed = phonesec_menus_item_action (action);
  GMenuItem *item = g_menu_item_new (label, detailed);

  set_kind (item, "command");
  return item;
}

GMenuItem *
phonesec_menus_item_switch (const char *label, const char *action, const char *true_word,
                            const char *false_word)
{
  g_autofree char *detailed = phonesec_menus_item_action (action);
  GMenuItem *item = g_menu_item_new (label, detailed);

  set_kind (item, "bool");
  g_menu_item_set_attribute (item, PHONESEC_MENUS_ATTR_TRUE_WORD, "s", true_word);
  g_menu_item_set_attribute (item, PHONESEC_MENUS_ATTR_FALSE_WORD, "s", false_word);
  return item;
}

GMenuItem *
phonesec_menus_item_text (const char *label, const char *action, guint max_length)
{
  g_autofree char *detailed = phonesec_menus_item_action (action);
  GMenuItem *item = g_menu_item_new (label, detailed);

  set_kind (item, "text");
  if (max_length > 0)
    g_menu_item_set_attribute (item, PHONESEC_MENUS_ATTR_MAX_LENGTH, "u", max_length);
  return item;
}

/* --- parameters ------------------------------------------------------------------ */

/* A Describe key holding a msgid, translated; @fallback when absent. */
static const char *
described_text (GVariant *description, const char *key, const char *fallback)
{
  const char *text = NULL;

  if (!g_variant_lookup (description, key, "&s", &text) || text[0] == '\0')
    return fallback;
  return g_dgettext (GETTEXT_PACKAGE, text);
}

static guint
described_max_length (GVariant *description)
{
  g_autoptr (GVariant) value = g_variant_lookup_value (description, "max-length", NULL);

  if (value != NULL && g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32))
    return g_variant_get_uint32 (value);
  if (value != NULL && g_variant_is_of_type (value, G_VARIANT_TYPE_INT32))
    return (guint) MAX (g_variant_get_int32 (value), 0);
  return 0;
}

/* The option lines of an enum: radio items on the parameter's action. */
static void
fill_choices (GMenu *menu, const char *action, GVariant *description)
{
  g_autoptr (GVariant) choices
      = g_variant_lookup_value (description, "choices", G_VARIANT_TYPE_STRING_ARRAY);
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  GVariantIter iter;
  const char *choice;

  if (choices != NULL)
    {
      g_variant_iter_init (&iter, choices);
      while (g_variant_iter_next (&iter, "&s", &choice))
        {
          GMenuItem *item = g_menu_item_new (g_dgettext (GETTEXT_PACKAGE, choice), NULL);

          g_menu_item_set_action_and_target_value (item, action, g_variant_new_string (choice));
          set_kind (item, "option");
          g_ptr_array_add (items, item);
        }
    }
  phonesec_menus_sync (menu, items);
}

static void
set_parameter_kind (GMenuItem *item, const char *detailed, GVariant *description,
                    GMenu *choices_menu)
{
  const char *type = "";
  gboolean secret = FALSE, is_set = FALSE;

  g_variant_lookup (description, "type", "&s", &type);
  g_variant_lookup (description, "secret", "b", &secret);
  if (strcmp (type, "bool") == 0)
    {
      set_kind (item, "bool");
      g_menu_item_set_attribute (item, PHONESEC_MENUS_ATTR_TRUE_WORD, "s",
                                 described_text (description, "true-word", _ ("Yes")));
      g_menu_item_set_attribute (item, PHONESEC_MENUS_ATTR_FALSE_WORD, "s",
                                 described_text (description, "false-word", _ ("No")));
    }
  else if (strcmp (type, "enum") == 0 && choices_menu != NULL)
    {
      set_kind (item, "choice");
      fill_choices (choices_menu, detailed, description);
      g_menu_item_set_link (item, G_MENU_LINK_SUBMENU, G_MENU_MODEL (choices_menu));
    }
  else
    {
      set_kind (item, secret ? "secret" : "text");
      if (secret && g_variant_lookup (description, "is-set", "b", &is_set))
        g_menu_item_set_attribute (item, PHONESEC_MENUS_ATTR_IS_SET, "b", is_set);
      if (described_max_length (description) > 0)
        g_menu_item_set_attribute (item, PHONESEC_MENUS_ATTR_MAX_LENGTH, "u",
                                   described_max_length (description));
    }
}

GMenuItem *
phonesec_menus_item_parameter (const char *name, GVariant *description, GMenu *choices_menu)
{
  g_autofree char *action = phonesec_menus_param_action_name (name);
  g_autofree char *detailed = NULL;
  GMenuItem *item;

  if (action == NULL)
    return NULL;
  detailed = phonesec_menus_item_action (action);
  item = g_menu_item_new (described_text (description, "label", name), detailed);
  g_menu_item_set_attribute (item, PHONESEC_MENUS_ATTR_PARAMETER, "s", name);
  g_menu_item_set_attribute (item, PHONESEC_MENUS_ATTR_HELP, "s",
                             described_text (description, "help", ""));
  set_parameter_kind (item, detailed, description, choices_menu);
  return item;
}
