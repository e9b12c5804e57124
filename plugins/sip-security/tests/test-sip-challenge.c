/* test-sip-challenge.c: phonesec-sip-challenge.c and phonesec-sip-nonce.c:
 * the phone's own challenges (Auth INVITE), answered by
 * phonesec-sip-authorize.c as a proxy would, and every way an answer is
 * refused.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "phonesec-sip-authorize.h"
#include "phonesec-sip-challenge.h"
#include "sip-test-line.h"

#define PASSWORD "invite-secret"
#define URI "sip:1001@192.0.2.10:5060"
#define NOW 100000

typedef struct
{
  PhonesecSipLine *line;
  PhonesecSecret *password;
  PhonesecSipNonces *nonces;
  PhonesecSipNonceCounts *counts;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  f->line = sip_test_line_new (GPOINTER_TO_INT (data));
  f->password = phonesec_secret_new (PASSWORD, -1);
  f->nonces = phonesec_sip_nonces_new ();
  f->counts = phonesec_sip_nonce_counts_new ();
}

static void
teardown (Fixture *f, gconstpointer data)
{
  phonesec_sip_line_free (f->line);
  phonesec_secret_unref (f->password);
  phonesec_sip_nonces_free (f->nonces);
  phonesec_sip_nonce_counts_free (f->counts);
}

/* What a proxy holding the line's credentials answers to @challenges. */
static char *
answer_as (Fixture *f, const char *const *challenges, const char *password, const char *uri,
           guint32 nc)
{
  g_autoptr (PhonesecSecret) secret = phonesec_secret_new (password, -1);
  PhonesecSipAuthorizeRequest request = { "INVITE", uri, challenges, FALSE, NULL, NULL, nc };
  g_autofree char *name = NULL;
  char *value = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (
      phonesec_sip_authorize (f->line, secret, &request, f->counts, &name, &value, &error));
  g_assert_no_error (error);
  return value;
}

static PhonesecSipVerifyResult
verify (Fixture *f, const char *authorization, gint64 now)
{
  return phonesec_sip_verify (f->line, f->password, f->nonces, "INVITE", URI, authorization, NULL,
                              now, NULL);
}

static void
test_challenges_by_preference (Fixture *f, gconstpointer data)
{
  g_auto (GStrv) challenges = phonesec_sip_challenges_new (f->line, f->nonces, NOW, FALSE);

  for (guint i = 0; challenges[i] != NULL; i++)
    g_test_message ("%s", challenges[i]);
  g_assert_cmpuint (g_strv_length (challenges), ==, 3);
  g_assert_nonnull (strstr (challenges[0], "algorithm=SHA-512-256,"));
  g_assert_nonnull (strstr (challenges[1], "algorithm=SHA-256,"));
  g_assert_nonnull (strstr (challenges[2], "algorithm=MD5,"));
  g_assert_true (g_str_has_prefix (challenges[0], "Digest realm=\"sip.example.net\", nonce=\""));
  g_assert_nonnull (strstr (challenges[0], "qop=\"auth\""));
  g_assert_null (strstr (challenges[0], "stale"));
}

static void
test_md5_only_line_offers_md5 (Fixture *f, gconstpointer data)
{
  g_auto (GStrv) challenges = phonesec_sip_challenges_new (f->line, f->nonces, NOW, TRUE);

  g_assert_cmpuint (g_strv_length (challenges), ==, 1);
  g_assert_nonnull (strstr (challenges[0], "algorithm=MD5,"));
  g_assert_nonnull (strstr (challenges[0], "stale=true"));
}

