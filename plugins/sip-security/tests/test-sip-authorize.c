/* test-sip-authorize.c: phonesec-sip-authorize.c: which challenge a line
 * answers, and how.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "phonesec-sip-authorize.h"
#include "phonesec-sip-digest-params.h"
#include "sip-test-line.h"

#define PASSWORD "s3cret-line-1"

typedef struct
{
  PhonesecSipLine *line;
  PhonesecSecret *password;
  PhonesecSipNonceCounts *counts;
  char *name;
  char *value;
  GError *error;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  f->line = sip_test_line_new (GPOINTER_TO_INT (data));
  f->password = phonesec_secret_new (PASSWORD, -1);
  f->counts = phonesec_sip_nonce_counts_new ();
}

static void
teardown (Fixture *f, gconstpointer data)
{
  phonesec_sip_line_free (f->line);
  phonesec_secret_unref (f->password);
  phonesec_sip_nonce_counts_free (f->counts);
  g_free (f->name);
  g_free (f->value);
  g_clear_error (&f->error);
}

static gboolean
authorize (Fixture *f, const char *const *challenges, gboolean proxy)
{
  PhonesecSipAuthorizeRequest request = { "REGISTER", "sip:example.net", challenges, proxy };

  g_clear_pointer (&f->name, g_free);
  g_clear_pointer (&f->value, g_free);
  g_clear_error (&f->error);
  return phonesec_sip_authorize (f->line, f->password, &request, f->counts, &f->name, &f->value,
                                 &f->error);
}

static PhonesecSipDigestCredentials
credentials (Fixture *f)
{
  g_autoptr (PhonesecSipAuthParams) p
      = phonesec_sip_auth_parse_credentials (f->value, strlen (f->value), NULL);
  PhonesecSipDigestCredentials c;

  g_assert_nonnull (p);
  g_assert_true (phonesec_sip_digest_credentials_parse (p, &c, NULL));
  return c;
}

/* RFC 8760 §2.4: the first challenge the line supports, in the server's order. */
static void
test_first_allowed_in_server_order (Fixture *f, gconstpointer data)
{
  const char *const challenges[]
      = { "Digest realm=\"r\", nonce=\"n1\", algorithm=SHA-512-256, qop=\"auth\"",
          "Digest realm=\"r\", nonce=\"n1\", algorithm=SHA-256, qop=\"auth\"",
          "Digest realm=\"r\", nonce=\"n1\", algorithm=MD5, qop=\"auth\"", NULL };
  PhonesecSipDigestCredentials c;

  g_assert_true (authorize (f, challenges, FALSE));
  c = credentials (f);
  g_assert_cmpstr (f->name, ==, "Authorization");
  g_assert_cmpint (c.algorithm.hash, ==, PHONESEC_SIP_DIGEST_SHA512_256);
  g_assert_cmpstr (c.username, ==, "1001");
  g_assert_cmpstr (c.uri, ==, "sip:example.net");
  g_assert_cmpstr (c.nc, ==, "00000001");
  g_assert_cmpuint (strlen (c.cnonce), ==, 32);
  phonesec_sip_digest_credentials_clear (&c);
}

/* Auth_Support_RFC8760_n_=No: MD5 only, the rest skipped. */
static void
test_md5_only_without_rfc8760 (Fixture *f, gconstpointer data)
{
  const char *const challenges[]
      = { "Digest realm=\"r\", nonce=\"n1\", algorithm=SHA-256, qop=\"auth\", "
          "Digest realm=\"r\", nonce=\"n1\", algorithm=MD5, qop=\"auth\"",
          NULL };
  PhonesecSipDigestCredentials c;

  g_assert_true (authorize (f, challenges, FALSE));
  c = credentials (f);
  g_assert_cmpint (c.algorithm.hash, ==, PHONESEC_SIP_DIGEST_MD5);
  phonesec_sip_digest_credentials_clear (&c);
}

/* The guide's case: a server that offers SHA-256 only, a line without
 * RFC 8760: refused, saying why and which parameter decides. */
