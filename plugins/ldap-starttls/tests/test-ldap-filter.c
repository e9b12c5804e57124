/* test-ldap-filter.c: unit tests of the pure helpers of ldap-starttls.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <phonesec/phonesec.h>
#include <string.h>

#include "phonesec-ldap-filter.h"

static void
test_escape_table (void)
{
  static const struct
  {
    const char *in;
    const char *out;
  } cases[] = {
    { "", "" },
    { "smith", "smith" },
    { "*", "\\2a" },
    { "(", "\\28" },
    { ")", "\\29" },
    { "\\", "\\5c" },
    { "a*b(c)d\\e", "a\\2ab\\28c\\29d\\5ce" },
    { "\t\n", "\\09\\0a" },
    { "Müller", "Müller" },
    { "日本", "日本" },
    { "=&|!~<>:", "=&|!~<>:" }, /* not special inside an assertion value */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = phonesec_ldap_escape_filter_value (cases[i].in, -1);
      g_assert_cmpstr (got, ==, cases[i].out);
    }
}

static void
test_escape_nul_and_invalid (void)
{
  g_autofree char *nul = phonesec_ldap_escape_filter_value ("a\0b", 3);
  g_autofree char *bad = phonesec_ldap_escape_filter_value ("\xff\xc3(", -1);

  g_assert_cmpstr (nul, ==, "a\\00b");
  g_assert_cmpstr (bad, ==, "\\ff\\c3\\28");
}

static void
test_injection (void)
{
  static const char *const attempts[] = {
    "*)(uid=*", "*", "x)(|(objectClass=*)", "\\2a", ")(&", "*)(userPassword=*))(|(cn=*",
  };

  for (guint i = 0; i < G_N_ELEMENTS (attempts); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *f = phonesec_ldap_build_filter ("", "", attempts[i], &error);
      g_autofree char *escaped = phonesec_ldap_escape_filter_value (attempts[i], -1);
      g_autofree char *expected = g_strdup_printf ("(|(cn=%s*)(sn=%s*))", escaped, escaped);

      g_assert_no_error (error);
      g_assert_cmpstr (f, ==, expected);
      /* The query adds no structure: the only unescaped specials are the
       * template's own. */
      g_assert_null (strchr (escaped, '('));
      g_assert_null (strchr (escaped, ')'));
      g_assert_null (strchr (escaped, '*'));
    }
  {
    g_autofree char *f = phonesec_ldap_build_filter ("", "", "*)(uid=*", NULL);
    g_assert_cmpstr (f, ==, "(|(cn=\\2a\\29\\28uid=\\2a*)(sn=\\2a\\29\\28uid=\\2a*))");
  }
}

static void
test_filter_forms (void)
{
  static const struct
  {
    const char *last, *first, *query, *out;
  } cases[] = {
    { "", "", "jo", "(|(cn=jo*)(sn=jo*))" },
    { "sn:(sn=$VALUE*)", "", "jo", "(sn=jo*)" },
    { "", "cn:(cn=$VALUE*)", "jo", "(cn=jo*)" },
    { "sn:(sn=$VALUE*)", "cn:(cn=$VALUE*)", "jo", "(|(sn=jo*)(cn=jo*))" },
    { "(sn=$VALUE*)", "(givenName=$VALUE*)", "a", "(|(sn=a*)(givenName=a*))" },
    { "sn=$VALUE*", "", "a", "(sn=a*)" },
    { "  sn : (sn=$VALUE*)  ", "", "a", "(sn=a*)" },
    { "(&(objectClass=person)(|(sn=$VALUE*)(cn=*$VALUE*)))", "", "x",
      "(&(objectClass=person)(|(sn=x*)(cn=*x*)))" },
    { "(cn:dn:=$VALUE)", "", "x", "(cn:dn:=x)" },        /* extensible match keeps its colons */
    { "sn:(sn=$VALUE*)", "", "$VALUE", "(sn=$VALUE*)" }, /* substituted once, never again */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *f
          = phonesec_ldap_build_filter (cases[i].last, cases[i].first, cases[i].query, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (f, ==, cases[i].out);
    }
}

static void
test_filter_bad (void)
{
  static const char *const bad[] = {
    "sn:(sn=smith)",     /* no $VALUE */
    "(sn=$VALUE*",       /* unbalanced */
    "(sn=$VALUE*))",     /* unbalanced */
    "(sn=$VALUE)(cn=x)", /* two top-level filters */
    "s n:(sn=$VALUE)",   /* not an attribute */
    "(sn=$VALUE\n)",     /* control character */
    ")$VALUE(",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *f = phonesec_ldap_build_filter (bad[i], "", "x", &error);
      g_assert_null (f);
      g_assert_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE);
    }
}

