/* test-plugin-host.c: the plugin host with real modules, over a real bus.
 *
 * Each case copies the plugins it needs from the build tree
 * ($PHONESEC_TEST_PLUGIN_BUILD_DIR, $PHONESEC_TEST_EXAMPLE_PLUGIN_DIR) into
 * the fixture's plugin folder, starts phonesecd and looks at it only over
 * D-Bus, plus two files: the daemon's config.ini, and the event log the test
 * plugins append to (TMPDIR/plugin-events.log, see test-plugin-common.h:
 * "new NAME" when a module's entry point ran, "activate NAME",
 * "config_changed NAME a,b"), which shows what ran, in which order, and what
 * never ran.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plugin-fixture.h"

static char *
strv_text (const char *const *strv)
{
  g_autoptr (GVariant) value = g_variant_ref_sink (g_variant_new_strv (strv, -1));

  return g_variant_print (value, FALSE);
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

/* An as as text, sorted: names in a transaction have no promised order. */
static char *
sorted_strv_text (GVariant *as)
{
  gsize n = 0;
  g_autofree const char **names = g_variant_get_strv (as, &n);

  qsort (names, n, sizeof (char *), compare_names);
  return strv_text (names);
}

static GVariant *
describe (Fixture *f, const char *name, GError **error)
{
  const char *names[] = { name, NULL };
  g_autoptr (GVariant) reply
      = phonesec_test_call (f->bus, CONFIG, "Describe", g_variant_new ("(^as)", names), error);
  g_autoptr (GVariant) all = NULL;

  if (reply == NULL)
    return NULL;
  all = g_variant_get_child_value (reply, 0);
  return g_variant_lookup_value (all, name, G_VARIANT_TYPE_VARDICT);
}

static void
assert_unknown_parameter (Fixture *f, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) description = describe (f, name, &error);

  g_assert_null (description);
  assert_remote_error (error, PHONESEC_DBUS_ERROR_PREFIX "UnknownParameter");
}

static char *
config_ini (Fixture *f)
{
  g_autofree char *path = g_build_filename (f->bus->state_dir, "config.ini", NULL);
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

static void
assert_proxy_mode_is_core (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) description = describe (f, "Proxy_Mode", &error);
  const char *owner = NULL, *type = NULL;

  g_assert_no_error (error);
  g_assert_true (g_variant_lookup (description, "owner", "&s", &owner));
  g_assert_true (g_variant_lookup (description, "type", "&s", &type));
  g_assert_cmpstr (owner, ==, "core");
  g_assert_cmpstr (type, ==, "enum");
}

/* --- good plugin -------------------------------------------------------- */

static void
test_good_is_active_with_its_interface (Fixture *f, gconstpointer data)
{
  g_autofree char *path = plugin_path ("test-good");
  g_auto (GStrv) paths = NULL;
  g_autoptr (GVariant) params = NULL;
  g_autoptr (GVariant) count = NULL;
  g_autofree char *error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *params_text = NULL;

  install_plugin (f, "test-good");
  phonesec_test_bus_start_daemon (f->bus);

  assert_state (f, "test-good", "active");
  error = plugin_string (f, "test-good", "Error");
  name = plugin_string (f, "test-good", "Name");
  g_assert_cmpstr (error, ==, "");
  g_assert_cmpstr (name, ==, "test-good");
  g_assert_true (has_interface (f, "test-good", PLUGIN));
  g_assert_true (has_interface (f, "test-good", TEST_GOOD));

  paths = manager_plugins (f);
  g_assert_cmpuint (g_strv_length (paths), ==, 1);
  g_assert_cmpstr (paths[0], ==, path);

  params = plugin_property (f, "test-good", PLUGIN, "Parameters");
  params_text = sorted_strv_text (params);
  g_assert_cmpstr (params_text, ==, "['Test_Good_Label', 'Test_Good_Level']");

  count = plugin_property (f, "test-good", TEST_GOOD, "ChangeCount");
  g_assert_cmpuint (g_variant_get_uint32 (count), ==, 0);
  assert_event (f, "new test-good");
  assert_event (f, "activate test-good");
}

static guint
change_count (Fixture *f)
{
  g_autoptr (GVariant) count = plugin_property (f, "test-good", TEST_GOOD, "ChangeCount");

  return g_variant_get_uint32 (count);
}

static char *
last_changed (Fixture *f)
{
  g_autoptr (GVariant) names = plugin_property (f, "test-good", TEST_GOOD, "LastChanged");

  return sorted_strv_text (names);
}

