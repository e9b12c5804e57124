/* test-cipher-list.c: the OpenSSL cipher-string compiler against the real
 * `openssl ciphers` of this machine, its GnuTLS priority strings against
 * the real GnuTLS, and its errors and fallbacks.
 *
 * Both sides are narrowed the same way before comparing: TLS ≤ 1.2 suites
 * that this machine's OpenSSL knows and GnuTLS implements (OpenSSL 3.0 has
 * no 3DES or SEED suites; the compiler keeps the phone's OpenSSL 1.1.1d
 * 3DES suites, and GnuTLS has no ARIA or SEED). A string OpenSSL refuses
 * counts as the empty list.
 *
 * Needs `openssl` (Debian package openssl) at run time; without it the
 * comparisons fail, they are never skipped.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <gio/gio.h>

#include "phonesec/phonesec-error.h"
#include "phonesec-cipher-list.h"

/* ---- the real openssl ---------------------------------------------------- */

typedef struct
{
  gboolean ok;
  gboolean syntax_error; /* "invalid command", not "no cipher match" */
  GArray *codes;         /* guint16, OpenSSL's order */
} OpensslResult;

static char *openssl_path;
static guint8 comparable[65536 / 8]; /* both OpenSSL and GnuTLS have it, TLS ≤ 1.2 */

static gboolean
require_openssl (void)
{
  if (openssl_path == NULL)
    g_test_fail_printf ("`openssl` is not installed: this test compares with the real "
                        "`openssl ciphers`; install the Debian package openssl "
                        "(scripts/install-deps)");
  return openssl_path != NULL;
}

static guint16
code_of (const guint8 code[2])
{
  return (guint16) (code[0] << 8 | code[1]);
}

static void
openssl_result_clear (OpensslResult *r)
{
  g_clear_pointer (&r->codes, g_array_unref);
}

/* `openssl ciphers -V [-s] [-stdname] -- STRING`, codes in order. */
static OpensslResult
run_openssl (const char *string, gboolean supported_only, GPtrArray *lines_out)
{
  const char *argv[] = { openssl_path,
                         "ciphers",
                         "-V",
                         "-stdname",
                         supported_only ? "-s" : "--",
                         supported_only ? "--" : string,
                         supported_only ? string : NULL,
                         NULL };
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) lines = NULL;
  int status = 0;
  OpensslResult r = { .codes = g_array_new (FALSE, FALSE, sizeof (guint16)) };

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                     &error))
    g_error ("cannot run openssl: %s", error->message);
  r.ok = g_spawn_check_wait_status (status, NULL);
  r.syntax_error = !r.ok && strstr (err, "invalid command") != NULL;
  lines = g_strsplit (out, "\n", -1);
  for (char **l = lines; r.ok && *l != NULL; l++)
    {
      guint c0, c1;
      const char *hex = strstr (*l, "0x");

      guint16 code;

      if (hex == NULL || sscanf (hex, "0x%x,0x%x", &c0, &c1) != 2)
        continue;
      code = (guint16) (c0 << 8 | c1);
      g_array_append_val (r.codes, code);
      if (lines_out != NULL)
        g_ptr_array_add (lines_out, g_strdup (*l));
    }
  return r;
}

static void
init_comparable (void)
{
  guint n_table;
  const PhonesecCipherSuite *table = phonesec_cipher_suites_get_table (&n_table);
  OpensslResult all;

  memset (comparable, 0, sizeof comparable);
  if (openssl_path == NULL)
    return;
  all = run_openssl ("ALL:COMPLEMENTOFALL:@SECLEVEL=0", FALSE, NULL);
  g_assert_true (all.ok);
  for (guint i = 0; i < all.codes->len; i++)
    {
      guint16 code = g_array_index (all.codes, guint16, i);

      for (guint j = 0; j < n_table; j++)
        if (code_of (table[j].code) == code && phonesec_cipher_suite_is_available (&table[j]))
          comparable[code / 8] |= 1u << (code % 8);
    }
  openssl_result_clear (&all);
}

static gboolean
is_comparable (guint16 code)
{
  return (comparable[code / 8] & (1u << (code % 8))) != 0;
}

static char *
format_codes (GArray *codes)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < codes->len; i++)
    {
      guint16 code = g_array_index (codes, guint16, i);
      guint8 c[2] = { code >> 8, code & 0xff };
      const PhonesecCipherSuite *suite = phonesec_cipher_suite_lookup_code (c);

      g_string_append_printf (s, "%s%s", i ? " " : "",
                              suite && suite->openssl_name ? suite->openssl_name : "?");
    }
  return g_string_free (s, FALSE);
}

static GArray *
filtered (GArray *codes)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (guint16));

  for (guint i = 0; codes != NULL && i < codes->len; i++)
    if (is_comparable (g_array_index (codes, guint16, i)))
      g_array_append_val (out, g_array_index (codes, guint16, i));
  return out;
}

static GArray *
list_codes (PhonesecCipherList *list, gboolean selected)
{
  GArray *codes = g_array_new (FALSE, FALSE, sizeof (guint16));
  guint n = selected ? phonesec_cipher_list_get_n_selected (list)
                     : phonesec_cipher_list_get_n_suites (list);

  for (guint i = 0; i < n; i++)
    {
      const PhonesecCipherSuite *s = selected ? phonesec_cipher_list_get_selected (list, i)
                                              : phonesec_cipher_list_get_suite (list, i);
      guint16 code = code_of (s->code);

      g_array_append_val (codes, code);
    }
  return codes;
}

