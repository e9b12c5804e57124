/* test-credentials.c: finding, masking and keeping credentials inside URLs,
 * provisioning rules and secret header values; and what the parameter
 * rules make of them (errors never quoting them).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "phonesec-credentials.h"
#include "phonesec-param-spec.h"
#include "phonesec/phonesec-error.h"
#include "phonesec/phonesec-secret.h"

#define URL PHONESEC_CREDENTIALS_URL
#define RULE PHONESEC_CREDENTIALS_RULE
#define WHOLE PHONESEC_CREDENTIALS_WHOLE

typedef struct
{
  PhonesecCredentialsKind kind;
  const char *value;
  const char *masked;
} MaskCase;

static const MaskCase mask_cases[] = {
  /* URLs */
  { URL, "https://user:pw@host/path", "https://user:********@host/path" },
  { URL, "https://user@host/path", "https://user@host/path" },
  { URL, "https://user:@host/", "https://user:@host/" },
  { URL, "https://:pw@host/", "https://:********@host/" },
  { URL, "https://host/path", "https://host/path" },
  /* '@' in the path, query or fragment is no user information. */
  { URL, "https://host/a@b:c", "https://host/a@b:c" },
  { URL, "https://host?x=u:p@q", "https://host?x=u:p@q" },
  { URL, "https://host#u:p@q", "https://host#u:p@q" },
  { URL, "https://u:p@host/a@b", "https://u:********@host/a@b" },
  /* The authority's last '@' ends the user information, as GUri splits. */
  { URL, "http://u:p@ss@host/", "http://u:********@host/" },
  { URL, "http://u:p:q@host/", "http://u:********@host/" },
  /* IPv6 hosts, with and without user information. */
  { URL, "http://[::1]:8080/x", "http://[::1]:8080/x" },
  { URL, "http://u:p@[2001:db8::1]:8443/x", "http://u:********@[2001:db8::1]:8443/x" },
  { URL, "http://u:%40p%3A@host/", "http://u:********@host/" },
  { URL, "HTTPS://U:P@H/", "HTTPS://U:********@H/" },
  /* Not a scheme://, nothing to find. */
  { URL, "mailto:u:p@host", "mailto:u:p@host" },
  { URL, "u:p@host", "u:p@host" },
  { URL, "", "" },
  { URL, "://u:p@h", "://u:p@h" },
  /* Rules */
  { RULE, "--uid u --pwd p https://h/x", "--uid u --pwd ******** https://h/x" },
  { RULE, "--key K --uid u --pwd p /p.xml", "--key ******** --uid u --pwd ******** /p.xml" },
  { RULE, "[--key $B --pwd p]tftp://h/$PSN.xml",
    "[--key ******** --pwd ********]tftp://h/$PSN.xml" },
  { RULE, "[--key  k]  http://u:p@h/", "[--key  ********]  http://u:********@h/" },
  { RULE, "--pwd \"p w\" http://h/", "--pwd ******** w\" http://h/" },
  { RULE, "--pwd\tp\thttp://h/", "--pwd\t********\thttp://h/" },
  { RULE, "--pwd=secret http://h/", "--pwd=******** http://h/" },
  { RULE, "--pwd", "--pwd" },
  { RULE, "--uid --pwd http://h/", "--uid --pwd ********" },
  { RULE, "http://u:p@h/ --pwd", "http://u:********@h/ --pwd" },
  { RULE, "/$PSN.xml", "/$PSN.xml" },
  { RULE, "[--pwd p", "[--pwd ********" },
  /* Conditional rules and alternatives, as real profiles write them. */
  { RULE,
    "(\"$EMS\" eq \"mobile\")?[--uid $EXT1 --pwd s1] http://a/m | [--pwd s2 --uid u] http://b/",
    "(\"$EMS\" eq \"mobile\")?[--uid $EXT1 --pwd ********] http://a/m | [--pwd ******** --uid u] "
    "http://b/" },
  { RULE, "( $SWVER lt 7 )?--key k1 http://a/x|--key k2 http://u:p@b/y",
    "( $SWVER lt 7 )?--key ******** http://a/x|--key ******** http://u:********@b/y" },
  { RULE, "[--key k]http://u:p@h/ [--status] http://h/s",
    "[--key ********]http://u:********@h/ [--status] http://h/s" },
  /* Groups that follow each other in one word (a fuzz finding). */
  { RULE, "[--srv][--key VerySue]tp://pv--dcfg:ue]txfmlt",
    "[--srv][--key ********]tp://pv--dcfg:ue]txfmlt" },
  { RULE, "[--srv][--uid u][--pwd p]https://h/x", "[--srv][--uid u][--pwd ********]https://h/x" },
  /* Header secrets: the whole value. */
  { WHOLE, "Bearer x.y.z", "********" },
  { WHOLE, "", "" },
};

