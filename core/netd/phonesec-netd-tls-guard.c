/* phonesec-netd-tls-guard.c: see the header.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "phonesec-cipher-list.h"
#include "phonesec-netd-tls-guard.h"
#include "phonesec-tls-cert-hosts.h"
#include "phonesec-tls-hostname.h"

#define ERROR_KEY "phonesec-netd-tls-error"
#define INFO_KEY "phonesec-netd-tls-info"
/* Provisioning messages: the mark, the addresses looked up for names (a
 * GHashTable name → GStrv), and the names still to look up (GStrv). */
#define PROVISIONING_KEY "phonesec-netd-tls-provisioning"
#define ADDRESSES_KEY "phonesec-netd-tls-addresses"
#define MISSING_KEY "phonesec-netd-tls-missing"

struct _PhonesecNetdTlsGuard
{
  SoupSession *session;
  gulong queued_id;
  PhonesecCipherList *list; /* the default application class's */
  gboolean fips;
  GTlsDatabase *database;
};

typedef struct
{
  char *version;
  char *suite;
  char *subject;
} Info;

static void
info_free (Info *info)
{
  g_free (info->version);
  g_free (info->suite);
  g_free (info->subject);
  g_free (info);
}

static const char *
version_name (GTlsProtocolVersion version)
{
  switch (version)
    {
      case G_TLS_PROTOCOL_VERSION_SSL_3_0:
        return "SSL 3.0";
      case G_TLS_PROTOCOL_VERSION_TLS_1_0:
        return "TLS 1.0";
      case G_TLS_PROTOCOL_VERSION_TLS_1_1:
        return "TLS 1.1";
      case G_TLS_PROTOCOL_VERSION_TLS_1_2:
        return "TLS 1.2";
      case G_TLS_PROTOCOL_VERSION_TLS_1_3:
        return "TLS 1.3";
      default:
        return "unknown";
    }
}

static gboolean
check_suite (PhonesecNetdTlsGuard *self, const char *suite, GError **error)
{
  if (self->list != NULL && suite != NULL && phonesec_cipher_list_allows_name (self->list, suite))
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
               _ ("the server chose %s, which the phone's TLS policy does not allow"),
               suite != NULL ? suite : "an unknown cipher suite");
  return FALSE;
}

/* The chain against the store as it is now: a resumed session carries no
 * certificate check of its own. */
static gboolean
check_chain (PhonesecNetdTlsGuard *self, GTlsCertificate *peer, GError **error)
{
  GTlsCertificateFlags flags;
  g_autoptr (GError) local = NULL;

  if (peer == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _ ("the server sent no certificate"));
      return FALSE;
    }
  if (self->database == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _ ("the network service has no trust store"));
      return FALSE;
    }
  flags = g_tls_database_verify_chain (self->database, peer,
                                       G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER, NULL, NULL,
                                       G_TLS_DATABASE_VERIFY_NONE, NULL, &local);
  if (local != NULL || (flags & ~G_TLS_CERTIFICATE_BAD_IDENTITY) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _ ("the server certificate is not trusted by the phone's trust store (%s)"),
                   local != NULL ? local->message : _ ("unknown or untrusted issuer, or expired"));
      return FALSE;
    }
  return TRUE;
}

/* --- provisioning: the admin guide's server certificate checks ------------ */

static gboolean
is_provisioning (SoupMessage *message)
{
  return g_object_get_data (G_OBJECT (message), PROVISIONING_KEY) != NULL;
}

static GHashTable *
addresses_of (SoupMessage *message)
{
  GHashTable *table = g_object_get_data (G_OBJECT (message), ADDRESSES_KEY);

  if (table == NULL)
    {
      table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_strfreev);
      g_object_set_data_full (G_OBJECT (message), ADDRESSES_KEY, table,
                              (GDestroyNotify) g_hash_table_unref);
    }
  return table;
}

static gboolean
address_listed (const char *const *addresses, GInetAddress *wanted)
{
  for (guint i = 0; addresses[i] != NULL; i++)
    {
      g_autoptr (GInetAddress) address = g_inet_address_new_from_string (addresses[i]);

      if (address != NULL && g_inet_address_equal (address, wanted))
        return TRUE;
    }
  return FALSE;
}

/* The server's address (@host, an IP address) must be one that DNS gives
 * for a name of its certificate. Names not looked up yet are left in
 * MISSING_KEY: the request looks them up and tries once more. */
