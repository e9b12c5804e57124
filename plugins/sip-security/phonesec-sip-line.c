/* phonesec-sip-line.c: a line's settings, read from the configuration.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "phonesec-sip-line.h"

char *
phonesec_sip_line_parameter (const char *template_name, guint line)
{
  g_autofree char *prefix = NULL;

  g_return_val_if_fail (g_str_has_suffix (template_name, "_n_"), NULL);
  prefix = g_strndup (template_name, strlen (template_name) - strlen ("n_"));
  return g_strdup_printf ("%s%u_", prefix, line);
}

guint
phonesec_sip_line_of_parameter (const char *name)
{
  gsize end = strlen (name), start;
  g_autofree char *number = NULL;
  guint64 line;

  if (end < 3 || name[end - 1] != '_')
    return 0;
  start = --end;
  while (start > 0 && g_ascii_isdigit (name[start - 1]))
    start--;
  if (start == end || start < 2 || name[start - 1] != '_')
    return 0;
  number = g_strndup (name + start, end - start);
  if (!g_ascii_string_to_unsigned (number, 10, 1, G_MAXUINT, &line, NULL))
    return 0;
  return (guint) line;
}

static gboolean
get_bool (PhonesecContext *context, const char *template_name, guint line)
{
  g_autofree char *name = phonesec_sip_line_parameter (template_name, line);

  return phonesec_context_get_bool (context, name);
}

static char *
dup_string (PhonesecContext *context, const char *template_name, guint line)
{
  g_autofree char *name = phonesec_sip_line_parameter (template_name, line);

  return g_strstrip (phonesec_context_dup_string (context, name));
}

PhonesecSipLine *
phonesec_sip_line_read (PhonesecContext *context, guint number)
{
  PhonesecSipLine *line = g_new0 (PhonesecSipLine, 1);
  g_autofree char *port = phonesec_sip_line_parameter ("SIP_Port_n_", number);

  line->line = number;
  line->enabled = get_bool (context, "Line_Enable_n_", number);
  line->transport = dup_string (context, "SIP_Transport_n_", number);
  line->port = (guint) phonesec_context_get_int (context, port);
  line->proxy = dup_string (context, "Proxy_n_", number);
  line->outbound_proxy = dup_string (context, "Outbound_Proxy_n_", number);
  line->user_id = dup_string (context, "User_ID_n_", number);
  line->auth_id = dup_string (context, "Auth_ID_n_", number);
  line->use_auth_id = get_bool (context, "Use_Auth_ID_n_", number);
  line->auth_invite = get_bool (context, "Auth_INVITE_n_", number);
  line->rfc8760 = get_bool (context, "Auth_Support_RFC8760_n_", number);
  line->tls_name_validate = get_bool (context, "TLS_Name_Validate_n_", number);
  line->mediasec_request = get_bool (context, "MediaSec_Request_n_", number);
  line->mediasec_over_tls_only = get_bool (context, "MediaSec_Over_TLS_Only_n_", number);
  line->fips = phonesec_context_get_fips_mode (context);
  return line;
}

void
phonesec_sip_line_free (PhonesecSipLine *line)
{
  if (line == NULL)
    return;
  g_free (line->transport);
  g_free (line->proxy);
  g_free (line->outbound_proxy);
  g_free (line->user_id);
  g_free (line->auth_id);
  g_free (line);
}

const char *
phonesec_sip_line_auth_user (const PhonesecSipLine *line)
{
  if (line->use_auth_id && line->auth_id[0] != '\0')
    return line->auth_id;
  return line->user_id;
}

guint
phonesec_sip_line_allowed_algorithms (const PhonesecSipLine *line, PhonesecSipDigestAlgorithm *out)
{
  static const PhonesecSipDigestHash by_preference[] = {
    PHONESEC_SIP_DIGEST_SHA512_256,
    PHONESEC_SIP_DIGEST_SHA256,
    PHONESEC_SIP_DIGEST_MD5,
  };
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (by_preference); i++)
    {
      PhonesecSipDigestHash hash = by_preference[i];

      if (hash != PHONESEC_SIP_DIGEST_MD5 && !line->rfc8760)
        continue;
      if (hash == PHONESEC_SIP_DIGEST_MD5 && line->fips)
        continue;
      out[n++] = (PhonesecSipDigestAlgorithm){ hash, FALSE };
      out[n++] = (PhonesecSipDigestAlgorithm){ hash, TRUE };
    }
  return n;
}

gboolean
phonesec_sip_line_allows (const PhonesecSipLine *line, PhonesecSipDigestAlgorithm algorithm)
{
  PhonesecSipDigestAlgorithm allowed[6];
  guint n = phonesec_sip_line_allowed_algorithms (line, allowed);

  for (guint i = 0; i < n; i++)
    if (allowed[i].hash == algorithm.hash && allowed[i].sess == algorithm.sess)
      return TRUE;
  return FALSE;
}

char *
phonesec_sip_split_host_port (const char *value, guint *port_out)
{
  g_autofree char *text = g_strstrip (g_strdup (value != NULL ? value : ""));
  const char *colon;
  guint64 port = 0;

  *port_out = 0;
  if (text[0] == '\0')
    return NULL;
  if (text[0] == '[')
    {
      char *close = strchr (text, ']');

      if (close == NULL)
        return g_strdup (text);
      if (close[1] == ':' && g_ascii_string_to_unsigned (close + 2, 10, 1, 65535, &port, NULL))
        *port_out = (guint) port;
      return g_strndup (text + 1, close - text - 1);
    }
  colon = strrchr (text, ':');
  /* One colon: host:port. More: an IPv6 literal without brackets. */
  if (colon != NULL && strchr (text, ':') == colon
      && g_ascii_string_to_unsigned (colon + 1, 10, 1, 65535, &port, NULL))
    {
      *port_out = (guint) port;
      return g_strndup (text, colon - text);
    }
  return g_strdup (text);
}

char *
phonesec_sip_line_realm (const PhonesecSipLine *line)
{
  guint port;
  char *host = phonesec_sip_split_host_port (line->proxy, &port);

  return host != NULL ? host : g_strdup ("phone");
}
