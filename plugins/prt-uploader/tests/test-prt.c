/* test-prt.c: the prt-uploader plugin (org.phonesec.PhoneSec1.ProblemReport)
 * against a real HTTP(S) server in the test process (upload-fixture.c),
 * through a real phonesecd on a private bus.
 *
 * The plugin is copied (0644) from PHONESEC_PRT_PLUGIN_DIR, the folder its
 * build fills (build/plugins/prt-uploader), into each test's plugin folder.
 * phonesecd retries uploads quickly here (--upload-retry=200:1000), and
 * PHONESEC_PRT_MINUTE_MS shortens PRT_Max_Timer's minute for the periodic
 * test. The server unpacks every archive it receives (libarchive) and checks
 * its members; secrets are looked for byte for byte in every member.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gstdio.h>
#include <string.h>

#include "phonesec-test-bus.h"
#include "tls-fixture.h"
#include "upload-fixture.h"

#define BUS_NAME PHONESEC_DBUS_NAME
#define PRT_PATH PHONESEC_DBUS_PLUGINS_PATH "/prt_uploader"
#define PRT_IFACE PHONESEC_DBUS_INTERFACE_PREFIX "ProblemReport"
#define ERROR_PREFIX PHONESEC_DBUS_ERROR_PREFIX

/* The development identity phonesecd uses without a device file. */
#define DEV_MA "001122334455"
#define DEV_DEVICENAME "SEP001122334455"
#define DEV_SERIAL "FCH0000DEV1"

/* Waits for what must come; longer when phonesecd runs under valgrind. */
#define UPLOAD_TIMEOUT_MS (10000 * timeout_scale)
static guint timeout_scale = 1;
#define RETRY_OPTION "--upload-retry=200:1000"

/* Every member an ordinary report holds, sorted as
 * phonesec_test_untar_names() gives them. */
#define REPORT_MEMBERS                                                                             \
  "config/cfg.xml,device.txt,log/phonesecd.log,report.txt,state/objects.txt,system.txt"
/* A report for an http:// rule: no log (issue 13: it crosses the network
 * in clear text, so it holds only what the phone's user may see). */
#define REDUCED_MEMBERS "config/cfg.xml,device.txt,report.txt,state/objects.txt,system.txt"
/* A crash report after an unclean exit: also crash.txt and the crashed
 * run's log. */
#define CRASH_MEMBERS                                                                              \
  "config/cfg.xml,crash.txt,device.txt,log/phonesecd.log,log/previous-run.log,report.txt,"         \
  "state/objects.txt,system.txt"

/* --- fixture --------------------------------------------------------------- */

typedef struct
{
  PhonesecTestBus *bus;
  PhonesecUploadServer *server;
} Fixture;

static struct
{
  char *dir;
  PhonesecTestCa *ca;
  PhonesecTestCert *server;       /* IP SAN 127.0.0.1 */
  PhonesecTestCa *other_ca;       /* never trusted */
  PhonesecTestCert *other_server; /* as server, issued by other_ca */
} pki;

static void
setup_common (Fixture *f, gboolean https)
{
  f->bus = phonesec_test_bus_new ();
  phonesec_test_bus_add_plugin (f->bus, "PHONESEC_PRT_PLUGIN_DIR");
  g_ptr_array_add (f->bus->extra_args, g_strdup (RETRY_OPTION));
  if (https)
    {
      g_ptr_array_add (f->bus->extra_args,
                       g_strdup_printf ("--ca-file=%s", pki.ca->cert->cert_path));
      f->server = phonesec_upload_server_new (pki.server->cert_path, pki.server->key_path);
    }
  else
    f->server = phonesec_upload_server_new (NULL, NULL);
  g_test_message ("upload server on port %u", phonesec_upload_server_get_port (f->server));
}

static void
setup (Fixture *f, gconstpointer data)
{
  setup_common (f, FALSE);
  phonesec_test_bus_start_daemon (f->bus);
}

static void
setup_https (Fixture *f, gconstpointer data)
{
  setup_common (f, TRUE);
  phonesec_test_bus_start_daemon (f->bus);
}

/* The daemon is started by the test itself (environment first). */
static void
setup_no_daemon (Fixture *f, gconstpointer data)
{
  setup_common (f, FALSE);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->bus, phonesec_test_bus_free);
  g_clear_pointer (&f->server, phonesec_upload_server_free);
  g_unsetenv ("PHONESEC_PRT_MINUTE_MS");
}

/* --- D-Bus helpers ------------------------------------------------------- */

static GVariant *
prt_call (Fixture *f, const char *method, GVariant *args, const char *reply_type, GError **error)
{
  return g_dbus_connection_call_sync (f->bus->connection, BUS_NAME, PRT_PATH, PRT_IFACE, method,
                                      args, reply_type ? G_VARIANT_TYPE (reply_type) : NULL,
                                      G_DBUS_CALL_FLAGS_NONE, 30000, NULL, error);
}

static char *
prt_generate (Fixture *f, const char *reason)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply
      = prt_call (f, "Generate", g_variant_new ("(s)", reason), "(s)", &error);
  char *id = NULL;

  g_assert_no_error (error);
  g_variant_get (reply, "(s)", &id);
  g_assert_cmpstr (id, !=, "");
  return id;
}

static char *
prt_get_string (Fixture *f, const char *property)
{
  return phonesec_test_dup_string_property (f->bus, PRT_PATH, PRT_IFACE, property);
}

/* The List() entry of @id (a{sv}), or NULL. */
static GVariant *
prt_find (Fixture *f, const char *id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = prt_call (f, "List", NULL, "(aa{sv})", &error);
  g_autoptr (GVariant) list = NULL;
  GVariantIter iter;
  GVariant *entry;

  g_assert_no_error (error);
  list = g_variant_get_child_value (reply, 0);
  g_variant_iter_init (&iter, list);
  while ((entry = g_variant_iter_next_value (&iter)) != NULL)
    {
      const char *entry_id = NULL;

      if (g_variant_lookup (entry, "id", "&s", &entry_id) && g_strcmp0 (entry_id, id) == 0)
        return entry;
      g_variant_unref (entry);
    }
  return NULL;
}

static guint
prt_list_length (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = prt_call (f, "List", NULL, "(aa{sv})", &error);
  g_autoptr (GVariant) list = NULL;

  g_assert_no_error (error);
  list = g_variant_get_child_value (reply, 0);
  return (guint) g_variant_n_children (list);
}

static char *
entry_string (GVariant *entry, const char *key)
{
  const char *value = NULL;

  if (!g_variant_lookup (entry, key, "&s", &value))
    g_error ("List() entry without %s: %s", key, g_variant_print (entry, TRUE));
  return g_strdup (value);
}

typedef struct
{
  Fixture *f;
  const char *id;
  const char *status;
} StatusWait;

static gboolean
entry_has_status (gpointer data)
{
  StatusWait *wait = data;
  g_autoptr (GVariant) entry = prt_find (wait->f, wait->id);
  g_autofree char *status = NULL;

  if (entry == NULL)
    return FALSE;
  status = entry_string (entry, "upload-status");
  return g_strcmp0 (status, wait->status) == 0;
}

/* Waits until List() says @status for @id; asserts it does. */
static void
assert_upload_status (Fixture *f, const char *id, const char *status)
{
  StatusWait wait = { f, id, status };

  if (!phonesec_test_wait_until (entry_has_status, &wait, UPLOAD_TIMEOUT_MS))
    {
      g_autoptr (GVariant) entry = prt_find (f, id);
      g_error ("report %s never reached upload-status %s: %s", id, status,
               entry ? g_variant_print (entry, TRUE) : "(not listed)");
    }
}

static void
apply (Fixture *f, const char *name, const char *value)
{
  g_autoptr (GError) error = NULL;

  phonesec_test_apply_strings (f->bus, &error, name, value, NULL);
  g_assert_no_error (error);
}

