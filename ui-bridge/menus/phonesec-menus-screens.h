/* phonesec-menus-screens.h: the guide's phone screens as a GMenuModel.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "phonesec-menus-source.h"

G_BEGIN_DECLS

typedef struct _PhonesecMenusScreens PhonesecMenusScreens;

PhonesecMenusScreens *phonesec_menus_screens_new (PhonesecMenusSource *source);
void phonesec_menus_screens_free (PhonesecMenusScreens *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecMenusScreens, phonesec_menus_screens_free)

/* (transfer none): the home screen; every screen hangs from it. */
GMenuModel *phonesec_menus_screens_get_model (PhonesecMenusScreens *self);

/* Brings every screen in line with the source; only items that changed
 * are replaced. */
void phonesec_menus_screens_update (PhonesecMenusScreens *self);
/* After a PropertiesChanged of @interface on an object already in view:
 * its status lines and the status messages, nothing else. */
void phonesec_menus_screens_update_interface (PhonesecMenusScreens *self, const char *interface);

G_END_DECLS
