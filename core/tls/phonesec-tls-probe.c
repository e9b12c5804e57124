/* phonesec-tls-probe.c: what a connection under the current policy gets.
 *
 * Also the handshake guard of the shared SoupSession: glib-networking takes
 * one priority string per process and a priority string may enable more
 * suites than the admin's OpenSSL list; the guard refuses those.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gi18n-lib.h>
#include <gnutls/x509.h>

#include "phonesec/phonesec-error.h"
#include "phonesec-tls-hostname.h"
#include "phonesec-tls-probe.h"

#define PROBE_TIMEOUT_SECONDS 15
#define GUARD_ERROR_KEY "phonesec-tls-guard-error"

const char *
phonesec_tls_version_name (gnutls_protocol_t version)
{
  switch (version)
    {
      case GNUTLS_SSL3:
        return "SSL 3.0";
      case GNUTLS_TLS1_0:
        return "TLS 1.0";
      case GNUTLS_TLS1_1:
        return "TLS 1.1";
      case GNUTLS_TLS1_2:
        return "TLS 1.2";
      case GNUTLS_TLS1_3:
        return "TLS 1.3";
      default:
        return "unknown";
    }
}

static gnutls_protocol_t
gio_version (GTlsProtocolVersion version)
{
  switch (version)
    {
      case G_TLS_PROTOCOL_VERSION_SSL_3_0:
        return GNUTLS_SSL3;
      case G_TLS_PROTOCOL_VERSION_TLS_1_0:
        return GNUTLS_TLS1_0;
      case G_TLS_PROTOCOL_VERSION_TLS_1_1:
        return GNUTLS_TLS1_1;
      case G_TLS_PROTOCOL_VERSION_TLS_1_2:
        return GNUTLS_TLS1_2;
      case G_TLS_PROTOCOL_VERSION_TLS_1_3:
        return GNUTLS_TLS1_3;
      default:
        return GNUTLS_VERSION_UNKNOWN;
    }
}

/* --- the guard on the shared session ------------------------------------ */

typedef struct
{
  PhonesecTlsPolicy *policy;
  PhonesecCipherAppClass app;
} Guard;

/* A resumed session (TLS 1.3 tickets) skips the certificate check that the
 * first handshake made, possibly against a trust store that has lost a CA
 * since: check the chain against the store as it is now. */
static gboolean
check_peer_chain (PhonesecTlsPolicy *policy, GTlsConnection *connection, GError **error)
{
  GTlsCertificate *peer = g_tls_connection_get_peer_certificate (connection);
  GTlsCertificateFlags flags;
  g_autoptr (GError) local = NULL;

  if (peer == NULL)
    {
      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                           _ ("the server sent no certificate"));
      return FALSE;
    }
  flags = g_tls_database_verify_chain (phonesec_tls_policy_get_database (policy), peer,
                                       G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER, NULL, NULL,
                                       G_TLS_DATABASE_VERIFY_NONE, NULL, &local);
  if (local != NULL || (flags & ~G_TLS_CERTIFICATE_BAD_IDENTITY) != 0)
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                   _ ("the server certificate is not trusted by the phone's trust store (%s)"),
                   local != NULL ? local->message : _ ("unknown or untrusted issuer, or expired"));
      return FALSE;
    }
  return TRUE;
}

