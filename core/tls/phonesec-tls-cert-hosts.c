/* phonesec-tls-cert-hosts.c: see the header. The names are read as the
 * host name check reads them (phonesec-tls-cert-names.c), so that the names
 * looked up are the names the certificate is checked against.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "phonesec-tls-cert-hosts.h"
#include "phonesec-tls-cert-names.h"

/* A name a lookup can take: a host name that matches itself (no wildcard,
 * no IP address, nothing a resolver would read otherwise). */
static void
add_host_name (GPtrArray *hosts, GBytes *raw, PhonesecTlsNameFlags flags, gboolean is_cn)
{
  gsize len;
  const char *data = g_bytes_get_data (raw, &len);
  const char *slash = is_cn && (flags & PHONESEC_TLS_NAME_ALLOW_CN_SLASH) && len > 0
                          ? memchr (data, '/', len)
                          : NULL;
  g_autofree char *name = NULL;

  if (slash != NULL)
    len = slash - data;
  if (len > 0 && data[len - 1] == '.')
    len--;
  /* "name.." is no host name, whatever the comparison forgives. */
  if (len == 0 || data[len - 1] == '.' || memchr (data, '\0', len) != NULL)
    return;
  name = g_ascii_strdown (data, len);
  if (!phonesec_tls_name_matches (name, len, name))
    return;
  for (guint i = 0; i < hosts->len; i++)
    if (g_str_equal (g_ptr_array_index (hosts, i), name))
      return;
  if (hosts->len < PHONESEC_TLS_CERT_HOSTS_MAX)
    g_ptr_array_add (hosts, g_steal_pointer (&name));
}

GStrv
phonesec_tls_cert_host_names (gnutls_x509_crt_t cert, PhonesecTlsNameFlags flags)
{
  g_autoptr (GPtrArray) hosts = g_ptr_array_new_with_free_func (g_free);
  PhonesecTlsCertNames names;

  g_return_val_if_fail (cert != NULL, NULL);
  phonesec_tls_cert_names_read (cert, &names);
  /* As the check: with any dNSName (or a broken SAN), the CN is not one. */
  for (guint i = 0; i < names.dns->len; i++)
    add_host_name (hosts, g_ptr_array_index (names.dns, i), flags, FALSE);
  if (names.dns->len == 0 && !names.san_broken && names.cn != NULL)
    add_host_name (hosts, names.cn, flags, TRUE);
  phonesec_tls_cert_names_clear (&names);
  g_ptr_array_add (hosts, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&hosts), FALSE);
}

GStrv
phonesec_tls_certificate_host_names (GTlsCertificate *certificate, PhonesecTlsNameFlags flags)
{
  g_autoptr (GByteArray) der = NULL;
  gnutls_x509_crt_t cert;
  gnutls_datum_t datum;
  GStrv hosts;

  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);
  g_object_get (certificate, "certificate", &der, NULL);
  if (der == NULL || gnutls_x509_crt_init (&cert) < 0)
    return g_new0 (char *, 1);
  datum.data = der->data;
  datum.size = der->len;
  if (gnutls_x509_crt_import (cert, &datum, GNUTLS_X509_FMT_DER) < 0)
    hosts = g_new0 (char *, 1);
  else
    hosts = phonesec_tls_cert_host_names (cert, flags);
  gnutls_x509_crt_deinit (cert);
  return hosts;
}
