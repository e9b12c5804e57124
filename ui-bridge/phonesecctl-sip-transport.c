/* phonesecctl-sip-transport.c: UDP, TCP and TLS for one registration.
 *
 * TLS is GnuTLS on the TCP socket, set up as the phone's SIP stack would
 * be: the priority string the TLS policy gives the "sip" class, no trust
 * store of our own (GnuTLS verifies nothing here), and the server's chain
 * sent to phonesecd, which applies the phone's trust store and the line's
 * TLS_Name_Validate_n_. Nothing goes to the server before it says yes.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gio/gunixsocketaddress.h>
#include <glib-unix.h>
#include <glib/gi18n.h>
#include <gnutls/gnutls.h>
#include <string.h>

#include "phonesecctl-sip-transport.h"

/* RFC 3261 §17.1.2.2: retransmit from T1, doubling up to T2. */
#define T1_MS 500
#define T2_MS 4000

struct _PhonesecctlSipTransport
{
  char *name; /* "host:port over TLS", for messages */
  gboolean datagram;
  GSocket *socket;               /* UDP, or the TCP connection's */
  GSocketConnection *connection; /* TCP and TLS */
  gnutls_session_t session;      /* TLS */
  gnutls_certificate_credentials_t credentials;
  char *local;
  char *tls_description;
  GByteArray *buffer; /* stream bytes received and not yet used */
  gint64 deadline;
};

void
phonesecctl_sip_transport_free (PhonesecctlSipTransport *t)
{
  if (t == NULL)
    return;
  if (t->session != NULL)
    {
      gnutls_bye (t->session, GNUTLS_SHUT_WR);
      gnutls_deinit (t->session);
    }
  if (t->credentials != NULL)
    gnutls_certificate_free_credentials (t->credentials);
  g_clear_object (&t->connection);
  g_clear_object (&t->socket);
  g_byte_array_unref (t->buffer);
  g_free (t->name);
  g_free (t->local);
  g_free (t->tls_description);
  g_free (t);
}

static gint64
remaining_ms (PhonesecctlSipTransport *t)
{
  return MAX (0, (t->deadline - g_get_monotonic_time ()) / 1000);
}

static char *
address_text (GSocketAddress *address)
{
  GInetSocketAddress *inet = G_INET_SOCKET_ADDRESS (address);
  g_autofree char *ip = g_inet_address_to_string (g_inet_socket_address_get_address (inet));
  guint16 port = g_inet_socket_address_get_port (inet);

  if (strchr (ip, ':') != NULL)
    return g_strdup_printf ("[%s]:%u", ip, port);
  return g_strdup_printf ("%s:%u", ip, port);
}

static gboolean
open_udp (PhonesecctlSipTransport *t, const PhonesecctlSipTarget *target, GError **error)
{
  g_autoptr (GResolver) resolver = g_resolver_get_default ();
  g_autolist (GInetAddress) addresses = NULL;
  g_autoptr (GSocketAddress) peer = NULL;
  g_autoptr (GSocketAddress) local = NULL;

  addresses = g_resolver_lookup_by_name (resolver, target->host, NULL, error);
  if (addresses == NULL)
    return FALSE;
  peer = g_inet_socket_address_new (addresses->data, target->port);
  t->socket = g_socket_new (g_socket_address_get_family (peer), G_SOCKET_TYPE_DATAGRAM,
                            G_SOCKET_PROTOCOL_UDP, error);
  if (t->socket == NULL || !g_socket_connect (t->socket, peer, NULL, error))
    return FALSE;
  local = g_socket_get_local_address (t->socket, error);
  if (local == NULL)
    return FALSE;
  t->local = address_text (local);
  t->datagram = TRUE;
  return TRUE;
}

static gboolean
open_tcp (PhonesecctlSipTransport *t, const PhonesecctlSipTarget *target, GError **error)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();
  g_autoptr (GSocketAddress) local = NULL;

  g_socket_client_set_timeout (client, MAX (1, remaining_ms (t) / 1000));
  t->connection = g_socket_client_connect_to_host (client, target->host, target->port, NULL, error);
  if (t->connection == NULL)
    return FALSE;
  t->socket = g_object_ref (g_socket_connection_get_socket (t->connection));
  local = g_socket_get_local_address (t->socket, error);
  if (local == NULL)
    return FALSE;
  t->local = address_text (local);
  return TRUE;
}

