/* phonesec-dbus-config.c: org.phonesec.PhoneSec1.Config.
 *
 * Registered with a plain vtable rather than a generated skeleton: calls are
 * handled directly in the dispatching main context (no extra idle hop), which
 * keeps Get within a hair of a bare echo service.
 *
 * Every handler reads top to bottom: check the options, resolve the caller's
 * role, validate, act, reply.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "phonesec/phonesec-dbus-names.h"
#include "phonesec/phonesec-error.h"
#include "phonesec-config-export.h"
#include "phonesec-dbus-config.h"
#include "phonesec-dbus-generated.h"
#include "phonesec-profile.h"

/* Names (or values) in one Get, Describe, Reset or Apply. Fixed, so that
 * clients can rely on it: far above every parameter of the largest schema
 * (64 lines: about 710, with their aliases under 800), so naming everything
 * even twice fits, and small enough that the largest call keeps the main
 * loop free for other callers (Config.Get under 100 ms meanwhile). */
#define MAX_NAMES 4096
/* ImportProfile: the whole cfg.xml of a 5-line phone with its key
 * expansion modules is about 2500 elements and 200 KiB. The XML is parsed
 * in a worker, but D-Bus relays the whole message ahead of any other
 * caller's (dbus-daemon, then our GDBus thread), and the reply names every
 * ignored element: 4 MiB held another client's Get about 300 ms, 1 MiB and
 * 10000 elements 50 ms idle but over 100 ms on a busy machine. */
#define IMPORT_MAX_ELEMENTS 5000
#define IMPORT_MAX_BYTES (512 * 1024)
/* An error lists at most this many unknown names, then says how many more. */
#define MAX_LISTED_PROBLEMS 20

struct _PhonesecDBusConfigService
{
  PhonesecConfigStore *store;
  PhonesecSchema *schema;
  PhonesecCallers *callers;
  PhonesecBusExporter *exporter; /* sends Changed to each client, as it may see it */
  PhonesecActors *actors;        /* what acts on each parameter (borrowed) */
  GDBusConnection *connection;
  guint registration_id;
  gulong changed_handler;
  GCancellable *cancellable; /* imports being parsed; cancelled on free */
};

/* --- options ----------------------------------------------------------- */

typedef struct
{
  const char *name;
  const char *type;
} OptionSpec;

static const OptionSpec transaction_options[] = {
  { "dry-run", "b" }, { "expected-generation", "t" }, { "access-level", "s" }, { "source", "s" },
  { "strict", "b" },  { "changed-only", "b" },        { NULL, NULL },
};

/* Unknown options and wrong types are errors: silently ignoring a typo in
 * "expected-generation" would defeat its purpose. */
static gboolean
check_options (GVariant *options, const char *const *allowed, GError **error)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;

  g_variant_iter_init (&iter, options);
  while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
    {
      const OptionSpec *spec = NULL;

      if (g_strv_contains (allowed, key))
        for (guint i = 0; transaction_options[i].name != NULL; i++)
          if (g_str_equal (transaction_options[i].name, key))
            spec = &transaction_options[i];
      if (spec == NULL)
        {
          g_autofree char *list = g_strjoinv (", ", (char **) allowed);
          g_autofree char *q = phonesec_quote_for_message (key, -1);

          g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                       _ ("option '%s' is not known here; allowed: %s"), q, list);
          return FALSE;
        }
      if (!g_variant_is_of_type (value, G_VARIANT_TYPE (spec->type)))
        {
          /* A type string can be 255 characters of nested containers. */
          g_autofree char *given
              = phonesec_quote_for_message (g_variant_get_type_string (value), -1);

          g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                       _ ("option %s must be of type %s, not %s"), spec->name, spec->type, given);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
option_bool (GVariant *options, const char *name)
{
  gboolean value = FALSE;

  g_variant_lookup (options, name, "b", &value);
  return value;
}

/* Builds a transaction with the common options already applied. */
static PhonesecTransaction *
transaction_from_options (GVariant *options, const PhonesecCaller *caller,
                          const char *default_source, GError **error)
{
  PhonesecTransaction *txn;
  PhonesecRole role;
  guint64 expected;
  const char *source = default_source;

  if (!phonesec_caller_resolve_role (caller, options, &role, error))
    return NULL;
  txn = phonesec_transaction_new (role);
  phonesec_transaction_set_dry_run (txn, option_bool (options, "dry-run"));
  if (g_variant_lookup (options, "expected-generation", "t", &expected))
    phonesec_transaction_set_expected_generation (txn, expected);
  g_variant_lookup (options, "source", "&s", &source);
  phonesec_transaction_set_source (txn, source);
  return txn;
}

