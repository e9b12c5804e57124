/* phonesec-proxy-fresh.h: after a proxy change, keeps the shared
 * SoupSession from reusing connections made under the old setting.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

#define PHONESEC_TYPE_PROXY_FRESH (phonesec_proxy_fresh_get_type ())
G_DECLARE_FINAL_TYPE (PhonesecProxyFresh, phonesec_proxy_fresh, PHONESEC, PROXY_FRESH, GObject)

PhonesecProxyFresh *phonesec_proxy_fresh_new (SoupSession *session);
/* The resolver's answers changed: connections open now are old. */
void phonesec_proxy_fresh_proxy_changed (PhonesecProxyFresh *self);
/* Disconnects from the session. */
void phonesec_proxy_fresh_stop (PhonesecProxyFresh *self);

G_END_DECLS
