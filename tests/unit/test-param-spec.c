/* test-param-spec.c: parsing, validation and formatting of parameter values.
 *
 * The specs below mirror real parameters of the schema (PARAMETERS.md), so
 * the tables read like the phone's own settings.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>
#include <gio/gio.h>

#include "phonesec-param-spec.h"
#include "phonesec/phonesec-error.h"

/* Never in a message: the caller adds "NAME: " itself. */
#define PARAM_NAME "Param_Name_Marker"
/* Never in a secret's message. */
#define SECRET_MARK "Hunter2Secret"

typedef PhonesecParamSpec *(*SpecFactory) (void);

static PhonesecParamSpec *
spec_new (PhonesecParamType type)
{
  PhonesecParamSpec *spec = g_new0 (PhonesecParamSpec, 1);

  spec->name = g_strdup (PARAM_NAME);
  spec->template_name = g_strdup (PARAM_NAME);
  spec->owner = g_strdup ("core");
  spec->type = type;
  spec->access = PHONESEC_ACCESS_NA;
  return spec;
}

static PhonesecParamSpec *
make_bool (void) /* Use_Auto_Discovery__WPAD_ */
{
  return spec_new (PHONESEC_PARAM_BOOL);
}

static PhonesecParamSpec *
make_firewall (void) /* Firewall: Enabled/Disabled */
{
  PhonesecParamSpec *spec = spec_new (PHONESEC_PARAM_BOOL);
  const char *words[] = { "Enabled", "Disabled", NULL };

  spec->bool_words = g_strdupv ((char **) words);
  return spec;
}

static PhonesecParamSpec *
make_proxy_mode (void)
{
  PhonesecParamSpec *spec = spec_new (PHONESEC_PARAM_ENUM);
  const char *choices[] = { "Auto", "Manual", "Off", NULL };

  spec->choices = g_strdupv ((char **) choices);
  return spec;
}

static PhonesecParamSpec *
make_tls_min (void)
{
  PhonesecParamSpec *spec = spec_new (PHONESEC_PARAM_ENUM);
  const char *choices[] = { "TLS 1.0", "TLS 1.1", "TLS 1.2", "TLS 1.3", NULL };

  spec->choices = g_strdupv ((char **) choices);
  return spec;
}

static PhonesecParamSpec *
make_port (void) /* Proxy_Port */
{
  return spec_new (PHONESEC_PARAM_PORT);
}

static PhonesecParamSpec *
make_prt_timer (void) /* PRT_Max_Timer: 15–1440 minutes or empty */
{
  PhonesecParamSpec *spec = spec_new (PHONESEC_PARAM_INT);

  spec->min = 15;
  spec->max = 1440;
  spec->optional = TRUE;
  return spec;
}

static PhonesecParamSpec *
make_plain_int (void) /* no bounds: the whole "i" range */
{
  return spec_new (PHONESEC_PARAM_INT);
}

static PhonesecParamSpec *
make_proxy_host (void)
{
  PhonesecParamSpec *spec = spec_new (PHONESEC_PARAM_STRING);

  spec->kind = g_strdup ("host");
  spec->max_length = 255;
  return spec;
}

static PhonesecParamSpec *
make_cipher_list (void)
{
  PhonesecParamSpec *spec = spec_new (PHONESEC_PARAM_STRING);

  spec->kind = g_strdup ("cipher-list");
  spec->max_length = 521;
  return spec;
}

static PhonesecParamSpec *
make_dir_name (void) /* like LDAP_Corp_Dir_Name, with a tiny limit */
{
  PhonesecParamSpec *spec = spec_new (PHONESEC_PARAM_STRING);

  spec->kind = g_strdup ("text");
  spec->max_length = 5;
  return spec;
}

static PhonesecParamSpec *
make_password (void)
{
  PhonesecParamSpec *spec = spec_new (PHONESEC_PARAM_STRING);

  spec->max_length = 16;
  spec->secret = TRUE;
  return spec;
}

static PhonesecParamSpec *
make_pac_url (void)
{
  PhonesecParamSpec *spec = spec_new (PHONESEC_PARAM_URL);
  const char *schemes[] = { "tftp", "http", "https", NULL };

  spec->schemes = g_strdupv ((char **) schemes);
  spec->max_length = 511;
  return spec;
}