static void
test_good_config_changed_once_with_watched_names (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *names = NULL;
  g_autofree char *names_after = NULL;
  g_autofree char *names_last = NULL;
  guint64 gen, gen2;

  install_plugin (f, "test-good");
  phonesec_test_bus_start_daemon (f->bus);
  assert_state (f, "test-good", "active");

  /* One transaction, two watched names (Watch=Proxy_*) and one other. The
   * host calls config_changed() before the store's task returns, so the
   * Apply reply is enough to wait for. */
  gen = phonesec_test_apply_strings (f->bus, &error, "Proxy_Mode", "Manual", "Proxy_Port", "8080",
                                     "VPN_Server", "vpn.example.com", NULL);
  g_assert_no_error (error);
  g_assert_cmpuint (change_count (f), ==, 1);
  names = last_changed (f);
  g_assert_cmpstr (names, ==, "['Proxy_Mode', 'Proxy_Port']");

  /* A transaction with no watched name: no call at all. */
  gen2 = phonesec_test_apply_strings (f->bus, &error, "VPN_Server", "vpn2.example.com",
                                      "Test_Good_Level", "7", NULL);
  g_assert_no_error (error);
  g_assert_cmpuint (gen2, ==, gen + 1);
  g_assert_cmpuint (change_count (f), ==, 1);
  names_after = last_changed (f);
  g_assert_cmpstr (names_after, ==, "['Proxy_Mode', 'Proxy_Port']");

  /* Nor for a transaction that changes nothing (same value again). */
  phonesec_test_apply_strings (f->bus, &error, "Proxy_Mode", "Manual", NULL);
  g_assert_no_error (error);
  g_assert_cmpuint (change_count (f), ==, 1);

  /* And the next watched change is delivered alone. */
  phonesec_test_apply_strings (f->bus, &error, "Proxy_Host", "proxy.example.com", NULL);
  g_assert_no_error (error);
  g_assert_cmpuint (change_count (f), ==, 2);
  names_last = last_changed (f);
  g_assert_cmpstr (names_last, ==, "['Proxy_Host']");
}

/* GLib warnings and criticals in the daemon, as plugins come and go: the host
 * must give plugins an object their interfaces can be added to and removed
 * from without complaint (GObject warns, e.g., when a generated object type
 * is told about an interface it does not know). */
static void
assert_daemon_log_clean (Fixture *f)
{
  const char *bad[] = { "-WARNING **", "-CRITICAL **" };
  g_autofree char *log = phonesec_test_bus_dup_log (f->bus);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    if (strstr (log, bad[i]) != NULL)
      g_error ("the daemon log has '%s'; log:\n%s", bad[i], log);
}

static void
test_plugin_lifecycle_logs_no_warning (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  install_plugin (f, "test-good");
  phonesec_test_bus_start_daemon (f->bus);
  assert_state (f, "test-good", "active");
  phonesec_test_apply_strings (f->bus, &error, "Proxy_Mode", "Manual", NULL);
  g_assert_no_error (error);
  /* Deactivation takes the feature interface off the object again. */
  phonesec_test_bus_stop_daemon (f->bus);
  assert_event (f, "deactivate test-good");
  assert_daemon_log_clean (f);
}

/* --- failures ---------------------------------------------------------------- */

static void
test_fail_is_error_and_daemon_lives (Fixture *f, gconstpointer data)
{
  g_autoptr (GVariant) mode = NULL;

  install_plugin (f, "test-fail");
  install_plugin (f, "test-good");
  phonesec_test_bus_start_daemon (f->bus);

  assert_state (f, "test-fail", "error");
  assert_error_contains (f, "test-fail", "could not open /dev/nonexistent");
  assert_event (f, "activate test-fail");
  /* The daemon and the other plugins carry on. */
  mode = phonesec_test_get (f->bus, "Proxy_Mode");
  g_assert_cmpstr (g_variant_get_string (mode, NULL), ==, "Off");
  assert_state (f, "test-good", "active");
  g_assert_true (has_interface (f, "test-fail", PLUGIN));
}

/* --plugin-timeout=1: a plugin that never completes is failed after one
 * second (not the default 30), and the next plugin is activated. */
static void
test_activation_timeout_option (Fixture *f, gconstpointer data)
{
  g_autofree char *error = NULL;
  gint64 started, failed;

  install_plugin (f, "test-hang");
  install_plugin (f, "test-good");
  add_daemon_args (f, "--plugin-timeout=1", NULL);
  /* Returns once Manager.State is running: every plugin has settled. */
  phonesec_test_bus_start_daemon (f->bus);
  failed = g_get_monotonic_time ();

  assert_state (f, "test-hang", "error");
  error = plugin_string (f, "test-hang", "Error");
  if (strstr (error, "within 1 second") == NULL || strstr (error, "seconds") != NULL)
    g_error ("test-hang: Error '%s' does not say 1 second", error);
  started = event_number (f, "activate-started");
  g_assert_cmpint (failed - started, >=, 950 * 1000);
  g_assert_cmpint (failed - started, <=, 2500 * 1000);
  assert_state (f, "test-good", "active");
}