static void
wait_requests (Fixture *f, const char *prefix, guint n)
{
  if (!phonesec_upload_server_wait (f->server, prefix, n, UPLOAD_TIMEOUT_MS))
    {
      g_autofree char *log = phonesec_test_bus_dup_log (f->bus);
      g_error ("%u accepted request(s) under %s expected, %u arrived; daemon log:\n%s", n, prefix,
               phonesec_upload_server_count (f->server, prefix, TRUE), log);
    }
}

/* The @i-th request under @prefix (any status). */
static PhonesecUploadRequest *
nth_request (Fixture *f, const char *prefix, guint i)
{
  GPtrArray *requests = phonesec_upload_server_get_requests (f->server);

  for (guint k = 0; k < requests->len; k++)
    {
      PhonesecUploadRequest *request = requests->pdata[k];

      if (g_str_has_prefix (request->path, prefix) && i-- == 0)
        return request;
    }
  g_error ("no request %u under %s", i, prefix);
  return NULL;
}

/* --- archive checks -------------------------------------------------------- */

static char *
member_text (GHashTable *members, const char *name)
{
  GBytes *bytes = g_hash_table_lookup (members, name);

  if (bytes == NULL)
    g_error ("the archive has no %s", name);
  return g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

/* The value of "KEY=value" or "KEY: value" lines, or NULL. */
static char *
text_value (const char *text, const char *key)
{
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  gsize key_len = strlen (key);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      if (strncmp (line, key, key_len) != 0)
        continue;
      line += key_len;
      if (*line != '=' && *line != ':')
        continue;
      line++;
      while (*line == ' ')
        line++;
      return g_strstrip (g_strdup (line));
    }
  return NULL;
}

static GHashTable *
unpack (GBytes *archive)
{
  g_autoptr (GError) error = NULL;
  GHashTable *members = phonesec_test_untar (archive, &error);

  g_assert_no_error (error);
  g_assert_nonnull (members);
  return members;
}

/* Checks the parts every report has: identity, state, system, log, config. */
static void
check_report_members (GHashTable *members, const char *id, const char *name, const char *reason,
                      gboolean crash)
{
  g_autofree char *names = phonesec_test_untar_names (members);
  g_autofree char *report = member_text (members, "report.txt");
  g_autofree char *device = member_text (members, "device.txt");
  g_autofree char *system = member_text (members, "system.txt");
  g_autofree char *objects = member_text (members, "state/objects.txt");
  g_autofree char *log = NULL;
  g_autofree char *cfg = member_text (members, "config/cfg.xml");
  g_autofree char *report_id = text_value (report, "id");
  g_autofree char *report_name = text_value (report, "name");
  g_autofree char *report_reason = text_value (report, "reason");
  g_autofree char *report_crash = text_value (report, "crash");
  g_autofree char *report_created = text_value (report, "created");
  g_autofree char *serial = text_value (device, "Serial");
  g_autofree char *product = text_value (device, "ProductName");
  g_autofree char *version = text_value (device, "SoftwareVersion");
  g_autofree char *mac = text_value (device, "MAC");
  g_autofree char *system_lower = g_ascii_strdown (system, -1);
  g_autofree char *contents = text_value (report, "contents");
  gboolean reduced = contents != NULL && g_str_has_prefix (contents, "reduced");

  if (reduced)
    {
      /* Made for an http:// rule: nothing hidden from the phone's user. */
      g_assert_false (crash);
      g_assert_cmpstr (names, ==, REDUCED_MEMBERS);
      g_assert_null (strstr (cfg, "<PRT_"));
      g_assert_null (strstr (objects, PRT_IFACE ".LastError"));
    }
  else
    {
      g_assert_cmpstr (contents, ==, "full");
      g_assert_cmpstr (names, ==, crash ? CRASH_MEMBERS : REPORT_MEMBERS);
    }

  g_assert_cmpstr (report_id, ==, id);
  g_assert_cmpstr (report_name, ==, name);
  g_assert_cmpstr (report_reason, ==, reason);
  g_assert_cmpstr (report_crash, ==, crash ? "yes" : "no");
  g_assert_nonnull (report_created);
  g_assert_cmpstr (report_created, !=, "");

  g_assert_nonnull (mac);
  {
    g_autofree char *hex = g_ascii_strdown (mac, -1);
    g_autoptr (GString) digits = g_string_new (NULL);

    for (const char *p = hex; *p; p++)
      if (*p != ':' && *p != '-')
        g_string_append_c (digits, *p);
    g_assert_cmpstr (digits->str, ==, DEV_MA);
  }
  g_assert_cmpstr (serial, ==, DEV_SERIAL);
  g_assert_cmpstr (product, ==, "CP-8841-3PCC");
  g_assert_cmpstr (version, ==, "sip88xx.12-0-1MPP-0001");

  g_assert_nonnull (strstr (system_lower, "kernel"));
  g_assert_nonnull (strstr (system_lower, "uptime"));
  g_assert_nonnull (strstr (system_lower, "mem"));

  /* One "path interface.Property = value" line per property. */
  g_assert_nonnull (strstr (objects, PRT_PATH " " PHONESEC_DBUS_INTERFACE_PLUGIN ".State = "));
  g_assert_nonnull (strstr (objects, PRT_PATH " " PRT_IFACE ".GenerationStatus = "));

  if (reduced)
    return;
  log = member_text (members, "log/phonesecd.log");
  /* The daemon's recent log. A report made while running has the start-up
   * in it ("phonesecd X ready on the bus"); a crash report is made at start,
   * so the start-up is in the crashed run's log instead. */
  g_assert_cmpuint (strlen (log), >, 0);
  if (!crash && strstr (log, "ready on the bus") == NULL)
    g_error ("log/phonesecd.log:\n%s", log);
  if (crash)
    {
      g_autofree char *previous = member_text (members, "log/previous-run.log");

      if (strstr (previous, "ready on the bus") == NULL)
        g_error ("log/previous-run.log:\n%s", previous);
      if (strstr (log, "did not stop cleanly") == NULL)
        g_error ("log/phonesecd.log:\n%s", log);
    }

  g_assert_nonnull (strstr (cfg, "<PRT_Upload_Method"));
  g_assert_nonnull (strstr (cfg, "<PRT_Upload_at_Crash"));
}

/* The name List() gives @id. */
static char *
report_name (Fixture *f, const char *id)
{
  g_autoptr (GVariant) entry = prt_find (f, id);

  g_assert_nonnull (entry);
  return entry_string (entry, "name");
}

/* --- tests: the fixture itself -------------------------------------------- */

typedef struct
{
  gboolean done;
  guint status;
  GError *error;
} SendResult;

static void
send_done (GObject *source, GAsyncResult *result, gpointer data)
{
  SendResult *send = data;
  g_autoptr (GBytes) body
      = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &send->error);

  send->status = soup_message_get_status (
      soup_session_get_async_result_message (SOUP_SESSION (source), result));
  send->done = TRUE;
}

static gboolean
send_is_done (gpointer data)
{
  return ((SendResult *) data)->done;
}

/* A request from this process to the fixture (async: the server runs on
 * the same main context). */
static guint
fixture_send (PhonesecUploadServer *server, const char *path, GError **error)
{
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autofree char *url = phonesec_upload_server_url (server, path);
  g_autoptr (SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr (GBytes) body = g_bytes_new_static ("hello", 5);
  SendResult result = { 0 };

  soup_message_set_request_body_from_bytes (msg, "text/plain", body);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, send_done, &result);
  g_assert_true (phonesec_test_wait_until (send_is_done, &result, 10000));
  if (result.error != NULL)
    {
      g_propagate_error (error, result.error);
      return 0;
    }
  return result.status;
}

