/* phonesec-bus.h: a bus connection from the --bus option every phonesec
 * program takes.
 *
 * Inline, so that the ui-bridge programs, which link GIO but never
 * libphonesec, and phonesecd read "--bus" the same way.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

/* @bus: "system" (also when NULL), "session", or a D-Bus address such as
 * "unix:path=/run/phonesec-dev/bus" (a message bus, authenticated as a
 * client). Blocks: call it before the main loop runs. */
static inline GDBusConnection *
phonesec_bus_connect (const char *bus, GError **error)
{
  if (bus == NULL || g_strcmp0 (bus, "system") == 0)
    return g_bus_get_sync (G_BUS_TYPE_SYSTEM, NULL, error);
  if (g_strcmp0 (bus, "session") == 0)
    return g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, error);
  return g_dbus_connection_new_for_address_sync (
      bus,
      G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
          | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
      NULL, NULL, error);
}
