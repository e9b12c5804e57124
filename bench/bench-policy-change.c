/* bench-policy-change.c: a TLS policy change makes no D-Bus call to
 * phonesecd fail (issue 14).
 *
 * Four clients, each on a connection and in a thread of its own, call
 * Config.Get without pause while the TLS policy changes 50 times
 * (TLS_Min_Version and TLS_Cipher_List in turn); each change restarts the
 * network service (a new Manager.NetworkServicePid), never phonesecd (the
 * same owner of the bus name throughout). Goal: 0 failed calls. Latency
 * of Config.Get while the policy changes is compared with the same
 * clients' before any change (the baseline, in the same run).
 *
 * With --quick (the test suite): 2 clients, 10 changes.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "bench-common.h"

#define BASELINE_MS 1000

typedef struct
{
  const char *address;
  gint phase; /* 0 baseline, 1 changes, 2 stop */
  GMutex lock;
  GArray *samples[2];
  guint errors;
  char *first_error;
} Shared;

static gpointer
client_thread (gpointer data)
{
  Shared *shared = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDBusConnection) connection = g_dbus_connection_new_for_address_sync (
      shared->address,
      G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
          | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
      NULL, NULL, &error);
  g_autoptr (GVariant) args = NULL;
  const char *names[] = { "Proxy_Mode", "TLS_Min_Version", NULL };
  gint phase;

  g_assert_no_error (error);
  args = g_variant_ref_sink (g_variant_new ("(^as)", names));
  while ((phase = g_atomic_int_get (&shared->phase)) < 2)
    {
      gint64 t0 = bench_now_ns ();
      g_autoptr (GError) call_error = NULL;
      g_autoptr (GVariant) reply = g_dbus_connection_call_sync (
          connection, BENCH_BUS_NAME, BENCH_ROOT_PATH, BENCH_CONFIG_IFACE, "Get", args,
          G_VARIANT_TYPE ("(a{sv})"), G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &call_error);
      gint64 ns = bench_now_ns () - t0;

      g_mutex_lock (&shared->lock);
      if (reply == NULL)
        {
          shared->errors++;
          if (shared->first_error == NULL)
            shared->first_error = g_strdup (call_error->message);
        }
      else
        g_array_append_val (shared->samples[phase], ns);
      g_mutex_unlock (&shared->lock);
    }
  return NULL;
}

static char *
name_owner (PhonesecTestBus *bus)
{
  g_autoptr (GVariant) reply
      = bench_call (bus->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                    "org.freedesktop.DBus", "GetNameOwner", g_variant_new ("(s)", BENCH_BUS_NAME));
  char *owner;

  g_variant_get (reply, "(s)", &owner);
  return owner;
}

static guint32
netd_pid (PhonesecTestBus *bus)
{
  g_autoptr (GVariant) reply = bench_call (
      bus->connection, BENCH_BUS_NAME, BENCH_ROOT_PATH, "org.freedesktop.DBus.Properties", "Get",
      g_variant_new ("(ss)", BENCH_MANAGER_IFACE, "NetworkServicePid"));
  g_autoptr (GVariant) pid = NULL;

  g_variant_get (reply, "(v)", &pid);
  return g_variant_get_uint32 (pid);
}

/* Each differs from the one before, around the cycle too: every Apply
 * changes the policy in force. */
static const char *const changes[][2] = {
  { "TLS_Min_Version", "TLS 1.2" }, { "TLS_Cipher_List", "ECDHE-RSA-AES128-GCM-SHA256:AES256-SHA" },
  { "TLS_Min_Version", "TLS 1.3" }, { "TLS_Cipher_List", "" },
  { "TLS_Min_Version", "TLS 1.1" }, { "TLS_Cipher_List", "HIGH" },
};

int
main (int argc, char **argv)
{
  gboolean quick = argc > 1 && g_str_equal (argv[argc - 1], "--quick");
  guint n_clients = quick ? 2 : 4;
  guint n_changes = quick ? 10 : 50;
  g_autoptr (PhonesecTestBus) bus = NULL;
  g_autofree char *owner = NULL;
  GThread *threads[4];
  Shared shared = { 0 };
  guint restarts = 0;
  gint64 begin = bench_now_ns ();

  if (quick)
    argc--;
  bench_init (&argc, &argv, "Config.Get through TLS policy changes: no call fails.");
  bus = bench_bus_new ();
  phonesec_test_bus_start_daemon (bus);
  owner = name_owner (bus);
  /* The network service starts once the daemon runs. */
  for (guint i = 0; i < 500 && netd_pid (bus) == 0; i++)
    g_usleep (10 * 1000);

  shared.address = bus->address;
  g_mutex_init (&shared.lock);
  shared.samples[0] = bench_samples_new (100000);
  shared.samples[1] = bench_samples_new (100000);
  for (guint i = 0; i < n_clients; i++)
    threads[i] = g_thread_new ("client", client_thread, &shared);

  g_usleep (BASELINE_MS * 1000);
  g_atomic_int_set (&shared.phase, 1);
  for (guint i = 0; i < n_changes; i++)
    {
      const char *const *change = changes[i % G_N_ELEMENTS (changes)];
      guint32 before = netd_pid (bus);
      g_autoptr (GError) error = NULL;
      g_autofree char *owner_now = NULL;

      phonesec_test_apply_strings (bus, &error, change[0], change[1], NULL);
      g_assert_no_error (error);
      if (netd_pid (bus) != before)
        restarts++;
      owner_now = name_owner (bus);
      g_assert_cmpstr (owner_now, ==, owner);
      g_usleep (50 * 1000);
    }
  g_atomic_int_set (&shared.phase, 2);
  for (guint i = 0; i < n_clients; i++)
    g_thread_join (threads[i]);

  g_print ("%u clients, %u policy changes (%u restarts of the network service, phonesecd on the "
           "bus throughout):\n",
           n_clients, n_changes, restarts);
  g_print ("  Config.Get before:  %u calls, median %.0f us, p99 %.0f us\n", shared.samples[0]->len,
           bench_median_us (shared.samples[0]), bench_percentile_us (shared.samples[0], 99));
  g_print ("  Config.Get through: %u calls, median %.0f us, p99 %.0f us, max %.0f us\n",
           shared.samples[1]->len, bench_median_us (shared.samples[1]),
           bench_percentile_us (shared.samples[1], 99),
           bench_percentile_us (shared.samples[1], 100));
  if (shared.errors > 0)
    g_print ("  %u calls failed, the first: %s\n", shared.errors, shared.first_error);
  bench_report ("policy_change_failed_calls", shared.errors, 0);
  bench_report ("policy_change_calls", shared.samples[1]->len, -1);
  bench_report ("policy_change_netd_restarts", restarts, -1);
  bench_report ("policy_change_get_p99_ratio",
                bench_percentile_us (shared.samples[1], 99)
                    / bench_percentile_us (shared.samples[0], 99),
                -1);
  g_print ("(%.1f s)\n", (bench_now_ns () - begin) / 1e9);
  phonesec_test_bus_stop_daemon (bus);
  /* As a test (--quick), it gates. */
  if (quick && (shared.errors > 0 || restarts != n_changes))
    return 1;
  return 0;
}