static gboolean
check_count (guint n, GError **error)
{
  if (n <= MAX_NAMES)
    return TRUE;
  g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
               _ ("%u names in one call; allowed: at most %u (split the call)"), n, MAX_NAMES);
  return FALSE;
}

/* --- Get / Describe ------------------------------------------------------ */

/* Resolves @names (empty = every visible parameter) or fails listing every
 * unknown one. Hidden parameters are unknown to a user. */
static GPtrArray *
resolve_names (PhonesecDBusConfigService *self, const char *const *names, PhonesecRole role,
               GError **error)
{
  GPtrArray *specs = g_ptr_array_new ();
  g_autoptr (GString) unknown = g_string_new (NULL);
  g_autoptr (GHashTable) seen = g_hash_table_new (NULL, NULL);
  g_autoptr (GHashTable) seen_unknown = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_unknown = 0;

  if (!check_count (g_strv_length ((char **) names), error))
    {
      g_ptr_array_unref (specs);
      return NULL;
    }
  if (names[0] == NULL)
    {
      const GPtrArray *all = phonesec_schema_get_all (self->schema);

      for (guint i = 0; i < all->len; i++)
        if (phonesec_config_store_can_read (self->store, all->pdata[i], role))
          g_ptr_array_add (specs, all->pdata[i]);
      return specs;
    }
  for (guint i = 0; names[i] != NULL; i++)
    {
      const PhonesecParamSpec *spec = phonesec_schema_lookup (self->schema, names[i]);

      if (spec == NULL || !phonesec_config_store_can_read (self->store, spec, role))
        {
          g_autofree char *q = NULL;

          /* Each unknown name once, the first few by name. */
          if (!g_hash_table_add (seen_unknown, (gpointer) names[i]))
            continue;
          if (++n_unknown > MAX_LISTED_PROBLEMS)
            continue;
          q = phonesec_quote_for_message (names[i], -1);
          if (unknown->len > 0)
            g_string_append_c (unknown, '\n');
          g_string_append_printf (unknown, _ ("%s: unknown parameter"), q);
          continue;
        }
      /* A name given twice (or a name and its alias) is answered once. */
      if (g_hash_table_add (seen, (gpointer) spec))
        g_ptr_array_add (specs, (gpointer) spec);
    }
  if (n_unknown > MAX_LISTED_PROBLEMS)
    {
      g_string_append_c (unknown, '\n');
      g_string_append_printf (unknown,
                              g_dngettext (GETTEXT_PACKAGE, "and %u more unknown name",
                                           "and %u more unknown names",
                                           n_unknown - MAX_LISTED_PROBLEMS),
                              n_unknown - MAX_LISTED_PROBLEMS);
    }
  if (n_unknown > 0)
    {
      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_UNKNOWN_PARAMETER, unknown->str);
      g_ptr_array_unref (specs);
      return NULL;
    }
  return specs;
}

/* The (as names) argument of Get and Describe, resolved for the caller; on
 * error the invocation is answered and NULL returned. */
static GPtrArray *
resolve_invocation_names (PhonesecDBusConfigService *self, GDBusMethodInvocation *invocation,
                          const PhonesecCaller *caller)
{
  GVariant *parameters = g_dbus_method_invocation_get_parameters (invocation);
  g_autofree const char **names = NULL;
  g_autoptr (GError) error = NULL;
  GPtrArray *specs;

  g_variant_get (parameters, "(^a&s)", &names);
  specs = resolve_names (self, names, caller->admin ? PHONESEC_ROLE_ADMIN : PHONESEC_ROLE_USER,
                         &error);
  if (specs == NULL)
    g_dbus_method_invocation_return_gerror (invocation, error);
  return specs;
}

