/* phonesec-prov-target.c: a rule → what to fetch (see
 * phonesec-prov-target.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-prov-target.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "phonesec-prov-dhcp.h"
#include "phonesec-prov-fetch.h"

void
phonesec_prov_target_free (PhonesecProvTarget *target)
{
  if (target == NULL)
    return;
  g_free (target->url);
  g_free (target->uid);
  g_clear_pointer (&target->pwd, phonesec_secret_unref);
  g_clear_pointer (&target->key, phonesec_secret_unref);
  g_free (target);
}

/* DHCP_Option_To_Use then DHCPv6_Option_To_Use, without repeats. */
static guint *
dhcp_order (PhonesecContext *context, gsize *n)
{
  static const char *const names[] = { "DHCP_Option_To_Use", "DHCPv6_Option_To_Use" };
  GArray *order = g_array_new (FALSE, FALSE, sizeof (guint));

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_auto (GStrv) items = phonesec_context_dup_strv (context, names[i]);

      for (guint j = 0; items != NULL && items[j] != NULL; j++)
        {
          guint64 value;
          guint option;
          gboolean seen = FALSE;

          if (!g_ascii_string_to_unsigned (items[j], 10, 1, 65535, &value, NULL))
            continue;
          option = (guint) value;
          for (guint k = 0; k < order->len; k++)
            seen = seen || g_array_index (order, guint, k) == option;
          if (!seen)
            g_array_append_val (order, option);
        }
    }
  *n = order->len;
  return (guint *) g_array_free (order, FALSE);
}

/* Profile_Authentication_Type: Disabled keeps --uid/--pwd to ourselves. */
static gboolean
may_authenticate (PhonesecContext *context)
{
  g_autofree char *type = phonesec_context_dup_string (context, "Profile_Authentication_Type");

  return g_strcmp0 (type, "Disabled") != 0;
}

/* The entry's URL, absolute, or NULL with @error. */
static char *
target_url (PhonesecContext *context, GHashTable *vars, const PhonesecRuleEntry *entry,
            GError **error)
{
  g_autofree char *url = phonesec_macro_expand (entry->url, vars);
  g_autoptr (GVariant) network = NULL;
  g_autoptr (GVariant) options = NULL;
  g_autofree guint *order = NULL;
  gsize n = 0;
  char *absolute;

  if (g_ascii_strncasecmp (url, "gds://", 6) == 0)
    return g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_NOT_SUPPORTED,
                                _ ("gds:// (activation code onboarding) is not supported on "
                                   "this phone")),
           NULL;
  if (url[0] != '/')
    return g_steal_pointer (&url);
  network = phonesec_context_dup_network (context);
  options = network != NULL ? g_variant_lookup_value (network, "dhcp-options", NULL) : NULL;
  order = dhcp_order (context, &n);
  absolute = phonesec_prov_dhcp_resolve (url, options, order, n, NULL);
  if (absolute == NULL)
    g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_NOT_FOUND,
                         _ ("the rule is a path and DHCP gave no provisioning server (options "
                            "of DHCP_Option_To_Use and DHCPv6_Option_To_Use)"));
  return absolute;
}

static PhonesecSecret *
expand_secret (GHashTable *vars, PhonesecSecret *secret)
{
  g_autofree char *value = NULL;
  PhonesecSecret *expanded;

  if (secret == NULL)
    return NULL;
  value = phonesec_macro_expand (phonesec_secret_peek (secret), vars);
  expanded = phonesec_secret_new (value, -1);
  explicit_bzero (value, strlen (value));
  return expanded;
}

PhonesecProvTarget *
phonesec_prov_target_new (PhonesecContext *context, GHashTable *vars, const char *parameter,
                          const char *text, gboolean *no_alternative, GError **error)
{
  g_autoptr (PhonesecRule) rule = phonesec_rule_parse (text, error);
  g_autoptr (PhonesecProvTarget) target = NULL;
  g_auto (GStrv) domains = NULL;
  const PhonesecRuleEntry *entry;

  *no_alternative = FALSE;
  if (rule == NULL)
    return NULL;
  entry = phonesec_rule_select (rule, vars, NULL);
  if (entry == NULL)
    {
      *no_alternative = TRUE;
      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_NOT_FOUND,
                           _ ("no alternative of the rule applies"));
      return NULL;
    }
  target = g_new0 (PhonesecProvTarget, 1);
  if ((target->url = target_url (context, vars, entry, error)) == NULL)
    return NULL;
  domains = phonesec_context_dup_strv (context, "Restricted_Access_Domains");
  if (!phonesec_domains_check_url (target->url, (const char *const *) domains, parameter, error))
    return NULL;
  target->key = expand_secret (vars, entry->key);
  if (entry->uid != NULL && may_authenticate (context))
    {
      target->uid = phonesec_macro_expand (entry->uid, vars);
      target->pwd = expand_secret (vars, entry->pwd);
    }
  return g_steal_pointer (&target);
}

/* How long one tftp address may stay silent: 5 s, shorter in tests
 * (PHONESEC_PROV_TFTP_TIMEOUT_MS), which try three A records. */
static guint
tftp_timeout_ms (void)
{
  const char *env = g_getenv ("PHONESEC_PROV_TFTP_TIMEOUT_MS");
  guint64 ms = 5000;

  if (env != NULL)
    g_ascii_string_to_unsigned (env, 10, 100, 60000, &ms, NULL);
  return (guint) ms;
}

void
phonesec_prov_target_fetch_async (PhonesecContext *context, const PhonesecProvTarget *target,
                                  gsize max_size, GOutputStream *sink, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  PhonesecProvFetch fetch
      = { target->url, target->uid, target->pwd, max_size, tftp_timeout_ms (), sink };

  phonesec_prov_fetch_async (context, &fetch, cancellable, callback, user_data);
}

void
phonesec_prov_target_upload_async (PhonesecContext *context, const PhonesecProvTarget *target,
                                   const char *method, GBytes *body, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data)
{
  PhonesecProvFetch fetch
      = { target->url, target->uid, target->pwd, 64 * 1024, 0, NULL, method, body };

  phonesec_prov_fetch_async (context, &fetch, cancellable, callback, user_data);
}
