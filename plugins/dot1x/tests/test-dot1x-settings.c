/* test-dot1x-settings.c: from the phone's configuration to a wpa_supplicant
 * network: which method, what each needs, the TLS policy, FIPS.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "phonesec-dot1x-settings.h"

#define PASSWORD "Fast-Pass-93b1"

typedef struct
{
  PhonesecDot1xInput in;
  PhonesecSecret *password;
} Fixture;

/* A phone with a certificate, a FAST account and the default policy. */
static void
setup (Fixture *f, gconstpointer data)
{
  f->password = phonesec_secret_new (PASSWORD, -1);
  f->in = (PhonesecDot1xInput){
    .method = "Auto",
    .identity = "",
    .password = f->password,
    .min_version = "TLS 1.1",
    .fips = FALSE,
    .openssl_ciphers = "ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA",
    .ca_file = "/var/lib/phonesec/trust/bundle.pem",
    .interface = "eth0",
    .has_certificate = TRUE,
    .certificate_file = "/etc/phone/cert.pem",
    .key_file = "/etc/phone/key.pem",
    .certificate_cn = "CP-8841-SEP001122334455",
  };
}

static void
teardown (Fixture *f, gconstpointer data)
{
  phonesec_secret_unref (f->password);
}

static void
no_certificate (Fixture *f, const char *why)
{
  f->in.has_certificate = FALSE;
  f->in.certificate_file = NULL;
  f->in.key_file = NULL;
  f->in.certificate_cn = NULL;
  f->in.certificate_error = why;
}

/* The a{sv} value of @key as text, or NULL. */
static char *
network_value (PhonesecDot1xSettings *settings, const char *key)
{
  g_autoptr (GVariant) network = g_variant_ref_sink (phonesec_dot1x_settings_to_network (settings));
  g_autoptr (GVariant) value = g_variant_lookup_value (network, key, NULL);

  if (value == NULL)
    return NULL;
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return g_variant_dup_string (value, NULL);
  return g_variant_print (value, FALSE); /* numbers: "0" */
}

static PhonesecDot1xSettings *
settings_ok (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  PhonesecDot1xSettings *settings = phonesec_dot1x_settings_new (&f->in, &error);

  g_assert_no_error (error);
  g_assert_nonnull (settings);
  return settings;
}

static char *
settings_error (Fixture *f, gint code)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecDot1xSettings) settings = phonesec_dot1x_settings_new (&f->in, &error);

  g_assert_null (settings);
  g_assert_error (error, PHONESEC_ERROR, code);
  g_test_message ("%s", error->message);
  /* Never the secret nor the account. */
  g_assert_null (strstr (error->message, PASSWORD));
  if (f->in.identity != NULL && f->in.identity[0] != '\0')
    g_assert_null (strstr (error->message, f->in.identity));
  return g_strdup (error->message);
}

static void
test_auto_uses_the_certificate (Fixture *f, gconstpointer data)
{
  g_autoptr (PhonesecDot1xSettings) s = settings_ok (f);
  g_autofree char *eap = network_value (s, "eap");
  g_autofree char *identity = network_value (s, "identity");
  g_autofree char *cert = network_value (s, "client_cert");
  g_autofree char *key = network_value (s, "private_key");
  g_autofree char *password = network_value (s, "password");
  g_autofree char *ca = network_value (s, "ca_cert");
  g_autofree char *key_mgmt = network_value (s, "key_mgmt");
  g_autofree char *eapol_flags = network_value (s, "eapol_flags");

  g_assert_cmpint (s->eap, ==, PHONESEC_DOT1X_EAP_TLS);
  g_assert_cmpstr (eap, ==, "TLS");
  g_assert_cmpstr (key_mgmt, ==, "IEEE8021X");
  g_assert_cmpstr (eapol_flags, ==, "0");
  /* The certificate's name is the identity unless Dot1x_Identity says. */
  g_assert_cmpstr (identity, ==, "CP-8841-SEP001122334455");
  g_assert_cmpstr (cert, ==, "/etc/phone/cert.pem");
  g_assert_cmpstr (key, ==, "/etc/phone/key.pem");
  g_assert_cmpstr (ca, ==, "/var/lib/phonesec/trust/bundle.pem");
  g_assert_null (password);
}