/* @value as every caller reads it: credentials inside it masked. */
static GVariant *
masked_value (const PhonesecParamSpec *spec, GVariant *value)
{
  PhonesecCredentialsKind kind = phonesec_param_spec_get_credentials (spec);
  g_autofree char *masked = NULL;

  if (kind == PHONESEC_CREDENTIALS_NONE || !g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return value;
  masked = phonesec_credentials_mask (kind, g_variant_get_string (value, NULL));
  return g_variant_new_string (masked);
}

/* Secrets read as "" for everyone, credentials inside values masked. */
static GVariant *
readable_value (PhonesecDBusConfigService *self, const PhonesecParamSpec *spec)
{
  if (spec->secret)
    return g_variant_new_string ("");
  return masked_value (spec, phonesec_config_store_get_value (self->store, spec));
}

static void
get_with_caller (GDBusMethodInvocation *invocation, const PhonesecCaller *caller, gpointer data)
{
  PhonesecDBusConfigService *self = data;
  g_autoptr (GPtrArray) specs = resolve_invocation_names (self, invocation, caller);
  GVariantBuilder builder;

  if (specs == NULL)
    return;
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("(a{sv})"));
  g_variant_builder_open (&builder, G_VARIANT_TYPE ("a{sv}"));
  for (guint i = 0; i < specs->len; i++)
    {
      const PhonesecParamSpec *spec = specs->pdata[i];

      g_variant_builder_add (&builder, "{sv}", spec->name, readable_value (self, spec));
    }
  g_variant_builder_close (&builder);
  g_dbus_method_invocation_return_value (invocation, g_variant_builder_end (&builder));
}

static void
describe_one (PhonesecDBusConfigService *self, GVariantBuilder *builder,
              const PhonesecParamSpec *spec)
{
  GVariantDict dict;
  g_autofree char *default_text = NULL;

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "type", "s", phonesec_param_type_to_string (spec->type));
  g_variant_dict_insert (&dict, "signature", "s",
                         (const char *) phonesec_param_spec_get_value_type (spec));
  if (!spec->secret)
    g_variant_dict_insert_value (&dict, "default", masked_value (spec, spec->default_value));
  if (spec->choices != NULL)
    g_variant_dict_insert_value (&dict, "choices",
                                 g_variant_new_strv ((const char *const *) spec->choices, -1));
  if (spec->type == PHONESEC_PARAM_INT || spec->type == PHONESEC_PARAM_PORT
      || (spec->type == PHONESEC_PARAM_LIST && spec->min < spec->max))
    {
      g_variant_dict_insert (&dict, "min", "x", spec->min);
      g_variant_dict_insert (&dict, "max", "x", spec->max);
    }
  if (spec->type == PHONESEC_PARAM_BOOL)
    {
      /* The words cfg.xml uses (Yes/No, Enabled/Disabled), for UIs. */
      g_autoptr (GVariant) yes = g_variant_ref_sink (g_variant_new_boolean (TRUE));
      g_autoptr (GVariant) no = g_variant_ref_sink (g_variant_new_boolean (FALSE));
      g_autofree char *true_word = phonesec_param_spec_format (spec, yes);
      g_autofree char *false_word = phonesec_param_spec_format (spec, no);

      g_variant_dict_insert (&dict, "true-word", "s", true_word);
      g_variant_dict_insert (&dict, "false-word", "s", false_word);
    }
  if (spec->max_length > 0)
    g_variant_dict_insert (&dict, "max-length", "u", spec->max_length);
  if (spec->max_items > 0)
    g_variant_dict_insert (&dict, "max-items", "u", spec->max_items);
  if (spec->kind != NULL)
    g_variant_dict_insert (&dict, "kind", "s", spec->kind);
  if (spec->schemes != NULL)
    g_variant_dict_insert_value (&dict, "schemes",
                                 g_variant_new_strv ((const char *const *) spec->schemes, -1));
  g_variant_dict_insert (&dict, "optional", "b", spec->optional);
  g_variant_dict_insert (
      &dict, "access", "s",
      phonesec_access_to_string (phonesec_config_store_get_access (self->store, spec)));
  g_variant_dict_insert (&dict, "default-access", "s", phonesec_access_to_string (spec->access));
  g_variant_dict_insert (&dict, "secret", "b", spec->secret);
  if (spec->secret)
    g_variant_dict_insert (
        &dict, "is-set", "b",
        g_variant_get_string (phonesec_config_store_get_value (self->store, spec), NULL)[0]
            != '\0');
  if (phonesec_param_spec_get_credentials (spec) != PHONESEC_CREDENTIALS_NONE)
    {
      PhonesecCredentialsKind kind = phonesec_param_spec_get_credentials (spec);
      GVariant *value = phonesec_config_store_get_value (self->store, spec);

      /* Where the value keeps credentials, and whether it holds one now
       * (the masked value says so too, but a UI should not parse it). */
      g_variant_dict_insert (&dict, "credentials", "s", phonesec_credentials_kind_to_string (kind));
      g_variant_dict_insert (&dict, "has-credentials", "b",
                             phonesec_credentials_has (kind, g_variant_get_string (value, NULL)));
    }
  g_variant_dict_insert (&dict, "is-default", "b",
                         !phonesec_config_store_is_set (self->store, spec));
  g_variant_dict_insert (&dict, "restart", "b", spec->restart);
  g_variant_dict_insert (&dict, "tab", "s", spec->tab != NULL ? spec->tab : "");
  g_variant_dict_insert (&dict, "section", "s", spec->section != NULL ? spec->section : "");
  g_variant_dict_insert (&dict, "label", "s", spec->label != NULL ? spec->label : spec->name);
  if (spec->help != NULL)
    g_variant_dict_insert (&dict, "help", "s", spec->help);
  g_variant_dict_insert (&dict, "line", "u", spec->line);
  g_variant_dict_insert (&dict, "owner", "s", spec->owner != NULL ? spec->owner : "core");
  {
    /* Says so when nothing on this phone acts on the parameter. */
    g_auto (GStrv) actors = phonesec_actors_dup_for (self->actors, spec->name);

    g_variant_dict_insert_value (&dict, "acted-on-by",
                                 g_variant_new_strv ((const char *const *) actors, -1));
    g_variant_dict_insert (&dict, "active", "b", actors[0] != NULL);
  }
  if (spec->aliases != NULL && spec->line <= 1)
    g_variant_dict_insert_value (&dict, "aliases",
                                 g_variant_new_strv ((const char *const *) spec->aliases, -1));
  g_variant_builder_add (builder, "{s@a{sv}}", spec->name, g_variant_dict_end (&dict));
}

