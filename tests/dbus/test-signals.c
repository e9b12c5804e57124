/* test-signals.c: the daemon's lifecycle as systemd and the bus see it.
 *
 * SIGTERM and SIGINT stop it cleanly (status 0, bus name released, running
 * marker removed); readiness and stopping are announced on NOTIFY_SOCKET,
 * READY=1 only once the name is owned; a second instance, a missing schema
 * and a bad command line fail with a clear message and a distinct status.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "phonesec-test-bus.h"

#define BUS_NAME PHONESEC_DBUS_NAME
#define ROOT_PATH PHONESEC_DBUS_PATH
#define CONFIG PHONESEC_DBUS_INTERFACE_CONFIG
#define MANAGER PHONESEC_DBUS_INTERFACE_MANAGER
#define RUNNING_MARKER "phonesecd.running"

/* How long a daemon may take to do what is asked (start, stop, fail),
 * valgrind included. */
#define DEADLINE_MS 30000

/* One phonesecd on a private bus (tests/common/phonesec-test-bus.h). */
typedef PhonesecTestDaemon Fixture;

/* For tests that start phonesecd themselves. */
static void
setup_bus_only (Fixture *f, gconstpointer data)
{
  f->bus = phonesec_test_bus_new ();
}

/* --- helpers ------------------------------------------------------------- */

static const char *
required_env (const char *name)
{
  const char *value = g_getenv (name);

  if (value == NULL)
    g_error ("%s is not set: run the tests with meson test", name);
  return value;
}

/* Child setup: a daemon this test starts dies with it, even when a failed
 * assertion aborts the test. */
static void
die_with_test (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* argv for phonesecd (under PHONESEC_DAEMON_WRAPPER, as the fixture does)
 * with the bus, state and plugin options; the caller adds more and NULL. */
static GPtrArray *
daemon_argv_new (Fixture *f)
{
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);
  const char *wrapper = g_getenv ("PHONESEC_DAEMON_WRAPPER");

  if (wrapper != NULL && wrapper[0] != '\0')
    {
      g_auto (GStrv) words = g_strsplit (wrapper, " ", -1);

      for (guint i = 0; words[i] != NULL; i++)
        if (words[i][0] != '\0')
          g_ptr_array_add (argv, g_strdup (words[i]));
    }
  g_ptr_array_add (argv, g_strdup (required_env ("PHONESECD")));
  g_ptr_array_add (argv, g_strdup_printf ("--bus=%s", f->bus->address));
  g_ptr_array_add (argv, g_strdup_printf ("--state-dir=%s", f->bus->state_dir));
  g_ptr_array_add (argv, g_strdup_printf ("--plugin-dir=%s", f->bus->plugin_dir));
  return argv;
}

static gboolean
name_has_owner (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = g_dbus_connection_call_sync (
      f->bus->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
      "NameHasOwner", g_variant_new ("(s)", BUS_NAME), G_VARIANT_TYPE ("(b)"),
      G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  gboolean owned = FALSE;

  g_assert_no_error (error);
  g_variant_get (reply, "(b)", &owned);
  return owned;
}

static gboolean
name_released (gpointer data)
{
  return !name_has_owner (data);
}

static char *
marker_path (Fixture *f)
{
  return g_build_filename (f->bus->state_dir, RUNNING_MARKER, NULL);
}

static GVariant *
manager_property (Fixture *f, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = g_dbus_connection_call_sync (
      f->bus->connection, BUS_NAME, ROOT_PATH, "org.freedesktop.DBus.Properties", "Get",
      g_variant_new ("(ss)", MANAGER, name), G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE, -1,
      NULL, &error);
  GVariant *value;

  g_assert_no_error (error);
  g_variant_get (reply, "(v)", &value);
  return value;
}

typedef struct
{
  gboolean done;
  GError *error;
} Waited;

static void
wait_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Waited *waited = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, &waited->error);
  waited->done = TRUE;
}

static gboolean
waited_done (gpointer data)
{
  return ((Waited *) data)->done;
}

/* Waits for @process to end (DEADLINE_MS, then it is killed and the test
 * fails); a daemon that hangs instead of exiting must not hang the test. */
