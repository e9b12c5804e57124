/* bench-config-get.c: Config.Get round trip vs a minimal GDBus service.
 *
 * Baseline: bench-echo-service on the same private bus, answering Get (as)
 * with an a{sv} holding exactly the values Config.Get returned for the same
 * names (it is primed with that reply), so both replies are byte-identical.
 * Same client connection, synchronous calls, warm-up first, then rounds
 * that alternate which service goes first to cancel drift (CPU frequency,
 * caches, other load). Goal: median Config.Get ≤ 1.3 × median echo.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "bench-common.h"

#define WARMUP 300
#define ROUNDS 20
#define PER_ROUND 250
#define GOAL 1.3

typedef struct
{
  const char *dest;
  const char *path;
  const char *iface;
} Target;

static const Target config_target = { BENCH_BUS_NAME, BENCH_ROOT_PATH, BENCH_CONFIG_IFACE };
static const Target echo_target = { BENCH_ECHO_NAME, BENCH_ECHO_PATH, BENCH_ECHO_IFACE };

static void
run_calls (PhonesecTestBus *bus, const Target *target, const char *method, GVariant *args, guint n,
           GArray *samples)
{
  for (guint i = 0; i < n; i++)
    {
      gint64 ns = bench_time_call (bus->connection, target->dest, target->path, target->iface,
                                   method, args);
      if (samples != NULL)
        g_array_append_val (samples, ns);
    }
}

/* Alternating rounds of @method on both targets; fills both sample sets. */
static void
compare (PhonesecTestBus *bus, const char *method, GVariant *config_args, GVariant *echo_args,
         GArray *config_samples, GArray *echo_samples)
{
  run_calls (bus, &config_target, method, config_args, WARMUP, NULL);
  run_calls (bus, &echo_target, method, echo_args, WARMUP, NULL);
  for (guint round = 0; round < ROUNDS; round++)
    {
      if (round % 2 == 0)
        {
          run_calls (bus, &config_target, method, config_args, PER_ROUND, config_samples);
          run_calls (bus, &echo_target, method, echo_args, PER_ROUND, echo_samples);
        }
      else
        {
          run_calls (bus, &echo_target, method, echo_args, PER_ROUND, echo_samples);
          run_calls (bus, &config_target, method, config_args, PER_ROUND, config_samples);
        }
    }
}

static void
bench_get (PhonesecTestBus *bus, GSubprocess *echo, const char *const *names, const char *metric)
{
  g_autoptr (GHashTable) daemon_before = NULL;
  g_autoptr (GHashTable) daemon_after = NULL;
  g_autoptr (GHashTable) echo_before = NULL;
  g_autoptr (GHashTable) echo_after = NULL;
  g_autoptr (GVariant) args = g_variant_ref_sink (g_variant_new ("(^as)", names));
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) values = NULL;
  g_autoptr (GArray) config_samples = bench_samples_new (ROUNDS * PER_ROUND);
  g_autoptr (GArray) echo_samples = bench_samples_new (ROUNDS * PER_ROUND);
  g_autofree char *metric_us = g_strdup_printf ("%s_us", metric);
  g_autofree char *metric_echo_us = g_strdup_printf ("%s_echo_us", metric);
  g_autofree char *metric_ratio = g_strdup_printf ("%s_ratio", metric);
  double config_median, echo_median;

  reply = bench_call (bus->connection, BENCH_BUS_NAME, BENCH_ROOT_PATH, BENCH_CONFIG_IFACE, "Get",
                      args);
  values = g_variant_get_child_value (reply, 0);
  bench_echo_prime (bus, values);

  /* Each process only works while it is called: its CPU delta over the
   * alternating rounds is its cost for its own calls. */
  daemon_before = bench_cpu_snapshot (bus->daemon);
  echo_before = bench_cpu_snapshot (echo);
  compare (bus, "Get", args, args, config_samples, echo_samples);
  daemon_after = bench_cpu_snapshot (bus->daemon);
  echo_after = bench_cpu_snapshot (echo);
  config_median = bench_median_us (config_samples);
  echo_median = bench_median_us (echo_samples);
  g_print ("Get of %u name(s), reply %" G_GSIZE_FORMAT " bytes, %u calls each:\n",
           g_strv_length ((char **) names), g_variant_get_size (reply), config_samples->len);
  g_print ("  Config.Get  median %7.1f us  p99 %7.1f us\n", config_median,
           bench_percentile_us (config_samples, 99));
  g_print ("  echo Get    median %7.1f us  p99 %7.1f us\n", echo_median,
           bench_percentile_us (echo_samples, 99));
  bench_print_cpu ("phonesecd", daemon_before, daemon_after, WARMUP + config_samples->len);
  bench_print_cpu ("echo service", echo_before, echo_after, WARMUP + echo_samples->len);
  bench_report (metric_us, config_median, -1);
  bench_report (metric_echo_us, echo_median, -1);
  bench_report (metric_ratio, config_median / echo_median, GOAL);
}

