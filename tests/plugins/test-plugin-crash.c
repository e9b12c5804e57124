/* test-plugin-crash.c: a plugin that takes phonesecd down does it once.
 *
 * test-misbehave segfaults, aborts or exits where its plan file says
 * (test-misbehave.c). phonesecd dies of it; the test starts it again with
 * the same state folder, as systemd would (Restart=on-failure), and finds
 * the plugin quarantined: its module not loaded, State=error, an Error
 * naming the entry point, the time and the signal; test-good, installed
 * beside it, active; a value applied in the crashing transaction kept.
 * Then what lifts the quarantine: Manager.EnablePlugin by an admin (not a
 * user), or a new module file. And a plugin that holds the main loop over a
 * second is named in the log, on its object (Plugin.LongestBlock) and on
 * the Manager object (BlockingPlugins, announced by PropertiesChanged).
 * Config.Describe and `phonesecctl describe` stop counting a plugin as
 * acting on what it watches while it is in State=error (a runtime error, a
 * quarantine), and count it again once it is back.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "plugin-fixture.h"

#define MISBEHAVE PHONESEC_DBUS_INTERFACE_PREFIX "TestMisbehave"
#define QUARANTINE_FILE "plugin-quarantine.ini"
#define APPLIED_PORT "4242"
#define DEATH_SECONDS 60

typedef enum
{
  AT_START, /* dies on its way up */
  ON_APPLY, /* Config.Apply of a watched parameter */
  ON_CALL,  /* its D-Bus method Poke */
  ON_STOP,  /* SIGTERM */
} Trigger;

typedef struct
{
  const char *where; /* the plan's WHERE */
  Trigger trigger;
  const char *said; /* what the Error says of where it crashed */
} Place;

static const Place places[] = {
  { "load", AT_START, "crashed while being loaded at " },
  { "activate", AT_START, "crashed in activate at " },
  { "config_changed", ON_APPLY, "crashed in config_changed at " },
  { "method", ON_CALL, "crashed in D-Bus method " MISBEHAVE ".Poke at " },
  { "deactivate", ON_STOP, "crashed in deactivate at " },
  { "callback", ON_APPLY, "crashed in a callback of its own (found by code address) at " },
  { "thread", ON_APPLY, "crashed in a thread of its own (found by code address) at " },
};

typedef struct
{
  const char *how; /* the plan's HOW */
  int signum;      /* what the daemon dies of, 0 for an exit status */
  const char *said;
} Way;

static const Way ways[] = {
  { "segv", SIGSEGV, "(signal SIGSEGV)" },
  { "abort", SIGABRT, "(signal SIGABRT)" },
  { "exit", 0, "(it called exit())" },
};

typedef struct
{
  const Place *place;
  const Way *way;
} Case;

static void
write_plan (Fixture *f, const char *where, const char *how)
{
  g_autofree char *path = g_build_filename (f->bus->tmpdir, "test-misbehave.plan", NULL);
  g_autofree char *plan = g_strdup_printf ("%s %s\n", where, how);

  g_assert_true (g_file_set_contents (path, plan, -1, NULL));
}

static void
remove_plan (Fixture *f)
{
  g_autofree char *path = g_build_filename (f->bus->tmpdir, "test-misbehave.plan", NULL);

  g_unlink (path);
}

static char *
quarantine_file (Fixture *f)
{
  g_autofree char *path = g_build_filename (f->bus->state_dir, QUARANTINE_FILE, NULL);
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return g_strdup ("");
  return text;
}

static GVariant *
poke (Fixture *f, GError **error)
{
  g_autofree char *path = plugin_path ("test-misbehave");

  return g_dbus_connection_call_sync (f->bus->connection, BUS_NAME, path, MISBEHAVE, "Poke", NULL,
                                      NULL, G_DBUS_CALL_FLAGS_NONE, 10000, NULL, error);
}

/* The daemon ended as the crash makes it: killed by the signal, or (exit)
 * with a failure status, which systemd's Restart=on-failure restarts. */
