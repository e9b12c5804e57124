/* phonesec-netd-fresh.h: after a proxy change, keeps the network service's
 * SoupSession from reusing connections made under the old setting.
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

#define PHONESEC_TYPE_NETD_FRESH (phonesec_netd_fresh_get_type ())
G_DECLARE_FINAL_TYPE (PhonesecNetdFresh, phonesec_netd_fresh, PHONESEC, NETD_FRESH, GObject)

PhonesecNetdFresh *phonesec_netd_fresh_new (SoupSession *session);
/* The resolver's answers changed: connections open now are old. */
void phonesec_netd_fresh_proxy_changed (PhonesecNetdFresh *self);
/* Disconnects from the session. */
void phonesec_netd_fresh_stop (PhonesecNetdFresh *self);

G_END_DECLS
