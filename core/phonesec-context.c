/* phonesec-context.c: the core's services, as one plugin sees them.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "phonesec/phonesec-error.h"
#include "phonesec/phonesec-macro.h"
#include "phonesec-config-export.h"
#include "phonesec-context-private.h"
#include "phonesec-log-writer.h"
#include "tls/phonesec-tls-hostname.h"

struct _PhonesecContext
{
  GObject parent_instance;

  PhonesecCore *core; /* not owned: the daemon outlives its plugins */
  char *plugin_name;
  char *path;
  PhonesecDBusPlugin *plugin_iface;
  PhonesecPluginGuard *guard; /* never freed: one per plugin name */
  GStrv watch_patterns;       /* as given, for the bus rules' "@watch" */
  GPtrArray *watch;           /* of GPatternSpec* */
  char *state_dir;
  gulong network_handler;
};

enum
{
  SIGNAL_NETWORK_CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PhonesecContext, phonesec_context, G_TYPE_OBJECT)

static void
phonesec_context_dispose (GObject *object)
{
  PhonesecContext *self = PHONESEC_CONTEXT (object);

  if (self->network_handler != 0 && self->core->network != NULL)
    g_signal_handler_disconnect (self->core->network, self->network_handler);
  self->network_handler = 0;
  g_clear_object (&self->plugin_iface);
  G_OBJECT_CLASS (phonesec_context_parent_class)->dispose (object);
}

static void
phonesec_context_finalize (GObject *object)
{
  PhonesecContext *self = PHONESEC_CONTEXT (object);

  g_ptr_array_unref (self->watch);
  g_strfreev (self->watch_patterns);
  g_free (self->plugin_name);
  g_free (self->path);
  g_free (self->state_dir);
  G_OBJECT_CLASS (phonesec_context_parent_class)->finalize (object);
}

static void
phonesec_context_class_init (PhonesecContextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = phonesec_context_dispose;
  object_class->finalize = phonesec_context_finalize;

  /**
   * PhonesecContext::network-changed:
   *
   * The network facts (phonesec_context_dup_network()) changed.
   */
  signals[SIGNAL_NETWORK_CHANGED]
      = g_signal_new ("network-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 0);
}

static void
phonesec_context_init (PhonesecContext *self)
{
  self->watch = g_ptr_array_new_with_free_func ((GDestroyNotify) g_pattern_spec_free);
}

static void add_watch (PhonesecContext *self, const char *const *patterns);

static void
on_network_changed (PhonesecNetwork *network, gpointer user_data)
{
  g_signal_emit (user_data, signals[SIGNAL_NETWORK_CHANGED], 0);
}

PhonesecContext *
phonesec_context_new (PhonesecCore *core, const char *plugin_name, const char *path,
                      PhonesecDBusPlugin *plugin_iface, PhonesecPluginGuard *guard,
                      const char *const *watch)
{
  PhonesecContext *self = g_object_new (PHONESEC_TYPE_CONTEXT, NULL);

  self->core = core;
  self->plugin_name = g_strdup (plugin_name);
  self->path = g_strdup (path);
  self->plugin_iface = g_object_ref (plugin_iface);
  self->guard = guard;
  self->watch_patterns = g_strdupv ((char **) watch);
  add_watch (self, watch);
  if (core->network != NULL)
    self->network_handler
        = g_signal_connect (core->network, "changed", G_CALLBACK (on_network_changed), self);
  return self;
}

const char *
phonesec_context_get_plugin_name (PhonesecContext *self)
{
  g_return_val_if_fail (PHONESEC_IS_CONTEXT (self), NULL);
  return self->plugin_name;
}

/* --- configuration ------------------------------------------------------ */

static GVariant *
lookup_value (PhonesecContext *self, const char *name, const GVariantType *type)
{
  const PhonesecParamSpec *spec = phonesec_schema_lookup (self->core->schema, name);
  GVariant *value;

  if (spec == NULL)
    {
      g_critical ("Plugin %s asked for unknown parameter %s", self->plugin_name, name);
      return NULL;
    }
  if (spec->secret && type != NULL)
    {
      g_critical ("Plugin %s asked for secret %s as a plain value; use "
                  "phonesec_context_dup_secret()",
                  self->plugin_name, name);
      return NULL;
    }
  value = phonesec_config_store_get_value (self->core->store, spec);
  if (type != NULL && !g_variant_is_of_type (value, type))
    {
      g_critical ("Plugin %s read %s as %s but it is %s", self->plugin_name, name,
                  (const char *) type, g_variant_get_type_string (value));
      return NULL;
    }
  return value;
}

gboolean
phonesec_context_get_bool (PhonesecContext *self, const char *name)
{
  GVariant *value = lookup_value (self, name, G_VARIANT_TYPE_BOOLEAN);

  return value != NULL && g_variant_get_boolean (value);
}

gint64
phonesec_context_get_int (PhonesecContext *self, const char *name)
{
  GVariant *value = lookup_value (self, name, NULL);

  if (value == NULL)
    return 0;
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT32))
    return g_variant_get_int32 (value);
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32))
    return g_variant_get_uint32 (value);
  g_critical ("Plugin %s read %s as an integer but it is %s", self->plugin_name, name,
              g_variant_get_type_string (value));
  return 0;
}