static void
assert_died_of (Fixture *f, int status, const Way *way)
{
  g_autofree char *log = phonesec_test_bus_dup_log (f->bus);

  if (way->signum != 0 && !(WIFSIGNALED (status) && WTERMSIG (status) == way->signum))
    g_error ("phonesecd should have died of signal %d; wait status %d; its log:\n%s", way->signum,
             status, log);
  if (way->signum == 0 && !(WIFEXITED (status) && WEXITSTATUS (status) != 0))
    g_error ("phonesecd should have exited with a failure status; wait status %d; its log:\n%s",
             status, log);
}

/* Makes test-misbehave crash as @c says and waits for the daemon to die. */
static void
crash_daemon (Fixture *f, const Case *c)
{
  g_autoptr (GError) error = NULL;
  int status;

  install_plugin (f, "test-good");
  install_plugin (f, "test-misbehave");
  write_plan (f, c->place->where, c->way->how);
  if (c->place->trigger == AT_START)
    phonesec_test_bus_spawn_daemon (f->bus);
  else
    {
      phonesec_test_bus_start_daemon (f->bus);
      assert_state (f, "test-misbehave", "active");
    }
  switch (c->place->trigger)
    {
      case AT_START:
        break;
      case ON_APPLY:
        {
          guint64 generation
              = phonesec_test_apply_strings (f->bus, &error, "Proxy_Port", APPLIED_PORT, NULL);

          /* The reply goes out after config_changed: a crash there loses it
           * (the bus answers NoReply), a later one does not. */
          if (error != NULL)
            assert_remote_error (error, "org.freedesktop.DBus.Error.NoReply");
          else
            g_assert_cmpuint (generation, >, 0);
          break;
        }
      case ON_CALL:
        {
          g_autoptr (GVariant) reply = poke (f, &error);

          g_assert_null (reply);
          assert_remote_error (error, "org.freedesktop.DBus.Error.NoReply");
          break;
        }
      case ON_STOP:
        g_subprocess_send_signal (f->bus->daemon, SIGTERM);
        break;
    }
  status = phonesec_test_bus_wait_daemon_death (f->bus, DEATH_SECONDS);
  assert_died_of (f, status, c->way);
}

static void
assert_quarantined (Fixture *f, const Case *c)
{
  g_autofree char *error = plugin_string (f, "test-misbehave", "Error");
  g_autofree char *file = quarantine_file (f);

  assert_state (f, "test-misbehave", "error");
  if (strstr (error, c->place->said) == NULL || strstr (error, c->way->said) == NULL
      || strstr (error, "quarantined until an administrator re-enables it") == NULL)
    g_error ("test-misbehave: Error '%s' should say '%s...%s' and quarantined", error,
             c->place->said, c->way->said);
  /* Not loaded: its entry point did not run this time. */
  assert_no_event (f, "new test-misbehave");
  g_assert_false (has_interface (f, "test-misbehave", MISBEHAVE));
  g_assert_nonnull (strstr (file, "[test-misbehave]"));
}

/* Crashes the daemon as @c says, starts it again with the same command and
 * state, as systemd's Restart=on-failure does, and finds the plugin
 * quarantined. */
static void
crash_and_restart (Fixture *f, const Case *c)
{
  crash_daemon (f, c);
  g_unlink (f->events_path);
  phonesec_test_bus_start_daemon (f->bus);
  assert_quarantined (f, c);
}

static void
test_crash_quarantines (Fixture *f, gconstpointer data)
{
  const Case *c = data;
  g_autoptr (GVariant) crashed = NULL;

  crash_and_restart (f, c);
  crashed = get_property (f, ROOT_PATH, MANAGER, "PreviousRunCrashed", NULL);
  g_assert_true (g_variant_get_boolean (crashed));
  assert_state (f, "test-good", "active");
  if (c->place->trigger == ON_APPLY)
    {
      /* The transaction committed before config_changed ran. */
      g_autoptr (GVariant) port = phonesec_test_get (f->bus, "Proxy_Port");

      g_assert_cmpuint (g_variant_get_uint32 (port), ==, g_ascii_strtoull (APPLIED_PORT, NULL, 10));
    }
  /* It stays quarantined across clean restarts too. */
  phonesec_test_bus_stop_daemon (f->bus);
  phonesec_test_bus_start_daemon (f->bus);
  assert_quarantined (f, c);
}

