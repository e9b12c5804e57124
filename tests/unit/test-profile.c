/* test-profile.c: the cfg.xml reader and writer.
 *
 * Sample files live in tests/data/profiles/ and are found through
 * G_TEST_SRCDIR, which tests/meson.build sets to tests/.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include <glib.h>

#include "phonesec-profile.h"
#include "phonesec/phonesec-error.h"

/* ---------------------------------------------------------------- helpers */

static PhonesecProfile *
parse_ok (const char *xml)
{
  g_autoptr (GError) error = NULL;
  PhonesecProfile *profile = phonesec_profile_parse (xml, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (profile);
  return profile;
}

/* Parses @xml expecting failure; returns the message for further checks. */
static char *
parse_fail (const char *xml, gssize len)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecProfile) profile = phonesec_profile_parse (xml, len, &error);

  g_assert_null (profile);
  g_assert_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE);
  g_test_message ("error: %s", error->message);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  return g_strdup (error->message);
}

static void
assert_entry (PhonesecProfile *profile, guint index, const char *name, const char *value,
              const char *ua)
{
  PhonesecProfileEntry *entry;

  g_assert_cmpuint (index, <, profile->entries->len);
  entry = g_ptr_array_index (profile->entries, index);
  g_assert_cmpstr (entry->name, ==, name);
  g_assert_cmpstr (entry->value, ==, value);
  g_assert_cmpstr (entry->ua, ==, ua);
}

static char *
load_data (const char *name, gsize *len)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "profiles", name, NULL);
  g_autoptr (GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, len, &error);
  g_assert_no_error (error);
  return contents;
}

#define FP(body) "<flat-profile>" body "</flat-profile>"

/* ------------------------------------------------------------ good input */

static void
test_example_partial (void)
{
  gsize len;
  g_autofree char *xml = load_data ("example-partial.xml", &len);
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecProfile) profile = phonesec_profile_parse (xml, len, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (profile->entries->len, ==, 7);
  g_assert_cmpuint (profile->problems->len, ==, 0);
  assert_entry (profile, 0, "Proxy_Mode", "Manual", "rw");
  assert_entry (profile, 3, "TLS_Min_Version", "TLS 1.2", "na");
  assert_entry (profile, 4, "Enable_802.1X_Authentication", "No", NULL);
  assert_entry (profile, 5, "SIP_Transport_1_", "TLS", "ro");
  assert_entry (profile, 6, "Restricted_Access_Domains", "", "na");
}

static void
test_entities (void)
{
  g_autoptr (PhonesecProfile) profile
      = parse_ok (FP ("<A>&amp;&lt;&gt;&quot;&apos;</A><B>x &amp;amp; y</B>"));

  assert_entry (profile, 0, "A", "&<>\"'", NULL);
  assert_entry (profile, 1, "B", "x &amp; y", NULL);
}

static void
test_char_refs (void)
{
  g_autoptr (PhonesecProfile) profile = parse_ok (FP ("<A>&#65;&#x42;&#x63;</A><B>&#233;t&#xE9;</B>"
                                                      "<C>&#x1F600;</C>"));

  assert_entry (profile, 0, "A", "ABc", NULL);
  assert_entry (profile, 1, "B", "été", NULL);
  assert_entry (profile, 2, "C", "\xF0\x9F\x98\x80", NULL);
}

static void
test_cdata (void)
{
  g_autoptr (PhonesecProfile) profile = parse_ok (FP ("<A><![CDATA[a < b && \"c\" ]]></A>"
                                                      "<B>x<![CDATA[&amp;]]>y</B>"
                                                      "<C><![CDATA[]]></C>"));

  assert_entry (profile, 0, "A", "a < b && \"c\"", NULL);
  /* No entity resolution inside CDATA. */
  assert_entry (profile, 1, "B", "x&amp;y", NULL);
  assert_entry (profile, 2, "C", "", NULL);
}

static void
test_data_entities (void)
{
  gsize len;
  g_autofree char *xml = load_data ("entities.xml", &len);
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecProfile) profile = phonesec_profile_parse (xml, len, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (profile->entries->len, ==, 5);
  assert_entry (profile, 1, "TLS_Cipher_List", "HIGH:!aNULL:!MD5&<>\"'", NULL);
  assert_entry (profile, 2, "LDAP_Corp_Dir_Name", "AB\xF0\x9F\x98\x80 Annuaire équipe", NULL);
  assert_entry (profile, 3, "LDAP_Last_Name_Filter", "(sn=$VALUE*) & <raw> \"text\"", NULL);
  assert_entry (profile, 4, "PRT_HTTP_Header_Value", "mixed <cdata> & text", NULL);
}

