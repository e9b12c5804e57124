/* phonesec-prov-plugin.c: the provisioning plugin: org.phonesec.PhoneSec1.Provisioning.
 *
 * When resyncs happen (Provision_Enable, Resync_On_Reset with
 * Resync_Random_Delay, Resync_Periodic, Resync_Error_Retry_Delay,
 * Resync()) and what the phone shows of them; phonesec-prov-run.c does a
 * resync.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gi18n-lib.h>
#include <phonesec/phonesec.h>

#include "phonesec-prov-generated.h"
#include "phonesec-prov-report-send.h"
#include "phonesec-prov-run.h"
#include "phonesec-prov-upgrade.h"

#define PHONESEC_TYPE_PROV_PLUGIN (phonesec_prov_plugin_get_type ())
G_DECLARE_FINAL_TYPE (PhonesecProvPlugin, phonesec_prov_plugin, PHONESEC, PROV_PLUGIN, GObject)

struct _PhonesecProvPlugin
{
  GObject parent_instance;

  PhonesecContext *context;
  PhonesecProvDBusProvisioning *iface;
  GCancellable *cancellable; /* the resync or upgrade under way, NULL when idle */
  guint timer;
  char *installed_url;        /* the image the hook last took, not fetched again */
  gboolean failed;            /* the last resync failed: the retry delay applies */
  guint upgrade_timer;        /* Upgrade_Error_Retry_Delay after a failed upgrade */
  gboolean upgrade_retry_due; /* the retry came while busy: after it */
  gboolean done_one;
};

static void phonesec_prov_plugin_iface_init (PhonesecPluginInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PhonesecProvPlugin, phonesec_prov_plugin, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PHONESEC_TYPE_PLUGIN,
                                                      phonesec_prov_plugin_iface_init))

static void start_resync (PhonesecProvPlugin *self);
static void start_upgrade (PhonesecProvPlugin *self, gboolean automatic);
static gboolean upgrade_due (PhonesecProvPlugin *self);

/* --- timers ---------------------------------------------------------------- */

static gboolean
on_timer (gpointer user_data)
{
  PhonesecProvPlugin *self = user_data;

  self->timer = 0;
  phonesec_prov_dbus_provisioning_set_next_resync (self->iface, 0);
  if (self->cancellable == NULL)
    start_resync (self);
  return G_SOURCE_REMOVE;
}

/* Plans the next automatic resync in @seconds (0: none). */
static void
schedule (PhonesecProvPlugin *self, guint64 seconds, gboolean now_if_zero)
{
  g_clear_handle_id (&self->timer, g_source_remove);
  if (seconds == 0 && !now_if_zero)
    {
      phonesec_prov_dbus_provisioning_set_next_resync (self->iface, 0);
      return;
    }
  self->timer = seconds == 0
                    ? g_idle_add (on_timer, self)
                    : g_timeout_add_seconds ((guint) MIN (seconds, G_MAXUINT), on_timer, self);
  phonesec_prov_dbus_provisioning_set_next_resync (
      self->iface, (guint64) (g_get_real_time () / G_USEC_PER_SEC) + seconds);
}

/* After a resync, or when the timer parameters change. */
static void
schedule_next (PhonesecProvPlugin *self)
{
  const char *delay = self->failed ? "Resync_Error_Retry_Delay" : "Resync_Periodic";

  if (!phonesec_context_get_bool (self->context, "Provision_Enable") || !self->done_one)
    {
      schedule (self, 0, FALSE);
      return;
    }
  schedule (self, (guint64) MAX (0, phonesec_context_get_int (self->context, delay)), FALSE);
}

/* --- a resync -------------------------------------------------------------- */

/* LastResult, LastError, LastServer, State and the metric resyncs.done
 * or resyncs.failed, from a resync's @outcome. */
static void
show_outcome (PhonesecProvPlugin *self, const PhonesecProvOutcome *outcome)
{
  PhonesecProvDBusProvisioning *iface = self->iface;

  self->failed = outcome->error != NULL;
  phonesec_prov_dbus_provisioning_set_last_result (iface, self->failed ? "failed" : "success");
  phonesec_prov_dbus_provisioning_set_last_error (iface, self->failed ? outcome->error : "");
  phonesec_prov_dbus_provisioning_set_last_server (iface,
                                                   outcome->server != NULL ? outcome->server : "");
  phonesec_prov_dbus_provisioning_set_state (iface, self->failed ? "failed" : "idle");
  phonesec_context_metric_add (self->context, self->failed ? "resyncs.failed" : "resyncs.done", 1);
}