static void
wait_exit (GSubprocess *process, const char *what)
{
  Waited waited = { 0 };

  g_subprocess_wait_async (process, NULL, wait_done, &waited);
  if (!phonesec_test_wait_until (waited_done, &waited, DEADLINE_MS))
    {
      g_subprocess_force_exit (process);
      while (!waited.done)
        g_main_context_iteration (NULL, TRUE);
      g_error ("%s did not exit within %d ms", what, DEADLINE_MS);
    }
  g_assert_no_error (waited.error);
}

/* Sends @signum to the fixture's daemon; asserts the clean-stop contract:
 * status 0, the bus name released, the running marker gone, and the next
 * start does not report a crash. */
static void
assert_signal_stops_cleanly (Fixture *f, int signum)
{
  g_autofree char *marker = marker_path (f);
  g_autofree char *log = NULL;
  g_autoptr (GSubprocess) daemon = g_steal_pointer (&f->bus->daemon);

  g_assert_true (name_has_owner (f));
  g_assert_true (g_file_test (marker, G_FILE_TEST_EXISTS));

  g_subprocess_send_signal (daemon, signum);
  wait_exit (daemon, "phonesecd after a signal");
  log = phonesec_test_bus_dup_log (f->bus);
  if (!g_subprocess_get_if_exited (daemon))
    g_error ("phonesecd died of signal %d instead of stopping; its log:\n%s",
             g_subprocess_get_term_sig (daemon), log);
  if (g_subprocess_get_exit_status (daemon) != 0)
    g_error ("phonesecd exited with status %d; its log:\n%s", g_subprocess_get_exit_status (daemon),
             log);
  /* The bus learns of the release (or the disconnect) on its own
   * schedule: give it a moment, no more. */
  g_assert_true (phonesec_test_wait_until (name_released, f, 2000));
  g_assert_false (g_file_test (marker, G_FILE_TEST_EXISTS));

  phonesec_test_bus_start_daemon (f->bus);
  {
    g_autoptr (GVariant) crashed = manager_property (f, "PreviousRunCrashed");
    g_assert_false (g_variant_get_boolean (crashed));
  }
}

/* --- SIGTERM / SIGINT ------------------------------------------------------ */

static void
test_sigterm_stops_cleanly (Fixture *f, gconstpointer data)
{
  assert_signal_stops_cleanly (f, SIGTERM);
}

static void
test_sigint_stops_cleanly (Fixture *f, gconstpointer data)
{
  assert_signal_stops_cleanly (f, SIGINT);
}

/* --- sd_notify ----------------------------------------------------------- */

/* A datagram socket at tmpdir/notify, as systemd's NOTIFY_SOCKET. */
static GSocket *
notify_socket_new (Fixture *f, char **out_path)
{
  g_autofree char *path = g_build_filename (f->bus->tmpdir, "notify", NULL);
  struct sockaddr_un native = { .sun_family = AF_UNIX };
  g_autoptr (GSocketAddress) address = NULL;
  g_autoptr (GError) error = NULL;
  GSocket *socket;

  g_assert_cmpuint (strlen (path), <, sizeof (native.sun_path));
  memcpy (native.sun_path, path, strlen (path) + 1);
  address = g_socket_address_new_from_native (&native, sizeof native);
  g_assert_nonnull (address);
  socket = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_DEFAULT,
                         &error);
  g_assert_no_error (error);
  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  *out_path = g_steal_pointer (&path);
  return socket;
}

/* The next datagram, or NULL after @ms. */
static char *
receive_notification (GSocket *socket, guint ms)
{
  g_autoptr (GError) error = NULL;
  char buffer[4096];
  gssize n;

  if (!g_socket_condition_timed_wait (socket, G_IO_IN, (gint64) ms * 1000, NULL, &error))
    {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
      return NULL;
    }
  n = g_socket_receive (socket, buffer, sizeof buffer - 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, >=, 0);
  return g_strndup (buffer, n);
}

/* Whether one of the newline-separated assignments of @message is @line. */
static gboolean
has_line (const char *message, const char *line)
{
  g_auto (GStrv) lines = g_strsplit (message, "\n", -1);

  return g_strv_contains ((const char *const *) lines, line);
}

