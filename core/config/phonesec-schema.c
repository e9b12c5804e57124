/* phonesec-schema.c: every parameter the daemon knows, read from schema files.
 *
 * A schema file is GKeyFile text, one group per parameter; the format is
 * documented in data/schema/README.md. Loading is all or nothing: the
 * parameters of a file are built and checked in a pending list, and only a
 * file without a single problem is added.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-schema.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "phonesec-validators.h"
#include "phonesec/phonesec-error.h"

#define PER_LINE_MARK "_n_"
#define MAX_LINE_COUNT 64
#define MAX_LENGTH_LIMIT (1u << 20)

struct _PhonesecSchema
{
  guint line_count;
  GPtrArray *specs;    /* of PhonesecParamSpec*, owned, declaration order */
  GHashTable *by_name; /* name or alias → PhonesecParamSpec* (borrowed keys and values) */
};

/* ---- the keys of a group -------------------------------------------------- */

#define FOR(t) (1u << (t))
#define ALL_TYPES                                                                                  \
  (FOR (PHONESEC_PARAM_BOOL) | FOR (PHONESEC_PARAM_ENUM) | FOR (PHONESEC_PARAM_INT)                \
   | FOR (PHONESEC_PARAM_PORT) | FOR (PHONESEC_PARAM_STRING) | FOR (PHONESEC_PARAM_URL)            \
   | FOR (PHONESEC_PARAM_LIST))

/* Which key is allowed with which Type: a key that means nothing for the type
 * (Choices on a bool) is refused rather than silently ignored. */
static const struct
{
  const char *key;
  guint types;
} known_keys[] = {
  { "Type", ALL_TYPES },
  { "Default", ALL_TYPES },
  { "Choices", FOR (PHONESEC_PARAM_ENUM) },
  { "TrueWord", FOR (PHONESEC_PARAM_BOOL) },
  { "FalseWord", FOR (PHONESEC_PARAM_BOOL) },
  { "Min", FOR (PHONESEC_PARAM_INT) | FOR (PHONESEC_PARAM_PORT) | FOR (PHONESEC_PARAM_LIST) },
  { "Max", FOR (PHONESEC_PARAM_INT) | FOR (PHONESEC_PARAM_PORT) | FOR (PHONESEC_PARAM_LIST) },
  { "Optional", FOR (PHONESEC_PARAM_INT) },
  { "MaxLength",
    FOR (PHONESEC_PARAM_STRING) | FOR (PHONESEC_PARAM_URL) | FOR (PHONESEC_PARAM_LIST) },
  { "MaxItems", FOR (PHONESEC_PARAM_LIST) },
  { "Schemes", FOR (PHONESEC_PARAM_URL) },
  { "Kind", FOR (PHONESEC_PARAM_STRING) },
  { "ItemKind", FOR (PHONESEC_PARAM_LIST) },
  { "Access", ALL_TYPES },
  { "Secret", FOR (PHONESEC_PARAM_STRING) },
  { "Restart", ALL_TYPES },
  { "Tab", ALL_TYPES },
  { "Section", ALL_TYPES },
  { "Label", ALL_TYPES },
  { "Help", ALL_TYPES },
  { "Aliases", ALL_TYPES },
};

/* The validator kinds of phonesec-validators.h. Checked here so that a typo
 * in a schema fails at load time, not on every value later. */
static const char *const string_kinds[] = {
  "host",
  "host-port",
  "fqdn",
  "header-name",
  "header-value",
  "header-secret",
  "firewall-options",
  "rule",
  "text",
  "cipher-list",
  "prt-name",
  NULL,
};

/* ---- errors ---------------------------------------------------------------- */

/* Every load error reads "[Group] Key: what is wrong" so the author finds the
 * line at once; @key may be NULL for problems of the whole group. */
static gboolean group_error (GError **error, const char *group, const char *key, const char *format,
                             ...) G_GNUC_PRINTF (4, 5);

static gboolean
group_error (GError **error, const char *group, const char *key, const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (key != NULL)
    g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE, "[%s] %s: %s", group, key,
                 message);
  else
    g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE, "[%s] %s", group, message);
  return FALSE;
}

/* ---- small parsers ------------------------------------------------------- */