static GVariant *
peer_chain (gnutls_session_t session)
{
  unsigned int n = 0;
  const gnutls_datum_t *certs = gnutls_certificate_get_peers (session, &n);
  GVariantBuilder chain;

  g_variant_builder_init (&chain, G_VARIANT_TYPE ("aay"));
  for (unsigned int i = 0; i < n; i++)
    g_variant_builder_add_value (
        &chain, g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, certs[i].data, certs[i].size, 1));
  return g_variant_ref_sink (g_variant_builder_end (&chain));
}

static gboolean
tls_fail (GError **error, const char *what, int ret)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", what, gnutls_strerror (ret));
  return FALSE;
}

static gboolean
open_tls (PhonesecctlSipTransport *t, const PhonesecctlSipTarget *target, GError **error)
{
  g_autoptr (GVariant) chain = NULL;
  g_autofree char *reason = NULL;
  int fd, ret;

  if (!open_tcp (t, target, error))
    return FALSE;
  fd = g_socket_get_fd (t->socket);
  /* GSocket keeps its fd non-blocking; GnuTLS's timeouts want it blocking. */
  if (!g_unix_set_fd_nonblocking (fd, FALSE, error))
    return FALSE;
  gnutls_certificate_allocate_credentials (&t->credentials);
  gnutls_init (&t->session, GNUTLS_CLIENT);
  ret = gnutls_priority_set_direct (t->session, target->tls_priority, NULL);
  if (ret < 0)
    return tls_fail (error, _ ("The TLS policy's priority string is refused"), ret);
  gnutls_credentials_set (t->session, GNUTLS_CRD_CERTIFICATE, t->credentials);
  if (!g_hostname_is_ip_address (target->host))
    gnutls_server_name_set (t->session, GNUTLS_NAME_DNS, target->host, strlen (target->host));
  gnutls_transport_set_int (t->session, fd);
  gnutls_handshake_set_timeout (t->session, (unsigned int) MAX (1, remaining_ms (t)));
  do
    ret = gnutls_handshake (t->session);
  while (ret < 0 && !gnutls_error_is_fatal (ret));
  if (ret < 0)
    return tls_fail (error, _ ("TLS handshake failed"), ret);
  t->tls_description = g_strdup_printf (
      "%s %s", gnutls_protocol_get_name (gnutls_protocol_get_version (t->session)),
      gnutls_ciphersuite_get (t->session));
  chain = peer_chain (t->session);
  if (!target->check (chain, &reason, target->check_data, error))
    return FALSE;
  if (reason != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   _ ("The server certificate is refused: %s"), reason);
      return FALSE;
    }
  return TRUE;
}

PhonesecctlSipTransport *
phonesecctl_sip_transport_open (const PhonesecctlSipTarget *target, GError **error)
{
  g_autoptr (PhonesecctlSipTransport) t = g_new0 (PhonesecctlSipTransport, 1);
  gboolean ok;

  t->deadline = target->deadline;
  t->buffer = g_byte_array_new ();
  t->name = g_strdup_printf ("%s:%u over %s", target->host, target->port, target->transport);
  if (g_ascii_strcasecmp (target->transport, "TLS") == 0)
    ok = open_tls (t, target, error);
  else if (g_ascii_strcasecmp (target->transport, "TCP") == 0)
    ok = open_tcp (t, target, error);
  else
    ok = open_udp (t, target, error);
  if (!ok)
    {
      g_prefix_error (error, _ ("Cannot reach %s: "), t->name);
      return NULL;
    }
  return g_steal_pointer (&t);
}

const char *
phonesecctl_sip_transport_get_local (PhonesecctlSipTransport *t)
{
  return t->local;
}

const char *
phonesecctl_sip_transport_get_tls_description (PhonesecctlSipTransport *t)
{
  return t->tls_description;
}

/* --- sending and receiving --------------------------------------------------- */

static gboolean
send_all (PhonesecctlSipTransport *t, const char *data, gsize len, GError **error)
{
  if (t->session != NULL)
    {
      while (len > 0)
        {
          ssize_t n = gnutls_record_send (t->session, data, len);

          if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
            continue;
          if (n < 0)
            return tls_fail (error, _ ("TLS send failed"), (int) n);
          data += n;
          len -= n;
        }
      return TRUE;
    }
  while (len > 0)
    {
      gssize n = g_socket_send (t->socket, data, len, NULL, error);

      if (n < 0)
        return FALSE;
      data += n;
      len -= n;
    }
  return TRUE;
}

typedef enum
{
  RECEIVED,
  TIMED_OUT,
  FAILED,
} Received;

