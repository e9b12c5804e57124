/* bench-firewall.c: from Config.Apply to the new ruleset in force.
 *
 * phonesecd with the firewall plugin runs in a network namespace of its
 * own (firewall-net.c). Each round moves SIP line 1 between two ports with
 * Config.Apply and times the call: the plugin checks and commits the new
 * table before Apply answers, and the kernel's table is read back after
 * each round (not timed) to prove the new port is there. Baselines, in
 * the same run and interleaved with it, on the same script:
 *
 *  - `nft -f FILE`: the nft program loading the same ruleset (one
 *    transaction, no check first): what a firewall script would cost;
 *  - libnftables in this process: check and commit, as the plugin does,
 *    without D-Bus, the configuration store or phonesecd around it;
 *  - Config.Apply of a parameter the firewall does not watch
 *    (Proxy_Port): the same durable transaction and round trip with no
 *    firewall work, so that the firewall's own share shows.
 *
 * Prints human-readable lines, then `BENCH metric=value [goal<=G PASS|MISS]`
 * lines as bench/ does. Goal: Apply to in force in 20 ms or less.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE
#include <glib/gstdio.h>
#include <nftables/libnftables.h>
#include <phonesec/phonesec-dbus-names.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "firewall-net.h"
#include "phonesec-test-bus.h"

#define ROUNDS 60
#define WARMUP 5
#define GOAL_MS 20.0

typedef struct
{
  FirewallNet *net;
  PhonesecTestBus *bus;
  struct nft_ctx *nft; /* this process's, in the phone's namespace */
  char *scripts[2];    /* the ruleset for each of the two ports, as nft input */
  char *files[2];
} Bench;

static const char *const ports[] = { "5070", "5071" };

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* Nearest rank: a value that was really measured. */
static double
percentile (GArray *samples, double percent)
{
  guint rank;

  g_array_sort (samples, compare_double);
  rank = (guint) MAX (1.0, percent / 100.0 * samples->len + 0.999999);
  return g_array_index (samples, double, MIN (rank, samples->len) - 1);
}

static char *
list_table (Bench *b)
{
  nft_ctx_get_output_buffer (b->nft);
  if (nft_run_cmd_from_buffer (b->nft, "list table inet phonesec") != 0)
    g_error ("the table inet phonesec is not there");
  return g_strdup (nft_ctx_get_output_buffer (b->nft));
}

static void
apply_port (Bench *b, const char *port)
{
  g_autoptr (GError) error = NULL;

  g_assert_cmpuint (phonesec_test_apply_strings (b->bus, &error, "SIP_Port_1_", port, NULL), !=,
                    G_MAXUINT64);
  g_assert_no_error (error);
}

static void
assert_in_force (Bench *b, const char *port)
{
  g_autofree char *listing = list_table (b);
  g_autofree char *rule = g_strdup_printf ("udp dport %s accept comment \"SIP line 1\"", port);

  if (strstr (listing, rule) == NULL)
    g_error ("after Apply, SIP_Port_1_=%s is not in force:\n%s", port, listing);
}

/* The plugin's own rulesets, read back, as nft input that replaces the
 * table as the plugin's script does. */
static void
capture_scripts (Bench *b)
{
  for (guint i = 0; i < G_N_ELEMENTS (ports); i++)
    {
      g_autofree char *listing = NULL;
      g_autoptr (GError) error = NULL;
      int fd;

      apply_port (b, ports[i]);
      listing = list_table (b);
      b->scripts[i]
          = g_strconcat ("table inet phonesec\ndelete table inet phonesec\n", listing, NULL);
      fd = g_file_open_tmp ("bench-firewall-XXXXXX.nft", &b->files[i], &error);
      g_assert_no_error (error);
      close (fd);
      g_file_set_contents (b->files[i], b->scripts[i], -1, &error);
      g_assert_no_error (error);
    }
}

/* The same transaction, for nothing the firewall watches. */
static double
time_apply_unwatched (Bench *b, guint round)
{
  g_autoptr (GError) error = NULL;
  double start = now_ms ();

  g_assert_cmpuint (
      phonesec_test_apply_strings (b->bus, &error, "Proxy_Port", round % 2 ? "3129" : "3128", NULL),
      !=, G_MAXUINT64);
  g_assert_no_error (error);
  return now_ms () - start;
}

static double
time_apply (Bench *b, guint round)
{
  const char *port = ports[round % 2];
  double start = now_ms ();
  double ms;

  apply_port (b, port);
  ms = now_ms () - start;
  assert_in_force (b, port);
  return ms;
}

/* The nft program, started from this thread: in the phone's namespace. */
static double
time_nft_program (Bench *b, guint round)
{
  const char *argv[] = { "nft", "-f", b->files[round % 2], NULL };
  g_autoptr (GError) error = NULL;
  int status;
  double start = now_ms ();
  double ms;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status,
                &error);
  ms = now_ms () - start;
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  assert_in_force (b, ports[round % 2]);
  return ms;
}

