/* test-sip-auth-header.c: phonesec-sip-auth-header.c and
 * phonesec-sip-digest-params.c: what servers send, well-formed and
 * hostile, and what we write back.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "phonesec-sip-digest-params.h"

static GPtrArray *
parse_ok (const char *text)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *list = phonesec_sip_auth_parse_challenges (text, strlen (text), &error);

  g_assert_no_error (error);
  g_assert_nonnull (list);
  return list;
}

static void
test_kamailio_challenge (void)
{
  g_autoptr (GPtrArray) list
      = parse_ok ("Digest realm=\"sip.phonesec.test\", nonce=\"ZmRkYmE0NDU2Nzg5MDEyMzQ1Njc4\", "
                  "qop=\"auth\", algorithm=SHA-256");
  PhonesecSipAuthParams *p = list->pdata[0];
  PhonesecSipDigestChallenge c;
  g_autoptr (GError) error = NULL;

  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (p->scheme, ==, "Digest");
  g_assert_true (phonesec_sip_digest_challenge_parse (p, &c, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (c.realm, ==, "sip.phonesec.test");
  g_assert_cmpint (c.algorithm.hash, ==, PHONESEC_SIP_DIGEST_SHA256);
  g_assert_false (c.algorithm.sess);
  g_assert_true (c.qop_auth);
  g_assert_false (c.qop_auth_int);
  g_assert_null (c.opaque);
  phonesec_sip_digest_challenge_clear (&c);
}

/* RFC 8760 §2.4: one header may carry several challenges; other schemes
 * and empty list elements are skipped over correctly. */
static void
test_several_challenges_in_one_value (void)
{
  g_autoptr (GPtrArray) list = parse_ok (
      "Basic realm=\"x\", Digest realm=\"a\", nonce=\"n1\", algorithm=SHA-512-256-sess, "
      "qop=\"auth,auth-int\", userhash=true, , Negotiate YWJjZA==, Digest REALM=\"b\", "
      "Nonce=\"n2\", Opaque=\"o\\\"q\"");
  PhonesecSipAuthParams *p;
  PhonesecSipDigestChallenge c;

  g_assert_cmpuint (list->len, ==, 4);
  g_assert_cmpstr (((PhonesecSipAuthParams *) list->pdata[0])->scheme, ==, "Basic");
  g_assert_cmpstr (((PhonesecSipAuthParams *) list->pdata[2])->token68, ==, "YWJjZA==");
  p = list->pdata[1];
  g_assert_true (phonesec_sip_digest_challenge_parse (p, &c, NULL));
  g_assert_cmpint (c.algorithm.hash, ==, PHONESEC_SIP_DIGEST_SHA512_256);
  g_assert_true (c.algorithm.sess);
  g_assert_true (c.qop_auth && c.qop_auth_int && c.userhash);
  phonesec_sip_digest_challenge_clear (&c);
  /* Names are case-insensitive; a quoted-pair unescapes. */
  p = list->pdata[3];
  g_assert_true (phonesec_sip_digest_challenge_parse (p, &c, NULL));
  g_assert_cmpstr (c.realm, ==, "b");
  g_assert_cmpstr (c.opaque, ==, "o\"q");
  g_assert_cmpint (c.algorithm.hash, ==, PHONESEC_SIP_DIGEST_MD5); /* absent: MD5 */
  phonesec_sip_digest_challenge_clear (&c);
}

/* --- hostile challenges: each refused, saying what was wrong --------------------- */

typedef struct
{
  const char *name;
  const char *text;    /* NULL: made by the test */
  gboolean syntax;     /* refused by the parser (else by the Digest rules) */
  int code;            /* PhonesecError */
  const char *message; /* a part of the error message */
} Hostile;

