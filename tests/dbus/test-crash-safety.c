/* test-crash-safety.c: kill -9 at random instants during a stream of Apply
 * transactions; after each kill the restarted daemon must hold exactly the
 * state before or after the last transaction, never an older one, never a
 * mix of two, never a half-written file.
 *
 * Transaction k sets several parameters at once to values derived from k,
 * so every stored parameter tells which transaction wrote it. One Apply is
 * in flight at a time: the reply of k sends k + 1. A kill therefore lands
 * either with k in flight (the store must hold k - 1 or k) or right after a
 * reply (the store must hold the acknowledged k). An acknowledged
 * transaction must always survive: the daemon replies only once the file
 * is durable.
 *
 * PHONESEC_CRASH_ITERATIONS sets the number of kills (default 200, or 20
 * when the daemon runs under PHONESEC_DAEMON_WRAPPER, i.e. valgrind); the
 * GTest seed (--seed) makes a run reproducible.
 *
 * After every kill the files are checked too: config.ini and, whenever it
 * exists, config.ini.prev (the generation before, the daemon's fallback)
 * are sealed, readable and written by one transaction each; .prev is never
 * missing once two transactions were committed.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gstdio.h>

#include "phonesec-test-bus.h"
#include "phonesec-test-store.h"

#define BUS_NAME PHONESEC_DBUS_NAME
#define ROOT_PATH PHONESEC_DBUS_PATH
#define CONFIG PHONESEC_DBUS_INTERFACE_CONFIG
#define MANAGER PHONESEC_DBUS_INTERFACE_MANAGER

#define DEFAULT_ITERATIONS 200
#define WRAPPED_ITERATIONS 20
#define MAX_DELAY_MS 40
/* Temp files a killed write may leave behind: the one of the last kill, if
 * the daemon cleans up lazily (before its next write); more means they pile
 * up, one per unlucky kill, on the phone's flash. */
#define MAX_LEFTOVER_TEMP_FILES 1
/* What g_file_set_contents_full() leaves when killed before its rename. */
#define STALE_TEMP_FILE "config.ini.Kd93Xq"

static const char *const watched[] = {
  "Proxy_Port", "Proxy_Host", "VPN_Tunnel_Group", "PRT_Upload_Method", "Proxy_Mode", NULL,
};

static const char *const modes[] = { "Auto", "Manual", "Off" };

/* One phonesecd on a private bus (tests/common/phonesec-test-bus.h). */
typedef PhonesecTestDaemon Fixture;

/* The values of transaction @k, typed as Get returns them; k = -1 is the
 * fresh store (the schema's defaults). Every k differs from k - 1 in every
 * parameter, so each Apply changes something and bumps the generation. */
static GVariant *
expected_value (gint64 k, const char *name)
{
  if (g_str_equal (name, "Proxy_Port"))
    return g_variant_new_uint32 (k < 0 ? 3128 : 1000 + (guint32) (k % 60000));
  if (g_str_equal (name, "Proxy_Host"))
    return k < 0 ? g_variant_new_string ("")
                 : g_variant_new_take_string (
                     g_strdup_printf ("h%" G_GINT64_FORMAT ".example.com", k));
  if (g_str_equal (name, "VPN_Tunnel_Group"))
    return k < 0 ? g_variant_new_string ("")
                 : g_variant_new_take_string (g_strdup_printf ("g%" G_GINT64_FORMAT, k));
  if (g_str_equal (name, "PRT_Upload_Method"))
    return g_variant_new_string (k < 0 || k % 2 == 1 ? "POST" : "PUT");
  if (g_str_equal (name, "Proxy_Mode"))
    return g_variant_new_string (k < 0 ? "Off" : modes[k % 3]);
  g_assert_not_reached ();
}

static GVariant *
apply_args (gint64 k)
{
  GVariantBuilder values;

  g_variant_builder_init (&values, G_VARIANT_TYPE ("a{sv}"));
  for (guint i = 0; watched[i] != NULL; i++)
    g_variant_builder_add (&values, "{sv}", watched[i], expected_value (k, watched[i]));
  return g_variant_new ("(a{sv}a{sv})", &values, NULL);
}

