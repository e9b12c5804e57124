/* bench-common.c: see bench-common.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gstdio.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/statfs.h>
#include <time.h>

#include "bench-common.h"

static char *echo_path;
static char *probe_dir;
static char *build_root;

void
bench_init (int *argc, char ***argv, const char *summary)
{
  const GOptionEntry entries[] = {
    { "echo", 0, 0, G_OPTION_ARG_FILENAME, &echo_path, "bench-echo-service executable", "PATH" },
    { "probe-dir", 0, 0, G_OPTION_ARG_FILENAME, &probe_dir,
      "Build folder of bench-probe.so and bench-probe.plugin", "DIR" },
    { "build-root", 0, 0, G_OPTION_ARG_FILENAME, &build_root,
      "Build root, to find the built plugins (BUILD_ROOT/plugins/*/)", "DIR" },
    G_OPTION_ENTRY_NULL,
  };
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (GError) error = NULL;

  /* Results are read by people and by grep: unbuffered, in order with the
   * fixture's own messages. */
  setvbuf (stdout, NULL, _IOLBF, 0);
  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("%s\n", error->message);
      exit (2);
    }
}

const char *
bench_echo_path (void)
{
  if (echo_path == NULL)
    g_error ("--echo is required: run the benchmarks with meson test --benchmark");
  return echo_path;
}

const char *
bench_probe_dir (void)
{
  if (probe_dir == NULL)
    g_error ("--probe-dir is required: run the benchmarks with meson test --benchmark");
  return probe_dir;
}

const char *
bench_build_root (void)
{
  return build_root;
}

gint64
bench_now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

GArray *
bench_samples_new (guint reserve)
{
  return g_array_sized_new (FALSE, FALSE, sizeof (gint64), reserve);
}

static int
compare_int64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a;
  gint64 y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* Nearest-rank percentile (no interpolation): p99 of 300 samples is the
 * 297th, a value that was really measured. */
double
bench_percentile_us (GArray *samples, double percent)
{
  guint rank;

  g_assert (samples->len > 0);
  g_array_sort (samples, compare_int64);
  rank = (guint) MAX (1.0, (percent / 100.0) * samples->len + 0.999999);
  rank = MIN (rank, samples->len);
  return g_array_index (samples, gint64, rank - 1) / 1000.0;
}

double
bench_median_us (GArray *samples)
{
  guint n = samples->len;

  g_assert (n > 0);
  g_array_sort (samples, compare_int64);
  if (n % 2 == 1)
    return g_array_index (samples, gint64, n / 2) / 1000.0;
  return (g_array_index (samples, gint64, n / 2 - 1) + g_array_index (samples, gint64, n / 2))
         / 2000.0;
}

void
bench_report (const char *metric, double value, double goal)
{
  if (goal < 0 && value == (double) (gint64) value)
    g_print ("BENCH %s=%" G_GINT64_FORMAT "\n", metric, (gint64) value);
  else if (goal < 0)
    g_print ("BENCH %s=%.*f\n", metric, value < 10 ? 2 : 1, value);
  else
    g_print ("BENCH %s=%.2f goal<=%g %s\n", metric, value, goal, value <= goal ? "PASS" : "MISS");
}

void
bench_report_min (const char *metric, double value, double goal)
{
  g_print ("BENCH %s=%.2f goal>=%g %s\n", metric, value, goal, value >= goal ? "PASS" : "MISS");
}

PhonesecTestBus *
bench_bus_new (void)
{
  PhonesecTestBus *bus = phonesec_test_bus_new ();
  struct statfs st;

  if (statfs (bus->tmpdir, &st) == 0 && st.f_type == TMPFS_MAGIC)
    g_print ("WARNING: %s is on tmpfs: fsync costs nothing there, durable-write figures are "
             "meaningless (set TMPDIR to a disk folder)\n",
             bus->tmpdir);
  return bus;
}