static void
test_duplicates (void)
{
  g_autoptr (PhonesecProfile) profile = parse_ok (FP ("<Proxy_Mode>Off</Proxy_Mode>"
                                                      "<Proxy_Port>1</Proxy_Port>"
                                                      "<Proxy_Mode>Auto</Proxy_Mode>"
                                                      "<Proxy_Mode ua=\"ro\">Manual</Proxy_Mode>"));

  g_assert_cmpuint (profile->entries->len, ==, 4);
  assert_entry (profile, 0, "Proxy_Mode", "Off", NULL);
  assert_entry (profile, 1, "Proxy_Port", "1", NULL);
  assert_entry (profile, 2, "Proxy_Mode", "Auto", NULL);
  assert_entry (profile, 3, "Proxy_Mode", "Manual", "ro");
}

static void
test_unknown_names (void)
{
  /* The reader knows no schema: any element name is an entry, as written. */
  g_autoptr (PhonesecProfile) profile = parse_ok (FP ("<No_Such_Thing>1</No_Such_Thing>"
                                                      "<proxy_mode>x</proxy_mode>"
                                                      "<ns:Odd.Name-2_>y</ns:Odd.Name-2_>"
                                                      "<Énergie>z</Énergie>"));

  g_assert_cmpuint (profile->entries->len, ==, 4);
  g_assert_cmpuint (profile->problems->len, ==, 0);
  assert_entry (profile, 0, "No_Such_Thing", "1", NULL);
  assert_entry (profile, 1, "proxy_mode", "x", NULL);
  assert_entry (profile, 2, "ns:Odd.Name-2_", "y", NULL);
  assert_entry (profile, 3, "Énergie", "z", NULL);
}

static void
test_ua (void)
{
  g_autoptr (PhonesecProfile) profile = parse_ok (FP ("<A ua=\"na\">1</A>"
                                                      "<B>2</B>"
                                                      "<C ua='rw' other=\"x\">3</C>"
                                                      "<D ua=\"Bogus &amp; co\">4</D>"
                                                      "<E ua=\"\">5</E>"));

  assert_entry (profile, 0, "A", "1", "na");
  assert_entry (profile, 1, "B", "2", NULL);
  assert_entry (profile, 2, "C", "3", "rw");
  /* Kept as written (entities resolved): the store validates it. */
  assert_entry (profile, 3, "D", "4", "Bogus & co");
  assert_entry (profile, 4, "E", "5", "");
}

static void
test_empty_elements (void)
{
  g_autoptr (PhonesecProfile) profile
      = parse_ok (FP ("<A/><B></B><C ua=\"rw\"/><D>   </D><E>\n\t</E>"));

  g_assert_cmpuint (profile->entries->len, ==, 5);
  assert_entry (profile, 0, "A", "", NULL);
  assert_entry (profile, 1, "B", "", NULL);
  assert_entry (profile, 2, "C", "", "rw");
  assert_entry (profile, 3, "D", "", NULL);
  assert_entry (profile, 4, "E", "", NULL);
}

static void
test_whitespace (void)
{
  g_autoptr (PhonesecProfile) profile
      = parse_ok (FP ("<A>  TLS 1.2  </A><B>\n\t  Yes\r\n  </B><C> a  b\n c </C>"
                      "<D>&#32;x&#32;</D><E>\xC2\xA0nbsp\xC2\xA0</E>"));

  assert_entry (profile, 0, "A", "TLS 1.2", NULL);
  assert_entry (profile, 1, "B", "Yes", NULL);
  /* Inner white space is the value's own. */
  assert_entry (profile, 2, "C", "a  b\n c", NULL);
  /* Stripping happens after entities are resolved. */
  assert_entry (profile, 3, "D", "x", NULL);
  /* Only XML white space is stripped. */
  assert_entry (profile, 4, "E", "\xC2\xA0nbsp\xC2\xA0", NULL);
}

static void
test_device_wrapper (void)
{
  gsize len;
  g_autofree char *xml = load_data ("device-wrapper.xml", &len);
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecProfile) profile = phonesec_profile_parse (xml, len, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (profile->entries->len, ==, 2);
  g_assert_cmpuint (profile->problems->len, ==, 0);
  assert_entry (profile, 0, "Proxy_Mode", "Auto", "rw");
  assert_entry (profile, 1, "Use_Auto_Discovery__WPAD_", "Yes", "rw");
}

