/* phonesec-plugin.c: the PhonesecPlugin interface.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec/phonesec-plugin.h"

G_DEFINE_INTERFACE (PhonesecPlugin, phonesec_plugin, G_TYPE_OBJECT)

static void
phonesec_plugin_default_init (PhonesecPluginInterface *iface)
{
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
