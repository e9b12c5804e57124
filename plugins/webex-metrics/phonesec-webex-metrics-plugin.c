/* phonesec-webex-metrics-plugin.c: the webex-metrics plugin: org.phonesec.PhoneSec1.Metrics.
 *
 * Every Metrics_Upload_Interval seconds, while Webex_Metrics_Enable=Yes and a
 * collector is set, a snapshot of the core's registry goes into the upload
 * queue as a metrics item. The core itself refuses and discards metrics
 * items while the parameter is No, whichever plugin made them: this plugin
 * is not what keeps metrics on the phone, only what sends them.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <phonesec/phonesec.h>

#include "phonesec-metrics-batch.h"
#include "phonesec-metrics-generated.h"

#define OWNER "webex-metrics"
/* What the upload queue's items refer to for the collector's user:password. */
#define URL_REF "Metrics_Collector_URL"

#define PHONESEC_TYPE_WEBEX_METRICS_PLUGIN (phonesec_webex_metrics_plugin_get_type ())
G_DECLARE_FINAL_TYPE (PhonesecWebexMetricsPlugin, phonesec_webex_metrics_plugin, PHONESEC,
                      WEBEX_METRICS_PLUGIN, GObject)

struct _PhonesecWebexMetricsPlugin
{
  GObject parent_instance;

  PhonesecContext *context;
  PhonesecMetricsDBusMetrics *iface;
  char *seq_path;
  guint64 next_seq;
  guint timer;
  guint interval;
  gulong done_handler, failed_handler;
};

static void phonesec_webex_metrics_plugin_iface_init (PhonesecPluginInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PhonesecWebexMetricsPlugin, phonesec_webex_metrics_plugin,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PHONESEC_TYPE_PLUGIN,
                                                      phonesec_webex_metrics_plugin_iface_init))

/* Batch numbers go on across restarts, so that a collector can tell a
 * retried batch from a new one. */
static void
load_seq (PhonesecWebexMetricsPlugin *self)
{
  g_autofree char *text = NULL;

  self->next_seq = 1;
  if (g_file_get_contents (self->seq_path, &text, NULL, NULL))
    self->next_seq = MAX (1, g_ascii_strtoull (text, NULL, 10));
}

static gboolean
save_seq (PhonesecWebexMetricsPlugin *self, GError **error)
{
  g_autofree char *text = g_strdup_printf ("%" G_GUINT64_FORMAT "\n", self->next_seq);

  return g_file_set_contents_full (self->seq_path, text, -1,
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                   0600, error);
}

static void
set_error (PhonesecWebexMetricsPlugin *self, const char *message)
{
  phonesec_metrics_dbus_metrics_set_last_error (self->iface, message != NULL ? message : "");
}

/* Queues one batch; FALSE with @error when metrics may not or cannot go. */
static gboolean
queue_batch (PhonesecWebexMetricsPlugin *self, GError **error)
{
  g_autofree char *url = phonesec_context_dup_string (self->context, "Metrics_Collector_URL");
  PhonesecDevice *device = phonesec_context_get_device (self->context);
  g_autoptr (GVariant) snapshot = NULL;
  g_autofree char *json = NULL;
  g_autofree char *tag = NULL;
  g_autofree char *item = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autoptr (GUri) uri = NULL;
  guint64 seq;

  if (!phonesec_context_get_bool (self->context, "Webex_Metrics_Enable"))
    {
      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_NOT_SUPPORTED,
                           _ ("Metrics are disabled (Webex_Metrics_Enable is No)"));
      return FALSE;
    }
  if (url == NULL || url[0] == '\0')
    {
      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_NOT_SUPPORTED,
                           _ ("No metrics collector is set (Metrics_Collector_URL is empty)"));
      return FALSE;
    }
  {
    g_auto (GStrv) domains = phonesec_context_dup_strv (self->context, "Restricted_Access_Domains");

    if (!phonesec_domains_check_url (url, (const char *const *) domains, "Metrics_Collector_URL",
                                     error))
      return FALSE;
  }
  seq = self->next_seq++;
  if (!save_seq (self, error))
    return FALSE;
  phonesec_context_metric_add (self->context, "batches.made", 1);
  snapshot = phonesec_metrics_snapshot (phonesec_context_get_metrics (self->context));
  json = phonesec_metrics_batch_to_json (
      phonesec_device_get_mac (device), phonesec_device_get_serial (device),
      phonesec_device_get_product_name (device), phonesec_device_get_software_version (device), seq,
      g_get_real_time () / G_USEC_PER_SEC, self->interval, snapshot);
  tag = g_strdup_printf ("%" G_GUINT64_FORMAT, seq);
  body = g_bytes_new (json, strlen (json));
  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  item = phonesec_upload_queue_add_full (
      phonesec_context_get_upload_queue (self->context), OWNER, tag, PHONESEC_UPLOAD_METRICS,
      "POST", url, "application/json", NULL,
      uri != NULL && g_uri_get_userinfo (uri) != NULL ? URL_REF : NULL, NULL, body, error);
  return item != NULL;
}