static PhonesecParamSpec *
make_dhcp_options (void)
{
  PhonesecParamSpec *spec = spec_new (PHONESEC_PARAM_LIST);

  spec->item_kind = g_strdup ("int");
  spec->min = 1;
  spec->max = 254;
  spec->max_items = 8;
  return spec;
}

static PhonesecParamSpec *
make_domains (void) /* Restricted_Access_Domains */
{
  PhonesecParamSpec *spec = spec_new (PHONESEC_PARAM_LIST);

  spec->item_kind = g_strdup ("fqdn");
  spec->max_length = 40;
  return spec;
}

/* Secret variants: the same rules, quoted never. */
static PhonesecParamSpec *
make_secret (SpecFactory factory)
{
  PhonesecParamSpec *spec = factory ();

  spec->secret = TRUE;
  return spec;
}

/* ---- tables ------------------------------------------------------------- */

typedef struct
{
  SpecFactory make;
  const char *input;
  const char *canonical; /* format (parse (input)) */
} GoodCase;

static const GoodCase good_cases[] = {
  { make_bool, "Yes", "Yes" },
  { make_bool, " oui ", "Yes" },
  { make_bool, "NO", "No" },
  { make_bool, "1", "Yes" },
  { make_bool, "off", "No" },
  { make_bool, "D\xc3\xa9sactiv\xc3\xa9", "No" },
  { make_bool, "Enabled", "Yes" },
  { make_firewall, "enabled", "Enabled" },
  { make_firewall, "ACTIV\xc3\x89", "Enabled" },
  { make_firewall, "No", "Disabled" },
  { make_proxy_mode, "auto", "Auto" },
  { make_proxy_mode, " MANUAL\t", "Manual" },
  { make_proxy_mode, "Off", "Off" },
  { make_tls_min, "tls 1.2", "TLS 1.2" },
  { make_port, "3128", "3128" },
  { make_port, " 0 ", "0" },
  { make_port, "65535", "65535" },
  { make_port, "+80", "80" },
  { make_port, "008080", "8080" },
  { make_prt_timer, "", "" },
  { make_prt_timer, "   ", "" },
  { make_prt_timer, "0", "" }, /* "unset", though outside 15..1440 */
  { make_prt_timer, "15", "15" },
  { make_prt_timer, "1440", "1440" },
  { make_plain_int, "-2147483648", "-2147483648" },
  { make_plain_int, "2147483647", "2147483647" },
  { make_proxy_host, "proxy.example.com", "proxy.example.com" },
  { make_proxy_host, "  10.0.0.1\n", "10.0.0.1" },
  { make_proxy_host, "", "" },
  { make_cipher_list, "RSA:!aNULL:!eNULL", "RSA:!aNULL:!eNULL" },
  { make_dir_name, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9" },
  { make_password, "s3cr3t pass", "s3cr3t pass" },
  { make_pac_url, "", "" },
  { make_pac_url, "http://proxy.department.branch.example.com",
    "http://proxy.department.branch.example.com" },
  { make_pac_url, " TFTP://10.0.0.1/p.pac ", "TFTP://10.0.0.1/p.pac" },
  { make_dhcp_options, "66,160,159,150,60,43,125", "66,160,159,150,60,43,125" },
  { make_dhcp_options, "66,160 , 159", "66,160,159" },
  { make_dhcp_options, "17 160 159", "17,160,159" },
  { make_dhcp_options, " ,066,, +160 ,", "66,160" },
  { make_dhcp_options, "", "" },
  { make_domains, "voiceip.com, voiceipl.com", "voiceip.com,voiceipl.com" },
};

typedef struct
{
  SpecFactory make;
  const char *input;
  const char *message; /* the exact message, or a fragment when prefixed with '~' */
} BadCase;

static const BadCase bad_cases[] = {
  { make_port, "70000", "70000 is out of range; allowed: 0 to 65535" },
  { make_port, "-1", "-1 is out of range; allowed: 0 to 65535" },
  { make_port, "abc", "'abc' is not a whole number; allowed: 0 to 65535" },
  { make_port, "80.5", "'80.5' is not a whole number; allowed: 0 to 65535" },
  { make_port, "0x50", "'0x50' is not a whole number; allowed: 0 to 65535" },
  { make_port, "", "a number is required; allowed: 0 to 65535" },
  { make_port, "99999999999999999999999",
    "99999999999999999999999 is out of range; allowed: 0 to 65535" },
  { make_prt_timer, "14", "14 is out of range; allowed: 15 to 1440, or empty" },
  { make_prt_timer, "1441", "1441 is out of range; allowed: 15 to 1440, or empty" },
  { make_plain_int, "2147483648", "~is out of range" },
  { make_proxy_mode, "Sometimes", "'Sometimes' is not a choice; allowed: Auto, Manual, Off" },
  { make_proxy_mode, "", "an empty value is not a choice; allowed: Auto, Manual, Off" },
  { make_proxy_mode, "Au to", "~is not a choice" },
  { make_tls_min, "TLS1.2",
    "'TLS1.2' is not a choice; allowed: TLS 1.0, TLS 1.1, TLS 1.2, TLS 1.3" },
  { make_bool, "maybe", "expected Yes or No, got 'maybe'" },
  { make_bool, "", "expected Yes or No, got an empty value" },
  { make_firewall, "sometimes", "expected Enabled or Disabled, got 'sometimes'" },
  { make_proxy_host, "http://proxy.example.com", "~give only the host" },
  { make_proxy_host, "proxy.example.com:3128", "~the port is a separate setting" },
  { make_dir_name, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
    "too long (6 characters); allowed: at most 5" },
  { make_dir_name, "a\x01", "~control character" },
  { make_dir_name, "caf\xe9", "~not valid UTF-8" },
  { make_pac_url, "ftp://example.com/p.pac",
    "the scheme 'ftp' is not allowed; allowed: tftp, http, https" },
  { make_pac_url, "proxy.example.com", "~must start with a scheme" },
  { make_pac_url, "http://", "~has no server" },
  { make_dhcp_options, "66,abc", "item 2: 'abc' is not a whole number" },
  { make_dhcp_options, "66 300", "item 2: 300 is out of range; allowed: 1 to 254" },
  { make_dhcp_options, "1 2 3 4 5 6 7 8 9", "too many items (9); allowed: at most 8" },
  { make_domains, "voiceip.com, 10.0.0.1", "~item 2: '10.0.0.1' is an IP address" },
  { make_domains, "aaaaaaaaaa.com,bbbbbbbbbb.com,cccccccccc.com",
    "too long (44 characters); allowed: at most 40" },
};

static void
assert_message (const char *input, const GError *error, const char *expected)
{
  g_assert_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE);
  if (expected[0] == '~')
    {
      if (strstr (error->message, expected + 1) == NULL)
        g_error ("'%s': \"%s\" lacks \"%s\"", input, error->message, expected + 1);
    }
  else if (strcmp (error->message, expected) != 0)
    g_error ("'%s': \"%s\", expected \"%s\"", input, error->message, expected);
  g_assert_null (strstr (error->message, PARAM_NAME));
}

