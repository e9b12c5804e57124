/* phonesec-netd-service.c: see the header.
 *
 * phonesecd is the trusted side of the channel, but its frames are
 * checked all the same; one that makes no sense ends the helper (a bug in
 * phonesecd, which then starts a new one). Logs go to phonesecd as LOG
 * frames, so that they land in its log (masked, kept with crash reports)
 * rather than on a terminal nobody reads.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "phonesec-netd-fresh.h"
#include "phonesec-netd-link.h"
#include "phonesec-netd-proxy-auth.h"
#include "phonesec-netd-request.h"
#include "phonesec-netd-resolver.h"
#include "phonesec-netd-service.h"
#include "phonesec-netd-tls-guard.h"
#include "phonesec-netd-trust.h"

/* Requests under way at once; more fail at once. */
#define MAX_REQUESTS 256

struct _PhonesecNetdService
{
  GMainLoop *loop;
  PhonesecNetdLink *link;
  SoupSession *session;
  PhonesecNetdResolver *resolver;
  PhonesecNetdTlsGuard *guard;
  PhonesecNetdProxyAuth *auth;
  PhonesecNetdFresh *fresh;
  GHashTable *requests; /* id → PhonesecNetdRequest* */
  PhonesecNetdRequestHost request_host;
  int trust_fd; /* the trust store's memory file, or -1 */
  gboolean verbose;
};

/* The log writer's way to phonesecd. */
static PhonesecNetdService *log_target;

/* --- logs --------------------------------------------------------------------------- */

static GLogWriterOutput
write_log (GLogLevelFlags level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  const char *message = NULL;
  const char *domain = NULL;
  PhonesecNetdLogLevel netd_level;
  g_autofree char *line = NULL;
  g_autofree char *valid = NULL;
  g_autoptr (GBytes) frame = NULL;

  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0)
      message = fields[i].value;
    else if (g_str_equal (fields[i].key, "GLIB_DOMAIN") && fields[i].length < 0)
      domain = fields[i].value;
  if (message == NULL)
    return G_LOG_WRITER_HANDLED;
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    netd_level = PHONESEC_NETD_LOG_WARNING;
  else if (level & (G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO))
    netd_level = PHONESEC_NETD_LOG_MESSAGE;
  else if (log_target != NULL && log_target->verbose)
    netd_level = PHONESEC_NETD_LOG_DEBUG;
  else
    return G_LOG_WRITER_HANDLED;
  line = domain != NULL && !g_str_equal (domain, "phonesec-netd")
             ? g_strdup_printf ("%s: %s", domain, message)
             : g_strdup (message);
  if (log_target == NULL || log_target->link == NULL)
    {
      fprintf (stderr, "phonesec-netd: %s\n", line);
      return G_LOG_WRITER_HANDLED;
    }
  valid = g_utf8_make_valid (line, MIN (strlen (line), PHONESEC_NETD_MAX_MESSAGE));
  frame = phonesec_netd_frame_new_variant (PHONESEC_NETD_TO_DAEMON_LOG, 0,
                                           g_variant_new ("(us)", netd_level, valid), FALSE);
  phonesec_netd_link_send (log_target->link, frame);
  return G_LOG_WRITER_HANDLED;
}

/* --- frames from phonesecd ---------------------------------------------------------- */

static void
on_auth_event (PhonesecProxyAuthEvent event, gpointer user_data)
{
  PhonesecNetdService *self = user_data;
  g_autoptr (GBytes) frame = phonesec_netd_frame_new_variant (
      PHONESEC_NETD_TO_DAEMON_AUTH_EVENT, 0, g_variant_new ("(u)", (guint32) event), FALSE);

  phonesec_netd_link_send (self->link, frame);
}

static gboolean
bad (GError **error, const char *what)
{
  g_set_error (error, PHONESEC_NETD_ERROR, PHONESEC_NETD_ERROR_ORDER, "phonesecd sent %s", what);
  return FALSE;
}