static gboolean
same_codes (GArray *a, GArray *b)
{
  /* Empty arrays may have no data at all: memcmp (NULL, ...) is undefined. */
  return a->len == b->len
         && (a->len == 0 || memcmp (a->data, b->data, a->len * sizeof (guint16)) == 0);
}

/* Compares one string both ways: what OpenSSL lists (`-V`) with the
 * selection, and what an OpenSSL client offers (`-s -V`: security level
 * applied, no PSK or SRP suites) with the suites we offer. Returns whether
 * both agree. */
static gboolean
compare_with_openssl (const char *string)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecCipherList) list = NULL;
  OpensslResult listed, offered;
  gboolean agree = TRUE;

  list = phonesec_cipher_list_compile_full (string, PHONESEC_CIPHER_LIST_ALLOW_EMPTY, &error);
  listed = run_openssl (string, FALSE, NULL);
  offered = run_openssl (string, TRUE, NULL);

  if (list == NULL && listed.ok)
    {
      g_test_message ("“%s”: OpenSSL accepts it, we refuse it: %s", string, error->message);
      agree = FALSE;
    }
  if (list != NULL && listed.syntax_error)
    {
      g_test_message ("“%s”: OpenSSL finds a syntax error, we accept it", string);
      agree = FALSE;
    }
  for (int pass = 0; pass < 2 && agree; pass++)
    {
      g_autoptr (GArray) ours_all = list ? list_codes (list, pass == 0) : NULL;
      g_autoptr (GArray) ours = filtered (ours_all);
      g_autoptr (GArray) theirs = filtered (pass == 0 ? listed.codes : offered.codes);

      if (!same_codes (ours, theirs))
        {
          g_autofree char *a = format_codes (ours);
          g_autofree char *b = format_codes (theirs);

          g_test_message ("“%s” (%s):\n  ours:    %s\n  openssl: %s", string,
                          pass == 0 ? "openssl ciphers -V" : "openssl ciphers -s -V", a, b);
          agree = FALSE;
        }
    }
  openssl_result_clear (&listed);
  openssl_result_clear (&offered);
  return agree;
}

/* Every keyword of the guide's table alone, OpenSSL's other keywords,
 * combinations, orderings, suite names and odd spellings. */
/* clang-format off */
static const char *const comparison_strings[] = {
  /* the guide's table "Chaînes de chiffrement prises en charge" */
  "DEFAULT", "COMPLEMENTOFDEFAULT", "ALL", "COMPLEMENTOFALL", "HIGH", "MEDIUM", "eNULL", "NULL",
  "aNULL", "kRSA", "RSA", "kDHE", "kEDH", "DH", "DHE", "EDH", "ADH", "kECDHE", "kEECDH", "ECDHE",
  "EECDH", "ECDH", "AECDH", "aRSA", "aDSS", "DSS", "aECDSA", "ECDSA", "TLSv1.2", "TLSv1", "SSLv3",
  "AES128", "AES256", "AES", "AESGCM", "AESCCM", "AESCCM8", "ARIA128", "ARIA256", "ARIA",
  "CAMELLIA128", "CAMELLIA256", "CAMELLIA", "CHACHA20", "SEED", "MD5", "SHA1", "SHA", "SHA256",
  "SHA384", "SUITEB128", "SUITEB128ONLY", "SUITEB192",
  /* OpenSSL's other keywords */
  "kPSK", "PSK", "aPSK", "kRSAPSK", "kDHEPSK", "kECDHEPSK", "SRP", "aSRP", "FIPS", "LOW", "3DES",
  "RC4", "TLSv1.0", "ARIAGCM", "SUITEB128C2",
  /* the guide's own example and fallbacks */
  "RSA:!aNULL:!eNULL", "HIGH:MEDIUM:AES:@STRENGTH",
  "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:AES256-SHA:AES128-SHA:DES-CBC3-SHA",
  /* combinations and A+B */
  "HIGH:!aNULL:!MD5", "ECDHE+AESGCM", "ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:!aNULL",
  "EECDH+AESGCM:EDH+AESGCM", "aRSA+kECDHE:aRSA+kDHE:kRSA", "kEDH+aRSA", "ECDH+aNULL",
  "ADH-AES128-SHA+HIGH", "SHA1+SHA", "HIGH+FIPS", "DHE+ADH", "AES128+AESGCM", "kRSA+TLSv1.2+SSLv3",
  "COMPLEMENTOFDEFAULT+DHE", "ALL+eNULL", "TLSv1.2+AES128-SHA", "AES128-SHA+TLSv1.2",
  "ECDHE-RSA-AES256-GCM-SHA384+aRSA", "ECDHE-RSA-AES256-SHA+SHA1", "AES256-SHA+AES128-SHA",
  /* ! - + orderings */
  "ALL:-AES:AES128", "CAMELLIA:-CAMELLIA:AES128:ALL", "AES128:-AES128:AES256:AES128", "ALL:+kRSA",
  "ALL:+SHA1:+SHA256", "ALL:+aECDSA:-AESGCM:AESGCM", "DEFAULT:!RSA", "DEFAULT:+SHA1",
  "DEFAULT:-AESGCM:AESGCM", "DEFAULT:CAMELLIA", "DEFAULT:eNULL", "!aNULL:ALL", "!ALL:ALL",
  "ALL:!ALL", "ALL:-ALL", "-ALL:HIGH", "+ALL", "+AES:AES", "AES:!AES+kRSA", "AES!SHA1",
  "ALL:!COMPLEMENTOFDEFAULT", "ALL:COMPLEMENTOFALL", "COMPLEMENTOFALL:ALL",
  "DEFAULT:COMPLEMENTOFDEFAULT", "ALL:!ADH:!LOW:!EXP:!MD5:@STRENGTH",
  /* @STRENGTH, @SECLEVEL */
  "ALL:@STRENGTH", "ALL:+AESGCM:@STRENGTH", "kRSA:@STRENGTH:+AES128", "AESGCM:CAMELLIA:@STRENGTH",
  "ALL:@SECLEVEL=0", "ALL:@SECLEVEL=2", "ALL:@SECLEVEL=3", "ALL:@SECLEVEL=4", "ALL:@SECLEVEL=5",
  "ALL:COMPLEMENTOFALL:@SECLEVEL=0", "AES128-SHA:AES256-SHA:@SECLEVEL=3@STRENGTH",
  "ALL@SECLEVEL=1", "@STRENGTH+AES:AES",
  /* suite names */
  "AES256-SHA:AES128-SHA", "AES128-SHA:AES256-SHA:+AES128-SHA", "AES128-SHA:AES128-SHA",
  "AES256-SHA:AES128-SHA:-AES128-SHA:AES128-SHA", "ECDHE-ECDSA-CHACHA20-POLY1305:NULL-SHA256",
  "DHE-RSA-AES256-SHA:DHE-DSS-AES256-SHA:EDH-RSA-DES-CBC3-SHA",
  "SRP-AES-128-CBC-SHA:PSK-AES128-CCM",
  /* DEFAULT's special reading, separators, unknown words, case */
  "DEFAULTFOO", "DEFAULT+AES", "DEFAULT!AES", ":DEFAULT", " DEFAULT", "AES:DEFAULT", "ALL;AES",
  "ALL,AES", "AES256-SHA AES128-SHA", "AES256-SHA::: ,;AES128-SHA", "FOO:AES256-SHA",
  "TLS_RSA_WITH_AES_128_CBC_SHA:AES256-SHA", "FOO$BAR:AES", "AES+FOO$:CAMELLIA",
  "FOO@STRENGTH:AES", "AES:SUITEB128", "SUITEB128:AES", "SUITEB128FOO", "aes", "all", "High",
  "ecdhe-rsa-aes256-gcm-sha384", "AES256-SHA-AES128-SHA", "kRSA+kDHE",
  /* syntax errors (both refuse) */
  "ALL:$", "AES128_SHA", "ALL:!", "!!ALL", "@FOO", "ALL:@SECLEVEL=9", "AES++SHA1", "AES+",
  "ALL:@SECLEVEL=", "ALL:@strength",
};
/* clang-format on */

