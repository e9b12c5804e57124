/* phonesec-netd-proxy-auth.c: proxy authentication for the network
 * service's SoupSession, with the credentials and settings the http-proxy
 * plugin gives phonesecd (phonesec_http_client_set_proxy_auth()).
 *
 * libsoup 3 emits SoupMessage::authenticate for a 407 with an auth whose
 * is_for_proxy is TRUE. Some proxies (tinyproxy 1.11) refuse wrong
 * credentials with a 401 and WWW-Authenticate instead of a second 407:
 * libsoup takes that for the origin server's challenge. We recognise it as
 * the proxy's when the request carried our Proxy-Authorization and the
 * realm is the proxy's (or the request was the CONNECT of a tunnel),
 * cancel it, and report a proxy authentication failure. Every path answers
 * once: no request loops.
 *
 * Where the credentials go. libsoup keeps one proxy SoupAuth per session
 * and, once it is authenticated, its auth manager puts it on every request
 * it starts ("starting"): direct ones, ones to any proxy, and the requests
 * inside a CONNECT tunnel, which are read by the origin server, not the
 * proxy. soup_auth_manager_clear_cached_credentials() does not forget it.
 * So the header is decided here, per request, in our "starting" handler,
 * which runs after the auth manager's (features connect when a request is
 * queued, before "request-queued" is emitted): Proxy-Authorization stays
 * only on a request that the proxy the credentials are for reads itself
 * (an absolute-URI request, or a CONNECT, on a connection to that proxy),
 * once that proxy has asked for them (407) under the current settings, and
 * while authentication is on with a user name. Everything else leaves
 * without it. A challenge from any other proxy is not answered.
 *
 * libsoup's auth object is remembered here and given the new credentials
 * when the settings change (sent preemptively to the proxy that asked), or
 * empty ones when authentication is off so that the password does not stay
 * in it; such a header is never sent (see above). A proxy challenge is
 * never cancelled (that would poison the cached object for good): refusing
 * is returning FALSE unanswered.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-netd-proxy-auth.h"

#include <string.h>

struct _PhonesecNetdProxyAuth
{
  GObject parent_instance;

  SoupSession *session;
  gulong queued_id;
  PhonesecNetdProxyAuthReport report;
  gpointer report_data;

  gboolean enabled;
  char *proxy_uri; /* the proxy the credentials are for, as the resolver names it */
  char *username;
  char *password;
  gboolean fips;
  gboolean asked;      /* proxy_uri asked for credentials under these settings */
  char *proxy_realm;   /* the realm of the last proxy challenge */
  GWeakRef proxy_auth; /* libsoup's cached proxy SoupAuth */
  guint generation;    /* of the settings; bumped by configure() */
  /* Connection id → generation of the credentials its CONNECT carried,
   * for the CONNECTs in flight (see carried_credentials()). */
  GHashTable *tunnels;
};

/* On a request: the generation of the credentials it carried, 0: none. */
#define CARRIED_KEY "phonesec-proxy-auth-carried"

G_DEFINE_FINAL_TYPE (PhonesecNetdProxyAuth, phonesec_netd_proxy_auth, G_TYPE_OBJECT)

/* The plugin turns each event into its LastError (and logs it). */
static void
report (PhonesecNetdProxyAuth *self, PhonesecProxyAuthEvent event)
{
  self->report (event, self->report_data);
}

static gboolean
sent_proxy_credentials (SoupMessage *message)
{
  return soup_message_headers_get_one (soup_message_get_request_headers (message),
                                       "Proxy-Authorization")
         != NULL;
}

static gboolean
is_connect (SoupMessage *message)
{
  return g_strcmp0 (soup_message_get_method (message), SOUP_METHOD_CONNECT) == 0;
}

/* The HTTP proxy @message's connection goes through (the URI the resolver
 * gave GIO for it), or NULL: direct, or a SOCKS proxy, which never reads
 * HTTP headers. */
static const char *
connection_proxy (SoupMessage *message)
{
  GSocketAddress *remote = soup_message_get_remote_address (message);

  if (remote == NULL || !G_IS_PROXY_ADDRESS (remote)
      || g_strcmp0 (g_proxy_address_get_protocol (G_PROXY_ADDRESS (remote)), "http") != 0)
    return NULL;
  return g_proxy_address_get_uri (G_PROXY_ADDRESS (remote));
}

/* Through a proxy, libsoup opens a tunnel for https:// and wss:// (as its
 * connection does): what goes inside is the origin server's to read. */
