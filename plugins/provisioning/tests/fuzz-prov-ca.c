/* fuzz-prov-ca.c: libFuzzer target for what a server sends for
 * Custom_CA_Rule: phonesec_prov_ca_to_pem().
 *
 * Besides memory safety: a success is one PEM certificate that the
 * function takes again and gives back unchanged; a failure is a GError
 * with a message.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <string.h>

#include "phonesec-prov-ca.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GBytes) bytes = g_bytes_new (data, size);
  g_autoptr (GError) error = NULL;
  g_autofree char *pem = phonesec_prov_ca_to_pem (bytes, &error);
  g_autoptr (GBytes) again = NULL;
  g_autofree char *twice = NULL;

  if (pem == NULL)
    {
      g_assert (error != NULL && error->message[0] != '\0');
      return 0;
    }
  g_assert (g_str_has_prefix (pem, "-----BEGIN CERTIFICATE-----"));
  again = g_bytes_new (pem, strlen (pem));
  twice = phonesec_prov_ca_to_pem (again, NULL);
  g_assert (twice != NULL && strcmp (pem, twice) == 0);
  return 0;
}
