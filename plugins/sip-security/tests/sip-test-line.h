/* sip-test-line.h: a line's settings as the unit tests want them, without
 * a daemon.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "phonesec-sip-line.h"

/* Line 1, enabled, UDP, proxy sip.example.net, user 1001, password set by
 * the caller, RFC 8760 support as given. */
static inline PhonesecSipLine *
sip_test_line_new (gboolean rfc8760)
{
  PhonesecSipLine *line = g_new0 (PhonesecSipLine, 1);

  line->line = 1;
  line->enabled = TRUE;
  line->transport = g_strdup ("UDP");
  line->port = 5060;
  line->proxy = g_strdup ("sip.example.net:5060");
  line->outbound_proxy = g_strdup ("");
  line->user_id = g_strdup ("1001");
  line->auth_id = g_strdup ("");
  line->auth_invite = TRUE;
  line->rfc8760 = rfc8760;
  line->tls_name_validate = TRUE;
  return line;
}
