/* phonesec-plugin-loader.h: reading a .plugin file and opening its module.
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gmodule.h>

#include "phonesec/phonesec-plugin.h"
#include "phonesec-plugin-guard.h"

G_BEGIN_DECLS

typedef struct
{
  char *name; /* [a-z0-9][a-z0-9-]* */
  char *description;
  char *version;
  char *module_path; /* absolute */
  char *schema_path; /* absolute, or NULL */
  char **depends;
  char **watch;
  char *info_path; /* the .plugin file */
} PhonesecPluginInfo;

void phonesec_plugin_info_free (PhonesecPluginInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecPluginInfo, phonesec_plugin_info_free)

/* Parses a .plugin key file ([Plugin] Name, Module, Description, Version,
 * Depends, Schema, Watch). Errors name the file and the key. */
PhonesecPluginInfo *phonesec_plugin_info_load (const char *path, GError **error);

/* Refuses what someone other than the owner could have changed: not a
 * regular file, group- or world-writable, or (when we run as root) not owned
 * by root. */
gboolean phonesec_plugin_check_file (const char *path, GError **error);
/* The same rules for the folder holding a plugin. */
gboolean phonesec_plugin_check_dir (const char *path, GError **error);

/* Opens the module by descriptor (so the file checked is the file loaded),
 * checks its ABI version, makes it resident and creates the plugin object.
 * Its code (constructors, entry point) runs under @guard's load marker, and
 * @guard learns the file's identity and where the module is mapped. */
PhonesecPlugin *phonesec_plugin_module_load (const char *module_path, PhonesecPluginGuard *guard,
                                             GError **error);

G_END_DECLS