static void
test_matches_openssl (void)
{
  guint agree = 0;
  gint64 start = g_get_monotonic_time ();
  GString *disagree = g_string_new (NULL);

  if (!require_openssl ())
    return;
  for (guint i = 0; i < G_N_ELEMENTS (comparison_strings); i++)
    {
      if (compare_with_openssl (comparison_strings[i]))
        agree++;
      else
        g_string_append_printf (disagree, " “%s”", comparison_strings[i]);
    }
  g_test_message ("%u of %u strings give OpenSSL's suites in OpenSSL's order (%.2f s)", agree,
                  (guint) G_N_ELEMENTS (comparison_strings),
                  (g_get_monotonic_time () - start) / 1e6);
  if (disagree->len)
    g_test_fail_printf ("differ from OpenSSL:%s", disagree->str);
  g_string_free (disagree, TRUE);
}

/* The table against this machine's OpenSSL and GnuTLS. */
static void
test_table_matches_libraries (void)
{
  guint n_table;
  const PhonesecCipherSuite *table = phonesec_cipher_suites_get_table (&n_table);
  g_autoptr (GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  OpensslResult all;

  for (guint i = 0; i < n_table; i++)
    {
      const PhonesecCipherSuite *s = &table[i];
      gboolean in_gnutls = FALSE;
      unsigned char id[2];
      gnutls_kx_algorithm_t kx;
      gnutls_cipher_algorithm_t cipher;
      gnutls_mac_algorithm_t mac;
      gnutls_protocol_t version;

      for (size_t j = 0; gnutls_cipher_suite_info (j, id, &kx, &cipher, &mac, &version); j++)
        {
          if (id[0] != s->code[0] || id[1] != s->code[1])
            continue;
          in_gnutls = TRUE;
          g_assert_cmpstr (gnutls_kx_get_name (kx), ==, phonesec_cipher_suite_get_gnutls_kx (s));
          g_assert_cmpstr (gnutls_cipher_get_name (cipher), ==,
                           phonesec_cipher_suite_get_gnutls_cipher (s));
          g_assert_cmpstr (gnutls_mac_get_name (mac), ==, phonesec_cipher_suite_get_gnutls_mac (s));
        }
      if (in_gnutls != ((s->flags & PHONESEC_CIPHER_SUITE_GNUTLS) != 0))
        g_test_fail_printf ("%s: the table says GnuTLS %s it", s->iana_name,
                            in_gnutls ? "lacks" : "has");
      g_assert_cmpint (phonesec_cipher_suite_is_available (s), ==, in_gnutls);
      g_assert_true (phonesec_cipher_suite_lookup_code (s->code) == s);
      g_assert_true (phonesec_cipher_suite_lookup_iana_name (s->iana_name) == s);
    }

  if (!require_openssl ())
    return;
  all = run_openssl ("ALL:COMPLEMENTOFALL:@SECLEVEL=0", FALSE, lines);
  for (guint i = 0; i < lines->len; i++)
    {
      g_auto (GStrv) f = g_strsplit_set (g_ptr_array_index (lines, i), " ", -1);
      g_autoptr (GPtrArray) w = g_ptr_array_new ();
      guint16 code = g_array_index (all.codes, guint16, i);
      guint8 c[2] = { code >> 8, code & 0xff };
      const PhonesecCipherSuite *s = phonesec_cipher_suite_lookup_code (c);
      const char *proto;

      for (char **p = f; *p; p++)
        if (**p && strcmp (*p, "-") != 0)
          g_ptr_array_add (w, *p);
      if (c[0] == 0x13)
        continue;
      g_assert_nonnull (s);
      g_assert_true (s->flags & PHONESEC_CIPHER_SUITE_OPENSSL3);
      g_assert_cmpstr (s->iana_name, ==, g_ptr_array_index (w, 1));
      g_assert_cmpstr (s->openssl_name, ==, g_ptr_array_index (w, 2));
      proto = s->min_proto == PHONESEC_CIPHER_PROTO_TLS1_2   ? "TLSv1.2"
              : s->min_proto == PHONESEC_CIPHER_PROTO_TLS1_0 ? "TLSv1"
                                                             : "SSLv3";
      g_assert_cmpstr (proto, ==, g_ptr_array_index (w, 3));
    }
  for (guint i = 0; i < n_table; i++)
    if (table[i].flags & PHONESEC_CIPHER_SUITE_OPENSSL3)
      {
        guint16 code = code_of (table[i].code);
        gboolean found = FALSE;

        for (guint j = 0; j < all.codes->len; j++)
          found |= g_array_index (all.codes, guint16, j) == code;
        g_assert_true (found);
      }
  openssl_result_clear (&all);
}

/* ---- bad input ----------------------------------------------------------- */

typedef struct
{
  const char *string;
  const char *fragment; /* the message must say this */
} BadCase;

static void
test_bad_input_is_a_clear_error (void)
{
  g_autofree char *too_long = g_strnfill (600, 'A');
  g_autofree char *long_valid = NULL;
  const BadCase cases[] = {
    { "", "is empty" },
    { "FOO:BAR", "“FOO” (position 1), “BAR” (position 5)" },
    { "!ALL", "selects no cipher suite" },
    { too_long, "600 characters long; at most 521" },
    { "ALL\tAES", "byte 0x09 at position 4" },
    { "ALL\nAES", "byte 0x0A at position 4" },
    { "ALL\x01", "byte 0x01 at position 4" },
    { "HIGH:é", "byte 0xC3 at position 6" },
    { "ALL|AES", "“|” at position 4 is not allowed" },
    { "ALL:$", "“$” at position 5" },
    { "AES128_SHA", "“_” at position 7" },
    { "@SECLEVEL=9", "@SECLEVEL=0 to @SECLEVEL=5" },
    { "ALL:@SECLEVEL=10", "is not a security level" },
    { "ALL:@STRENGTHX", "unknown command “@STRENGTHX” at position 5" },
    { "ALL:!", "ends after “!”" },
    { "AES+", "ends after “+”" },
    { "!!ALL", "“!” at position 2 is not allowed there" },
    { "AES++SHA1", "“+” at position 5 is not allowed there" },
    { "TLS_RSA_WITH_AES_128_CBC_SHA", "unknown words: “TLS_RSA_WITH_AES_128_CBC_SHA”" },
    { "aNULL", "15 are refused at security level 1" },
    { "SEED", "none can be used here; 4 are not implemented" },
    { "ARIA", "16 are not implemented" },
    { "PSK", "need PSK or SRP credentials" },
    { "SRP", "need PSK or SRP credentials" },
    { "kRSA+kDHE", "selects no cipher suite" },
    { ":;, ", "selects no cipher suite" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (PhonesecCipherList) list = phonesec_cipher_list_compile (cases[i].string, &error);

      if (list != NULL)
        g_error ("“%s” was accepted", cases[i].string);
      g_assert_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE);
      if (strstr (error->message, cases[i].fragment) == NULL)
        g_error ("“%s”: message “%s” lacks “%s”", cases[i].string, error->message,
                 cases[i].fragment);
    }

  /* 521 characters is still fine. */
  long_valid = g_strnfill (521, ':');
  memcpy (long_valid, "HIGH", 4);
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (PhonesecCipherList) list = phonesec_cipher_list_compile (long_valid, &error);

    g_assert_no_error (error);
    g_assert_nonnull (list);
  }
  /* NULL reads as empty. */
  {
    g_autoptr (GError) error = NULL;

    g_assert_null (phonesec_cipher_list_compile (NULL, &error));
    g_assert_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE);
  }
}

