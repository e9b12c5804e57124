/* bench-proxy-dbus.c: HttpProxy.FindProxyForURL over D-Bus, through phonesecd
 * and its sandboxed PAC helper, against libpacparser evaluating the same PAC
 * file in this process, in the same run.
 *
 * phonesecd runs with the http-proxy plugin only, Proxy_Mode=Auto and
 * PAC_URL pointing at a SoupServer in this process that serves
 * plugins/http-proxy/pac/test-data/corporate.pac. Two workloads:
 *   - cache off: every call names a URL not asked before, so the helper
 *     evaluates the script each time;
 *   - cache on: 20 URLs asked over and over (the cache is keyed on the URL
 *     the script sees, path included).
 * Each is measured one call at a time and with 64 calls in flight (the way
 * the shared SoupSession resolves concurrent requests). pacparser runs the
 * same URLs one at a time (it is a single-threaded library).
 * Goals (issue 4): D-Bus rate ≥ pacparser's with the cache off, ≥ 10× with it
 * on. Over D-Bus these cannot be met on a machine where one bus round trip
 * (Config.Get, measured here as the transport floor) costs more than
 * pacparser's whole in-process evaluation: a cached answer is then bounded
 * by the floor, which the last ratio compares it with (goal ≤ 1.3, as for
 * Config.Get against a bare echo service). bench-pac measures the helper
 * alone against pacparser, where the goals apply.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <libsoup/soup.h>
#include <pacparser.h>
#include <string.h>

#include "bench-common.h"

#define PROXY_PATH BENCH_ROOT_PATH "/plugins/http_proxy"
#define PROXY_IFACE PHONESEC_DBUS_INTERFACE_PREFIX "HttpProxy"
#define WINDOW 64
#define CALLS 4000
#define CACHED_HOSTS 20

static char *script;

static void
serve_pac (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
           gpointer user_data)
{
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/x-ns-proxy-autoconfig", SOUP_MEMORY_STATIC,
                                    script, strlen (script));
}

static char *
proxy_property (PhonesecTestBus *bus, const char *name)
{
  g_autoptr (GVariant) reply
      = bench_call (bus->connection, BENCH_BUS_NAME, PROXY_PATH, "org.freedesktop.DBus.Properties",
                    "Get", g_variant_new ("(ss)", PROXY_IFACE, name));
  g_autoptr (GVariant) value = NULL;

  g_variant_get (reply, "(v)", &value);
  return g_variant_dup_string (value, NULL);
}

static void
wait_ready (PhonesecTestBus *bus)
{
  for (guint i = 0; i < 500; i++)
    {
      g_autofree char *state = proxy_property (bus, "State");

      if (g_str_equal (state, "ready"))
        return;
      if (g_str_equal (state, "error"))
        {
          g_autofree char *why = proxy_property (bus, "LastError");
          g_error ("the http-proxy plugin did not load the PAC: %s", why);
        }
      bench_idle (20);
    }
  g_error ("the http-proxy plugin did not reach State=ready in 10 s");
}

/* The URL of call @i: a new one each time, or one of CACHED_HOSTS. */
static char *
url_for (guint i, gboolean cached, char **host)
{
  guint n = cached ? i % CACHED_HOSTS : i;

  *host = cached ? g_strdup_printf ("h%u.mirror.example.org", n)
                 : g_strdup_printf ("h%u-%u.mirror.example.org", i, g_random_int ());
  return g_strdup_printf ("http://%s/file-%u.bin", *host, n);
}

/* ---- D-Bus ------------------------------------------------------------- */

typedef struct
{
  PhonesecTestBus *bus;
  gboolean cached;
  guint issued;
  guint done;
  guint total;
} Run;

static void issue (Run *run);

static void
on_reply (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Run *run = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply
      = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  const char *answer;

  if (reply == NULL)
    g_error ("FindProxyForURL: %s", error->message);
  g_variant_get (reply, "(&s)", &answer);
  if (*answer == '\0')
    g_error ("FindProxyForURL gave an empty answer");
  run->done++;
  issue (run);
}

static void
issue (Run *run)
{
  g_autofree char *host = NULL;
  g_autofree char *url = NULL;

  if (run->issued >= run->total)
    return;
  url = url_for (run->issued++, run->cached, &host);
  g_dbus_connection_call (run->bus->connection, BENCH_BUS_NAME, PROXY_PATH, PROXY_IFACE,
                          "FindProxyForURL", g_variant_new ("(s)", url), G_VARIANT_TYPE ("(s)"),
                          G_DBUS_CALL_FLAGS_NONE, -1, NULL, on_reply, run);
}

/* @n calls, @window in flight; calls/s. */
static double
bench_dbus (PhonesecTestBus *bus, gboolean cached, guint n, guint window)
{
  Run run = { bus, cached, 0, 0, n };
  gint64 start = bench_now_ns ();

  for (guint i = 0; i < window; i++)
    issue (&run);
  while (run.done < n)
    g_main_context_iteration (NULL, TRUE);
  return n / ((bench_now_ns () - start) / 1e9);
}

/* ---- pacparser --------------------------------------------------------- */

static int
quiet_printer (const char *fmt, va_list ap)
{
  return 0;
}

static double
bench_pacparser (gboolean cached, guint n)
{
  gint64 start = bench_now_ns ();

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *host = NULL;
      g_autofree char *url = url_for (i, cached, &host);

      /* The answer belongs to pacparser's JS engine. */
      if (pacparser_find_proxy (url, host) == NULL)
        g_error ("pacparser failed on %s", url);
    }
  return n / ((bench_now_ns () - start) / 1e9);
}