/* cfg.xml element names: a letter or '_' first, then letters, digits, '_',
 * '-' and '.' (PARAMETERS.md: "Hyphens and dots survive"). */
static gboolean
is_valid_name (const char *name)
{
  const char *p;

  if (name == NULL || !(g_ascii_isalpha (name[0]) || name[0] == '_'))
    return FALSE;
  for (p = name; *p != '\0'; p++)
    if (!(g_ascii_isalnum (*p) || *p == '_' || *p == '-' || *p == '.'))
      return FALSE;
  return TRUE;
}

/* A tab id: lower-case letters, digits and '-' ("system", "tr-069"). */
static gboolean
is_valid_tab (const char *tab)
{
  const char *p;

  if (tab == NULL || tab[0] == '\0')
    return FALSE;
  for (p = tab; *p != '\0'; p++)
    if (!(g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '-'))
      return FALSE;
  return TRUE;
}

/* RFC 3986 scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
static gboolean
is_valid_scheme (const char *scheme)
{
  const char *p;

  if (!g_ascii_isalpha (scheme[0]))
    return FALSE;
  for (p = scheme; *p != '\0'; p++)
    if (!(g_ascii_isalnum (*p) || *p == '+' || *p == '-' || *p == '.'))
      return FALSE;
  return TRUE;
}

static gboolean
read_string (GKeyFile *kf, const char *group, const char *key, char **out, GError **error)
{
  g_autoptr (GError) local = NULL;

  *out = NULL;
  if (!g_key_file_has_key (kf, group, key, NULL))
    return TRUE;
  *out = g_key_file_get_string (kf, group, key, &local);
  if (*out == NULL)
    return group_error (error, group, key, "%s", local->message);
  return TRUE;
}

/* Non-empty, required text (Label, Section, Tab). */
static gboolean
read_required_string (GKeyFile *kf, const char *group, const char *key, char **out, GError **error)
{
  if (!read_string (kf, group, key, out, error))
    return FALSE;
  if (*out == NULL || **out == '\0')
    {
      g_clear_pointer (out, g_free);
      return group_error (error, group, key, _ ("is required and must not be empty"));
    }
  return TRUE;
}

/* A ';'-separated list whose items are non-empty and without surrounding
 * white space (cfg.xml values are stripped, so " Auto" could never match). */
static gboolean
read_list (GKeyFile *kf, const char *group, const char *key, char ***out, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_auto (GStrv) items = NULL;
  gsize n = 0;

  *out = NULL;
  if (!g_key_file_has_key (kf, group, key, NULL))
    return TRUE;
  items = g_key_file_get_string_list (kf, group, key, &n, &local);
  if (items == NULL)
    return group_error (error, group, key, "%s", local->message);
  if (n == 0)
    return group_error (error, group, key, _ ("must list at least one value"));
  for (gsize i = 0; i < n; i++)
    {
      if (items[i][0] == '\0')
        return group_error (error, group, key, _ ("item %u is empty"), (guint) i + 1);
      if (g_ascii_isspace (items[i][0]) || g_ascii_isspace (items[i][strlen (items[i]) - 1]))
        return group_error (error, group, key, _ ("item '%s' has surrounding white space"),
                            items[i]);
      /* Values are matched case-insensitively, so "TLS" and "tls" would be one. */
      for (gsize j = 0; j < i; j++)
        if (g_ascii_strcasecmp (items[i], items[j]) == 0)
          return group_error (error, group, key, _ ("'%s' is listed twice"), items[i]);
    }
  *out = g_steal_pointer (&items);
  return TRUE;
}

static gboolean
read_flag (GKeyFile *kf, const char *group, const char *key, gboolean *out, GError **error)
{
  g_autofree char *text = NULL;

  *out = FALSE;
  if (!read_string (kf, group, key, &text, error))
    return FALSE;
  if (text == NULL)
    return TRUE;
  if (g_strcmp0 (text, "true") == 0)
    *out = TRUE;
  else if (g_strcmp0 (text, "false") != 0)
    return group_error (error, group, key, _ ("'%s' is not a flag; use true or false"), text);
  return TRUE;
}

