/* phonesec-proxy-plugin.c: the http-proxy plugin: org.phonesec.PhoneSec1.HttpProxy.
 *
 * Proxy_Mode decides what the plugin's resolver (installed in the core's
 * proxy slot, which the network service asks for every connection) answers: Off → direct,
 * Manual → Proxy_Host:Proxy_Port with proxy authentication when required,
 * Auto → the PAC script's answer. In Auto mode a PhonesecPacSource finds and
 * fetches the script (WPAD or PAC_URL) and a PhonesecPacRunner evaluates it
 * in a sandboxed helper; the plugin feeds one into the other:
 *
 *   config / network-changed → source_configure → "changed" → load_script
 *   → ready (lookups go to the runner) or error (lookups go direct)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gi18n-lib.h>
#include <phonesec/phonesec.h>

#include "phonesec-proxy-auth.h"
#include "phonesec-proxy-generated.h"
#include "phonesec-proxy-list.h"
#include "phonesec-proxy-resolver.h"

#include "phonesec-pac-result.h"
#include "phonesec-pac-runner.h"
#include "phonesec-pac-source.h"

/* The runner caches answers for this long, per URL as the script sees it. */
#define PAC_CACHE_LIFETIME_S 30

typedef enum
{
  MODE_OFF,
  MODE_MANUAL,
  MODE_AUTO,
} Mode;

#define PHONESEC_TYPE_PROXY_PLUGIN (phonesec_proxy_plugin_get_type ())
G_DECLARE_FINAL_TYPE (PhonesecProxyPlugin, phonesec_proxy_plugin, PHONESEC, PROXY_PLUGIN, GObject)

struct _PhonesecProxyPlugin
{
  GObject parent_instance;

  PhonesecContext *context;
  PhonesecProxyDBusHttpProxy *iface;
  PhonesecProxyResolver *resolver;
  PhonesecProxyAuth *auth;
  PhonesecHttpClient *http; /* the phone's, for proxy changes */
  Mode mode;
  gboolean auth_error_shown; /* LastError holds an authentication problem */

  PhonesecPacSource *source;
  PhonesecPacRunner *runner;
  gulong source_changed_id;
  gulong network_changed_id;
  GBytes *script;            /* loaded in the runner, or being loaded */
  gboolean script_ready;     /* the runner accepted it */
  GCancellable *load_cancel; /* of the running load */
};

static void phonesec_proxy_plugin_iface_init (PhonesecPluginInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PhonesecProxyPlugin, phonesec_proxy_plugin, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PHONESEC_TYPE_PLUGIN,
                                                      phonesec_proxy_plugin_iface_init))

/* --- state ------------------------------------------------------------------ */

/* The answers changed: the network service opens new connections rather
 * than reuse ones made under the old answers. */
static void
proxy_changed (PhonesecProxyPlugin *self)
{
  if (self->http != NULL)
    phonesec_http_client_proxy_changed (self->http);
}

static void
set_last_error (PhonesecProxyPlugin *self, const char *message)
{
  const char *old = phonesec_proxy_dbus_http_proxy_get_last_error (self->iface);

  self->auth_error_shown = FALSE;
  if (g_strcmp0 (old, message != NULL ? message : "") == 0)
    return;
  if (message != NULL && *message != '\0')
    g_message ("HTTP proxy: %s", message);
  phonesec_proxy_dbus_http_proxy_set_last_error (self->iface, message != NULL ? message : "");
}

static void
set_state (PhonesecProxyPlugin *self, const char *state)
{
  if (g_strcmp0 (phonesec_proxy_dbus_http_proxy_get_state (self->iface), state) != 0)
    phonesec_proxy_dbus_http_proxy_set_state (self->iface, state);
}

static void
on_auth_report (const char *problem, gpointer user_data)
{
  PhonesecProxyPlugin *self = user_data;

  if (self->iface == NULL)
    return;
  if (problem != NULL)
    {
      set_last_error (self, problem);
      self->auth_error_shown = TRUE;
    }
  else if (self->auth_error_shown)
    set_last_error (self, NULL);
}