static void
test_device_other_child (void)
{
  g_autoptr (PhonesecProfile) profile = parse_ok ("<device>\n"
                                                  "  <firmware><A>1</A></firmware>\n"
                                                  "  <flat-profile><B>2</B></flat-profile>\n"
                                                  "</device>");

  g_assert_cmpuint (profile->entries->len, ==, 1);
  assert_entry (profile, 0, "B", "2", NULL);
  g_assert_cmpuint (profile->problems->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (profile->problems, 0), ==,
                   "line 2: <device> contains <firmware>, not <flat-profile>; it is ignored");
}

static void
test_device_without_flat_profile (void)
{
  g_autoptr (PhonesecProfile) profile = parse_ok ("<device></device>");

  g_assert_cmpuint (profile->entries->len, ==, 0);
  g_assert_cmpuint (profile->problems->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (profile->problems, 0), "no <flat-profile>"));
}

static void
test_flat_profile_as_parameter (void)
{
  /* Inside <flat-profile>, every child is a parameter, whatever its name. */
  g_autoptr (PhonesecProfile) profile = parse_ok (FP ("<flat-profile>x</flat-profile>"
                                                      "<device>y</device>"));

  assert_entry (profile, 0, "flat-profile", "x", NULL);
  assert_entry (profile, 1, "device", "y", NULL);
}

static void
test_comments_pi (void)
{
  g_autoptr (PhonesecProfile) profile = parse_ok ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                                  "<!DOCTYPE flat-profile>\n"
                                                  "<!-- before -->\n"
                                                  "<flat-profile>\n"
                                                  "  <!-- a comment with <A>tags</A> -->\n"
                                                  "  <?phone-tool hint?>\n"
                                                  "  <A>1<!-- inside -->2</A>\n"
                                                  "  <B><?pi x?>3</B>\n"
                                                  "</flat-profile>\n"
                                                  "<!-- after -->\n");

  g_assert_cmpuint (profile->entries->len, ==, 2);
  g_assert_cmpuint (profile->problems->len, ==, 0);
  assert_entry (profile, 0, "A", "12", NULL);
  assert_entry (profile, 1, "B", "3", NULL);
}

static void
test_bom (void)
{
  g_autoptr (PhonesecProfile) profile
      = parse_ok ("\xEF\xBB\xBF<?xml version=\"1.0\"?>\n" FP ("<A>1</A>"));

  g_assert_cmpuint (profile->entries->len, ==, 1);
  assert_entry (profile, 0, "A", "1", NULL);
}

static void
test_lines (void)
{
  g_autoptr (PhonesecProfile) profile = parse_ok ("<?xml version=\"1.0\"?>\n"
                                                  "<flat-profile>\n"
                                                  "  <A>1</A>\n"
                                                  "\n"
                                                  "  <B>\n"
                                                  "  2\n"
                                                  "  </B> <C/>\n"
                                                  "</flat-profile>\n");

  g_assert_cmpuint (((PhonesecProfileEntry *) profile->entries->pdata[0])->line, ==, 3);
  g_assert_cmpuint (((PhonesecProfileEntry *) profile->entries->pdata[1])->line, ==, 5);
  g_assert_cmpuint (((PhonesecProfileEntry *) profile->entries->pdata[2])->line, ==, 7);
}

static void
test_child_element (void)
{
  gsize len;
  g_autofree char *xml = load_data ("child-element.xml", &len);
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecProfile) profile = phonesec_profile_parse (xml, len, &error);

  g_assert_no_error (error);
  /* The parameter is dropped, its siblings are kept. */
  g_assert_cmpuint (profile->entries->len, ==, 2);
  assert_entry (profile, 0, "Proxy_Mode", "Manual", NULL);
  assert_entry (profile, 1, "Proxy_Port", "8080", NULL);
  g_assert_cmpuint (profile->problems->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (profile->problems, 0), ==,
                   "line 3: <Proxy_Host> contains the element <b>; a parameter holds text only, "
                   "so it is ignored");
}

static void
test_child_element_deep (void)
{
  /* Several and nested children: one problem, the subtree is skipped. */
  g_autoptr (PhonesecProfile) profile = parse_ok (FP ("<A>x<B><C>y</C></B><D/>z</A><E>ok</E>"));

  g_assert_cmpuint (profile->entries->len, ==, 1);
  assert_entry (profile, 0, "E", "ok", NULL);
  g_assert_cmpuint (profile->problems->len, ==, 1);
}