static gboolean
read_int (GKeyFile *kf, const char *group, const char *key, gint64 min, gint64 max, gint64 *out,
          gboolean *present, GError **error)
{
  g_autofree char *text = NULL;

  *present = FALSE;
  if (!read_string (kf, group, key, &text, error))
    return FALSE;
  if (text == NULL)
    return TRUE;
  if (!phonesec_parse_int64 (text, out) || *out < min || *out > max)
    {
      /* Numbers as text: a G_GINT64_FORMAT inside _() would hide the
       * message from xgettext. */
      g_autofree char *lo = g_strdup_printf ("%" G_GINT64_FORMAT, min);
      g_autofree char *hi = g_strdup_printf ("%" G_GINT64_FORMAT, max);

      return group_error (error, group, key, _ ("'%s' is not a whole number from %s to %s"), text,
                          lo, hi);
    }
  *present = TRUE;
  return TRUE;
}

/* ---- one group → one template spec --------------------------------------- */

static char *
join_type_names (void)
{
  GString *out = g_string_new (NULL);

  for (int t = PHONESEC_PARAM_BOOL; t <= PHONESEC_PARAM_LIST; t++)
    g_string_append_printf (out, "%s%s", t == PHONESEC_PARAM_BOOL ? "" : ", ",
                            phonesec_param_type_to_string ((PhonesecParamType) t));
  return g_string_free (out, FALSE);
}

static gboolean
check_keys (GKeyFile *kf, const char *group, PhonesecParamType type, GError **error)
{
  g_auto (GStrv) keys = g_key_file_get_keys (kf, group, NULL, NULL);

  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      gsize k;

      for (k = 0; k < G_N_ELEMENTS (known_keys); k++)
        if (strcmp (keys[i], known_keys[k].key) == 0)
          break;
      if (k == G_N_ELEMENTS (known_keys))
        {
          /* Translations come from the gettext catalogue, not Label[fr]. */
          if (strchr (keys[i], '[') != NULL)
            return group_error (error, group, keys[i],
                                _ ("localized keys are not supported; labels are translated "
                                   "through the gettext catalogue"));
          return group_error (error, group, keys[i], _ ("unknown key (see data/schema/README.md)"));
        }
      if ((known_keys[k].types & FOR (type)) == 0)
        return group_error (error, group, keys[i], _ ("does not apply to Type=%s"),
                            phonesec_param_type_to_string (type));
    }
  return TRUE;
}

static gboolean
read_type (GKeyFile *kf, const char *group, PhonesecParamType *type, GError **error)
{
  g_autofree char *text = NULL;

  if (!read_string (kf, group, "Type", &text, error))
    return FALSE;
  if (text == NULL)
    return group_error (error, group, "Type", _ ("is required"));
  if (!phonesec_param_type_from_string (text, type))
    {
      g_autofree char *allowed = join_type_names ();
      return group_error (error, group, "Type", _ ("unknown type '%s'; allowed: %s"), text,
                          allowed);
    }
  return TRUE;
}

static gboolean
read_bool_words (GKeyFile *kf, const char *group, PhonesecParamSpec *spec, GError **error)
{
  g_autofree char *true_word = NULL;
  g_autofree char *false_word = NULL;
  gboolean value;

  if (!read_string (kf, group, "TrueWord", &true_word, error)
      || !read_string (kf, group, "FalseWord", &false_word, error))
    return FALSE;
  if (true_word == NULL)
    true_word = g_strdup ("Yes");
  if (false_word == NULL)
    false_word = g_strdup ("No");

  /* Export writes these words and import reads them first; a word that
   * means the opposite elsewhere ("No" for true) would read back wrong. */
  if (phonesec_parse_bool (true_word, &value) && !value)
    return group_error (error, group, "TrueWord", _ ("'%s' means false"), true_word);
  if (phonesec_parse_bool (false_word, &value) && value)
    return group_error (error, group, "FalseWord", _ ("'%s' means true"), false_word);
  if (g_utf8_collate (true_word, false_word) == 0
      || g_ascii_strcasecmp (true_word, false_word) == 0)
    return group_error (error, group, "FalseWord", _ ("'%s' is also the TrueWord"), false_word);
  if (true_word[0] == '\0' || false_word[0] == '\0')
    return group_error (error, group, true_word[0] == '\0' ? "TrueWord" : "FalseWord",
                        _ ("must not be empty"));

  spec->bool_words = g_new0 (char *, 3);
  spec->bool_words[0] = g_steal_pointer (&true_word);
  spec->bool_words[1] = g_steal_pointer (&false_word);
  return TRUE;
}

