/* test-prov-rules.c: the rules besides profiles, in a real phonesecd
 * against real peers (prov-test-fixture.h): Custom_CA_Rule (a CA
 * certificate over HTTPS, then a profile server that only that CA vouches
 * for), Upgrade_Rule (an image over HTTPS handed to a real install hook, a
 * shell script that keeps what it received), Report_Rule (the status
 * report POSTed to an HTTPS server), with syslog messages and bad input.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gstdio.h>
#include <string.h>

#include "prov-test-fixture.h"
#include "prov-test-util.h"

#define TLS_POLICY PHONESEC_DBUS_INTERFACE_PREFIX "TlsPolicy"

static struct
{
  PhonesecTestCa *custom_ca;     /* known to the phone only through Custom_CA_Rule */
  PhonesecTestCert *custom_leaf; /* IP SAN 127.0.0.1, from custom_ca */
} extra;

static GBytes *
file_bytes (const char *path)
{
  char *data;
  gsize len;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  return g_bytes_new_take (data, len);
}

/* The custom CA as DER (`openssl x509 -outform DER`). */
static GBytes *
custom_ca_der (void)
{
  g_autoptr (GBytes) pem = file_bytes (extra.custom_ca->cert->cert_path);

  return prov_test_run_filter ("openssl x509 -outform DER", pem);
}

/* The fingerprints of TlsPolicy.TrustedCAs added at run time. */
static GPtrArray *
custom_fingerprints (Fixture *f)
{
  g_autoptr (GVariant) cas
      = phonesec_test_get_property (f->bus, PHONESEC_DBUS_PATH, TLS_POLICY, "TrustedCAs");
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);
  GVariantIter iter;
  GVariant *ca;

  g_variant_iter_init (&iter, cas);
  while ((ca = g_variant_iter_next_value (&iter)) != NULL)
    {
      const char *fingerprint = NULL, *source = NULL;

      g_variant_lookup (ca, "fingerprint", "&s", &fingerprint);
      g_variant_lookup (ca, "source", "&s", &source);
      if (g_strcmp0 (source, "custom") == 0)
        g_ptr_array_add (found, g_strdup (fingerprint));
      g_variant_unref (ca);
    }
  return found;
}

static guint32
netd_pid (Fixture *f)
{
  g_autoptr (GVariant) v = phonesec_test_get_property (
      f->bus, PHONESEC_DBUS_PATH, PHONESEC_DBUS_INTERFACE_MANAGER, "NetworkServicePid");

  return g_variant_get_uint32 (v);
}

/* The CA comes over HTTPS (DER), goes into the trust store before the
 * profiles, and the profile server it issued is trusted in the same
 * resync; syslog says so; a second resync changes nothing. */
static void
test_custom_ca (Fixture *f, gconstpointer data)
{
  g_autoptr (ProvWebServer) ca_server = prov_test_web_new (prov_pki.server);
  g_autoptr (GBytes) der = custom_ca_der ();
  g_autoptr (GBytes) profile = prov_test_text_bytes (PROFILE ("Custom CA"));
  g_autoptr (GPtrArray) before = NULL, after = NULL;
  g_autofree char *ca_rule = NULL, *rule = NULL, *syslog = NULL, *result = NULL, *name = NULL;
  g_autofree char *status = NULL, *fingerprint = NULL, *m1 = NULL, *m2 = NULL, *expected = NULL;
  guint32 pid;

  f->web = prov_test_web_new (extra.custom_leaf);
  prov_test_web_put (f->web, "/p.xml", profile);
  prov_test_web_put (ca_server, "/ca.der", der);
  ca_rule = g_strdup_printf ("https://127.0.0.1:%u/ca.der", ca_server->port);
  rule = g_strdup_printf ("https://127.0.0.1:%u/p.xml", f->web->port);
  syslog = g_strdup_printf ("127.0.0.1:%u", f->syslog_port);
  prov_test_start_with (f, "Custom_CA_Rule", ca_rule, "Profile_Rule", rule, "Syslog_Server", syslog,
                        NULL);
  status = prov_test_string (f, "CustomCAStatus");
  g_assert_cmpstr (status, ==, "none");
  before = custom_fingerprints (f);
  g_assert_cmpuint (before->len, ==, 0);
  result = prov_test_resync (f);
  g_assert_cmpstr (result, ==, "success");
  name = phonesec_test_dup_string (f->bus, "LDAP_Corp_Dir_Name");
  g_assert_cmpstr (name, ==, "Custom CA");
  g_free (status);
  status = prov_test_string (f, "CustomCAStatus");
  g_assert_cmpstr (status, ==, "installed");
  after = custom_fingerprints (f);
  g_assert_cmpuint (after->len, ==, 1);
  fingerprint = prov_test_string (f, "CustomCAFingerprint");
  g_assert_cmpstr (fingerprint, ==, after->pdata[0]);
  m1 = prov_test_next_syslog (f);
  m2 = prov_test_next_syslog (f);
  g_test_message ("%s\n%s", m1, m2);
  expected = g_strdup_printf ("CP-8841-3PCC 00:11:22:33:44:55 -- Requesting custom CA "
                              "https://127.0.0.1:%u/ca.der",
                              ca_server->port);
  g_assert_nonnull (strstr (m1, expected));
  g_assert_nonnull (strstr (m2, "-- Successful custom CA download https://127.0.0.1:"));
  g_free (prov_test_next_syslog (f)); /* the profile's two */
  g_free (prov_test_next_syslog (f));
  /* Again: the same CA, so the network service is not restarted. */
  pid = netd_pid (f);
  g_free (result);
  result = prov_test_resync (f);
  g_assert_cmpstr (result, ==, "success");
  g_assert_cmpuint (netd_pid (f), ==, pid);
  g_ptr_array_unref (after);
  after = custom_fingerprints (f);
  g_assert_cmpuint (after->len, ==, 1);
}

