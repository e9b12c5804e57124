/* phonesec-rule.c: the provisioning rule grammar (see phonesec-rule.h).
 *
 * A hand-written scanner over the text: rules are short (≤ 1023) and the
 * grammar has no nesting, so one pass with a cursor is enough. Errors name
 * the option or the position, never an option value (--pwd, --key).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec/phonesec-rule.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "phonesec/phonesec-error.h"
#include "phonesec/phonesec-macro.h"

typedef enum
{
  OP_LT,
  OP_LE,
  OP_GT,
  OP_GE,
  OP_EQ,
  OP_NE,
} Op;

typedef struct
{
  char *lhs;
  char *rhs;
  Op op;
  gboolean or_next; /* joined to the next test by `or` (else `and`) */
} Test;

typedef struct
{
  GArray *tests;   /* Test */
  GArray *entries; /* PhonesecRuleEntry */
} Alternative;

struct _PhonesecRule
{
  GPtrArray *alternatives; /* Alternative* */
};

typedef struct
{
  const char *p;
  const char *end;
} Cursor;

static void
test_clear (gpointer data)
{
  Test *t = data;

  g_free (t->lhs);
  g_free (t->rhs);
}

static void
entry_clear (gpointer data)
{
  PhonesecRuleEntry *e = data;

  g_free (e->url);
  g_free (e->uid);
  g_free (e->delta);
  g_clear_pointer (&e->pwd, phonesec_secret_unref);
  g_clear_pointer (&e->key, phonesec_secret_unref);
}

static void
alternative_free (gpointer data)
{
  Alternative *alt = data;

  g_array_unref (alt->tests);
  g_array_unref (alt->entries);
  g_free (alt);
}

static Alternative *
alternative_new (void)
{
  Alternative *alt = g_new0 (Alternative, 1);

  alt->tests = g_array_new (FALSE, TRUE, sizeof (Test));
  g_array_set_clear_func (alt->tests, test_clear);
  alt->entries = g_array_new (FALSE, TRUE, sizeof (PhonesecRuleEntry));
  g_array_set_clear_func (alt->entries, entry_clear);
  return alt;
}

void
phonesec_rule_free (PhonesecRule *rule)
{
  if (rule == NULL)
    return;
  g_ptr_array_unref (rule->alternatives);
  g_free (rule);
}

static gboolean
invalid (GError **error, const char *message)
{
  g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE, message);
  return FALSE;
}

static void
skip_blanks (Cursor *c)
{
  while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
    c->p++;
}

static gboolean
at (Cursor *c, char ch)
{
  skip_blanks (c);
  return c->p < c->end && *c->p == ch;
}

/* A blank-separated word ending before any of @stops; with @quotes,
 * "quoted" words keep their inside. NULL at the end of the text. */
static char *
next_word_full (Cursor *c, const char *stops, gboolean quotes)
{
  const char *start;

  skip_blanks (c);
  if (c->p >= c->end)
    return NULL;
  if (quotes && *c->p == '"')
    {
      const char *close = memchr (c->p + 1, '"', c->end - c->p - 1);

      if (close == NULL)
        return NULL;
      start = c->p + 1;
      c->p = close + 1;
      return g_strndup (start, close - start);
    }
  start = c->p;
  while (c->p < c->end && *c->p != ' ' && *c->p != '\t' && strchr (stops, *c->p) == NULL)
    c->p++;
  return c->p > start ? g_strndup (start, c->p - start) : NULL;
}

static char *
next_word (Cursor *c, const char *stops)
{
  return next_word_full (c, stops, TRUE);
}

/* An option value is never quoted and ends at ']' or '|', as
 * phonesec-credentials.c finds it to mask it: --pwd carries a password. */
static char *
next_value (Cursor *c)
{
  return next_word_full (c, "]|", FALSE);
}

/* --- conditions ------------------------------------------------------------ */

static gboolean
parse_op (const char *word, Op *op)
{
  static const char *const names[] = { "lt", "le", "gt", "ge", "eq", "ne" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (word, names[i]) == 0)
      {
        *op = (Op) i;
        return TRUE;
      }
  return FALSE;
}

