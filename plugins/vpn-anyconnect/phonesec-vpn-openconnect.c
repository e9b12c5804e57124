/* phonesec-vpn-openconnect.c: the openconnect command line, its output and
 * the reports of our configuration script.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <phonesec/phonesec-error.h>
#include <string.h>

#include "phonesec-vpn-openconnect.h"

void
phonesec_vpn_settings_free (PhonesecVpnSettings *s)
{
  if (s == NULL)
    return;
  g_free (s->openconnect);
  g_free (s->server);
  g_free (s->user);
  g_free (s->group);
  g_free (s->cafile);
  g_free (s->priority);
  g_free (s->script);
  g_free (s);
}

static gboolean
has_control_chars (const char *s)
{
  for (const char *p = s; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      return TRUE;
  return FALSE;
}

gboolean
phonesec_vpn_settings_check (const PhonesecVpnSettings *s, GError **error)
{
  if (s->server == NULL || s->server[0] == '\0')
    {
      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                           _ ("No VPN server is configured: set VPN_Server to its IP address or "
                              "FQDN"));
      return FALSE;
    }
  /* The core's host validator already refuses these; openconnect must never
   * see anything but a host. */
  if (has_control_chars (s->server) || s->server[0] == '-' || strpbrk (s->server, "/@ ?#") != NULL
      || !g_utf8_validate (s->server, -1, NULL))
    {
      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                           _ ("VPN_Server must be a host name or an IP address, without scheme, "
                              "port or path"));
      return FALSE;
    }
  if (s->user == NULL || s->user[0] == '\0')
    {
      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                           _ ("No VPN user name is configured: set VPN_User_Name"));
      return FALSE;
    }
  if (has_control_chars (s->user) || !g_utf8_validate (s->user, -1, NULL))
    {
      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                           _ ("VPN_User_Name must not contain control characters"));
      return FALSE;
    }
  if (s->group != NULL && (has_control_chars (s->group) || !g_utf8_validate (s->group, -1, NULL)))
    {
      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                           _ ("VPN_Tunnel_Group must not contain control characters"));
      return FALSE;
    }
  return TRUE;
}

char *
phonesec_vpn_server_url (const char *server)
{
  if (strchr (server, ':') != NULL && server[0] != '[')
    return g_strdup_printf ("https://[%s]/", server);
  return g_strdup_printf ("https://%s/", server);
}

GStrv
phonesec_vpn_build_argv (const PhonesecVpnSettings *s)
{
  GPtrArray *b = g_ptr_array_new ();

  g_ptr_array_add (b, g_strdup (s->openconnect));
  g_ptr_array_add (b, g_strdup ("--protocol=anyconnect"));
  g_ptr_array_add (b, g_strdup ("--non-inter"));
  g_ptr_array_add (b, g_strdup ("--passwd-on-stdin"));
  g_ptr_array_add (b, g_strdup_printf ("--user=%s", s->user));
  if (s->group != NULL && s->group[0] != '\0')
    g_ptr_array_add (b, g_strdup_printf ("--authgroup=%s", s->group));
  /* One trust store: the bundle holds the system CAs and the phone's own. */
  g_ptr_array_add (b, g_strdup ("--no-system-trust"));
  g_ptr_array_add (b, g_strdup_printf ("--cafile=%s", s->cafile));
  if (s->priority != NULL && s->priority[0] != '\0')
    g_ptr_array_add (b, g_strdup_printf ("--gnutls-priority=%s", s->priority));
  g_ptr_array_add (b, g_strdup_printf ("--interface=%s", PHONESEC_VPN_IFNAME));
  g_ptr_array_add (b, g_strdup_printf ("--script=%s", s->script));
  /* Our script configures IPv4 only. */
  g_ptr_array_add (b, g_strdup ("--disable-ipv6"));
  /* One reconnection attempt with the session cookie, then exit: the plugin
   * retries with backoff and a fresh login (a restarted server forgot the
   * cookie anyway). */
  g_ptr_array_add (b, g_strdup ("--reconnect-timeout=0"));
  g_ptr_array_add (b, g_strdup ("--"));
  g_ptr_array_add (b, phonesec_vpn_server_url (s->server));
  g_ptr_array_add (b, NULL);
  return (GStrv) g_ptr_array_free (b, FALSE);
}

