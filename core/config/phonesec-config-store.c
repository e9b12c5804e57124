/* phonesec-config-store.c: values, user access and their one key file.
 *
 * A transaction is processed top to bottom as hostnamed's setters are:
 * check the generation, resolve and validate every entry (collecting every
 * problem), work out what really changes, return early when nothing does,
 * write the whole new state durably, then make it visible and announce it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "phonesec/phonesec-error.h"
#include "phonesec/phonesec-log.h"
#include "phonesec-config-store.h"
#include "phonesec-config-state.h"
#include "phonesec-store-file.h"
#include "phonesec-transaction-private.h"

/* 2: sealed by an [Integrity] group; 1: the old format, without it. */
#define STORE_FORMAT_VERSION 2
#define STORE_FORMAT_UNSEALED 1
#define GROUP_STORE "Store"
#define GROUP_VALUES "Values"
#define GROUP_ACCESS "UserAccess"
/* A strict transaction's error names at most this many bad entries. */
#define MAX_LISTED_PROBLEMS 50

/* ------------------------------------------------------------------------ */
/* The store */

struct _PhonesecConfigStore
{
  GObject parent_instance;

  PhonesecSchema *schema;
  char *path;
  guint64 generation;
  PhonesecConfigState *state;
  /* The file at path holds a good state (loaded or committed): the next
   * commit may keep it as the previous generation. */
  gboolean path_is_good;

  GQueue pending; /* of GTask*, the head is being processed */
  gboolean busy;
};

enum
{
  SIGNAL_CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PhonesecConfigStore, phonesec_config_store, G_TYPE_OBJECT)

static void
phonesec_config_store_finalize (GObject *object)
{
  PhonesecConfigStore *self = PHONESEC_CONFIG_STORE (object);

  g_warn_if_fail (g_queue_is_empty (&self->pending));
  phonesec_config_state_free (self->state);
  g_free (self->path);
  G_OBJECT_CLASS (phonesec_config_store_parent_class)->finalize (object);
}

static void
phonesec_config_store_class_init (PhonesecConfigStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = phonesec_config_store_finalize;

  /**
   * PhonesecConfigStore::changed:
   * @generation: the new generation
   * @names: the names whose value or user access changed
   */
  signals[SIGNAL_CHANGED]
      = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                      G_TYPE_NONE, 2, G_TYPE_UINT64, G_TYPE_STRV);
}

static void
phonesec_config_store_init (PhonesecConfigStore *self)
{
  self->state = phonesec_config_state_new ();
  g_queue_init (&self->pending);
}

PhonesecConfigStore *
phonesec_config_store_new (PhonesecSchema *schema, const char *path)
{
  PhonesecConfigStore *self = g_object_new (PHONESEC_TYPE_CONFIG_STORE, NULL);

  self->schema = schema;
  self->path = g_strdup (path);
  return self;
}

const char *
phonesec_config_store_get_path (PhonesecConfigStore *self)
{
  return self->path;
}

PhonesecSchema *
phonesec_config_store_get_schema (PhonesecConfigStore *self)
{
  return self->schema;
}

guint64
phonesec_config_store_get_generation (PhonesecConfigStore *self)
{
  return self->generation;
}

GVariant *
phonesec_config_store_get_value (PhonesecConfigStore *self, const PhonesecParamSpec *spec)
{
  return phonesec_config_state_get_value (self->state, spec);
}

PhonesecAccess
phonesec_config_store_get_access (PhonesecConfigStore *self, const PhonesecParamSpec *spec)
{
  return phonesec_config_state_get_access (self->state, spec);
}

gboolean
phonesec_config_store_is_set (PhonesecConfigStore *self, const PhonesecParamSpec *spec)
{
  return g_hash_table_contains (self->state->values, spec->name);
}

gboolean
phonesec_config_store_can_read (PhonesecConfigStore *self, const PhonesecParamSpec *spec,
                                PhonesecRole role)
{
  return role == PHONESEC_ROLE_ADMIN
         || phonesec_config_state_get_access (self->state, spec) != PHONESEC_ACCESS_NA;
}

