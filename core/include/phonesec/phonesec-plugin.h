/* phonesec-plugin.h: the interface every phonesec plugin implements.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <phonesec/phonesec-context.h>
#include <phonesec/phonesec-api.h>

G_BEGIN_DECLS

/**
 * PHONESEC_PLUGIN_ABI_VERSION:
 *
 * Bumped whenever #PhonesecPluginInterface or #PhonesecContext change
 * incompatibly. The loader refuses a module built against another value.
 * 2: activate() added (a plugin implementing only it would not start on a
 * daemon of ABI 1).
 * 3: HTTP goes through the network service: phonesec_context_get_http_client()
 * (phonesec-http.h) replaces phonesec_context_get_soup_session(), and the SDK
 * no longer includes libsoup.
 */
#define PHONESEC_PLUGIN_ABI_VERSION 3u

#define PHONESEC_TYPE_PLUGIN (phonesec_plugin_get_type ())
PHONESEC_API GType phonesec_plugin_get_type (void);
G_DECLARE_INTERFACE (PhonesecPlugin, phonesec_plugin, PHONESEC, PLUGIN, GObject)

/**
 * PhonesecPluginInterface:
 * @activate: start the feature: read the configuration from @context, export
 *   the D-Bus interfaces, start the work, and return %TRUE; or undo what you
 *   did and return %FALSE with @error set (the plugin shows State=error with
 *   the message). Must not block: slow work goes to a thread or helper
 *   process and reports through the plugin's properties or
 *   phonesec_context_set_error(); an activate() that blocks past the
 *   daemon's timeout is marked failed, then deactivated. This is what almost
 *   every plugin implements; the default @activate_async calls it.
 * @activate_async: only for a plugin that must wait for something before it
 *   is running (a helper process's first answer...); read the
 *   configuration from @context, export D-Bus interfaces, and complete when
 *   the feature is running (or failed). Must not block: slow work goes to a
 *   thread or helper process.
 *   The daemon allows 30 s by default (`--plugin-timeout`), then cancels
 *   @cancellable, marks the plugin failed and moves on; a later completion
 *   is ignored (and followed by deactivate() if it succeeded). After a
 *   failed activation deactivate() is not called: undo what you exported
 *   before completing with an error. config_changed() may arrive while
 *   activation is still running.
 * @activate_finish: finish @activate_async
 * @deactivate: stop the feature and release everything (daemon shutdown, or
 *   a plugin being disabled); synchronous and quick
 * @config_changed: called once per committed transaction with the names
 *   (only those the plugin watches, see phonesec_context_watch()) whose value
 *   or user access changed; read the new values from the context
 *
 * A plugin runs inside phonesecd: a crash in its code (or exit()) takes the
 * daemon down. The daemon is started again and the plugin is quarantined,
 * not loaded, until its module file changes or an administrator re-enables
 * it (see doc/dbus-api.md). A call into the plugin that holds the main loop
 * for more than a second is logged and shown as Plugin.LongestBlock and in
 * Manager.BlockingPlugins.
 */
struct _PhonesecPluginInterface
{
  GTypeInterface parent_iface;

  void (*activate_async) (PhonesecPlugin *self, PhonesecContext *context, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data);
  gboolean (*activate_finish) (PhonesecPlugin *self, GAsyncResult *result, GError **error);
  void (*deactivate) (PhonesecPlugin *self);
  void (*config_changed) (PhonesecPlugin *self, const char *const *names);
  gboolean (*activate) (PhonesecPlugin *self, PhonesecContext *context, GError **error);

  /*< private >*/
  gpointer padding[7];
};

PHONESEC_API void phonesec_plugin_activate_async (PhonesecPlugin *self, PhonesecContext *context,
                                                  GCancellable *cancellable,
                                                  GAsyncReadyCallback callback, gpointer user_data);
PHONESEC_API gboolean phonesec_plugin_activate_finish (PhonesecPlugin *self, GAsyncResult *result,
                                                       GError **error);
PHONESEC_API void phonesec_plugin_deactivate (PhonesecPlugin *self);
PHONESEC_API void phonesec_plugin_config_changed (PhonesecPlugin *self, const char *const *names);

/**
 * PHONESEC_PLUGIN_DEFINE:
 * @TypeGetter: the `get_type` function of the plugin's GObject type
 *
 * Defines the two symbols the loader looks up in a plugin module:
 * `phonesec_plugin_abi_version` and `phonesec_plugin_module_new`. Use it once,
 * in the plugin's main file.
 */
#define PHONESEC_PLUGIN_DEFINE(TypeGetter)                                                         \
  G_MODULE_EXPORT const guint32 phonesec_plugin_abi_version = PHONESEC_PLUGIN_ABI_VERSION;         \
  G_MODULE_EXPORT PhonesecPlugin *phonesec_plugin_module_new (void);                               \
  G_MODULE_EXPORT PhonesecPlugin *phonesec_plugin_module_new (void)                                \
  {                                                                                                \
    return PHONESEC_PLUGIN (g_object_new (TypeGetter (), NULL));                                   \
  }

G_END_DECLS