/* A child process the plugin forked inherits the crash handlers: its crash
 * or exit is not the daemon's. The daemon goes on, and when it is killed
 * later (no record of its own) nothing blames the plugin. */
static void
test_forked_child_is_not_the_daemon (Fixture *f, gconstpointer data)
{
  const Way *way = data;
  g_autoptr (GError) error = NULL;
  g_autofree char *file = NULL;
  g_autofree char *misbehaved = g_strdup_printf ("misbehave fork %s", way->how);

  install_plugin (f, "test-misbehave");
  write_plan (f, "fork", way->how);
  phonesec_test_bus_start_daemon (f->bus);
  phonesec_test_apply_strings (f->bus, &error, "Proxy_Port", APPLIED_PORT, NULL);
  g_assert_no_error (error);
  /* config_changed waits for its child: both are over by the reply. */
  assert_event (f, misbehaved);
  assert_state (f, "test-misbehave", "active");

  phonesec_test_bus_kill_daemon (f->bus);
  remove_plan (f);
  phonesec_test_bus_start_daemon (f->bus);
  assert_state (f, "test-misbehave", "active");
  file = quarantine_file (f);
  g_assert_null (strstr (file, "[test-misbehave]"));
}

static GVariant *
enable_plugin (Fixture *f, const char *name, GError **error)
{
  return phonesec_test_call (f->bus, MANAGER, "EnablePlugin", g_variant_new ("(s)", name), error);
}

/* Manager.EnablePlugin: refused to a user, done for an admin, durably; the
 * plugin is loaded at the next start (Manager.Restart). */
static void
test_admin_enables_quarantined_plugin (Fixture *f, gconstpointer data)
{
  const Case c = { &places[2], &ways[0] }; /* config_changed, segv */
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) unknown = NULL;
  g_autoptr (GVariant) pending = NULL;
  g_autoptr (GVariant) restarted = NULL;
  g_autoptr (GVariant) port = NULL;
  g_autofree char *as_user = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *file = NULL;

  crash_and_restart (f, &c);

  as_user = phonesec_test_call_as_nobody (f->bus, MANAGER, "EnablePlugin", "('test-misbehave',)");
  if (!g_str_has_prefix (as_user, "ERROR " PHONESEC_DBUS_ERROR_PREFIX "PermissionDenied "))
    g_error ("EnablePlugin as uid 65534: %s", as_user);
  assert_quarantined (f, &c);

  unknown = enable_plugin (f, "no-such-plugin", &error);
  g_assert_null (unknown);
  assert_remote_error (error, PHONESEC_DBUS_ERROR_PREFIX "NotFound");
  g_clear_error (&error);

  reply = enable_plugin (f, "test-misbehave", &error);
  g_assert_no_error (error);
  file = quarantine_file (f);
  g_assert_null (strstr (file, "[test-misbehave]"));
  assert_state (f, "test-misbehave", "error");
  reason = plugin_string (f, "test-misbehave", "Error");
  g_assert_nonnull (strstr (reason, "re-enabled by an administrator"));
  pending = get_property (f, ROOT_PATH, MANAGER, "PendingRestart", NULL);
  g_assert_true (g_variant_get_boolean (pending));

  remove_plan (f);
  restarted = phonesec_test_call (f->bus, MANAGER, "Restart", NULL, &error);
  g_assert_no_error (error);
  phonesec_test_bus_wait_running (f->bus);
  assert_state (f, "test-misbehave", "active");
  g_assert_true (has_interface (f, "test-misbehave", MISBEHAVE));
  port = phonesec_test_get (f->bus, "Proxy_Port");
  g_assert_cmpuint (g_variant_get_uint32 (port), ==, g_ascii_strtoull (APPLIED_PORT, NULL, 10));
}

