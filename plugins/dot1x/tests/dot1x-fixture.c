/* dot1x-fixture.c: a LAN switch (hostapd) and a phone (wpa_supplicant on
 * a system bus of its own) in network namespaces; see the header.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "dot1x-fixture.h"
#include "phonesec-test-bus.h"

#define WPAS_NAME "fi.w1.wpa_supplicant1"
#define START_TIMEOUT_MS 10000

static guint counter;

/* Child setup: the daemons die with the test program, even when an
 * assertion aborts it without teardown. */
static void
die_with_test (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

void
phonesec_dot1x_require_tools (void)
{
  static const char *const tools[]
      = { "hostapd", "hostapd_cli", "wpa_supplicant", "ip", "certtool", "dbus-daemon", NULL };

  /* sbin is not in every PATH; `ip netns exec` and g_spawn look there. */
  if (strstr (g_getenv ("PATH") != NULL ? g_getenv ("PATH") : "", "/usr/sbin") == NULL)
    g_setenv ("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", TRUE);
  for (guint i = 0; tools[i] != NULL; i++)
    {
      g_autofree char *path = g_find_program_in_path (tools[i]);

      if (path == NULL)
        g_error ("%s is missing: install hostapd, wpasupplicant, iproute2, gnutls-bin and dbus "
                 "(scripts/install-deps); these tests are never skipped",
                 tools[i]);
    }
  if (getuid () != 0)
    g_error ("the 802.1X tests make network namespaces: run them as root");
}

static void
run_or_die (const char *const *argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &out, NULL, &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    {
      g_autofree char *line = g_strjoinv (" ", (char **) argv);

      g_error ("%s: %s", line, error->message);
    }
}

int
phonesec_dot1x_net_run (const char *ns, char **output, const char *const *argv)
{
  g_autoptr (GPtrArray) full = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  int status = 0;

  g_ptr_array_add (full, (gpointer) "ip");
  g_ptr_array_add (full, (gpointer) "netns");
  g_ptr_array_add (full, (gpointer) "exec");
  g_ptr_array_add (full, (gpointer) ns);
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (full, (gpointer) argv[i]);
  g_ptr_array_add (full, NULL);
  if (!g_spawn_sync (NULL, (char **) full->pdata, NULL,
                     G_SPAWN_SEARCH_PATH | (output == NULL ? G_SPAWN_STDOUT_TO_DEV_NULL : 0), NULL,
                     NULL, output, NULL, &status, &error))
    g_error ("ip netns exec %s %s: %s", ns, argv[0], error->message);
  return status;
}

/* --- PKI -------------------------------------------------------------------------- */

static char *
certtool_key (const char *dir, const char *name, gboolean rsa)
{
  char *key = g_strdup_printf ("%s/%s-key.pem", dir, name);
  /* certtool's "medium" ECDSA is P-224, which TLS peers do not offer. */
  const char *argv[] = { "certtool",
                         "--generate-privkey",
                         "--no-text",
                         "--outfile",
                         key,
                         "--key-type",
                         rsa ? "rsa" : "ecdsa",
                         rsa ? "--bits" : "--curve",
                         rsa ? "2048" : "secp256r1",
                         NULL };

  run_or_die (argv);
  return key;
}

/* @kind: "ca", or a certtool purpose (tls_www_server, tls_www_client). */
static char *
certtool_cert (const char *dir, const char *name, const char *cn, const char *kind, const char *key,
               const char *ca_cert, const char *ca_key)
{
  char *cert = g_strdup_printf ("%s/%s-cert.pem", dir, name);
  g_autofree char *tmpl_path = g_strdup_printf ("%s/%s.tmpl", dir, name);
  g_autofree char *tmpl = NULL;

  if (g_str_equal (kind, "ca"))
    tmpl = g_strdup_printf ("cn = \"%s\"\nca\ncert_signing_key\nexpiration_days = 2\n", cn);
  else
    tmpl = g_strdup_printf ("cn = \"%s\"\n%s\nsigning_key\nencryption_key\nexpiration_days = 2\n",
                            cn, kind);
  g_assert_true (g_file_set_contents (tmpl_path, tmpl, -1, NULL));
  if (ca_cert == NULL)
    {
      const char *argv[] = { "certtool",
                             "--generate-self-signed",
                             "--load-privkey",
                             key,
                             "--template",
                             tmpl_path,
                             "--outfile",
                             cert,
                             NULL };
      run_or_die (argv);
    }
  else
    {
      const char *argv[] = { "certtool",
                             "--generate-certificate",
                             "--load-privkey",
                             key,
                             "--load-ca-certificate",
                             ca_cert,
                             "--load-ca-privkey",
                             ca_key,
                             "--template",
                             tmpl_path,
                             "--outfile",
                             cert,
                             NULL };
      run_or_die (argv);
    }
  return cert;
}

/* A new folder in the net's scratch folder. */
static char *
make_dir (PhonesecDot1xNet *net, const char *name)
{
  char *dir = g_strdup_printf ("%s/%s-XXXXXX", net->dir, name);

  g_assert_nonnull (g_mkdtemp_full (dir, 0755));
  return dir;
}

PhonesecDot1xPki *
phonesec_dot1x_pki_new (PhonesecDot1xNet *net)
{
  PhonesecDot1xPki *self = g_new0 (PhonesecDot1xPki, 1);
  g_autofree char *ca_key = NULL, *other_ca_key = NULL, *other_ca_cert = NULL;

  self->dir = make_dir (net, "pki");
  /* ECDSA where it may be (quick to make); the server's key is RSA, as
   * EAP-FAST's provisioning suites are RSA ones. */
  ca_key = certtool_key (self->dir, "ca", FALSE);
  self->ca_cert
      = certtool_cert (self->dir, "ca", "phonesec 802.1X test CA", "ca", ca_key, NULL, NULL);
  self->server_key = certtool_key (self->dir, "server", TRUE);
  self->server_cert = certtool_cert (self->dir, "server", "radius.test", "tls_www_server",
                                     self->server_key, self->ca_cert, ca_key);
  self->phone_key = certtool_key (self->dir, "phone", FALSE);
  self->phone_cert = certtool_cert (self->dir, "phone", "CP-8841-3PCC-SEP001122334455",
                                    "tls_www_client", self->phone_key, self->ca_cert, ca_key);
  other_ca_key = certtool_key (self->dir, "other-ca", FALSE);
  other_ca_cert = certtool_cert (self->dir, "other-ca", "another 802.1X test CA", "ca",
                                 other_ca_key, NULL, NULL);
  self->other_phone_key = certtool_key (self->dir, "other-phone", FALSE);
  self->other_phone_cert
      = certtool_cert (self->dir, "other-phone", "CP-8841-3PCC-SEP001122334455", "tls_www_client",
                       self->other_phone_key, other_ca_cert, other_ca_key);
  return self;
}

void
phonesec_dot1x_pki_free (PhonesecDot1xPki *self)
{
  if (self == NULL)
    return;
  phonesec_test_rm_rf (self->dir);
  g_free (self->dir);
  g_free (self->ca_cert);
  g_free (self->server_cert);
  g_free (self->server_key);
  g_free (self->phone_cert);
  g_free (self->phone_key);
  g_free (self->other_phone_cert);
  g_free (self->other_phone_key);
  g_free (self);
}

/* --- namespaces --------------------------------------------------------------- */

PhonesecDot1xNet *
phonesec_dot1x_net_new (void)
{
  PhonesecDot1xNet *self = g_new0 (PhonesecDot1xNet, 1);
  g_autoptr (GError) error = NULL;
  g_autofree char *script = NULL;
  guint n = counter++;

  self->phone_ns = g_strdup_printf ("psdx-p-%d-%u", (int) getpid (), n);
  self->switch_ns = g_strdup_printf ("psdx-s-%d-%u", (int) getpid (), n);
  self->dir = g_dir_make_tmp ("phonesec-dot1x-XXXXXX", &error);
  g_assert_no_error (error);
  g_chmod (self->dir, 0755);
  /* Waits for the test to end (its stdin closes), then removes everything:
   * a failed assertion leaves nothing behind. */
  script = g_strdup_printf ("cat >/dev/null; for ns in %s %s; do"
                            " for pid in $(ip netns pids $ns 2>/dev/null); do kill -9 $pid; done;"
                            " ip netns del $ns 2>/dev/null; done; rm -rf '%s'",
                            self->phone_ns, self->switch_ns, self->dir);
  self->reaper = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE, &error, "sh", "-c", script, NULL);
  g_assert_no_error (error);
  {
    const char *phone[] = { "ip", "netns", "add", self->phone_ns, NULL };
    const char *sw[] = { "ip", "netns", "add", self->switch_ns, NULL };

    run_or_die (phone);
    run_or_die (sw);
  }
  return self;
}