static void
on_network_event (SoupMessage *message, GSocketClientEvent event, GIOStream *connection,
                  gpointer user_data)
{
  Guard *guard = user_data;
  g_autofree char *suite = NULL;
  g_autoptr (GError) error = NULL;
  gnutls_protocol_t version;

  if (event != G_SOCKET_CLIENT_TLS_HANDSHAKED || !G_IS_TLS_CONNECTION (connection))
    return;
  version = gio_version (g_tls_connection_get_protocol_version (G_TLS_CONNECTION (connection)));
  suite = g_tls_connection_get_ciphersuite_name (G_TLS_CONNECTION (connection));
  if (phonesec_tls_policy_check_negotiated (guard->policy, guard->app, version, suite, &error)
      && check_peer_chain (guard->policy, G_TLS_CONNECTION (connection), &error)
      && phonesec_tls_check_certificate_hostname (
          g_tls_connection_get_peer_certificate (G_TLS_CONNECTION (connection)),
          g_uri_get_host (soup_message_get_uri (message)), PHONESEC_TLS_NAME_FLAGS_NONE, &error))
    return;
  /* Closing before the request is written makes the message fail. */
  g_warning ("Refusing a TLS connection to %s: %s", g_uri_get_host (soup_message_get_uri (message)),
             error->message);
  g_object_set_data_full (G_OBJECT (message), GUARD_ERROR_KEY, g_strdup (error->message), g_free);
  g_io_stream_close (connection, NULL, NULL);
}

static void
on_request_queued (SoupSession *session, SoupMessage *message, gpointer user_data)
{
  g_signal_connect (message, "network-event", G_CALLBACK (on_network_event), user_data);
}

void
phonesec_tls_policy_guard_session (PhonesecTlsPolicy *policy, SoupSession *session)
{
  Guard *guard = g_new0 (Guard, 1);

  guard->policy = policy;
  guard->app = PHONESEC_CIPHER_APP_DEFAULT;
  g_signal_connect_data (session, "request-queued", G_CALLBACK (on_request_queued), guard,
                         (GClosureNotify) (void (*) (void)) g_free, 0);
}

const char *
phonesec_tls_guard_get_error (SoupMessage *message)
{
  return g_object_get_data (G_OBJECT (message), GUARD_ERROR_KEY);
}

/* --- probe through the shared session ------------------------------------ */

typedef struct
{
  char *version;
  char *suite;
  char *subject;
} Seen;

static void
seen_free (Seen *seen)
{
  g_free (seen->version);
  g_free (seen->suite);
  g_free (seen->subject);
  g_free (seen);
}

static void
probe_network_event (SoupMessage *message, GSocketClientEvent event, GIOStream *connection,
                     gpointer user_data)
{
  Seen *seen = user_data;
  GTlsCertificate *peer;

  if (event != G_SOCKET_CLIENT_TLS_HANDSHAKED || !G_IS_TLS_CONNECTION (connection))
    return;
  g_free (seen->version);
  seen->version = g_strdup (phonesec_tls_version_name (
      gio_version (g_tls_connection_get_protocol_version (G_TLS_CONNECTION (connection)))));
  g_free (seen->suite);
  seen->suite = g_tls_connection_get_ciphersuite_name (G_TLS_CONNECTION (connection));
  peer = g_tls_connection_get_peer_certificate (G_TLS_CONNECTION (connection));
  g_free (seen->subject);
  seen->subject = NULL;
  if (peer != NULL)
    g_object_get (peer, "subject-name", &seen->subject, NULL);
}

static void
soup_probe_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  Seen *seen = g_object_get_data (G_OBJECT (task), "seen");
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body
      = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  const char *guard_error
      = message != NULL ? g_object_get_data (G_OBJECT (message), GUARD_ERROR_KEY) : NULL;
  GVariantDict dict;

  if (guard_error != NULL)
    {
      g_task_return_new_error (task, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                               _ ("TLS connection refused: %s"), guard_error);
      return;
    }
  if (body == NULL)
    {
      g_task_return_new_error (task, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                               _ ("TLS connection failed: %s"), error->message);
      return;
    }
  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "client", "s", "soup");
  g_variant_dict_insert (&dict, "version", "s", seen->version != NULL ? seen->version : "");
  g_variant_dict_insert (&dict, "suite", "s", seen->suite != NULL ? seen->suite : "");
  g_variant_dict_insert (&dict, "peer-subject", "s", seen->subject != NULL ? seen->subject : "");
  g_variant_dict_insert (&dict, "http-status", "u", soup_message_get_status (message));
  g_task_return_pointer (task, g_variant_ref_sink (g_variant_dict_end (&dict)),
                         (GDestroyNotify) g_variant_unref);
}

