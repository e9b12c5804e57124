/* phonesec-credentials.c: credentials inside URLs, rules and header values.
 *
 * Everything here works on spans (offset, length) of the value, found the
 * way the validators read values, so masking, merging and collecting agree
 * with each other and with what is accepted. Any input is handled: error
 * paths and the fuzzer pass invalid values too.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-credentials.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "phonesec/phonesec-error.h"

#define MASK PHONESEC_CREDENTIALS_MASK

const char *
phonesec_credentials_kind_to_string (PhonesecCredentialsKind kind)
{
  switch (kind)
    {
      case PHONESEC_CREDENTIALS_URL:
        return "url";
      case PHONESEC_CREDENTIALS_RULE:
        return "rule";
      case PHONESEC_CREDENTIALS_WHOLE:
        return "header";
      case PHONESEC_CREDENTIALS_NONE:
      default:
        return NULL;
    }
}

static void
add_span (GArray *spans, gsize offset, gsize len)
{
  PhonesecCredentialSpan span = { offset, len };

  g_array_append_val (spans, span);
}

/* The scheme and "//" of a URL starting at @p; returns the authority's
 * start, or NULL when @p is not a `scheme://` URL. */
static const char *
authority_start (const char *p, const char *end)
{
  const char *s = p;

  if (s >= end || !g_ascii_isalpha (*s))
    return NULL;
  while (s < end && (g_ascii_isalnum (*s) || *s == '+' || *s == '-' || *s == '.'))
    s++;
  if (end - s < 3 || s[0] != ':' || s[1] != '/' || s[2] != '/')
    return NULL;
  return s + 3;
}

/* The password span of the URL in [@p, @end), if it has user information
 * with a ':'. The authority ends at the first '/', '?' or '#'; its user
 * information at its last '@' (GUri's split). */
static void
find_in_url (const char *base, const char *p, const char *end, GArray *spans)
{
  const char *auth = authority_start (p, end);
  const char *auth_end, *at = NULL, *colon;

  if (auth == NULL)
    return;
  for (auth_end = auth; auth_end < end && !strchr ("/?#", *auth_end); auth_end++)
    if (*auth_end == '@')
      at = auth_end;
  if (at == NULL)
    return;
  colon = memchr (auth, ':', at - auth);
  if (colon == NULL)
    return; /* "user@": a user name is not a secret */
  add_span (spans, colon + 1 - base, at - (colon + 1));
}

static gboolean
is_separator (char c)
{
  return c == ' ' || c == '\t' || c == '|';
}

static gboolean
is_secret_option (const char *p, gsize len)
{
  return len == 5 && (memcmp (p, "--pwd", 5) == 0 || memcmp (p, "--key", 5) == 0);
}

/* "--pwd=V" (refused by the parser, but never echoed) or a URL. */
static void
find_rule_option_or_url (const char *base, const char *start, const char *close, const char *end,
                         GArray *spans)
{
  if (close - start > 6 && (memcmp (start, "--pwd=", 6) == 0 || memcmp (start, "--key=", 6) == 0))
    add_span (spans, start + 6 - base, close - (start + 6));
  else
    find_in_url (base, start, end, spans);
}

/* One word of a rule, as phonesec-rule.c reads it: an option value ends at
 * ']' (the group's end), an option may follow '[' or '?' inside a word
 * (`)?[--pwd`, `)?--key`), a ']' may run into the URL (`[--key K]tftp://...`). */
static void
find_in_rule_word (const char *base, const char *start, const char *end, gboolean *expect_value,
                   GArray *spans)
{
  const char *open, *close;

  if (*expect_value)
    {
      close = memchr (start, ']', end - start);
      add_span (spans, start - base, (close != NULL ? close : end) - start);
      *expect_value = FALSE;
      if (close != NULL && close + 1 < end)
        find_in_rule_word (base, close + 1, end, expect_value, spans);
      return;
    }
  while (start < end && *start == ']')
    start++;
  open = g_strstr_len (start, end - start, "[--");
  if (open == NULL)
    open = g_strstr_len (start, end - start, "?--"); /* ")?--key K url" */
  if (open == NULL)
    {
      close = end > start && end[-1] == ']' ? end - 1 : end;
      if (is_secret_option (start, close - start))
        *expect_value = TRUE;
      else
        find_rule_option_or_url (base, start, close, end, spans);
      return;
    }
  /* One option group; others (`[--srv][--key`) and the URL may follow
   * its ']' in the same word. */
  start = open + 1;
  close = memchr (start, ']', end - start);
  if (close == NULL)
    close = end;
  if (is_secret_option (start, close - start))
    *expect_value = close == end;
  else
    find_rule_option_or_url (base, start, close, end, spans);
  if (close < end)
    find_in_rule_word (base, close + 1, end, expect_value, spans);
}

