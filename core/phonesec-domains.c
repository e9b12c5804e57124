/* phonesec-domains.c: Restricted_Access_Domains (see phonesec-domains.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec/phonesec-domains.h"

#include <glib/gi18n-lib.h>
#include <gio/gio.h>
#include <string.h>

#include "phonesec/phonesec-error.h"

gboolean
phonesec_domains_host_allowed (const char *host, const char *const *domains)
{
  g_autofree char *name = NULL;
  gsize len;

  if (domains == NULL || domains[0] == NULL)
    return TRUE;
  if (host == NULL || host[0] == '\0' || g_hostname_is_ip_address (host))
    return FALSE;
  name = g_ascii_strdown (host, -1);
  len = strlen (name);
  if (len > 0 && name[len - 1] == '.')
    name[--len] = '\0';
  for (guint i = 0; domains[i] != NULL; i++)
    {
      g_autofree char *domain = g_ascii_strdown (domains[i], -1);
      gsize dlen = strlen (domain);

      if (dlen > 0 && domain[dlen - 1] == '.')
        domain[--dlen] = '\0';
      if (dlen == 0)
        continue;
      if (g_str_equal (name, domain)
          || (len > dlen && g_str_has_suffix (name, domain) && name[len - dlen - 1] == '.'))
        return TRUE;
    }
  return FALSE;
}

/* The host of @url ("scheme://[user@]host[:port]/..." or "host[:port]"). */
static char *
url_host (const char *url)
{
  g_autoptr (GUri) uri = NULL;
  g_autofree char *with_scheme = NULL;

  if (strstr (url, "://") == NULL)
    url = with_scheme = g_strconcat ("x://", url, NULL);
  uri = g_uri_parse (url, G_URI_FLAGS_NON_DNS | G_URI_FLAGS_ENCODED, NULL);
  return uri != NULL && g_uri_get_host (uri) != NULL ? g_strdup (g_uri_get_host (uri)) : NULL;
}

gboolean
phonesec_domains_check_url (const char *url, const char *const *domains, const char *what,
                            GError **error)
{
  g_autofree char *host = NULL;
  g_autofree char *quoted = NULL;
  g_autofree char *list = NULL;

  if (domains == NULL || domains[0] == NULL)
    return TRUE;
  host = url != NULL ? url_host (url) : NULL;
  if (phonesec_domains_host_allowed (host, domains))
    return TRUE;
  quoted = phonesec_quote_for_message (host != NULL ? host : "", -1);
  list = g_strjoinv (", ", (char **) domains);
  g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_PERMISSION_DENIED,
               _ ("%s: the server '%s' is outside Restricted_Access_Domains (%s)"), what, quoted,
               list);
  return FALSE;
}
