/* phonesec-prov-report-send.h: Report_Rule: the status report
 * (phonesec-prov-report.h) to the server the rule names.
 *
 * The rule is the profile rules' grammar, worked out the same way
 * (phonesec-prov-target.h: macros, DHCP, Restricted_Access_Domains,
 * --uid/--pwd), and the report goes as the body of an HTTP POST (as
 * Cisco's provisioning guide describes Report_Rule for http and https)
 * through the network service (TLS policy, proxy, client certificate).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <phonesec/phonesec.h>

G_BEGIN_DECLS

void phonesec_prov_report_send_async (PhonesecContext *context, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data);
/**
 * phonesec_prov_report_send_finish:
 * @server: (out) (optional): who answered, `scheme://address:port`
 *
 * Returns: %TRUE when the server took the report (HTTP 2xx), else %FALSE
 *   with @error (`Report_Rule: ...`): InvalidValue (the rule is empty or
 *   picks nothing), NotSupported (tftp, --key: an encrypted report), or
 *   why the upload failed
 */
gboolean phonesec_prov_report_send_finish (GAsyncResult *result, char **server, GError **error);

G_END_DECLS
