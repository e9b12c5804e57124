/* phonesec-ldap-plugin.c: the ldap-starttls plugin: org.phonesec.PhoneSec1.Ldap.
 *
 * The corporate directory over ldaps:// or ldap:// + StartTLS under the
 * phone's TLS policy. D-Bus calls become jobs that run one at a time in a
 * GTask thread (libldap blocks); a configuration change cancels the running
 * job and the next one reads the new settings.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gi18n-lib.h>
#include <phonesec/phonesec.h>
#include <unistd.h>

#include "phonesec-ldap-client.h"
#include "phonesec-ldap-generated.h"

#define DEFAULT_MAX_RESULTS 50
#define MAX_MAX_RESULTS 1000
#define DEFAULT_TIMEOUT 10
#define MAX_TIMEOUT 120

#define PHONESEC_TYPE_LDAP_PLUGIN (phonesec_ldap_plugin_get_type ())
G_DECLARE_FINAL_TYPE (PhonesecLdapPlugin, phonesec_ldap_plugin, PHONESEC, LDAP_PLUGIN, GObject)

struct _PhonesecLdapPlugin
{
  GObject parent_instance;

  PhonesecContext *context;
  PhonesecLdapDBusLdap *iface;
  GQueue jobs;               /* of Job, waiting */
  gboolean running;          /* a job is in its thread */
  GCancellable *cancellable; /* of the running job */
};

typedef enum
{
  JOB_SEARCH,
  JOB_TEST,
} JobKind;

typedef struct
{
  JobKind kind;
  gboolean caller_is_admin; /* errors quote hidden settings */
  GDBusMethodInvocation *invocation;
  char *query;
  guint max_results;
  guint timeout;
  PhonesecLdapSettings *settings; /* taken when the job starts */
} Job;

typedef struct
{
  GVariant *value; /* aa{sv} or a{sv} */
  PhonesecLdapSessionInfo *info;
  GError *error;
} JobResult;

static void phonesec_ldap_plugin_iface_init (PhonesecPluginInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PhonesecLdapPlugin, phonesec_ldap_plugin, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PHONESEC_TYPE_PLUGIN,
                                                      phonesec_ldap_plugin_iface_init))

static void
job_free (Job *job)
{
  g_clear_object (&job->invocation);
  g_free (job->query);
  g_clear_pointer (&job->settings, phonesec_ldap_settings_unref);
  g_free (job);
}

static void
job_result_free (JobResult *r)
{
  g_clear_pointer (&r->value, g_variant_unref);
  g_clear_pointer (&r->info, phonesec_ldap_session_info_free);
  g_clear_error (&r->error);
  g_free (r);
}

/* --- properties ------------------------------------------------------------- */

static gboolean
directory_enabled (PhonesecLdapPlugin *self)
{
  g_autofree char *server = phonesec_context_dup_string (self->context, "LDAP_Server");

  return phonesec_context_get_bool (self->context, "LDAP_Dir_Enable")
         && *g_strstrip (server) != '\0';
}

static void
update_from_config (PhonesecLdapPlugin *self)
{
  g_autofree char *server = g_strstrip (phonesec_context_dup_string (self->context, "LDAP_Server"));
  gboolean enabled = directory_enabled (self);

  /* A URL's password never shows in a property (nor a problem report). */
  g_autofree char *shown = phonesec_credentials_mask_url (server);

  phonesec_ldap_dbus_ldap_set_server (self->iface, enabled ? shown : "");
  phonesec_ldap_dbus_ldap_set_state (self->iface, enabled ? "idle" : "disabled");
  phonesec_ldap_dbus_ldap_set_security (self->iface, "none");
  phonesec_ldap_dbus_ldap_set_last_error (self->iface, "");
  phonesec_context_set_error (self->context, NULL);
}

/* --- jobs ------------------------------------------------------------------- */

static void run_next_job (PhonesecLdapPlugin *self);

static void
job_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Job *job = task_data;
  JobResult *r = g_new0 (JobResult, 1);

  if (job->kind == JOB_SEARCH)
    r->value = phonesec_ldap_client_search (job->settings, job->query, job->max_results,
                                            job->timeout, &r->info, cancellable, &r->error);
  else
    {
      r->info = phonesec_ldap_client_test (job->settings, cancellable, &r->error);
      if (r->info != NULL)
        r->value = phonesec_ldap_session_info_to_variant (r->info);
    }
  if (r->value != NULL)
    g_variant_ref_sink (r->value);
  /* Ignored by GTask when the job was cancelled meanwhile. */
  g_task_return_pointer (task, r, (GDestroyNotify) job_result_free);
}

