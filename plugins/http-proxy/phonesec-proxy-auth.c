/* phonesec-proxy-auth.c: proxy authentication for the shared SoupSession.
 *
 * libsoup 3 emits SoupMessage::authenticate for a 407 with an auth whose
 * is_for_proxy is TRUE; "retrying" means the credentials given before were
 * refused. Some proxies (tinyproxy 1.11) refuse wrong credentials with a
 * 401 and WWW-Authenticate instead of a second 407: libsoup takes that for
 * the origin server's challenge. We recognise it as the proxy's when the
 * request carried our Proxy-Authorization and the realm is the proxy's (or
 * the request was the CONNECT of a tunnel), cancel it, and report a proxy
 * authentication failure. Every path answers once: no request loops.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-proxy-auth.h"

#include <glib/gi18n-lib.h>

struct _PhonesecProxyAuth
{
  GObject parent_instance;

  SoupSession *session;
  gulong queued_id;
  PhonesecProxyAuthReport report;
  gpointer report_data;

  gboolean enabled;
  char *username;
  PhonesecSecret *password;
  gboolean fips;
  char *proxy_realm; /* the realm of the last proxy challenge */
};

G_DEFINE_FINAL_TYPE (PhonesecProxyAuth, phonesec_proxy_auth, G_TYPE_OBJECT)

static void
report (PhonesecProxyAuth *self, const char *problem)
{
  if (problem != NULL)
    g_message ("Proxy authentication: %s", problem);
  self->report (problem, self->report_data);
}

static gboolean
sent_proxy_credentials (SoupMessage *message)
{
  return soup_message_headers_get_one (soup_message_get_request_headers (message),
                                       "Proxy-Authorization")
         != NULL;
}

static gboolean
answer_proxy_challenge (PhonesecProxyAuth *self, SoupMessage *message, SoupAuth *auth,
                        gboolean retrying)
{
  const char *scheme = soup_auth_get_scheme_name (auth);

  g_free (self->proxy_realm);
  self->proxy_realm = g_strdup (soup_auth_get_realm (auth));
  if (!self->enabled)
    report (self, _ ("The proxy asks for a user name and password (HTTP 407) but "
                     "Proxy_Server_Requires_Authentication is No (or Proxy_Mode is not "
                     "Manual): proxy authentication required"));
  else if (retrying)
    report (self, _ ("Proxy authentication failed: the proxy refused Proxy_Username and "
                     "Proxy_Password (HTTP 407)"));
  else if (self->username == NULL || *self->username == '\0')
    report (self, _ ("The proxy asks for a user name and password but Proxy_Username is empty"));
  else if (self->fips && g_ascii_strcasecmp (scheme, "Digest") == 0)
    report (self, _ ("The proxy asks for Digest authentication, which FIPS_Mode does not "
                     "allow (MD5); use Basic over a trusted network or turn FIPS_Mode off"));
  else
    {
      g_debug ("Answering the proxy's %s challenge as Proxy_Username", scheme);
      soup_auth_authenticate (auth, self->username,
                              self->password != NULL ? phonesec_secret_peek (self->password) : "");
      return TRUE;
    }
  soup_auth_cancel (auth);
  return TRUE;
}

static gboolean
on_authenticate (SoupMessage *message, SoupAuth *auth, gboolean retrying, gpointer user_data)
{
  PhonesecProxyAuth *self = user_data;
  gboolean connect;

  if (soup_auth_is_for_proxy (auth))
    return answer_proxy_challenge (self, message, auth, retrying);

  /* A 401: the origin server's, unless it is a proxy refusing our
   * credentials the tinyproxy way. */
  connect = g_strcmp0 (soup_message_get_method (message), SOUP_METHOD_CONNECT) == 0;
  if (connect
      || (self->enabled && sent_proxy_credentials (message) && self->proxy_realm != NULL
          && g_strcmp0 (soup_auth_get_realm (auth), self->proxy_realm) == 0))
    {
      report (self, _ ("Proxy authentication failed: the proxy refused Proxy_Username and "
                       "Proxy_Password (HTTP 401)"));
      soup_auth_cancel (auth);
      return TRUE;
    }
  return FALSE; /* someone else's server credentials, if anyone has them */
}

static void
on_finished (SoupMessage *message, gpointer user_data)
{
  PhonesecProxyAuth *self = user_data;
  guint status = soup_message_get_status (message);

  if (status != SOUP_STATUS_NONE && status != SOUP_STATUS_UNAUTHORIZED
      && status != SOUP_STATUS_PROXY_AUTHENTICATION_REQUIRED && sent_proxy_credentials (message))
    report (self, NULL);
}

static void
on_request_queued (SoupSession *session, SoupMessage *message, gpointer user_data)
{
  PhonesecProxyAuth *self = user_data;

  g_signal_connect_object (message, "authenticate", G_CALLBACK (on_authenticate), self, 0);
  g_signal_connect_object (message, "finished", G_CALLBACK (on_finished), self, 0);
}

void
phonesec_proxy_auth_configure (PhonesecProxyAuth *self, gboolean enabled, const char *username,
                               PhonesecSecret *password, gboolean fips)
{
  SoupSessionFeature *manager;

  g_return_if_fail (PHONESEC_IS_PROXY_AUTH (self));
  self->enabled = enabled;
  g_free (self->username);
  self->username = g_strdup (username);
  g_clear_pointer (&self->password, phonesec_secret_unref);
  self->password = password != NULL ? phonesec_secret_ref (password) : NULL;
  self->fips = fips;
  g_clear_pointer (&self->proxy_realm, g_free);
  /* Cached credentials would go on being sent preemptively. */
  manager = self->session != NULL ? soup_session_get_feature (self->session, SOUP_TYPE_AUTH_MANAGER)
                                  : NULL;
  if (manager != NULL)
    soup_auth_manager_clear_cached_credentials (SOUP_AUTH_MANAGER (manager));
}

void
phonesec_proxy_auth_stop (PhonesecProxyAuth *self)
{
  g_return_if_fail (PHONESEC_IS_PROXY_AUTH (self));
  if (self->session != NULL)
    g_clear_signal_handler (&self->queued_id, self->session);
  g_clear_object (&self->session);
  self->enabled = FALSE;
  g_clear_pointer (&self->password, phonesec_secret_unref);
}

static void
phonesec_proxy_auth_finalize (GObject *object)
{
  PhonesecProxyAuth *self = PHONESEC_PROXY_AUTH (object);

  phonesec_proxy_auth_stop (self);
  g_free (self->username);
  g_free (self->proxy_realm);
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
phonesec_proxy_auth_new (SoupSession *session, PhonesecProxyAuthReport report_func,
                         gpointer user_data)
{
  PhonesecProxyAuth *self = g_object_new (PHONESEC_TYPE_PROXY_AUTH, NULL);

  self->session = g_object_ref (session);
  self->report = report_func;
  self->report_data = user_data;
  self->queued_id
      = g_signal_connect (session, "request-queued", G_CALLBACK (on_request_queued), self);
  return self;
}
