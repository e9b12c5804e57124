/* test-validators.c: the value checks behind the schema's `Kind=`.
 *
 * Tables of good and bad input per kind; every bad row names a fragment the
 * message must contain, so a message that stops saying what is allowed
 * fails here.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>
#include <gio/gio.h>

#include "phonesec-validators.h"
#include "phonesec/phonesec-error.h"

typedef struct
{
  const char *kind;
  const char *value;
} GoodCase;

typedef struct
{
  const char *kind;
  const char *value;
  const char *message; /* a fragment the error message must contain */
} BadCase;

static void
assert_good (const char *kind, const char *value)
{
  g_autoptr (GError) error = NULL;

  if (!phonesec_validate_kind (kind, value, &error))
    g_error ("%s '%s' was refused: %s", kind, value, error->message);
}

static void
assert_bad (const char *kind, const char *value, const char *fragment)
{
  g_autoptr (GError) error = NULL;

  if (phonesec_validate_kind (kind, value, &error))
    g_error ("%s '%s' was accepted", kind, value);
  g_assert_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE);
  if (strstr (error->message, fragment) == NULL)
    g_error ("%s '%s': message \"%s\" lacks \"%s\"", kind, value, error->message, fragment);
}

static void
run_good (const GoodCase *cases, gsize n)
{
  for (gsize i = 0; i < n; i++)
    assert_good (cases[i].kind, cases[i].value);
}

static void
run_bad (const BadCase *cases, gsize n)
{
  for (gsize i = 0; i < n; i++)
    assert_bad (cases[i].kind, cases[i].value, cases[i].message);
}

/* ---- host, host-port, fqdn ---------------------------------------------- */

static void
test_host_accepts_names_and_addresses (void)
{
  static const GoodCase cases[] = {
    { "host", "proxy.example.com" },
    { "host", "localhost" },
    { "host", "10.0.0.1" },
    { "host", "::1" },
    { "host", "fe80::1" },
    { "host", "2001:db8::42" },
    { "host", "vpn_server.example.com" }, /* the guide's own example */
    { "host", "a-b.c-d.example" },
    { "host", "123abc.example.com" },
    { "host", "xn--t-9fab.fr" },
  };
  run_good (cases, G_N_ELEMENTS (cases));
}

static void
test_host_rejects_schemes_ports_paths_and_junk (void)
{
  static const BadCase cases[] = {
    { "host", "http://proxy.example.com", "give only the host" },
    { "host", "proxy.example.com:3128", "the port is a separate setting" },
    { "host", "proxy.example.com/pac", "contains a path" },
    { "host", "user@proxy", "user information" },
    { "host", "[::1]", "without brackets" },
    { "host", "a..b", "empty label" },
    { "host", ".example.com", "starts with '.'" },
    { "host", "example.com.", "ends with '.'" },
    { "host", "-bad.example.com", "starts or ends with '-'" },
    { "host", "bad-.example.com", "starts or ends with '-'" },
    { "host", "exa mple.com", "the character ' ' is not allowed" },
    { "host", "ex!ample.com", "the character '!' is not allowed" },
    { "host", "\xc3\xa9t\xc3\xa9.fr", "xn--" },
    { "host", "10.0.0.256", "not a valid IPv4 address" },
    { "host", "1.2.3", "not a valid IPv4 address" },
    { "host", "example.123", "last label is all digits" },
    { "host", "1:2:3:4:5:6:7:8:9", "not a valid IPv6 address" },
    { "host", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com",
      "at most 63" },
  };
  run_bad (cases, G_N_ELEMENTS (cases));
}

static void
test_host_longer_than_253_is_refused (void)
{
  g_autoptr (GString) name = g_string_new (NULL);

  while (name->len < 260)
    g_string_append (name, "abcdefghi.");
  g_string_append (name, "com");
  assert_bad ("host", name->str, "at most 253");
}

static void
test_host_port_accepts_optional_port (void)
{
  static const GoodCase cases[] = {
    { "host-port", "syslog.example.com" }, { "host-port", "syslog.example.com:514" },
    { "host-port", "10.0.0.1:1" },         { "host-port", "10.0.0.1:65535" },
    { "host-port", "[::1]:514" },          { "host-port", "[2001:db8::1]" },
    { "host-port", "2001:db8::1" },
  };
  run_good (cases, G_N_ELEMENTS (cases));
}