int
main (int argc, char **argv)
{
  g_autoptr (PhonesecTestBus) bus = NULL;
  g_autoptr (SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GSList) uris = NULL;
  g_autofree char *pac_url = NULL;
  const char *pac_file = g_getenv ("PHONESEC_BENCH_PAC");
  const char *one[] = { "Proxy_Mode", NULL };
  g_autoptr (GVariant) get_args = g_variant_ref_sink (g_variant_new ("(^as)", one));
  g_autoptr (GArray) floor_samples = bench_samples_new (1000);
  double pp_off, pp_on, seq_off, piped_off, seq_on, piped_on;
  gint64 start = bench_now_ns ();

  bench_init (&argc, &argv,
              "HttpProxy.FindProxyForURL over D-Bus vs libpacparser on the same PAC file.");
  if (pac_file == NULL || !g_file_get_contents (pac_file, &script, NULL, &error))
    g_error ("PHONESEC_BENCH_PAC must name the PAC file: %s",
             error != NULL ? error->message : "unset");

  /* pacparser first: nothing else is running yet. */
  pacparser_set_error_printer (quiet_printer);
  pacparser_setmyip ("172.16.5.10");
  if (!pacparser_init () || !pacparser_parse_pac_string (script))
    g_error ("pacparser cannot load the PAC file");
  bench_pacparser (FALSE, CALLS / 10); /* warm-up */
  pp_off = bench_pacparser (FALSE, CALLS);
  pp_on = bench_pacparser (TRUE, CALLS);
  pacparser_cleanup ();

  soup_server_add_handler (server, "/corporate.pac", serve_pac, NULL, NULL);
  if (!soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    g_error ("%s", error->message);
  uris = soup_server_get_uris (server);
  pac_url = g_strdup_printf ("http://127.0.0.1:%d/corporate.pac", g_uri_get_port (uris->data));
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);

  bus = bench_bus_new ();
  phonesec_test_bus_add_plugin (bus, "PHONESEC_HTTP_PROXY_PLUGIN_DIR");
  phonesec_test_bus_start_daemon (bus);
  if (phonesec_test_apply_strings (bus, &error, "Proxy_Mode", "Auto", "Use_Auto_Discovery__WPAD_",
                                   "No", "PAC_URL", pac_url, NULL)
      == G_MAXUINT64)
    g_error ("Apply: %s", error->message);
  wait_ready (bus);

  for (guint i = 0; i < 1100; i++)
    {
      gint64 ns = bench_time_call (bus->connection, BENCH_BUS_NAME, BENCH_ROOT_PATH,
                                   BENCH_CONFIG_IFACE, "Get", get_args);
      if (i >= 100)
        g_array_append_val (floor_samples, ns);
    }

  bench_dbus (bus, FALSE, CALLS / 10, 1); /* warm-up: the helper is spawned */
  seq_off = bench_dbus (bus, FALSE, CALLS, 1);
  piped_off = bench_dbus (bus, FALSE, CALLS, WINDOW);
  bench_dbus (bus, TRUE, CACHED_HOSTS, 1); /* fills the cache */
  seq_on = bench_dbus (bus, TRUE, CALLS, 1);
  piped_on = bench_dbus (bus, TRUE, CALLS, WINDOW);

  g_print ("%u calls per loop; PAC %s\n", CALLS, pac_file);
  g_print ("Config.Get round trip (transport floor): median %.1f us\n",
           bench_median_us (floor_samples));
  g_print ("pacparser, new hosts (in-process, no sandbox): %8.0f calls/s\n", pp_off);
  g_print ("pacparser, %d hosts:                           %8.0f calls/s\n", CACHED_HOSTS, pp_on);
  g_print ("D-Bus, cache off, 1 in flight:                 %8.0f calls/s\n", seq_off);
  g_print ("D-Bus, cache off, %d in flight:                %8.0f calls/s\n", WINDOW, piped_off);
  g_print ("D-Bus, cache on, 1 in flight:                  %8.0f calls/s\n", seq_on);
  g_print ("D-Bus, cache on, %d in flight:                 %8.0f calls/s\n", WINDOW, piped_on);

  bench_report ("pacparser_calls_per_s", pp_off, -1);
  bench_report ("dbus_nocache_seq_calls_per_s", seq_off, -1);
  bench_report ("dbus_nocache_piped_calls_per_s", piped_off, -1);
  bench_report ("dbus_cache_seq_calls_per_s", seq_on, -1);
  bench_report ("dbus_cache_piped_calls_per_s", piped_on, -1);
  bench_report_min ("ratio_dbus_nocache_seq_vs_pacparser", seq_off / pp_off, 1);
  bench_report_min ("ratio_dbus_nocache_piped_vs_pacparser", piped_off / pp_off, 1);
  bench_report_min ("ratio_dbus_cache_seq_vs_pacparser", seq_on / pp_on, 10);
  bench_report_min ("ratio_dbus_cache_piped_vs_pacparser", piped_on / pp_on, 10);
  bench_report ("ratio_dbus_cache_seq_vs_config_get",
                (1e6 / seq_on) / bench_median_us (floor_samples), 1.3);

  phonesec_test_bus_stop_daemon (bus);
  g_print ("(%.1f s)\n", (bench_now_ns () - start) / 1e9);
  return 0;
}
