/* phonesec-prov-syslog.c: RFC 3164 datagrams to Syslog_Server.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-prov-syslog.h"

#include <string.h>

#define PRI_LOCAL0_NOTICE 133
#define MAX_DATAGRAM 1024

char *
phonesec_prov_syslog_format (const char *hostname, GDateTime *now, const char *message)
{
  static const char *const months[]
      = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
  GString *out = g_string_new (NULL);
  const char *end;

  g_string_append_printf (out, "<%d>%s %2d %02d:%02d:%02d %s phonesec: ", PRI_LOCAL0_NOTICE,
                          months[g_date_time_get_month (now) - 1],
                          g_date_time_get_day_of_month (now), g_date_time_get_hour (now),
                          g_date_time_get_minute (now), g_date_time_get_second (now), hostname);
  g_utf8_validate (message, -1, &end); /* only the valid part */
  for (const char *p = message; p < end; p++)
    g_string_append_c (out, (guchar) *p < 0x20 || *p == 0x7f ? ' ' : *p);
  if (out->len > MAX_DATAGRAM)
    {
      const char *cut = g_utf8_find_prev_char (out->str, out->str + MAX_DATAGRAM + 1);

      g_string_truncate (out, cut - out->str);
    }
  return g_string_free (out, FALSE);
}

typedef struct
{
  char *text;
  guint16 port;
} Pending;

static void
pending_free (Pending *p)
{
  g_free (p->text);
  g_free (p);
}

static void
on_resolved (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Pending *p = user_data;
  g_autoptr (GError) error = NULL;
  GList *addresses = g_resolver_lookup_by_name_finish (G_RESOLVER (source), result, &error);
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (GSocketAddress) to = NULL;

  if (addresses != NULL)
    {
      GInetAddress *address = addresses->data;

      to = g_inet_socket_address_new (address, p->port);
      socket = g_socket_new (g_inet_address_get_family (address), G_SOCKET_TYPE_DATAGRAM,
                             G_SOCKET_PROTOCOL_UDP, &error);
      /* A datagram of 1 KiB never waits on a fresh UDP socket. */
      if (socket != NULL)
        g_socket_send_to (socket, to, p->text, strlen (p->text), NULL, &error);
    }
  if (error != NULL)
    g_message ("Syslog message not sent: %s", error->message);
  g_resolver_free_addresses (addresses);
  pending_free (p);
}

/* host[:port], [v6]:port or a bare v6 address. */
static char *
split_server (const char *server, guint16 *port)
{
  const char *colon = strrchr (server, ':');
  guint64 value = PHONESEC_PROV_SYSLOG_PORT;

  *port = PHONESEC_PROV_SYSLOG_PORT;
  if (server[0] == '[')
    {
      const char *close = strchr (server, ']');

      if (close == NULL)
        return NULL;
      if (close[1] == ':' && !g_ascii_string_to_unsigned (close + 2, 10, 1, 65535, &value, NULL))
        return NULL;
      *port = (guint16) value;
      return g_strndup (server + 1, close - server - 1);
    }
  if (colon == NULL || strchr (server, ':') != colon)
    return g_strdup (server); /* no port, or a bare IPv6 address */
  if (!g_ascii_string_to_unsigned (colon + 1, 10, 1, 65535, &value, NULL))
    return NULL;
  *port = (guint16) value;
  return g_strndup (server, colon - server);
}

void
phonesec_prov_syslog_send (const char *server, const char *hostname, const char *message)
{
  g_autoptr (GResolver) resolver = NULL;
  g_autoptr (GDateTime) now = NULL;
  g_autofree char *host = NULL;
  Pending *p;
  guint16 port;

  if (server == NULL || server[0] == '\0')
    return;
  host = split_server (server, &port);
  if (host == NULL || host[0] == '\0')
    {
      g_message ("Syslog_Server is not host[:port]: nothing sent");
      return;
    }
  now = g_date_time_new_now_local ();
  p = g_new0 (Pending, 1);
  p->text = phonesec_prov_syslog_format (hostname, now, message);
  p->port = port;
  resolver = g_resolver_get_default ();
  g_resolver_lookup_by_name_async (resolver, host, NULL, on_resolved, p);
}