static gboolean
misbehave_deactivated (gpointer data)
{
  Fixture *f = data;

  return event_index (f, "deactivate test-misbehave") >= 0;
}

/* A synchronous activate() that blocks past --plugin-timeout (test-misbehave
 * told to block 1.5 s in it) is failed like one that never completes, and
 * what it exported comes off the bus again: the host deactivates it. */
static void
test_blocking_activate_is_undone (Fixture *f, gconstpointer data)
{
  g_autofree char *plan = g_build_filename (f->bus->tmpdir, "test-misbehave.plan", NULL);

  g_assert_true (g_file_set_contents (plan, "activate block\n", -1, NULL));
  install_plugin (f, "test-misbehave");
  add_daemon_args (f, "--plugin-timeout=1", NULL);
  phonesec_test_bus_start_daemon (f->bus);

  assert_state (f, "test-misbehave", "error");
  assert_error_contains (f, "test-misbehave", "within 1 second");
  g_assert_true (phonesec_test_wait_until (misbehave_deactivated, f, 5000));
  g_assert_false (has_interface (f, "test-misbehave", TEST_MISBEHAVE));
}

static void
test_wrong_abi_is_refused (Fixture *f, gconstpointer data)
{
  install_plugin (f, "test-wrong-abi");
  phonesec_test_bus_start_daemon (f->bus);

  assert_state (f, "test-wrong-abi", "error");
  assert_error_contains (f, "test-wrong-abi", "ABI");
  assert_error_contains (f, "test-wrong-abi", "999");
  /* Refused before its entry point could run. */
  assert_no_event (f, "new test-wrong-abi");
  assert_no_event (f, "activate test-wrong-abi");
}

/* @data: the file made group-writable. */
static void
test_writable_file_is_refused (Fixture *f, gconstpointer data)
{
  const char *file = data;

  install_plugin (f, "test-good");
  chmod_plugin_file (f, file, 0664);
  phonesec_test_bus_start_daemon (f->bus);

  assert_state (f, "test-good", "error");
  assert_error_contains (f, "test-good", "writable");
  assert_error_contains (f, "test-good", file);
  /* The module was never opened: its constructor never ran, its schema
   * fragment (read after the module) is unknown, nothing is exported. */
  assert_no_event (f, "new test-good");
  assert_no_event (f, "activate test-good");
  g_assert_false (has_interface (f, "test-good", TEST_GOOD));
  assert_unknown_parameter (f, "Test_Good_Level");
}

static void
test_world_writable_file_is_refused (Fixture *f, gconstpointer data)
{
  install_plugin (f, "test-good");
  chmod_plugin_file (f, "test-good.so", 0646);
  phonesec_test_bus_start_daemon (f->bus);

  assert_state (f, "test-good", "error");
  assert_error_contains (f, "test-good", "writable");
  assert_no_event (f, "new test-good");
}

/* As root, a plugin file someone else owns could have been swapped by them. */
static void
test_not_root_owned_file_is_refused (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->bus->plugin_dir, "test-good.so", NULL);

  if (geteuid () != 0)
    {
      if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
        g_error ("CI runs as root; this test needs it");
      g_test_skip ("the ownership rule applies only when phonesecd runs as root");
      return;
    }
  install_plugin (f, "test-good");
  g_assert_cmpint (chown (path, 65534, 65534), ==, 0);
  phonesec_test_bus_start_daemon (f->bus);

  assert_state (f, "test-good", "error");
  assert_error_contains (f, "test-good", "not root");
  assert_no_event (f, "new test-good");
}

/* A symbolic link could point anywhere, whatever its target's mode. */
static void
test_symlinked_module_is_refused (Fixture *f, gconstpointer data)
{
  g_autofree char *link = g_build_filename (f->bus->plugin_dir, "test-good.so", NULL);
  g_autofree char *target = g_build_filename (build_dir_for ("test-good"), "test-good.so", NULL);

  install_plugin (f, "test-good");
  g_assert_cmpint (g_unlink (link), ==, 0);
  g_assert_cmpint (symlink (target, link), ==, 0);
  phonesec_test_bus_start_daemon (f->bus);

  assert_state (f, "test-good", "error");
  assert_error_contains (f, "test-good", "symbolic link");
  assert_no_event (f, "new test-good");
}