static void
on_run_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (PhonesecProvPlugin) self = user_data;
  g_autoptr (PhonesecProvOutcome) outcome = phonesec_prov_run_finish (result);
  PhonesecProvDBusProvisioning *iface = self->iface;

  g_clear_object (&self->cancellable);
  if (iface == NULL)
    return; /* deactivated meanwhile */
  self->done_one = TRUE;
  phonesec_prov_dbus_provisioning_set_last_resync (iface, g_get_real_time () / G_USEC_PER_SEC);
  show_outcome (self, outcome);
  phonesec_prov_dbus_provisioning_set_custom_castatus (
      iface, outcome->ca_status != NULL ? outcome->ca_status : "none");
  phonesec_prov_dbus_provisioning_set_custom_cafingerprint (
      iface, outcome->ca_fingerprint != NULL ? outcome->ca_fingerprint : "");
  if (self->failed)
    g_message ("Resync failed: %s", outcome->error);
  else
    g_message ("Resync done");
  schedule_next (self);
  if ((!self->failed || self->upgrade_retry_due) && upgrade_due (self))
    start_upgrade (self, TRUE);
}

/* --- an upgrade ------------------------------------------------------------ */

/* After a successful resync, Upgrade_Rule is followed when the phone may
 * upgrade and has a hook (else it is not tried: nothing could install). */
static gboolean
upgrade_due (PhonesecProvPlugin *self)
{
  g_autofree char *rule = phonesec_context_dup_string (self->context, "Upgrade_Rule");
  g_autofree char *hook = NULL;

  if (!phonesec_context_get_bool (self->context, "Upgrade_Enable") || rule == NULL
      || g_strstrip (rule)[0] == '\0')
    return FALSE;
  hook = phonesec_prov_upgrade_find_hook (NULL);
  return hook != NULL;
}

static gboolean
on_upgrade_retry (gpointer user_data)
{
  PhonesecProvPlugin *self = user_data;

  self->upgrade_timer = 0;
  if (self->cancellable != NULL)
    self->upgrade_retry_due = TRUE; /* once the resync is over */
  else if (upgrade_due (self))
    start_upgrade (self, TRUE);
  return G_SOURCE_REMOVE;
}

/* Cisco's upgrade error timer: a failed upgrade is tried again after
 * Upgrade_Error_Retry_Delay seconds (0: never); a success, or a new
 * Upgrade_Rule, ends it. */
static void
schedule_upgrade_retry (PhonesecProvPlugin *self, gboolean failed)
{
  gint64 delay = phonesec_context_get_int (self->context, "Upgrade_Error_Retry_Delay");

  g_clear_handle_id (&self->upgrade_timer, g_source_remove);
  self->upgrade_retry_due = FALSE;
  if (failed && delay > 0)
    self->upgrade_timer
        = g_timeout_add_seconds ((guint) MIN (delay, G_MAXUINT), on_upgrade_retry, self);
}

/* LastUpgrade, LastUpgradeResult, LastUpgradeError and the metric
 * upgrades.done or upgrades.failed; LastResult and LastError stay the
 * resync's, which the phone's screen shows, and State goes back to it. */
static void
show_upgrade (PhonesecProvPlugin *self, const PhonesecProvOutcome *outcome)
{
  PhonesecProvDBusProvisioning *iface = self->iface;
  gboolean failed = outcome->error != NULL;

  phonesec_prov_dbus_provisioning_set_last_upgrade (iface, g_get_real_time () / G_USEC_PER_SEC);
  phonesec_prov_dbus_provisioning_set_last_upgrade_result (iface, failed ? "failed" : "success");
  phonesec_prov_dbus_provisioning_set_last_upgrade_error (iface, failed ? outcome->error : "");
  phonesec_context_metric_add (self->context, failed ? "upgrades.failed" : "upgrades.done", 1);
}

static void
on_upgrade_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (PhonesecProvPlugin) self = user_data;
  g_autoptr (PhonesecProvOutcome) outcome = phonesec_prov_run_finish (result);
  PhonesecProvDBusProvisioning *iface = self->iface;

  g_clear_object (&self->cancellable);
  if (iface == NULL)
    return;
  phonesec_prov_dbus_provisioning_set_state (iface, self->failed ? "failed" : "idle");
  if (outcome->skipped)
    return;
  show_upgrade (self, outcome);
  schedule_upgrade_retry (self, outcome->error != NULL);
  if (outcome->error == NULL)
    {
      g_free (self->installed_url);
      self->installed_url = g_steal_pointer (&outcome->url);
    }
}

