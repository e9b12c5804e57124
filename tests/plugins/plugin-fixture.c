/* plugin-fixture.c: see plugin-fixture.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gstdio.h>
#include <string.h>

#include "plugin-fixture.h"

void
setup (Fixture *f, gconstpointer data)
{
  f->bus = phonesec_test_bus_new ();
  f->events_path = g_build_filename (f->bus->tmpdir, "plugin-events.log", NULL);
}

void
teardown (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->bus, phonesec_test_bus_free);
  g_free (f->events_path);
}

/* --- plugin files ---------------------------------------------------------- */

const char *
build_dir_for (const char *name)
{
  const char *dir;

  if (g_str_equal (name, "example"))
    {
      dir = g_getenv ("PHONESEC_TEST_EXAMPLE_PLUGIN_DIR");
      g_assert_nonnull (dir);
      return dir;
    }
  dir = g_getenv ("PHONESEC_TEST_PLUGIN_BUILD_DIR");
  if (dir == NULL)
    g_error ("PHONESEC_TEST_PLUGIN_BUILD_DIR is not set: run the tests with meson test");
  return dir;
}

void
copy_file (const char *from, const char *to)
{
  g_autoptr (GFile) source = g_file_new_for_path (from);
  g_autoptr (GFile) dest = g_file_new_for_path (to);
  g_autoptr (GError) error = NULL;

  g_file_copy (source, dest, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  /* The loader refuses group- or world-writable files. */
  g_assert_cmpint (g_chmod (to, 0644), ==, 0);
}

/* Copies NAME.so, NAME.plugin and NAME.schema (when there is one). */
void
install_plugin (Fixture *f, const char *name)
{
  const char *suffixes[] = { ".so", ".plugin", ".schema" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (name, suffixes[i], NULL);
      g_autofree char *from = g_build_filename (build_dir_for (name), file, NULL);
      g_autofree char *to = g_build_filename (f->bus->plugin_dir, file, NULL);

      if (g_str_equal (suffixes[i], ".schema") && !g_file_test (from, G_FILE_TEST_EXISTS))
        continue;
      copy_file (from, to);
    }
}

void
uninstall_plugin (Fixture *f, const char *name)
{
  const char *suffixes[] = { ".so", ".plugin", ".schema" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (name, suffixes[i], NULL);
      g_autofree char *path = g_build_filename (f->bus->plugin_dir, file, NULL);

      g_unlink (path);
    }
}

void
chmod_plugin_file (Fixture *f, const char *file, int mode)
{
  g_autofree char *path = g_build_filename (f->bus->plugin_dir, file, NULL);

  g_assert_cmpint (g_chmod (path, mode), ==, 0);
}

void
add_daemon_args (Fixture *f, const char *first, ...)
{
  va_list args;

  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (f->bus->extra_args, g_strdup (arg));
  va_end (args);
}

/* --- what the plugins recorded -------------------------------------------- */

GStrv
events (Fixture *f)
{
  g_autofree char *text = NULL;

  if (!g_file_get_contents (f->events_path, &text, NULL, NULL))
    return g_new0 (char *, 1);
  g_strchomp (text);
  return text[0] != '\0' ? g_strsplit (text, "\n", -1) : g_new0 (char *, 1);
}

int
event_index (Fixture *f, const char *event)
{
  g_auto (GStrv) lines = events (f);

  for (int i = 0; lines[i] != NULL; i++)
    if (g_str_equal (lines[i], event))
      return i;
  return -1;
}

void
assert_event (Fixture *f, const char *event)
{
  if (event_index (f, event) < 0)
    {
      g_auto (GStrv) lines = events (f);
      g_autofree char *all = g_strjoinv ("\n  ", lines);
      g_error ("expected plugin event '%s'; events:\n  %s", event, all);
    }
}

void
assert_no_event (Fixture *f, const char *event)
{
  if (event_index (f, event) >= 0)
    g_error ("plugin event '%s' happened and must not have", event);
}

/* --- D-Bus helpers ---------------------------------------------------------- */

char *
plugin_path (const char *name)
{
  g_autofree char *object = g_strdelimit (g_strdup (name), "-", '_');

  return g_strconcat (PLUGINS_PATH, object, NULL);
}

GVariant *
get_property (Fixture *f, const char *path, const char *iface, const char *name, GError **error)
{
  g_autoptr (GVariant) reply = g_dbus_connection_call_sync (
      f->bus->connection, BUS_NAME, path, "org.freedesktop.DBus.Properties", "Get",
      g_variant_new ("(ss)", iface, name), G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE, 10000,
      NULL, error);
  GVariant *value = NULL;

  if (reply != NULL)
    g_variant_get (reply, "(v)", &value);
  return value;
}

GVariant *
plugin_property (Fixture *f, const char *plugin, const char *iface, const char *name)
{
  g_autofree char *path = plugin_path (plugin);
  g_autoptr (GError) error = NULL;
  GVariant *value = get_property (f, path, iface, name, &error);

  g_assert_no_error (error);
  return value;
}

char *
plugin_string (Fixture *f, const char *plugin, const char *name)
{
  g_autoptr (GVariant) value = plugin_property (f, plugin, PLUGIN, name);

  return g_variant_dup_string (value, NULL);
}

void
assert_state (Fixture *f, const char *plugin, const char *state)
{
  g_autofree char *actual = plugin_string (f, plugin, "State");

  if (g_strcmp0 (actual, state) != 0)
    {
      g_autofree char *error = plugin_string (f, plugin, "Error");
      g_autofree char *log = phonesec_test_bus_dup_log (f->bus);
      g_error ("plugin %s: State=%s (Error '%s'), expected %s; daemon log:\n%s", plugin, actual,
               error, state, log);
    }
}

void
assert_error_contains (Fixture *f, const char *plugin, const char *part)
{
  g_autofree char *error = plugin_string (f, plugin, "Error");

  if (strstr (error, part) == NULL)
    g_error ("plugin %s: Error '%s' does not mention '%s'", plugin, error, part);
}

GVariant *
managed_objects (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = g_dbus_connection_call_sync (
      f->bus->connection, BUS_NAME, ROOT_PATH, "org.freedesktop.DBus.ObjectManager",
      "GetManagedObjects", NULL, G_VARIANT_TYPE ("(a{oa{sa{sv}}})"), G_DBUS_CALL_FLAGS_NONE, 10000,
      NULL, &error);

  g_assert_no_error (error);
  return g_variant_get_child_value (reply, 0);
}

/* Whether GetManagedObjects shows @iface on @plugin's object. */
gboolean
has_interface (Fixture *f, const char *plugin, const char *iface)
{
  g_autoptr (GVariant) objects = managed_objects (f);
  g_autofree char *path = plugin_path (plugin);
  g_autoptr (GVariant) interfaces = g_variant_lookup_value (objects, path, NULL);
  g_autoptr (GVariant) props = NULL;

  g_assert_nonnull (interfaces); /* every plugin found has its object */
  props = g_variant_lookup_value (interfaces, iface, NULL);
  return props != NULL;
}

GStrv
manager_plugins (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) value = get_property (f, ROOT_PATH, MANAGER, "Plugins", &error);

  g_assert_no_error (error);
  return g_variant_dup_objv (value, NULL);
}

void
assert_remote_error (GError *error, const char *name)
{
  g_autofree char *remote = NULL;

  g_assert_nonnull (error);
  remote = g_dbus_error_get_remote_error (error);
  g_assert_cmpstr (remote, ==, name);
}

/* The value of the event "PREFIX VALUE" a plugin recorded. */
gint64
event_number (Fixture *f, const char *prefix)
{
  g_auto (GStrv) lines = events (f);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], prefix) && lines[i][strlen (prefix)] == ' ')
      return g_ascii_strtoll (lines[i] + strlen (prefix) + 1, NULL, 10);
  g_error ("no plugin event '%s ...'", prefix);
}