char *
phonesec_context_dup_string (PhonesecContext *self, const char *name)
{
  GVariant *value = lookup_value (self, name, G_VARIANT_TYPE_STRING);

  return value != NULL ? g_variant_dup_string (value, NULL) : g_strdup ("");
}

GStrv
phonesec_context_dup_strv (PhonesecContext *self, const char *name)
{
  GVariant *value = lookup_value (self, name, G_VARIANT_TYPE_STRING_ARRAY);

  return value != NULL ? g_variant_dup_strv (value, NULL) : g_new0 (char *, 1);
}

GVariant *
phonesec_context_dup_value (PhonesecContext *self, const char *name)
{
  const PhonesecParamSpec *spec = phonesec_schema_lookup (self->core->schema, name);

  if (spec == NULL || spec->secret)
    {
      g_critical ("Plugin %s asked for %s parameter %s", self->plugin_name,
                  spec == NULL ? "unknown" : "secret", name);
      return NULL;
    }
  return g_variant_ref (phonesec_config_store_get_value (self->core->store, spec));
}

PhonesecSecret *
phonesec_context_dup_secret (PhonesecContext *self, const char *name)
{
  const PhonesecParamSpec *spec = phonesec_schema_lookup (self->core->schema, name);
  GVariant *value;

  if (spec == NULL || !spec->secret)
    {
      g_critical ("Plugin %s asked for %s as a secret, which it is not", self->plugin_name, name);
      return phonesec_secret_new ("", 0);
    }
  value = phonesec_config_store_get_value (self->core->store, spec);
  return phonesec_secret_new (g_variant_get_string (value, NULL), -1);
}

guint
phonesec_context_get_line_count (PhonesecContext *self)
{
  return phonesec_schema_get_line_count (self->core->schema);
}

guint64
phonesec_context_get_generation (PhonesecContext *self)
{
  return phonesec_config_store_get_generation (self->core->store);
}

static void
add_watch (PhonesecContext *self, const char *const *patterns)
{
  for (guint i = 0; patterns != NULL && patterns[i] != NULL; i++)
    if (patterns[i][0] != '\0')
      g_ptr_array_add (self->watch, g_pattern_spec_new (patterns[i]));
}

void
phonesec_context_watch (PhonesecContext *self, const char *const *patterns)
{
  g_autofree char *actor_name = g_strconcat ("plugin:", self->plugin_name, NULL);

  add_watch (self, patterns);
  /* What a plugin watches is what it acts on (Config.Describe); the
   * .plugin file's Watch list is already known. */
  if (self->core->actors != NULL)
    phonesec_actors_add_patterns (self->core->actors, actor_name, patterns);
}