/* A new module file (an update, a fixed build) lifts the quarantine. */
static void
test_new_module_file_lifts_quarantine (Fixture *f, gconstpointer data)
{
  const Case c = { &places[1], &ways[1] }; /* activate, abort */
  g_autofree char *file = NULL;
  g_autofree char *log = NULL;

  crash_and_restart (f, &c);
  phonesec_test_bus_stop_daemon (f->bus);

  remove_plan (f);
  install_plugin (f, "test-misbehave"); /* a new copy: another inode and mtime */
  phonesec_test_bus_start_daemon (f->bus);
  assert_state (f, "test-misbehave", "active");
  assert_event (f, "activate test-misbehave");
  file = quarantine_file (f);
  g_assert_null (strstr (file, "[test-misbehave]"));
  log = phonesec_test_bus_dup_log (f->bus);
  g_assert_nonnull (strstr (log, "quarantine lifted"));
}

/* --- what acts on a parameter, as plugins fail and come back --------------- */

/* Whether Config.Describe counts test-misbehave (Watch=Proxy_*) among what
 * acts on Proxy_Port. */
static gboolean
described_as_acting (Fixture *f)
{
  g_auto (GStrv) actors = phonesec_test_dup_acted_on_by (f->bus, "Proxy_Port");

  return g_strv_contains ((const char *const *) actors, "plugin:test-misbehave");
}

/* `phonesecctl describe Proxy_Port`: its table row. */
static char *
ctl_describe_row (Fixture *f)
{
  const char *argv[]
      = { g_getenv ("PHONESECCTL"), "--bus", f->bus->address, "describe", "Proxy_Port", NULL };
  g_auto (GStrv) env = g_environ_setenv (g_get_environ (), "LC_ALL", "C.UTF-8", TRUE);
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_auto (GStrv) lines = NULL;
  int status = 0;

  g_assert_nonnull (argv[0]);
  env = g_environ_setenv (env, "LANGUAGE", "", TRUE);
  g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status,
                &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
  lines = g_strsplit (out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), >=, 2);
  return g_strdup (lines[1]);
}

/* Nothing but test-misbehave watches Proxy_Port here: it acts on it
 * exactly while it is active, and phonesecctl marks it otherwise. */
static void
assert_acting (Fixture *f, gboolean acting)
{
  g_autofree char *row = ctl_describe_row (f);
  gboolean marked = strstr (row, "not active on this phone") != NULL;

  g_assert_cmpint (described_as_acting (f), ==, acting);
  if (marked == acting)
    g_error ("phonesecctl describe Proxy_Port, test-misbehave %s: %s",
             acting ? "active" : "in error", row);
}

/* Poke with the method's plan @how: test-misbehave ends in @state. */
static void
poke_as_planned (Fixture *f, const char *how, const char *state)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;

  write_plan (f, "method", how);
  reply = poke (f, &error);
  g_assert_no_error (error);
  assert_state (f, "test-misbehave", state);
}

/* A plugin that shows a runtime error while it runs no longer counts;
 * once it clears the error it does again. */
static void
test_runtime_error_stops_acting (Fixture *f, gconstpointer data)
{
  install_plugin (f, "test-misbehave");
  phonesec_test_bus_start_daemon (f->bus);
  assert_acting (f, TRUE);
  poke_as_planned (f, "fail", "error");
  assert_acting (f, FALSE);
  poke_as_planned (f, "recover", "active");
  assert_acting (f, TRUE);
}

/* A plugin quarantined after a crash acts on nothing; re-enabled by the
 * admin and restarted, it acts again. */
static void
test_quarantine_stops_acting (Fixture *f, gconstpointer data)
{
  const Case c = { &places[2], &ways[0] }; /* config_changed, segv */
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) enabled = NULL;
  g_autoptr (GVariant) restarted = NULL;

  crash_daemon (f, &c);
  uninstall_plugin (f, "test-good"); /* it watches Proxy_* too */
  g_unlink (f->events_path);
  phonesec_test_bus_start_daemon (f->bus);
  assert_quarantined (f, &c);
  assert_acting (f, FALSE);

  enabled = enable_plugin (f, "test-misbehave", &error);
  g_assert_no_error (error);
  remove_plan (f);
  restarted = phonesec_test_call (f->bus, MANAGER, "Restart", NULL, &error);
  g_assert_no_error (error);
  phonesec_test_bus_wait_running (f->bus);
  assert_state (f, "test-misbehave", "active");
  assert_acting (f, TRUE);
}