/* --- output ---------------------------------------------------------------- */

static char *
after_prefix (const char *line, const char *prefix)
{
  if (g_str_has_prefix (line, prefix))
    return g_strstrip (g_strdup (line + strlen (prefix)));
  return NULL;
}

PhonesecVpnOutputKind
phonesec_vpn_output_classify (const char *line, char **detail)
{
  g_autofree char *d = NULL;
  PhonesecVpnOutputKind kind = PHONESEC_VPN_OUTPUT_NONE;

  if (line == NULL)
    return kind;
  if ((d = after_prefix (line, "Configured as ")) != NULL)
    {
      char *comma = strchr (d, ',');
      if (comma != NULL)
        *comma = '\0';
      kind = PHONESEC_VPN_OUTPUT_CONFIGURED;
    }
  else if (g_str_has_prefix (line, "Established DTLS connection"))
    kind = PHONESEC_VPN_OUTPUT_DTLS_UP;
  else if ((d = after_prefix (line, "Auth choice \"")) != NULL)
    {
      /* Auth choice "GROUP" not available */
      char *end = g_strrstr (d, "\" not available");
      if (end == NULL)
        g_clear_pointer (&d, g_free);
      else
        {
          *end = '\0';
          kind = PHONESEC_VPN_OUTPUT_GROUP_UNAVAILABLE;
        }
    }
  else if (g_str_has_prefix (line, "Login failed"))
    kind = PHONESEC_VPN_OUTPUT_AUTH_FAILED;
  else if (g_str_has_prefix (line, "User input required in non-interactive mode"))
    kind = PHONESEC_VPN_OUTPUT_INPUT_REQUIRED;
  else if ((d = after_prefix (line, "Reason:")) != NULL)
    {
      /* After "Certificate from VPN server ... failed verification." */
      if (strstr (d, "hostname") != NULL || strstr (d, "host name") != NULL)
        kind = PHONESEC_VPN_OUTPUT_CERT_HOSTNAME;
      else
        kind = PHONESEC_VPN_OUTPUT_CERT_UNTRUSTED;
    }
  else if ((d = after_prefix (line, "Server certificate verify failed:")) != NULL)
    {
      if (strstr (d, "hostname") != NULL || strstr (d, "host name") != NULL)
        kind = PHONESEC_VPN_OUTPUT_CERT_HOSTNAME;
      else
        kind = PHONESEC_VPN_OUTPUT_CERT_UNTRUSTED;
    }
  else if ((d = after_prefix (line, "SSL connection failure:")) != NULL)
    kind = PHONESEC_VPN_OUTPUT_TLS_FAILED;
  else if ((d = after_prefix (line, "Failed to connect to ")) != NULL
           || (d = after_prefix (line, "getaddrinfo failed for host ")) != NULL
           || (d = after_prefix (line, "Failed to open HTTPS connection to ")) != NULL)
    kind = PHONESEC_VPN_OUTPUT_UNREACHABLE;
  else if (g_str_has_prefix (line, "Cookie is no longer valid")
           || g_str_has_prefix (line, "Cookie was rejected")
           || g_str_has_prefix (line, "Session terminated by server")
           || g_str_has_prefix (line, "Session authentication will expire")
           || g_str_has_prefix (line, "Received server disconnect"))
    kind = PHONESEC_VPN_OUTPUT_SESSION_ENDED;
  else if (g_str_has_prefix (line, "Read error on SSL session")
           || g_str_has_prefix (line, "Server closed connection")
           || g_str_has_prefix (line, "CSTP Dead Peer Detection detected dead peer")
           || g_str_has_prefix (line, "Reconnect failed")
           || g_str_has_prefix (line, "Unrecoverable I/O error"))
    kind = PHONESEC_VPN_OUTPUT_CONNECTION_LOST;

  if (detail != NULL)
    *detail = kind != PHONESEC_VPN_OUTPUT_NONE && d != NULL && d[0] != '\0' ? g_steal_pointer (&d)
                                                                            : NULL;
  return kind;
}

