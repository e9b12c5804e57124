/* test-store.c: the config store's transactions and its key file.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gstdio.h>
#include <sys/stat.h>

#include "phonesec/phonesec-error.h"
#include "phonesec-config-store.h"

static const char schema_text[]
    = "[Mode]\n"
      "Type=enum\nChoices=Auto;Manual;Off\nDefault=Off\nAccess=rw\n"
      "Label=Mode\nTab=system\nSection=Test\n"
      "[Port]\n"
      "Type=port\nDefault=3128\nAccess=rw\nLabel=Port\nTab=system\nSection=Test\n"
      "[Hidden]\n"
      "Type=string\nDefault=\nAccess=na\nMaxLength=8\nLabel=Hidden\nTab=system\nSection=Test\n"
      "[Locked]\n"
      "Type=bool\nDefault=No\nAccess=ro\nLabel=Locked\nTab=system\nSection=Test\n"
      "[Password]\n"
      "Type=string\nDefault=\nAccess=rw\nSecret=true\nLabel=Password\nTab=system\nSection=Test\n"
      "[Url]\n"
      "Type=url\nDefault=\nAccess=rw\nLabel=Url\nTab=system\nSection=Test\n"
      "[Token]\n"
      "Type=string\nKind=header-secret\nDefault=\nAccess=rw\nLabel=Token\nTab=system\n"
      "Section=Test\n";

static const char plugin_schema_text[] = "[Plugin_Value]\n"
                                         "Type=int\nMin=0\nMax=10\nDefault=1\nAccess=rw\n"
                                         "Label=Plugin value\nTab=system\nSection=Test\n";

static GString *logged; /* every log message, for the tests that expect one */

typedef struct
{
  char *dir;
  char *path;
  PhonesecSchema *schema;
  PhonesecConfigStore *store;
  GStrv last_names;
  guint changed_count;
} Fixture;

static void
on_changed (PhonesecConfigStore *store, guint64 generation, const char *const *names, gpointer data)
{
  Fixture *f = data;

  f->changed_count++;
  g_strfreev (f->last_names);
  f->last_names = g_strdupv ((char **) names);
}

static void
open_store (Fixture *f)
{
  g_autoptr (GError) error = NULL;

  g_clear_object (&f->store);
  f->store = phonesec_config_store_new (f->schema, f->path);
  g_signal_connect (f->store, "changed", G_CALLBACK (on_changed), f);
  g_assert_true (phonesec_config_store_load (f->store, NULL, &error));
  g_assert_no_error (error);
}

static void
setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("phonesec-store-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "config.ini", NULL);
  f->schema = phonesec_schema_new (2);
  phonesec_schema_load_data (f->schema, schema_text, strlen (schema_text), "core", &error);
  g_assert_no_error (error);
  open_store (f);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_autoptr (GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  g_clear_object (&f->store);
  phonesec_schema_free (f->schema);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (f->dir, name, NULL);
      g_unlink (child);
    }
  g_rmdir (f->dir);
  g_strfreev (f->last_names);
  g_free (f->path);
  g_free (f->dir);
}

typedef struct
{
  gboolean done;
  gboolean ok;
  guint64 generation;
  GHashTable *skipped;
  GError *error;
} Result;

static void
commit_done (GObject *source, GAsyncResult *res, gpointer data)
{
  Result *result = data;

  result->ok = phonesec_config_store_commit_finish (
      PHONESEC_CONFIG_STORE (source), res, &result->generation, &result->skipped, &result->error);
  result->done = TRUE;
}

static Result
commit (Fixture *f, PhonesecTransaction *txn)
{
  Result result = { 0 };

  phonesec_config_store_commit_async (f->store, txn, NULL, commit_done, &result);
  while (!result.done)
    g_main_context_iteration (NULL, TRUE);
  return result;
}

static void
result_clear (Result *result)
{
  g_clear_error (&result->error);
  g_clear_pointer (&result->skipped, g_hash_table_unref);
}