static void
test_clash_is_refused_and_core_keeps_parameter (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) mode = NULL;
  g_autoptr (GVariant) params = NULL;

  install_plugin (f, "test-clash");
  phonesec_test_bus_start_daemon (f->bus);

  assert_state (f, "test-clash", "error");
  assert_error_contains (f, "test-clash", "Proxy_Mode");
  assert_no_event (f, "activate test-clash");
  params = plugin_property (f, "test-clash", PLUGIN, "Parameters");
  g_assert_cmpuint (g_variant_n_children (params), ==, 0);

  /* All or nothing: not even its own, non-clashing name was added. */
  assert_unknown_parameter (f, "Test_Clash_Own");

  /* Proxy_Mode is still the core's enum, not the fragment's bool. */
  assert_proxy_mode_is_core (f);
  phonesec_test_apply_strings (f->bus, &error, "Proxy_Mode", "Yes", NULL);
  assert_remote_error (error, PHONESEC_DBUS_ERROR_PREFIX "InvalidValue");
  g_clear_error (&error);
  phonesec_test_apply_strings (f->bus, &error, "Proxy_Mode", "Manual", NULL);
  g_assert_no_error (error);
  mode = phonesec_test_get (f->bus, "Proxy_Mode");
  g_assert_cmpstr (g_variant_get_string (mode, NULL), ==, "Manual");
}

/* --- dependencies ------------------------------------------------------------ */

static void
test_depends_order (Fixture *f, gconstpointer data)
{
  g_autofree char *good = plugin_path ("test-good");
  g_autofree char *dep = plugin_path ("test-dep");
  g_auto (GStrv) paths = NULL;
  g_autoptr (GVariant) depends = NULL;
  g_autofree char *depends_text = NULL;
  int good_at, dep_at;

  install_plugin (f, "test-dep");
  install_plugin (f, "test-good");
  phonesec_test_bus_start_daemon (f->bus);

  assert_state (f, "test-good", "active");
  assert_state (f, "test-dep", "active");
  /* By name test-dep would come first: Depends must put it after. */
  paths = manager_plugins (f);
  g_assert_cmpuint (g_strv_length (paths), ==, 2);
  g_assert_cmpstr (paths[0], ==, good);
  g_assert_cmpstr (paths[1], ==, dep);
  good_at = event_index (f, "activate test-good");
  dep_at = event_index (f, "activate test-dep");
  g_assert_cmpint (good_at, >=, 0);
  g_assert_cmpint (dep_at, >, good_at);

  depends = plugin_property (f, "test-dep", PLUGIN, "Depends");
  depends_text = g_variant_print (depends, FALSE);
  g_assert_cmpstr (depends_text, ==, "['test-good']");
}

static void
test_depends_on_failed_plugin (Fixture *f, gconstpointer data)
{
  install_plugin (f, "test-dep");
  install_plugin (f, "test-good");
  chmod_plugin_file (f, "test-good.so", 0664);
  phonesec_test_bus_start_daemon (f->bus);

  assert_state (f, "test-good", "error");
  assert_state (f, "test-dep", "error");
  assert_error_contains (f, "test-dep", "test-good");
  assert_error_contains (f, "test-dep", "not active");
  assert_no_event (f, "activate test-dep");
}

static void
test_depends_on_missing_plugin (Fixture *f, gconstpointer data)
{
  install_plugin (f, "test-dep");
  phonesec_test_bus_start_daemon (f->bus);

  assert_state (f, "test-dep", "error");
  assert_error_contains (f, "test-dep", "test-good");
  assert_error_contains (f, "test-dep", "not installed");
  assert_no_event (f, "activate test-dep");
}

/* --- allow / deny ------------------------------------------------------------ */

static void
test_deny_disables (Fixture *f, gconstpointer data)
{
  g_autofree char *error = NULL;

  install_plugin (f, "test-good");
  install_plugin (f, "test-fail");
  add_daemon_args (f, "--plugins-deny=test-good", NULL);
  phonesec_test_bus_start_daemon (f->bus);

  assert_state (f, "test-good", "disabled");
  error = plugin_string (f, "test-good", "Error");
  g_assert_cmpstr (error, ==, "");
  assert_no_event (f, "new test-good");
  assert_no_event (f, "activate test-good");
  g_assert_false (has_interface (f, "test-good", TEST_GOOD));
  assert_unknown_parameter (f, "Test_Good_Level");
  /* Only the denied one. */
  assert_state (f, "test-fail", "error");
}

