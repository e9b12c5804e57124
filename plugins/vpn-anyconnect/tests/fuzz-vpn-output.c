/* fuzz-vpn-output.c: libFuzzer target for what vpn-anyconnect reads from
 * other processes: openconnect's output lines (server-influenced text) and
 * the script's report lines.
 *
 * Input: one line (any bytes up to the first NUL). Invariants: the masked
 * line is valid UTF-8 without control characters and never contains the
 * secret; a parsed report has a known reason and valid fields.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gio/gio.h>
#include <stdint.h>
#include <string.h>

#include "phonesec-vpn-openconnect.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

#define SECRET "hunter2"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *line = g_strndup ((const char *) data, size);
  g_autofree char *masked = phonesec_vpn_mask_line (line, SECRET, 300);
  g_autofree char *detail = NULL;
  g_autofree char *described = NULL;
  g_autoptr (PhonesecVpnScriptEvent) event = NULL;
  PhonesecVpnOutputKind kind;

  g_assert_true (g_utf8_validate (masked, -1, NULL));
  g_assert_null (strstr (masked, SECRET));
  for (const char *p = masked; *p != '\0'; p++)
    g_assert_true ((guchar) *p >= 0x20 && *p != 0x7f);

  kind = phonesec_vpn_output_classify (masked, &detail);
  described = phonesec_vpn_output_describe (kind, detail, "vpn.test");
  g_assert_nonnull (described);

  event = phonesec_vpn_script_event_parse (line, NULL);
  if (event != NULL)
    {
      g_assert_nonnull (event->reason);
      g_assert_nonnull (event->dns);
      g_assert_nonnull (event->routes);
      g_assert_cmpuint (event->prefix, <=, 32);
      if (strcmp (event->reason, "connect") == 0)
        g_assert_nonnull (event->address);
      if (event->netmask != NULL)
        g_assert_cmpint (phonesec_vpn_netmask_prefix (event->netmask), ==, event->prefix);
    }
  return 0;
}