/* "( a op b [and|or c op d]... )?" with the cursor on '('. */
static gboolean
parse_condition (Cursor *c, Alternative *alt, GError **error)
{
  const char *close = memchr (c->p, ')', c->end - c->p);
  Cursor in;

  if (close == NULL)
    return invalid (error, _ ("the ')' closing the rule's condition is missing"));
  in.p = c->p + 1;
  in.end = close;
  for (;;)
    {
      Test t = { 0 };
      g_autofree char *op = NULL;
      g_autofree char *join = NULL;

      t.lhs = next_word (&in, "");
      op = next_word (&in, "");
      t.rhs = next_word (&in, "");
      if (t.lhs == NULL || op == NULL || t.rhs == NULL || !parse_op (op, &t.op))
        {
          test_clear (&t);
          return invalid (error, _ ("a rule condition is written ( A op B ) with op one of lt, "
                                    "le, gt, ge, eq, ne, joined by and / or"));
        }
      join = next_word (&in, "");
      t.or_next = join != NULL && g_ascii_strcasecmp (join, "or") == 0;
      g_array_append_val (alt->tests, t);
      if (join == NULL)
        break;
      if (!t.or_next && g_ascii_strcasecmp (join, "and") != 0)
        return invalid (error, _ ("rule condition tests are joined by 'and' or 'or'"));
    }
  c->p = close + 1;
  if (!at (c, '?'))
    return invalid (error, _ ("a rule condition ( ... ) must be followed by '?'"));
  c->p++;
  return TRUE;
}

/* --- options --------------------------------------------------------------- */

/* One option at @word; its value (if it takes one) is read from @c.
 * @bracketed: inside [ ], where --delta may take a URL. */
static gboolean
parse_option (Cursor *c, const char *word, gboolean bracketed, PhonesecRuleEntry *e, GError **error)
{
  const char *const with_value[] = { "--key", "--uid", "--pwd" };
  g_autofree char *value = NULL;

  if (g_str_equal (word, "--srv") || g_str_equal (word, "--status"))
    {
      gboolean *flag = word[2] == 's' && word[3] == 'r' ? &e->srv : &e->status;

      *flag = TRUE;
      return TRUE;
    }
  if (g_str_equal (word, "--delta"))
    {
      Cursor peek = *c;
      g_autofree char *next = bracketed ? next_value (&peek) : NULL;

      if (next != NULL && !g_str_has_prefix (next, "--"))
        {
          /* "[--delta] [--delta URL]": the last one counts. */
          g_free (e->delta);
          e->delta = g_steal_pointer (&next);
          *c = peek;
        }
      else if (e->delta == NULL)
        e->delta = g_strdup ("");
      return TRUE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (with_value); i++)
    if (g_str_equal (word, with_value[i]))
      {
        gboolean taken = i == 0 ? e->key != NULL : i == 1 ? e->uid != NULL : e->pwd != NULL;

        if (taken)
          return g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                              _ ("the rule option %s is given twice"), word),
                 FALSE;
        value = next_value (c);
        if (value == NULL || g_str_has_prefix (value, "--"))
          return g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                              _ ("the rule option %s needs a value"), word),
                 FALSE;
        if (i == 0)
          e->key = phonesec_secret_new (value, -1);
        else if (i == 1)
          e->uid = g_steal_pointer (&value);
        else
          e->pwd = phonesec_secret_new (value, -1);
        return TRUE;
      }
  /* Quoted only up to any '=': "--pwd=secret" must not leak. */
  {
    g_autofree char *name = g_strndup (word, strcspn (word, "="));
    return g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                        _ ("unknown rule option '%s'; allowed: --key, --uid, --pwd, --srv, "
                           "--status, --delta"),
                        name),
           FALSE;
  }
}