static void
test_fixture (void)
{
  g_autoptr (PhonesecUploadServer) server = phonesec_upload_server_new (NULL, NULL);
  g_autoptr (GError) error = NULL;
  guint16 port = phonesec_upload_server_get_port (server);
  PhonesecUploadRequest *request;

  g_assert_cmpuint (fixture_send (server, "/a/1?x=y", &error), ==, 200);
  g_assert_no_error (error);
  request = g_ptr_array_index (phonesec_upload_server_get_requests (server), 0);
  g_assert_cmpstr (request->method, ==, "POST");
  g_assert_cmpstr (request->path, ==, "/a/1");
  g_assert_cmpstr (request->query, ==, "x=y");
  g_assert_cmpstr (soup_message_headers_get_one (request->headers, "Content-Type"), ==,
                   "text/plain");
  g_assert_true (phonesec_test_bytes_contain (request->body, "hello"));
  g_assert_cmpuint (g_bytes_get_size (request->body), ==, 5);

  phonesec_upload_server_set_status (server, 500, 2);
  g_assert_cmpuint (fixture_send (server, "/a/2", &error), ==, 500);
  g_assert_cmpuint (fixture_send (server, "/b/3", &error), ==, 500);
  g_assert_cmpuint (fixture_send (server, "/a/4", &error), ==, 200);
  g_assert_cmpuint (phonesec_upload_server_count (server, "/a/", FALSE), ==, 3);
  g_assert_cmpuint (phonesec_upload_server_count (server, "/a/", TRUE), ==, 2);
  g_assert_cmpuint (phonesec_upload_server_count (server, NULL, FALSE), ==, 4);
  g_assert_true (phonesec_upload_server_wait (server, "/a/", 2, 10));
  g_assert_false (phonesec_upload_server_wait (server, "/a/", 3, 10));

  phonesec_upload_server_down (server);
  g_assert_false (phonesec_test_port_accepts (port));
  fixture_send (server, "/a/5", &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_clear_error (&error);
  phonesec_upload_server_up (server);
  g_assert_cmpuint (phonesec_upload_server_get_port (server), ==, port);
  g_assert_cmpuint (fixture_send (server, "/a/6", &error), ==, 200);
  g_assert_no_error (error);
  g_assert_cmpuint (phonesec_upload_server_count (server, NULL, FALSE), ==, 5);

  phonesec_upload_server_clear (server);
  g_assert_cmpuint (phonesec_upload_server_count (server, NULL, FALSE), ==, 0);
}

/* --- tests: uploads --------------------------------------------------------- */

/* POST: a multipart form with the identity fields and the archive, to the
 * rule with its macro expanded, with the extra header. */
static void
test_post (Fixture *f, gconstpointer data)
{
  g_autofree char *rule = phonesec_upload_server_url (f->server, "/post/$MA/upload");
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;
  g_autoptr (GPtrArray) parts = NULL;
  g_autoptr (GHashTable) members = NULL;
  g_autoptr (GVariant) entry = NULL;
  PhonesecUploadRequest *request;
  PhonesecFormPart *part;
  g_autofree char *property = NULL;
  gint64 created = 0;
  guint64 size = 0;
  gboolean crash = TRUE;
  g_autoptr (GError) error = NULL;

  phonesec_test_apply_strings (f->bus, &error, "PRT_Upload_Rule", rule, "PRT_Name", "myprt-$MA",
                               "PRT_HTTP_Header", "X-Phonesec-Test", "PRT_HTTP_Header_Value",
                               "tok-42_ab", NULL);
  g_assert_no_error (error);

  id = prt_generate (f, "user");
  wait_requests (f, "/post/", 1);
  assert_upload_status (f, id, "uploaded");
  /* Exactly one request: nothing retried after the 200. */
  phonesec_upload_server_run_for (f->server, 1500);
  g_assert_cmpuint (phonesec_upload_server_count (f->server, NULL, FALSE), ==, 1);

  request = nth_request (f, "/post/", 0);
  g_assert_cmpstr (request->method, ==, "POST");
  g_assert_cmpstr (request->path, ==, "/post/" DEV_MA "/upload");
  g_assert_cmpstr (soup_message_headers_get_one (request->headers, "X-Phonesec-Test"), ==,
                   "tok-42_ab");

  parts = phonesec_upload_request_parse_form (request);
  g_assert_nonnull (parts);
  g_assert_cmpuint (parts->len, ==, 4);
  part = phonesec_form_find (parts, "devicename");
  g_assert_nonnull (part);
  g_assert_cmpmem (g_bytes_get_data (part->body, NULL), g_bytes_get_size (part->body),
                   DEV_DEVICENAME, strlen (DEV_DEVICENAME));
  part = phonesec_form_find (parts, "serialno");
  g_assert_nonnull (part);
  g_assert_cmpmem (g_bytes_get_data (part->body, NULL), g_bytes_get_size (part->body), DEV_SERIAL,
                   strlen (DEV_SERIAL));
  g_assert_nonnull (phonesec_form_find (parts, "username"));
  part = phonesec_form_find (parts, "prt_file");
  g_assert_nonnull (part);
  g_assert_cmpstr (part->filename, ==, "myprt-" DEV_MA ".tar.gz");
  g_assert_cmpstr (part->content_type, ==, "application/gzip");

  name = report_name (f, id);
  g_assert_cmpstr (name, ==, "myprt-" DEV_MA ".tar.gz");
  members = unpack (part->body);
  check_report_members (members, id, name, "user", FALSE);

  entry = prt_find (f, id);
  g_assert_true (g_variant_lookup (entry, "size", "t", &size));
  g_assert_cmpuint (size, ==, g_bytes_get_size (part->body));
  g_assert_true (g_variant_lookup (entry, "crash", "b", &crash));
  g_assert_false (crash);
  g_assert_true (g_variant_lookup (entry, "created", "x", &created));
  g_assert_cmpint (ABS (created - g_get_real_time () / G_USEC_PER_SEC), <, 60);
  {
    g_autofree char *reason = entry_string (entry, "reason");
    g_assert_cmpstr (reason, ==, "user");
  }

  property = prt_get_string (f, "UploadStatus");
  g_assert_cmpstr (property, ==, "uploaded");
  g_clear_pointer (&property, g_free);
  property = prt_get_string (f, "GenerationStatus");
  g_assert_cmpstr (property, ==, "ready");
  g_clear_pointer (&property, g_free);
  property = prt_get_string (f, "LastReport");
  g_assert_cmpstr (property, ==, id);
  g_clear_pointer (&property, g_free);
  property = prt_get_string (f, "LastError");
  g_assert_cmpstr (property, ==, "");
}

/* Is @name the default prt-<yyyymmdd>-<hhmmss>-<MA>.tar.gz? */
static gboolean
is_default_name (const char *name)
{
  return g_regex_match_simple ("^prt-[0-9]{8}-[0-9]{6}-" DEV_MA "\\.tar\\.gz$", name, 0, 0);
}

/* PUT to a rule ending with "/": the name is appended; the body is the
 * archive; a header name without a value sends no header. */
static void
test_put_folder (Fixture *f, gconstpointer data)
{
  g_autofree char *rule = phonesec_upload_server_url (f->server, "/put/$MAU/");
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autoptr (GHashTable) members = NULL;
  g_autofree char *cfg = NULL;
  PhonesecUploadRequest *request;
  g_autoptr (GError) error = NULL;

  phonesec_test_apply_strings (f->bus, &error, "PRT_Upload_Rule", rule, "PRT_Upload_Method", "PUT",
                               "PRT_HTTP_Header", "X-Only-Name", NULL);
  g_assert_no_error (error);

  id = prt_generate (f, "phone menu: call dropped");
  wait_requests (f, "/put/", 1);
  assert_upload_status (f, id, "uploaded");

  name = report_name (f, id);
  g_assert_true (is_default_name (name));
  request = nth_request (f, "/put/", 0);
  g_assert_cmpstr (request->method, ==, "PUT");
  path = g_strdup_printf ("/put/001122334455/%s", name);
  /* $MAU is upper-case: hex digits only here, so the same. */
  g_assert_cmpstr (request->path, ==, path);
  g_assert_null (soup_message_headers_get_one (request->headers, "X-Only-Name"));

  members = unpack (request->body);
  check_report_members (members, id, name, "phone menu: call dropped", FALSE);
  cfg = member_text (members, "config/cfg.xml");
  g_assert_true (
      g_regex_match_simple ("<PRT_Upload_Method[^>]*>PUT</PRT_Upload_Method>", cfg, 0, 0));
}

/* PUT to a rule naming a file: the URL as it is, query included. */
static void
test_put_exact (Fixture *f, gconstpointer data)
{
  g_autofree char *rule = phonesec_upload_server_url (f->server, "/exact/file.tgz?dev=$MA");
  g_autofree char *id = NULL;
  g_autoptr (GHashTable) members = NULL;
  PhonesecUploadRequest *request;
  g_autoptr (GError) error = NULL;

  phonesec_test_apply_strings (f->bus, &error, "PRT_Upload_Rule", rule, "PRT_Upload_Method", "PUT",
                               "PRT_Name", "named.tar.gz", NULL);
  g_assert_no_error (error);

  id = prt_generate (f, "user");
  wait_requests (f, "/exact/", 1);
  request = nth_request (f, "/exact/", 0);
  g_assert_cmpstr (request->method, ==, "PUT");
  g_assert_cmpstr (request->path, ==, "/exact/file.tgz");
  g_assert_cmpstr (request->query, ==, "dev=" DEV_MA);
  members = unpack (request->body);
  /* ".tar.gz" is not appended twice. */
  check_report_members (members, id, "named.tar.gz", "user", FALSE);
}

/* HTTPS with the run's CA (--ca-file). */
static void
test_https (Fixture *f, gconstpointer data)
{
  g_autofree char *rule = phonesec_upload_server_url (f->server, "/tls/");
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;
  g_autoptr (GPtrArray) parts = NULL;
  g_autoptr (GHashTable) members = NULL;
  PhonesecFormPart *part;

  g_assert_true (g_str_has_prefix (rule, "https://"));
  apply (f, "PRT_Upload_Rule", rule);
  id = prt_generate (f, "user");
  wait_requests (f, "/tls/", 1);
  assert_upload_status (f, id, "uploaded");
  name = report_name (f, id);
  parts = phonesec_upload_request_parse_form (nth_request (f, "/tls/", 0));
  g_assert_nonnull (parts);
  part = phonesec_form_find (parts, "prt_file");
  g_assert_nonnull (part);
  g_assert_cmpstr (part->filename, ==, name);
  members = unpack (part->body);
  check_report_members (members, id, name, "user", FALSE);
}

/* No rule: the report is kept, not sent, and says why; Upload() sends it
 * once a rule is set. */
static void
test_no_rule (Fixture *f, gconstpointer data)
{
  g_autofree char *id = prt_generate (f, "user");
  g_autoptr (GVariant) entry = NULL;
  g_autofree char *status = NULL;
  g_autofree char *property = NULL;
  g_autofree char *rule = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autofree char *remote = NULL;

  entry = prt_find (f, id);
  g_assert_nonnull (entry);
  status = entry_string (entry, "upload-status");
  g_assert_cmpstr (status, ==, "not-configured");
  property = prt_get_string (f, "UploadStatus");
  g_assert_cmpstr (property, ==, "failed");
  g_clear_pointer (&property, g_free);
  property = prt_get_string (f, "LastError");
  g_assert_nonnull (strstr (property, "PRT_Upload_Rule"));
  g_clear_pointer (&property, g_free);
  property = prt_get_string (f, "GenerationStatus");
  g_assert_cmpstr (property, ==, "ready");

  reply = prt_call (f, "Upload", g_variant_new ("(s)", id), NULL, &error);
  g_assert_null (reply);
  remote = g_dbus_error_get_remote_error (error);
  g_assert_cmpstr (remote, ==, ERROR_PREFIX "NotSupported");
  g_clear_error (&error);
  g_clear_pointer (&remote, g_free);

  phonesec_upload_server_run_for (f->server, 1000);
  g_assert_cmpuint (phonesec_upload_server_count (f->server, NULL, FALSE), ==, 0);

  /* A rule now: the kept report goes with Upload(), once. */
  rule = phonesec_upload_server_url (f->server, "/later/");
  apply (f, "PRT_Upload_Rule", rule);
  reply = prt_call (f, "Upload", g_variant_new ("(s)", id), NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&reply, g_variant_unref);
  wait_requests (f, "/later/", 1);
  assert_upload_status (f, id, "uploaded");
  phonesec_upload_server_run_for (f->server, 1000);
  g_assert_cmpuint (phonesec_upload_server_count (f->server, NULL, FALSE), ==, 1);
  {
    g_autofree char *name = report_name (f, id);
    g_autoptr (GPtrArray) parts
        = phonesec_upload_request_parse_form (nth_request (f, "/later/", 0));
    PhonesecFormPart *part = phonesec_form_find (parts, "prt_file");

    g_assert_nonnull (part);
    g_assert_cmpstr (part->filename, ==, name);
  }

  /* An unknown id. */
  reply = prt_call (f, "Upload", g_variant_new ("(s)", "no-such-report"), NULL, &error);
  g_assert_null (reply);
  remote = g_dbus_error_get_remote_error (error);
  g_assert_true (g_strcmp0 (remote, ERROR_PREFIX "NotFound") == 0
                 || g_strcmp0 (remote, ERROR_PREFIX "UnknownObject") == 0);
}

/* Over http:// a report crosses the network in clear text (and a proxy the
 * phone's user set can read it): it holds nothing hidden from that user.
 * Hidden marker values, the upload rule itself and the logs that quote
 * them are left out; report.txt says so. */
static void
test_clear_text_reduced (Fixture *f, gconstpointer data)
{
  g_autofree char *rule = phonesec_upload_server_url (f->server, "/clear/mkpathq/");
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;
  g_autoptr (GHashTable) members = NULL;
  g_autoptr (GPtrArray) parts = NULL;
  g_autofree char *report = NULL;
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  GHashTableIter iter;
  gpointer key, value;
  PhonesecFormPart *part;

  g_assert_true (g_str_has_prefix (rule, "http://"));
  phonesec_test_apply_strings (f->bus, &error, "PRT_Upload_Rule", rule, "PRT_Name", "mknameq-$MA",
                               "Syslog_Server", "mksyslogq.example", NULL);
  g_assert_no_error (error);
  id = prt_generate (f, "user");
  wait_requests (f, "/clear/", 1);
  assert_upload_status (f, id, "uploaded");
  parts = phonesec_upload_request_parse_form (nth_request (f, "/clear/", 0));
  part = phonesec_form_find (parts, "prt_file");
  g_assert_nonnull (part);
  members = unpack (part->body);
  name = report_name (f, id);
  check_report_members (members, id, name, "user", FALSE);
  report = member_text (members, "report.txt");
  contents = text_value (report, "contents");
  g_assert_true (g_str_has_prefix (contents, "reduced"));
  g_assert_nonnull (strstr (contents, "https://"));
  /* No hidden value in any member (the archive's name is the upload's
   * business, not a member's). */
  g_hash_table_iter_init (&iter, members);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_assert_false (phonesec_test_bytes_contain (value, "mkpathq"));
      g_assert_false (phonesec_test_bytes_contain (value, "mksyslogq"));
    }
}