gboolean
phonesec_context_watches (PhonesecContext *self, const char *name)
{
  gsize len = strlen (name);

  for (guint i = 0; i < self->watch->len; i++)
    if (g_pattern_spec_match (self->watch->pdata[i], len, name, NULL))
      return TRUE;
  return FALSE;
}

GStrv
phonesec_context_filter_names (PhonesecContext *self, const char *const *names)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  gboolean any = FALSE;

  for (guint i = 0; names[i] != NULL; i++)
    if (phonesec_context_watches (self, names[i]))
      {
        g_strv_builder_add (builder, names[i]);
        any = TRUE;
      }
  return any ? g_strv_builder_end (builder) : NULL;
}

/* --- D-Bus -------------------------------------------------------------- */

GDBusConnection *
phonesec_context_get_connection (PhonesecContext *self)
{
  return self->core->connection;
}

const char *
phonesec_context_get_object_path (PhonesecContext *self)
{
  return self->path;
}

void
phonesec_context_export_interface (PhonesecContext *self, GDBusInterfaceSkeleton *iface)
{
  g_autoptr (GError) error = NULL;

  g_return_if_fail (G_IS_DBUS_INTERFACE_SKELETON (iface));
  if (self->core->exporter == NULL)
    {
      g_critical ("Plugin %s exported an interface before the bus was connected",
                  self->plugin_name);
      return;
    }
  /* A crash in one of its method handlers is then blamed on the plugin. */
  if (self->guard != NULL)
    phonesec_plugin_guard_watch_skeleton (self->guard, iface);
  if (!phonesec_bus_exporter_add (self->core->exporter, self->path, iface,
                                  (const char *const *) self->watch_patterns, &error))
    g_warning ("Plugin %s: interface %s not exported: %s", self->plugin_name,
               g_dbus_interface_skeleton_get_info (iface)->name, error->message);
}

void
phonesec_context_unexport_interface (PhonesecContext *self, GDBusInterfaceSkeleton *iface)
{
  if (self->core->exporter != NULL)
    phonesec_bus_exporter_remove (self->core->exporter, self->path, iface);
}

void
phonesec_context_set_error (PhonesecContext *self, const char *message)
{
  phonesec_dbus_plugin_set_error (self->plugin_iface, message != NULL ? message : "");
  phonesec_dbus_plugin_set_state (self->plugin_iface, message != NULL ? "error" : "active");
}

/* --- core services -------------------------------------------------------- */

const char *
phonesec_context_get_state_dir (PhonesecContext *self)
{
  if (self->state_dir == NULL)
    {
      self->state_dir
          = g_build_filename (self->core->state_dir, "plugins", self->plugin_name, NULL);
      if (g_mkdir_with_parents (self->state_dir, 0700) < 0)
        g_warning ("Could not create %s: %s", self->state_dir, g_strerror (errno));
    }
  return self->state_dir;
}

PhonesecHttpClient *
phonesec_context_get_http_client (PhonesecContext *self)
{
  g_return_val_if_fail (PHONESEC_IS_CONTEXT (self), NULL);
  return self->core->http_client;
}

void
phonesec_context_set_proxy_resolver (PhonesecContext *self, GProxyResolver *resolver)
{
  phonesec_proxy_slot_set_resolver (self->core->proxy_slot, resolver);
}

PhonesecDevice *
phonesec_context_get_device (PhonesecContext *self)
{
  return self->core->device;
}

char *
phonesec_context_expand_macros (PhonesecContext *self, const char *template, GHashTable *extra)
{
  const char *ip = self->core->network != NULL
                       ? phonesec_network_get_primary_address (self->core->network)
                       : NULL;
  g_autoptr (GHashTable) vars = phonesec_macro_vars_new (self->core->device, ip);

  if (extra != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, extra);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (vars, g_strdup (key), g_strdup (value));
    }
  return phonesec_macro_expand (template, vars);
}

gboolean
phonesec_context_get_previous_run_crashed (PhonesecContext *self)
{
  return self->core->previous_run_crashed;
}

