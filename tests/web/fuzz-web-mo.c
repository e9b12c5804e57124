/* fuzz-web-mo.c: libFuzzer target for phonesec-web's .mo reader (a
 * catalogue file is trusted input on the phone, but the reader must still
 * never read outside its buffer).
 *
 * Invariants: no crash or out-of-bounds read (ASan); a catalogue that
 * loads answers lookups with valid UTF-8.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdint.h>

#include <glib.h>

#include "phonesec-web-mo.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  /* An exact-size heap copy, so that ASan sees a read past the end. */
  g_autofree guint8 *copy = g_memdup2 (data, size);
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecWebMo) cat = phonesec_web_mo_new_from_data (copy, size, &error);

  if (cat == NULL)
    {
      g_assert_nonnull (error);
      return 0;
    }
  g_assert_true (g_utf8_validate (phonesec_web_mo_lookup (cat, "Proxy Mode"), -1, NULL));
  g_assert_true (g_utf8_validate (phonesec_web_mo_lookup (cat, "Yes"), -1, NULL));
  return 0;
}
