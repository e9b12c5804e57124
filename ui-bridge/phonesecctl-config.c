/* phonesecctl-config.c: the Config commands — get, set, reset, describe,
 * import, export.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "phonesecctl-format.h"
#include "phonesecctl.h"

static const char *const empty_strv[] = { NULL };

static const char *const *
names_or_empty (char **args)
{
  return args != NULL ? (const char *const *) args : empty_strv;
}

static guint
n_args (char **args)
{
  return args != NULL ? g_strv_length (args) : 0;
}

static void
print_json (PhonesecctlContext *ctx, GVariant *value)
{
  g_autofree char *json = phonesecctl_json_from_variant (value, TRUE);

  (void) ctx;
  fputs (json, stdout);
}

static void
print_generation (PhonesecctlContext *ctx, guint64 generation)
{
  if (ctx->opts->json)
    printf ("{\"generation\": %" G_GUINT64_FORMAT "}\n", generation);
  else
    printf ("%" G_GUINT64_FORMAT "\n", generation);
}

/* The options of a transaction (Apply, Reset, ImportProfile). Returns FALSE
 * after printing a usage error. */
static gboolean
transaction_options (PhonesecctlContext *ctx, gboolean strict, GVariant **out)
{
  PhonesecctlOptions *opts = ctx->opts;
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  if (opts->expect_generation != NULL)
    {
      g_autoptr (GError) error = NULL;
      guint64 generation;

      if (!g_ascii_string_to_unsigned (opts->expect_generation, 10, 0, G_MAXUINT64, &generation,
                                       &error))
        {
          g_variant_builder_clear (&builder);
          phonesecctl_usage_error (ctx, _ ("Invalid --expect-generation “%s”: %s"),
                                   opts->expect_generation, error->message);
          return FALSE;
        }
      g_variant_builder_add (&builder, "{sv}", "expected-generation",
                             g_variant_new_uint64 (generation));
    }
  if (opts->dry_run)
    g_variant_builder_add (&builder, "{sv}", "dry-run", g_variant_new_boolean (TRUE));
  if (opts->as_user)
    g_variant_builder_add (&builder, "{sv}", "access-level", g_variant_new_string ("user"));
  if (strict)
    g_variant_builder_add (&builder, "{sv}", "strict", g_variant_new_boolean (TRUE));
  g_variant_builder_add (
      &builder, "{sv}", "source",
      g_variant_new_string (opts->source != NULL ? opts->source : "phonesecctl"));
  *out = g_variant_ref_sink (g_variant_builder_end (&builder));
  return TRUE;
}

/* Command-line text goes into D-Bus strings, which must be UTF-8. */
static gboolean
check_utf8 (PhonesecctlContext *ctx, const char *text)
{
  if (g_utf8_validate (text, -1, NULL))
    return TRUE;
  phonesecctl_usage_error (ctx, _ ("“%s” is not valid UTF-8 text"), text);
  return FALSE;
}

static gboolean
check_names (PhonesecctlContext *ctx, char **args)
{
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    if (!check_utf8 (ctx, args[i]))
      return FALSE;
  return TRUE;
}

PhonesecctlExit
phonesecctl_cmd_get (PhonesecctlContext *ctx, char **args)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) values = NULL;
  GVariantIter iter;
  const char *name;
  GVariant *value;

  if (!check_names (ctx, args))
    return PHONESECCTL_EXIT_USAGE;

  reply = phonesecctl_call (ctx, PHONESEC_DBUS_PATH, PHONESEC_DBUS_INTERFACE_CONFIG, "Get",
                            g_variant_new ("(^as)", names_or_empty (args)), "(a{sv})", &error);
  if (reply == NULL)
    return phonesecctl_fail (ctx, error);
  values = g_variant_get_child_value (reply, 0);

  if (ctx->opts->json)
    {
      print_json (ctx, values);
      return PHONESECCTL_EXIT_OK;
    }

  /* Raw values, no quoting: the text after the first “=” up to the end of
   * the line is the value. --json is the unambiguous form for odd strings. */
  g_variant_iter_init (&iter, values);
  while (g_variant_iter_loop (&iter, "{&sv}", &name, &value))
    {
      g_autofree char *text = phonesecctl_format_value (value);
      printf ("%s=%s\n", name, text);
    }
  return PHONESECCTL_EXIT_OK;
}