/* What is not one CA certificate is refused in words, nothing is added,
 * and the profile rules still run. */
static void
test_custom_ca_bad (Fixture *f, gconstpointer data)
{
  static const struct
  {
    const char *path, *error;
  } cases[] = {
    { "/garbage", "not an X.509 certificate" },
    { "/leaf.pem", "not a CA certificate" },
    { "/missing.pem", "404" },
  };
  g_autoptr (GBytes) garbage = prov_test_text_bytes ("<html>hello</html>");
  g_autoptr (GBytes) leaf = file_bytes (extra.custom_leaf->cert_path);
  g_autoptr (GBytes) profile = prov_test_text_bytes (PROFILE ("Still applied"));
  g_autofree char *rule = NULL, *syslog = NULL;

  f->web = prov_test_web_new (NULL);
  prov_test_web_put (f->web, "/garbage", garbage);
  prov_test_web_put (f->web, "/leaf.pem", leaf);
  prov_test_web_put (f->web, "/p.xml", profile);
  rule = g_strdup_printf ("http://127.0.0.1:%u/p.xml", f->web->port);
  syslog = g_strdup_printf ("127.0.0.1:%u", f->syslog_port);
  prov_test_start_with (f, "Profile_Rule", rule, "Syslog_Server", syslog, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *ca_rule
          = g_strdup_printf ("http://127.0.0.1:%u%s", f->web->port, cases[i].path);
      g_autofree char *result = NULL, *error = NULL, *status = NULL, *name = NULL;
      g_autofree char *m1 = NULL, *m2 = NULL;
      g_autoptr (GPtrArray) cas = NULL;

      prov_test_apply (f, "Custom_CA_Rule", ca_rule);
      prov_test_apply (f, "LDAP_Corp_Dir_Name", "");
      result = prov_test_resync (f);
      error = prov_test_string (f, "LastError");
      g_assert_cmpstr (result, ==, "failed");
      g_assert_true (g_str_has_prefix (error, "Custom_CA_Rule: "));
      g_assert_nonnull (strstr (error, cases[i].error));
      status = prov_test_string (f, "CustomCAStatus");
      g_assert_cmpstr (status, ==, "failed");
      cas = custom_fingerprints (f);
      g_assert_cmpuint (cas->len, ==, 0);
      name = phonesec_test_dup_string (f->bus, "LDAP_Corp_Dir_Name");
      g_assert_cmpstr (name, ==, "Still applied");
      m1 = prov_test_next_syslog (f);
      m2 = prov_test_next_syslog (f);
      g_assert_nonnull (strstr (m2, "-- Custom CA failed: "));
      g_assert_nonnull (strstr (m2, cases[i].error));
      g_free (prov_test_next_syslog (f));
      g_free (prov_test_next_syslog (f));
    }
}

/* Restricted_Access_Domains holds for Custom_CA_Rule too. */
static void
test_custom_ca_domains (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) der = custom_ca_der ();
  g_autofree char *ca_rule = NULL, *result = NULL, *error = NULL;

  f->web = prov_test_web_new (NULL);
  prov_test_web_put (f->web, "/ca.der", der);
  ca_rule = g_strdup_printf ("http://127.0.0.1:%u/ca.der", f->web->port);
  prov_test_start_with (f, "Custom_CA_Rule", ca_rule, "Restricted_Access_Domains",
                        "prov.example.com", NULL);
  result = prov_test_resync (f);
  g_assert_cmpstr (result, ==, "failed");
  error = prov_test_string (f, "LastError");
  g_assert_nonnull (strstr (error, "Custom_CA_Rule: the server '127.0.0.1' is outside "
                                   "Restricted_Access_Domains"));
  g_assert_cmpuint (f->web->paths->len, ==, 0);
}

/* --- Upgrade_Rule ---------------------------------------------------------- */

/* A hook that keeps the image, its arguments and mode, counts its calls
 * and exits with the number in HOOKDIR/status. */
static char *
make_hook (Fixture *f, const char *exit_status)
{
  g_autofree char *dir = g_build_filename (f->bus->tmpdir, "hook", NULL);
  g_autofree char *script = NULL;
  char *path = g_build_filename (dir, "install-firmware", NULL);

  g_mkdir (dir, 0755);
  script = g_strdup_printf ("#!/bin/sh\nd='%s'\ncp \"$1\" \"$d/received\"\n"
                            "printf '%%s\\n' \"$1\" \"$2\" > \"$d/args\"\n"
                            "stat -c %%a \"$1\" > \"$d/mode\"\necho x >> \"$d/calls\"\n"
                            "[ -e \"$d/slow\" ] && sleep 1\n"
                            "exit $(cat \"$d/status\")\n",
                            dir);
  prov_test_write_file (dir, "install-firmware", script, -1);
  prov_test_write_file (dir, "status", exit_status, -1);
  g_assert_cmpint (g_chmod (path, 0755), ==, 0);
  g_setenv ("PHONESEC_UPGRADE_HOOK", path, TRUE);
  return path;
}

