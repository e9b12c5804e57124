/* phonesec-dot1x-settings.h: what the phone's configuration asks of
 * 802.1X, as one value, and the wpa_supplicant network it becomes.
 *
 * Pure: the plugin gathers the parameters, the device identity and the TLS
 * policy into a PhonesecDot1xInput; the rules (which method, what each
 * needs, what FIPS allows, the TLS versions) live here, where the unit
 * tests reach them.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <phonesec/phonesec.h>

G_BEGIN_DECLS

typedef enum
{
  PHONESEC_DOT1X_EAP_TLS,
  PHONESEC_DOT1X_EAP_FAST,
} PhonesecDot1xEap;

/* The blob wpa_supplicant keeps the EAP-FAST PAC in (pac_file=blob://...):
 * in its memory, never in a file of its own. */
#define PHONESEC_DOT1X_PAC_BLOB "phonesec-dot1x-pac"

typedef struct
{
  const char *method;             /* Dot1x_EAP_Method: Auto, EAP-TLS, EAP-FAST */
  const char *identity;           /* Dot1x_Identity */
  const PhonesecSecret *password; /* Dot1x_Password (nullable) */
  const char *min_version;        /* TLS_Min_Version: "TLS 1.0" .. "TLS 1.3" */
  gboolean fips;                  /* FIPS_Mode in force */
  const char *openssl_ciphers;    /* the policy's TLS ≤ 1.2 suites */
  const char *ca_file;            /* the trust store's bundle (nullable) */
  const char *interface;          /* the device's NetworkInterface */
  gboolean has_certificate;       /* the device's certificate and key load */
  const char *certificate_file;   /* nullable */
  const char *key_file;           /* nullable */
  const char *certificate_error;  /* nullable: why they do not load */
  const char *certificate_cn;     /* nullable: the certificate's common name */
} PhonesecDot1xInput;

typedef struct
{
  PhonesecDot1xEap eap;
  char *interface;
  char *identity;
  PhonesecSecret *password; /* EAP-FAST only */
  char *certificate_file;   /* EAP-TLS only */
  char *key_file;           /* EAP-TLS only */
  char *ca_file;
  char *openssl_ciphers; /* NULL: not set (TLS 1.3 only) */
  guint min_version;     /* 0: TLS 1.0 .. 3: TLS 1.3 */
} PhonesecDot1xSettings;

/* The method @in asks for: Auto resolved (EAP-TLS with a certificate,
 * else EAP-FAST). */
PhonesecDot1xEap phonesec_dot1x_choose_eap (const PhonesecDot1xInput *in);
/* "EAP-TLS", "EAP-FAST". */
const char *phonesec_dot1x_eap_to_string (PhonesecDot1xEap eap);
/* 0 for "TLS 1.0" .. 3 for "TLS 1.3"; anything else counts as TLS 1.2. */
guint phonesec_dot1x_tls_version_rank (const char *label);
const char *phonesec_dot1x_tls_version_label (guint rank);

/**
 * phonesec_dot1x_settings_new:
 *
 * Returns: (transfer full) (nullable): the settings, or %NULL with @error
 *   (PHONESEC_ERROR_INVALID_VALUE or NOT_SUPPORTED) saying, for the admin,
 *   why this configuration cannot authenticate. The message never holds
 *   the password nor the identity.
 */
PhonesecDot1xSettings *phonesec_dot1x_settings_new (const PhonesecDot1xInput *in, GError **error);
void phonesec_dot1x_settings_free (PhonesecDot1xSettings *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecDot1xSettings, phonesec_dot1x_settings_free)

gboolean phonesec_dot1x_settings_equal (const PhonesecDot1xSettings *a,
                                        const PhonesecDot1xSettings *b);

/* wpa_supplicant's AddNetwork argument (a{sv}, floating): a wired 802.1X
 * network, key_mgmt IEEE8021X. Holds the password: hand it to D-Bus only. */
GVariant *phonesec_dot1x_settings_to_network (const PhonesecDot1xSettings *self);

/* The common name of a PEM certificate, for the default EAP-TLS identity;
 * NULL when it cannot be read. */
char *phonesec_dot1x_certificate_dup_cn (const char *pem_file);

G_END_DECLS
