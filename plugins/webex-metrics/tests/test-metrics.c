/* test-metrics.c: the webex-metrics plugin (org.phonesec.PhoneSec1.Metrics)
 * against a real HTTP server in the test process (upload-fixture.c), through
 * a real phonesecd on a private bus.
 *
 * Both plugins are copied from their build folders (PHONESEC_METRICS_PLUGIN_DIR,
 * PHONESEC_PRT_PLUGIN_DIR): the prt-uploader produces metrics (and uploads to
 * another path of the same server) while Webex_Metrics_Enable=No must keep
 * every metric on the phone. Batches are parsed with json-glib.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "phonesec-test-bus.h"
#include "upload-fixture.h"

#define BUS_NAME PHONESEC_DBUS_NAME
#define METRICS_PATH PHONESEC_DBUS_PLUGINS_PATH "/webex_metrics"
#define METRICS_IFACE PHONESEC_DBUS_INTERFACE_PREFIX "Metrics"
#define PRT_PATH PHONESEC_DBUS_PLUGINS_PATH "/prt_uploader"
#define PRT_IFACE PHONESEC_DBUS_INTERFACE_PREFIX "ProblemReport"
#define CONFIG PHONESEC_DBUS_INTERFACE_CONFIG
#define ERROR_PREFIX PHONESEC_DBUS_ERROR_PREFIX

#define DEV_MA "001122334455"
#define DEV_SERIAL "FCH0000DEV1"
#define DEV_PRODUCT "CP-8841-3PCC"
#define DEV_FIRMWARE "sip88xx.12-0-1MPP-0001"

/* Waits for what must come; longer when phonesecd runs under valgrind. */
#define UPLOAD_TIMEOUT_MS (10000 * timeout_scale)
static guint timeout_scale = 1;
#define RETRY_OPTION "--upload-retry=200:1000"

typedef struct
{
  PhonesecTestBus *bus;
  PhonesecUploadServer *server;
  char *collector; /* the server's /metrics/ URL */
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  f->bus = phonesec_test_bus_new ();
  phonesec_test_bus_add_plugin (f->bus, "PHONESEC_METRICS_PLUGIN_DIR");
  phonesec_test_bus_add_plugin (f->bus, "PHONESEC_PRT_PLUGIN_DIR");
  g_ptr_array_add (f->bus->extra_args, g_strdup (RETRY_OPTION));
  f->server = phonesec_upload_server_new (NULL, NULL);
  f->collector = phonesec_upload_server_url (f->server, "/metrics/");
  g_test_message ("collector %s", f->collector);
  phonesec_test_bus_start_daemon (f->bus);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->bus, phonesec_test_bus_free);
  g_clear_pointer (&f->server, phonesec_upload_server_free);
  g_clear_pointer (&f->collector, g_free);
}

/* --- D-Bus helpers ------------------------------------------------------- */

static GVariant *
metrics_call (Fixture *f, const char *method, const char *reply_type, GError **error)
{
  return g_dbus_connection_call_sync (f->bus->connection, BUS_NAME, METRICS_PATH, METRICS_IFACE,
                                      method, NULL, reply_type ? G_VARIANT_TYPE (reply_type) : NULL,
                                      G_DBUS_CALL_FLAGS_NONE, 30000, NULL, error);
}

static GVariant *
metrics_get (Fixture *f, const char *property)
{
  return phonesec_test_get_property (f->bus, METRICS_PATH, METRICS_IFACE, property);
}

static guint64
metrics_get_u64 (Fixture *f, const char *property)
{
  g_autoptr (GVariant) value = metrics_get (f, property);

  g_assert_true (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT64));
  return g_variant_get_uint64 (value);
}

static gboolean
metrics_get_enabled (Fixture *f)
{
  g_autoptr (GVariant) value = metrics_get (f, "Enabled");

  g_assert_true (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN));
  return g_variant_get_boolean (value);
}

/* Flush(): NULL on success, else the remote error name. */
static char *
metrics_flush (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = metrics_call (f, "Flush", NULL, &error);

  if (reply != NULL)
    return NULL;
  g_assert_nonnull (error);
  return g_dbus_error_get_remote_error (error);
}

static void
apply (Fixture *f, const char *name, const char *value)
{
  g_autoptr (GError) error = NULL;

  phonesec_test_apply_strings (f->bus, &error, name, value, NULL);
  g_assert_no_error (error);
}