static gboolean
check_address (SoupMessage *message, const char *host, const char *const *names, GError **error)
{
  GHashTable *table = addresses_of (message);
  g_autoptr (GInetAddress) wanted = g_inet_address_new_from_string (host);
  g_autoptr (GStrvBuilder) missing = g_strv_builder_new ();
  g_autoptr (GString) found = g_string_new (NULL);
  g_auto (GStrv) missing_names = NULL;
  g_autofree char *listed = g_strjoinv (", ", (char **) names);

  for (guint i = 0; names[i] != NULL; i++)
    {
      const char *const *addresses = g_hash_table_lookup (table, names[i]);

      if (addresses == NULL)
        g_strv_builder_add (missing, names[i]);
      else if (wanted != NULL && address_listed (addresses, wanted))
        return TRUE;
      for (guint j = 0; addresses != NULL && addresses[j] != NULL; j++)
        g_string_append_printf (found, "%s%s", found->len > 0 ? ", " : "", addresses[j]);
    }
  missing_names = g_strv_builder_end (missing);
  if (missing_names[0] != NULL)
    {
      g_object_set_data_full (G_OBJECT (message), MISSING_KEY, g_steal_pointer (&missing_names),
                              (GDestroyNotify) g_strfreev);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _ ("the addresses of the certificate's name (%s) are not known yet"), listed);
      return FALSE;
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
               _ ("the server's address %s is not one that DNS gives for the name in its "
                  "certificate (%s: %s)"),
               host, listed, found->len > 0 ? found->str : _ ("no address"));
  return FALSE;
}

/* RFC 6125 for every client; for provisioning also the guide's forms: a CN
 * "host/anything" is compared by its host part, and a server reached by
 * its IP address passes when DNS gives that address for the
 * certificate's name. A server reached by name was reached at an address
 * DNS gave for that name, which the certificate names: no second lookup. */
static gboolean
check_identity (SoupMessage *message, GTlsCertificate *peer, GError **error)
{
  const char *host = g_uri_get_host (soup_message_get_uri (message));
  g_autoptr (GError) name_error = NULL;
  g_auto (GStrv) names = NULL;

  if (!is_provisioning (message))
    return phonesec_tls_check_certificate_hostname (peer, host, PHONESEC_TLS_NAME_FLAGS_NONE,
                                                    error);
  if (phonesec_tls_check_certificate_hostname (peer, host, PHONESEC_TLS_NAME_ALLOW_CN_SLASH,
                                               &name_error))
    return TRUE;
  if (g_hostname_is_ip_address (host))
    names = phonesec_tls_certificate_host_names (peer, PHONESEC_TLS_NAME_ALLOW_CN_SLASH);
  if (names == NULL || names[0] == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&name_error));
      return FALSE;
    }
  return check_address (message, host, (const char *const *) names, error);
}

/* glib-networking compares the name by RFC 6125 alone; for provisioning
 * the identity is check_identity()'s, after the handshake. Every other
 * problem still refuses the certificate. */
static gboolean
on_accept_certificate (SoupMessage *message, GTlsCertificate *peer, GTlsCertificateFlags errors,
                       gpointer user_data)
{
  return errors == G_TLS_CERTIFICATE_BAD_IDENTITY;
}

void
phonesec_netd_tls_guard_set_provisioning (SoupMessage *message)
{
  if (is_provisioning (message))
    return;
  g_object_set_data (G_OBJECT (message), PROVISIONING_KEY, GINT_TO_POINTER (1));
  g_signal_connect (message, "accept-certificate", G_CALLBACK (on_accept_certificate), NULL);
  /* Its connection was accepted by rules no other client has: never
   * reused, and never one kept by another request. */
  soup_message_add_flags (message, SOUP_MESSAGE_NEW_CONNECTION);
  soup_message_headers_replace (soup_message_get_request_headers (message), "Connection", "close");
}

GStrv
phonesec_netd_tls_guard_steal_missing_names (SoupMessage *message)
{
  return g_object_steal_data (G_OBJECT (message), MISSING_KEY);
}

void
phonesec_netd_tls_guard_add_addresses (SoupMessage *message, const char *name, GList *addresses)
{
  g_autoptr (GStrvBuilder) texts = g_strv_builder_new ();

  for (GList *l = addresses; l != NULL; l = l->next)
    {
      g_autofree char *text = g_inet_address_to_string (l->data);

      g_strv_builder_add (texts, text);
    }
  g_hash_table_replace (addresses_of (message), g_strdup (name), g_strv_builder_end (texts));
}

void
phonesec_netd_tls_guard_copy_provisioning (SoupMessage *from, SoupMessage *to)
{
  GHashTable *table = g_object_get_data (G_OBJECT (from), ADDRESSES_KEY);
  GHashTableIter iter;
  gpointer name, addresses;

  if (!is_provisioning (from))
    return;
  phonesec_netd_tls_guard_set_provisioning (to);
  if (table == NULL)
    return;
  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &name, &addresses))
    g_hash_table_replace (addresses_of (to), g_strdup (name), g_strdupv (addresses));
}

