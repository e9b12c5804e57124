/* phonesec-web-cert.c: a self-signed device certificate made with GnuTLS's
 * X.509 API (no certtool, no openssl process).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-web-cert.h"

#include <string.h>
#include <time.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#define VALID_DAYS 3650

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_crt_t, gnutls_x509_crt_deinit, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_privkey_t, gnutls_x509_privkey_deinit, NULL)

static gboolean
check (int rc, const char *what, GError **error)
{
  if (rc >= 0)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "certificate: %s: %s", what,
               gnutls_strerror (rc));
  return FALSE;
}

static char *
export_pem (int (*fn) (void *, gnutls_x509_crt_fmt_t, gnutls_datum_t *), void *obj, GError **error)
{
  gnutls_datum_t out = { NULL, 0 };
  char *text;

  if (!check (fn (obj, GNUTLS_X509_FMT_PEM, &out), "export", error))
    return NULL;
  text = g_strndup ((const char *) out.data, out.size);
  gnutls_free (out.data);
  return text;
}

static int
export_crt (void *obj, gnutls_x509_crt_fmt_t fmt, gnutls_datum_t *out)
{
  return gnutls_x509_crt_export2 (obj, fmt, out);
}

static int
export_key (void *obj, gnutls_x509_crt_fmt_t fmt, gnutls_datum_t *out)
{
  return gnutls_x509_privkey_export2 (obj, fmt, out);
}

/* VALID_DAYS from @now, or the last second a 32-bit time_t holds (armhf
 * with Debian 12's time32 GnuTLS): from 2028 on, ten years would wrap to
 * a date in 1901 and browsers would refuse the certificate. */
static time_t
expiration_time (time_t now)
{
  gint64 wanted = (gint64) now + (gint64) VALID_DAYS * 86400;

  if (sizeof (time_t) < sizeof (gint64) && wanted > G_MAXINT32)
    return (time_t) G_MAXINT32;
  return (time_t) wanted;
}

static gboolean
generate (const char *cert_path, const char *key_path, GError **error)
{
  g_auto (gnutls_x509_crt_t) crt = NULL;
  g_auto (gnutls_x509_privkey_t) key = NULL;
  g_autofree char *host = g_strdup (g_get_host_name ());
  g_autofree char *cert_pem = NULL;
  g_autofree char *key_pem = NULL;
  guint8 serial[16];
  time_t now = time (NULL);

  if (!check (gnutls_x509_privkey_init (&key), "key init", error)
      || !check (gnutls_x509_privkey_generate (key, GNUTLS_PK_RSA, 2048, 0), "key", error)
      || !check (gnutls_x509_crt_init (&crt), "init", error)
      || !check (gnutls_rnd (GNUTLS_RND_NONCE, serial, sizeof serial), "serial", error))
    return FALSE;
  serial[0] &= 0x7f; /* a positive INTEGER */
  if (!check (gnutls_x509_crt_set_version (crt, 3), "version", error)
      || !check (gnutls_x509_crt_set_serial (crt, serial, sizeof serial), "serial", error)
      || !check (gnutls_x509_crt_set_activation_time (crt, now - 60), "activation", error)
      || !check (gnutls_x509_crt_set_expiration_time (crt, expiration_time (now)), "expiration",
                 error)
      || !check (
          gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, host, strlen (host)),
          "subject", error)
      || !check (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0,
                                                "phonesec device", strlen ("phonesec device")),
                 "subject", error)
      || !check (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME, host, strlen (host),
                                                       GNUTLS_FSAN_SET),
                 "subjectAltName", error)
      || !check (gnutls_x509_crt_set_basic_constraints (crt, 0, -1), "basicConstraints", error)
      || !check (gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE
                                                         | GNUTLS_KEY_KEY_ENCIPHERMENT),
                 "keyUsage", error)
      || !check (gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_SERVER, 0),
                 "extendedKeyUsage", error)
      || !check (gnutls_x509_crt_set_key (crt, key), "public key", error)
      || !check (gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0), "sign", error))
    return FALSE;

  cert_pem = export_pem (export_crt, crt, error);
  if (cert_pem == NULL)
    return FALSE;
  key_pem = export_pem (export_key, key, error);
  if (key_pem == NULL)
    return FALSE;
  /* The key first: a certificate without its key is regenerated anyway. */
  return g_file_set_contents_full (key_path, key_pem, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                   error)
         && g_file_set_contents_full (cert_path, cert_pem, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                      error);
}

GTlsCertificate *
phonesec_web_cert_ensure (const char *state_dir, GError **error)
{
  g_autofree char *cert_path = g_build_filename (state_dir, "web-cert.pem", NULL);
  g_autofree char *key_path = g_build_filename (state_dir, "web-key.pem", NULL);

  if (!g_file_test (cert_path, G_FILE_TEST_EXISTS) || !g_file_test (key_path, G_FILE_TEST_EXISTS))
    {
      g_message ("generating the device certificate in %s", cert_path);
      if (!generate (cert_path, key_path, error))
        return NULL;
    }
  return g_tls_certificate_new_from_files (cert_path, key_path, error);
}