static void
describe_with_caller (GDBusMethodInvocation *invocation, const PhonesecCaller *caller,
                      gpointer data)
{
  PhonesecDBusConfigService *self = data;
  g_autoptr (GPtrArray) specs = resolve_invocation_names (self, invocation, caller);
  GVariantBuilder builder;

  if (specs == NULL)
    return;
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("(a{sa{sv}})"));
  g_variant_builder_open (&builder, G_VARIANT_TYPE ("a{sa{sv}}"));
  for (guint i = 0; i < specs->len; i++)
    describe_one (self, &builder, specs->pdata[i]);
  g_variant_builder_close (&builder);
  g_dbus_method_invocation_return_value (invocation, g_variant_builder_end (&builder));
}

/* --- Apply / Reset / ImportProfile ----------------------------------------- */

typedef enum
{
  REPLY_GENERATION,
  REPLY_GENERATION_AND_SKIPPED,
} ReplyKind;

typedef struct
{
  GDBusMethodInvocation *invocation;
  ReplyKind kind;
  GHashTable *ignored; /* nullable: more skipped names (quoted) → reason */
} CommitReply;

static void
add_skipped (GVariantBuilder *builder, GHashTable *table, GHashTable *except)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (except == NULL || !g_hash_table_contains (except, key))
      g_variant_builder_add (builder, "{ss}", key, value);
}

static void
commit_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  CommitReply *reply = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) skipped = NULL;
  guint64 generation = 0;

  if (!phonesec_config_store_commit_finish (PHONESEC_CONFIG_STORE (source), result, &generation,
                                            &skipped, &error))
    g_dbus_method_invocation_return_gerror (reply->invocation, error);
  else if (reply->kind == REPLY_GENERATION)
    g_dbus_method_invocation_return_value (reply->invocation, g_variant_new ("(t)", generation));
  else
    {
      GVariantBuilder builder;

      g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{ss}"));
      add_skipped (&builder, skipped, NULL);
      if (reply->ignored != NULL)
        add_skipped (&builder, reply->ignored, skipped);
      g_dbus_method_invocation_return_value (reply->invocation,
                                             g_variant_new ("(ta{ss})", generation, &builder));
    }
  g_object_unref (reply->invocation);
  g_clear_pointer (&reply->ignored, g_hash_table_unref);
  g_free (reply);
}