PhonesecctlExit
phonesecctl_cmd_set (PhonesecctlContext *ctx, char **args)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) options = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  GVariantBuilder builder;
  guint64 generation;

  if (n_args (args) == 0)
    return phonesecctl_usage_error (ctx, _ ("“set” needs at least one NAME=VALUE"));

  for (guint i = 0; args[i] != NULL; i++)
    {
      const char *eq = strchr (args[i], '=');
      g_autofree char *name = NULL;
      guint j;

      if (!check_utf8 (ctx, args[i]))
        return PHONESECCTL_EXIT_USAGE;
      if (eq == NULL)
        return phonesecctl_usage_error (
            ctx, _ ("“%s” is not NAME=VALUE (to set an empty value, write “%s=”)"), args[i],
            args[i]);
      if (eq == args[i])
        return phonesecctl_usage_error (ctx, _ ("“%s” has no parameter name before “=”"), args[i]);

      /* A repeated NAME: the last one wins, as in a cfg.xml profile. */
      name = g_strndup (args[i], eq - args[i]);
      for (j = 0; j < names->len; j++)
        if (strcmp (g_ptr_array_index (names, j), name) == 0)
          break;
      if (j < names->len)
        {
          g_free (g_ptr_array_index (values, j));
          g_ptr_array_index (values, j) = g_strdup (eq + 1);
        }
      else
        {
          g_ptr_array_add (names, g_steal_pointer (&name));
          g_ptr_array_add (values, g_strdup (eq + 1));
        }
    }

  if (!transaction_options (ctx, FALSE, &options))
    return PHONESECCTL_EXIT_USAGE;

  /* Always the cfg.xml string form: the daemon parses it per its schema. */
  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  for (guint j = 0; j < names->len; j++)
    g_variant_builder_add (&builder, "{sv}", (const char *) g_ptr_array_index (names, j),
                           g_variant_new_string (g_ptr_array_index (values, j)));

  reply = phonesecctl_call (ctx, PHONESEC_DBUS_PATH, PHONESEC_DBUS_INTERFACE_CONFIG, "Apply",
                            g_variant_new ("(a{sv}@a{sv})", &builder, options), "(t)", &error);
  if (reply == NULL)
    return phonesecctl_fail (ctx, error);
  g_variant_get (reply, "(t)", &generation);
  print_generation (ctx, generation);
  return PHONESECCTL_EXIT_OK;
}

PhonesecctlExit
phonesecctl_cmd_reset (PhonesecctlContext *ctx, char **args)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) options = NULL;
  g_autoptr (GVariant) reply = NULL;
  guint64 generation;

  /* An empty list means “everything” to the daemon: make that explicit. */
  if (n_args (args) == 0 && !ctx->opts->all)
    return phonesecctl_usage_error (
        ctx, _ ("“reset” needs parameter names, or --all to reset every parameter"));
  if (n_args (args) > 0 && ctx->opts->all)
    return phonesecctl_usage_error (ctx, _ ("Give either parameter names or --all, not both"));
  if (!check_names (ctx, args))
    return PHONESECCTL_EXIT_USAGE;
  if (!transaction_options (ctx, FALSE, &options))
    return PHONESECCTL_EXIT_USAGE;

  reply = phonesecctl_call (ctx, PHONESEC_DBUS_PATH, PHONESEC_DBUS_INTERFACE_CONFIG, "Reset",
                            g_variant_new ("(^as@a{sv})", names_or_empty (args), options), "(t)",
                            &error);
  if (reply == NULL)
    return phonesecctl_fail (ctx, error);
  g_variant_get (reply, "(t)", &generation);
  print_generation (ctx, generation);
  return PHONESECCTL_EXIT_OK;
}

static const char *
lookup_string (GVariantDict *dict, const char *key)
{
  const char *text = NULL;

  if (!g_variant_dict_lookup (dict, key, "&s", &text))
    return NULL;
  return text;
}

static gboolean
lookup_boolean (GVariantDict *dict, const char *key)
{
  gboolean value = FALSE;

  g_variant_dict_lookup (dict, key, "b", &value);
  return value;
}

static char *
lookup_formatted (GVariantDict *dict, const char *key)
{
  g_autoptr (GVariant) value = g_variant_dict_lookup_value (dict, key, NULL);

  return value != NULL ? phonesecctl_format_value (value) : NULL;
}

/* Allowed values in a few characters: "Auto|Manual|Off", "0..65535",
 * "max 255 chars". */
static void
append_part (GString *text, const char *part)
{
  if (text->len > 0)
    g_string_append (text, ", ");
  g_string_append (text, part);
}