/* A URL as an error message may quote it: never its user:password@ part,
 * even when the URL does not parse (then everything up to the last '@'
 * after the scheme is hidden). */
static char *
shown_url (const char *url)
{
  const char *rest = strstr (url, "://");
  const char *at;

  g_autofree char *hidden = NULL;

  rest = rest != NULL ? rest + 3 : url;
  at = strrchr (rest, '@');
  if (at != NULL)
    hidden = g_strdup_printf ("%.*s***%s", (int) MIN (rest - url, 16), url, at);
  /* Bounded, escaped, valid UTF-8: the caller's text. */
  return phonesec_quote_for_message (hidden != NULL ? hidden : url, -1);
}

static void
probe_with_soup (GTask *task, SoupSession *session, const char *url)
{
  g_autoptr (SoupMessage) message = soup_message_new ("GET", url);
  Seen *seen;

  if (message == NULL)
    {
      g_autofree char *shown = shown_url (url);

      g_task_return_new_error (task, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                               _ ("'%s' is not an https:// URL"), shown);
      g_object_unref (task);
      return;
    }
  seen = g_new0 (Seen, 1);
  g_object_set_data_full (G_OBJECT (task), "seen", seen, (GDestroyNotify) seen_free);
  g_signal_connect (message, "network-event", G_CALLBACK (probe_network_event), seen);
  soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task), soup_probe_done, task);
}

/* --- probe with a direct GnuTLS session (in a worker thread) -------------- */

typedef struct
{
  PhonesecTlsPolicy *policy;
  PhonesecCipherAppClass app;
  char *host;
  guint16 port;
} RawProbe;

static void
raw_probe_free (RawProbe *probe)
{
  g_object_unref (probe->policy);
  g_free (probe->host);
  g_free (probe);
}

static char *
peer_subject (gnutls_session_t session)
{
  unsigned int n = 0;
  const gnutls_datum_t *chain = gnutls_certificate_get_peers (session, &n);
  gnutls_x509_crt_t crt;
  gnutls_datum_t dn = { NULL, 0 };
  char *subject = NULL;

  if (chain == NULL || n == 0 || gnutls_x509_crt_init (&crt) < 0)
    return g_strdup ("");
  if (gnutls_x509_crt_import (crt, &chain[0], GNUTLS_X509_FMT_DER) >= 0
      && gnutls_x509_crt_get_dn3 (crt, &dn, 0) >= 0)
    {
      subject = g_strdup ((const char *) dn.data);
      gnutls_free (dn.data);
    }
  gnutls_x509_crt_deinit (crt);
  return subject != NULL ? subject : g_strdup ("");
}