static Mode
read_mode (PhonesecProxyPlugin *self)
{
  g_autofree char *mode = phonesec_context_dup_string (self->context, "Proxy_Mode");

  if (g_strcmp0 (mode, "Manual") == 0)
    return MODE_MANUAL;
  if (g_strcmp0 (mode, "Auto") == 0)
    return MODE_AUTO;
  return MODE_OFF;
}

static const char *
mode_name (Mode mode)
{
  return mode == MODE_MANUAL ? "Manual" : mode == MODE_AUTO ? "Auto" : "Off";
}

/* --- Auto ------------------------------------------------------------------- */

static char *
helper_path (void)
{
  const char *env = g_getenv ("PHONESEC_PAC_HELPER");

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  return g_strdup (PHONESEC_PAC_HELPER_PATH);
}

static void
update_pac_urls (PhonesecProxyPlugin *self)
{
  g_autofree char *configured = phonesec_context_dup_string (self->context, "PAC_URL");
  const char *found = phonesec_pac_source_get_url (self->source);
  const char *urls[3] = { NULL, NULL, NULL };
  guint n = 0;

  if (configured != NULL && *configured != '\0')
    urls[n++] = configured;
  if (found != NULL && *found != '\0')
    urls[n++] = found;
  phonesec_proxy_resolver_set_pac_urls (self->resolver, urls);
}

static void
show_source (PhonesecProxyPlugin *self)
{
  const char *url = phonesec_pac_source_get_url (self->source);
  const char *origin = phonesec_pac_source_get_origin (self->source);
  const char *state = phonesec_pac_source_get_state (self->source);
  const char *error = phonesec_pac_source_get_error (self->source);

  phonesec_proxy_dbus_http_proxy_set_pac_url (self->iface, url != NULL ? url : "");
  phonesec_proxy_dbus_http_proxy_set_pac_source (self->iface, origin != NULL ? origin : "");
  if (self->script_ready)
    set_state (self, "ready");
  else if (self->script != NULL)
    set_state (self, "discovering"); /* being loaded */
  else
    set_state (self, g_strcmp0 (state, "error") == 0 ? "error" : "discovering");
  if (error != NULL && *error != '\0')
    set_last_error (self, error);
}

static void
on_script_loaded (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (PhonesecProxyPlugin) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!phonesec_pac_runner_load_script_finish (PHONESEC_PAC_RUNNER (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->iface == NULL)
        return;
      g_clear_object (&self->load_cancel);
      self->script_ready = FALSE;
      g_clear_pointer (&self->script, g_bytes_unref);
      set_state (self, "error");
      {
        g_autofree char *message = g_strdup_printf (
            _ ("The PAC script was rejected (connections go direct): %s"), error->message);
        set_last_error (self, message);
      }
      return;
    }
  g_clear_object (&self->load_cancel);
  self->script_ready = TRUE;
  proxy_changed (self);
  set_last_error (self, NULL);
  show_source (self);
}

static void
on_source_changed (PhonesecPacSource *source, gpointer user_data)
{
  PhonesecProxyPlugin *self = user_data;
  GBytes *script = phonesec_pac_source_get_script (source);

  if (self->mode != MODE_AUTO || self->iface == NULL)
    return;
  update_pac_urls (self);
  if (script != NULL && (self->script == NULL || !g_bytes_equal (script, self->script)))
    {
      g_cancellable_cancel (self->load_cancel);
      g_clear_object (&self->load_cancel);
      self->load_cancel = g_cancellable_new ();
      g_clear_pointer (&self->script, g_bytes_unref);
      self->script = g_bytes_ref (script);
      self->script_ready = FALSE;
      phonesec_pac_runner_load_script_async (self->runner, script, self->load_cancel,
                                             on_script_loaded, g_object_ref (self));
    }
  else if (script == NULL && self->script != NULL)
    {
      /* The source lost its script (discovery restarted): go direct. */
      g_cancellable_cancel (self->load_cancel);
      g_clear_object (&self->load_cancel);
      g_clear_pointer (&self->script, g_bytes_unref);
      self->script_ready = FALSE;
      phonesec_pac_runner_load_script_async (self->runner, NULL, NULL, NULL, NULL);
      proxy_changed (self);
    }
  show_source (self);
}

