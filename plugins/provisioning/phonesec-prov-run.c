/* phonesec-prov-run.c: one resync (see phonesec-prov-run.h).
 *
 * The profile is applied through the daemon's own Config.ImportProfile
 * (our connection calling our bus name): the same transaction, ua
 * handling, validation and Changed signal as any admin's import, with
 * source `provisioning`; a profile that does not parse changes nothing.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-prov-run.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "phonesec-prov-decode.h"
#include "phonesec-prov-dhcp.h"
#include "phonesec-prov-fetch.h"
#include "phonesec-prov-syslog.h"

static const char *const rule_names[]
    = { "Profile_Rule", "Profile_Rule_B", "Profile_Rule_C", "Profile_Rule_D" };

typedef struct
{
  PhonesecContext *context;
  guint index;         /* the next rule */
  const char *rule;    /* the rule being fetched */
  GHashTable *vars;    /* macro values, GPP_ values included */
  PhonesecSecret *key; /* the current rule's --key, expanded */
  GString *errors;     /* "Profile_Rule_B: why; ..." */
  char *server;        /* the last server that answered */
} Run;

void
phonesec_prov_outcome_free (PhonesecProvOutcome *outcome)
{
  if (outcome == NULL)
    return;
  g_free (outcome->error);
  g_free (outcome->server);
  g_free (outcome);
}

static void
run_free (Run *run)
{
  g_clear_object (&run->context);
  g_clear_pointer (&run->vars, g_hash_table_unref);
  g_clear_pointer (&run->key, phonesec_secret_unref);
  g_string_free (run->errors, TRUE);
  g_free (run->server);
  g_free (run);
}

static void next_rule (GTask *task);

/* --- macros and syslog ----------------------------------------------------- */

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

/* $MA, $SWVER... and $A..$P from GPP_A..GPP_P (secrets: kept only here). */
static GHashTable *
make_vars (PhonesecContext *context)
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

static void
send_log (Run *run, const char *parameter)
{
  g_autofree char *server = phonesec_context_dup_string (run->context, "Syslog_Server");
  g_autofree char *template = NULL;
  g_autofree char *message = NULL;
  g_autofree char *hostname = NULL;

  if (server == NULL || server[0] == '\0')
    return;
  template = phonesec_context_dup_string (run->context, parameter);
  if (template == NULL || template[0] == '\0')
    return;
  message = phonesec_macro_expand (template, run->vars);
  hostname = g_strconcat (
      "SEP", phonesec_device_get_mac_upper (phonesec_context_get_device (run->context)), NULL);
  phonesec_prov_syslog_send (server, hostname, message);
}

/* $SCHEME, $SERV, $SERVIP, $PORT, $PATH of @url (SERVIP: the name until
 * an address answered). */
static void
set_url_vars (Run *run, const char *url)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : "";
  int port = uri != NULL ? g_uri_get_port (uri) : -1;

  if (port < 0)
    port = g_str_equal (scheme, "https") ? 443 : g_str_equal (scheme, "http") ? 80 : 69;
  g_hash_table_insert (run->vars, g_strdup ("SCHEME"), g_strdup (scheme));
  g_hash_table_insert (run->vars, g_strdup ("SERV"),
                       g_strdup (uri != NULL ? g_uri_get_host (uri) : ""));
  g_hash_table_insert (run->vars, g_strdup ("SERVIP"),
                       g_strdup (uri != NULL ? g_uri_get_host (uri) : ""));
  g_hash_table_insert (run->vars, g_strdup ("PORT"), g_strdup_printf ("%d", port));
  g_hash_table_insert (run->vars, g_strdup ("PATH"),
                       g_strdup (uri != NULL ? g_uri_get_path (uri) : ""));
}

/* SERVIP and PORT from "scheme://address:port" once a server answered. */
static void
set_server_vars (Run *run, const char *server)
{
  const char *host = strstr (server, "://") + 3;
  const char *colon = strrchr (host, ':');

  g_hash_table_insert (run->vars, g_strdup ("SERVIP"), g_strndup (host, colon - host));
  g_hash_table_insert (run->vars, g_strdup ("PORT"), g_strdup (colon + 1));
}

