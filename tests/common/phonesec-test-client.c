/* phonesec-test-client.c: one D-Bus call, for running as another uid.
 *
 * Usage: phonesec-test-client ADDRESS INTERFACE METHOD 'GVARIANT-TUPLE' [PATH]
 * (PATH defaults to the root object)
 * Prints "OK <reply>" or "ERROR <dbus-error-name> <message>".
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gio/gio.h>
#include <phonesec/phonesec-dbus-names.h>

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDBusConnection) connection = NULL;
  g_autoptr (GVariant) args = NULL;
  g_autoptr (GVariant) reply = NULL;

  if (argc != 5 && argc != 6)
    {
      g_printerr ("usage: %s ADDRESS INTERFACE METHOD ARGS [PATH]\n", argv[0]);
      return 2;
    }
  connection = g_dbus_connection_new_for_address_sync (
      argv[1],
      G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
          | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
      NULL, NULL, &error);
  if (connection == NULL)
    {
      g_print ("ERROR connect %s\n", error->message);
      return 1;
    }
  args = g_variant_parse (NULL, argv[4], NULL, NULL, &error);
  if (args == NULL)
    {
      g_print ("ERROR parse %s\n", error->message);
      return 1;
    }
  reply = g_dbus_connection_call_sync (
      connection, PHONESEC_DBUS_NAME, argc == 6 ? argv[5] : PHONESEC_DBUS_PATH, argv[2], argv[3],
      g_steal_pointer (&args), NULL, G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);
  if (reply == NULL)
    {
      g_autofree char *name = g_dbus_error_get_remote_error (error);
      g_dbus_error_strip_remote_error (error);
      g_print ("ERROR %s %s\n", name != NULL ? name : "unknown", error->message);
      return 0;
    }
  {
    g_autofree char *text = g_variant_print (reply, TRUE);
    g_print ("OK %s\n", text);
  }
  return 0;
}
