/* phonesec-netd-resolver.h: the network service's GProxyResolver: every
 * lookup is a question to phonesecd, whose proxy slot the http-proxy
 * plugin fills (Off, Manual, or its PAC helper's answer). Proxy decisions
 * stay there; the helper only follows them.
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "phonesec-netd-link.h"

G_BEGIN_DECLS

#define PHONESEC_TYPE_NETD_RESOLVER (phonesec_netd_resolver_get_type ())
G_DECLARE_FINAL_TYPE (PhonesecNetdResolver, phonesec_netd_resolver, PHONESEC, NETD_RESOLVER,
                      GObject)

/* @link: where questions go (not owned: it outlives the resolver's use). */
PhonesecNetdResolver *phonesec_netd_resolver_new (PhonesecNetdLink *link);
/* The daemon's answer to lookup @id: @proxies (transfer none), or NULL
 * when it had none (the connection then fails). */
void phonesec_netd_resolver_answer (PhonesecNetdResolver *self, guint32 id,
                                    const char *const *proxies);

G_END_DECLS