static void
test_answer_verified_once (Fixture *f, gconstpointer data)
{
  g_auto (GStrv) challenges = phonesec_sip_challenges_new (f->line, f->nonces, NOW, FALSE);
  g_autofree char *answer = answer_as (f, (const char *const *) challenges, PASSWORD, URI, 0);
  g_autofree char *again = NULL;

  g_assert_cmpint (verify (f, answer, NOW + 1), ==, PHONESEC_SIP_VERIFY_OK);
  /* The same answer played again. */
  g_assert_cmpint (verify (f, answer, NOW + 2), ==, PHONESEC_SIP_VERIFY_REPLAYED);
  /* The same nonce with the next count is a new, valid request. */
  again = answer_as (f, (const char *const *) challenges, PASSWORD, URI, 0);
  g_assert_nonnull (strstr (again, "nc=00000002"));
  g_assert_cmpint (verify (f, again, NOW + 2), ==, PHONESEC_SIP_VERIFY_OK);
}

static void
test_wrong_password_refused (Fixture *f, gconstpointer data)
{
  g_auto (GStrv) challenges = phonesec_sip_challenges_new (f->line, f->nonces, NOW, FALSE);
  g_autofree char *wrong = answer_as (f, (const char *const *) challenges, "guess", URI, 0);
  g_autofree char *right = answer_as (f, (const char *const *) challenges, PASSWORD, URI, 5);

  g_assert_cmpint (verify (f, wrong, NOW), ==, PHONESEC_SIP_VERIFY_WRONG_CREDENTIALS);
  /* A refused answer uses up no count: the right one still passes. */
  g_assert_cmpint (verify (f, right, NOW), ==, PHONESEC_SIP_VERIFY_OK);
}

static void
test_stale_after_lifetime (Fixture *f, gconstpointer data)
{
  g_auto (GStrv) challenges = phonesec_sip_challenges_new (f->line, f->nonces, NOW, FALSE);
  g_autofree char *answer = answer_as (f, (const char *const *) challenges, PASSWORD, URI, 0);
  g_autofree char *wrong = answer_as (f, (const char *const *) challenges, "guess", URI, 0);

  g_assert_cmpint (verify (f, answer, NOW + PHONESEC_SIP_NONCE_LIFETIME + 1), ==,
                   PHONESEC_SIP_VERIFY_STALE);
  /* stale says "the credentials were right": not for a wrong password. */
  g_assert_cmpint (verify (f, wrong, NOW + PHONESEC_SIP_NONCE_LIFETIME + 1), ==,
                   PHONESEC_SIP_VERIFY_WRONG_CREDENTIALS);
  /* Within the lifetime it passes. */
  g_assert_cmpint (verify (f, answer, NOW + PHONESEC_SIP_NONCE_LIFETIME), ==,
                   PHONESEC_SIP_VERIFY_OK);
}

static void
test_foreign_nonces_unknown (Fixture *f, gconstpointer data)
{
  g_auto (GStrv) challenges = phonesec_sip_challenges_new (f->line, f->nonces, NOW, FALSE);
  g_autofree char *answer = answer_as (f, (const char *const *) challenges, PASSWORD, URI, 0);
  g_autoptr (PhonesecSipNonces) other = phonesec_sip_nonces_new ();
  const char *forged[] = { "Digest realm=\"sip.example.net\", nonce=\"AAAAAAABhqCsyLBsHrD1mQ3r"
                           "Xq7d1Ez5lKqS8S4dQwIi2/9G\", qop=\"auth\"",
                           NULL };
  g_autofree char *forged_answer = answer_as (f, forged, PASSWORD, URI, 0);

  /* Another secret (a restarted daemon) does not know it. */
  g_assert_cmpint (
      phonesec_sip_verify (f->line, f->password, other, "INVITE", URI, answer, NULL, NOW, NULL), ==,
      PHONESEC_SIP_VERIFY_UNKNOWN_NONCE);
  /* Nor another line. */
  f->line->line = 2;
  g_assert_cmpint (verify (f, answer, NOW), ==, PHONESEC_SIP_VERIFY_UNKNOWN_NONCE);
  f->line->line = 1;
  /* A nonce of the right shape that we did not make. */
  g_assert_cmpint (verify (f, forged_answer, NOW), ==, PHONESEC_SIP_VERIFY_UNKNOWN_NONCE);
  /* From the future. */
  g_assert_cmpint (verify (f, answer, NOW - 10), ==, PHONESEC_SIP_VERIFY_UNKNOWN_NONCE);
}