static gboolean
is_tunnelled (SoupMessage *message)
{
  const char *scheme = g_uri_get_scheme (soup_message_get_uri (message));

  return g_ascii_strcasecmp (scheme, "https") == 0 || g_ascii_strcasecmp (scheme, "wss") == 0;
}

static gboolean
via_our_proxy (PhonesecNetdProxyAuth *self, SoupMessage *message)
{
  return self->proxy_uri != NULL && g_strcmp0 (connection_proxy (message), self->proxy_uri) == 0;
}

static gboolean
have_credentials (PhonesecNetdProxyAuth *self)
{
  return self->enabled && self->username != NULL && *self->username != '\0';
}

/* The generation of the credentials the attempt now challenged carried, 0
 * when it carried none (libsoup's "retrying" only says its cached auth was
 * ready, not that our "starting" handler let it go). A CONNECT's challenge
 * is signalled on the request it opens the tunnel for; both use the same
 * connection. */
static guint
carried_credentials (PhonesecNetdProxyAuth *self, SoupMessage *message)
{
  if (is_tunnelled (message) && !is_connect (message))
    {
      guint64 id = soup_message_get_connection_id (message);

      return GPOINTER_TO_UINT (g_hash_table_lookup (self->tunnels, &id));
    }
  return GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (message), CARRIED_KEY));
}

static void
give_credentials (PhonesecNetdProxyAuth *self, SoupAuth *auth)
{
  gboolean usable = have_credentials (self);

  soup_auth_authenticate (auth, usable ? self->username : "",
                          usable && self->password != NULL ? self->password : "");
}

static gboolean
answer_proxy_challenge (PhonesecNetdProxyAuth *self, SoupMessage *message, SoupAuth *auth)
{
  const char *scheme = soup_auth_get_scheme_name (auth);
  gboolean ours = via_our_proxy (self, message);

  g_weak_ref_set (&self->proxy_auth, auth);
  g_free (self->proxy_realm);
  self->proxy_realm = g_strdup (soup_auth_get_realm (auth));
  if (ours)
    self->asked = TRUE;
  if (!self->enabled)
    report (self, PHONESEC_PROXY_AUTH_NOT_ENABLED_407);
  /* A connection to a proxy used before the settings changed. */
  else if (!ours)
    g_debug ("Not answering a %s challenge from a proxy the credentials are not for", scheme);
  /* Refused although they are the current credentials: wrong ones. */
  else if (carried_credentials (self, message) == self->generation)
    report (self, PHONESEC_PROXY_AUTH_REFUSED_407);
  else if (!have_credentials (self))
    report (self, PHONESEC_PROXY_AUTH_NO_USERNAME);
  else if (self->fips && g_ascii_strcasecmp (scheme, "Digest") == 0)
    report (self, PHONESEC_PROXY_AUTH_DIGEST_FIPS);
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
  PhonesecNetdProxyAuth *self = user_data;

  if (soup_auth_is_for_proxy (auth))
    return answer_proxy_challenge (self, message, auth);

  /* A 401: the origin server's, unless it is a proxy refusing our
   * credentials the tinyproxy way. */
  if (is_connect (message)
      || (sent_proxy_credentials (message) && self->proxy_realm != NULL
          && g_strcmp0 (soup_auth_get_realm (auth), self->proxy_realm) == 0))
    {
      if (!self->enabled)
        report (self, PHONESEC_PROXY_AUTH_NOT_ENABLED_401);
      else if (self->username == NULL || *self->username == '\0')
        report (self, PHONESEC_PROXY_AUTH_NO_USERNAME);
      else
        report (self, PHONESEC_PROXY_AUTH_REFUSED_401);
      soup_auth_cancel (auth);
      return TRUE;
    }
  return FALSE; /* someone else's server credentials, if anyone has them */
}

/* After libsoup's auth manager put its cached proxy auth on @message (see
 * the top of this file): the header stays only where it belongs. */
static void
on_starting (SoupMessage *message, gpointer user_data)
{
  PhonesecNetdProxyAuth *self = user_data;
  gboolean read_by_proxy = is_connect (message) || !is_tunnelled (message);
  guint carried;

  if (!(have_credentials (self) && self->asked && read_by_proxy && via_our_proxy (self, message)))
    soup_message_headers_remove (soup_message_get_request_headers (message), "Proxy-Authorization");
  carried = sent_proxy_credentials (message) ? self->generation : 0;
  if (is_connect (message))
    {
      guint64 id = soup_message_get_connection_id (message);

      g_hash_table_insert (self->tunnels, g_memdup2 (&id, sizeof id), GUINT_TO_POINTER (carried));
    }
  else
    g_object_set_data (G_OBJECT (message), CARRIED_KEY, GUINT_TO_POINTER (carried));
}

