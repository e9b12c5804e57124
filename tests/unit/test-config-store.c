/* test-config-store.c: the config store's transactions and its key file.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "phonesec/phonesec-error.h"
#include "phonesec-config-store.h"
#include "phonesec-test-store.h"

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
static gboolean quiet;  /* records are kept in logged only (loops of expected warnings) */

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

/* --- the file's seal and the previous generation ------------------------ */

static void
write_bytes (const char *path, const void *data, gsize len)
{
  int fd;

  /* A new file: the store may have linked @path to another name. No
   * fsync: thousands of files in the loops below. */
  g_unlink (path);
  fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (write (fd, data, len), ==, (gssize) len);
  g_assert_no_errno (close (fd));
}

/* Loads the files as a restarted daemon would, warnings expected and kept
 * in logged; returns load's result, @error its reason. */
static gboolean
reload (Fixture *f, GError **error)
{
  GLogLevelFlags fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK);
  gboolean ok;

  g_clear_object (&f->store);
  g_string_truncate (logged, 0);
  f->store = phonesec_config_store_new (f->schema, f->path);
  ok = phonesec_config_store_load (f->store, NULL, error);
  g_log_set_always_fatal (fatal);
  return ok;
}

static char *
sibling (Fixture *f, const char *suffix)
{
  return g_strconcat (f->path, suffix, NULL);
}

/* Generation 1: Mode=Manual Port=8080. Generation 2: Mode=Auto Port=8081
 * and a password. Returns the bytes of both files. */
static void
commit_two_generations (Fixture *f, GBytes **first, GBytes **second)
{
  Result r = commit (f, txn_with (PHONESEC_ROLE_ADMIN, "Mode", "Manual", "Port", "8080", NULL));

  g_assert_true (r.ok);
  result_clear (&r);
  *first = phonesec_test_read_bytes (f->path);
  r = commit (f, txn_with (PHONESEC_ROLE_ADMIN, "Mode", "Auto", "Port", "8081", "Password",
                           "pa55word", NULL));
  g_assert_true (r.ok);
  g_assert_cmpuint (r.generation, ==, 2);
  result_clear (&r);
  *second = phonesec_test_read_bytes (f->path);
}

/* The whole state, not only the names a cut could reach: no secret set. */
static void
assert_state (Fixture *f, guint64 generation, const char *mode, const char *port)
{
  g_auto (GStrv) secrets = phonesec_config_store_dup_secret_values (f->store);

  g_assert_cmpuint (phonesec_config_store_get_generation (f->store), ==, generation);
  g_assert_cmpstr (value_string (f, "Mode"), ==, mode);
  g_assert_cmpstr (value_string (f, "Port"), ==, port);
  g_assert_cmpuint (g_strv_length (secrets), ==, 0);
}

#define assert_first_generation(f) assert_state ((f), 1, "Manual", "8080")
#define assert_defaults(f) assert_state ((f), 0, "Off", "3128")

static void
test_file_is_a_key_file_sealed_by_length_and_sha256 (Fixture *f, gconstpointer data)
{
  Result r = commit (f, txn_with (PHONESEC_ROLE_ADMIN, "Mode", "Manual", NULL));
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GKeyFile) keyfile = g_key_file_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *checksum = NULL;
  g_autofree char *expected_length = NULL;
  g_autofree char *length = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *start_group = NULL;
  g_autofree char *last_line = NULL;
  const char *text, *seal;
  gsize len;

  g_assert_true (r.ok);
  result_clear (&r);
  bytes = phonesec_test_read_bytes (f->path);
  text = g_bytes_get_data (bytes, &len);
  /* Still a key file an engineer can read; the seal is its last group. */
  g_key_file_load_from_data (keyfile, text, len, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_key_file_get_integer (keyfile, "Store", "Version", NULL), ==, 2);
  start_group = g_key_file_get_start_group (keyfile);
  g_assert_cmpstr (start_group, ==, "Store");
  seal = strstr (text, "\n[Integrity]\n");
  g_assert_nonnull (seal);
  seal++;
  g_assert_true (g_str_has_suffix (text, "\n"));
  /* Length and SHA-256 of every byte above the [Integrity] line. */
  length = g_key_file_get_string (keyfile, "Integrity", "Length", &error);
  g_assert_no_error (error);
  sha256 = g_key_file_get_string (keyfile, "Integrity", "SHA256", &error);
  g_assert_no_error (error);
  expected_length = g_strdup_printf ("%" G_GSIZE_FORMAT, (gsize) (seal - text));
  g_assert_cmpstr (length, ==, expected_length);
  checksum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) text, seal - text);
  g_assert_cmpstr (sha256, ==, checksum);
  last_line = g_strconcat ("SHA256=", checksum, "\n", NULL);
  g_assert_true (g_str_has_suffix (text, last_line));
}

