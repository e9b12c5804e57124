/* test-provisioning.c: the provisioning plugin (org.phonesec.PhoneSec1.
 * Provisioning) in a real phonesecd against real peers: a libsoup HTTPS
 * server in this process that requires the phone's client certificate
 * (issued by a "phone CA" made with certtool), a real in.tftpd (tftpd-hpa)
 * serving gzip and `openssl enc` profiles, and a UDP socket as the syslog
 * receiver. The redundant-server test runs in a private mount namespace
 * whose /etc/hosts gives one name three addresses.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>

#include "phonesec-test-bus.h"
#include "tls-fixture.h"

#define PROV_PATH PHONESEC_DBUS_PLUGINS_PATH "/provisioning"
#define PROV_IFACE PHONESEC_DBUS_INTERFACE_PREFIX "Provisioning"
#define DEV_MA "001122334455"
#define PROFILE(value)                                                                             \
  "<flat-profile><LDAP_Corp_Dir_Name ua=\"ro\">" value "</LDAP_Corp_Dir_Name></flat-profile>"
#define KEY "Pr0file-K3y"
#define PASSWORD "Rule-Pa55word"

static guint timeout_scale = 1;
#define WAIT_MS (15000 * timeout_scale)

static struct
{
  char *dir;
  PhonesecTestCa *ca;       /* issues the servers' certificates */
  PhonesecTestCert *server; /* IP SAN 127.0.0.1 */
  PhonesecTestCa *other_ca; /* never trusted by the phone */
  PhonesecTestCert *other;  /* IP SAN 127.0.0.1, from other_ca */
  PhonesecTestCa *phone_ca; /* issues the phone's client certificate */
  char *client_cert, *client_key;
  char *device_file;
} pki;

/* --- an HTTPS server in this process --------------------------------------- */

typedef struct
{
  SoupServer *server;
  guint16 port;
  GHashTable *files;   /* path → GBytes */
  GPtrArray *subjects; /* the client certificate subject of each request */
  GPtrArray *paths;    /* each request's path */
  gboolean require_auth;
} WebServer;

static void
on_request (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
            gpointer user_data)
{
  WebServer *web = user_data;
  GTlsCertificate *peer = soup_server_message_get_tls_peer_certificate (msg);
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Authorization");
  g_autofree char *expected = NULL;
  GBytes *body = g_hash_table_lookup (web->files, path);

  g_ptr_array_add (web->paths, g_strdup (path));
  g_ptr_array_add (web->subjects,
                   peer != NULL ? g_tls_certificate_get_subject_name (peer) : g_strdup (""));
  if (web->require_auth)
    {
      g_autofree char *pair = g_strdup ("phone:" PASSWORD);
      g_autofree char *b64 = g_base64_encode ((const guchar *) pair, strlen (pair));

      expected = g_strconcat ("Basic ", b64, NULL);
      if (g_strcmp0 (auth, expected) != 0)
        {
          soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                        "WWW-Authenticate", "Basic realm=\"prov\"");
          soup_server_message_set_status (msg, 401, NULL);
          return;
        }
    }
  if (body == NULL)
    {
      soup_server_message_set_status (msg, 404, NULL);
      return;
    }
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/xml", SOUP_MEMORY_COPY,
                                    g_bytes_get_data (body, NULL), g_bytes_get_size (body));
}

/* HTTPS with @cert, or plain HTTP when @cert is NULL. */
static WebServer *
web_server_new (const PhonesecTestCert *cert)
{
  WebServer *web = g_new0 (WebServer, 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (GSList) uris = NULL;

  web->files
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  web->subjects = g_ptr_array_new_with_free_func (g_free);
  web->paths = g_ptr_array_new_with_free_func (g_free);
  if (cert != NULL)
    {
      g_autoptr (GTlsCertificate) tls
          = g_tls_certificate_new_from_files (cert->cert_path, cert->key_path, &error);

      g_assert_no_error (error);
      web->server = soup_server_new ("tls-certificate", tls, NULL);
    }
  else
    web->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (web->server, NULL, on_request, web, NULL);
  soup_server_listen_local (
      web->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY | (cert != NULL ? SOUP_SERVER_LISTEN_HTTPS : 0),
      &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (web->server);
  web->port = g_uri_get_port (uris->data);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
  return web;
}

static void
web_server_free (WebServer *web)
{
  soup_server_disconnect (web->server);
  g_object_unref (web->server);
  g_hash_table_unref (web->files);
  g_ptr_array_unref (web->subjects);
  g_ptr_array_unref (web->paths);
  g_free (web);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WebServer, web_server_free)

/* Writes @len bytes of @data into @dir/@name. */
static void
write_file (const char *dir, const char *name, const void *data, gssize len)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, data, len, NULL));
}

static void
web_put (WebServer *web, const char *path, GBytes *body)
{
  g_hash_table_insert (web->files, g_strdup (path), g_bytes_ref (body));
}

/* --- an HTTPS server that requires the phone's certificate ---------------- */