static void
on_job_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PhonesecLdapPlugin *self = PHONESEC_LDAP_PLUGIN (source);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  JobResult *r = g_task_propagate_pointer (G_TASK (result), &error);

  self->running = FALSE;
  g_clear_object (&self->cancellable);

  if (r == NULL)
    {
      /* Cancelled: the configuration changed or the plugin stops. The
       * properties were already reset by whoever cancelled. */
      g_dbus_method_invocation_return_error_literal (
          g_steal_pointer (&job->invocation), PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
          self->iface != NULL ? _ ("The directory configuration changed")
                              : _ ("The directory is shutting down"));
      run_next_job (self);
      return;
    }

  if (self->iface != NULL)
    {
      if (r->info != NULL && r->info->security != NULL)
        phonesec_ldap_dbus_ldap_set_security (self->iface, r->info->security);
      if (r->error != NULL)
        {
          phonesec_ldap_dbus_ldap_set_state (self->iface, "error");
          phonesec_ldap_dbus_ldap_set_last_error (self->iface, r->error->message);
        }
      else
        {
          phonesec_ldap_dbus_ldap_set_state (self->iface, "ready");
          phonesec_ldap_dbus_ldap_set_last_error (self->iface, "");
        }
    }
  if (r->error != NULL)
    {
      g_message ("LDAP %s failed: %s", job->kind == JOB_SEARCH ? "search" : "test",
                 r->error->message);
      /* The reason quotes the hidden LDAP_* settings (server, filters):
       * the phone's user gets the fact, the administrator LastError. */
      if (!job->caller_is_admin)
        g_dbus_method_invocation_return_error_literal (
            g_steal_pointer (&job->invocation), r->error->domain, r->error->code,
            _ ("The directory search failed; the administrator can see why"));
      else
        g_dbus_method_invocation_return_gerror (g_steal_pointer (&job->invocation), r->error);
    }
  else if (job->kind == JOB_SEARCH)
    g_dbus_method_invocation_return_value (g_steal_pointer (&job->invocation),
                                           g_variant_new_tuple (&r->value, 1));
  else
    g_dbus_method_invocation_return_value (g_steal_pointer (&job->invocation),
                                           g_variant_new_tuple (&r->value, 1));
  job_result_free (r);
  run_next_job (self);
}

static void
run_next_job (PhonesecLdapPlugin *self)
{
  g_autoptr (GTask) task = NULL;
  Job *job;

  if (self->running || self->iface == NULL)
    return;
  job = g_queue_pop_head (&self->jobs);
  if (job == NULL)
    return;

  /* Settings are read now, not when the call arrived: a job queued behind a
   * configuration change uses the new configuration. */
  job->settings = phonesec_ldap_settings_new_from_context (self->context);
  self->cancellable = g_cancellable_new ();
  self->running = TRUE;
  phonesec_ldap_dbus_ldap_set_state (self->iface, "connecting");

  task = g_task_new (self, self->cancellable, on_job_done, NULL);
  g_task_set_source_tag (task, run_next_job);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  /* The caller gets its answer at once on cancellation; the thread notices
   * at its next check and closes its connection. */
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, job_thread);
}

static void
queue_job (PhonesecLdapPlugin *self, Job *job)
{
  g_queue_push_tail (&self->jobs, job);
  run_next_job (self);
}

/* --- D-Bus ------------------------------------------------------------------ */

static gboolean
lookup_uint_option (GVariant *options, const char *key, guint fallback, guint min, guint max,
                    guint *out, GError **error)
{
  g_autoptr (GVariant) v = g_variant_lookup_value (options, key, NULL);
  guint64 n;

  *out = fallback;
  if (v == NULL)
    return TRUE;
  if (g_variant_is_of_type (v, G_VARIANT_TYPE_UINT32))
    n = g_variant_get_uint32 (v);
  else if (g_variant_is_of_type (v, G_VARIANT_TYPE_INT32) && g_variant_get_int32 (v) >= 0)
    n = g_variant_get_int32 (v);
  else if (g_variant_is_of_type (v, G_VARIANT_TYPE_STRING)
           && g_ascii_string_to_unsigned (g_variant_get_string (v, NULL), 10, 0, G_MAXUINT32, &n,
                                          NULL))
    ;
  else
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("Option %s must be an unsigned number"), key);
      return FALSE;
    }
  if (n < min || n > max)
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                   _ ("Option %s must be between %u and %u"), key, min, max);
      return FALSE;
    }
  *out = (guint) n;
  return TRUE;
}

