/* bench-apply.c: a durable Apply of one parameter vs a bare durable write.
 *
 * Baseline: g_file_set_contents_full (CONSISTENT | DURABLE, 0600) of the
 * daemon's own current config.ini text (same size) into the daemon's state
 * folder (same file system), in this process. Each Apply changes
 * Proxy_Port between two values of the same length, so every one is a real
 * transaction with a file of constant size. Operations alternate one to one.
 * Goal: median Apply ≤ 1.5 × median write.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <fcntl.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "bench-common.h"

#define WARMUP 10
#define ITERATIONS 200
#define GOAL 1.5

static GVariant *
apply_args (const char *port, gboolean dry_run)
{
  GVariantBuilder values, options;

  g_variant_builder_init (&values, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&values, "{sv}", "Proxy_Port", g_variant_new_string (port));
  g_variant_builder_init (&options, G_VARIANT_TYPE ("a{sv}"));
  if (dry_run)
    g_variant_builder_add (&options, "{sv}", "dry-run", g_variant_new_boolean (TRUE));
  return g_variant_ref_sink (g_variant_new ("(a{sv}a{sv})", &values, &options));
}

static gint64
time_apply (PhonesecTestBus *bus, GVariant *args)
{
  return bench_time_call (bus->connection, BENCH_BUS_NAME, BENCH_ROOT_PATH, BENCH_CONFIG_IFACE,
                          "Apply", args);
}

static gint64
time_write (const char *path, const char *contents, gsize len, gboolean sync_dir)
{
  gint64 start = bench_now_ns ();
  g_autoptr (GError) error = NULL;

  if (!g_file_set_contents_full (path, contents, len,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0600,
                                 &error))
    g_error ("%s", error->message);
  if (sync_dir)
    {
      g_autofree char *dir = g_path_get_dirname (path);
      int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

      fsync (fd);
      close (fd);
    }
  return bench_now_ns () - start;
}

int
main (int argc, char **argv)
{
  g_autoptr (PhonesecTestBus) bus = NULL;
  GVariant *args[2];
  g_autoptr (GVariant) dry_args = NULL;
  g_autoptr (GArray) apply_samples = bench_samples_new (ITERATIONS);
  g_autoptr (GArray) write_samples = bench_samples_new (ITERATIONS);
  g_autoptr (GArray) dry_samples = bench_samples_new (ITERATIONS);
  g_autoptr (GArray) write_dir_samples = bench_samples_new (ITERATIONS);
  g_autoptr (GArray) echo_samples = bench_samples_new (ITERATIONS);
  g_autoptr (GVariant) echo_args = NULL;
  GSubprocess *echo;
  double echo_median;
  g_autofree char *store_path = NULL;
  g_autofree char *baseline_path = NULL;
  g_autofree char *contents = NULL;
  gsize len;
  GHashTable *cpu[8];
  double apply_median, write_median;
  gint64 start = bench_now_ns ();

  bench_init (&argc, &argv, "Durable Apply of one parameter vs a bare durable file write.");
  bus = bench_bus_new ();
  phonesec_test_bus_start_daemon (bus);

  echo = bench_echo_start (bus);
  args[0] = apply_args ("3129", FALSE);
  args[1] = apply_args ("3130", FALSE);
  dry_args = apply_args ("3131", TRUE);
  time_apply (bus, args[0]);

  /* The baseline writes what the daemon writes, where it writes it. */
  store_path = g_build_filename (bus->state_dir, "config.ini", NULL);
  baseline_path = g_build_filename (bus->state_dir, "bench-baseline.ini", NULL);
  if (!g_file_get_contents (store_path, &contents, &len, NULL))
    g_error ("The daemon wrote no %s", store_path);
  g_print ("config.ini: %" G_GSIZE_FORMAT " bytes in %s\n", len, bus->state_dir);

  /* The floor: a service that did nothing but the same write would still
   * cost one D-Bus round trip more than the write (echo Get, 1 name). */
  {
    const char *names[] = { "Proxy_Mode", NULL };
    g_autoptr (GVariant) reply = NULL;
    g_autoptr (GVariant) values = NULL;

    echo_args = g_variant_ref_sink (g_variant_new ("(^as)", names));
    reply = bench_call (bus->connection, BENCH_BUS_NAME, BENCH_ROOT_PATH, BENCH_CONFIG_IFACE, "Get",
                        echo_args);
    values = g_variant_get_child_value (reply, 0);
    bench_echo_prime (bus, values);
  }

  for (guint i = 0; i < WARMUP; i++)
    {
      time_apply (bus, args[(i + 1) % 2]);
      time_write (baseline_path, contents, len, FALSE);
    }
  /* Value 0 was applied last by the warm-up: start with 1, so each Apply
   * changes the value. Only Applies use phonesecd and dbus-daemon: their CPU
   * deltas over the loop are per Apply. */
  cpu[0] = bench_cpu_snapshot (bus->daemon);
  cpu[1] = bench_cpu_snapshot (bus->bus);
  for (guint i = 0; i < ITERATIONS; i++)
    {
      gint64 apply_ns, write_ns;

      if (i % 2 == 0)
        {
          apply_ns = time_apply (bus, args[(i + 1) % 2]);
          write_ns = time_write (baseline_path, contents, len, FALSE);
        }
      else
        {
          write_ns = time_write (baseline_path, contents, len, FALSE);
          apply_ns = time_apply (bus, args[(i + 1) % 2]);
        }
      g_array_append_val (apply_samples, apply_ns);
      g_array_append_val (write_samples, write_ns);
    }

  cpu[2] = bench_cpu_snapshot (bus->daemon);
  cpu[3] = bench_cpu_snapshot (bus->bus);

  /* Breakdown, for the reader: the same Apply without the write (dry-run:
   * dispatch + validation + reply), and the write as the daemon does it:
   * GLib's DURABLE already fsyncs the file and, after the rename, the
   * folder; write_in_thread() then fsyncs the folder once more. */
  cpu[4] = bench_cpu_snapshot (bus->daemon);
  cpu[5] = bench_cpu_snapshot (bus->bus);
  for (guint i = 0; i < ITERATIONS / 2; i++)
    {
      gint64 dry_ns = time_apply (bus, dry_args);
      gint64 dir_ns = time_write (baseline_path, contents, len, TRUE);

      g_array_append_val (dry_samples, dry_ns);
      g_array_append_val (write_dir_samples, dir_ns);
    }

  cpu[6] = bench_cpu_snapshot (bus->daemon);
  cpu[7] = bench_cpu_snapshot (bus->bus);
  for (guint i = 0; i < ITERATIONS; i++)
    {
      gint64 echo_ns = bench_time_call (bus->connection, BENCH_ECHO_NAME, BENCH_ECHO_PATH,
                                        BENCH_ECHO_IFACE, "Get", echo_args);
      g_array_append_val (echo_samples, echo_ns);
    }

  apply_median = bench_median_us (apply_samples);
  write_median = bench_median_us (write_samples);
  echo_median = bench_median_us (echo_samples);
  g_print ("%u alternating operations each:\n", ITERATIONS);
  g_print ("  Apply (durable)                   median %8.1f us  p99 %8.1f us\n", apply_median,
           bench_percentile_us (apply_samples, 99));
  g_print ("  g_file_set_contents_full DURABLE  median %8.1f us  p99 %8.1f us\n", write_median,
           bench_percentile_us (write_samples, 99));
  g_print ("Breakdown (%u each):\n", ITERATIONS / 2);
  g_print ("  Apply dry-run (no write)          median %8.1f us\n", bench_median_us (dry_samples));
  g_print ("  write + 2nd fsync of the folder    median %8.1f us (the daemon's own I/O)\n",
           bench_median_us (write_dir_samples));
  g_print ("  echo Get round trip               median %8.1f us\n", echo_median);
  g_print ("  floor (round trip + write)        ratio  %8.2f  (no service can do better here)\n",
           (echo_median + write_median) / write_median);
  bench_print_cpu ("phonesecd, Apply", cpu[0], cpu[2], ITERATIONS);
  bench_print_cpu ("dbus-daemon, Apply", cpu[1], cpu[3], ITERATIONS);
  bench_print_cpu ("phonesecd, Apply dry-run", cpu[4], cpu[6], ITERATIONS / 2);
  bench_print_cpu ("dbus-daemon, Apply dry-run", cpu[5], cpu[7], ITERATIONS / 2);
  for (guint i = 0; i < G_N_ELEMENTS (cpu); i++)
    g_hash_table_unref (cpu[i]);
  bench_report ("apply_us", apply_median, -1);
  bench_report ("apply_write_us", write_median, -1);
  bench_report ("apply_ratio", apply_median / write_median, GOAL);
  /* What the daemon adds to the write: unlike the ratio, it does not move
   * with the disk's fsync cost. */
  bench_report ("apply_overhead_us", apply_median - write_median, -1);

  g_unlink (baseline_path);
  bench_echo_stop (echo);
  g_variant_unref (args[0]);
  g_variant_unref (args[1]);
  phonesec_test_bus_stop_daemon (bus);
  g_print ("(%.1f s)\n", (bench_now_ns () - start) / 1e9);
  return 0;
}