GVariant *
phonesec_context_dup_network (PhonesecContext *self)
{
  return phonesec_network_dup_facts (self->core->network);
}

/* --- TLS policy ------------------------------------------------------------ */

static PhonesecCipherAppClass
app_class_or_default (const char *app_class)
{
  PhonesecCipherAppClass app = PHONESEC_CIPHER_APP_DEFAULT;

  if (app_class != NULL && !phonesec_tls_app_class_from_string (app_class, &app))
    g_critical ("Unknown TLS application class %s; using default", app_class);
  return app;
}

char *
phonesec_context_dup_tls_priority (PhonesecContext *self, const char *app_class)
{
  return phonesec_tls_policy_dup_priority (self->core->tls, app_class_or_default (app_class));
}

char *
phonesec_context_dup_openssl_ciphers (PhonesecContext *self, const char *app_class)
{
  return phonesec_tls_policy_dup_openssl_ciphers (self->core->tls,
                                                  app_class_or_default (app_class));
}

const char *
phonesec_context_get_ca_bundle (PhonesecContext *self)
{
  return phonesec_tls_policy_get_bundle_path (self->core->tls);
}

gboolean
phonesec_context_check_tls_session (PhonesecContext *self, gnutls_session_t session,
                                    const char *app_class, GError **error)
{
  return phonesec_tls_policy_check_negotiated (self->core->tls, app_class_or_default (app_class),
                                               gnutls_protocol_get_version (session),
                                               gnutls_ciphersuite_get (session), error);
}

gboolean
phonesec_context_check_server_certificate (PhonesecContext *self, GTlsCertificate *certificate,
                                           const char *host, GError **error)
{
  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), FALSE);
  if (!phonesec_tls_policy_verify_server_chain (self->core->tls, certificate, error))
    return FALSE;
  return host == NULL
         || phonesec_tls_check_certificate_hostname (certificate, host,
                                                     PHONESEC_TLS_NAME_FLAGS_NONE, error);
}

gboolean
phonesec_context_get_fips_mode (PhonesecContext *self)
{
  return phonesec_tls_policy_get_fips (self->core->tls);
}

/* --- uploads, metrics, crashes, diagnostics --- */

PhonesecUploadQueue *
phonesec_context_get_upload_queue (PhonesecContext *self)
{
  g_return_val_if_fail (PHONESEC_IS_CONTEXT (self), NULL);
  return self->core->upload_queue;
}

PhonesecMetrics *
phonesec_context_get_metrics (PhonesecContext *self)
{
  g_return_val_if_fail (PHONESEC_IS_CONTEXT (self), NULL);
  return self->core->metrics;
}

void
phonesec_context_metric_add (PhonesecContext *self, const char *name, guint64 delta)
{
  g_autofree char *full = NULL;

  g_return_if_fail (PHONESEC_IS_CONTEXT (self));
  full = g_strconcat (self->plugin_name, ".", name, NULL);
  phonesec_metrics_counter_add (self->core->metrics, full, delta);
}

void
phonesec_context_metric_set (PhonesecContext *self, const char *name, gint64 value)
{
  g_autofree char *full = NULL;

  g_return_if_fail (PHONESEC_IS_CONTEXT (self));
  full = g_strconcat (self->plugin_name, ".", name, NULL);
  phonesec_metrics_gauge_set (self->core->metrics, full, value);
}

PhonesecCrashLog *
phonesec_context_get_crash_log (PhonesecContext *self)
{
  g_return_val_if_fail (PHONESEC_IS_CONTEXT (self), NULL);
  return self->core->crash_log;
}

void
phonesec_context_report_crash (PhonesecContext *self, const char *process, int signum,
                               const char *details)
{
  g_return_if_fail (PHONESEC_IS_CONTEXT (self));
  phonesec_crash_log_report (self->core->crash_log, process, self->plugin_name, signum, details);
}

char *
phonesec_context_export_profile (PhonesecContext *self)
{
  return phonesec_context_export_profile_for (self, PHONESEC_VIEW_ADMIN);
}

