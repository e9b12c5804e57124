/* phonesec-sip-certificate.c: DER certificates to a GTlsCertificate chain.
 *
 * Each certificate is parsed by GnuTLS first, so that garbage gets a clear
 * error naming which one, and re-encoded as PEM, the form GIO builds a chain
 * from (the first certificate the leaf, the next ones its issuers).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gi18n-lib.h>
#include <gnutls/x509.h>
#include <phonesec/phonesec.h>

#include "phonesec-sip-certificate.h"

static gboolean
append_pem (GString *pem, GVariant *der, guint index, GError **error)
{
  gsize size = 0;
  const guint8 *data = g_variant_get_fixed_array (der, &size, 1);
  gnutls_datum_t in = { (unsigned char *) data, (unsigned int) size };
  gnutls_datum_t out = { NULL, 0 };
  gnutls_x509_crt_t crt = NULL;
  int ret;

  if (size == 0 || size > PHONESEC_SIP_CERTIFICATE_MAX_SIZE)
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("Certificate %u of the chain is %zu bytes long; allowed: 1 to %d"), index,
                   size, PHONESEC_SIP_CERTIFICATE_MAX_SIZE);
      return FALSE;
    }
  gnutls_x509_crt_init (&crt);
  ret = gnutls_x509_crt_import (crt, &in, GNUTLS_X509_FMT_DER);
  if (ret >= 0)
    ret = gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &out);
  gnutls_x509_crt_deinit (crt);
  if (ret < 0)
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("Certificate %u of the chain is not a DER X.509 certificate: %s"), index,
                   gnutls_strerror (ret));
      return FALSE;
    }
  g_string_append_len (pem, (const char *) out.data, out.size);
  gnutls_free (out.data);
  return TRUE;
}

GTlsCertificate *
phonesec_sip_certificate_from_der (GVariant *der_chain, GError **error)
{
  g_autoptr (GString) pem = g_string_new (NULL);
  gsize n = g_variant_n_children (der_chain);

  if (n == 0 || n > PHONESEC_SIP_CERTIFICATE_MAX_CHAIN)
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("The chain holds %zu certificates; allowed: 1 to %d"), n,
                   PHONESEC_SIP_CERTIFICATE_MAX_CHAIN);
      return NULL;
    }
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr (GVariant) der = g_variant_get_child_value (der_chain, i);

      if (!append_pem (pem, der, (guint) i + 1, error))
        return NULL;
    }
  return g_tls_certificate_new_from_pem (pem->str, pem->len, error);
}