gboolean
phonesec_config_store_can_write (PhonesecConfigStore *self, const PhonesecParamSpec *spec,
                                 PhonesecRole role)
{
  return role == PHONESEC_ROLE_ADMIN
         || phonesec_config_state_get_access (self->state, spec) == PHONESEC_ACCESS_RW;
}

gboolean
phonesec_config_store_is_busy (PhonesecConfigStore *self)
{
  return self->busy;
}

GStrv
phonesec_config_store_dup_secret_values (PhonesecConfigStore *self)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  const GPtrArray *all = phonesec_schema_get_all (self->schema);

  for (guint i = 0; i < all->len; i++)
    {
      const PhonesecParamSpec *spec = all->pdata[i];
      GVariant *value;

      PhonesecCredentialsKind kind = phonesec_param_spec_get_credentials (spec);

      if (!spec->secret && kind == PHONESEC_CREDENTIALS_NONE)
        continue;
      value = g_hash_table_lookup (self->state->values, spec->name);
      if (value == NULL || !g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
        continue;
      if (spec->secret)
        g_strv_builder_add (builder, g_variant_get_string (value, NULL));
      else
        phonesec_credentials_collect (kind, g_variant_get_string (value, NULL), builder);
    }
  return g_strv_builder_end (builder);
}

/* ------------------------------------------------------------------------ */
/* Loading */

static void
load_values (PhonesecConfigStore *self, GKeyFile *keyfile, PhonesecConfigState *state)
{
  g_auto (GStrv) keys = g_key_file_get_keys (keyfile, GROUP_VALUES, NULL, NULL);

  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      g_autofree char *text = g_key_file_get_string (keyfile, GROUP_VALUES, keys[i], NULL);
      const PhonesecParamSpec *spec = phonesec_schema_lookup (self->schema, keys[i]);
      g_autoptr (GVariant) value = NULL;
      g_autoptr (GError) error = NULL;

      if (text == NULL)
        continue;
      if (spec == NULL)
        {
          /* Kept for a plugin that is not installed (or not yet loaded). */
          g_hash_table_insert (state->orphan_values, g_strdup (keys[i]), g_steal_pointer (&text));
          continue;
        }
      value = phonesec_param_spec_parse_string (spec, text, &error);
      if (value == NULL)
        {
          g_warning ("Stored value of %s no longer fits its schema (%s); using the default",
                     spec->name, error->message);
          continue;
        }
      phonesec_config_state_set_value (state, spec, value);
    }
}

static void
load_access (PhonesecConfigStore *self, GKeyFile *keyfile, PhonesecConfigState *state)
{
  g_auto (GStrv) keys = g_key_file_get_keys (keyfile, GROUP_ACCESS, NULL, NULL);

  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      g_autofree char *text = g_key_file_get_string (keyfile, GROUP_ACCESS, keys[i], NULL);
      const PhonesecParamSpec *spec = phonesec_schema_lookup (self->schema, keys[i]);
      PhonesecAccess access;

      if (text == NULL)
        continue;
      if (spec == NULL)
        {
          g_hash_table_insert (state->orphan_access, g_strdup (keys[i]), g_steal_pointer (&text));
          continue;
        }
      if (!phonesec_access_from_string (text, &access))
        {
          g_warning ("Stored user access of %s is not na, ro or rw; using the default", spec->name);
          continue;
        }
      phonesec_config_state_set_access (state, spec, access);
    }
}

/* Reads @path into a new state: the seal first (a sealed file must match
 * it), then the key file. A file without a seal is accepted only in the old
 * format (version 1), which had none; a version 2 file without one was cut
 * short. */
