/* phonesec-pac-result.c: strict parser of FindProxyForURL results.
 *
 * Grammar (keywords in any case, blanks = spaces and tabs):
 *   result  = entry *( ";" entry )       empty entries are skipped, at least
 *                                        one entry must remain
 *   entry   = blank* ( "DIRECT" | keyword blank+ hostport ) blank*
 *   keyword = PROXY | HTTP | HTTPS | SOCKS | SOCKS4 | SOCKS5
 *   hostport = ( hostname | IPv4 | "[" IPv6 "]" ) [ ":" port ]
 * A missing port takes the scheme's default (80, 443 or 1080), as browsers
 * do; a port is 1..65535 in at most five digits. A hostname is ASCII
 * letters, digits, '-' and '_' in dot-separated labels of 1..63 bytes,
 * 253 bytes at most, no leading or trailing '-' in a label; it is returned
 * in lower case. Anything else is an error naming the entry.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-pac-result.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <string.h>

/* Longest entry text quoted back in an error message. */
#define QUOTE_MAX 64

static const struct
{
  const char *keyword;
  const char *scheme;
  guint default_port;
} keywords[] = {
  { "PROXY", "http", 80 },    { "HTTP", "http", 80 },       { "HTTPS", "https", 443 },
  { "SOCKS", "socks", 1080 }, { "SOCKS4", "socks4", 1080 }, { "SOCKS5", "socks5", 1080 },
};

static gboolean
is_blank (char c)
{
  return c == ' ' || c == '\t';
}

static gboolean
valid_hostname (const char *h, gsize len)
{
  gsize label = 0;

  if (len == 0 || len > 253)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      char c = h[i];

      if (c == '.')
        {
          if (label == 0 || h[i - 1] == '-')
            return FALSE;
          label = 0;
          continue;
        }
      if (!g_ascii_isalnum (c) && c != '-' && c != '_')
        return FALSE;
      if (c == '-' && label == 0)
        return FALSE;
      if (++label > 63)
        return FALSE;
    }
  return label > 0 && h[len - 1] != '-';
}

/* Parses "host[:port]" of @len bytes into a URI with @scheme. */
static char *
parse_hostport (const char *s, gsize len, const char *scheme, guint default_port)
{
  g_autofree char *host = NULL;
  const char *port_start = NULL;
  gboolean v6 = FALSE;
  guint port = default_port;

  if (len > 0 && s[0] == '[')
    {
      const char *close = memchr (s, ']', len);

      if (close == NULL)
        return NULL;
      host = g_strndup (s + 1, close - s - 1);
      if (strchr (host, ':') == NULL || !g_hostname_is_ip_address (host))
        return NULL;
      v6 = TRUE;
      if ((gsize) (close + 1 - s) < len)
        {
          if (close[1] != ':')
            return NULL;
          port_start = close + 2;
        }
    }
  else
    {
      const char *colon = memchr (s, ':', len);
      gsize hlen = colon ? (gsize) (colon - s) : len;

      if (!valid_hostname (s, hlen))
        return NULL;
      host = g_ascii_strdown (s, hlen);
      if (colon != NULL)
        port_start = colon + 1;
    }

  if (port_start != NULL)
    {
      gsize plen = s + len - port_start;

      if (plen == 0 || plen > 5)
        return NULL;
      port = 0;
      for (gsize i = 0; i < plen; i++)
        {
          if (!g_ascii_isdigit (port_start[i]))
            return NULL;
          port = port * 10 + (port_start[i] - '0');
        }
      if (port == 0 || port > 65535)
        return NULL;
    }

  if (v6)
    {
      g_autofree char *lower = g_ascii_strdown (host, -1);
      return g_strdup_printf ("%s://[%s]:%u", scheme, lower, port);
    }
  return g_strdup_printf ("%s://%s:%u", scheme, host, port);
}

static char *
parse_entry (const char *s, gsize len)
{
  gsize kw_len = 0;

  while (kw_len < len && !is_blank (s[kw_len]))
    kw_len++;
  if (kw_len == len && g_ascii_strncasecmp (s, "DIRECT", len) == 0 && len == 6)
    return g_strdup ("direct://");

  for (guint i = 0; i < G_N_ELEMENTS (keywords); i++)
    {
      const char *rest;
      gsize rest_len;

      if (strlen (keywords[i].keyword) != kw_len
          || g_ascii_strncasecmp (s, keywords[i].keyword, kw_len) != 0)
        continue;
      rest = s + kw_len;
      rest_len = len - kw_len;
      if (rest_len == 0)
        return NULL;
      while (rest_len > 0 && is_blank (*rest))
        {
          rest++;
          rest_len--;
        }
      return parse_hostport (rest, rest_len, keywords[i].scheme, keywords[i].default_port);
    }
  return NULL;
}

/* The entry as it can appear in a message: valid UTF-8, no control
 * characters, at most QUOTE_MAX bytes. */
static char *
quote_entry (const char *s, gsize len)
{
  g_autofree char *valid = g_utf8_make_valid (s, MIN (len, QUOTE_MAX));
  GString *out = g_string_new (NULL);

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (g_unichar_iscntrl (c))
        g_string_append_c (out, '?');
      else
        g_string_append_unichar (out, c);
    }
  if (len > QUOTE_MAX)
    g_string_append (out, "…");
  return g_string_free (out, FALSE);
}

GStrv
phonesec_pac_result_parse (const char *result, GError **error)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  const char *p = result;
  guint index = 0, n = 0;

  g_return_val_if_fail (result != NULL, NULL);

  while (TRUE)
    {
      const char *semi = strchr (p, ';');
      const char *end = semi ? semi : p + strlen (p);
      const char *start = p;
      char *uri;

      while (start < end && is_blank (*start))
        start++;
      while (end > start && is_blank (end[-1]))
        end--;
      index++;
      if (end > start)
        {
          uri = parse_entry (start, end - start);
          if (uri == NULL)
            {
              g_autofree char *quoted = quote_entry (start, end - start);
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _ ("Entry %u of the proxy list, “%s”, is not DIRECT or PROXY, HTTP, "
                              "HTTPS, SOCKS, SOCKS4 or SOCKS5 followed by host:port"),
                           index, quoted);
              return NULL;
            }
          g_strv_builder_add (builder, uri);
          g_free (uri);
          n++;
        }
      if (semi == NULL)
        break;
      p = semi + 1;
    }

  if (n == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _ ("The proxy list is empty"));
      return NULL;
    }
  return g_strv_builder_end (builder);
}
