/* test-tls-policy.c: org.phonesec.PhoneSec1.TlsPolicy against real
 * gnutls-serv peers on loopback, through both TLS clients of the phone:
 * the network service's SoupSession (glib-networking, in phonesec-netd) and
 * a direct GnuTLS session.
 *
 * TLS_Min_Version, TLS_Cipher_List and FIPS_Mode are applied with
 * Config.Apply; a change of the policy in force restarts the network
 * service (a new phonesec-netd, Manager.NetworkServicePid) while phonesecd
 * keeps its bus name, so every test checks which happened before it
 * probes.
 *
 * The PKI (certtool) is made once per run; each test has its own bus,
 * daemon and servers.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <string.h>

#include "phonesec-test-bus.h"
#include "tls-fixture.h"

#define BUS_NAME PHONESEC_DBUS_NAME
#define ROOT_PATH PHONESEC_DBUS_PATH
#define CONFIG PHONESEC_DBUS_INTERFACE_CONFIG
#define MANAGER PHONESEC_DBUS_INTERFACE_MANAGER
#define TLS_POLICY PHONESEC_DBUS_INTERFACE_TLS_POLICY
#define ERROR_FAILED PHONESEC_DBUS_ERROR_PREFIX "Failed"
#define ERROR_INVALID_VALUE PHONESEC_DBUS_ERROR_PREFIX "InvalidValue"
#define ERROR_NOT_FOUND PHONESEC_DBUS_ERROR_PREFIX "NotFound"

/* A restart of the network service takes well under a second; valgrind
 * makes it seconds. */
#define REEXEC_TIMEOUT_S 60
/* How long the network service is watched for a restart that is not
 * expected. */
#define REEXEC_GRACE_MS 500

static const char *const clients[] = { "soup", "gnutls" };

/* --- the run's PKI --------------------------------------------------------- */

static struct
{
  char *dir;
  PhonesecTestCa *ca;       /* given to the daemon with --ca-file */
  PhonesecTestCa *other_ca; /* not trusted unless a test adds it */
  PhonesecTestCert *server; /* IP SAN 127.0.0.1, DNS SAN localhost.test */
  PhonesecTestCert *server_1024;
  PhonesecTestCert *wrong_ip; /* IP SAN 127.0.0.2, DNS SAN other.test */
  PhonesecTestCert *dns_only; /* CN=127.0.0.1, DNS SAN localhost.test only */
  PhonesecTestCert *other_ca_server;
} pki;

static void
pki_make (void)
{
  g_autoptr (GError) error = NULL;
  const PhonesecTestCertSpec good = { .ip_address = "127.0.0.1", .dns_name = "localhost.test" };
  const PhonesecTestCertSpec weak
      = { .ip_address = "127.0.0.1", .dns_name = "localhost.test", .rsa_bits = 1024 };
  const PhonesecTestCertSpec wrong_ip = { .ip_address = "127.0.0.2", .dns_name = "other.test" };
  const PhonesecTestCertSpec dns_only = { .cn = "127.0.0.1", .dns_name = "localhost.test" };

  phonesec_test_require_gnutls_bin ();
  pki.dir = g_dir_make_tmp ("phonesec-tls-pki-XXXXXX", &error);
  g_assert_no_error (error);
  pki.ca = phonesec_test_ca_new (pki.dir, "phonesec test CA");
  pki.other_ca = phonesec_test_ca_new (pki.dir, "another test CA");
  pki.server = phonesec_test_ca_issue (pki.ca, "server", &good);
  pki.server_1024 = phonesec_test_ca_issue (pki.ca, "server-rsa1024", &weak);
  pki.wrong_ip = phonesec_test_ca_issue (pki.ca, "server-wrong-ip", &wrong_ip);
  pki.dns_only = phonesec_test_ca_issue (pki.ca, "server-dns-only", &dns_only);
  pki.other_ca_server = phonesec_test_ca_issue (pki.other_ca, "server-other-ca", &good);
}

static void
pki_free (void)
{
  g_clear_pointer (&pki.server, phonesec_test_cert_free);
  g_clear_pointer (&pki.server_1024, phonesec_test_cert_free);
  g_clear_pointer (&pki.wrong_ip, phonesec_test_cert_free);
  g_clear_pointer (&pki.dns_only, phonesec_test_cert_free);
  g_clear_pointer (&pki.other_ca_server, phonesec_test_cert_free);
  g_clear_pointer (&pki.ca, phonesec_test_ca_free);
  g_clear_pointer (&pki.other_ca, phonesec_test_ca_free);
  if (g_getenv ("PHONESEC_TEST_KEEP") == NULL)
    phonesec_test_rm_rf (pki.dir);
  g_clear_pointer (&pki.dir, g_free);
}

/* --- fixture --------------------------------------------------------------- */

typedef struct
{
  PhonesecTestBus *bus;
  GPtrArray *servers; /* PhonesecTlsServer*, killed at teardown */
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  f->bus = phonesec_test_bus_new ();
  g_ptr_array_add (f->bus->extra_args, g_strdup_printf ("--ca-file=%s", pki.ca->cert->cert_path));
  phonesec_test_bus_start_daemon (f->bus);
  f->servers = g_ptr_array_new_with_free_func ((GDestroyNotify) phonesec_tls_server_free);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->servers, g_ptr_array_unref);
  g_clear_pointer (&f->bus, phonesec_test_bus_free);
}

static PhonesecTlsServer *
start_server (Fixture *f, const PhonesecTestCert *cert, const char *priority)
{
  PhonesecTlsServer *server = phonesec_tls_server_start (cert, priority, f->bus->tmpdir);

  g_ptr_array_add (f->servers, server);
  return server;
}

static void
assert_remote_error (GError *error, const char *name)
{
  g_autofree char *remote = NULL;

  g_assert_nonnull (error);
  remote = g_dbus_error_get_remote_error (error);
  g_assert_cmpstr (remote, ==, name);
}

static gboolean
contains_nocase (const char *haystack, const char *needle)
{
  g_autofree char *h = g_utf8_casefold (haystack, -1);
  g_autofree char *n = g_utf8_casefold (needle, -1);

  return strstr (h, n) != NULL;
}

/* --- D-Bus helpers --------------------------------------------------------- */

static GVariant *
property (Fixture *f, const char *interface, const char *name, GError **error)
{
  g_autoptr (GVariant) reply = g_dbus_connection_call_sync (
      f->bus->connection, BUS_NAME, ROOT_PATH, "org.freedesktop.DBus.Properties", "Get",
      g_variant_new ("(ss)", interface, name), G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE,
      10000, NULL, error);
  GVariant *value = NULL;

  if (reply != NULL)
    g_variant_get (reply, "(v)", &value);
  return value;
}

static GVariant *
tls_property (Fixture *f, const char *name)
{
  g_autoptr (GError) error = NULL;
  GVariant *value = property (f, TLS_POLICY, name, &error);

  g_assert_no_error (error);
  return value;
}

