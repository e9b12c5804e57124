/* test-prov-rules.c: the rules a resync fetches besides profiles, in a
 * real phonesecd against real peers (prov-test-fixture.h): Custom_CA_Rule
 * (a CA certificate over HTTPS, then a profile server that only that CA
 * vouches for), with syslog messages and bad certificates.
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
  status = g_test_run ();
  phonesec_test_cert_free (extra.custom_leaf);
  phonesec_test_ca_free (extra.custom_ca);
  prov_test_pki_free ();
  return status;
}