static char *
hook_file (Fixture *f, const char *name)
{
  g_autofree char *path = g_build_filename (f->bus->tmpdir, "hook", name, NULL);
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return g_strdup ("");
  return text;
}

static gboolean
busy_over (gpointer data)
{
  g_autofree char *state = prov_test_string (data, "State");

  return g_strcmp0 (state, "upgrading") != 0 && g_strcmp0 (state, "resyncing") != 0;
}

/* Upgrade() (NULL) or its D-Bus error's name; waits for it to end. */
static char *
upgrade (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = g_dbus_connection_call_sync (
      f->bus->connection, PHONESEC_DBUS_NAME, PROV_PATH, PROV_IFACE, "Upgrade", NULL, NULL,
      G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);

  if (reply == NULL)
    {
      g_test_message ("Upgrade(): %s", error->message);
      return g_dbus_error_get_remote_error (error);
    }
  g_assert_true (phonesec_test_wait_until (busy_over, f, WAIT_MS));
  if (g_getenv ("PROV_TEST_DEBUG") != NULL)
    {
      g_autofree char *log = phonesec_test_bus_dup_log (f->bus);
      g_test_message ("%s", log);
    }
  return NULL;
}

static GBytes *
random_bytes (gsize size)
{
  guint8 *data = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) g_random_int ();
  return g_bytes_new_take (data, size);
}

/* The image arrives byte for byte in a private file the hook gets, with
 * its name; syslog says so; the hook's exit status is the result. */
static void
test_upgrade (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) image = random_bytes (3 * 1024 * 1024 + 17);
  g_autofree char *hook = make_hook (f, "0");
  g_autofree char *rule = NULL, *syslog = NULL, *result = NULL;
  g_autofree char *args = NULL, *mode = NULL, *m1 = NULL, *m2 = NULL, *expected = NULL;
  g_autofree char *error = NULL, *dbus_error = NULL;
  g_autoptr (GError) call_error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GBytes) received = NULL;

  f->web = prov_test_web_new (prov_pki.server);
  prov_test_web_put (f->web, "/fw/sip88xx.12-1-1.loads", image);
  rule = g_strdup_printf ("https://127.0.0.1:%u/fw/sip88xx.12-1-1.loads", f->web->port);
  syslog = g_strdup_printf ("127.0.0.1:%u", f->syslog_port);
  prov_test_start_with (f, "Upgrade_Rule", rule, "Syslog_Server", syslog, NULL);
  dbus_error = upgrade (f);
  g_assert_null (dbus_error);
  error = prov_test_string (f, "LastUpgradeError");
  g_test_message ("LastUpgradeError: %s", error);
  result = prov_test_string (f, "LastUpgradeResult");
  g_assert_cmpstr (result, ==, "success");
  {
    g_autofree char *path = g_build_filename (f->bus->tmpdir, "hook", "received", NULL);
    received = file_bytes (path);
  }
  g_assert_cmpuint (g_bytes_get_size (received), ==, g_bytes_get_size (image));
  g_assert_true (g_bytes_equal (received, image));
  args = hook_file (f, "args");
  lines = g_strsplit (args, "\n", -1);
  g_assert_cmpstr (lines[1], ==, "sip88xx.12-1-1.loads");
  g_assert_false (g_file_test (lines[0], G_FILE_TEST_EXISTS)); /* removed after */
  mode = hook_file (f, "mode");
  g_assert_cmpstr (mode, ==, "600\n");
  m1 = prov_test_next_syslog (f);
  m2 = prov_test_next_syslog (f);
  g_test_message ("%s\n%s", m1, m2);
  expected = g_strdup_printf ("CP-8841-3PCC 00:11:22:33:44:55 -- Requesting upgrade "
                              "https://127.0.0.1:%u/fw/sip88xx.12-1-1.loads",
                              f->web->port);
  g_assert_nonnull (strstr (m1, expected));
  g_assert_nonnull (strstr (m2, "-- Successful upgrade https://127.0.0.1:"));
  /* The hook says no. */
  prov_test_write_file (f->bus->tmpdir, "hook/status", "3", -1);
  g_assert_null (upgrade (f));
  g_free (result);
  result = prov_test_string (f, "LastUpgradeResult");
  g_assert_cmpstr (result, ==, "failed");
  g_free (error);
  error = prov_test_string (f, "LastUpgradeError");
  g_assert_cmpstr (error, ==, "Upgrade_Rule: the install hook exited with status 3");
  g_free (prov_test_next_syslog (f));
  g_free (m2);
  m2 = prov_test_next_syslog (f);
  g_assert_nonnull (strstr (m2, "-- Upgrade failed: the install hook exited with status 3"));
  g_assert_nonnull (hook);
  /* While the hook runs, no resync starts. */
  prov_test_write_file (f->bus->tmpdir, "hook/slow", "", 0);
  g_clear_pointer (&reply, g_variant_unref);
  reply = g_dbus_connection_call_sync (f->bus->connection, PHONESEC_DBUS_NAME, PROV_PATH,
                                       PROV_IFACE, "Upgrade", NULL, NULL, G_DBUS_CALL_FLAGS_NONE,
                                       10000, NULL, &call_error);
  g_assert_no_error (call_error);
  g_clear_pointer (&reply, g_variant_unref);
  reply = g_dbus_connection_call_sync (f->bus->connection, PHONESEC_DBUS_NAME, PROV_PATH,
                                       PROV_IFACE, "Resync", NULL, NULL, G_DBUS_CALL_FLAGS_NONE,
                                       10000, NULL, &call_error);
  g_assert_nonnull (call_error);
  g_free (dbus_error);
  dbus_error = g_dbus_error_get_remote_error (call_error);
  g_assert_cmpstr (dbus_error, ==, PHONESEC_DBUS_ERROR_PREFIX "InProgress");
  g_assert_true (phonesec_test_wait_until (busy_over, f, WAIT_MS));
}

