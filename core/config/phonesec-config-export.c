/* phonesec-config-export.c: ExportProfile, and the problem reports' copy.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-config-export.h"
#include "phonesec-profile.h"

char *
phonesec_config_export_profile (PhonesecConfigStore *store, PhonesecRole role,
                                gboolean changed_only)
{
  const GPtrArray *all = phonesec_schema_get_all (phonesec_config_store_get_schema (store));
  g_autoptr (GString) secrets_set = g_string_new (NULL);
  PhonesecProfileWriter *writer = phonesec_profile_writer_new ();

  for (guint i = 0; i < all->len; i++)
    {
      const PhonesecParamSpec *spec = all->pdata[i];
      g_autofree char *text = NULL;

      if (!phonesec_config_store_can_read (store, spec, role))
        continue;
      if (spec->secret)
        {
          /* Never exported; the comment tells the reader what to set again. */
          if (g_variant_get_string (phonesec_config_store_get_value (store, spec), NULL)[0] != '\0')
            g_string_append_printf (secrets_set, " %s", spec->name);
          continue;
        }
      if (changed_only && !phonesec_config_store_is_set (store, spec)
          && phonesec_config_store_get_access (store, spec) == spec->access)
        continue;
      text = phonesec_param_spec_format (spec, phonesec_config_store_get_value (store, spec));
      if (phonesec_param_spec_get_credentials (spec) != PHONESEC_CREDENTIALS_NONE)
        {
          /* Imported back, the masks keep the stored credentials. */
          char *masked
              = phonesec_credentials_mask (phonesec_param_spec_get_credentials (spec), text);
          g_free (text);
          text = masked;
        }
      phonesec_profile_writer_add (
          writer, spec->name, text,
          phonesec_access_to_string (phonesec_config_store_get_access (store, spec)));
    }
  if (secrets_set->len > 0)
    {
      g_autofree char *comment
          = g_strdup_printf ("Secrets are set but never exported:%s", secrets_set->str);
      phonesec_profile_writer_add_comment (writer, comment);
    }
  return phonesec_profile_writer_finish (writer);
}
