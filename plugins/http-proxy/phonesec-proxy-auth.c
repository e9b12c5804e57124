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
 * libsoup keeps one proxy SoupAuth per session and sends it preemptively
 * with every later request, to whatever proxy is in use;
 * soup_auth_manager_clear_cached_credentials() does not forget it. So the
 * object is remembered here and, when the settings change, given the new
 * credentials at once — or an empty user name and password when
 * authentication is off, so an old password never goes to a new proxy.
 * A proxy challenge is never cancelled (that would poison the cached
 * object for good): refusing is returning FALSE unanswered.
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
  char *proxy_realm;   /* the realm of the last proxy challenge */
  GWeakRef proxy_auth; /* libsoup's cached proxy SoupAuth */
  guint generation;    /* of the settings; bumped by configure() */
};

#define GENERATION_KEY "phonesec-proxy-auth-generation"

G_DEFINE_FINAL_TYPE (PhonesecProxyAuth, phonesec_proxy_auth, G_TYPE_OBJECT)

/* The plugin logs what it shows in LastError (once per new message). */
static void
report (PhonesecProxyAuth *self, const char *problem)
{
  self->report (problem, self->report_data);
}

static gboolean
sent_proxy_credentials (SoupMessage *message)
{
  return soup_message_headers_get_one (soup_message_get_request_headers (message),
                                       "Proxy-Authorization")
         != NULL;
}

static void
give_credentials (PhonesecProxyAuth *self, SoupAuth *auth)
{
  gboolean usable = self->enabled && self->username != NULL && *self->username != '\0';

  soup_auth_authenticate (auth, usable ? self->username : "",
                          usable && self->password != NULL ? phonesec_secret_peek (self->password)
                                                           : "");
  g_object_set_data (G_OBJECT (auth), GENERATION_KEY, GUINT_TO_POINTER (self->generation));
}

static gboolean
answer_proxy_challenge (PhonesecProxyAuth *self, SoupMessage *message, SoupAuth *auth,
                        gboolean retrying)
{
  const char *scheme = soup_auth_get_scheme_name (auth);
  guint given = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (auth), GENERATION_KEY));

  g_weak_ref_set (&self->proxy_auth, auth);
  g_free (self->proxy_realm);
  self->proxy_realm = g_strdup (soup_auth_get_realm (auth));
  if (!self->enabled)
    report (self, _ ("The proxy asks for a user name and password (HTTP 407) but "
                     "Proxy_Server_Requires_Authentication is No (or Proxy_Mode is not "
                     "Manual): proxy authentication required"));
  /* Refused although they are the current credentials: wrong ones. */
  else if (retrying && given == self->generation)
    report (self, _ ("Proxy authentication failed: the proxy refused Proxy_Username and "
                     "Proxy_Password (HTTP 407)"));
  else if (self->username == NULL || *self->username == '\0')
    report (self,
            _ ("Proxy authentication required: the proxy asks for a user name and password but "
               "Proxy_Username is empty"));
  else if (self->fips && g_ascii_strcasecmp (scheme, "Digest") == 0)
    report (self, _ ("The proxy asks for Digest authentication, which FIPS_Mode does not "
                     "allow (MD5); use Basic over a trusted network or turn FIPS_Mode off"));
  else
    {
      g_debug ("Answering the proxy's %s challenge as Proxy_Username", scheme);
      give_credentials (self, auth);
      return TRUE;
    }
  return FALSE; /* unanswered: the request ends with the proxy's 407 */
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
      || (sent_proxy_credentials (message) && self->proxy_realm != NULL
          && g_strcmp0 (soup_auth_get_realm (auth), self->proxy_realm) == 0))
    {
      if (!self->enabled)
        report (self, _ ("The proxy asks for a user name and password (HTTP 401) but "
                         "Proxy_Server_Requires_Authentication is No (or Proxy_Mode is not "
                         "Manual): proxy authentication required"));
      else if (self->username == NULL || *self->username == '\0')
        report (self,
                _ ("Proxy authentication required: the proxy asks for a user name and password but "
                   "Proxy_Username is empty"));
      else
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
  g_autoptr (SoupAuth) cached = NULL;

  g_return_if_fail (PHONESEC_IS_PROXY_AUTH (self));
  self->enabled = enabled;
  g_free (self->username);
  self->username = g_strdup (username);
  g_clear_pointer (&self->password, phonesec_secret_unref);
  self->password = password != NULL ? phonesec_secret_ref (password) : NULL;
  self->fips = fips;
  self->generation++;
  /* What libsoup will send preemptively from now on. */
  cached = g_weak_ref_get (&self->proxy_auth);
  if (cached != NULL)
    give_credentials (self, cached);
}

void
phonesec_proxy_auth_stop (PhonesecProxyAuth *self)
{
  g_return_if_fail (PHONESEC_IS_PROXY_AUTH (self));
  if (self->session != NULL)
    g_clear_signal_handler (&self->queued_id, self->session);
  g_clear_object (&self->session);
  /* libsoup's cached proxy auth outlives us: leave no password in it. */
  phonesec_proxy_auth_configure (self, FALSE, NULL, NULL, FALSE);
}

static void
phonesec_proxy_auth_finalize (GObject *object)
{
  PhonesecProxyAuth *self = PHONESEC_PROXY_AUTH (object);

  phonesec_proxy_auth_stop (self);
  g_weak_ref_clear (&self->proxy_auth);
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
  g_weak_ref_init (&self->proxy_auth, NULL);
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
