/* phonesec-prov-run.c: one resync (see phonesec-prov-run.h).
 *
 * The profile is applied through the daemon's own Config.ImportProfile,
 * and the custom CA added through its own TlsPolicy.AddTrustedCA (our
 * connection calling our bus name, as the daemon's uid: an administrator):
 * the same transaction, checks and announcements as an admin's call, and
 * the trust store's change reaches the network service the usual way.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-prov-run.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "phonesec-prov-ca.h"
#include "phonesec-prov-decode.h"
#include "phonesec-prov-fetch.h"
#include "phonesec-prov-macros.h"
#include "phonesec-prov-target.h"

/* What a rule brings, and the syslog messages around its fetch: the
 * Log_*_Msg parameters for profiles; Cisco has none for the custom CA, so
 * fixed texts in the same style. */
typedef struct
{
  const char *parameter;
  gboolean is_ca;
  const char *request, *success, *failure; /* parameter names, or texts for the CA */
} Step;

#define LOGS "Log_Request_Msg", "Log_Success_Msg", "Log_Failure_Msg"
static const Step steps[] = {
  { "Custom_CA_Rule", TRUE, "$PN $MAC -- Requesting custom CA $SCHEME://$SERVIP:$PORT$PATH",
    "$PN $MAC -- Successful custom CA download $SCHEME://$SERVIP:$PORT$PATH",
    "$PN $MAC -- Custom CA failed: $ERR" },
  { "Profile_Rule", FALSE, LOGS },
  { "Profile_Rule_B", FALSE, LOGS },
  { "Profile_Rule_C", FALSE, LOGS },
  { "Profile_Rule_D", FALSE, LOGS },
};

typedef struct
{
  PhonesecContext *context;
  guint index;           /* the next step */
  const Step *step;      /* the step being fetched */
  const char *rule;      /* its parameter */
  GHashTable *vars;      /* macro values, GPP_ values included */
  PhonesecSecret *key;   /* the current rule's --key, expanded */
  GString *errors;       /* "Profile_Rule_B: why; ..." */
  char *server;          /* the last server that answered */
  const char *ca_status; /* NULL, "installed", "failed" */
  char *ca_fingerprint;
} Run;

void
phonesec_prov_outcome_free (PhonesecProvOutcome *outcome)
{
  if (outcome == NULL)
    return;
  g_free (outcome->error);
  g_free (outcome->server);
  g_free (outcome->ca_fingerprint);
  g_free (outcome->url);
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
  g_free (run->ca_fingerprint);
  g_free (run);
}

static void next_rule (GTask *task);

/* @which: the step's request, success or failure message. */
static void
send_log (Run *run, const char *which)
{
  if (run->step->is_ca)
    phonesec_prov_log (run->context, run->vars, which);
  else
    phonesec_prov_log_parameter (run->context, run->vars, which);
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
  if (run->step->is_ca)
    run->ca_status = "failed";
  g_hash_table_insert (run->vars, g_strdup ("ERR"), g_strdup (message));
  send_log (run, run->step->failure);
  next_rule (task);
}

/* ImportProfile or AddTrustedCA answered. */
static void
on_applied (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply
      = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);

  if (reply == NULL)
    {
      g_dbus_error_strip_remote_error (error);
      rule_failed (g_steal_pointer (&task), error->message);
      return;
    }
  if (run->step->is_ca)
    {
      g_free (run->ca_fingerprint);
      g_variant_get (reply, "(s)", &run->ca_fingerprint);
      run->ca_status = "installed";
      g_message ("%s: CA %s in the trust store", run->rule, run->ca_fingerprint);
    }
  else
    {
      g_autoptr (GVariant) ignored = NULL;
      guint64 generation = 0;

      g_variant_get (reply, "(t@a{ss})", &generation, &ignored);
      g_message ("%s applied (generation %" G_GUINT64_FORMAT ", %" G_GSIZE_FORMAT
                 " elements ignored)",
                 run->rule, generation, g_variant_n_children (ignored));
    }
  send_log (run, run->step->success);
  next_rule (g_steal_pointer (&task));
}

