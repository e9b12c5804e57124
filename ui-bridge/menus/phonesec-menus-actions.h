/* phonesec-menus-actions.h: the actions of the phone menus, with their
 * state, and what activating them does on phonesecd.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "phonesec-menus-source.h"

G_BEGIN_DECLS

typedef struct _PhonesecMenusActions PhonesecMenusActions;

PhonesecMenusActions *phonesec_menus_actions_new (PhonesecMenusSource *source);
void phonesec_menus_actions_free (PhonesecMenusActions *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecMenusActions, phonesec_menus_actions_free)

/* (transfer none): the group to export. */
GActionGroup *phonesec_menus_actions_get_group (PhonesecMenusActions *self);

/* Brings every action in line with the source (after a full refresh). */
void phonesec_menus_actions_update (PhonesecMenusActions *self);
/* Only those derived from @interface (after its PropertiesChanged). */
void phonesec_menus_actions_update_interface (PhonesecMenusActions *self, const char *interface);

/* (transfer full) (nullable): "param.VPN-Server" for VPN_Server; NULL for a
 * name no action can carry. */
char *phonesec_menus_param_action_name (const char *parameter);

/* Shows @text as the phone's message (the "message" action's state). */
void phonesec_menus_actions_show_message (PhonesecMenusActions *self, const char *text);

G_END_DECLS
