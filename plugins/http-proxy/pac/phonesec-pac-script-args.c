/* phonesec-pac-script-args.c: what a PAC script is given for a URL.
 *
 * The https:// and wss:// origin cut: browsers (Chrome since 52, Firefox)
 * give PAC scripts no path or query of a secure URL, since a script could
 * leak them (alert() reaches the log, and a script can encode any of it in
 * a proxy name). User information and fragments never reach it either.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-pac-script-args.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <string.h>

/* Letters, digits, '-', '_' and dots only: nothing else is a host. */
static gboolean
is_host_name (const char *ascii)
{
  return strlen (ascii) <= 253
         && ascii[strspn (ascii, "abcdefghijklmnopqrstuvwxyz"
                                 "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                 "0123456789-_.")]
                == '\0';
}

gboolean
phonesec_pac_script_args (const char *url, char **script_url, char **host, GError **error)
{
  g_autofree char *scheme = NULL;
  g_autofree char *userinfo = NULL;
  g_autofree char *raw_host = NULL;
  g_autofree char *path = NULL;
  g_autofree char *query = NULL;
  g_autofree char *fragment = NULL;
  g_autofree char *ascii = NULL;
  g_autofree char *seen = NULL;
  gboolean origin_only;
  int port = -1;

  g_return_val_if_fail (url != NULL, FALSE);
  if (!g_uri_split (url, G_URI_FLAGS_ENCODED | G_URI_FLAGS_NON_DNS, &scheme, &userinfo, &raw_host,
                    &port, &path, &query, &fragment, NULL)
      || scheme == NULL || raw_host == NULL || raw_host[0] == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _ ("The URL has no host name"));
      return FALSE;
    }
  origin_only
      = g_ascii_strcasecmp (scheme, "https") == 0 || g_ascii_strcasecmp (scheme, "wss") == 0;
  if (userinfo != NULL || fragment != NULL || (origin_only && (strcmp (path, "/") != 0 || query)))
    seen = g_uri_join (G_URI_FLAGS_ENCODED | G_URI_FLAGS_NON_DNS, scheme, NULL, raw_host, port,
                       origin_only ? "/" : path, origin_only ? NULL : query, NULL);
  else
    seen = g_strdup (url);

  if (strchr (raw_host, '%') != NULL && strchr (raw_host, ':') == NULL)
    {
      char *unescaped = g_uri_unescape_string (raw_host, NULL);

      if (unescaped != NULL)
        {
          g_free (raw_host);
          raw_host = unescaped;
        }
    }
  ascii = g_hostname_to_ascii (raw_host);
  if (ascii != NULL && !g_hostname_is_ip_address (ascii) && !is_host_name (ascii))
    g_clear_pointer (&ascii, g_free);
  if (ascii == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _ ("The URL's host name is not valid"));
      return FALSE;
    }
  *script_url = g_steal_pointer (&seen);
  *host = g_ascii_strdown (ascii, -1);
  return TRUE;
}