static void
test_auto_without_certificate_uses_fast (Fixture *f, gconstpointer data)
{
  g_autoptr (PhonesecDot1xSettings) s = NULL;
  g_autofree char *eap = NULL, *phase1 = NULL, *phase2 = NULL, *pac = NULL, *password = NULL;
  g_autofree char *identity = NULL, *cert = NULL;

  no_certificate (f, NULL);
  f->in.identity = "phone-4411";
  s = settings_ok (f);
  eap = network_value (s, "eap");
  phase1 = network_value (s, "phase1");
  phase2 = network_value (s, "phase2");
  pac = network_value (s, "pac_file");
  password = network_value (s, "password");
  identity = network_value (s, "identity");
  cert = network_value (s, "client_cert");
  g_assert_cmpint (s->eap, ==, PHONESEC_DOT1X_EAP_FAST);
  g_assert_cmpstr (eap, ==, "FAST");
  g_assert_cmpstr (phase2, ==, "auth=MSCHAPV2");
  /* Authenticated provisioning only: the PAC comes from a verified server. */
  g_assert_nonnull (strstr (phase1, "fast_provisioning=2"));
  g_assert_cmpstr (pac, ==, "blob://" PHONESEC_DOT1X_PAC_BLOB);
  g_assert_cmpstr (password, ==, PASSWORD);
  g_assert_cmpstr (identity, ==, "phone-4411");
  g_assert_null (cert);
}

static void
test_explicit_method_wins (Fixture *f, gconstpointer data)
{
  g_autoptr (PhonesecDot1xSettings) fast = NULL;
  g_autofree char *why = NULL;

  f->in.method = "EAP-FAST";
  f->in.identity = "phone-4411";
  fast = settings_ok (f);
  g_assert_cmpint (fast->eap, ==, PHONESEC_DOT1X_EAP_FAST);

  f->in.method = "EAP-TLS";
  no_certificate (f, "ClientCertificateFile /etc/phone/cert.pem cannot be read: No such file");
  g_assert_cmpint (phonesec_dot1x_choose_eap (&f->in), ==, PHONESEC_DOT1X_EAP_TLS);
  why = settings_error (f, PHONESEC_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (why, "EAP-TLS"));
  /* Says why the device identity's pair is not usable. */
  g_assert_nonnull (strstr (why, "cannot be read"));
}

static void
test_fast_needs_its_account (Fixture *f, gconstpointer data)
{
  g_autoptr (PhonesecSecret) empty = phonesec_secret_new ("", -1);
  g_autofree char *no_identity = NULL, *no_password = NULL, *null_password = NULL;

  f->in.method = "EAP-FAST";
  no_identity = settings_error (f, PHONESEC_ERROR_INVALID_VALUE);
  g_assert_nonnull (strstr (no_identity, "Dot1x_Identity"));

  f->in.identity = "phone-4411";
  f->in.password = empty;
  no_password = settings_error (f, PHONESEC_ERROR_INVALID_VALUE);
  g_assert_nonnull (strstr (no_password, "Dot1x_Password"));
  f->in.password = NULL;
  null_password = settings_error (f, PHONESEC_ERROR_INVALID_VALUE);
  g_assert_cmpstr (null_password, ==, no_password);
}

static void
test_dot1x_identity_replaces_the_cn (Fixture *f, gconstpointer data)
{
  g_autoptr (PhonesecDot1xSettings) s = NULL;
  g_autofree char *identity = NULL, *why = NULL;

  f->in.identity = "host/phone-4411.example.com";
  s = settings_ok (f);
  identity = network_value (s, "identity");
  g_assert_cmpstr (identity, ==, "host/phone-4411.example.com");

  /* Neither an identity nor a common name: say what to set. */
  f->in.identity = "";
  f->in.certificate_cn = NULL;
  why = settings_error (f, PHONESEC_ERROR_INVALID_VALUE);
  g_assert_nonnull (strstr (why, "Dot1x_Identity"));
}

/* TLS_Min_Version: every version below it is switched off, each said
 * explicitly (wpa_supplicant's defaults differ between builds); TLS 1.3
 * only when it is the minimum. */