static void
assert_upgrade_failed (Fixture *f, const char *needle)
{
  g_autofree char *result = NULL, *error = NULL;

  g_assert_null (upgrade (f));
  result = prov_test_string (f, "LastUpgradeResult");
  error = prov_test_string (f, "LastUpgradeError");
  g_test_message ("LastUpgradeError: %s", error);
  g_assert_cmpstr (result, ==, "failed");
  g_assert_true (g_str_has_prefix (error, "Upgrade_Rule: "));
  g_assert_false (g_str_has_prefix (error, "Upgrade_Rule: Upgrade_Rule"));
  g_assert_nonnull (strstr (error, needle));
}

/* The size of the image file while the upgrade runs, seen between 0 and
 * @total (exclusive): it is written as it arrives. */
static gboolean
image_grows (Fixture *f, gsize total)
{
  g_autofree char *path
      = g_build_filename (f->bus->state_dir, "plugins", "provisioning", "upgrade", "image", NULL);
  gint64 deadline = g_get_monotonic_time () + (gint64) WAIT_MS * 1000;
  gboolean partial = FALSE;

  while (!busy_over (f) && g_get_monotonic_time () < deadline)
    {
      GStatBuf st;

      if (g_stat (path, &st) == 0 && st.st_size > 0 && (gsize) st.st_size < total)
        partial = TRUE;
      g_usleep (2000);
    }
  return partial;
}

/* Over tftp (a real in.tftpd) the image reaches the hook the same, written
 * block by block as it arrives (never whole in phonesecd's memory). */
static void
test_upgrade_tftp (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) image = random_bytes (4 * 1024 * 1024 + 5);
  g_autofree char *hook = make_hook (f, "0");
  g_autofree char *root = g_build_filename (f->bus->tmpdir, "tftp", NULL);
  g_autofree char *received_path = g_build_filename (f->bus->tmpdir, "hook", "received", NULL);
  g_autofree char *listen = NULL, *rule = NULL, *result = NULL;
  g_autoptr (GSubprocess) tftpd = NULL;
  g_autoptr (GBytes) received = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GError) error = NULL;
  guint16 port = phonesec_test_pick_free_port ();

  g_mkdir (root, 0755);
  prov_test_write_file (root, "fw.loads", g_bytes_get_data (image, NULL), g_bytes_get_size (image));
  listen = g_strdup_printf ("127.0.0.1:%u", port);
  tftpd = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "in.tftpd", "-L", "-s", "-a", listen,
                            root, NULL);
  g_assert_no_error (error);
  rule = g_strdup_printf ("tftp://127.0.0.1:%u/fw.loads", port);
  prov_test_start_with (f, "Upgrade_Rule", rule, NULL);
  reply = g_dbus_connection_call_sync (f->bus->connection, PHONESEC_DBUS_NAME, PROV_PATH,
                                       PROV_IFACE, "Upgrade", NULL, NULL, G_DBUS_CALL_FLAGS_NONE,
                                       10000, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (image_grows (f, g_bytes_get_size (image)));
  g_assert_true (phonesec_test_wait_until (busy_over, f, WAIT_MS));
  result = prov_test_string (f, "LastUpgradeResult");
  g_assert_cmpstr (result, ==, "success");
  received = file_bytes (received_path);
  g_assert_true (g_bytes_equal (received, image));
  g_assert_nonnull (hook);
  g_subprocess_force_exit (tftpd);
}

/* Too large an image, a server outside Restricted_Access_Domains, and
 * what Upgrade() refuses: the hook never runs. */
