/* bench-plugin-latency.c: Apply → plugin config_changed latency.
 *
 * bench-probe (this folder) watches Proxy_* and, in config_changed, emits
 * a D-Bus signal stamped with CLOCK_MONOTONIC. We time from sending Apply
 * (Proxy_Port, alternating values) to receiving that signal: the path a
 * real plugin's reaction takes (validate, durable write, announce, plugin
 * call), plus the signal's trip back. Median and p99 are absolute; the
 * ratio is against the echo service's Get round trip measured in the same
 * run (informative, no goal).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "bench-common.h"

#define WARMUP 10
#define ITERATIONS 300
#define ECHO_CALLS 2000

typedef struct
{
  gboolean have_signal;
  gboolean have_reply;
  gint64 signal_ns; /* when we received the signal */
  gint64 plugin_ns; /* when the core called config_changed (daemon clock) */
  gint64 reply_ns;  /* when the Apply reply arrived */
  guint64 signal_generation;
  guint64 reply_generation;
} Probe;

static void
on_probe_signal (GDBusConnection *connection, const char *sender, const char *path,
                 const char *iface, const char *signal, GVariant *parameters, gpointer user_data)
{
  Probe *probe = user_data;
  gint64 now = bench_now_ns ();
  guint64 plugin_ns;

  g_variant_get (parameters, "(tt^a&s)", &plugin_ns, &probe->signal_generation, NULL);
  probe->plugin_ns = (gint64) plugin_ns;
  probe->signal_ns = now;
  probe->have_signal = TRUE;
}

static void
on_apply_reply (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Probe *probe = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply
      = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);

  probe->reply_ns = bench_now_ns ();
  if (reply == NULL)
    g_error ("Apply failed: %s", error->message);
  g_variant_get (reply, "(t)", &probe->reply_generation);
  probe->have_reply = TRUE;
}

static GVariant *
apply_args (const char *port)
{
  GVariantBuilder values;

  g_variant_builder_init (&values, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&values, "{sv}", "Proxy_Port", g_variant_new_string (port));
  return g_variant_ref_sink (g_variant_new ("(a{sv}a{sv})", &values, NULL));
}

static void
check_probe_active (PhonesecTestBus *bus)
{
  g_autoptr (GVariant) reply = bench_call (
      bus->connection, BENCH_BUS_NAME, BENCH_PROBE_PATH, "org.freedesktop.DBus.Properties", "Get",
      g_variant_new ("(ss)", PHONESEC_DBUS_INTERFACE_PLUGIN, "State"));
  g_autoptr (GVariant) state = NULL;

  g_variant_get (reply, "(v)", &state);
  if (g_strcmp0 (g_variant_get_string (state, NULL), "active") != 0)
    {
      g_autofree char *log = phonesec_test_bus_dup_log (bus);
      g_error ("bench-probe is %s, not active; daemon log:\n%s", g_variant_get_string (state, NULL),
               log);
    }
}

static double
echo_get_median_us (PhonesecTestBus *bus)
{
  const char *names[] = { "Proxy_Mode", NULL };
  g_autoptr (GVariant) args = g_variant_ref_sink (g_variant_new ("(^as)", names));
  g_autoptr (GVariant) reply = bench_call (bus->connection, BENCH_BUS_NAME, BENCH_ROOT_PATH,
                                           BENCH_CONFIG_IFACE, "Get", args);
  g_autoptr (GVariant) values = g_variant_get_child_value (reply, 0);
  g_autoptr (GArray) samples = bench_samples_new (ECHO_CALLS);

  bench_echo_prime (bus, values);
  for (guint i = 0; i < ECHO_CALLS / 4; i++)
    bench_time_call (bus->connection, BENCH_ECHO_NAME, BENCH_ECHO_PATH, BENCH_ECHO_IFACE, "Get",
                     args);
  for (guint i = 0; i < ECHO_CALLS; i++)
    {
      gint64 ns = bench_time_call (bus->connection, BENCH_ECHO_NAME, BENCH_ECHO_PATH,
                                   BENCH_ECHO_IFACE, "Get", args);
      g_array_append_val (samples, ns);
    }
  return bench_median_us (samples);
}

