/* bench-pac.c: FindProxyForURL through PhonesecPacRunner against
 * libpacparser, on the same PAC file in the same run.
 *
 * Usage: bench-pac HELPER PACFILE
 *
 * pacparser evaluates in-process (SpiderMonkey, no sandbox, the URL spliced
 * into source); the runner crosses a pipe to a sandboxed helper per call.
 * Figures: calls/s of each, one call at a time and, for the runner, with
 * 64 calls in flight (the plugin resolves concurrent requests that way),
 * then with its cache on (the same 20 URLs over and over). The goals are
 * ratios to pacparser: ≥ 1 with the cache off, ≥ 10 with it on. Lines as
 * in bench/:
 *   BENCH <metric>=<value> [goal>=G PASS|MISS]
 * A missed goal is reported, never a failure.
 *
 * The URLs avoid DNS (names are never resolved by corporate.pac except
 * localhost and *.invalid, left out here), so both engines compute only.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gio/gio.h>
#include <pacparser.h>
#include <stdlib.h>
#include <string.h>

#include "phonesec-pac-runner.h"

#define WINDOW 64

static const char *const urls[][2] = {
  { "http://wiki/", "wiki" },
  { "http://wiki.corp.example/page", "wiki.corp.example" },
  { "http://printer/", "printer" },
  { "http://a.b.corp.example/", "a.b.corp.example" },
  { "http://www.corp.example/index.html", "www.corp.example" },
  { "ftp://ftp.example.org/pub/", "ftp.example.org" },
  { "http://mirror.example.org/downloads/debian.iso", "mirror.example.org" },
  { "http://mirror.example.org/file-1.bin", "mirror.example.org" },
  { "http://10.1.2.3/", "10.1.2.3" },
  { "http://192.168.7.7:8080/x", "192.168.7.7" },
  { "https://www.example.com/", "www.example.com" },
  { "https://cdn.example.net/lib/app.js?v=3", "cdn.example.net" },
  { "http://news.example.org/2026/03/10/story.html", "news.example.org" },
  { "https://api.example.com/v1/items/42", "api.example.com" },
  { "http://wd.time.example/", "wd.time.example" },
  { "http://monyear.time.example/", "monyear.time.example" },
  { "http://seconds.time.example/", "seconds.time.example" },
  { "http://[2001:db8::10]/", "2001:db8::10" },
  { "http://sort.v6.example/", "sort.v6.example" },
  { "http://innetex4.v6.example/", "innetex4.v6.example" },
};

static void
report_rate (const char *metric, double value)
{
  g_print ("BENCH %s=%.0f\n", metric, value);
}

static void
report_ratio (const char *metric, double value, double goal)
{
  g_print ("BENCH %s=%.2f goal>=%g %s\n", metric, value, goal, value >= goal ? "PASS" : "MISS");
}

/* ---- pacparser ----------------------------------------------------------- */

static int
quiet_printer (const char *fmt, va_list ap)
{
  return 0;
}

static double
bench_pacparser (const char *script, guint n, GPtrArray *answers)
{
  gint64 start;

  pacparser_set_error_printer (quiet_printer);
  pacparser_setmyip ("172.16.5.10");
  if (!pacparser_init () || !pacparser_parse_pac_string (script))
    g_error ("pacparser cannot load the PAC file");
  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      const char *r = pacparser_find_proxy (urls[i][0], urls[i][1]);
      g_ptr_array_add (answers, g_strdup (r ? r : "(error)"));
    }
  start = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    {
      guint k = i % G_N_ELEMENTS (urls);
      /* The string belongs to pacparser's JS engine. */
      if (pacparser_find_proxy (urls[k][0], urls[k][1]) == NULL)
        g_error ("pacparser failed on %s", urls[k][0]);
    }
  return n / ((g_get_monotonic_time () - start) / 1e6);
}

/* ---- runner ------------------------------------------------------------ */

typedef struct
{
  PhonesecPacRunner *runner;
  guint issued;
  guint done;
  guint total;
  GPtrArray *answers; /* the first pass, NULL after */
} Run;

static void issue (Run *run);

static void
on_found (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Run *run = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *r = phonesec_pac_runner_find_proxy_finish (run->runner, result, &error);

  if (r == NULL)
    g_error ("runner: %s", error->message);
  if (run->answers != NULL && run->answers->len < G_N_ELEMENTS (urls))
    g_ptr_array_add (run->answers, g_steal_pointer (&r));
  run->done++;
  issue (run);
}

