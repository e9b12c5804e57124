/* phonesec-sip-policy.c: a line's policy for the SIP stack.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-sip-policy.h"
#include "phonesec-sip-mediasec.h"

static GVariant *
algorithm_names (const PhonesecSipLine *line)
{
  PhonesecSipDigestAlgorithm allowed[6];
  guint n = phonesec_sip_line_allowed_algorithms (line, allowed);
  GVariantBuilder names;

  g_variant_builder_init (&names, G_VARIANT_TYPE_STRING_ARRAY);
  for (guint i = 0; i < n; i++)
    g_variant_builder_add (&names, "s", phonesec_sip_digest_algorithm_name (allowed[i]));
  return g_variant_builder_end (&names);
}

static gboolean
proxy_allowed (const char *value, const char *const *domains)
{
  guint port;
  g_autofree char *host = phonesec_sip_split_host_port (value, &port);

  return host == NULL || phonesec_domains_host_allowed (host, domains);
}

static void
add_tls (GVariantDict *dict, PhonesecContext *context, const PhonesecSipLine *line)
{
  g_autofree char *priority
      = phonesec_context_dup_tls_priority (context, PHONESEC_SIP_TLS_APP_CLASS);

  g_variant_dict_insert (dict, "tls-app-class", "s", PHONESEC_SIP_TLS_APP_CLASS);
  g_variant_dict_insert (dict, "tls-priority", "s", priority);
  g_variant_dict_insert (dict, "tls-ca-file", "s", phonesec_context_get_ca_bundle (context));
  g_variant_dict_insert (dict, "tls-name-validate", "b", line->tls_name_validate);
}

static void
add_mediasec (GVariantDict *dict, const PhonesecSipLine *line)
{
  g_auto (GStrv) client = phonesec_sip_mediasec_security_client (
      line->mediasec_request, line->mediasec_over_tls_only, line->transport);
  const char *const none[] = { NULL };
  const char *const tag[] = { PHONESEC_SIP_MEDIASEC_OPTION_TAG, NULL };
  const char *const *require = client[0] != NULL ? tag : none;

  g_variant_dict_insert (dict, "mediasec-request", "b", line->mediasec_request);
  g_variant_dict_insert (dict, "mediasec-over-tls-only", "b", line->mediasec_over_tls_only);
  g_variant_dict_insert (
      dict, "mediasec-applies", "b",
      phonesec_sip_mediasec_applies (line->mediasec_over_tls_only, line->transport));
  g_variant_dict_insert (dict, "security-client", "^as", client);
  g_variant_dict_insert (dict, "require", "^as", require);
  g_variant_dict_insert (dict, "proxy-require", "^as", require);
  g_variant_dict_insert (dict, "srtp-profiles", "^as", phonesec_sip_mediasec_srtp_profiles ());
}

GVariant *
phonesec_sip_policy_new (PhonesecContext *context, const PhonesecSipLine *line,
                         gboolean has_password)
{
  g_auto (GStrv) domains = phonesec_context_dup_strv (context, "Restricted_Access_Domains");
  GVariantDict dict;

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "line", "u", line->line);
  g_variant_dict_insert (&dict, "enabled", "b", line->enabled);
  g_variant_dict_insert (&dict, "transport", "s", line->transport);
  g_variant_dict_insert (&dict, "port", "u", line->port);
  g_variant_dict_insert (&dict, "proxy", "s", line->proxy);
  g_variant_dict_insert (&dict, "outbound-proxy", "s", line->outbound_proxy);
  g_variant_dict_insert (&dict, "user-id", "s", line->user_id);
  g_variant_dict_insert (&dict, "auth-user", "s", phonesec_sip_line_auth_user (line));
  g_variant_dict_insert (&dict, "has-password", "b", has_password);
  g_variant_dict_insert (&dict, "auth-invite", "b", line->auth_invite);
  g_variant_dict_insert (&dict, "rfc8760", "b", line->rfc8760);
  g_variant_dict_insert_value (&dict, "digest-algorithms", algorithm_names (line));
  add_tls (&dict, context, line);
  add_mediasec (&dict, line);
  g_variant_dict_insert (&dict, "proxy-allowed", "b",
                         proxy_allowed (line->proxy, (const char *const *) domains));
  g_variant_dict_insert (&dict, "outbound-proxy-allowed", "b",
                         proxy_allowed (line->outbound_proxy, (const char *const *) domains));
  return g_variant_dict_end (&dict);
}

static const char *
mediasec_mode (const PhonesecSipLine *line)
{
  if (!phonesec_sip_mediasec_applies (line->mediasec_over_tls_only, line->transport))
    return "off";
  return line->mediasec_request ? "request" : "answer";
}

GVariant *
phonesec_sip_policy_summary (const PhonesecSipLine *line, gboolean has_password)
{
  GVariantDict dict;

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "line", "u", line->line);
  g_variant_dict_insert (&dict, "enabled", "b", line->enabled);
  g_variant_dict_insert (&dict, "transport", "s", line->transport);
  g_variant_dict_insert (&dict, "proxy", "s", line->proxy);
  g_variant_dict_insert (&dict, "auth-invite", "b", line->auth_invite);
  g_variant_dict_insert_value (&dict, "digest-algorithms", algorithm_names (line));
  g_variant_dict_insert (&dict, "tls-name-validate", "b", line->tls_name_validate);
  g_variant_dict_insert (&dict, "mediasec", "s", mediasec_mode (line));
  g_variant_dict_insert (&dict, "has-password", "b", has_password);
  return g_variant_dict_end (&dict);
}
