/* test-prov-decode.c: profile decoding (encrypted with the real
 * `openssl enc`, gzip with the real `gzip`), DHCP server options and the
 * syslog framing of the provisioning plugin; bad input included.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gstdio.h>
#include <string.h>

#include "phonesec-prov-decode.h"
#include "phonesec-prov-dhcp.h"
#include "phonesec-prov-server.h"
#include "phonesec-prov-syslog.h"
#include "prov-test-util.h"

#define PROFILE "<flat-profile><Proxy_Mode>Manual</Proxy_Mode></flat-profile>\n"
#define KEY "Pr0v-K3y secret"

static void
assert_decodes (GBytes *data, PhonesecSecret *key, const char *expected)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = phonesec_prov_decode (data, key, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, expected);
}

static void
assert_refused (GBytes *data, PhonesecSecret *key, const char *message)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = phonesec_prov_decode (data, key, &error);

  g_assert_null (text);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, message));
  g_assert_null (strstr (error->message, KEY));
}

static void
test_plain_and_gzip (void)
{
  g_autoptr (GBytes) plain = prov_test_text_bytes (PROFILE);
  g_autoptr (GBytes) gz = prov_test_run_filter ("gzip -9 -c", plain);

  assert_decodes (plain, NULL, PROFILE);
  g_assert_true (phonesec_prov_is_gzip (gz));
  assert_decodes (gz, NULL, PROFILE);
}

/* The three key derivations `openssl enc -aes-256-cbc` has used. */
static void
test_openssl_enc (void)
{
  static const char *const commands[] = {
    "openssl enc -e -aes-256-cbc -pass 'pass:" KEY "'",
    "openssl enc -e -aes-256-cbc -md md5 -pass 'pass:" KEY "'",
    "openssl enc -e -aes-256-cbc -pbkdf2 -pass 'pass:" KEY "'",
    "gzip -c | openssl enc -e -aes-256-cbc -pass 'pass:" KEY "'",
  };
  g_autoptr (GBytes) plain = prov_test_text_bytes (PROFILE);
  g_autoptr (PhonesecSecret) key = phonesec_secret_new (KEY, -1);
  g_autoptr (PhonesecSecret) wrong = phonesec_secret_new ("not the key", -1);

  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autoptr (GBytes) enc = prov_test_run_filter (commands[i], plain);

      g_test_message ("%s", commands[i]);
      g_assert_true (phonesec_prov_is_encrypted (enc));
      assert_decodes (enc, key, PROFILE);
      assert_refused (enc, wrong, "wrong key");
      assert_refused (enc, NULL, "has no --key");
    }
}