/* Peer.Ping is answered by GDBus in its worker thread, before any main loop:
 * the transport floor of both processes, for diagnosing a miss. */
static void
bench_ping (PhonesecTestBus *bus)
{
  g_autoptr (GArray) config_samples = bench_samples_new (ROUNDS * PER_ROUND);
  g_autoptr (GArray) echo_samples = bench_samples_new (ROUNDS * PER_ROUND);
  const Target config_peer = { BENCH_BUS_NAME, BENCH_ROOT_PATH, "org.freedesktop.DBus.Peer" };
  const Target echo_peer = { BENCH_ECHO_NAME, BENCH_ECHO_PATH, "org.freedesktop.DBus.Peer" };

  run_calls (bus, &config_peer, "Ping", NULL, WARMUP, NULL);
  run_calls (bus, &echo_peer, "Ping", NULL, WARMUP, NULL);
  for (guint round = 0; round < ROUNDS / 2; round++)
    {
      run_calls (bus, round % 2 ? &echo_peer : &config_peer, "Ping", NULL, PER_ROUND,
                 round % 2 ? echo_samples : config_samples);
      run_calls (bus, round % 2 ? &config_peer : &echo_peer, "Ping", NULL, PER_ROUND,
                 round % 2 ? config_samples : echo_samples);
    }
  g_print ("Transport floor (Peer.Ping, no main loop involved):\n");
  g_print ("  phonesecd   median %7.1f us\n", bench_median_us (config_samples));
  g_print ("  echo        median %7.1f us\n", bench_median_us (echo_samples));
}

/* Ten readable names spread over the schema: mixed types (b, u, s, as). */
static GStrv
pick_names (PhonesecTestBus *bus, guint n)
{
  const char *none[] = { NULL };
  g_autoptr (GVariant) reply
      = bench_call (bus->connection, BENCH_BUS_NAME, BENCH_ROOT_PATH, BENCH_CONFIG_IFACE,
                    "Describe", g_variant_new ("(^as)", none));
  g_autoptr (GVariant) all = g_variant_get_child_value (reply, 0);
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  g_autoptr (GStrvBuilder) picked = g_strv_builder_new ();
  GVariantIter iter;
  const char *name;
  GVariant *facts;

  g_variant_iter_init (&iter, all);
  while (g_variant_iter_loop (&iter, "{&s@a{sv}}", &name, &facts))
    {
      gboolean secret = FALSE;

      g_variant_lookup (facts, "secret", "b", &secret);
      if (!secret)
        g_ptr_array_add (names, (gpointer) name);
    }
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  g_assert_cmpuint (names->len, >=, n);
  for (guint i = 0; i < n; i++)
    g_strv_builder_add (picked, names->pdata[i * names->len / n]);
  return g_strv_builder_end (picked);
}

int
main (int argc, char **argv)
{
  g_autoptr (PhonesecTestBus) bus = NULL;
  g_auto (GStrv) ten = NULL;
  const char *one[] = { "Proxy_Mode", NULL };
  GSubprocess *echo;
  gint64 start = bench_now_ns ();

  bench_init (&argc, &argv, "Config.Get round trip vs a minimal GDBus echo service.");
  bus = bench_bus_new ();
  phonesec_test_bus_start_daemon (bus);
  echo = bench_echo_start (bus);

  ten = pick_names (bus, 10);
  {
    g_autofree char *list = g_strjoinv (" ", ten);
    g_print ("10 names: %s\n", list);
  }
  bench_ping (bus);
  bench_get (bus, echo, one, "config_get");
  bench_get (bus, echo, (const char *const *) ten, "config_get10");

  bench_echo_stop (echo);
  phonesec_test_bus_stop_daemon (bus);
  g_print ("(%.1f s)\n", (bench_now_ns () - start) / 1e9);
  return 0;
}