/* ---- behaviour ---------------------------------------------------------- */

static void
test_good_values_parse_to_their_canonical_form (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (good_cases); i++)
    {
      g_autoptr (PhonesecParamSpec) spec = good_cases[i].make ();
      g_autoptr (GError) error = NULL;
      g_autoptr (GVariant) value = NULL;
      g_autofree char *text = NULL;

      value = phonesec_param_spec_parse_string (spec, good_cases[i].input, &error);
      if (value == NULL)
        g_error ("'%s' refused: %s", good_cases[i].input, error->message);
      g_assert_false (g_variant_is_floating (value));
      g_assert_true (g_variant_is_of_type (value, phonesec_param_spec_get_value_type (spec)));
      text = phonesec_param_spec_format (spec, value);
      g_assert_cmpstr (text, ==, good_cases[i].canonical);
    }
}

static void
test_bad_values_say_what_is_wrong_and_allowed (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autoptr (PhonesecParamSpec) spec = bad_cases[i].make ();
      g_autoptr (GError) error = NULL;
      g_autoptr (GVariant) value = NULL;

      value = phonesec_param_spec_parse_string (spec, bad_cases[i].input, &error);
      if (value != NULL)
        g_error ("'%s' was accepted", bad_cases[i].input);
      assert_message (bad_cases[i].input, error, bad_cases[i].message);
    }
}