static gboolean
read_bounds (GKeyFile *kf, const char *group, PhonesecParamSpec *spec, GError **error)
{
  gint64 lo, hi;
  gboolean has_min, has_max;

  switch (spec->type)
    {
      case PHONESEC_PARAM_INT: /* D-Bus "i" */
        lo = G_MININT32;
        hi = G_MAXINT32;
        break;
      case PHONESEC_PARAM_PORT: /* D-Bus "u", but a port */
        lo = 0;
        hi = G_MAXUINT16;
        break;
      case PHONESEC_PARAM_LIST: /* items are strings on D-Bus; any 64-bit bound */
        lo = G_MININT64;
        hi = G_MAXINT64;
        break;
      default:
        return TRUE;
    }

  if (!read_int (kf, group, "Min", lo, hi, &spec->min, &has_min, error)
      || !read_int (kf, group, "Max", lo, hi, &spec->max, &has_max, error))
    return FALSE;
  if (spec->type == PHONESEC_PARAM_LIST && g_strcmp0 (spec->item_kind, "int") != 0)
    {
      if (has_min || has_max)
        return group_error (error, group, has_min ? "Min" : "Max",
                            _ ("applies only to ItemKind=int"));
      spec->min = spec->max = 0; /* no bounds: the items are not numbers */
      return TRUE;
    }
  if (!has_min)
    spec->min = lo;
  if (!has_max)
    spec->max = hi;
  /* The value rules read min == max as "no bounds", so a one-value range
   * cannot be expressed; refuse it rather than accept every number. */
  if (spec->min >= spec->max)
    {
      g_autofree char *min_text = g_strdup_printf ("%" G_GINT64_FORMAT, spec->min);
      g_autofree char *max_text = g_strdup_printf ("%" G_GINT64_FORMAT, spec->max);

      return group_error (error, group, "Min", _ ("%s must be less than Max %s"), min_text,
                          max_text);
    }
  return TRUE;
}

static gboolean
read_schemes (GKeyFile *kf, const char *group, PhonesecParamSpec *spec, GError **error)
{
  if (!read_list (kf, group, "Schemes", &spec->schemes, error))
    return FALSE;
  for (guint i = 0; spec->schemes != NULL && spec->schemes[i] != NULL; i++)
    {
      char *lower;

      if (!is_valid_scheme (spec->schemes[i]))
        return group_error (error, group, "Schemes", _ ("'%s' is not a URL scheme"),
                            spec->schemes[i]);
      /* The validators compare with lower-case schemes. */
      lower = g_ascii_strdown (spec->schemes[i], -1);
      g_free (spec->schemes[i]);
      spec->schemes[i] = lower;
    }
  return TRUE;
}

static gboolean
read_aliases (GKeyFile *kf, const char *group, PhonesecParamSpec *spec, GError **error)
{
  gboolean per_line = strstr (group, PER_LINE_MARK) != NULL;

  if (!read_list (kf, group, "Aliases", &spec->aliases, error))
    return FALSE;
  for (guint i = 0; spec->aliases != NULL && spec->aliases[i] != NULL; i++)
    {
      const char *alias = spec->aliases[i];

      if (!is_valid_name (alias))
        return group_error (error, group, "Aliases", _ ("'%s' is not a valid cfg.xml element name"),
                            alias);
      if (strcmp (alias, group) == 0)
        return group_error (error, group, "Aliases", _ ("'%s' is the parameter's own name"), alias);
      if (!per_line && strstr (alias, PER_LINE_MARK) != NULL)
        return group_error (error, group, "Aliases",
                            _ ("'%s' contains _n_ but the parameter is not per line"), alias);
    }
  return TRUE;
}

