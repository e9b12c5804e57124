/* bench-echo-service.c: the smallest GDBus service that answers like
 * Config.Get, the baseline of the D-Bus benchmarks.
 *
 *   bench-echo-service ADDRESS
 *
 * Connects to the bus at ADDRESS exactly as phonesecd does, registers
 * /org/phonesec/BenchEcho with a plain vtable (as phonesecd's Config does),
 * owns org.phonesec.BenchEcho and prints READY. Methods:
 *   Prime (a{sv})       remembers name → value
 *   Get (as) → a{sv}    the remembered values of the names (unknown → error),
 *                       i.e. a table lookup per name and a GVariantBuilder:
 *                       the irreducible work of Config.Get
 *   Sink (s) → u        the length of the text (D-Bus transfer of a profile)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gio/gio.h>
#include <stdio.h>

static const char introspection_xml[]
    = "<node>"
      "  <interface name='org.phonesec.BenchEcho'>"
      "    <method name='Prime'><arg name='values' type='a{sv}' direction='in'/></method>"
      "    <method name='Get'>"
      "      <arg name='names' type='as' direction='in'/>"
      "      <arg name='values' type='a{sv}' direction='out'/>"
      "    </method>"
      "    <method name='Sink'>"
      "      <arg name='text' type='s' direction='in'/>"
      "      <arg name='length' type='u' direction='out'/>"
      "    </method>"
      "  </interface>"
      "</node>";

static GHashTable *values; /* name → GVariant* */

static void
handle_get (GDBusMethodInvocation *invocation, GVariant *parameters)
{
  g_autofree const char **names = NULL;
  GVariantBuilder builder;

  g_variant_get (parameters, "(^a&s)", &names);
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("(a{sv})"));
  g_variant_builder_open (&builder, G_VARIANT_TYPE ("a{sv}"));
  for (guint i = 0; names[i] != NULL; i++)
    {
      GVariant *value = g_hash_table_lookup (values, names[i]);

      if (value == NULL)
        {
          g_variant_builder_clear (&builder);
          g_dbus_method_invocation_return_error (
              invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS, "%s: unknown", names[i]);
          return;
        }
      g_variant_builder_add (&builder, "{sv}", names[i], value);
    }
  g_variant_builder_close (&builder);
  g_dbus_method_invocation_return_value (invocation, g_variant_builder_end (&builder));
}

static void
method_call (GDBusConnection *connection, const char *sender, const char *object_path,
             const char *interface_name, const char *method_name, GVariant *parameters,
             GDBusMethodInvocation *invocation, gpointer user_data)
{
  if (g_str_equal (method_name, "Get"))
    handle_get (invocation, parameters);
  else if (g_str_equal (method_name, "Prime"))
    {
      g_autoptr (GVariant) dict = g_variant_get_child_value (parameters, 0);
      GVariantIter iter;
      const char *name;
      GVariant *value;

      g_variant_iter_init (&iter, dict);
      while (g_variant_iter_next (&iter, "{&sv}", &name, &value))
        g_hash_table_replace (values, g_strdup (name), value);
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else if (g_str_equal (method_name, "Sink"))
    {
      const char *text;

      g_variant_get (parameters, "(&s)", &text);
      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(u)", (guint32) strlen (text)));
    }
  else
    g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD,
                                           "No such method %s", method_name);
}

static const GDBusInterfaceVTable vtable = { .method_call = method_call };

static void
on_name_acquired (GDBusConnection *connection, const char *name, gpointer user_data)
{
  g_print ("READY\n");
  fflush (stdout);
}

static void
on_name_lost (GDBusConnection *connection, const char *name, gpointer user_data)
{
  g_printerr ("bench-echo-service: cannot own %s\n", name);
  g_main_loop_quit (user_data);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDBusNodeInfo) info = NULL;
  g_autoptr (GDBusConnection) connection = NULL;
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  if (argc != 2)
    {
      g_printerr ("usage: bench-echo-service ADDRESS\n");
      return 2;
    }
  values
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_variant_unref);
  info = g_dbus_node_info_new_for_xml (introspection_xml, &error);
  g_assert_no_error (error);
  /* The same connection type and flags as phonesecd's connect_bus(). */
  connection = g_dbus_connection_new_for_address_sync (
      argv[1],
      G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
          | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
      NULL, NULL, &error);
  if (connection == NULL)
    {
      g_printerr ("bench-echo-service: %s\n", error->message);
      return 1;
    }
  if (g_dbus_connection_register_object (connection, "/org/phonesec/BenchEcho", info->interfaces[0],
                                         &vtable, NULL, NULL, &error)
      == 0)
    {
      g_printerr ("bench-echo-service: %s\n", error->message);
      return 1;
    }
  g_bus_own_name_on_connection (connection, "org.phonesec.BenchEcho",
                                G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE, on_name_acquired, on_name_lost,
                                loop, NULL);
  g_main_loop_run (loop);
  return 1;
}