static void
test_text_in_flat_profile (void)
{
  g_autoptr (PhonesecProfile) profile = parse_ok ("<flat-profile>\n"
                                                  "  <A>1</A>\n"
                                                  "  stray words\n"
                                                  "  <B>2</B>\n"
                                                  "</flat-profile>");

  g_assert_cmpuint (profile->entries->len, ==, 2);
  g_assert_cmpuint (profile->problems->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (profile->problems, 0), ==,
                   "line 3: text “stray words” directly inside <flat-profile> is ignored; "
                   "parameters are elements");
}

static void
test_problem_cap (void)
{
  g_autoptr (GString) xml = g_string_new ("<flat-profile>");
  g_autoptr (PhonesecProfile) profile = NULL;

  for (guint i = 0; i < 1000; i++)
    g_string_append_printf (xml, "<P%u><x/></P%u>", i, i);
  g_string_append (xml, "<Last>1</Last></flat-profile>");
  profile = parse_ok (xml->str);

  g_assert_cmpuint (profile->entries->len, ==, 1);
  /* 100 listed, then one line that counts the rest. */
  g_assert_cmpuint (profile->problems->len, ==, 101);
  g_assert_cmpstr (g_ptr_array_index (profile->problems, 100), ==, "900 more problems not listed");
}

static void
test_depth_64_ok (void)
{
  /* 64 levels are allowed (inside a parameter: a problem, not an error). */
  g_autoptr (GString) xml = g_string_new ("<flat-profile><A>");
  g_autoptr (PhonesecProfile) profile = NULL;

  for (guint i = 0; i < 62; i++)
    g_string_append (xml, "<x>");
  for (guint i = 0; i < 62; i++)
    g_string_append (xml, "</x>");
  g_string_append (xml, "</A><B>1</B></flat-profile>");
  profile = parse_ok (xml->str);
  g_assert_cmpuint (profile->entries->len, ==, 1);
  g_assert_cmpuint (profile->problems->len, ==, 1);
}

static void
test_explicit_length (void)
{
  /* @length counts; what follows is not read. */
  const char xml[] = FP ("<A>1</A>") "garbage";
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecProfile) profile
      = phonesec_profile_parse (xml, strlen (FP ("<A>1</A>")), &error);

  g_assert_no_error (error);
  assert_entry (profile, 0, "A", "1", NULL);
}

/* ------------------------------------------------------------- bad input */

static void
assert_error_mentions (const char *message, const char *what)
{
  g_assert_true (g_str_has_prefix (message, "line "));
  g_assert_nonnull (strstr (message, what));
}

static void
test_error_unclosed (void)
{
  g_autofree char *msg = parse_fail ("<flat-profile>\n  <A>1</A>\n  <B>2", -1);

  g_assert_true (g_str_has_prefix (msg, "line 3, column "));
  g_assert_nonnull (strstr (msg, "B"));
}

static void
test_error_mismatched (void)
{
  g_autofree char *msg = parse_fail ("<flat-profile>\n<A>1</B>\n</flat-profile>", -1);

  g_assert_true (g_str_has_prefix (msg, "line 2, column "));
  /* Our prefix replaces GMarkup's "Error on line…". */
  g_assert_null (strstr (msg, "Error on line"));
}

static void
test_error_bad_entity (void)
{
  g_autofree char *msg1 = parse_fail (FP ("\n<A>a&nbsp;b</A>"), -1);
  g_autofree char *msg2 = parse_fail (FP ("<A>a & b</A>"), -1);
  g_autofree char *msg3 = parse_fail (FP ("<A>&#0;</A>"), -1);
  g_autofree char *msg4 = parse_fail (FP ("<A ua=\"&bogus;\">x</A>"), -1);

  assert_error_mentions (msg1, "line 2, column ");
  assert_error_mentions (msg2, "line 1, column ");
  assert_error_mentions (msg3, "line 1, column ");
  assert_error_mentions (msg4, "line 1, column ");
}

static void
test_error_two_roots (void)
{
  g_autofree char *msg = parse_fail (FP ("<A>1</A>") "\n" FP ("<B>2</B>"), -1);

  assert_error_mentions (msg, "second root element <flat-profile>");
  g_assert_true (g_str_has_prefix (msg, "line 2, column "));
}

static void
test_error_text_outside_root (void)
{
  g_autofree char *before = parse_fail ("hello " FP (""), -1);
  g_autofree char *after = parse_fail (FP ("<A>1</A>") "\nbye", -1);
  g_autofree char *cdata = parse_fail (FP ("") "<![CDATA[x]]>", -1);

  assert_error_mentions (before, "text before the root element");
  assert_error_mentions (after, "text after the root element");
  assert_error_mentions (cdata, "text outside the root element");
}