static void
test_commit_keeps_the_previous_generation (Fixture *f, gconstpointer data)
{
  g_autofree char *prev = sibling (f, ".prev");
  g_autoptr (GBytes) first = NULL;
  g_autoptr (GBytes) second = NULL;
  g_autoptr (GBytes) kept = NULL;
  g_autoptr (GBytes) current = NULL;

  commit_two_generations (f, &first, &second);
  kept = phonesec_test_read_bytes (prev);
  g_assert_true (g_bytes_equal (kept, first));
  current = phonesec_test_read_bytes (f->path);
  g_assert_true (g_bytes_equal (current, second));
}

static void
test_first_commit_has_no_previous_generation (Fixture *f, gconstpointer data)
{
  g_autofree char *prev = sibling (f, ".prev");
  Result r = commit (f, txn_with (PHONESEC_ROLE_ADMIN, "Mode", "Manual", NULL));

  g_assert_true (r.ok);
  result_clear (&r);
  g_assert_true (g_file_test (f->path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (prev, G_FILE_TEST_EXISTS));
}

/* Every prefix of a real store file is refused: with .prev beside it the
 * store holds exactly generation 1, without it exactly the defaults. */
static void
test_truncation_at_every_offset_is_detected (Fixture *f, gconstpointer data)
{
  g_autofree char *prev = sibling (f, ".prev");
  g_autofree char *corrupt = sibling (f, ".corrupt");
  g_autoptr (GBytes) first = NULL;
  g_autoptr (GBytes) second = NULL;
  const char *text;
  gsize len;

  commit_two_generations (f, &first, &second);
  text = g_bytes_get_data (second, &len);
  quiet = TRUE;
  for (gsize cut = 0; cut < len; cut++)
    for (int with_prev = 0; with_prev <= 1; with_prev++)
      {
        g_autoptr (GError) error = NULL;
        g_autoptr (GBytes) aside = NULL;

        /* Renames over an existing file make ext4 flush it: slow. */
        g_unlink (corrupt);
        write_bytes (f->path, text, cut);
        g_unlink (prev);
        if (with_prev)
          write_bytes (prev, g_bytes_get_data (first, NULL), g_bytes_get_size (first));
        if (reload (f, &error))
          g_error ("config.ini cut to %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT
                   " bytes loaded as good",
                   cut, len);
        g_assert_nonnull (strstr (error->message, ".corrupt"));
        if (with_prev)
          {
            assert_first_generation (f);
            g_assert_nonnull (strstr (error->message, "previous generation"));
          }
        else
          assert_defaults (f);
        aside = phonesec_test_read_bytes (corrupt);
        g_assert_cmpuint (g_bytes_get_size (aside), ==, cut);
      }
  quiet = FALSE;

  /* The whole file is generation 2. */
  write_bytes (f->path, text, len);
  open_store (f);
  g_assert_cmpuint (phonesec_config_store_get_generation (f->store), ==, 2);
  g_assert_cmpstr (value_string (f, "Port"), ==, "8081");
}

static void
test_every_bit_flip_is_detected (Fixture *f, gconstpointer data)
{
  g_autofree char *prev = sibling (f, ".prev");
  g_autofree char *corrupt = sibling (f, ".corrupt");
  g_autoptr (GBytes) first = NULL;
  g_autoptr (GBytes) second = NULL;
  g_autofree char *text = NULL;
  gsize len;

  commit_two_generations (f, &first, &second);
  len = g_bytes_get_size (second);
  text = g_memdup2 (g_bytes_get_data (second, NULL), len);
  quiet = TRUE;
  for (gsize i = 0; i < len; i++)
    for (guint bit = 0; bit < 8; bit++)
      {
        g_autoptr (GError) error = NULL;

        text[i] ^= 1 << bit;
        g_unlink (corrupt);
        write_bytes (f->path, text, len);
        write_bytes (prev, g_bytes_get_data (first, NULL), g_bytes_get_size (first));
        if (reload (f, &error))
          g_error ("config.ini with bit %u of byte %" G_GSIZE_FORMAT " ('%c') flipped loaded as "
                   "good",
                   bit, i, g_ascii_isprint (text[i]) ? text[i] : '?');
        assert_first_generation (f);
        text[i] ^= 1 << bit;
      }
  quiet = FALSE;
}

static void
test_missing_seal_is_cut_short (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) first = NULL;
  g_autoptr (GBytes) second = NULL;
  g_autoptr (GError) error = NULL;
  const char *text;
  const char *seal;
  gsize len;

  commit_two_generations (f, &first, &second);
  text = g_bytes_get_data (second, &len);
  seal = strstr (text, "[Integrity]\n");
  g_assert_nonnull (seal);
  /* The rest is a well-formed key file of format 2: only the seal is gone. */
  write_bytes (f->path, text, seal - text);
  g_assert_false (reload (f, &error));
  g_assert_nonnull (strstr (error->message, "[Integrity] group is missing"));
  g_assert_nonnull (strstr (logged->str, "kept aside as .corrupt"));
  assert_first_generation (f);
}

