/* phonesecctl-status.c: the Manager and Plugin commands — plugins, status.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "phonesecctl-format.h"
#include "phonesecctl.h"

/* Manager properties in the order an operator reads them. */
static const char *const manager_properties[] = {
  "Version",   "State",      "PendingRestart",  "PreviousRunCrashed",
  "LineCount", "StoreError", "BlockingPlugins", "Warnings",
  NULL,
};

static GVariant *
get_plugin_paths (PhonesecctlContext *ctx, GError **error)
{
  g_autoptr (GVariant) paths = NULL;

  paths = phonesecctl_get_property (ctx, PHONESEC_DBUS_PATH, PHONESEC_DBUS_INTERFACE_MANAGER,
                                    "Plugins", error);
  if (paths == NULL)
    return NULL;
  if (!g_variant_is_of_type (paths, G_VARIANT_TYPE_OBJECT_PATH_ARRAY))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _ ("Manager.Plugins has type “%s” instead of “ao”"),
                   g_variant_get_type_string (paths));
      return NULL;
    }
  return g_steal_pointer (&paths);
}

/* GetAll of every plugin object, as an aa{sv} in Manager.Plugins order.
 * A plugin that vanished meanwhile is reported and left out. */
static GVariant *
get_plugins (PhonesecctlContext *ctx, gboolean *partial, GError **error)
{
  g_autoptr (GVariant) paths = NULL;
  GVariantBuilder builder;
  GVariantIter iter;
  const char *path;

  paths = get_plugin_paths (ctx, error);
  if (paths == NULL)
    return NULL;

  *partial = FALSE;
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aa{sv}"));
  g_variant_iter_init (&iter, paths);
  while (g_variant_iter_next (&iter, "&o", &path))
    {
      g_autoptr (GError) local_error = NULL;
      g_autoptr (GVariant) props = NULL;

      props = phonesecctl_get_all_properties (ctx, path, PHONESEC_DBUS_INTERFACE_PLUGIN,
                                              &local_error);
      if (props == NULL)
        {
          g_autofree char *message = NULL;

          g_dbus_error_strip_remote_error (local_error);
          message = g_strdup_printf (_ ("Cannot read plugin %s: %s"), path, local_error->message);
          phonesecctl_print_error (message);
          *partial = TRUE;
          continue;
        }
      g_variant_builder_add_value (&builder, props);
    }
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

static const char *
dict_string (GVariant *dict, const char *key)
{
  const char *text = NULL;

  if (!g_variant_lookup (dict, key, "&s", &text))
    return "";
  return text;
}

PhonesecctlExit
phonesecctl_cmd_plugins (PhonesecctlContext *ctx, char **args)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) plugins = NULL;
  g_autoptr (PhonesecctlTable) table = NULL;
  gboolean partial = FALSE;
  GVariantIter iter;
  GVariant *props;

  if (args != NULL && args[0] != NULL)
    return phonesecctl_usage_error (ctx, _ ("“plugins” takes no arguments"));

  plugins = get_plugins (ctx, &partial, &error);
  if (plugins == NULL)
    return phonesecctl_fail (ctx, error);

  if (ctx->opts->json)
    {
      g_autofree char *json = phonesecctl_json_from_variant (plugins, TRUE);
      fputs (json, stdout);
      return partial ? PHONESECCTL_EXIT_FAILURE : PHONESECCTL_EXIT_OK;
    }

  {
    const char *headers[] = { _ ("NAME"), _ ("STATE"), _ ("VERSION"), _ ("ERROR") };
    table = phonesecctl_table_new (G_N_ELEMENTS (headers), headers);
  }
  g_variant_iter_init (&iter, plugins);
  while (g_variant_iter_loop (&iter, "@a{sv}", &props))
    {
      const char *cells[] = { dict_string (props, "Name"), dict_string (props, "State"),
                              dict_string (props, "Version"), dict_string (props, "Error") };
      phonesecctl_table_add_row (table, cells);
    }
  if (phonesecctl_table_get_n_rows (table) == 0)
    printf ("%s\n", _ ("No plugins."));
  else
    phonesecctl_table_print (table, stdout);
  return partial ? PHONESECCTL_EXIT_FAILURE : PHONESECCTL_EXIT_OK;
}