static void
configure_source (PhonesecProxyPlugin *self)
{
  g_autoptr (GVariant) network = phonesec_context_dup_network (self->context);
  g_autofree char *pac_url = phonesec_context_dup_string (self->context, "PAC_URL");
  g_auto (GStrv) domains = phonesec_context_dup_strv (self->context, "Restricted_Access_Domains");
  g_autofree const char **addresses = NULL;

  if (network != NULL)
    g_variant_lookup (network, "addresses", "^a&s", &addresses);
  phonesec_pac_runner_set_my_addresses (self->runner, addresses);
  phonesec_pac_source_configure (
      self->source, pac_url, phonesec_context_get_bool (self->context, "Use_Auto_Discovery__WPAD_"),
      network, (const char *const *) domains);
  update_pac_urls (self);
}

static void
on_network_changed (PhonesecContext *context, gpointer user_data)
{
  PhonesecProxyPlugin *self = user_data;

  if (self->mode == MODE_AUTO && self->iface != NULL)
    configure_source (self);
}

typedef struct
{
  GTask *task;
  char *host;
} PacLookup;

static void
on_pac_answer (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PacLookup *lookup = user_data;
  PhonesecProxyPlugin *self = g_task_get_source_object (lookup->task);
  g_autoptr (GError) error = NULL;
  g_autofree char *answer
      = phonesec_pac_runner_find_proxy_finish (PHONESEC_PAC_RUNNER (source), result, &error);
  char **proxies = answer != NULL ? phonesec_pac_result_parse (answer, &error) : NULL;

  if (proxies != NULL)
    g_task_return_pointer (lookup->task, proxies, (GDestroyNotify) g_strfreev);
  else
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && self->iface != NULL)
        {
          g_autofree char *message
              = g_strdup_printf (_ ("The PAC script failed for %s (connections to it go "
                                    "direct): %s"),
                                 lookup->host, error->message);
          set_last_error (self, message);
        }
      /* The resolver turns any error but a cancellation into direct://. */
      g_task_return_error (lookup->task, g_steal_pointer (&error));
    }
  g_object_unref (lookup->task);
  g_free (lookup->host);
  g_free (lookup);
}

/* PhonesecProxyAutoFunc: in the main context. */
static void
auto_lookup (const char *url, GTask *task, gpointer user_data)
{
  PhonesecProxyPlugin *self = user_data;
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  PacLookup *lookup;

  if (self->runner == NULL || !self->script_ready)
    {
      char *direct[] = { (char *) "direct://", NULL };
      g_task_return_pointer (task, g_strdupv (direct), (GDestroyNotify) g_strfreev);
      return;
    }
  lookup = g_new0 (PacLookup, 1);
  lookup->task = g_object_ref (task);
  lookup->host
      = g_strdup (uri != NULL && g_uri_get_host (uri) != NULL ? g_uri_get_host (uri) : "?");
  phonesec_pac_runner_find_proxy_async (self->runner, url, g_task_get_cancellable (task),
                                        on_pac_answer, lookup);
}

/* A PAC helper that died on its own (not one killed for running too long)
 * is a crash worth a problem report, like any other helper of the phone. */
static void
on_helper_crashed (PhonesecPacRunner *runner, int signum, const char *how, gpointer user_data)
{
  PhonesecProxyPlugin *self = user_data;

  phonesec_context_metric_add (self->context, "pac_helper_crashes", 1);
  phonesec_context_report_crash (self->context, "phonesec-pac-helper", signum, how);
}

static void
start_auto (PhonesecProxyPlugin *self)
{
  if (self->runner == NULL)
    {
      g_autofree char *helper = helper_path ();

      self->runner = phonesec_pac_runner_new (helper);
      phonesec_pac_runner_set_cache_lifetime (self->runner, PAC_CACHE_LIFETIME_S);
      g_signal_connect (self->runner, "helper-crashed", G_CALLBACK (on_helper_crashed), self);
    }
  if (self->source == NULL)
    {
      self->source = phonesec_pac_source_new (phonesec_context_get_http_client (self->context));
      self->source_changed_id
          = g_signal_connect (self->source, "changed", G_CALLBACK (on_source_changed), self);
    }
  phonesec_proxy_resolver_set_auto (self->resolver, auto_lookup, G_OBJECT (self));
  set_state (self, "discovering");
  configure_source (self);
  on_source_changed (self->source, self);
}

