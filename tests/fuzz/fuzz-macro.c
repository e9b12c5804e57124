/* fuzz-macro.c: libFuzzer target for the provisioning macro expander.
 *
 * Besides memory safety (ASan/UBSan), checks invariants that need no second
 * implementation:
 * - a template without '$' comes back unchanged;
 * - with no variables only "$$" changes (to "$");
 * - the output is at most as long as every byte expanding to the longest value;
 * - valid UTF-8 in gives valid UTF-8 out (substrings cut at characters);
 * - expansion is deterministic.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "phonesec/phonesec-macro.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const char *const vars_table[][2] = {
  { "MA", "0a1b2c3d4e5f" },
  { "MAU", "0A1B2C3D4E5F" },
  { "MAC", "0a:1b:2c:3d:4e:5f" },
  { "SN", "FCH2233ABCD" },
  { "PN", "CP-8841-3PCC" },
  { "PSN", "8800" },
  { "CCERT", "Not Installed" },
  { "IP", "192.0.2.15" },
  { "EXTIP", "" },
  { "SCHEME", "https" },
  { "PATH", "/cfg/$PSN.xml" },
  { "UTF", "héllo wörld 日本語 🙂" },
  { "EVIL", "$MA $(SN:1:2) $$ $(" },
  { "_", "underscore" },
};

static GHashTable *vars;
static GHashTable *no_vars;
static gsize max_value_len;

static void
init (void)
{
  vars = g_hash_table_new (g_str_hash, g_str_equal);
  no_vars = g_hash_table_new (g_str_hash, g_str_equal);
  for (gsize i = 0; i < G_N_ELEMENTS (vars_table); i++)
    {
      g_hash_table_insert (vars, (char *) vars_table[i][0], (char *) vars_table[i][1]);
      max_value_len = MAX (max_value_len, strlen (vars_table[i][1]));
    }
}

/* The expected output with an empty table: "$$" → "$", nothing else. */
static char *
collapse_dollars (const char *s)
{
  GString *out = g_string_sized_new (strlen (s) + 1);

  for (; *s != '\0'; s++)
    {
      g_string_append_c (out, *s);
      if (s[0] == '$' && s[1] == '$')
        s++;
    }
  return g_string_free (out, FALSE);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *template = NULL;
  g_autofree char *result = NULL;
  g_autofree char *again = NULL;
  g_autofree char *plain = NULL;
  g_autofree char *expected_plain = NULL;
  size_t in_len, out_len;

  if (vars == NULL)
    init ();

  /* The API takes a C string: everything after a NUL is not part of it. */
  template = g_malloc (size + 1);
  memcpy (template, data, size);
  template[size] = '\0';
  in_len = strlen (template);

  result = phonesec_macro_expand (template, vars);
  out_len = strlen (result);

  if (strchr (template, '$') == NULL && strcmp (result, template) != 0)
    abort ();
  /* Each macro takes at least two input bytes ("$X"). */
  if (out_len > in_len * (max_value_len / 2 + 1))
    abort ();
  if (g_utf8_validate (template, -1, NULL) && !g_utf8_validate (result, -1, NULL))
    abort ();

  again = phonesec_macro_expand (template, vars);
  if (strcmp (again, result) != 0)
    abort ();

  plain = phonesec_macro_expand (template, no_vars);
  expected_plain = collapse_dollars (template);
  if (strcmp (plain, expected_plain) != 0)
    abort ();

  return 0;
}