static void
test_canonical_form_round_trips (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (good_cases); i++)
    {
      g_autoptr (PhonesecParamSpec) spec = good_cases[i].make ();
      g_autoptr (GVariant) first
          = phonesec_param_spec_parse_string (spec, good_cases[i].input, NULL);
      g_autofree char *text = phonesec_param_spec_format (spec, first);
      g_autoptr (GVariant) again = phonesec_param_spec_parse_string (spec, text, NULL);
      g_autofree char *text_again = NULL;

      g_assert_nonnull (again);
      g_assert_true (g_variant_equal (first, again));
      text_again = phonesec_param_spec_format (spec, again);
      g_assert_cmpstr (text, ==, text_again);
    }
}

typedef struct
{
  SpecFactory make;
  const char *variant; /* GVariant text format */
  const char *canonical;
} TypedGoodCase;

static const TypedGoodCase typed_good[] = {
  { make_port, "uint32 3128", "3128" },
  { make_port, "byte 0x07", "7" },
  { make_port, "int16 5", "5" },
  { make_port, "uint16 80", "80" },
  { make_port, "int32 443", "443" },
  { make_port, "int64 8080", "8080" },
  { make_port, "uint64 22", "22" },
  { make_prt_timer, "int32 0", "" },
  { make_prt_timer, "int32 60", "60" },
  { make_bool, "true", "Yes" },
  { make_firewall, "false", "Disabled" },
  { make_proxy_mode, "'manual'", "Manual" },
  { make_port, "' 3128 '", "3128" },
  { make_bool, "'Oui'", "Yes" },
  { make_dhcp_options, "['66', ' 160 ', '159,150']", "66,160,159,150" },
  { make_dhcp_options, "@as []", "" },
  { make_dhcp_options, "'66 160'", "66,160" },
};

static GVariant *
variant_parse (const char *text)
{
  g_autoptr (GError) error = NULL;
  GVariant *value = g_variant_parse (NULL, text, NULL, NULL, &error);

  g_assert_no_error (error);
  return value; /* g_variant_parse() returns a non-floating reference */
}

static void
test_typed_values_parse_like_their_string_form (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (typed_good); i++)
    {
      g_autoptr (PhonesecParamSpec) spec = typed_good[i].make ();
      g_autoptr (GVariant) input = variant_parse (typed_good[i].variant);
      g_autoptr (GError) error = NULL;
      g_autoptr (GVariant) value = phonesec_param_spec_parse (spec, input, &error);
      g_autoptr (GVariant) from_text = NULL;
      g_autofree char *text = NULL;

      if (value == NULL)
        g_error ("%s refused: %s", typed_good[i].variant, error->message);
      text = phonesec_param_spec_format (spec, value);
      g_assert_cmpstr (text, ==, typed_good[i].canonical);
      from_text = phonesec_param_spec_parse_string (spec, text, &error);
      g_assert_no_error (error);
      g_assert_true (g_variant_equal (value, from_text));
    }
}

static const BadCase typed_bad[] = {
  { make_port, "uint32 70000", "70000 is out of range; allowed: 0 to 65535" },
  { make_port, "int32 -1", "-1 is out of range; allowed: 0 to 65535" },
  { make_port, "uint64 18446744073709551615",
    "18446744073709551615 is out of range; allowed: 0 to 65535" },
  { make_prt_timer, "int64 5000", "5000 is out of range; allowed: 15 to 1440, or empty" },
  { make_plain_int, "int64 4294967296", "~is out of range" },
  { make_port, "'70000'", "70000 is out of range; allowed: 0 to 65535" },
  { make_dhcp_options, "true", "~wrong value type 'b'; allowed: 'as'" },
  { make_dhcp_options, "['66', 'x']", "item 2: 'x' is not a whole number" },
  { make_bool, "uint32 1", "~wrong value type 'u'; allowed: 'b'" },
  { make_port, "3128.0", "~wrong value type 'd'; allowed: 'u'" },
  { make_port, "true", "~wrong value type 'b'" },
  { make_prt_timer, "['1']", "~wrong value type 'as'; allowed: 'i'" },
  { make_proxy_mode, "true", "~wrong value type 'b'; allowed: 's'" },
  { make_proxy_host, "['a']", "~wrong value type 'as'; allowed: 's'" },
  { make_pac_url, "<'http://x/'>", "~wrong value type 'v'" },
  { make_proxy_mode, "'Sometimes'", "'Sometimes' is not a choice; allowed: Auto, Manual, Off" },
};

