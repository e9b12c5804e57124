/* phonesec-macro.h: the provisioning macro expander ($MA, $(SN:2:4), $$...).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <phonesec/phonesec-device.h>
#include <phonesec/phonesec-api.h>

G_BEGIN_DECLS

/**
 * phonesec_macro_expand:
 * @template: text with macros
 * @vars: (element-type utf8 utf8): macro name (without `$`) → value
 *
 * Expands `$NAME` and `$(NAME)` (NAME is `[A-Za-z_][A-Za-z0-9_]*`, matched
 * whole, case-sensitive), `$(NAME:p)` (the value from character offset p on)
 * and `$(NAME:p:q)` (q characters from offset p), and `$$` to a literal `$`.
 * An unknown name, or a malformed `$(...)`, is left as written. Values are
 * inserted as they are: an expansion is never expanded again.
 *
 * Returns: (transfer full): the expanded text
 */
PHONESEC_API char *phonesec_macro_expand (const char *template, GHashTable *vars);

/**
 * phonesec_macro_vars_new:
 * @device: (nullable): the device identity
 * @ip: (nullable): the phone's current IP address (`$IP`)
 *
 * Builds the standard variables: `MA`, `MAU`, `MAC`, `SN`, `PN`, `PSN`,
 * `CCERT` ("Installed"/"Not Installed"), `SWVER`, `HWVER`, `IP`, `EXTIP`.
 * Callers add the context ones (`SCHEME`, `SERV`, `SERVIP`, `PORT`, `PATH`,
 * `ERR`, `PRVST`) with g_hash_table_insert().
 *
 * Returns: (transfer full) (element-type utf8 utf8): a new table owning its
 *   keys and values
 */
PHONESEC_API GHashTable *phonesec_macro_vars_new (PhonesecDevice *device, const char *ip);

G_END_DECLS