/* @ignored: (transfer full) (nullable): more names for the skipped reply */
static void
commit (PhonesecDBusConfigService *self, GDBusMethodInvocation *invocation,
        PhonesecTransaction *txn, ReplyKind kind, GHashTable *ignored)
{
  CommitReply *reply = g_new0 (CommitReply, 1);

  reply->invocation = g_object_ref (invocation);
  reply->kind = kind;
  reply->ignored = ignored;
  phonesec_config_store_commit_async (self->store, txn, NULL, commit_done, reply);
}

static void
apply_with_caller (GDBusMethodInvocation *invocation, const PhonesecCaller *caller, gpointer data)
{
  static const char *const allowed[]
      = { "dry-run", "expected-generation", "access-level", "source", NULL };
  PhonesecDBusConfigService *self = data;
  GVariant *parameters = g_dbus_method_invocation_get_parameters (invocation);
  g_autoptr (GVariant) values = g_variant_get_child_value (parameters, 0);
  g_autoptr (GVariant) options = g_variant_get_child_value (parameters, 1);
  g_autoptr (GError) error = NULL;
  PhonesecTransaction *txn;
  GVariantIter iter;
  const char *name;
  GVariant *value;

  /* name → value: iter_loop's values are freed on the next round. */
  g_autoptr (GHashTable) given
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_variant_unref);

  if (!check_count (g_variant_n_children (values), &error)
      || !check_options (options, allowed, &error)
      || (txn = transaction_from_options (options, caller, "dbus", &error)) == NULL)
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return;
    }
  g_variant_iter_init (&iter, values);
  while (g_variant_iter_loop (&iter, "{&sv}", &name, &value))
    {
      const PhonesecParamSpec *spec = phonesec_schema_lookup (self->schema, name);
      /* A name and its alias are one parameter. */
      const char *key = spec != NULL ? spec->name : name;
      GVariant *earlier = g_hash_table_lookup (given, key);

      if (earlier == NULL)
        {
          g_hash_table_insert (given, g_strdup (key), g_variant_ref (value));
          phonesec_transaction_add_value (txn, name, value, NULL);
          continue;
        }
      if (!g_variant_equal (earlier, value))
        {
          g_autofree char *q = phonesec_quote_for_message (name, -1);

          phonesec_transaction_free (txn);
          g_variant_unref (value); /* left iter_loop early */
          g_dbus_method_invocation_return_error (
              invocation, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
              _ ("%s: given twice with different values; nothing was changed; allowed: one "
                 "value per parameter"),
              q);
          return;
        }
    }
  commit (self, invocation, txn, REPLY_GENERATION, NULL);
}

static void
reset_with_caller (GDBusMethodInvocation *invocation, const PhonesecCaller *caller, gpointer data)
{
  static const char *const allowed[]
      = { "dry-run", "expected-generation", "access-level", "source", NULL };
  PhonesecDBusConfigService *self = data;
  GVariant *parameters = g_dbus_method_invocation_get_parameters (invocation);
  g_autofree const char **names = NULL;
  g_autoptr (GVariant) options = NULL;
  g_autoptr (GError) error = NULL;
  PhonesecTransaction *txn;

  g_autoptr (GHashTable) given = g_hash_table_new (g_str_hash, g_str_equal);

  g_variant_get (parameters, "(^a&s@a{sv})", &names, &options);
  if (!check_count (g_strv_length ((char **) names), &error)
      || !check_options (options, allowed, &error)
      || (txn = transaction_from_options (options, caller, "dbus", &error)) == NULL)
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return;
    }
  if (names[0] == NULL)
    phonesec_transaction_add_reset (txn, NULL);
  for (guint i = 0; names[i] != NULL; i++)
    {
      const PhonesecParamSpec *spec = phonesec_schema_lookup (self->schema, names[i]);

      /* Once per parameter, whichever name or alias said it. */
      if (g_hash_table_add (given, (gpointer) (spec != NULL ? spec->name : names[i])))
        phonesec_transaction_add_reset (txn, names[i]);
    }
  commit (self, invocation, txn, REPLY_GENERATION, NULL);
}