int
main (int argc, char **argv)
{
  g_autoptr (PhonesecTestBus) bus = NULL;
  g_autoptr (GArray) latency = bench_samples_new (ITERATIONS);
  g_autoptr (GArray) to_plugin = bench_samples_new (ITERATIONS);
  g_autoptr (GArray) signal_trip = bench_samples_new (ITERATIONS);
  g_autoptr (GArray) to_reply = bench_samples_new (ITERATIONS);
  GVariant *args[2];
  Probe probe;
  guint subscription;
  double median, p99, echo_median;
  GSubprocess *echo;
  gint64 start = bench_now_ns ();

  bench_init (&argc, &argv, "Apply to plugin config_changed latency (bench-probe plugin).");
  bus = bench_bus_new ();
  if (bench_install_plugins (bus, TRUE, FALSE) != 1)
    g_error ("bench-probe is not built in %s", bench_probe_dir ());
  phonesec_test_bus_start_daemon (bus);
  check_probe_active (bus);
  echo = bench_echo_start (bus);

  subscription = g_dbus_connection_signal_subscribe (
      bus->connection, NULL, BENCH_PROBE_IFACE, "ConfigChanged", BENCH_PROBE_PATH, NULL,
      G_DBUS_SIGNAL_FLAGS_NONE, on_probe_signal, &probe, NULL);
  args[0] = apply_args ("3129");
  args[1] = apply_args ("3130");

  for (guint i = 0; i < WARMUP + ITERATIONS; i++)
    {
      gint64 t0;

      memset (&probe, 0, sizeof probe);
      t0 = bench_now_ns ();
      g_dbus_connection_call (bus->connection, BENCH_BUS_NAME, BENCH_ROOT_PATH, BENCH_CONFIG_IFACE,
                              "Apply", args[i % 2], NULL, G_DBUS_CALL_FLAGS_NONE, 30000, NULL,
                              on_apply_reply, &probe);
      while (!probe.have_signal || !probe.have_reply)
        g_main_context_iteration (NULL, TRUE);
      if (probe.signal_generation != probe.reply_generation)
        g_error ("config_changed announced generation %" G_GUINT64_FORMAT
                 ", Apply returned %" G_GUINT64_FORMAT,
                 probe.signal_generation, probe.reply_generation);
      if (i < WARMUP)
        continue;
      {
        gint64 total = probe.signal_ns - t0;
        gint64 plugin = probe.plugin_ns - t0;
        gint64 trip = probe.signal_ns - probe.plugin_ns;
        gint64 reply = probe.reply_ns - t0;

        g_array_append_val (latency, total);
        g_array_append_val (to_plugin, plugin);
        g_array_append_val (signal_trip, trip);
        g_array_append_val (to_reply, reply);
      }
    }
  g_dbus_connection_signal_unsubscribe (bus->connection, subscription);

  echo_median = echo_get_median_us (bus);
  median = bench_median_us (latency);
  p99 = bench_percentile_us (latency, 99);
  g_print ("%u Applies of Proxy_Port, one config_changed each:\n", ITERATIONS);
  g_print ("  Apply sent -> probe signal received  median %8.1f us  p99 %8.1f us\n", median, p99);
  g_print ("  Apply sent -> config_changed called  median %8.1f us  p99 %8.1f us\n",
           bench_median_us (to_plugin), bench_percentile_us (to_plugin, 99));
  g_print ("  config_changed -> signal received    median %8.1f us\n",
           bench_median_us (signal_trip));
  g_print ("  Apply sent -> Apply reply received   median %8.1f us\n", bench_median_us (to_reply));
  g_print ("  echo Get round trip (baseline)       median %8.1f us\n", echo_median);
  bench_report ("plugin_latency_median_us", median, -1);
  bench_report ("plugin_latency_p99_us", p99, -1);
  bench_report ("plugin_latency_echo_ratio", median / echo_median, -1);

  g_variant_unref (args[0]);
  g_variant_unref (args[1]);
  bench_echo_stop (echo);
  phonesec_test_bus_stop_daemon (bus);
  g_print ("(%.1f s)\n", (bench_now_ns () - start) / 1e9);
  return 0;
}