static char *
tls_string_property (Fixture *f, const char *name)
{
  g_autoptr (GVariant) value = tls_property (f, name);

  g_assert_true (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING));
  return g_variant_dup_string (value, NULL);
}

static char *
config_string (Fixture *f, const char *name)
{
  g_autoptr (GVariant) value = phonesec_test_get (f->bus, name);

  return g_variant_dup_string (value, NULL);
}

/* The unique name owning org.phonesec.PhoneSec1, or NULL. */
static char *
dup_name_owner (Fixture *f)
{
  g_autoptr (GVariant) reply = g_dbus_connection_call_sync (
      f->bus->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
      "GetNameOwner", g_variant_new ("(s)", BUS_NAME), G_VARIANT_TYPE ("(s)"),
      G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  char *owner = NULL;

  if (reply != NULL)
    g_variant_get (reply, "(s)", &owner);
  return owner;
}

static guint32
owner_pid (Fixture *f, const char *owner)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = g_dbus_connection_call_sync (
      f->bus->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
      "GetConnectionUnixProcessID", g_variant_new ("(s)", owner), G_VARIANT_TYPE ("(u)"),
      G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  guint32 pid;

  g_assert_no_error (error);
  g_variant_get (reply, "(u)", &pid);
  return pid;
}

static guint32
netd_pid (Fixture *f)
{
  g_autoptr (GVariant) pid = property (f, MANAGER, "NetworkServicePid", NULL);

  return pid != NULL ? g_variant_get_uint32 (pid) : 0;
}

static gboolean
netd_running (Fixture *f)
{
  g_autoptr (GVariant) state = property (f, MANAGER, "NetworkServiceState", NULL);

  return state != NULL && g_strcmp0 (g_variant_get_string (state, NULL), "running") == 0;
}

typedef enum
{
  REEXEC_NONE,     /* the policy in force is the same: no restart */
  REEXEC_EXPECTED, /* the policy in force changed */
  REEXEC_EITHER,   /* the daemon may judge the policy unchanged */
} Reexec;

/* After an Apply's reply: the network service either runs on or is
 * restarted with the new policy (a new process); phonesecd itself never
 * leaves the bus: the same connection owns the name throughout. When a
 * restart is expected, waits until the new helper runs; otherwise watches
 * the helper for REEXEC_GRACE_MS. Returns whether it restarted. */
static gboolean
wait_for_policy_in_force (Fixture *f, const char *owner_before, guint32 netd_before,
                          Reexec expected)
{
  gint64 start = g_get_monotonic_time ();
  gint64 deadline = start + REEXEC_TIMEOUT_S * G_USEC_PER_SEC;
  gint64 grace = start + REEXEC_GRACE_MS * 1000;
  g_autofree char *pid_before = g_strdup (g_subprocess_get_identifier (f->bus->daemon));
  g_autofree char *owner = NULL;
  gboolean restarted = FALSE;

  g_assert_nonnull (pid_before);
  for (;;)
    {
      guint32 pid = netd_pid (f);

      if (pid != 0 && pid != netd_before && netd_running (f))
        {
          restarted = TRUE;
          break;
        }
      if (expected != REEXEC_EXPECTED && g_get_monotonic_time () > grace)
        break;
      if (g_subprocess_get_identifier (f->bus->daemon) == NULL)
        {
          g_autofree char *log = phonesec_test_bus_dup_log (f->bus);
          g_error ("phonesecd exited; its log:\n%s", log);
        }
      if (g_get_monotonic_time () > deadline)
        {
          g_autofree char *log = phonesec_test_bus_dup_log (f->bus);
          g_error ("the network service was not running again with the new policy after %d s; "
                   "phonesecd's log:\n%s",
                   REEXEC_TIMEOUT_S, log);
        }
      g_usleep (5000);
    }
  /* phonesecd stayed on the bus: the same process, the same connection. */
  owner = dup_name_owner (f);
  g_assert_cmpstr (owner, ==, owner_before);
  g_assert_cmpstr (g_subprocess_get_identifier (f->bus->daemon), ==, pid_before);
  g_assert_cmpuint (owner_pid (f, owner), ==, g_ascii_strtoull (pid_before, NULL, 10));
  return restarted;
}

/* Applies NAME=VALUE string pairs (NULL-terminated) in one transaction;
 * asserts the reply arrives, waits for the policy to be in force and
 * checks whether the network service restarted. Returns the generation. */
static guint64
apply_policy (Fixture *f, Reexec expected, ...)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *owner_before = dup_name_owner (f);
  guint32 netd_before = netd_pid (f);
  GVariantBuilder values;
  const char *name;
  va_list args;
  guint64 generation;
  gboolean reexecuted;

  g_assert_nonnull (owner_before);
  g_variant_builder_init (&values, G_VARIANT_TYPE ("a{sv}"));
  va_start (args, expected);
  while ((name = va_arg (args, const char *)) != NULL)
    g_variant_builder_add (&values, "{sv}", name,
                           g_variant_new_string (va_arg (args, const char *)));
  va_end (args);
  generation = phonesec_test_apply (f->bus, g_variant_builder_end (&values), NULL, &error);
  g_assert_no_error (error);
  reexecuted = wait_for_policy_in_force (f, owner_before, netd_before, expected);
  g_test_message ("Apply -> generation %" G_GUINT64_FORMAT ", %s", generation,
                  reexecuted ? "network service restarted" : "no restart");
  if (expected == REEXEC_NONE && reexecuted)
    g_error ("the network service restarted though the TLS policy did not change");
  return generation;
}

/* TlsPolicy.Probe; NULL with @error when the connection was refused. */
static GVariant *
probe (Fixture *f, PhonesecTlsServer *server, const char *client, GError **error)
{
  /* soup fetches https://, the GnuTLS client does a bare handshake. */
  const char *url = g_str_equal (client, "soup") ? server->https_url : server->tls_url;
  g_autoptr (GVariant) reply = NULL;
  GVariantBuilder options;

  g_variant_builder_init (&options, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&options, "{sv}", "client", g_variant_new_string (client));
  reply = phonesec_test_call (f->bus, TLS_POLICY, "Probe",
                              g_variant_new ("(s@a{sv})", url, g_variant_builder_end (&options)),
                              error);
  return reply != NULL ? g_variant_get_child_value (reply, 0) : NULL;
}

/* Describes a probe's outcome for messages: "TLS 1.2 TLS_..._SHA384" or
 * "refused (Error.Failed): message". */
static char *
probe_outcome (Fixture *f, PhonesecTlsServer *server, const char *client, char **version_out)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) result = probe (f, server, client, &error);
  const char *version = NULL;
  const char *suite = NULL;
  const char *client_used = NULL;

  if (result == NULL)
    {
      g_autofree char *remote = g_dbus_error_get_remote_error (error);

      g_dbus_error_strip_remote_error (error);
      *version_out = NULL;
      return g_strdup_printf ("refused (%s): %s", remote != NULL ? remote : "local error",
                              error->message);
    }
  g_variant_lookup (result, "version", "&s", &version);
  g_variant_lookup (result, "suite", "&s", &suite);
  g_variant_lookup (result, "client", "&s", &client_used);
  *version_out = g_strdup (version);
  return g_strdup_printf ("%s %s (client %s)", version, suite, client_used);
}