static void
stop_auto (PhonesecProxyPlugin *self)
{
  g_cancellable_cancel (self->load_cancel);
  g_clear_object (&self->load_cancel);
  g_clear_pointer (&self->script, g_bytes_unref);
  self->script_ready = FALSE;
  if (self->source != NULL)
    phonesec_pac_source_stop (self->source);
  if (self->runner != NULL)
    phonesec_pac_runner_load_script_async (self->runner, NULL, NULL, NULL, NULL);
  if (self->resolver != NULL)
    phonesec_proxy_resolver_set_pac_urls (self->resolver, NULL);
}

/* --- configuration ---------------------------------------------------------- */

/* @manual_uri: the proxy Manual mode uses, NULL when none. */
static void
configure_auth (PhonesecProxyPlugin *self, const char *manual_uri)
{
  g_autofree char *username = phonesec_context_dup_string (self->context, "Proxy_Username");
  g_autoptr (PhonesecSecret) password
      = phonesec_context_dup_secret (self->context, "Proxy_Password");
  /* The guide: authentication applies in Manual mode. */
  gboolean enabled
      = self->mode == MODE_MANUAL
        && phonesec_context_get_bool (self->context, "Proxy_Server_Requires_Authentication");

  phonesec_proxy_auth_configure (self->auth, enabled, manual_uri, username, password,
                                 phonesec_context_get_fips_mode (self->context));
}

/* Whether a change of @names means looking for the PAC script again
 * (NULL: everything changed, at activation). Credentials, Manual's host
 * and FIPS_Mode do not. */
static gboolean
touches_discovery (const char *const *names)
{
  static const char *const discovery[]
      = { "Proxy_Mode", "PAC_URL", "Use_Auto_Discovery__WPAD_", "Restricted_Access_Domains", NULL };

  if (names == NULL)
    return TRUE;
  for (guint i = 0; names[i] != NULL; i++)
    if (g_strv_contains (discovery, names[i]))
      return TRUE;
  return FALSE;
}

static void
update_from_config (PhonesecProxyPlugin *self, const char *const *names)
{
  Mode old_mode = self->mode;
  g_autofree char *manual_uri = NULL;

  self->mode = read_mode (self);
  phonesec_proxy_dbus_http_proxy_set_mode (self->iface, mode_name (self->mode));
  if (self->mode != MODE_AUTO || touches_discovery (names))
    set_last_error (self, NULL);
  if (old_mode == MODE_AUTO && self->mode != MODE_AUTO)
    stop_auto (self);
  if (self->mode != MODE_AUTO)
    {
      phonesec_proxy_dbus_http_proxy_set_pac_url (self->iface, "");
      phonesec_proxy_dbus_http_proxy_set_pac_source (self->iface, "");
    }

  switch (self->mode)
    {
      case MODE_OFF:
        phonesec_proxy_resolver_set_off (self->resolver);
        set_state (self, "off");
        break;
      case MODE_MANUAL:
        {
          g_autofree char *host
              = g_strstrip (phonesec_context_dup_string (self->context, "Proxy_Host"));
          gint64 port = phonesec_context_get_int (self->context, "Proxy_Port");

          if (*host == '\0' || port <= 0 || port > G_MAXUINT16)
            {
              phonesec_proxy_resolver_set_off (self->resolver);
              set_state (self, "error");
              set_last_error (self, *host == '\0'
                                        ? _ ("Proxy_Mode is Manual but Proxy_Host is empty: "
                                             "connections go direct")
                                        : _ ("Proxy_Mode is Manual but Proxy_Port is 0: "
                                             "connections go direct"));
            }
          else
            {
              manual_uri = phonesec_proxy_manual_uri (host, (guint16) port);
              phonesec_proxy_resolver_set_manual (self->resolver, manual_uri);
              set_state (self, "manual");
            }
          break;
        }
      case MODE_AUTO:
        /* A running discovery is not restarted for a password change. */
        if (old_mode != MODE_AUTO || touches_discovery (names))
          start_auto (self);
        break;
    }
  /* The credentials are Manual's proxy's only. */
  configure_auth (self, manual_uri);
  /* Connections made under the old answers are not reused. */
  proxy_changed (self);
  g_message ("HTTP proxy mode: %s (state %s)", mode_name (self->mode),
             phonesec_proxy_dbus_http_proxy_get_state (self->iface));
}

