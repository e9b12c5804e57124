/* phonesec-param-spec.c: one parameter's value rules: parse, validate, format.
 *
 * Typed D-Bus values and cfg.xml strings go through the same checks, so a
 * value is accepted or refused the same way whichever form it came in, and
 * the canonical string form parses back to the same value.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-param-spec.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "phonesec-validators.h"
#include "phonesec/phonesec-error.h"

static GVariant *
set_invalid (GError **error, const char *message)
{
  g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE, message);
  return NULL;
}

/* ---- names -------------------------------------------------------------- */

static const char *const type_names[] = {
  [PHONESEC_PARAM_BOOL] = "bool", [PHONESEC_PARAM_ENUM] = "enum",     [PHONESEC_PARAM_INT] = "int",
  [PHONESEC_PARAM_PORT] = "port", [PHONESEC_PARAM_STRING] = "string", [PHONESEC_PARAM_URL] = "url",
  [PHONESEC_PARAM_LIST] = "list",
};

static const char *const access_names[] = {
  [PHONESEC_ACCESS_NA] = "na",
  [PHONESEC_ACCESS_RO] = "ro",
  [PHONESEC_ACCESS_RW] = "rw",
};

const char *
phonesec_param_type_to_string (PhonesecParamType type)
{
  g_return_val_if_fail ((guint) type < G_N_ELEMENTS (type_names), NULL);
  return type_names[type];
}

gboolean
phonesec_param_type_from_string (const char *text, PhonesecParamType *out)
{
  g_return_val_if_fail (text != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (type_names); i++)
    if (g_ascii_strcasecmp (text, type_names[i]) == 0)
      {
        if (out != NULL)
          *out = (PhonesecParamType) i;
        return TRUE;
      }
  return FALSE;
}

const char *
phonesec_access_to_string (PhonesecAccess access)
{
  g_return_val_if_fail ((guint) access < G_N_ELEMENTS (access_names), NULL);
  return access_names[access];
}

gboolean
phonesec_access_from_string (const char *text, PhonesecAccess *out)
{
  g_return_val_if_fail (text != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (access_names); i++)
    if (g_ascii_strcasecmp (text, access_names[i]) == 0)
      {
        if (out != NULL)
          *out = (PhonesecAccess) i;
        return TRUE;
      }
  return FALSE;
}

/* ---- the spec ----------------------------------------------------------- */

void
phonesec_param_spec_free (PhonesecParamSpec *spec)
{
  if (spec == NULL)
    return;

  g_free (spec->name);
  g_free (spec->template_name);
  g_free (spec->owner);
  g_free (spec->kind);
  g_free (spec->item_kind);
  g_strfreev (spec->choices);
  g_strfreev (spec->bool_words);
  g_strfreev (spec->schemes);
  g_free (spec->tab);
  g_free (spec->section);
  g_free (spec->label);
  g_free (spec->help);
  g_strfreev (spec->aliases);
  g_clear_pointer (&spec->default_value, g_variant_unref);
  g_free (spec);
}

const GVariantType *
phonesec_param_spec_get_value_type (const PhonesecParamSpec *spec)
{
  g_return_val_if_fail (spec != NULL, NULL);

  switch (spec->type)
    {
      case PHONESEC_PARAM_BOOL:
        return G_VARIANT_TYPE_BOOLEAN;
      case PHONESEC_PARAM_INT:
        return G_VARIANT_TYPE_INT32;
      case PHONESEC_PARAM_PORT:
        return G_VARIANT_TYPE_UINT32;
      case PHONESEC_PARAM_LIST:
        return G_VARIANT_TYPE_STRING_ARRAY;
      case PHONESEC_PARAM_ENUM:
      case PHONESEC_PARAM_STRING:
      case PHONESEC_PARAM_URL:
      default:
        return G_VARIANT_TYPE_STRING;
    }
}