/* Asserts a successful probe; @version and @suite may be NULL (not checked).
 * Returns the result. */
static GVariant *
assert_probe_ok (Fixture *f, PhonesecTlsServer *server, const char *client, const char *version,
                 const char *suite)
{
  g_autoptr (GError) error = NULL;
  GVariant *result = probe (f, server, client, &error);
  const char *got_version = NULL;
  const char *got_suite = NULL;
  const char *got_client = NULL;
  guint32 status = 0;

  if (result == NULL)
    {
      g_autofree char *server_log = phonesec_tls_server_dup_log (server);
      g_autofree char *daemon_log = phonesec_test_bus_dup_log (f->bus);
      gsize len = strlen (daemon_log);

      g_error ("%s client refused the server (priority %s, certificate %s), expected success: "
               "%s\ngnutls-serv log:\n%s\nphonesecd log (end):\n%s",
               client, server->priority, server->cert_name, error->message, server_log,
               daemon_log + (len > 3000 ? len - 3000 : 0));
    }
  g_assert_true (g_variant_lookup (result, "version", "&s", &got_version));
  g_assert_true (g_variant_lookup (result, "suite", "&s", &got_suite));
  g_assert_true (g_variant_lookup (result, "client", "&s", &got_client));
  g_assert_cmpstr (got_client, ==, client);
  g_assert_true (g_str_has_prefix (got_suite, "TLS_"));
  if (version != NULL)
    g_assert_cmpstr (got_version, ==, version);
  if (suite != NULL)
    g_assert_cmpstr (got_suite, ==, suite);
  if (g_str_equal (client, "soup"))
    {
      g_assert_true (g_variant_lookup (result, "http-status", "u", &status));
      g_assert_cmpuint (status, ==, 200);
    }
  return result;
}

/* Asserts the handshake is refused with Error.Failed and a reason. */
static void
assert_probe_refused (Fixture *f, PhonesecTlsServer *server, const char *client)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) result = probe (f, server, client, &error);

  if (result != NULL)
    {
      g_autofree char *text = g_variant_print (result, FALSE);
      g_error ("%s client accepted the server (priority %s, certificate %s), expected a "
               "refusal: %s",
               client, server->priority, server->cert_name, text);
    }
  assert_remote_error (error, ERROR_FAILED);
  g_dbus_error_strip_remote_error (error);
  g_assert_cmpstr (error->message, !=, "");
  g_test_message ("%s [%s], %s: refused as expected: %s", server->priority, server->cert_name,
                  client, error->message);
}

/* TlsPolicy.Resolve → (priority, suites). */
static void
resolve (Fixture *f, const char *app_class, char **priority, GStrv *suites)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = phonesec_test_call (f->bus, TLS_POLICY, "Resolve",
                                                   g_variant_new ("(s)", app_class), &error);

  g_assert_no_error (error);
  g_assert_true (g_variant_is_of_type (reply, G_VARIANT_TYPE ("(sas)")));
  g_variant_get (reply, "(s^as)", priority, suites);
}

/* TLS 1.2-and-older suites have IANA names with _WITH_; TLS 1.3 ones not. */
static GStrv
tls12_suites (const char *const *suites)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; suites[i] != NULL; i++)
    if (strstr (suites[i], "_WITH_") != NULL)
      g_strv_builder_add (builder, suites[i]);
  return g_strv_builder_end (builder);
}

static void
assert_strv_equal (const char *const *got, const char *const *expected)
{
  g_autofree char *got_text = g_strjoinv ("\n  ", (char **) got);
  g_autofree char *expected_text = g_strjoinv ("\n  ", (char **) expected);

  g_assert_cmpstr (got_text, ==, expected_text);
}

/* Whether GnuTLS itself (this machine's library, the daemon's) enables the
 * suite @id under @priority; asserts the priority string is valid. */
static gboolean
priority_enables_suite (const char *priority, guint8 id0, guint8 id1)
{
  gnutls_priority_t cache;
  const char *where = NULL;
  gboolean found = FALSE;
  int ret = gnutls_priority_init (&cache, priority, &where);

  if (ret < 0)
    g_error ("GnuTLS refuses the priority \"%s\" near \"%s\": %s", priority, where,
             gnutls_strerror (ret));
  for (unsigned int i = 0;; i++)
    {
      unsigned int index;
      unsigned char id[2];

      ret = gnutls_priority_get_cipher_suite_index (cache, i, &index);
      if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        break;
      if (ret < 0)
        continue;
      if (gnutls_cipher_suite_info (index, id, NULL, NULL, NULL, NULL) != NULL && id[0] == id0
          && id[1] == id1)
        found = TRUE;
    }
  gnutls_priority_deinit (cache);
  return found;
}

/* --- TLS_Min_Version: the guide's table ------------------------------------ */

typedef struct
{
  const char *client_min;
  const char *server_max;
  const char *expected; /* negotiated version; NULL: protocol alert */
} MinVersionCell;

static const MinVersionCell min_version_table[] = {
  /* "Contrôler la valeur minimale de TLS", every cell. */
  { "TLS 1.0", "TLS 1.0", "TLS 1.0" },
  { "TLS 1.0", "TLS 1.1", "TLS 1.1" },
  { "TLS 1.0", "TLS 1.2", "TLS 1.2" },
  { "TLS 1.1", "TLS 1.0", NULL },
  { "TLS 1.1", "TLS 1.1", "TLS 1.1" },
  { "TLS 1.1", "TLS 1.2", "TLS 1.2" },
  { "TLS 1.2", "TLS 1.0", NULL },
  { "TLS 1.2", "TLS 1.1", NULL },
  { "TLS 1.2", "TLS 1.2", "TLS 1.2" },
  /* TLS 1.3, which the guide predates: a TLS 1.3 server is reached at 1.3
   * whatever the minimum; a 1.3 minimum refuses every older server. */
  { "TLS 1.0", "TLS 1.3", "TLS 1.3" },
  { "TLS 1.1", "TLS 1.3", "TLS 1.3" },
  { "TLS 1.2", "TLS 1.3", "TLS 1.3" },
  { "TLS 1.3", "TLS 1.0", NULL },
  { "TLS 1.3", "TLS 1.1", NULL },
  { "TLS 1.3", "TLS 1.2", NULL },
  { "TLS 1.3", "TLS 1.3", "TLS 1.3" },
};

/* One row of the table: the network service restarts once for the row's minimum
 * (not at all for TLS 1.1, the default), then each server version, one
 * gnutls-serv each, is probed through both clients. Every cell is probed
 * and reported before the test fails on any mismatch. */