/* `openssl s_server -WWW` serving @root on 127.0.0.1, requiring a client
 * certificate from the phone CA (-Verify) and logging its subject. (A
 * SoupServer with tls-auth-mode REQUIRED resets every connection once a
 * client certificate arrived here, curl's as well: glib-networking 2.74.) */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static GSubprocess *
start_client_cert_server (const char *root, const char *log, guint16 *port)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GError) error = NULL;
  GSubprocess *server = NULL;

  for (guint attempt = 0; attempt < 5 && server == NULL; attempt++)
    {
      g_autofree char *accept = NULL;

      *port = phonesec_test_pick_free_port ();
      accept = g_strdup_printf ("127.0.0.1:%u", *port);
      launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE
                                            | G_SUBPROCESS_FLAGS_STDERR_MERGE);
      g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
      g_subprocess_launcher_set_cwd (launcher, root);
      g_subprocess_launcher_set_stdout_file_path (launcher, log);
      server = g_subprocess_launcher_spawn (
          launcher, &error, "openssl", "s_server", "-accept", accept, "-cert",
          pki.server->cert_path, "-key", pki.server->key_path, "-CAfile",
          pki.phone_ca->cert->cert_path, "-Verify", "1", "-WWW", NULL);
      g_assert_no_error (error);
      for (guint i = 0; i < 50 && !phonesec_test_port_accepts (*port); i++)
        g_usleep (50000);
      if (!phonesec_test_port_accepts (*port))
        {
          g_subprocess_force_exit (server);
          g_clear_object (&server);
          g_clear_object (&launcher);
        }
    }
  g_assert_nonnull (server);
  return server;
}

/* --- fixtures -------------------------------------------------------------- */

static GBytes *
text_bytes (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

/* `sh -c @command` with @input on stdin; its stdout. */
static GBytes *
run_filter (const char *command, GBytes *input)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) p
      = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error,
                          "sh", "-c", command, NULL);
  g_autoptr (GBytes) out = NULL;

  g_assert_no_error (error);
  g_subprocess_communicate (p, input, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (p));
  return g_steal_pointer (&out);
}

static void
run_or_die (const char *const *argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status,
                &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s%s", argv[0], out, err);
}

/* The phone's client certificate: the guide's OU=<product>, L=<serial>,
 * S=<MAC> subject, signed by the phone CA. */
static void
make_client_certificate (void)
{
  g_autofree char *template = g_build_filename (pki.dir, "client.tmpl", NULL);
  const char *text = "unit = \"CP-8841-3PCC\"\nlocality = \"FCH0000DEV1\"\n"
                     "state = \"" DEV_MA "\"\ncn = \"phone\"\ntls_www_client\nsigning_key\n"
                     "expiration_days = 2\n";

  pki.client_key = g_build_filename (pki.dir, "client.key", NULL);
  pki.client_cert = g_build_filename (pki.dir, "client.crt", NULL);
  g_assert_true (g_file_set_contents (template, text, -1, NULL));
  {
    const char *argv[]
        = { "certtool", "--generate-privkey", "--key-type=rsa", "--outfile", pki.client_key, NULL };
    run_or_die (argv);
  }
  {
    const char *argv[] = { "certtool",
                           "--generate-certificate",
                           "--load-privkey",
                           pki.client_key,
                           "--load-ca-certificate",
                           pki.phone_ca->cert->cert_path,
                           "--load-ca-privkey",
                           pki.phone_ca->cert->key_path,
                           "--template",
                           template,
                           "--outfile",
                           pki.client_cert,
                           NULL };
    run_or_die (argv);
  }
}

static void
pki_make (void)
{
  PhonesecTestCertSpec spec = { .cn = "127.0.0.1", .ip_address = "127.0.0.1" };
  g_autofree char *device = NULL;

  phonesec_test_require_gnutls_bin ();
  pki.dir = g_dir_make_tmp ("prov-pki-XXXXXX", NULL);
  pki.ca = phonesec_test_ca_new (pki.dir, "prov-ca");
  pki.server = phonesec_test_ca_issue (pki.ca, "server", &spec);
  pki.other_ca = phonesec_test_ca_new (pki.dir, "other-ca");
  pki.other = phonesec_test_ca_issue (pki.other_ca, "other", &spec);
  pki.phone_ca = phonesec_test_ca_new (pki.dir, "phone-ca");
  make_client_certificate ();
  device = g_strdup_printf ("[Device]\nMAC=00:11:22:33:44:55\nSerial=FCH0000DEV1\n"
                            "ProductName=CP-8841-3PCC\nProductSeries=8800\n"
                            "SoftwareVersion=sip88xx.12-0-1MPP-0001\nHardwareVersion=1.0.0\n"
                            "ClientCertificateFile=%s\nClientKeyFile=%s\n",
                            pki.client_cert, pki.client_key);
  pki.device_file = g_build_filename (pki.dir, "device-info", NULL);
  g_assert_true (g_file_set_contents (pki.device_file, device, -1, NULL));
}

