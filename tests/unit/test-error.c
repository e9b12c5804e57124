/* test-error.c: phonesec_quote_for_message() against hostile names.
 *
 * Every error that names caller input quotes it through this function, so
 * whatever the input, the excerpt is short, one line, valid UTF-8, and
 * cannot pass for a "NAME: reason" line of its own.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "phonesec/phonesec-error.h"

/* Longest excerpt: 64 characters each escaped as \uNNNN, then the ellipsis. */
#define QUOTE_MAX_BYTES (PHONESEC_QUOTE_MAX_CHARS * 6 + sizeof ("…"))

/* What every excerpt is, whatever went in. */
static void
assert_safe (const char *quoted)
{
  g_assert_nonnull (quoted);
  g_assert_true (g_utf8_validate (quoted, -1, NULL));
  g_assert_cmpuint (strlen (quoted), <=, QUOTE_MAX_BYTES);
  for (const char *p = quoted; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      g_assert_true (g_unichar_isprint (c));
      g_assert_cmpint (g_unichar_type (c), !=, G_UNICODE_LINE_SEPARATOR);
      g_assert_cmpint (g_unichar_type (c), !=, G_UNICODE_PARAGRAPH_SEPARATOR);
    }
}

static void
test_plain_name_unchanged (void)
{
  g_autofree char *quoted = phonesec_quote_for_message ("Proxy_Port", -1);
  g_autofree char *accented = phonesec_quote_for_message ("Réseau_Privé", -1);
  g_autofree char *null = phonesec_quote_for_message (NULL, -1);

  g_assert_cmpstr (quoted, ==, "Proxy_Port");
  g_assert_cmpstr (accented, ==, "Réseau_Privé");
  g_assert_cmpstr (null, ==, "");
}

#define HUGE_SIZE (16 * 1024 * 1024)

/* A 16 MiB name: @pattern over and over. */
static char *
huge_name (const char *pattern)
{
  gsize period = strlen (pattern);
  char *name = g_malloc (HUGE_SIZE + 1);

  for (gsize i = 0; i < HUGE_SIZE; i++)
    name[i] = pattern[i % period];
  name[HUGE_SIZE] = '\0';
  return name;
}

/* A 16 MiB name gives 64 characters and "…", in no time. */
static void
test_huge_name_cut (void)
{
  g_autofree char *name = huge_name ("A");
  g_autofree char *quoted = NULL;
  g_autofree char *expected = NULL;

  quoted = phonesec_quote_for_message (name, -1);
  assert_safe (quoted);
  expected
      = g_strconcat ("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "…", NULL);
  g_assert_cmpstr (quoted, ==, expected);

  /* Exactly the limit: no ellipsis. */
  name[PHONESEC_QUOTE_MAX_CHARS] = '\0';
  g_clear_pointer (&quoted, g_free);
  quoted = phonesec_quote_for_message (name, -1);
  g_assert_cmpuint (strlen (quoted), ==, PHONESEC_QUOTE_MAX_CHARS);
}

/* The limit counts characters, not bytes: a multibyte character is never
 * cut in half. */
static void
test_cut_on_character (void)
{
  GString *name = g_string_new (NULL);
  g_autofree char *quoted = NULL;

  for (int i = 0; i < 100; i++)
    g_string_append (name, "é");
  quoted = phonesec_quote_for_message (name->str, -1);
  assert_safe (quoted);
  g_assert_cmpuint (g_utf8_strlen (quoted, -1), ==, PHONESEC_QUOTE_MAX_CHARS + 1);
  g_assert_true (g_str_has_suffix (quoted, "…"));
  g_string_free (name, TRUE);
}

/* A name holding newlines cannot add a "NAME: reason" line. */
static void
test_forged_line_escaped (void)
{
  g_autofree char *quoted = phonesec_quote_for_message ("Bad_Name\nProxy_Port: forged\r\n\tx", -1);

  assert_safe (quoted);
  g_assert_cmpstr (quoted, ==, "Bad_Name\\nProxy_Port: forged\\r\\n\\tx");
}

/* Control characters, C1 controls and Unicode line breaks, all escaped. */
static void
test_controls_escaped (void)
{
  static const struct
  {
    const char *in;
    const char *out;
  } cases[] = {
    { "a\x01"
      "b\x1b[2Jc\x7f",
      "a\\x01b\\x1B[2Jc\\x7F" },
    { "a\xc2\x85"
      "b",
      "a\\x85b" }, /* NEL */
    { "a\xe2\x80\xa8"
      "b",
      "a\\u2028b" }, /* LINE SEPARATOR */
    { "a\xe2\x80\xa9"
      "b",
      "a\\u2029b" }, /* PARAGRAPH SEPARATOR */
    { "a\xe2\x80\xae"
      "b",
      "a\\u202Eb" }, /* RIGHT-TO-LEFT OVERRIDE */
    { "a\x0b\x0c"
      "b",
      "a\\x0B\\x0Cb" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *quoted = phonesec_quote_for_message (cases[i].in, -1);

      assert_safe (quoted);
      g_assert_cmpstr (quoted, ==, cases[i].out);
    }
}

/* Invalid UTF-8 byte by byte, so the message stays valid UTF-8 (D-Bus
 * refuses anything else) and shows what was sent. */
static void
test_invalid_utf8_escaped (void)
{
  g_autofree char *quoted = phonesec_quote_for_message ("A\xff\xfe"
                                                        "B\xc3"
                                                        "C\xed\xa0\x80",
                                                        -1);
  g_autofree char *truncated = phonesec_quote_for_message ("x\xe2\x82", -1);

  assert_safe (quoted);
  g_assert_cmpstr (quoted, ==, "A\\xFF\\xFEB\\xC3C\\xED\\xA0\\x80");
  assert_safe (truncated);
  g_assert_cmpstr (truncated, ==, "x\\xE2\\x82");
}

/* @len bounds the input: a NUL inside it is escaped, nothing past it read. */
static void
test_length_bounds_input (void)
{
  static const char with_nul[] = { 'a', '\0', 'b', 'c' };
  g_autofree char *quoted = phonesec_quote_for_message (with_nul, 3);

  g_assert_cmpstr (quoted, ==, "a\\x00b");
}

/* 16 MiB of newlines and invalid bytes: still a short single line. */
static void
test_huge_hostile_name (void)
{
  g_autofree char *name = huge_name ("\n\xff\xe2\x80\xa8:");
  g_autofree char *quoted = phonesec_quote_for_message (name, -1);

  assert_safe (quoted);
  g_assert_true (g_str_has_suffix (quoted, "…"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/error/quote/plain-name-unchanged", test_plain_name_unchanged);
  g_test_add_func ("/error/quote/huge-name-cut", test_huge_name_cut);
  g_test_add_func ("/error/quote/cut-on-character", test_cut_on_character);
  g_test_add_func ("/error/quote/forged-line-escaped", test_forged_line_escaped);
  g_test_add_func ("/error/quote/controls-escaped", test_controls_escaped);
  g_test_add_func ("/error/quote/invalid-utf8-escaped", test_invalid_utf8_escaped);
  g_test_add_func ("/error/quote/length-bounds-input", test_length_bounds_input);
  g_test_add_func ("/error/quote/huge-hostile-name", test_huge_hostile_name);
  return g_test_run ();
}
