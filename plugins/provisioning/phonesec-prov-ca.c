/* phonesec-prov-ca.c: a Custom_CA_Rule certificate, PEM or DER → PEM.
 *
 * GnuTLS parses; we only decide which format the bytes claim to be, so a
 * PEM file with junk around its one certificate, two certificates, or a
 * server's own certificate are refused before the trust store sees them.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-prov-ca.h"

#include <glib/gi18n-lib.h>
#include <gnutls/x509.h>
#include <string.h>

#define PEM_BEGIN "-----BEGIN CERTIFICATE-----"

static gboolean
looks_like_pem (const guint8 *data, gsize len)
{
  gsize n = strlen (PEM_BEGIN);

  for (gsize i = 0; i + n <= len; i++)
    if (memcmp (data + i, PEM_BEGIN, n) == 0)
      return TRUE;
  return FALSE;
}

/* Exactly one certificate of @format in @datum, or NULL with @error. */
static gnutls_x509_crt_t
import_one (const gnutls_datum_t *datum, gnutls_x509_crt_fmt_t format, GError **error)
{
  gnutls_x509_crt_t *crts = NULL;
  unsigned int n = 0;
  int ret = gnutls_x509_crt_list_import2 (&crts, &n, datum, format, 0);
  gnutls_x509_crt_t crt = NULL;

  if (ret >= 0 && n == 1)
    crt = crts[0];
  else if (ret < 0)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 _ ("the file is not an X.509 certificate in PEM or DER form (%s)"),
                 gnutls_strerror (ret));
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 _ ("the file holds %u certificates; one CA certificate is allowed"), n);
  for (unsigned int i = 0; crt == NULL && i < n; i++)
    gnutls_x509_crt_deinit (crts[i]);
  gnutls_free (crts);
  return crt;
}

char *
phonesec_prov_ca_to_pem (GBytes *data, GError **error)
{
  gsize len = 0;
  const guint8 *bytes = g_bytes_get_data (data, &len);
  gnutls_datum_t datum = { (unsigned char *) bytes, (unsigned int) len };
  gnutls_datum_t pem = { NULL, 0 };
  gnutls_x509_crt_t crt;
  unsigned int critical = 0;
  char *text = NULL;

  if (len == 0 || len > PHONESEC_PROV_MAX_CA)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _ ("the file is empty or larger than 64 KiB; one CA certificate "
                              "is expected"));
      return NULL;
    }
  crt = import_one (&datum, looks_like_pem (bytes, len) ? GNUTLS_X509_FMT_PEM : GNUTLS_X509_FMT_DER,
                    error);
  if (crt == NULL)
    return NULL;
  if (gnutls_x509_crt_get_basic_constraints (crt, &critical, NULL, NULL) != 1)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                         _ ("the certificate is not a CA certificate (basicConstraints "
                            "CA:TRUE)"));
  else if (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &pem) < 0)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                         _ ("the certificate could not be written as PEM"));
  else
    text = g_strndup ((const char *) pem.data, pem.size);
  gnutls_free (pem.data);
  gnutls_x509_crt_deinit (crt);
  return text;
}