static void
test_sha256_only_refused_clearly (Fixture *f, gconstpointer data)
{
  const char *const challenges[] = { "Digest realm=\"r\", nonce=\"n\", algorithm=SHA-256", NULL };

  g_assert_false (authorize (f, challenges, FALSE));
  g_test_message ("%s", f->error->message);
  g_assert_error (f->error, PHONESEC_ERROR, PHONESEC_ERROR_NOT_SUPPORTED);
  g_assert_cmpstr (f->error->message, ==,
                   "Line 1 cannot answer: the server offers only SHA-256 digest, and the line "
                   "allows MD5 (Auth_Support_RFC8760_1_ is No)");
  g_assert_null (strstr (f->error->message, PASSWORD));
}

static void
test_fips_refuses_md5 (Fixture *f, gconstpointer data)
{
  const char *const challenges[] = { "Digest realm=\"r\", nonce=\"n\"", NULL };

  f->line->fips = TRUE;
  g_assert_false (authorize (f, challenges, FALSE));
  g_assert_nonnull (strstr (f->error->message, "FIPS_Mode forbids MD5"));
}

static void
test_proxy_authenticate_and_opaque (Fixture *f, gconstpointer data)
{
  const char *const challenges[] = { "Proxy-Authenticate : Digest realm=\"p\", nonce=\"x\", "
                                     "opaque=\"op\", algorithm=MD5-sess",
                                     NULL };
  PhonesecSipDigestCredentials c;

  g_assert_true (authorize (f, challenges, FALSE));
  g_assert_cmpstr (f->name, ==, "Proxy-Authorization");
  c = credentials (f);
  g_assert_cmpstr (c.opaque, ==, "op");
  g_assert_true (c.algorithm.sess);
  g_assert_cmpint (c.qop, ==, PHONESEC_SIP_DIGEST_QOP_NONE);
  /* -sess needs the cnonce even without qop. */
  g_assert_nonnull (strstr (f->value, "cnonce=\""));
  phonesec_sip_digest_credentials_clear (&c);
  /* Without a header name, the option decides. */
  {
    const char *const bare[] = { "Digest realm=\"p\", nonce=\"x\"", NULL };

    g_assert_true (authorize (f, bare, TRUE));
    g_assert_cmpstr (f->name, ==, "Proxy-Authorization");
    g_assert_true (authorize (f, bare, FALSE));
    g_assert_cmpstr (f->name, ==, "Authorization");
  }
}

/* A nonce answered again (preemptive authentication) counts up. */
static void
test_nonce_count_increments (Fixture *f, gconstpointer data)
{
  const char *const challenges[] = { "Digest realm=\"r\", nonce=\"same\", qop=\"auth\"", NULL };
  const char *const other[] = { "Digest realm=\"r\", nonce=\"other\", qop=\"auth\"", NULL };

  g_assert_true (authorize (f, challenges, FALSE));
  g_assert_nonnull (strstr (f->value, "nc=00000001"));
  g_assert_true (authorize (f, challenges, FALSE));
  g_assert_nonnull (strstr (f->value, "nc=00000002"));
  g_assert_true (authorize (f, other, FALSE));
  g_assert_nonnull (strstr (f->value, "nc=00000001"));
}

static void
test_userhash_and_auth_id (Fixture *f, gconstpointer data)
{
  const char *const challenges[]
      = { "Digest realm=\"api@example.org\", nonce=\"n\", algorithm=SHA-512-256, qop=\"auth\", "
          "userhash=true",
          NULL };
  char expected[PHONESEC_SIP_DIGEST_HEX_MAX];

  f->line->use_auth_id = TRUE;
  g_free (f->line->auth_id);
  f->line->auth_id = g_strdup ("J\xc3\xa4s\xc3\xb8n Doe");
  g_assert_true (authorize (f, challenges, FALSE));
  phonesec_sip_digest_userhash (PHONESEC_SIP_DIGEST_SHA512_256, "J\xc3\xa4s\xc3\xb8n Doe",
                                "api@example.org", expected);
  g_assert_nonnull (strstr (f->value, expected));
  g_assert_nonnull (strstr (f->value, "userhash=true"));
  /* The erratum's value for this name and realm. */
  g_assert_cmpstr (expected, ==,
                   "793263caabb707a56211940d90411ea4a575adeccb7e360aeb624ed06ece9b0b");
}