static void
test_min_version_row (Fixture *f, gconstpointer data)
{
  const char *client_min = data;
  g_autoptr (GString) mismatches = g_string_new (NULL);
  g_autofree char *in_force = NULL;
  guint cells = 0;

  apply_policy (f, g_str_equal (client_min, "TLS 1.1") ? REEXEC_NONE : REEXEC_EXPECTED,
                "TLS_Min_Version", client_min, NULL);
  in_force = tls_string_property (f, "MinVersion");
  g_assert_cmpstr (in_force, ==, client_min);

  for (guint i = 0; i < G_N_ELEMENTS (min_version_table); i++)
    {
      const MinVersionCell *cell = &min_version_table[i];
      g_autofree char *priority = NULL;
      PhonesecTlsServer *server;

      if (!g_str_equal (cell->client_min, client_min))
        continue;
      priority = phonesec_tls_server_priority_for_version (cell->server_max);
      server = start_server (f, pki.server, priority);
      for (guint c = 0; c < G_N_ELEMENTS (clients); c++)
        {
          g_autofree char *version = NULL;
          g_autofree char *outcome = probe_outcome (f, server, clients[c], &version);
          gboolean ok = g_strcmp0 (version, cell->expected) == 0;

          /* A refusal must be the daemon's D-Bus error for a protocol
           * version, not a timeout or a certificate problem. */
          if (version == NULL
              && (!g_str_has_prefix (outcome, "refused (" ERROR_FAILED "):")
                  || !(contains_nocase (outcome, "version")
                       || contains_nocase (outcome, "protocol"))))
            ok = FALSE;
          g_test_message ("client min %s, server max %s, %-6s: expected %s, got %s%s", client_min,
                          cell->server_max, clients[c],
                          cell->expected != NULL ? cell->expected : "protocol alert", outcome,
                          ok ? "" : "  <-- MISMATCH");
          if (!ok)
            g_string_append_printf (
                mismatches, "\n  server max %s via %s: expected %s, got %s", cell->server_max,
                clients[c], cell->expected != NULL ? cell->expected : "protocol alert", outcome);
          cells++;
        }
    }
  g_assert_cmpuint (cells, ==, 8);
  if (mismatches->len > 0)
    g_test_fail_printf ("client min %s:%s", client_min, mismatches->str);
}

/* --- TLS_Cipher_List ------------------------------------------------------- */

/* Offers only TLS_*_WITH_AES_256_CBC_SHA (TLS 1.0 to 1.2). */
#define SERVER_AES256_CBC_ONLY "NORMAL:-CIPHER-ALL:+AES-256-CBC:-VERS-TLS1.3"