char *
phonesec_context_export_profile_for (PhonesecContext *self, PhonesecView view)
{
  g_return_val_if_fail (PHONESEC_IS_CONTEXT (self), NULL);
  return phonesec_config_export_profile (
      self->core->store, view == PHONESEC_VIEW_USER ? PHONESEC_ROLE_USER : PHONESEC_ROLE_ADMIN,
      FALSE);
}

GStrv
phonesec_context_dup_recent_log (PhonesecContext *self)
{
  g_return_val_if_fail (PHONESEC_IS_CONTEXT (self), NULL);
  return phonesec_log_writer_dup_recent ();
}

char *
phonesec_context_dup_previous_run_log (PhonesecContext *self)
{
  g_return_val_if_fail (PHONESEC_IS_CONTEXT (self), NULL);
  if (!self->core->previous_run_crashed || self->core->log_path == NULL)
    return NULL;
  return phonesec_log_writer_dup_previous (self->core->log_path);
}

GVariant *
phonesec_context_dup_objects (PhonesecContext *self)
{
  return phonesec_context_dup_objects_for (self, PHONESEC_VIEW_ADMIN);
}

GVariant *
phonesec_context_dup_objects_for (PhonesecContext *self, PhonesecView view)
{
  g_return_val_if_fail (PHONESEC_IS_CONTEXT (self), NULL);
  if (self->core->exporter == NULL)
    return g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("{oa{sa{sv}}}"), NULL, 0));
  return phonesec_bus_exporter_dup_objects (
      self->core->exporter, view == PHONESEC_VIEW_USER ? PHONESEC_ROLE_USER : PHONESEC_ROLE_ADMIN,
      TRUE);
}

PhonesecView
phonesec_context_get_caller_view (PhonesecContext *self, GDBusMethodInvocation *invocation)
{
  g_return_val_if_fail (G_IS_DBUS_METHOD_INVOCATION (invocation), PHONESEC_VIEW_USER);
  return phonesec_bus_exporter_invocation_is_admin (invocation) ? PHONESEC_VIEW_ADMIN
                                                                : PHONESEC_VIEW_USER;
}

/* --- Administrators only ------------------------------------------------------ */

typedef struct
{
  GObject *owner;
  char *denied_message;
  PhonesecAdminFunc func;
} AdminCall;

static void
admin_call_free (gpointer data)
{
  AdminCall *call = data;

  g_object_unref (call->owner);
  g_free (call->denied_message);
  g_free (call);
}

static void
admin_with_caller (GDBusMethodInvocation *invocation, const PhonesecCaller *caller,
                   gpointer user_data)
{
  AdminCall *call = user_data;

  if (!caller->admin)
    {
      g_dbus_method_invocation_return_error_literal (
          invocation, PHONESEC_ERROR, PHONESEC_ERROR_PERMISSION_DENIED, call->denied_message);
      return;
    }
  call->func (invocation, call->owner);
}

void
phonesec_context_run_as_admin (PhonesecContext *self, GDBusMethodInvocation *invocation,
                               GObject *owner, const char *denied_message, PhonesecAdminFunc func)
{
  AdminCall *call;

  g_return_if_fail (PHONESEC_IS_CONTEXT (self));
  g_return_if_fail (G_IS_DBUS_METHOD_INVOCATION (invocation));
  g_return_if_fail (G_IS_OBJECT (owner));
  g_return_if_fail (denied_message != NULL && func != NULL);

  /* The invocation is consumed on every path. */
  if (self->core->callers == NULL)
    {
      g_dbus_method_invocation_return_error_literal (
          invocation, PHONESEC_ERROR, PHONESEC_ERROR_PERMISSION_DENIED, denied_message);
      return;
    }
  call = g_new0 (AdminCall, 1);
  call->owner = g_object_ref (owner);
  call->denied_message = g_strdup (denied_message);
  call->func = func;
  phonesec_callers_run_full (self->core->callers, invocation, admin_with_caller, call,
                             admin_call_free);
}