/* Waits for a datagram holding @line, skipping others (STATUS=...); fails
 * if none comes in time. */
static char *
wait_notification (GSocket *socket, const char *line)
{
  gint64 deadline = g_get_monotonic_time () + DEADLINE_MS * 1000;

  for (;;)
    {
      gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
      char *message = left > 0 ? receive_notification (socket, left) : NULL;

      if (message == NULL)
        g_error ("phonesecd sent no %s on NOTIFY_SOCKET within %d ms", line, DEADLINE_MS);
      if (has_line (message, line))
        return message;
      g_free (message);
    }
}

static GSubprocess *
spawn_daemon (Fixture *f, const char *notify_path, GError **error)
{
  g_autoptr (GSubprocessLauncher) launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr (GPtrArray) argv = daemon_argv_new (f);

  g_ptr_array_add (argv, g_strdup_printf ("--schema-dir=%s", required_env ("PHONESEC_SCHEMA_DIR")));
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_set_stdout_file_path (launcher, f->bus->log_path);
  g_subprocess_launcher_setenv (launcher, "NOTIFY_SOCKET", notify_path, TRUE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_test, NULL, NULL);
  return g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, error);
}

static void
test_notify_ready_after_name_and_stopping (Fixture *f, gconstpointer data)
{
  g_autofree char *path = NULL;
  g_autoptr (GSocket) socket = notify_socket_new (f, &path);
  g_autoptr (GSubprocess) daemon = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *ready = NULL;
  g_autofree char *stopping = NULL;

  g_assert_false (name_has_owner (f));
  daemon = spawn_daemon (f, path, &error);
  g_assert_no_error (error);

  ready = wait_notification (socket, "READY=1");
  /* Anyone told "ready" may call at once: the name must be owned and the
   * service answering by then, not an instant later. */
  g_assert_true (name_has_owner (f));
  {
    g_autoptr (GVariant) state = manager_property (f, "State");
    g_assert_cmpstr (g_variant_get_string (state, NULL), ==, "running");
  }
  g_assert_null (strstr (ready, "STOPPING=1"));

  g_subprocess_send_signal (daemon, SIGTERM);
  stopping = wait_notification (socket, "STOPPING=1");
  wait_exit (daemon, "phonesecd after SIGTERM");
  g_assert_true (g_subprocess_get_if_exited (daemon));
  g_assert_cmpint (g_subprocess_get_exit_status (daemon), ==, 0);
}

/* --- failures to start ------------------------------------------------------- */

/* Runs phonesecd with the bus and state options plus @args (NULL-terminated);
 * returns its exit status and (merged) output. */
