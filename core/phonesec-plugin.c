/* phonesec-plugin.c: the PhonesecPlugin interface.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gi18n-lib.h>

#include "phonesec/phonesec-plugin.h"

G_DEFINE_INTERFACE (PhonesecPlugin, phonesec_plugin, G_TYPE_OBJECT)

/* The default asynchronous activation runs the synchronous one and
 * completes at once, as GAsyncInitable's default runs GInitable's: a plugin
 * writes activate() and nothing else unless it really waits for something.
 * The result is delivered as it is, cancelled or not: an activate() that
 * blocked past the host's timeout has exported its interfaces, and only a
 * success makes the host deactivate() it again. */
static void
default_activate_async (PhonesecPlugin *self, PhonesecContext *context, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  PhonesecPluginInterface *iface = PHONESEC_PLUGIN_GET_IFACE (self);
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  GError *error = NULL;

  g_task_set_source_tag (task, default_activate_async);
  g_task_set_check_cancellable (task, FALSE);
  if (iface->activate == NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                             _ ("the plugin implements neither activate nor activate_async"));
  else if (iface->activate (self, context, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static gboolean
default_activate_finish (PhonesecPlugin *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
phonesec_plugin_default_init (PhonesecPluginInterface *iface)
{
  iface->activate_async = default_activate_async;
  iface->activate_finish = default_activate_finish;
}

void
phonesec_plugin_activate_async (PhonesecPlugin *self, PhonesecContext *context,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data)
{
  PhonesecPluginInterface *iface;

  g_return_if_fail (PHONESEC_IS_PLUGIN (self));
  iface = PHONESEC_PLUGIN_GET_IFACE (self);
  g_return_if_fail (iface->activate_async != NULL);
  iface->activate_async (self, context, cancellable, callback, user_data);
}

gboolean
phonesec_plugin_activate_finish (PhonesecPlugin *self, GAsyncResult *result, GError **error)
{
  PhonesecPluginInterface *iface;

  g_return_val_if_fail (PHONESEC_IS_PLUGIN (self), FALSE);
  iface = PHONESEC_PLUGIN_GET_IFACE (self);
  g_return_val_if_fail (iface->activate_finish != NULL, FALSE);
  return iface->activate_finish (self, result, error);
}

void
phonesec_plugin_deactivate (PhonesecPlugin *self)
{
  PhonesecPluginInterface *iface;

  g_return_if_fail (PHONESEC_IS_PLUGIN (self));
  iface = PHONESEC_PLUGIN_GET_IFACE (self);
  if (iface->deactivate != NULL)
    iface->deactivate (self);
}

void
phonesec_plugin_config_changed (PhonesecPlugin *self, const char *const *names)
{
  PhonesecPluginInterface *iface;

  g_return_if_fail (PHONESEC_IS_PLUGIN (self));
  iface = PHONESEC_PLUGIN_GET_IFACE (self);
  if (iface->config_changed != NULL)
    iface->config_changed (self, names);
}
