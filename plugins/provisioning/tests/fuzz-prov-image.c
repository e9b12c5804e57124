/* fuzz-prov-image.c: libFuzzer target for phonesec-prov-image.c: a file
 * name and a Downgrade_Rev_Limit (the input split at its first NUL), and
 * the whole input as an image encrypted with the key "fuzz".
 *
 * Besides memory safety: a version holds a digit and is a prefix of the
 * name; a refusal is a GError with a message on one line; a decrypted
 * image is 17 to 32 bytes shorter than the encrypted one, and a refused
 * one is left as it was.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "phonesec-prov-image.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
fuzz_decrypt (const uint8_t *data, size_t size)
{
  g_autoptr (PhonesecSecret) key = phonesec_secret_new ("fuzz", -1);
  g_autoptr (GError) error = NULL;
  int fd = memfd_create ("fuzz-image", MFD_CLOEXEC);
  struct stat st;
  gboolean ok;

  g_assert (fd >= 0 && write (fd, data, size) == (ssize_t) size);
  ok = phonesec_prov_image_decrypt_fd (fd, key, NULL, &error);
  g_assert (fstat (fd, &st) == 0);
  if (ok)
    g_assert (size % 16 == 0 && (size_t) st.st_size + 17 <= size
              && (size_t) st.st_size + 32 >= size);
  else
    g_assert (error != NULL && error->message[0] != '\0' && (size_t) st.st_size == size);
  close (fd);
}

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
  fuzz_decrypt (data, size);
  return 0;
}