static const char *
value_string (Fixture *f, const char *name)
{
  const PhonesecParamSpec *spec = phonesec_schema_lookup (f->schema, name);
  static char buffer[64];
  g_autofree char *text
      = phonesec_param_spec_format (spec, phonesec_config_store_get_value (f->store, spec));

  g_strlcpy (buffer, text, sizeof buffer);
  return buffer;
}

static PhonesecTransaction *
txn_with (PhonesecRole role, ...)
{
  PhonesecTransaction *txn = phonesec_transaction_new (role);
  va_list args;
  const char *name;

  va_start (args, role);
  while ((name = va_arg (args, const char *)) != NULL)
    phonesec_transaction_add_value (txn, name, g_variant_new_string (va_arg (args, const char *)),
                                    NULL);
  va_end (args);
  return txn;
}

static void
test_commit_persists_atomically_and_privately (Fixture *f, gconstpointer data)
{
  Result r = commit (f, txn_with (PHONESEC_ROLE_ADMIN, "Mode", "manual", "Port", "8080", NULL));
  struct stat st;

  g_assert_true (r.ok);
  g_assert_cmpuint (r.generation, ==, 1);
  g_assert_cmpuint (f->changed_count, ==, 1);
  g_assert_cmpuint (g_strv_length (f->last_names), ==, 2);
  g_assert_cmpint (g_stat (f->path, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0600);

  open_store (f);
  g_assert_cmpstr (value_string (f, "Mode"), ==, "Manual");
  g_assert_cmpstr (value_string (f, "Port"), ==, "8080");
  g_assert_cmpuint (phonesec_config_store_get_generation (f->store), ==, 1);
  result_clear (&r);
}

static void
test_strict_transaction_is_all_or_nothing (Fixture *f, gconstpointer data)
{
  Result r = commit (
      f, txn_with (PHONESEC_ROLE_ADMIN, "Mode", "Auto", "Port", "99999", "Nope", "1", NULL));

  g_assert_false (r.ok);
  g_assert_error (r.error, PHONESEC_ERROR, PHONESEC_ERROR_UNKNOWN_PARAMETER);
  g_assert_nonnull (strstr (r.error->message, "Port: "));
  g_assert_nonnull (strstr (r.error->message, "Nope: "));
  g_assert_cmpstr (value_string (f, "Mode"), ==, "Off");
  g_assert_cmpuint (f->changed_count, ==, 0);
  g_assert_false (g_file_test (f->path, G_FILE_TEST_EXISTS));
  result_clear (&r);
}

static void
test_lenient_transaction_skips_and_reports (Fixture *f, gconstpointer data)
{
  PhonesecTransaction *txn = txn_with (PHONESEC_ROLE_ADMIN, "Mode", "Auto", "Port", "99999", NULL);
  Result r;

  phonesec_transaction_set_strict (txn, FALSE);
  r = commit (f, txn);
  g_assert_true (r.ok);
  g_assert_cmpstr (value_string (f, "Mode"), ==, "Auto");
  g_assert_cmpstr (value_string (f, "Port"), ==, "3128");
  g_assert_true (g_hash_table_contains (r.skipped, "Port"));
  result_clear (&r);
}

static void
test_user_role_limits (Fixture *f, gconstpointer data)
{
  Result r = commit (f, txn_with (PHONESEC_ROLE_USER, "Locked", "Yes", NULL));

  g_assert_error (r.error, PHONESEC_ERROR, PHONESEC_ERROR_PERMISSION_DENIED);
  result_clear (&r);
  r = commit (f, txn_with (PHONESEC_ROLE_USER, "Hidden", "x", NULL));
  g_assert_error (r.error, PHONESEC_ERROR, PHONESEC_ERROR_UNKNOWN_PARAMETER);
  result_clear (&r);
  r = commit (f, txn_with (PHONESEC_ROLE_USER, "Mode", "Auto", NULL));
  g_assert_true (r.ok);
  result_clear (&r);
}

static void
test_user_access_override_persists_and_resets (Fixture *f, gconstpointer data)
{
  PhonesecTransaction *txn = phonesec_transaction_new (PHONESEC_ROLE_ADMIN);
  const PhonesecParamSpec *mode = phonesec_schema_lookup (f->schema, "Mode");
  Result r;

  phonesec_transaction_add_value (txn, "Mode", NULL, "na");
  r = commit (f, txn);
  g_assert_true (r.ok);
  result_clear (&r);
  open_store (f);
  g_assert_cmpint (phonesec_config_store_get_access (f->store, mode), ==, PHONESEC_ACCESS_NA);
  g_assert_false (phonesec_config_store_can_read (f->store, mode, PHONESEC_ROLE_USER));

  txn = phonesec_transaction_new (PHONESEC_ROLE_ADMIN);
  phonesec_transaction_add_reset (txn, "Mode");
  r = commit (f, txn);
  g_assert_true (r.ok);
  g_assert_cmpint (phonesec_config_store_get_access (f->store, mode), ==, PHONESEC_ACCESS_RW);
  result_clear (&r);
}

static void
test_unchanged_value_does_not_bump_generation (Fixture *f, gconstpointer data)
{
  Result r = commit (f, txn_with (PHONESEC_ROLE_ADMIN, "Mode", "Off", NULL));

  g_assert_true (r.ok);
  g_assert_cmpuint (r.generation, ==, 0);
  g_assert_cmpuint (f->changed_count, ==, 0);
  g_assert_false (g_file_test (f->path, G_FILE_TEST_EXISTS));
  result_clear (&r);
}

static void
test_transactions_run_in_call_order (Fixture *f, gconstpointer data)
{
  Result a = { 0 }, b = { 0 };
  PhonesecTransaction *second = txn_with (PHONESEC_ROLE_ADMIN, "Port", "2", NULL);

  phonesec_config_store_commit_async (f->store, txn_with (PHONESEC_ROLE_ADMIN, "Port", "1", NULL),
                                      NULL, commit_done, &a);
  /* The second expects the generation the first will produce. */
  phonesec_transaction_set_expected_generation (second, 1);
  phonesec_config_store_commit_async (f->store, second, NULL, commit_done, &b);
  while (!a.done || !b.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (a.ok);
  g_assert_true (b.ok);
  g_assert_cmpuint (b.generation, ==, 2);
  g_assert_cmpstr (value_string (f, "Port"), ==, "2");
  result_clear (&a);
  result_clear (&b);
}

static void
test_corrupt_file_is_kept_aside (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *aside = g_strconcat (f->path, ".corrupt", NULL);
  PhonesecConfigStore *store;

  g_assert_true (g_file_set_contents (f->path, "\x00\x01 not a key file", 18, NULL));
  store = phonesec_config_store_new (f->schema, f->path);
  /* The store reports it as a structured warning: expected here. */
  {
    GLogLevelFlags fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK);
    g_string_truncate (logged, 0);
    g_assert_false (phonesec_config_store_load (store, NULL, &error));
    g_log_set_always_fatal (fatal);
  }
  g_assert_nonnull (strstr (logged->str, "kept aside"));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, ".corrupt"));
  g_assert_true (g_file_test (aside, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (f->path, G_FILE_TEST_EXISTS));
  g_object_unref (store);
}

