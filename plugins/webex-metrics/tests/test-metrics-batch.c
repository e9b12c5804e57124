/* test-metrics-batch.c: batches are JSON that a parser reads back.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-metrics-batch.h"

static void
test_shape (void)
{
  GVariantBuilder b;
  g_autoptr (GVariant) metrics = NULL;
  g_autofree char *json = NULL;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&b, "{sv}", "core.transactions", g_variant_new_uint64 (3));
  g_variant_builder_add (&b, "{sv}", "core.plugins.x.state", g_variant_new_int64 (-1));
  g_variant_builder_add (&b, "{sv}", "ignored", g_variant_new_string ("text"));
  metrics = g_variant_ref_sink (g_variant_builder_end (&b));
  json = phonesec_metrics_batch_to_json ("001122334455", "FCH1", "CP-8841-3PCC", "sip-1", 7,
                                         1800000000, 300, metrics);
  g_assert_cmpstr (json, ==,
                   "{\"device\":{\"mac\":\"001122334455\",\"serial\":\"FCH1\",\"product\":"
                   "\"CP-8841-3PCC\",\"firmware\":\"sip-1\"},\"seq\":7,\"time\":1800000000,"
                   "\"interval\":300,\"metrics\":{\"core.transactions\":3,"
                   "\"core.plugins.x.state\":-1}}");
}

static void
test_escaping (void)
{
  g_autoptr (GString) out = g_string_new (NULL);

  phonesec_json_append_string (out, "a\"b\\c\n\x01\x7f"
                                    "é");
  g_assert_cmpstr (out->str, ==,
                   "\"a\\\"b\\\\c\\u000a\\u0001\\u007f"
                   "é\"");
}

static void
test_empty (void)
{
  g_autoptr (GVariant) metrics = g_variant_ref_sink (g_variant_new ("a{sv}", NULL));
  g_autofree char *json = phonesec_metrics_batch_to_json (NULL, "", "", "", 1, 0, 1, metrics);

  g_assert_true (g_str_has_suffix (json, "\"metrics\":{}}"));
  g_assert_true (g_str_has_prefix (json, "{\"device\":{\"mac\":\"\","));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/metrics/batch/shape", test_shape);
  g_test_add_func ("/metrics/batch/escaping", test_escaping);
  g_test_add_func ("/metrics/batch/empty", test_empty);
  return g_test_run ();
}