/* A full report (made while no rule was set, so kept on the phone) is not
 * sent once the rule is http://: Upload() fails, nothing leaves, and a new
 * report made now goes out reduced. */
static void
test_clear_text_full_report_kept (Fixture *f, gconstpointer data)
{
  g_autofree char *id = prt_generate (f, "user");
  g_autofree char *rule = phonesec_upload_server_url (f->server, "/clear/");
  g_autofree char *second = NULL;
  g_autofree char *remote = NULL;
  g_autofree char *last_error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) error = NULL;

  apply (f, "PRT_Upload_Rule", rule);
  reply = prt_call (f, "Upload", g_variant_new ("(s)", id), NULL, &error);
  g_assert_null (reply);
  remote = g_dbus_error_get_remote_error (error);
  g_assert_cmpstr (remote, ==, ERROR_PREFIX "Failed");
  g_assert_nonnull (strstr (error->message, "clear text"));
  last_error = prt_get_string (f, "LastError");
  g_assert_nonnull (strstr (last_error, "clear text"));
  phonesec_upload_server_run_for (f->server, 1000);
  g_assert_cmpuint (phonesec_upload_server_count (f->server, NULL, FALSE), ==, 0);

  second = prt_generate (f, "user");
  wait_requests (f, "/clear/", 1);
  assert_upload_status (f, second, "uploaded");
}

