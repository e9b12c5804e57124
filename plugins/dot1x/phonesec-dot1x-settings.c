/* phonesec-dot1x-settings.c: the rules from configuration to a
 * wpa_supplicant network (see the header).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gi18n-lib.h>
#include <gnutls/x509.h>
#include <string.h>

#include "phonesec-dot1x-settings.h"

#define TLS_1_2 2
#define TLS_1_3 3

static const char *const tls_labels[] = { "TLS 1.0", "TLS 1.1", "TLS 1.2", "TLS 1.3" };

const char *
phonesec_dot1x_eap_to_string (PhonesecDot1xEap eap)
{
  return eap == PHONESEC_DOT1X_EAP_TLS ? "EAP-TLS" : "EAP-FAST";
}

guint
phonesec_dot1x_tls_version_rank (const char *label)
{
  for (guint i = 0; i < G_N_ELEMENTS (tls_labels); i++)
    if (g_strcmp0 (label, tls_labels[i]) == 0)
      return i;
  return TLS_1_2;
}

const char *
phonesec_dot1x_tls_version_label (guint rank)
{
  return tls_labels[MIN (rank, TLS_1_3)];
}

PhonesecDot1xEap
phonesec_dot1x_choose_eap (const PhonesecDot1xInput *in)
{
  if (g_strcmp0 (in->method, "EAP-TLS") == 0)
    return PHONESEC_DOT1X_EAP_TLS;
  if (g_strcmp0 (in->method, "EAP-FAST") == 0)
    return PHONESEC_DOT1X_EAP_FAST;
  return in->has_certificate ? PHONESEC_DOT1X_EAP_TLS : PHONESEC_DOT1X_EAP_FAST;
}

/* Why the phone has no usable certificate, for messages. */
static const char *
no_certificate_reason (const PhonesecDot1xInput *in)
{
  if (in->certificate_error != NULL)
    return in->certificate_error;
  return _ ("the device identity names no ClientCertificateFile and ClientKeyFile");
}

static gboolean
check_tls (const PhonesecDot1xInput *in, GError **error)
{
  if (!in->has_certificate || in->certificate_file == NULL || in->key_file == NULL)
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_NOT_SUPPORTED,
                   _ ("Dot1x_EAP_Method is EAP-TLS but the phone has no usable client "
                      "certificate: %s"),
                   no_certificate_reason (in));
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_fast (const PhonesecDot1xInput *in, guint min_version, GError **error)
{
  if (in->fips)
    {
      /* Auto only picks EAP-FAST when there is no certificate: say so. */
      if (g_strcmp0 (in->method, "EAP-FAST") != 0)
        g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_NOT_SUPPORTED,
                     _ ("FIPS_Mode is Yes, which allows EAP-TLS only (EAP-FAST checks the "
                        "password with MSCHAPv2, whose MD4 and DES FIPS does not approve), and "
                        "the phone has no usable client certificate: %s"),
                     no_certificate_reason (in));
      else
        g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_NOT_SUPPORTED,
                             _ ("FIPS_Mode is Yes, which allows EAP-TLS only: EAP-FAST checks "
                                "the password with MSCHAPv2, whose MD4 and DES FIPS does not "
                                "approve. Set Dot1x_EAP_Method to EAP-TLS or Auto"));
      return FALSE;
    }
  if (in->identity == NULL || in->identity[0] == '\0')
    {
      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                           _ ("EAP-FAST needs Dot1x_Identity, which is empty"));
      return FALSE;
    }
  if (in->password == NULL || phonesec_secret_is_empty (in->password))
    {
      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                           _ ("EAP-FAST needs Dot1x_Password, which is not set"));
      return FALSE;
    }
  if (min_version >= TLS_1_3)
    {
      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_NOT_SUPPORTED,
                           _ ("TLS_Min_Version is TLS 1.3, but EAP-FAST works over TLS 1.2 at "
                              "most: use EAP-TLS, or lower TLS_Min_Version"));
      return FALSE;
    }
  return TRUE;
}