/* --- D-Bus ------------------------------------------------------------------ */

typedef struct
{
  GDBusMethodInvocation *invocation;
  gboolean as_pac;
} LookupCall;

static void
on_lookup_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  LookupCall *call = user_data;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) proxies
      = g_proxy_resolver_lookup_finish (G_PROXY_RESOLVER (source), result, &error);

  if (proxies == NULL)
    {
      char *direct[] = { (char *) "direct://", NULL };
      proxies = g_strdupv (direct);
    }
  if (call->as_pac)
    {
      g_autofree char *pac = phonesec_proxy_list_to_pac ((const char *const *) proxies);
      g_dbus_method_invocation_return_value (call->invocation, g_variant_new ("(s)", pac));
    }
  else
    g_dbus_method_invocation_return_value (call->invocation, g_variant_new ("(^as)", proxies));
  g_free (call);
}

static void
handle_lookup (PhonesecProxyPlugin *self, GDBusMethodInvocation *invocation, const char *url,
               gboolean as_pac)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *clean = phonesec_proxy_check_url (url, &error);
  LookupCall *call;

  if (clean == NULL)
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return;
    }
  call = g_new0 (LookupCall, 1);
  call->invocation = invocation;
  call->as_pac = as_pac;
  g_proxy_resolver_lookup_async (G_PROXY_RESOLVER (self->resolver), clean, NULL, on_lookup_done,
                                 call);
}

