/* test-prov-report.c: the status report document: well-formed XML (GMarkup
 * reads it back) whatever the property values hold, the profile inside it
 * without its declaration, and nothing but what it was given.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "phonesec-prov-report.h"

typedef struct
{
  guint properties;
  GString *texts; /* every element's text, joined */
  gboolean seen_profile;
} Seen;

static void
on_start (GMarkupParseContext *context, const char *element, const char **names,
          const char **values, gpointer user_data, GError **error)
{
  Seen *seen = user_data;

  seen->properties += g_str_equal (element, "property");
  seen->seen_profile = seen->seen_profile || g_str_equal (element, "flat-profile");
}

static void
on_text (GMarkupParseContext *context, const char *text, gsize len, gpointer user_data,
         GError **error)
{
  g_string_append_len (((Seen *) user_data)->texts, text, len);
}

static const GMarkupParser parser = { on_start, NULL, on_text, NULL, NULL };

static GVariant *
hostile_objects (void)
{
  GVariantBuilder props, ifaces, objects;

  g_variant_builder_init (&props, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&props, "{sv}", "State", g_variant_new_string ("a</property><x>&\"'"));
  g_variant_builder_add (&props, "{sv}", "Count", g_variant_new_uint32 (7));
  g_variant_builder_add (&props, "{sv}", "Names", g_variant_new_strv (NULL, 0));
  g_variant_builder_init (&ifaces, G_VARIANT_TYPE ("a{sa{sv}}"));
  g_variant_builder_add (&ifaces, "{s@a{sv}}", "org.phonesec.PhoneSec1.X",
                         g_variant_builder_end (&props));
  g_variant_builder_init (&objects, G_VARIANT_TYPE ("a{oa{sa{sv}}}"));
  g_variant_builder_add (&objects, "{o@a{sa{sv}}}", "/org/phonesec/PhoneSec1/plugins/x",
                         g_variant_builder_end (&ifaces));
  return g_variant_ref_sink (g_variant_builder_end (&objects));
}

static void
test_well_formed (void)
{
  g_autoptr (PhonesecDevice) device = phonesec_device_new_from_file (NULL, NULL);
  g_autoptr (GVariant) objects = hostile_objects ();
  g_autoptr (GDateTime) now = g_date_time_new_utc (2026, 12, 7, 12, 0, 0);
  g_autofree char *report
      = phonesec_prov_report_build (device, objects,
                                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<flat-profile>\n"
                                    "<Proxy_Host ua=\"rw\">a&amp;b</Proxy_Host>\n</flat-profile>\n",
                                    now);
  g_autoptr (GMarkupParseContext) context = NULL;
  g_autoptr (GError) error = NULL;
  Seen seen = { 0, g_string_new (NULL), FALSE };

  g_test_message ("%s", report);
  context = g_markup_parse_context_new (&parser, 0, &seen, NULL);
  g_assert_true (g_markup_parse_context_parse (context, report, -1, &error)
                 && g_markup_parse_context_end_parse (context, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (seen.properties, ==, 3);
  g_assert_true (seen.seen_profile);
  g_assert_nonnull (strstr (seen.texts->str, "a</property><x>&\"'"));
  g_assert_nonnull (strstr (seen.texts->str, "a&b"));
  g_assert_nonnull (strstr (report, "time=\"2026-12-07T12:00:00Z\""));
  g_assert_cmpuint (g_strstr_len (report, -1, "<?xml") - report, ==, 0);
  g_assert_null (strstr (report + 5, "<?xml"));
  g_string_free (seen.texts, TRUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/prov-report/well-formed", test_well_formed);
  return g_test_run ();
}
