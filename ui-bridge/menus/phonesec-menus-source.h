/* phonesec-menus-source.h: what the phone's user may see of phonesecd,
 * kept current from its signals.
 *
 * The menus act for the phone's user whatever their own uid (root in
 * development, an unprivileged service user on the phone). The rule, so
 * that they show exactly the user's view:
 *
 *  - parameters: those whose Config.Describe "access" (the effective ua)
 *    is ro or rw; a parameter whose access is na is dropped from the
 *    answer at once and never read with Config.Get (which has no
 *    access-level option), so its value never enters this process;
 *  - plugin state: Manager.GetObjects with access-level=user; a
 *    PropertiesChanged updates only a property that answer holds (the
 *    admin's copy of a signal may carry more), and anything that can change
 *    what the user sees (Config.Changed, which names ua changes too,
 *    InterfacesAdded/Removed, an invalidated property) fetches the whole
 *    view again;
 *  - writes go through Config.Apply with access-level=user (see
 *    phonesec-menus-actions.c).
 *
 * Signals: phonesecd addresses its signals to each client that has called
 * it; this source calls Manager.Subscribe first at every (re)start of the
 * daemon, and matches signals on the daemon's unique name only.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _PhonesecMenusSource PhonesecMenusSource;

/* Called after a full refresh (@path and @interface NULL) or when one
 * interface's properties changed. */
typedef void (*PhonesecMenusSourceFunc) (PhonesecMenusSource *source, const char *path,
                                         const char *interface, gpointer user_data);

PhonesecMenusSource *phonesec_menus_source_new (GDBusConnection *connection,
                                                PhonesecMenusSourceFunc func, gpointer user_data);
void phonesec_menus_source_free (PhonesecMenusSource *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecMenusSource, phonesec_menus_source_free)

/* Whether phonesecd is on the bus and its state has been read. */
gboolean phonesec_menus_source_is_ready (PhonesecMenusSource *self);

/* The visible parameters, in the order Describe gave them (the schema's). */
const GPtrArray *phonesec_menus_source_get_names (PhonesecMenusSource *self);
/* (transfer none) (nullable): Describe's a{sv} of a visible parameter. */
GVariant *phonesec_menus_source_get_description (PhonesecMenusSource *self, const char *name);
/* (transfer none) (nullable): the value of a visible parameter. */
GVariant *phonesec_menus_source_get_value (PhonesecMenusSource *self, const char *name);

/* (transfer full) (nullable): the properties (a{sv}) of the first object
 * with @interface in the user's view; its path in @out_path (optional). */
GVariant *phonesec_menus_source_dup_properties (PhonesecMenusSource *self, const char *interface,
                                                char **out_path);
/* (transfer full): every object of the user's view, a{oa{sa{sv}}}. */
GVariant *phonesec_menus_source_dup_objects (PhonesecMenusSource *self);

/* Calls a method of phonesecd (by its well-known name). */
void phonesec_menus_source_call (PhonesecMenusSource *self, const char *path, const char *interface,
                                 const char *method, GVariant *parameters,
                                 GAsyncReadyCallback callback, gpointer user_data);
GVariant *phonesec_menus_source_call_finish (PhonesecMenusSource *self, GAsyncResult *result,
                                             GError **error);

G_END_DECLS