static void
test_ignored_words_are_reported (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecCipherList) list
      = phonesec_cipher_list_compile ("FOO:TLS_RSA_WITH_AES_128_CBC_SHA:AES128-SHA:LOW", &error);
  g_autofree char *joined = NULL;

  g_assert_no_error (error);
  joined = g_strjoinv ("\n", (char **) phonesec_cipher_list_get_warnings (list));
  g_assert_nonnull (strstr (joined, "“FOO” at position 1"));
  g_assert_nonnull (strstr (joined, "use OpenSSL names such as AES128-SHA"));
  g_assert_nonnull (strstr (joined, "“LOW” at position 45 matches no suite"));
  g_assert_cmpuint (phonesec_cipher_list_get_n_suites (list), ==, 1);
}

/* ---- GnuTLS priority strings --------------------------------------------- */

static GArray *
enabled_by_gnutls (const char *priority_string)
{
  gnutls_priority_t priority;
  GArray *codes = g_array_new (FALSE, FALSE, sizeof (guint16));

  g_assert_cmpint (gnutls_priority_init (&priority, priority_string, NULL), ==, 0);
  for (unsigned idx = 0;; idx++)
    {
      unsigned sidx;
      unsigned char id[2];
      int ret = gnutls_priority_get_cipher_suite_index (priority, idx, &sidx);

      if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        break;
      guint16 code;

      if (ret != 0 || gnutls_cipher_suite_info (sidx, id, NULL, NULL, NULL, NULL) == NULL)
        continue;
      code = (guint16) (id[0] << 8 | id[1]);
      g_array_append_val (codes, code);
    }
  gnutls_priority_deinit (priority);
  return codes;
}