/* --- every handshake -------------------------------------------------------- */

static void
on_network_event (SoupMessage *message, GSocketClientEvent event, GIOStream *connection,
                  gpointer user_data)
{
  PhonesecNetdTlsGuard *self = user_data;
  GTlsConnection *tls;
  GTlsCertificate *peer;
  g_autoptr (GError) error = NULL;
  Info *info;

  if (event != G_SOCKET_CLIENT_TLS_HANDSHAKED || !G_IS_TLS_CONNECTION (connection))
    return;
  tls = G_TLS_CONNECTION (connection);
  peer = g_tls_connection_get_peer_certificate (tls);
  info = g_new0 (Info, 1);
  info->version = g_strdup (version_name (g_tls_connection_get_protocol_version (tls)));
  info->suite = g_tls_connection_get_ciphersuite_name (tls);
  if (peer != NULL)
    g_object_get (peer, "subject-name", &info->subject, NULL);
  if (check_suite (self, info->suite, &error) && check_chain (self, peer, &error)
      && check_identity (message, peer, &error))
    {
      g_object_set_data_full (G_OBJECT (message), INFO_KEY, info, (GDestroyNotify) info_free);
      return;
    }
  info_free (info);
  /* Closing before the request is written makes the message fail. A
   * provisioning check waiting for its lookup is no refusal yet. */
  if (g_object_get_data (G_OBJECT (message), MISSING_KEY) != NULL)
    g_debug ("TLS connection to %s: %s", g_uri_get_host (soup_message_get_uri (message)),
             error->message);
  else
    g_warning ("Refusing a TLS connection to %s: %s",
               g_uri_get_host (soup_message_get_uri (message)), error->message);
  g_object_set_data_full (G_OBJECT (message), ERROR_KEY, g_strdup (error->message), g_free);
  g_io_stream_close (connection, NULL, NULL);
}

static void
on_request_queued (SoupSession *session, SoupMessage *message, gpointer user_data)
{
  g_signal_connect (message, "network-event", G_CALLBACK (on_network_event), user_data);
}

PhonesecNetdTlsGuard *
phonesec_netd_tls_guard_new (SoupSession *session)
{
  PhonesecNetdTlsGuard *self = g_new0 (PhonesecNetdTlsGuard, 1);

  self->session = g_object_ref (session);
  self->queued_id
      = g_signal_connect (session, "request-queued", G_CALLBACK (on_request_queued), self);
  phonesec_netd_tls_guard_configure (self, "TLS 1.1", "", FALSE);
  return self;
}

void
phonesec_netd_tls_guard_free (PhonesecNetdTlsGuard *self)
{
  if (self == NULL)
    return;
  g_clear_signal_handler (&self->queued_id, self->session);
  g_clear_object (&self->session);
  g_clear_pointer (&self->list, phonesec_cipher_list_unref);
  g_clear_object (&self->database);
  g_free (self);
}

void
phonesec_netd_tls_guard_configure (PhonesecNetdTlsGuard *self, const char *min_version,
                                   const char *cipher_list, gboolean fips)
{
  g_clear_pointer (&self->list, phonesec_cipher_list_unref);
  /* The protocol versions are the priority string's (the process's); the
   * suites are checked here, as the daemon's policy computes them. */
  self->list = phonesec_cipher_list_resolve (cipher_list, PHONESEC_CIPHER_APP_DEFAULT,
                                             fips ? PHONESEC_CIPHER_LIST_FIPS : 0);
  self->fips = fips;
}

void
phonesec_netd_tls_guard_set_database (PhonesecNetdTlsGuard *self, GTlsDatabase *database)
{
  g_set_object (&self->database, database);
}

const char *
phonesec_netd_tls_guard_get_error (SoupMessage *message)
{
  return g_object_get_data (G_OBJECT (message), ERROR_KEY);
}

GVariant *
phonesec_netd_tls_guard_dup_info (SoupMessage *message)
{
  Info *info = g_object_get_data (G_OBJECT (message), INFO_KEY);
  GVariantDict dict;
  g_autofree char *subject = NULL;

  if (info == NULL)
    return NULL;
  /* Whatever the server's certificate says, valid UTF-8 for the daemon. */
  subject = g_utf8_make_valid (info->subject != NULL ? info->subject : "",
                               info->subject != NULL ? MIN (strlen (info->subject), 1024) : 0);
  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "tls-version", "s", info->version);
  g_variant_dict_insert (&dict, "tls-suite", "s", info->suite != NULL ? info->suite : "");
  g_variant_dict_insert (&dict, "tls-peer-subject", "s", subject);
  return g_variant_dict_end (&dict);
}