static void
test_host_port_rejects_bad_ports_and_brackets (void)
{
  static const BadCase cases[] = {
    { "host-port", "h:0", "allowed: 1 to 65535" },
    { "host-port", "h:65536", "allowed: 1 to 65535" },
    { "host-port", "h:", "port after ':' is missing" },
    { "host-port", "h:abc", "'abc' is not a valid port" },
    { "host-port", "h: 514", "not a valid port" },
    { "host-port", "[::1", "']' closing" },
    { "host-port", "[example.com]:514", "not a valid IPv6 address" },
    { "host-port", "[::1]514", "allowed: [address]:port" },
    { "host-port", "2001:db8::1:514x", "[address]:port" },
    { "host-port", "udp://h:514", "give only the host" },
  };
  run_bad (cases, G_N_ELEMENTS (cases));
}

static void
test_fqdn_accepts_domain_names (void)
{
  static const GoodCase cases[] = {
    { "fqdn", "voiceip.com" },
    { "fqdn", "a.b.c.example.org" },
    { "fqdn", "localdomain" },
  };
  run_good (cases, G_N_ELEMENTS (cases));
}

static void
test_fqdn_rejects_addresses_and_trailing_garbage (void)
{
  static const BadCase cases[] = {
    { "fqdn", "10.0.0.1", "is an IP address" },
    { "fqdn", "::1", "is an IP address" },
    { "fqdn", "voiceip.com:80", "':' is not allowed" },
    { "fqdn", "voiceip.com/x", "contains a path" },
    { "fqdn", "voiceip.com,", "the character ',' is not allowed" },
    { "fqdn", "*.voiceip.com", "the character '*' is not allowed" },
  };
  run_bad (cases, G_N_ELEMENTS (cases));
}

/* ---- headers, text, cipher lists, ints, PRT names ----------------------- */

static void
test_header_name_is_an_rfc9110_token (void)
{
  static const GoodCase good[] = {
    { "header-name", "X-Customer-Id" },
    { "header-name", "x_tag.v2" },
    { "header-name", "!#$%&'*+-.^_`|~" },
  };
  static const BadCase bad[] = {
    { "header-name", "X Customer", "the character ' ' is not allowed in a header name" },
    { "header-name", "X:Y", "the character ':'" },
    { "header-name", "X-\xc3\xa9", "the character '\xc3\xa9'" },
    { "header-name", "X\x01", "'\\x01'" },
  };
  g_autofree char *long_name = g_strnfill (128, 'x');

  run_good (good, G_N_ELEMENTS (good));
  run_bad (bad, G_N_ELEMENTS (bad));
  assert_bad ("header-name", long_name, "at most 127");
}

static void
test_header_value_is_visible_ascii_without_line_breaks (void)
{
  static const GoodCase good[] = {
    { "header-value", "abc 123\t$MA" },
    { "header-value", "Bearer x.y.z" },
  };
  static const BadCase bad[] = {
    { "header-value", "a\r\nX-Injected: 1", "line break" },
    { "header-value", "a\nb", "line break" },
    { "header-value", "caf\xc3\xa9", "only contain ASCII" },
    { "header-value", "a\x7f", "control character \\x7F" },
  };
  g_autofree char *long_value = g_strnfill (128, 'v');

  run_good (good, G_N_ELEMENTS (good));
  run_bad (bad, G_N_ELEMENTS (bad));
  assert_bad ("header-value", long_value, "at most 127");
}

static void
test_text_refuses_control_characters_and_bad_utf8 (void)
{
  static const GoodCase good[] = {
    { "text", "$PN $MAC -- Requesting resync $SCHEME://$SERVIP:$PORT$PATH" },
    { "text", "Annuaire d'entreprise \xc3\xa9t\xc3\xa9" },
    { "text", "\xe2\x98\x8e phone" },
  };
  static const BadCase bad[] = {
    { "text", "a\tb", "U+0009 at character 2" },
    { "text", "line\nbreak", "U+000A" },
    { "text", "c1\xc2\x85", "U+0085" },
    { "text", "bad\xff", "not valid UTF-8" },
  };
  run_good (good, G_N_ELEMENTS (good));
  run_bad (bad, G_N_ELEMENTS (bad));
}