static gboolean
contains (GArray *codes, guint16 code)
{
  for (guint i = 0; i < codes->len; i++)
    if (g_array_index (codes, guint16, i) == code)
      return TRUE;
  return FALSE;
}

/* The priority string enables a superset of the list, exactly the set we
 * computed, and allows() accepts the list (and TLS 1.3) and nothing else. */
static void
check_priority (const char *string, PhonesecCipherListFlags flags, guint expected_extras)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecCipherList) list = phonesec_cipher_list_compile_full (string, flags, &error);
  g_autoptr (GArray) enabled = NULL;
  g_auto (GStrv) extras = NULL;
  const char *priority;
  const guint16 *computed;
  guint n_computed, n_table, n_extra_codes = 0;
  const PhonesecCipherSuite *table = phonesec_cipher_suites_get_table (&n_table);

  g_assert_no_error (error);
  priority = phonesec_cipher_list_get_priority (list);
  enabled = enabled_by_gnutls (priority);
  computed = phonesec_cipher_list_get_enabled_codes (list, &n_computed);
  g_assert_cmpuint (n_computed, ==, enabled->len);
  g_assert_cmpmem (computed, n_computed * 2, enabled->data, enabled->len * 2);

  for (guint i = 0; i < phonesec_cipher_list_get_n_suites (list); i++)
    {
      const PhonesecCipherSuite *s = phonesec_cipher_list_get_suite (list, i);

      g_assert_true (contains (enabled, code_of (s->code)));
      g_assert_true (phonesec_cipher_list_allows (list, s->code));
      g_assert_true (phonesec_cipher_list_allows_name (list, s->iana_name));
    }
  for (guint i = 0; i < enabled->len; i++)
    {
      guint16 code = g_array_index (enabled, guint16, i);
      guint8 c[2] = { code >> 8, code & 0xff };
      gboolean listed = FALSE;

      for (guint j = 0; j < phonesec_cipher_list_get_n_suites (list); j++)
        listed |= code_of (phonesec_cipher_list_get_suite (list, j)->code) == code;
      if (c[0] == 0x13)
        {
          g_assert_false (flags & PHONESEC_CIPHER_LIST_NO_TLS13);
          g_assert_true (phonesec_cipher_list_allows (list, c));
          continue;
        }
      n_extra_codes += !listed;
      g_assert_cmpint (phonesec_cipher_list_allows (list, c), ==, listed);
    }
  for (guint i = 0; i < n_table; i++)
    {
      gboolean listed = FALSE;

      for (guint j = 0; j < phonesec_cipher_list_get_n_suites (list); j++)
        listed |= phonesec_cipher_list_get_suite (list, j) == &table[i];
      g_assert_cmpint (phonesec_cipher_list_allows (list, table[i].code), ==, listed);
    }
  g_assert_false (phonesec_cipher_list_allows (list, (const guint8[]){ 0xC1, 0x02 }));
  g_assert_false (phonesec_cipher_list_allows (list, (const guint8[]){ 0x00, 0x00 }));

  /* TLS 1.3 stays on unless asked (GnuTLS drops it when RSA-PSK or SRP is
   * in the string, so those never are), or NULL encryption is listed. */
  g_assert_cmpint (contains (enabled, 0x1301) || contains (enabled, 0x1302), ==,
                   !(flags & PHONESEC_CIPHER_LIST_NO_TLS13) && strstr (priority, "+NULL") == NULL);

  extras = phonesec_cipher_list_dup_extra_names (list);
  g_assert_cmpuint (g_strv_length (extras), ==, n_extra_codes);
  if (expected_extras != G_MAXUINT)
    g_assert_cmpuint (n_extra_codes, ==, expected_extras);
}