static gboolean
read_kinds (GKeyFile *kf, const char *group, PhonesecParamSpec *spec, GError **error)
{
  if (!read_string (kf, group, "Kind", &spec->kind, error)
      || !read_string (kf, group, "ItemKind", &spec->item_kind, error))
    return FALSE;
  if (spec->kind != NULL && !g_strv_contains (string_kinds, spec->kind))
    {
      g_autofree char *allowed = g_strjoinv (", ", (char **) string_kinds);
      return group_error (error, group, "Kind", _ ("unknown kind '%s'; allowed: %s"), spec->kind,
                          allowed);
    }
  if (spec->item_kind != NULL && strcmp (spec->item_kind, "int") != 0
      && !g_strv_contains (string_kinds, spec->item_kind))
    {
      g_autofree char *allowed = g_strjoinv (", ", (char **) string_kinds);
      return group_error (error, group, "ItemKind", _ ("unknown kind '%s'; allowed: int, %s"),
                          spec->item_kind, allowed);
    }
  return TRUE;
}

static gboolean
read_lengths (GKeyFile *kf, const char *group, PhonesecParamSpec *spec, GError **error)
{
  gint64 value;
  gboolean present;

  if (!read_int (kf, group, "MaxLength", 1, MAX_LENGTH_LIMIT, &value, &present, error))
    return FALSE;
  spec->max_length = present ? (guint) value : 0;
  if (!read_int (kf, group, "MaxItems", 1, MAX_LENGTH_LIMIT, &value, &present, error))
    return FALSE;
  spec->max_items = present ? (guint) value : 0;
  return TRUE;
}

static gboolean
read_access (GKeyFile *kf, const char *group, PhonesecParamSpec *spec, GError **error)
{
  g_autofree char *text = NULL;

  if (!read_string (kf, group, "Access", &text, error))
    return FALSE;
  /* Hidden from the phone's user unless the schema says otherwise. */
  spec->access = PHONESEC_ACCESS_NA;
  if (text != NULL && !phonesec_access_from_string (text, &spec->access))
    return group_error (error, group, "Access", _ ("'%s' is not one of na, ro, rw"), text);
  return TRUE;
}

/* Parses the default with the parameter's own rules, so a schema can never
 * declare a default that Apply would refuse. */
static gboolean
read_default (GKeyFile *kf, const char *group, PhonesecParamSpec *spec, GError **error)
{
  g_autofree char *text = NULL;
  g_autoptr (GError) local = NULL;

  if (!read_string (kf, group, "Default", &text, error))
    return FALSE;
  if (text == NULL)
    {
      gboolean may_be_empty = spec->type == PHONESEC_PARAM_STRING
                              || spec->type == PHONESEC_PARAM_URL
                              || spec->type == PHONESEC_PARAM_LIST
                              || (spec->type == PHONESEC_PARAM_INT && spec->optional);

      if (!may_be_empty)
        return group_error (error, group, "Default", _ ("is required for Type=%s"),
                            phonesec_param_type_to_string (spec->type));
      text = g_strdup ("");
    }
  if (spec->secret && text[0] != '\0')
    return group_error (error, group, "Default", _ ("a secret parameter must default to empty"));

  spec->default_value = phonesec_param_spec_parse_string (spec, text, &local);
  if (spec->default_value == NULL)
    return group_error (error, group, "Default", "%s", local->message);
  return TRUE;
}

