/* test-phonesecctl-format.c: phonesecctl's JSON, byte for byte.
 *
 * `phonesecctl --json` is read by scripts, so its bytes are a contract:
 * each value kind a D-Bus reply may carry is written out here exactly, in
 * the indented form (get, describe, status, plugins) and the one-line form
 * (set, import, monitor). tests/dbus/test_phonesecctl.py checks the
 * commands themselves.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>

#include "phonesecctl-format.h"

typedef struct
{
  const char *variant; /* GVariant text format */
  const char *pretty;
  const char *compact;
} JsonCase;

static const JsonCase cases[] = {
  { "true", "true", "true" },
  { "byte 255", "255", "255" },
  { "int16 -32768", "-32768", "-32768" },
  { "uint16 65535", "65535", "65535" },
  { "int32 -2147483648", "-2147483648", "-2147483648" },
  { "uint32 4294967295", "4294967295", "4294967295" },
  { "int64 -9223372036854775808", "-9223372036854775808", "-9223372036854775808" },
  /* Above G_MAXINT64: written as the unsigned number it is. */
  { "uint64 18446744073709551615", "18446744073709551615", "18446744073709551615" },
  { "handle 3", "3", "3" },
  /* Doubles as "%.17g": integral ones without ".0". */
  { "0.1", "0.10000000000000001", "0.10000000000000001" },
  { "2.5", "2.5", "2.5" },
  { "100.0", "100", "100" },
  { "-0.0", "-0", "-0" },
  { "1e300", "1.0000000000000001e+300", "1.0000000000000001e+300" },
  { "'plain'", "\"plain\"", "\"plain\"" },
  /* Only '"' and '\\' are escaped among printable characters: not '/'. */
  { "'q\"b\\\\s/'", "\"q\\\"b\\\\s/\"", "\"q\\\"b\\\\s/\"" },
  { "'é€☎'", "\"é€☎\"", "\"é€☎\"" },
  { "objectpath '/o/p'", "\"/o/p\"", "\"/o/p\"" },
  { "signature 'a{sv}'", "\"a{sv}\"", "\"a{sv}\"" },
  { "@as []", "[]", "[]" },
  { "['a', 'b']", "[\n  \"a\",\n  \"b\"\n]", "[\"a\", \"b\"]" },
  { "@a{sv} {}", "{}", "{}" },
  { "{'a': <1>, 'b': <@as []>, 'c': <@a{sv} {}>}", "{\n  \"a\": 1,\n  \"b\": [],\n  \"c\": {}\n}",
    "{\"a\": 1, \"b\": [], \"c\": {}}" },
  /* Keys that are not strings are written as their cfg.xml text. */
  { "@a{us} {252: 'wpad', 6: 'dns'}", "{\n  \"252\": \"wpad\",\n  \"6\": \"dns\"\n}",
    "{\"252\": \"wpad\", \"6\": \"dns\"}" },
  { "@a{bs} {true: 'y'}", "{\n  \"Yes\": \"y\"\n}", "{\"Yes\": \"y\"}" },
  { "@a{xs} {-1: 'm'}", "{\n  \"-1\": \"m\"\n}", "{\"-1\": \"m\"}" },
  /* Tuples are arrays; a maybe is null or its value; variants vanish. */
  { "(1, 'z', [true])", "[\n  1,\n  \"z\",\n  [\n    true\n  ]\n]", "[1, \"z\", [true]]" },
  { "@mi nothing", "null", "null" },
  { "@mi 5", "5", "5" },
  { "<<'deep'>>", "\"deep\"", "\"deep\"" },
  { "@ay [0, 255]", "[\n  0,\n  255\n]", "[0, 255]" },
  { "[['x'], @as []]", "[\n  [\n    \"x\"\n  ],\n  []\n]", "[[\"x\"], []]" },
  /* Plugin.LongestBlock, as `phonesecctl --json plugins` shows it. */
  { "{'LongestBlock': <('load', uint32 1200, uint64 1700000000)>}",
    "{\n  \"LongestBlock\": [\n    \"load\",\n    1200,\n    1700000000\n  ]\n}",
    "{\"LongestBlock\": [\"load\", 1200, 1700000000]}" },
};

static void
assert_json (GVariant *value, const char *pretty, const char *compact)
{
  g_autofree char *expected_pretty = g_strconcat (pretty, "\n", NULL);
  g_autofree char *expected_compact = g_strconcat (compact, "\n", NULL);
  g_autofree char *got_pretty = phonesecctl_json_from_variant (value, TRUE);
  g_autofree char *got_compact = phonesecctl_json_from_variant (value, FALSE);

  g_assert_cmpstr (got_pretty, ==, expected_pretty);
  g_assert_cmpstr (got_compact, ==, expected_compact);
}

static void
test_value_kinds (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GVariant) value = g_variant_parse (NULL, cases[i].variant, NULL, NULL, &error);

      g_assert_no_error (error);
      g_test_message ("%s", cases[i].variant);
      assert_json (value, cases[i].pretty, cases[i].compact);
    }
}

/* Control characters as JSON's short escapes where it has one, else
 * \u00XX in lower case; DEL (0x7f) is not escaped. */
static void
test_control_characters (void)
{
  g_autoptr (GVariant) value = g_variant_ref_sink (g_variant_new_string ("\b\f\n\r\t\x01\x1f\x7f"));
  const char *json = "\"\\b\\f\\n\\r\\t\\u0001\\u001f\x7f\"";

  assert_json (value, json, json);
}

/* Invalid UTF-8 cannot come over D-Bus, but the writer never emits it. */
static void
test_invalid_utf8_is_replaced (void)
{
  g_autoptr (GString) out = g_string_new (NULL);

  phonesecctl_json_append_string (out, "bad\xff\xfe!");
  g_assert_cmpstr (out->str, ==, "\"bad\xef\xbf\xbd\xef\xbf\xbd!\"");
}

static void
test_non_finite_doubles_are_null (void)
{
  const double values[] = { NAN, INFINITY, -INFINITY };

  for (gsize i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr (GVariant) value = g_variant_ref_sink (g_variant_new_double (values[i]));

      assert_json (value, "null", "null");
    }
}

static void
test_lone_dict_entry_is_a_pair (void)
{
  g_autoptr (GVariant) value = g_variant_ref_sink (g_variant_new_dict_entry (
      g_variant_new_string ("k"), g_variant_new_variant (g_variant_new_int32 (1))));

  assert_json (value, "[\n  \"k\",\n  1\n]", "[\"k\", 1]");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/phonesecctl/json/value-kinds", test_value_kinds);
  g_test_add_func ("/phonesecctl/json/control-characters", test_control_characters);
  g_test_add_func ("/phonesecctl/json/invalid-utf8", test_invalid_utf8_is_replaced);
  g_test_add_func ("/phonesecctl/json/non-finite", test_non_finite_doubles_are_null);
  g_test_add_func ("/phonesecctl/json/dict-entry", test_lone_dict_entry_is_a_pair);
  return g_test_run ();
}