/* The base64 of a nonce has spare bits in its last character: a respelt
 * nonce is the same nonce, and its answer a replay. */
static void
test_respelt_nonce_is_a_replay (Fixture *f, gconstpointer data)
{
  g_auto (GStrv) challenges = phonesec_sip_challenges_new (f->line, f->nonces, NOW, FALSE);
  g_autofree char *answer = answer_as (f, (const char *const *) challenges, PASSWORD, URI, 0);
  const char *nonce = strstr (challenges[0], "nonce=\"") + 7;
  g_autofree char *original = g_strndup (nonce, 44);
  g_autofree char *respelt = g_strdup (original);
  g_autofree char *respelt_challenge = NULL;
  g_autofree char *respelt_answer = NULL;
  const char *alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  guint index = strchr (alphabet, respelt[42]) - alphabet;

  /* 32 bytes: the 43rd character carries 2 unused bits. */
  respelt[42] = alphabet[index ^ 1];
  respelt_challenge = g_strdup_printf ("Digest realm=\"sip.example.net\", nonce=\"%s\", "
                                       "qop=\"auth\", algorithm=SHA-512-256",
                                       respelt);
  g_assert_cmpint (verify (f, answer, NOW), ==, PHONESEC_SIP_VERIFY_OK);
  respelt_answer
      = answer_as (f, (const char *const[]){ respelt_challenge, NULL }, PASSWORD, URI, 1);
  g_assert_cmpint (verify (f, respelt_answer, NOW), ==, PHONESEC_SIP_VERIFY_REPLAYED);
}

static void
test_fields_checked (Fixture *f, gconstpointer data)
{
  g_auto (GStrv) challenges = phonesec_sip_challenges_new (f->line, f->nonces, NOW, FALSE);
  g_autofree char *other_uri
      = answer_as (f, (const char *const *) challenges, PASSWORD, "sip:evil@example.org", 0);
  g_autofree char *other_user = NULL;

  g_assert_cmpint (verify (f, other_uri, NOW), ==, PHONESEC_SIP_VERIFY_WRONG_URI);
  g_free (f->line->user_id);
  f->line->user_id = g_strdup ("1002");
  other_user = answer_as (f, (const char *const *) challenges, PASSWORD, URI, 0);
  g_free (f->line->user_id);
  f->line->user_id = g_strdup ("1001");
  g_assert_cmpint (verify (f, other_user, NOW), ==, PHONESEC_SIP_VERIFY_WRONG_USER);
  g_assert_cmpint (verify (f, "Digest username=\"1001\"", NOW), ==, PHONESEC_SIP_VERIFY_MALFORMED);
  g_assert_cmpint (verify (f, "Digest username=\"1001\", realm=\"x", NOW), ==,
                   PHONESEC_SIP_VERIFY_MALFORMED);
}

static void
test_algorithm_of_line_enforced (Fixture *f, gconstpointer data)
{
  g_auto (GStrv) challenges = phonesec_sip_challenges_new (f->line, f->nonces, NOW, FALSE);
  g_autofree char *sha = answer_as (f, (const char *const *) challenges, PASSWORD, URI, 0);
  g_autofree char *truncated = NULL;
  const char *response;

  /* The line stops allowing SHA-512-256 (Auth_Support_RFC8760 set to No). */
  f->line->rfc8760 = FALSE;
  g_assert_cmpint (verify (f, sha, NOW), ==, PHONESEC_SIP_VERIFY_NOT_ALLOWED);
  f->line->rfc8760 = TRUE;
  /* A truncated-SHA-512 response (the RFC's original §3.9.2 mistake) is
   * not a SHA-512-256 one. */
  truncated = g_strdup (sha);
  response = strstr (truncated, "response=\"") + 10;
  memcpy ((char *) response, "ae66e67d6b427bd3f120414a82e4acff38e8ecd9101d6c861229025f607a79dd",
          64);
  g_assert_cmpint (verify (f, truncated, NOW), ==, PHONESEC_SIP_VERIFY_WRONG_CREDENTIALS);
  g_assert_cmpint (verify (f, sha, NOW), ==, PHONESEC_SIP_VERIFY_OK);
}

