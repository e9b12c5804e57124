/* phonesec-sip-authorize.c: the answer to a 401/407.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gi18n-lib.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <string.h>

#include "phonesec-sip-authorize.h"
#include "phonesec-sip-digest-params.h"

#define MAX_COUNTED_NONCES 64

struct _PhonesecSipNonceCounts
{
  GHashTable *counts; /* "realm\nnonce" → guint32 */
};

PhonesecSipNonceCounts *
phonesec_sip_nonce_counts_new (void)
{
  PhonesecSipNonceCounts *counts = g_new0 (PhonesecSipNonceCounts, 1);

  counts->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return counts;
}

void
phonesec_sip_nonce_counts_free (PhonesecSipNonceCounts *counts)
{
  if (counts == NULL)
    return;
  g_hash_table_unref (counts->counts);
  g_free (counts);
}

static guint32
next_count (PhonesecSipNonceCounts *counts, const char *realm, const char *nonce)
{
  g_autofree char *key = g_strconcat (realm, "\n", nonce, NULL);
  guint32 nc = GPOINTER_TO_UINT (g_hash_table_lookup (counts->counts, key)) + 1;

  if (g_hash_table_size (counts->counts) >= MAX_COUNTED_NONCES
      && !g_hash_table_contains (counts->counts, key))
    g_hash_table_remove_all (counts->counts);
  g_hash_table_replace (counts->counts, g_steal_pointer (&key), GUINT_TO_POINTER (nc));
  return nc;
}

/* --- choosing ---------------------------------------------------------------- */

typedef struct
{
  PhonesecSipDigestChallenge challenge;
  gboolean chosen;
  gboolean proxy;
  GError *first_error;   /* why the first unusable challenge was not used */
  GPtrArray *disallowed; /* algorithm names offered that the line refuses */
  guint n_digest;
} Choice;

/* Takes a header name off @value; sets @proxy when it names one. */
static const char *
strip_header_name (const char *value, gboolean *proxy)
{
  static const struct
  {
    const char *name;
    gboolean proxy;
  } names[] = { { "WWW-Authenticate", FALSE }, { "Proxy-Authenticate", TRUE } };

  while (*value == ' ' || *value == '\t')
    value++;
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      gsize n = strlen (names[i].name);
      const char *p = value + n;

      if (g_ascii_strncasecmp (value, names[i].name, n) != 0)
        continue;
      while (*p == ' ' || *p == '\t')
        p++;
      if (*p != ':')
        continue;
      *proxy = names[i].proxy;
      return p + 1;
    }
  return value;
}

static void
note_error (Choice *choice, guint index, GError *error)
{
  if (choice->first_error == NULL)
    {
      choice->first_error = error;
      g_prefix_error (&choice->first_error, _ ("Challenge %u: "), index);
    }
  else
    g_error_free (error);
}

/* Considers every challenge of one header value; TRUE once one is chosen. */
static gboolean
consider_value (const PhonesecSipLine *line, const char *value, gboolean proxy, guint index,
                Choice *choice)
{
  GError *error = NULL;
  g_autoptr (GPtrArray) list = phonesec_sip_auth_parse_challenges (value, strlen (value), &error);

  if (list == NULL)
    {
      note_error (choice, index, error);
      return FALSE;
    }
  for (guint i = 0; i < list->len; i++)
    {
      PhonesecSipAuthParams *params = list->pdata[i];
      PhonesecSipDigestChallenge challenge;

      if (g_ascii_strcasecmp (params->scheme, "Digest") == 0)
        choice->n_digest++;
      if (!phonesec_sip_digest_challenge_parse (params, &challenge, &error))
        {
          note_error (choice, index, g_steal_pointer (&error));
          continue;
        }
      if (!phonesec_sip_line_allows (line, challenge.algorithm))
        {
          g_ptr_array_add (choice->disallowed,
                           g_strdup (phonesec_sip_digest_algorithm_name (challenge.algorithm)));
          phonesec_sip_digest_challenge_clear (&challenge);
          continue;
        }
      choice->challenge = challenge;
      choice->chosen = TRUE;
      choice->proxy = proxy;
      return TRUE;
    }
  return FALSE;
}

static char *
allowed_names (const PhonesecSipLine *line)
{
  PhonesecSipDigestAlgorithm allowed[6];
  guint n = phonesec_sip_line_allowed_algorithms (line, allowed);
  GString *names = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    if (!allowed[i].sess)
      g_string_append_printf (names, "%s%s", names->len > 0 ? ", " : "",
                              phonesec_sip_digest_algorithm_name (allowed[i]));
  if (names->len == 0)
    g_string_append (names, _ ("none"));
  return g_string_free (names, FALSE);
}