/* --- one rule -------------------------------------------------------------- */

/* Records the failure of the current rule and goes on with the next one
 * (takes over the caller's reference on @task). */
static void
rule_failed (GTask *task, const char *message)
{
  Run *run = g_task_get_task_data (task);

  g_message ("%s failed: %s", run->rule, message);
  if (run->errors->len > 0)
    g_string_append (run->errors, "; ");
  /* Some messages (Restricted_Access_Domains) name the rule already. */
  if (g_str_has_prefix (message, run->rule) && message[strlen (run->rule)] == ':')
    g_string_append (run->errors, message);
  else
    g_string_append_printf (run->errors, "%s: %s", run->rule, message);
  g_hash_table_insert (run->vars, g_strdup ("ERR"), g_strdup (message));
  send_log (run, "Log_Failure_Msg");
  next_rule (task);
}

static void
on_imported (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply
      = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  g_autoptr (GVariant) ignored = NULL;
  guint64 generation = 0;

  if (reply == NULL)
    {
      g_dbus_error_strip_remote_error (error);
      rule_failed (g_steal_pointer (&task), error->message);
      return;
    }
  g_variant_get (reply, "(t@a{ss})", &generation, &ignored);
  g_message ("%s applied (generation %" G_GUINT64_FORMAT ", %" G_GSIZE_FORMAT " elements ignored)",
             run->rule, generation, g_variant_n_children (ignored));
  send_log (run, "Log_Success_Msg");
  next_rule (g_steal_pointer (&task));
}

static void
import_profile (GTask *task, const char *xml)
{
  Run *run = g_task_get_task_data (task);
  GDBusConnection *bus = phonesec_context_get_connection (run->context);
  GVariantDict options;

  g_variant_dict_init (&options, NULL);
  g_variant_dict_insert (&options, "source", "s", "provisioning");
  g_dbus_connection_call (bus, g_dbus_connection_get_unique_name (bus), PHONESEC_DBUS_PATH,
                          PHONESEC_DBUS_INTERFACE_CONFIG, "ImportProfile",
                          g_variant_new ("(s@a{sv})", xml, g_variant_dict_end (&options)),
                          G_VARIANT_TYPE ("(ta{ss})"), G_DBUS_CALL_FLAGS_NONE, 60000,
                          g_task_get_cancellable (task), on_imported, g_object_ref (task));
}

static void
on_fetched (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autofree char *server = NULL;
  g_autoptr (GBytes) bytes = phonesec_prov_fetch_finish (result, &server, &error);
  g_autofree char *xml = NULL;

  if (server != NULL)
    {
      g_free (run->server);
      run->server = g_strdup (server);
      set_server_vars (run, server);
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND)
      && !phonesec_context_get_bool (run->context, "Resync_Fails_On_FNF"))
    {
      g_message ("%s: %s (ignored: Resync_Fails_On_FNF is No)", run->rule, error->message);
      next_rule (g_steal_pointer (&task));
      return;
    }
  if (bytes == NULL || (xml = phonesec_prov_decode (bytes, run->key, &error)) == NULL)
    {
      rule_failed (g_steal_pointer (&task), error->message);
      return;
    }
  import_profile (task, xml);
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

/* The rule's first entry as an absolute URL, or NULL with @error. */
static char *
target_url (Run *run, const PhonesecRuleEntry *entry, GError **error)
{
  g_autofree char *url = phonesec_macro_expand (entry->url, run->vars);
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
  network = phonesec_context_dup_network (run->context);
  options = network != NULL ? g_variant_lookup_value (network, "dhcp-options", NULL) : NULL;
  order = dhcp_order (run->context, &n);
  absolute = phonesec_prov_dhcp_resolve (url, options, order, n, NULL);
  if (absolute == NULL)
    g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_NOT_FOUND,
                         _ ("the rule is a path and DHCP gave no provisioning server (options "
                            "of DHCP_Option_To_Use and DHCPv6_Option_To_Use)"));
  return absolute;
}