static void
test_allow_loads_only_matching (Fixture *f, gconstpointer data)
{
  const char *all[] = { "test-good", "test-fail", "test-dep", "test-wrong-abi" };

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    install_plugin (f, all[i]);
  add_daemon_args (f, "--plugins-allow=test-d*", NULL);
  phonesec_test_bus_start_daemon (f->bus);

  /* test-wrong-abi would be an ABI error if it had been looked at. */
  assert_state (f, "test-good", "disabled");
  assert_state (f, "test-fail", "disabled");
  assert_state (f, "test-wrong-abi", "disabled");
  assert_no_event (f, "new test-good");
  assert_no_event (f, "new test-fail");
  /* test-dep's dependency is not there to activate: its module is not
   * even loaded (modules load at their activation). */
  assert_no_event (f, "new test-dep");
  assert_state (f, "test-dep", "error");
  assert_error_contains (f, "test-dep", "test-good");

  /* A list of globs, with spaces. */
  phonesec_test_bus_stop_daemon (f->bus);
  g_ptr_array_set_size (f->bus->extra_args, 0);
  g_unlink (f->events_path);
  add_daemon_args (f, "--plugins-allow=test-d*, test-good", NULL);
  phonesec_test_bus_start_daemon (f->bus);
  assert_state (f, "test-good", "active");
  assert_state (f, "test-dep", "active");
  assert_state (f, "test-fail", "disabled");
  assert_state (f, "test-wrong-abi", "disabled");
  assert_no_event (f, "new test-fail");
}

/* --- discovery order and duplicate names ------------------------------------- */

/* Five files giving the same Name, in file name order. */
static const char *const duplicate_files[] = {
  "10-first.plugin", "20-second.plugin", "30-third.plugin", "40-fourth.plugin", "50-fifth.plugin",
};
static const char *const duplicate_paths[] = {
  PLUGINS_PATH "test_good",          PLUGINS_PATH "Duplicate_20_second",
  PLUGINS_PATH "Duplicate_30_third", PLUGINS_PATH "Duplicate_40_fourth",
  PLUGINS_PATH "Duplicate_50_fifth",
};

/* Writes the files in the order @order gives (indexes into duplicate_files),
 * so the folder lists them in an order of its own. */
static void
write_duplicates (Fixture *f, const guint *order)
{
  for (guint i = 0; i < G_N_ELEMENTS (duplicate_files); i++)
    {
      const char *file = duplicate_files[order[i]];
      g_autofree char *path = g_build_filename (f->bus->plugin_dir, file, NULL);
      g_autofree char *text = g_strdup_printf ("[Plugin]\nName=test-good\nModule=test-good.so\n"
                                               "Schema=test-good.schema\nDescription=from %s\n"
                                               "Version=0.1\nWatch=Proxy_*\n",
                                               file);
      g_autoptr (GError) error = NULL;

      g_file_set_contents (path, text, -1, &error);
      g_assert_no_error (error);
      g_assert_cmpint (g_chmod (path, 0644), ==, 0);
    }
}

static void
assert_duplicates_resolved (Fixture *f)
{
  g_auto (GStrv) paths = manager_plugins (f);
  g_autofree char *winner_file = g_build_filename (f->bus->plugin_dir, "10-first.plugin", NULL);
  g_autofree char *description = plugin_string (f, "test-good", "Description");

  /* The first file by name wins, whatever order the folder listed them. */
  g_assert_cmpuint (g_strv_length (paths), ==, G_N_ELEMENTS (duplicate_paths));
  for (guint i = 0; i < G_N_ELEMENTS (duplicate_paths); i++)
    g_assert_cmpstr (paths[i], ==, duplicate_paths[i]);
  assert_state (f, "test-good", "active");
  g_assert_cmpstr (description, ==, "from 10-first.plugin");

  /* Every other file is refused on its own object, naming the winner. */
  for (guint i = 1; i < G_N_ELEMENTS (duplicate_paths); i++)
    {
      g_autofree char *state
          = phonesec_test_dup_string_property (f->bus, duplicate_paths[i], PLUGIN, "State");
      g_autofree char *error
          = phonesec_test_dup_string_property (f->bus, duplicate_paths[i], PLUGIN, "Error");
      g_autofree char *name
          = phonesec_test_dup_string_property (f->bus, duplicate_paths[i], PLUGIN, "Name");
      g_autofree char *refused_description
          = phonesec_test_dup_string_property (f->bus, duplicate_paths[i], PLUGIN, "Description");
      g_autofree char *expected = g_strconcat ("from ", duplicate_files[i], NULL);

      g_assert_cmpstr (state, ==, "error");
      g_assert_cmpstr (name, ==, "test-good");
      g_assert_cmpstr (refused_description, ==, expected);
      if (strstr (error, winner_file) == NULL || strstr (error, "test-good") == NULL)
        g_error ("%s: Error '%s' does not name %s and the plugin name", duplicate_paths[i], error,
                 winner_file);
    }
  /* Loaded once: one constructor call. */
  {
    g_auto (GStrv) lines = events (f);
    guint created = 0;

    for (guint i = 0; lines[i] != NULL; i++)
      created += g_str_equal (lines[i], "new test-good");
    g_assert_cmpuint (created, ==, 1);
  }
}