/* D-Bus traffic the core counts (core.dbus.calls, core.transactions). */
static void
make_dbus_calls (Fixture *f, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GVariant) value = phonesec_test_get (f->bus, "Webex_Metrics_Enable");
      g_autoptr (GVariant) snapshot = metrics_call (f, "Snapshot", "(a{sv})", NULL);

      g_assert_nonnull (snapshot);
    }
}

static void
generate_prt (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = g_dbus_connection_call_sync (
      f->bus->connection, BUS_NAME, PRT_PATH, PRT_IFACE, "Generate", g_variant_new ("(s)", "user"),
      G_VARIANT_TYPE ("(s)"), G_DBUS_CALL_FLAGS_NONE, 30000, NULL, &error);

  g_assert_no_error (error);
}

/* --- batches ------------------------------------------------------------------ */

typedef struct
{
  gint64 seq;
  gint64 time;
  gint64 interval;
  gint64 dbus_calls;
  gint64 transactions;
} Batch;

/* Parses and checks one batch request; fills @batch. */
static void
check_batch (PhonesecUploadRequest *request, gint64 interval, Batch *batch)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonObject *root, *device, *metrics;
  gsize size;
  const char *data = g_bytes_get_data (request->body, &size);
  g_autofree char *mac = NULL;
  g_autoptr (GString) digits = g_string_new (NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_cmpstr (request->method, ==, "POST");
  g_assert_cmpstr (request->path, ==, "/metrics/");
  g_assert_cmpstr (soup_message_headers_get_content_type (request->headers, NULL), ==,
                   "application/json");
  json_parser_load_from_data (parser, data, (gssize) size, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  root = json_node_get_object (json_parser_get_root (parser));

  g_assert_true (json_object_has_member (root, "device"));
  device = json_object_get_object_member (root, "device");
  g_assert_nonnull (device);
  mac = g_ascii_strdown (json_object_get_string_member (device, "mac"), -1);
  for (const char *p = mac; *p; p++)
    if (*p != ':' && *p != '-')
      g_string_append_c (digits, *p);
  g_assert_cmpstr (digits->str, ==, DEV_MA);
  g_assert_cmpstr (json_object_get_string_member (device, "serial"), ==, DEV_SERIAL);
  g_assert_cmpstr (json_object_get_string_member (device, "product"), ==, DEV_PRODUCT);
  g_assert_cmpstr (json_object_get_string_member (device, "firmware"), ==, DEV_FIRMWARE);

  g_assert_true (json_object_has_member (root, "seq"));
  batch->seq = json_object_get_int_member (root, "seq");
  batch->time = json_object_get_int_member (root, "time");
  batch->interval = json_object_get_int_member (root, "interval");
  g_assert_cmpint (ABS (batch->time - now), <, 120);
  if (interval > 0)
    g_assert_cmpint (batch->interval, ==, interval);

  g_assert_true (json_object_has_member (root, "metrics"));
  metrics = json_object_get_object_member (root, "metrics");
  g_assert_nonnull (metrics);
  /* Every metric is a number (counters and gauges are integers). */
  {
    g_autoptr (GList) names = json_object_get_members (metrics);

    g_assert_nonnull (names);
    for (GList *l = names; l != NULL; l = l->next)
      {
        JsonNode *node = json_object_get_member (metrics, l->data);

        if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
          g_error ("metric %s is not an integer: %.*s", (char *) l->data, (int) size, data);
      }
  }
  /* The test's own D-Bus calls are always counted (the fixture polls the
   * daemon): core.dbus.calls is in every batch. core.transactions only
   * once a configuration transaction happened (-1 otherwise). */
  if (!json_object_has_member (metrics, "core.dbus.calls"))
    g_error ("batch without core.dbus.calls: %.*s", (int) size, data);
  batch->dbus_calls = json_object_get_int_member (metrics, "core.dbus.calls");
  batch->transactions = json_object_get_int_member_with_default (metrics, "core.transactions", -1);
  g_assert_cmpint (batch->dbus_calls, >=, 1);
}

/* The accepted batches, in arrival order (Batch, checked). */
static GArray *
accepted_batches (Fixture *f, gint64 interval)
{
  GPtrArray *requests = phonesec_upload_server_get_requests (f->server);
  GArray *batches = g_array_new (FALSE, TRUE, sizeof (Batch));

  for (guint i = 0; i < requests->len; i++)
    {
      PhonesecUploadRequest *request = requests->pdata[i];
      Batch batch;

      if (!g_str_has_prefix (request->path, "/metrics/")
          || !SOUP_STATUS_IS_SUCCESSFUL (request->status))
        continue;
      check_batch (request, interval, &batch);
      g_array_append_val (batches, batch);
    }
  return batches;
}

/* The seq of every batch that reached the server (any status), sorted,
 * without duplicates. */
static GArray *
seen_seqs (Fixture *f)
{
  GPtrArray *requests = phonesec_upload_server_get_requests (f->server);
  GArray *seqs = g_array_new (FALSE, TRUE, sizeof (gint64));

  for (guint i = 0; i < requests->len; i++)
    {
      PhonesecUploadRequest *request = requests->pdata[i];
      Batch batch;
      gboolean known = FALSE;

      if (!g_str_has_prefix (request->path, "/metrics/"))
        continue;
      check_batch (request, 0, &batch);
      for (guint k = 0; k < seqs->len; k++)
        known |= g_array_index (seqs, gint64, k) == batch.seq;
      if (!known)
        g_array_append_val (seqs, batch.seq);
    }
  return seqs;
}

/* "seq/status" of every batch request, in arrival order (for messages). */
static char *
describe_requests (Fixture *f)
{
  GPtrArray *requests = phonesec_upload_server_get_requests (f->server);
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < requests->len; i++)
    {
      PhonesecUploadRequest *request = requests->pdata[i];
      Batch batch;

      if (!g_str_has_prefix (request->path, "/metrics/"))
        continue;
      check_batch (request, 0, &batch);
      g_string_append_printf (text, "%s%" G_GINT64_FORMAT "/%u", text->len ? " " : "", batch.seq,
                              request->status);
    }
  return g_string_free (text, FALSE);
}