static void
test_cipher_server_outside_list_is_refused (Fixture *f, gconstpointer data)
{
  PhonesecTlsServer *cbc = start_server (f, pki.server, SERVER_AES256_CBC_ONLY);
  PhonesecTlsServer *gcm
      = start_server (f, pki.server, "NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+AES-128-GCM");

  /* The default list (DEFAULT) has the AES256-SHA suites: reached. */
  for (guint c = 0; c < G_N_ELEMENTS (clients); c++)
    {
      g_autoptr (GVariant) result = assert_probe_ok (f, cbc, clients[c], "TLS 1.2", NULL);
      const char *suite = NULL;

      g_variant_lookup (result, "suite", "&s", &suite);
      g_assert_true (g_str_has_suffix (suite, "_WITH_AES_256_CBC_SHA"));
    }

  apply_policy (f, REEXEC_EXPECTED, "TLS_Cipher_List", "ECDHE-RSA-AES128-GCM-SHA256", NULL);
  for (guint c = 0; c < G_N_ELEMENTS (clients); c++)
    {
      g_autoptr (GVariant) result = NULL;

      assert_probe_refused (f, cbc, clients[c]);
      /* The list is in force, not everything refused. */
      result = assert_probe_ok (f, gcm, clients[c], "TLS 1.2",
                                "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    }
}

/* A GnuTLS priority string is a product of key exchanges, ciphers and MACs
 * and also carries the ciphers TLS 1.3 needs, so it may enable TLS 1.2
 * suites the OpenSSL list does not select. A server offering only such an
 * "extra" suite must still be refused, by the check at handshake time. */
typedef struct
{
  const char *list;
  const char *selected[3];  /* the list's TLS 1.2 suites, in order */
  const char *extra_server; /* offers one suite outside the list */
  guint8 extra_id[2];
  const char *extra_name;
  const char *control_servers[2]; /* offer selected[0], selected[1] */
} ExtraSuiteCase;

static const ExtraSuiteCase extra_suite_cases[] = {
  /* The TLS 1.3 ciphers bring AES-128-GCM in: ECDHE-RSA-AES128-GCM-SHA256
   * is enabled for TLS 1.2 too. */
  {
      "ECDHE-RSA-AES256-GCM-SHA384",
      { "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", NULL },
      "NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+AES-128-GCM:-KX-ALL:+ECDHE-RSA",
      { 0xC0, 0x2F },
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      { "NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+AES-256-GCM:-KX-ALL:+ECDHE-RSA", NULL },
  },
  /* {ECDHE-RSA, RSA} x {AES-256-GCM, AES-128-GCM}: two suites selected,
   * four enabled; RSA key exchange with AES-256-GCM is an extra. */
  {
      "ECDHE-RSA-AES256-GCM-SHA384:AES128-GCM-SHA256",
      { "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_RSA_WITH_AES_128_GCM_SHA256", NULL },
      "NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+AES-256-GCM:-KX-ALL:+RSA",
      { 0x00, 0x9D },
      "TLS_RSA_WITH_AES_256_GCM_SHA384",
      { "NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+AES-256-GCM:-KX-ALL:+ECDHE-RSA",
        "NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+AES-128-GCM:-KX-ALL:+RSA" },
  },
};

static void
test_cipher_extra_suite_of_priority_is_refused_at_handshake (Fixture *f, gconstpointer data)
{
  const ExtraSuiteCase *test = &extra_suite_cases[GPOINTER_TO_UINT (data)];
  PhonesecTlsServer *extra = start_server (f, pki.server, test->extra_server);
  PhonesecTlsServer *controls[G_N_ELEMENTS (test->control_servers)] = { NULL };
  g_autofree char *priority = NULL;
  g_auto (GStrv) suites = NULL;
  g_auto (GStrv) listed = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (test->control_servers); i++)
    if (test->control_servers[i] != NULL)
      controls[i] = start_server (f, pki.server, test->control_servers[i]);
  apply_policy (f, REEXEC_EXPECTED, "TLS_Cipher_List", test->list, NULL);
  resolve (f, "default", &priority, &suites);
  listed = tls12_suites ((const char *const *) suites);
  assert_strv_equal ((const char *const *) listed, test->selected);
  g_assert_false (g_strv_contains ((const char *const *) suites, test->extra_name));
  if (priority_enables_suite (priority, test->extra_id[0], test->extra_id[1]))
    g_test_message ("the priority \"%s\" enables %s: only the handshake-time check refuses it",
                    priority, test->extra_name);
  else
    g_test_message ("the priority \"%s\" already excludes %s", priority, test->extra_name);

  for (guint c = 0; c < G_N_ELEMENTS (clients); c++)
    {
      assert_probe_refused (f, extra, clients[c]);
      for (guint i = 0; i < G_N_ELEMENTS (controls); i++)
        if (controls[i] != NULL)
          g_variant_unref (
              assert_probe_ok (f, controls[i], clients[c], "TLS 1.2", test->selected[i]));
    }
}

/* The guide's fallbacks for an empty TLS_Cipher_List. */
static const char *const guide_default_suites[] = {
  "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
  "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
  "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
  "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
  "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
  "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
  "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
  "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
  "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
  "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
  "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
  "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256",
  "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
  "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
  "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256",
  "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
  "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
  "TLS_DHE_RSA_WITH_AES_256_CBC_SHA",
  "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
  "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
  "TLS_DHE_RSA_WITH_AES_128_CBC_SHA",
  "TLS_RSA_WITH_AES_256_GCM_SHA384",
  "TLS_RSA_WITH_AES_128_GCM_SHA256",
  "TLS_RSA_WITH_AES_256_CBC_SHA256",
  "TLS_RSA_WITH_AES_128_CBC_SHA256",
  "TLS_RSA_WITH_AES_256_CBC_SHA",
  "TLS_RSA_WITH_AES_128_CBC_SHA",
  /* EMPTY_RENEGOTIATION_INFO_SCSV, the 28th, is a signal, not a suite. */
  NULL,
};

static const char *const guide_web_server_suites[] = {
  "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", /* ECDHE-RSA-AES256-GCM-SHA384 */
  "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", /* ECDHE-RSA-AES128-GCM-SHA256 */
  "TLS_RSA_WITH_AES_256_CBC_SHA",          /* AES256-SHA */
  "TLS_RSA_WITH_AES_128_CBC_SHA",          /* AES128-SHA */
  "TLS_RSA_WITH_3DES_EDE_CBC_SHA",         /* DES-CBC3-SHA */
  NULL,
};

static void
test_cipher_empty_list_uses_guide_fallbacks (Fixture *f, gconstpointer data)
{
  g_autofree char *priority = NULL;
  g_auto (GStrv) suites = NULL;
  g_auto (GStrv) listed = NULL;
  g_autofree char *error_text = tls_string_property (f, "CipherListError");

  g_assert_cmpstr (error_text, ==, "");
  resolve (f, "default", &priority, &suites);
  listed = tls12_suites ((const char *const *) suites);
  assert_strv_equal ((const char *const *) listed, guide_default_suites);
  g_clear_pointer (&priority, g_free);
  g_clear_pointer (&suites, g_strfreev);
  g_clear_pointer (&listed, g_strfreev);

  resolve (f, "web-server", &priority, &suites);
  listed = tls12_suites ((const char *const *) suites);
  assert_strv_equal ((const char *const *) listed, guide_web_server_suites);
  g_clear_pointer (&priority, g_free);
  g_clear_pointer (&suites, g_strfreev);
  g_clear_pointer (&listed, g_strfreev);

  /* HIGH:MEDIUM:AES:@STRENGTH: strongest first, so 256-bit suites lead. */
  resolve (f, "xmpp", &priority, &suites);
  listed = tls12_suites ((const char *const *) suites);
  g_assert_cmpuint (g_strv_length (listed), >, 0);
  g_assert_true (strstr (listed[0], "256") != NULL || strstr (listed[0], "CHACHA20") != NULL);
}

static void
test_cipher_invalid_list_is_accepted_reported_and_falls_back (Fixture *f, gconstpointer data)
{
  g_autofree char *priority_before = NULL;
  g_auto (GStrv) suites_before = NULL;
  g_autofree char *priority = NULL;
  g_auto (GStrv) suites = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *list = NULL;
  g_autofree char *error_text = NULL;
  g_autofree char *log = NULL;
  PhonesecTlsServer *server = start_server (f, pki.server, "NORMAL:-VERS-ALL:+VERS-TLS1.2");

  resolve (f, "default", &priority_before, &suites_before);
  /* The guide: the phone accepts the value and falls back. */
  apply_policy (f, REEXEC_EITHER, "TLS_Cipher_List", "NOTHING-MATCHES", NULL);

  stored = config_string (f, "TLS_Cipher_List");
  g_assert_cmpstr (stored, ==, "NOTHING-MATCHES");
  list = tls_string_property (f, "CipherList");
  g_assert_cmpstr (list, ==, "NOTHING-MATCHES");
  error_text = tls_string_property (f, "CipherListError");
  g_test_message ("CipherListError: %s", error_text);
  g_assert_nonnull (strstr (error_text, "NOTHING-MATCHES"));
  log = phonesec_test_bus_dup_log (f->bus);
  g_assert_nonnull (strstr (log, "NOTHING-MATCHES"));

  /* The fallback (DEFAULT for this class), exactly as with an empty list. */
  resolve (f, "default", &priority, &suites);
  assert_strv_equal ((const char *const *) suites, (const char *const *) suites_before);
  g_assert_cmpstr (priority, ==, priority_before);
  for (guint c = 0; c < G_N_ELEMENTS (clients); c++)
    {
      g_autoptr (GVariant) result = assert_probe_ok (f, server, clients[c], "TLS 1.2", NULL);
      const char *suite = NULL;

      g_variant_lookup (result, "suite", "&s", &suite);
      g_assert_true (g_strv_contains (guide_default_suites, suite));
    }
}

/* --- FIPS_Mode --------------------------------------------------------------- */

typedef struct
{
  const char *what;
  const char *priority;
  gboolean weak_key;             /* the 1024-bit RSA certificate */
  gboolean reached_without_fips; /* under FIPS_LIST, FIPS off: the control */
} FipsServer;

/* Without FIPS mode this list reaches every server below but the RC4-MD5
 * one, so each refusal in FIPS mode is FIPS mode's doing. */
#define FIPS_LIST                                                                                  \
  "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-SHA:ECDHE-RSA-CHACHA20-POLY1305:"                  \
  "ECDHE-RSA-DES-CBC3-SHA:DES-CBC3-SHA"

static const FipsServer fips_servers[] = {
  { "3DES only", "NORMAL:-CIPHER-ALL:+3DES-CBC:-VERS-TLS1.3", FALSE, TRUE },
  { "CHACHA20 only, TLS 1.2", "NORMAL:-CIPHER-ALL:+CHACHA20-POLY1305:-VERS-TLS1.3", FALSE, TRUE },
  { "CHACHA20 only, TLS 1.3", "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+CHACHA20-POLY1305", FALSE,
    TRUE },
  { "RSA 1024 certificate", "NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+AES-128-GCM", TRUE, TRUE },
  { "TLS 1.1 at most", "NORMAL:-VERS-ALL:+VERS-TLS1.1", FALSE, TRUE },
  /* No policy reaches RC4: a weak check, kept for the issue's MD5 case. */
  { "RC4-MD5 only", "NORMAL:-VERS-TLS1.3:-CIPHER-ALL:+ARCFOUR-128:-MAC-ALL:+MD5", FALSE, FALSE },
};

static void
test_fips_refuses_non_approved_servers (Fixture *f, gconstpointer data)
{
  PhonesecTlsServer *servers[G_N_ELEMENTS (fips_servers)];
  PhonesecTlsServer *approved
      = start_server (f, pki.server, "NORMAL:-VERS-ALL:+VERS-TLS1.2:-CIPHER-ALL:+AES-128-GCM");
  g_autofree char *fips_error = NULL;
  g_autofree char *min_version = NULL;
  g_autoptr (GVariant) fips = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (fips_servers); i++)
    servers[i] = start_server (f, fips_servers[i].weak_key ? pki.server_1024 : pki.server,
                               fips_servers[i].priority);

  /* Controls, FIPS off. */
  apply_policy (f, REEXEC_EXPECTED, "TLS_Cipher_List", FIPS_LIST, NULL);
  fips_error = tls_string_property (f, "FipsError");
  g_assert_cmpstr (fips_error, ==, "");
  g_clear_pointer (&fips_error, g_free);
  for (guint i = 0; i < G_N_ELEMENTS (fips_servers); i++)
    for (guint c = 0; c < G_N_ELEMENTS (clients); c++)
      {
        g_test_message ("FIPS off, %s, %s", fips_servers[i].what, clients[c]);
        if (fips_servers[i].reached_without_fips)
          g_variant_unref (assert_probe_ok (f, servers[i], clients[c], NULL, NULL));
        else
          assert_probe_refused (f, servers[i], clients[c]);
      }

  apply_policy (f, REEXEC_EXPECTED, "FIPS_Mode", "Yes", NULL);
  fips = tls_property (f, "FipsMode");
  g_assert_true (g_variant_get_boolean (fips));
  /* dbus/…TlsPolicy.xml: "FIPS mode raises it to TLS 1.2". */
  min_version = tls_string_property (f, "MinVersion");
  g_assert_cmpstr (min_version, ==, "TLS 1.2");
  /* This machine's GnuTLS has no FIPS module: the guide's security error. */
  fips_error = tls_string_property (f, "FipsError");
  g_test_message ("FipsError: %s", fips_error);
  g_assert_cmpstr (fips_error, !=, "");
  g_assert_true (contains_nocase (fips_error, "FIPS"));

  for (guint i = 0; i < G_N_ELEMENTS (fips_servers); i++)
    for (guint c = 0; c < G_N_ELEMENTS (clients); c++)
      {
        g_test_message ("FIPS on, %s, %s", fips_servers[i].what, clients[c]);
        assert_probe_refused (f, servers[i], clients[c]);
      }
  for (guint c = 0; c < G_N_ELEMENTS (clients); c++)
    g_variant_unref (assert_probe_ok (f, approved, clients[c], "TLS 1.2",
                                      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));
}