/* The options of one entry: "[...]" groups and/or bare "--x" words. */
static gboolean
parse_options (Cursor *c, PhonesecRuleEntry *e, GError **error)
{
  for (;;)
    {
      g_autofree char *word = NULL;
      Cursor peek;

      if (at (c, '['))
        {
          const char *close = memchr (c->p, ']', c->end - c->p);
          Cursor in;

          if (close == NULL)
            return invalid (error, _ ("the ']' closing the rule's options is missing"));
          in.p = c->p + 1;
          in.end = close;
          while ((word = next_word (&in, "]")) != NULL)
            {
              if (!g_str_has_prefix (word, "--"))
                return invalid (error, _ ("unexpected text inside the rule's [ ]; allowed: "
                                          "--key K, --uid U --pwd P, --srv, --status, --delta"));
              if (!parse_option (&in, word, TRUE, e, error))
                return FALSE;
              g_clear_pointer (&word, g_free);
            }
          c->p = close + 1;
          /* "]--key k" is one word to the credential masker, which would
           * not see the option: a bare option after a group needs a blank. */
          if (c->end - c->p >= 2 && c->p[0] == '-' && c->p[1] == '-')
            return invalid (error, _ ("a rule option after ']' is separated from it by a space"));
          continue;
        }
      peek = *c;
      word = next_word (&peek, "|[");
      if (word == NULL || !g_str_has_prefix (word, "--"))
        return TRUE;
      /* "--pwd[x" would read "[x" as the password where the credential
       * masker sees one word: a bare option ends at a blank. */
      if (peek.p < peek.end && (*peek.p == '[' || *peek.p == '|'))
        return invalid (error, _ ("a rule option is followed by a space or the end of the rule"));
      *c = peek;
      if (!parse_option (c, word, FALSE, e, error))
        return FALSE;
    }
}

/* --- entries --------------------------------------------------------------- */

/* Only the shape: which schemes a rule may use is the caller's business
 * (the validator names the wrong one). */
static gboolean
check_url (const char *url, GError **error)
{
  if (url[0] == '/' || strstr (url, "://") != NULL)
    return TRUE;
  return invalid (error, _ ("the rule has no URL; allowed: a tftp://, http://, https:// or "
                            "gds:// URL, or a path starting with '/'"));
}

static gboolean
parse_entry (Cursor *c, Alternative *alt, GError **error)
{
  PhonesecRuleEntry e = { 0 };

  if (!parse_options (c, &e, error))
    {
      entry_clear (&e);
      return FALSE;
    }
  e.url = next_word (c, "|"); /* "https://[2001:db8::1]/" */
  if (e.url == NULL || !check_url (e.url, error))
    {
      if (e.url == NULL)
        invalid (error, _ ("the rule has no URL; allowed: a tftp://, http://, https:// or "
                           "gds:// URL, or a path starting with '/'"));
      entry_clear (&e);
      return FALSE;
    }
  if ((e.uid != NULL) != (e.pwd != NULL))
    {
      entry_clear (&e);
      return invalid (error, _ ("the rule options --uid and --pwd go together"));
    }
  g_array_append_val (alt->entries, e);
  return TRUE;
}

static gboolean
parse_alternative (Cursor *c, PhonesecRule *rule, GError **error)
{
  Alternative *alt = alternative_new ();

  g_ptr_array_add (rule->alternatives, alt);
  if (at (c, '(') && !parse_condition (c, alt, error))
    return FALSE;
  /* A second entry starts with its own options ("[--delta] a [--status] b"). */
  do
    if (!parse_entry (c, alt, error))
      return FALSE;
  while (at (c, '[') || (c->end - c->p > 2 && c->p[0] == '-' && c->p[1] == '-'));
  return TRUE;
}

static gboolean
check_text (const char *text, GError **error)
{
  if (strlen (text) > PHONESEC_RULE_MAX_LENGTH)
    return invalid (error, _ ("the rule is too long"));
  if (!g_utf8_validate (text, -1, NULL))
    return invalid (error, _ ("the rule is not valid UTF-8"));
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p < 0x20 && *p != '\t')
      return invalid (error, _ ("a rule cannot contain control characters or line breaks"));
  return TRUE;
}

