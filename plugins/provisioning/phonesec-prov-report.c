/* phonesec-prov-report.c: the status report (see phonesec-prov-report.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-prov-report.h"

#include <string.h>

static void G_GNUC_PRINTF (2, 3) append_escaped (GString *out, const char *format, ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_markup_vprintf_escaped (format, args);
  va_end (args);
  g_string_append (out, text);
}

static void
append_objects (GString *out, GVariant *objects)
{
  GVariantIter objects_iter;
  const char *path;
  GVariant *interfaces;

  g_variant_iter_init (&objects_iter, objects);
  while (g_variant_iter_next (&objects_iter, "{&o@a{sa{sv}}}", &path, &interfaces))
    {
      GVariantIter interfaces_iter;
      const char *name;
      GVariant *properties;

      g_variant_iter_init (&interfaces_iter, interfaces);
      while (g_variant_iter_next (&interfaces_iter, "{&s@a{sv}}", &name, &properties))
        {
          GVariantIter properties_iter;
          const char *property;
          GVariant *value;

          if (g_variant_n_children (properties) == 0)
            {
              g_variant_unref (properties); /* nothing this reader may see */
              continue;
            }
          append_escaped (out, " <object path=\"%s\" interface=\"%s\">\n", path, name);
          g_variant_iter_init (&properties_iter, properties);
          while (g_variant_iter_next (&properties_iter, "{&sv}", &property, &value))
            {
              g_autofree char *text = g_variant_is_of_type (value, G_VARIANT_TYPE_STRING)
                                          ? g_variant_dup_string (value, NULL)
                                          : g_variant_print (value, FALSE);

              append_escaped (out, "  <property name=\"%s\">%s</property>\n", property, text);
              g_variant_unref (value);
            }
          g_string_append (out, " </object>\n");
          g_variant_unref (properties);
        }
      g_variant_unref (interfaces);
    }
}

/* @profile without its XML declaration, to sit inside <status>. */
static const char *
skip_declaration (const char *profile)
{
  const char *end;

  while (g_ascii_isspace (*profile))
    profile++;
  if (g_str_has_prefix (profile, "<?xml") && (end = strstr (profile, "?>")) != NULL)
    profile = end + 2;
  while (g_ascii_isspace (*profile))
    profile++;
  return profile;
}

char *
phonesec_prov_report_build (PhonesecDevice *device, GVariant *objects, const char *profile,
                            GDateTime *now)
{
  GString *out = g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  g_autofree char *stamp = g_date_time_format_iso8601 (now);

  append_escaped (
      out,
      "<status device=\"SEP%s\" mac=\"%s\" product=\"%s\" serial=\"%s\" software=\"%s\" "
      "hardware=\"%s\" time=\"%s\">\n",
      phonesec_device_get_mac_upper (device), phonesec_device_get_mac_colon (device),
      phonesec_device_get_product_name (device), phonesec_device_get_serial (device),
      phonesec_device_get_software_version (device), phonesec_device_get_hardware_version (device),
      stamp);
  append_objects (out, objects);
  g_string_append (out, skip_declaration (profile));
  if (out->len > 0 && out->str[out->len - 1] != '\n')
    g_string_append_c (out, '\n');
  g_string_append (out, "</status>\n");
  return g_string_free (out, FALSE);
}