typedef struct
{
  Fixture *f;
  guint n;
} WaitSeqs;

/* At least @n distinct batches reached the server, whatever it answered. */
static gboolean
has_seqs (gpointer data)
{
  WaitSeqs *wait = data;
  g_autoptr (GArray) seqs = seen_seqs (wait->f);

  return seqs->len >= wait->n;
}

static void
wait_batches (Fixture *f, guint n)
{
  if (!phonesec_upload_server_wait (f->server, "/metrics/", n, UPLOAD_TIMEOUT_MS))
    {
      g_autofree char *log = phonesec_test_bus_dup_log (f->bus);
      g_error ("%u batches expected, %u arrived; daemon log:\n%s", n,
               phonesec_upload_server_count (f->server, "/metrics/", TRUE), log);
    }
}

/* --- tests ------------------------------------------------------------------- */

/* Webex_Metrics_Enable=No (the default): nothing reaches the collector
 * over several intervals while the core and the prt-uploader count, and
 * while the prt-uploader uploads to the same server. */
static void
test_disabled (Fixture *f, gconstpointer data)
{
  g_autofree char *prt_rule = phonesec_upload_server_url (f->server, "/prt/");
  g_autofree char *error_name = NULL;
  g_autoptr (GVariant) snapshot = NULL;
  g_autoptr (GError) error = NULL;
  guint64 calls = 0;

  phonesec_test_apply_strings (f->bus, &error, "Metrics_Collector_URL", f->collector,
                               "Metrics_Upload_Interval", "1", "PRT_Upload_Rule", prt_rule, NULL);
  g_assert_no_error (error);
  g_assert_false (metrics_get_enabled (f));

  for (guint round = 0; round < 3; round++)
    {
      make_dbus_calls (f, 10);
      generate_prt (f);
      phonesec_upload_server_run_for (f->server, 1000);
    }
  phonesec_upload_server_wait (f->server, "/prt/", 3, UPLOAD_TIMEOUT_MS);
  phonesec_upload_server_run_for (f->server, 1500);
  g_assert_cmpuint (phonesec_upload_server_count (f->server, "/prt/", TRUE), ==, 3);
  g_assert_cmpuint (phonesec_upload_server_count (f->server, "/metrics/", FALSE), ==, 0);
  g_assert_cmpuint (phonesec_upload_server_count (f->server, NULL, FALSE), ==, 3);

  error_name = metrics_flush (f);
  g_assert_cmpstr (error_name, ==, ERROR_PREFIX "NotSupported");
  g_assert_cmpuint (metrics_get_u64 (f, "Sent"), ==, 0);
  {
    g_autoptr (GVariant) last = metrics_get (f, "LastUpload");
    g_assert_cmpint (g_variant_get_int64 (last), ==, 0);
  }

  /* The metrics are kept on the phone all the same. */
  snapshot = metrics_call (f, "Snapshot", "(a{sv})", &error);
  g_assert_no_error (error);
  {
    g_autoptr (GVariant) dict = g_variant_get_child_value (snapshot, 0);
    g_assert_true (g_variant_lookup (dict, "core.dbus.calls", "t", &calls));
    g_assert_cmpuint (calls, >=, 30);
  }
  phonesec_upload_server_run_for (f->server, 500);
  g_assert_cmpuint (phonesec_upload_server_count (f->server, "/metrics/", FALSE), ==, 0);
}