/* "line 12: <Foo> ..." → key "line 12", reason the rest. */
static void
add_profile_problem (PhonesecTransaction *txn, const char *problem)
{
  const char *sep = strstr (problem, ": ");
  g_autofree char *key = sep != NULL ? g_strndup (problem, sep - problem) : g_strdup (problem);

  phonesec_transaction_add_skipped (txn, key, sep != NULL ? sep + 2 : "");
}

typedef struct
{
  PhonesecDBusConfigService *self;
  GDBusMethodInvocation *invocation; /* holds the XML text */
  PhonesecTransaction *txn;
  PhonesecRole role;
} Import;

static void
import_free (Import *import)
{
  g_object_unref (import->invocation);
  phonesec_transaction_free (import->txn);
  g_free (import);
}

/* What the worker hands the main loop: every entry that counts (the last
 * of its name), its name already quoted for the reply. */
typedef struct
{
  PhonesecProfile *profile;
  GPtrArray *entries; /* PhonesecProfileEntry*, borrowed from profile */
  GPtrArray *quoted;  /* char*, same order */
} Parsed;

static void
parsed_free (Parsed *parsed)
{
  g_clear_pointer (&parsed->entries, g_ptr_array_unref);
  g_clear_pointer (&parsed->quoted, g_ptr_array_unref);
  phonesec_profile_free (parsed->profile);
  g_free (parsed);
}

/* GMarkup on up to IMPORT_MAX_BYTES, and the per-element work that needs
 * no schema, take long enough to stall other callers: they run here, in a
 * worker (pure text processing). */
static void
parse_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Import *import = task_data;
  GVariant *parameters = g_dbus_method_invocation_get_parameters (import->invocation);
  g_autoptr (GHashTable) last = g_hash_table_new (g_str_hash, g_str_equal);
  const char *xml;
  GError *error = NULL;
  Parsed *parsed = g_new0 (Parsed, 1);

  g_variant_get_child (parameters, 0, "&s", &xml);
  parsed->profile = phonesec_profile_parse (xml, -1, &error);
  if (parsed->profile == NULL)
    {
      parsed_free (parsed);
      g_task_return_error (task, error);
      return;
    }
  parsed->entries = g_ptr_array_new ();
  parsed->quoted = g_ptr_array_new_with_free_func (g_free);
  if (parsed->profile->entries->len <= IMPORT_MAX_ELEMENTS)
    {
      /* The last duplicate wins: an earlier copy is never applied nor
       * reported. */
      for (guint i = 0; i < parsed->profile->entries->len; i++)
        {
          PhonesecProfileEntry *entry = parsed->profile->entries->pdata[i];
          g_hash_table_insert (last, entry->name, entry);
        }
      for (guint i = 0; i < parsed->profile->entries->len; i++)
        {
          PhonesecProfileEntry *entry = parsed->profile->entries->pdata[i];

          if (g_hash_table_lookup (last, entry->name) != entry)
            continue;
          g_ptr_array_add (parsed->entries, entry);
          g_ptr_array_add (parsed->quoted, phonesec_quote_for_message (entry->name, -1));
        }
    }
  g_task_return_pointer (task, parsed, (GDestroyNotify) parsed_free);
}

static void
import_parsed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Import *import = g_task_get_task_data (G_TASK (result));
  PhonesecDBusConfigService *self = import->self;
  GDBusMethodInvocation *invocation = import->invocation;
  g_autoptr (GError) error = NULL;
  Parsed *parsed = g_task_propagate_pointer (G_TASK (result), &error);
  GHashTable *ignored;
  PhonesecTransaction *txn;

  /* The service is gone (the daemon stops): @self must not be touched. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (parsed == NULL)
    {
      g_dbus_method_invocation_return_error (
          invocation, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
          _ ("The profile is not valid cfg.xml: %s"), error->message);
      return;
    }
  if (parsed->profile->entries->len > IMPORT_MAX_ELEMENTS)
    {
      g_dbus_method_invocation_return_error (
          invocation, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
          _ ("The profile has %u parameters; allowed: at most %u; nothing was changed"),
          parsed->profile->entries->len, IMPORT_MAX_ELEMENTS);
      parsed_free (parsed);
      return;
    }
  txn = g_steal_pointer (&import->txn);
  for (guint i = 0; i < parsed->profile->problems->len; i++)
    add_profile_problem (txn, parsed->profile->problems->pdata[i]);

  /* Unknown names go straight to the reply, not through the store: most of
   * a big profile is other features' parameters. */
  ignored = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < parsed->entries->len; i++)
    {
      PhonesecProfileEntry *entry = parsed->entries->pdata[i];
      const PhonesecParamSpec *spec = phonesec_schema_lookup (self->schema, entry->name);

      /* Unknown elements are reported and ignored, even in strict mode:
       * profiles routinely carry parameters of other phone features. */
      if (spec == NULL || !phonesec_config_store_can_read (self->store, spec, import->role))
        {
          g_hash_table_insert (ignored, g_steal_pointer (&parsed->quoted->pdata[i]),
                               (gpointer) _ ("unknown parameter, ignored"));
          continue;
        }
      phonesec_transaction_add_value (txn, entry->name, g_variant_new_string (entry->value),
                                      entry->ua);
    }
  parsed_free (parsed);
  commit (self, invocation, txn, REPLY_GENERATION_AND_SKIPPED, ignored);
}