static gboolean
on_trust (PhonesecNetdService *self, const PhonesecNetdFrame *frame)
{
  g_autoptr (GError) error = NULL;
  int fd = -1;
  g_autoptr (GTlsDatabase) database
      = phonesec_netd_trust_load (frame->payload, frame->length, &fd, &error);

  if (database == NULL && frame->length == 0)
    g_message ("No trust store: every TLS connection is refused");
  else if (database == NULL)
    g_warning ("No trust store: every TLS connection is refused (%s)", error->message);
  /* NULL fails every handshake here, and the guard refuses the rest. */
  soup_session_set_tls_database (self->session, database);
  phonesec_netd_tls_guard_set_database (self->guard, database);
  /* The old database may still serve a connection: its file stays. */
  if (fd >= 0)
    self->trust_fd = fd;
  return TRUE;
}

static gboolean
on_config (PhonesecNetdService *self, const PhonesecNetdFrame *frame, GError **error)
{
  g_autoptr (GVariant) value = phonesec_netd_frame_parse (frame, PHONESEC_NETD_TYPE_CONFIG, error);
  const char *user_agent = NULL, *min_version = "TLS 1.1", *cipher_list = "";
  guint32 timeout = 60;
  gboolean fips = FALSE;

  if (value == NULL)
    return FALSE;
  g_variant_lookup (value, "user-agent", "&s", &user_agent);
  g_variant_lookup (value, "timeout", "u", &timeout);
  g_variant_lookup (value, "min-version", "&s", &min_version);
  g_variant_lookup (value, "cipher-list", "&s", &cipher_list);
  g_variant_lookup (value, "fips", "b", &fips);
  g_variant_lookup (value, "verbose", "b", &self->verbose);
  if (user_agent != NULL)
    g_object_set (self->session, "user-agent", user_agent, NULL);
  g_object_set (self->session, "timeout", CLAMP (timeout, 1, 3600), NULL);
  phonesec_netd_tls_guard_configure (self->guard, min_version, cipher_list, fips);
  self->request_host.fips = fips;
  return TRUE;
}

static gboolean
on_request (PhonesecNetdService *self, const PhonesecNetdFrame *frame, GError **error)
{
  g_autoptr (GVariant) value = phonesec_netd_frame_parse (frame, PHONESEC_NETD_TYPE_REQUEST, error);
  PhonesecNetdRequest *request;

  if (value == NULL)
    return FALSE;
  if (frame->id == 0 || g_hash_table_contains (self->requests, GUINT_TO_POINTER (frame->id)))
    return bad (error, "a request id in use");
  if (g_hash_table_size (self->requests) >= MAX_REQUESTS)
    {
      g_autoptr (GBytes) fail = phonesec_netd_frame_new_variant (
          PHONESEC_NETD_TO_DAEMON_FAIL, frame->id,
          g_variant_new ("(uus)", PHONESEC_NETD_FAIL_REQUEST, 0,
                         _ ("too many requests under way at once")),
          FALSE);

      phonesec_netd_link_send (self->link, fail);
      return TRUE;
    }
  request = phonesec_netd_request_start (&self->request_host, frame->id, value);
  if (phonesec_netd_request_is_finished (request))
    phonesec_netd_request_unref (request);
  else
    g_hash_table_insert (self->requests, GUINT_TO_POINTER (frame->id), request);
  return TRUE;
}

static gboolean
on_proxy_answer (PhonesecNetdService *self, const PhonesecNetdFrame *frame, GError **error)
{
  g_autoptr (GVariant) value
      = phonesec_netd_frame_parse (frame, PHONESEC_NETD_TYPE_PROXY_ANSWER, error);
  g_autofree const char **proxies = NULL;

  if (value == NULL)
    return FALSE;
  g_variant_get (value, "(^a&s)", &proxies);
  phonesec_netd_resolver_answer (self->resolver, frame->id, proxies[0] != NULL ? proxies : NULL);
  return TRUE;
}

