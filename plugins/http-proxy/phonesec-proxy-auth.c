/* phonesec-proxy-auth.c: proxy authentication settings for the phone's HTTP
 * client, and what the proxy made of them in words for LastError.
 *
 * The mechanics run in the network service (core/netd/
 * phonesec-netd-proxy-auth.c): it answers Basic and Digest challenges,
 * recognises a proxy that refuses with a 401 (tinyproxy), and lets
 * Proxy-Authorization go only to the proxy the credentials are for, on the
 * requests that proxy reads itself, once it has asked for them under the
 * current settings. This side gives it the settings and tells each event
 * it reports, once, in the admin's words.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-proxy-auth.h"

#include <glib/gi18n-lib.h>

struct _PhonesecProxyAuth
{
  GObject parent_instance;

  PhonesecHttpClient *client;
  gulong event_id;
  PhonesecProxyAuthReport report;
  gpointer report_data;
};

G_DEFINE_FINAL_TYPE (PhonesecProxyAuth, phonesec_proxy_auth, G_TYPE_OBJECT)

static const char *
describe (PhonesecProxyAuthEvent event)
{
  switch (event)
    {
      case PHONESEC_PROXY_AUTH_NOT_ENABLED_407:
        return _ ("The proxy asks for a user name and password (HTTP 407) but "
                  "Proxy_Server_Requires_Authentication is No (or Proxy_Mode is not "
                  "Manual): proxy authentication required");
      case PHONESEC_PROXY_AUTH_NOT_ENABLED_401:
        return _ ("The proxy asks for a user name and password (HTTP 401) but "
                  "Proxy_Server_Requires_Authentication is No (or Proxy_Mode is not "
                  "Manual): proxy authentication required");
      case PHONESEC_PROXY_AUTH_REFUSED_407:
        return _ ("Proxy authentication failed: the proxy refused Proxy_Username and "
                  "Proxy_Password (HTTP 407)");
      case PHONESEC_PROXY_AUTH_REFUSED_401:
        return _ ("Proxy authentication failed: the proxy refused Proxy_Username and "
                  "Proxy_Password (HTTP 401)");
      case PHONESEC_PROXY_AUTH_NO_USERNAME:
        return _ ("Proxy authentication required: the proxy asks for a user name and password "
                  "but Proxy_Username is empty");
      case PHONESEC_PROXY_AUTH_DIGEST_FIPS:
        return _ ("The proxy asks for Digest authentication, which FIPS_Mode does not "
                  "allow (MD5); use Basic over a trusted network or turn FIPS_Mode off");
      case PHONESEC_PROXY_AUTH_ACCEPTED:
      default:
        return NULL;
    }
}

static void
on_event (PhonesecHttpClient *client, guint event, gpointer user_data)
{
  PhonesecProxyAuth *self = user_data;

  self->report (describe (event), self->report_data);
}

void
phonesec_proxy_auth_configure (PhonesecProxyAuth *self, gboolean enabled, const char *proxy_uri,
                               const char *username, PhonesecSecret *password, gboolean fips)
{
  g_return_if_fail (PHONESEC_IS_PROXY_AUTH (self));
  if (self->client != NULL)
    phonesec_http_client_set_proxy_auth (self->client, enabled, proxy_uri, username, password,
                                         fips);
}

void
phonesec_proxy_auth_stop (PhonesecProxyAuth *self)
{
  g_return_if_fail (PHONESEC_IS_PROXY_AUTH (self));
  if (self->client == NULL)
    return;
  g_clear_signal_handler (&self->event_id, self->client);
  /* The network service keeps no password once the plugin is gone. */
  phonesec_http_client_set_proxy_auth (self->client, FALSE, NULL, NULL, NULL, FALSE);
  g_clear_object (&self->client);
}

static void
phonesec_proxy_auth_finalize (GObject *object)
{
  phonesec_proxy_auth_stop (PHONESEC_PROXY_AUTH (object));
  G_OBJECT_CLASS (phonesec_proxy_auth_parent_class)->finalize (object);
}

static void
phonesec_proxy_auth_class_init (PhonesecProxyAuthClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = phonesec_proxy_auth_finalize;
}

static void
phonesec_proxy_auth_init (PhonesecProxyAuth *self)
{
}

PhonesecProxyAuth *
phonesec_proxy_auth_new (PhonesecHttpClient *client, PhonesecProxyAuthReport report_func,
                         gpointer user_data)
{
  PhonesecProxyAuth *self = g_object_new (PHONESEC_TYPE_PROXY_AUTH, NULL);

  self->client = g_object_ref (client);
  self->report = report_func;
  self->report_data = user_data;
  self->event_id = g_signal_connect (client, "proxy-auth-event", G_CALLBACK (on_event), self);
  return self;
}
