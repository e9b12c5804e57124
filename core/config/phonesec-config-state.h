/* phonesec-config-state.h: one complete configuration state.
 *
 * The store swaps a whole PhonesecConfigState when a transaction commits, so readers never
 * see half of one.
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "phonesec-param-spec.h"

G_BEGIN_DECLS

/* One complete state; replaced as a whole when a transaction commits. */
typedef struct
{
  GHashTable *values;        /* name → GVariant*, only values ≠ default */
  GHashTable *access;        /* name → GINT_TO_POINTER(access + 1), only overrides */
  GHashTable *orphan_values; /* name → string: names nobody declares now */
  GHashTable *orphan_access; /* name → string */
} PhonesecConfigState;

PhonesecConfigState *phonesec_config_state_new (void);
void phonesec_config_state_free (PhonesecConfigState *state);
PhonesecConfigState *phonesec_config_state_copy (const PhonesecConfigState *from);
/* The stored value, or the default (transfer none). */
GVariant *phonesec_config_state_get_value (const PhonesecConfigState *state,
                                           const PhonesecParamSpec *spec);
PhonesecAccess phonesec_config_state_get_access (const PhonesecConfigState *state,
                                                 const PhonesecParamSpec *spec);
/* NULL or the default value removes the entry: only differences are stored. */
void phonesec_config_state_set_value (PhonesecConfigState *state, const PhonesecParamSpec *spec,
                                      GVariant *value);
void phonesec_config_state_set_access (PhonesecConfigState *state, const PhonesecParamSpec *spec,
                                       PhonesecAccess access);

G_END_DECLS