static gboolean
on_proxy_auth (PhonesecNetdService *self, const PhonesecNetdFrame *frame, GError **error)
{
  g_autoptr (GVariant) value
      = phonesec_netd_frame_parse (frame, PHONESEC_NETD_TYPE_PROXY_AUTH, error);
  const char *proxy, *user, *password;
  gboolean enabled, fips;

  if (value == NULL)
    return FALSE;
  g_variant_get (value, "(b&s&s&sb)", &enabled, &proxy, &user, &password, &fips);
  phonesec_netd_proxy_auth_configure (self->auth, enabled, proxy[0] != '\0' ? proxy : NULL, user,
                                      password, fips);
  return TRUE;
}

static gboolean
on_body_file (PhonesecNetdService *self, PhonesecNetdRequest *request,
              const PhonesecNetdFrame *frame, GError **error)
{
  g_autoptr (GVariant) value
      = phonesec_netd_frame_parse (frame, PHONESEC_NETD_TYPE_BODY_FILE, error);
  guint64 offset, length;

  if (value == NULL)
    return FALSE;
  g_variant_get (value, "(tt)", &offset, &length);
  phonesec_netd_request_body_file (request, phonesec_netd_link_take_fd (self->link), offset,
                                   length);
  return TRUE;
}

static gboolean
on_credit (PhonesecNetdRequest *request, const PhonesecNetdFrame *frame, GError **error)
{
  g_autoptr (GVariant) value = phonesec_netd_frame_parse (frame, PHONESEC_NETD_TYPE_CREDIT, error);
  guint32 more;

  if (value == NULL)
    return FALSE;
  g_variant_get (value, "(u)", &more);
  phonesec_netd_request_credit (request, more);
  return TRUE;
}

/* A frame about one request; one that is over is not news (a CANCEL
 * crossed its END), but a descriptor that came for it goes. */
static gboolean
on_request_frame (PhonesecNetdService *self, const PhonesecNetdFrame *frame, GError **error)
{
  PhonesecNetdRequest *request = g_hash_table_lookup (self->requests, GUINT_TO_POINTER (frame->id));
  gboolean ok = TRUE;

  if (request == NULL)
    {
      if (frame->type == PHONESEC_NETD_TO_HELPER_BODY_FILE)
        {
          int fd = phonesec_netd_link_take_fd (self->link);
          if (fd >= 0)
            close (fd);
        }
      return TRUE;
    }
  phonesec_netd_request_ref (request);
  switch (frame->type)
    {
      case PHONESEC_NETD_TO_HELPER_BODY_DATA:
        phonesec_netd_request_body_data (request, frame->payload, frame->length);
        break;
      case PHONESEC_NETD_TO_HELPER_BODY_END:
        phonesec_netd_request_body_end (request);
        break;
      case PHONESEC_NETD_TO_HELPER_BODY_REWOUND:
        phonesec_netd_request_body_rewound (request);
        break;
      case PHONESEC_NETD_TO_HELPER_CLIENT_CERT:
        phonesec_netd_request_client_cert (request, frame->payload, frame->length);
        break;
      case PHONESEC_NETD_TO_HELPER_BODY_FILE:
        ok = on_body_file (self, request, frame, error);
        break;
      case PHONESEC_NETD_TO_HELPER_CREDIT:
        ok = on_credit (request, frame, error);
        break;
      case PHONESEC_NETD_TO_HELPER_CANCEL:
        phonesec_netd_request_cancel (request);
        break;
      default:
        ok = bad (error, "an unknown frame");
    }
  phonesec_netd_request_unref (request);
  return ok;
}