static char *
join_strv_value (GVariantDict *dict, const char *key, const char *separator)
{
  g_autoptr (GVariant) strv = g_variant_dict_lookup_value (dict, key, G_VARIANT_TYPE_STRING_ARRAY);
  g_autofree const char **items = NULL;

  if (strv == NULL || g_variant_n_children (strv) == 0)
    return NULL;
  items = g_variant_get_strv (strv, NULL);
  return g_strjoinv (separator, (char **) items);
}

/* Allowed values in a few words: "Auto|Manual|Off", "0..65535",
 * "host, max 255 chars", "http|https URL". */
static char *
describe_constraints (GVariantDict *dict)
{
  g_autofree char *choices = join_strv_value (dict, "choices", "|");
  g_autofree char *schemes = join_strv_value (dict, "schemes", "|");
  g_autofree char *min = lookup_formatted (dict, "min");
  g_autofree char *max = lookup_formatted (dict, "max");
  g_autofree char *max_length = lookup_formatted (dict, "max-length");
  g_autofree char *max_items = lookup_formatted (dict, "max-items");
  const char *kind = lookup_string (dict, "kind");
  GString *text = g_string_new (NULL);

  if (choices != NULL)
    append_part (text, choices);
  else if (g_strcmp0 (lookup_string (dict, "type"), "bool") == 0)
    append_part (text, "Yes|No");
  if (schemes != NULL)
    {
      g_autofree char *part = g_strdup_printf (_ ("%s URL"), schemes);
      append_part (text, part);
    }
  if (kind != NULL && kind[0] != '\0')
    append_part (text, kind);

  if (min != NULL || max != NULL)
    {
      g_autofree char *part = NULL;

      if (min != NULL && max != NULL)
        part = g_strdup_printf ("%s..%s", min, max);
      else
        part = g_strdup_printf (min != NULL ? "≥ %s" : "≤ %s", min != NULL ? min : max);
      if (lookup_boolean (dict, "optional"))
        {
          g_autofree char *optional = g_strdup_printf (_ ("%s or empty"), part);
          append_part (text, optional);
        }
      else
        {
          append_part (text, part);
        }
    }
  if (max_items != NULL && g_strcmp0 (max_items, "0") != 0)
    {
      g_autofree char *part = g_strdup_printf (_ ("max %s items"), max_items);
      append_part (text, part);
    }
  if (max_length != NULL && g_strcmp0 (max_length, "0") != 0)
    {
      g_autofree char *part = g_strdup_printf (_ ("max %s chars"), max_length);
      append_part (text, part);
    }
  return g_string_free (text, FALSE);
}