static void
find_in_rule (const char *value, GArray *spans)
{
  const char *p = value, *end = value + strlen (value);
  gboolean expect_value = FALSE;

  while (p < end)
    {
      const char *start;

      while (p < end && is_separator (*p))
        p++;
      if (p >= end)
        break;
      /* A condition, "( ... )?", is text the parser compares, never an
       * option: what follows its ")?" is. */
      if (*p == '(')
        {
          const char *q = g_strstr_len (p, end - p, ")?");

          if (q != NULL)
            {
              expect_value = FALSE;
              p = q + 1;
              continue;
            }
        }
      start = p;
      while (p < end && !is_separator (*p))
        p++;
      find_in_rule_word (value, start, p, &expect_value, spans);
    }
}

GArray *
phonesec_credentials_find (PhonesecCredentialsKind kind, const char *value)
{
  GArray *spans = g_array_new (FALSE, FALSE, sizeof (PhonesecCredentialSpan));

  if (value == NULL)
    return spans;
  switch (kind)
    {
      case PHONESEC_CREDENTIALS_URL:
        find_in_url (value, value, value + strlen (value), spans);
        break;
      case PHONESEC_CREDENTIALS_RULE:
        find_in_rule (value, spans);
        break;
      case PHONESEC_CREDENTIALS_WHOLE:
        if (value[0] != '\0')
          add_span (spans, 0, strlen (value));
        break;
      case PHONESEC_CREDENTIALS_NONE:
      default:
        break;
    }
  return spans;
}

static PhonesecCredentialSpan *
span_at (GArray *spans, guint i)
{
  return &g_array_index (spans, PhonesecCredentialSpan, i);
}

static gboolean
span_is (const char *value, const PhonesecCredentialSpan *span, const char *text)
{
  return span->len == strlen (text) && memcmp (value + span->offset, text, span->len) == 0;
}

/* @value with span i replaced by @pick (i) (NULL: left as is). */
static char *
rebuild (const char *value, GArray *spans, const char *(*pick) (guint i, gpointer data),
         gpointer data)
{
  GString *out = g_string_sized_new (strlen (value) + 16);
  gsize at = 0;

  for (guint i = 0; i < spans->len; i++)
    {
      PhonesecCredentialSpan *span = span_at (spans, i);
      const char *replacement = pick (i, data);

      g_string_append_len (out, value + at, span->offset - at);
      if (replacement != NULL)
        g_string_append (out, replacement);
      else
        g_string_append_len (out, value + span->offset, span->len);
      at = span->offset + span->len;
    }
  g_string_append (out, value + at);
  return g_string_free (out, FALSE);
}

typedef struct
{
  const char *value;
  GArray *spans;
} Masking;

static const char *
pick_mask (guint i, gpointer data)
{
  Masking *m = data;

  /* An empty place ("user:@host") stays empty: there is nothing to hide. */
  return span_at (m->spans, i)->len > 0 ? MASK : NULL;
}

char *
phonesec_credentials_mask (PhonesecCredentialsKind kind, const char *value)
{
  g_autoptr (GArray) spans = phonesec_credentials_find (kind, value);
  Masking m = { value, spans };

  if (value == NULL)
    return g_strdup ("");
  return rebuild (value, spans, pick_mask, &m);
}

char *
phonesec_credentials_mask_url (const char *url)
{
  return phonesec_credentials_mask (PHONESEC_CREDENTIALS_URL, url);
}

gboolean
phonesec_credentials_has (PhonesecCredentialsKind kind, const char *value)
{
  g_autoptr (GArray) spans = phonesec_credentials_find (kind, value);

  for (guint i = 0; i < spans->len; i++)
    if (span_at (spans, i)->len > 0)
      return TRUE;
  return FALSE;
}

void
phonesec_credentials_collect (PhonesecCredentialsKind kind, const char *value, GStrvBuilder *into)
{
  g_autoptr (GArray) spans = phonesec_credentials_find (kind, value);

  for (guint i = 0; i < spans->len; i++)
    {
      PhonesecCredentialSpan *span = span_at (spans, i);

      if (span->len > 0)
        {
          g_autofree char *text = g_strndup (value + span->offset, span->len);
          g_strv_builder_add (into, text);
        }
    }
}

typedef struct
{
  const char *written;
  GArray *written_spans;
  const char *stored;
  GArray *stored_spans;
  GPtrArray *keep; /* owned copies of the stored credentials */
} Merging;