static const struct
{
  const char *min_version;
  const char *phase1_tls;
  const char *phase1_fast;
} versions[] = {
  { "TLS 1.0",
    "tls_disable_tlsv1_0=0 tls_disable_tlsv1_1=0 tls_disable_tlsv1_2=0 tls_disable_tlsv1_3=1",
    "tls_disable_tlsv1_0=0 tls_disable_tlsv1_1=0 tls_disable_tlsv1_2=0 tls_disable_tlsv1_3=1 "
    "fast_provisioning=2" },
  { "TLS 1.1",
    "tls_disable_tlsv1_0=1 tls_disable_tlsv1_1=0 tls_disable_tlsv1_2=0 tls_disable_tlsv1_3=1",
    "tls_disable_tlsv1_0=1 tls_disable_tlsv1_1=0 tls_disable_tlsv1_2=0 tls_disable_tlsv1_3=1 "
    "fast_provisioning=2" },
  { "TLS 1.2",
    "tls_disable_tlsv1_0=1 tls_disable_tlsv1_1=1 tls_disable_tlsv1_2=0 tls_disable_tlsv1_3=1",
    "tls_disable_tlsv1_0=1 tls_disable_tlsv1_1=1 tls_disable_tlsv1_2=0 tls_disable_tlsv1_3=1 "
    "fast_provisioning=2" },
  { "TLS 1.3",
    "tls_disable_tlsv1_0=1 tls_disable_tlsv1_1=1 tls_disable_tlsv1_2=1 tls_disable_tlsv1_3=0",
    NULL /* EAP-FAST has no TLS 1.3 */ },
};

static void
test_min_version_switches (Fixture *f, gconstpointer data)
{
  for (guint i = 0; i < G_N_ELEMENTS (versions); i++)
    {
      g_autoptr (PhonesecDot1xSettings) tls = NULL;
      g_autofree char *phase1 = NULL;

      g_test_message ("%s", versions[i].min_version);
      f->in.min_version = versions[i].min_version;
      f->in.method = "EAP-TLS";
      f->in.identity = "";
      tls = settings_ok (f);
      phase1 = network_value (tls, "phase1");
      g_assert_cmpstr (phase1, ==, versions[i].phase1_tls);

      f->in.method = "EAP-FAST";
      f->in.identity = "phone-4411";
      if (versions[i].phase1_fast != NULL)
        {
          g_autoptr (PhonesecDot1xSettings) fast = settings_ok (f);
          g_autofree char *fast_phase1 = network_value (fast, "phase1");

          g_assert_cmpstr (fast_phase1, ==, versions[i].phase1_fast);
        }
      else
        {
          g_autofree char *why = settings_error (f, PHONESEC_ERROR_NOT_SUPPORTED);

          g_assert_nonnull (strstr (why, "TLS 1.3"));
        }
    }
}

static void
test_cipher_list_is_the_policys (Fixture *f, gconstpointer data)
{
  g_autoptr (PhonesecDot1xSettings) s = settings_ok (f);
  g_autofree char *ciphers = network_value (s, "openssl_ciphers");
  g_autoptr (PhonesecDot1xSettings) tls13 = NULL;
  g_autofree char *tls13_ciphers = NULL, *why = NULL;

  g_assert_cmpstr (ciphers, ==, "ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA");

  /* TLS 1.3 suites are not named by OpenSSL cipher strings: none needed. */
  f->in.min_version = "TLS 1.3";
  f->in.openssl_ciphers = "";
  tls13 = settings_ok (f);
  tls13_ciphers = network_value (tls13, "openssl_ciphers");
  g_assert_null (tls13_ciphers);

  /* A policy that allows no TLS 1.2 suite, with TLS 1.2 allowed. */
  f->in.min_version = "TLS 1.2";
  why = settings_error (f, PHONESEC_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (why, "TLS_Cipher_List"));
}

static void
test_fips_allows_eap_tls_only (Fixture *f, gconstpointer data)
{
  g_autoptr (PhonesecDot1xSettings) tls = NULL;
  g_autofree char *phase1 = NULL, *explicit_fast = NULL, *auto_fast = NULL;

  f->in.fips = TRUE;
  f->in.min_version = "TLS 1.0";
  tls = settings_ok (f);
  phase1 = network_value (tls, "phase1");
  /* FIPS raises the minimum to TLS 1.2, as for every client. */
  g_assert_true (g_str_has_prefix (phase1, "tls_disable_tlsv1_0=1 tls_disable_tlsv1_1=1 "
                                           "tls_disable_tlsv1_2=0"));

  f->in.method = "EAP-FAST";
  f->in.identity = "phone-4411";
  explicit_fast = settings_error (f, PHONESEC_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (explicit_fast, "FIPS_Mode"));
  g_assert_nonnull (strstr (explicit_fast, "MSCHAPv2"));

  /* Auto without a certificate: FIPS leaves nothing, and says why. */
  f->in.method = "Auto";
  no_certificate (f, NULL);
  auto_fast = settings_error (f, PHONESEC_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (auto_fast, "FIPS_Mode"));
  g_assert_nonnull (strstr (auto_fast, "ClientCertificateFile"));
}