static void
test_duplicate_name_first_file_wins (Fixture *f, gconstpointer data)
{
  const guint backwards[] = { 4, 3, 2, 1, 0 };
  const guint forwards[] = { 0, 1, 2, 3, 4 };
  guint shuffled[] = { 0, 1, 2, 3, 4 };
  const guint *orders[] = { backwards, forwards, shuffled };
  g_autofree char *info = g_build_filename (f->bus->plugin_dir, "test-good.plugin", NULL);

  for (guint i = G_N_ELEMENTS (shuffled) - 1; i > 0; i--)
    {
      guint j = (guint) g_test_rand_int_range (0, (gint32) i + 1);
      guint t = shuffled[i];

      shuffled[i] = shuffled[j];
      shuffled[j] = t;
    }
  install_plugin (f, "test-good");
  g_assert_cmpint (g_unlink (info), ==, 0);

  for (guint run = 0; run < G_N_ELEMENTS (orders); run++)
    {
      for (guint i = 0; i < G_N_ELEMENTS (duplicate_files); i++)
        {
          g_autofree char *path = g_build_filename (f->bus->plugin_dir, duplicate_files[i], NULL);
          g_unlink (path);
        }
      g_unlink (f->events_path);
      write_duplicates (f, orders[run]);
      phonesec_test_bus_start_daemon (f->bus);
      assert_duplicates_resolved (f);
      phonesec_test_bus_stop_daemon (f->bus);
    }
}

/* --- plugin parameters -------------------------------------------------------- */

static void
assert_owned_by_test_good (Fixture *f, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) description = describe (f, name, &error);
  const char *owner = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (description);
  g_assert_true (g_variant_lookup (description, "owner", "&s", &owner));
  g_assert_cmpstr (owner, ==, "test-good");
}

static void
test_parameters_described_and_survive_restart (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) description = NULL;
  g_autoptr (GVariant) level = NULL;
  g_autoptr (GVariant) label = NULL;
  const char *type = NULL;
  gint64 min = -1, max = -1;

  install_plugin (f, "test-good");
  phonesec_test_bus_start_daemon (f->bus);

  description = describe (f, "Test_Good_Level", &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_lookup (description, "type", "&s", &type));
  g_assert_true (g_variant_lookup (description, "min", "x", &min));
  g_assert_true (g_variant_lookup (description, "max", "x", &max));
  g_assert_cmpstr (type, ==, "int");
  g_assert_cmpint (min, ==, 0);
  g_assert_cmpint (max, ==, 100);
  assert_owned_by_test_good (f, "Test_Good_Level");
  assert_owned_by_test_good (f, "Test_Good_Label");

  /* The fragment's rules apply. */
  phonesec_test_apply_strings (f->bus, &error, "Test_Good_Level", "101", NULL);
  assert_remote_error (error, PHONESEC_DBUS_ERROR_PREFIX "InvalidValue");
  g_clear_error (&error);
  phonesec_test_apply_strings (f->bus, &error, "Test_Good_Level", "42", "Test_Good_Label", "kept",
                               NULL);
  g_assert_no_error (error);

  phonesec_test_bus_stop_daemon (f->bus);
  phonesec_test_bus_start_daemon (f->bus);

  level = phonesec_test_get (f->bus, "Test_Good_Level");
  label = phonesec_test_get (f->bus, "Test_Good_Label");
  g_assert_cmpint (g_variant_get_int32 (level), ==, 42);
  g_assert_cmpstr (g_variant_get_string (label, NULL), ==, "kept");
  assert_owned_by_test_good (f, "Test_Good_Level");
}

static void
test_orphan_value_kept_and_restored (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) level = NULL;
  g_autofree char *ini = NULL;
  g_autofree char *ini_after = NULL;
  g_auto (GStrv) paths = NULL;

  install_plugin (f, "test-good");
  phonesec_test_bus_start_daemon (f->bus);
  phonesec_test_apply_strings (f->bus, &error, "Test_Good_Level", "42", NULL);
  g_assert_no_error (error);
  phonesec_test_bus_stop_daemon (f->bus);

  /* Plugin removed: its parameter is gone from the API... */
  uninstall_plugin (f, "test-good");
  phonesec_test_bus_start_daemon (f->bus);
  assert_unknown_parameter (f, "Test_Good_Level");
  paths = manager_plugins (f);
  g_assert_cmpuint (g_strv_length (paths), ==, 0);
  ini = config_ini (f);
  g_assert_nonnull (strstr (ini, "Test_Good_Level=42"));

  /* ...and its value survives a rewrite of config.ini by another change. */
  phonesec_test_apply_strings (f->bus, &error, "Proxy_Mode", "Manual", NULL);
  g_assert_no_error (error);
  ini_after = config_ini (f);
  g_assert_nonnull (strstr (ini_after, "Proxy_Mode=Manual"));
  g_assert_nonnull (strstr (ini_after, "Test_Good_Level=42"));
  phonesec_test_bus_stop_daemon (f->bus);

  /* Reinstalled: the value comes back. */
  install_plugin (f, "test-good");
  phonesec_test_bus_start_daemon (f->bus);
  assert_state (f, "test-good", "active");
  level = phonesec_test_get (f->bus, "Test_Good_Level");
  g_assert_cmpint (g_variant_get_int32 (level), ==, 42);
}