static gboolean
on_frame (const PhonesecNetdFrame *frame, gpointer user_data, GError **error)
{
  PhonesecNetdService *self = user_data;

  switch (frame->type)
    {
      case PHONESEC_NETD_TO_HELPER_TRUST:
        return on_trust (self, frame);
      case PHONESEC_NETD_TO_HELPER_CONFIG:
        return on_config (self, frame, error);
      case PHONESEC_NETD_TO_HELPER_REQUEST:
        return on_request (self, frame, error);
      case PHONESEC_NETD_TO_HELPER_PROXY_ANSWER:
        return on_proxy_answer (self, frame, error);
      case PHONESEC_NETD_TO_HELPER_PROXY_AUTH:
        return on_proxy_auth (self, frame, error);
      case PHONESEC_NETD_TO_HELPER_PROXY_CHANGED:
        phonesec_netd_fresh_proxy_changed (self->fresh);
        return TRUE;
      case PHONESEC_NETD_TO_HELPER_PING:
        {
          g_autoptr (GBytes) pong
              = phonesec_netd_frame_new (PHONESEC_NETD_TO_DAEMON_PONG, frame->id, NULL, 0);

          phonesec_netd_link_send (self->link, pong);
          return TRUE;
        }
      default:
        break;
    }
  return on_request_frame (self, frame, error);
}

static void
on_closed (const GError *error, gpointer user_data)
{
  PhonesecNetdService *self = user_data;

  /* phonesecd went away or broke the protocol: nothing left to serve. */
  if (error != NULL)
    fprintf (stderr, "phonesec-netd: the channel to phonesecd failed: %s\n", error->message);
  g_main_loop_quit (self->loop);
}

static const PhonesecNetdLinkFuncs link_funcs = {
  .frame = on_frame,
  .closed = on_closed,
};

/* --- API ------------------------------------------------------------------------------- */

/* A request sent its last frame: forget it. */
static void
on_request_done (guint32 id, gpointer data)
{
  PhonesecNetdService *self = data;

  g_hash_table_remove (self->requests, GUINT_TO_POINTER (id));
}

PhonesecNetdService *
phonesec_netd_service_new (int fd, GMainLoop *loop, GError **error)
{
  PhonesecNetdService *self = g_new0 (PhonesecNetdService, 1);

  self->loop = g_main_loop_ref (loop);
  self->link = phonesec_netd_link_new (fd, PHONESEC_NETD_MAX_TO_HELPER, &link_funcs, self, error);
  if (self->link == NULL)
    {
      g_main_loop_unref (self->loop);
      g_free (self);
      return NULL;
    }
  /* Upload bodies come as read-only descriptors of their files. */
  phonesec_netd_link_accept_fds (self->link);
  self->requests
      = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) phonesec_netd_request_unref);
  self->trust_fd = -1;
  self->resolver = phonesec_netd_resolver_new (self->link);
  self->session
      = soup_session_new_with_options ("proxy-resolver", self->resolver, "timeout", 60, NULL);
  /* Until the trust store comes, nothing is trusted. */
  soup_session_set_tls_database (self->session, NULL);
  self->guard = phonesec_netd_tls_guard_new (self->session);
  self->auth = phonesec_netd_proxy_auth_new (self->session, on_auth_event, self);
  self->fresh = phonesec_netd_fresh_new (self->session);
  self->request_host
      = (PhonesecNetdRequestHost){ self->session, self->link, on_request_done, self };
  log_target = self;
  g_log_set_writer_func (write_log, NULL, NULL);
  return self;
}

void
phonesec_netd_service_ready (PhonesecNetdService *self)
{
  g_autoptr (GBytes) frame = phonesec_netd_frame_new_variant (
      PHONESEC_NETD_TO_DAEMON_READY, 0, g_variant_new ("(u)", PHONESEC_NETD_PROTOCOL_VERSION),
      FALSE);

  phonesec_netd_link_send (self->link, frame);
}

void
phonesec_netd_service_free (PhonesecNetdService *self)
{
  if (self == NULL)
    return;
  log_target = NULL;
  g_hash_table_destroy (self->requests);
  phonesec_netd_proxy_auth_stop (self->auth);
  g_clear_object (&self->auth);
  phonesec_netd_fresh_stop (self->fresh);
  g_clear_object (&self->fresh);
  g_clear_pointer (&self->guard, phonesec_netd_tls_guard_free);
  soup_session_abort (self->session);
  g_clear_object (&self->session);
  g_clear_object (&self->resolver);
  g_clear_pointer (&self->link, phonesec_netd_link_free);
  g_main_loop_unref (self->loop);
  g_free (self);
}
