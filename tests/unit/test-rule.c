/* test-rule.c: the provisioning rule grammar (phonesec-rule.h) with the
 * forms real cfg.xml files use, and bad input.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <phonesec/phonesec.h>
#include <string.h>

static GHashTable *
make_vars (const char *swver, const char *ems)
{
  GHashTable *vars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_hash_table_insert (vars, g_strdup ("SWVER"), g_strdup (swver));
  g_hash_table_insert (vars, g_strdup ("MA"), g_strdup ("001122334455"));
  if (ems != NULL)
    g_hash_table_insert (vars, g_strdup ("EMS"), g_strdup (ems));
  return vars;
}

static const PhonesecRuleEntry *
select_one (const char *text, GHashTable *vars, guint expected_entries)
{
  static PhonesecRule *keep; /* freed by the next call */
  g_autoptr (GError) error = NULL;
  const PhonesecRuleEntry *e;
  guint n = 0;

  g_clear_pointer (&keep, phonesec_rule_free);
  keep = phonesec_rule_parse (text, &error);
  g_assert_no_error (error);
  e = phonesec_rule_select (keep, vars, &n);
  g_assert_cmpuint (n, ==, expected_entries);
  return e;
}

static void
test_simple_forms (void)
{
  const PhonesecRuleEntry *e;

  e = select_one ("/$PSN.xml", NULL, 1);
  g_assert_cmpstr (e->url, ==, "/$PSN.xml");
  g_assert_null (e->key);
  e = select_one ("[--key VerySecretValue]tftp://prov.example.com/$MA.cfg", NULL, 1);
  g_assert_cmpstr (e->url, ==, "tftp://prov.example.com/$MA.cfg");
  g_assert_cmpstr (phonesec_secret_peek (e->key), ==, "VerySecretValue");
  e = select_one ("--key $B --uid u --pwd p https://h/a", NULL, 1);
  g_assert_cmpstr (phonesec_secret_peek (e->key), ==, "$B");
  g_assert_cmpstr (e->uid, ==, "u");
  g_assert_cmpstr (phonesec_secret_peek (e->pwd), ==, "p");
  e = select_one ("[--uid u --pwd p] https://[2001:db8::1]:8443/a", NULL, 1);
  g_assert_cmpstr (e->url, ==, "https://[2001:db8::1]:8443/a");
  e = select_one ("[--srv] https://prov.example.com/x.xml", NULL, 1);
  g_assert_true (e->srv);
  e = select_one ("gds://", NULL, 1);
  g_assert_cmpstr (e->url, ==, "gds://");
}

/* The two-entry report forms. */
static void
test_delta_status_entries (void)
{
  const PhonesecRuleEntry *e;

  e = select_one ("[--delta] http://r.example.com/d.xml [--status] http://r.example.com/s.xml",
                  NULL, 2);
  g_assert_cmpstr (e[0].delta, ==, "");
  g_assert_cmpstr (e[0].url, ==, "http://r.example.com/d.xml");
  g_assert_true (e[1].status);
  g_assert_cmpstr (e[1].url, ==, "http://r.example.com/s.xml");
  e = select_one ("[--delta http://r.example.com/base.xml] http://r.example.com/$MA.xml", NULL, 1);
  g_assert_cmpstr (e->delta, ==, "http://r.example.com/base.xml");
}

static void
test_conditions (void)
{
  const char *upgrade = "( $SWVER lt 7.5.2b )? http://a.example/x.bin | http://b.example/y.bin";
  const char *ems = "(\"$EMS\" eq \"mobile\")?[--uid $EXT1 --pwd $PWD1] http://a.example/m.xml | "
                    "http://b.example/d.xml";
  g_autoptr (GHashTable) old = make_vars ("7.5.1", NULL);
  g_autoptr (GHashTable) recent = make_vars ("7.5.10", "mobile");
  g_autoptr (GHashTable) desk = make_vars ("7.5.2b", "desk");

  g_assert_cmpstr (select_one (upgrade, old, 1)->url, ==, "http://a.example/x.bin");
  g_assert_cmpstr (select_one (upgrade, recent, 1)->url, ==, "http://b.example/y.bin");
  g_assert_cmpstr (select_one (upgrade, desk, 1)->url, ==, "http://b.example/y.bin");
  g_assert_cmpstr (select_one (ems, recent, 1)->uid, ==, "$EXT1");
  g_assert_cmpstr (select_one (ems, desk, 1)->url, ==, "http://b.example/d.xml");
  /* and binds tighter than or */
  g_assert_cmpstr (
      select_one ("( $SWVER gt 1 and $MA eq x or $MA eq 001122334455 )? /a.xml | /b.xml", old, 1)
          ->url,
      ==, "/a.xml");
  g_assert_cmpstr (
      select_one ("( $SWVER gt 9 and $MA eq 001122334455 )? /a.xml | /b.xml", old, 1)->url, ==,
      "/b.xml");
}