PhonesecDot1xSettings *
phonesec_dot1x_settings_new (const PhonesecDot1xInput *in, GError **error)
{
  g_autoptr (PhonesecDot1xSettings) self = g_new0 (PhonesecDot1xSettings, 1);
  guint min_version = phonesec_dot1x_tls_version_rank (in->min_version);
  gboolean have_identity = in->identity != NULL && in->identity[0] != '\0';

  /* FIPS: TLS 1.2 at least, as for every other client of the phone. */
  if (in->fips)
    min_version = MAX (min_version, TLS_1_2);
  self->eap = phonesec_dot1x_choose_eap (in);
  if (self->eap == PHONESEC_DOT1X_EAP_TLS ? !check_tls (in, error)
                                          : !check_fast (in, min_version, error))
    return NULL;
  if (in->fips && min_version >= TLS_1_3)
    {
      /* wpa_supplicant (2.10) has no setting for TLS 1.3 suites, and
       * openssl_ciphers does not govern them: OpenSSL's default would
       * offer CHACHA20-POLY1305. FIPS shown as on must be enforced. */
      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_NOT_SUPPORTED,
                           _ ("FIPS_Mode is Yes and TLS_Min_Version is TLS 1.3, but wpa_supplicant "
                              "cannot be limited to the TLS 1.3 cipher suites FIPS approves (it "
                              "would also offer CHACHA20-POLY1305): set TLS_Min_Version to TLS "
                              "1.2 for 802.1X under FIPS"));
      return NULL;
    }
  if (in->ca_file == NULL)
    {
      /* Never authenticate to a server that nothing checks. */
      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                           _ ("The phone's trust store has no CA bundle file (see "
                              "TlsPolicy.TrustedCAs), so the authentication server's certificate "
                              "cannot be checked"));
      return NULL;
    }
  if ((in->openssl_ciphers == NULL || in->openssl_ciphers[0] == '\0') && min_version < TLS_1_3)
    {
      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_NOT_SUPPORTED,
                           _ ("The TLS policy (TLS_Cipher_List, FIPS_Mode) allows no TLS 1.2 "
                              "cipher suite, and TLS_Min_Version allows TLS 1.2"));
      return NULL;
    }
  if (self->eap == PHONESEC_DOT1X_EAP_TLS && !have_identity
      && (in->certificate_cn == NULL || in->certificate_cn[0] == '\0'))
    {
      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                           _ ("EAP-TLS needs an identity: the phone's certificate has no common "
                              "name, so set Dot1x_Identity"));
      return NULL;
    }

  self->interface = g_strdup (in->interface);
  self->identity = g_strdup (have_identity ? in->identity : in->certificate_cn);
  self->ca_file = g_strdup (in->ca_file);
  self->min_version = min_version;
  if (min_version < TLS_1_3)
    self->openssl_ciphers = g_strdup (in->openssl_ciphers);
  if (self->eap == PHONESEC_DOT1X_EAP_TLS)
    {
      self->certificate_file = g_strdup (in->certificate_file);
      self->key_file = g_strdup (in->key_file);
    }
  else
    self->password = phonesec_secret_ref ((PhonesecSecret *) in->password);
  return g_steal_pointer (&self);
}

void
phonesec_dot1x_settings_free (PhonesecDot1xSettings *self)
{
  if (self == NULL)
    return;
  g_free (self->interface);
  g_free (self->identity);
  g_clear_pointer (&self->password, phonesec_secret_unref);
  g_free (self->certificate_file);
  g_free (self->key_file);
  g_free (self->ca_file);
  g_free (self->openssl_ciphers);
  g_free (self);
}

static gboolean
secrets_equal (const PhonesecSecret *a, const PhonesecSecret *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return phonesec_secret_equal (a, b);
}

gboolean
phonesec_dot1x_settings_equal (const PhonesecDot1xSettings *a, const PhonesecDot1xSettings *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return a->eap == b->eap && a->min_version == b->min_version
         && g_strcmp0 (a->interface, b->interface) == 0 && g_strcmp0 (a->identity, b->identity) == 0
         && g_strcmp0 (a->certificate_file, b->certificate_file) == 0
         && g_strcmp0 (a->key_file, b->key_file) == 0 && g_strcmp0 (a->ca_file, b->ca_file) == 0
         && g_strcmp0 (a->openssl_ciphers, b->openssl_ciphers) == 0
         && secrets_equal (a->password, b->password);
}