static void
import_with_caller (GDBusMethodInvocation *invocation, const PhonesecCaller *caller, gpointer data)
{
  static const char *const allowed[]
      = { "strict", "dry-run", "expected-generation", "access-level", "source", NULL };
  PhonesecDBusConfigService *self = data;
  GVariant *parameters = g_dbus_method_invocation_get_parameters (invocation);
  const char *xml;
  gsize xml_len;
  g_autoptr (GVariant) options = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GTask) task = NULL;
  PhonesecTransaction *txn;
  Import *import;

  g_variant_get (parameters, "(&s@a{sv})", &xml, &options);
  xml_len = strlen (xml);
  if (xml_len > IMPORT_MAX_BYTES)
    {
      g_dbus_method_invocation_return_error (
          invocation, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
          _ ("The profile has %lu bytes; allowed: at most %lu; nothing was changed"),
          (gulong) xml_len, (gulong) IMPORT_MAX_BYTES);
      return;
    }
  if (!check_options (options, allowed, &error)
      || (txn = transaction_from_options (options, caller, "cfg.xml", &error)) == NULL)
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return;
    }
  phonesec_transaction_set_strict (txn, option_bool (options, "strict"));
  import = g_new0 (Import, 1);
  import->self = self;
  import->invocation = g_object_ref (invocation);
  import->txn = txn;
  phonesec_caller_resolve_role (caller, options, &import->role, NULL);
  task = g_task_new (NULL, self->cancellable, import_parsed, NULL);
  g_task_set_source_tag (task, import_with_caller);
  g_task_set_task_data (task, import, (GDestroyNotify) import_free);
  g_task_run_in_thread (task, parse_in_thread);
}

static void
export_with_caller (GDBusMethodInvocation *invocation, const PhonesecCaller *caller, gpointer data)
{
  static const char *const allowed[] = { "changed-only", "access-level", NULL };
  PhonesecDBusConfigService *self = data;
  GVariant *parameters = g_dbus_method_invocation_get_parameters (invocation);
  g_autoptr (GVariant) options = g_variant_get_child_value (parameters, 0);
  g_autoptr (GError) error = NULL;
  g_autofree char *xml = NULL;
  PhonesecRole role;

  if (!check_options (options, allowed, &error)
      || !phonesec_caller_resolve_role (caller, options, &role, &error))
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return;
    }
  xml = phonesec_config_export_profile (self->store, role, option_bool (options, "changed-only"));
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(s)", xml));
}

/* --- dispatch ------------------------------------------------------------- */

static void
method_call (GDBusConnection *connection, const char *sender, const char *object_path,
             const char *interface_name, const char *method_name, GVariant *parameters,
             GDBusMethodInvocation *invocation, gpointer user_data)
{
  PhonesecDBusConfigService *self = user_data;
  PhonesecCallerFunc func = NULL;

  if (g_str_equal (method_name, "Get"))
    func = get_with_caller;
  else if (g_str_equal (method_name, "Describe"))
    func = describe_with_caller;
  else if (g_str_equal (method_name, "Apply"))
    func = apply_with_caller;
  else if (g_str_equal (method_name, "Reset"))
    func = reset_with_caller;
  else if (g_str_equal (method_name, "ImportProfile"))
    func = import_with_caller;
  else if (g_str_equal (method_name, "ExportProfile"))
    func = export_with_caller;

  if (func == NULL)
    {
      g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD,
                                             "No such method %s", method_name);
      return;
    }
  phonesec_callers_run (self->callers, invocation, func, self);
}

