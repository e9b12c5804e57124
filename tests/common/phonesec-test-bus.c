/* phonesec-test-bus.c: real bus, real daemon, per test.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <grp.h>
#include <sched.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>

#include "phonesec-test-bus.h"

#define BUS_NAME PHONESEC_DBUS_NAME
#define ROOT_PATH PHONESEC_DBUS_PATH

static const char *
required_env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL)
    g_error ("%s is not set: run the tests with meson test", name);
  return value;
}

/* Child setup: the bus and the daemon die with the test program. A failed
 * assertion aborts it without teardown, and would otherwise leave them
 * running for good (and holding the test's temp folder). */
static void
die_with_test (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

void
phonesec_test_enter_private_network (void)
{
  g_autoptr (GError) error = NULL;
  int status;

  if (unshare (CLONE_NEWNET) != 0)
    g_error ("unshare(CLONE_NEWNET): %s (the test must run as root)", g_strerror (errno));
  if (!g_spawn_command_line_sync ("ip link set lo up", NULL, NULL, &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    g_error ("ip link set lo up: %s", error->message);
}

void
phonesec_test_rm_rf (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        phonesec_test_rm_rf (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

PhonesecTestBus *
phonesec_test_bus_new (void)
{
  PhonesecTestBus *self = g_new0 (PhonesecTestBus, 1);
  g_autoptr (GError) error = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *socket = NULL;
  GInputStream *out;
  g_autoptr (GDataInputStream) lines = NULL;
  g_autofree char *line = NULL;

  self->tmpdir = g_dir_make_tmp ("phonesec-test-XXXXXX", &error);
  g_assert_no_error (error);
  /* Non-root clients (setpriv) must reach the socket. */
  g_chmod (self->tmpdir, 0755);
  self->state_dir = g_build_filename (self->tmpdir, "state", NULL);
  self->plugin_dir = g_build_filename (self->tmpdir, "plugins", NULL);
  g_mkdir (self->plugin_dir, 0755);
  self->log_path = g_build_filename (self->tmpdir, "phonesecd.log", NULL);
  self->extra_args = g_ptr_array_new_with_free_func (g_free);

  socket = g_build_filename (self->tmpdir, "bus", NULL);
  listen = g_strdup_printf ("--address=unix:path=%s", socket);
  {
    g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (
        G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);

    g_subprocess_launcher_set_child_setup (launcher, die_with_test, NULL, NULL);
    self->bus = g_subprocess_launcher_spawn (launcher, &error, "dbus-daemon", "--nofork",
                                             "--print-address=1", "--config-file",
                                             required_env ("PHONESEC_BUS_CONF"), listen, NULL);
  }
  g_assert_no_error (error);
  out = g_subprocess_get_stdout_pipe (self->bus);
  lines = g_data_input_stream_new (out);
  line = g_data_input_stream_read_line (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  self->address = g_strdup (g_strstrip (line));

  self->connection = g_dbus_connection_new_for_address_sync (
      self->address,
      G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
          | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
      NULL, NULL, &error);
  g_assert_no_error (error);
  g_dbus_connection_set_exit_on_close (self->connection, FALSE);
  return self;
}

static gboolean
name_has_owner (PhonesecTestBus *self)
{
  g_autoptr (GVariant) reply = g_dbus_connection_call_sync (
      self->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
      "NameHasOwner", g_variant_new ("(s)", BUS_NAME), G_VARIANT_TYPE ("(b)"),
      G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  gboolean owned = FALSE;

  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  return owned;
}

static gboolean
manager_running (PhonesecTestBus *self)
{
  g_autoptr (GVariant) reply = g_dbus_connection_call_sync (
      self->connection, BUS_NAME, ROOT_PATH, "org.freedesktop.DBus.Properties", "Get",
      g_variant_new ("(ss)", PHONESEC_DBUS_INTERFACE_MANAGER, "State"), G_VARIANT_TYPE ("(v)"),
      G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  g_autoptr (GVariant) state = NULL;

  if (reply == NULL)
    return FALSE;
  g_variant_get (reply, "(v)", &state);
  return g_strcmp0 (g_variant_get_string (state, NULL), "running") == 0;
}

void
phonesec_test_bus_spawn_daemon (PhonesecTestBus *self)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  const char *wrapper = g_getenv ("PHONESEC_DAEMON_WRAPPER");

  g_assert_null (self->daemon);
  /* Under valgrind the daemon itself is checked, not only the test. */
  if (wrapper != NULL && wrapper[0] != '\0')
    {
      g_auto (GStrv) words = g_strsplit (wrapper, " ", -1);
      for (guint i = 0; words[i] != NULL; i++)
        if (words[i][0] != '\0')
          g_ptr_array_add (argv, g_strdup (words[i]));
    }
  g_ptr_array_add (argv, g_strdup (required_env ("PHONESECD")));
  g_ptr_array_add (argv, g_strdup_printf ("--bus=%s", self->address));
  g_ptr_array_add (argv, g_strdup_printf ("--state-dir=%s", self->state_dir));
  g_ptr_array_add (argv, g_strdup_printf ("--schema-dir=%s", required_env ("PHONESEC_SCHEMA_DIR")));
  g_ptr_array_add (argv, g_strdup_printf ("--plugin-dir=%s", self->plugin_dir));
  for (guint i = 0; i < self->extra_args->len; i++)
    g_ptr_array_add (argv, g_strdup (self->extra_args->pdata[i]));
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_set_stdout_file_path (launcher, NULL);
  {
    /* Append, so restarts keep the earlier runs' log. */
    int fd = g_open (self->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    g_assert_cmpint (fd, >=, 0);
    g_subprocess_launcher_take_stdout_fd (launcher, fd);
  }
  g_subprocess_launcher_unsetenv (launcher, "NOTIFY_SOCKET");
  /* Test plugins record what they did here: per test, nothing shared. */
  g_subprocess_launcher_setenv (launcher, "PHONESEC_TEST_TMPDIR", self->tmpdir, TRUE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_test, NULL, NULL);
  self->daemon = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
}

void
phonesec_test_bus_start_daemon (PhonesecTestBus *self)
{
  phonesec_test_bus_spawn_daemon (self);
  phonesec_test_bus_wait_running (self);
}

void
phonesec_test_bus_wait_running (PhonesecTestBus *self)
{
  const char *wrapper = g_getenv ("PHONESEC_DAEMON_WRAPPER");
  /* Under valgrind a start takes seconds, and many more on a busy machine. */
  gint64 limit = wrapper != NULL && wrapper[0] != '\0' ? 120 : 20;
  gint64 deadline = g_get_monotonic_time () + limit * G_USEC_PER_SEC;

  while (!manager_running (self))
    {
      /* The identifier goes NULL once GLib has reaped the child. */
      if (g_subprocess_get_identifier (self->daemon) == NULL || g_get_monotonic_time () > deadline)
        {
          g_autofree char *log = phonesec_test_bus_dup_log (self);
          g_error ("phonesecd did not become ready; its log:\n%s", log);
        }
      g_usleep (5000);
    }
}

static void
wait_daemon (PhonesecTestBus *self)
{
  g_autoptr (GError) error = NULL;

  g_subprocess_wait (self->daemon, NULL, &error);
  g_assert_no_error (error);
  /* The name must be gone before a new daemon starts. */
  for (int i = 0; i < 2000 && name_has_owner (self); i++)
    g_usleep (1000);
}

void
phonesec_test_bus_stop_daemon (PhonesecTestBus *self)
{
  g_assert_nonnull (self->daemon);
  g_subprocess_send_signal (self->daemon, SIGTERM);
  wait_daemon (self);
  if (!g_subprocess_get_if_exited (self->daemon)
      || g_subprocess_get_exit_status (self->daemon) != 0)
    {
      g_autofree char *log = phonesec_test_bus_dup_log (self);
      g_error ("phonesecd did not exit cleanly on SIGTERM; its log:\n%s", log);
    }
  g_clear_object (&self->daemon);
}

int
phonesec_test_bus_wait_daemon_death (PhonesecTestBus *self, guint seconds)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;
  int status;

  g_assert_nonnull (self->daemon);
  /* The identifier goes NULL once GLib has reaped the child. */
  while (g_subprocess_get_identifier (self->daemon) != NULL)
    {
      if (g_get_monotonic_time () > deadline)
        {
          g_autofree char *log = phonesec_test_bus_dup_log (self);
          g_error ("phonesecd is still running after %u s; its log:\n%s", seconds, log);
        }
      g_usleep (5000);
    }
  wait_daemon (self);
  status = g_subprocess_get_status (self->daemon);
  g_clear_object (&self->daemon);
  return status;
}

void
phonesec_test_bus_kill_daemon (PhonesecTestBus *self)
{
  g_assert_nonnull (self->daemon);
  g_subprocess_force_exit (self->daemon);
  wait_daemon (self);
  g_clear_object (&self->daemon);
}

void
phonesec_test_bus_free (PhonesecTestBus *self)
{
  if (self == NULL)
    return;
  if (self->daemon != NULL)
    {
      g_subprocess_send_signal (self->daemon, SIGTERM);
      g_subprocess_wait (self->daemon, NULL, NULL);
      g_clear_object (&self->daemon);
    }
  if (self->connection != NULL)
    g_dbus_connection_close_sync (self->connection, NULL, NULL);
  g_clear_object (&self->connection);
  if (self->bus != NULL)
    {
      g_subprocess_force_exit (self->bus);
      g_subprocess_wait (self->bus, NULL, NULL);
      g_clear_object (&self->bus);
    }
  if (g_getenv ("PHONESEC_TEST_KEEP") == NULL)
    phonesec_test_rm_rf (self->tmpdir);
  g_ptr_array_unref (self->extra_args);
  g_free (self->tmpdir);
  g_free (self->state_dir);
  g_free (self->plugin_dir);
  g_free (self->address);
  g_free (self->log_path);
  g_free (self);
}

GVariant *
phonesec_test_call (PhonesecTestBus *self, const char *interface, const char *method,
                    GVariant *args, GError **error)
{
  return g_dbus_connection_call_sync (self->connection, BUS_NAME, ROOT_PATH, interface, method,
                                      args, NULL, G_DBUS_CALL_FLAGS_NONE, 10000, NULL, error);
}

GVariant *
phonesec_test_get (PhonesecTestBus *self, const char *name)
{
  const char *names[] = { name, NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = phonesec_test_call (self, PHONESEC_DBUS_INTERFACE_CONFIG, "Get",
                                                   g_variant_new ("(^as)", names), &error);
  g_autoptr (GVariant) values = NULL;
  GVariant *value;

  g_assert_no_error (error);
  values = g_variant_get_child_value (reply, 0);
  value = g_variant_lookup_value (values, name, NULL);
  g_assert_nonnull (value);
  return value;
}

GStrv
phonesec_test_dup_acted_on_by (PhonesecTestBus *self, const char *name)
{
  const char *names[] = { name, NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = phonesec_test_call (self, PHONESEC_DBUS_INTERFACE_CONFIG, "Describe",
                                                   g_variant_new ("(^as)", names), &error);
  g_autoptr (GVariant) all = NULL;
  g_autoptr (GVariant) facts = NULL;
  char **actors = NULL;
  gboolean active = FALSE;

  g_assert_no_error (error);
  all = g_variant_get_child_value (reply, 0);
  facts = g_variant_lookup_value (all, name, G_VARIANT_TYPE_VARDICT);
  g_assert_nonnull (facts);
  g_assert_true (g_variant_lookup (facts, "active", "b", &active));
  g_assert_true (g_variant_lookup (facts, "acted-on-by", "^as", &actors));
  g_assert_cmpint (active, ==, actors[0] != NULL);
  return actors;
}

char *
phonesec_test_dup_string (PhonesecTestBus *self, const char *name)
{
  g_autoptr (GVariant) value = phonesec_test_get (self, name);

  g_assert_true (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING));
  return g_variant_dup_string (value, NULL);
}

guint64
phonesec_test_get_generation (PhonesecTestBus *self)
{
  g_autoptr (GVariant) value
      = phonesec_test_get_property (self, ROOT_PATH, PHONESEC_DBUS_INTERFACE_CONFIG, "Generation");

  return g_variant_get_uint64 (value);
}

guint64
phonesec_test_apply (PhonesecTestBus *self, GVariant *values, GVariant *options, GError **error)
{
  g_autoptr (GVariant) reply = NULL;
  guint64 generation;

  if (options == NULL)
    options = g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0);
  reply = phonesec_test_call (self, PHONESEC_DBUS_INTERFACE_CONFIG, "Apply",
                              g_variant_new ("(@a{sv}@a{sv})", values, options), error);
  if (reply == NULL)
    return G_MAXUINT64;
  g_variant_get (reply, "(t)", &generation);
  return generation;
}

guint64
phonesec_test_apply_strings (PhonesecTestBus *self, GError **error, ...)
{
  GVariantBuilder builder;
  va_list args;
  const char *name;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{sv}"));
  va_start (args, error);
  while ((name = va_arg (args, const char *)) != NULL)
    {
      const char *value = va_arg (args, const char *);
      g_variant_builder_add (&builder, "{sv}", name, g_variant_new_string (value));
    }
  va_end (args);
  return phonesec_test_apply (self, g_variant_builder_end (&builder), NULL, error);
}

char *
phonesec_test_call_as_nobody (PhonesecTestBus *self, const char *interface, const char *method,
                              const char *args_text)
{
  return phonesec_test_call_as_nobody_in (self, NULL, interface, method, args_text);
}

char *
phonesec_test_call_as_nobody_in (PhonesecTestBus *self, const char *groups, const char *interface,
                                 const char *method, const char *args_text)
{
  return phonesec_test_call_as_nobody_at (self, groups, PHONESEC_DBUS_PATH, interface, method,
                                          args_text);
}

char *
phonesec_test_call_as_nobody_at (PhonesecTestBus *self, const char *groups, const char *path,
                                 const char *interface, const char *method, const char *args_text)
{
  g_autoptr (GSubprocess) client = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *groups_arg
      = groups != NULL ? g_strdup_printf ("--groups=%s", groups) : g_strdup ("--clear-groups");
  char *out = NULL;

  client = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, "setpriv", "--reuid=65534",
                             "--regid=65534", groups_arg, required_env ("PHONESEC_TEST_CLIENT"),
                             self->address, interface, method, args_text, path, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (client, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  return out;
}

guint32
phonesec_test_ensure_group (const char *name)
{
  struct group *group = getgrnam (name);
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;
  int status = 0;

  if (group == NULL)
    {
      const char *argv[] = { "groupadd", "--system", name, NULL };

      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                    NULL, NULL, &out, NULL, &status, &error);
      g_assert_no_error (error);
      group = getgrnam (name);
    }
  if (group == NULL)
    g_error ("group %s does not exist and groupadd could not make it (status %d)", name, status);
  return group->gr_gid;
}

char *
phonesec_test_bus_dup_log (PhonesecTestBus *self)
{
  char *log = NULL;

  if (!g_file_get_contents (self->log_path, &log, NULL, NULL))
    return g_strdup ("");
  return log;
}

gboolean
phonesec_test_wait_until (gboolean (*cond) (gpointer), gpointer data, guint ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) ms * 1000;

  while (!cond (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return TRUE;
}

/* Copies the plugin files of @dir_path (those of @only when not NULL). */
static void
add_plugin_files (PhonesecTestBus *self, const char *env_name, const char *only)
{
  const char *dir_path = g_getenv (env_name);
  g_autoptr (GDir) dir = NULL;
  g_autoptr (GError) error = NULL;
  const char *name;
  gboolean module = FALSE, plugin = FALSE;

  if (dir_path == NULL)
    g_error ("%s is not set: run the tests with meson test", env_name);
  dir = g_dir_open (dir_path, 0, &error);
  if (dir == NULL)
    g_error ("the plugin is not built (%s): %s", dir_path, error->message);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *from = g_build_filename (dir_path, name, NULL);
      g_autofree char *to = g_build_filename (self->plugin_dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize length;

      if (!(g_str_has_suffix (name, ".so") || g_str_has_suffix (name, ".plugin")
            || g_str_has_suffix (name, ".schema"))
          || !g_file_test (from, G_FILE_TEST_IS_REGULAR))
        continue;
      if (only != NULL && !(g_str_has_prefix (name, only) && name[strlen (only)] == '.'))
        continue;
      module |= g_str_has_suffix (name, ".so");
      plugin |= g_str_has_suffix (name, ".plugin");
      g_file_get_contents (from, &contents, &length, &error);
      g_assert_no_error (error);
      /* g_file_set_contents_full's mode is masked by the umask. */
      g_file_set_contents_full (to, contents, length, G_FILE_SET_CONTENTS_NONE, 0644, &error);
      g_assert_no_error (error);
      g_chmod (to, 0644);
    }
  if (!module || !plugin)
    g_error ("%s holds no complete plugin %s (.so and .plugin)", dir_path,
             only != NULL ? only : "");
}

void
phonesec_test_bus_add_plugin (PhonesecTestBus *self, const char *env_name)
{
  add_plugin_files (self, env_name, NULL);
}

void
phonesec_test_bus_add_plugin_named (PhonesecTestBus *self, const char *env_name, const char *name)
{
  add_plugin_files (self, env_name, name);
}

GVariant *
phonesec_test_get_property (PhonesecTestBus *self, const char *path, const char *interface,
                            const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = g_dbus_connection_call_sync (
      self->connection, PHONESEC_DBUS_NAME, path, "org.freedesktop.DBus.Properties", "Get",
      g_variant_new ("(ss)", interface, name), G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE,
      10000, NULL, &error);
  GVariant *value;

  g_assert_no_error (error);
  g_variant_get (reply, "(v)", &value);
  return value;
}

char *
phonesec_test_dup_string_property (PhonesecTestBus *self, const char *path, const char *interface,
                                   const char *name)
{
  g_autoptr (GVariant) value = phonesec_test_get_property (self, path, interface, name);

  g_assert_true (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING));
  return g_variant_dup_string (value, NULL);
}

typedef struct
{
  const char *path;
  const char *needle;
} FileWait;

static gboolean
file_has (gpointer data)
{
  FileWait *w = data;
  g_autofree char *text = NULL;

  return g_file_get_contents (w->path, &text, NULL, NULL) && strstr (text, w->needle) != NULL;
}

gboolean
phonesec_test_wait_file_contains (const char *path, const char *needle, guint ms)
{
  FileWait w = { path, needle };

  return phonesec_test_wait_until (file_has, &w, ms);
}

GSubprocess *
phonesec_test_start_probe_as_nobody (PhonesecTestBus *self, const char *groups, const char *out)
{
  g_autofree char *groups_arg
      = groups != NULL ? g_strdup_printf ("--groups=%s", groups) : g_strdup ("--clear-groups");
  g_autoptr (GError) error = NULL;
  GSubprocess *probe;

  g_file_set_contents (out, "", 0, &error);
  g_assert_no_error (error);
  g_chmod (out, 0666);
  probe = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE, &error, "setpriv", "--reuid=65534",
                            "--regid=65534", groups_arg, required_env ("PHONESEC_TEST_PROBE"),
                            self->address, out, NULL);
  g_assert_no_error (error);
  if (!phonesec_test_wait_file_contains (out, "SUBSCRIBED", 15000))
    g_error ("the probe (groups %s) never subscribed", groups != NULL ? groups : "none");
  return probe;
}

void
phonesec_test_daemon_setup (PhonesecTestDaemon *f, G_GNUC_UNUSED gconstpointer data)
{
  f->bus = phonesec_test_bus_new ();
  phonesec_test_bus_start_daemon (f->bus);
}

void
phonesec_test_daemon_teardown (PhonesecTestDaemon *f, G_GNUC_UNUSED gconstpointer data)
{
  g_clear_pointer (&f->bus, phonesec_test_bus_free);
}
