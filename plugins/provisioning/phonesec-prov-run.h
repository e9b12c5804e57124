/* phonesec-prov-run.h: one resync: Profile_Rule, _B, _C, _D in order.
 *
 * For each rule that is set: parse it, pick the alternative whose
 * condition holds, expand its macros (device, network, GPP_A..GPP_P as
 * $A..$P), resolve a relative path against the DHCP-given server, check
 * Restricted_Access_Domains, send Log_Request_Msg, fetch, decode (--key,
 * gzip, ISO-8859-1), apply it as one ImportProfile transaction with source
 * `provisioning`, and send Log_Success_Msg or Log_Failure_Msg. A rule that
 * fails does not stop the next one; the resync fails when one did.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <phonesec/phonesec.h>

G_BEGIN_DECLS

/**
 * PhonesecProvOutcome:
 * @error: (nullable): why the resync failed, for LastError: names the
 *   rule and the server, never a credential; %NULL on success
 * @server: (nullable): the last server that answered (LastServer)
 */
typedef struct
{
  char *error;
  char *server;
} PhonesecProvOutcome;

void phonesec_prov_outcome_free (PhonesecProvOutcome *outcome);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecProvOutcome, phonesec_prov_outcome_free)

void phonesec_prov_run_async (PhonesecContext *context, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data);
/* Never fails: the outcome says how the rules went. */
PhonesecProvOutcome *phonesec_prov_run_finish (GAsyncResult *result);

G_END_DECLS