static void
test_qop_required (Fixture *f, gconstpointer data)
{
  g_auto (GStrv) challenges = phonesec_sip_challenges_new (f->line, f->nonces, NOW, FALSE);
  const char *nonce = strstr (challenges[0], "nonce=\"") + 7;
  g_autofree char *no_qop
      = g_strdup_printf ("Digest realm=\"sip.example.net\", nonce=\"%.44s\"", nonce);
  g_autofree char *answer = answer_as (f, (const char *const[]){ no_qop, NULL }, PASSWORD, URI, 0);

  g_assert_cmpint (verify (f, answer, NOW), ==, PHONESEC_SIP_VERIFY_NO_QOP);
}

static void
test_busy_when_full (Fixture *f, gconstpointer data)
{
  g_auto (GStrv) first = phonesec_sip_challenges_new (f->line, f->nonces, NOW, FALSE);
  g_autofree char *late = NULL;

  for (guint i = 0; i < PHONESEC_SIP_NONCE_MAX_USED; i++)
    {
      g_auto (GStrv) challenges = phonesec_sip_challenges_new (f->line, f->nonces, NOW, FALSE);
      g_autofree char *answer = answer_as (f, (const char *const *) challenges, PASSWORD, URI, 1);

      g_assert_cmpint (verify (f, answer, NOW), ==, PHONESEC_SIP_VERIFY_OK);
    }
  late = answer_as (f, (const char *const *) first, PASSWORD, URI, 1);
  g_assert_cmpint (verify (f, late, NOW), ==, PHONESEC_SIP_VERIFY_BUSY);
  /* Once they expire, room again (and the late one is stale by then). */
  g_assert_cmpint (verify (f, late, NOW + PHONESEC_SIP_NONCE_LIFETIME + 1), ==,
                   PHONESEC_SIP_VERIFY_STALE);
}

static void
test_result_names (void)
{
  g_assert_cmpstr (phonesec_sip_verify_result_name (PHONESEC_SIP_VERIFY_OK), ==, "");
  g_assert_cmpstr (phonesec_sip_verify_result_name (PHONESEC_SIP_VERIFY_STALE), ==, "stale");
  g_assert_cmpstr (phonesec_sip_verify_result_name (PHONESEC_SIP_VERIFY_REPLAYED), ==, "replayed");
  g_assert_cmpstr (phonesec_sip_verify_result_name (PHONESEC_SIP_VERIFY_WRONG_CREDENTIALS), ==,
                   "wrong-credentials");
}

int
main (int argc, char **argv)
{
  gconstpointer rfc8760 = GINT_TO_POINTER (TRUE), md5_only = GINT_TO_POINTER (FALSE);

  g_test_init (&argc, &argv, NULL);
#define ADD(path, data, func)                                                                      \
  g_test_add ("/sip-challenge/" path, Fixture, data, setup, func, teardown)
  ADD ("by-preference", rfc8760, test_challenges_by_preference);
  ADD ("md5-only", md5_only, test_md5_only_line_offers_md5);
  ADD ("verified-once", rfc8760, test_answer_verified_once);
  ADD ("wrong-password", md5_only, test_wrong_password_refused);
  ADD ("stale", rfc8760, test_stale_after_lifetime);
  ADD ("foreign-nonces", md5_only, test_foreign_nonces_unknown);
  ADD ("respelt-nonce", rfc8760, test_respelt_nonce_is_a_replay);
  ADD ("fields", md5_only, test_fields_checked);
  ADD ("line-algorithms", rfc8760, test_algorithm_of_line_enforced);
  ADD ("qop-required", md5_only, test_qop_required);
  ADD ("busy", md5_only, test_busy_when_full);
#undef ADD
  g_test_add_func ("/sip-challenge/result-names", test_result_names);
  return g_test_run ();
}