static void
test_cipher_list_is_printable_ascii (void)
{
  static const GoodCase good[] = {
    { "cipher-list", "RSA:!aNULL:!eNULL" },
    { "cipher-list", "HIGH:MEDIUM:AES:@STRENGTH" },
    { "cipher-list", "ECDHE-RSA-AES256-GCM-SHA384 AES128-SHA" },
    /* Meaning is the TLS policy's business, which reports bad lists. */
    { "cipher-list", "NOT-A-CIPHER" },
  };
  static const BadCase bad[] = {
    { "cipher-list", "HIGH\t!MD5", "\\x09" },
    { "cipher-list", "HIGH:\xc3\xa9", "\\xC3" },
  };
  run_good (good, G_N_ELEMENTS (good));
  run_bad (bad, G_N_ELEMENTS (bad));
}

static void
test_int_kind_is_a_decimal_integer (void)
{
  static const GoodCase good[] = {
    { "int", "0" }, { "int", "66" }, { "int", "-5" }, { "int", "+7" }, { "int", "007" },
  };
  static const BadCase bad[] = {
    { "int", "0x10", "'0x10' is not a whole number" },
    { "int", "1.5", "not a whole number" },
    { "int", "12a", "not a whole number" },
    { "int", "99999999999999999999", "not a whole number" },
  };
  run_good (good, G_N_ELEMENTS (good));
  run_bad (bad, G_N_ELEMENTS (bad));
}

static void
test_prt_name_allows_macros (void)
{
  static const GoodCase good[] = {
    { "prt-name", "prt-string-$MA" }, { "prt-name", "prt_$(MAU)_$SN" },
    { "prt-name", "log.$(MA:1:6)" },  { "prt-name", "report-$(SN:4)" },
    { "prt-name", "plain-name.tar" },
  };
  static const BadCase bad[] = {
    { "prt-name", "prt/../../etc", "the character '/'" },
    { "prt-name", "..hidden", "cannot start with '.'" },
    { "prt-name", "prt name", "the character ' '" },
    { "prt-name", "prt-$", "is not a macro" },
    { "prt-name", "prt-$(MA", "is not a macro" },
    { "prt-name", "prt-$(MA:x)", "is not a macro" },
    { "prt-name", "prt-$$", "is not a macro" },
  };
  run_good (good, G_N_ELEMENTS (good));
  run_bad (bad, G_N_ELEMENTS (bad));
}

/* ---- rules -------------------------------------------------------------- */

static void
test_rule_accepts_options_urls_and_paths (void)
{
  static const GoodCase cases[] = {
    { "rule", "/$PSN.xml" },
    { "rule", "tftp://prov.example.com/$MA.cfg" },
    { "rule", "https://prov.example.com/cfg/$MA.xml" },
    { "rule", "HTTPS://prov.example.com/x" },
    { "rule", "http://$SERV/$(MA).cfg" },
    { "rule", "--key $B tftp://$SERV/$MA.cfg" },
    { "rule", "--uid admin --pwd s3cret https://prov.example.com/a" },
    { "rule", "--key K   --uid u --pwd p   https://prov.example.com/a" },
    { "rule", "[--key VerySecretValue]tftp://prov.example.com/$MA.cfg" },
    { "rule", "[--uid u --pwd p] https://[2001:db8::1]:8443/a" },
  };
  run_good (cases, G_N_ELEMENTS (cases));
}

static void
test_rule_rejects_bad_options_and_urls (void)
{
  static const BadCase cases[] = {
    { "rule", "ftp://prov.example.com/a", "the scheme 'ftp' is not allowed" },
    { "rule", "prov.example.com/a.cfg", "a path starting with '/'" },
    { "rule", "--key", "--key needs a value" },
    { "rule", "--key K", "the rule has no URL" },
    { "rule", "--uid u https://h/a", "--uid and --pwd go together" },
    { "rule", "--pwd p https://h/a", "--uid and --pwd go together" },
    { "rule", "--key a --key b https://h/a", "--key is given twice" },
    { "rule", "--cert x https://h/a", "unknown rule option '--cert'" },
    { "rule", "https://h/a extra", "unexpected 'extra' after the rule's URL" },
    { "rule", "[--key K https://h/a", "']' closing" },
    { "rule", "[--key K junk] https://h/a", "inside the rule's [ ]" },
    { "rule", "https://h/a\nhttps://evil/", "control characters" },
    { "rule", "http:///x", "has no server" },
    { "rule", "http://$SERV:/x", NULL },
  };
  /* The last row is fine: macros make the port unknowable until expanded. */
  run_bad (cases, G_N_ELEMENTS (cases) - 1);
  assert_good ("rule", cases[G_N_ELEMENTS (cases) - 1].value);
}