gboolean
phonesec_vpn_output_is_fatal (PhonesecVpnOutputKind kind)
{
  return kind == PHONESEC_VPN_OUTPUT_AUTH_FAILED || kind == PHONESEC_VPN_OUTPUT_INPUT_REQUIRED
         || kind == PHONESEC_VPN_OUTPUT_CERT_UNTRUSTED || kind == PHONESEC_VPN_OUTPUT_CERT_HOSTNAME
         || kind == PHONESEC_VPN_OUTPUT_GROUP_UNAVAILABLE;
}

gboolean
phonesec_vpn_output_must_abort (PhonesecVpnOutputKind kind)
{
  return kind == PHONESEC_VPN_OUTPUT_GROUP_UNAVAILABLE;
}

char *
phonesec_vpn_output_describe (PhonesecVpnOutputKind kind, const char *detail, const char *server)
{
  const char *d = detail != NULL ? detail : "";

  switch (kind)
    {
      case PHONESEC_VPN_OUTPUT_AUTH_FAILED:
        return g_strdup_printf (_ ("The VPN server %s refused the user name or the password "
                                   "(VPN_User_Name, VPN_Password)"),
                                server);
      case PHONESEC_VPN_OUTPUT_INPUT_REQUIRED:
        return g_strdup_printf (_ ("The VPN server %s asked for more than a user name and a "
                                   "password (another tunnel group, a second factor...): check "
                                   "VPN_Tunnel_Group and the account"),
                                server);
      case PHONESEC_VPN_OUTPUT_GROUP_UNAVAILABLE:
        return g_strdup_printf (_ ("The VPN server %s does not offer the tunnel group '%s' "
                                   "(VPN_Tunnel_Group)"),
                                server, d);
      case PHONESEC_VPN_OUTPUT_CERT_UNTRUSTED:
        return g_strdup_printf (_ ("The certificate of the VPN server %s is not trusted (%s): add "
                                   "the CA that issued it to the phone's trusted CAs"),
                                server, d);
      case PHONESEC_VPN_OUTPUT_CERT_HOSTNAME:
        return g_strdup_printf (
            _ ("The certificate of the VPN server is not valid for the name %s "
               "(VPN_Server): use a name or address that the certificate lists"),
            server);
      case PHONESEC_VPN_OUTPUT_TLS_FAILED:
        return g_strdup_printf (_ ("The TLS connection to the VPN server %s failed (%s): check the "
                                   "phone's TLS settings (TLS_Min_Version, TLS_Cipher_List)"),
                                server, d);
      case PHONESEC_VPN_OUTPUT_UNREACHABLE:
        return g_strdup_printf (_ ("Could not reach the VPN server %s (%s)"), server, d);
      case PHONESEC_VPN_OUTPUT_SESSION_ENDED:
        return g_strdup_printf (_ ("The VPN server %s ended the session"), server);
      case PHONESEC_VPN_OUTPUT_CONNECTION_LOST:
        return g_strdup_printf (_ ("The connection to the VPN server %s was lost"), server);
      case PHONESEC_VPN_OUTPUT_NONE:
      case PHONESEC_VPN_OUTPUT_CONFIGURED:
      case PHONESEC_VPN_OUTPUT_DTLS_UP:
      default:
        return g_strdup_printf (_ ("The VPN client stopped unexpectedly while talking to %s"),
                                server);
    }
}