/* wpa_supplicant's phase1 TLS switches, every version said explicitly: its
 * defaults differ between versions and builds.
 *
 * TLS 1.3 only when TLS_Min_Version asks for it: EAP-FAST is defined over
 * TLS 1.2 and older, and EAP-TLS 1.3 (RFC 9190) is still uneven among
 * authentication servers (wpa_supplicant 2.10 leaves it off by default);
 * offering it to a server that gets it wrong would fail where TLS 1.2
 * works. */
static char *
phase1_for (const PhonesecDot1xSettings *self)
{
  GString *phase1 = g_string_new (NULL);

  for (guint v = 0; v <= TLS_1_3; v++)
    {
      gboolean off = v < TLS_1_3 ? v < self->min_version : self->min_version < TLS_1_3;

      g_string_append_printf (phase1, "%stls_disable_tlsv1_%u=%d", v > 0 ? " " : "", v, off);
    }
  /* Authenticated provisioning: the PAC comes only from a server whose
   * certificate the trust store vouches for. */
  if (self->eap == PHONESEC_DOT1X_EAP_FAST)
    g_string_append (phase1, " fast_provisioning=2");
  return g_string_free (phase1, FALSE);
}

GVariant *
phonesec_dot1x_settings_to_network (const PhonesecDot1xSettings *self)
{
  GVariantBuilder b;
  g_autofree char *phase1 = phase1_for (self);

  g_variant_builder_init (&b, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&b, "{sv}", "key_mgmt", g_variant_new_string ("IEEE8021X"));
  /* Wired: no dynamic WEP keys after the EAP exchange. */
  g_variant_builder_add (&b, "{sv}", "eapol_flags", g_variant_new_uint32 (0));
  g_variant_builder_add (&b, "{sv}", "identity", g_variant_new_string (self->identity));
  g_variant_builder_add (&b, "{sv}", "ca_cert", g_variant_new_string (self->ca_file));
  g_variant_builder_add (&b, "{sv}", "phase1", g_variant_new_string (phase1));
  if (self->openssl_ciphers != NULL)
    g_variant_builder_add (&b, "{sv}", "openssl_ciphers",
                           g_variant_new_string (self->openssl_ciphers));
  if (self->eap == PHONESEC_DOT1X_EAP_TLS)
    {
      g_variant_builder_add (&b, "{sv}", "eap", g_variant_new_string ("TLS"));
      g_variant_builder_add (&b, "{sv}", "client_cert",
                             g_variant_new_string (self->certificate_file));
      g_variant_builder_add (&b, "{sv}", "private_key", g_variant_new_string (self->key_file));
    }
  else
    {
      g_variant_builder_add (&b, "{sv}", "eap", g_variant_new_string ("FAST"));
      g_variant_builder_add (&b, "{sv}", "phase2", g_variant_new_string ("auth=MSCHAPV2"));
      g_variant_builder_add (&b, "{sv}", "pac_file",
                             g_variant_new_string ("blob://" PHONESEC_DOT1X_PAC_BLOB));
      g_variant_builder_add (&b, "{sv}", "password",
                             g_variant_new_string (phonesec_secret_peek (self->password)));
    }
  return g_variant_builder_end (&b);
}

char *
phonesec_dot1x_certificate_dup_cn (const char *pem_file)
{
  g_autofree char *pem = NULL;
  gsize len = 0;
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t data;
  char cn[256];
  size_t cn_len = sizeof cn;
  char *result = NULL;

  if (pem_file == NULL || !g_file_get_contents (pem_file, &pem, &len, NULL))
    return NULL;
  data.data = (unsigned char *) pem;
  data.size = len;
  if (gnutls_x509_crt_init (&crt) == 0
      && gnutls_x509_crt_import (crt, &data, GNUTLS_X509_FMT_PEM) == 0
      && gnutls_x509_crt_get_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn, &cn_len) == 0
      && g_utf8_validate (cn, cn_len, NULL))
    result = g_strndup (cn, cn_len);
  if (crt != NULL)
    gnutls_x509_crt_deinit (crt);
  return result;
}
