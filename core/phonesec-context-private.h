/* phonesec-context-private.h: how the plugin host builds a context.
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "phonesec/phonesec-context.h"
#include "phonesec-core.h"
#include "phonesec-dbus-generated.h"
#include "phonesec-plugin-guard.h"

G_BEGIN_DECLS

/* @plugin_iface: the Plugin interface on @path, for State and Error */
/* @guard: (nullable): the plugin's crash guard; method calls to the
 * interfaces it exports run under its marker */
PhonesecContext *phonesec_context_new (PhonesecCore *core, const char *plugin_name,
                                       const char *path, PhonesecDBusPlugin *plugin_iface,
                                       PhonesecPluginGuard *guard, const char *const *watch);

/* Whether config_changed() should receive @name. */
gboolean phonesec_context_watches (PhonesecContext *self, const char *name);

/* Filters @names down to the watched ones; NULL when none is. */
GStrv phonesec_context_filter_names (PhonesecContext *self, const char *const *names);

G_END_DECLS