static void
pki_free (void)
{
  phonesec_test_ca_free (pki.ca);
  phonesec_test_ca_free (pki.other_ca);
  phonesec_test_ca_free (pki.phone_ca);
  phonesec_test_cert_free (pki.server);
  phonesec_test_cert_free (pki.other);
  phonesec_test_rm_rf (pki.dir);
  g_free (pki.dir);
  g_free (pki.client_cert);
  g_free (pki.client_key);
  g_free (pki.device_file);
}

typedef struct
{
  PhonesecTestBus *bus;
  WebServer *web;
  GSocket *syslog; /* UDP on 127.0.0.1 */
  guint16 syslog_port;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr (GSocketAddress) bound = NULL;

  f->bus = phonesec_test_bus_new ();
  phonesec_test_bus_add_plugin (f->bus, "PHONESEC_PROV_PLUGIN_DIR");
  g_ptr_array_add (f->bus->extra_args, g_strdup_printf ("--ca-file=%s", pki.ca->cert->cert_path));
  g_ptr_array_add (f->bus->extra_args, g_strdup_printf ("--device-info=%s", pki.device_file));
  f->syslog
      = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);
  g_assert_no_error (error);
  g_socket_bind (f->syslog, any, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (f->syslog, &error);
  f->syslog_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->bus, phonesec_test_bus_free);
  g_clear_pointer (&f->web, web_server_free);
  g_clear_object (&f->syslog);
}

/* --- helpers --------------------------------------------------------------- */

static void
apply (Fixture *f, const char *name, const char *value)
{
  g_autoptr (GError) error = NULL;

  phonesec_test_apply_strings (f->bus, &error, name, value, NULL);
  g_assert_no_error (error);
}

/* Starts phonesecd, applies the NAME, VALUE pairs (with no resync at
 * start unless they say otherwise), and restarts it so that they hold
 * from the start. */
static void
start_with (Fixture *f, ...)
{
  va_list args;
  const char *name;

  phonesec_test_bus_start_daemon (f->bus);
  apply (f, "Resync_Random_Delay", "0");
  apply (f, "Resync_On_Reset", "No");
  apply (f, "Profile_Rule", "");
  va_start (args, f);
  while ((name = va_arg (args, const char *)) != NULL)
    apply (f, name, va_arg (args, const char *));
  va_end (args);
  phonesec_test_bus_stop_daemon (f->bus);
  phonesec_test_bus_start_daemon (f->bus);
}

static char *
prov_string (Fixture *f, const char *property)
{
  return phonesec_test_dup_string_property (f->bus, PROV_PATH, PROV_IFACE, property);
}

static guint64
prov_u64 (Fixture *f, const char *property)
{
  g_autoptr (GVariant) v = phonesec_test_get_property (f->bus, PROV_PATH, PROV_IFACE, property);

  return g_variant_get_uint64 (v);
}

static gboolean
resync_over (gpointer data)
{
  Fixture *f = data;
  g_autofree char *state = prov_string (f, "State");

  return prov_u64 (f, "LastResync") != 0 && g_strcmp0 (state, "resyncing") != 0;
}

/* Waits for the resync under way (or due) to end; its LastResult. */
static char *
wait_resync (Fixture *f)
{
  g_autofree char *error = NULL;

  g_assert_true (phonesec_test_wait_until (resync_over, f, WAIT_MS));
  error = prov_string (f, "LastError");
  g_test_message ("LastError: %s", error);
  if (g_getenv ("PROV_TEST_DEBUG") != NULL)
    {
      g_autofree char *log = phonesec_test_bus_dup_log (f->bus);
      g_test_message ("%s", log);
    }
  return prov_string (f, "LastResult");
}

/* Resync() now, and its outcome. */
static char *
resync (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  guint64 before = prov_u64 (f, "LastResync");

  reply = g_dbus_connection_call_sync (f->bus->connection, PHONESEC_DBUS_NAME, PROV_PATH,
                                       PROV_IFACE, "Resync", NULL, NULL, G_DBUS_CALL_FLAGS_NONE,
                                       10000, NULL, &error);
  g_assert_no_error (error);
  /* LastResync has a one-second grain: wait for the state to move. */
  while (before == prov_u64 (f, "LastResync"))
    {
      g_autofree char *state = prov_string (f, "State");

      if (g_strcmp0 (state, "resyncing") != 0)
        {
          g_usleep (1100000);
          break;
        }
      g_main_context_iteration (NULL, FALSE);
    }
  return wait_resync (f);
}

/* The next datagram of the syslog socket (waits up to 5 s). */
static char *
next_syslog (Fixture *f)
{
  char buf[2048];
  g_autoptr (GError) error = NULL;
  gssize n;

  g_socket_set_timeout (f->syslog, 5 * timeout_scale);
  n = g_socket_receive (f->syslog, buf, sizeof buf - 1, NULL, &error);
  g_assert_no_error (error);
  buf[n] = '\0';
  return g_strdup (buf);
}

static void
assert_log_contains (Fixture *f, const char *needle)
{
  g_autofree char *log = phonesec_test_bus_dup_log (f->bus);

  if (strstr (log, needle) == NULL)
    g_error ("the daemon's log has no '%s':\n%s", needle, log);
}

