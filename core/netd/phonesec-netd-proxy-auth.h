/* phonesec-netd-proxy-auth.h: answers proxy authentication challenges
 * (Basic, Digest) on the network service's SoupSession, and decides on each
 * request whether Proxy-Authorization may go with it.
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "phonesec/phonesec-http.h"

G_BEGIN_DECLS

#define PHONESEC_TYPE_NETD_PROXY_AUTH (phonesec_netd_proxy_auth_get_type ())
G_DECLARE_FINAL_TYPE (PhonesecNetdProxyAuth, phonesec_netd_proxy_auth, PHONESEC, NETD_PROXY_AUTH,
                      GObject)

/* What happened, for phonesecd (the plugin's LastError). */
typedef void (*PhonesecNetdProxyAuthReport) (PhonesecProxyAuthEvent event, gpointer user_data);

/* Watches every request of @session. */
PhonesecNetdProxyAuth *phonesec_netd_proxy_auth_new (SoupSession *session,
                                                     PhonesecNetdProxyAuthReport report,
                                                     gpointer user_data);

/**
 * phonesec_netd_proxy_auth_configure:
 * @enabled: whether to answer proxy challenges at all
 * @proxy_uri: (nullable): the proxy the credentials are for, as the
 *   resolver names it (`http://host:port`); no other proxy is answered,
 *   nor ever sent them
 * @fips: Digest (MD5) is refused
 *
 * Takes new settings and puts them at once into the proxy auth libsoup
 * cached: the new credentials, or empty ones when authentication is off.
 * Proxy-Authorization goes only to @proxy_uri, on requests it reads itself,
 * once it has asked for credentials (407) under these settings.
 */
void phonesec_netd_proxy_auth_configure (PhonesecNetdProxyAuth *self, gboolean enabled,
                                         const char *proxy_uri, const char *username,
                                         const char *password, gboolean fips);

/* Disconnects from the session. */
void phonesec_netd_proxy_auth_stop (PhonesecNetdProxyAuth *self);

G_END_DECLS
