/* phonesec-menus-sync.h: bring a GMenu to a new list of items, touching
 * only the items that differ.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Makes @menu hold @items (element-type GMenuItem) in order. An item equal
 * to the one in its place (same attributes, same linked menus) is left
 * alone, so exported clients get items-changed for what changed only: a
 * byte counter that moves does not redraw the whole screen. */
void phonesec_menus_sync (GMenu *menu, GPtrArray *items);

G_END_DECLS