static void
assert_nowhere (Fixture *f, const char *secret)
{
  static const char *const props[] = { "State", "LastResult", "LastError", "LastServer", NULL };
  g_autofree char *log = phonesec_test_bus_dup_log (f->bus);
  g_autofree char *rule = phonesec_test_dup_string (f->bus, "Profile_Rule");

  g_assert_null (strstr (log, secret));
  g_assert_null (strstr (rule, secret));
  for (guint i = 0; props[i] != NULL; i++)
    {
      g_autofree char *value = prov_string (f, props[i]);
      g_assert_null (strstr (value, secret));
    }
}

/* --- tests ----------------------------------------------------------------- */

/* At start (Resync_On_Reset), over HTTPS with the phone's certificate. */
static void
test_https_client_certificate (Fixture *f, gconstpointer data)
{
  g_autofree char *root = g_build_filename (f->bus->tmpdir, "www", NULL);
  g_autofree char *log = g_build_filename (f->bus->tmpdir, "s_server.log", NULL);
  g_autofree char *file = g_build_filename (root, DEV_MA ".xml", NULL);
  g_autofree char *rule = NULL, *result = NULL, *server = NULL, *name = NULL, *expected = NULL;
  g_autofree char *seen = NULL;
  g_autoptr (GSubprocess) s_server = NULL;
  guint16 port;

  g_mkdir (root, 0755);
  g_assert_true (g_file_set_contents (file, PROFILE ("From HTTPS"), -1, NULL));
  s_server = start_client_cert_server (root, log, &port);
  rule = g_strdup_printf ("https://127.0.0.1:%u/$MA.xml", port);
  start_with (f, "Profile_Rule", rule, "Resync_On_Reset", "Yes", NULL);
  result = wait_resync (f);
  g_assert_cmpstr (result, ==, "success");
  name = phonesec_test_dup_string (f->bus, "LDAP_Corp_Dir_Name");
  g_assert_cmpstr (name, ==, "From HTTPS");
  assert_log_contains (f, "(provisioning, admin): LDAP_Corp_Dir_Name");
  server = prov_string (f, "LastServer");
  expected = g_strdup_printf ("https://127.0.0.1:%u", port);
  g_assert_cmpstr (server, ==, expected);
  /* The server saw the guide's subject. */
  g_assert_true (g_file_get_contents (log, &seen, NULL, NULL));
  g_test_message ("s_server: %s", seen);
  g_assert_nonnull (strstr (seen, "depth=0 ST = " DEV_MA ", L = FCH0000DEV1, OU = CP-8841-3PCC"));
  /* Resync_Periodic (3600 by default) plans the next one. */
  g_assert_cmpuint (prov_u64 (f, "NextResync"), >, g_get_real_time () / G_USEC_PER_SEC + 3500);
  g_subprocess_force_exit (s_server);
}

/* A server whose certificate the phone's trust store does not know. */
static void
test_https_untrusted_server (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) profile = text_bytes (PROFILE ("Untrusted"));
  g_autofree char *rule = NULL, *result = NULL, *error = NULL, *name = NULL, *state = NULL;

  f->web = web_server_new (pki.other);
  web_put (f->web, "/p.xml", profile);
  rule = g_strdup_printf ("https://127.0.0.1:%u/p.xml", f->web->port);
  start_with (f, "Profile_Rule", rule, "Resync_Error_Retry_Delay", "600", NULL);
  result = resync (f);
  g_assert_cmpstr (result, ==, "failed");
  error = prov_string (f, "LastError");
  g_test_message ("LastError: %s", error);
  g_assert_true (g_str_has_prefix (error, "Profile_Rule: "));
  name = phonesec_test_dup_string (f->bus, "LDAP_Corp_Dir_Name");
  g_assert_cmpstr (name, ==, "");
  state = prov_string (f, "State");
  g_assert_cmpstr (state, ==, "failed");
  g_assert_cmpuint (f->web->paths->len, ==, 0);
  /* Resync_Error_Retry_Delay plans the retry. */
  g_assert_cmpuint (prov_u64 (f, "NextResync"), <=, g_get_real_time () / G_USEC_PER_SEC + 600);
  g_assert_cmpuint (prov_u64 (f, "NextResync"), >, g_get_real_time () / G_USEC_PER_SEC + 500);
}

/* Without the client certificate the server refuses the phone. */
static void
test_https_needs_client_certificate (Fixture *f, gconstpointer data)
{
  g_autofree char *root = g_build_filename (f->bus->tmpdir, "www", NULL);
  g_autofree char *log = g_build_filename (f->bus->tmpdir, "s_server.log", NULL);
  g_autofree char *file = g_build_filename (root, "p.xml", NULL);
  g_autofree char *rule = NULL, *result = NULL, *name = NULL;
  g_autoptr (GSubprocess) s_server = NULL;
  guint16 port;

  g_mkdir (root, 0755);
  g_assert_true (g_file_set_contents (file, PROFILE ("No client cert"), -1, NULL));
  s_server = start_client_cert_server (root, log, &port);
  g_ptr_array_remove_index (f->bus->extra_args, f->bus->extra_args->len - 1); /* device */
  rule = g_strdup_printf ("https://127.0.0.1:%u/p.xml", port);
  start_with (f, "Profile_Rule", rule, NULL);
  result = resync (f);
  g_assert_cmpstr (result, ==, "failed");
  name = phonesec_test_dup_string (f->bus, "LDAP_Corp_Dir_Name");
  g_assert_cmpstr (name, ==, "");
  g_subprocess_force_exit (s_server);
}

