/* prov-test-fixture.c: the provisioning integration tests' fixture: a
 * real phonesecd with the plugin, a test PKI (servers' CA, an untrusted
 * CA, the phone CA and the phone's client certificate), a libsoup HTTP(S)
 * server in the test process, a UDP syslog receiver, and the helpers the
 * tests share (see prov-test-fixture.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "prov-test-fixture.h"

#include <glib/gstdio.h>
#include <string.h>

guint prov_test_timeout_scale = 1;
ProvTestPki prov_pki;

/* --- an HTTPS server in this process --------------------------------------- */

static void
on_request (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
            gpointer user_data)
{
  ProvWebServer *web = user_data;
  GTlsCertificate *peer = soup_server_message_get_tls_peer_certificate (msg);
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Authorization");
  g_autofree char *expected = NULL;
  GBytes *body = g_hash_table_lookup (web->files, path);

  if (auth != NULL)
    web->authorizations++;
  g_ptr_array_add (web->paths, g_strdup (path));
  g_ptr_array_add (web->methods, g_strdup (soup_server_message_get_method (msg)));
  g_ptr_array_add (web->bodies,
                   soup_message_body_flatten (soup_server_message_get_request_body (msg)));
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
  if (g_str_equal (soup_server_message_get_method (msg), "PUT")
      || g_str_equal (soup_server_message_get_method (msg), "POST"))
    {
      soup_server_message_set_status (msg, 200, NULL); /* an upload: kept in bodies */
      return;
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
ProvWebServer *
prov_test_web_new (const PhonesecTestCert *cert)
{
  ProvWebServer *web = g_new0 (ProvWebServer, 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (GSList) uris = NULL;

  web->files
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  web->subjects = g_ptr_array_new_with_free_func (g_free);
  web->paths = g_ptr_array_new_with_free_func (g_free);
  web->methods = g_ptr_array_new_with_free_func (g_free);
  web->bodies = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
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

static char *
digest_password (SoupAuthDomain *domain, SoupServerMessage *msg, const char *username,
                 gpointer user_data)
{
  if (g_strcmp0 (username, "phone") != 0)
    return NULL;
  return soup_auth_domain_digest_encode_password (username, "prov", PASSWORD);
}

void
prov_test_web_require_digest (ProvWebServer *web)
{
  g_autoptr (SoupAuthDomain) domain = soup_auth_domain_digest_new ("realm", "prov", NULL);

  soup_auth_domain_digest_set_auth_callback (domain, digest_password, NULL, NULL);
  soup_auth_domain_add_path (domain, "/");
  soup_server_add_auth_domain (web->server, domain);
}

void
prov_test_web_free (ProvWebServer *web)
{
  soup_server_disconnect (web->server);
  g_object_unref (web->server);
  g_hash_table_unref (web->files);
  g_ptr_array_unref (web->subjects);
  g_ptr_array_unref (web->paths);
  g_ptr_array_unref (web->methods);
  g_ptr_array_unref (web->bodies);
  g_free (web);
}

/* Writes @len bytes of @data into @dir/@name. */
void
prov_test_write_file (const char *dir, const char *name, const void *data, gssize len)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, data, len, NULL));
}

void
prov_test_web_put (ProvWebServer *web, const char *path, GBytes *body)
{
  g_hash_table_insert (web->files, g_strdup (path), g_bytes_ref (body));
}

/* --- fixtures -------------------------------------------------------------- */

void
prov_test_run_or_die (const char *const *argv)
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
  g_autofree char *template = g_build_filename (prov_pki.dir, "client.tmpl", NULL);
  const char *text = "unit = \"CP-8841-3PCC\"\nlocality = \"FCH0000DEV1\"\n"
                     "state = \"" DEV_MA "\"\ncn = \"phone\"\ntls_www_client\nsigning_key\n"
                     "expiration_days = 2\n";

  prov_pki.client_key = g_build_filename (prov_pki.dir, "client.key", NULL);
  prov_pki.client_cert = g_build_filename (prov_pki.dir, "client.crt", NULL);
  g_assert_true (g_file_set_contents (template, text, -1, NULL));
  {
    const char *argv[] = { "certtool",  "--generate-privkey", "--key-type=rsa",
                           "--outfile", prov_pki.client_key,  NULL };
    prov_test_run_or_die (argv);
  }
  {
    const char *argv[] = { "certtool",
                           "--generate-certificate",
                           "--load-privkey",
                           prov_pki.client_key,
                           "--load-ca-certificate",
                           prov_pki.phone_ca->cert->cert_path,
                           "--load-ca-privkey",
                           prov_pki.phone_ca->cert->key_path,
                           "--template",
                           template,
                           "--outfile",
                           prov_pki.client_cert,
                           NULL };
    prov_test_run_or_die (argv);
  }
}