static PhonesecParamSpec *
spec_from_group (GKeyFile *kf, const char *group, const char *owner, GError **error)
{
  g_autoptr (PhonesecParamSpec) spec = g_new0 (PhonesecParamSpec, 1);

  if (!is_valid_name (group))
    {
      group_error (error, group, NULL,
                   _ ("is not a valid cfg.xml element name (a letter or '_' first, then letters, "
                      "digits, '_', '-' and '.')"));
      return NULL;
    }

  spec->name = g_strdup (group);
  spec->template_name = g_strdup (group);
  spec->owner = g_strdup (owner);

  if (!read_type (kf, group, &spec->type, error) || !check_keys (kf, group, spec->type, error))
    return NULL;

  if (!read_kinds (kf, group, spec, error) || !read_bounds (kf, group, spec, error)
      || !read_lengths (kf, group, spec, error) || !read_schemes (kf, group, spec, error)
      || !read_list (kf, group, "Choices", &spec->choices, error)
      || !read_flag (kf, group, "Optional", &spec->optional, error)
      || !read_flag (kf, group, "Secret", &spec->secret, error)
      || !read_flag (kf, group, "Restart", &spec->restart, error)
      || !read_access (kf, group, spec, error) || !read_aliases (kf, group, spec, error)
      || !read_required_string (kf, group, "Tab", &spec->tab, error)
      || !read_required_string (kf, group, "Section", &spec->section, error)
      || !read_required_string (kf, group, "Label", &spec->label, error)
      || !read_string (kf, group, "Help", &spec->help, error))
    return NULL;

  if (spec->type == PHONESEC_PARAM_ENUM && spec->choices == NULL)
    {
      group_error (error, group, "Choices", _ ("is required for Type=enum"));
      return NULL;
    }
  if (spec->type == PHONESEC_PARAM_BOOL && !read_bool_words (kf, group, spec, error))
    return NULL;
  if (!is_valid_tab (spec->tab))
    {
      group_error (error, group, "Tab",
                   _ ("'%s' is not a tab id (lower-case letters, digits, '-')"), spec->tab);
      return NULL;
    }
  if (spec->help != NULL && spec->help[0] == '\0')
    g_clear_pointer (&spec->help, g_free);

  /* Last: the default is checked against everything above. */
  if (!read_default (kf, group, spec, error))
    return NULL;

  return g_steal_pointer (&spec);
}

/* ---- per-line expansion --------------------------------------------------- */

static char *
name_for_line (const char *template_name, guint line)
{
  GString *name = g_string_new (template_name);
  g_autofree char *mark = g_strdup_printf ("_%u_", line);

  g_string_replace (name, PER_LINE_MARK, mark, 0);
  return g_string_free (name, FALSE);
}

/* A deep copy of @tmpl for one line. An alias with _n_ names every line; one
 * without (the guide's unnumbered "Auth_Support_RFC8760") names line 1 only. */
static PhonesecParamSpec *
spec_for_line (const PhonesecParamSpec *tmpl, guint line)
{
  PhonesecParamSpec *spec = g_new0 (PhonesecParamSpec, 1);
  GPtrArray *aliases = g_ptr_array_new ();

  *spec = *tmpl; /* the scalars; every pointer is replaced below */
  spec->name = name_for_line (tmpl->template_name, line);
  spec->template_name = g_strdup (tmpl->template_name);
  spec->line = line;
  spec->owner = g_strdup (tmpl->owner);
  spec->kind = g_strdup (tmpl->kind);
  spec->item_kind = g_strdup (tmpl->item_kind);
  spec->choices = g_strdupv (tmpl->choices);
  spec->bool_words = g_strdupv (tmpl->bool_words);
  spec->schemes = g_strdupv (tmpl->schemes);
  spec->tab = g_strdup (tmpl->tab);
  spec->section = g_strdup (tmpl->section);
  spec->label = g_strdup (tmpl->label);
  spec->help = g_strdup (tmpl->help);
  spec->default_value = g_variant_ref (tmpl->default_value);

  for (guint i = 0; tmpl->aliases != NULL && tmpl->aliases[i] != NULL; i++)
    {
      if (strstr (tmpl->aliases[i], PER_LINE_MARK) != NULL)
        g_ptr_array_add (aliases, name_for_line (tmpl->aliases[i], line));
      else if (line == 1)
        g_ptr_array_add (aliases, g_strdup (tmpl->aliases[i]));
    }
  if (aliases->len > 0)
    {
      g_ptr_array_add (aliases, NULL);
      spec->aliases = (char **) g_ptr_array_free (aliases, FALSE);
    }
  else
    {
      spec->aliases = NULL;
      g_ptr_array_free (aliases, TRUE);
    }
  return spec;
}

/* ---- the pending list and its name checks -------------------------------- */

typedef struct
{
  PhonesecSchema *schema;
  GPtrArray *specs;    /* owned */
  GHashTable *by_name; /* name or alias → spec, within the file */
} Pending;