/* --uid/--pwd answer the server's challenge; they are shown nowhere. */
static void
test_http_uid_pwd (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) profile = text_bytes (PROFILE ("With password"));
  g_autofree char *rule = NULL, *result = NULL, *name = NULL;

  f->web = web_server_new (NULL);
  f->web->require_auth = TRUE;
  web_put (f->web, "/p.xml", profile);
  rule = g_strdup_printf ("[--uid phone --pwd " PASSWORD "] http://127.0.0.1:%u/p.xml",
                          f->web->port);
  start_with (f, "Profile_Rule", rule, NULL);
  result = resync (f);
  g_assert_cmpstr (result, ==, "success");
  name = phonesec_test_dup_string (f->bus, "LDAP_Corp_Dir_Name");
  g_assert_cmpstr (name, ==, "With password");
  assert_nowhere (f, PASSWORD);
  /* Profile_Authentication_Type=Disabled: no answer, so a failure. */
  apply (f, "Profile_Authentication_Type", "Disabled");
  g_free (result);
  result = resync (f);
  g_assert_cmpstr (result, ==, "failed");
}

/* tftp: an `openssl enc` + gzip profile with --key from GPP_A, then
 * Profile_Rule_B (applied after, so it wins), via a real in.tftpd. */
static void
test_tftp_encrypted_gzip (Fixture *f, gconstpointer data)
{
  g_autofree char *root = g_build_filename (f->bus->tmpdir, "tftp", NULL);
  g_autoptr (GBytes) plain_a = text_bytes (PROFILE ("Rule A"));
  g_autoptr (GBytes) plain_b = text_bytes (PROFILE ("Rule B"));
  g_autoptr (GBytes) enc
      = run_filter ("gzip -c | openssl enc -e -aes-256-cbc -pass 'pass:" KEY "'", plain_a);
  g_autoptr (GBytes) gz = run_filter ("gzip -c", plain_b);
  g_autofree char *port = NULL, *rule_a = NULL, *rule_b = NULL, *result = NULL, *name = NULL;
  g_autofree char *server = NULL, *expected = NULL;
  g_autoptr (GSubprocess) tftpd = NULL;
  g_autoptr (GError) error = NULL;
  guint16 p = phonesec_test_pick_free_port ();

  g_mkdir (root, 0755);
  write_file (root, "a.cfg", g_bytes_get_data (enc, NULL), g_bytes_get_size (enc));
  write_file (root, "b.xml.gz", g_bytes_get_data (gz, NULL), g_bytes_get_size (gz));
  port = g_strdup_printf ("127.0.0.1:%u", p);
  tftpd = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "in.tftpd", "-L", "-s", "-a", port,
                            root, NULL);
  g_assert_no_error (error);
  rule_a = g_strdup_printf ("[--key $A]tftp://127.0.0.1:%u/a.cfg", p);
  rule_b = g_strdup_printf ("tftp://127.0.0.1:%u/b.xml.gz", p);
  start_with (f, "Profile_Rule", rule_a, "Profile_Rule_B", rule_b, "GPP_A", KEY, NULL);
  result = resync (f);
  g_assert_cmpstr (result, ==, "success");
  name = phonesec_test_dup_string (f->bus, "LDAP_Corp_Dir_Name");
  g_assert_cmpstr (name, ==, "Rule B");
  server = prov_string (f, "LastServer");
  expected = g_strdup_printf ("tftp://127.0.0.1:%u", p);
  g_assert_cmpstr (server, ==, expected);
  assert_log_contains (f, "Profile_Rule applied");
  assert_nowhere (f, KEY);
  /* Without Profile_Rule_B, rule A's own profile. */
  apply (f, "Profile_Rule_B", "");
  g_free (result);
  result = resync (f);
  g_assert_cmpstr (result, ==, "success");
  g_free (name);
  name = phonesec_test_dup_string (f->bus, "LDAP_Corp_Dir_Name");
  g_assert_cmpstr (name, ==, "Rule A");
  g_subprocess_force_exit (tftpd);
}

