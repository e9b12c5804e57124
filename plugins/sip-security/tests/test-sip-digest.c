/* test-sip-digest.c: phonesec-sip-digest.c against RFC 7616's examples
 * and an independent implementation (digest_reference.py, Python's
 * hashlib).
 *
 * RFC 7616 §3.9.2 (SHA-512-256, userhash, UTF-8 user name) was published
 * with values of SHA-512 truncated to 256 bits; the erratum gives the
 * SHA-512/256 ones. Both are here: ours must give the erratum's and must
 * never give the truncated ones.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <json-glib/json-glib.h>
#include <nettle/sha2.h>
#include <string.h>

#include "phonesec-sip-digest.h"

typedef struct
{
  const char *algorithm;
  const char *username;
  const char *realm;
  const char *password;
  const char *nonce;
  const char *cnonce;
  const char *nc;
  const char *qop;
  const char *method;
  const char *uri;
  const char *expected;
} Vector;

static const Vector rfc7616[] = {
  /* §3.9.1 */
  { "MD5", "Mufasa", "http-auth@example.org", "Circle of Life",
    "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
    "00000001", "auth", "GET", "/dir/index.html", "8ca523f5e9506fed4657c9700eebdbec" },
  { "SHA-256", "Mufasa", "http-auth@example.org", "Circle of Life",
    "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
    "00000001", "auth", "GET", "/dir/index.html",
    "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1" },
  /* §3.9.2 as corrected by the erratum (SHA-512/256 proper). */
  { "SHA-512-256", "J\xc3\xa4s\xc3\xb8n Doe", "api@example.org", "Secret, or not?",
    "5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK", "NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v",
    "00000001", "auth", "GET", "/doe.json",
    "3798d4131c277846293534c3edc11bd8a5e4cdcbff78b05db9d95eeb1cec68a5" },
  /* RFC 2617 §3.5 (MD5, qop auth). */
  { "MD5", "Mufasa", "testrealm@host.com", "Circle Of Life", "dcd98b7102dd2f0e8b11d0f600bfb0c093",
    "0a4f113b", "00000001", "auth", "GET", "/dir/index.html", "6629fae49393a05397450978507c4ef1" },
};

/* §3.9.2 as first published: truncated SHA-512, not SHA-512/256. */
#define TRUNCATED_RESPONSE "ae66e67d6b427bd3f120414a82e4acff38e8ecd9101d6c861229025f607a79dd"
#define TRUNCATED_USERHASH "488869477bf257147b804c45308cd62ac4e25eb717b12b298c79e62dcea254ec"
#define ERRATUM_USERHASH "793263caabb707a56211940d90411ea4a575adeccb7e360aeb624ed06ece9b0b"

static void
compute (const Vector *v, GBytes *body, char *out)
{
  g_autoptr (PhonesecSecret) password = phonesec_secret_new (v->password, -1);
  PhonesecSipDigestInput in = { 0 };

  g_assert_true (phonesec_sip_digest_algorithm_parse (v->algorithm, &in.algorithm));
  in.username = v->username;
  in.realm = v->realm;
  in.nonce = v->nonce;
  in.cnonce = v->cnonce;
  in.nc = v->nc;
  in.qop = g_str_equal (v->qop, "auth")       ? PHONESEC_SIP_DIGEST_QOP_AUTH
           : g_str_equal (v->qop, "auth-int") ? PHONESEC_SIP_DIGEST_QOP_AUTH_INT
                                              : PHONESEC_SIP_DIGEST_QOP_NONE;
  in.method = v->method;
  in.uri = v->uri;
  in.body = body;
  phonesec_sip_digest_response (&in, password, out);
}

static void
test_rfc_vectors (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (rfc7616); i++)
    {
      char response[PHONESEC_SIP_DIGEST_HEX_MAX];

      compute (&rfc7616[i], NULL, response);
      g_test_message ("%s: %s", rfc7616[i].algorithm, response);
      g_assert_cmpstr (response, ==, rfc7616[i].expected);
    }
}

static void
test_erratum_userhash (void)
{
  char hash[PHONESEC_SIP_DIGEST_HEX_MAX];

  phonesec_sip_digest_userhash (PHONESEC_SIP_DIGEST_SHA512_256, "J\xc3\xa4s\xc3\xb8n Doe",
                                "api@example.org", hash);
  g_assert_cmpstr (hash, ==, ERRATUM_USERHASH);
  g_assert_cmpstr (hash, !=, TRUNCATED_USERHASH);
}

/* A truncated-SHA-512 implementation is what the published example was
 * made with: prove that is what it gives, and that ours differs. */
static void
truncated_sha512_hex (const char *text, char *out)
{
  struct sha512_ctx ctx;
  guint8 digest[SHA512_DIGEST_SIZE];

  sha512_init (&ctx);
  sha512_update (&ctx, strlen (text), (const guint8 *) text);
  sha512_digest (&ctx, sizeof digest, digest);
  for (guint i = 0; i < 32; i++)
    g_snprintf (out + 2 * i, 3, "%02x", digest[i]);
}

