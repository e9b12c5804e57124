/* phonesec-prov-dhcp.c: relative rules against the DHCP-given server.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-prov-dhcp.h"

#include <string.h>

/* The URL for @path from one option's text, or NULL. */
static char *
from_option (guint option, const char *text, const char *path)
{
  g_autofree char *first = NULL;
  gsize len;

  first = g_strstrip (g_strndup (text, strcspn (text, ", ;")));
  len = strlen (first);
  if (len == 0)
    return NULL;
  if (strstr (first, "://") != NULL)
    {
      while (len > 0 && first[len - 1] == '/')
        first[--len] = '\0';
      return g_strconcat (first, path, NULL);
    }
  if (option != 66 && option != 150 && option != 159 && option != 160)
    return NULL; /* vendor options carry no plain host */
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (first[i]) && strchr ("-._:", first[i]) == NULL)
      return NULL;                 /* not a host name or an address */
  if (strchr (first, ':') != NULL) /* an IPv6 address */
    return g_strdup_printf ("tftp://[%s]%s", first, path);
  return g_strconcat ("tftp://", first, path, NULL);
}

/* The text of @option in a{us}, or NULL (the last one when repeated). */
static const char *
lookup_option (GVariant *dhcp_options, guint option)
{
  GVariantIter iter;
  guint32 key;
  const char *value, *found = NULL;

  g_variant_iter_init (&iter, dhcp_options);
  while (g_variant_iter_next (&iter, "{u&s}", &key, &value))
    if (key == option)
      found = value;
  return found;
}

char *
phonesec_prov_dhcp_resolve (const char *path, GVariant *dhcp_options, const guint *order,
                            gsize n_order, guint *option_used)
{
  if (option_used != NULL)
    *option_used = 0;
  if (dhcp_options == NULL || !g_variant_is_of_type (dhcp_options, G_VARIANT_TYPE ("a{us}")))
    return NULL;
  for (gsize i = 0; i < n_order; i++)
    {
      const char *text = lookup_option (dhcp_options, order[i]);
      char *url;

      if (text == NULL || (url = from_option (order[i], text, path)) == NULL)
        continue;
      if (option_used != NULL)
        *option_used = order[i];
      return url;
    }
  return NULL;
}