/* Hostile profiles change nothing and say why. */
static void
test_bad_profiles (Fixture *f, gconstpointer data)
{
  static const struct
  {
    const char *path, *rule_options, *error;
  } cases[] = {
    { "/truncated.xml.gz", "", "damaged" },  { "/wrong-key.cfg", "[--key nope] ", "wrong key" },
    { "/broken.xml", "", "Profile_Rule: " }, { "/huge.xml", "", "larger than" },
    { "/latin1-bad.xml", "", "UTF-16" },     { "/missing.xml", "", "404" },
  };
  g_autoptr (GBytes) good = text_bytes (PROFILE ("Untouched"));
  g_autoptr (GBytes) gz = run_filter ("gzip -c", good);
  g_autoptr (GBytes) enc = run_filter ("openssl enc -e -aes-256-cbc -pass pass:right", good);
  g_autoptr (GBytes) truncated = NULL;
  g_autoptr (GBytes) broken = text_bytes ("<flat-profile><LDAP_Corp_Dir_Name>x</flat-profile>");
  g_autoptr (GBytes) other = text_bytes ("<?xml version=\"1.0\" encoding=\"UTF-16\"?><x/>");
  g_autofree char *huge_text = g_strnfill (5 * 1024 * 1024, ' ');
  g_autoptr (GBytes) huge = text_bytes (huge_text);
  guint64 generation;

  f->web = web_server_new (NULL);
  truncated = g_bytes_new_from_bytes (gz, 0, g_bytes_get_size (gz) / 2);
  web_put (f->web, "/truncated.xml.gz", truncated);
  web_put (f->web, "/wrong-key.cfg", enc);
  web_put (f->web, "/broken.xml", broken);
  web_put (f->web, "/huge.xml", huge);
  web_put (f->web, "/latin1-bad.xml", other);
  web_put (f->web, "/good.xml", good);
  start_with (f, NULL);
  generation = phonesec_test_get_generation (f->bus);
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *rule = g_strdup_printf ("%shttp://127.0.0.1:%u%s", cases[i].rule_options,
                                               f->web->port, cases[i].path);
      g_autofree char *result = NULL, *error = NULL;

      apply (f, "Profile_Rule", rule);
      generation = phonesec_test_get_generation (f->bus);
      result = resync (f);
      error = prov_string (f, "LastError");
      g_test_message ("%s: %s", cases[i].path, error);
      g_assert_cmpstr (result, ==, "failed");
      g_assert_nonnull (strstr (error, cases[i].error));
      g_assert_cmpuint (phonesec_test_get_generation (f->bus), ==, generation);
    }
}

/* Resync_Fails_On_FNF=No: a missing profile is no failure. */
static void
test_file_not_found (Fixture *f, gconstpointer data)
{
  g_autofree char *rule = NULL, *result = NULL;

  f->web = web_server_new (NULL);
  rule = g_strdup_printf ("http://127.0.0.1:%u/none.xml", f->web->port);
  start_with (f, "Profile_Rule", rule, "Resync_Fails_On_FNF", "No", NULL);
  result = resync (f);
  g_assert_cmpstr (result, ==, "success");
}

/* Log_Request_Msg and Log_Success_Msg (macros expanded) at a success,
 * Log_Failure_Msg with $ERR when no server answers. */
static void
test_syslog (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) profile = text_bytes (PROFILE ("Logged"));
  g_autofree char *rule = NULL, *syslog = NULL, *result = NULL, *m1 = NULL, *m2 = NULL;
  g_autofree char *m3 = NULL, *m4 = NULL, *expected = NULL, *down = NULL;
  guint16 closed = phonesec_test_pick_free_port ();

  f->web = web_server_new (NULL);
  web_put (f->web, "/p.xml", profile);
  rule = g_strdup_printf ("http://localhost:%u/p.xml", f->web->port);
  syslog = g_strdup_printf ("127.0.0.1:%u", f->syslog_port);
  start_with (f, "Profile_Rule", rule, "Syslog_Server", syslog, NULL);
  result = resync (f);
  g_assert_cmpstr (result, ==, "success");
  m1 = next_syslog (f);
  m2 = next_syslog (f);
  g_test_message ("%s\n%s", m1, m2);
  g_assert_true (g_str_has_prefix (m1, "<133>"));
  expected = g_strdup_printf ("CP-8841-3PCC 00:11:22:33:44:55 -- Requesting resync "
                              "http://localhost:%u/p.xml",
                              f->web->port);
  g_assert_nonnull (strstr (m1, expected));
  g_free (expected);
  expected = g_strdup_printf ("-- Successful resync http://127.0.0.1:%u/p.xml", f->web->port);
  g_assert_nonnull (strstr (m2, expected));
  g_assert_nonnull (strstr (m2, " SEP001122334455 "));
  /* Nobody at that port. */
  down = g_strdup_printf ("http://127.0.0.1:%u/p.xml", closed);
  apply (f, "Profile_Rule", down);
  g_free (result);
  result = resync (f);
  g_assert_cmpstr (result, ==, "failed");
  m3 = next_syslog (f);
  m4 = next_syslog (f);
  g_test_message ("%s\n%s", m3, m4);
  g_assert_nonnull (strstr (m3, "Requesting resync"));
  g_assert_nonnull (strstr (m4, "-- Resync failed: "));
  g_free (expected);
  expected = g_strdup_printf ("127.0.0.1:%u", closed);
  g_assert_nonnull (strstr (m4, expected));
}