static void
test_typed_values_of_the_wrong_type_name_the_expected_type (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (typed_bad); i++)
    {
      g_autoptr (PhonesecParamSpec) spec = typed_bad[i].make ();
      g_autoptr (GVariant) input = variant_parse (typed_bad[i].input);
      g_autoptr (GError) error = NULL;
      g_autoptr (GVariant) value = phonesec_param_spec_parse (spec, input, &error);

      if (value != NULL)
        g_error ("%s was accepted", typed_bad[i].input);
      assert_message (typed_bad[i].input, error, typed_bad[i].message);
    }
}

static void
test_secrets_are_never_quoted (void)
{
  static const struct
  {
    SpecFactory make;
    const char *input;
  } cases[] = {
    { make_password, SECRET_MARK "-and-much-too-long" },
    { make_proxy_host, "http://" SECRET_MARK },
    { make_proxy_host, SECRET_MARK ":3128" },
    { make_dir_name, "a\x01" SECRET_MARK },
    { make_proxy_mode, SECRET_MARK },
    { make_bool, SECRET_MARK },
    { make_port, SECRET_MARK },
    { make_port, "99999999999999999999" SECRET_MARK },
    { make_pac_url, "ftp://" SECRET_MARK "/" },
    { make_pac_url, "http://" SECRET_MARK "..x/" },
    { make_dhcp_options, "66 " SECRET_MARK },
    { make_domains, "ok.com " SECRET_MARK ".1" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (PhonesecParamSpec) spec = make_secret (cases[i].make);
      g_autoptr (GError) error = NULL;
      g_autoptr (GVariant) value = phonesec_param_spec_parse_string (spec, cases[i].input, &error);

      g_assert_null (value);
      g_assert_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE);
      if (strstr (error->message, SECRET_MARK) != NULL || strstr (error->message, "Hunter") != NULL)
        g_error ("a secret was quoted: %s", error->message);
      g_test_message ("%s", error->message);
      g_assert_true (strstr (error->message, "allowed") != NULL
                     || strstr (error->message, "expected") != NULL);
    }
}

static void
test_secret_too_long_message_gives_lengths_only (void)
{
  g_autoptr (PhonesecParamSpec) spec = make_password ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) value
      = phonesec_param_spec_parse_string (spec, SECRET_MARK SECRET_MARK, &error);

  g_assert_null (value);
  g_assert_cmpstr (error->message, ==,
                   "the value is too long (26 characters); allowed: at most 16");
}

static void
test_huge_input_gives_a_short_message (void)
{
  static const SpecFactory factories[] = {
    make_bool,      make_firewall,  make_proxy_mode,   make_tls_min,     make_port,
    make_prt_timer, make_plain_int, make_proxy_host,   make_cipher_list, make_dir_name,
    make_password,  make_pac_url,   make_dhcp_options, make_domains,
  };
  g_autofree char *huge = g_strnfill (1024 * 1024, 'x');

  for (gsize i = 0; i < G_N_ELEMENTS (factories); i++)
    {
      g_autoptr (PhonesecParamSpec) spec = factories[i]();
      g_autoptr (GError) error = NULL;
      g_autoptr (GVariant) value = phonesec_param_spec_parse_string (spec, huge, &error);

      g_assert_null (value);
      if (strlen (error->message) > 300)
        g_error ("%s: a %zu-byte message", phonesec_param_type_to_string (spec->type),
                 strlen (error->message));
    }
}

static void
test_invalid_utf8_is_refused_for_every_type (void)
{
  static const SpecFactory factories[] = {
    make_bool, make_proxy_mode, make_port, make_password, make_pac_url, make_dhcp_options,
  };

  for (gsize i = 0; i < G_N_ELEMENTS (factories); i++)
    {
      g_autoptr (PhonesecParamSpec) spec = factories[i]();
      g_autoptr (GError) error = NULL;
      g_autoptr (GVariant) value = phonesec_param_spec_parse_string (spec, "Yes\xc3(", &error);

      g_assert_null (value);
      assert_message ("Yes\\xc3(", error, "~not valid UTF-8");
    }
}

