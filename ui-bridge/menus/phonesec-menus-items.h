/* phonesec-menus-items.h: one menu item per kind of line of a phone
 * screen (see phonesec-menus-api.h for the attributes).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "phonesec-status-words.h"

G_BEGIN_DECLS

/* A line opening another screen, titled @label. */
GMenuItem *phonesec_menus_item_submenu (const char *label, GMenuModel *screen);
/* A status line from the words module. */
GMenuItem *phonesec_menus_item_info (const PhonesecStatusLine *line);
/* A line saying why a screen has nothing else to show. */
GMenuItem *phonesec_menus_item_message (const char *text);
/* A line whose Select activates @action (no state). */
GMenuItem *phonesec_menus_item_command (const char *label, const char *action);
/* An on/off line on a boolean action. */
GMenuItem *phonesec_menus_item_switch (const char *label, const char *action, const char *true_word,
                                       const char *false_word);
/* A text line on a string action; @max_length 0 for no limit. */
GMenuItem *phonesec_menus_item_text (const char *label, const char *action, guint max_length);

/* The line of a parameter from its Describe entry; @choices_menu receives
 * the option lines of an enum (and is linked as its submenu). NULL for a
 * parameter no action can carry. */
GMenuItem *phonesec_menus_item_parameter (const char *name, GVariant *description,
                                          GMenu *choices_menu);

/* "phone.NAME": an action name as items carry it. */
char *phonesec_menus_item_action (const char *name);

G_END_DECLS