/* wpa_supplicant cannot limit TLS 1.3 suites: FIPS with TLS 1.3 as the
 * minimum is refused rather than shown as on while CHACHA20 is offered. */
static void
test_fips_refuses_tls13_minimum (Fixture *f, gconstpointer data)
{
  g_autoptr (PhonesecDot1xSettings) tls12 = NULL, tls13 = NULL;
  g_autofree char *why = NULL, *phase1 = NULL;

  f->in.fips = TRUE;
  f->in.min_version = "TLS 1.3";
  why = settings_error (f, PHONESEC_ERROR_NOT_SUPPORTED);
  g_assert_nonnull (strstr (why, "FIPS_Mode"));
  g_assert_nonnull (strstr (why, "TLS 1.3"));
  g_assert_nonnull (strstr (why, "CHACHA20-POLY1305"));
  /* TLS 1.2 under FIPS: TLS 1.3 off, the approved openssl_ciphers on. */
  f->in.min_version = "TLS 1.2";
  tls12 = settings_ok (f);
  phase1 = network_value (tls12, "phase1");
  g_assert_nonnull (strstr (phase1, "tls_disable_tlsv1_3=1"));
  g_assert_cmpstr (tls12->openssl_ciphers, ==, f->in.openssl_ciphers);
  /* Without FIPS, TLS 1.3 as the minimum stays allowed. */
  f->in.fips = FALSE;
  f->in.min_version = "TLS 1.3";
  tls13 = settings_ok (f);
}

static void
test_no_trust_store_no_authentication (Fixture *f, gconstpointer data)
{
  g_autofree char *why = NULL;

  f->in.ca_file = NULL;
  why = settings_error (f, PHONESEC_ERROR_FAILED);
  g_assert_nonnull (strstr (why, "trust store"));
}

static void
test_equality_follows_every_field (Fixture *f, gconstpointer data)
{
  g_autoptr (PhonesecSecret) other = phonesec_secret_new ("Other-Pass-1", -1);
  g_autoptr (PhonesecDot1xSettings) a = NULL, b = NULL, c = NULL, d = NULL;

  no_certificate (f, NULL);
  f->in.identity = "phone-4411";
  a = settings_ok (f);
  b = settings_ok (f);
  g_assert_true (phonesec_dot1x_settings_equal (a, b));
  /* A new password re-authenticates: the settings differ. */
  f->in.password = other;
  c = settings_ok (f);
  g_assert_false (phonesec_dot1x_settings_equal (a, c));
  f->in.password = f->password;
  f->in.min_version = "TLS 1.2";
  d = settings_ok (f);
  g_assert_false (phonesec_dot1x_settings_equal (a, d));
  g_assert_false (phonesec_dot1x_settings_equal (a, NULL));
  g_assert_true (phonesec_dot1x_settings_equal (NULL, NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) g_test_add (name, Fixture, NULL, setup, func, teardown)
  ADD ("/dot1x/settings/auto-uses-the-certificate", test_auto_uses_the_certificate);
  ADD ("/dot1x/settings/auto-without-certificate-uses-fast",
       test_auto_without_certificate_uses_fast);
  ADD ("/dot1x/settings/explicit-method-wins", test_explicit_method_wins);
  ADD ("/dot1x/settings/fast-needs-its-account", test_fast_needs_its_account);
  ADD ("/dot1x/settings/dot1x-identity-replaces-the-cn", test_dot1x_identity_replaces_the_cn);
  ADD ("/dot1x/settings/min-version-switches", test_min_version_switches);
  ADD ("/dot1x/settings/cipher-list-is-the-policys", test_cipher_list_is_the_policys);
  ADD ("/dot1x/settings/fips-allows-eap-tls-only", test_fips_allows_eap_tls_only);
  ADD ("/dot1x/settings/fips-refuses-tls13-minimum", test_fips_refuses_tls13_minimum);
  ADD ("/dot1x/settings/no-trust-store-no-authentication", test_no_trust_store_no_authentication);
  ADD ("/dot1x/settings/equality-follows-every-field", test_equality_follows_every_field);
#undef ADD

  return g_test_run ();
}