static void
print_aligned (const char *label, int width, GVariant *value)
{
  g_autofree char *text = phonesecctl_format_value (value);
  g_autofree char *cell = phonesecctl_sanitize_cell (text);

  if (cell[0] == '\0')
    printf ("%-*s =\n", width, label);
  else
    printf ("%-*s = %s\n", width, label, cell);
}

static PhonesecctlExit
status_daemon (PhonesecctlContext *ctx)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) manager = NULL;
  g_autoptr (GVariant) generation = NULL;
  g_autoptr (GVariant) plugins = NULL;
  g_autoptr (GVariantDict) dict = NULL;
  gboolean partial = FALSE;
  GVariantIter iter;
  GVariant *props;
  const char *key;
  GVariant *value;
  int width = (int) strlen ("PreviousRunCrashed");

  manager = phonesecctl_get_all_properties (ctx, PHONESEC_DBUS_PATH,
                                            PHONESEC_DBUS_INTERFACE_MANAGER, &error);
  if (manager == NULL)
    return phonesecctl_fail (ctx, error);
  generation = phonesecctl_get_property (ctx, PHONESEC_DBUS_PATH, PHONESEC_DBUS_INTERFACE_CONFIG,
                                         "Generation", &error);
  if (generation == NULL)
    return phonesecctl_fail (ctx, error);
  plugins = get_plugins (ctx, &partial, &error);
  if (plugins == NULL)
    return phonesecctl_fail (ctx, error);

  dict = g_variant_dict_new (manager);

  if (ctx->opts->json)
    {
      GVariantBuilder builder, states;
      g_autoptr (GVariant) all = NULL;
      g_autofree char *json = NULL;

      /* Manager's properties in the daemon's order (a GVariantDict would
       * shuffle them), then Config.Generation and name → State per plugin. */
      g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
      g_variant_iter_init (&iter, manager);
      while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
        g_variant_builder_add (&builder, "{sv}", key, value);
      g_variant_builder_add (&builder, "{sv}", "Generation", generation);

      g_variant_builder_init (&states, G_VARIANT_TYPE_VARDICT);
      g_variant_iter_init (&iter, plugins);
      while (g_variant_iter_loop (&iter, "@a{sv}", &props))
        g_variant_builder_add (&states, "{sv}", dict_string (props, "Name"),
                               g_variant_new_string (dict_string (props, "State")));
      g_variant_builder_add (&builder, "{sv}", "PluginStates", g_variant_builder_end (&states));
      all = g_variant_ref_sink (g_variant_builder_end (&builder));
      json = phonesecctl_json_from_variant (all, TRUE);
      fputs (json, stdout);
      return partial ? PHONESECCTL_EXIT_FAILURE : PHONESECCTL_EXIT_OK;
    }

  for (guint i = 0; manager_properties[i] != NULL; i++)
    {
      g_autoptr (GVariant) prop = g_variant_dict_lookup_value (dict, manager_properties[i], NULL);
      if (prop != NULL)
        print_aligned (manager_properties[i], width, prop);
    }
  print_aligned ("Generation", width, generation);

  /* Properties added to Manager later still show, after the known ones. */
  g_variant_iter_init (&iter, manager);
  while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
    if (!g_strv_contains (manager_properties, key) && strcmp (key, "Plugins") != 0)
      print_aligned (key, width, value);

  g_variant_iter_init (&iter, plugins);
  while (g_variant_iter_loop (&iter, "@a{sv}", &props))
    {
      g_autofree char *label = g_strdup_printf ("Plugin %s", dict_string (props, "Name"));
      g_autoptr (GVariant) state = g_variant_new_string (dict_string (props, "State"));
      print_aligned (label, width, state);
    }
  return partial ? PHONESECCTL_EXIT_FAILURE : PHONESECCTL_EXIT_OK;
}