void
phonesec_dot1x_net_free (PhonesecDot1xNet *self)
{
  if (self == NULL)
    return;
  g_output_stream_close (g_subprocess_get_stdin_pipe (self->reaper), NULL, NULL);
  g_subprocess_wait (self->reaper, NULL, NULL);
  g_object_unref (self->reaper);
  g_free (self->dir);
  g_free (self->phone_ns);
  g_free (self->switch_ns);
  g_free (self);
}

char *
phonesec_dot1x_net_add_port (PhonesecDot1xNet *self, char **switch_ifname)
{
  char *phone_ifname = g_strdup_printf ("phone%u", self->n_ports);
  const char *add[] = { "ip",   "link", "add",  phone_ifname, "netns", self->phone_ns,  "type",
                        "veth", "peer", "name", NULL,         "netns", self->switch_ns, NULL };

  *switch_ifname = g_strdup_printf ("switch%u", self->n_ports++);
  add[10] = *switch_ifname;
  run_or_die (add);
  {
    const char *up_phone[]
        = { "ip", "-n", self->phone_ns, "link", "set", phone_ifname, "up", NULL };
    const char *up_switch[]
        = { "ip", "-n", self->switch_ns, "link", "set", *switch_ifname, "up", NULL };

    run_or_die (up_phone);
    run_or_die (up_switch);
  }
  return phone_ifname;
}