/* --- host names and trust -------------------------------------------------- */

static void
test_host_name_mismatch_is_refused (Fixture *f, gconstpointer data)
{
  /* IP SAN 127.0.0.2 only; and a DNS SAN with CN=127.0.0.1 (SAN before
   * CN: the CN is not looked at when there is a SAN). */
  PhonesecTlsServer *wrong_ip = start_server (f, pki.wrong_ip, "NORMAL");
  PhonesecTlsServer *dns_only = start_server (f, pki.dns_only, "NORMAL");
  PhonesecTlsServer *right = start_server (f, pki.server, "NORMAL");

  for (guint c = 0; c < G_N_ELEMENTS (clients); c++)
    {
      assert_probe_refused (f, wrong_ip, clients[c]);
      assert_probe_refused (f, dns_only, clients[c]);
      g_variant_unref (assert_probe_ok (f, right, clients[c], "TLS 1.3", NULL));
    }
}

static gboolean
trusted_cas_contain (Fixture *f, const char *fingerprint, const char *source)
{
  g_autoptr (GVariant) cas = tls_property (f, "TrustedCAs");
  GVariantIter iter;
  GVariant *ca;
  gboolean found = FALSE;

  g_variant_iter_init (&iter, cas);
  while ((ca = g_variant_iter_next_value (&iter)) != NULL)
    {
      const char *fp = NULL;
      const char *src = NULL;

      g_variant_lookup (ca, "fingerprint", "&s", &fp);
      g_variant_lookup (ca, "source", "&s", &src);
      if (g_strcmp0 (fp, fingerprint) == 0 && g_strcmp0 (src, source) == 0)
        found = TRUE;
      g_variant_unref (ca);
    }
  return found;
}

static char *
add_trusted_ca (Fixture *f, const PhonesecTestCa *ca)
{
  g_autofree char *pem = phonesec_test_cert_dup_pem (ca->cert);
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply
      = phonesec_test_call (f->bus, TLS_POLICY, "AddTrustedCA", g_variant_new ("(s)", pem), &error);
  char *fingerprint = NULL;

  g_assert_no_error (error);
  g_variant_get (reply, "(s)", &fingerprint);
  return fingerprint;
}

static void
remove_trusted_ca (Fixture *f, const char *fingerprint, GError **error)
{
  g_autoptr (GVariant) reply = phonesec_test_call (f->bus, TLS_POLICY, "RemoveTrustedCA",
                                                   g_variant_new ("(s)", fingerprint), error);
}

/* Every handshake a full one (no session resumption): the trust store
 * itself follows AddTrustedCA and RemoveTrustedCA at once. */
static void
test_trust_store_add_and_remove_ca_without_restart (Fixture *f, gconstpointer data)
{
  PhonesecTlsServer *server = phonesec_tls_server_start_full (
      pki.other_ca_server, "NORMAL", PHONESEC_TLS_SERVER_NO_RESUMPTION, f->bus->tmpdir);
  g_autofree char *owner = dup_name_owner (f);
  g_autofree char *owner_after = NULL;
  g_autofree char *fingerprint = NULL;
  g_autoptr (GError) error = NULL;

  g_ptr_array_add (f->servers, server);
  for (guint c = 0; c < G_N_ELEMENTS (clients); c++)
    assert_probe_refused (f, server, clients[c]);

  fingerprint = add_trusted_ca (f, pki.other_ca);
  g_assert_cmpuint (strlen (fingerprint), ==, 95); /* 32 hex bytes and ':' */
  g_assert_true (trusted_cas_contain (f, fingerprint, "custom"));
  for (guint c = 0; c < G_N_ELEMENTS (clients); c++)
    g_variant_unref (assert_probe_ok (f, server, clients[c], NULL, NULL));

  remove_trusted_ca (f, fingerprint, &error);
  g_assert_no_error (error);
  g_assert_false (trusted_cas_contain (f, fingerprint, "custom"));
  for (guint c = 0; c < G_N_ELEMENTS (clients); c++)
    assert_probe_refused (f, server, clients[c]);

  /* Gone: a second removal is NotFound. */
  remove_trusted_ca (f, fingerprint, &error);
  assert_remote_error (error, ERROR_NOT_FOUND);

  /* Trust changes need no restart: the same connection owns the name. */
  owner_after = dup_name_owner (f);
  g_assert_cmpstr (owner_after, ==, owner);
}