static void
start_upgrade (PhonesecProvPlugin *self, gboolean automatic)
{
  phonesec_prov_dbus_provisioning_set_state (self->iface, "upgrading");
  self->upgrade_retry_due = FALSE;
  self->cancellable = g_cancellable_new ();
  phonesec_prov_upgrade_async (self->context, automatic, automatic ? self->installed_url : NULL,
                               self->cancellable, on_upgrade_done, g_object_ref (self));
}

static void
start_resync (PhonesecProvPlugin *self)
{
  g_clear_handle_id (&self->timer, g_source_remove);
  phonesec_prov_dbus_provisioning_set_next_resync (self->iface, 0);
  phonesec_prov_dbus_provisioning_set_state (self->iface, "resyncing");
  self->cancellable = g_cancellable_new ();
  phonesec_prov_run_async (self->context, self->cancellable, on_run_done, g_object_ref (self));
}

/* --- D-Bus ----------------------------------------------------------------- */

static gboolean
on_handle_resync (PhonesecProvDBusProvisioning *iface, GDBusMethodInvocation *invocation,
                  gpointer user_data)
{
  PhonesecProvPlugin *self = user_data;

  if (!phonesec_context_get_bool (self->context, "Provision_Enable"))
    g_dbus_method_invocation_return_error_literal (
        invocation, PHONESEC_ERROR, PHONESEC_ERROR_NOT_SUPPORTED,
        _ ("Provisioning is disabled (Provision_Enable is No)"));
  else if (self->cancellable != NULL)
    g_dbus_method_invocation_return_error_literal (
        invocation, PHONESEC_ERROR, PHONESEC_ERROR_IN_PROGRESS,
        _ ("A resync or an upgrade is already under way"));
  else
    {
      start_resync (self);
      phonesec_prov_dbus_provisioning_complete_resync (iface, invocation);
    }
  return TRUE;
}

static gboolean
on_handle_upgrade (PhonesecProvDBusProvisioning *iface, GDBusMethodInvocation *invocation,
                   gpointer user_data)
{
  PhonesecProvPlugin *self = user_data;
  g_autofree char *rule = phonesec_context_dup_string (self->context, "Upgrade_Rule");
  g_autofree char *hook = NULL;
  g_autoptr (GError) error = NULL;

  if (!phonesec_context_get_bool (self->context, "Upgrade_Enable"))
    g_dbus_method_invocation_return_error_literal (
        invocation, PHONESEC_ERROR, PHONESEC_ERROR_NOT_SUPPORTED,
        _ ("Firmware upgrades are disabled (Upgrade_Enable is No)"));
  else if (rule == NULL || g_strstrip (rule)[0] == '\0')
    g_dbus_method_invocation_return_error_literal (
        invocation, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE, _ ("Upgrade_Rule is empty"));
  else if ((hook = phonesec_prov_upgrade_find_hook (&error)) == NULL)
    g_dbus_method_invocation_return_gerror (invocation, error);
  else if (self->cancellable != NULL)
    g_dbus_method_invocation_return_error_literal (
        invocation, PHONESEC_ERROR, PHONESEC_ERROR_IN_PROGRESS,
        _ ("A resync or an upgrade is already under way"));
  else
    {
      start_upgrade (self, FALSE);
      phonesec_prov_dbus_provisioning_complete_upgrade (iface, invocation);
    }
  return TRUE;
}

static void
on_report_sent (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GDBusMethodInvocation) invocation = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *server = NULL;

  if (!phonesec_prov_report_send_finish (result, &server, &error))
    {
      g_message ("Report failed: %s", error->message);
      g_dbus_method_invocation_return_gerror (invocation, error);
      return;
    }
  g_message ("Report sent to %s", server);
  g_dbus_method_invocation_return_value (invocation,
                                         g_variant_new ("(s)", server != NULL ? server : ""));
}

static gboolean
on_handle_report (PhonesecProvDBusProvisioning *iface, GDBusMethodInvocation *invocation,
                  gpointer user_data)
{
  PhonesecProvPlugin *self = user_data;

  phonesec_prov_report_send_async (self->context, NULL, on_report_sent, g_object_ref (invocation));
  return TRUE;
}

