/* bench-startup.c: start time and idle memory of phonesecd with all plugins.
 *
 * With every plugin built in the tree (BUILD_ROOT/plugins/<name>/) plus
 * bench-probe, phonesecd is started ~10 times on the same state folder
 * (after one unmeasured start that warms the page cache and writes the
 * first-boot state). Each start is timed from the spawn to the bus name
 * (NameOwnerChanged) and to Manager.State == "running" (its
 * PropertiesChanged), both signals seen by this process. After the last
 * start and 1 s idle, VmRSS of phonesecd is read, and compared with that of
 * the echo service (a GDBus process that does nothing) after 1 s idle,
 * and that of the network service (phonesec-netd, started once the plugins
 * are active). Goals (issue 14): spawn → bus name at most 2.5 times the
 * echo service's, idle VmRSS of phonesecd at most 12 MiB.
 * Absolute figures: they are the phone's own; the RSS ratio is the
 * portable one.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <fcntl.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "bench-common.h"

#define STARTS 10
#define IDLE_MS 1000
#define START_TIMEOUT_S 20

typedef struct
{
  gint64 name_ns;
  gint64 running_ns;
  guint polled; /* starts only seen by the fallback poll */
} Start;

/* PHONESEC_BENCH_SMAPS=FILE keeps phonesecd's /proc/PID/smaps at the
 * moment its RSS is read: what the figure is made of. */
static void
keep_smaps (const char *pid)
{
  const char *to = g_getenv ("PHONESEC_BENCH_SMAPS");
  g_autofree char *from = NULL, *text = NULL;

  if (to == NULL || to[0] == '\0')
    return;
  from = g_strdup_printf ("/proc/%s/smaps", pid);
  if (!g_file_get_contents (from, &text, NULL, NULL) || !g_file_set_contents (to, text, -1, NULL))
    g_warning ("Could not keep %s in %s", from, to);
}

static void
on_name_owner_changed (GDBusConnection *connection, const char *sender, const char *path,
                       const char *iface, const char *signal, GVariant *parameters,
                       gpointer user_data)
{
  Start *start = user_data;
  const char *name, *old_owner, *new_owner;

  g_variant_get (parameters, "(&s&s&s)", &name, &old_owner, &new_owner);
  if (g_str_equal (name, BENCH_BUS_NAME) && new_owner[0] != '\0' && start->name_ns == 0)
    start->name_ns = bench_now_ns ();
}

static void
on_properties_changed (GDBusConnection *connection, const char *sender, const char *path,
                       const char *iface, const char *signal, GVariant *parameters,
                       gpointer user_data)
{
  Start *start = user_data;
  g_autoptr (GVariant) changed = NULL;
  const char *state = NULL;

  changed = g_variant_get_child_value (parameters, 1);
  if (g_variant_lookup (changed, "State", "&s", &state) && g_str_equal (state, "running")
      && start->running_ns == 0)
    start->running_ns = bench_now_ns ();
}

/* Fallback, should a PropertiesChanged ever be missed: no hang, just a
 * late (and counted) reading. */
static gboolean
poll_running (gpointer user_data)
{
  PhonesecTestBus *bus = user_data;
  g_autoptr (GVariant) reply = g_dbus_connection_call_sync (
      bus->connection, BENCH_BUS_NAME, BENCH_ROOT_PATH, "org.freedesktop.DBus.Properties", "Get",
      g_variant_new ("(ss)", BENCH_MANAGER_IFACE, "State"), G_VARIANT_TYPE ("(v)"),
      G_DBUS_CALL_FLAGS_NONE, 1000, NULL, NULL);
  g_autoptr (GVariant) state = NULL;

  if (reply == NULL)
    return G_SOURCE_CONTINUE;
  g_variant_get (reply, "(v)", &state);
  return g_str_equal (g_variant_get_string (state, NULL), "running") ? G_SOURCE_REMOVE
                                                                     : G_SOURCE_CONTINUE;
}

/* The fixture's own start polls every 5 ms: too coarse here, so the same
 * command line is spawned directly and timed by the signals. */