static void
make_batch (PhonesecWebexMetricsPlugin *self)
{
  g_autoptr (GError) error = NULL;

  if (!queue_batch (self, &error))
    {
      g_message ("No metrics batch: %s", error->message);
      set_error (self, error->message);
    }
}

static gboolean
on_timer (gpointer user_data)
{
  make_batch (user_data);
  return G_SOURCE_CONTINUE;
}

static void
on_item_done (PhonesecUploadQueue *queue, const char *owner, const char *id, const char *tag,
              gboolean delivered, guint status, const char *message, gpointer user_data)
{
  PhonesecWebexMetricsPlugin *self = user_data;

  if (!g_str_equal (owner, OWNER))
    return;
  if (delivered)
    {
      phonesec_metrics_dbus_metrics_set_sent (
          self->iface, phonesec_metrics_dbus_metrics_get_sent (self->iface) + 1);
      phonesec_metrics_dbus_metrics_set_last_upload (self->iface,
                                                     g_get_real_time () / G_USEC_PER_SEC);
      set_error (self, NULL);
    }
  else
    {
      phonesec_metrics_dbus_metrics_set_dropped (
          self->iface, phonesec_metrics_dbus_metrics_get_dropped (self->iface) + 1);
      set_error (self, message);
    }
}

static void
on_item_failed (PhonesecUploadQueue *queue, const char *owner, const char *id, const char *tag,
                guint status, const char *message, gpointer user_data)
{
  PhonesecWebexMetricsPlugin *self = user_data;

  if (g_str_equal (owner, OWNER))
    set_error (self, message);
}

/* The upload queue asks for an item's user:password at send time: the
 * current one, and only for the collector it is configured for now. */
static PhonesecSecret *
provide_secret (const char *owner, const char *tag, const char *ref, const char *url,
                gpointer user_data)
{
  PhonesecWebexMetricsPlugin *self = user_data;
  g_autofree char *current = NULL;

  if (self->context == NULL || !g_str_equal (ref, URL_REF))
    return NULL;
  current = phonesec_context_dup_string (self->context, URL_REF);
  return phonesec_credentials_dup_userinfo_for (current, url);
}

/* Reads the parameters and (re)arms the interval timer. */
static void
update_from_config (PhonesecWebexMetricsPlugin *self)
{
  gboolean enabled = phonesec_context_get_bool (self->context, "Webex_Metrics_Enable");
  g_autofree char *url = phonesec_context_dup_string (self->context, "Metrics_Collector_URL");

  self->interval = (guint) CLAMP (
      phonesec_context_get_int (self->context, "Metrics_Upload_Interval"), 1, 86400);
  phonesec_metrics_dbus_metrics_set_enabled (self->iface, enabled);
  g_clear_handle_id (&self->timer, g_source_remove);
  if (enabled && url != NULL && url[0] != '\0')
    {
      self->timer = g_timeout_add_seconds (self->interval, on_timer, self);
      set_error (self, NULL);
    }
  else if (enabled)
    set_error (self, _ ("No metrics collector is set (Metrics_Collector_URL is empty)"));
  else
    set_error (self, NULL);
}

/* --- D-Bus ----------------------------------------------------------------- */

static gboolean
on_handle_flush (PhonesecMetricsDBusMetrics *iface, GDBusMethodInvocation *invocation,
                 gpointer user_data)
{
  PhonesecWebexMetricsPlugin *self = user_data;
  g_autoptr (GError) error = NULL;

  if (!queue_batch (self, &error))
    {
      set_error (self, error->message);
      g_dbus_method_invocation_return_gerror (invocation, error);
      return TRUE;
    }
  phonesec_upload_queue_retry_now (phonesec_context_get_upload_queue (self->context), OWNER);
  phonesec_metrics_dbus_metrics_complete_flush (iface, invocation);
  return TRUE;
}