static gboolean
block_reported (gpointer data)
{
  Fixture *f = data;
  g_autoptr (GVariant) block = plugin_property (f, "test-misbehave", PLUGIN, "LongestBlock");
  guint32 milliseconds = 0;

  g_variant_get (block, "(&sut)", NULL, &milliseconds, NULL);
  return milliseconds > 0;
}

/* A PropertiesChanged of the Manager naming BlockingPlugins. */
static void
on_manager_changed (GDBusConnection *connection, const char *sender, const char *path,
                    const char *iface, const char *signal, GVariant *parameters, gpointer data)
{
  gboolean *announced = data;
  const char *changed_iface = NULL;
  g_autoptr (GVariant) changed = NULL;
  g_autoptr (GVariant) value = NULL;

  g_variant_get (parameters, "(&s@a{sv}@as)", &changed_iface, &changed, NULL);
  value = g_variant_lookup_value (changed, "BlockingPlugins", G_VARIANT_TYPE ("a{su}"));
  if (g_str_equal (changed_iface, MANAGER) && value != NULL
      && g_variant_lookup (value, "test-misbehave", "u", NULL))
    *announced = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

/* Manager.BlockingPlugins names test-misbehave with its LongestBlock's
 * length, and nothing else. */
static void
assert_manager_names_blocker (Fixture *f, guint32 milliseconds)
{
  g_autoptr (GVariant) blocking = get_property (f, ROOT_PATH, MANAGER, "BlockingPlugins", NULL);
  guint32 manager_ms = 0;

  g_assert_true (g_variant_is_of_type (blocking, G_VARIANT_TYPE ("a{su}")));
  g_assert_cmpuint (g_variant_n_children (blocking), ==, 1);
  g_assert_true (g_variant_lookup (blocking, "test-misbehave", "u", &manager_ms));
  g_assert_cmpuint (manager_ms, ==, milliseconds);
}

typedef struct
{
  const char *where; /* the plan's WHERE */
  const char *named; /* how the log and LongestBlock name it */
} Block;

static const Block blocks[] = {
  { "config_changed", "config_changed" },
  { "method", "dbus-method " MISBEHAVE ".Poke" },
};

/* An entry point sleeps 1.5 s on the main loop: the watchdog names it. */
static void
test_blocking_plugin_is_named (Fixture *f, gconstpointer data)
{
  const Block *b = data;
  g_autofree char *while_it_lasts = NULL;
  g_autofree char *once_over = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) block = NULL;
  g_autoptr (GVariant) good_block = NULL;
  g_autofree char *log = NULL;
  const char *where = NULL;
  const char *good_where = NULL;
  g_autoptr (GVariant) none_yet = NULL;
  guint32 milliseconds = 0;
  guint64 began = 0;
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;
  gboolean announced = FALSE;
  guint subscription;

  install_plugin (f, "test-good");
  install_plugin (f, "test-misbehave");
  write_plan (f, b->where, "block");
  phonesec_test_bus_start_daemon (f->bus);
  none_yet = get_property (f, ROOT_PATH, MANAGER, "BlockingPlugins", NULL);
  g_assert_cmpuint (g_variant_n_children (none_yet), ==, 0);
  subscription = g_dbus_connection_signal_subscribe (
      f->bus->connection, BUS_NAME, "org.freedesktop.DBus.Properties", "PropertiesChanged",
      ROOT_PATH, NULL, G_DBUS_SIGNAL_FLAGS_NONE, on_manager_changed, &announced, NULL);
  if (g_str_equal (b->where, "method"))
    {
      g_autoptr (GVariant) reply = poke (f, &error);

      g_assert_no_error (error);
    }
  else
    phonesec_test_apply_strings (f->bus, &error, "Proxy_Port", APPLIED_PORT, NULL);
  g_assert_no_error (error);

  /* Reported once the call is over, from the main loop. */
  g_assert_true (phonesec_test_wait_until (block_reported, f, 5000));
  block = plugin_property (f, "test-misbehave", PLUGIN, "LongestBlock");
  g_variant_get (block, "(&sut)", &where, &milliseconds, &began);
  g_assert_cmpstr (where, ==, b->named);
  g_assert_cmpuint (milliseconds, >=, 1300);
  g_assert_cmpuint (milliseconds, <=, 3000);
  g_assert_cmpuint (began, >=, before - 1);
  g_assert_cmpuint (began, <=, before + 60);
  g_assert_true (phonesec_test_wait_until (is_true, &announced, 5000));
  g_dbus_connection_signal_unsubscribe (f->bus->connection, subscription);
  assert_manager_names_blocker (f, milliseconds);
  log = phonesec_test_bus_dup_log (f->bus);
  /* While it lasts (from the watchdog thread), and once it is over. */
  while_it_lasts = g_strdup_printf (
      "Plugin test-misbehave has held the main loop for 1\\.[0-9] s in %s\n", b->named);
  once_over = g_strdup_printf (
      "Plugin test-misbehave held the main loop for [12]\\.[0-9] s in %s\n", b->named);
  g_assert_true (g_regex_match_simple (while_it_lasts, log, G_REGEX_MULTILINE, 0));
  g_assert_true (g_regex_match_simple (once_over, log, G_REGEX_MULTILINE, 0));

  /* A slow plugin is not a failed one; the others are not blamed. */
  assert_state (f, "test-misbehave", "active");
  good_block = plugin_property (f, "test-good", PLUGIN, "LongestBlock");
  g_variant_get (good_block, "(&sut)", &good_where, &milliseconds, NULL);
  g_assert_cmpstr (good_where, ==, "");
  g_assert_cmpuint (milliseconds, ==, 0);
}