PhonesecRule *
phonesec_rule_parse (const char *text, GError **error)
{
  g_autoptr (PhonesecRule) rule = g_new0 (PhonesecRule, 1);
  Cursor c = { text, text + strlen (text) };

  g_return_val_if_fail (text != NULL, NULL);
  rule->alternatives = g_ptr_array_new_with_free_func (alternative_free);
  if (!check_text (text, error))
    return NULL;
  for (;;)
    {
      if (!parse_alternative (&c, rule, error))
        return NULL;
      if (!at (&c, '|'))
        break;
      c.p++;
    }
  skip_blanks (&c);
  if (c.p < c.end)
    {
      g_autofree char *word = next_word (&c, "|");
      g_autofree char *quoted = phonesec_quote_for_message (word != NULL ? word : c.p, -1);

      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("unexpected '%s' after the rule's URL"), quoted);
      return NULL;
    }
  return g_steal_pointer (&rule);
}

guint
phonesec_rule_get_n_alternatives (PhonesecRule *rule)
{
  return rule->alternatives->len;
}

const PhonesecRuleEntry *
phonesec_rule_get_entries (PhonesecRule *rule, guint alternative, guint *n_entries)
{
  Alternative *alt;

  g_return_val_if_fail (alternative < rule->alternatives->len, NULL);
  alt = g_ptr_array_index (rule->alternatives, alternative);
  *n_entries = alt->entries->len;
  return (const PhonesecRuleEntry *) alt->entries->data;
}

/* --- evaluation ------------------------------------------------------------ */

int
phonesec_rule_compare_versions (const char *a, const char *b)
{
  while (*a != '\0' && *b != '\0')
    {
      if (g_ascii_isdigit (*a) && g_ascii_isdigit (*b))
        {
          const char *ea = a, *eb = b;
          gsize la, lb;
          int cmp;

          while (*a == '0' && g_ascii_isdigit (a[1]))
            a++;
          while (*b == '0' && g_ascii_isdigit (b[1]))
            b++;
          for (ea = a; g_ascii_isdigit (*ea); ea++)
            ;
          for (eb = b; g_ascii_isdigit (*eb); eb++)
            ;
          la = ea - a;
          lb = eb - b;
          if (la != lb)
            return la < lb ? -1 : 1;
          cmp = strncmp (a, b, la);
          if (cmp != 0)
            return cmp;
          a = ea;
          b = eb;
          continue;
        }
      if (*a != *b)
        return (guchar) *a < (guchar) *b ? -1 : 1;
      a++;
      b++;
    }
  return *a == *b ? 0 : *a == '\0' ? -1 : 1;
}

static gboolean
test_holds (const Test *t, GHashTable *vars)
{
  g_autofree char *lhs = vars != NULL ? phonesec_macro_expand (t->lhs, vars) : g_strdup (t->lhs);
  g_autofree char *rhs = vars != NULL ? phonesec_macro_expand (t->rhs, vars) : g_strdup (t->rhs);
  int cmp = phonesec_rule_compare_versions (lhs, rhs);

  switch (t->op)
    {
      case OP_LT:
        return cmp < 0;
      case OP_LE:
        return cmp <= 0;
      case OP_GT:
        return cmp > 0;
      case OP_GE:
        return cmp >= 0;
      case OP_EQ:
        return strcmp (lhs, rhs) == 0;
      case OP_NE:
        return strcmp (lhs, rhs) != 0;
      default:
        return FALSE;
    }
}

/* `and` binds tighter than `or`, as in the phone's expressions. */
static gboolean
condition_holds (GArray *tests, GHashTable *vars)
{
  gboolean group = TRUE;

  for (guint i = 0; i < tests->len; i++)
    {
      const Test *t = &g_array_index (tests, Test, i);

      group = group && test_holds (t, vars);
      if (t->or_next || i + 1 == tests->len)
        {
          if (group)
            return TRUE;
          group = TRUE;
        }
    }
  return tests->len == 0;
}

const PhonesecRuleEntry *
phonesec_rule_select (PhonesecRule *rule, GHashTable *vars, guint *n_entries)
{
  for (guint i = 0; i < rule->alternatives->len; i++)
    {
      Alternative *alt = g_ptr_array_index (rule->alternatives, i);

      if (condition_holds (alt->tests, vars))
        {
          if (n_entries != NULL)
            *n_entries = alt->entries->len;
          return (const PhonesecRuleEntry *) alt->entries->data;
        }
    }
  if (n_entries != NULL)
    *n_entries = 0;
  return NULL;
}
