/* bench-menus-vpn.c: a Vpn state change → the phone menu's action state.
 *
 * phonesecd with the VPN plugin and phonesec-menus on one bus; Connect()
 * and Disconnect() to an address where no server listens make Vpn.State
 * move (connecting, disconnected) without a VPN server. For each change we
 * time from our own copy of the PropertiesChanged signal (received at the
 * same moment as the menus' copy) to the org.gtk.Actions change of
 * "vpn.state" that phonesec-menus sends, as a GDBusActionGroup client
 * sees it: the menus' whole reaction plus one more bus hop. The baseline is
 * the bus round trip to phonesecd (Peer.Ping) in the same run; goal ≤ 3×.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "bench-common.h"
#include "menus-fixture.h"

#define ITERATIONS 40
#define PINGS 500
#define WAIT_MS 10000
#define VPN_PATH PHONESEC_DBUS_PLUGINS_PATH "/vpn_anyconnect"
#define VPN_IFACE PHONESEC_DBUS_INTERFACE_PREFIX "Vpn"

typedef struct
{
  char *wanted;     /* the State this round waits for */
  gint64 signal_ns; /* our PropertiesChanged with it */
  gint64 action_ns; /* the menus' action state with it */
} Round;

static void
on_properties_changed (GDBusConnection *connection, const char *sender, const char *path,
                       const char *iface, const char *member, GVariant *parameters,
                       gpointer user_data)
{
  Round *round = user_data;
  g_autoptr (GVariant) changed = NULL;
  const char *interface, *state;

  g_variant_get (parameters, "(&s@a{sv}@as)", &interface, &changed, NULL);
  if (strcmp (interface, VPN_IFACE) == 0 && g_variant_lookup (changed, "State", "&s", &state)
      && g_strcmp0 (state, round->wanted) == 0 && round->signal_ns == 0)
    round->signal_ns = bench_now_ns ();
}

static void
on_action_state (GActionGroup *group, const char *name, GVariant *state, gpointer user_data)
{
  Round *round = user_data;

  if (strcmp (name, PHONESEC_MENUS_ACTION_VPN_STATE) == 0
      && g_strcmp0 (g_variant_get_string (state, NULL), round->wanted) == 0
      && round->action_ns == 0)
    round->action_ns = bench_now_ns ();
}

static gboolean
round_done (gpointer data)
{
  Round *round = data;

  return round->signal_ns != 0 && round->action_ns != 0;
}

static gboolean
on_timeout (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Blocks in the main loop (no polling sleep, which would add its period to
 * the times measured) until both sides saw the change. */
static gboolean
wait_round (Round *round)
{
  gboolean timed_out = FALSE;
  guint timeout = g_timeout_add (WAIT_MS, on_timeout, &timed_out);

  while (!round_done (round) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (timeout);
  return round_done (round);
}

/* One transition: @method, then both sides seeing State=@wanted. */
static gint64
time_transition (PhonesecTestBus *bus, Round *round, const char *method, const char *wanted)
{
  g_free (round->wanted);
  round->wanted = g_strdup (wanted);
  round->signal_ns = round->action_ns = 0;
  g_variant_unref (
      bench_call (bus->connection, PHONESEC_DBUS_NAME, VPN_PATH, VPN_IFACE, method, NULL));
  if (!wait_round (round))
    g_error ("Vpn.State never became %s on both sides", wanted);
  return round->action_ns - round->signal_ns;
}

static double
ping_median_us (PhonesecTestBus *bus)
{
  g_autoptr (GArray) samples = bench_samples_new (PINGS);

  for (guint i = 0; i < PINGS; i++)
    {
      gint64 ns = bench_time_call (bus->connection, PHONESEC_DBUS_NAME, PHONESEC_DBUS_PATH,
                                   "org.freedesktop.DBus.Peer", "Ping", NULL);
      g_array_append_val (samples, ns);
    }
  return bench_median_us (samples);
}

int
main (int argc, char **argv)
{
  g_autoptr (PhonesecTestBus) bus = NULL;
  g_autoptr (PhonesecTestMenus) menus = NULL;
  g_autoptr (GArray) samples = bench_samples_new (ITERATIONS * 2);
  g_autoptr (GError) error = NULL;
  Round round = { 0 };
  double latency, ping;

  bench_init (&argc, &argv, "Vpn state change to the phone menu's action state");
  bus = phonesec_test_bus_new ();
  phonesec_test_bus_add_plugin (bus, "PHONESEC_VPN_PLUGIN_DIR");
  phonesec_test_bus_start_daemon (bus);
  /* Nothing listens on 127.0.0.1:443 here: Connect() only starts attempts. */
  phonesec_test_apply_strings (bus, &error, "VPN_Server", "127.0.0.1", "VPN_User_Name", "bench",
                               NULL);
  g_assert_no_error (error);
  menus = phonesec_test_menus_start (bus, "C.UTF-8");
  g_dbus_connection_signal_subscribe (bus->connection, NULL, "org.freedesktop.DBus.Properties",
                                      "PropertiesChanged", VPN_PATH, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
                                      on_properties_changed, &round, NULL);
  g_signal_connect (menus->actions, "action-state-changed", G_CALLBACK (on_action_state), &round);

  for (guint i = 0; i < ITERATIONS; i++)
    {
      gint64 up = time_transition (bus, &round, "Connect", "connecting");
      gint64 down = time_transition (bus, &round, "Disconnect", "disconnected");
      g_array_append_val (samples, up);
      g_array_append_val (samples, down);
    }
  ping = ping_median_us (bus);
  latency = bench_median_us (samples);
  g_print ("Vpn.State → menus action state: median %.1f µs, p90 %.1f µs (%u changes)\n", latency,
           bench_percentile_us (samples, 90), samples->len);
  g_print ("bus round trip to phonesecd (Peer.Ping): median %.1f µs\n", ping);
  bench_report ("menus_vpn_state_us", latency, -1);
  bench_report ("bus_round_trip_us", ping, -1);
  bench_report ("menus_vpn_state_ratio", latency / ping, 3.0);
  g_free (round.wanted);
  phonesec_test_menus_stop (menus);
  phonesec_test_bus_stop_daemon (bus);
  return 0;
}