int
main (int argc, char **argv)
{
  g_autoptr (GPtrArray) cases = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  g_test_init (&argc, &argv, NULL);
  for (guint p = 0; p < G_N_ELEMENTS (places); p++)
    for (guint w = 0; w < G_N_ELEMENTS (ways); w++)
      {
        Case *c = g_new0 (Case, 1);
        char *name = g_strdup_printf ("/plugins/crash/%s/%s", places[p].where, ways[w].how);

        c->place = &places[p];
        c->way = &ways[w];
        g_ptr_array_add (cases, c);
        g_ptr_array_add (names, name);
        g_test_add (name, Fixture, c, setup, test_crash_quarantines, teardown);
      }
  g_test_add ("/plugins/block/config-changed", Fixture, &blocks[0], setup,
              test_blocking_plugin_is_named, teardown);
  g_test_add ("/plugins/block/dbus-method", Fixture, &blocks[1], setup,
              test_blocking_plugin_is_named, teardown);
  for (guint w = 0; w < G_N_ELEMENTS (ways); w++)
    {
      char *name = g_strdup_printf ("/plugins/crash/forked-child/%s", ways[w].how);

      g_ptr_array_add (names, name);
      g_test_add (name, Fixture, &ways[w], setup, test_forked_child_is_not_the_daemon, teardown);
    }
  g_test_add ("/plugins/crash/enable-plugin", Fixture, NULL, setup,
              test_admin_enables_quarantined_plugin, teardown);
  g_test_add ("/plugins/crash/new-module-file", Fixture, NULL, setup,
              test_new_module_file_lifts_quarantine, teardown);
  g_test_add ("/plugins/crash/describe/runtime-error", Fixture, NULL, setup,
              test_runtime_error_stops_acting, teardown);
  g_test_add ("/plugins/crash/describe/quarantine", Fixture, NULL, setup,
              test_quarantine_stops_acting, teardown);
  return g_test_run ();
}