static int
run_daemon_expecting_exit (Fixture *f, char **out_output, ...)
{
  g_autoptr (GPtrArray) argv = daemon_argv_new (f);
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *output_path = g_build_filename (f->bus->tmpdir, "second.log", NULL);
  g_autoptr (GSubprocessLauncher) launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  va_list args;
  const char *arg;

  va_start (args, out_output);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_unlink (output_path);
  g_subprocess_launcher_set_stdout_file_path (launcher, output_path);
  g_subprocess_launcher_unsetenv (launcher, "NOTIFY_SOCKET");
  g_subprocess_launcher_set_child_setup (launcher, die_with_test, NULL, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  wait_exit (process, "phonesecd that should fail");
  g_assert_true (g_file_get_contents (output_path, out_output, NULL, NULL));
  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}

static void
test_second_instance_exits_name_taken (Fixture *f, gconstpointer data)
{
  g_autofree char *schema
      = g_strdup_printf ("--schema-dir=%s", required_env ("PHONESEC_SCHEMA_DIR"));
  g_autofree char *output = NULL;
  g_autofree char *pid = g_strdup (g_subprocess_get_identifier (f->bus->daemon));
  int status;

  /* Same bus, same state folder: a second copy started by mistake. */
  status = run_daemon_expecting_exit (f, &output, schema, NULL);
  g_test_message ("second instance: status %d, said: %s", status, output);
  g_assert_cmpint (status, !=, 0);
  g_assert_nonnull (strstr (output, BUS_NAME));
  g_assert_true (strstr (output, "another phonesecd") != NULL || strstr (output, "taken") != NULL
                 || strstr (output, "already") != NULL);

  /* The first one serves on, undisturbed. */
  g_assert_cmpstr (g_subprocess_get_identifier (f->bus->daemon), ==, pid);
  g_assert_true (name_has_owner (f));
  {
    g_autoptr (GVariant) mode = phonesec_test_get (f->bus, "Proxy_Mode");
    g_assert_cmpstr (g_variant_get_string (mode, NULL), ==, "Off");
  }
}

/* A copy started by mistake (an engineer running phonesecd by hand on a
 * phone whose service is up) must not touch the running one's state: not
 * take over its running marker, not report a crash that did not happen. */
static void
test_second_instance_leaves_state_alone (Fixture *f, gconstpointer data)
{
  g_autofree char *schema
      = g_strdup_printf ("--schema-dir=%s", required_env ("PHONESEC_SCHEMA_DIR"));
  g_autofree char *marker = marker_path (f);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *output = NULL;

  g_assert_true (g_file_get_contents (marker, &before, NULL, NULL));
  g_assert_cmpint (run_daemon_expecting_exit (f, &output, schema, NULL), !=, 0);
  g_assert_true (g_file_get_contents (marker, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, before);
  if (strstr (output, "did not stop cleanly") != NULL)
    g_error ("The second instance reports a crash of the first:\n%s", output);
}

static void
test_missing_schema_exits_1 (Fixture *f, gconstpointer data)
{
  g_autofree char *empty = g_build_filename (f->bus->tmpdir, "no-schema-here", NULL);
  g_autofree char *schema = g_strdup_printf ("--schema-dir=%s", empty);
  g_autofree char *output = NULL;
  int status;

  g_assert_cmpint (g_mkdir (empty, 0755), ==, 0);
  status = run_daemon_expecting_exit (f, &output, schema, NULL);
  g_test_message ("missing schema: status %d, said: %s", status, output);
  g_assert_cmpint (status, ==, 1);
  /* Says which file, and why. */
  g_assert_nonnull (strstr (output, empty));
  g_assert_nonnull (strstr (output, "phonesec.schema"));
  g_assert_false (name_has_owner (f));
}

static void
test_zero_lines_exits_2 (Fixture *f, gconstpointer data)
{
  g_autofree char *schema
      = g_strdup_printf ("--schema-dir=%s", required_env ("PHONESEC_SCHEMA_DIR"));
  g_autofree char *output = NULL;
  int status;

  status = run_daemon_expecting_exit (f, &output, schema, "--lines", "0", NULL);
  g_test_message ("--lines 0: status %d, said: %s", status, output);
  g_assert_cmpint (status, ==, 2);
  g_assert_nonnull (strstr (output, "--lines"));
  g_assert_false (name_has_owner (f));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/lifecycle/sigterm", Fixture, NULL, phonesec_test_daemon_setup,
              test_sigterm_stops_cleanly, phonesec_test_daemon_teardown);
  g_test_add ("/lifecycle/sigint", Fixture, NULL, phonesec_test_daemon_setup,
              test_sigint_stops_cleanly, phonesec_test_daemon_teardown);
  g_test_add ("/lifecycle/notify-ready-and-stopping", Fixture, NULL, setup_bus_only,
              test_notify_ready_after_name_and_stopping, phonesec_test_daemon_teardown);
  g_test_add ("/lifecycle/second-instance", Fixture, NULL, phonesec_test_daemon_setup,
              test_second_instance_exits_name_taken, phonesec_test_daemon_teardown);
  g_test_add ("/lifecycle/second-instance-leaves-state", Fixture, NULL, phonesec_test_daemon_setup,
              test_second_instance_leaves_state_alone, phonesec_test_daemon_teardown);
  g_test_add ("/lifecycle/missing-schema", Fixture, NULL, setup_bus_only,
              test_missing_schema_exits_1, phonesec_test_daemon_teardown);
  g_test_add ("/lifecycle/lines-zero", Fixture, NULL, setup_bus_only, test_zero_lines_exits_2,
              phonesec_test_daemon_teardown);
  return g_test_run ();
}