PhonesecCredentialsKind
phonesec_param_spec_get_credentials (const PhonesecParamSpec *spec)
{
  g_return_val_if_fail (spec != NULL, PHONESEC_CREDENTIALS_NONE);

  if (spec->secret)
    return PHONESEC_CREDENTIALS_NONE; /* the whole value is hidden already */
  if (spec->type == PHONESEC_PARAM_URL)
    return PHONESEC_CREDENTIALS_URL;
  if (spec->type == PHONESEC_PARAM_STRING && spec->kind != NULL)
    {
      if (strcmp (spec->kind, "rule") == 0)
        return PHONESEC_CREDENTIALS_RULE;
      if (strcmp (spec->kind, "header-secret") == 0)
        return PHONESEC_CREDENTIALS_WHOLE;
    }
  return PHONESEC_CREDENTIALS_NONE;
}

/* ---- helpers ------------------------------------------------------------ */

/* Case-insensitive, also for non-ASCII ("ACTIVÉ" = "activé", composed or not). */
static char *
fold (const char *text)
{
  g_autofree char *composed = g_utf8_normalize (text, -1, G_NORMALIZE_DEFAULT_COMPOSE);

  return composed != NULL ? g_utf8_casefold (composed, -1) : g_strdup (text);
}

static gboolean
caseless_equal (const char *input, const char *word)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  if (g_ascii_strcasecmp (input, word) == 0)
    return TRUE;
  /* Folding and composing change a length a few times at most: a much
   * longer input cannot match, and is not worth two allocations. */
  if (strlen (input) > 4 * strlen (word) + 8)
    return FALSE;
  a = fold (input);
  b = fold (word);
  return strcmp (a, b) == 0;
}

static gboolean
is_separator (char c)
{
  return c == ',' || g_ascii_isspace (c);
}

/* "0 to 65535", for "allowed: ..." (numbers formatted apart: no
 * G_GINT64_FORMAT inside a translatable string). */
static char *
describe_range (gboolean optional, gint64 lo, gint64 hi)
{
  char lo_text[24], hi_text[24];

  g_snprintf (lo_text, sizeof lo_text, "%" G_GINT64_FORMAT, lo);
  g_snprintf (hi_text, sizeof hi_text, "%" G_GINT64_FORMAT, hi);
  if (optional)
    /* Translators: a range of numbers or no value: "15 to 1440, or empty" */
    return g_strdup_printf (_ ("%s to %s, or empty"), lo_text, hi_text);
  /* Translators: a range of numbers: "0 to 65535" */
  return g_strdup_printf (_ ("%s to %s"), lo_text, hi_text);
}

/* The values an INT/PORT takes; the schema's min/max narrow it when set. */
static void
get_int_bounds (const PhonesecParamSpec *spec, gint64 *lo, gint64 *hi)
{
  if (spec->type == PHONESEC_PARAM_PORT)
    {
      *lo = 0;
      *hi = 65535;
    }
  else
    {
      *lo = G_MININT32;
      *hi = G_MAXINT32;
    }
  if (spec->min < spec->max)
    {
      *lo = MAX (*lo, spec->min);
      *hi = MIN (*hi, spec->max);
    }
}

static GVariant *
make_int (const PhonesecParamSpec *spec, gint64 value)
{
  if (spec->type == PHONESEC_PARAM_PORT)
    return g_variant_ref_sink (g_variant_new_uint32 ((guint32) value));
  return g_variant_ref_sink (g_variant_new_int32 ((gint32) value));
}

/* @number: the offending number as text (it may not fit a gint64). */
static GVariant *
set_out_of_range (const PhonesecParamSpec *spec, const char *number, GError **error)
{
  g_autofree char *allowed = NULL;
  gint64 lo, hi;

  get_int_bounds (spec, &lo, &hi);
  allowed = describe_range (spec->optional, lo, hi);
  if (spec->secret)
    g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                 _ ("the value is out of range; allowed: %s"), allowed);
  else
    {
      g_autofree char *q = phonesec_quote_for_message (number, -1);
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("%s is out of range; allowed: %s"), q, allowed);
    }
  return NULL;
}

