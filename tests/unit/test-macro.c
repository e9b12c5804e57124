/* test-macro.c: the provisioning macro expander, table-driven.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gstdio.h>
#include <string.h>

#include "phonesec/phonesec-device.h"
#include "phonesec/phonesec-macro.h"

/* A device whose MAC has letters, so $MA and $MAU differ. */
static const char device_ini[] = "[Device]\n"
                                 "MAC=0A-1B-2C-3D-4E-5F\n"
                                 "Serial=FCH2233ABCD\n"
                                 "ProductName=CP-8851-3PCC\n"
                                 "ProductSeries=8800\n"
                                 "SoftwareVersion=sip88xx.12-0-1MPP-0001\n"
                                 "HardwareVersion=2.1.0\n"
                                 "ClientCertificate=true\n";

static PhonesecDevice *
load_test_device (void)
{
  g_autofree char *dir = g_dir_make_tmp ("test-macro-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "device-info", NULL);
  g_autoptr (GError) error = NULL;
  PhonesecDevice *device;

  g_assert_nonnull (dir);
  g_assert_true (g_file_set_contents (path, device_ini, -1, NULL));
  device = phonesec_device_new_from_file (path, &error);
  g_assert_no_error (error);
  g_unlink (path);
  g_rmdir (dir);
  return device;
}

static GHashTable *
make_test_vars (void)
{
  g_autoptr (PhonesecDevice) device = load_test_device ();
  GHashTable *vars = phonesec_macro_vars_new (device, "192.0.2.15");

  /* Context macros, as a provisioning client adds them. */
  g_hash_table_insert (vars, g_strdup ("SCHEME"), g_strdup ("https"));
  g_hash_table_insert (vars, g_strdup ("SERVIP"), g_strdup ("198.51.100.7"));
  g_hash_table_insert (vars, g_strdup ("PORT"), g_strdup ("443"));
  g_hash_table_insert (vars, g_strdup ("PATH"), g_strdup ("/cfg/$PSN.xml"));
  g_hash_table_insert (vars, g_strdup ("ERR"), g_strdup ("HTTP 404"));
  /* Test-only names. */
  g_hash_table_insert (vars, g_strdup ("UTF"), g_strdup ("héllo wörld"));
  g_hash_table_insert (vars, g_strdup ("JP"), g_strdup ("日本語テキスト"));
  g_hash_table_insert (vars, g_strdup ("EVIL"), g_strdup ("$MA and $(SN) and $$"));
  g_hash_table_insert (vars, g_strdup ("EMPTY"), g_strdup (""));
  g_hash_table_insert (vars, g_strdup ("_U"), g_strdup ("under"));
  g_hash_table_insert (vars, g_strdup ("A1"), g_strdup ("digit"));
  return vars;
}

typedef struct
{
  const char *template;
  const char *expected;
} MacroCase;

static const MacroCase cases[] = {
  /* Every standard macro. */
  { "$MA", "0a1b2c3d4e5f" },
  { "$MAU", "0A1B2C3D4E5F" },
  { "$MAC", "0a:1b:2c:3d:4e:5f" },
  { "$SN", "FCH2233ABCD" },
  { "$PN", "CP-8851-3PCC" },
  { "$PSN", "8800" },
  { "$CCERT", "Installed" },
  { "$SWVER", "sip88xx.12-0-1MPP-0001" },
  { "$HWVER", "2.1.0" },
  { "$IP", "192.0.2.15" },
  { "$EXTIP", "192.0.2.15" },
  { "$_U", "under" },
  { "$A1", "digit" },
  /* Parenthesised and substrings. */
  { "$(MA)", "0a1b2c3d4e5f" },
  { "$(MAC)", "0a:1b:2c:3d:4e:5f" },
  { "$(SN:3)", "2233ABCD" },
  { "$(SN:3:4)", "2233" },
  { "$(SN:0:3)", "FCH" },
  { "$(MA:0)", "0a1b2c3d4e5f" },
  { "$(MA:01:02)", "a1" },
  { "$(MA:0:0)", "" },
  { "$(MA:10:100)", "5f" },
  { "SEP$(MAU:0:12).cnf", "SEP0A1B2C3D4E5F.cnf" },
  /* Offsets past the end. */
  { "$(MA:12)", "" },
  { "$(MA:13)", "" },
  { "$(MA:100:5)", "" },
  { "[$(MA:99999999999999999999999999)]", "[]" },
  { "[$(MA:2:99999999999999999999999999)]", "[1b2c3d4e5f]" },
  { "$(EMPTY:3)", "" },
  { "[$EMPTY]", "[]" },
  /* $$. */
  { "$$", "$" },
  { "$$$$", "$$" },
  { "$$MA", "$MA" },
  { "$$$MA", "$0a1b2c3d4e5f" },
  { "$$(MA)", "$(MA)" },
  { "cost: 5$$", "cost: 5$" },
  /* Unknown names stay, matched whole and case-sensitively. */
  { "$UNKNOWN", "$UNKNOWN" },
  { "$(UNKNOWN)", "$(UNKNOWN)" },
  { "$(UNKNOWN:1:2)", "$(UNKNOWN:1:2)" },
  { "$MAX", "$MAX" },
  { "$MA_x", "$MA_x" },
  { "$MA1", "$MA1" },
  { "$ma", "$ma" },
  { "$Ma $MA", "$Ma 0a1b2c3d4e5f" },
  /* Lone '$'. */
  { "$", "$" },
  { "a$", "a$" },
  { "$ MA", "$ MA" },
  { "$1MA", "$1MA" },
  { "$-", "$-" },
  { "$.$/", "$.$/" },
  /* Malformed $(...) is left exactly as written. */
  { "$(MA", "$(MA" },
  { "$(", "$(" },
  { "$()", "$()" },
  { "$(1A)", "$(1A)" },
  { "$( MA)", "$( MA)" },
  { "$(MA )", "$(MA )" },
  { "$(MA:", "$(MA:" },
  { "$(MA:)", "$(MA:)" },
  { "$(MA:1", "$(MA:1" },
  { "$(MA:1:)", "$(MA:1:)" },
  { "$(MA:1:2", "$(MA:1:2" },
  { "$(MA:-1)", "$(MA:-1)" },
  { "$(MA:1:-2)", "$(MA:1:-2)" },
  { "$(MA:+1)", "$(MA:+1)" },
  { "$(MA:x)", "$(MA:x)" },
  { "$(MA:1.5)", "$(MA:1.5)" },
  { "$(MA: 1)", "$(MA: 1)" },
  { "$(MA:1:2:3)", "$(MA:1:2:3)" },
  { "$(MA;1)", "$(MA;1)" },
  { "$((MA))", "$((MA))" },
  { "$(MA))", "0a1b2c3d4e5f)" },
  /* A malformed construct does not hide a good macro inside it. */
  { "$($MA)", "$(0a1b2c3d4e5f)" },
  { "$(MA:$SN)", "$(MA:FCH2233ABCD)" },
  /* Adjacent macros, start and end. */
  { "$MA$SN", "0a1b2c3d4e5fFCH2233ABCD" },
  { "$(MA)$(SN)", "0a1b2c3d4e5fFCH2233ABCD" },
  { "$MA-$SN", "0a1b2c3d4e5f-FCH2233ABCD" },
  { "$MA.xml", "0a1b2c3d4e5f.xml" },
  { "/cfg/$PSN.xml", "/cfg/8800.xml" },
  { "prt-$MA", "prt-0a1b2c3d4e5f" },
  { "x$(SN:0:3)y", "xFCHy" },
  /* UTF-8: offsets and lengths count characters. */
  { "$UTF", "héllo wörld" },
  { "$(UTF:1:4)", "éllo" },
  { "$(UTF:7)", "örld" },
  { "$(UTF:7:1)", "ö" },
  { "$(JP:2)", "語テキスト" },
  { "$(JP:1:2)", "本語" },
  { "$(JP:6:5)", "ト" },
  { "$(JP:7)", "" },
  { "« $PN »", "« CP-8851-3PCC »" },
  /* No recursion: expansions are inserted as they are. */
  { "$EVIL", "$MA and $(SN) and $$" },
  { "$(EVIL:0:3)", "$MA" },
  { "$(EVIL:4)", "and $(SN) and $$" },
  /* Nothing to expand. */
  { "", "" },
  { "no macros at all", "no macros at all" },
  /* Log_Request_Msg, Log_Success_Msg and Log_Failure_Msg defaults. */
  { "$PN $MAC -- Requesting resync $SCHEME://$SERVIP:$PORT$PATH",
    "CP-8851-3PCC 0a:1b:2c:3d:4e:5f -- Requesting resync https://198.51.100.7:443/cfg/$PSN.xml" },
  { "$PN $MAC -- Successful resync $SCHEME://$SERVIP:$PORT$PATH",
    "CP-8851-3PCC 0a:1b:2c:3d:4e:5f -- Successful resync https://198.51.100.7:443/cfg/$PSN.xml" },
  { "$PN $MAC -- Resync failed: $ERR",
    "CP-8851-3PCC 0a:1b:2c:3d:4e:5f -- Resync failed: HTTP 404" },
};

static void
test_macro_case (gconstpointer data)
{
  const MacroCase *c = data;
  g_autoptr (GHashTable) vars = make_test_vars ();
  g_autofree char *result = phonesec_macro_expand (c->template, vars);

  g_assert_cmpstr (result, ==, c->expected);
}

static void
test_macro_vars_null_device (void)
{
  static const char *const names[] = {
    "MA", "MAU", "MAC", "SN", "PN", "PSN", "CCERT", "SWVER", "HWVER", "IP", "EXTIP",
  };
  g_autoptr (GHashTable) vars = phonesec_macro_vars_new (NULL, NULL);
  g_autofree char *result = NULL;

  g_assert_cmpuint (g_hash_table_size (vars), ==, G_N_ELEMENTS (names));
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_cmpstr (g_hash_table_lookup (vars, names[i]), ==, "");

  /* Known but empty: the names disappear instead of leaking "$MA". */
  result = phonesec_macro_expand ("[$MA|$(SN:1)|$IP|$EXTIP|$NOPE]", vars);
  g_assert_cmpstr (result, ==, "[||||$NOPE]");
}

static void
test_macro_vars_default_device (void)
{
  g_autoptr (PhonesecDevice) device = phonesec_device_new_from_file (NULL, NULL);
  g_autoptr (GHashTable) vars = phonesec_macro_vars_new (device, "10.0.0.2");
  g_autofree char *result = NULL;

  g_assert_cmpuint (g_hash_table_size (vars), ==, 11);
  result
      = phonesec_macro_expand ("$MA $MAU $MAC $SN $PN $PSN $CCERT $SWVER $HWVER $IP $EXTIP", vars);
  g_assert_cmpstr (result, ==,
                   "001122334455 001122334455 00:11:22:33:44:55 FCH0000DEV1 CP-8841-3PCC 8800 "
                   "Not Installed sip88xx.12-0-1MPP-0001 1.0.0 10.0.0.2 10.0.0.2");
}

static void
test_macro_null_vars (void)
{
  g_autofree char *result = phonesec_macro_expand ("$MA $(SN) $$ $", NULL);

  g_assert_cmpstr (result, ==, "$MA $(SN) $ $");
}

static void
test_macro_null_value (void)
{
  g_autoptr (GHashTable) vars = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *result = NULL;

  /* A caller's table with a NULL value: treated as empty, not a crash. */
  g_hash_table_insert (vars, (char *) "X", NULL);
  result = phonesec_macro_expand ("[$X|$(X:1:2)]", vars);
  g_assert_cmpstr (result, ==, "[|]");
}

/* Builds @unit repeated to at least @size bytes, and the matching expected
 * output. */
static void
repeat (const char *unit, const char *unit_expected, gsize size, char **template, char **expected)
{
  GString *t = g_string_sized_new (size + strlen (unit));
  GString *e = g_string_sized_new (size * 2);

  while (t->len < size)
    {
      g_string_append (t, unit);
      g_string_append (e, unit_expected);
    }
  *template = g_string_free (t, FALSE);
  *expected = g_string_free (e, FALSE);
}

static void
test_macro_performance (void)
{
  /* Each pattern targets a way a naive expander goes quadratic: many
   * expansions, rescans after a failed "$(", one huge name, huge numbers. */
  static const struct
  {
    const char *unit;
    const char *expected;
  } patterns[] = {
    { "$MA x $$ $(SN:2:3) $UNKNOWN $(JP:1:1) ", "0a1b2c3d4e5f x $ H22 $UNKNOWN 本 " },
    { "$ ", "$ " },
    { "$$", "$" },
    { "$(", "$(" },
    { "$(MA:1:", "$(MA:1:" },
    { "$(MA", "$(MA" },
    { "AAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAA" },
    { "$MA", "0a1b2c3d4e5f" },
    { "99999999", "99999999" },
  };
  const gsize size = 1024 * 1024;
  g_autoptr (GHashTable) vars = make_test_vars ();

  for (gsize i = 0; i < G_N_ELEMENTS (patterns); i++)
    {
      g_autofree char *template = NULL;
      g_autofree char *expected = NULL;
      g_autofree char *result = NULL;
      g_autoptr (GTimer) timer = g_timer_new ();

      repeat (patterns[i].unit, patterns[i].expected, size, &template, &expected);
      result = phonesec_macro_expand (template, vars);
      g_test_message ("pattern %zu: %.3f s", i, g_timer_elapsed (timer, NULL));
      g_assert_true (strcmp (result, expected) == 0);
      /* No timing assertion (speed is for bench/): linear work takes
       * milliseconds, quadratic work on 1 MB would take hours and hit the
       * test's timeout. */
    }

  /* One 1 MB name after "$(" and after "$": looked at once, left as is. */
  for (gsize i = 0; i < 2; i++)
    {
      g_autofree char *template = g_malloc (size + 4);
      g_autofree char *result = NULL;
      g_autoptr (GTimer) timer = g_timer_new ();

      memcpy (template, i == 0 ? "$(" : "$A", 2);
      memset (template + 2, 'A', size);
      template[size + 2] = '\0';
      result = phonesec_macro_expand (template, vars);
      g_assert_true (strcmp (result, template) == 0);
      g_test_message ("1 MB name %zu: %.3f s", i, g_timer_elapsed (timer, NULL));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/macro/expand/%03zu", i);
      g_test_add_data_func (path, &cases[i], test_macro_case);
    }
  g_test_add_func ("/macro/vars/null-device", test_macro_vars_null_device);
  g_test_add_func ("/macro/vars/default-device", test_macro_vars_default_device);
  g_test_add_func ("/macro/expand/null-vars", test_macro_null_vars);
  g_test_add_func ("/macro/expand/null-value", test_macro_null_value);
  g_test_add_func ("/macro/performance", test_macro_performance);

  return g_test_run ();
}