static void
test_auth_int_body (Fixture *f, gconstpointer data)
{
  const char *const challenges[] = { "Digest realm=\"r\", nonce=\"n\", qop=\"auth-int\"", NULL };
  g_autoptr (GBytes) body = g_bytes_new_static ("v=0\r\n", 5);
  PhonesecSipAuthorizeRequest request
      = { "INVITE", "sip:1001@example.net", challenges, FALSE, body, "cn", 1 };
  g_autofree char *name = NULL, *value = NULL, *value_empty = NULL;

  g_assert_true (
      phonesec_sip_authorize (f->line, f->password, &request, f->counts, &name, &value, NULL));
  g_assert_nonnull (strstr (value, "qop=auth-int"));
  g_free (name);
  request.body = NULL;
  g_assert_true (phonesec_sip_authorize (f->line, f->password, &request, f->counts, &name,
                                         &value_empty, NULL));
  /* The body is in the digest. */
  g_assert_cmpstr (value, !=, value_empty);
}

static void
test_no_user_id (Fixture *f, gconstpointer data)
{
  const char *const challenges[] = { "Digest realm=\"r\", nonce=\"n\"", NULL };

  g_free (f->line->user_id);
  f->line->user_id = g_strdup ("");
  g_assert_false (authorize (f, challenges, FALSE));
  g_assert_error (f->error, PHONESEC_ERROR, PHONESEC_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (f->error->message, "User_ID_1_"));
}

/* Hostile input: the first problem is named; a good challenge after a bad
 * one is still used. */
static void
test_hostile_then_good (Fixture *f, gconstpointer data)
{
  const char *const bad[] = { "Digest realm=\"r\", nonce=\"unterminated", "Basic realm=\"x\"",
                              "Digest nonce=\"n\"", NULL };
  const char *const bad_then_good[] = { "Digest realm=\"r\", nonce=\"unterminated",
                                        "Digest realm=\"r\", nonce=\"n\", algorithm=FOO",
                                        "Digest realm=\"r\", nonce=\"n\"", NULL };

  g_assert_false (authorize (f, bad, FALSE));
  g_test_message ("%s", f->error->message);
  g_assert_error (f->error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE);
  g_assert_cmpstr (f->error->message, ==,
                   "Line 1 cannot answer: Challenge 1: Parameter nonce has an unterminated "
                   "quoted string");
  g_assert_true (authorize (f, bad_then_good, FALSE));
  g_assert_nonnull (strstr (f->value, "algorithm=MD5"));
}

static void
test_only_unknown_algorithm (Fixture *f, gconstpointer data)
{
  const char *const challenges[] = { "Digest realm=\"r\", nonce=\"n\", algorithm=AKAv1-MD5", NULL };

  g_assert_false (authorize (f, challenges, FALSE));
  g_test_message ("%s", f->error->message);
  g_assert_error (f->error, PHONESEC_ERROR, PHONESEC_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (f->error->message, "Algorithm AKAv1-MD5 is not supported"));
}

int
main (int argc, char **argv)
{
  gconstpointer rfc8760 = GINT_TO_POINTER (TRUE), md5_only = GINT_TO_POINTER (FALSE);

  g_test_init (&argc, &argv, NULL);
#define ADD(path, data, func)                                                                      \
  g_test_add ("/sip-authorize/" path, Fixture, data, setup, func, teardown)
  ADD ("first-allowed", rfc8760, test_first_allowed_in_server_order);
  ADD ("md5-only", md5_only, test_md5_only_without_rfc8760);
  ADD ("sha256-only-refused", md5_only, test_sha256_only_refused_clearly);
  ADD ("fips-no-md5", rfc8760, test_fips_refuses_md5);
  ADD ("proxy-and-opaque", md5_only, test_proxy_authenticate_and_opaque);
  ADD ("nonce-count", md5_only, test_nonce_count_increments);
  ADD ("userhash-auth-id", rfc8760, test_userhash_and_auth_id);
  ADD ("auth-int", md5_only, test_auth_int_body);
  ADD ("no-user", md5_only, test_no_user_id);
  ADD ("hostile-then-good", md5_only, test_hostile_then_good);
  ADD ("unknown-algorithm", md5_only, test_only_unknown_algorithm);
#undef ADD
  return g_test_run ();
}