static void
test_priority_enables_a_computed_superset (void)
{
  static const char *const strings[] = {
    "DEFAULT",
    "HIGH:MEDIUM:AES:@STRENGTH",
    "ALL:COMPLEMENTOFALL:@SECLEVEL=0",
    "kRSA",
    "ALL",
    "COMPLEMENTOFDEFAULT",
    "aNULL:@SECLEVEL=0",
    "eNULL:@SECLEVEL=0",
    "AES128-SHA",
    "CAMELLIA:3DES",
    "SUITEB128",
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:AES256-SHA:AES128-SHA:DES-CBC3-SHA",
  };

  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    {
      check_priority (strings[i], PHONESEC_CIPHER_LIST_FLAGS_NONE, G_MAXUINT);
      check_priority (strings[i], PHONESEC_CIPHER_LIST_NO_TLS13, G_MAXUINT);
    }
  /* One kx, one cipher, one MAC: exact without TLS 1.3; with it, the TLS
   * 1.3 ciphers also give RSA-AES-GCM suites. DEFAULT is exact. */
  check_priority ("AES128-SHA", PHONESEC_CIPHER_LIST_NO_TLS13, 0);
  check_priority ("AES128-SHA", PHONESEC_CIPHER_LIST_FLAGS_NONE, 2);
  check_priority ("DEFAULT", PHONESEC_CIPHER_LIST_FLAGS_NONE, 0);
  check_priority ("ECDHE-RSA-AES256-GCM-SHA384", PHONESEC_CIPHER_LIST_NO_TLS13, 0);
  check_priority ("kECDHE+aRSA+AESGCM", PHONESEC_CIPHER_LIST_NO_TLS13, 0);
}

static void
test_fips_keeps_approved_suites (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecCipherList) list
      = phonesec_cipher_list_compile_full ("ALL:3DES", PHONESEC_CIPHER_LIST_FIPS, &error);
  const char *priority;

  g_assert_no_error (error);
  for (guint i = 0; i < phonesec_cipher_list_get_n_suites (list); i++)
    g_assert_true (
        phonesec_cipher_suite_is_fips_approved (phonesec_cipher_list_get_suite (list, i)));
  priority = phonesec_cipher_list_get_priority (list);
  g_assert_null (strstr (priority, "CHACHA20"));
  g_assert_null (strstr (priority, "3DES"));
  g_assert_null (strstr (priority, "CAMELLIA"));
  g_assert_false (phonesec_cipher_list_allows (list, (const guint8[]){ 0x13, 0x03 }));
  g_assert_true (phonesec_cipher_list_allows (list, (const guint8[]){ 0x13, 0x01 }));
  check_priority ("ALL:3DES", PHONESEC_CIPHER_LIST_FIPS, G_MAXUINT);

  g_clear_error (&error);
  g_assert_null (
      phonesec_cipher_list_compile_full ("CHACHA20:3DES", PHONESEC_CIPHER_LIST_FIPS, &error));
  g_assert_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE);
  g_assert_nonnull (strstr (error->message, "are not FIPS-approved"));
}

/* The OpenSSL string handed to OpenSSL-based clients (wpa_supplicant)
 * means, to the real OpenSSL, exactly the list's suites in its order. */
static void
check_openssl_string (const char *configured, PhonesecCipherListFlags flags)
{
  g_autoptr (PhonesecCipherList) list
      = phonesec_cipher_list_resolve (configured, PHONESEC_CIPHER_APP_DEFAULT, flags);
  g_autofree char *string = phonesec_cipher_list_dup_openssl_string (list);
  g_autoptr (GArray) expected = g_array_new (FALSE, FALSE, sizeof (guint16));
  OpensslResult r;

  g_test_message ("%s → %s", configured, string);
  for (guint i = 0; i < phonesec_cipher_list_get_n_suites (list); i++)
    {
      guint16 code = code_of (phonesec_cipher_list_get_suite (list, i)->code);

      /* This OpenSSL 3.0 lacks the phone's 3DES suites: it skips names it
       * does not know, as the phone's would not. */
      if (comparable[code / 8] & (1 << (code % 8)))
        g_array_append_val (expected, code);
    }
  g_assert_cmpuint (expected->len, >, 0);
  r = run_openssl (string, FALSE, NULL);
  g_assert_true (r.ok);
  {
    g_autoptr (GArray) tls12 = g_array_new (FALSE, FALSE, sizeof (guint16));

    /* OpenSSL lists its TLS 1.3 suites whatever the string says. */
    for (guint i = 0; i < r.codes->len; i++)
      if (g_array_index (r.codes, guint16, i) >> 8 != 0x13)
        g_array_append_val (tls12, g_array_index (r.codes, guint16, i));
    g_assert_cmpmem (tls12->data, tls12->len * 2, expected->data, expected->len * 2);
  }
  openssl_result_clear (&r);
}

static void
test_openssl_string_selects_the_list (void)
{
  if (!require_openssl ())
    return;
  check_openssl_string ("HIGH:!aNULL:!MD5", PHONESEC_CIPHER_LIST_FLAGS_NONE);
  check_openssl_string ("ECDHE+AESGCM:AES256-SHA", PHONESEC_CIPHER_LIST_FLAGS_NONE);
  /* Empty and invalid lists give the default class's fallback. */
  check_openssl_string ("", PHONESEC_CIPHER_LIST_FLAGS_NONE);
  check_openssl_string ("NO-SUCH-SUITE", PHONESEC_CIPHER_LIST_FLAGS_NONE);
  check_openssl_string ("ALL:CHACHA20", PHONESEC_CIPHER_LIST_FIPS);
}