/* Waits up to @ms for bytes and appends them. */
static Received
receive_some (PhonesecctlSipTransport *t, gint64 ms, GError **error)
{
  guint8 chunk[PHONESECCTL_SIP_MAX_MESSAGE];
  gssize n;

  if (t->session != NULL)
    {
      gnutls_record_set_timeout (t->session, (unsigned int) MAX (1, ms));
      n = gnutls_record_recv (t->session, chunk, sizeof chunk);
      if (n == GNUTLS_E_TIMEDOUT || n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
        return TIMED_OUT;
      if (n < 0)
        {
          tls_fail (error, _ ("TLS receive failed"), (int) n);
          return FAILED;
        }
    }
  else
    {
      g_autoptr (GError) wait_error = NULL;

      if (!g_socket_condition_timed_wait (t->socket, G_IO_IN, ms * 1000, NULL, &wait_error))
        {
          if (g_error_matches (wait_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
            return TIMED_OUT;
          g_propagate_error (error, g_steal_pointer (&wait_error));
          return FAILED;
        }
      n = g_socket_receive (t->socket, (char *) chunk, sizeof chunk, NULL, error);
      if (n < 0)
        return FAILED;
    }
  if (n == 0 && !t->datagram)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, _ ("%s closed the connection"),
                   t->name);
      return FAILED;
    }
  if (t->datagram)
    g_byte_array_set_size (t->buffer, 0);
  g_byte_array_append (t->buffer, chunk, n);
  return RECEIVED;
}

static gboolean
answers (const PhonesecctlSipResponse *response, const char *call_id, guint cseq)
{
  const char *id = phonesecctl_sip_response_get (response, "Call-ID");
  const char *sequence = phonesecctl_sip_response_get (response, "CSeq");
  g_autofree char *expected = g_strdup_printf ("%u REGISTER", cseq);

  return g_strcmp0 (id, call_id) == 0 && sequence != NULL
         && g_ascii_strcasecmp (sequence, expected) == 0;
}

/* A complete response taken from the buffer, or NULL. */
static PhonesecctlSipResponse *
take_response (PhonesecctlSipTransport *t, GError **error)
{
  gboolean complete = FALSE;
  PhonesecctlSipResponse *response = phonesecctl_sip_response_parse (
      (const char *) t->buffer->data, t->buffer->len, &complete, error);

  if (response == NULL)
    return NULL;
  g_byte_array_remove_range (t->buffer, 0, response->length);
  return response;
}

/* Over UDP, the request again when its timer fires (doubling up to T2). */
static gboolean
resend_if_due (PhonesecctlSipTransport *t, const char *request, gint64 *interval, gint64 *next_send,
               GError **error)
{
  if (!t->datagram || g_get_monotonic_time () / 1000 < *next_send)
    return TRUE;
  *interval = MIN (*interval * 2, T2_MS);
  *next_send = g_get_monotonic_time () / 1000 + *interval;
  return send_all (t, request, strlen (request), error);
}

PhonesecctlSipResponse *
phonesecctl_sip_transport_request (PhonesecctlSipTransport *t, const char *request,
                                   const char *call_id, guint cseq, GError **error)
{
  gint64 interval = T1_MS;
  gint64 next_send;

  g_byte_array_set_size (t->buffer, 0);
  if (!send_all (t, request, strlen (request), error))
    return NULL;
  next_send = g_get_monotonic_time () / 1000 + interval;
  while (remaining_ms (t) > 0)
    {
      gint64 wait = remaining_ms (t);
      g_autoptr (GError) local = NULL;
      PhonesecctlSipResponse *response;

      if (t->datagram)
        wait = MIN (wait, MAX (0, next_send - g_get_monotonic_time () / 1000));
      switch (receive_some (t, wait, error))
        {
          case FAILED:
            return NULL;
          case TIMED_OUT:
            if (!resend_if_due (t, request, &interval, &next_send, error))
              return NULL;
            continue;
          case RECEIVED:
          default:
            break;
        }
      response = take_response (t, &local);
      if (local != NULL && !t->datagram)
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return NULL;
        }
      if (response == NULL)
        continue; /* more bytes to come, or a stray datagram */
      if (answers (response, call_id, cseq) && response->status >= 200)
        return response;
      /* A provisional response: the request arrived; stop resending. */
      if (answers (response, call_id, cseq))
        next_send = G_MAXINT64;
      phonesecctl_sip_response_free (response);
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, _ ("No final answer from %s in time"),
               t->name);
  return NULL;
}