static void
test_upgrade_refused (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) image = random_bytes (2 * 1024 * 1024);
  g_autofree char *hook = make_hook (f, "0");
  g_autofree char *rule = NULL, *calls = NULL, *name = NULL;
  guint requests;

  g_setenv ("PHONESEC_UPGRADE_MAX_BYTES", "1048576", TRUE);
  f->web = prov_test_web_new (NULL);
  prov_test_web_put (f->web, "/big.loads", image);
  rule = g_strdup_printf ("http://127.0.0.1:%u/big.loads", f->web->port);
  prov_test_start_with (f, "Upgrade_Rule", rule, NULL);
  g_unsetenv ("PHONESEC_UPGRADE_MAX_BYTES");
  assert_upgrade_failed (f, "larger than 1048576 bytes");
  requests = f->web->paths->len;
  prov_test_apply (f, "Restricted_Access_Domains", "prov.example.com");
  assert_upgrade_failed (f, "Upgrade_Rule: the server '127.0.0.1' is outside "
                            "Restricted_Access_Domains");
  g_assert_cmpuint (f->web->paths->len, ==, requests);
  calls = hook_file (f, "calls");
  g_assert_cmpstr (calls, ==, "");
  /* A hook others may write is not run; nor is one when Upgrade_Enable is
   * No, or without a rule. */
  g_assert_cmpint (g_chmod (hook, 0777), ==, 0);
  name = upgrade (f);
  g_assert_cmpstr (name, ==, PHONESEC_DBUS_ERROR_PREFIX "NotSupported");
  g_assert_cmpint (g_chmod (hook, 0755), ==, 0);
  prov_test_apply (f, "Upgrade_Enable", "No");
  g_free (name);
  name = upgrade (f);
  g_assert_cmpstr (name, ==, PHONESEC_DBUS_ERROR_PREFIX "NotSupported");
  prov_test_apply (f, "Upgrade_Enable", "Yes");
  prov_test_apply (f, "Upgrade_Rule", "");
  g_free (name);
  name = upgrade (f);
  g_assert_cmpstr (name, ==, PHONESEC_DBUS_ERROR_PREFIX "InvalidValue");
}

/* After a successful resync, an image the rule picks is installed once;
 * a rule whose condition picks none does nothing. */
static void
test_upgrade_after_resync (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) image = random_bytes (64 * 1024);
  g_autoptr (GBytes) profile = prov_test_text_bytes (PROFILE ("Before upgrade"));
  g_autofree char *hook = make_hook (f, "0");
  g_autofree char *rule = NULL, *upgrade_rule = NULL, *result = NULL, *calls = NULL;
  g_autofree char *none = NULL;

  f->web = prov_test_web_new (NULL);
  prov_test_web_put (f->web, "/p.xml", profile);
  prov_test_web_put (f->web, "/sip88xx.12-1-1.loads", image);
  rule = g_strdup_printf ("http://127.0.0.1:%u/p.xml", f->web->port);
  /* The development identity runs sip88xx.12-0-1MPP-0001. */
  upgrade_rule = g_strdup_printf ("( $SWVER ne sip88xx.12-1-1 )? "
                                  "http://127.0.0.1:%u/sip88xx.12-1-1.loads",
                                  f->web->port);
  prov_test_start_with (f, "Profile_Rule", rule, "Upgrade_Rule", upgrade_rule, NULL);
  result = prov_test_resync (f);
  g_assert_cmpstr (result, ==, "success");
  g_assert_true (phonesec_test_wait_until (busy_over, f, WAIT_MS));
  calls = hook_file (f, "calls");
  g_assert_cmpstr (calls, ==, "x\n");
  g_free (result);
  result = prov_test_resync (f);
  g_assert_true (phonesec_test_wait_until (busy_over, f, WAIT_MS));
  g_free (calls);
  calls = hook_file (f, "calls");
  g_assert_cmpstr (calls, ==, "x\n");
  none = g_strdup_printf ("( $SWVER eq sip88xx.0 )? http://127.0.0.1:%u/other.loads", f->web->port);
  prov_test_apply (f, "Upgrade_Rule", none);
  g_free (result);
  result = prov_test_resync (f);
  g_assert_true (phonesec_test_wait_until (busy_over, f, WAIT_MS));
  g_assert_cmpstr (result, ==, "success");
  g_free (result);
  result = prov_test_string (f, "LastResult");
  g_assert_cmpstr (result, ==, "success");
  g_free (calls);
  calls = hook_file (f, "calls");
  g_assert_cmpstr (calls, ==, "x\n");
}

static void
assert_string (Fixture *f, const char *property, const char *expected)
{
  g_autofree char *value = prov_test_string (f, property);

  g_assert_cmpstr (value, ==, expected);
}

/* How many times the hook ran. */
static guint
hook_calls (Fixture *f)
{
  g_autofree char *calls = hook_file (f, "calls");

  return (guint) strlen (calls) / 2; /* "x\n" each */
}

#define IMAGE_KEY "Image-Key-7"
/* `openssl enc` with a fixed salt, so that the wrong key below fails the
 * same way each run; with -S, OpenSSL 3 writes no "Salted__" header:
 * printf writes the one it writes otherwise. */
#define IMAGE_ENC                                                                                  \
  "{ printf 'Salted__\\001\\043\\105\\147\\211\\253\\315\\357'; "                                  \
  "openssl enc -e -aes-256-cbc -S 0123456789abcdef -pass 'pass:" IMAGE_KEY "'; }"

/* --key: the image the real `openssl enc` encrypted reaches the hook in
 * clear; a wrong key fails clearly and the hook never runs; the key is
 * nowhere to be read. */