static PhonesecConfigState *
read_store_file (PhonesecConfigStore *self, const char *path, guint64 *out_generation,
                 GError **error)
{
  g_autoptr (GKeyFile) keyfile = g_key_file_new ();
  g_autofree char *contents = NULL;
  g_autofree char *generation_text = NULL;
  GError *local_error = NULL;
  PhonesecConfigState *state;
  gboolean sealed = FALSE;
  gsize len = 0;
  gint version;

  if (!g_file_get_contents (path, &contents, &len, error)
      || !phonesec_store_file_check_seal (contents, len, &sealed, error)
      || !g_key_file_load_from_data (keyfile, contents, len, G_KEY_FILE_NONE, error))
    return NULL;
  version = g_key_file_get_integer (keyfile, GROUP_STORE, "Version", &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (!sealed && version == STORE_FORMAT_VERSION)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _ ("its [Integrity] group is missing: the file was cut short"));
      return NULL;
    }
  if (version != (sealed ? STORE_FORMAT_VERSION : STORE_FORMAT_UNSEALED))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _ ("unsupported format version %d (expected %d)"), version,
                   STORE_FORMAT_VERSION);
      return NULL;
    }
  generation_text = g_key_file_get_string (keyfile, GROUP_STORE, "Generation", error);
  if (generation_text == NULL
      || !g_ascii_string_to_unsigned (generation_text, 10, 0, G_MAXUINT64, out_generation, error))
    return NULL;
  if (!sealed)
    g_message ("The stored configuration %s has no integrity check (format %d): accepted "
               "unverified; the next change writes it in format %d",
               path, version, STORE_FORMAT_VERSION);

  state = phonesec_config_state_new ();
  load_values (self, keyfile, state);
  load_access (self, keyfile, state);
  return state;
}

static void
set_state (PhonesecConfigStore *self, PhonesecConfigState *state, guint64 generation)
{
  phonesec_config_state_free (self->state);
  self->state = state;
  self->generation = generation;
}

static gboolean
is_missing (const GError *error)
{
  return g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
}

/* A file that failed its check goes aside as .corrupt; the warning says
 * what happened to it. */
static void
set_aside (const char *path, const GError *why, const char *fallback)
{
  g_autoptr (GError) aside_error = NULL;
  gboolean moved = phonesec_store_file_keep_aside (path, &aside_error);

  phonesec_log_event (PHONESEC_MESSAGE_ID_STORE_CORRUPT, G_LOG_LEVEL_WARNING,
                      "The stored configuration %s is unreadable (%s); %s; starting on %s", path,
                      why->message, moved ? "kept aside as .corrupt" : aside_error->message,
                      fallback);
}

/* The store is on the previous generation: it becomes the current file
 * again (a hard link, no data written), so the next start reads it
 * directly and the next commit keeps it as .prev. */
static void
restore_current_from (PhonesecConfigStore *self, const char *prev)
{
  if (link (prev, self->path) == 0)
    self->path_is_good = TRUE;
  else
    g_warning ("Could not restore %s from %s: %s", self->path, prev, g_strerror (errno));
}

gboolean
phonesec_config_store_load (PhonesecConfigStore *self, gboolean *out_existed, GError **error)
{
  g_autofree char *prev = phonesec_store_file_dup_previous_path (self->path);
  g_autoptr (GError) current_error = NULL;
  g_autoptr (GError) prev_error = NULL;
  g_autofree char *generation_text = NULL;
  PhonesecConfigState *state;
  guint64 generation = 0;

  if (out_existed != NULL)
    *out_existed = FALSE;
  phonesec_store_file_remove_leftovers (self->path);
  state = read_store_file (self, self->path, &generation, &current_error);
  if (state != NULL)
    {
      set_state (self, state, generation);
      self->path_is_good = TRUE;
      if (out_existed != NULL)
        *out_existed = TRUE;
      return TRUE;
    }

  state = read_store_file (self, prev, &generation, &prev_error);
  if (state == NULL && is_missing (current_error) && is_missing (prev_error))
    return TRUE; /* first boot */
  if (out_existed != NULL)
    *out_existed = TRUE;
  if (!is_missing (current_error))
    set_aside (self->path, current_error, state != NULL ? prev : "defaults");

  if (state != NULL)
    {
      set_state (self, state, generation);
      generation_text = g_strdup_printf ("%" G_GUINT64_FORMAT, generation);
      restore_current_from (self, prev);
      if (is_missing (current_error))
        g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                     _ ("The stored configuration %s was missing; the phone started on the "
                        "previous generation kept in %s (generation %s)"),
                     self->path, prev, generation_text);
      else
        g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                     _ ("The stored configuration was unreadable (%s) and was kept aside as "
                        "%s.corrupt; the phone started on the previous generation kept in %s "
                        "(generation %s); the last change was lost"),
                     current_error->message, self->path, prev, generation_text);
      return FALSE;
    }

  /* No good state at all: defaults. */
  if (!is_missing (prev_error))
    set_aside (prev, prev_error, "defaults");
  if (is_missing (prev_error))
    g_set_error (
        error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
        _ ("The stored configuration was unreadable (%s) and was kept aside as %s.corrupt; "
           "the phone started on default settings"),
        current_error->message, self->path);
  else if (is_missing (current_error))
    g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                 _ ("The stored configuration %s was missing and its previous generation was "
                    "unreadable (%s; kept aside as %s.corrupt); the phone started on default "
                    "settings"),
                 self->path, prev_error->message, prev);
  else
    g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                 _ ("The stored configuration was unreadable (%s) and was kept aside as "
                    "%s.corrupt, and so was its previous generation (%s); the phone started on "
                    "default settings"),
                 current_error->message, self->path, prev_error->message);
  return FALSE;
}