/* --- the example plugin (plugins/example) ----------------------------------- */

static GVariant *
example_property (Fixture *f, const char *name)
{
  return plugin_property (f, "example", EXAMPLE, name);
}

static GVariant *
example_ping (Fixture *f, GError **error)
{
  return g_dbus_connection_call_sync (f->bus->connection, BUS_NAME, PLUGINS_PATH "example", EXAMPLE,
                                      "Ping", NULL, G_VARIANT_TYPE ("(s)"), G_DBUS_CALL_FLAGS_NONE,
                                      10000, NULL, error);
}

static gboolean
example_available (void)
{
  if (g_getenv ("PHONESEC_TEST_EXAMPLE_PLUGIN_DIR") != NULL)
    return TRUE;
  if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
    g_error ("PHONESEC_TEST_EXAMPLE_PLUGIN_DIR is not set (plugins/example not built)");
  g_test_skip ("plugins/example is not built");
  return FALSE;
}

static void
test_example_plugin (Fixture *f, gconstpointer data)
{
  g_autofree char *device = g_build_filename (f->bus->tmpdir, "device-info", NULL);
  g_autofree char *device_arg = g_strdup_printf ("--device-info=%s", device);
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) greeting = NULL;
  g_autoptr (GVariant) enabled = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) greeting2 = NULL;
  g_autoptr (GVariant) greeting3 = NULL;
  g_autoptr (GVariant) count = NULL;
  g_autoptr (GVariant) last = NULL;
  g_autoptr (GVariant) failed = NULL;
  g_autoptr (GVariant) description = NULL;
  g_autofree char *last_text = NULL;
  const char *owner = NULL;

  if (!example_available ())
    return;
  g_assert_true (g_file_set_contents (
      device, "[Device]\nMAC=AA-BB-CC-01-02-03\nSerial=FCH1234ABCD\n", -1, NULL));
  install_plugin (f, "example");
  add_daemon_args (f, device_arg, NULL);
  phonesec_test_bus_start_daemon (f->bus);

  assert_state (f, "example", "active");
  g_assert_true (has_interface (f, "example", EXAMPLE));
  greeting = example_property (f, "Greeting");
  enabled = example_property (f, "Enabled");
  g_assert_cmpstr (g_variant_get_string (greeting, NULL), ==, "Hello from aa:bb:cc:01:02:03");
  g_assert_true (g_variant_get_boolean (enabled));
  reply = example_ping (f, &error);
  g_assert_no_error (error);
  {
    const char *text = NULL;
    g_variant_get (reply, "(&s)", &text);
    g_assert_cmpstr (text, ==, "Hello from aa:bb:cc:01:02:03");
  }

  description = describe (f, "Example_Greeting", &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_lookup (description, "owner", "&s", &owner));
  g_assert_cmpstr (owner, ==, "example");

  /* Its own parameters, watched: one call, re-expanded. */
  phonesec_test_apply_strings (f->bus, &error, "Example_Greeting", "$MAU/$SN at $IP", "Proxy_Mode",
                               "Manual", NULL);
  g_assert_no_error (error);
  count = example_property (f, "ChangeCount");
  last = example_property (f, "LastChanged");
  last_text = g_variant_print (last, FALSE);
  g_assert_cmpuint (g_variant_get_uint32 (count), ==, 1);
  g_assert_cmpstr (last_text, ==, "['Example_Greeting']");
  greeting2 = example_property (f, "Greeting");
  /* No address pushed yet: $IP expands to nothing. */
  g_assert_cmpstr (g_variant_get_string (greeting2, NULL), ==, "AABBCC010203/FCH1234ABCD at ");

  /* $IP follows the network facts. */
  {
    GVariantBuilder facts;
    g_autoptr (GVariant) update = NULL;
    const char *addresses[] = { "192.0.2.7", NULL };

    g_variant_builder_init (&facts, G_VARIANT_TYPE ("a{sv}"));
    g_variant_builder_add (&facts, "{sv}", "addresses", g_variant_new_strv (addresses, -1));
    update
        = phonesec_test_call (f->bus, NETWORK, "Update", g_variant_new ("(a{sv})", &facts), &error);
    g_assert_no_error (error);
  }
  greeting3 = example_property (f, "Greeting");
  g_assert_cmpstr (g_variant_get_string (greeting3, NULL), ==,
                   "AABBCC010203/FCH1234ABCD at 192.0.2.7");

  /* Disabled: Ping fails with a phonesec error name. */
  phonesec_test_apply_strings (f->bus, &error, "Example_Enable", "No", NULL);
  g_assert_no_error (error);
  failed = example_ping (f, &error);
  g_assert_null (failed);
  assert_remote_error (error, PHONESEC_DBUS_ERROR_PREFIX "NotSupported");
  g_assert_nonnull (strstr (error->message, "Example_Enable"));
}