static const Hostile hostile[] = {
  { "unknown-algorithm", "Digest realm=\"r\", nonce=\"n\", algorithm=SHA-1", FALSE,
    PHONESEC_ERROR_NOT_SUPPORTED, "Algorithm SHA-1 is not supported; supported: MD5, SHA-256" },
  { "truncated-sha512-name", "Digest realm=\"r\", nonce=\"n\", algorithm=SHA-512", FALSE,
    PHONESEC_ERROR_NOT_SUPPORTED, "Algorithm SHA-512 is not supported" },
  { "missing-realm", "Digest nonce=\"n\", algorithm=MD5", FALSE, PHONESEC_ERROR_INVALID_VALUE,
    "The challenge has no realm" },
  { "empty-realm", "Digest realm=\"\", nonce=\"n\"", FALSE, PHONESEC_ERROR_INVALID_VALUE,
    "The challenge has no realm" },
  { "missing-nonce", "Digest realm=\"r\"", FALSE, PHONESEC_ERROR_INVALID_VALUE,
    "The challenge has no nonce" },
  { "unknown-qop", "Digest realm=\"r\", nonce=\"n\", qop=\"auth-conf\"", FALSE,
    PHONESEC_ERROR_NOT_SUPPORTED, "qop auth-conf offers neither auth nor auth-int" },
  { "duplicated-parameter", "Digest realm=\"r\", nonce=\"n\", realm=\"evil\"", TRUE,
    PHONESEC_ERROR_INVALID_VALUE, "Parameter realm is given twice" },
  { "duplicated-parameter-case", "Digest nonce=\"n\", realm=\"r\", NONCE=\"m\"", TRUE,
    PHONESEC_ERROR_INVALID_VALUE, "Parameter NONCE is given twice" },
  { "unterminated-quotes", "Digest realm=\"r, nonce=\"n\"", TRUE, PHONESEC_ERROR_INVALID_VALUE,
    "Expected ',' after parameter realm" },
  { "unterminated-quotes-at-end", "Digest realm=\"r\", nonce=\"abc", TRUE,
    PHONESEC_ERROR_INVALID_VALUE, "Parameter nonce has an unterminated quoted string" },
  { "escape-at-end", "Digest realm=\"r\", nonce=\"abc\\", TRUE, PHONESEC_ERROR_INVALID_VALUE,
    "Parameter nonce has an unterminated quoted string" },
  { "newline-in-value", "Digest realm=\"r\r\nX-Evil: 1\", nonce=\"n\"", TRUE,
    PHONESEC_ERROR_INVALID_VALUE, "Parameter realm holds a control character" },
  { "nul-in-value", NULL, TRUE, PHONESEC_ERROR_INVALID_VALUE,
    "Parameter nonce holds a control character" },
  { "64k-nonce", NULL, TRUE, PHONESEC_ERROR_INVALID_VALUE,
    "Parameter nonce is longer than 1024 bytes" },
  { "64k-token-nonce", NULL, TRUE, PHONESEC_ERROR_INVALID_VALUE,
    "Parameter nonce is longer than 1024 bytes" },
  { "huge-value", NULL, TRUE, PHONESEC_ERROR_INVALID_VALUE, "bytes long; at most 262144" },
  { "too-many-parameters", NULL, TRUE, PHONESEC_ERROR_INVALID_VALUE, "More than 32 parameters" },
  { "too-many-challenges", NULL, TRUE, PHONESEC_ERROR_INVALID_VALUE,
    "More than 16 challenges in one value" },
  { "no-value", "Digest realm=, nonce=\"n\"", TRUE, PHONESEC_ERROR_INVALID_VALUE,
    "Parameter realm has no value" },
  { "no-comma", "Digest realm=\"r\" nonce=\"n\"", TRUE, PHONESEC_ERROR_INVALID_VALUE,
    "Expected ',' after parameter realm" },
  { "empty", "  ,  ", TRUE, PHONESEC_ERROR_INVALID_VALUE, "The value is empty" },
  { "no-scheme", "=\"x\"", TRUE, PHONESEC_ERROR_INVALID_VALUE,
    "Expected an authentication scheme" },
  { "unquoted-slash", "Digest realm=r, nonce=a/b", TRUE, PHONESEC_ERROR_INVALID_VALUE,
    "Expected ',' after parameter nonce, found '/b'" },
};