static void
test_rule_errors_never_quote_the_password (void)
{
  static const char *const rules[] = {
    "--uid u --pwd Hunter2Secret ftp://h/a",
    "--uid u --pwd Hunter2Secret h/a",
    "--uid u --pwd Hunter2Secret https://h/a extra",
    "--pwd Hunter2Secret https://h/a",
    "--uid u --pwd=Hunter2Secret https://h/a",
    "[--uid u Hunter2Secret] https://h/a",
    "--uid u --pwd Hunter2Secret https://h:99999/a",
    "[--uid u --pwd Hunter2Secret] https://bad..host/a",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (rules); i++)
    {
      g_autoptr (GError) error = NULL;

      g_assert_false (phonesec_validate_kind ("rule", rules[i], &error));
      g_assert_nonnull (error);
      g_assert_null (strstr (error->message, "Hunter2Secret"));
    }
}

/* ---- URLs --------------------------------------------------------------- */

static const char *const web_schemes[] = { "tftp", "http", "https", NULL };
static const char *const ldap_schemes[] = { "ldap", "ldaps", NULL };

static void
test_url_accepts_allowed_schemes_case_insensitively (void)
{
  static const char *const urls[] = {
    "http://proxy.department.branch.example.com",
    "https://wpad.example.com/wpad.dat",
    "tftp://10.0.0.1/proxy.pac",
    "HTTP://Example.COM/A",
    "HtTpS://[2001:db8::1]:8443/p?q=1#f",
    "http://user:pass@example.com/x",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr (GError) error = NULL;
      if (!phonesec_validate_url (urls[i], web_schemes, &error))
        g_error ("'%s' refused: %s", urls[i], error->message);
    }
  g_assert_true (phonesec_validate_url ("LDAPS://dir.example.com:636", ldap_schemes, NULL));
  g_assert_true (phonesec_validate_url ("mailto:admin@example.com", NULL, NULL));
}

static void
test_url_rejects_bad_urls_with_clear_messages (void)
{
  static const struct
  {
    const char *url;
    const char *message;
  } cases[] = {
    { "ftp://example.com/x", "the scheme 'ftp' is not allowed; allowed: tftp, http, https" },
    { "example.com/proxy.pac", "must start with a scheme" },
    { "http://", "has no server" },
    { "http:/x", "has no server" },
    { "http:///path", "has no server" },
    { "http://exa mple.com/", "cannot contain spaces" },
    { "http://example.com/a b", "cannot contain spaces" },
    { "http://example.com/\x01", "control character \\x01" },
    { "http://example.com:70000/", "allowed: 1 to 65535" },
    { "http://example.com:0/", "allowed: 1 to 65535" },
    { "http://example.com:port/", "allowed: 1 to 65535" },
    { "http://[::1/", "host of the URL is not valid" },
    { "http://example.com/%zz", "%-escape" },
    { "http://a..b/", "empty label" },
    { "http://example.com/\xff", "not valid UTF-8" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;

      if (phonesec_validate_url (cases[i].url, web_schemes, &error))
        g_error ("'%s' was accepted", cases[i].url);
      g_assert_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE);
      if (strstr (error->message, cases[i].message) == NULL)
        g_error ("'%s': \"%s\" lacks \"%s\"", cases[i].url, error->message, cases[i].message);
    }
}

static void
test_url_errors_never_quote_user_information (void)
{
  static const char *const urls[] = {
    "http://admin:Hunter2Secret@example.com:99999/",
    "http://admin:Hunter2Secret@bad..host/",
    "http://admin:Hunter2%zzSecret@example.com/",
    "ftp://admin:Hunter2Secret@example.com/",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autoptr (GError) error = NULL;

      g_assert_false (phonesec_validate_url (urls[i], web_schemes, &error));
      g_assert_null (strstr (error->message, "Hunter2"));
    }
}