/* A server as deployed, with session tickets and IDs, at TLS 1.2 or 1.3:
 * once its CA is removed, a client must not get back in by resuming a
 * session it made while the CA was trusted (a resumed handshake carries no
 * certificate to verify). */
static void
test_trust_removed_ca_not_trusted_through_resumption (Fixture *f, gconstpointer data)
{
  g_autofree char *priority = phonesec_tls_server_priority_for_version (data);
  PhonesecTlsServer *server = start_server (f, pki.other_ca_server, priority);
  g_autofree char *fingerprint = add_trusted_ca (f, pki.other_ca);
  g_autoptr (GError) error = NULL;

  /* Twice: the second may already be a resumption. */
  for (guint round = 0; round < 2; round++)
    for (guint c = 0; c < G_N_ELEMENTS (clients); c++)
      g_variant_unref (assert_probe_ok (f, server, clients[c], NULL, NULL));
  remove_trusted_ca (f, fingerprint, &error);
  g_assert_no_error (error);
  for (guint c = 0; c < G_N_ELEMENTS (clients); c++)
    assert_probe_refused (f, server, clients[c]);
}

static void
test_trust_store_refuses_anything_but_one_ca (Fixture *f, gconstpointer data)
{
  g_autofree char *server_pem = phonesec_test_cert_dup_pem (pki.server);
  g_autofree char *ca_pem = phonesec_test_cert_dup_pem (pki.ca->cert);
  g_autofree char *other_pem = phonesec_test_cert_dup_pem (pki.other_ca->cert);
  g_autofree char *two_cas = g_strconcat (ca_pem, other_pem, NULL);
  const char *bad[] = {
    server_pem, /* CA:FALSE */
    "not a certificate",
    "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    "",
    two_cas,
  };
  g_autoptr (GVariant) before = tls_property (f, "TrustedCAs");
  g_autoptr (GVariant) after = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GVariant) reply = phonesec_test_call (f->bus, TLS_POLICY, "AddTrustedCA",
                                                       g_variant_new ("(s)", bad[i]), &error);

      g_test_message ("AddTrustedCA case %u: %s", i, error != NULL ? error->message : "accepted");
      assert_remote_error (error, ERROR_INVALID_VALUE);
    }
  after = tls_property (f, "TrustedCAs");
  g_assert_true (g_variant_equal (before, after));
}

/* --- Resolve --------------------------------------------------------------- */

static void
test_resolve_follows_configured_list (Fixture *f, gconstpointer data)
{
  const char *const expected[]
      = { "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_256_CBC_SHA", NULL };
  const char *const classes[] = { "default", "web-server", "xmpp" };

  apply_policy (f, REEXEC_EXPECTED, "TLS_Cipher_List", "ECDHE-RSA-AES128-GCM-SHA256:AES256-SHA",
                NULL);
  /* The configured list governs every class. */
  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    {
      g_autofree char *priority = NULL;
      g_auto (GStrv) suites = NULL;
      g_auto (GStrv) listed = NULL;
      gboolean seen_tls12 = FALSE;

      resolve (f, classes[i], &priority, &suites);
      g_test_message ("%s: %s", classes[i], priority);
      /* TLS 1.3 suites first, then the list in its order. */
      for (guint s = 0; suites[s] != NULL; s++)
        {
          gboolean tls12 = strstr (suites[s], "_WITH_") != NULL;

          g_assert_true (tls12 || !seen_tls12);
          seen_tls12 |= tls12;
        }
      listed = tls12_suites ((const char *const *) suites);
      assert_strv_equal ((const char *const *) listed, expected);
      /* The priority is valid GnuTLS and offers both. */
      g_assert_true (priority_enables_suite (priority, 0xC0, 0x2F));
      g_assert_true (priority_enables_suite (priority, 0x00, 0x35));
    }
}

static void
test_resolve_unknown_class_is_invalid (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply
      = phonesec_test_call (f->bus, TLS_POLICY, "Resolve", g_variant_new ("(s)", "bogus"), &error);

  assert_remote_error (error, ERROR_INVALID_VALUE);
  g_assert_nonnull (strstr (error->message, "bogus"));
}

/* A URL refused by Probe is quoted in the error without its credentials,
 * even when it does not parse. */
static void
test_probe_bad_url_hides_credentials (Fixture *f, gconstpointer data)
{
  /* Loopback only: nothing is looked up in DNS. */
  const char *const urls[] = { "ftp://admin:S3cret-pw@127.0.0.1:1/x",
                               "https://admin:S3cret-pw@[::1/x", "tls://S3cret-pw@[::1", NULL };
  const char *const kinds[] = { "soup", "gnutls", NULL };

  for (guint i = 0; urls[i] != NULL; i++)
    for (guint c = 0; kinds[c] != NULL; c++)
      {
        g_autoptr (GError) error = NULL;
        GVariantBuilder options;
        g_autoptr (GVariant) reply = NULL;

        g_variant_builder_init (&options, G_VARIANT_TYPE ("a{sv}"));
        g_variant_builder_add (&options, "{sv}", "client", g_variant_new_string (kinds[c]));
        reply = phonesec_test_call (
            f->bus, TLS_POLICY, "Probe",
            g_variant_new ("(s@a{sv})", urls[i], g_variant_builder_end (&options)), &error);
        g_assert_null (reply);
        g_test_message ("%s %s: %s", kinds[c], urls[i], error->message);
        g_assert_null (strstr (error->message, "S3cret-pw"));
      }
}

/* --- Apply and the restart of the network service ----------------------- */

