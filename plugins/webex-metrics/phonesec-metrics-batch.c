/* phonesec-metrics-batch.c: JSON without a JSON library: the shapes are
 * fixed and the only free text is escaped here.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-metrics-batch.h"

void
phonesec_json_append_string (GString *out, const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '"' || c == '\\')
        g_string_append_printf (out, "\\%c", c);
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');
}

static void
append_member (GString *out, const char *name, const char *value, gboolean comma)
{
  if (comma)
    g_string_append_c (out, ',');
  phonesec_json_append_string (out, name);
  g_string_append_c (out, ':');
  phonesec_json_append_string (out, value != NULL ? value : "");
}

char *
phonesec_metrics_batch_to_json (const char *mac, const char *serial, const char *product,
                                const char *firmware, guint64 seq, gint64 time, guint interval,
                                GVariant *metrics)
{
  GString *out = g_string_new ("{\"device\":{");
  GVariantIter iter;
  const char *name;
  GVariant *value;
  gboolean first = TRUE;

  append_member (out, "mac", mac, FALSE);
  append_member (out, "serial", serial, TRUE);
  append_member (out, "product", product, TRUE);
  append_member (out, "firmware", firmware, TRUE);
  g_string_append_printf (out,
                          "},\"seq\":%" G_GUINT64_FORMAT ",\"time\":%" G_GINT64_FORMAT
                          ",\"interval\":%u,\"metrics\":{",
                          seq, time, interval);
  g_variant_iter_init (&iter, metrics);
  while (g_variant_iter_next (&iter, "{&sv}", &name, &value))
    {
      gboolean counter = g_variant_is_of_type (value, G_VARIANT_TYPE_UINT64);

      if (counter || g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
        {
          if (!first)
            g_string_append_c (out, ',');
          first = FALSE;
          phonesec_json_append_string (out, name);
          if (counter)
            g_string_append_printf (out, ":%" G_GUINT64_FORMAT, g_variant_get_uint64 (value));
          else
            g_string_append_printf (out, ":%" G_GINT64_FORMAT, g_variant_get_int64 (value));
        }
      g_variant_unref (value);
    }
  g_string_append (out, "}}");
  return g_string_free (out, FALSE);
}