static gint64
spawn_daemon (PhonesecTestBus *bus)
{
  g_autoptr (GSubprocessLauncher) launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  int fd = g_open (bus->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  gint64 t0;

  g_assert_cmpint (fd, >=, 0);
  g_ptr_array_add (argv, g_strdup (g_getenv ("PHONESECD")));
  g_ptr_array_add (argv, g_strdup_printf ("--bus=%s", bus->address));
  g_ptr_array_add (argv, g_strdup_printf ("--state-dir=%s", bus->state_dir));
  g_ptr_array_add (argv, g_strdup_printf ("--schema-dir=%s", g_getenv ("PHONESEC_SCHEMA_DIR")));
  g_ptr_array_add (argv, g_strdup_printf ("--plugin-dir=%s", bus->plugin_dir));
  g_ptr_array_add (argv, NULL);
  if (g_getenv ("PHONESECD") == NULL || g_getenv ("PHONESEC_SCHEMA_DIR") == NULL)
    g_error ("PHONESECD and PHONESEC_SCHEMA_DIR must be set: run with meson test --benchmark");
  g_subprocess_launcher_take_stdout_fd (launcher, fd);
  g_subprocess_launcher_unsetenv (launcher, "NOTIFY_SOCKET");
  t0 = bench_now_ns ();
  bus->daemon = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  return t0;
}

static void
wait_running (PhonesecTestBus *bus, Start *start)
{
  gint64 deadline = g_get_monotonic_time () + START_TIMEOUT_S * G_USEC_PER_SEC;
  guint poll_id = g_timeout_add (100, poll_running, bus);
  GSource *source;

  while (start->running_ns == 0 || start->name_ns == 0)
    {
      g_main_context_iteration (NULL, TRUE);
      source = g_main_context_find_source_by_id (NULL, poll_id);
      if (source == NULL && start->running_ns == 0)
        {
          /* The poll saw "running" before the signal did. */
          start->running_ns = bench_now_ns ();
          start->polled++;
          poll_id = 0;
        }
      if (g_subprocess_get_identifier (bus->daemon) == NULL || g_get_monotonic_time () > deadline)
        {
          g_autofree char *log = phonesec_test_bus_dup_log (bus);
          g_error ("phonesecd did not reach State=running; its log:\n%s", log);
        }
    }
  if (poll_id != 0 && g_main_context_find_source_by_id (NULL, poll_id) != NULL)
    g_source_remove (poll_id);
}

/* Floors, to read the start time against: the same binary doing nothing
 * (--version: exec, dynamic linking of GLib/GIO/libsoup, constructors), and
 * the echo service reaching its bus name (exec + GDBus connect + name). */
static gint64
time_version (void)
{
  gint64 t0 = bench_now_ns ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                                                      g_getenv ("PHONESECD"), "--version", NULL);

  if (process == NULL || !g_subprocess_wait_check (process, NULL, &error))
    g_error ("phonesecd --version: %s", error->message);
  return bench_now_ns () - t0;
}

static gint64
time_echo_start (PhonesecTestBus *bus)
{
  gint64 t0 = bench_now_ns ();
  GSubprocess *echo = bench_echo_start (bus);
  gint64 ns = bench_now_ns () - t0;

  bench_echo_stop (echo);
  return ns;
}

static void
print_plugins (PhonesecTestBus *bus)
{
  g_autoptr (GVariant) reply = bench_call (bus->connection, BENCH_BUS_NAME, BENCH_ROOT_PATH,
                                           "org.freedesktop.DBus.Properties", "Get",
                                           g_variant_new ("(ss)", BENCH_MANAGER_IFACE, "Plugins"));
  g_autoptr (GVariant) paths = NULL;
  GVariantIter iter;
  const char *path;

  g_variant_get (reply, "(v)", &paths);
  g_variant_iter_init (&iter, paths);
  while (g_variant_iter_next (&iter, "&o", &path))
    {
      g_autoptr (GVariant) state_reply
          = bench_call (bus->connection, BENCH_BUS_NAME, path, "org.freedesktop.DBus.Properties",
                        "Get", g_variant_new ("(ss)", PHONESEC_DBUS_INTERFACE_PLUGIN, "State"));
      g_autoptr (GVariant) state = NULL;

      g_variant_get (state_reply, "(v)", &state);
      g_print ("  %s: %s\n", path, g_variant_get_string (state, NULL));
    }
}