typedef struct
{
  Fixture *f;
  guint64 n;
} WaitSent;

static gboolean
has_sent (gpointer data)
{
  WaitSent *wait = data;

  return metrics_get_u64 (wait->f, "Sent") >= wait->n;
}

/* Yes: batches arrive every interval, parse, count, and Flush() sends one
 * at once; no secret in any of them. */
static void
test_enabled (Fixture *f, gconstpointer data)
{
  static const char *const secrets[]
      = { "Prx-S3cret-7781", "Vpn-S3cret-4402", "Ldap-S3cret-9915", NULL };
  g_autoptr (GArray) batches = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) last = NULL;
  g_autoptr (GVariant) last_error = NULL;
  g_autofree char *flush_error = NULL;
  guint n;
  gint64 now;

  phonesec_test_apply_strings (f->bus, &error, "Proxy_Password", secrets[0], "VPN_Password",
                               secrets[1], "LDAP_Password", secrets[2], "Metrics_Collector_URL",
                               f->collector, "Metrics_Upload_Interval", "1", "Webex_Metrics_Enable",
                               "Yes", NULL);
  g_assert_no_error (error);
  g_assert_true (metrics_get_enabled (f));

  wait_batches (f, 1);
  make_dbus_calls (f, 20);
  /* The batch after the next one is made after the calls, surely. */
  wait_batches (f, MAX (3, phonesec_upload_server_count (f->server, "/metrics/", TRUE) + 2));
  batches = accepted_batches (f, 1);
  n = batches->len;
  g_assert_cmpuint (n, >=, 3);
  for (guint i = 1; i < n; i++)
    {
      Batch *prev = &g_array_index (batches, Batch, i - 1);
      Batch *cur = &g_array_index (batches, Batch, i);

      g_assert_cmpint (cur->seq, >, prev->seq);
      /* Config.Apply ran before the first batch. */
      g_assert_cmpint (cur->transactions, >=, 1);
      g_assert_cmpint (prev->transactions, >=, 1);
      g_assert_cmpint (cur->time, >=, prev->time);
      g_assert_cmpint (cur->dbus_calls, >=, prev->dbus_calls);
    }
  /* The 20 rounds of calls made between the first and the third batch. */
  g_assert_cmpint (g_array_index (batches, Batch, n - 1).dbus_calls
                       - g_array_index (batches, Batch, 0).dbus_calls,
                   >=, 40);

  /* No secret in any batch, raw bytes. */
  for (guint i = 0; i < phonesec_upload_server_get_requests (f->server)->len; i++)
    {
      PhonesecUploadRequest *request = phonesec_upload_server_get_requests (f->server)->pdata[i];

      for (guint k = 0; secrets[k] != NULL; k++)
        g_assert_false (phonesec_test_bytes_contain (request->body, secrets[k]));
    }

  /* The daemon reads the last reply a moment after the server sent it. */
  {
    WaitSent wait = { f, n };

    if (!phonesec_test_wait_until (has_sent, &wait, UPLOAD_TIMEOUT_MS))
      g_error ("Sent stayed below %u: %" G_GUINT64_FORMAT, n, metrics_get_u64 (f, "Sent"));
  }
  last = metrics_get (f, "LastUpload");
  now = g_get_real_time () / G_USEC_PER_SEC;
  g_assert_cmpint (ABS (g_variant_get_int64 (last) - now), <, 30);
  last_error = metrics_get (f, "LastError");
  g_assert_cmpstr (g_variant_get_string (last_error, NULL), ==, "");

  /* A long interval: only Flush() sends now. */
  apply (f, "Metrics_Upload_Interval", "3600");
  phonesec_upload_server_run_for (f->server, 1500);
  phonesec_upload_server_clear (f->server);
  phonesec_upload_server_run_for (f->server, 1500);
  g_assert_cmpuint (phonesec_upload_server_count (f->server, "/metrics/", FALSE), ==, 0);
  flush_error = metrics_flush (f);
  g_assert_null (flush_error);
  wait_batches (f, 1);
  phonesec_upload_server_run_for (f->server, 1000);
  g_assert_cmpuint (phonesec_upload_server_count (f->server, "/metrics/", FALSE), ==, 1);
  {
    g_autoptr (GArray) flushed = accepted_batches (f, 3600);
    g_assert_cmpint (g_array_index (flushed, Batch, 0).seq, >,
                     g_array_index (batches, Batch, n - 1).seq);
  }
  {
    g_autofree char *log = phonesec_test_bus_dup_log (f->bus);
    for (guint k = 0; secrets[k] != NULL; k++)
      g_assert_null (strstr (log, secrets[k]));
  }
}