static void
issue (Run *run)
{
  if (run->issued < run->total)
    {
      guint k = run->issued++ % G_N_ELEMENTS (urls);
      phonesec_pac_runner_find_proxy_async (run->runner, urls[k][0], NULL, on_found, run);
    }
}

/* @n calls with @window of them in flight; returns calls/s. */
static double
bench_runner (PhonesecPacRunner *runner, guint n, guint window, GPtrArray *answers)
{
  Run run = { runner, 0, 0, n, answers };
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < window; i++)
    issue (&run);
  while (run.done < n)
    g_main_context_iteration (NULL, TRUE);
  return n / ((g_get_monotonic_time () - start) / 1e6);
}

static void
on_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!phonesec_pac_runner_load_script_finish (PHONESEC_PAC_RUNNER (source), result, &error))
    g_error ("runner: %s", error->message);
  *(gboolean *) user_data = TRUE;
}

int
main (int argc, char **argv)
{
  const char *const addresses[] = { "172.16.5.10", "2001:db8:1::10", NULL };
  g_autofree char *script = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecPacRunner) runner = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autoptr (GPtrArray) pp_answers = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) rn_answers = g_ptr_array_new_with_free_func (g_free);
  gboolean loaded = FALSE;
  guint n = 20000, differ = 0;
  double pp, seq, piped, cached_seq, cached_piped;

  if (argc != 3)
    {
      g_printerr ("usage: %s HELPER PACFILE\n", argv[0]);
      return 2;
    }
  if (g_getenv ("PHONESEC_BENCH_CALLS") != NULL)
    n = MAX (100, atoi (g_getenv ("PHONESEC_BENCH_CALLS")));
  if (!g_file_get_contents (argv[2], &script, NULL, &error))
    g_error ("%s", error->message);

  /* Warm-up and answers of both, then the timed loops. */
  pp = bench_pacparser (script, n, pp_answers);

  runner = phonesec_pac_runner_new (argv[1]);
  phonesec_pac_runner_set_my_addresses (runner, addresses);
  bytes = g_bytes_new_static (script, strlen (script));
  phonesec_pac_runner_load_script_async (runner, bytes, NULL, on_loaded, &loaded);
  while (!loaded)
    g_main_context_iteration (NULL, TRUE);
  bench_runner (runner, G_N_ELEMENTS (urls), 1, rn_answers);
  seq = bench_runner (runner, n, 1, NULL);
  piped = bench_runner (runner, n, WINDOW, NULL);
  phonesec_pac_runner_set_cache_lifetime (runner, 3600);
  bench_runner (runner, G_N_ELEMENTS (urls), 1, NULL);
  cached_seq = bench_runner (runner, n * 5, 1, NULL);
  cached_piped = bench_runner (runner, n * 5, WINDOW, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    if (g_strcmp0 (pp_answers->pdata[i], rn_answers->pdata[i]) != 0)
      {
        differ++;
        g_print ("answers differ for %s:\n  pacparser: %s\n  runner:    %s\n", urls[i][0],
                 (char *) pp_answers->pdata[i], (char *) rn_answers->pdata[i]);
      }
  g_print ("%u URLs, %u calls per loop, %u answers differ (pacparser 1.3.6 runs "
           "FindProxyForURL even when FindProxyForURLEx is defined)\n",
           (guint) G_N_ELEMENTS (urls), n, differ);
  g_print ("pacparser (in-process, no sandbox):   %10.0f calls/s\n", pp);
  g_print ("runner, cache off, 1 in flight:       %10.0f calls/s\n", seq);
  g_print ("runner, cache off, %d in flight:      %10.0f calls/s\n", WINDOW, piped);
  g_print ("runner, cache on, 1 in flight:        %10.0f calls/s\n", cached_seq);
  g_print ("runner, cache on, %d in flight:       %10.0f calls/s\n", WINDOW, cached_piped);

  report_rate ("pacparser_calls_per_s", pp);
  report_rate ("runner_nocache_seq_calls_per_s", seq);
  report_rate ("runner_nocache_piped_calls_per_s", piped);
  report_rate ("runner_cache_seq_calls_per_s", cached_seq);
  report_rate ("runner_cache_piped_calls_per_s", cached_piped);
  report_ratio ("ratio_nocache_seq_vs_pacparser", seq / pp, 1);
  report_ratio ("ratio_nocache_piped_vs_pacparser", piped / pp, 1);
  report_ratio ("ratio_cache_seq_vs_pacparser", cached_seq / pp, 10);
  report_ratio ("ratio_cache_piped_vs_pacparser", cached_piped / pp, 10);
  pacparser_cleanup ();
  return 0;
}