/* ---- fallbacks ----------------------------------------------------------- */

/* The guide's 28 DEFAULT entries, EMPTY_RENEGOTIATION_INFO_SCSV left out. */
static const char *const guide_default[] = {
  "ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
  "ECDHE_RSA_WITH_AES_256_GCM_SHA384",
  "DHE_RSA_WITH_AES_256_GCM_SHA384",
  "ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
  "ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
  "DHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
  "ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
  "ECDHE_RSA_WITH_AES_128_GCM_SHA256",
  "DHE_RSA_WITH_AES_128_GCM_SHA256",
  "ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
  "ECDHE_RSA_WITH_AES_256_CBC_SHA384",
  "DHE_RSA_WITH_AES_256_CBC_SHA256",
  "ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
  "ECDHE_RSA_WITH_AES_128_CBC_SHA256",
  "DHE_RSA_WITH_AES_128_CBC_SHA256",
  "ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
  "ECDHE_RSA_WITH_AES_256_CBC_SHA",
  "DHE_RSA_WITH_AES_256_CBC_SHA",
  "ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
  "ECDHE_RSA_WITH_AES_128_CBC_SHA",
  "DHE_RSA_WITH_AES_128_CBC_SHA",
  "RSA_WITH_AES_256_GCM_SHA384",
  "RSA_WITH_AES_128_GCM_SHA256",
  "RSA_WITH_AES_256_CBC_SHA256",
  "RSA_WITH_AES_128_CBC_SHA256",
  "RSA_WITH_AES_256_CBC_SHA",
  "RSA_WITH_AES_128_CBC_SHA",
};

static void
assert_guide_default (GStrv names)
{
  g_assert_cmpuint (g_strv_length (names), ==, G_N_ELEMENTS (guide_default));
  for (guint i = 0; i < G_N_ELEMENTS (guide_default); i++)
    {
      g_autofree char *iana = g_strconcat ("TLS_", guide_default[i], NULL);

      g_assert_cmpstr (names[i], ==, iana);
    }
}

static void
test_fallbacks_follow_the_guide (void)
{
  static const char *const web[] = { "ECDHE-RSA-AES256-GCM-SHA384",
                                     "ECDHE-RSA-AES128-GCM-SHA256",
                                     "AES256-SHA",
                                     "AES128-SHA",
                                     "DES-CBC3-SHA",
                                     NULL };
  g_autoptr (PhonesecCipherList) empty
      = phonesec_cipher_list_resolve ("", PHONESEC_CIPHER_APP_WEB_SERVER, 0);
  g_autoptr (PhonesecCipherList) blank
      = phonesec_cipher_list_resolve ("  ", PHONESEC_CIPHER_APP_DEFAULT, 0);
  g_autoptr (PhonesecCipherList) invalid
      = phonesec_cipher_list_resolve ("FOO:BAR", PHONESEC_CIPHER_APP_XMPP, 0);
  g_autoptr (PhonesecCipherList) valid
      = phonesec_cipher_list_resolve ("RSA:!aNULL:!eNULL", PHONESEC_CIPHER_APP_XMPP, 0);
  g_autoptr (PhonesecCipherList) xmpp
      = phonesec_cipher_list_compile ("HIGH:MEDIUM:AES:@STRENGTH", NULL);
  g_autoptr (PhonesecCipherList) openssl_default = phonesec_cipher_list_compile ("DEFAULT", NULL);
  g_auto (GStrv) web_names = phonesec_cipher_list_dup_openssl_names (empty);
  g_auto (GStrv) default_names = phonesec_cipher_list_dup_iana_names (blank);
  g_auto (GStrv) xmpp_names = phonesec_cipher_list_dup_iana_names (xmpp);
  g_auto (GStrv) invalid_names = phonesec_cipher_list_dup_iana_names (invalid);
  g_auto (GStrv) openssl_default_names = phonesec_cipher_list_dup_iana_names (openssl_default);

  g_assert_true (phonesec_cipher_list_is_fallback (empty));
  g_assert_null (phonesec_cipher_list_get_problem (empty));
  g_assert_cmpstrv (web_names, web);

  g_assert_true (phonesec_cipher_list_is_fallback (blank));
  g_assert_null (phonesec_cipher_list_get_problem (blank));
  assert_guide_default (default_names);

  g_assert_true (phonesec_cipher_list_is_fallback (invalid));
  g_assert_error ((GError *) phonesec_cipher_list_get_problem (invalid), PHONESEC_ERROR,
                  PHONESEC_ERROR_INVALID_VALUE);
  g_assert_cmpstrv (invalid_names, xmpp_names);

  g_assert_false (phonesec_cipher_list_is_fallback (valid));
  g_assert_null (phonesec_cipher_list_get_problem (valid));

  /* OpenSSL 3.0's DEFAULT, offered by a client without PSK/SRP
   * credentials, is the guide's list (which came from OpenSSL 1.1.1d). */
  assert_guide_default (openssl_default_names);
}

/* ---- handshake-time check ------------------------------------------------ */

typedef struct
{
  int fd;
  const char *priority;
  int result;
} Peer;