static GVariant *
check_int (const PhonesecParamSpec *spec, gint64 value, GError **error)
{
  g_autofree char *number = NULL;
  gint64 lo, hi;

  get_int_bounds (spec, &lo, &hi);
  /* An optional int stores "unset" as 0, whatever its range. */
  if ((spec->optional && value == 0) || (value >= lo && value <= hi))
    return make_int (spec, value);
  number = g_strdup_printf ("%" G_GINT64_FORMAT, value);
  return set_out_of_range (spec, number, error);
}

static const char *
describe_kind (const char *kind)
{
  static const struct
  {
    const char *kind;
    const char *text;
  } kinds[] = {
    { "host", N_ ("a host name or IP address") },
    { "host-port", N_ ("a host name or IP address, optionally with :port") },
    { "fqdn", N_ ("a domain name") },
    { "header-name", N_ ("an HTTP header name") },
    { "header-value", N_ ("visible ASCII text, at most 127 characters") },
    { "header-secret", N_ ("visible ASCII text, at most 127 characters") },
    { "firewall-options", N_ ("firewall options") },
    { "rule", N_ ("a provisioning rule: [--key K] [--uid U --pwd P] URL") },
    { "text", N_ ("printable text") },
    { "cipher-list", N_ ("a cipher list in printable ASCII") },
    { "int", N_ ("a whole number") },
    { "prt-name", N_ ("letters, digits, '-', '_', '.' and macros") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (strcmp (kind, kinds[i].kind) == 0)
      return _ (kinds[i].text);
  return _ ("a value of the documented form");
}

/* A validator's message may quote part of the value: a secret's never is. */
static GVariant *
set_kind_error (const PhonesecParamSpec *spec, const char *kind, GError *kind_error, GError **error)
{
  if (!spec->secret)
    {
      g_propagate_error (error, kind_error);
      return NULL;
    }
  g_error_free (kind_error);
  g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
               _ ("the value is not valid; allowed: %s"), describe_kind (kind));
  return NULL;
}

static GVariant *
set_too_long (const PhonesecParamSpec *spec, glong length, GError **error)
{
  g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
               spec->secret ? _ ("the value is too long (%ld characters); allowed: at most %u")
                            : _ ("too long (%ld characters); allowed: at most %u"),
               length, spec->max_length);
  return NULL;
}

/* ---- per type ----------------------------------------------------------- */

static GVariant *
parse_bool_text (const PhonesecParamSpec *spec, const char *text, GError **error)
{
  gboolean has_words
      = spec->bool_words != NULL && spec->bool_words[0] != NULL && spec->bool_words[1] != NULL;
  const char *yes = has_words ? spec->bool_words[0] : "Yes";
  const char *no = has_words ? spec->bool_words[1] : "No";
  gboolean value;

  /* The schema's own words first: they are what format() writes. */
  if (caseless_equal (text, yes))
    return g_variant_ref_sink (g_variant_new_boolean (TRUE));
  if (caseless_equal (text, no))
    return g_variant_ref_sink (g_variant_new_boolean (FALSE));
  if (phonesec_parse_bool (text, &value))
    return g_variant_ref_sink (g_variant_new_boolean (value));

  if (spec->secret)
    g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE, _ ("expected %s or %s"), yes,
                 no);
  else if (text[0] == '\0')
    g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                 _ ("expected %s or %s, got an empty value"), yes, no);
  else
    {
      g_autofree char *q = phonesec_quote_for_message (text, -1);
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("expected %s or %s, got '%s'"), yes, no, q);
    }
  return NULL;
}

