/* phonesec-tls-probe.c: what a connection under the current policy gets,
 * through the network service (its SoupSession, with the handshake checks
 * of phonesec-netd-tls-guard.c) or a direct GnuTLS session.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gi18n-lib.h>
#include <gnutls/x509.h>

#include "phonesec/phonesec-error.h"
#include "phonesec-http-private.h"
#include "phonesec-tls-hostname.h"
#include "phonesec-tls-probe.h"

#define PROBE_TIMEOUT_SECONDS 15

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

/* --- probe through the network service ------------------------------------ */

static void
soup_probe_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecHttpResponse) response = NULL;
  g_autoptr (GBytes) body = phonesec_http_client_send_and_read_finish (
      PHONESEC_HTTP_CLIENT (source), result, &response, &error);
  GVariant *tls = NULL;
  const char *version = "", *suite = "", *subject = "";
  GVariantDict dict;

  /* A body past the limit is no failure of the connection. */
  if (response == NULL
      || (body == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE)))
    {
      if (g_error_matches (error, PHONESEC_HTTP_ERROR, PHONESEC_HTTP_ERROR_TLS_REFUSED))
        g_task_return_new_error (task, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                                 _ ("TLS connection refused: %s"), error->message);
      else
        g_task_return_new_error (task, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                                 _ ("TLS connection failed: %s"), error->message);
      return;
    }
  tls = phonesec_http_response_get_tls_info (response);
  if (tls != NULL)
    {
      g_variant_lookup (tls, "tls-version", "&s", &version);
      g_variant_lookup (tls, "tls-suite", "&s", &suite);
      g_variant_lookup (tls, "tls-peer-subject", "&s", &subject);
    }
  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "client", "s", "soup");
  g_variant_dict_insert (&dict, "version", "s", version);
  g_variant_dict_insert (&dict, "suite", "s", suite);
  g_variant_dict_insert (&dict, "peer-subject", "s", subject);
  g_variant_dict_insert (&dict, "http-status", "u", phonesec_http_response_get_status (response));
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

#define PROBE_BODY_MAX (1024 * 1024)

static void
probe_with_soup (GTask *task, PhonesecHttpClient *client, const char *url)
{
  g_autoptr (PhonesecHttpRequest) request = phonesec_http_request_new ("GET", url);
  g_autoptr (GError) error = NULL;

  if (!phonesec_http_request_check (request, &error))
    {
      g_autofree char *shown = shown_url (url);

      g_task_return_new_error (task, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                               _ ("'%s' is not an https:// URL"), shown);
      g_object_unref (task);
      return;
    }
  phonesec_http_client_send_and_read_async (client, request, PROBE_BODY_MAX,
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
phonesec_tls_probe_async (PhonesecTlsPolicy *policy, PhonesecHttpClient *http_client,
                          const char *url, PhonesecTlsProbeClient client,
                          PhonesecCipherAppClass app, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, phonesec_tls_probe_async);
  if (client == PHONESEC_TLS_PROBE_SOUP)
    probe_with_soup (task, http_client, url);
  else
    probe_with_gnutls (task, policy, app, url);
}

GVariant *
phonesec_tls_probe_finish (GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
