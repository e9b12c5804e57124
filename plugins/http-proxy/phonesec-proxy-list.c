/* phonesec-proxy-list.c: proxy URIs, their PAC form, and the URLs the
 * HttpProxy interface accepts.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-proxy-list.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <phonesec/phonesec-error.h>
#include <string.h>

#define MAX_URL_LENGTH 8192

char *
phonesec_proxy_manual_uri (const char *host, guint16 port)
{
  if (strchr (host, ':') != NULL && host[0] != '[')
    return g_strdup_printf ("http://[%s]:%u", host, port);
  return g_strdup_printf ("http://%s:%u", host, port);
}

static const struct
{
  const char *scheme;
  const char *keyword;
} pac_keywords[] = {
  { "http", "PROXY" },    { "https", "HTTPS" },    { "socks", "SOCKS" },
  { "socks4", "SOCKS4" }, { "socks4a", "SOCKS4" }, { "socks5", "SOCKS5" },
};

char *
phonesec_proxy_list_to_pac (const char *const *uris)
{
  g_autoptr (GString) out = g_string_new (NULL);

  for (guint i = 0; uris != NULL && uris[i] != NULL; i++)
    {
      const char *sep = strstr (uris[i], "://");
      g_autofree char *scheme = NULL;
      const char *keyword = NULL;
      const char *rest;

      if (sep == NULL)
        continue;
      scheme = g_ascii_strdown (uris[i], sep - uris[i]);
      rest = sep + 3;
      if (g_str_equal (scheme, "direct"))
        keyword = "DIRECT";
      for (guint k = 0; keyword == NULL && k < G_N_ELEMENTS (pac_keywords); k++)
        if (g_str_equal (scheme, pac_keywords[k].scheme))
          keyword = pac_keywords[k].keyword;
      if (keyword == NULL || (!g_str_equal (keyword, "DIRECT") && *rest == '\0'))
        continue;
      if (out->len > 0)
        g_string_append (out, "; ");
      g_string_append (out, keyword);
      if (!g_str_equal (keyword, "DIRECT"))
        {
          /* Whatever follows the authority (a stray "/") is no part of the
           * PAC form. */
          g_string_append_c (out, ' ');
          g_string_append_len (out, rest, strcspn (rest, "/"));
        }
    }
  if (out->len == 0)
    g_string_append (out, "DIRECT");
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
host_is_plain (const char *host)
{
  if (g_hostname_is_ip_address (host))
    return TRUE;
  for (const char *p = host; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.' && *p != '_')
      return FALSE;
  return TRUE;
}

char *
phonesec_proxy_check_url (const char *url, GError **error)
{
  g_autoptr (GUri) uri = NULL;
  g_autoptr (GUri) bare = NULL;
  const char *host;

  if (url == NULL || *url == '\0')
    {
      g_set_error_literal (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                           _ ("The URL is empty; give an absolute URL such as "
                              "http://example.com/"));
      return NULL;
    }
  if (strlen (url) > MAX_URL_LENGTH)
    {
      g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                   _ ("The URL is too long; allowed: at most %d characters"), MAX_URL_LENGTH);
      return NULL;
    }
  for (const char *p = url; *p != '\0'; p++)
    if ((guchar) *p <= 0x20 || *p == 0x7f)
      {
        g_set_error_literal (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                             _ ("The URL contains a space or a control character"));
        return NULL;
      }
  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  host = uri != NULL ? g_uri_get_host (uri) : NULL;
  if (uri == NULL || host == NULL || *host == '\0')
    {
      g_set_error_literal (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                           _ ("The URL is not an absolute URL with a host; give one such as "
                              "http://example.com/"));
      return NULL;
    }
  /* GUri hands the host back percent-decoded ("h%08" is "h\b", "6%25" is
   * "6%") and lets an '@' after the first be part of it ("http://u:@@x@h"):
   * only a DNS name (IDNs come out as xn--) or an IP address is a host. */
  if (!host_is_plain (host))
    {
      g_set_error_literal (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                           _ ("The URL's host is not a host name or an IP address"));
      return NULL;
    }
  bare = g_uri_build (G_URI_FLAGS_ENCODED, g_uri_get_scheme (uri), NULL, host, g_uri_get_port (uri),
                      g_uri_get_path (uri), g_uri_get_query (uri), g_uri_get_fragment (uri));
  return g_uri_to_string (bare);
}

/* GIO hands a resolver only scheme://host:port (GNetworkAddress builds
 * the URI from the connectable, libsoup gives no path): such a URI stands
 * for every path of that server. */
static gboolean
same_resource (GUri *a, GUri *b)
{
  const char *pa = g_uri_get_path (a);
  const char *pb = *g_uri_get_path (b) != '\0' ? g_uri_get_path (b) : "/";

  if (g_ascii_strcasecmp (g_uri_get_scheme (a), g_uri_get_scheme (b)) != 0
      || g_uri_get_host (a) == NULL || g_uri_get_host (b) == NULL
      || g_ascii_strcasecmp (g_uri_get_host (a), g_uri_get_host (b)) != 0
      || g_uri_get_port (a) != g_uri_get_port (b))
    return FALSE;
  return *pa == '\0' || g_str_equal (pa, "/") || g_str_equal (pa, pb);
}

gboolean
phonesec_proxy_url_is_pac (const char *url, const char *const *pac_urls)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_SCHEME_NORMALIZE, NULL);
  const char *host;
  const char *path;

  if (uri == NULL || (host = g_uri_get_host (uri)) == NULL)
    return FALSE;
  path = g_uri_get_path (uri);
  if (g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") == 0
      && g_ascii_strncasecmp (host, "wpad.", 5) == 0
      && (*path == '\0' || g_str_equal (path, "/") || g_str_equal (path, "/wpad.dat")))
    return TRUE;
  for (guint i = 0; pac_urls != NULL && pac_urls[i] != NULL; i++)
    {
      g_autoptr (GUri) pac = g_uri_parse (pac_urls[i], G_URI_FLAGS_SCHEME_NORMALIZE, NULL);

      if (pac != NULL && same_resource (uri, pac))
        return TRUE;
    }
  return FALSE;
}
