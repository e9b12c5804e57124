/* menus-fixture.h: phonesec-menus on a test bus, and its exported menus
 * read through GDBusMenuModel and GDBusActionGroup, as a toolkit reads
 * them.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "phonesec-menus-api.h"
#include "phonesec-test-bus.h"

G_BEGIN_DECLS

typedef struct
{
  GSubprocess *process;
  GMenuModel *home;      /* GDBusMenuModel */
  GActionGroup *actions; /* GDBusActionGroup */
  char *log_path;
} PhonesecTestMenus;

/* Starts $PHONESEC_MENUS --bus=ADDRESS with LANG=@lang (and the build's
 * locale folder) and returns once its menus show phonesecd's state (the
 * Network configuration screen is there) and its actions are read. */
PhonesecTestMenus *phonesec_test_menus_start (PhonesecTestBus *bus, const char *lang);
/* SIGTERM; asserts a clean exit (0). */
void phonesec_test_menus_stop (PhonesecTestMenus *self);
void phonesec_test_menus_free (PhonesecTestMenus *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecTestMenus, phonesec_test_menus_free)

/* Waits (main loop) until @model has items; asserts it does in 10 s. */
void phonesec_test_menus_load (GMenuModel *model);
/* The submenu of the first item of @model satisfying: its own item or one
 * of its submenu's items has attribute x-phonesec-parameter @parameter
 * (depth-first from @model). NULL when none. */
GMenuModel *phonesec_test_menus_find_screen_of (GMenuModel *model, const char *parameter,
                                                char **out_label);
/* The index of the item with x-phonesec-parameter @parameter, or -1. */
int phonesec_test_menus_find_parameter (GMenuModel *model, const char *parameter);
/* The index of the item labelled @label, or -1. */
int phonesec_test_menus_find_label (GMenuModel *model, const char *label);
/* Every attribute, link and label of @model and its submenus, and every
 * action's name and state: all a client can read. */
char *phonesec_test_menus_dump (PhonesecTestMenus *self);
/* Waits until the state of @action prints as @printed (g_variant_print);
 * NULL waits for the action to be gone. Returns whether it did in @ms. */
gboolean phonesec_test_menus_wait_state (PhonesecTestMenus *self, const char *action,
                                         const char *printed, guint ms);

G_END_DECLS