static GVariant *
parse_enum_text (const PhonesecParamSpec *spec, const char *text, GError **error)
{
  static const char *const none[] = { NULL };
  const char *const *choices = spec->choices != NULL ? (const char *const *) spec->choices : none;
  g_autoptr (GString) allowed = g_string_new (NULL);

  /* Exact first, so choices differing only in case stay distinct. */
  for (guint i = 0; choices[i] != NULL; i++)
    if (strcmp (text, choices[i]) == 0)
      return g_variant_ref_sink (g_variant_new_string (choices[i]));
  for (guint i = 0; choices[i] != NULL; i++)
    if (caseless_equal (text, choices[i]))
      return g_variant_ref_sink (g_variant_new_string (choices[i]));

  for (guint i = 0; choices[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append (allowed, ", ");
      g_string_append (allowed, choices[i][0] != '\0' ? choices[i] : _ ("(empty)"));
    }
  if (spec->secret)
    g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                 _ ("the value is not a choice; allowed: %s"), allowed->str);
  else if (text[0] == '\0')
    g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                 _ ("an empty value is not a choice; allowed: %s"), allowed->str);
  else
    {
      g_autofree char *q = phonesec_quote_for_message (text, -1);
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("'%s' is not a choice; allowed: %s"), q, allowed->str);
    }
  return NULL;
}

static gboolean
looks_like_integer (const char *text)
{
  if (*text == '+' || *text == '-')
    text++;
  if (!g_ascii_isdigit (*text))
    return FALSE;
  while (g_ascii_isdigit (*text))
    text++;
  return *text == '\0';
}

static GVariant *
parse_int_text (const PhonesecParamSpec *spec, const char *text, GError **error)
{
  g_autofree char *allowed = NULL;
  gint64 lo, hi, value;

  if (text[0] == '\0' && spec->optional)
    return make_int (spec, 0);
  if (phonesec_parse_int64 (text, &value))
    return check_int (spec, value, error);
  /* Digits that overflow a gint64 are a number, just far out of range. */
  if (looks_like_integer (text))
    return set_out_of_range (spec, text, error);

  get_int_bounds (spec, &lo, &hi);
  allowed = describe_range (spec->optional, lo, hi);
  if (text[0] == '\0')
    g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                 _ ("a number is required; allowed: %s"), allowed);
  else if (spec->secret)
    g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                 _ ("the value is not a whole number; allowed: %s"), allowed);
  else
    {
      g_autofree char *q = phonesec_quote_for_message (text, -1);
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("'%s' is not a whole number; allowed: %s"), q, allowed);
    }
  return NULL;
}

static GVariant *parse_string_text (const PhonesecParamSpec *spec, const char *text,
                                    GError **error);

/* A value with credentials is refused in words that never come from them:
 * the message is the one its masked form gets, or, when only a credential
 * is wrong (the masked form passes), a general one. */
static GVariant *
parse_with_credentials (const PhonesecParamSpec *spec, PhonesecCredentialsKind kind,
                        const char *text, GError **error)
{
  g_autoptr (GError) real_error = NULL;
  g_autoptr (GError) masked_error = NULL;
  g_autoptr (GVariant) masked_value = NULL;
  g_autofree char *masked = NULL;
  GVariant *value = parse_string_text (spec, text, &real_error);

  if (value != NULL)
    return value;
  /* The header validator never quotes its input. */
  if (kind == PHONESEC_CREDENTIALS_WHOLE)
    {
      g_propagate_error (error, g_steal_pointer (&real_error));
      return NULL;
    }
  masked = phonesec_credentials_mask (kind, text);
  masked_value = parse_string_text (spec, masked, &masked_error);
  if (masked_value == NULL)
    {
      /* The same text may stand elsewhere in the value, outside a
       * credential's place ("--key K url K"): never quoted either. */
      g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
      g_auto (GStrv) credentials = NULL;
      GString *message = g_string_new (masked_error->message);

      phonesec_credentials_collect (kind, text, builder);
      credentials = g_strv_builder_end (builder);
      /* Shorter ones would garble the words, as in the log writer. */
      for (guint i = 0; credentials[i] != NULL; i++)
        if (strlen (credentials[i]) >= 3)
          g_string_replace (message, credentials[i], PHONESEC_CREDENTIALS_MASK, 0);
      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE, message->str);
      g_string_free (message, TRUE);
      return NULL;
    }
  g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
               _ ("a password or key in the value is not valid (it is not shown); allowed: %s"),
               spec->type == PHONESEC_PARAM_URL
                   ? _ ("a URL such as https://user:password@server/path")
                   : describe_kind (spec->kind));
  return NULL;
}