/* The phone's user (uid 65534) may have one report a minute; the admin
 * is not limited by the user's. */
static void
test_user_once_a_minute (Fixture *f, gconstpointer data)
{
  g_autofree char *first = phonesec_test_call_as_nobody_at (f->bus, NULL, PRT_PATH, PRT_IFACE,
                                                            "Generate", "('user',)");
  g_autofree char *second = phonesec_test_call_as_nobody_at (f->bus, NULL, PRT_PATH, PRT_IFACE,
                                                             "Generate", "('user',)");
  g_autofree char *admin = prt_generate (f, "admin");

  g_assert_true (g_str_has_prefix (first, "OK ("));
  g_assert_true (g_str_has_prefix (second, "ERROR org.freedesktop.DBus.Error.LimitsExceeded"));
  g_assert_nonnull (strstr (second, "minute"));
  g_assert_nonnull (admin);
}

static gboolean
has_last_error (gpointer data)
{
  g_autofree char *last_error = prt_get_string (data, "LastError");

  return last_error[0] != '\0';
}

/* HTTPS to a server whose certificate the phone does not trust: nothing
 * is delivered, the report waits and LastError says why. */
static void
test_https_untrusted (Fixture *f, gconstpointer data)
{
  g_autofree char *rule = NULL;
  g_autofree char *id = NULL;
  g_autofree char *last_error = NULL;
  g_autoptr (PhonesecUploadServer) untrusted
      = phonesec_upload_server_new (pki.other_server->cert_path, pki.other_server->key_path);

  rule = phonesec_upload_server_url (untrusted, "/tls/");
  apply (f, "PRT_Upload_Rule", rule);
  id = prt_generate (f, "user");
  /* The first attempts fail in the handshake: LastError says so. */
  if (!phonesec_test_wait_until (has_last_error, f, UPLOAD_TIMEOUT_MS))
    g_error ("LastError stayed empty");
  phonesec_upload_server_run_for (untrusted, 2000);
  g_assert_cmpuint (phonesec_upload_server_count (untrusted, NULL, FALSE), ==, 0);
  assert_upload_status (f, id, "queued");
  last_error = prt_get_string (f, "UploadStatus");
  g_assert_cmpstr (last_error, ==, "queued");
}

/* Credentials in the rule never show in LastError nor the log. */
static void
test_url_credentials (Fixture *f, gconstpointer data)
{
  g_autofree char *rule = g_strdup_printf ("http://prt:Url-S3cret-5521@127.0.0.1:%u/cred/",
                                           phonesec_upload_server_get_port (f->server));
  g_autofree char *id = NULL;
  g_autofree char *last_error = NULL;
  g_autofree char *log = NULL;
  g_autoptr (GVariant) entry = NULL;

  phonesec_upload_server_down (f->server);
  apply (f, "PRT_Upload_Rule", rule);
  id = prt_generate (f, "user");
  phonesec_upload_server_run_for (f->server, 1500);
  assert_upload_status (f, id, "queued");
  last_error = prt_get_string (f, "LastError");
  g_assert_cmpstr (last_error, !=, "");
  g_assert_null (strstr (last_error, "Url-S3cret-5521"));
  entry = prt_find (f, id);
  {
    g_autofree char *text = g_variant_print (entry, TRUE);
    g_assert_null (strstr (text, "Url-S3cret-5521"));
  }

  phonesec_upload_server_up (f->server);
  wait_requests (f, "/cred/", 1);
  assert_upload_status (f, id, "uploaded");
  log = phonesec_test_bus_dup_log (f->bus);
  g_assert_null (strstr (log, "Url-S3cret-5521"));
}

/* --- tests: credentials inside values ------------------------------------- */

#define CRED_PW "Mk-Prt-6J4"
#define CRED_TOKEN "Mk-Tok-3C8"

/* Counts the state folder's files (but the store) holding a credential;
 * report archives are unpacked and their members searched. */
static guint
count_files_with_credentials (const char *dir, guint *n_items, guint *n_archives)
{
  g_autoptr (GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;
  guint found = 0;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize len = 0;

      if (g_str_equal (name, "config.ini"))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          found += count_files_with_credentials (path, n_items, n_archives);
          continue;
        }
      if (!g_file_get_contents (path, &contents, &len, NULL))
        continue;
      if (g_str_has_suffix (name, ".item"))
        (*n_items)++;
      if (g_str_has_suffix (name, ".tar.gz"))
        {
          g_autoptr (GBytes) bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
          g_autoptr (GHashTable) members = unpack (bytes);
          GHashTableIter iter;
          gpointer member, data;

          (*n_archives)++;
          g_hash_table_iter_init (&iter, members);
          while (g_hash_table_iter_next (&iter, &member, &data))
            if (phonesec_test_bytes_contain (data, CRED_PW)
                || phonesec_test_bytes_contain (data, CRED_TOKEN))
              {
                g_test_message ("%s:%s holds a credential", path, (char *) member);
                found++;
              }
          continue;
        }
      if (g_strstr_len (contents, len, CRED_PW) != NULL
          || g_strstr_len (contents, len, CRED_TOKEN) != NULL)
        {
          g_test_message ("%s holds a credential", path);
          found++;
        }
    }
  return found;
}

/* The rule's password and the header token stay in the store: not in the
 * queued item, the report archive, the log. Written back masked (as the web
 * UI's form does) they are kept, and the upload carries them; the mask with
 * another host is refused. */