static void
test_mask_cases (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (mask_cases); i++)
    {
      const MaskCase *c = &mask_cases[i];
      g_autofree char *masked = phonesec_credentials_mask (c->kind, c->value);

      if (g_strcmp0 (masked, c->masked) != 0)
        g_error ("mask (%d, \"%s\") = \"%s\", expected \"%s\"", c->kind, c->value, masked,
                 c->masked);
      /* Masking is idempotent: a masked value keeps its masks in place. */
      {
        g_autofree char *again = phonesec_credentials_mask (c->kind, masked);
        g_assert_cmpstr (again, ==, masked);
      }
      g_assert_true (phonesec_credentials_has (c->kind, c->value)
                     == (strcmp (masked, c->value) != 0));
    }
}

static void
test_mask_url_sdk (void)
{
  g_autofree char *a = phonesec_credentials_mask_url ("http://prx:S3cret@127.0.0.1:3128/p.pac");
  g_autofree char *b = phonesec_credentials_mask_url (NULL);

  g_assert_cmpstr (a, ==, "http://prx:********@127.0.0.1:3128/p.pac");
  g_assert_cmpstr (b, ==, "");
}

static void
test_collect (void)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) found = NULL;

  phonesec_credentials_collect (RULE, "--key K1 --uid u --pwd P2 http://x:P3@h/", builder);
  phonesec_credentials_collect (URL, "https://user:@h/", builder);
  phonesec_credentials_collect (WHOLE, "tok", builder);
  found = g_strv_builder_end (builder);
  g_assert_cmpuint (g_strv_length (found), ==, 4);
  g_assert_cmpstr (found[0], ==, "K1");
  g_assert_cmpstr (found[1], ==, "P2");
  g_assert_cmpstr (found[2], ==, "P3");
  g_assert_cmpstr (found[3], ==, "tok");
}

typedef struct
{
  PhonesecCredentialsKind kind;
  const char *stored;
  const char *written;
  const char *result; /* NULL: refused */
} MergeCase;

static const MergeCase merge_cases[] = {
  /* Written back as read: the stored credentials stay. */
  { URL, "https://u:pw@h/p", "https://u:********@h/p", "https://u:pw@h/p" },
  { RULE, "--key K --uid u --pwd P https://x:Q@h/p",
    "--key ******** --uid u --pwd ******** https://x:********@h/p",
    "--key K --uid u --pwd P https://x:Q@h/p" },
  { WHOLE, "tok", "********", "tok" },
  /* One credential changed, the others kept in their places. */
  { RULE, "--key K --uid u --pwd P /p", "--key ******** --uid u --pwd NEW /p",
    "--key K --uid u --pwd NEW /p" },
  /* New credentials replace; no user information removes them. */
  { URL, "https://u:pw@h/p", "https://u:new@h/p", "https://u:new@h/p" },
  { URL, "https://u:pw@h/p", "https://h/p", "https://h/p" },
  { WHOLE, "tok", "other", "other" },
  /* A mask with anything else changed is refused: never carried along. */
  { URL, "https://u:pw@h/p", "https://u:********@evil/p", NULL },
  { URL, "https://u:pw@h/p", "https://u:********@h/other", NULL },
  { URL, "https://u:pw@h/p", "https://v:********@h/p", NULL },
  { RULE, "--uid u --pwd P https://h/p", "--uid u --pwd ******** https://evil/p", NULL },
  { RULE, "--uid u --pwd P https://h/p", "--uid v --pwd ******** https://h/p", NULL },
  /* Nothing stored there to keep. */
  { URL, "https://h/p", "https://u:********@h/p", NULL },
  { URL, "https://u:@h/p", "https://u:********@h/p", NULL },
  { WHOLE, "", "********", NULL },
  { RULE, "/p", "--uid u --pwd ******** /p", NULL },
};