static const char *
translate (const char *msgid)
{
  if (msgid == NULL || msgid[0] == '\0')
    return "";
  return dgettext (GETTEXT_PACKAGE, msgid);
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Every fact of one parameter, keys sorted (the daemon's order is a hash
 * table's), labels translated. */
static void
describe_print_long (const char *name, GVariant *facts)
{
  g_autoptr (GVariantDict) dict = g_variant_dict_new (facts);
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  GVariantIter iter;
  const char *key;
  char *owned_key;

  g_variant_iter_init (&iter, facts);
  while (g_variant_iter_next (&iter, "{s@v}", &owned_key, NULL))
    g_ptr_array_add (keys, owned_key);
  g_ptr_array_sort (keys, compare_strings);

  printf ("%s\n", name);
  for (guint i = 0; i < keys->len; i++)
    {
      g_autoptr (GVariant) value = NULL;
      g_autofree char *text = NULL;
      g_autofree char *cell = NULL;

      key = keys->pdata[i];
      value = g_variant_dict_lookup_value (dict, key, NULL);
      if ((strcmp (key, "label") == 0 || strcmp (key, "section") == 0 || strcmp (key, "help") == 0)
          && g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
        text = g_strdup (translate (g_variant_get_string (value, NULL)));
      else
        text = phonesecctl_format_value (value);
      cell = phonesecctl_sanitize_cell (text);
      printf ("  %s: %s\n", key, cell);
    }
}

static PhonesecctlExit
describe_choices (PhonesecctlContext *ctx, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) facts = NULL;
  g_autoptr (GVariant) choices = NULL;
  const char *names[] = { name, NULL };

  if (!check_utf8 (ctx, name))
    return PHONESECCTL_EXIT_USAGE;
  reply = phonesecctl_call (ctx, PHONESEC_DBUS_PATH, PHONESEC_DBUS_INTERFACE_CONFIG, "Describe",
                            g_variant_new ("(^as)", names), "(a{sa{sv}})", &error);
  if (reply == NULL)
    return phonesecctl_fail (ctx, error);

  /* One name asked, so one entry back (keyed by the canonical name when
   * an alias was given). */
  {
    g_autoptr (GVariant) all = g_variant_get_child_value (reply, 0);
    g_autoptr (GVariant) entry = NULL;

    if (g_variant_n_children (all) == 0)
      return PHONESECCTL_EXIT_OK;
    entry = g_variant_get_child_value (all, 0);
    facts = g_variant_get_child_value (entry, 1);
  }

  choices = g_variant_lookup_value (facts, "choices", G_VARIANT_TYPE_STRING_ARRAY);
  if (choices != NULL)
    {
      g_autofree const char **items = g_variant_get_strv (choices, NULL);
      for (guint i = 0; items[i] != NULL; i++)
        printf ("%s\n", items[i]);
    }
  else
    {
      const char *type = NULL;
      if (g_variant_lookup (facts, "type", "&s", &type) && strcmp (type, "bool") == 0)
        printf ("Yes\nNo\n");
    }
  return PHONESECCTL_EXIT_OK;
}

PhonesecctlExit
phonesecctl_cmd_describe (PhonesecctlContext *ctx, char **args)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) all = NULL;
  g_autoptr (PhonesecctlTable) table = NULL;
  GVariantIter iter;
  const char *name;
  GVariant *facts;

  if (ctx->opts->choices != NULL)
    {
      if (n_args (args) > 0 || ctx->opts->names_only)
        return phonesecctl_usage_error (ctx, _ ("--choices takes one NAME and nothing else"));
      return describe_choices (ctx, ctx->opts->choices);
    }
  if (!check_names (ctx, args))
    return PHONESECCTL_EXIT_USAGE;

  reply = phonesecctl_call (ctx, PHONESEC_DBUS_PATH, PHONESEC_DBUS_INTERFACE_CONFIG, "Describe",
                            g_variant_new ("(^as)", names_or_empty (args)), "(a{sa{sv}})", &error);
  if (reply == NULL)
    return phonesecctl_fail (ctx, error);
  all = g_variant_get_child_value (reply, 0);

  if (ctx->opts->names_only)
    {
      g_variant_iter_init (&iter, all);
      while (g_variant_iter_loop (&iter, "{&s@a{sv}}", &name, NULL))
        printf ("%s\n", name);
      return PHONESECCTL_EXIT_OK;
    }
  if (ctx->opts->json)
    {
      print_json (ctx, all);
      return PHONESECCTL_EXIT_OK;
    }
  if (ctx->opts->verbose)
    {
      g_variant_iter_init (&iter, all);
      while (g_variant_iter_loop (&iter, "{&s@a{sv}}", &name, &facts))
        describe_print_long (name, facts);
      return PHONESECCTL_EXIT_OK;
    }

  {
    const char *headers[] = { _ ("NAME"),   _ ("TYPE"),   _ ("VALUES"), _ ("DEFAULT"),
                              _ ("ACCESS"), _ ("SECRET"), _ ("ACTIVE"), _ ("LABEL") };
    table = phonesecctl_table_new (G_N_ELEMENTS (headers), headers);
  }

  g_variant_iter_init (&iter, all);
  while (g_variant_iter_loop (&iter, "{&s@a{sv}}", &name, &facts))
    {
      g_autoptr (GVariantDict) dict = g_variant_dict_new (facts);
      g_autofree char *full_constraints = describe_constraints (dict);
      g_autofree char *full_default = lookup_formatted (dict, "default");
      /* Keep the table readable; --verbose and --json show everything. */
      g_autofree char *constraints = phonesecctl_ellipsize (full_constraints, 40);
      g_autofree char *default_text = phonesecctl_ellipsize (full_default, 24);
      const char *secret = "";
      const char *cells[8];

      if (lookup_boolean (dict, "secret"))
        secret = lookup_boolean (dict, "is-set") ? _ ("set") : _ ("not set");

      cells[0] = name;
      cells[1] = lookup_string (dict, "type");
      cells[2] = constraints;
      cells[3] = default_text;
      cells[4] = lookup_string (dict, "access");
      cells[5] = secret;
      /* Nothing on this phone acts on it: setting it changes nothing. */
      cells[6] = lookup_boolean (dict, "active") ? _ ("yes") : _ ("not active on this phone");
      cells[7] = translate (lookup_string (dict, "label"));
      phonesecctl_table_add_row (table, cells);
    }
  phonesecctl_table_print (table, stdout);
  return PHONESECCTL_EXIT_OK;
}