/* The collector answers 500, then the daemon restarts (SIGTERM), then the
 * collector accepts: every batch it saw refused arrives, exactly once. */
static void
test_retry_restart (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) refused = NULL;
  g_autoptr (GArray) batches = NULL;

  phonesec_upload_server_set_status (f->server, 500, 0);
  phonesec_test_apply_strings (f->bus, &error, "Metrics_Collector_URL", f->collector,
                               "Metrics_Upload_Interval", "1", "Webex_Metrics_Enable", "Yes", NULL);
  g_assert_no_error (error);
  /* Two batches refused (at least; retries make more requests). */
  {
    WaitSeqs wait = { f, 2 };

    if (!phonesec_test_wait_until (has_seqs, &wait, UPLOAD_TIMEOUT_MS))
      g_error ("fewer than 2 batches reached the collector");
  }
  phonesec_upload_server_run_for (f->server, 1000);
  refused = seen_seqs (f);
  g_assert_cmpuint (refused->len, >=, 1);
  g_assert_cmpuint (phonesec_upload_server_count (f->server, "/metrics/", TRUE), ==, 0);
  {
    g_autoptr (GVariant) last_error = metrics_get (f, "LastError");
    g_assert_cmpstr (g_variant_get_string (last_error, NULL), !=, "");
  }

  phonesec_test_bus_stop_daemon (f->bus);
  /* The server runs only while the test iterates: a request the stopped
   * daemon sent but never saw answered is still waiting in its socket.
   * Answer it (500, to nobody) before the server accepts again, or it
   * would count as delivered. */
  phonesec_upload_server_run_for (f->server, 500);
  phonesec_upload_server_set_status (f->server, 200, 0);
  phonesec_test_bus_start_daemon (f->bus);
  wait_batches (f, refused->len);
  phonesec_upload_server_run_for (f->server, 2500);

  batches = accepted_batches (f, 1);
  /* Each refused batch accepted once; no seq accepted twice. */
  for (guint i = 0; i < refused->len; i++)
    {
      gint64 seq = g_array_index (refused, gint64, i);
      guint n = 0;

      for (guint k = 0; k < batches->len; k++)
        n += g_array_index (batches, Batch, k).seq == seq;
      if (n != 1)
        {
          g_autofree char *log = phonesec_test_bus_dup_log (f->bus);
          g_autofree char *seen = describe_requests (f);

          g_error ("batch seq %" G_GINT64_FORMAT " accepted %u times; requests (seq/status): "
                   "%s\ndaemon log:\n%s",
                   seq, n, seen, log);
        }
    }
  for (guint i = 0; i < batches->len; i++)
    for (guint k = i + 1; k < batches->len; k++)
      if (g_array_index (batches, Batch, i).seq == g_array_index (batches, Batch, k).seq)
        {
          g_autofree char *log = phonesec_test_bus_dup_log (f->bus);
          g_autofree char *seen = describe_requests (f);

          g_error ("batch seq %" G_GINT64_FORMAT " accepted twice; requests: %s\ndaemon log:\n%s",
                   g_array_index (batches, Batch, i).seq, seen, log);
        }
}

/* Batches waiting for a collector that is down are discarded when metrics
 * are switched off: when it comes back, nothing arrives, and Dropped grew. */