/* --- PhonesecPlugin -------------------------------------------------------- */

static void
stop_feature (PhonesecProvPlugin *self)
{
  g_clear_handle_id (&self->timer, g_source_remove);
  g_clear_handle_id (&self->upgrade_timer, g_source_remove);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->iface != NULL)
    {
      phonesec_context_unexport_interface (self->context, G_DBUS_INTERFACE_SKELETON (self->iface));
      g_clear_object (&self->iface);
    }
  g_clear_object (&self->context);
  g_clear_pointer (&self->installed_url, g_free);
}

static gboolean
phonesec_prov_plugin_activate (PhonesecPlugin *plugin, PhonesecContext *context, GError **error)
{
  PhonesecProvPlugin *self = PHONESEC_PROV_PLUGIN (plugin);

  g_set_object (&self->context, context);
  self->iface = phonesec_prov_dbus_provisioning_skeleton_new ();
  phonesec_prov_dbus_provisioning_set_state (self->iface, "idle");
  phonesec_prov_dbus_provisioning_set_last_result (self->iface, "");
  phonesec_prov_dbus_provisioning_set_last_error (self->iface, "");
  phonesec_prov_dbus_provisioning_set_last_server (self->iface, "");
  phonesec_prov_dbus_provisioning_set_last_upgrade_result (self->iface, "");
  phonesec_prov_dbus_provisioning_set_last_upgrade_error (self->iface, "");
  phonesec_prov_dbus_provisioning_set_custom_castatus (self->iface, "none");
  phonesec_prov_dbus_provisioning_set_custom_cafingerprint (self->iface, "");
  g_signal_connect (self->iface, "handle-resync", G_CALLBACK (on_handle_resync), self);
  g_signal_connect (self->iface, "handle-upgrade", G_CALLBACK (on_handle_upgrade), self);
  g_signal_connect (self->iface, "handle-report", G_CALLBACK (on_handle_report), self);
  phonesec_context_export_interface (context, G_DBUS_INTERFACE_SKELETON (self->iface));
  if (phonesec_context_get_bool (context, "Provision_Enable")
      && phonesec_context_get_bool (context, "Resync_On_Reset"))
    {
      gint64 max = phonesec_context_get_int (context, "Resync_Random_Delay");

      schedule (self, max > 0 ? (guint64) g_random_int_range (0, (gint32) max + 1) : 0, TRUE);
    }
  return TRUE;
}

static void
phonesec_prov_plugin_deactivate (PhonesecPlugin *plugin)
{
  stop_feature (PHONESEC_PROV_PLUGIN (plugin));
}

/* The timers follow their parameters; a profile applied by our own resync
 * lands here too and is seen once the resync is over. */
static void
phonesec_prov_plugin_config_changed (PhonesecPlugin *plugin, const char *const *names)
{
  PhonesecProvPlugin *self = PHONESEC_PROV_PLUGIN (plugin);

  if (g_strv_contains (names, "Upgrade_Rule"))
    schedule_upgrade_retry (self, FALSE); /* a new image, a new count */
  if (self->cancellable != NULL)
    return;
  for (guint i = 0; names[i] != NULL; i++)
    if (g_str_equal (names[i], "Provision_Enable") || g_str_has_prefix (names[i], "Resync_"))
      {
        schedule_next (self);
        return;
      }
}

static void
phonesec_prov_plugin_iface_init (PhonesecPluginInterface *iface)
{
  iface->activate = phonesec_prov_plugin_activate;
  iface->deactivate = phonesec_prov_plugin_deactivate;
  iface->config_changed = phonesec_prov_plugin_config_changed;
}

/* --- GObject --------------------------------------------------------------- */

static void
phonesec_prov_plugin_dispose (GObject *object)
{
  stop_feature (PHONESEC_PROV_PLUGIN (object));
  G_OBJECT_CLASS (phonesec_prov_plugin_parent_class)->dispose (object);
}

static void
phonesec_prov_plugin_class_init (PhonesecProvPluginClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = phonesec_prov_plugin_dispose;
}

static void
phonesec_prov_plugin_init (PhonesecProvPlugin *self)
{
}

PHONESEC_PLUGIN_DEFINE (phonesec_prov_plugin_get_type)