char *
phonesec_dot1x_net_new_mac (PhonesecDot1xNet *self, const char *phone_ifname)
{
  /* Locally administered, unicast. */
  char *mac = g_strdup_printf ("02:%02x:%02x:%02x:%02x:%02x", g_random_int_range (0, 256),
                               g_random_int_range (0, 256), g_random_int_range (0, 256),
                               g_random_int_range (0, 256), g_random_int_range (0, 256));
  const char *argv[]
      = { "ip", "-n", self->phone_ns, "link", "set", phone_ifname, "address", mac, NULL };

  run_or_die (argv);
  return mac;
}

void
phonesec_dot1x_net_set_switch_port (PhonesecDot1xNet *self, const char *switch_ifname, gboolean up)
{
  const char *argv[]
      = { "ip", "-n", self->switch_ns, "link", "set", switch_ifname, up ? "up" : "down", NULL };

  run_or_die (argv);
}

/* --- hostapd ------------------------------------------------------------------ */

static gboolean
file_contains (const char *path, const char *needle)
{
  g_autofree char *text = NULL;

  return g_file_get_contents (path, &text, NULL, NULL) && strstr (text, needle) != NULL;
}

PhonesecHostapd *
phonesec_hostapd_start (PhonesecDot1xNet *net, const PhonesecDot1xPki *pki,
                        const char *switch_ifname, const PhonesecHostapdSpec *spec)
{
  PhonesecHostapd *self = g_new0 (PhonesecHostapd, 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) conf = g_string_new (NULL);
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autofree char *users = NULL;
  g_autofree char *users_path = NULL;
  gint64 deadline;

  self->ns = g_strdup (net->switch_ns);
  self->ifname = g_strdup (switch_ifname);
  self->dir = make_dir (net, "switch");
  self->conf_path = g_build_filename (self->dir, "hostapd.conf", NULL);
  self->log_path = g_build_filename (self->dir, "hostapd.log", NULL);
  self->ctrl_dir = g_build_filename (self->dir, "ctrl", NULL);
  users_path = g_build_filename (self->dir, "eap_user", NULL);
  /* Phase 1 FAST for the account, MSCHAPv2 inside; any certificate
   * identity may use EAP-TLS. */
  users = g_strdup_printf ("\"%s\" FAST\n\"%s\" MSCHAPV2 \"%s\" [2]\n* TLS\n",
                           PHONESEC_DOT1X_FAST_USER, PHONESEC_DOT1X_FAST_USER,
                           PHONESEC_DOT1X_FAST_PASSWORD);
  g_assert_true (g_file_set_contents (users_path, users, -1, NULL));
  g_string_append_printf (conf,
                          "interface=%s\ndriver=wired\nctrl_interface=%s\n"
                          "logger_stdout=-1\nlogger_stdout_level=1\n"
                          "ieee8021x=1\neap_reauth_period=0\nuse_pae_group_addr=1\n"
                          "eap_server=1\neap_user_file=%s\n"
                          "ca_cert=%s\nserver_cert=%s\nprivate_key=%s\n"
                          "pac_opaque_encr_key=000102030405060708090a0b0c0d0e0f\n"
                          "eap_fast_a_id=101112131415161718191a1b1c1d1e1f\n"
                          "eap_fast_a_id_info=phonesec test switch\neap_fast_prov=3\n"
                          "pac_key_lifetime=604800\npac_key_refresh_time=86400\n",
                          switch_ifname, self->ctrl_dir, users_path, pki->ca_cert, pki->server_cert,
                          pki->server_key);
  if (spec != NULL && spec->tls_flags != NULL)
    g_string_append_printf (conf, "tls_flags=%s\n", spec->tls_flags);
  if (spec != NULL && spec->openssl_ciphers != NULL)
    g_string_append_printf (conf, "openssl_ciphers=%s\n", spec->openssl_ciphers);
  g_assert_true (g_file_set_contents (self->conf_path, conf->str, -1, NULL));

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_set_stdout_file_path (launcher, self->log_path);
  g_subprocess_launcher_set_child_setup (launcher, die_with_test, NULL, NULL);
  /* -d: the EAP-FAST lines the tests look for (provisioning, PAC use). */
  self->process = g_subprocess_launcher_spawn (launcher, &error, "ip", "netns", "exec", self->ns,
                                               "hostapd", "-d", self->conf_path, NULL);
  g_assert_no_error (error);
  deadline = g_get_monotonic_time () + START_TIMEOUT_MS * 1000;
  while (!file_contains (self->log_path, "AP-ENABLED"))
    {
      if (g_subprocess_get_identifier (self->process) == NULL || g_get_monotonic_time () > deadline)
        {
          g_autofree char *log = phonesec_hostapd_dup_log (self);
          g_error ("hostapd did not start on %s; its log:\n%s", switch_ifname, log);
        }
      g_usleep (10000);
    }
  return self;
}