static void
test_upgrade_key (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) image = random_bytes (1024 * 1024 + 3);
  g_autoptr (GBytes) encrypted = prov_test_run_filter (IMAGE_ENC, image);
  g_autofree char *hook = make_hook (f, "0");
  g_autofree char *rule = NULL, *wrong = NULL, *result = NULL, *args = NULL;
  g_autofree char *received_path = g_build_filename (f->bus->tmpdir, "hook", "received", NULL);
  g_autoptr (GBytes) received = NULL;
  g_auto (GStrv) lines = NULL;

  f->web = prov_test_web_new (prov_pki.server);
  prov_test_web_put (f->web, "/sip88xx.12-1-1.loads.enc", encrypted);
  prov_test_web_put (f->web, "/clear.loads", image);
  rule = g_strdup_printf ("[--key $A] https://127.0.0.1:%u/sip88xx.12-1-1.loads.enc", f->web->port);
  prov_test_start_with (f, "Upgrade_Rule", rule, "GPP_A", IMAGE_KEY, NULL);
  g_assert_null (upgrade (f));
  result = prov_test_string (f, "LastUpgradeResult");
  g_assert_cmpstr (result, ==, "success");
  received = file_bytes (received_path);
  g_assert_true (g_bytes_equal (received, image));
  args = hook_file (f, "args");
  lines = g_strsplit (args, "\n", -1);
  g_assert_false (g_file_test (lines[0], G_FILE_TEST_EXISTS));
  /* A wrong key, then a clear image with a key: the hook is not run. */
  wrong = g_strdup_printf ("[--key Wrong-Key] https://127.0.0.1:%u/sip88xx.12-1-1.loads.enc",
                           f->web->port);
  prov_test_apply (f, "Upgrade_Rule", wrong);
  assert_upgrade_failed (f, "the encrypted image could not be decrypted: wrong key");
  g_assert_false (g_file_test (lines[0], G_FILE_TEST_EXISTS));
  g_free (wrong);
  wrong = g_strdup_printf ("[--key $A] https://127.0.0.1:%u/clear.loads", f->web->port);
  prov_test_apply (f, "Upgrade_Rule", wrong);
  assert_upgrade_failed (f, "the rule has a --key but the image is not encrypted");
  g_assert_cmpuint (hook_calls (f), ==, 1);
  prov_test_assert_nowhere (f, IMAGE_KEY);
  g_assert_nonnull (hook);
}

/* Downgrade_Rev_Limit: an image whose file name says it is older is
 * refused before anything is fetched, with the failure message; one at
 * the limit goes through. */
static void
test_upgrade_downgrade_limit (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) image = random_bytes (16 * 1024);
  g_autofree char *hook = make_hook (f, "0");
  g_autofree char *rule = NULL, *syslog = NULL, *message = NULL, *result = NULL;

  f->web = prov_test_web_new (NULL);
  prov_test_web_put (f->web, "/sip88xx.11-9-9.loads", image);
  prov_test_web_put (f->web, "/sip88xx.12-0-1.loads", image);
  rule = g_strdup_printf ("http://127.0.0.1:%u/sip88xx.11-9-9.loads", f->web->port);
  syslog = g_strdup_printf ("127.0.0.1:%u", f->syslog_port);
  prov_test_start_with (f, "Upgrade_Rule", rule, "Syslog_Server", syslog, "Downgrade_Rev_Limit",
                        "sip88xx.12-0-1", NULL);
  assert_upgrade_failed (f, "the image 'sip88xx.11-9-9.loads' (version sip88xx.11-9-9) is "
                            "below Downgrade_Rev_Limit sip88xx.12-0-1");
  g_assert_cmpuint (f->web->paths->len, ==, 0);
  g_assert_cmpuint (hook_calls (f), ==, 0);
  message = prov_test_next_syslog (f);
  g_assert_nonnull (strstr (message, "-- Upgrade failed: the image 'sip88xx.11-9-9.loads'"));
  /* At the limit (and a limit without the product): installed. */
  g_free (rule);
  rule = g_strdup_printf ("http://127.0.0.1:%u/sip88xx.12-0-1.loads", f->web->port);
  prov_test_apply (f, "Upgrade_Rule", rule);
  prov_test_apply (f, "Downgrade_Rev_Limit", "12-0-1");
  g_assert_null (upgrade (f));
  result = prov_test_string (f, "LastUpgradeResult");
  g_assert_cmpstr (result, ==, "success");
  g_assert_cmpuint (hook_calls (f), ==, 1);
  g_assert_nonnull (hook);
}

typedef struct
{
  Fixture *f;
  guint calls;
} CallsWait;

static gboolean
calls_reached (gpointer data)
{
  CallsWait *w = data;

  return hook_calls (w->f) >= w->calls && busy_over (w->f);
}

static gboolean
upgrade_succeeded (gpointer data)
{
  g_autofree char *result = prov_test_string (data, "LastUpgradeResult");

  return g_str_equal (result, "success") && busy_over (data);
}

/* Upgrade_Error_Retry_Delay: a failed upgrade is tried again after that
 * delay, until one succeeds; a success, or a new Upgrade_Rule, ends the
 * retries. */