static void
test_apply_reply_and_values_survive_reexec (Fixture *f, gconstpointer data)
{
  const char *names[] = { "TLS_Min_Version", "TLS_Cipher_List", "FIPS_Mode", "Proxy_Mode", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) crashed = NULL;
  g_autoptr (GVariant) fips = NULL;
  guint64 first;
  guint64 second;
  guint64 third;

  /* One transaction touching all three and an unrelated parameter. */
  first = apply_policy (f, REEXEC_EXPECTED, "TLS_Min_Version", "TLS 1.2", "TLS_Cipher_List",
                        "ECDHE-RSA-AES256-GCM-SHA384", "FIPS_Mode", "Yes", "Proxy_Mode", "Auto",
                        NULL);
  g_assert_cmpuint (first, >=, 1);
  {
    g_autoptr (GVariant) reply
        = phonesec_test_call (f->bus, CONFIG, "Get", g_variant_new ("(^as)", names), &error);
    g_autoptr (GVariant) values = NULL;
    const char *text = NULL;
    gboolean flag = FALSE;

    g_assert_no_error (error);
    values = g_variant_get_child_value (reply, 0);
    g_assert_true (g_variant_lookup (values, "TLS_Min_Version", "&s", &text));
    g_assert_cmpstr (text, ==, "TLS 1.2");
    g_assert_true (g_variant_lookup (values, "TLS_Cipher_List", "&s", &text));
    g_assert_cmpstr (text, ==, "ECDHE-RSA-AES256-GCM-SHA384");
    g_assert_true (g_variant_lookup (values, "FIPS_Mode", "b", &flag));
    g_assert_true (flag);
    g_assert_true (g_variant_lookup (values, "Proxy_Mode", "&s", &text));
    g_assert_cmpstr (text, ==, "Auto");
  }
  /* The restarted daemon runs the new policy, and knows it was no crash. */
  fips = tls_property (f, "FipsMode");
  g_assert_true (g_variant_get_boolean (fips));
  {
    g_autofree char *list = tls_string_property (f, "CipherList");
    g_assert_cmpstr (list, ==, "ECDHE-RSA-AES256-GCM-SHA384");
  }
  crashed = property (f, MANAGER, "PreviousRunCrashed", &error);
  g_assert_no_error (error);
  g_assert_false (g_variant_get_boolean (crashed));

  /* Again, after the restart. TLS 1.0 under FIPS changes nothing in
   * force (FIPS keeps TLS 1.2): a restart is not needed, the value is kept. */
  second = apply_policy (f, REEXEC_EITHER, "TLS_Min_Version", "TLS 1.0", NULL);
  g_assert_cmpuint (second, >, first);
  {
    g_autofree char *min = config_string (f, "TLS_Min_Version");
    g_autofree char *in_force = tls_string_property (f, "MinVersion");

    g_assert_cmpstr (min, ==, "TLS 1.0");
    g_assert_cmpstr (in_force, ==, "TLS 1.2");
  }
  /* TLS 1.3 is above FIPS's floor: restart, everything kept. */
  third = apply_policy (f, REEXEC_EXPECTED, "TLS_Min_Version", "TLS 1.3", NULL);
  g_assert_cmpuint (third, >, second);
  {
    g_autofree char *min = config_string (f, "TLS_Min_Version");
    g_autofree char *list = config_string (f, "TLS_Cipher_List");
    g_autofree char *mode = config_string (f, "Proxy_Mode");
    g_autoptr (GVariant) still_fips = tls_property (f, "FipsMode");
    g_autofree char *in_force = tls_string_property (f, "MinVersion");

    g_assert_cmpstr (min, ==, "TLS 1.3");
    g_assert_cmpstr (list, ==, "ECDHE-RSA-AES256-GCM-SHA384");
    g_assert_cmpstr (mode, ==, "Auto");
    g_assert_true (g_variant_get_boolean (still_fips));
    g_assert_cmpstr (in_force, ==, "TLS 1.3");
  }
}

static gboolean
owner_changes_within (Fixture *f, const char *owner, guint ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < deadline)
    {
      g_autofree char *now = dup_name_owner (f);

      if (g_strcmp0 (now, owner) != 0)
        return TRUE;
      g_usleep (10000);
    }
  return FALSE;
}

static void
test_apply_without_policy_change_does_not_restart (Fixture *f, gconstpointer data)
{
  g_autofree char *owner = dup_name_owner (f);
  guint64 generation;

  /* Another parameter: committed, no restart. */
  generation = apply_policy (f, REEXEC_NONE, "Proxy_Mode", "Auto", NULL);
  g_assert_cmpuint (generation, ==, 1);
  g_assert_false (owner_changes_within (f, owner, 500));
  /* The policy's current values again: nothing changes, no restart. */
  generation = apply_policy (f, REEXEC_NONE, "TLS_Min_Version", "TLS 1.1", "FIPS_Mode", "No", NULL);
  g_assert_cmpuint (generation, ==, 1);
  g_assert_false (owner_changes_within (f, owner, 500));
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  pki_make ();

#define ADD(path, data, func) g_test_add (path, Fixture, data, setup, func, teardown)
  ADD ("/tls-policy/min-version/client-min-TLS1.0", "TLS 1.0", test_min_version_row);
  ADD ("/tls-policy/min-version/client-min-TLS1.1", "TLS 1.1", test_min_version_row);
  ADD ("/tls-policy/min-version/client-min-TLS1.2", "TLS 1.2", test_min_version_row);
  ADD ("/tls-policy/min-version/client-min-TLS1.3", "TLS 1.3", test_min_version_row);
  ADD ("/tls-policy/cipher-list/server-outside-list", NULL,
       test_cipher_server_outside_list_is_refused);
  ADD ("/tls-policy/cipher-list/extra-suite-refused-at-handshake/tls13-cipher",
       GUINT_TO_POINTER (0), test_cipher_extra_suite_of_priority_is_refused_at_handshake);
  ADD ("/tls-policy/cipher-list/extra-suite-refused-at-handshake/kx-cipher-product",
       GUINT_TO_POINTER (1), test_cipher_extra_suite_of_priority_is_refused_at_handshake);
  ADD ("/tls-policy/cipher-list/empty-uses-guide-fallbacks", NULL,
       test_cipher_empty_list_uses_guide_fallbacks);
  ADD ("/tls-policy/cipher-list/invalid-accepted-reported-fallback", NULL,
       test_cipher_invalid_list_is_accepted_reported_and_falls_back);
  ADD ("/tls-policy/fips/refuses-non-approved", NULL, test_fips_refuses_non_approved_servers);
  ADD ("/tls-policy/host-name/mismatch-refused", NULL, test_host_name_mismatch_is_refused);
  ADD ("/tls-policy/trust/add-remove-ca-without-restart", NULL,
       test_trust_store_add_and_remove_ca_without_restart);
  ADD ("/tls-policy/trust/removed-ca-not-trusted-through-resumption/TLS1.2", "TLS 1.2",
       test_trust_removed_ca_not_trusted_through_resumption);
  ADD ("/tls-policy/trust/removed-ca-not-trusted-through-resumption/TLS1.3", "TLS 1.3",
       test_trust_removed_ca_not_trusted_through_resumption);
  ADD ("/tls-policy/trust/refuses-non-ca", NULL, test_trust_store_refuses_anything_but_one_ca);
  ADD ("/tls-policy/resolve/configured-list", NULL, test_resolve_follows_configured_list);
  ADD ("/tls-policy/resolve/unknown-class", NULL, test_resolve_unknown_class_is_invalid);
  ADD ("/tls-policy/probe/bad-url-hides-credentials", NULL, test_probe_bad_url_hides_credentials);
  ADD ("/tls-policy/apply/reply-and-values-survive-reexec", NULL,
       test_apply_reply_and_values_survive_reexec);
  ADD ("/tls-policy/apply/no-restart-without-policy-change", NULL,
       test_apply_without_policy_change_does_not_restart);

  status = g_test_run ();
  pki_free ();
  return status;
}
