/* phonesec-schema.h: every parameter the daemon knows.
 *
 * Internal to the core (not installed).
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "phonesec-param-spec.h"

G_BEGIN_DECLS

typedef struct _PhonesecSchema PhonesecSchema;

PhonesecSchema *phonesec_schema_new (guint line_count);
void phonesec_schema_free (PhonesecSchema *schema);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecSchema, phonesec_schema_free)

guint phonesec_schema_get_line_count (PhonesecSchema *schema);

/**
 * phonesec_schema_load_data:
 * @owner: "core" or the plugin name
 *
 * Adds the parameters of a schema file (GKeyFile text, one group per
 * parameter; see data/schema/README.md). A group whose name contains `_n_`
 * is per-line and becomes one parameter per line 1..N. All or nothing: a
 * malformed group, a default that fails its own rules, or a name (or alias)
 * that already exists (a clash with the core or another plugin) fails the
 * whole load with PHONESEC_ERROR_INVALID_VALUE naming the group.
 */
gboolean phonesec_schema_load_data (PhonesecSchema *schema, const char *data, gsize length,
                                    const char *owner, GError **error);
gboolean phonesec_schema_load_file (PhonesecSchema *schema, const char *path, const char *owner,
                                    GError **error);

/* Removes every parameter @owner added (a plugin that failed to load). */
void phonesec_schema_remove_owner (PhonesecSchema *schema, const char *owner);

/* By name or alias ("Auth_Support_RFC8760" → line 1). */
const PhonesecParamSpec *phonesec_schema_lookup (PhonesecSchema *schema, const char *name);

/* In declaration order (core first, then plugins in load order), per-line
 * parameters expanded line by line. */
const GPtrArray *phonesec_schema_get_all (PhonesecSchema *schema);

G_END_DECLS
