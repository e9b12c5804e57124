/* phonesec-config-state.c: values and user access that differ from the schema.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-config-state.h"

PhonesecConfigState *
phonesec_config_state_new (void)
{
  PhonesecConfigState *state = g_new0 (PhonesecConfigState, 1);

  state->values
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_variant_unref);
  state->access = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  state->orphan_values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  state->orphan_access = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return state;
}

void
phonesec_config_state_free (PhonesecConfigState *state)
{
  if (state == NULL)
    return;
  g_hash_table_unref (state->values);
  g_hash_table_unref (state->access);
  g_hash_table_unref (state->orphan_values);
  g_hash_table_unref (state->orphan_access);
  g_free (state);
}

PhonesecConfigState *
phonesec_config_state_copy (const PhonesecConfigState *from)
{
  PhonesecConfigState *state = phonesec_config_state_new ();
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, from->values);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (state->values, g_strdup (key), g_variant_ref (value));
  g_hash_table_iter_init (&iter, from->access);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (state->access, g_strdup (key), value);
  g_hash_table_iter_init (&iter, from->orphan_values);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (state->orphan_values, g_strdup (key), g_strdup (value));
  g_hash_table_iter_init (&iter, from->orphan_access);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (state->orphan_access, g_strdup (key), g_strdup (value));
  return state;
}

GVariant *
phonesec_config_state_get_value (const PhonesecConfigState *state, const PhonesecParamSpec *spec)
{
  GVariant *value = g_hash_table_lookup (state->values, spec->name);

  return value != NULL ? value : spec->default_value;
}

PhonesecAccess
phonesec_config_state_get_access (const PhonesecConfigState *state, const PhonesecParamSpec *spec)
{
  gpointer stored = g_hash_table_lookup (state->access, spec->name);

  return stored != NULL ? (PhonesecAccess) (GPOINTER_TO_INT (stored) - 1) : spec->access;
}

void
phonesec_config_state_set_value (PhonesecConfigState *state, const PhonesecParamSpec *spec,
                                 GVariant *value)
{
  if (value == NULL || g_variant_equal (value, spec->default_value))
    g_hash_table_remove (state->values, spec->name);
  else
    g_hash_table_insert (state->values, g_strdup (spec->name), g_variant_ref (value));
}

void
phonesec_config_state_set_access (PhonesecConfigState *state, const PhonesecParamSpec *spec,
                                  PhonesecAccess access)
{
  if (access == spec->access)
    g_hash_table_remove (state->access, spec->name);
  else
    g_hash_table_insert (state->access, g_strdup (spec->name), GINT_TO_POINTER (access + 1));
}