static void
test_credentials_only_in_the_store (Fixture *f, gconstpointer data)
{
  guint port = phonesec_upload_server_get_port (f->server);
  g_autofree char *rule = g_strdup_printf ("http://prt:" CRED_PW "@127.0.0.1:%u/auth/", port);
  g_autofree char *masked_rule = g_strdup_printf ("http://prt:********@127.0.0.1:%u/auth/", port);
  g_autofree char *moved_rule = g_strdup_printf ("http://prt:********@127.0.0.2:%u/auth/", port);
  g_autofree char *expected_auth = NULL;
  g_autofree char *id = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *log = NULL;
  g_autoptr (GError) error = NULL;
  PhonesecUploadRequest *request;
  guint n_items = 0, n_archives = 0;

  phonesec_upload_server_down (f->server);
  phonesec_test_apply_strings (f->bus, &error, "PRT_Upload_Rule", rule, "PRT_HTTP_Header",
                               "X-Token", "PRT_HTTP_Header_Value", CRED_TOKEN, NULL);
  g_assert_no_error (error);
  id = prt_generate (f, "user");
  phonesec_upload_server_run_for (f->server, 1000);
  assert_upload_status (f, id, "queued");
  g_assert_cmpuint (count_files_with_credentials (f->bus->state_dir, &n_items, &n_archives), ==, 0);
  g_assert_cmpuint (n_items, >=, 1);
  g_assert_cmpuint (n_archives, >=, 1);

  /* What every reader sees, written back as it is. */
  {
    g_autoptr (GVariant) value = phonesec_test_get (f->bus, "PRT_Upload_Rule");
    g_autoptr (GVariant) token = phonesec_test_get (f->bus, "PRT_HTTP_Header_Value");

    shown = g_variant_dup_string (value, NULL);
    g_assert_cmpstr (shown, ==, masked_rule);
    g_assert_cmpstr (g_variant_get_string (token, NULL), ==, "********");
  }
  phonesec_test_apply_strings (f->bus, &error, "PRT_Upload_Rule", shown, "PRT_HTTP_Header_Value",
                               "********", NULL);
  g_assert_no_error (error);
  phonesec_test_apply_strings (f->bus, &error, "PRT_Upload_Rule", moved_rule, NULL);
  g_assert_nonnull (error);
  {
    g_autofree char *remote = g_dbus_error_get_remote_error (error);
    g_assert_cmpstr (remote, ==, ERROR_PREFIX "InvalidValue");
  }
  g_assert_null (strstr (error->message, CRED_PW));
  g_clear_error (&error);

  phonesec_upload_server_up (f->server);
  wait_requests (f, "/auth/", 1);
  assert_upload_status (f, id, "uploaded");
  request = nth_request (f, "/auth/", 0);
  {
    g_autofree char *b64
        = g_base64_encode ((const guchar *) "prt:" CRED_PW, strlen ("prt:" CRED_PW));
    expected_auth = g_strconcat ("Basic ", b64, NULL);
  }
  g_assert_cmpstr (soup_message_headers_get_one (request->headers, "Authorization"), ==,
                   expected_auth);
  g_assert_cmpstr (soup_message_headers_get_one (request->headers, "X-Token"), ==, CRED_TOKEN);
  n_items = n_archives = 0;
  g_assert_cmpuint (count_files_with_credentials (f->bus->state_dir, &n_items, &n_archives), ==, 0);
  log = phonesec_test_bus_dup_log (f->bus);
  g_assert_null (strstr (log, CRED_PW));
  g_assert_null (strstr (log, CRED_TOKEN));
}

/* --- tests: secrets ---------------------------------------------------------- */

static const char *const secrets[]
    = { "Prx-S3cret-7781", "Vpn-S3cret-4402", "Ldap-S3cret-9915", NULL };

static void
assert_no_secret_in (GBytes *bytes, const char *what)
{
  for (guint i = 0; secrets[i] != NULL; i++)
    if (phonesec_test_bytes_contain (bytes, secrets[i]))
      g_error ("%s holds the secret %s", what, secrets[i]);
}

static void
test_secrets (Fixture *f, gconstpointer data)
{
  g_autofree char *rule = phonesec_upload_server_url (f->server, "/sec/");
  g_autofree char *id = NULL;
  g_autoptr (GPtrArray) parts = NULL;
  g_autoptr (GHashTable) members = NULL;
  PhonesecUploadRequest *request;
  PhonesecFormPart *part;
  GHashTableIter iter;
  gpointer key, value;
  g_autoptr (GError) error = NULL;
  g_autofree char *log = NULL;

  /* Every plugin there is, so their state is in the report too. */
  phonesec_test_bus_stop_daemon (f->bus);
  phonesec_test_bus_add_plugin (f->bus, "PHONESEC_METRICS_PLUGIN_DIR");
  phonesec_test_bus_add_plugin (f->bus, "PHONESEC_LDAP_PLUGIN_DIR");
  phonesec_test_bus_start_daemon (f->bus);
  phonesec_test_apply_strings (f->bus, &error, "Proxy_Password", secrets[0], "VPN_Password",
                               secrets[1], "LDAP_Password", secrets[2], "PRT_Upload_Rule", rule,
                               NULL);
  g_assert_no_error (error);

  id = prt_generate (f, "user");
  wait_requests (f, "/sec/", 1);
  request = nth_request (f, "/sec/", 0);
  assert_no_secret_in (request->body, "the uploaded body");
  parts = phonesec_upload_request_parse_form (request);
  part = phonesec_form_find (parts, "prt_file");
  g_assert_nonnull (part);
  members = unpack (part->body);
  {
    g_autofree char *name = report_name (f, id);
    check_report_members (members, id, name, "user", FALSE);
  }
  g_hash_table_iter_init (&iter, members);
  while (g_hash_table_iter_next (&iter, &key, &value))
    assert_no_secret_in (value, key);
  /* The configuration export names them, without their values. */
  {
    g_autofree char *cfg = member_text (members, "config/cfg.xml");
    g_autofree char *objects = member_text (members, "state/objects.txt");

    g_assert_null (strstr (cfg, secrets[0]));
    g_assert_nonnull (strstr (objects, PHONESEC_DBUS_PLUGINS_PATH "/ldap_starttls "));
    g_assert_nonnull (strstr (objects, PHONESEC_DBUS_PLUGINS_PATH "/webex_metrics "));
  }

  log = phonesec_test_bus_dup_log (f->bus);
  for (guint i = 0; secrets[i] != NULL; i++)
    g_assert_null (strstr (log, secrets[i]));
}

/* --- tests: crash reports ------------------------------------------------------ */

static void
test_crash_yes (Fixture *f, gconstpointer data)
{
  g_autofree char *rule = phonesec_upload_server_url (f->server, "/crash/");
  g_autoptr (GPtrArray) parts = NULL;
  g_autoptr (GHashTable) members = NULL;
  g_autofree char *crash = NULL;
  g_autofree char *report = NULL;
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;
  g_autoptr (GVariant) entry = NULL;
  gboolean is_crash = FALSE;
  g_autoptr (GError) error = NULL;
  PhonesecFormPart *part;

  phonesec_test_apply_strings (f->bus, &error, "PRT_Upload_Rule", rule, "PRT_Upload_at_Crash",
                               "Yes", NULL);
  g_assert_no_error (error);

  /* A clean stop is no crash. */
  phonesec_test_bus_stop_daemon (f->bus);
  phonesec_test_bus_start_daemon (f->bus);
  phonesec_upload_server_run_for (f->server, 2000);
  g_assert_cmpuint (phonesec_upload_server_count (f->server, NULL, FALSE), ==, 0);
  g_assert_cmpuint (prt_list_length (f), ==, 0);

  phonesec_test_bus_kill_daemon (f->bus);
  phonesec_test_bus_start_daemon (f->bus);
  wait_requests (f, "/crash/", 1);
  phonesec_upload_server_run_for (f->server, 1000);
  g_assert_cmpuint (phonesec_upload_server_count (f->server, NULL, FALSE), ==, 1);

  parts = phonesec_upload_request_parse_form (nth_request (f, "/crash/", 0));
  part = phonesec_form_find (parts, "prt_file");
  g_assert_nonnull (part);
  members = unpack (part->body);
  report = member_text (members, "report.txt");
  id = text_value (report, "id");
  g_assert_nonnull (id);
  name = report_name (f, id);
  g_assert_cmpstr (part->filename, ==, name);
  check_report_members (members, id, name, "crash", TRUE);
  crash = member_text (members, "crash.txt");
  g_assert_cmpuint (strlen (crash), >, 0);
  {
    g_autofree char *previous = member_text (members, "log/previous-run.log");
    g_assert_cmpuint (strlen (previous), >, 0);
  }

  entry = prt_find (f, id);
  g_assert_nonnull (entry);
  g_assert_true (g_variant_lookup (entry, "crash", "b", &is_crash));
  g_assert_true (is_crash);
  assert_upload_status (f, id, "uploaded");
}

