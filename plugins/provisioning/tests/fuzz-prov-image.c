/* fuzz-prov-image.c: libFuzzer target for phonesec-prov-image.c: a file
 * name and a Downgrade_Rev_Limit (the input split at its first NUL).
 *
 * Besides memory safety: a version holds a digit and is a prefix of the
 * name; a refusal is a GError with a message on one line.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>
#include <string.h>

#include "phonesec-prov-image.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const uint8_t *nul = memchr (data, '\0', size);
  g_autofree char *name
      = g_strndup ((const char *) data, nul != NULL ? (size_t) (nul - data) : size);
  g_autofree char *limit
      = nul != NULL ? g_strndup ((const char *) nul + 1, size - (nul + 1 - data)) : NULL;
  g_autofree char *version = phonesec_prov_image_version (name);
  g_autoptr (GError) error = NULL;

  if (version != NULL)
    g_assert (strpbrk (version, "0123456789") != NULL && g_str_has_prefix (name, version));
  if (!phonesec_prov_image_check_limit (name, limit, &error))
    g_assert (error != NULL && error->message[0] != '\0' && strchr (error->message, '\n') == NULL);
  return 0;
}