static void
test_no_alternative_holds (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecRule) rule = phonesec_rule_parse ("( a eq b )? /x.xml", &error);
  guint n = 7;

  g_assert_no_error (error);
  g_assert_null (phonesec_rule_select (rule, NULL, &n));
  g_assert_cmpuint (n, ==, 0);
}

static void
test_versions (void)
{
  g_assert_cmpint (phonesec_rule_compare_versions ("7.5.2b", "7.5.10"), <, 0);
  g_assert_cmpint (phonesec_rule_compare_versions ("7.5.2", "7.5.2b"), <, 0);
  g_assert_cmpint (phonesec_rule_compare_versions ("11-0-1MPP", "11-0-1"), >, 0);
  g_assert_cmpint (phonesec_rule_compare_versions ("007", "7"), ==, 0);
  g_assert_cmpint (phonesec_rule_compare_versions ("", ""), ==, 0);
  g_assert_cmpint (phonesec_rule_compare_versions ("", "1"), <, 0);
}

/* Bad input: refused with a message that never quotes a secret. */
static void
test_bad_input (void)
{
  static const struct
  {
    const char *rule, *message;
  } cases[] = {
    { "", "has no URL" },
    { "   ", "has no URL" },
    { "( $SWVER lt 7 http://a/x", "')' closing" },
    { "( $SWVER lt 7 ) http://a/x", "followed by '?'" },
    { "( $SWVER 7 )? http://a/x", "op one of" },
    { "( $SWVER like 7 )? http://a/x", "op one of" },
    { "( a eq b xor c eq d )? http://a/x", "'and' or 'or'" },
    { "[--key K", "']' closing" },
    { "[--key K junk] https://h/a", "inside the rule's [ ]" },
    { "--key", "--key needs a value" },
    { "[--key] https://h/a", "--key needs a value" },
    { "--uid u https://h/a", "go together" },
    { "--pwd=hunter2 https://h/a", "unknown rule option '--pwd'" },
    { "--key a --key b https://h/a", "given twice" },
    { "https://h/a |", "has no URL" },
    { "| https://h/a", "has no URL" },
    { "https://h/a extra", "unexpected 'extra'" },
    { "h/a.cfg", "path starting with '/'" },
    { "https://h/a\r\n", "control characters" },
    { "\"unterminated", "has no URL" },
    /* The masker sees "--pwd[x" as one word: not a password here either. */
    { "--uid u --pwd[secret https://h/a", "followed by a space" },
    /* Nor "[][]--key k2": the masker's word starts with '['. */
    { "[][]--key hunter2 h://", "after ']' is separated" },
    { "[--srv]--uid u --pwd hunter2 https://h/a", "after ']' is separated" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (PhonesecRule) rule = phonesec_rule_parse (cases[i].rule, &error);

      g_test_message ("rule %s", cases[i].rule);
      g_assert_null (rule);
      g_assert_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE);
      g_assert_nonnull (strstr (error->message, cases[i].message));
      g_assert_null (strstr (error->message, "hunter2"));
    }
}

static void
test_too_long_and_not_utf8 (void)
{
  g_autofree char *huge = g_strnfill (PHONESEC_RULE_MAX_LENGTH + 1, 'a');
  g_autoptr (GError) error = NULL;

  huge[0] = '/';
  g_assert_null (phonesec_rule_parse (huge, &error));
  g_assert_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE);
  g_clear_error (&error);
  g_assert_null (phonesec_rule_parse ("/a\xff.xml", &error));
  g_assert_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rule/simple-forms", test_simple_forms);
  g_test_add_func ("/rule/delta-status-entries", test_delta_status_entries);
  g_test_add_func ("/rule/conditions", test_conditions);
  g_test_add_func ("/rule/no-alternative-holds", test_no_alternative_holds);
  g_test_add_func ("/rule/versions", test_versions);
  g_test_add_func ("/rule/bad-input", test_bad_input);
  g_test_add_func ("/rule/too-long-and-not-utf8", test_too_long_and_not_utf8);
  return g_test_run ();
}
