/* phonesec-prov-macros.c: macro values and syslog messages (see
 * phonesec-prov-macros.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-prov-macros.h"

#include <string.h>

#include "phonesec-prov-syslog.h"

static char *
first_address (PhonesecContext *context)
{
  g_autoptr (GVariant) network = phonesec_context_dup_network (context);
  g_autofree const char **addresses = NULL;

  if (network == NULL || !g_variant_lookup (network, "addresses", "^a&s", &addresses)
      || addresses[0] == NULL)
    return NULL;
  return g_strdup (addresses[0]);
}

GHashTable *
phonesec_prov_vars_new (PhonesecContext *context)
{
  g_autofree char *ip = first_address (context);
  GHashTable *vars = phonesec_macro_vars_new (phonesec_context_get_device (context), ip);

  for (char c = 'A'; c <= 'P'; c++)
    {
      char name[] = { 'G', 'P', 'P', '_', c, '\0' };
      g_autoptr (PhonesecSecret) value = phonesec_context_dup_secret (context, name);

      g_hash_table_insert (vars, g_strndup (&c, 1),
                           g_strdup (value != NULL ? phonesec_secret_peek (value) : ""));
    }
  return vars;
}

void
phonesec_prov_log (PhonesecContext *context, GHashTable *vars, const char *template)
{
  g_autofree char *server = phonesec_context_dup_string (context, "Syslog_Server");
  g_autofree char *message = NULL;
  g_autofree char *hostname = NULL;

  if (server == NULL || server[0] == '\0' || template == NULL || template[0] == '\0')
    return;
  message = phonesec_macro_expand (template, vars);
  hostname = g_strconcat (
      "SEP", phonesec_device_get_mac_upper (phonesec_context_get_device (context)), NULL);
  phonesec_prov_syslog_send (server, hostname, message);
}

void
phonesec_prov_log_parameter (PhonesecContext *context, GHashTable *vars, const char *parameter)
{
  g_autofree char *template = phonesec_context_dup_string (context, parameter);

  phonesec_prov_log (context, vars, template);
}