static char *
make_hostile (const Hostile *h, gsize *len)
{
  GString *text;

  if (h->text != NULL)
    {
      *len = strlen (h->text);
      return g_strdup (h->text);
    }
  text = g_string_new ("Digest realm=\"r\", ");
  if (g_str_equal (h->name, "nul-in-value"))
    g_string_append_len (text, "nonce=\"a\0b\"", 11);
  else if (g_str_equal (h->name, "64k-nonce"))
    {
      g_string_append (text, "nonce=\"");
      for (guint i = 0; i < 65536; i++)
        g_string_append_c (text, 'a' + i % 26);
      g_string_append_c (text, '"');
    }
  else if (g_str_equal (h->name, "64k-token-nonce"))
    for (g_string_append (text, "nonce="); text->len < 65536 + 20;)
      g_string_append_c (text, 'z');
  else if (g_str_equal (h->name, "huge-value"))
    for (; text->len <= 270000;)
      g_string_append (text, ",  ");
  else if (g_str_equal (h->name, "too-many-parameters"))
    for (guint i = 0; i < 40; i++)
      g_string_append_printf (text, "p%u=v, ", i);
  else if (g_str_equal (h->name, "too-many-challenges"))
    for (guint i = 0; i < 20; i++)
      g_string_append (text, "Digest realm=\"r\", nonce=\"n\", ");
  *len = text->len;
  return g_string_free (text, FALSE);
}

static void
test_hostile (gconstpointer data)
{
  const Hostile *h = data;
  gsize len;
  g_autofree char *text = make_hostile (h, &len);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = phonesec_sip_auth_parse_challenges (text, len, &error);

  if (h->syntax)
    {
      g_assert_null (list);
      g_assert_nonnull (error);
    }
  else
    {
      PhonesecSipDigestChallenge c;

      g_assert_no_error (error);
      g_assert_cmpuint (list->len, ==, 1);
      g_assert_false (phonesec_sip_digest_challenge_parse (list->pdata[0], &c, &error));
    }
  g_test_message ("%s: %s", h->name, error->message);
  g_assert_error (error, PHONESEC_ERROR, h->code);
  if (strstr (error->message, h->message) == NULL)
    g_error ("%s: \"%s\" does not say \"%s\"", h->name, error->message, h->message);
  /* Clear and short: one line, never the 64 KB echoed back. */
  g_assert_null (strchr (error->message, '\n'));
  g_assert_cmpuint (strlen (error->message), <, 200);
}

/* --- credentials ---------------------------------------------------------------- */

