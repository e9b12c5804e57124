/* phonesec-prov-server.c: the resync macros that name the server (see
 * phonesec-prov-server.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-prov-server.h"

static int
default_port (const char *scheme)
{
  if (g_str_equal (scheme, "https"))
    return 443;
  return g_str_equal (scheme, "http") ? 80 : 69;
}

/* $SERVIP and $PORT of @uri; %FALSE (nothing set) when it has no host. */
static gboolean
set_address (GHashTable *vars, GUri *uri)
{
  int port;

  if (uri == NULL || g_uri_get_host (uri) == NULL)
    return FALSE;
  port = g_uri_get_port (uri);
  if (port < 0)
    port = default_port (g_uri_get_scheme (uri));
  g_hash_table_insert (vars, g_strdup ("SERVIP"), g_strdup (g_uri_get_host (uri)));
  g_hash_table_insert (vars, g_strdup ("PORT"), g_strdup_printf ("%d", port));
  return TRUE;
}

void
phonesec_prov_vars_set_url (GHashTable *vars, const char *url)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);

  if (!set_address (vars, uri))
    return;
  g_hash_table_insert (vars, g_strdup ("SCHEME"), g_strdup (g_uri_get_scheme (uri)));
  g_hash_table_insert (vars, g_strdup ("SERV"), g_strdup (g_uri_get_host (uri)));
  g_hash_table_insert (vars, g_strdup ("PATH"), g_strdup (g_uri_get_path (uri)));
}

void
phonesec_prov_vars_set_server (GHashTable *vars, const char *server)
{
  g_autoptr (GUri) uri = g_uri_parse (server, G_URI_FLAGS_NONE, NULL);

  set_address (vars, uri);
}