/* Which transaction the stored Proxy_Host says wrote the store. */
static gint64
k_of_host (const char *host)
{
  guint64 k = 0;
  g_autofree char *number = NULL;

  if (host[0] == '\0')
    return -1;
  if (!g_str_has_prefix (host, "h") || !g_str_has_suffix (host, ".example.com"))
    g_error ("Proxy_Host holds '%s', which no transaction wrote", host);
  number = g_strndup (host + 1, strlen (host) - 1 - strlen (".example.com"));
  if (!g_ascii_string_to_unsigned (number, 10, 0, G_MAXINT32, &k, NULL))
    g_error ("Proxy_Host holds '%s', which no transaction wrote", host);
  return (gint64) k;
}

static GVariant *
property (Fixture *f, const char *interface, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = g_dbus_connection_call_sync (
      f->bus->connection, BUS_NAME, ROOT_PATH, "org.freedesktop.DBus.Properties", "Get",
      g_variant_new ("(ss)", interface, name), G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE, -1,
      NULL, &error);
  GVariant *value;

  g_assert_no_error (error);
  g_variant_get (reply, "(v)", &value);
  return value;
}

/* Reads the restarted daemon's state; asserts it is exactly the state one
 * transaction left, consistent everywhere; returns that transaction. */
static gint64
stored_transaction (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply
      = phonesec_test_call (f->bus, CONFIG, "Get", g_variant_new ("(^as)", watched), &error);
  g_autoptr (GVariant) values = NULL;
  g_autoptr (GVariant) generation = property (f, CONFIG, "Generation");
  g_autoptr (GString) mixed = g_string_new (NULL);
  const char *host = NULL;
  gint64 k;

  g_assert_no_error (error);
  values = g_variant_get_child_value (reply, 0);
  g_assert_true (g_variant_lookup (values, "Proxy_Host", "&s", &host));
  k = k_of_host (host);
  for (guint i = 0; watched[i] != NULL; i++)
    {
      g_autoptr (GVariant) expected = g_variant_ref_sink (expected_value (k, watched[i]));
      g_autoptr (GVariant) got = g_variant_lookup_value (values, watched[i], NULL);

      if (got == NULL || !g_variant_equal (got, expected))
        {
          g_autofree char *got_text = got != NULL ? g_variant_print (got, TRUE) : NULL;
          g_autofree char *expected_text = g_variant_print (expected, TRUE);

          g_string_append_printf (mixed, "\n  %s = %s, transaction %" G_GINT64_FORMAT " wrote %s",
                                  watched[i], got_text != NULL ? got_text : "(missing)", k,
                                  expected_text);
        }
    }
  if (mixed->len > 0)
    g_error ("The store mixes transactions (Proxy_Host says %" G_GINT64_FORMAT "):%s", k,
             mixed->str);
  /* One committed transaction per k, starting from a fresh store. */
  g_assert_cmpuint (g_variant_get_uint64 (generation), ==, (guint64) (k + 1));
  return k;
}

/* The restarted daemon read its file: no half-written state, nothing kept
 * aside as corrupt. */
static void
assert_store_readable (Fixture *f, guint kill)
{
  g_autoptr (GVariant) store_error = property (f, MANAGER, "StoreError");
  g_autoptr (GVariant) crashed = property (f, MANAGER, "PreviousRunCrashed");

  if (g_variant_get_string (store_error, NULL)[0] != '\0')
    g_error ("Kill %u: the daemon could not read its store: %s", kill,
             g_variant_get_string (store_error, NULL));
  g_assert_true (g_variant_get_boolean (crashed));
}

/* A store file is sealed, and the transaction its generation names wrote
 * it whole; returns that generation. */
static guint64
check_store_file (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GKeyFile) keyfile = phonesec_test_read_sealed_store (path, &error);
  g_autofree char *host = NULL;
  g_autofree char *group = NULL;
  g_autofree char *expected_group = NULL;
  guint64 generation;

  g_assert_no_error (error);
  generation = g_key_file_get_uint64 (keyfile, "Store", "Generation", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (generation, >=, 1);
  /* Transaction k (generation k + 1) set both from k. */
  host = g_key_file_get_string (keyfile, "Values", "Proxy_Host", &error);
  g_assert_no_error (error);
  group = g_key_file_get_string (keyfile, "Values", "VPN_Tunnel_Group", &error);
  g_assert_no_error (error);
  g_assert_cmpint (k_of_host (host), ==, (gint64) generation - 1);
  expected_group = g_strdup_printf ("g%" G_GUINT64_FORMAT, generation - 1);
  g_assert_cmpstr (group, ==, expected_group);
  return generation;
}

/* The files say the same generation as the daemon; .prev holds the one
 * before (or the same, when a kill came between keeping it and the
 * rename); nothing was kept aside; returns how many temp files killed
 * writes left. */