void
prov_test_pki_make (void)
{
  PhonesecTestCertSpec spec = { .cn = "127.0.0.1", .ip_address = "127.0.0.1" };
  g_autofree char *device = NULL;

  phonesec_test_require_gnutls_bin ();
  prov_pki.dir = g_dir_make_tmp ("prov-pki-XXXXXX", NULL);
  prov_pki.ca = phonesec_test_ca_new (prov_pki.dir, "prov-ca");
  prov_pki.server = phonesec_test_ca_issue (prov_pki.ca, "server", &spec);
  prov_pki.other_ca = phonesec_test_ca_new (prov_pki.dir, "other-ca");
  prov_pki.other = phonesec_test_ca_issue (prov_pki.other_ca, "other", &spec);
  prov_pki.phone_ca = phonesec_test_ca_new (prov_pki.dir, "phone-ca");
  make_client_certificate ();
  device = g_strdup_printf ("[Device]\nMAC=00:11:22:33:44:55\nSerial=FCH0000DEV1\n"
                            "ProductName=CP-8841-3PCC\nProductSeries=8800\n"
                            "SoftwareVersion=sip88xx.12-0-1MPP-0001\nHardwareVersion=1.0.0\n"
                            "ClientCertificateFile=%s\nClientKeyFile=%s\n",
                            prov_pki.client_cert, prov_pki.client_key);
  prov_pki.device_file = g_build_filename (prov_pki.dir, "device-info", NULL);
  g_assert_true (g_file_set_contents (prov_pki.device_file, device, -1, NULL));
}

void
prov_test_pki_free (void)
{
  phonesec_test_ca_free (prov_pki.ca);
  phonesec_test_ca_free (prov_pki.other_ca);
  phonesec_test_ca_free (prov_pki.phone_ca);
  phonesec_test_cert_free (prov_pki.server);
  phonesec_test_cert_free (prov_pki.other);
  phonesec_test_rm_rf (prov_pki.dir);
  g_free (prov_pki.dir);
  g_free (prov_pki.client_cert);
  g_free (prov_pki.client_key);
  g_free (prov_pki.device_file);
}

void
prov_test_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr (GSocketAddress) bound = NULL;

  f->bus = phonesec_test_bus_new ();
  phonesec_test_bus_add_plugin (f->bus, "PHONESEC_PROV_PLUGIN_DIR");
  g_ptr_array_add (f->bus->extra_args,
                   g_strdup_printf ("--ca-file=%s", prov_pki.ca->cert->cert_path));
  g_ptr_array_add (f->bus->extra_args, g_strdup_printf ("--device-info=%s", prov_pki.device_file));
  f->syslog
      = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);
  g_assert_no_error (error);
  g_socket_bind (f->syslog, any, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (f->syslog, &error);
  f->syslog_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

void
prov_test_teardown (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->bus, phonesec_test_bus_free);
  g_clear_pointer (&f->web, prov_test_web_free);
  g_clear_object (&f->syslog);
}

/* --- helpers --------------------------------------------------------------- */

void
prov_test_apply (Fixture *f, const char *name, const char *value)
{
  g_autoptr (GError) error = NULL;

  phonesec_test_apply_strings (f->bus, &error, name, value, NULL);
  g_assert_no_error (error);
}

/* Starts phonesecd, applies the NAME, VALUE pairs (with no resync at
 * start unless they say otherwise), and restarts it so that they hold
 * from the start. */
