/* phonesec-sip-policy.h: what a line's SIP signalling must follow, as the
 * a{sv} of SipSecurity.GetLinePolicy, and the admin's per-line summary
 * (SipSecurity.Lines).
 *
 * Internal to the sip-security plugin. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <phonesec/phonesec.h>

#include "phonesec-sip-line.h"

G_BEGIN_DECLS

/* The TLS application class of SIP over TLS (TlsPolicy.Resolve). */
#define PHONESEC_SIP_TLS_APP_CLASS "sip"

/* Floating a{sv}: the keys documented in the interface's XML. */
GVariant *phonesec_sip_policy_new (PhonesecContext *context, const PhonesecSipLine *line,
                                   gboolean has_password);

/* Floating a{sv}: line, enabled, transport, proxy, auth-invite,
 * digest-algorithms, tls-name-validate, mediasec, has-password. */
GVariant *phonesec_sip_policy_summary (const PhonesecSipLine *line, gboolean has_password);

G_END_DECLS