static void
test_url_any_scheme_when_schemes_is_null (void)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (phonesec_validate_url ("sips:alice@example.com", NULL, NULL));
  g_assert_false (phonesec_validate_url ("no-scheme-here", NULL, &error));
  g_assert_nonnull (strstr (error->message, "must start with a scheme"));
}

/* ---- firewall options --------------------------------------------------- */

static void
test_firewall_accepts_the_guide_grammar (void)
{
  static const char *const good[] = {
    "NO_ICMP_PING",
    "NO_ICMP_PING,TCP:12000,UDP:8000:8010", /* the guide's example */
    "NO_ICMP_UNREACHABLE,NO_CISCO_TFTP",
    "no_icmp_ping, udp : 5000 , tcp:1:65535",
    "UDP:1,UDP:2,UDP:3,UDP:4,UDP:5,TCP:1,TCP:2,TCP:3,TCP:4,TCP:5",
    "UDP:8000:8000",
    "NO_ICMP_PING,,TCP:80,",
    "",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr (GError) error = NULL;
      if (!phonesec_validate_firewall_options (good[i], &error))
        g_error ("'%s' refused: %s", good[i], error->message);
    }
}

static void
test_firewall_rejects_with_the_fix_in_the_message (void)
{
  static const struct
  {
    const char *value;
    const char *message; /* the exact message */
  } cases[] = {
    { "UDP:8010:8000", "UDP:8010:8000: the range is reversed; write UDP:8000:8010" },
    { "tcp : 90 : 80", "TCP:90:80: the range is reversed; write TCP:80:90" },
    { "UDP:1,UDP:2,UDP:3,UDP:4,UDP:5,UDP:6",
      "6 UDP options; allowed: at most 5 (single ports and ranges together)" },
    { "TCP:1,TCP:2,TCP:3,TCP:4:5,TCP:5,TCP:6:7",
      "6 TCP options; allowed: at most 5 (single ports and ranges together)" },
    { "UDP:0", "UDP:0: '0' is not a port; allowed: 1 to 65535" },
    { "TCP:65536", "TCP:65536: '65536' is not a port; allowed: 1 to 65535" },
    { "UDP:abc", "UDP:abc: 'abc' is not a port; allowed: 1 to 65535" },
    { "UDP", "UDP: a port is missing; write UDP:port or UDP:first:last" },
    { "TCP:1:2:3", "TCP:1:2:3: too many values; write TCP:port or TCP:first:last" },
    { "NO_ICMP_PING:1", "NO_ICMP_PING:1: NO_ICMP_PING takes no value" },
    { "ICMP", "'ICMP' is not a firewall option; allowed: NO_ICMP_PING, NO_ICMP_UNREACHABLE, "
              "NO_CISCO_TFTP, UDP:port, UDP:first:last, TCP:port, TCP:first:last" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;

      if (phonesec_validate_firewall_options (cases[i].value, &error))
        g_error ("'%s' was accepted", cases[i].value);
      g_assert_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

static void
test_firewall_options_kind_uses_the_same_grammar (void)
{
  assert_good ("firewall-options", "NO_ICMP_PING,TCP:12000,UDP:8000:8010");
  assert_bad ("firewall-options", "UDP:8010:8000", "write UDP:8000:8010");
}

/* ---- parse_bool, parse_int64 -------------------------------------------- */

static void
test_parse_bool_accepts_every_documented_word (void)
{
  static const struct
  {
    const char *text;
    gboolean value;
  } cases[] = {
    { "Yes", TRUE },
    { "yes", TRUE },
    { "YES", TRUE },
    { "No", FALSE },
    { "Oui", TRUE },
    { "NON", FALSE },
    { "true", TRUE },
    { "False", FALSE },
    { "1", TRUE },
    { "0", FALSE },
    { "on", TRUE },
    { "OFF", FALSE },
    { "Enabled", TRUE },
    { "disabled", FALSE },
    { "Activ\xc3\xa9", TRUE },
    { "ACTIV\xc3\x89", TRUE },
    { "D\xc3\xa9sactiv\xc3\xa9", FALSE },
    { "D\xc3\x89SACTIV\xc3\x89", FALSE },
    { "De\xcc\x81sactive\xcc\x81", FALSE }, /* decomposed é */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gboolean value = !cases[i].value;

      if (!phonesec_parse_bool (cases[i].text, &value))
        g_error ("'%s' refused", cases[i].text);
      g_assert_cmpint (value, ==, cases[i].value);
    }
}

static void
test_parse_bool_rejects_other_words (void)
{
  static const char *const bad[] = {
    "",       "maybe",   "y",
    "n",      "2",       "-1",
    " yes",   "yes ",    "Activ\xc3\xa9\x65", /* "Activée" */
    "active", "yes\xff", "enabledenabledenabledenabledenabled",
  };
  gboolean value = TRUE;

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    if (phonesec_parse_bool (bad[i], &value))
      g_error ("'%s' accepted", bad[i]);
  g_assert_true (value); /* untouched on failure */
  g_assert_false (phonesec_parse_bool (NULL, NULL));
}

static void
test_parse_int64_is_strict_decimal (void)
{
  static const struct
  {
    const char *text;
    gint64 value;
  } good[] = {
    { "0", 0 },
    { "-0", 0 },
    { "+42", 42 },
    { "0042", 42 },
    { "-65535", -65535 },
    { "9223372036854775807", G_MAXINT64 },
    { "-9223372036854775808", G_MININT64 },
  };
  static const char *const bad[] = {
    "",
    "+",
    "-",
    " 1",
    "1 ",
    "1\n",
    "0x1F",
    "1e3",
    "1.0",
    "1_000",
    "--1",
    "+-1",
    "١",
    "9223372036854775808",
    "-9223372036854775809",
    "99999999999999999999999",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      gint64 value = -1;

      if (!phonesec_parse_int64 (good[i].text, &value))
        g_error ("'%s' refused", good[i].text);
      g_assert_cmpint (value, ==, good[i].value);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    if (phonesec_parse_int64 (bad[i], NULL))
      g_error ("'%s' accepted", bad[i]);
  g_assert_false (phonesec_parse_int64 (NULL, NULL));
}

/* ---- messages ----------------------------------------------------------- */

static const char *const all_kinds[] = {
  "host", "host-port", "fqdn", "header-name", "header-value", "firewall-options",
  "rule", "text",      "int",  "cipher-list", "prt-name",
};

static void
test_huge_input_gives_a_short_message (void)
{
  /* A megabyte of junk with a control character at the end, so every kind
   * refuses it, whatever it checks first. */
  g_autofree char *huge = g_strnfill (1024 * 1024, 'x');

  huge[1024 * 1024 - 1] = '\x01';
  for (gsize i = 0; i < G_N_ELEMENTS (all_kinds); i++)
    {
      g_autoptr (GError) error = NULL;

      g_assert_false (phonesec_validate_kind (all_kinds[i], huge, &error));
      g_assert_nonnull (error);
      if (strlen (error->message) > 400)
        g_error ("%s: a %zu-byte message", all_kinds[i], strlen (error->message));
    }
  {
    g_autoptr (GError) error = NULL;
    g_assert_false (phonesec_validate_url (huge, web_schemes, &error));
    g_assert_cmpuint (strlen (error->message), <, 400);
  }
}

static void
test_quoted_input_is_truncated_and_escaped (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *long_port = g_strnfill (500, '7');
  g_autofree char *value = g_strconcat ("h:", long_port, NULL);

  g_assert_false (phonesec_validate_kind ("host-port", value, &error));
  g_assert_nonnull (strstr (error->message, "…"));
  g_assert_cmpuint (strlen (error->message), <, 200);
  g_clear_error (&error);

  /* A terminal escape in a quoted part is escaped, never copied raw. */
  g_assert_false (phonesec_validate_kind ("host-port", "h:\x1b[31m", &error));
  g_assert_null (strchr (error->message, '\x1b'));
  g_assert_nonnull (strstr (error->message, "\\x1B"));
}

static void
test_messages_always_say_what_is_allowed (void)
{
  static const BadCase cases[] = {
    { "host", "ex!ample.com", "allowed:" }, { "host-port", "h:0", "allowed:" },
    { "header-name", "a b", "allowed:" },   { "header-value", "a\x01", "allowed:" },
    { "text", "a\x01", "allowed:" },        { "cipher-list", "a\x01", "allowed:" },
    { "prt-name", "a/b", "allowed:" },      { "firewall-options", "FOO", "allowed:" },
    { "rule", "ftp://h/a", "allowed:" },    { "rule", "h/a", "allowed:" },
  };
  run_bad (cases, G_N_ELEMENTS (cases));
}

static void
test_unknown_kind_is_refused (void)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (phonesec_validate_kind ("no-such-kind", "x", &error));
  g_assert_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE);
  g_assert_nonnull (strstr (error->message, "no-such-kind"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/validators/host/accepts-names-and-addresses",
                   test_host_accepts_names_and_addresses);
  g_test_add_func ("/validators/host/rejects-schemes-ports-paths-and-junk",
                   test_host_rejects_schemes_ports_paths_and_junk);
  g_test_add_func ("/validators/host/longer-than-253-is-refused",
                   test_host_longer_than_253_is_refused);
  g_test_add_func ("/validators/host-port/accepts-optional-port",
                   test_host_port_accepts_optional_port);
  g_test_add_func ("/validators/host-port/rejects-bad-ports-and-brackets",
                   test_host_port_rejects_bad_ports_and_brackets);
  g_test_add_func ("/validators/fqdn/accepts-domain-names", test_fqdn_accepts_domain_names);
  g_test_add_func ("/validators/fqdn/rejects-addresses-and-trailing-garbage",
                   test_fqdn_rejects_addresses_and_trailing_garbage);
  g_test_add_func ("/validators/header-name/is-an-rfc9110-token",
                   test_header_name_is_an_rfc9110_token);
  g_test_add_func ("/validators/header-value/is-visible-ascii-without-line-breaks",
                   test_header_value_is_visible_ascii_without_line_breaks);
  g_test_add_func ("/validators/text/refuses-control-characters-and-bad-utf8",
                   test_text_refuses_control_characters_and_bad_utf8);
  g_test_add_func ("/validators/cipher-list/is-printable-ascii",
                   test_cipher_list_is_printable_ascii);
  g_test_add_func ("/validators/int/is-a-decimal-integer", test_int_kind_is_a_decimal_integer);
  g_test_add_func ("/validators/prt-name/allows-macros", test_prt_name_allows_macros);
  g_test_add_func ("/validators/rule/accepts-options-urls-and-paths",
                   test_rule_accepts_options_urls_and_paths);
  g_test_add_func ("/validators/rule/rejects-bad-options-and-urls",
                   test_rule_rejects_bad_options_and_urls);
  g_test_add_func ("/validators/rule/errors-never-quote-the-password",
                   test_rule_errors_never_quote_the_password);
  g_test_add_func ("/validators/url/accepts-allowed-schemes-case-insensitively",
                   test_url_accepts_allowed_schemes_case_insensitively);
  g_test_add_func ("/validators/url/rejects-bad-urls-with-clear-messages",
                   test_url_rejects_bad_urls_with_clear_messages);
  g_test_add_func ("/validators/url/errors-never-quote-user-information",
                   test_url_errors_never_quote_user_information);
  g_test_add_func ("/validators/url/any-scheme-when-schemes-is-null",
                   test_url_any_scheme_when_schemes_is_null);
  g_test_add_func ("/validators/firewall/accepts-the-guide-grammar",
                   test_firewall_accepts_the_guide_grammar);
  g_test_add_func ("/validators/firewall/rejects-with-the-fix-in-the-message",
                   test_firewall_rejects_with_the_fix_in_the_message);
  g_test_add_func ("/validators/firewall/options-kind-uses-the-same-grammar",
                   test_firewall_options_kind_uses_the_same_grammar);
  g_test_add_func ("/validators/parse-bool/accepts-every-documented-word",
                   test_parse_bool_accepts_every_documented_word);
  g_test_add_func ("/validators/parse-bool/rejects-other-words",
                   test_parse_bool_rejects_other_words);
  g_test_add_func ("/validators/parse-int64/is-strict-decimal", test_parse_int64_is_strict_decimal);
  g_test_add_func ("/validators/messages/huge-input-gives-a-short-message",
                   test_huge_input_gives_a_short_message);
  g_test_add_func ("/validators/messages/quoted-input-is-truncated-and-escaped",
                   test_quoted_input_is_truncated_and_escaped);
  g_test_add_func ("/validators/messages/always-say-what-is-allowed",
                   test_messages_always_say_what_is_allowed);
  g_test_add_func ("/validators/unknown-kind-is-refused", test_unknown_kind_is_refused);

  return g_test_run ();
}