static PhonesecSecret *
expand_secret (Run *run, PhonesecSecret *secret)
{
  g_autofree char *value = NULL;
  PhonesecSecret *expanded;

  if (secret == NULL)
    return NULL;
  value = phonesec_macro_expand (phonesec_secret_peek (secret), run->vars);
  expanded = phonesec_secret_new (value, -1);
  memset (value, 0, strlen (value));
  return expanded;
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

/* Starts the fetch of @text; FALSE with @error when it cannot start. */
static gboolean
start_rule (GTask *task, const char *text, GError **error)
{
  Run *run = g_task_get_task_data (task);
  g_autoptr (PhonesecRule) rule = phonesec_rule_parse (text, error);
  g_auto (GStrv) domains = NULL;
  g_autofree char *url = NULL;
  g_autofree char *uid = NULL;
  g_autoptr (PhonesecSecret) pwd = NULL;
  const PhonesecRuleEntry *entry;
  PhonesecProvFetch fetch = { 0 };

  if (rule == NULL)
    return FALSE;
  entry = phonesec_rule_select (rule, run->vars, NULL);
  if (entry == NULL)
    {
      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_NOT_FOUND,
                           _ ("no alternative of the rule applies"));
      return FALSE;
    }
  if ((url = target_url (run, entry, error)) == NULL)
    return FALSE;
  domains = phonesec_context_dup_strv (run->context, "Restricted_Access_Domains");
  if (!phonesec_domains_check_url (url, (const char *const *) domains, run->rule, error))
    return FALSE;
  g_clear_pointer (&run->key, phonesec_secret_unref);
  run->key = expand_secret (run, entry->key);
  if (entry->uid != NULL && may_authenticate (run->context))
    {
      uid = phonesec_macro_expand (entry->uid, run->vars);
      pwd = expand_secret (run, entry->pwd);
    }
  set_url_vars (run, url);
  send_log (run, "Log_Request_Msg");
  fetch = (PhonesecProvFetch){ url, uid, pwd, PHONESEC_PROV_MAX_PROFILE, tftp_timeout_ms () };
  phonesec_prov_fetch_async (run->context, &fetch, g_task_get_cancellable (task), on_fetched,
                             g_object_ref (task));
  return TRUE;
}

/* Fetches the next rule that is set, or returns the outcome (takes over
 * the caller's reference on @task). */
static void
next_rule (GTask *task)
{
  Run *run = g_task_get_task_data (task);

  while (run->index < G_N_ELEMENTS (rule_names))
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *text = NULL;

      run->rule = rule_names[run->index++];
      text = phonesec_context_dup_string (run->context, run->rule);
      if (text == NULL || g_strstrip (text)[0] == '\0')
        continue;
      if (start_rule (task, text, &error))
        {
          g_object_unref (task); /* the fetch holds its own */
          return;
        }
      /* rule_failed() goes on with the next rule itself. */
      g_hash_table_insert (run->vars, g_strdup ("SCHEME"), g_strdup (""));
      rule_failed (task, error->message);
      return;
    }
  {
    PhonesecProvOutcome *outcome = g_new0 (PhonesecProvOutcome, 1);

    outcome->error = run->errors->len > 0 ? g_strdup (run->errors->str) : NULL;
    outcome->server = g_strdup (run->server);
    g_task_return_pointer (task, outcome, (GDestroyNotify) phonesec_prov_outcome_free);
    g_object_unref (task);
  }
}

void
phonesec_prov_run_async (PhonesecContext *context, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Run *run = g_new0 (Run, 1);

  g_task_set_source_tag (task, phonesec_prov_run_async);
  run->context = g_object_ref (context);
  run->vars = make_vars (context);
  run->errors = g_string_new (NULL);
  g_task_set_task_data (task, run, (GDestroyNotify) run_free);
  next_rule (task);
}

PhonesecProvOutcome *
phonesec_prov_run_finish (GAsyncResult *result)
{
  g_autoptr (GError) error = NULL;
  PhonesecProvOutcome *outcome = g_task_propagate_pointer (G_TASK (result), &error);

  if (outcome == NULL)
    {
      outcome = g_new0 (PhonesecProvOutcome, 1);
      outcome->error = g_strdup (error->message);
    }
  return outcome;
}