static GVariant *
parse_string_text (const PhonesecParamSpec *spec, const char *text, GError **error)
{
  glong length = spec->max_length > 0 ? g_utf8_strlen (text, -1) : 0;
  GError *kind_error = NULL;

  if (spec->max_length > 0 && length > (glong) spec->max_length)
    return set_too_long (spec, length, error);

  if (spec->type == PHONESEC_PARAM_URL)
    {
      if (text[0] != '\0'
          && !phonesec_validate_url (text, (const char *const *) spec->schemes, &kind_error))
        {
          if (!spec->secret)
            {
              g_propagate_error (error, kind_error);
              return NULL;
            }
          g_error_free (kind_error);
          if (spec->schemes == NULL)
            return set_invalid (error, _ ("the value is not a valid URL; allowed: a URL such as "
                                          "https://server/path"));
          {
            g_autofree char *schemes = g_strjoinv (", ", spec->schemes);
            g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                         _ ("the value is not a valid URL; allowed: a URL with a server and the "
                            "scheme %s"),
                         schemes);
            return NULL;
          }
        }
    }
  else if (spec->kind != NULL && text[0] != '\0'
           && !phonesec_validate_kind (spec->kind, text, &kind_error))
    return set_kind_error (spec, spec->kind, kind_error, error);

  return g_variant_ref_sink (g_variant_new_string (text));
}

/* A list item's error, numbered from 1 and never quoting a secret. */
static GVariant *
set_item_error (const PhonesecParamSpec *spec, guint index, GError *item_error, GError **error)
{
  if (spec->secret)
    g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                 _ ("item %u is not valid; allowed: %s"), index,
                 describe_kind (spec->item_kind != NULL ? spec->item_kind : ""));
  else
    g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE, _ ("item %u: %s"), index,
                 item_error->message);
  g_error_free (item_error);
  return NULL;
}

/* Canonical form of one item, or NULL with @item_error set. */
static char *
check_list_item (const PhonesecParamSpec *spec, const char *item, GError **item_error)
{
  gint64 value;

  if (spec->item_kind == NULL)
    return g_strdup (item);
  if (strcmp (spec->item_kind, "int") != 0)
    return phonesec_validate_kind (spec->item_kind, item, item_error) ? g_strdup (item) : NULL;

  if (!phonesec_parse_int64 (item, &value))
    {
      g_autofree char *q = phonesec_quote_for_message (item, -1);
      g_set_error (item_error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("'%s' is not a whole number"), q);
      return NULL;
    }
  if (spec->min < spec->max && (value < spec->min || value > spec->max))
    {
      g_autofree char *allowed = describe_range (FALSE, spec->min, spec->max);
      char number[24];

      g_snprintf (number, sizeof number, "%" G_GINT64_FORMAT, value);
      g_set_error (item_error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("%s is out of range; allowed: %s"), number, allowed);
      return NULL;
    }
  /* "+066" is stored as "66". */
  return g_strdup_printf ("%" G_GINT64_FORMAT, value);
}

/* @pieces: "as" elements or the one string form; each may hold several
 * items separated by ',' and/or white space, like the string form. */