static void
test_attribute_names (void)
{
  g_assert_true (phonesec_ldap_attribute_name_is_valid ("cn"));
  g_assert_true (phonesec_ldap_attribute_name_is_valid ("telephoneNumber"));
  g_assert_true (phonesec_ldap_attribute_name_is_valid ("x-custom-1"));
  g_assert_true (phonesec_ldap_attribute_name_is_valid ("2.5.4.3"));
  g_assert_false (phonesec_ldap_attribute_name_is_valid (""));
  g_assert_false (phonesec_ldap_attribute_name_is_valid ("1cn"));
  g_assert_false (phonesec_ldap_attribute_name_is_valid ("2..5"));
  g_assert_false (phonesec_ldap_attribute_name_is_valid ("2.5."));
  g_assert_false (phonesec_ldap_attribute_name_is_valid ("cn;binary"));
  g_assert_false (phonesec_ldap_attribute_name_is_valid ("c n"));
  g_assert_false (phonesec_ldap_attribute_name_is_valid ("*"));
}

static void
test_display_attrs (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) a = NULL;
  PhonesecLdapDisplayAttr *x;

  a = phonesec_ldap_parse_display_attrs ("a=cn;a=sn;a=telephoneNumber", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (a->len, ==, 3);
  g_assert_cmpstr (((PhonesecLdapDisplayAttr *) a->pdata[2])->attribute, ==, "telephoneNumber");
  g_clear_pointer (&a, g_ptr_array_unref);

  a = phonesec_ldap_parse_display_attrs ("a=sn,n=Last name; a=mobile,n=Mobile,t=p;", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (a->len, ==, 2);
  x = a->pdata[1];
  g_assert_cmpstr (x->attribute, ==, "mobile");
  g_assert_cmpstr (x->label, ==, "Mobile");
  g_assert_true (x->number);
  g_clear_pointer (&a, g_ptr_array_unref);

  a = phonesec_ldap_parse_display_attrs ("cn, sn ,telephoneNumber;mail,cn", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (a->len, ==, 4); /* duplicate cn merged */
  g_clear_pointer (&a, g_ptr_array_unref);

  a = phonesec_ldap_parse_display_attrs ("", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (a->len, ==, 5);
  g_clear_pointer (&a, g_ptr_array_unref);

  static const char *const bad[]
      = { "a=cn;x=1", "n=Name", "a=c n", "a=cn,t", ";;", "cn,*", "a=(cn)" };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) e = NULL;
      g_autoptr (GPtrArray) r = phonesec_ldap_parse_display_attrs (bad[i], &e);
      g_assert_null (r);
      g_assert_error (e, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE);
    }
}

static void
test_number_mapping (void)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) n
      = phonesec_ldap_parse_number_mapping ("telephoneNumber, mobile;homePhone,mobile", &error);
  g_auto (GStrv) d = phonesec_ldap_parse_number_mapping ("", NULL);
  const char *const expected[] = { "telephoneNumber", "mobile", "homePhone", NULL };
  const char *const defaults[] = { "telephoneNumber", "mobile", NULL };

  g_assert_no_error (error);
  g_assert_true (g_strv_equal ((const char *const *) n, expected));
  g_assert_true (g_strv_equal ((const char *const *) d, defaults));

  static const char *const bad[] = { "<9:xx>", "tel number", ",", "cn;(x)" };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) e = NULL;
      g_auto (GStrv) r = phonesec_ldap_parse_number_mapping (bad[i], &e);
      g_assert_null (r);
      g_assert_error (e, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ldap/escape/table", test_escape_table);
  g_test_add_func ("/ldap/escape/nul-and-invalid", test_escape_nul_and_invalid);
  g_test_add_func ("/ldap/filter/injection", test_injection);
  g_test_add_func ("/ldap/filter/forms", test_filter_forms);
  g_test_add_func ("/ldap/filter/bad", test_filter_bad);
  g_test_add_func ("/ldap/attributes/names", test_attribute_names);
  g_test_add_func ("/ldap/attributes/display", test_display_attrs);
  g_test_add_func ("/ldap/attributes/number-mapping", test_number_mapping);
  return g_test_run ();
}
