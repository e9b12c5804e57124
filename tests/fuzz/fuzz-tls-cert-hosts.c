/* fuzz-tls-cert-hosts.c: libFuzzer target for the names a server
 * certificate gives to DNS (phonesec_tls_cert_host_names), the provisioning
 * check's lookup list.
 *
 * Input: a DER certificate (anything GnuTLS imports). Besides memory
 * safety (ASan/UBSan), checks that with and without
 * PHONESEC_TLS_NAME_ALLOW_CN_SLASH: at most PHONESEC_TLS_CERT_HOSTS_MAX
 * names, each a lowercase host name without a trailing dot that matches
 * itself (no wildcard, no IP address), none twice; and that the result is
 * deterministic.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "phonesec-tls-cert-hosts.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define FUZZ_MAX_INPUT 16384

static void
check_names (char **names)
{
  guint n = g_strv_length (names);

  if (n > PHONESEC_TLS_CERT_HOSTS_MAX)
    abort ();
  for (guint i = 0; i < n; i++)
    {
      gsize len = strlen (names[i]);
      g_autofree char *lower = g_ascii_strdown (names[i], -1);

      if (len == 0 || names[i][len - 1] == '.' || strcmp (lower, names[i]) != 0
          || strchr (names[i], '*') != NULL || g_hostname_is_ip_address (names[i])
          || !phonesec_tls_name_matches (names[i], len, names[i]))
        abort ();
      for (guint j = 0; j < i; j++)
        if (strcmp (names[i], names[j]) == 0)
          abort ();
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const PhonesecTlsNameFlags all[]
      = { PHONESEC_TLS_NAME_FLAGS_NONE, PHONESEC_TLS_NAME_ALLOW_CN_SLASH };
  gnutls_x509_crt_t cert;
  gnutls_datum_t der = { (unsigned char *) data, (unsigned int) size };

  if (size > FUZZ_MAX_INPUT || gnutls_x509_crt_init (&cert) < 0)
    return 0;
  if (gnutls_x509_crt_import (cert, &der, GNUTLS_X509_FMT_DER) >= 0)
    for (guint i = 0; i < G_N_ELEMENTS (all); i++)
      {
        g_auto (GStrv) first = phonesec_tls_cert_host_names (cert, all[i]);
        g_auto (GStrv) again = phonesec_tls_cert_host_names (cert, all[i]);

        check_names (first);
        if (!g_strv_equal ((const char *const *) first, (const char *const *) again))
          abort ();
      }
  gnutls_x509_crt_deinit (cert);
  return 0;
}