static void
test_old_format_loads_unverified_then_is_rewritten (Fixture *f, gconstpointer data)
{
  g_autofree char *prev = sibling (f, ".prev");
  static const char old[] = "[Store]\nVersion=1\nGeneration=4\n[Values]\nMode=Manual\nPort=8080\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) kept = NULL;
  g_autofree char *contents = NULL;
  Result r;

  write_bytes (f->path, old, strlen (old));
  g_assert_true (reload (f, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (logged->str, "accepted unverified"));
  g_assert_cmpuint (phonesec_config_store_get_generation (f->store), ==, 4);
  g_assert_cmpstr (value_string (f, "Mode"), ==, "Manual");
  g_assert_cmpstr (value_string (f, "Port"), ==, "8080");

  /* The next commit writes format 2 and keeps the old file as .prev. */
  r = commit (f, txn_with (PHONESEC_ROLE_ADMIN, "Port", "81", NULL));
  g_assert_true (r.ok);
  result_clear (&r);
  g_assert_true (g_file_get_contents (f->path, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "Version=2\n"));
  g_assert_nonnull (strstr (contents, "\n[Integrity]\n"));
  kept = phonesec_test_read_bytes (prev);
  g_assert_cmpmem (g_bytes_get_data (kept, NULL), g_bytes_get_size (kept), old, strlen (old));
  g_assert_true (reload (f, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (phonesec_config_store_get_generation (f->store), ==, 5);
  g_assert_null (strstr (logged->str, "unverified"));
}

/* The damaged file goes aside, the previous generation becomes the current
 * file again: the next start is clean, the next commit keeps it. */
static void
test_fallback_restores_the_previous_generation (Fixture *f, gconstpointer data)
{
  g_autofree char *prev = sibling (f, ".prev");
  g_autoptr (GBytes) first = NULL;
  g_autoptr (GBytes) second = NULL;
  g_autoptr (GBytes) current = NULL;
  g_autoptr (GError) error = NULL;
  Result r;

  commit_two_generations (f, &first, &second);
  write_bytes (f->path, g_bytes_get_data (second, NULL), g_bytes_get_size (second) - 10);
  g_assert_false (reload (f, &error));
  g_clear_error (&error);
  current = phonesec_test_read_bytes (f->path);
  g_assert_true (g_bytes_equal (current, first));
  g_assert_true (reload (f, &error));
  g_assert_no_error (error);
  assert_first_generation (f);

  r = commit (f, txn_with (PHONESEC_ROLE_ADMIN, "Port", "9", NULL));
  g_assert_true (r.ok);
  g_assert_cmpuint (r.generation, ==, 2);
  result_clear (&r);
  g_clear_pointer (&current, g_bytes_unref);
  current = phonesec_test_read_bytes (prev);
  g_assert_true (g_bytes_equal (current, first));
}

static void
test_missing_current_file_loads_the_previous_generation (Fixture *f, gconstpointer data)
{
  g_autofree char *prev = sibling (f, ".prev");
  g_autoptr (GBytes) first = NULL;
  g_autoptr (GBytes) second = NULL;
  g_autoptr (GBytes) restored = NULL;
  g_autoptr (GError) error = NULL;
  gboolean existed = FALSE;

  commit_two_generations (f, &first, &second);
  g_unlink (f->path);
  g_clear_object (&f->store);
  f->store = phonesec_config_store_new (f->schema, f->path);
  {
    GLogLevelFlags fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK);
    g_assert_false (phonesec_config_store_load (f->store, &existed, &error));
    g_log_set_always_fatal (fatal);
  }
  /* Not a first boot: no factory profile over the admin's settings. */
  g_assert_true (existed);
  g_assert_nonnull (strstr (error->message, "was missing"));
  assert_first_generation (f);
  /* Put back as the current file; .prev stays. */
  restored = phonesec_test_read_bytes (f->path);
  g_assert_true (g_bytes_equal (restored, first));
  g_assert_true (g_file_test (prev, G_FILE_TEST_EXISTS));
}

static void
test_both_generations_bad_start_on_defaults (Fixture *f, gconstpointer data)
{
  g_autofree char *prev = sibling (f, ".prev");
  g_autofree char *corrupt = sibling (f, ".corrupt");
  g_autofree char *prev_corrupt = sibling (f, ".prev.corrupt");
  g_autoptr (GBytes) first = NULL;
  g_autoptr (GBytes) second = NULL;
  g_autoptr (GError) error = NULL;

  commit_two_generations (f, &first, &second);
  write_bytes (f->path, g_bytes_get_data (second, NULL), 40);
  write_bytes (prev, g_bytes_get_data (first, NULL), g_bytes_get_size (first) - 1);
  g_assert_false (reload (f, &error));
  g_assert_nonnull (strstr (error->message, "previous generation"));
  g_assert_nonnull (strstr (error->message, "default settings"));
  assert_defaults (f);
  g_assert_true (g_file_test (corrupt, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (prev_corrupt, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (f->path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (prev, G_FILE_TEST_EXISTS));
}

/* A killed commit leaves its temp file or the .prev link being made; the
 * next load removes both and keeps .prev and .corrupt. */
static void
test_load_removes_what_a_killed_commit_left (Fixture *f, gconstpointer data)
{
  g_autofree char *temp = sibling (f, ".Kd93Xq");
  g_autofree char *link_new = sibling (f, ".prev.new");
  g_autofree char *prev = sibling (f, ".prev");
  g_autoptr (GBytes) first = NULL;
  g_autoptr (GBytes) second = NULL;

  commit_two_generations (f, &first, &second);
  write_bytes (temp, "[Store]\nVers", 12);
  write_bytes (link_new, g_bytes_get_data (first, NULL), g_bytes_get_size (first));
  open_store (f);
  g_assert_false (g_file_test (temp, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (link_new, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (prev, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (phonesec_config_store_get_generation (f->store), ==, 2);
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
  if (quiet)
    return G_LOG_WRITER_HANDLED;
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
  ADD ("/store/file/sealed", test_file_is_a_key_file_sealed_by_length_and_sha256);
  ADD ("/store/file/keeps-previous", test_commit_keeps_the_previous_generation);
  ADD ("/store/file/first-commit", test_first_commit_has_no_previous_generation);
  ADD ("/store/load/truncated-every-offset", test_truncation_at_every_offset_is_detected);
  ADD ("/store/load/bit-flip", test_every_bit_flip_is_detected);
  ADD ("/store/load/missing-seal", test_missing_seal_is_cut_short);
  ADD ("/store/load/old-format", test_old_format_loads_unverified_then_is_rewritten);
  ADD ("/store/load/fallback-restores", test_fallback_restores_the_previous_generation);
  ADD ("/store/load/current-missing", test_missing_current_file_loads_the_previous_generation);
  ADD ("/store/load/both-bad", test_both_generations_bad_start_on_defaults);
  ADD ("/store/load/leftovers", test_load_removes_what_a_killed_commit_left);
  ADD ("/store/secrets/credentials-in-values",
       test_credentials_in_values_feed_the_log_mask_and_are_kept);
  return g_test_run ();
}