/* The interfaces of the plugin called @name (its Plugin.Name, or the last
 * element of its object path, dashes written as underscores). */
static GVariant *
find_plugin_object (GVariant *objects, const char *name, char **out_path)
{
  g_autofree char *element = g_strdelimit (g_strdup (name), "-", '_');
  GVariantIter iter;
  const char *path;
  GVariant *interfaces;

  g_variant_iter_init (&iter, objects);
  while (g_variant_iter_next (&iter, "{&o@a{sa{sv}}}", &path, &interfaces))
    {
      g_autoptr (GVariant) owned = interfaces;
      g_autoptr (GVariant) plugin = NULL;
      const char *last = strrchr (path, '/');

      plugin
          = g_variant_lookup_value (owned, PHONESEC_DBUS_INTERFACE_PLUGIN, G_VARIANT_TYPE_VARDICT);
      if (plugin == NULL)
        continue;
      if (strcmp (dict_string (plugin, "Name"), name) == 0
          || (last != NULL && strcmp (last + 1, element) == 0))
        {
          *out_path = g_strdup (path);
          return g_steal_pointer (&owned);
        }
    }
  return NULL;
}

static PhonesecctlExit
status_plugin (PhonesecctlContext *ctx, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) objects = NULL;
  g_autoptr (GVariant) interfaces = NULL;
  g_autofree char *path = NULL;
  GVariantIter iter;
  const char *interface;
  GVariant *props;

  reply = phonesecctl_call (ctx, PHONESEC_DBUS_PATH, "org.freedesktop.DBus.ObjectManager",
                            "GetManagedObjects", NULL, "(a{oa{sa{sv}}})", &error);
  if (reply == NULL)
    return phonesecctl_fail (ctx, error);
  objects = g_variant_get_child_value (reply, 0);

  interfaces = find_plugin_object (objects, name, &path);
  if (interfaces == NULL)
    {
      g_autofree char *message
          = g_strdup_printf (_ ("No plugin named “%s” (see “phonesecctl plugins”)"), name);
      phonesecctl_print_error (message);
      return PHONESECCTL_EXIT_FAILURE;
    }
  phonesecctl_verbose (ctx, _ ("plugin %s is %s"), name, path);

  if (ctx->opts->json)
    {
      g_autofree char *json = phonesecctl_json_from_variant (interfaces, TRUE);
      fputs (json, stdout);
      return PHONESECCTL_EXIT_OK;
    }

  g_variant_iter_init (&iter, interfaces);
  while (g_variant_iter_loop (&iter, "{&s@a{sv}}", &interface, &props))
    {
      GVariantIter prop_iter;
      const char *prop;
      GVariant *value;

      g_variant_iter_init (&prop_iter, props);
      while (g_variant_iter_loop (&prop_iter, "{&sv}", &prop, &value))
        {
          g_autofree char *text = phonesecctl_format_value (value);
          g_autofree char *cell = phonesecctl_sanitize_cell (text);
          printf ("%s.%s = %s\n", interface, prop, cell);
        }
    }
  return PHONESECCTL_EXIT_OK;
}

PhonesecctlExit
phonesecctl_cmd_status (PhonesecctlContext *ctx, char **args)
{
  guint n = args != NULL ? g_strv_length (args) : 0;

  if (n > 1)
    return phonesecctl_usage_error (ctx, _ ("“status” takes at most one PLUGIN"));
  if (n == 1)
    {
      if (!g_utf8_validate (args[0], -1, NULL))
        return phonesecctl_usage_error (ctx, _ ("“%s” is not valid UTF-8 text"), args[0]);
      return status_plugin (ctx, args[0]);
    }
  return status_daemon (ctx);
}