static void
test_upgrade_retry (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) image = random_bytes (32 * 1024);
  g_autofree char *hook = make_hook (f, "3");
  g_autofree char *rule = NULL, *other = NULL, *result = NULL;
  CallsWait w = { f, 2 };
  guint calls;

  f->web = prov_test_web_new (NULL);
  prov_test_web_put (f->web, "/fw.loads", image);
  prov_test_web_put (f->web, "/fw2.loads", image);
  rule = g_strdup_printf ("http://127.0.0.1:%u/fw.loads", f->web->port);
  prov_test_start_with (f, "Upgrade_Rule", rule, "Upgrade_Error_Retry_Delay", "1", NULL);
  g_assert_null (upgrade (f));
  result = prov_test_string (f, "LastUpgradeResult");
  g_assert_cmpstr (result, ==, "failed");
  g_assert_cmpuint (hook_calls (f), ==, 1);
  /* Tried again a second later, without being asked. */
  g_assert_true (phonesec_test_wait_until (calls_reached, &w, WAIT_MS));
  prov_test_write_file (f->bus->tmpdir, "hook/status", "0", -1);
  g_assert_true (phonesec_test_wait_until (upgrade_succeeded, f, WAIT_MS));
  /* The success ends the retries. */
  calls = hook_calls (f);
  g_usleep (2500 * 1000 * prov_test_timeout_scale);
  g_assert_cmpuint (hook_calls (f), ==, calls);
  /* A failure, then a new rule before the retry: no retry. */
  prov_test_write_file (f->bus->tmpdir, "hook/status", "3", -1);
  prov_test_apply (f, "Upgrade_Error_Retry_Delay", "2");
  g_assert_null (upgrade (f));
  g_assert_cmpuint (hook_calls (f), ==, calls + 1);
  other = g_strdup_printf ("http://127.0.0.1:%u/fw2.loads", f->web->port);
  prov_test_apply (f, "Upgrade_Rule", other);
  g_usleep (3500 * 1000 * prov_test_timeout_scale);
  g_assert_cmpuint (hook_calls (f), ==, calls + 1);
  g_assert_nonnull (hook);
}

/* An upgrade's outcome is in LastUpgrade*, never in LastResult and
 * LastError, which stay the resync's (the phone's screen shows them). */
static void
test_upgrade_keeps_resync_status (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) image = random_bytes (8 * 1024);
  g_autoptr (GBytes) profile = prov_test_text_bytes (PROFILE ("Resync status"));
  g_autofree char *hook = make_hook (f, "3");
  g_autofree char *rule = NULL, *upgrade_rule = NULL, *missing = NULL;
  guint64 start = (guint64) (g_get_real_time () / G_USEC_PER_SEC);

  f->web = prov_test_web_new (NULL);
  prov_test_web_put (f->web, "/p.xml", profile);
  prov_test_web_put (f->web, "/fw.loads", image);
  rule = g_strdup_printf ("http://127.0.0.1:%u/p.xml", f->web->port);
  upgrade_rule = g_strdup_printf ("http://127.0.0.1:%u/fw.loads", f->web->port);
  prov_test_start_with (f, "Profile_Rule", rule, "Upgrade_Rule", upgrade_rule,
                        "Upgrade_Error_Retry_Delay", "0", NULL);
  g_assert_cmpuint (prov_test_u64 (f, "LastUpgrade"), ==, 0);
  assert_string (f, "LastUpgradeResult", "");
  /* A successful resync, then its automatic upgrade fails. */
  g_free (prov_test_resync (f));
  g_assert_true (phonesec_test_wait_until (busy_over, f, WAIT_MS));
  g_assert_cmpuint (hook_calls (f), ==, 1);
  assert_string (f, "LastUpgradeResult", "failed");
  assert_string (f, "LastUpgradeError", "Upgrade_Rule: the install hook exited with status 3");
  g_assert_cmpuint (prov_test_u64 (f, "LastUpgrade"), >=, start);
  assert_string (f, "LastResult", "success");
  assert_string (f, "LastError", "");
  assert_string (f, "State", "idle");
  /* A failed resync, then a successful upgrade: the resync's failure stays. */
  missing = g_strdup_printf ("http://127.0.0.1:%u/missing.xml", f->web->port);
  prov_test_apply (f, "Profile_Rule", missing);
  g_free (prov_test_resync (f));
  g_assert_true (phonesec_test_wait_until (busy_over, f, WAIT_MS));
  prov_test_write_file (f->bus->tmpdir, "hook/status", "0", -1);
  g_assert_null (upgrade (f));
  assert_string (f, "LastUpgradeResult", "success");
  assert_string (f, "LastUpgradeError", "");
  assert_string (f, "LastResult", "failed");
  {
    g_autofree char *error = prov_test_string (f, "LastError");
    g_assert_nonnull (strstr (error, "HTTP 404"));
  }
  assert_string (f, "State", "failed");
  g_assert_nonnull (hook);
}

/* --- Report_Rule ----------------------------------------------------------- */

#define SECRET_MARKER "Secret-Report-Marker-99"
#define HIDDEN_MARKER "Hidden-Report-Marker-42"
#define VISIBLE_MARKER "visible-report-marker.example"

static void
on_reply (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Report(): the server's name for who took it, or the D-Bus error's
 * message (as "ERROR: ..."). Asynchronous: the web server runs in this
 * process's main loop. */
static char *
report (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GVariant) reply = NULL;
  char *server;

  g_dbus_connection_call (f->bus->connection, PHONESEC_DBUS_NAME, PROV_PATH, PROV_IFACE, "Report",
                          NULL, G_VARIANT_TYPE ("(s)"), G_DBUS_CALL_FLAGS_NONE, WAIT_MS, NULL,
                          on_reply, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  reply = g_dbus_connection_call_finish (f->bus->connection, result, &error);
  if (reply == NULL)
    {
      g_dbus_error_strip_remote_error (error);
      g_test_message ("Report(): %s", error->message);
      return g_strconcat ("ERROR: ", error->message, NULL);
    }
  g_variant_get (reply, "(s)", &server);
  return server;
}

static gboolean
bytes_contain (GBytes *bytes, const char *needle)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  return data != NULL && g_strstr_len (data, len, needle) != NULL;
}