/* Our own bus name: @method of @interface as an administrator. */
static void
call_self (GTask *task, const char *interface, const char *method, GVariant *parameters,
           const char *reply_type)
{
  Run *run = g_task_get_task_data (task);
  GDBusConnection *bus = phonesec_context_get_connection (run->context);

  g_dbus_connection_call (bus, g_dbus_connection_get_unique_name (bus), PHONESEC_DBUS_PATH,
                          interface, method, parameters, G_VARIANT_TYPE (reply_type),
                          G_DBUS_CALL_FLAGS_NONE, 60000, g_task_get_cancellable (task), on_applied,
                          g_object_ref (task));
}

/* The fetched file, once decoded, to ImportProfile or AddTrustedCA. */
static gboolean
apply_file (GTask *task, GBytes *bytes, GError **error)
{
  Run *run = g_task_get_task_data (task);
  g_autofree char *text = NULL;
  GVariantDict options;

  if (run->step->is_ca)
    {
      if ((text = phonesec_prov_ca_to_pem (bytes, error)) == NULL)
        return FALSE;
      call_self (task, PHONESEC_DBUS_INTERFACE_TLS_POLICY, "AddTrustedCA",
                 g_variant_new ("(s)", text), "(s)");
      return TRUE;
    }
  if ((text = phonesec_prov_decode (bytes, run->key, error)) == NULL)
    return FALSE;
  g_variant_dict_init (&options, NULL);
  g_variant_dict_insert (&options, "source", "s", "provisioning");
  call_self (task, PHONESEC_DBUS_INTERFACE_CONFIG, "ImportProfile",
             g_variant_new ("(s@a{sv})", text, g_variant_dict_end (&options)), "(ta{ss})");
  return TRUE;
}

static void
on_fetched (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Run *run = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autofree char *server = NULL;
  g_autoptr (GBytes) bytes = phonesec_prov_fetch_finish (result, &server, &error);

  if (server != NULL)
    {
      g_free (run->server);
      run->server = g_strdup (server);
      phonesec_prov_vars_set_server (run->vars, server);
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) && !run->step->is_ca
      && !phonesec_context_get_bool (run->context, "Resync_Fails_On_FNF"))
    {
      g_message ("%s: %s (ignored: Resync_Fails_On_FNF is No)", run->rule, error->message);
      next_rule (g_steal_pointer (&task));
      return;
    }
  if (bytes == NULL || !apply_file (task, bytes, &error))
    rule_failed (g_steal_pointer (&task), error->message);
}

/* Starts the fetch of @text; FALSE with @error when it cannot start. */
static gboolean
start_rule (GTask *task, const char *text, GError **error)
{
  Run *run = g_task_get_task_data (task);
  gboolean no_alternative;
  g_autoptr (PhonesecProvTarget) target
      = phonesec_prov_target_new (run->context, run->vars, run->rule, text, &no_alternative, error);

  if (target == NULL)
    return FALSE;
  g_clear_pointer (&run->key, phonesec_secret_unref);
  run->key = g_steal_pointer (&target->key);
  phonesec_prov_vars_set_url (run->vars, target->url);
  send_log (run, run->step->request);
  phonesec_prov_target_fetch_async (
      run->context, target, run->step->is_ca ? PHONESEC_PROV_MAX_CA : PHONESEC_PROV_MAX_PROFILE,
      NULL, g_task_get_cancellable (task), on_fetched, g_object_ref (task));
  return TRUE;
}

static void
return_outcome (GTask *task)
{
  Run *run = g_task_get_task_data (task);
  PhonesecProvOutcome *outcome = g_new0 (PhonesecProvOutcome, 1);

  outcome->error = run->errors->len > 0 ? g_strdup (run->errors->str) : NULL;
  outcome->server = g_strdup (run->server);
  outcome->ca_status = run->ca_status;
  outcome->ca_fingerprint = g_strdup (run->ca_fingerprint);
  g_task_return_pointer (task, outcome, (GDestroyNotify) phonesec_prov_outcome_free);
}

/* Fetches the next rule that is set, or returns the outcome (takes over
 * the caller's reference on @task). */
static void
next_rule (GTask *task)
{
  Run *run = g_task_get_task_data (task);

  while (run->index < G_N_ELEMENTS (steps))
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *text = NULL;

      run->step = &steps[run->index++];
      run->rule = run->step->parameter;
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
  return_outcome (task);
  g_object_unref (task);
}

void
phonesec_prov_run_async (PhonesecContext *context, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  Run *run = g_new0 (Run, 1);

  g_task_set_source_tag (task, phonesec_prov_run_async);
  run->context = g_object_ref (context);
  run->vars = phonesec_prov_vars_new (context);
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