/* Restricted_Access_Domains refuses a server outside the list. */
static void
test_restricted_domains (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) profile = text_bytes (PROFILE ("Outside"));
  g_autofree char *rule = NULL, *result = NULL, *error = NULL;

  f->web = web_server_new (NULL);
  web_put (f->web, "/p.xml", profile);
  rule = g_strdup_printf ("http://127.0.0.1:%u/p.xml", f->web->port);
  start_with (f, "Profile_Rule", rule, "Restricted_Access_Domains", "prov.example.com", NULL);
  result = resync (f);
  g_assert_cmpstr (result, ==, "failed");
  error = prov_string (f, "LastError");
  g_assert_nonnull (strstr (error, "Profile_Rule: the server '127.0.0.1' is outside "
                                   "Restricted_Access_Domains (prov.example.com)"));
  g_assert_cmpuint (f->web->paths->len, ==, 0);
}

/* A relative rule goes to the server the DHCP options give, in the order
 * of DHCP_Option_To_Use. */
static void
test_dhcp_options (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) a = text_bytes (PROFILE ("Option 159"));
  g_autoptr (GBytes) b = text_bytes (PROFILE ("Option 160"));
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autofree char *o159 = NULL, *o160 = NULL, *result = NULL, *name = NULL;
  GVariantBuilder options, facts;

  f->web = web_server_new (NULL);
  web_put (f->web, "/a/8800.xml", a);
  web_put (f->web, "/b/8800.xml", b);
  start_with (f, "Profile_Rule", "/$PSN.xml", "DHCP_Option_To_Use", "159,160", NULL);
  o159 = g_strdup_printf ("http://127.0.0.1:%u/a", f->web->port);
  o160 = g_strdup_printf ("http://127.0.0.1:%u/b/", f->web->port);
  g_variant_builder_init (&options, G_VARIANT_TYPE ("a{us}"));
  g_variant_builder_add (&options, "{us}", 160, o160);
  g_variant_builder_add (&options, "{us}", 159, o159);
  g_variant_builder_init (&facts, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&facts, "{sv}", "dhcp-options", g_variant_builder_end (&options));
  reply = phonesec_test_call (f->bus, PHONESEC_DBUS_INTERFACE_NETWORK, "Update",
                              g_variant_new ("(a{sv})", &facts), &error);
  g_assert_no_error (error);
  result = resync (f);
  g_assert_cmpstr (result, ==, "success");
  name = phonesec_test_dup_string (f->bus, "LDAP_Corp_Dir_Name");
  g_assert_cmpstr (name, ==, "Option 159");
  apply (f, "DHCP_Option_To_Use", "160,159");
  g_free (result);
  result = resync (f);
  g_assert_cmpstr (result, ==, "success");
  g_free (name);
  name = phonesec_test_dup_string (f->bus, "LDAP_Corp_Dir_Name");
  g_assert_cmpstr (name, ==, "Option 160");
}

/* A conditional rule from a real cfg.xml picks its alternative by $SWVER. */
static void
test_conditional_rule (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) old = text_bytes (PROFILE ("Old firmware"));
  g_autoptr (GBytes) recent = text_bytes (PROFILE ("Recent firmware"));
  g_autofree char *rule = NULL, *result = NULL, *name = NULL;

  f->web = web_server_new (NULL);
  web_put (f->web, "/old.xml", old);
  web_put (f->web, "/new.xml", recent);
  /* The development identity runs sip88xx.12-0-1MPP-0001. */
  rule = g_strdup_printf ("( $SWVER lt sip88xx.11-9 )? http://127.0.0.1:%u/old.xml | "
                          "http://127.0.0.1:%u/new.xml",
                          f->web->port, f->web->port);
  start_with (f, "Profile_Rule", rule, NULL);
  result = resync (f);
  g_assert_cmpstr (result, ==, "success");
  name = phonesec_test_dup_string (f->bus, "LDAP_Corp_Dir_Name");
  g_assert_cmpstr (name, ==, "Recent firmware");
}

/* gds:// is accepted in the rule and reported as not supported. */
static void
test_gds (Fixture *f, gconstpointer data)
{
  g_autofree char *result = NULL, *error = NULL;

  start_with (f, "Profile_Rule", "gds://", NULL);
  result = resync (f);
  g_assert_cmpstr (result, ==, "failed");
  error = prov_string (f, "LastError");
  g_assert_nonnull (strstr (error, "gds://"));
  g_assert_nonnull (strstr (error, "not supported"));
}

/* Provision_Enable=No: no resync, and Resync() says why. */
static void
test_disabled (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autofree char *name = NULL;

  start_with (f, "Provision_Enable", "No", "Resync_On_Reset", "Yes", NULL);
  reply = g_dbus_connection_call_sync (f->bus->connection, PHONESEC_DBUS_NAME, PROV_PATH,
                                       PROV_IFACE, "Resync", NULL, NULL, G_DBUS_CALL_FLAGS_NONE,
                                       10000, NULL, &error);

  g_assert_nonnull (error);
  name = g_dbus_error_get_remote_error (error);
  g_assert_cmpstr (name, ==, PHONESEC_DBUS_ERROR_PREFIX "NotSupported");
  g_assert_cmpuint (prov_u64 (f, "LastResync"), ==, 0);
  g_assert_cmpuint (prov_u64 (f, "NextResync"), ==, 0);
}