static void
test_merge_cases (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (merge_cases); i++)
    {
      const MergeCase *c = &merge_cases[i];
      g_autoptr (GError) error = NULL;
      g_autofree char *result = phonesec_credentials_merge (c->kind, c->written, c->stored, &error);

      if (g_strcmp0 (result, c->result) != 0)
        g_error ("merge (\"%s\" over \"%s\") = \"%s\", expected \"%s\"", c->written, c->stored,
                 result ? result : "(refused)", c->result ? c->result : "(refused)");
      if (result == NULL)
        {
          g_assert_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE);
          /* Neither value is quoted: the stored one holds the secret. */
          g_assert_null (strstr (error->message, "pw"));
          g_assert_null (strstr (error->message, "evil"));
          g_assert_null (strchr (error->message, '\n'));
        }
    }
}

static void
test_strip_url (void)
{
  g_autofree char *userinfo = NULL;
  g_autofree char *a
      = phonesec_credentials_strip_url ("https://u:p@ss@[::1]:8443/a@b?q#f", &userinfo);
  g_autofree char *b = phonesec_credentials_strip_url ("https://h/a@b", NULL);
  g_autofree char *c = phonesec_credentials_strip_url ("not a url", NULL);

  g_assert_cmpstr (a, ==, "https://[::1]:8443/a@b?q#f");
  g_assert_cmpstr (userinfo, ==, "u:p@ss");
  g_assert_cmpstr (b, ==, "https://h/a@b");
  g_assert_cmpstr (c, ==, "not a url");
}

/* An upload item only gets the user:password configured for its server. */
static void
test_userinfo_for_same_server_only (void)
{
  g_autoptr (PhonesecSecret) same = phonesec_credentials_dup_userinfo_for (
      "HTTPS://u:p%40w@Up.Example:443/a/", "https://up.example/b");
  g_autoptr (PhonesecSecret) other_host = phonesec_credentials_dup_userinfo_for (
      "https://u:pw@evil.example/a/", "https://up.example/a/");
  g_autoptr (PhonesecSecret) other_port = phonesec_credentials_dup_userinfo_for (
      "https://u:pw@up.example:8443/", "https://up.example/");
  g_autoptr (PhonesecSecret) other_scheme
      = phonesec_credentials_dup_userinfo_for ("http://u:pw@up.example/", "https://up.example/");
  g_autoptr (PhonesecSecret) none
      = phonesec_credentials_dup_userinfo_for ("https://up.example/", "https://up.example/");

  g_assert_nonnull (same);
  g_assert_cmpstr (phonesec_secret_peek (same), ==, "u:p%40w");
  g_assert_null (other_host);
  g_assert_null (other_port);
  g_assert_null (other_scheme);
  g_assert_null (none);
  g_assert_false (phonesec_credentials_same_server (NULL, "https://h/"));
  g_assert_false (phonesec_credentials_same_server ("not a url", "https://h/"));
  g_assert_true (phonesec_credentials_same_server ("http://[::1]:80/x", "http://[::1]/y"));
}

/* --- through the parameter rules ------------------------------------------ */

