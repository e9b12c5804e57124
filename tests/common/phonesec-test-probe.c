/* phonesec-test-probe.c: everything one D-Bus client can learn from
 * phonesecd, printed, for tests that run it as a given uid.
 *
 * Usage: phonesec-test-probe ADDRESS OUTPUT-FILE
 * Everything goes to OUTPUT-FILE, line by line. From the start it subscribes (Manager.Subscribe,
 * again whenever phonesecd restarts) and prints every signal phonesecd sends it as SIGNAL <path>
 * <interface>.<member> <arguments> Commands on stdin, one per line: sweep  walks every object
 * phonesecd shows (Introspect), reads every property (GetAll and Get), calls every method with
 * harmless arguments, and prints each answer as REPLY <path> <interface>.<member> <reply or ERROR
 * name: message> (for GetAll the interface and for Get the interface.property asked for come
 * before the reply) then "SWEPT". quit   exits.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gio/gio.h>
#include <phonesec/phonesec-dbus-names.h>
#include <stdio.h>
#include <string.h>

#define BUS_NAME PHONESEC_DBUS_NAME
#define ROOT_PATH PHONESEC_DBUS_PATH
#define TIMEOUT_MS 10000

static GDBusConnection *connection;
static GMainLoop *loop;
static FILE *out;

static void
print_line (const char *kind, const char *path, const char *interface, const char *member,
            const char *text)
{
  fprintf (out, "%s %s %s.%s %s\n", kind, path, interface, member, text);
  fflush (out);
}

static void
on_signal (GDBusConnection *bus, const char *sender, const char *path, const char *interface,
           const char *member, GVariant *parameters, gpointer user_data)
{
  g_autofree char *text = g_variant_print (parameters, TRUE);

  if (g_strcmp0 (sender, "org.freedesktop.DBus") == 0)
    return;
  print_line ("SIGNAL", path, interface, member, text);
}

static void
on_appeared (GDBusConnection *bus, const char *name, const char *owner, gpointer user_data)
{
  g_autoptr (GVariant) reply
      = g_dbus_connection_call_sync (bus, BUS_NAME, ROOT_PATH, BUS_NAME ".Manager", "Subscribe",
                                     NULL, NULL, G_DBUS_CALL_FLAGS_NONE, TIMEOUT_MS, NULL, NULL);

  fprintf (out, "SUBSCRIBED %s %s\n", owner, reply != NULL ? "yes" : "no");
  fflush (out);
}

/* --- sweep --------------------------------------------------------------- */

/* @what, when given, is printed before the answer: the interface a GetAll
 * or the property a Get asked for, which the answer does not name. */
static void
call_and_print_what (const char *path, const char *interface, const char *member, GVariant *args,
                     const char *what)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply
      = g_dbus_connection_call_sync (connection, BUS_NAME, path, interface, member, args, NULL,
                                     G_DBUS_CALL_FLAGS_NONE, TIMEOUT_MS, NULL, &error);
  g_autofree char *text = NULL;

  if (reply != NULL)
    text = g_variant_print (reply, TRUE);
  else
    {
      g_autofree char *name = g_dbus_error_get_remote_error (error);

      g_dbus_error_strip_remote_error (error);
      text = g_strdup_printf ("ERROR %s: %s", name != NULL ? name : "local", error->message);
    }
  if (what != NULL)
    {
      g_autofree char *labelled = g_strdup_printf ("%s %s", what, text);

      print_line ("REPLY", path, interface, member, labelled);
    }
  else
    print_line ("REPLY", path, interface, member, text);
}

static void
call_and_print (const char *path, const char *interface, const char *member, GVariant *args)
{
  call_and_print_what (path, interface, member, args, NULL);
}

/* Calls that would end the test (restart, re-execution, tunnels) or need
 * real data are left out; every read-only call is made. */
static gboolean
skipped (const char *interface, const char *member)
{
  static const char *const skip[] = { "Manager.Restart",
                                      "Config.Apply",
                                      "Config.Reset",
                                      "Config.ImportProfile",
                                      "Network.Update",
                                      "TlsPolicy.AddTrustedCA",
                                      "TlsPolicy.RemoveTrustedCA",
                                      "Vpn.Connect",
                                      "Vpn.Disconnect",
                                      "ProblemReport.Upload",
                                      NULL };
  const char *short_name = strrchr (interface, '.');
  g_autofree char *key
      = g_strdup_printf ("%s.%s", short_name != NULL ? short_name + 1 : interface, member);

  return g_strv_contains (skip, key);
}

/* A harmless value of each argument type: URLs for strings, so that a
 * method looking one up answers something. */
static GVariant *
sample_value (const GVariantType *type)
{
  if (g_variant_type_equal (type, G_VARIANT_TYPE_STRING))
    return g_variant_new_string ("http://example.com/probe/a");
  if (g_variant_type_equal (type, G_VARIANT_TYPE_BOOLEAN))
    return g_variant_new_boolean (FALSE);
  if (g_variant_type_equal (type, G_VARIANT_TYPE_UINT32))
    return g_variant_new_uint32 (1);
  if (g_variant_type_equal (type, G_VARIANT_TYPE_INT32))
    return g_variant_new_int32 (1);
  if (g_variant_type_equal (type, G_VARIANT_TYPE_UINT64))
    return g_variant_new_uint64 (1);
  if (g_variant_type_equal (type, G_VARIANT_TYPE_INT64))
    return g_variant_new_int64 (1);
  if (g_variant_type_equal (type, G_VARIANT_TYPE_OBJECT_PATH))
    return g_variant_new_object_path (ROOT_PATH);
  if (g_variant_type_is_array (type))
    return g_variant_new_array (g_variant_type_element (type), NULL, 0);
  return NULL;
}