static void
test_unknown_stored_names_are_kept_until_their_schema_returns (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  const PhonesecParamSpec *spec;
  Result r;

  g_assert_true (g_file_set_contents (f->path,
                                      "[Store]\nVersion=1\nGeneration=7\n"
                                      "[Values]\nMode=Auto\nPlugin_Value=5\n"
                                      "[UserAccess]\nPlugin_Value=ro\n",
                                      -1, NULL));
  open_store (f);
  /* A later commit writes the orphan back untouched. */
  r = commit (f, txn_with (PHONESEC_ROLE_ADMIN, "Port", "81", NULL));
  g_assert_true (r.ok);
  result_clear (&r);
  g_assert_true (g_file_get_contents (f->path, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "Plugin_Value=5"));

  g_assert_true (phonesec_schema_load_data (f->schema, plugin_schema_text,
                                            strlen (plugin_schema_text), "plugin", &error));
  phonesec_config_store_adopt_orphans (f->store);
  spec = phonesec_schema_lookup (f->schema, "Plugin_Value");
  g_assert_cmpint (g_variant_get_int32 (phonesec_config_store_get_value (f->store, spec)), ==, 5);
  g_assert_cmpint (phonesec_config_store_get_access (f->store, spec), ==, PHONESEC_ACCESS_RO);
}