static void
test_truncated_sha512_is_not_sha512_256 (void)
{
  const Vector *v = &rfc7616[2];
  char ha1[65], ha2[65], response[65], ours[PHONESEC_SIP_DIGEST_HEX_MAX];
  g_autofree char *a1 = g_strdup_printf ("%s:%s:%s", v->username, v->realm, v->password);
  g_autofree char *a2 = g_strdup_printf ("%s:%s", v->method, v->uri);
  g_autofree char *kd = NULL;

  truncated_sha512_hex (a1, ha1);
  truncated_sha512_hex (a2, ha2);
  kd = g_strdup_printf ("%s:%s:%s:%s:%s:%s", ha1, v->nonce, v->nc, v->cnonce, v->qop, ha2);
  truncated_sha512_hex (kd, response);
  /* The published (wrong) value is exactly the truncated computation... */
  g_assert_cmpstr (response, ==, TRUNCATED_RESPONSE);
  /* ...and ours is not it. */
  compute (v, NULL, ours);
  g_assert_cmpstr (ours, !=, TRUNCATED_RESPONSE);
  g_assert_false (phonesec_sip_digest_equal (ours, TRUNCATED_RESPONSE));
}

static void
test_algorithm_names (void)
{
  static const struct
  {
    const char *text;
    PhonesecSipDigestHash hash;
    gboolean sess;
    const char *canonical;
  } cases[] = {
    { "MD5", PHONESEC_SIP_DIGEST_MD5, FALSE, "MD5" },
    { "md5-sess", PHONESEC_SIP_DIGEST_MD5, TRUE, "MD5-sess" },
    { "SHA-256", PHONESEC_SIP_DIGEST_SHA256, FALSE, "SHA-256" },
    { "sha-256-SESS", PHONESEC_SIP_DIGEST_SHA256, TRUE, "SHA-256-sess" },
    { "SHA-512-256", PHONESEC_SIP_DIGEST_SHA512_256, FALSE, "SHA-512-256" },
    { "SHA-512-256-sess", PHONESEC_SIP_DIGEST_SHA512_256, TRUE, "SHA-512-256-sess" },
    { NULL, PHONESEC_SIP_DIGEST_MD5, FALSE, "MD5" },
  };
  static const char *const refused[]
      = { "SHA-512", "SHA-1", "MD5-", "MD5-sess2", "SHA-256sess", "", "SHA-512/256", "AKAv1-MD5" };
  PhonesecSipDigestAlgorithm a;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_assert_true (phonesec_sip_digest_algorithm_parse (cases[i].text, &a));
      g_assert_cmpint (a.hash, ==, cases[i].hash);
      g_assert_cmpint (a.sess, ==, cases[i].sess);
      g_assert_cmpstr (phonesec_sip_digest_algorithm_name (a), ==, cases[i].canonical);
    }
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    g_assert_false (phonesec_sip_digest_algorithm_parse (refused[i], &a));
}

/* --- against the independent implementation --------------------------------- */