static void
sweep_method (const char *path, const char *interface, GDBusMethodInfo *method)
{
  GVariantBuilder args;

  if (skipped (interface, method->name))
    return;
  g_variant_builder_init (&args, G_VARIANT_TYPE_TUPLE);
  for (guint i = 0; method->in_args != NULL && method->in_args[i] != NULL; i++)
    {
      GVariant *value = sample_value (G_VARIANT_TYPE (method->in_args[i]->signature));

      if (value == NULL)
        {
          g_variant_builder_clear (&args);
          print_line ("REPLY", path, interface, method->name, "SKIPPED (argument type)");
          return;
        }
      g_variant_builder_add_value (&args, value);
    }
  call_and_print (path, interface, method->name, g_variant_builder_end (&args));
}

static void
sweep_interface (const char *path, GDBusInterfaceInfo *info)
{
  call_and_print_what (path, "org.freedesktop.DBus.Properties", "GetAll",
                       g_variant_new ("(s)", info->name), info->name);
  for (guint i = 0; info->properties != NULL && info->properties[i] != NULL; i++)
    {
      g_autofree char *what = g_strdup_printf ("%s.%s", info->name, info->properties[i]->name);

      call_and_print_what (path, "org.freedesktop.DBus.Properties", "Get",
                           g_variant_new ("(ss)", info->name, info->properties[i]->name), what);
    }
  for (guint i = 0; info->methods != NULL && info->methods[i] != NULL; i++)
    sweep_method (path, info->name, info->methods[i]);
}

static void
sweep_path (const char *path)
{
  g_autoptr (GVariant) reply = g_dbus_connection_call_sync (
      connection, BUS_NAME, path, "org.freedesktop.DBus.Introspectable", "Introspect", NULL,
      G_VARIANT_TYPE ("(s)"), G_DBUS_CALL_FLAGS_NONE, TIMEOUT_MS, NULL, NULL);
  g_autoptr (GDBusNodeInfo) node = NULL;
  const char *xml;

  if (reply == NULL)
    return;
  g_variant_get (reply, "(&s)", &xml);
  node = g_dbus_node_info_new_for_xml (xml, NULL);
  if (node == NULL)
    return;
  for (guint i = 0; node->interfaces != NULL && node->interfaces[i] != NULL; i++)
    if (!g_str_has_prefix (node->interfaces[i]->name, "org.freedesktop.DBus."))
      sweep_interface (path, node->interfaces[i]);
  for (guint i = 0; node->nodes != NULL && node->nodes[i] != NULL; i++)
    {
      g_autofree char *child
          = g_strconcat (g_str_equal (path, "/") ? "" : path, "/", node->nodes[i]->path, NULL);
      sweep_path (child);
    }
}

static void
sweep (void)
{
  sweep_path ("/");
  call_and_print (ROOT_PATH, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects", NULL);
  /* Config with the arguments that return everything the caller may see. */
  call_and_print (ROOT_PATH, BUS_NAME ".Config", "ExportProfile",
                  g_variant_new_parsed ("(@a{sv} {},)"));
  call_and_print (ROOT_PATH, BUS_NAME ".Config", "Get", g_variant_new_parsed ("(@as [],)"));
  call_and_print (ROOT_PATH, BUS_NAME ".Config", "Describe", g_variant_new_parsed ("(@as [],)"));
  fprintf (out, "SWEPT\n");
  fflush (out);
}

static gboolean
on_command (GIOChannel *channel, GIOCondition condition, gpointer user_data)
{
  g_autofree char *line = NULL;

  if (g_io_channel_read_line (channel, &line, NULL, NULL, NULL) != G_IO_STATUS_NORMAL)
    {
      g_main_loop_quit (loop);
      return G_SOURCE_REMOVE;
    }
  g_strstrip (line);
  if (g_str_equal (line, "sweep"))
    sweep ();
  else if (g_str_equal (line, "quit"))
    g_main_loop_quit (loop);
  return G_SOURCE_CONTINUE;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GIOChannel) input = NULL;

  if (argc != 3)
    {
      g_printerr ("usage: %s ADDRESS OUTPUT-FILE\n", argv[0]);
      return 2;
    }
  out = fopen (argv[2], "a");
  if (out == NULL)
    {
      g_printerr ("probe: cannot write %s\n", argv[2]);
      return 1;
    }
  connection = g_dbus_connection_new_for_address_sync (
      argv[1],
      G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
          | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
      NULL, NULL, &error);
  if (connection == NULL)
    {
      g_printerr ("probe: %s\n", error->message);
      return 1;
    }
  g_dbus_connection_signal_subscribe (connection, NULL, NULL, NULL, NULL, NULL,
                                      G_DBUS_SIGNAL_FLAGS_NONE, on_signal, NULL, NULL);
  g_bus_watch_name_on_connection (connection, BUS_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE, on_appeared,
                                  NULL, NULL, NULL);
  loop = g_main_loop_new (NULL, FALSE);
  input = g_io_channel_unix_new (0);
  g_io_add_watch (input, G_IO_IN | G_IO_HUP, on_command, NULL);
  g_main_loop_run (loop);
  g_main_loop_unref (loop);
  g_object_unref (connection);
  fclose (out);
  return 0;
}