/* POSTed over HTTPS with --uid/--pwd: what the user may read, never a
 * secret or a hidden value. */
static void
test_report (Fixture *f, gconstpointer data)
{
  g_autofree char *rule = NULL, *server = NULL, *expected = NULL, *error = NULL;
  GBytes *body;

  f->web = prov_test_web_new (prov_pki.server);
  f->web->require_auth = TRUE;
  rule = g_strdup_printf ("[--uid phone --pwd " PASSWORD "] https://127.0.0.1:%u/rep/$MA.xml",
                          f->web->port);
  prov_test_start_with (f, "Report_Rule", rule, "Proxy_Host", VISIBLE_MARKER, "Proxy_Password",
                        SECRET_MARKER, "GPP_A", SECRET_MARKER, "LDAP_Corp_Dir_Name", HIDDEN_MARKER,
                        NULL);
  server = report (f);
  expected = g_strdup_printf ("https://127.0.0.1:%u", f->web->port);
  g_assert_cmpstr (server, ==, expected);
  body = f->web->bodies->pdata[f->web->bodies->len - 1];
  g_assert_cmpstr (f->web->methods->pdata[f->web->methods->len - 1], ==, "POST");
  g_assert_cmpstr (f->web->paths->pdata[f->web->paths->len - 1], ==, "/rep/" DEV_MA ".xml");
  g_test_message ("%.*s", (int) MIN (g_bytes_get_size (body), 2000),
                  (const char *) g_bytes_get_data (body, NULL));
  g_assert_true (bytes_contain (body, "<status device=\"SEP001122334455\""));
  g_assert_true (bytes_contain (body, VISIBLE_MARKER));
  g_assert_false (bytes_contain (body, SECRET_MARKER));
  g_assert_false (bytes_contain (body, HIDDEN_MARKER));
  g_assert_false (bytes_contain (body, PASSWORD));
  prov_test_assert_nowhere (f, PASSWORD);
  /* What it refuses, before anything leaves the phone. */
  prov_test_apply (f, "Report_Rule", "[--key $A] https://127.0.0.1:1/rep.xml.enc");
  error = report (f);
  g_assert_nonnull (strstr (error, "Report_Rule: encrypted reports (--key) are not supported"));
  g_assert_null (strstr (error, SECRET_MARKER));
  g_free (error);
  prov_test_apply (f, "Report_Rule", "tftp://127.0.0.1/rep.xml");
  error = report (f);
  g_assert_nonnull (strstr (error, "Report_Rule: uploads over tftp are not supported"));
  g_free (error);
  prov_test_apply (f, "Report_Rule", rule);
  prov_test_apply (f, "Restricted_Access_Domains", "prov.example.com");
  error = report (f);
  g_assert_nonnull (strstr (error, "Report_Rule: the server '127.0.0.1' is outside"));
  g_assert_cmpuint (f->web->bodies->len, ==, 2); /* the 401, then the report */
}

#define ADD(path, func) g_test_add (path, Fixture, NULL, prov_test_setup, func, prov_test_teardown)

int
main (int argc, char **argv)
{
  PhonesecTestCertSpec spec = { .cn = "127.0.0.1", .ip_address = "127.0.0.1" };
  int status;

  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("PHONESEC_DAEMON_WRAPPER") != NULL && g_getenv ("PHONESEC_DAEMON_WRAPPER")[0])
    prov_test_timeout_scale = 6;
  prov_test_pki_make ();
  extra.custom_ca = phonesec_test_ca_new (prov_pki.dir, "custom-ca");
  extra.custom_leaf = phonesec_test_ca_issue (extra.custom_ca, "custom-leaf", &spec);
  ADD ("/prov-rules/custom-ca", test_custom_ca);
  ADD ("/prov-rules/custom-ca-bad", test_custom_ca_bad);
  ADD ("/prov-rules/custom-ca-domains", test_custom_ca_domains);
  ADD ("/prov-rules/upgrade", test_upgrade);
  ADD ("/prov-rules/upgrade-tftp", test_upgrade_tftp);
  ADD ("/prov-rules/upgrade-refused", test_upgrade_refused);
  ADD ("/prov-rules/upgrade-after-resync", test_upgrade_after_resync);
  ADD ("/prov-rules/upgrade-retry", test_upgrade_retry);
  ADD ("/prov-rules/upgrade-downgrade-limit", test_upgrade_downgrade_limit);
  ADD ("/prov-rules/upgrade-key", test_upgrade_key);
  ADD ("/prov-rules/upgrade-keeps-resync-status", test_upgrade_keeps_resync_status);
  ADD ("/prov-rules/report", test_report);
  status = g_test_run ();
  phonesec_test_cert_free (extra.custom_leaf);
  phonesec_test_ca_free (extra.custom_ca);
  prov_test_pki_free ();
  return status;
}