static guint
check_state_dir (Fixture *f, gint64 k)
{
  g_autofree char *path = g_build_filename (f->bus->state_dir, "config.ini", NULL);
  g_autofree char *prev = g_build_filename (f->bus->state_dir, "config.ini.prev", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GDir) dir = NULL;
  const char *name;
  guint temp_files = 0;

  if (k >= 0)
    g_assert_cmpuint (check_store_file (path), ==, (guint64) (k + 1));
  if (g_file_test (prev, G_FILE_TEST_EXISTS))
    {
      guint64 generation = check_store_file (prev);

      if (generation != (guint64) k && generation != (guint64) (k + 1))
        g_error ("config.ini.prev holds generation %" G_GUINT64_FORMAT
                 " beside config.ini's %" G_GINT64_FORMAT,
                 generation, k + 1);
    }
  else if (k >= 1)
    g_error ("config.ini.prev is missing after %" G_GINT64_FORMAT " transactions", k + 1);

  dir = g_dir_open (f->bus->state_dir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      if (g_str_has_suffix (name, ".corrupt"))
        g_error ("The store was found corrupt and kept aside as %s", name);
      if (g_str_has_prefix (name, "config.ini.") && !g_str_equal (name, "config.ini.prev"))
        temp_files++;
    }
  return temp_files;
}

/* --- the Apply stream ----------------------------------------------------- */

typedef struct
{
  Fixture *f;
  GMainLoop *loop;
  gint64 next;       /* the k of the next Apply */
  gint64 last_acked; /* the last k whose reply said committed; -1: none */
  gint64 sent;       /* the k in flight when pending */
  gboolean pending;
  gboolean killed;
  guint stop_after; /* 0: stop on the timer; n: kill right after n replies */
  guint replies;
} Stream;

static void send_next (Stream *stream);

static void
apply_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Stream *stream = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply
      = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);

  g_assert_true (stream->pending);
  stream->pending = FALSE;
  if (reply == NULL)
    {
      /* Only the kill may take a transaction's reply away. */
      if (!stream->killed)
        g_error ("Apply %" G_GINT64_FORMAT " failed: %s", stream->sent, error->message);
      return;
    }
  {
    guint64 generation = 0;

    g_variant_get (reply, "(t)", &generation);
    g_assert_cmpuint (generation, ==, (guint64) (stream->sent + 1));
  }
  stream->last_acked = stream->sent;
  stream->replies++;
  if (stream->killed)
    return;
  if (stream->stop_after > 0 && stream->replies >= stream->stop_after)
    {
      g_main_loop_quit (stream->loop);
      return;
    }
  /* Even when the timer fired in this same iteration: the kill must find
   * a transaction in flight, as it would have an instant later. */
  send_next (stream);
}

static void
send_next (Stream *stream)
{
  stream->sent = stream->next++;
  stream->pending = TRUE;
  g_dbus_connection_call (stream->f->bus->connection, BUS_NAME, ROOT_PATH, CONFIG, "Apply",
                          apply_args (stream->sent), G_VARIANT_TYPE ("(t)"), G_DBUS_CALL_FLAGS_NONE,
                          -1, NULL, apply_done, stream);
}

static gboolean
on_timer (gpointer user_data)
{
  Stream *stream = user_data;

  g_main_loop_quit (stream->loop);
  return G_SOURCE_REMOVE;
}

static gboolean
reply_settled (gpointer user_data)
{
  return !((Stream *) user_data)->pending;
}

static guint
iterations (void)
{
  const char *text = g_getenv ("PHONESEC_CRASH_ITERATIONS");
  const char *wrapper = g_getenv ("PHONESEC_DAEMON_WRAPPER");
  /* Under valgrind a daemon start takes seconds, not milliseconds. */
  guint64 n = wrapper != NULL && wrapper[0] != '\0' ? WRAPPED_ITERATIONS : DEFAULT_ITERATIONS;

  if (text != NULL && !g_ascii_string_to_unsigned (text, 10, 1, 100000, &n, NULL))
    g_error ("PHONESEC_CRASH_ITERATIONS must be a number from 1 to 100000, not '%s'", text);
  return (guint) n;
}