static void
test_error_wrong_root (void)
{
  g_autofree char *msg = parse_fail ("<?xml version=\"1.0\"?>\n<profile><A>1</A></profile>", -1);

  assert_error_mentions (msg, "root element is <profile>");
  g_assert_true (g_str_has_prefix (msg, "line 2, column "));
}

static void
test_error_empty (void)
{
  g_autofree char *empty = parse_fail ("", -1);
  g_autofree char *blank = parse_fail ("  \n ", -1);
  g_autofree char *comment = parse_fail ("<?xml version=\"1.0\"?><!-- nothing -->", -1);

  assert_error_mentions (empty, "empty");
  assert_error_mentions (blank, "empty");
  assert_error_mentions (comment, "no root element");
}

static void
test_error_invalid_utf8 (void)
{
  g_autofree char *msg = parse_fail (FP ("\n<A>caf\xE9</A>"), -1);
  /* GMarkup alone would drop this CDATA and carry on. */
  g_autofree char *cdata = parse_fail (FP ("<A><![CDATA[\xFF]]></A><B>1</B>"), -1);
  g_autofree char *name = parse_fail (FP ("<A\xC3>1</A\xC3>"), -1);

  g_assert_cmpstr (msg, ==, "line 2, column 7: the text is not valid UTF-8");
  assert_error_mentions (cdata, "UTF-8");
  assert_error_mentions (name, "UTF-8");
}

static void
test_error_nul_byte (void)
{
  const char xml[] = "<flat-profile>\n<A>1\0</A></flat-profile>";
  g_autofree char *msg = parse_fail (xml, sizeof xml - 1);

  g_assert_cmpstr (msg, ==, "line 2: the document contains a NUL byte");
}

static void
test_error_duplicate_ua (void)
{
  g_autofree char *msg = parse_fail (FP ("<A ua=\"na\" ua=\"rw\">1</A>"), -1);

  assert_error_mentions (msg, "<A> has the attribute ua twice");
}

static void
test_error_long_names_quoted_short (void)
{
  /* A hostile name must not make a huge message. */
  g_autoptr (GString) xml = g_string_new ("<flat-profile><");
  g_autofree char *msg = NULL;

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (xml, 'N');
  g_string_append (xml, ">1</M></flat-profile>");
  msg = parse_fail (xml->str, xml->len);
  g_assert_cmpuint (strlen (msg), <, 400);

  g_string_assign (xml, "<");
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (xml, 'R');
  g_string_append (xml, "/>");
  g_free (msg);
  msg = parse_fail (xml->str, xml->len);
  assert_error_mentions (msg, "root element is <RRRR");
  g_assert_cmpuint (strlen (msg), <, 400);
}

static void
test_error_position (void)
{
  /* Lines and columns as an editor shows them (characters, 1-based),
   * whatever GMarkup's own counting quirks. */
  g_autofree char *leading_newline = parse_fail ("\n<flat-profile>\n<A>1</B>", -1);
  g_autofree char *multibyte = parse_fail ("<flat-profile>\n  <Ä>é</B>", -1);
  g_autofree char *tag_ends_line = parse_fail ("<flat-profile/>\n<x>\n</x>", -1);
  g_autofree char *first_line = parse_fail ("<flat-profile><A>1</B>", -1);
  g_autoptr (PhonesecProfile) profile
      = parse_ok ("\n\n<flat-profile>\n<A>\n1</A>\n</flat-profile>");

  g_assert_cmpstr (
      leading_newline, ==,
      "line 3, column 8: Element “B” was closed, but the currently open element is “A”");
  g_assert_true (g_str_has_prefix (multibyte, "line 2, column 10: "));
  g_assert_true (g_str_has_prefix (tag_ends_line, "line 2, column 4: a second root element <x>"));
  g_assert_true (g_str_has_prefix (first_line, "line 1, column 22: "));
  g_assert_cmpuint (((PhonesecProfileEntry *) profile->entries->pdata[0])->line, ==, 4);
}

static void
test_error_data_files (void)
{
  g_autofree char *dir_path = g_test_build_filename (G_TEST_DIST, "data", "profiles", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) dir = g_dir_open (dir_path, 0, &error);
  const char *name;
  guint n = 0;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      gsize len;
      g_autofree char *xml = NULL;
      g_autofree char *msg = NULL;

      if (!g_str_has_prefix (name, "malformed-"))
        continue;
      g_test_message ("%s", name);
      xml = load_data (name, &len);
      msg = parse_fail (xml, len);
      g_assert_true (g_str_has_prefix (msg, "line "));
      n++;
    }
  g_assert_cmpuint (n, >=, 6);
}

/* ---------------------------------------------------------------- limits */

