/* phonesec-proxy-resolver.h: the http-proxy plugin's GProxyResolver, which
 * the plugin installs in the core's proxy slot (so the shared SoupSession
 * and every other GIO client asking the slot follow Proxy_Mode).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PHONESEC_TYPE_PROXY_RESOLVER (phonesec_proxy_resolver_get_type ())
G_DECLARE_FINAL_TYPE (PhonesecProxyResolver, phonesec_proxy_resolver, PHONESEC, PROXY_RESOLVER,
                      GObject)

/**
 * PhonesecProxyAutoFunc:
 * @url: the URL to resolve (never a PAC URL: those go direct)
 * @task: complete it with g_task_return_pointer (GStrv of proxy URIs,
 *   g_strfreev) or an error (the resolver then answers direct://)
 * @user_data: the object given to phonesec_proxy_resolver_set_auto()
 *
 * Resolves @url in Auto mode. Always called in the resolver's main context
 * (the plugin's), whatever thread the lookup came from.
 */
typedef void (*PhonesecProxyAutoFunc) (const char *url, GTask *task, gpointer user_data);

/* @context: where Auto lookups run (the plugin's main context). Starts Off. */
PhonesecProxyResolver *phonesec_proxy_resolver_new (GMainContext *context);

/* Every URL goes direct://. */
void phonesec_proxy_resolver_set_off (PhonesecProxyResolver *self);
/* Every URL goes to @proxy_uri (http://host:port, no credentials). */
void phonesec_proxy_resolver_set_manual (PhonesecProxyResolver *self, const char *proxy_uri);
/* Every URL but the PAC URLs goes to @func; @object is kept referenced
 * until the mode changes. */
void phonesec_proxy_resolver_set_auto (PhonesecProxyResolver *self, PhonesecProxyAutoFunc func,
                                       GObject *object);
/* The PAC URLs (configured, discovered) that always go direct. */
void phonesec_proxy_resolver_set_pac_urls (PhonesecProxyResolver *self,
                                           const char *const *pac_urls);

G_END_DECLS