static void
test_disable_discards (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  guint64 dropped_before, dropped_after;

  phonesec_upload_server_down (f->server);
  phonesec_test_apply_strings (f->bus, &error, "Metrics_Collector_URL", f->collector,
                               "Metrics_Upload_Interval", "1", "Webex_Metrics_Enable", "Yes", NULL);
  g_assert_no_error (error);
  phonesec_upload_server_run_for (f->server, 2500);
  {
    g_autoptr (GVariant) last_error = metrics_get (f, "LastError");
    g_assert_cmpstr (g_variant_get_string (last_error, NULL), !=, "");
  }
  dropped_before = metrics_get_u64 (f, "Dropped");

  apply (f, "Webex_Metrics_Enable", "No");
  g_assert_false (metrics_get_enabled (f));
  dropped_after = metrics_get_u64 (f, "Dropped");
  g_assert_cmpuint (dropped_after, >, dropped_before);

  phonesec_upload_server_up (f->server);
  make_dbus_calls (f, 5);
  phonesec_upload_server_run_for (f->server, 3000);
  g_assert_cmpuint (phonesec_upload_server_count (f->server, NULL, FALSE), ==, 0);
  g_assert_cmpuint (metrics_get_u64 (f, "Sent"), ==, 0);

  /* Nothing waits either: back on, the next batches are new ones. */
  apply (f, "Webex_Metrics_Enable", "Yes");
  wait_batches (f, 1);
  g_assert_cmpuint (metrics_get_u64 (f, "Dropped"), ==, dropped_after);
}

/* Snapshot() on a fresh daemon: the documented core metrics, counters as
 * t (0 until something is counted), plugin states as x (1: active), and
 * the prt-uploader's own count following Generate(). */
static void
test_snapshot (Fixture *f, gconstpointer data)
{
  static const char *const counters[]
      = { "core.transactions", "core.dbus.calls",    "core.http.requests",
          "core.tls.failures", "core.proxy.lookups", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = metrics_call (f, "Snapshot", "(a{sv})", &error);
  g_autoptr (GVariant) dict = NULL;
  guint64 generated = 0, generated_after = 0;
  gint64 state = -1;

  g_assert_no_error (error);
  dict = g_variant_get_child_value (reply, 0);
  for (guint i = 0; counters[i] != NULL; i++)
    {
      g_autoptr (GVariant) value = g_variant_lookup_value (dict, counters[i], NULL);

      if (value == NULL)
        g_error ("Snapshot() has no %s: %s", counters[i], g_variant_print (dict, TRUE));
      g_assert_cmpstr (g_variant_get_type_string (value), ==, "t");
    }
  g_assert_true (g_variant_lookup (dict, "core.plugins.prt-uploader.state", "x", &state));
  g_assert_cmpint (state, ==, 1);
  g_assert_true (g_variant_lookup (dict, "core.plugins.webex-metrics.state", "x", &state));
  g_assert_cmpint (state, ==, 1);
  g_variant_lookup (dict, "prt-uploader.reports.generated", "t", &generated);

  generate_prt (f);
  g_clear_pointer (&reply, g_variant_unref);
  g_clear_pointer (&dict, g_variant_unref);
  reply = metrics_call (f, "Snapshot", "(a{sv})", &error);
  g_assert_no_error (error);
  dict = g_variant_get_child_value (reply, 0);
  g_assert_true (g_variant_lookup (dict, "prt-uploader.reports.generated", "t", &generated_after));
  g_assert_cmpuint (generated_after, ==, generated + 1);
  /* Reading sends nothing. */
  phonesec_upload_server_run_for (f->server, 500);
  g_assert_cmpuint (phonesec_upload_server_count (f->server, NULL, FALSE), ==, 0);
}

/* Each bad value is refused with InvalidValue and changes nothing; no
 * collector URL: Flush() is NotSupported even with metrics on. */
static void
test_bad_values (Fixture *f, gconstpointer data)
{
  static const char *const bad[][2] = {
    { "Metrics_Collector_URL", "ftp://127.0.0.1/metrics/" },
    { "Metrics_Collector_URL", "not a url" },
    { "Metrics_Upload_Interval", "0" },
    { "Metrics_Upload_Interval", "86401" },
    { "Metrics_Upload_Interval", "ten" },
    { "Webex_Metrics_Enable", "Maybe" },
  };
  g_autoptr (GError) error = NULL;
  g_autofree char *flush_error = NULL;

  phonesec_test_apply_strings (f->bus, &error, "Metrics_Upload_Interval", "1",
                               "Webex_Metrics_Enable", "Yes", NULL);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *remote = NULL;

      g_assert_cmpuint (phonesec_test_apply_strings (f->bus, &error, bad[i][0], bad[i][1], NULL),
                        ==, G_MAXUINT64);
      g_assert_nonnull (error);
      remote = g_dbus_error_get_remote_error (error);
      if (g_strcmp0 (remote, ERROR_PREFIX "InvalidValue") != 0)
        g_error ("%s=%s: %s", bad[i][0], bad[i][1], error->message);
      g_clear_error (&error);
    }
  {
    g_autoptr (GVariant) value = phonesec_test_get (f->bus, "Metrics_Upload_Interval");
    g_autofree char *text = g_variant_print (value, FALSE);
    g_assert_true (g_strcmp0 (text, "'1'") == 0 || g_strcmp0 (text, "1") == 0);
  }
  g_assert_true (metrics_get_enabled (f));
  flush_error = metrics_flush (f);
  g_assert_cmpstr (flush_error, ==, ERROR_PREFIX "NotSupported");
  phonesec_upload_server_run_for (f->server, 2500);
  g_assert_cmpuint (phonesec_upload_server_count (f->server, NULL, FALSE), ==, 0);
}