static void
test_max_length_counts_characters_not_bytes (void)
{
  g_autoptr (PhonesecParamSpec) spec = make_pac_url ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) url = g_string_new ("http://example.com/");
  g_autoptr (GVariant) value = NULL;

  /* 511 characters, 1003 bytes: accepted. */
  while (g_utf8_strlen (url->str, -1) < 511)
    g_string_append (url, "\xc3\xa9");
  value = phonesec_param_spec_parse_string (spec, url->str, &error);
  g_assert_no_error (error);
  g_clear_pointer (&value, g_variant_unref);

  while (g_utf8_strlen (url->str, -1) < 600)
    g_string_append (url, "\xc3\xa9");
  value = phonesec_param_spec_parse_string (spec, url->str, &error);
  g_assert_null (value);
  g_assert_cmpstr (error->message, ==, "too long (600 characters); allowed: at most 511");
}

static void
test_list_max_length_bounds_the_canonical_form (void)
{
  g_autoptr (PhonesecParamSpec) spec = make_dhcp_options ();
  g_autoptr (GVariant) value = NULL;
  g_autoptr (GError) error = NULL;

  spec->max_length = 7;
  value = phonesec_param_spec_parse_string (spec, "1 ,  2 ,  3 ,  4", &error);
  g_assert_no_error (error); /* "1,2,3,4" is 7 characters */
  g_clear_pointer (&value, g_variant_unref);
  value = phonesec_param_spec_parse_string (spec, "1,2,3,4,5", &error);
  g_assert_null (value);
  g_assert_cmpstr (error->message, ==, "too long (9 characters); allowed: at most 7");
}

static void
test_list_without_item_kind_takes_any_items (void)
{
  g_autoptr (PhonesecParamSpec) spec = spec_new (PHONESEC_PARAM_LIST);
  g_autoptr (GVariant) value = phonesec_param_spec_parse_string (spec, "a, b\tc,,", NULL);
  g_autofree char *text = phonesec_param_spec_format (spec, value);

  g_assert_cmpstr (text, ==, "a,b,c");
}

static void
test_list_int_items_without_bounds_take_any_integer (void)
{
  g_autoptr (PhonesecParamSpec) spec = make_dhcp_options ();
  g_autoptr (GVariant) value = NULL;
  g_autofree char *text = NULL;

  spec->min = spec->max = 0;
  value = phonesec_param_spec_parse_string (spec, "-5 0 99999", NULL);
  text = phonesec_param_spec_format (spec, value);
  g_assert_cmpstr (text, ==, "-5,0,99999");
}

static void
test_enum_prefers_the_exact_spelling (void)
{
  g_autoptr (PhonesecParamSpec) spec = spec_new (PHONESEC_PARAM_ENUM);
  const char *choices[] = { "tls", "TLS", NULL };
  g_autoptr (GVariant) exact = NULL;
  g_autoptr (GVariant) folded = NULL;

  spec->choices = g_strdupv ((char **) choices);
  exact = phonesec_param_spec_parse_string (spec, "TLS", NULL);
  folded = phonesec_param_spec_parse_string (spec, "Tls", NULL);
  g_assert_cmpstr (g_variant_get_string (exact, NULL), ==, "TLS");
  g_assert_cmpstr (g_variant_get_string (folded, NULL), ==, "tls");
}

static void
test_port_bounds_narrow_with_min_and_max (void)
{
  g_autoptr (PhonesecParamSpec) spec = make_port ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) value = NULL;

  spec->min = 1024;
  spec->max = 70000; /* clamped to the port range */
  value = phonesec_param_spec_parse_string (spec, "80", &error);
  g_assert_null (value);
  g_assert_cmpstr (error->message, ==, "80 is out of range; allowed: 1024 to 65535");
}

