/* phonesec-proxy-auth.h: proxy authentication (Basic, Digest) with
 * Proxy_Username and Proxy_Password for the phone's HTTP client, and clear
 * words when the proxy refuses them.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <phonesec/phonesec.h>

G_BEGIN_DECLS

#define PHONESEC_TYPE_PROXY_AUTH (phonesec_proxy_auth_get_type ())
G_DECLARE_FINAL_TYPE (PhonesecProxyAuth, phonesec_proxy_auth, PHONESEC, PROXY_AUTH, GObject)

/**
 * PhonesecProxyAuthReport:
 * @problem: (nullable): what went wrong (no secret in it), or %NULL when a
 *   request authenticated with the proxy went through
 *
 * Called in the main context.
 */
typedef void (*PhonesecProxyAuthReport) (const char *problem, gpointer user_data);

/* @report is called as described above for what @client's requests meet. */
PhonesecProxyAuth *phonesec_proxy_auth_new (PhonesecHttpClient *client,
                                            PhonesecProxyAuthReport report, gpointer user_data);

/**
 * phonesec_proxy_auth_configure:
 * @enabled: whether to answer proxy challenges at all (Manual mode and
 *   Proxy_Server_Requires_Authentication=Yes)
 * @proxy_uri: (nullable): the proxy the credentials are for, as the
 *   resolver hands it to GIO (`http://Proxy_Host:Proxy_Port`); no other
 *   proxy is answered, nor ever sent them
 * @username: Proxy_Username
 * @password: (nullable): Proxy_Password
 * @fips: FIPS_Mode: Digest (MD5) is refused
 *
 * Hands new settings to the network service, which puts them at once into
 * the proxy auth libsoup cached: the new credentials, or empty ones when
 * authentication is off. Proxy-Authorization goes only to @proxy_uri, on
 * requests it reads itself, once it has asked for credentials (407) under
 * these settings (phonesec_http_client_set_proxy_auth()).
 */
void phonesec_proxy_auth_configure (PhonesecProxyAuth *self, gboolean enabled,
                                    const char *proxy_uri, const char *username,
                                    PhonesecSecret *password, gboolean fips);

/* Takes the credentials back from the network service (the plugin stops). */
void phonesec_proxy_auth_stop (PhonesecProxyAuth *self);

G_END_DECLS