/* Why nothing was chosen, in the admin's words. */
static void
explain_no_choice (const PhonesecSipLine *line, Choice *choice, guint n_values, GError **error)
{
  if (choice->disallowed->len > 0)
    {
      g_autofree char *offered = NULL;
      g_autofree char *allowed = allowed_names (line);
      g_autofree char *reason = NULL;

      if (line->fips && !line->rfc8760)
        reason = g_strdup_printf (_ ("FIPS_Mode forbids MD5 and Auth_Support_RFC8760_%u_ is No"),
                                  line->line);
      else if (line->fips)
        reason = g_strdup (_ ("FIPS_Mode forbids MD5"));
      else
        reason = g_strdup_printf (_ ("Auth_Support_RFC8760_%u_ is No"), line->line);
      g_ptr_array_add (choice->disallowed, NULL);
      offered = g_strjoinv (", ", (char **) choice->disallowed->pdata);
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_NOT_SUPPORTED,
                   _ ("Line %u cannot answer: the server offers only %s digest, and the line "
                      "allows %s (%s)"),
                   line->line, offered, allowed, reason);
      return;
    }
  if (choice->first_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&choice->first_error));
      g_prefix_error (error, _ ("Line %u cannot answer: "), line->line);
      return;
    }
  g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
               _ ("Line %u cannot answer: no Digest challenge among the %u values given"),
               line->line, n_values);
}

/* --- answering ---------------------------------------------------------------- */

static char *
random_cnonce (void)
{
  guint8 bytes[16];
  char hex[33];

  if (gnutls_rnd (GNUTLS_RND_NONCE, bytes, sizeof bytes) < 0)
    g_error ("The random number generator failed");
  for (guint i = 0; i < sizeof bytes; i++)
    g_snprintf (hex + 2 * i, 3, "%02x", bytes[i]);
  return g_strdup (hex);
}

static PhonesecSipDigestQop
choose_qop (const PhonesecSipDigestChallenge *challenge, GBytes *body)
{
  if (challenge->qop_auth_int && (body != NULL || !challenge->qop_auth))
    return PHONESEC_SIP_DIGEST_QOP_AUTH_INT;
  if (challenge->qop_auth)
    return PHONESEC_SIP_DIGEST_QOP_AUTH;
  return PHONESEC_SIP_DIGEST_QOP_NONE;
}

static char *
answer (const PhonesecSipLine *line, const PhonesecSecret *password,
        const PhonesecSipAuthorizeRequest *request, PhonesecSipNonceCounts *counts,
        const PhonesecSipDigestChallenge *challenge)
{
  const char *user = phonesec_sip_line_auth_user (line);
  PhonesecSipDigestCredentials c = { 0 };
  PhonesecSipDigestInput in = { 0 };
  char response[PHONESEC_SIP_DIGEST_HEX_MAX];
  char userhash[PHONESEC_SIP_DIGEST_HEX_MAX];
  char *value;

  c.algorithm = challenge->algorithm;
  c.qop = choose_qop (challenge, request->body);
  c.userhash = challenge->userhash;
  if (c.userhash)
    phonesec_sip_digest_userhash (c.algorithm.hash, user, challenge->realm, userhash);
  c.username = g_strdup (c.userhash ? userhash : user);
  c.realm = g_strdup (challenge->realm);
  c.nonce = g_strdup (challenge->nonce);
  c.uri = g_strdup (request->uri);
  c.opaque = g_strdup (challenge->opaque);
  if (c.qop != PHONESEC_SIP_DIGEST_QOP_NONE || c.algorithm.sess)
    c.cnonce = request->cnonce != NULL ? g_strdup (request->cnonce) : random_cnonce ();
  if (c.qop != PHONESEC_SIP_DIGEST_QOP_NONE)
    c.nc = g_strdup_printf ("%08x", request->nc != 0
                                        ? request->nc
                                        : next_count (counts, challenge->realm, challenge->nonce));

  in.algorithm = c.algorithm;
  in.username = user;
  in.realm = c.realm;
  in.nonce = c.nonce;
  in.cnonce = c.cnonce;
  in.nc = c.nc;
  in.qop = c.qop;
  in.method = request->method;
  in.uri = c.uri;
  in.body = request->body;
  phonesec_sip_digest_response (&in, password, response);
  c.response = g_strdup (response);

  value = phonesec_sip_digest_credentials_to_string (&c);
  phonesec_sip_digest_credentials_clear (&c);
  return value;
}

gboolean
phonesec_sip_authorize (const PhonesecSipLine *line, const PhonesecSecret *password,
                        const PhonesecSipAuthorizeRequest *request, PhonesecSipNonceCounts *counts,
                        char **header_name, char **header_value, GError **error)
{
  Choice choice = { 0 };
  guint n_values = 0;

  if (phonesec_sip_line_auth_user (line)[0] == '\0')
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_NOT_SUPPORTED,
                   _ ("Line %u has no user ID to answer with (User_ID_%u_)"), line->line,
                   line->line);
      return FALSE;
    }
  choice.disallowed = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; request->challenges[i] != NULL && !choice.chosen; i++)
    {
      gboolean proxy = request->proxy;
      const char *value = strip_header_name (request->challenges[i], &proxy);

      n_values++;
      consider_value (line, value, proxy, i + 1, &choice);
    }
  if (!choice.chosen)
    explain_no_choice (line, &choice, n_values, error);
  else
    {
      *header_name = g_strdup (choice.proxy ? "Proxy-Authorization" : "Authorization");
      *header_value = answer (line, password, request, counts, &choice.challenge);
    }
  phonesec_sip_digest_challenge_clear (&choice.challenge);
  g_clear_error (&choice.first_error);
  g_ptr_array_unref (choice.disallowed);
  return choice.chosen;
}