static void
test_value_types_follow_the_design (void)
{
  static const struct
  {
    PhonesecParamType type;
    const char *signature;
  } cases[] = {
    { PHONESEC_PARAM_BOOL, "b" },  { PHONESEC_PARAM_ENUM, "s" },   { PHONESEC_PARAM_INT, "i" },
    { PHONESEC_PARAM_PORT, "u" },  { PHONESEC_PARAM_STRING, "s" }, { PHONESEC_PARAM_URL, "s" },
    { PHONESEC_PARAM_LIST, "as" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (PhonesecParamSpec) spec = spec_new (cases[i].type);
      const GVariantType *type = phonesec_param_spec_get_value_type (spec);

      g_assert_true (g_variant_type_equal (type, G_VARIANT_TYPE (cases[i].signature)));
    }
}

static void
test_type_and_access_names_round_trip (void)
{
  static const char *const types[] = { "bool", "enum", "int", "port", "string", "url", "list" };
  static const char *const access[] = { "na", "ro", "rw" };
  PhonesecParamType type;
  PhonesecAccess ua;

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      g_assert_true (phonesec_param_type_from_string (types[i], &type));
      g_assert_cmpint (type, ==, i);
      g_assert_cmpstr (phonesec_param_type_to_string (type), ==, types[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (access); i++)
    {
      g_assert_true (phonesec_access_from_string (access[i], &ua));
      g_assert_cmpint (ua, ==, i);
      g_assert_cmpstr (phonesec_access_to_string (ua), ==, access[i]);
    }
  g_assert_true (phonesec_access_from_string ("RW", &ua));
  g_assert_cmpint (ua, ==, PHONESEC_ACCESS_RW);
  g_assert_false (phonesec_access_from_string ("wr", &ua));
  g_assert_false (phonesec_access_from_string ("", &ua));
  g_assert_false (phonesec_param_type_from_string ("integer", &type));
}

static void
test_free_releases_every_field (void)
{
  PhonesecParamSpec *spec = make_pac_url ();
  const char *aliases[] = { "Old_Name", NULL };

  /* valgrind checks that nothing leaks here. */
  spec->kind = g_strdup ("text");
  spec->item_kind = g_strdup ("int");
  spec->tab = g_strdup ("system");
  spec->section = g_strdup ("HTTP Proxy Settings");
  spec->label = g_strdup ("PAC URL");
  spec->help = g_strdup ("URL of a PAC file");
  spec->aliases = g_strdupv ((char **) aliases);
  spec->default_value = g_variant_ref_sink (g_variant_new_string (""));
  phonesec_param_spec_free (spec);
  phonesec_param_spec_free (NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/param-spec/good-values-parse-to-their-canonical-form",
                   test_good_values_parse_to_their_canonical_form);
  g_test_add_func ("/param-spec/bad-values-say-what-is-wrong-and-allowed",
                   test_bad_values_say_what_is_wrong_and_allowed);
  g_test_add_func ("/param-spec/canonical-form-round-trips", test_canonical_form_round_trips);
  g_test_add_func ("/param-spec/typed/values-parse-like-their-string-form",
                   test_typed_values_parse_like_their_string_form);
  g_test_add_func ("/param-spec/typed/wrong-type-names-the-expected-type",
                   test_typed_values_of_the_wrong_type_name_the_expected_type);
  g_test_add_func ("/param-spec/secret/never-quoted", test_secrets_are_never_quoted);
  g_test_add_func ("/param-spec/secret/too-long-message-gives-lengths-only",
                   test_secret_too_long_message_gives_lengths_only);
  g_test_add_func ("/param-spec/messages/huge-input-gives-a-short-message",
                   test_huge_input_gives_a_short_message);
  g_test_add_func ("/param-spec/messages/invalid-utf8-is-refused-for-every-type",
                   test_invalid_utf8_is_refused_for_every_type);
  g_test_add_func ("/param-spec/string/max-length-counts-characters-not-bytes",
                   test_max_length_counts_characters_not_bytes);
  g_test_add_func ("/param-spec/list/max-length-bounds-the-canonical-form",
                   test_list_max_length_bounds_the_canonical_form);
  g_test_add_func ("/param-spec/list/without-item-kind-takes-any-items",
                   test_list_without_item_kind_takes_any_items);
  g_test_add_func ("/param-spec/list/int-items-without-bounds-take-any-integer",
                   test_list_int_items_without_bounds_take_any_integer);
  g_test_add_func ("/param-spec/enum/prefers-the-exact-spelling",
                   test_enum_prefers_the_exact_spelling);
  g_test_add_func ("/param-spec/port/bounds-narrow-with-min-and-max",
                   test_port_bounds_narrow_with_min_and_max);
  g_test_add_func ("/param-spec/value-types-follow-the-design", test_value_types_follow_the_design);
  g_test_add_func ("/param-spec/type-and-access-names-round-trip",
                   test_type_and_access_names_round_trip);
  g_test_add_func ("/param-spec/free-releases-every-field", test_free_releases_every_field);

  return g_test_run ();
}