void
phonesec_config_store_adopt_orphans (PhonesecConfigStore *self)
{
  GHashTableIter iter;
  gpointer key, text;

  g_hash_table_iter_init (&iter, self->state->orphan_values);
  while (g_hash_table_iter_next (&iter, &key, &text))
    {
      const PhonesecParamSpec *spec = phonesec_schema_lookup (self->schema, key);
      g_autoptr (GVariant) value = NULL;
      g_autoptr (GError) error = NULL;

      if (spec == NULL)
        continue;
      value = phonesec_param_spec_parse_string (spec, text, &error);
      if (value == NULL)
        g_warning ("Stored value of %s does not fit its schema (%s); using the default", spec->name,
                   error->message);
      else
        phonesec_config_state_set_value (self->state, spec, value);
      g_hash_table_iter_remove (&iter);
    }
  g_hash_table_iter_init (&iter, self->state->orphan_access);
  while (g_hash_table_iter_next (&iter, &key, &text))
    {
      const PhonesecParamSpec *spec = phonesec_schema_lookup (self->schema, key);
      PhonesecAccess access;

      if (spec == NULL)
        continue;
      if (phonesec_access_from_string (text, &access))
        phonesec_config_state_set_access (self->state, spec, access);
      g_hash_table_iter_remove (&iter);
    }
}

/* ------------------------------------------------------------------------ */
/* Saving */

static char *
state_serialize (PhonesecConfigStore *self, const PhonesecConfigState *state, guint64 generation,
                 gsize *len)
{
  g_autoptr (GKeyFile) keyfile = g_key_file_new ();
  const GPtrArray *all = phonesec_schema_get_all (self->schema);
  g_autofree char *generation_text = g_strdup_printf ("%" G_GUINT64_FORMAT, generation);
  GHashTableIter iter;
  gpointer key, value;
  g_autofree char *body = NULL;
  gsize body_len = 0;

  g_key_file_set_comment (keyfile, NULL, NULL,
                          " phonesecd configuration: values that differ from the defaults.\n"
                          " Written atomically by phonesecd; change it over D-Bus, not here.",
                          NULL);
  g_key_file_set_integer (keyfile, GROUP_STORE, "Version", STORE_FORMAT_VERSION);
  g_key_file_set_string (keyfile, GROUP_STORE, "Generation", generation_text);

  /* Schema order keeps the file stable and diffable. */
  for (guint i = 0; i < all->len; i++)
    {
      const PhonesecParamSpec *spec = all->pdata[i];
      GVariant *stored = g_hash_table_lookup (state->values, spec->name);
      gpointer access = g_hash_table_lookup (state->access, spec->name);

      if (stored != NULL)
        {
          g_autofree char *text = phonesec_param_spec_format (spec, stored);
          g_key_file_set_string (keyfile, GROUP_VALUES, spec->name, text);
        }
      if (access != NULL)
        g_key_file_set_string (keyfile, GROUP_ACCESS, spec->name,
                               phonesec_access_to_string (GPOINTER_TO_INT (access) - 1));
    }
  g_hash_table_iter_init (&iter, state->orphan_values);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_key_file_set_string (keyfile, GROUP_VALUES, key, value);
  g_hash_table_iter_init (&iter, state->orphan_access);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_key_file_set_string (keyfile, GROUP_ACCESS, key, value);

  body = g_key_file_to_data (keyfile, &body_len, NULL);
  return phonesec_store_file_seal (body, body_len, len);
}

