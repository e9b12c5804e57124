/* phonesec-prov-run.h: one resync: Custom_CA_Rule, then Profile_Rule,
 * _B, _C, _D in order.
 *
 * For each rule that is set: work out its target (phonesec-prov-target.h:
 * alternatives, macros, DHCP, Restricted_Access_Domains), send the request
 * message to syslog, fetch, then:
 * - Custom_CA_Rule: one CA certificate, PEM or DER, added to the phone's
 *   trust store with the daemon's own TlsPolicy.AddTrustedCA (which gives
 *   the network service the new store) before the profiles are fetched,
 *   so a profile server that CA issued is trusted in the same resync;
 * - a profile: decoded (--key, gzip, ISO-8859-1) and applied as one
 *   ImportProfile transaction with source `provisioning`;
 * and send the success or failure message. A rule that fails does not stop
 * the next one; the resync fails when one did.
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
 * @ca_status: (nullable): Custom_CA_Rule's outcome, `installed` or
 *   `failed`; %NULL when the rule is not set
 * @ca_fingerprint: (nullable): the SHA-256 fingerprint of the CA installed
 * @url: (nullable): an upgrade's image URL (phonesec-prov-upgrade.h)
 * @skipped: an upgrade found nothing to do
 */
typedef struct
{
  char *error;
  char *server;
  const char *ca_status;
  char *ca_fingerprint;
  char *url;
  gboolean skipped;
} PhonesecProvOutcome;

void phonesec_prov_outcome_free (PhonesecProvOutcome *outcome);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecProvOutcome, phonesec_prov_outcome_free)

void phonesec_prov_run_async (PhonesecContext *context, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data);
/* Never fails: the outcome says how the rules went. Also finishes
 * phonesec_prov_upgrade_async(). */
PhonesecProvOutcome *phonesec_prov_run_finish (GAsyncResult *result);

G_END_DECLS