static char *
random_text (GRand *rand, guint min, guint max)
{
  static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                              "+/=-_.@ !#%&*\"\\";
  guint n = g_rand_int_range (rand, min, max + 1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append_c (out, chars[g_rand_int_range (rand, 0, sizeof chars - 1)]);
  /* Sometimes non-ASCII, as user names and passwords may be. */
  if (g_rand_boolean (rand))
    g_string_append (out, "\xc3\xa9t\xc3\xa9");
  return g_string_free (out, FALSE);
}

typedef struct
{
  Vector v;
  gboolean userhash;
  GBytes *body;
  GPtrArray *keep; /* strings the vector points to */
} Case;

static Case *
random_case (GRand *rand)
{
  static const char *const algorithms[]
      = { "MD5", "MD5-sess", "SHA-256", "SHA-256-sess", "SHA-512-256", "SHA-512-256-sess" };
  static const char *const qops[] = { "", "auth", "auth-int" };
  Case *c = g_new0 (Case, 1);
  guint body_len = g_rand_int_range (rand, 0, 300);
  guint8 *body = g_malloc (body_len + 1);
  char *strings[7];

  c->keep = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    g_ptr_array_add (c->keep, strings[i] = random_text (rand, 1, 40));
  for (guint i = 0; i < body_len; i++)
    body[i] = (guint8) g_rand_int_range (rand, 0, 256);
  c->body = g_bytes_new_take (body, body_len);
  c->v.algorithm = algorithms[g_rand_int_range (rand, 0, G_N_ELEMENTS (algorithms))];
  c->v.qop = qops[g_rand_int_range (rand, 0, G_N_ELEMENTS (qops))];
  c->v.username = strings[0];
  c->v.realm = strings[1];
  c->v.password = strings[2];
  c->v.nonce = strings[3];
  c->v.cnonce = strings[4];
  c->v.method = g_rand_boolean (rand) ? "REGISTER" : "INVITE";
  c->v.uri = strings[5];
  g_ptr_array_add (c->keep, (gpointer) (c->v.nc = g_strdup_printf ("%08x", g_rand_int (rand))));
  c->userhash = g_rand_boolean (rand);
  return c;
}

static void
case_free (Case *c)
{
  g_bytes_unref (c->body);
  g_ptr_array_unref (c->keep);
  g_free (c);
}

static char *
case_to_json (const Case *c)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  gsize size;
  const guint8 *body = g_bytes_get_data (c->body, &size);
  GString *hex = g_string_new (NULL);

  for (gsize i = 0; i < size; i++)
    g_string_append_printf (hex, "%02x", body[i]);
  json_builder_begin_object (b);
#define MEMBER(k, val)                                                                             \
  json_builder_set_member_name (b, k);                                                             \
  json_builder_add_string_value (b, val);
  MEMBER ("algorithm", c->v.algorithm);
  MEMBER ("username", c->v.username);
  MEMBER ("realm", c->v.realm);
  MEMBER ("password", c->v.password);
  MEMBER ("nonce", c->v.nonce);
  MEMBER ("cnonce", c->v.cnonce);
  MEMBER ("nc", c->v.nc);
  MEMBER ("qop", c->v.qop);
  MEMBER ("method", c->v.method);
  MEMBER ("uri", c->v.uri);
  MEMBER ("body", hex->str);
#undef MEMBER
  json_builder_set_member_name (b, "userhash");
  json_builder_add_boolean_value (b, c->userhash);
  json_builder_end_object (b);
  g_string_free (hex, TRUE);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

static void
test_against_python (void)
{
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "digest_reference.py", NULL);
  g_autoptr (GRand) rand = g_rand_new_with_seed (7616);
  g_autoptr (GPtrArray) cases = g_ptr_array_new_with_free_func ((GDestroyNotify) case_free);
  g_autoptr (GString) input = g_string_new (NULL);
  g_autoptr (GSubprocess) python = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *output = NULL;
  g_auto (GStrv) lines = NULL;
  guint n = 600, sha512_256 = 0, sess = 0, auth_int = 0;

  for (guint i = 0; i < n; i++)
    {
      Case *c = random_case (rand);
      g_autofree char *json = case_to_json (c);

      g_ptr_array_add (cases, c);
      g_string_append_printf (input, "%s\n", json);
    }
  python = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                             "python3", script, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (python, input->str, NULL, &output, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (python));
  lines = g_strsplit (output, "\n", -1);
  for (guint i = 0; i < n; i++)
    {
      Case *c = cases->pdata[i];
      g_autoptr (JsonParser) parser = json_parser_new ();
      JsonObject *reference;
      char response[PHONESEC_SIP_DIGEST_HEX_MAX];
      char hash[PHONESEC_SIP_DIGEST_HEX_MAX];
      PhonesecSipDigestAlgorithm a;

      g_assert_nonnull (lines[i]);
      g_assert_true (json_parser_load_from_data (parser, lines[i], -1, NULL));
      reference = json_node_get_object (json_parser_get_root (parser));
      compute (&c->v, c->body, response);
      if (g_strcmp0 (response, json_object_get_string_member (reference, "response")) != 0)
        g_error ("case %u (%s, qop '%s'): C %s, Python %s", i, c->v.algorithm, c->v.qop, response,
                 json_object_get_string_member (reference, "response"));
      g_assert_true (phonesec_sip_digest_algorithm_parse (c->v.algorithm, &a));
      if (c->userhash)
        {
          phonesec_sip_digest_userhash (a.hash, c->v.username, c->v.realm, hash);
          g_assert_cmpstr (hash, ==, json_object_get_string_member (reference, "username"));
        }
      sha512_256 += a.hash == PHONESEC_SIP_DIGEST_SHA512_256;
      sess += a.sess;
      auth_int += g_str_equal (c->v.qop, "auth-int");
    }
  g_test_message ("%u cases agree (%u SHA-512-256, %u -sess, %u auth-int)", n, sha512_256, sess,
                  auth_int);
  g_assert_cmpuint (sha512_256, >, 50);
  g_assert_cmpuint (sess, >, 100);
}

static void
test_equal_is_exact (void)
{
  g_assert_true (phonesec_sip_digest_equal ("abcdef", "abcdef"));
  g_assert_false (phonesec_sip_digest_equal ("abcdef", "abcdee"));
  g_assert_false (phonesec_sip_digest_equal ("abcdef", "abcde"));
  g_assert_false (phonesec_sip_digest_equal ("", "a"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sip-digest/rfc7616-vectors", test_rfc_vectors);
  g_test_add_func ("/sip-digest/rfc7616-erratum-userhash", test_erratum_userhash);
  g_test_add_func ("/sip-digest/truncated-sha512-refused", test_truncated_sha512_is_not_sha512_256);
  g_test_add_func ("/sip-digest/algorithm-names", test_algorithm_names);
  g_test_add_func ("/sip-digest/against-python-hashlib", test_against_python);
  g_test_add_func ("/sip-digest/equal", test_equal_is_exact);
  return g_test_run ();
}