/* --- plugins ----------------------------------------------------------- */

static void
copy_file (const char *from, const char *to_dir)
{
  g_autofree char *base = g_path_get_basename (from);
  g_autofree char *to = g_build_filename (to_dir, base, NULL);
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  gsize len;

  /* A copy, not a link: the loader refuses symbolic links and
   * group-writable files, and build folders may be either. */
  if (!g_file_get_contents (from, &contents, &len, &error)
      || !g_file_set_contents_full (to, contents, len, G_FILE_SET_CONTENTS_CONSISTENT, 0644,
                                    &error))
    g_error ("Cannot copy %s into %s: %s", from, to_dir, error->message);
}

/* Copies one .plugin and the files it names. */
static gboolean
install_plugin (const char *info_path, const char *to_dir)
{
  g_autoptr (GKeyFile) keyfile = g_key_file_new ();
  g_autofree char *dir = g_path_get_dirname (info_path);
  g_autofree char *module = NULL;
  g_autofree char *schema = NULL;
  g_autofree char *module_path = NULL;

  if (!g_key_file_load_from_file (keyfile, info_path, G_KEY_FILE_NONE, NULL))
    return FALSE;
  module = g_key_file_get_string (keyfile, "Plugin", "Module", NULL);
  if (module == NULL)
    return FALSE;
  module_path = g_build_filename (dir, module, NULL);
  /* A .plugin whose module is not built (yet) is not a plugin we can time. */
  if (!g_file_test (module_path, G_FILE_TEST_IS_REGULAR))
    return FALSE;
  copy_file (info_path, to_dir);
  copy_file (module_path, to_dir);
  schema = g_key_file_get_string (keyfile, "Plugin", "Schema", NULL);
  if (schema != NULL && schema[0] != '\0')
    {
      g_autofree char *schema_path = g_build_filename (dir, schema, NULL);
      copy_file (schema_path, to_dir);
    }
  g_print ("  plugin %s\n", info_path);
  return TRUE;
}

static guint
install_dir (const char *dir, const char *to_dir)
{
  g_autoptr (GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    if (g_str_has_suffix (name, ".plugin"))
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        n += install_plugin (path, to_dir);
      }
  return n;
}

guint
bench_install_plugins (PhonesecTestBus *bus, gboolean probe, gboolean all_built)
{
  guint n = 0;

  if (probe)
    n += install_dir (bench_probe_dir (), bus->plugin_dir);
  if (all_built && bench_build_root () != NULL)
    {
      /* Each plugin builds into BUILD_ROOT/plugins/<name>/ (plugins/meson.build). */
      g_autofree char *plugins = g_build_filename (bench_build_root (), "plugins", NULL);
      g_autoptr (GDir) handle = g_dir_open (plugins, 0, NULL);
      const char *name;

      while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
        {
          g_autofree char *sub = g_build_filename (plugins, name, NULL);

          if (g_file_test (sub, G_FILE_TEST_IS_DIR))
            n += install_dir (sub, bus->plugin_dir);
        }
    }
  return n;
}

/* --- calls ---------------------------------------------------------------- */

GVariant *
bench_call (GDBusConnection *connection, const char *dest, const char *path, const char *iface,
            const char *method, GVariant *args)
{
  g_autoptr (GError) error = NULL;
  GVariant *reply = g_dbus_connection_call_sync (connection, dest, path, iface, method, args, NULL,
                                                 G_DBUS_CALL_FLAGS_NONE, 30000, NULL, &error);

  if (reply == NULL)
    g_error ("%s.%s on %s failed: %s", iface, method, dest, error->message);
  return reply;
}

gint64
bench_time_call (GDBusConnection *connection, const char *dest, const char *path, const char *iface,
                 const char *method, GVariant *args)
{
  gint64 start = bench_now_ns ();
  g_autoptr (GVariant) reply = bench_call (connection, dest, path, iface, method, args);

  return bench_now_ns () - start;
}