static void
test_bad_input (void)
{
  g_autoptr (PhonesecSecret) key = phonesec_secret_new (KEY, -1);
  g_autoptr (GBytes) plain = prov_test_text_bytes (PROFILE);
  g_autoptr (GBytes) gz = prov_test_run_filter ("gzip -c", plain);
  g_autoptr (GBytes) truncated = g_bytes_new_from_bytes (gz, 0, g_bytes_get_size (gz) - 12);
  g_autoptr (GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr (GBytes) bomb = prov_test_run_filter ("head -c 6000000 /dev/zero | gzip -c", empty);
  g_autoptr (GBytes) salted = prov_test_text_bytes ("Salted__12345678short");
  g_autoptr (GBytes) binary = g_bytes_new ("<a>\0</a>", 8);
  g_autoptr (GBytes) bad_utf8 = prov_test_text_bytes ("<flat-profile>\xff\xfe</flat-profile>");
  g_autoptr (GBytes) utf16
      = prov_test_text_bytes ("<?xml version=\"1.0\" encoding=\"UTF-16\"?><a/>");

  assert_refused (empty, NULL, "is empty");
  assert_refused (truncated, NULL, "damaged");
  assert_refused (bomb, NULL, "inflates to more than");
  assert_refused (salted, key, "not in the encrypted format");
  assert_refused (plain, key, "not encrypted");
  assert_refused (binary, NULL, "not valid UTF-8");
  assert_refused (bad_utf8, NULL, "not valid UTF-8");
  assert_refused (utf16, NULL, "'UTF-16' is not supported");
}

static void
test_latin1 (void)
{
  g_autoptr (GBytes) latin1
      = prov_test_text_bytes ("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>"
                              "<flat-profile><LDAP_Corp_Dir_Name>Soci\xe9t\xe9"
                              "</LDAP_Corp_Dir_Name></flat-profile>");

  assert_decodes (latin1, NULL,
                  "<?xml version=\"1.0\" encoding=\"UTF-8\"?><flat-profile><LDAP_Corp_Dir_Name>"
                  "Soci\xc3\xa9t\xc3\xa9</LDAP_Corp_Dir_Name></flat-profile>");
}

static void
test_dhcp_options (void)
{
  static const guint v4[] = { 66, 160, 159, 150, 60, 43, 125 };
  static const guint tftp_first[] = { 150, 66 };
  g_autoptr (GVariant) options = g_variant_ref_sink (g_variant_new_parsed (
      "{uint32 66: 'tftp.example.com', 150: '10.0.0.7,10.0.0.8', 160: 'https://p.example.com/d/',"
      " 43: 'garbage'}"));
  g_autoptr (GVariant) only_vendor
      = g_variant_ref_sink (g_variant_new_parsed ("{uint32 43: 'http://v.example/c'}"));
  g_autoptr (GVariant) v6
      = g_variant_ref_sink (g_variant_new_parsed ("{uint32 150: '2001:db8::5'}"));
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL, *e = NULL;
  guint used = 0;

  a = phonesec_prov_dhcp_resolve ("/8800.xml", options, v4, G_N_ELEMENTS (v4), &used);
  g_assert_cmpstr (a, ==, "tftp://tftp.example.com/8800.xml");
  g_assert_cmpuint (used, ==, 66);
  b = phonesec_prov_dhcp_resolve ("/8800.xml", options, tftp_first, 2, &used);
  g_assert_cmpstr (b, ==, "tftp://10.0.0.7/8800.xml");
  g_assert_cmpuint (used, ==, 150);
  c = phonesec_prov_dhcp_resolve ("/x.xml", options, v4 + 1, 1, NULL);
  g_assert_cmpstr (c, ==, "https://p.example.com/d/x.xml");
  d = phonesec_prov_dhcp_resolve ("/x.xml", only_vendor, v4, G_N_ELEMENTS (v4), NULL);
  g_assert_cmpstr (d, ==, "http://v.example/c/x.xml");
  e = phonesec_prov_dhcp_resolve ("/x.xml", v6, tftp_first, 1, NULL);
  g_assert_cmpstr (e, ==, "tftp://[2001:db8::5]/x.xml");
  g_assert_null (phonesec_prov_dhcp_resolve ("/x.xml", NULL, v4, G_N_ELEMENTS (v4), NULL));
  g_assert_null (phonesec_prov_dhcp_resolve ("/x.xml", options, v4 + 5, 1, &used));
  g_assert_cmpuint (used, ==, 0);
}

static void
test_syslog_format (void)
{
  g_autoptr (GDateTime) t = g_date_time_new_local (2026, 3, 7, 9, 5, 2);
  g_autofree char *line = phonesec_prov_syslog_format ("SEP001122334455", t, "a\nb\tc");
  g_autofree char *huge_text = g_strnfill (3000, 'x');
  g_autofree char *huge = phonesec_prov_syslog_format ("SEP001122334455", t, huge_text);

  g_assert_cmpstr (line, ==, "<133>Mar  7 09:05:02 SEP001122334455 phonesec: a b c");
  g_assert_cmpuint (strlen (huge), ==, 1024);
}

/* $SERVIP is one form, before and after an address answered, IPv6
 * included; what does not parse changes nothing. */
static void
test_server_macros (void)
{
  g_autoptr (GHashTable) vars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  phonesec_prov_vars_set_url (vars, "https://[2001:db8::7]/p/x.xml");
  g_assert_cmpstr (g_hash_table_lookup (vars, "SERVIP"), ==, "2001:db8::7");
  g_assert_cmpstr (g_hash_table_lookup (vars, "PORT"), ==, "443");
  g_assert_cmpstr (g_hash_table_lookup (vars, "PATH"), ==, "/p/x.xml");
  phonesec_prov_vars_set_server (vars, "https://[2001:db8::8]:8443");
  g_assert_cmpstr (g_hash_table_lookup (vars, "SERVIP"), ==, "2001:db8::8");
  g_assert_cmpstr (g_hash_table_lookup (vars, "PORT"), ==, "8443");
  phonesec_prov_vars_set_url (vars, "tftp://prov.example/x.xml");
  g_assert_cmpstr (g_hash_table_lookup (vars, "SERVIP"), ==, "prov.example");
  g_assert_cmpstr (g_hash_table_lookup (vars, "PORT"), ==, "69");
  phonesec_prov_vars_set_server (vars, "tftp://192.0.2.9:6969");
  g_assert_cmpstr (g_hash_table_lookup (vars, "SERVIP"), ==, "192.0.2.9");
  g_assert_cmpstr (g_hash_table_lookup (vars, "PORT"), ==, "6969");
  for (guint i = 0; i < 4; i++)
    {
      const char *bad[] = { "no scheme here", "", "http://[::1", "://x:1" };

      phonesec_prov_vars_set_server (vars, bad[i]);
      phonesec_prov_vars_set_url (vars, bad[i]);
      g_assert_cmpstr (g_hash_table_lookup (vars, "SERVIP"), ==, "192.0.2.9");
      g_assert_cmpstr (g_hash_table_lookup (vars, "PORT"), ==, "6969");
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/prov-decode/plain-and-gzip", test_plain_and_gzip);
  g_test_add_func ("/prov-decode/openssl-enc", test_openssl_enc);
  g_test_add_func ("/prov-decode/bad-input", test_bad_input);
  g_test_add_func ("/prov-decode/latin1", test_latin1);
  g_test_add_func ("/prov-decode/dhcp-options", test_dhcp_options);
  g_test_add_func ("/prov-decode/syslog-format", test_syslog_format);
  g_test_add_func ("/prov-decode/server-macros", test_server_macros);
  return g_test_run ();
}