typedef struct
{
  char *path;
  char *contents;
  gsize len;
  gboolean keep_previous;
} WriteJob;

static void
write_job_free (WriteJob *job)
{
  g_free (job->path);
  g_free (job->contents);
  g_free (job);
}

static void
write_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  WriteJob *job = task_data;
  GError *error = NULL;

  /* Temp file, fsync, the current file linked as .prev, rename, fsync of
   * the folder: a reader, a restart after kill -9 or after a power loss
   * sees the old file or the new one, never a mix, and a good .prev. */
  if (!phonesec_store_file_replace (job->path, job->contents, job->len, job->keep_previous, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

/* ------------------------------------------------------------------------ */
/* Processing a transaction */

typedef struct
{
  PhonesecTransaction *txn;
  PhonesecConfigState *next; /* the state to commit */
  GPtrArray *changed;        /* of char* (names), in first-change order */
  GHashTable *skipped;       /* name → reason */
  guint64 generation;
} Commit;

static void
commit_free (Commit *commit)
{
  phonesec_transaction_free (commit->txn);
  phonesec_config_state_free (commit->next);
  g_clear_pointer (&commit->changed, g_ptr_array_unref);
  g_clear_pointer (&commit->skipped, g_hash_table_unref);
  g_free (commit);
}

typedef struct
{
  PhonesecError code;
  char *line; /* "NAME: reason" */
} Problem;

static void
problem_free (Problem *problem)
{
  g_free (problem->line);
  g_free (problem);
}

static void
add_problem (GPtrArray *problems, GHashTable *skipped, PhonesecError code, const char *name,
             const char *reason)
{
  Problem *problem = g_new0 (Problem, 1);
  /* The caller's name, bounded and on one line: a line per problem. */
  g_autofree char *quoted = phonesec_quote_for_message (name, -1);

  problem->code = code;
  problem->line = g_strdup_printf ("%s: %s", quoted, reason);
  g_ptr_array_add (problems, problem);
  g_hash_table_replace (skipped, g_steal_pointer (&quoted), g_strdup (reason));
}

/* The error of a strict transaction: one line per bad entry. The worst class
 * names the error: permission before unknown before invalid. */
static GError *
problems_to_error (GPtrArray *problems)
{
  g_autoptr (GString) message = g_string_new (NULL);
  PhonesecError code = PHONESEC_ERROR_INVALID_VALUE;

  for (guint i = 0; i < problems->len; i++)
    {
      Problem *problem = problems->pdata[i];

      if (problem->code == PHONESEC_ERROR_PERMISSION_DENIED)
        code = PHONESEC_ERROR_PERMISSION_DENIED;
      else if (problem->code == PHONESEC_ERROR_UNKNOWN_PARAMETER
               && code != PHONESEC_ERROR_PERMISSION_DENIED)
        code = PHONESEC_ERROR_UNKNOWN_PARAMETER;
    }
  if (problems->len > 1)
    g_string_append_printf (
        message,
        g_dngettext (GETTEXT_PACKAGE, "%u value was rejected; nothing was changed:",
                     "%u values were rejected; nothing was changed:", problems->len),
        problems->len);
  /* Bounded: 4096 bad names must not make a 400 KB message. */
  for (guint i = 0; i < MIN (problems->len, MAX_LISTED_PROBLEMS); i++)
    {
      Problem *problem = problems->pdata[i];

      if (message->len > 0)
        g_string_append_c (message, '\n');
      g_string_append (message, problem->line);
    }
  if (problems->len > MAX_LISTED_PROBLEMS)
    {
      g_string_append_c (message, '\n');
      g_string_append_printf (message,
                              g_dngettext (GETTEXT_PACKAGE, "and %u more problem",
                                           "and %u more problems",
                                           problems->len - MAX_LISTED_PROBLEMS),
                              problems->len - MAX_LISTED_PROBLEMS);
    }
  return g_error_new_literal (PHONESEC_ERROR, code, message->str);
}

static void
note_changed (Commit *commit, GHashTable *seen, const PhonesecParamSpec *spec)
{
  if (g_hash_table_add (seen, spec->name))
    g_ptr_array_add (commit->changed, g_strdup (spec->name));
}

/* A value written back as read (credentials masked) keeps the credentials
 * stored: the masks are replaced by them, when the rest is unchanged. */
static GVariant *
keep_credentials (PhonesecConfigStore *self, Commit *commit, const PhonesecParamSpec *spec,
                  GVariant *value, GError **error)
{
  PhonesecCredentialsKind kind = phonesec_param_spec_get_credentials (spec);
  GVariant *stored = phonesec_config_state_get_value (commit->next, spec);
  g_autofree char *written = NULL;
  g_autofree char *merged = NULL;

  if (kind == PHONESEC_CREDENTIALS_NONE || !g_variant_is_of_type (value, G_VARIANT_TYPE_STRING)
      || !g_variant_is_of_type (stored, G_VARIANT_TYPE_STRING))
    return g_variant_ref (value);
  written = g_strstrip (g_variant_dup_string (value, NULL));
  merged = phonesec_credentials_merge (kind, written, g_variant_get_string (stored, NULL), error);
  if (merged == NULL)
    return NULL;
  return g_variant_ref_sink (g_variant_new_string (merged));
}

/* Applies one resolved entry to commit->next; records problems. */
static void
process_value (PhonesecConfigStore *self, Commit *commit, GPtrArray *problems, const Op *op)
{
  PhonesecTransaction *txn = commit->txn;
  const PhonesecParamSpec *spec = phonesec_schema_lookup (self->schema, op->name);
  g_autoptr (GVariant) value = NULL;
  PhonesecAccess access = 0;
  g_autoptr (GError) error = NULL;

  /* A hidden parameter is reported exactly like an unknown one, so a user
   * cannot probe which ones exist. */
  if (spec == NULL || !phonesec_config_store_can_read (self, spec, txn->role))
    {
      add_problem (problems, commit->skipped, PHONESEC_ERROR_UNKNOWN_PARAMETER, op->name,
                   _ ("unknown parameter"));
      return;
    }
  if (op->value != NULL && !phonesec_config_store_can_write (self, spec, txn->role))
    {
      add_problem (problems, commit->skipped, PHONESEC_ERROR_PERMISSION_DENIED, op->name,
                   _ ("read-only for the phone's user; only the administrator can change it"));
      return;
    }
  if (op->ua != NULL)
    {
      if (txn->role != PHONESEC_ROLE_ADMIN)
        {
          add_problem (problems, commit->skipped, PHONESEC_ERROR_PERMISSION_DENIED, op->name,
                       _ ("only the administrator can change user access (ua)"));
          return;
        }
      if (!phonesec_access_from_string (op->ua, &access))
        {
          g_autofree char *q = phonesec_quote_for_message (op->ua, -1);
          g_autofree char *reason
              = g_strdup_printf (_ ("user access '%s' is not allowed; allowed: na, ro, rw"), q);
          add_problem (problems, commit->skipped, PHONESEC_ERROR_INVALID_VALUE, op->name, reason);
          return;
        }
    }
  if (op->value != NULL)
    {
      g_autoptr (GVariant) written = keep_credentials (self, commit, spec, op->value, &error);

      if (written == NULL)
        {
          add_problem (problems, commit->skipped, PHONESEC_ERROR_INVALID_VALUE, op->name,
                       error->message);
          return;
        }
      value = phonesec_param_spec_parse (spec, written, &error);
      if (value == NULL)
        {
          add_problem (problems, commit->skipped, PHONESEC_ERROR_INVALID_VALUE, op->name,
                       error->message);
          return;
        }
      phonesec_config_state_set_value (commit->next, spec, value);
    }
  if (op->ua != NULL)
    phonesec_config_state_set_access (commit->next, spec, access);
}

static void
reset_one (PhonesecConfigStore *self, Commit *commit, const PhonesecParamSpec *spec)
{
  phonesec_config_state_set_value (commit->next, spec, NULL);
  /* Only the admin's reset restores the default user access. */
  if (commit->txn->role == PHONESEC_ROLE_ADMIN)
    phonesec_config_state_set_access (commit->next, spec, spec->access);
}

static void
process_reset (PhonesecConfigStore *self, Commit *commit, GPtrArray *problems, const Op *op)
{
  PhonesecRole role = commit->txn->role;
  const PhonesecParamSpec *spec;

  if (op->name == NULL)
    {
      const GPtrArray *all = phonesec_schema_get_all (self->schema);

      for (guint i = 0; i < all->len; i++)
        if (phonesec_config_store_can_write (self, all->pdata[i], role))
          reset_one (self, commit, all->pdata[i]);
      return;
    }
  spec = phonesec_schema_lookup (self->schema, op->name);
  if (spec == NULL || !phonesec_config_store_can_read (self, spec, role))
    {
      add_problem (problems, commit->skipped, PHONESEC_ERROR_UNKNOWN_PARAMETER, op->name,
                   _ ("unknown parameter"));
      return;
    }
  if (!phonesec_config_store_can_write (self, spec, role))
    {
      add_problem (problems, commit->skipped, PHONESEC_ERROR_PERMISSION_DENIED, op->name,
                   _ ("read-only for the phone's user; only the administrator can change it"));
      return;
    }
  reset_one (self, commit, spec);
}

/* Names whose value or access differ between the current and next state.
 * Only names stored in either state can differ (the rest are at their
 * defaults in both), so the cost follows the transaction, not the schema. */
static void
compute_changes (PhonesecConfigStore *self, Commit *commit)
{
  g_autoptr (GHashTable) candidates = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTable *tables[]
      = { self->state->values, self->state->access, commit->next->values, commit->next->access };
  const GPtrArray *all = phonesec_schema_get_all (self->schema);

  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    {
      GHashTableIter iter;
      gpointer key;

      g_hash_table_iter_init (&iter, tables[t]);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_hash_table_add (candidates, key);
    }
  /* Schema order keeps Changed's names stable and readable. */
  for (guint i = 0; i < all->len && g_hash_table_size (candidates) > 0; i++)
    {
      const PhonesecParamSpec *spec = all->pdata[i];

      if (!g_hash_table_remove (candidates, spec->name))
        continue;
      if (!g_variant_equal (phonesec_config_state_get_value (self->state, spec),
                            phonesec_config_state_get_value (commit->next, spec))
          || phonesec_config_state_get_access (self->state, spec)
                 != phonesec_config_state_get_access (commit->next, spec))
        note_changed (commit, seen, spec);
    }
}

static void process_next (PhonesecConfigStore *self);

static void
finish_head (PhonesecConfigStore *self)
{
  g_object_unref (g_queue_pop_head (&self->pending));
  self->busy = FALSE;
  process_next (self);
}

static void
log_transaction (PhonesecConfigStore *self, Commit *commit)
{
  g_autoptr (GString) names = g_string_new (NULL);

  for (guint i = 0; i < commit->changed->len; i++)
    {
      if (i > 0)
        g_string_append (names, ", ");
      /* Names only: the journal must never hold a secret value. */
      g_string_append (names, commit->changed->pdata[i]);
    }
  phonesec_log_event (PHONESEC_MESSAGE_ID_TRANSACTION, G_LOG_LEVEL_MESSAGE,
                      "Configuration generation %" G_GUINT64_FORMAT " (%s, %s): %s",
                      commit->generation, commit->txn->source ? commit->txn->source : "unknown",
                      commit->txn->role == PHONESEC_ROLE_ADMIN ? "admin" : "user", names->str);
}

static void
write_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PhonesecConfigStore *self = PHONESEC_CONFIG_STORE (source);
  GTask *task = g_queue_peek_head (&self->pending);
  Commit *commit = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) names = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_warning ("Could not save the configuration to %s: %s", self->path, error->message);
      g_task_return_new_error (task, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                               _ ("Could not save the configuration (%s); nothing was changed"),
                               error->message);
      finish_head (self);
      return;
    }

  set_state (self, g_steal_pointer (&commit->next), commit->generation);
  self->path_is_good = TRUE;
  log_transaction (self, commit);

  g_ptr_array_add (commit->changed, NULL);
  names = (GStrv) g_ptr_array_steal (commit->changed, NULL);
  g_clear_pointer (&commit->changed, g_ptr_array_unref);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0, self->generation, names);

  g_task_return_boolean (task, TRUE);
  finish_head (self);
}