static gboolean
on_handle_search (PhonesecLdapDBusLdap *iface, GDBusMethodInvocation *invocation, const char *query,
                  GVariant *options, gpointer user_data)
{
  PhonesecLdapPlugin *self = user_data;
  g_autoptr (GError) error = NULL;
  Job *job;
  guint max_results, timeout;

  if (!directory_enabled (self))
    {
      g_dbus_method_invocation_return_error_literal (
          invocation, PHONESEC_ERROR, PHONESEC_ERROR_NOT_SUPPORTED,
          _ ("The corporate directory is disabled: set LDAP_Dir_Enable=Yes and LDAP_Server"));
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  if (!lookup_uint_option (options, "max-results", DEFAULT_MAX_RESULTS, 1, MAX_MAX_RESULTS,
                           &max_results, &error)
      || !lookup_uint_option (options, "timeout", DEFAULT_TIMEOUT, 1, MAX_TIMEOUT, &timeout,
                              &error))
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  job = g_new0 (Job, 1);
  job->kind = JOB_SEARCH;
  job->caller_is_admin
      = phonesec_context_get_caller_view (self->context, invocation) == PHONESEC_VIEW_ADMIN;
  job->invocation = g_object_ref (invocation);
  job->query = g_strdup (query);
  job->max_results = max_results;
  job->timeout = timeout;
  queue_job (self, job);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* Administrators only: the core refuses anyone else before this runs
 * (org.phonesec.Access in the interface's XML). */
static gboolean
on_handle_test (PhonesecLdapDBusLdap *iface, GDBusMethodInvocation *invocation, gpointer user_data)
{
  PhonesecLdapPlugin *self = user_data;
  g_autofree char *server = g_strstrip (phonesec_context_dup_string (self->context, "LDAP_Server"));
  Job *job;

  if (*server == '\0')
    {
      g_dbus_method_invocation_return_error_literal (
          invocation, PHONESEC_ERROR, PHONESEC_ERROR_NOT_SUPPORTED,
          _ ("No LDAP server is configured (LDAP_Server)"));
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  job = g_new0 (Job, 1);
  job->kind = JOB_TEST;
  job->caller_is_admin = TRUE;
  job->invocation = g_object_ref (invocation);
  queue_job (self, job);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* --- PhonesecPlugin ----------------------------------------------------------- */

static void
stop_feature (PhonesecLdapPlugin *self)
{
  Job *job;

  if (self->iface != NULL && self->context != NULL)
    phonesec_context_unexport_interface (self->context, G_DBUS_INTERFACE_SKELETON (self->iface));
  g_clear_object (&self->iface);
  /* iface == NULL from here: the cancelled job answers "shutting down". */
  g_cancellable_cancel (self->cancellable);
  while ((job = g_queue_pop_head (&self->jobs)) != NULL)
    {
      g_dbus_method_invocation_return_error_literal (g_steal_pointer (&job->invocation),
                                                     PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                                                     _ ("The directory is shutting down"));
      job_free (job);
    }
  g_clear_object (&self->context);
}

/* Nothing to wait for: the directory is dialled when someone searches. */
static gboolean
phonesec_ldap_plugin_activate (PhonesecPlugin *plugin, PhonesecContext *context, GError **error)
{
  PhonesecLdapPlugin *self = PHONESEC_LDAP_PLUGIN (plugin);

  g_set_object (&self->context, context);
  self->iface = phonesec_ldap_dbus_ldap_skeleton_new ();
  /* Search and Test answer from their GTask callback: the skeleton must not
   * run handlers in a thread of its own. */
  g_signal_connect (self->iface, "handle-search", G_CALLBACK (on_handle_search), self);
  g_signal_connect (self->iface, "handle-test", G_CALLBACK (on_handle_test), self);
  update_from_config (self);
  phonesec_context_export_interface (context, G_DBUS_INTERFACE_SKELETON (self->iface));
  return TRUE;
}

static void
phonesec_ldap_plugin_deactivate (PhonesecPlugin *plugin)
{
  stop_feature (PHONESEC_LDAP_PLUGIN (plugin));
}

static void
phonesec_ldap_plugin_config_changed (PhonesecPlugin *plugin, const char *const *names)
{
  PhonesecLdapPlugin *self = PHONESEC_LDAP_PLUGIN (plugin);

  if (self->iface == NULL)
    return;
  /* Only LDAP_* names arrive (Watch=LDAP_*). A running search was started
   * with the old settings: stop it; queued ones read the new ones. */
  if (self->running)
    {
      g_message ("LDAP configuration changed: cancelling the running directory request");
      g_cancellable_cancel (self->cancellable);
    }
  update_from_config (self);
}

static void
phonesec_ldap_plugin_iface_init (PhonesecPluginInterface *iface)
{
  iface->activate = phonesec_ldap_plugin_activate;
  iface->deactivate = phonesec_ldap_plugin_deactivate;
  iface->config_changed = phonesec_ldap_plugin_config_changed;
}

/* --- GObject ---------------------------------------------------------------- */

static void
phonesec_ldap_plugin_dispose (GObject *object)
{
  stop_feature (PHONESEC_LDAP_PLUGIN (object));
  G_OBJECT_CLASS (phonesec_ldap_plugin_parent_class)->dispose (object);
}

static void
phonesec_ldap_plugin_class_init (PhonesecLdapPluginClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = phonesec_ldap_plugin_dispose;
}

static void
phonesec_ldap_plugin_init (PhonesecLdapPlugin *self)
{
  g_queue_init (&self->jobs);
}

PHONESEC_PLUGIN_DEFINE (phonesec_ldap_plugin_get_type)