static void
test_secret_values_feed_the_log_mask (Fixture *f, gconstpointer data)
{
  Result r = commit (f, txn_with (PHONESEC_ROLE_ADMIN, "Password", "pa55word", NULL));
  g_auto (GStrv) secrets = NULL;

  g_assert_true (r.ok);
  secrets = phonesec_config_store_dup_secret_values (f->store);
  g_assert_cmpuint (g_strv_length (secrets), ==, 1);
  g_assert_cmpstr (secrets[0], ==, "pa55word");
  result_clear (&r);
}

/* Credentials inside values feed the log mask too; written back masked they
 * are kept, with another host refused. */
static void
test_credentials_in_values_feed_the_log_mask_and_are_kept (Fixture *f, gconstpointer data)
{
  Result r = commit (f, txn_with (PHONESEC_ROLE_ADMIN, "Url", "https://u:urlpw1@h.example/p",
                                  "Token", "tok-123", NULL));
  const PhonesecParamSpec *url = phonesec_schema_lookup (f->schema, "Url");
  g_auto (GStrv) secrets = NULL;

  g_assert_true (r.ok);
  result_clear (&r);
  secrets = phonesec_config_store_dup_secret_values (f->store);
  g_assert_true (g_strv_contains ((const char *const *) secrets, "urlpw1"));
  g_assert_true (g_strv_contains ((const char *const *) secrets, "tok-123"));

  r = commit (f, txn_with (PHONESEC_ROLE_USER, "Url", "https://u:********@h.example/p", "Token",
                           "********", NULL));
  g_assert_true (r.ok);
  result_clear (&r);
  g_assert_cmpstr (g_variant_get_string (phonesec_config_store_get_value (f->store, url), NULL), ==,
                   "https://u:urlpw1@h.example/p");

  r = commit (f, txn_with (PHONESEC_ROLE_USER, "Url", "https://u:********@evil.example/p", NULL));
  g_assert_false (r.ok);
  g_assert_error (r.error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE);
  g_assert_nonnull (strstr (r.error->message, "Url: "));
  g_assert_null (strstr (r.error->message, "urlpw1"));
  result_clear (&r);
  g_assert_cmpstr (g_variant_get_string (phonesec_config_store_get_value (f->store, url), NULL), ==,
                   "https://u:urlpw1@h.example/p");
}

static GLogWriterOutput
record_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE"))
      g_string_append_printf (logged, "%s\n", (const char *) fields[i].value);
  return g_log_writer_standard_streams (level, fields, n_fields, data);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  logged = g_string_new (NULL);
  g_log_set_writer_func (record_writer, NULL, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, setup, func, teardown)
  ADD ("/store/commit/persists", test_commit_persists_atomically_and_privately);
  ADD ("/store/commit/all-or-nothing", test_strict_transaction_is_all_or_nothing);
  ADD ("/store/commit/lenient", test_lenient_transaction_skips_and_reports);
  ADD ("/store/access/user-limits", test_user_role_limits);
  ADD ("/store/access/override", test_user_access_override_persists_and_resets);
  ADD ("/store/commit/no-change", test_unchanged_value_does_not_bump_generation);
  ADD ("/store/commit/order", test_transactions_run_in_call_order);
  ADD ("/store/load/corrupt", test_corrupt_file_is_kept_aside);
  ADD ("/store/load/orphans", test_unknown_stored_names_are_kept_until_their_schema_returns);
  ADD ("/store/secrets/mask", test_secret_values_feed_the_log_mask);
  ADD ("/store/secrets/credentials-in-values",
       test_credentials_in_values_feed_the_log_mask_and_are_kept);
  return g_test_run ();
}