static void
test_kill_during_apply_loop (Fixture *f, gconstpointer data)
{
  guint n = iterations ();
  guint killed_in_flight_committed = 0;
  guint killed_in_flight_lost = 0;
  guint killed_between = 0;
  guint max_temp_files = 0;
  gint64 k = -1; /* the transaction the store holds */
  gint64 started = g_get_monotonic_time ();

  g_assert_cmpint (stored_transaction (f), ==, -1);
  for (guint i = 0; i < n; i++)
    {
      Stream stream = {
        .f = f,
        .loop = g_main_loop_new (NULL, FALSE),
        .next = k + 1,
        .last_acked = k,
        .sent = k,
      };
      gboolean in_flight_at_kill;
      guint temp_files;
      gint64 stored;

      /* One kill in four right after a reply: nothing in flight. The
       * others at a random instant, most likely inside a transaction. */
      if (g_test_rand_int_range (0, 4) == 0)
        stream.stop_after = g_test_rand_int_range (1, 6);
      else
        g_timeout_add (g_test_rand_int_range (0, MAX_DELAY_MS + 1), on_timer, &stream);
      send_next (&stream);
      g_main_loop_run (stream.loop);

      in_flight_at_kill = stream.pending;
      stream.killed = TRUE;
      phonesec_test_bus_kill_daemon (f->bus);
      /* The bus answers for the dead daemon (or the reply was already on
       * its way): settle the call before judging. */
      g_assert_true (phonesec_test_wait_until (reply_settled, &stream, 10000));
      g_main_loop_unref (stream.loop);

      phonesec_test_bus_start_daemon (f->bus);
      assert_store_readable (f, i);
      stored = stored_transaction (f);
      /* An acknowledged transaction survives (a reply that arrived after
       * the kill counts too); the one in flight may or may not. */
      if (stored != stream.last_acked && !(in_flight_at_kill && stored == stream.sent))
        g_error ("Kill %u: the store holds transaction %" G_GINT64_FORMAT
                 "; the last acknowledged was %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT " was %s",
                 i, stored, stream.last_acked, stream.sent,
                 in_flight_at_kill ? "in flight" : "not in flight");
      temp_files = check_state_dir (f, stored);
      max_temp_files = MAX (max_temp_files, temp_files);
      if (temp_files > MAX_LEFTOVER_TEMP_FILES)
        g_error ("Kill %u: %u temp files config.ini.* pile up in %s; killed writes must be "
                 "cleaned up",
                 i, temp_files, f->bus->state_dir);

      if (!in_flight_at_kill)
        killed_between++;
      else if (stored == stream.sent)
        killed_in_flight_committed++;
      else
        killed_in_flight_lost++;
      k = stored;
    }

  g_test_message ("%u kills in %.1f s; %" G_GINT64_FORMAT " transactions committed", n,
                  (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC, k + 1);
  g_test_message ("mid-transaction: %u (%u committed, %u rolled back); between transactions: %u",
                  killed_in_flight_committed + killed_in_flight_lost, killed_in_flight_committed,
                  killed_in_flight_lost, killed_between);
  g_test_message ("most temp files left at once: %u", max_temp_files);
  g_assert_cmpint (k, >=, 0);
}

/* The deterministic form of the leftover check: a temp file as a kill
 * during a write leaves it is gone once the restarted daemon has written. */
static void
test_stale_temp_file_is_removed (Fixture *f, gconstpointer data)
{
  g_autofree char *stale = g_build_filename (f->bus->state_dir, STALE_TEMP_FILE, NULL);
  g_autoptr (GError) error = NULL;

  phonesec_test_apply_strings (f->bus, &error, "Proxy_Mode", "Manual", NULL);
  g_assert_no_error (error);
  phonesec_test_bus_kill_daemon (f->bus);
  g_assert_true (g_file_set_contents (stale, "[Store]\nVersion=1\nGenera", -1, NULL));

  phonesec_test_bus_start_daemon (f->bus);
  phonesec_test_apply_strings (f->bus, &error, "Proxy_Mode", "Auto", NULL);
  g_assert_no_error (error);
  if (g_file_test (stale, G_FILE_TEST_EXISTS))
    g_error ("%s, left by a killed write, is still there after a restart and a write", stale);
  {
    g_autoptr (GVariant) mode = phonesec_test_get (f->bus, "Proxy_Mode");
    g_assert_cmpstr (g_variant_get_string (mode, NULL), ==, "Auto");
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/store/crash-safety/kill-during-apply", Fixture, NULL, phonesec_test_daemon_setup,
              test_kill_during_apply_loop, phonesec_test_daemon_teardown);
  g_test_add ("/store/crash-safety/stale-temp-file-removed", Fixture, NULL,
              phonesec_test_daemon_setup, test_stale_temp_file_is_removed,
              phonesec_test_daemon_teardown);
  return g_test_run ();
}