static GVariant *
raw_handshake (RawProbe *probe, GSocket *socket, GError **error)
{
  gnutls_session_t session = NULL;
  gnutls_certificate_credentials_t credentials = NULL;
  g_autofree char *subject = NULL;
  g_autoptr (GInetAddress) literal = g_inet_address_new_from_string (probe->host);
  const char *suite;
  GVariantDict dict;
  GVariant *result = NULL;
  int ret;

  credentials = phonesec_tls_policy_new_credentials (probe->policy, error);
  if (credentials == NULL)
    return NULL;
  gnutls_init (&session, GNUTLS_CLIENT);
  if (!phonesec_tls_policy_setup_client (probe->policy, session, probe->app, error))
    goto out;
  gnutls_credentials_set (session, GNUTLS_CRD_CERTIFICATE, credentials);
  if (literal == NULL)
    gnutls_server_name_set (session, GNUTLS_NAME_DNS, probe->host, strlen (probe->host));
  /* The chain here; the host name after the handshake, by the phone's own
   * rules (phonesec-tls-hostname.c), the same for every client. */
  gnutls_session_set_verify_cert (session, NULL, 0);
  gnutls_transport_set_int (session, g_socket_get_fd (socket));
  gnutls_handshake_set_timeout (session, PROBE_TIMEOUT_SECONDS * 1000);
  do
    ret = gnutls_handshake (session);
  while (ret < 0 && !gnutls_error_is_fatal (ret));
  if (ret < 0)
    {
      if (ret == GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR)
        {
          gnutls_datum_t text = { NULL, 0 };

          gnutls_certificate_verification_status_print (
              gnutls_session_get_verify_cert_status (session), GNUTLS_CRT_X509, &text, 0);
          g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                       _ ("TLS connection refused: the server certificate does not verify for "
                          "%s: %s"),
                       probe->host, text.data != NULL ? (const char *) text.data : "");
          gnutls_free (text.data);
        }
      else
        g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED, _ ("TLS connection failed: %s"),
                     gnutls_strerror (ret));
      goto out;
    }
  if (!phonesec_tls_check_session_hostname (session, probe->host, PHONESEC_TLS_NAME_FLAGS_NONE,
                                            error))
    {
      g_prefix_error (error, _ ("TLS connection refused: "));
      goto out;
    }
  suite = gnutls_ciphersuite_get (session);
  if (!phonesec_tls_policy_check_negotiated (probe->policy, probe->app,
                                             gnutls_protocol_get_version (session), suite, error))
    {
      g_prefix_error (error, _ ("TLS connection refused: "));
      goto out;
    }
  subject = peer_subject (session);
  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "client", "s", "gnutls");
  g_variant_dict_insert (&dict, "version", "s",
                         phonesec_tls_version_name (gnutls_protocol_get_version (session)));
  g_variant_dict_insert (&dict, "suite", "s", suite != NULL ? suite : "");
  g_variant_dict_insert (&dict, "peer-subject", "s", subject);
  result = g_variant_ref_sink (g_variant_dict_end (&dict));
  gnutls_bye (session, GNUTLS_SHUT_WR);

out:
  gnutls_deinit (session);
  gnutls_certificate_free_credentials (credentials);
  return result;
}

static void
raw_probe_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  RawProbe *probe = task_data;
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketConnection) connection = NULL;
  GError *error = NULL;
  GVariant *result;

  g_socket_client_set_timeout (client, PROBE_TIMEOUT_SECONDS);
  connection
      = g_socket_client_connect_to_host (client, probe->host, probe->port, cancellable, &error);
  if (connection == NULL)
    {
      g_task_return_new_error (task, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                               _ ("Cannot connect to %s port %u: %s"), probe->host, probe->port,
                               error->message);
      g_error_free (error);
      return;
    }
  result = raw_handshake (probe, g_socket_connection_get_socket (connection), &error);
  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, (GDestroyNotify) g_variant_unref);
}

static void
probe_with_gnutls (GTask *task, PhonesecTlsPolicy *policy, PhonesecCipherAppClass app,
                   const char *url)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  RawProbe *probe;
  int port;

  if (uri == NULL || g_uri_get_host (uri) == NULL
      || (g_strcmp0 (scheme, "https") != 0 && g_strcmp0 (scheme, "tls") != 0))
    {
      g_autofree char *shown = shown_url (url);

      g_task_return_new_error (task, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                               _ ("'%s' is not an https:// or tls://host:port URL"), shown);
      g_object_unref (task);
      return;
    }
  port = g_uri_get_port (uri);
  if (port <= 0)
    port = 443;
  probe = g_new0 (RawProbe, 1);
  probe->policy = g_object_ref (policy);
  probe->app = app;
  probe->host = g_strdup (g_uri_get_host (uri));
  probe->port = port;
  g_task_set_task_data (task, probe, (GDestroyNotify) raw_probe_free);
  g_task_run_in_thread (task, raw_probe_in_thread);
  g_object_unref (task);
}

void
phonesec_tls_probe_async (PhonesecTlsPolicy *policy, SoupSession *session, const char *url,
                          PhonesecTlsProbeClient client, PhonesecCipherAppClass app,
                          GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, phonesec_tls_probe_async);
  if (client == PHONESEC_TLS_PROBE_SOUP)
    probe_with_soup (task, session, url);
  else
    probe_with_gnutls (task, policy, app, url);
}

GVariant *
phonesec_tls_probe_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