/* --- the echo service ------------------------------------------------------ */

GSubprocess *
bench_echo_start (PhonesecTestBus *bus)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDataInputStream) lines = NULL;
  g_autofree char *line = NULL;
  GSubprocess *echo;

  echo = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, bench_echo_path (), bus->address,
                           NULL);
  if (echo == NULL)
    g_error ("Cannot start %s: %s", bench_echo_path (), error->message);
  /* It prints READY once it owns its name. */
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (echo));
  line = g_data_input_stream_read_line (lines, NULL, NULL, &error);
  if (g_strcmp0 (line, "READY") != 0)
    g_error ("bench-echo-service did not start: %s", error != NULL ? error->message : "no READY");
  return echo;
}

void
bench_echo_prime (PhonesecTestBus *bus, GVariant *values_asv)
{
  g_autoptr (GVariant) reply
      = bench_call (bus->connection, BENCH_ECHO_NAME, BENCH_ECHO_PATH, BENCH_ECHO_IFACE, "Prime",
                    g_variant_new ("(@a{sv})", values_asv));
}

void
bench_echo_stop (GSubprocess *echo)
{
  if (echo == NULL)
    return;
  g_subprocess_force_exit (echo);
  g_subprocess_wait (echo, NULL, NULL);
  g_object_unref (echo);
}

guint64
bench_rss_kib (const char *pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status", pid);
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents (path, &status, NULL, NULL))
    return 0;
  line = strstr (status, "\nVmRSS:");
  if (line == NULL)
    return 0;
  return g_ascii_strtoull (line + strlen ("\nVmRSS:"), NULL, 10);
}

static gboolean
idle_done (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

void
bench_idle (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, idle_done, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* --- CPU accounting -------------------------------------------------------- */

GHashTable *
bench_cpu_snapshot (GSubprocess *process)
{
  GHashTable *cpu = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const char *pid = g_subprocess_get_identifier (process);
  g_autofree char *tasks = g_strdup_printf ("/proc/%s/task", pid != NULL ? pid : "0");
  g_autoptr (GDir) dir = g_dir_open (tasks, 0, NULL);
  const char *tid;

  while (dir != NULL && (tid = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *comm_path = g_build_filename (tasks, tid, "comm", NULL);
      g_autofree char *stat_path = g_build_filename (tasks, tid, "schedstat", NULL);
      g_autofree char *comm = NULL;
      g_autofree char *stat = NULL;
      gint64 *total;

      if (!g_file_get_contents (comm_path, &comm, NULL, NULL)
          || !g_file_get_contents (stat_path, &stat, NULL, NULL))
        continue;
      g_strstrip (comm);
      total = g_hash_table_lookup (cpu, comm);
      if (total == NULL)
        {
          total = g_new0 (gint64, 1);
          g_hash_table_insert (cpu, g_strdup (comm), total);
        }
      *total += g_ascii_strtoll (stat, NULL, 10);
    }
  return cpu;
}

void
bench_print_cpu (const char *label, GHashTable *before, GHashTable *after, guint ops)
{
  g_autoptr (GString) threads = g_string_new (NULL);
  g_autoptr (GList) names = g_hash_table_get_keys (after);
  gint64 total = 0;

  names = g_list_sort (names, (GCompareFunc) g_strcmp0);
  for (GList *l = names; l != NULL; l = l->next)
    {
      const gint64 *then = g_hash_table_lookup (before, l->data);
      const gint64 *now = g_hash_table_lookup (after, l->data);
      gint64 delta = *now - (then != NULL ? *then : 0);

      total += delta;
      if (delta > 0)
        g_string_append_printf (threads, "%s%s %.1f", threads->len > 0 ? ", " : "",
                                (const char *) l->data, delta / 1000.0 / ops);
    }
  g_print ("  %-34s CPU/op %7.1f us (%s)\n", label, total / 1000.0 / ops, threads->str);
}