static GVariant *
parse_list_pieces (const PhonesecParamSpec *spec, const char *const *pieces, GError **error)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_free);
  guint count = 0, n = 0;
  glong length = 0;

  /* Count first, so a huge list is refused before any allocation. */
  for (guint i = 0; pieces[i] != NULL; i++)
    for (const char *p = pieces[i]; *p != '\0'; p++)
      if (!is_separator (*p) && (p == pieces[i] || is_separator (p[-1])))
        count++;
  if (spec->max_items > 0 && count > spec->max_items)
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("too many items (%u); allowed: at most %u"), count, spec->max_items);
      return NULL;
    }

  for (guint i = 0; pieces[i] != NULL; i++)
    {
      const char *p = pieces[i];

      while (*p != '\0')
        {
          const char *start;
          g_autofree char *item = NULL;
          char *canonical;
          GError *item_error = NULL;

          while (is_separator (*p))
            p++;
          if (*p == '\0')
            break;
          start = p;
          while (*p != '\0' && !is_separator (*p))
            p++;
          item = g_strndup (start, p - start);
          canonical = check_list_item (spec, item, &item_error);
          if (canonical == NULL)
            return set_item_error (spec, n + 1, item_error, error);
          length += g_utf8_strlen (canonical, -1) + (n++ > 0 ? 1 : 0);
          /* Past max_length the list is refused: keep counting, not storing. */
          if (spec->max_length == 0 || length <= (glong) spec->max_length)
            g_ptr_array_add (items, canonical);
          else
            g_free (canonical);
        }
    }

  /* max_length bounds the canonical string form ("66,160,159"). */
  if (spec->max_length > 0 && length > (glong) spec->max_length)
    return set_too_long (spec, length, error);

  return g_variant_ref_sink (g_variant_new_strv ((const char *const *) items->pdata, items->len));
}

/* ---- API ---------------------------------------------------------------- */

GVariant *
phonesec_param_spec_parse_string (const PhonesecParamSpec *spec, const char *text, GError **error)
{
  g_autofree char *stripped = NULL;
  const char *bad;

  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_utf8_validate (text, -1, &bad))
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("the value is not valid UTF-8 (bad byte at byte %lu)"),
                   (gulong) (bad - text));
      return NULL;
    }
  stripped = g_strstrip (g_strdup (text));

  switch (spec->type)
    {
      case PHONESEC_PARAM_BOOL:
        return parse_bool_text (spec, stripped, error);
      case PHONESEC_PARAM_ENUM:
        return parse_enum_text (spec, stripped, error);
      case PHONESEC_PARAM_INT:
      case PHONESEC_PARAM_PORT:
        return parse_int_text (spec, stripped, error);
      case PHONESEC_PARAM_STRING:
      case PHONESEC_PARAM_URL:
        {
          PhonesecCredentialsKind kind = phonesec_param_spec_get_credentials (spec);

          if (kind != PHONESEC_CREDENTIALS_NONE)
            return parse_with_credentials (spec, kind, stripped, error);
          return parse_string_text (spec, stripped, error);
        }
      case PHONESEC_PARAM_LIST:
        {
          const char *pieces[] = { stripped, NULL };
          return parse_list_pieces (spec, pieces, error);
        }
      default:
        return set_invalid (error, _ ("the parameter has an unknown type"));
    }
}

/* Any integer D-Bus type; FALSE when @value is not one. A "t" beyond
 * G_MAXINT64 sets @too_big. */
static gboolean
get_integer (GVariant *value, gint64 *out, gboolean *too_big)
{
  *too_big = FALSE;
  switch (g_variant_classify (value))
    {
      case G_VARIANT_CLASS_BYTE:
        *out = g_variant_get_byte (value);
        return TRUE;
      case G_VARIANT_CLASS_INT16:
        *out = g_variant_get_int16 (value);
        return TRUE;
      case G_VARIANT_CLASS_UINT16:
        *out = g_variant_get_uint16 (value);
        return TRUE;
      case G_VARIANT_CLASS_INT32:
        *out = g_variant_get_int32 (value);
        return TRUE;
      case G_VARIANT_CLASS_UINT32:
        *out = g_variant_get_uint32 (value);
        return TRUE;
      case G_VARIANT_CLASS_INT64:
        *out = g_variant_get_int64 (value);
        return TRUE;
      case G_VARIANT_CLASS_UINT64:
        *too_big = g_variant_get_uint64 (value) > (guint64) G_MAXINT64;
        *out = (gint64) MIN (g_variant_get_uint64 (value), (guint64) G_MAXINT64);
        return TRUE;
      default:
        return FALSE;
    }
}