static gboolean
claim_name (Pending *pending, const char *group, const PhonesecParamSpec *spec, const char *name,
            gboolean is_alias, GError **error)
{
  const PhonesecParamSpec *other;
  const char *key = is_alias ? "Aliases" : NULL;

  other = g_hash_table_lookup (pending->schema->by_name, name);
  if (other != NULL && strcmp (other->name, name) == 0)
    return is_alias ? group_error (error, group, key, _ ("alias '%s' is already a parameter of %s"),
                                   name, other->owner)
                    : group_error (error, group, key, _ ("name '%s' is already a parameter of %s"),
                                   name, other->owner);
  if (other != NULL)
    return is_alias ? group_error (error, group, key,
                                   _ ("alias '%s' is already an alias of %s, a parameter of %s"),
                                   name, other->name, other->owner)
                    : group_error (error, group, key,
                                   _ ("name '%s' is already an alias of %s, a parameter of %s"),
                                   name, other->name, other->owner);
  other = g_hash_table_lookup (pending->by_name, name);
  if (other != NULL)
    return is_alias ? group_error (error, group, key,
                                   _ ("alias '%s' is already used by [%s] in the same file"), name,
                                   other->template_name)
                    : group_error (error, group, key,
                                   _ ("name '%s' is already used by [%s] in the same file"), name,
                                   other->template_name);

  g_hash_table_insert (pending->by_name, (gpointer) name, (gpointer) spec);
  return TRUE;
}

static gboolean
add_pending (Pending *pending, const char *group, PhonesecParamSpec *spec, GError **error)
{
  /* Owned by the list from here, so an error below frees it with the rest. */
  g_ptr_array_add (pending->specs, spec);

  if (!claim_name (pending, group, spec, spec->name, FALSE, error))
    return FALSE;
  for (guint i = 0; spec->aliases != NULL && spec->aliases[i] != NULL; i++)
    if (!claim_name (pending, group, spec, spec->aliases[i], TRUE, error))
      return FALSE;
  return TRUE;
}

static gboolean
add_group (Pending *pending, GKeyFile *kf, const char *group, const char *owner, GError **error)
{
  g_autoptr (PhonesecParamSpec) tmpl = spec_from_group (kf, group, owner, error);

  if (tmpl == NULL)
    return FALSE;
  if (strstr (group, PER_LINE_MARK) == NULL)
    return add_pending (pending, group, g_steal_pointer (&tmpl), error);

  for (guint line = 1; line <= pending->schema->line_count; line++)
    if (!add_pending (pending, group, spec_for_line (tmpl, line), error))
      return FALSE;
  return TRUE;
}

/* GKeyFile silently merges a repeated group and lets a repeated key win; in a
 * schema both are copy-paste mistakes, so refuse them before GKeyFile sees
 * the text. Lines are read as GKeyFile reads them. */
static gboolean
check_no_repeats (const char *data, gsize length, GError **error)
{
  g_autofree char *text = g_strndup (data, length);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr (GHashTable) groups = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) keys = NULL;
  const char *group = NULL;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      gsize len = strlen (line);

      if (len == 0 || line[0] == '#')
        continue;
      if (line[0] == '[' && line[len - 1] == ']')
        {
          line[len - 1] = '\0';
          group = line + 1;
          if (!g_hash_table_add (groups, (gpointer) group))
            return group_error (error, group, NULL, _ ("appears more than once in the file"));
          g_clear_pointer (&keys, g_hash_table_unref);
          keys = g_hash_table_new (g_str_hash, g_str_equal);
          continue;
        }
      if (keys != NULL && strchr (line, '=') != NULL)
        {
          char *key = line;

          *strchr (line, '=') = '\0';
          g_strchomp (key);
          if (!g_hash_table_add (keys, key))
            return group_error (error, group, key, _ ("appears more than once in the group"));
        }
    }
  return TRUE;
}

/* ---- public API ------------------------------------------------------------ */

PhonesecSchema *
phonesec_schema_new (guint line_count)
{
  PhonesecSchema *schema;

  g_return_val_if_fail (line_count >= 1 && line_count <= MAX_LINE_COUNT, NULL);

  schema = g_new0 (PhonesecSchema, 1);
  schema->line_count = line_count;
  schema->specs = g_ptr_array_new_with_free_func ((GDestroyNotify) phonesec_param_spec_free);
  schema->by_name = g_hash_table_new (g_str_hash, g_str_equal);
  return schema;
}