static double
time_libnftables (Bench *b, guint round)
{
  double start = now_ms ();
  double ms;

  nft_ctx_set_dry_run (b->nft, TRUE);
  g_assert_cmpint (nft_run_cmd_from_buffer (b->nft, b->scripts[round % 2]), ==, 0);
  nft_ctx_set_dry_run (b->nft, FALSE);
  g_assert_cmpint (nft_run_cmd_from_buffer (b->nft, b->scripts[round % 2]), ==, 0);
  ms = now_ms () - start;
  assert_in_force (b, ports[round % 2]);
  return ms;
}

static void
report (const char *name, GArray *samples, double goal)
{
  double median = percentile (samples, 50), p95 = percentile (samples, 95);
  g_autofree char *metric = g_strdup_printf ("firewall_%s_median_ms", name);

  g_print ("%-32s median %6.2f ms  p95 %6.2f ms  (%u rounds)\n", name, median, p95, samples->len);
  if (goal > 0)
    g_print ("BENCH %s=%.2f goal<=%g %s\n", metric, median, goal, median <= goal ? "PASS" : "MISS");
  else
    g_print ("BENCH %s=%.2f\n", metric, median);
}

int
main (int argc, char **argv)
{
  Bench b = { 0 };
  GArray *apply = g_array_new (FALSE, FALSE, sizeof (double));
  GArray *program = g_array_new (FALSE, FALSE, sizeof (double));
  GArray *library = g_array_new (FALSE, FALSE, sizeof (double));
  GArray *unwatched = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *wrapper = NULL;
  double apply_median, program_median, library_median, unwatched_median;

  setvbuf (stdout, NULL, _IOLBF, 0);
  firewall_net_require_tools ();
  b.net = firewall_net_new ();
  b.bus = phonesec_test_bus_new ();
  phonesec_test_bus_add_plugin (b.bus, "PHONESEC_FIREWALL_PLUGIN_DIR");
  wrapper = firewall_net_wrapper (b.net, NULL);
  g_setenv ("PHONESEC_DAEMON_WRAPPER", wrapper, TRUE);
  phonesec_test_bus_start_daemon (b.bus);
  /* From here this thread is in the phone's namespace: libnftables and
   * the nft program see its table. The bus socket is a path: reachable. */
  g_assert_cmpint (setns (b.net->phone, CLONE_NEWNET), ==, 0);
  b.nft = nft_ctx_new (NFT_CTX_DEFAULT);
  nft_ctx_buffer_output (b.nft);
  nft_ctx_buffer_error (b.nft);

  g_assert_cmpuint (phonesec_test_apply_strings (b.bus, NULL, "Line_Enable_2_", "No",
                                                 "Line_Enable_3_", "No", "Line_Enable_4_", "No",
                                                 NULL),
                    !=, G_MAXUINT64);
  capture_scripts (&b);
  for (guint i = 0; i < WARMUP; i++)
    {
      time_apply (&b, i);
      time_nft_program (&b, i);
      time_libnftables (&b, i);
      time_apply_unwatched (&b, i);
    }
  /* Interleaved, so that all three see the same machine. */
  for (guint i = 0; i < ROUNDS; i++)
    {
      double a = time_apply (&b, i), p = time_nft_program (&b, i), l = time_libnftables (&b, i);
      double u = time_apply_unwatched (&b, i);

      g_array_append_val (apply, a);
      g_array_append_val (program, p);
      g_array_append_val (library, l);
      g_array_append_val (unwatched, u);
    }

  g_print ("Apply (SIP_Port_1_) to the new ruleset in force, %s:\n", "phonesecd vs baselines");
  report ("apply_to_in_force", apply, GOAL_MS);
  report ("nft_program", program, -1);
  report ("libnftables_check_commit", library, -1);
  report ("apply_unwatched_parameter", unwatched, -1);
  apply_median = percentile (apply, 50);
  program_median = percentile (program, 50);
  library_median = percentile (library, 50);
  unwatched_median = percentile (unwatched, 50);
  g_print ("ratio to nft -f: %.2f; the firewall's share of Apply (over an unwatched parameter): "
           "%.2f ms, libnftables check and commit alone: %.2f ms\n",
           apply_median / program_median, apply_median - unwatched_median, library_median);
  g_print ("BENCH firewall_apply_vs_nft_program_ratio=%.2f\n", apply_median / program_median);

  for (guint i = 0; i < G_N_ELEMENTS (ports); i++)
    {
      g_unlink (b.files[i]);
      g_free (b.files[i]);
      g_free (b.scripts[i]);
    }
  nft_ctx_free (b.nft);
  g_array_unref (apply);
  g_array_unref (program);
  g_array_unref (library);
  g_array_unref (unwatched);
  phonesec_test_bus_free (b.bus);
  firewall_net_free (b.net);
  return 0;
}