/* A batch the collector refuses for good (400) is dropped, not retried;
 * the next ones are sent. */
static void
test_refused (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) seqs = NULL;
  g_autoptr (GArray) batches = NULL;
  gint64 refused_seq;
  guint64 dropped_before = metrics_get_u64 (f, "Dropped");

  phonesec_upload_server_set_status (f->server, 400, 1);
  phonesec_test_apply_strings (f->bus, &error, "Metrics_Collector_URL", f->collector,
                               "Metrics_Upload_Interval", "1", "Webex_Metrics_Enable", "Yes", NULL);
  g_assert_no_error (error);
  wait_batches (f, 2);
  phonesec_upload_server_run_for (f->server, 500);
  seqs = seen_seqs (f);
  refused_seq = g_array_index (seqs, gint64, 0);
  g_assert_cmpuint (
      ((PhonesecUploadRequest *) phonesec_upload_server_get_requests (f->server)->pdata[0])->status,
      ==, 400);
  batches = accepted_batches (f, 1);
  for (guint i = 0; i < batches->len; i++)
    g_assert_cmpint (g_array_index (batches, Batch, i).seq, !=, refused_seq);
  g_assert_cmpuint (metrics_get_u64 (f, "Dropped"), ==, dropped_before + 1);
}

/* Restricted_Access_Domains: no batch for a collector outside it. */
static void
test_restricted_domains (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) last_error = NULL;

  phonesec_test_apply_strings (f->bus, &error, "Metrics_Collector_URL", f->collector,
                               "Restricted_Access_Domains", "metrics.example.com",
                               "Webex_Metrics_Enable", "Yes", NULL);
  g_assert_no_error (error);
  reply = metrics_call (f, "Flush", NULL, &error);
  g_assert_null (reply);
  g_assert_nonnull (strstr (error->message, "Metrics_Collector_URL: the server '127.0.0.1' is "
                                            "outside Restricted_Access_Domains"));
  last_error = metrics_get (f, "LastError");
  g_assert_nonnull (strstr (g_variant_get_string (last_error, NULL), "Restricted_Access_Domains"));
  phonesec_upload_server_run_for (f->server, 1000);
  g_assert_cmpuint (phonesec_upload_server_count (f->server, NULL, FALSE), ==, 0);
}

#define ADD(path, fn) g_test_add (path, Fixture, NULL, setup, fn, teardown)

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("PHONESEC_DAEMON_WRAPPER") != NULL && g_getenv ("PHONESEC_DAEMON_WRAPPER")[0])
    timeout_scale = 6;

  ADD ("/metrics/disabled", test_disabled);
  ADD ("/metrics/enabled", test_enabled);
  ADD ("/metrics/retry-restart", test_retry_restart);
  ADD ("/metrics/disable-discards", test_disable_discards);
  ADD ("/metrics/refused", test_refused);
  ADD ("/metrics/restricted-domains", test_restricted_domains);
  ADD ("/metrics/bad-values", test_bad_values);
  ADD ("/metrics/snapshot", test_snapshot);

  return g_test_run ();
}