static GVariant *
get_property (GDBusConnection *connection, const char *sender, const char *object_path,
              const char *interface_name, const char *property_name, GError **error,
              gpointer user_data)
{
  PhonesecDBusConfigService *self = user_data;

  if (g_str_equal (property_name, "Generation"))
    return g_variant_new_uint64 (phonesec_config_store_get_generation (self->store));
  g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_PROPERTY, "No such property %s",
               property_name);
  return NULL;
}

static const GDBusInterfaceVTable config_vtable = {
  .method_call = method_call,
  .get_property = get_property,
};

typedef struct
{
  PhonesecDBusConfigService *self;
  guint64 generation;
  const char *const *names;
} Changes;

/* Changed names only what the receiver may see: for the phone's user a
 * hidden parameter does not exist, not even by name. */
static GVariant *
build_changed (PhonesecRole role, gpointer user_data)
{
  Changes *changes = user_data;
  g_autoptr (GStrvBuilder) visible = g_strv_builder_new ();
  g_auto (GStrv) names = NULL;

  for (guint i = 0; changes->names[i] != NULL; i++)
    {
      const PhonesecParamSpec *spec
          = phonesec_schema_lookup (changes->self->schema, changes->names[i]);

      if (spec == NULL || phonesec_config_store_can_read (changes->self->store, spec, role))
        g_strv_builder_add (visible, changes->names[i]);
    }
  names = g_strv_builder_end (visible);
  if (names[0] == NULL)
    return NULL;
  return g_variant_new ("(t^as)", changes->generation, names);
}

static GVariant *
build_generation_changed (PhonesecRole role, gpointer user_data)
{
  Changes *changes = user_data;
  GVariantBuilder changed;

  g_variant_builder_init (&changed, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&changed, "{sv}", "Generation",
                         g_variant_new_uint64 (changes->generation));
  return g_variant_new ("(sa{sv}as)", PHONESEC_DBUS_INTERFACE_CONFIG, &changed, NULL);
}

static void
on_store_changed (PhonesecConfigStore *store, guint64 generation, const char *const *names,
                  gpointer user_data)
{
  Changes changes = { user_data, generation, names };

  phonesec_bus_exporter_emit (changes.self->exporter, PHONESEC_DBUS_PATH,
                              PHONESEC_DBUS_INTERFACE_CONFIG, "Changed", build_changed, &changes);
  phonesec_bus_exporter_emit (changes.self->exporter, PHONESEC_DBUS_PATH,
                              "org.freedesktop.DBus.Properties", "PropertiesChanged",
                              build_generation_changed, &changes);
}

PhonesecDBusConfigService *
phonesec_dbus_config_service_new (GDBusConnection *connection, PhonesecConfigStore *store,
                                  PhonesecCallers *callers, PhonesecBusExporter *exporter,
                                  PhonesecActors *actors, GError **error)
{
  g_autofree PhonesecDBusConfigService *self = g_new0 (PhonesecDBusConfigService, 1);

  self->connection = g_object_ref (connection);
  self->store = g_object_ref (store);
  self->schema = phonesec_config_store_get_schema (store);
  self->callers = g_object_ref (callers);
  self->exporter = exporter;
  self->actors = actors;
  self->registration_id = g_dbus_connection_register_object (connection, PHONESEC_DBUS_PATH,
                                                             phonesec_dbus_config_interface_info (),
                                                             &config_vtable, self, NULL, error);
  if (self->registration_id == 0)
    {
      g_object_unref (self->connection);
      g_object_unref (self->store);
      g_object_unref (self->callers);
      return NULL;
    }
  self->changed_handler = g_signal_connect (store, "changed", G_CALLBACK (on_store_changed), self);
  self->cancellable = g_cancellable_new ();
  return g_steal_pointer (&self);
}

void
phonesec_dbus_config_service_free (PhonesecDBusConfigService *self)
{
  if (self == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  g_object_unref (self->cancellable);
  g_signal_handler_disconnect (self->store, self->changed_handler);
  g_dbus_connection_unregister_object (self->connection, self->registration_id);
  g_object_unref (self->callers);
  g_object_unref (self->store);
  g_object_unref (self->connection);
  g_free (self);
}
