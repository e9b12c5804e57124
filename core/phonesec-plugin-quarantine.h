/* phonesec-plugin-quarantine.h: plugins that crashed the daemon, kept out.
 *
 * When the previous run's crash record names a plugin, it is quarantined:
 * a group in STATE_DIR/plugin-quarantine.ini (written atomically and
 * durably) saying where and how it crashed, and the identity of its module
 * file then (device, inode, size, modification time). It is not loaded
 * again until an administrator lifts the quarantine (Manager.EnablePlugin)
 * or that file changes.
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _PhonesecPluginQuarantine PhonesecPluginQuarantine;

/* Reads @path; a missing file is an empty quarantine, an unreadable one is
 * reported and treated as empty. */
PhonesecPluginQuarantine *phonesec_plugin_quarantine_load (const char *path);
void phonesec_plugin_quarantine_free (PhonesecPluginQuarantine *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecPluginQuarantine, phonesec_plugin_quarantine_free)

/* Quarantines the plugin @record (a crash record's text) names, if any, and
 * writes the file. Returns the plugin's name, or NULL when the record names
 * none. */
char *phonesec_plugin_quarantine_add_crash (PhonesecPluginQuarantine *self, const char *record);

/* Why plugin @name must not be loaded from @module_path, or NULL when it
 * may be. A quarantine recorded for another file (the module was replaced
 * or changed since) is lifted, and the file rewritten. */
char *phonesec_plugin_quarantine_dup_reason (PhonesecPluginQuarantine *self, const char *name,
                                             const char *module_path);

gboolean phonesec_plugin_quarantine_contains (PhonesecPluginQuarantine *self, const char *name);

/* Lifts @name's quarantine and writes the file. */
gboolean phonesec_plugin_quarantine_remove (PhonesecPluginQuarantine *self, const char *name,
                                            GError **error);

G_END_DECLS