static void
process_head (PhonesecConfigStore *self, GTask *task)
{
  Commit *commit = g_task_get_task_data (task);
  PhonesecTransaction *txn = commit->txn;
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func ((GDestroyNotify) problem_free);
  g_autoptr (GTask) writer = NULL;
  WriteJob *job;

  if (txn->has_expected_generation && txn->expected_generation != self->generation)
    {
      /* Numbers as strings: a G_GUINT64_FORMAT inside _() breaks the msgid. */
      g_autofree char *expected = g_strdup_printf ("%" G_GUINT64_FORMAT, txn->expected_generation);
      g_autofree char *current = g_strdup_printf ("%" G_GUINT64_FORMAT, self->generation);

      g_task_return_new_error (task, PHONESEC_ERROR, PHONESEC_ERROR_CONFLICT,
                               _ ("The configuration changed since generation %s (it is now %s); "
                                  "read it again and retry"),
                               expected, current);
      finish_head (self);
      return;
    }

  commit->next = phonesec_config_state_copy (self->state);
  for (guint i = 0; i < txn->ops->len; i++)
    {
      const Op *op = txn->ops->pdata[i];

      switch (op->kind)
        {
          case OP_VALUE:
            process_value (self, commit, problems, op);
            break;
          case OP_RESET:
            process_reset (self, commit, problems, op);
            break;
          case OP_SKIPPED:
            g_hash_table_replace (commit->skipped, g_strdup (op->name), g_strdup (op->ua));
            break;
        }
    }

  if (txn->strict && problems->len > 0)
    {
      g_task_return_error (task, problems_to_error (problems));
      finish_head (self);
      return;
    }

  compute_changes (self, commit);
  commit->generation = self->generation;
  if (txn->dry_run || commit->changed->len == 0)
    {
      g_task_return_boolean (task, TRUE);
      finish_head (self);
      return;
    }

  commit->generation = self->generation + 1;
  job = g_new0 (WriteJob, 1);
  job->path = g_strdup (self->path);
  job->contents = state_serialize (self, commit->next, commit->generation, &job->len);
  job->keep_previous = self->path_is_good;
  writer = g_task_new (self, NULL, write_done, NULL);
  g_task_set_source_tag (writer, process_head);
  g_task_set_task_data (writer, job, (GDestroyNotify) write_job_free);
  g_task_run_in_thread (writer, write_in_thread);
}

static void
process_next (PhonesecConfigStore *self)
{
  GTask *task;

  if (self->busy || g_queue_is_empty (&self->pending))
    return;
  self->busy = TRUE;
  task = g_queue_peek_head (&self->pending);
  process_head (self, task);
}

void
phonesec_config_store_commit_async (PhonesecConfigStore *self, PhonesecTransaction *txn,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Commit *commit = g_new0 (Commit, 1);

  commit->txn = txn;
  commit->changed = g_ptr_array_new_with_free_func (g_free);
  commit->skipped = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_task_set_source_tag (task, phonesec_config_store_commit_async);
  g_task_set_task_data (task, commit, (GDestroyNotify) commit_free);
  g_queue_push_tail (&self->pending, task);
  process_next (self);
}

gboolean
phonesec_config_store_commit_finish (PhonesecConfigStore *self, GAsyncResult *result,
                                     guint64 *out_generation, GHashTable **out_skipped,
                                     GError **error)
{
  Commit *commit = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  if (out_generation != NULL)
    *out_generation = commit->generation;
  if (out_skipped != NULL)
    *out_skipped = g_hash_table_ref (commit->skipped);
  return TRUE;
}