static void
test_credentials_rfc3261_example (void)
{
  const char *text = "Digest username=\"bob\", realm=\"biloxi.com\", "
                     "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"sip:bob@biloxi.com\", "
                     "qop=auth, nc=00000001, cnonce=\"0a4f113b\", "
                     "response=\"6629fae49393a05397450978507c4ef1\", "
                     "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecSipAuthParams) p
      = phonesec_sip_auth_parse_credentials (text, strlen (text), &error);
  PhonesecSipDigestCredentials c;
  g_autofree char *written = NULL;
  g_autoptr (PhonesecSipAuthParams) again = NULL;
  PhonesecSipDigestCredentials c2;

  g_assert_no_error (error);
  g_assert_true (phonesec_sip_digest_credentials_parse (p, &c, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (c.username, ==, "bob");
  g_assert_cmpstr (c.uri, ==, "sip:bob@biloxi.com");
  g_assert_cmpstr (c.nc, ==, "00000001");
  g_assert_cmpint (c.qop, ==, PHONESEC_SIP_DIGEST_QOP_AUTH);
  /* Written and read again, it is the same. */
  written = phonesec_sip_digest_credentials_to_string (&c);
  again = phonesec_sip_auth_parse_credentials (written, strlen (written), &error);
  g_assert_no_error (error);
  g_assert_true (phonesec_sip_digest_credentials_parse (again, &c2, &error));
  g_assert_cmpstr (c2.username, ==, c.username);
  g_assert_cmpstr (c2.response, ==, c.response);
  g_assert_cmpstr (c2.opaque, ==, c.opaque);
  g_assert_cmpstr (c2.cnonce, ==, c.cnonce);
  phonesec_sip_digest_credentials_clear (&c);
  phonesec_sip_digest_credentials_clear (&c2);
}

static void
test_credentials_refused (void)
{
  static const struct
  {
    const char *text;
    const char *message;
  } cases[] = {
    { "Digest realm=\"r\", nonce=\"n\", uri=\"u\", response=\"6629fae49393a05397450978507c4ef1\"",
      "no username" },
    { "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"u\", response=\"abc\"",
      "The response is not 32 hexadecimal digits, as MD5 gives" },
    { "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"u\", algorithm=SHA-256, "
      "response=\"6629fae49393a05397450978507c4ef1\"",
      "The response is not 64 hexadecimal digits, as SHA-256 gives" },
    { "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"u\", qop=auth, nc=1, cnonce=\"c\", "
      "response=\"6629fae49393a05397450978507c4ef1\"",
      "nc 1 is not 8 hexadecimal digits" },
    { "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"u\", qop=auth, nc=00000001, "
      "response=\"6629fae49393a05397450978507c4ef1\"",
      "The credentials have no cnonce" },
    { "Digest username=\"u\", username*=UTF-8''u, realm=\"r\", nonce=\"n\", uri=\"u\", "
      "response=\"6629fae49393a05397450978507c4ef1\"",
      "both username and username*" },
    { "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"u\", "
      "response=\"6629fae49393a05397450978507c4ef1\", Digest username=\"v\"",
      "More than one scheme in one value" },
    { "Basic dXNlcjpwYXNz", "Scheme Basic is not supported; supported: Digest" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (PhonesecSipAuthParams) p
          = phonesec_sip_auth_parse_credentials (cases[i].text, strlen (cases[i].text), &error);
      PhonesecSipDigestCredentials c;

      if (p != NULL)
        g_assert_false (phonesec_sip_digest_credentials_parse (p, &c, &error));
      g_assert_nonnull (error);
      g_test_message ("%s", error->message);
      if (strstr (error->message, cases[i].message) == NULL)
        g_error ("\"%s\" does not say \"%s\"", error->message, cases[i].message);
    }
}

static void
test_username_star (void)
{
  const char *text = "Digest username*=UTF-8''J%C3%A4s%C3%B8n%20Doe, realm=\"r\", nonce=\"n\", "
                     "uri=\"/\", response=\"6629fae49393a05397450978507c4ef1\"";
  g_autoptr (PhonesecSipAuthParams) p
      = phonesec_sip_auth_parse_credentials (text, strlen (text), NULL);
  PhonesecSipDigestCredentials c;
  g_autofree char *written = NULL;

  g_assert_true (phonesec_sip_digest_credentials_parse (p, &c, NULL));
  g_assert_cmpstr (c.username, ==, "J\xc3\xa4s\xc3\xb8n Doe");
  written = phonesec_sip_digest_credentials_to_string (&c);
  g_assert_nonnull (strstr (written, "username*=UTF-8''J%C3%A4s%C3%B8n%20Doe, "));
  phonesec_sip_digest_credentials_clear (&c);
}

static void
test_quoting_escapes (void)
{
  g_autoptr (GString) out = g_string_new (NULL);

  phonesec_sip_auth_append_quoted (out, "realm", "a\"b\\c");
  g_assert_cmpstr (out->str, ==, "realm=\"a\\\"b\\\\c\"");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sip-auth-header/kamailio-challenge", test_kamailio_challenge);
  g_test_add_func ("/sip-auth-header/several-challenges", test_several_challenges_in_one_value);
  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sip-auth-header/hostile/%s", hostile[i].name);

      g_test_add_data_func (path, &hostile[i], test_hostile);
    }
  g_test_add_func ("/sip-auth-header/credentials/rfc3261", test_credentials_rfc3261_example);
  g_test_add_func ("/sip-auth-header/credentials/refused", test_credentials_refused);
  g_test_add_func ("/sip-auth-header/credentials/username-star", test_username_star);
  g_test_add_func ("/sip-auth-header/quoting", test_quoting_escapes);
  return g_test_run ();
}