int
main (int argc, char **argv)
{
  g_autoptr (PhonesecTestBus) bus = NULL;
  g_autoptr (GArray) to_name = bench_samples_new (STARTS);
  g_autoptr (GArray) to_running = bench_samples_new (STARTS);
  g_autoptr (GArray) version = bench_samples_new (STARTS);
  g_autoptr (GArray) echo_start = bench_samples_new (STARTS);
  double echo_start_median;
  Start start;
  guint n_plugins, subscriptions[2], polled = 0;
  guint64 daemon_rss = 0, echo_rss, netd_rss = 0;
  double running_median;
  GSubprocess *echo;
  gint64 begin = bench_now_ns ();

  bench_init (&argc, &argv, "phonesecd start time and idle RSS with all plugins.");
  /* The tests' G_DEBUG=gc-friendly zeroes buffers GLib would leave
   * untouched: memory as on a phone, where nobody sets it. */
  g_unsetenv ("G_DEBUG");
  /* As root the firewall plugin would filter this machine, and its rules
   * outlive the run (fail closed): start everything in a network of its
   * own. Without root it can change nothing. */
  if (getuid () == 0)
    phonesec_test_enter_private_network ();
  bus = bench_bus_new ();
  n_plugins = bench_install_plugins (bus, TRUE, TRUE);
  g_print ("%u plugin(s) installed in %s\n", n_plugins, bus->plugin_dir);

  subscriptions[0] = g_dbus_connection_signal_subscribe (
      bus->connection, "org.freedesktop.DBus", "org.freedesktop.DBus", "NameOwnerChanged",
      "/org/freedesktop/DBus", BENCH_BUS_NAME, G_DBUS_SIGNAL_FLAGS_NONE, on_name_owner_changed,
      &start, NULL);
  subscriptions[1] = g_dbus_connection_signal_subscribe (
      bus->connection, NULL, "org.freedesktop.DBus.Properties", "PropertiesChanged",
      BENCH_ROOT_PATH, BENCH_MANAGER_IFACE, G_DBUS_SIGNAL_FLAGS_NONE, on_properties_changed, &start,
      NULL);

  for (guint i = 0; i <= STARTS; i++)
    {
      gint64 t0;

      memset (&start, 0, sizeof start);
      t0 = spawn_daemon (bus);
      wait_running (bus, &start);
      polled += start.polled;
      if (i > 0)
        {
          gint64 name = start.name_ns - t0;
          gint64 running = start.running_ns - t0;

          g_array_append_val (to_name, name);
          g_array_append_val (to_running, running);
        }
      if (i == STARTS)
        {
          print_plugins (bus);
          bench_idle (IDLE_MS);
          daemon_rss = bench_rss_kib (g_subprocess_get_identifier (bus->daemon));
          keep_smaps (g_subprocess_get_identifier (bus->daemon));
          {
            g_autoptr (GVariant) reply = bench_call (
                bus->connection, BENCH_BUS_NAME, BENCH_ROOT_PATH, "org.freedesktop.DBus.Properties",
                "Get", g_variant_new ("(ss)", BENCH_MANAGER_IFACE, "NetworkServicePid"));
            g_autoptr (GVariant) pid = NULL;
            g_autofree char *text = NULL;

            g_variant_get (reply, "(v)", &pid);
            text = g_strdup_printf ("%u", g_variant_get_uint32 (pid));
            netd_rss = bench_rss_kib (text);
          }
        }
      phonesec_test_bus_stop_daemon (bus);
    }
  g_dbus_connection_signal_unsubscribe (bus->connection, subscriptions[0]);
  g_dbus_connection_signal_unsubscribe (bus->connection, subscriptions[1]);

  time_version ();
  time_echo_start (bus);
  for (guint i = 0; i < STARTS; i++)
    {
      gint64 ns = time_version ();

      g_array_append_val (version, ns);
      ns = time_echo_start (bus);
      g_array_append_val (echo_start, ns);
    }
  echo_start_median = bench_median_us (echo_start) / 1000.0;

  echo = bench_echo_start (bus);
  bench_idle (IDLE_MS);
  echo_rss = bench_rss_kib (g_subprocess_get_identifier (echo));
  bench_echo_stop (echo);
  if (daemon_rss == 0 || echo_rss == 0)
    g_error ("Could not read VmRSS from /proc");

  running_median = bench_median_us (to_running) / 1000.0;
  g_print ("%u starts with %u plugin(s)%s:\n", STARTS, n_plugins,
           polled > 0 ? " (some seen late by the fallback poll)" : "");
  g_print ("  spawn -> bus name        median %7.2f ms  max %7.2f ms\n",
           bench_median_us (to_name) / 1000.0, bench_percentile_us (to_name, 100) / 1000.0);
  g_print ("  spawn -> State=running   median %7.2f ms  max %7.2f ms\n", running_median,
           bench_percentile_us (to_running, 100) / 1000.0);
  g_print ("Floors:\n");
  g_print ("  phonesecd --version      median %7.2f ms (exec, linking, constructors)\n",
           bench_median_us (version) / 1000.0);
  g_print ("  echo service -> bus name median %7.2f ms\n", echo_start_median);
  g_print ("Idle VmRSS after %u ms: phonesecd %" G_GUINT64_FORMAT
           " KiB, echo service %" G_GUINT64_FORMAT " KiB; the network service %" G_GUINT64_FORMAT
           " KiB\n",
           IDLE_MS, daemon_rss, echo_rss, netd_rss);
  bench_report ("startup_name_ms", bench_median_us (to_name) / 1000.0, -1);
  bench_report ("startup_running_ms", running_median, -1);
  bench_report ("startup_plugins", n_plugins, -1);
  bench_report ("startup_echo_ms", echo_start_median, -1);
  bench_report ("startup_name_echo_ratio", bench_median_us (to_name) / 1000.0 / echo_start_median,
                2.5);
  bench_report ("startup_echo_ratio", running_median / echo_start_median, -1);
  bench_report ("idle_rss_kib", daemon_rss, 12 * 1024);
  bench_report ("idle_rss_netd_kib", netd_rss, -1);
  bench_report ("idle_rss_echo_kib", echo_rss, -1);
  bench_report ("idle_rss_echo_ratio", (double) daemon_rss / echo_rss, -1);
  g_print ("(%.1f s)\n", (bench_now_ns () - begin) / 1e9);
  return 0;
}