/* busctl introspect shows every member of the example's interface documented. */
static void
test_example_introspection_is_documented (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GDBusNodeInfo) node = NULL;
  GDBusInterfaceInfo *iface;
  const char *xml;

  if (!example_available ())
    return;
  install_plugin (f, "example");
  phonesec_test_bus_start_daemon (f->bus);
  reply = g_dbus_connection_call_sync (
      f->bus->connection, BUS_NAME, PLUGINS_PATH "example", "org.freedesktop.DBus.Introspectable",
      "Introspect", NULL, G_VARIANT_TYPE ("(s)"), G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(&s)", &xml);
  node = g_dbus_node_info_new_for_xml (xml, &error);
  g_assert_no_error (error);
  iface = g_dbus_node_info_lookup_interface (node, EXAMPLE);
  g_assert_nonnull (iface);
  g_assert_nonnull (
      g_dbus_annotation_info_lookup (iface->annotations, PHONESEC_DBUS_ANNOTATION_DOC));
  g_assert_nonnull (iface->methods[0]);
  for (guint m = 0; iface->methods[m] != NULL; m++)
    {
      g_assert_nonnull (g_dbus_annotation_info_lookup (iface->methods[m]->annotations,
                                                       PHONESEC_DBUS_ANNOTATION_DOC));
      for (guint a = 0; iface->methods[m]->out_args[a] != NULL; a++)
        g_assert_nonnull (g_dbus_annotation_info_lookup (
            iface->methods[m]->out_args[a]->annotations, PHONESEC_DBUS_ANNOTATION_DOC));
    }
  for (guint p = 0; iface->properties[p] != NULL; p++)
    g_assert_nonnull (g_dbus_annotation_info_lookup (iface->properties[p]->annotations,
                                                     PHONESEC_DBUS_ANNOTATION_DOC));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, setup, func, teardown)
#define ADD_DATA(path, data, func) g_test_add (path, Fixture, data, setup, func, teardown)
  ADD ("/plugins/good/active", test_good_is_active_with_its_interface);
  ADD ("/plugins/good/config-changed", test_good_config_changed_once_with_watched_names);
  ADD ("/plugins/good/clean-log", test_plugin_lifecycle_logs_no_warning);
  ADD ("/plugins/fail/activation-error", test_fail_is_error_and_daemon_lives);
  ADD ("/plugins/fail/activation-timeout", test_activation_timeout_option);
  ADD ("/plugins/fail/blocking-activate", test_blocking_activate_is_undone);
  ADD ("/plugins/fail/wrong-abi", test_wrong_abi_is_refused);
  ADD_DATA ("/plugins/fail/writable-module", "test-good.so", test_writable_file_is_refused);
  ADD_DATA ("/plugins/fail/writable-info", "test-good.plugin", test_writable_file_is_refused);
  ADD_DATA ("/plugins/fail/writable-schema", "test-good.schema", test_writable_file_is_refused);
  ADD ("/plugins/fail/world-writable", test_world_writable_file_is_refused);
  ADD ("/plugins/fail/not-root-owned", test_not_root_owned_file_is_refused);
  ADD ("/plugins/fail/symlink", test_symlinked_module_is_refused);
  ADD ("/plugins/fail/schema-clash", test_clash_is_refused_and_core_keeps_parameter);
  ADD ("/plugins/depends/order", test_depends_order);
  ADD ("/plugins/depends/failed", test_depends_on_failed_plugin);
  ADD ("/plugins/depends/missing", test_depends_on_missing_plugin);
  ADD ("/plugins/discover/duplicate-name", test_duplicate_name_first_file_wins);
  ADD ("/plugins/select/deny", test_deny_disables);
  ADD ("/plugins/select/allow", test_allow_loads_only_matching);
  ADD ("/plugins/schema/describe-and-restart", test_parameters_described_and_survive_restart);
  ADD ("/plugins/schema/orphan", test_orphan_value_kept_and_restored);
  ADD ("/plugins/example/greeting", test_example_plugin);
  ADD ("/plugins/example/introspection", test_example_introspection_is_documented);
  return g_test_run ();
}
