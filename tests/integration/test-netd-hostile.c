/* test-netd-hostile.c: the channel to the network service is a trust
 * boundary. phonesecd runs with a fake helper (fake-netd.c) that sends
 * garbage, an oversized frame, a short frame, a frame out of order,
 * crashes, stalls or floods the log: each time phonesecd kills it, says
 * why (Manager.NetworkServiceError, NetworkServiceRestarts, its log, a
 * crash record) and starts another, while Config.Get keeps answering with
 * no error, every call quick.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gstdio.h>
#include <string.h>

#include "phonesec-test-bus.h"

#define BUS_NAME "org.phonesec.PhoneSec1"
#define ROOT_PATH "/org/phonesec/PhoneSec1"
#define MANAGER "org.phonesec.PhoneSec1.Manager"
/* A call that takes longer than this while the helper misbehaves means
 * the daemon blocked on it. */
#define MAX_CALL_MS 1000

typedef struct
{
  const char *mode;
  const char *error_words; /* in NetworkServiceError */
  gboolean restarts;       /* FALSE: the helper must survive (flood) */
} Case;

static const Case cases[] = {
  { "garbage", "malformed", TRUE }, { "oversized", "malformed", TRUE },
  { "short", "malformed", TRUE },   { "order", "malformed", TRUE },
  { "crash", "signal 6", TRUE },    { "stall", "hung", TRUE },
  { "flood", NULL, FALSE },
};

/* Config.Get from a thread of its own, on a connection of its own. */
typedef struct
{
  char *address;
  gint stop;
  guint calls;
  guint errors;
  gint64 longest_us;
  char *first_error;
} Caller;

static gpointer
call_loop (gpointer data)
{
  Caller *c = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDBusConnection) connection = g_dbus_connection_new_for_address_sync (
      c->address,
      G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
          | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
      NULL, NULL, &error);
  const char *names[] = { "Proxy_Mode", "TLS_Min_Version", NULL };

  g_assert_no_error (error);
  while (!g_atomic_int_get (&c->stop))
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr (GError) call_error = NULL;
      g_autoptr (GVariant) reply = g_dbus_connection_call_sync (
          connection, BUS_NAME, ROOT_PATH, "org.phonesec.PhoneSec1.Config", "Get",
          g_variant_new ("(^as)", names), G_VARIANT_TYPE ("(a{sv})"), G_DBUS_CALL_FLAGS_NONE, 10000,
          NULL, &call_error);
      gint64 took = g_get_monotonic_time () - start;

      c->calls++;
      c->longest_us = MAX (c->longest_us, took);
      if (reply == NULL)
        {
          c->errors++;
          if (c->first_error == NULL)
            c->first_error = g_strdup (call_error->message);
        }
      g_usleep (2000);
    }
  return NULL;
}

static GVariant *
manager_property (PhonesecTestBus *bus, const char *name)
{
  return phonesec_test_get_property (bus, ROOT_PATH, MANAGER, name);
}

static guint
count_starts (PhonesecTestBus *bus)
{
  g_autofree char *path = g_build_filename (bus->tmpdir, "fake-netd.starts", NULL);
  g_autofree char *text = NULL;
  guint n = 0;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return 0;
  for (const char *p = text; *p != '\0'; p++)
    if (*p == '\n')
      n++;
  return n;
}

static void
test_hostile_helper (gconstpointer data)
{
  const Case *c = data;
  g_autoptr (PhonesecTestBus) bus = phonesec_test_bus_new ();
  Caller caller = { 0 };
  GThread *thread;
  gint64 deadline;
  guint32 restarts = 0;
  g_autofree char *error_text = NULL;
  g_autofree char *log = NULL;

  /* The helper runs as nobody: it may append to this one file. */
  {
    g_autofree char *starts = g_build_filename (bus->tmpdir, "fake-netd.starts", NULL);

    g_assert_true (g_file_set_contents (starts, "", 0, NULL));
    g_chmod (starts, 0666);
  }
  /* The helper phonesecd starts inherits this environment. */
  g_setenv ("PHONESEC_NETD", g_getenv ("PHONESEC_FAKE_NETD"), TRUE);
  g_setenv ("PHONESEC_FAKE_NETD_MODE", c->mode, TRUE);
  g_setenv ("PHONESEC_NETD_WATCHDOG_MS", "200", TRUE);
  phonesec_test_bus_start_daemon (bus);

  caller.address = bus->address;
  thread = g_thread_new ("caller", call_loop, &caller);
  /* phonesecd starts the helper once running; with no plugin at once. */
  deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr (GVariant) value = manager_property (bus, "NetworkServiceRestarts");

      restarts = g_variant_get_uint32 (value);
      if (c->restarts ? restarts >= 2 && count_starts (bus) >= 3
                      : g_get_monotonic_time () > deadline - 12 * G_USEC_PER_SEC)
        break;
      g_usleep (20 * 1000);
    }
  g_atomic_int_set (&caller.stop, 1);
  g_thread_join (thread);

  {
    g_autoptr (GVariant) value = manager_property (bus, "NetworkServiceError");
    error_text = g_variant_dup_string (value, NULL);
  }
  log = phonesec_test_bus_dup_log (bus);
  g_test_message ("%s: %u starts, %u unplanned restarts, error \"%s\"; %u calls, longest %.1f ms",
                  c->mode, count_starts (bus), restarts, error_text, caller.calls,
                  caller.longest_us / 1000.0);
  if (c->restarts)
    {
      g_assert_cmpuint (restarts, >=, 2);
      g_assert_cmpuint (count_starts (bus), >=, 3);
      g_assert_nonnull (strstr (error_text, c->error_words));
      /* The crash-report path saw it too. */
      g_assert_nonnull (strstr (log, "The network service (phonesec-netd)"));
    }
  else
    {
      guint lines = 0;

      g_assert_cmpuint (restarts, ==, 0);
      g_assert_cmpuint (count_starts (bus), ==, 1);
      g_assert_cmpstr (error_text, ==, "");
      /* Thousands sent, a minute's worth logged. */
      for (const char *p = strstr (log, "flooding the log"); p != NULL;
           p = strstr (p + 1, "flooding the log"))
        lines++;
      g_test_message ("%u helper log lines kept", lines);
      g_assert_cmpuint (lines, >, 0);
      g_assert_cmpuint (lines, <=, 60);
    }
  /* phonesecd served throughout, and never waited on the helper. */
  if (caller.errors > 0)
    g_error ("%u of %u Config.Get calls failed (first: %s)", caller.errors, caller.calls,
             caller.first_error);
  g_assert_cmpuint (caller.calls, >, 20);
  g_assert_cmpint (caller.longest_us, <, MAX_CALL_MS * 1000);
  g_free (caller.first_error);

  /* The same process: phonesecd never left the bus. */
  phonesec_test_bus_stop_daemon (bus);
  g_unsetenv ("PHONESEC_FAKE_NETD_MODE");
  g_unsetenv ("PHONESEC_NETD_WATCHDOG_MS");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/netd/hostile-helper/%s", cases[i].mode);
      g_test_add_data_func (path, &cases[i], test_hostile_helper);
    }
  return g_test_run ();
}