char *
phonesec_vpn_mask_line (const char *text, const char *secret, gsize max_chars)
{
  GString *out = g_string_new (NULL);
  gsize slen = secret != NULL ? strlen (secret) : 0;
  const char *p = text;

  while (*p != '\0')
    {
      if (slen > 0 && strncmp (p, secret, slen) == 0)
        {
          g_string_append (out, "***");
          p += slen;
          continue;
        }
      g_string_append_c (out, ((guchar) *p < 0x20 || *p == 0x7f) ? ' ' : *p);
      p++;
    }
  if (!g_utf8_validate (out->str, -1, NULL))
    {
      char *valid = g_utf8_make_valid (out->str, -1);
      g_string_assign (out, valid);
      g_free (valid);
    }
  if (g_utf8_strlen (out->str, -1) > (glong) max_chars)
    {
      char *end = g_utf8_offset_to_pointer (out->str, max_chars);
      g_string_truncate (out, end - out->str);
    }
  return g_string_free (out, FALSE);
}

/* --- script reports -------------------------------------------------------- */

void
phonesec_vpn_script_event_free (PhonesecVpnScriptEvent *e)
{
  if (e == NULL)
    return;
  g_free (e->reason);
  g_free (e->ifname);
  g_free (e->address);
  g_free (e->netmask);
  g_free (e->gateway);
  g_strfreev (e->dns);
  g_strfreev (e->routes);
  g_free (e->message);
  g_free (e);
}

int
phonesec_vpn_netmask_prefix (const char *netmask)
{
  g_autoptr (GInetAddress) a = g_inet_address_new_from_string (netmask);
  const guint8 *bytes;
  guint32 m;
  int n = 0;

  if (a == NULL || g_inet_address_get_family (a) != G_SOCKET_FAMILY_IPV4)
    return -1;
  bytes = g_inet_address_to_bytes (a);
  m = ((guint32) bytes[0] << 24) | ((guint32) bytes[1] << 16) | ((guint32) bytes[2] << 8)
      | bytes[3];
  while (n < 32 && (m & (0x80000000u >> n)) != 0)
    n++;
  if (n < 32 && (m << n) != 0)
    return -1;
  return n;
}

static gboolean
is_ipv4 (const char *s)
{
  g_autoptr (GInetAddress) a = g_inet_address_new_from_string (s);

  return a != NULL && g_inet_address_get_family (a) == G_SOCKET_FAMILY_IPV4;
}

static gboolean
is_cidr4 (const char *s)
{
  const char *slash = strchr (s, '/');
  g_autofree char *addr = NULL;
  guint64 len;

  if (slash == NULL)
    return FALSE;
  addr = g_strndup (s, slash - s);
  return is_ipv4 (addr) && g_ascii_string_to_unsigned (slash + 1, 10, 0, 32, &len, NULL);
}

static gboolean
valid_ifname (const char *s)
{
  gsize n = strlen (s);

  if (n == 0 || n > 15)
    return FALSE;
  for (const char *p = s; *p != '\0'; p++)
    if (!(g_ascii_isalnum (*p) || *p == '-' || *p == '_' || *p == '.'))
      return FALSE;
  return TRUE;
}

static gboolean
bad (GError **error, const char *what, const char *key)
{
  g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
               "bad VPN script report: %s (%s)", what, key);
  return FALSE;
}

static gboolean
set_list (GStrv *out, const char *value, gboolean (*valid) (const char *), const char *key,
          GError **error)
{
  g_auto (GStrv) items = g_strsplit (value, ",", -1);
  g_autoptr (GStrvBuilder) b = g_strv_builder_new ();

  for (guint i = 0; items[i] != NULL; i++)
    {
      if (items[i][0] == '\0')
        continue;
      if (!valid (items[i]))
        return bad (error, "invalid list item", key);
      g_strv_builder_add (b, items[i]);
    }
  g_strfreev (*out);
  *out = g_strv_builder_end (b);
  return TRUE;
}

