/* phonesec-plugin-host.h: finds, loads, orders and runs the plugins.
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "phonesec-core.h"
#include "phonesec-dbus-generated.h"

G_BEGIN_DECLS

#define PHONESEC_TYPE_PLUGIN_HOST (phonesec_plugin_host_get_type ())
G_DECLARE_FINAL_TYPE (PhonesecPluginHost, phonesec_plugin_host, PHONESEC, PLUGIN_HOST, GObject)

/* @allow, @deny: (nullable): comma-separated name globs */
PhonesecPluginHost *phonesec_plugin_host_new (PhonesecCore *core, const char *allow,
                                              const char *deny);

/* How long one plugin may take to activate (default 30 s). */
void phonesec_plugin_host_set_activate_timeout (PhonesecPluginHost *self, guint seconds);

/* The previous run's crash record (before discover): the plugin it names is
 * quarantined, and every quarantined plugin is left unloaded with
 * State=error until its file changes or phonesec_plugin_host_enable(). */
void phonesec_plugin_host_note_crash (PhonesecPluginHost *self, const char *record);

/* Whether a plugin of that name was found, or is quarantined; NOT_FOUND
 * otherwise. */
gboolean phonesec_plugin_host_check_name (PhonesecPluginHost *self, const char *name,
                                          GError **error);
gboolean phonesec_plugin_host_is_quarantined (PhonesecPluginHost *self, const char *name);

/* Lifts @name's quarantine, durably; the plugin is loaded at the next
 * start. *@out_lifted tells whether it was quarantined. Fails with
 * NOT_FOUND for an unknown name, FAILED when the record cannot be written. */
gboolean phonesec_plugin_host_enable (PhonesecPluginHost *self, const char *name,
                                      gboolean *out_lifted, GError **error);

/* Reads every *.plugin in @dirs (the folders in order, each one's files by
 * name), checks and loads modules and schema fragments. A plugin that fails
 * is kept with State=error; so is a later file with a Name already found,
 * on an object of its own. Nothing here fails the daemon. */
void phonesec_plugin_host_discover (PhonesecPluginHost *self, const char *const *dirs);

/* Puts every plugin's object on the object manager. */
void phonesec_plugin_host_export (PhonesecPluginHost *self);

/* Activates the loaded plugins in dependency order, one at a time; completes
 * when each has succeeded or failed (never with an error). */
void phonesec_plugin_host_activate_async (PhonesecPluginHost *self, GAsyncReadyCallback callback,
                                          gpointer user_data);
void phonesec_plugin_host_activate_finish (PhonesecPluginHost *self, GAsyncResult *result);

/* Deactivates the active plugins in reverse order. */
void phonesec_plugin_host_deactivate_all (PhonesecPluginHost *self);

/* Object paths in activation order, then the refused duplicates. */
GStrv phonesec_plugin_host_dup_object_paths (PhonesecPluginHost *self);

/* @manager shows the plugins that held the main loop over a second
 * (BlockingPlugins), kept up to date from now on. */
void phonesec_plugin_host_set_manager (PhonesecPluginHost *self, PhonesecDBusManager *manager);

/* Delivers a committed transaction's names to the plugins that watch them. */
void phonesec_plugin_host_config_changed (PhonesecPluginHost *self, const char *const *names);

G_END_DECLS