static void
test_crash_no (Fixture *f, gconstpointer data)
{
  g_autofree char *rule = phonesec_upload_server_url (f->server, "/crash/");
  g_autoptr (GError) error = NULL;

  phonesec_test_apply_strings (f->bus, &error, "PRT_Upload_Rule", rule, "PRT_Upload_at_Crash", "No",
                               NULL);
  g_assert_no_error (error);

  phonesec_test_bus_kill_daemon (f->bus);
  phonesec_test_bus_start_daemon (f->bus);
  phonesec_upload_server_run_for (f->server, 3000);
  g_assert_cmpuint (phonesec_upload_server_count (f->server, NULL, FALSE), ==, 0);
  g_assert_cmpuint (prt_list_length (f), ==, 0);
}

/* --- tests: retries and restarts -------------------------------------------- */

/* How many accepted requests carried the report named @name. */
static guint
count_accepted_named (Fixture *f, const char *prefix, const char *name)
{
  GPtrArray *requests = phonesec_upload_server_get_requests (f->server);
  guint n = 0;

  for (guint i = 0; i < requests->len; i++)
    {
      PhonesecUploadRequest *request = requests->pdata[i];
      g_autoptr (GPtrArray) parts = NULL;
      PhonesecFormPart *part;

      if (!g_str_has_prefix (request->path, prefix) || !SOUP_STATUS_IS_SUCCESSFUL (request->status))
        continue;
      parts = phonesec_upload_request_parse_form (request);
      part = phonesec_form_find (parts, "prt_file");
      g_assert_nonnull (part);
      if (g_strcmp0 (part->filename, name) == 0)
        n++;
    }
  return n;
}

typedef struct
{
  Fixture *f;
  const char *prefix;
  guint n;
} WaitAny;

/* At least @n requests under @prefix arrived, whatever the answer. */
static gboolean
has_requests (gpointer data)
{
  WaitAny *wait = data;

  return phonesec_upload_server_count (wait->f->server, wait->prefix, FALSE) >= wait->n;
}

/* Server answers 500 for a while, with a SIGTERM restart in between: both
 * reports arrive once the server accepts, exactly once each. */
static void
test_retry_500_restart (Fixture *f, gconstpointer data)
{
  g_autofree char *rule = phonesec_upload_server_url (f->server, "/r500/");
  g_autofree char *id1 = NULL, *id2 = NULL, *name1 = NULL, *name2 = NULL;
  g_autofree char *property = NULL;

  apply (f, "PRT_Upload_Rule", rule);
  /* Distinct names: the default one has a one-second resolution. */
  apply (f, "PRT_Name", "first");
  phonesec_upload_server_set_status (f->server, 500, 0);
  id1 = prt_generate (f, "user");
  apply (f, "PRT_Name", "second");
  id2 = prt_generate (f, "user");
  name1 = report_name (f, id1);
  name2 = report_name (f, id2);
  g_assert_cmpstr (name1, ==, "first.tar.gz");
  g_assert_cmpstr (name2, ==, "second.tar.gz");

  /* Refused and retried (backoff 200..1000 ms): several attempts. */
  {
    WaitAny wait = { f, "/r500/", 4 };

    if (!phonesec_test_wait_until (has_requests, &wait, UPLOAD_TIMEOUT_MS))
      g_error ("fewer than 4 attempts reached the server");
  }
  g_assert_cmpuint (phonesec_upload_server_count (f->server, "/r500/", TRUE), ==, 0);
  assert_upload_status (f, id1, "queued");
  assert_upload_status (f, id2, "queued");
  property = prt_get_string (f, "UploadStatus");
  g_assert_cmpstr (property, ==, "queued");
  g_clear_pointer (&property, g_free);
  property = prt_get_string (f, "LastError");
  g_assert_cmpstr (property, !=, "");

  phonesec_test_bus_stop_daemon (f->bus);
  /* The server runs only while the test iterates: a request the stopped
   * daemon sent but never saw answered is still waiting in its socket.
   * Answer it (500, to nobody) before the server accepts again, or it
   * would count as delivered. */
  phonesec_upload_server_run_for (f->server, 500);
  phonesec_upload_server_set_status (f->server, 200, 0);
  phonesec_test_bus_start_daemon (f->bus);
  wait_requests (f, "/r500/", 2);
  phonesec_upload_server_run_for (f->server, 2500);
  g_assert_cmpuint (count_accepted_named (f, "/r500/", name1), ==, 1);
  g_assert_cmpuint (count_accepted_named (f, "/r500/", name2), ==, 1);
  g_assert_cmpuint (phonesec_upload_server_count (f->server, "/r500/", TRUE), ==, 2);
  assert_upload_status (f, id1, "uploaded");
  assert_upload_status (f, id2, "uploaded");
}

/* Server down (connection refused), then the daemon killed (-9) and
 * restarted, then the server up on the same port: the report arrives once. */
static void
test_retry_down_kill (Fixture *f, gconstpointer data)
{
  g_autofree char *rule = phonesec_upload_server_url (f->server, "/down/");
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;
  g_autoptr (GError) error = NULL;

  phonesec_test_apply_strings (f->bus, &error, "PRT_Upload_Rule", rule, "PRT_Upload_at_Crash", "No",
                               NULL);
  g_assert_no_error (error);
  phonesec_upload_server_down (f->server);
  id = prt_generate (f, "user");
  name = report_name (f, id);
  phonesec_upload_server_run_for (f->server, 1500);
  assert_upload_status (f, id, "queued");

  phonesec_test_bus_kill_daemon (f->bus);
  phonesec_test_bus_start_daemon (f->bus);
  phonesec_upload_server_run_for (f->server, 1000);
  g_assert_cmpuint (phonesec_upload_server_count (f->server, NULL, FALSE), ==, 0);

  phonesec_upload_server_up (f->server);
  wait_requests (f, "/down/", 1);
  phonesec_upload_server_run_for (f->server, 2500);
  g_assert_cmpuint (phonesec_upload_server_count (f->server, NULL, FALSE), ==, 1);
  g_assert_cmpuint (count_accepted_named (f, "/down/", name), ==, 1);
  assert_upload_status (f, id, "uploaded");
}

/* A permanent refusal (403): no retry, the report says failed, and
 * Upload() sends it again, once. */
static void
test_refused (Fixture *f, gconstpointer data)
{
  g_autofree char *rule = phonesec_upload_server_url (f->server, "/deny/");
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;
  g_autofree char *property = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) error = NULL;

  apply (f, "PRT_Upload_Rule", rule);
  phonesec_upload_server_set_status (f->server, 403, 0);
  id = prt_generate (f, "user");
  name = report_name (f, id);
  assert_upload_status (f, id, "failed");
  phonesec_upload_server_run_for (f->server, 2500);
  g_assert_cmpuint (phonesec_upload_server_count (f->server, NULL, FALSE), ==, 1);
  property = prt_get_string (f, "UploadStatus");
  g_assert_cmpstr (property, ==, "failed");
  g_clear_pointer (&property, g_free);
  property = prt_get_string (f, "LastError");
  g_assert_nonnull (strstr (property, "403"));
  {
    g_autoptr (GVariant) entry = prt_find (f, id);
    g_autofree char *upload_error = entry_string (entry, "upload-error");

    g_assert_cmpstr (upload_error, !=, "");
  }

  phonesec_upload_server_set_status (f->server, 200, 0);
  reply = prt_call (f, "Upload", g_variant_new ("(s)", id), NULL, &error);
  g_assert_no_error (error);
  wait_requests (f, "/deny/", 1);
  assert_upload_status (f, id, "uploaded");
  phonesec_upload_server_run_for (f->server, 1500);
  g_assert_cmpuint (phonesec_upload_server_count (f->server, NULL, FALSE), ==, 2);
  g_assert_cmpuint (count_accepted_named (f, "/deny/", name), ==, 1);
}