void
phonesec_schema_free (PhonesecSchema *schema)
{
  if (schema == NULL)
    return;
  /* The table borrows its keys from the specs: drop it first. */
  g_hash_table_unref (schema->by_name);
  g_ptr_array_unref (schema->specs);
  g_free (schema);
}

guint
phonesec_schema_get_line_count (PhonesecSchema *schema)
{
  g_return_val_if_fail (schema != NULL, 0);
  return schema->line_count;
}

gboolean
phonesec_schema_load_data (PhonesecSchema *schema, const char *data, gsize length,
                           const char *owner, GError **error)
{
  g_autoptr (GKeyFile) kf = NULL;
  g_autoptr (GError) local = NULL;
  g_auto (GStrv) groups = NULL;
  g_autoptr (GPtrArray) specs = NULL;
  g_autoptr (GHashTable) names = NULL;
  Pending pending;

  g_return_val_if_fail (schema != NULL, FALSE);
  g_return_val_if_fail (data != NULL, FALSE);
  g_return_val_if_fail (owner != NULL && owner[0] != '\0', FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (length == (gsize) -1)
    length = strlen (data);
  if (!check_no_repeats (data, length, error))
    return FALSE;

  kf = g_key_file_new ();
  /* Keep every Label[xx] so check_keys() can refuse them; without the flag
   * GKeyFile drops those of other locales silently. */
  if (!g_key_file_load_from_data (kf, data, length, G_KEY_FILE_KEEP_TRANSLATIONS, &local))
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("not a valid schema file: %s"), local->message);
      return FALSE;
    }

  specs = g_ptr_array_new_with_free_func ((GDestroyNotify) phonesec_param_spec_free);
  names = g_hash_table_new (g_str_hash, g_str_equal);
  pending = (Pending){ schema, specs, names };

  groups = g_key_file_get_groups (kf, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    if (!add_group (&pending, kf, groups[i], owner, error))
      return FALSE;

  /* Commit: nothing below can fail. */
  for (guint i = 0; i < specs->len; i++)
    {
      PhonesecParamSpec *spec = g_ptr_array_index (specs, i);

      g_hash_table_insert (schema->by_name, spec->name, spec);
      for (guint a = 0; spec->aliases != NULL && spec->aliases[a] != NULL; a++)
        g_hash_table_insert (schema->by_name, spec->aliases[a], spec);
    }
  /* Moves the pointers (the specs are not freed) and frees the array. */
  g_ptr_array_extend_and_steal (schema->specs, g_steal_pointer (&specs));
  return TRUE;
}

gboolean
phonesec_schema_load_file (PhonesecSchema *schema, const char *path, const char *owner,
                           GError **error)
{
  g_autofree char *data = NULL;
  gsize length = 0;
  g_autoptr (GError) local = NULL;

  g_return_val_if_fail (schema != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!g_file_get_contents (path, &data, &length, error))
    return FALSE;
  if (!phonesec_schema_load_data (schema, data, length, owner, &local))
    {
      /* Keep the domain and code; only say which file. */
      g_propagate_prefixed_error (error, g_steal_pointer (&local), "%s: ", path);
      return FALSE;
    }
  return TRUE;
}

void
phonesec_schema_remove_owner (PhonesecSchema *schema, const char *owner)
{
  g_return_if_fail (schema != NULL);
  g_return_if_fail (owner != NULL);

  /* Backwards, so removing keeps the indices still to visit and the order. */
  for (guint i = schema->specs->len; i-- > 0;)
    {
      PhonesecParamSpec *spec = g_ptr_array_index (schema->specs, i);

      if (g_strcmp0 (spec->owner, owner) != 0)
        continue;
      g_hash_table_remove (schema->by_name, spec->name);
      for (guint a = 0; spec->aliases != NULL && spec->aliases[a] != NULL; a++)
        g_hash_table_remove (schema->by_name, spec->aliases[a]);
      g_ptr_array_remove_index (schema->specs, i);
    }
}

const PhonesecParamSpec *
phonesec_schema_lookup (PhonesecSchema *schema, const char *name)
{
  g_return_val_if_fail (schema != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return g_hash_table_lookup (schema->by_name, name);
}

const GPtrArray *
phonesec_schema_get_all (PhonesecSchema *schema)
{
  g_return_val_if_fail (schema != NULL, NULL);
  return schema->specs;
}