static void
on_finished (SoupMessage *message, gpointer user_data)
{
  PhonesecNetdProxyAuth *self = user_data;
  guint status = soup_message_get_status (message);

  if (is_connect (message))
    {
      guint64 id = soup_message_get_connection_id (message);

      g_hash_table_remove (self->tunnels, &id);
    }
  if (status != SOUP_STATUS_NONE && status != SOUP_STATUS_UNAUTHORIZED
      && status != SOUP_STATUS_PROXY_AUTHENTICATION_REQUIRED && sent_proxy_credentials (message))
    report (self, PHONESEC_PROXY_AUTH_ACCEPTED);
}

static void
on_request_queued (SoupSession *session, SoupMessage *message, gpointer user_data)
{
  PhonesecNetdProxyAuth *self = user_data;

  g_signal_connect_object (message, "starting", G_CALLBACK (on_starting), self, 0);
  g_signal_connect_object (message, "authenticate", G_CALLBACK (on_authenticate), self, 0);
  g_signal_connect_object (message, "finished", G_CALLBACK (on_finished), self, 0);
}

void
phonesec_netd_proxy_auth_configure (PhonesecNetdProxyAuth *self, gboolean enabled,
                                    const char *proxy_uri, const char *username,
                                    const char *password, gboolean fips)
{
  g_autoptr (SoupAuth) cached = NULL;

  g_return_if_fail (PHONESEC_IS_NETD_PROXY_AUTH (self));
  /* A proxy asks before it gets anything; another proxy asks anew. */
  if (!enabled || g_strcmp0 (proxy_uri, self->proxy_uri) != 0)
    self->asked = FALSE;
  self->enabled = enabled;
  g_free (self->proxy_uri);
  self->proxy_uri = g_strdup (proxy_uri);
  g_free (self->username);
  self->username = g_strdup (username);
  if (self->password != NULL)
    explicit_bzero (self->password, strlen (self->password));
  g_free (self->password);
  self->password = g_strdup (password);
  self->fips = fips;
  self->generation++;
  g_hash_table_remove_all (self->tunnels);
  /* What libsoup will offer from now on. */
  cached = g_weak_ref_get (&self->proxy_auth);
  if (cached != NULL)
    give_credentials (self, cached);
}

void
phonesec_netd_proxy_auth_stop (PhonesecNetdProxyAuth *self)
{
  g_return_if_fail (PHONESEC_IS_NETD_PROXY_AUTH (self));
  if (self->session != NULL)
    g_clear_signal_handler (&self->queued_id, self->session);
  g_clear_object (&self->session);
  /* libsoup's cached proxy auth outlives us: leave no password in it. */
  phonesec_netd_proxy_auth_configure (self, FALSE, NULL, NULL, NULL, FALSE);
}

static void
phonesec_netd_proxy_auth_finalize (GObject *object)
{
  PhonesecNetdProxyAuth *self = PHONESEC_NETD_PROXY_AUTH (object);

  phonesec_netd_proxy_auth_stop (self);
  g_weak_ref_clear (&self->proxy_auth);
  g_hash_table_unref (self->tunnels);
  g_free (self->proxy_uri);
  g_free (self->username);
  g_free (self->proxy_realm);
  G_OBJECT_CLASS (phonesec_netd_proxy_auth_parent_class)->finalize (object);
}

static void
phonesec_netd_proxy_auth_class_init (PhonesecNetdProxyAuthClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = phonesec_netd_proxy_auth_finalize;
}

static void
phonesec_netd_proxy_auth_init (PhonesecNetdProxyAuth *self)
{
  g_weak_ref_init (&self->proxy_auth, NULL);
  self->tunnels = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

PhonesecNetdProxyAuth *
phonesec_netd_proxy_auth_new (SoupSession *session, PhonesecNetdProxyAuthReport report_func,
                              gpointer user_data)
{
  PhonesecNetdProxyAuth *self = g_object_new (PHONESEC_TYPE_NETD_PROXY_AUTH, NULL);

  self->session = g_object_ref (session);
  self->report = report_func;
  self->report_data = user_data;
  self->queued_id
      = g_signal_connect (session, "request-queued", G_CALLBACK (on_request_queued), self);
  return self;
}