/* One name, three addresses (a private /etc/hosts): the first two do not
 * answer, the third does; LastServer says which. When none answers, the
 * resync fails and syslog says so. */
static void
test_redundant_servers (Fixture *f, gconstpointer data)
{
  g_autoptr (GBytes) profile = text_bytes (PROFILE ("Third address"));
  g_autofree char *hosts = g_build_filename (f->bus->tmpdir, "hosts", NULL);
  g_autofree char *rule = NULL, *result = NULL, *server = NULL, *expected = NULL;
  g_autofree char *syslog = NULL, *m1 = NULL, *m2 = NULL, *root = NULL, *tftp_rule = NULL;
  g_autofree char *listen = NULL;
  g_autoptr (GSubprocess) tftpd = NULL;
  g_autoptr (GError) error = NULL;
  guint16 tftp_port;

  g_assert_true (g_file_set_contents (hosts,
                                      "127.0.0.1 localhost\n127.0.0.2 prov.test\n"
                                      "127.0.0.3 prov.test\n127.0.0.1 prov.test\n",
                                      -1, NULL));
  if (unshare (CLONE_NEWNS) != 0 || mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0
      || mount (hosts, "/etc/hosts", NULL, MS_BIND, NULL) != 0)
    g_error ("a private /etc/hosts needs root (unshare, mount): %s", g_strerror (errno));
  f->web = web_server_new (NULL);
  web_put (f->web, "/p.xml", profile);
  rule = g_strdup_printf ("http://prov.test:%u/p.xml", f->web->port);
  syslog = g_strdup_printf ("127.0.0.1:%u", f->syslog_port);
  start_with (f, "Profile_Rule", rule, "Syslog_Server", syslog, NULL);
  result = resync (f);
  g_assert_cmpstr (result, ==, "success");
  server = prov_string (f, "LastServer");
  expected = g_strdup_printf ("http://127.0.0.1:%u", f->web->port);
  g_assert_cmpstr (server, ==, expected);
  g_free (next_syslog (f));
  g_free (next_syslog (f));
  /* tftp: the same (silent addresses time out), then none answering. */
  root = g_build_filename (f->bus->tmpdir, "tftp", NULL);
  g_mkdir (root, 0755);
  write_file (root, "p.xml", PROFILE ("Third tftp address"), -1);
  tftp_port = phonesec_test_pick_free_port ();
  listen = g_strdup_printf ("127.0.0.1:%u", tftp_port);
  tftpd = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "in.tftpd", "-L", "-s", "-a", listen,
                            root, NULL);
  g_assert_no_error (error);
  tftp_rule = g_strdup_printf ("tftp://prov.test:%u/p.xml", tftp_port);
  apply (f, "Profile_Rule", tftp_rule);
  g_free (result);
  result = resync (f);
  g_assert_cmpstr (result, ==, "success");
  g_free (server);
  server = prov_string (f, "LastServer");
  g_free (expected);
  expected = g_strdup_printf ("tftp://127.0.0.1:%u", tftp_port);
  g_assert_cmpstr (server, ==, expected);
  g_free (next_syslog (f));
  g_free (next_syslog (f));
  g_subprocess_force_exit (tftpd);
  g_subprocess_wait (tftpd, NULL, NULL);
  g_free (result);
  result = resync (f);
  g_assert_cmpstr (result, ==, "failed");
  m1 = next_syslog (f);
  m2 = next_syslog (f);
  g_test_message ("%s\n%s", m1, m2);
  g_assert_nonnull (strstr (m2, "Resync failed: no address of tftp server prov.test answered"));
  umount ("/etc/hosts");
}

#define ADD(path, func) g_test_add (path, Fixture, NULL, setup, func, teardown)

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("PHONESEC_DAEMON_WRAPPER") != NULL && g_getenv ("PHONESEC_DAEMON_WRAPPER")[0])
    timeout_scale = 6;
  g_setenv ("PHONESEC_PROV_TFTP_TIMEOUT_MS", "600", TRUE);
  pki_make ();
  ADD ("/provisioning/https-client-certificate", test_https_client_certificate);
  ADD ("/provisioning/https-untrusted-server", test_https_untrusted_server);
  ADD ("/provisioning/https-needs-client-certificate", test_https_needs_client_certificate);
  ADD ("/provisioning/http-uid-pwd", test_http_uid_pwd);
  ADD ("/provisioning/tftp-encrypted-gzip", test_tftp_encrypted_gzip);
  ADD ("/provisioning/bad-profiles", test_bad_profiles);
  ADD ("/provisioning/file-not-found", test_file_not_found);
  ADD ("/provisioning/syslog", test_syslog);
  ADD ("/provisioning/restricted-domains", test_restricted_domains);
  ADD ("/provisioning/dhcp-options", test_dhcp_options);
  ADD ("/provisioning/conditional-rule", test_conditional_rule);
  ADD ("/provisioning/gds", test_gds);
  ADD ("/provisioning/disabled", test_disabled);
  ADD ("/provisioning/redundant-servers", test_redundant_servers);
  status = g_test_run ();
  pki_free ();
  return status;
}