static gboolean
read_stdin (GString *out, GError **error)
{
  char buf[8192];
  size_t n;

  while ((n = fread (buf, 1, sizeof buf, stdin)) > 0)
    g_string_append_len (out, buf, n);
  if (ferror (stdin))
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _ ("Cannot read standard input: %s"), g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

PhonesecctlExit
phonesecctl_cmd_import (PhonesecctlContext *ctx, char **args)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) options = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) skipped = NULL;
  g_autoptr (GString) xml = g_string_new (NULL);
  const char *file;
  guint64 generation;
  GVariantIter iter;
  const char *name, *reason;

  if (n_args (args) != 1)
    return phonesecctl_usage_error (ctx, _ ("“import” needs one FILE, or “-” for standard input"));
  file = args[0];

  if (strcmp (file, "-") == 0)
    {
      if (!read_stdin (xml, &error))
        return phonesecctl_fail (ctx, error);
    }
  else
    {
      g_autofree char *contents = NULL;
      gsize length;

      if (!g_file_get_contents (file, &contents, &length, &error))
        return phonesecctl_fail (ctx, error);
      g_string_append_len (xml, contents, length);
    }

  /* D-Bus strings are UTF-8 without NUL; say so here rather than let the
   * call fail with a cryptic type error. */
  if (strlen (xml->str) != xml->len || !g_utf8_validate (xml->str, xml->len, NULL))
    {
      g_autofree char *message
          = g_strdup_printf (_ ("%s is not UTF-8 text; convert the profile to UTF-8 first"),
                             strcmp (file, "-") == 0 ? _ ("Standard input") : file);
      phonesecctl_print_error (message);
      return PHONESECCTL_EXIT_INVALID_VALUE;
    }

  if (!transaction_options (ctx, ctx->opts->strict, &options))
    return PHONESECCTL_EXIT_USAGE;

  reply
      = phonesecctl_call (ctx, PHONESEC_DBUS_PATH, PHONESEC_DBUS_INTERFACE_CONFIG, "ImportProfile",
                          g_variant_new ("(s@a{sv})", xml->str, options), "(ta{ss})", &error);
  if (reply == NULL)
    return phonesecctl_fail (ctx, error);
  g_variant_get (reply, "(t@a{ss})", &generation, &skipped);

  /* Skipped elements are a warning: the rest of the profile was applied. */
  g_variant_iter_init (&iter, skipped);
  while (g_variant_iter_next (&iter, "{&s&s}", &name, &reason))
    {
      g_autofree char *message = g_strdup_printf (_ ("skipped %s: %s"), name, reason);
      phonesecctl_print_error (message);
    }

  if (ctx->opts->json)
    {
      g_autoptr (GString) out = g_string_new (NULL);

      g_string_append_printf (out,
                              "{\"generation\": %" G_GUINT64_FORMAT ", \"skipped\": ", generation);
      phonesecctl_json_append_variant (out, skipped, -1);
      g_string_append (out, "}\n");
      fputs (out->str, stdout);
    }
  else
    {
      printf ("%" G_GUINT64_FORMAT "\n", generation);
    }
  return PHONESECCTL_EXIT_OK;
}

PhonesecctlExit
phonesecctl_cmd_export (PhonesecctlContext *ctx, char **args)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  const char *xml;
  GVariantBuilder options;

  if (n_args (args) > 0)
    return phonesecctl_usage_error (ctx, _ ("“export” takes no arguments (use -o FILE)"));

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  if (ctx->opts->changed_only)
    g_variant_builder_add (&options, "{sv}", "changed-only", g_variant_new_boolean (TRUE));
  if (ctx->opts->as_user)
    g_variant_builder_add (&options, "{sv}", "access-level", g_variant_new_string ("user"));

  reply = phonesecctl_call (ctx, PHONESEC_DBUS_PATH, PHONESEC_DBUS_INTERFACE_CONFIG,
                            "ExportProfile", g_variant_new ("(a{sv})", &options), "(s)", &error);
  if (reply == NULL)
    return phonesecctl_fail (ctx, error);
  g_variant_get (reply, "(&s)", &xml);

  if (ctx->opts->output == NULL || strcmp (ctx->opts->output, "-") == 0)
    {
      fputs (xml, stdout);
      return PHONESECCTL_EXIT_OK;
    }

  /* Temp file + rename: a reader never sees half a profile; 0600 because
   * user-access settings are the admin's business. */
  if (!g_file_set_contents_full (ctx->opts->output, xml, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                 &error))
    return phonesecctl_fail (ctx, error);
  return PHONESECCTL_EXIT_OK;
}