static gboolean
on_handle_snapshot (PhonesecMetricsDBusMetrics *iface, GDBusMethodInvocation *invocation,
                    gpointer user_data)
{
  PhonesecWebexMetricsPlugin *self = user_data;
  g_autoptr (GVariant) snapshot
      = phonesec_metrics_snapshot (phonesec_context_get_metrics (self->context));

  phonesec_metrics_dbus_metrics_complete_snapshot (iface, invocation, snapshot);
  return TRUE;
}

/* --- PhonesecPlugin -------------------------------------------------------- */

static void
stop_feature (PhonesecWebexMetricsPlugin *self)
{
  g_clear_handle_id (&self->timer, g_source_remove);
  if (self->context != NULL)
    {
      PhonesecUploadQueue *queue = phonesec_context_get_upload_queue (self->context);
      g_clear_signal_handler (&self->done_handler, queue);
      g_clear_signal_handler (&self->failed_handler, queue);
      phonesec_upload_queue_set_secret_func (queue, OWNER, NULL, NULL, NULL);
    }
  if (self->iface != NULL)
    {
      phonesec_context_unexport_interface (self->context, G_DBUS_INTERFACE_SKELETON (self->iface));
      g_clear_object (&self->iface);
    }
  g_clear_object (&self->context);
}

static gboolean
phonesec_webex_metrics_plugin_activate (PhonesecPlugin *plugin, PhonesecContext *context,
                                        GError **error)
{
  PhonesecWebexMetricsPlugin *self = PHONESEC_WEBEX_METRICS_PLUGIN (plugin);
  PhonesecUploadQueue *queue = phonesec_context_get_upload_queue (context);

  g_set_object (&self->context, context);
  g_free (self->seq_path);
  self->seq_path = g_build_filename (phonesec_context_get_state_dir (context), "batch-seq", NULL);
  load_seq (self);
  self->iface = phonesec_metrics_dbus_metrics_skeleton_new ();
  phonesec_metrics_dbus_metrics_set_last_error (self->iface, "");
  g_signal_connect (self->iface, "handle-flush", G_CALLBACK (on_handle_flush), self);
  g_signal_connect (self->iface, "handle-snapshot", G_CALLBACK (on_handle_snapshot), self);
  self->done_handler = g_signal_connect (queue, "item-done", G_CALLBACK (on_item_done), self);
  self->failed_handler = g_signal_connect (queue, "item-failed", G_CALLBACK (on_item_failed), self);
  phonesec_upload_queue_set_secret_func (queue, OWNER, provide_secret, self, NULL);
  update_from_config (self);
  phonesec_context_export_interface (context, G_DBUS_INTERFACE_SKELETON (self->iface));
  return TRUE;
}

static void
phonesec_webex_metrics_plugin_deactivate (PhonesecPlugin *plugin)
{
  stop_feature (PHONESEC_WEBEX_METRICS_PLUGIN (plugin));
}

static void
phonesec_webex_metrics_plugin_config_changed (PhonesecPlugin *plugin, const char *const *names)
{
  update_from_config (PHONESEC_WEBEX_METRICS_PLUGIN (plugin));
}

static void
phonesec_webex_metrics_plugin_iface_init (PhonesecPluginInterface *iface)
{
  iface->activate = phonesec_webex_metrics_plugin_activate;
  iface->deactivate = phonesec_webex_metrics_plugin_deactivate;
  iface->config_changed = phonesec_webex_metrics_plugin_config_changed;
}

/* --- GObject --------------------------------------------------------------- */

static void
phonesec_webex_metrics_plugin_dispose (GObject *object)
{
  stop_feature (PHONESEC_WEBEX_METRICS_PLUGIN (object));
  G_OBJECT_CLASS (phonesec_webex_metrics_plugin_parent_class)->dispose (object);
}

static void
phonesec_webex_metrics_plugin_finalize (GObject *object)
{
  g_free (PHONESEC_WEBEX_METRICS_PLUGIN (object)->seq_path);
  G_OBJECT_CLASS (phonesec_webex_metrics_plugin_parent_class)->finalize (object);
}

static void
phonesec_webex_metrics_plugin_class_init (PhonesecWebexMetricsPluginClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = phonesec_webex_metrics_plugin_dispose;
  G_OBJECT_CLASS (klass)->finalize = phonesec_webex_metrics_plugin_finalize;
}

static void
phonesec_webex_metrics_plugin_init (PhonesecWebexMetricsPlugin *self)
{
}

PHONESEC_PLUGIN_DEFINE (phonesec_webex_metrics_plugin_get_type)