static PhonesecParamSpec *
make_spec (PhonesecParamType type, const char *kind)
{
  PhonesecParamSpec *spec = g_new0 (PhonesecParamSpec, 1);

  spec->name = g_strdup ("Test");
  spec->type = type;
  spec->kind = g_strdup (kind);
  spec->max_length = 1023;
  spec->default_value = g_variant_ref_sink (g_variant_new_string (""));
  return spec;
}

static void
test_spec_credentials_kind (void)
{
  g_autoptr (PhonesecParamSpec) url = make_spec (PHONESEC_PARAM_URL, NULL);
  g_autoptr (PhonesecParamSpec) rule = make_spec (PHONESEC_PARAM_STRING, "rule");
  g_autoptr (PhonesecParamSpec) header = make_spec (PHONESEC_PARAM_STRING, "header-secret");
  g_autoptr (PhonesecParamSpec) plain = make_spec (PHONESEC_PARAM_STRING, "header-value");

  g_assert_cmpint (phonesec_param_spec_get_credentials (url), ==, URL);
  g_assert_cmpint (phonesec_param_spec_get_credentials (rule), ==, RULE);
  g_assert_cmpint (phonesec_param_spec_get_credentials (header), ==, WHOLE);
  g_assert_cmpint (phonesec_param_spec_get_credentials (plain), ==, PHONESEC_CREDENTIALS_NONE);
}

/* Invalid values whose credentials a validator could echo: the message comes
 * from the masked form, or is a general one. */
static void
test_spec_errors_never_quote_credentials (void)
{
  static const struct
  {
    PhonesecParamType type;
    const char *kind;
    const char *value;
  } cases[] = {
    { PHONESEC_PARAM_STRING, "rule", "--uid u --pwd Mark3r-Pw http://h/ trailing" },
    { PHONESEC_PARAM_STRING, "rule", "--uid u --pwd a Mark3r-Pw http://h/" },
    { PHONESEC_PARAM_STRING, "rule", "--key Mark3r-Pw --bogus=Mark3r-Pw http://h/" },
    { PHONESEC_PARAM_STRING, "rule", "--pwd=Mark3r-Pw http://h/" },
    { PHONESEC_PARAM_STRING, "rule", "--uid u --pwd Mark3r-Pw\x01 http://h/" },
    { PHONESEC_PARAM_URL, NULL, "http://u:Mark3r-Pw@h_!/" },
    { PHONESEC_PARAM_URL, NULL, "http://u:Mark3r-Pw%zz@h/" },
    { PHONESEC_PARAM_URL, NULL, "http://u:Mark3r-Pw@h:99999/" },
    { PHONESEC_PARAM_URL, NULL, "bogus://u:Mark3r-Pw@h/ x" },
    { PHONESEC_PARAM_STRING, "header-secret", "Mark3r-Pw\x01" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (PhonesecParamSpec) spec = make_spec (cases[i].type, cases[i].kind);
      g_autoptr (GError) error = NULL;
      g_autoptr (GVariant) value = phonesec_param_spec_parse_string (spec, cases[i].value, &error);

      if (value != NULL)
        g_error ("\"%s\" was accepted", cases[i].value);
      g_assert_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE);
      if (strstr (error->message, "Mark3r") != NULL)
        g_error ("the error for \"%s\" quotes the credential: %s", cases[i].value, error->message);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/credentials/mask", test_mask_cases);
  g_test_add_func ("/credentials/mask-url-sdk", test_mask_url_sdk);
  g_test_add_func ("/credentials/collect", test_collect);
  g_test_add_func ("/credentials/merge", test_merge_cases);
  g_test_add_func ("/credentials/strip-url", test_strip_url);
  g_test_add_func ("/credentials/userinfo-for-same-server-only",
                   test_userinfo_for_same_server_only);
  g_test_add_func ("/credentials/spec-kind", test_spec_credentials_kind);
  g_test_add_func ("/credentials/spec-errors-never-quote-credentials",
                   test_spec_errors_never_quote_credentials);
  return g_test_run ();
}