static gboolean
on_handle_find_proxy (PhonesecProxyDBusHttpProxy *iface, GDBusMethodInvocation *invocation,
                      const char *url, gpointer user_data)
{
  handle_lookup (user_data, invocation, url, TRUE);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_handle_get_proxies (PhonesecProxyDBusHttpProxy *iface, GDBusMethodInvocation *invocation,
                       const char *url, gpointer user_data)
{
  handle_lookup (user_data, invocation, url, FALSE);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
rediscover (PhonesecProxyPlugin *self, GDBusMethodInvocation *invocation)
{
  if (self->iface == NULL)
    {
      g_dbus_method_invocation_return_error_literal (
          invocation, PHONESEC_ERROR, PHONESEC_ERROR_FAILED, _ ("The HTTP proxy is shutting down"));
      return;
    }
  if (self->mode != MODE_AUTO)
    {
      phonesec_proxy_dbus_http_proxy_complete_rediscover (self->iface, invocation);
      return;
    }
  g_message ("HTTP proxy: rediscovering the PAC script on request");
  set_last_error (self, NULL);
  phonesec_pac_source_rediscover (self->source);
  on_source_changed (self->source, self);
  phonesec_proxy_dbus_http_proxy_complete_rediscover (self->iface, invocation);
}

static void
rediscover_as_admin (GDBusMethodInvocation *invocation, GObject *owner)
{
  rediscover (PHONESEC_PROXY_PLUGIN (owner), invocation);
}

/* Rediscover() makes network traffic on demand: administrators only, by the
 * same rule as Config.Apply. */
static gboolean
on_handle_rediscover (PhonesecProxyDBusHttpProxy *iface, GDBusMethodInvocation *invocation,
                      gpointer user_data)
{
  PhonesecProxyPlugin *self = user_data;

  phonesec_context_run_as_admin (self->context, invocation, G_OBJECT (self),
                                 _ ("Only an administrator may start the proxy discovery again"),
                                 rediscover_as_admin);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* --- PhonesecPlugin ----------------------------------------------------------- */

static void
stop_feature (PhonesecProxyPlugin *self)
{
  if (self->mode == MODE_AUTO)
    stop_auto (self);
  self->mode = MODE_OFF;
  if (self->source != NULL)
    {
      phonesec_pac_source_stop (self->source);
      g_clear_signal_handler (&self->source_changed_id, self->source);
    }
  g_clear_object (&self->source);
  /* Pending calls keep the runner alive a little longer. */
  if (self->runner != NULL)
    g_signal_handlers_disconnect_by_data (self->runner, self);
  g_clear_object (&self->runner);
  if (self->context != NULL)
    g_clear_signal_handler (&self->network_changed_id, self->context);
  if (self->context != NULL && self->resolver != NULL)
    phonesec_context_set_proxy_resolver (self->context, NULL);
  if (self->resolver != NULL)
    phonesec_proxy_resolver_set_off (self->resolver); /* drops its reference on us */
  g_clear_object (&self->resolver);
  if (self->auth != NULL)
    phonesec_proxy_auth_stop (self->auth);
  g_clear_object (&self->auth);
  /* Back to direct: the proxied connections are old now. */
  proxy_changed (self);
  g_clear_object (&self->http);
  if (self->iface != NULL && self->context != NULL)
    phonesec_context_unexport_interface (self->context, G_DBUS_INTERFACE_SKELETON (self->iface));
  g_clear_object (&self->iface);
  g_clear_object (&self->context);
}

/* Nothing to wait for: in Auto mode, WPAD discovery and the PAC download
 * run in the background and show in State. */
static gboolean
phonesec_proxy_plugin_activate (PhonesecPlugin *plugin, PhonesecContext *context, GError **error)
{
  PhonesecProxyPlugin *self = PHONESEC_PROXY_PLUGIN (plugin);

  g_set_object (&self->context, context);
  self->iface = phonesec_proxy_dbus_http_proxy_skeleton_new ();
  g_signal_connect (self->iface, "handle-find-proxy-for-url", G_CALLBACK (on_handle_find_proxy),
                    self);
  g_signal_connect (self->iface, "handle-get-proxies", G_CALLBACK (on_handle_get_proxies), self);
  g_signal_connect (self->iface, "handle-rediscover", G_CALLBACK (on_handle_rediscover), self);
  phonesec_proxy_dbus_http_proxy_set_mode (self->iface, "Off");
  phonesec_proxy_dbus_http_proxy_set_state (self->iface, "off");

  self->resolver = phonesec_proxy_resolver_new (g_main_context_get_thread_default ());
  self->http = g_object_ref (phonesec_context_get_http_client (context));
  self->auth = phonesec_proxy_auth_new (self->http, on_auth_report, self);
  self->network_changed_id
      = g_signal_connect (context, "network-changed", G_CALLBACK (on_network_changed), self);
  update_from_config (self, NULL);
  phonesec_context_set_proxy_resolver (context, G_PROXY_RESOLVER (self->resolver));
  phonesec_context_export_interface (context, G_DBUS_INTERFACE_SKELETON (self->iface));
  return TRUE;
}

static void
phonesec_proxy_plugin_deactivate (PhonesecPlugin *plugin)
{
  stop_feature (PHONESEC_PROXY_PLUGIN (plugin));
}

static void
phonesec_proxy_plugin_config_changed (PhonesecPlugin *plugin, const char *const *names)
{
  PhonesecProxyPlugin *self = PHONESEC_PROXY_PLUGIN (plugin);

  if (self->iface == NULL)
    return;
  update_from_config (self, names);
}

static void
phonesec_proxy_plugin_iface_init (PhonesecPluginInterface *iface)
{
  iface->activate = phonesec_proxy_plugin_activate;
  iface->deactivate = phonesec_proxy_plugin_deactivate;
  iface->config_changed = phonesec_proxy_plugin_config_changed;
}

/* --- GObject ---------------------------------------------------------------- */

static void
phonesec_proxy_plugin_dispose (GObject *object)
{
  stop_feature (PHONESEC_PROXY_PLUGIN (object));
  G_OBJECT_CLASS (phonesec_proxy_plugin_parent_class)->dispose (object);
}

static void
phonesec_proxy_plugin_class_init (PhonesecProxyPluginClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = phonesec_proxy_plugin_dispose;
}

static void
phonesec_proxy_plugin_init (PhonesecProxyPlugin *self)
{
}

PHONESEC_PLUGIN_DEFINE (phonesec_proxy_plugin_get_type)
