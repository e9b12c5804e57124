/* phonesec-netd-host.h: the network service as phonesecd runs it: the HTTP
 * client every plugin gets, following the TLS policy (a change restarts the
 * helper, never phonesecd) and the trust store, and the helper's state on
 * the Manager object.
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "phonesec/phonesec-crash.h"
#include "phonesec/phonesec-http.h"
#include "phonesec/phonesec-metrics.h"
#include "phonesec-dbus-generated.h"
#include "tls/phonesec-tls-policy.h"

G_BEGIN_DECLS

typedef struct _PhonesecNetdHost PhonesecNetdHost;

/**
 * phonesec_netd_host_new:
 * @user: (nullable): --netd-user
 *
 * The helper program is $PHONESEC_NETD or the installed phonesec-netd; it
 * starts at the first request or at phonesec_netd_host_start().
 */
PhonesecNetdHost *phonesec_netd_host_new (PhonesecTlsPolicy *tls, GProxyResolver *proxy_slot,
                                          PhonesecMetrics *metrics, PhonesecCrashLog *crash_log,
                                          const char *user, GError **error);
PhonesecHttpClient *phonesec_netd_host_get_client (PhonesecNetdHost *self);
/* Shows the helper's state on @manager's NetworkService* properties. */
void phonesec_netd_host_set_manager (PhonesecNetdHost *self, PhonesecDBusManager *manager);
/* phonesec_tls_policy_load_trust() ran: the bundle file may be another. */
void phonesec_netd_host_trust_loaded (PhonesecNetdHost *self);
void phonesec_netd_host_start (PhonesecNetdHost *self);
/* Requests under way fail; the helper stops. */
void phonesec_netd_host_shutdown (PhonesecNetdHost *self);
void phonesec_netd_host_free (PhonesecNetdHost *self);

G_END_DECLS