static GVariant *
set_wrong_type (const PhonesecParamSpec *spec, GVariant *value, GError **error)
{
  g_autofree char *given = phonesec_quote_for_message (g_variant_get_type_string (value), -1);
  const char *allowed;

  switch (spec->type)
    {
      case PHONESEC_PARAM_BOOL:
        allowed = _ ("'b' (a boolean) or 's' (Yes/No)");
        break;
      case PHONESEC_PARAM_INT:
        allowed = _ ("'i' (a number; other integer types are taken too) or 's' (its text form)");
        break;
      case PHONESEC_PARAM_PORT:
        allowed = _ ("'u' (a number; other integer types are taken too) or 's' (its text form)");
        break;
      case PHONESEC_PARAM_LIST:
        allowed = _ ("'as' (a list of strings) or 's' (items separated by commas)");
        break;
      default:
        allowed = _ ("'s' (a string)");
        break;
    }
  g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
               _ ("wrong value type '%s'; allowed: %s"), given, allowed);
  return NULL;
}

GVariant *
phonesec_param_spec_parse (const PhonesecParamSpec *spec, GVariant *value, GError **error)
{
  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (value != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return phonesec_param_spec_parse_string (spec, g_variant_get_string (value, NULL), error);

  switch (spec->type)
    {
      case PHONESEC_PARAM_BOOL:
        if (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
          return g_variant_ref_sink (g_variant_new_boolean (g_variant_get_boolean (value)));
        break;
      case PHONESEC_PARAM_INT:
      case PHONESEC_PARAM_PORT:
        {
          gint64 number;
          gboolean too_big;

          if (!get_integer (value, &number, &too_big))
            break;
          if (too_big)
            {
              g_autofree char *text
                  = g_strdup_printf ("%" G_GUINT64_FORMAT, g_variant_get_uint64 (value));
              return set_out_of_range (spec, text, error);
            }
          return check_int (spec, number, error);
        }
      case PHONESEC_PARAM_LIST:
        if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
          {
            g_autofree const char **pieces = g_variant_get_strv (value, NULL);
            return parse_list_pieces (spec, pieces, error);
          }
        break;
      case PHONESEC_PARAM_ENUM:
      case PHONESEC_PARAM_STRING:
      case PHONESEC_PARAM_URL:
      default:
        break;
    }
  return set_wrong_type (spec, value, error);
}

char *
phonesec_param_spec_format (const PhonesecParamSpec *spec, GVariant *value)
{
  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (value != NULL, NULL);
  g_return_val_if_fail (g_variant_is_of_type (value, phonesec_param_spec_get_value_type (spec)),
                        NULL);

  switch (spec->type)
    {
      case PHONESEC_PARAM_BOOL:
        {
          gboolean has_words = spec->bool_words != NULL && spec->bool_words[0] != NULL
                               && spec->bool_words[1] != NULL;
          if (g_variant_get_boolean (value))
            return g_strdup (has_words ? spec->bool_words[0] : "Yes");
          return g_strdup (has_words ? spec->bool_words[1] : "No");
        }
      case PHONESEC_PARAM_INT:
        {
          gint32 n = g_variant_get_int32 (value);
          return spec->optional && n == 0 ? g_strdup ("")
                                          : g_strdup_printf ("%" G_GINT32_FORMAT, n);
        }
      case PHONESEC_PARAM_PORT:
        {
          guint32 n = g_variant_get_uint32 (value);
          return spec->optional && n == 0 ? g_strdup ("")
                                          : g_strdup_printf ("%" G_GUINT32_FORMAT, n);
        }
      case PHONESEC_PARAM_LIST:
        {
          g_autofree const char **items = g_variant_get_strv (value, NULL);
          return g_strjoinv (",", (char **) items);
        }
      case PHONESEC_PARAM_ENUM:
      case PHONESEC_PARAM_STRING:
      case PHONESEC_PARAM_URL:
      default:
        return g_variant_dup_string (value, NULL);
    }
}