/* Restricted_Access_Domains: no report leaves for a server outside it. */
static void
test_restricted_domains (Fixture *f, gconstpointer data)
{
  g_autofree char *rule = phonesec_upload_server_url (f->server, "/outside/");
  g_autofree char *id = NULL;
  g_autofree char *property = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) error = NULL;

  apply (f, "PRT_Upload_Rule", rule);
  apply (f, "Restricted_Access_Domains", "prt.example.com");
  id = prt_generate (f, "user");
  property = prt_get_string (f, "LastError");
  g_test_message ("LastError: %s", property);
  g_assert_nonnull (strstr (property, "PRT_Upload_Rule: the server '127.0.0.1' is outside "
                                      "Restricted_Access_Domains (prt.example.com)"));
  reply = prt_call (f, "Upload", g_variant_new ("(s)", id), NULL, &error);
  g_assert_null (reply);
  g_assert_nonnull (strstr (error->message, "Restricted_Access_Domains"));
  phonesec_upload_server_run_for (f->server, 1000);
  g_assert_cmpuint (phonesec_upload_server_count (f->server, NULL, FALSE), ==, 0);
}

/* --- tests: the periodic trigger ---------------------------------------------- */

static void
test_timer (Fixture *f, gconstpointer data)
{
  g_autofree char *rule = phonesec_upload_server_url (f->server, "/timer/");
  g_autoptr (GError) error = NULL;
  gint64 start;
  guint n;

  /* A "minute" of 100 ms: PRT_Max_Timer=15 is a report every 1.5 s. */
  g_setenv ("PHONESEC_PRT_MINUTE_MS", "100", TRUE);
  phonesec_test_bus_start_daemon (f->bus);
  phonesec_test_apply_strings (f->bus, &error, "PRT_Upload_Rule", rule, "PRT_Max_Timer", "15",
                               NULL);
  g_assert_no_error (error);

  start = g_get_monotonic_time ();
  wait_requests (f, "/timer/", 2);
  /* Two periods at least, not a burst. */
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 1500 * 1000);
  n = prt_list_length (f);
  g_assert_cmpuint (n, >=, 2);

  /* Empty: off. A report already on its way may still land. */
  apply (f, "PRT_Max_Timer", "");
  phonesec_upload_server_run_for (f->server, 1000);
  phonesec_upload_server_clear (f->server);
  n = prt_list_length (f);
  phonesec_upload_server_run_for (f->server, 4000);
  g_assert_cmpuint (phonesec_upload_server_count (f->server, NULL, FALSE), ==, 0);
  g_assert_cmpuint (prt_list_length (f), ==, n);
}

/* --- tests: bad values ------------------------------------------------------ */

/* Each bad value is refused with InvalidValue and changes nothing. */
static void
test_bad_values (Fixture *f, gconstpointer data)
{
  static const char *const bad[][2] = {
    { "PRT_Upload_Rule", "ftp://127.0.0.1/prt/" },
    { "PRT_Upload_Rule", "not a url" },
    { "PRT_Upload_Method", "GET" },
    { "PRT_Max_Timer", "14" },
    { "PRT_Max_Timer", "1441" },
    { "PRT_Max_Timer", "abc" },
    { "PRT_HTTP_Header", "Bad Header:" },
    { "PRT_HTTP_Header_Value", "line\r\nX-Injected: 1" },
    { "PRT_Upload_at_Crash", "Maybe" },
  };
  g_autofree char *rule = phonesec_upload_server_url (f->server, "/good/");
  g_autofree char *id = NULL;
  g_autoptr (GError) error = NULL;

  phonesec_test_apply_strings (f->bus, &error, "PRT_Upload_Rule", rule, "PRT_Upload_Method", "PUT",
                               "PRT_Max_Timer", "", "PRT_HTTP_Header", "X-Good",
                               "PRT_HTTP_Header_Value", "v1", NULL);
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
    g_autoptr (GVariant) value = phonesec_test_get (f->bus, "PRT_Upload_Rule");
    g_assert_cmpstr (g_variant_get_string (value, NULL), ==, rule);
  }
  {
    g_autoptr (GVariant) value = phonesec_test_get (f->bus, "PRT_Upload_Method");
    g_assert_cmpstr (g_variant_get_string (value, NULL), ==, "PUT");
  }
  /* The uploads still follow the good values. */
  id = prt_generate (f, "user");
  wait_requests (f, "/good/", 1);
  g_assert_cmpstr (nth_request (f, "/good/", 0)->method, ==, "PUT");
  g_assert_cmpstr (soup_message_headers_get_one (nth_request (f, "/good/", 0)->headers, "X-Good"),
                   ==, "v1");
  g_assert_null (
      soup_message_headers_get_one (nth_request (f, "/good/", 0)->headers, "X-Injected"));
}

/* --- main ------------------------------------------------------------------- */

static void
pki_make (void)
{
  g_autoptr (GError) error = NULL;
  const PhonesecTestCertSpec spec = { .cn = "prt.test", .ip_address = "127.0.0.1" };

  phonesec_test_require_gnutls_bin ();
  pki.dir = g_dir_make_tmp ("phonesec-prt-pki-XXXXXX", &error);
  g_assert_no_error (error);
  g_chmod (pki.dir, 0755);
  pki.ca = phonesec_test_ca_new (pki.dir, "phonesec PRT test CA");
  pki.server = phonesec_test_ca_issue (pki.ca, "prt-server", &spec);
  pki.other_ca = phonesec_test_ca_new (pki.dir, "another PRT test CA");
  pki.other_server = phonesec_test_ca_issue (pki.other_ca, "prt-other-server", &spec);
}

static void
pki_free (void)
{
  g_clear_pointer (&pki.server, phonesec_test_cert_free);
  g_clear_pointer (&pki.ca, phonesec_test_ca_free);
  g_clear_pointer (&pki.other_server, phonesec_test_cert_free);
  g_clear_pointer (&pki.other_ca, phonesec_test_ca_free);
  if (g_getenv ("PHONESEC_TEST_KEEP") == NULL)
    phonesec_test_rm_rf (pki.dir);
  g_clear_pointer (&pki.dir, g_free);
}

#define ADD(path, fn, set_up) g_test_add (path, Fixture, NULL, set_up, fn, teardown)

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("PHONESEC_DAEMON_WRAPPER") != NULL && g_getenv ("PHONESEC_DAEMON_WRAPPER")[0])
    timeout_scale = 6;
  g_unsetenv ("PHONESEC_PRT_MINUTE_MS");
  pki_make ();

  g_test_add_func ("/prt/fixture", test_fixture);
  ADD ("/prt/post", test_post, setup);
  ADD ("/prt/put-folder", test_put_folder, setup_https);
  ADD ("/prt/put-exact", test_put_exact, setup);
  ADD ("/prt/https", test_https, setup_https);
  ADD ("/prt/https-untrusted", test_https_untrusted, setup_https);
  ADD ("/prt/url-credentials", test_url_credentials, setup);
  ADD ("/prt/credentials-only-in-the-store", test_credentials_only_in_the_store, setup);
  ADD ("/prt/no-rule", test_no_rule, setup_https);
  ADD ("/prt/clear-text/reduced", test_clear_text_reduced, setup);
  ADD ("/prt/clear-text/full-report-kept", test_clear_text_full_report_kept, setup);
  ADD ("/prt/user-once-a-minute", test_user_once_a_minute, setup);
  ADD ("/prt/secrets", test_secrets, setup);
  ADD ("/prt/crash-yes", test_crash_yes, setup_https);
  ADD ("/prt/crash-no", test_crash_no, setup);
  ADD ("/prt/retry-500-restart", test_retry_500_restart, setup);
  ADD ("/prt/retry-down-kill", test_retry_down_kill, setup);
  ADD ("/prt/refused", test_refused, setup);
  ADD ("/prt/restricted-domains", test_restricted_domains, setup);
  ADD ("/prt/timer", test_timer, setup_no_daemon);
  ADD ("/prt/bad-values", test_bad_values, setup);

  status = g_test_run ();
  pki_free ();
  return status;
}