static const char *const reasons[]
    = { "pre-init", "connect", "disconnect", "attempt-reconnect", "reconnect", "error", NULL };

PhonesecVpnScriptEvent *
phonesec_vpn_script_event_parse (const char *line, GError **error)
{
  g_autoptr (PhonesecVpnScriptEvent) e = g_new0 (PhonesecVpnScriptEvent, 1);
  g_auto (GStrv) fields = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  e->dns = g_new0 (char *, 1);
  e->routes = g_new0 (char *, 1);
  if (line == NULL || !g_utf8_validate (line, -1, NULL))
    return bad (error, "not UTF-8", "line"), NULL;
  fields = g_strsplit (line, "\t", 64);
  if (g_strcmp0 (fields[0], PHONESEC_VPN_REPORT_TAG) != 0)
    return bad (error, "unknown format", "tag"), NULL;
  for (guint i = 1; fields[i] != NULL; i++)
    {
      char *eq = strchr (fields[i], '=');
      const char *key, *value;

      if (eq == NULL)
        return bad (error, "field without '='", "field"), NULL;
      *eq = '\0';
      key = fields[i];
      value = eq + 1;
      if (g_hash_table_contains (seen, key))
        return bad (error, "duplicate key", key), NULL;
      g_hash_table_add (seen, (gpointer) key);
      if (strlen (value) > 1024)
        return bad (error, "value too long", key), NULL;
      if (strcmp (key, "reason") == 0)
        {
          if (!g_strv_contains (reasons, value))
            return bad (error, "unknown reason", key), NULL;
          e->reason = g_strdup (value);
        }
      else if (strcmp (key, "ifname") == 0)
        {
          if (value[0] != '\0' && !valid_ifname (value))
            return bad (error, "invalid interface name", key), NULL;
          e->ifname = value[0] != '\0' ? g_strdup (value) : NULL;
        }
      else if (strcmp (key, "address") == 0 || strcmp (key, "gateway") == 0)
        {
          if (value[0] == '\0')
            continue;
          if (!is_ipv4 (value))
            return bad (error, "invalid IPv4 address", key), NULL;
          if (key[0] == 'a')
            e->address = g_strdup (value);
          else
            e->gateway = g_strdup (value);
        }
      else if (strcmp (key, "netmask") == 0)
        {
          int prefix;
          if (value[0] == '\0')
            continue;
          prefix = phonesec_vpn_netmask_prefix (value);
          if (prefix < 0)
            return bad (error, "invalid netmask", key), NULL;
          e->netmask = g_strdup (value);
          e->prefix = prefix;
        }
      else if (strcmp (key, "mtu") == 0)
        {
          guint64 mtu;
          if (value[0] == '\0')
            continue;
          if (!g_ascii_string_to_unsigned (value, 10, 68, 65535, &mtu, NULL))
            return bad (error, "invalid MTU", key), NULL;
          e->mtu = mtu;
        }
      else if (strcmp (key, "dns") == 0)
        {
          if (!set_list (&e->dns, value, is_ipv4, key, error))
            return NULL;
        }
      else if (strcmp (key, "routes") == 0)
        {
          if (!set_list (&e->routes, value, is_cidr4, key, error))
            return NULL;
        }
      else if (strcmp (key, "message") == 0)
        e->message = g_strdup (value);
      /* Unknown keys: a newer script, ignored. */
    }
  if (e->reason == NULL)
    return bad (error, "no reason", "reason"), NULL;
  if (strcmp (e->reason, "connect") == 0 && (e->address == NULL || e->ifname == NULL))
    return bad (error, "connect without address or interface", "address"), NULL;
  if (e->address != NULL && e->netmask == NULL)
    {
      e->netmask = g_strdup ("255.255.255.255");
      e->prefix = 32;
    }
  return g_steal_pointer (&e);
}