/* A log as far as it got; "" before the first line. */
static char *
dup_file (const char *path)
{
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return g_strdup ("");
  return text;
}

char *
phonesec_hostapd_dup_log (PhonesecHostapd *self)
{
  return dup_file (self->log_path);
}

gsize
phonesec_hostapd_log_size (PhonesecHostapd *self)
{
  GStatBuf st;

  return g_stat (self->log_path, &st) == 0 ? (gsize) st.st_size : 0;
}

guint
phonesec_hostapd_count (PhonesecHostapd *self, gsize from, const char *needle)
{
  g_autofree char *log = phonesec_hostapd_dup_log (self);
  guint n = 0;

  if (from > strlen (log))
    return 0;
  for (const char *p = strstr (log + from, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

char *
phonesec_hostapd_cli (PhonesecHostapd *self, const char *command, const char *arg)
{
  const char *argv[]
      = { "hostapd_cli", "-p", self->ctrl_dir, "-i", self->ifname, command, arg, NULL };
  char *out = NULL;

  phonesec_dot1x_net_run (self->ns, &out, argv);
  return out;
}

char *
phonesec_hostapd_dup_station (PhonesecHostapd *self, const char *mac)
{
  char *out = phonesec_hostapd_cli (self, "sta", mac);

  /* hostapd_cli says FAIL for a station it does not know. */
  if (out == NULL || g_str_has_prefix (out, "FAIL"))
    {
      g_free (out);
      return g_strdup ("");
    }
  return out;
}

void
phonesec_hostapd_free (PhonesecHostapd *self)
{
  if (self == NULL)
    return;
  g_subprocess_force_exit (self->process);
  g_subprocess_wait (self->process, NULL, NULL);
  g_object_unref (self->process);
  phonesec_test_rm_rf (self->dir);
  g_free (self->ns);
  g_free (self->ifname);
  g_free (self->dir);
  g_free (self->conf_path);
  g_free (self->log_path);
  g_free (self->ctrl_dir);
  g_free (self);
}

/* --- the phone's system bus and wpa_supplicant ------------------------------------ */

PhonesecDot1xSystem *
phonesec_dot1x_system_new (const char *phone_ns)
{
  PhonesecDot1xSystem *self = g_new0 (PhonesecDot1xSystem, 1);

  /* A bus like the D-Bus tests' (no service folder: nothing starts behind
   * the test's back; anyone may own a name), standing for the phone's
   * system bus. */
  self->bus = phonesec_test_bus_new ();
  self->connection = self->bus->connection;
  self->address = self->bus->address;
  self->ns = g_strdup (phone_ns);
  self->supplicant_log = g_build_filename (self->bus->tmpdir, "wpa_supplicant.log", NULL);
  /* phonesecd, started later by the test, finds wpa_supplicant here. */
  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", self->address, TRUE);
  return self;
}

static gboolean
supplicant_on_bus (PhonesecDot1xSystem *self)
{
  g_autoptr (GVariant) reply = g_dbus_connection_call_sync (
      self->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
      "NameHasOwner", g_variant_new ("(s)", WPAS_NAME), G_VARIANT_TYPE ("(b)"),
      G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  gboolean owned = FALSE;

  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  return owned;
}

void
phonesec_dot1x_system_start_supplicant (PhonesecDot1xSystem *self)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + START_TIMEOUT_MS * 1000;
  int fd;

  g_assert_null (self->supplicant);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  /* Appended: the secrecy test reads every run's log. */
  fd = g_open (self->supplicant_log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  g_assert_cmpint (fd, >=, 0);
  g_subprocess_launcher_take_stdout_fd (launcher, fd);
  g_subprocess_launcher_setenv (launcher, "DBUS_SYSTEM_BUS_ADDRESS", self->address, TRUE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_test, NULL, NULL);
  /* As a phone runs it: the D-Bus API only (-u), debug output (-d) for
   * when a test fails. */
  self->supplicant = g_subprocess_launcher_spawn (launcher, &error, "ip", "netns", "exec", self->ns,
                                                  "wpa_supplicant", "-u", "-d", "-t", NULL);
  g_assert_no_error (error);
  while (!supplicant_on_bus (self))
    {
      if (g_subprocess_get_identifier (self->supplicant) == NULL
          || g_get_monotonic_time () > deadline)
        {
          g_autofree char *log = phonesec_dot1x_system_dup_supplicant_log (self);
          g_error ("wpa_supplicant did not come on the bus; its log:\n%s", log);
        }
      g_usleep (5000);
    }
}

void
phonesec_dot1x_system_stop_supplicant (PhonesecDot1xSystem *self, gboolean crash)
{
  if (self->supplicant == NULL)
    return;
  g_subprocess_send_signal (self->supplicant, crash ? SIGKILL : SIGTERM);
  g_subprocess_wait (self->supplicant, NULL, NULL);
  g_clear_object (&self->supplicant);
  for (int i = 0; i < 2000 && supplicant_on_bus (self); i++)
    g_usleep (1000);
}

char *
phonesec_dot1x_system_dup_supplicant_log (PhonesecDot1xSystem *self)
{
  return dup_file (self->supplicant_log);
}

char *
phonesec_dot1x_system_dup_supplicant_cmdline (PhonesecDot1xSystem *self)
{
  g_autofree char *path = NULL;
  char *text = NULL;
  gsize len = 0;

  g_assert_nonnull (self->supplicant);
  path = g_strdup_printf ("/proc/%s/cmdline", g_subprocess_get_identifier (self->supplicant));
  g_assert_true (g_file_get_contents (path, &text, &len, NULL));
  for (gsize i = 0; i < len; i++)
    if (text[i] == '\0')
      text[i] = ' ';
  return text;
}

void
phonesec_dot1x_system_free (PhonesecDot1xSystem *self)
{
  if (self == NULL)
    return;
  phonesec_dot1x_system_stop_supplicant (self, FALSE);
  phonesec_test_bus_free (self->bus);
  g_free (self->supplicant_log);
  g_free (self->ns);
  g_free (self);
}