static gpointer
run_server (gpointer data)
{
  Peer *peer = data;
  gnutls_session_t session;
  gnutls_anon_server_credentials_t anon;

  gnutls_anon_allocate_server_credentials (&anon);
  gnutls_init (&session, GNUTLS_SERVER);
  g_assert_cmpint (gnutls_priority_set_direct (session, peer->priority, NULL), ==, 0);
  gnutls_credentials_set (session, GNUTLS_CRD_ANON, anon);
  gnutls_transport_set_int (session, peer->fd);
  do
    peer->result = gnutls_handshake (session);
  while (peer->result < 0 && !gnutls_error_is_fatal (peer->result));
  gnutls_deinit (session);
  gnutls_anon_free_server_credentials (anon);
  return NULL;
}

/* A real handshake (anonymous ECDH: no certificates needed) between a
 * client using the list's priority and a server offering one suite. */
static gboolean
handshake_allowed (PhonesecCipherList *list, const char *server_priority, GError **error)
{
  int fds[2];
  Peer server;
  GThread *thread;
  gnutls_session_t session;
  gnutls_anon_client_credentials_t anon;
  int ret;
  gboolean allowed;

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM, 0, fds), ==, 0);
  server = (Peer){ .fd = fds[1], .priority = server_priority };
  thread = g_thread_new ("tls-server", run_server, &server);

  gnutls_anon_allocate_client_credentials (&anon);
  gnutls_init (&session, GNUTLS_CLIENT);
  g_assert_cmpint (
      gnutls_priority_set_direct (session, phonesec_cipher_list_get_priority (list), NULL), ==, 0);
  gnutls_credentials_set (session, GNUTLS_CRD_ANON, anon);
  gnutls_transport_set_int (session, fds[0]);
  do
    ret = gnutls_handshake (session);
  while (ret < 0 && !gnutls_error_is_fatal (ret));
  g_assert_cmpint (ret, ==, 0);
  allowed = phonesec_cipher_list_check_session (list, session, error);
  gnutls_deinit (session);
  gnutls_anon_free_client_credentials (anon);
  close (fds[0]);
  g_thread_join (thread);
  close (fds[1]);
  g_assert_cmpint (server.result, ==, 0);
  return allowed;
}

static void
test_session_check_refuses_extras (void)
{
  const char *server_base = "NONE:+VERS-TLS1.2:+COMP-NULL:+GROUP-ALL:+SIGN-ALL:+ANON-ECDH:+SHA1";
  g_autofree char *only_listed = g_strconcat (server_base, ":+AES-256-CBC", NULL);
  g_autofree char *only_extra = g_strconcat (server_base, ":+AES-128-CBC", NULL);
  g_autoptr (GError) error = NULL;
  /* ANON-ECDH and ANON-DH × AES-256 and AES-128: GnuTLS also enables
   * AECDH-AES128-SHA and ADH-AES256-SHA. */
  g_autoptr (PhonesecCipherList) list = phonesec_cipher_list_compile_full (
      "AECDH-AES256-SHA:ADH-AES128-SHA:@SECLEVEL=0", PHONESEC_CIPHER_LIST_NO_TLS13, &error);
  g_auto (GStrv) extras = NULL;

  g_assert_no_error (error);
  extras = phonesec_cipher_list_dup_extra_names (list);
  g_assert_true (
      g_strv_contains ((const char *const *) extras, "TLS_ECDH_anon_WITH_AES_128_CBC_SHA"));
  g_assert_true (
      g_strv_contains ((const char *const *) extras, "TLS_DH_anon_WITH_AES_256_CBC_SHA"));

  g_assert_true (handshake_allowed (list, only_listed, &error));
  g_assert_no_error (error);
  g_assert_false (handshake_allowed (list, only_extra, &error));
  g_assert_error (error, PHONESEC_ERROR, PHONESEC_ERROR_PERMISSION_DENIED);

  g_assert_true (phonesec_cipher_list_allows_name (list, "TLS_ECDH_anon_WITH_AES_256_CBC_SHA"));
  g_assert_true (phonesec_cipher_list_allows_name (list, "TLS_ECDH_ANON_AES_256_CBC_SHA1"));
  g_assert_false (phonesec_cipher_list_allows_name (list, "TLS_ECDH_anon_WITH_AES_128_CBC_SHA"));
  g_assert_false (phonesec_cipher_list_allows_name (list, "TLS_AES_128_GCM_SHA256"));
  g_assert_false (phonesec_cipher_list_allows_name (list, "NO_SUCH_SUITE"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  openssl_path = g_find_program_in_path ("openssl");
  init_comparable ();

  g_test_add_func ("/cipher-list/matches-openssl", test_matches_openssl);
  g_test_add_func ("/cipher-list/table-matches-libraries", test_table_matches_libraries);
  g_test_add_func ("/cipher-list/bad-input-is-a-clear-error", test_bad_input_is_a_clear_error);
  g_test_add_func ("/cipher-list/ignored-words-are-reported", test_ignored_words_are_reported);
  g_test_add_func ("/cipher-list/priority-enables-a-computed-superset",
                   test_priority_enables_a_computed_superset);
  g_test_add_func ("/cipher-list/fips-keeps-approved-suites", test_fips_keeps_approved_suites);
  g_test_add_func ("/cipher-list/openssl-string-selects-the-list",
                   test_openssl_string_selects_the_list);
  g_test_add_func ("/cipher-list/fallbacks-follow-the-guide", test_fallbacks_follow_the_guide);
  g_test_add_func ("/cipher-list/session-check-refuses-extras", test_session_check_refuses_extras);
  return g_test_run ();
}