void
prov_test_start_with (Fixture *f, ...)
{
  va_list args;
  const char *name;

  phonesec_test_bus_start_daemon (f->bus);
  prov_test_apply (f, "Resync_Random_Delay", "0");
  prov_test_apply (f, "Resync_On_Reset", "No");
  prov_test_apply (f, "Profile_Rule", "");
  va_start (args, f);
  while ((name = va_arg (args, const char *)) != NULL)
    prov_test_apply (f, name, va_arg (args, const char *));
  va_end (args);
  phonesec_test_bus_stop_daemon (f->bus);
  phonesec_test_bus_start_daemon (f->bus);
}

char *
prov_test_string (Fixture *f, const char *property)
{
  return phonesec_test_dup_string_property (f->bus, PROV_PATH, PROV_IFACE, property);
}

guint64
prov_test_u64 (Fixture *f, const char *property)
{
  g_autoptr (GVariant) v = phonesec_test_get_property (f->bus, PROV_PATH, PROV_IFACE, property);

  return g_variant_get_uint64 (v);
}

static gboolean
resync_over (gpointer data)
{
  Fixture *f = data;
  g_autofree char *state = prov_test_string (f, "State");

  return prov_test_u64 (f, "LastResync") != 0 && g_strcmp0 (state, "resyncing") != 0;
}

/* Waits for the resync under way (or due) to end; its LastResult. */
char *
prov_test_wait_resync (Fixture *f)
{
  g_autofree char *error = NULL;

  g_assert_true (phonesec_test_wait_until (resync_over, f, WAIT_MS));
  error = prov_test_string (f, "LastError");
  g_test_message ("LastError: %s", error);
  if (g_getenv ("PROV_TEST_DEBUG") != NULL)
    {
      g_autofree char *log = phonesec_test_bus_dup_log (f->bus);
      g_test_message ("%s", log);
    }
  return prov_test_string (f, "LastResult");
}

/* Resync() now, and its outcome. */
char *
prov_test_resync (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  guint64 before = prov_test_u64 (f, "LastResync");

  reply = g_dbus_connection_call_sync (f->bus->connection, PHONESEC_DBUS_NAME, PROV_PATH,
                                       PROV_IFACE, "Resync", NULL, NULL, G_DBUS_CALL_FLAGS_NONE,
                                       10000, NULL, &error);
  g_assert_no_error (error);
  /* LastResync has a one-second grain: wait for the state to move. */
  while (before == prov_test_u64 (f, "LastResync"))
    {
      g_autofree char *state = prov_test_string (f, "State");

      if (g_strcmp0 (state, "resyncing") != 0)
        {
          g_usleep (1100000);
          break;
        }
      g_main_context_iteration (NULL, FALSE);
    }
  return prov_test_wait_resync (f);
}

/* The next datagram of the syslog socket (waits up to 5 s). */
char *
prov_test_next_syslog (Fixture *f)
{
  char buf[2048];
  g_autoptr (GError) error = NULL;
  gssize n;

  g_socket_set_timeout (f->syslog, 5 * prov_test_timeout_scale);
  n = g_socket_receive (f->syslog, buf, sizeof buf - 1, NULL, &error);
  g_assert_no_error (error);
  buf[n] = '\0';
  return g_strdup (buf);
}

void
prov_test_assert_log_contains (Fixture *f, const char *needle)
{
  g_autofree char *log = phonesec_test_bus_dup_log (f->bus);

  if (strstr (log, needle) == NULL)
    g_error ("the daemon's log has no '%s':\n%s", needle, log);
}

void
prov_test_assert_nowhere (Fixture *f, const char *secret)
{
  static const char *const props[]
      = { "State", "LastResult", "LastError", "LastServer", "LastUpgradeResult", "LastUpgradeError",
          NULL };
  g_autofree char *log = phonesec_test_bus_dup_log (f->bus);
  g_autofree char *rule = phonesec_test_dup_string (f->bus, "Profile_Rule");

  g_assert_null (strstr (log, secret));
  g_assert_null (strstr (rule, secret));
  for (guint i = 0; props[i] != NULL; i++)
    {
      g_autofree char *value = prov_test_string (f, props[i]);
      g_assert_null (strstr (value, secret));
    }
}