static void
test_large_profile (void)
{
  g_autoptr (GString) xml = g_string_new ("<?xml version=\"1.0\"?>\n<flat-profile>\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecProfile) profile = NULL;
  gint64 start;
  double seconds;
  guint n = 0;

  while (xml->len < 10 * 1000 * 1000)
    {
      g_string_append_printf (
          xml, "  <Parameter_Name_%u_ ua=\"rw\">value %u, &amp; an entity</Parameter_Name_%u_>\n",
          n, n, n);
      n++;
    }
  g_string_append (xml, "</flat-profile>\n");

  start = g_get_monotonic_time ();
  profile = phonesec_profile_parse (xml->str, xml->len, &error);
  seconds = (g_get_monotonic_time () - start) / 1e6;
  g_test_message ("%" G_GSIZE_FORMAT " bytes, %u elements parsed in %.3f s", xml->len, n, seconds);

  g_assert_no_error (error);
  g_assert_cmpuint (profile->entries->len, ==, n);
  g_assert_cmpuint (n, >=, 100000);
  {
    g_autofree char *name = g_strdup_printf ("Parameter_Name_%u_", n - 1);
    g_autofree char *value = g_strdup_printf ("value %u, & an entity", n - 1);

    assert_entry (profile, n - 1, name, value, "rw");
  }
  /* Reported, not asserted: speed is measured in bench/ (~0.1 s here). */
  g_test_message ("10 MB profile parsed in %.3f s", seconds);
}

static void
test_deep_nesting (void)
{
  const guint depth = 100000;
  g_autoptr (GString) xml = g_string_new ("<flat-profile>");
  g_autofree char *msg = NULL;
  gint64 start;
  double seconds;

  for (guint i = 0; i < depth; i++)
    g_string_append (xml, "<a>");
  for (guint i = 0; i < depth; i++)
    g_string_append (xml, "</a>");
  g_string_append (xml, "</flat-profile>");

  start = g_get_monotonic_time ();
  msg = parse_fail (xml->str, xml->len);
  seconds = (g_get_monotonic_time () - start) / 1e6;
  g_test_message ("%u levels refused in %.6f s", depth, seconds);

  assert_error_mentions (msg, "nested more than 64 levels");
  g_assert_cmpfloat (seconds, <, 5.0);
}

static void
test_deep_nesting_unclosed (void)
{
  /* Unclosed too: the error comes at level 65, not at the end. */
  g_autoptr (GString) xml = g_string_new (NULL);
  g_autofree char *msg = NULL;

  for (guint i = 0; i < 100000; i++)
    g_string_append (xml, "<flat-profile>");
  msg = parse_fail (xml->str, xml->len);
  assert_error_mentions (msg, "nested more than 64 levels");
}

static void
test_too_many_entries (void)
{
  /* Small documents can still make millions of entries: capped. */
  g_autoptr (GString) xml = g_string_new ("<flat-profile>");
  g_autofree char *msg = NULL;
  g_autoptr (PhonesecProfile) profile = NULL;

  for (guint i = 0; i < 200000; i++)
    g_string_append (xml, "<A/>");
  g_string_append (xml, "</flat-profile>");
  profile = parse_ok (xml->str);
  g_assert_cmpuint (profile->entries->len, ==, 200000);

  g_string_truncate (xml, xml->len - strlen ("</flat-profile>"));
  g_string_append (xml, "<A/></flat-profile>");
  msg = parse_fail (xml->str, xml->len);
  assert_error_mentions (msg, "more than 200000 parameters");
}

static void
test_too_large (void)
{
  const gsize size = 16 * 1024 * 1024 + 1;
  g_autofree char *xml = g_malloc (size + 1);
  g_autofree char *msg = NULL;
  g_autofree char *msg_nul_terminated = NULL;
  gint64 start;

  /* A well-formed document, so only its size can be the reason. */
  memset (xml, ' ', size);
  memcpy (xml, "<flat-profile>", 14);
  memcpy (xml + size - 15, "</flat-profile>", 15);
  xml[size] = '\0';

  start = g_get_monotonic_time ();
  msg = parse_fail (xml, size);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
  g_assert_nonnull (strstr (msg, "16 MiB"));

  msg_nul_terminated = parse_fail (xml, -1);
  g_assert_nonnull (strstr (msg_nul_terminated, "16 MiB"));

  /* One byte less is accepted. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (PhonesecProfile) profile = NULL;

    memcpy (xml + size - 16, "</flat-profile>", 15);
    profile = phonesec_profile_parse (xml, size - 1, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (profile->entries->len, ==, 0);
  }
}

/* ---------------------------------------------------------------- writer */

static void
test_writer_format (void)
{
  PhonesecProfileWriter *writer = phonesec_profile_writer_new ();
  g_autofree char *xml = NULL;

  phonesec_profile_writer_add_comment (writer, "Proxy");
  phonesec_profile_writer_add (writer, "Proxy_Mode", "Manual", "rw");
  phonesec_profile_writer_add (writer, "Proxy_Host", "a&b", NULL);
  phonesec_profile_writer_add (writer, "Proxy_Username", "", "na");
  xml = phonesec_profile_writer_finish (writer);

  g_assert_cmpstr (xml, ==,
                   "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                   "<flat-profile>\n"
                   "  <!-- Proxy -->\n"
                   "  <Proxy_Mode ua=\"rw\">Manual</Proxy_Mode>\n"
                   "  <Proxy_Host>a&amp;b</Proxy_Host>\n"
                   "  <Proxy_Username ua=\"na\"/>\n"
                   "</flat-profile>\n");
}

static void
test_writer_empty (void)
{
  g_autofree char *xml = phonesec_profile_writer_finish (phonesec_profile_writer_new ());
  g_autoptr (PhonesecProfile) profile = parse_ok (xml);

  g_assert_cmpuint (profile->entries->len, ==, 0);
  g_assert_cmpuint (profile->problems->len, ==, 0);
}

static void
test_writer_round_trip (void)
{
  static const struct
  {
    const char *name, *value, *ua;
  } entries[] = {
    { "Proxy_Mode", "Manual", "rw" },
    { "Special", "& < > \" ' &amp; <![CDATA[x]]> -->", "na" },
    { "Non_ASCII", "Annuaire de l'équipe — 電話 \xF0\x9F\x98\x80", NULL },
    { "Empty", "", "ro" },
    { "Multi_Line", "line 1\nline 2\r\nline 3\rend\ttab", NULL },
    { "Controls",
      "a\x01\x08\x0b\x0c\x1f\x7f"
      "b",
      NULL },
    { "Odd_ua", "v", "\"quoted\" & 'single' <x>\t\n\r" },
    { "Enable_802.1X_Authentication", "Yes", NULL },
    { "SIP_Transport_1_", "TLS", "rw" },
    { "Proxy_Mode", "Auto", NULL }, /* duplicates stay, in order */
  };
  PhonesecProfileWriter *writer = phonesec_profile_writer_new ();
  g_autofree char *xml = NULL;
  g_autoptr (PhonesecProfile) profile = NULL;

  phonesec_profile_writer_add_comment (writer, "exported -- by phonesec --> <!-- -");
  for (gsize i = 0; i < G_N_ELEMENTS (entries); i++)
    phonesec_profile_writer_add (writer, entries[i].name, entries[i].value, entries[i].ua);
  phonesec_profile_writer_add_comment (writer, "---");
  xml = phonesec_profile_writer_finish (writer);
  g_test_message ("%s", xml);

  profile = parse_ok (xml);
  g_assert_cmpuint (profile->problems->len, ==, 0);
  g_assert_cmpuint (profile->entries->len, ==, G_N_ELEMENTS (entries));
  for (gsize i = 0; i < G_N_ELEMENTS (entries); i++)
    assert_entry (profile, i, entries[i].name, entries[i].value, entries[i].ua);
}

static void
test_writer_comment_escaped (void)
{
  PhonesecProfileWriter *writer = phonesec_profile_writer_new ();
  g_autofree char *xml = NULL;
  g_autoptr (PhonesecProfile) profile = NULL;
  const char *body;

  phonesec_profile_writer_add_comment (writer, "a -- b --> c ---- d-");
  phonesec_profile_writer_add (writer, "After", "1", NULL);
  xml = phonesec_profile_writer_finish (writer);

  /* Exactly one "--" pair opening and one closing the comment. */
  body = strstr (xml, "<!--");
  g_assert_nonnull (body);
  body += 4;
  g_assert_cmpstr (strstr (body, "--"), ==, strstr (body, "-->"));
  g_assert_nonnull (strstr (xml, "- -> c"));

  profile = parse_ok (xml);
  g_assert_cmpuint (profile->entries->len, ==, 1);
  assert_entry (profile, 0, "After", "1", NULL);
}

static void
test_writer_strips_nothing_but_reader_does (void)
{
  /* Surrounding white space does not survive a round trip, by design. */
  PhonesecProfileWriter *writer = phonesec_profile_writer_new ();
  g_autofree char *xml = NULL;
  g_autoptr (PhonesecProfile) profile = NULL;

  phonesec_profile_writer_add (writer, "A", "  x  ", NULL);
  xml = phonesec_profile_writer_finish (writer);
  profile = parse_ok (xml);
  assert_entry (profile, 0, "A", "x", NULL);
}

static void
test_writer_rejects_bad_name (void)
{
  if (g_test_subprocess ())
    {
      PhonesecProfileWriter *writer = phonesec_profile_writer_new ();

      phonesec_profile_writer_add (writer, "bad name>", "x", NULL);
      g_free (phonesec_profile_writer_finish (writer));
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*is_valid_name*");
}

int
main (int argc, char **argv)
{
  /* Some checks compare GLib's (GMarkup's) English wording. */
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/profile/parse/example-partial", test_example_partial);
  g_test_add_func ("/profile/parse/entities", test_entities);
  g_test_add_func ("/profile/parse/char-refs", test_char_refs);
  g_test_add_func ("/profile/parse/cdata", test_cdata);
  g_test_add_func ("/profile/parse/data-entities", test_data_entities);
  g_test_add_func ("/profile/parse/duplicates", test_duplicates);
  g_test_add_func ("/profile/parse/unknown-names", test_unknown_names);
  g_test_add_func ("/profile/parse/ua", test_ua);
  g_test_add_func ("/profile/parse/empty-elements", test_empty_elements);
  g_test_add_func ("/profile/parse/whitespace", test_whitespace);
  g_test_add_func ("/profile/parse/device-wrapper", test_device_wrapper);
  g_test_add_func ("/profile/parse/device-other-child", test_device_other_child);
  g_test_add_func ("/profile/parse/device-without-flat-profile", test_device_without_flat_profile);
  g_test_add_func ("/profile/parse/flat-profile-as-parameter", test_flat_profile_as_parameter);
  g_test_add_func ("/profile/parse/comments-pi", test_comments_pi);
  g_test_add_func ("/profile/parse/bom", test_bom);
  g_test_add_func ("/profile/parse/lines", test_lines);
  g_test_add_func ("/profile/parse/child-element", test_child_element);
  g_test_add_func ("/profile/parse/child-element-deep", test_child_element_deep);
  g_test_add_func ("/profile/parse/text-in-flat-profile", test_text_in_flat_profile);
  g_test_add_func ("/profile/parse/problem-cap", test_problem_cap);
  g_test_add_func ("/profile/parse/depth-64-ok", test_depth_64_ok);
  g_test_add_func ("/profile/parse/explicit-length", test_explicit_length);

  g_test_add_func ("/profile/error/unclosed", test_error_unclosed);
  g_test_add_func ("/profile/error/mismatched", test_error_mismatched);
  g_test_add_func ("/profile/error/bad-entity", test_error_bad_entity);
  g_test_add_func ("/profile/error/two-roots", test_error_two_roots);
  g_test_add_func ("/profile/error/text-outside-root", test_error_text_outside_root);
  g_test_add_func ("/profile/error/wrong-root", test_error_wrong_root);
  g_test_add_func ("/profile/error/empty", test_error_empty);
  g_test_add_func ("/profile/error/invalid-utf8", test_error_invalid_utf8);
  g_test_add_func ("/profile/error/nul-byte", test_error_nul_byte);
  g_test_add_func ("/profile/error/duplicate-ua", test_error_duplicate_ua);
  g_test_add_func ("/profile/error/long-names-quoted-short", test_error_long_names_quoted_short);
  g_test_add_func ("/profile/error/position", test_error_position);
  g_test_add_func ("/profile/error/data-files", test_error_data_files);

  g_test_add_func ("/profile/limits/large", test_large_profile);
  g_test_add_func ("/profile/limits/deep-nesting", test_deep_nesting);
  g_test_add_func ("/profile/limits/deep-nesting-unclosed", test_deep_nesting_unclosed);
  g_test_add_func ("/profile/limits/too-many-entries", test_too_many_entries);
  g_test_add_func ("/profile/limits/too-large", test_too_large);

  g_test_add_func ("/profile/writer/format", test_writer_format);
  g_test_add_func ("/profile/writer/empty", test_writer_empty);
  g_test_add_func ("/profile/writer/round-trip", test_writer_round_trip);
  g_test_add_func ("/profile/writer/comment-escaped", test_writer_comment_escaped);
  g_test_add_func ("/profile/writer/surrounding-space", test_writer_strips_nothing_but_reader_does);
  g_test_add_func ("/profile/writer/rejects-bad-name", test_writer_rejects_bad_name);

  return g_test_run ();
}