static const char *
pick_merged (guint i, gpointer data)
{
  Merging *m = data;

  if (!span_is (m->written, span_at (m->written_spans, i), MASK))
    return NULL;
  return m->keep->pdata[i];
}

char *
phonesec_credentials_merge (PhonesecCredentialsKind kind, const char *written, const char *stored,
                            GError **error)
{
  g_autoptr (GArray) written_spans = phonesec_credentials_find (kind, written);
  g_autoptr (GArray) stored_spans = NULL;
  g_autoptr (GPtrArray) keep = NULL;
  g_autofree char *written_masked = NULL;
  g_autofree char *stored_masked = NULL;
  gboolean any_mask = FALSE;
  Merging m;

  g_return_val_if_fail (written != NULL, NULL);

  for (guint i = 0; i < written_spans->len; i++)
    any_mask = any_mask || span_is (written, span_at (written_spans, i), MASK);
  if (!any_mask)
    return g_strdup (written);

  stored_spans = phonesec_credentials_find (kind, stored != NULL ? stored : "");
  written_masked = phonesec_credentials_mask (kind, written);
  stored_masked = phonesec_credentials_mask (kind, stored != NULL ? stored : "");
  if (stored_spans->len != written_spans->len || strcmp (written_masked, stored_masked) != 0)
    {
      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                           _ ("the value holds the mask ******** where a stored password or key "
                              "would be kept, but differs from the stored value elsewhere (or "
                              "none is stored there); stored credentials are only kept for the "
                              "same address and options: write the password or key again"));
      return NULL;
    }
  keep = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < stored_spans->len; i++)
    {
      PhonesecCredentialSpan *span = span_at (stored_spans, i);
      g_ptr_array_add (keep, g_strndup (stored + span->offset, span->len));
    }
  m = (Merging){ written, written_spans, stored, stored_spans, keep };
  return rebuild (written, written_spans, pick_merged, &m);
}

gboolean
phonesec_credentials_same_server (const char *url_a, const char *url_b)
{
  g_autoptr (GUri) a = url_a != NULL ? g_uri_parse (url_a, G_URI_FLAGS_ENCODED, NULL) : NULL;
  g_autoptr (GUri) b = url_b != NULL ? g_uri_parse (url_b, G_URI_FLAGS_ENCODED, NULL) : NULL;
  g_autoptr (GUri) norm_a = NULL;
  g_autoptr (GUri) norm_b = NULL;

  if (a == NULL || b == NULL || g_uri_get_host (a) == NULL || g_uri_get_host (b) == NULL)
    return FALSE;
  /* SCHEME_NORMALIZE fills in the scheme's default port. */
  norm_a = g_uri_parse (url_a, G_URI_FLAGS_ENCODED | G_URI_FLAGS_SCHEME_NORMALIZE, NULL);
  norm_b = g_uri_parse (url_b, G_URI_FLAGS_ENCODED | G_URI_FLAGS_SCHEME_NORMALIZE, NULL);
  if (norm_a == NULL || norm_b == NULL)
    return FALSE;
  return g_ascii_strcasecmp (g_uri_get_scheme (norm_a), g_uri_get_scheme (norm_b)) == 0
         && g_ascii_strcasecmp (g_uri_get_host (norm_a), g_uri_get_host (norm_b)) == 0
         && g_uri_get_port (norm_a) == g_uri_get_port (norm_b);
}

PhonesecSecret *
phonesec_credentials_dup_userinfo_for (const char *configured, const char *item_url)
{
  g_autoptr (GUri) uri = NULL;

  if (!phonesec_credentials_same_server (configured, item_url)
      || (uri = g_uri_parse (configured, G_URI_FLAGS_ENCODED, NULL)) == NULL
      || g_uri_get_userinfo (uri) == NULL)
    return NULL;
  return phonesec_secret_new (g_uri_get_userinfo (uri), -1);
}

char *
phonesec_credentials_strip_url (const char *url, char **out_userinfo)
{
  const char *end = url + strlen (url);
  const char *auth = authority_start (url, end);
  const char *p, *at = NULL;

  if (out_userinfo != NULL)
    *out_userinfo = NULL;
  if (auth == NULL)
    return g_strdup (url);
  for (p = auth; p < end && !strchr ("/?#", *p); p++)
    if (*p == '@')
      at = p;
  if (at == NULL)
    return g_strdup (url);
  if (out_userinfo != NULL)
    *out_userinfo = g_strndup (auth, at - auth);
  return g_strdup_printf ("%.*s%s", (int) (auth - url), url, at + 1);
}
