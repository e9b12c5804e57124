/* plugin-fixture.h: what the plugin host tests share: a bus and a daemon per
 * test, the test plugins copied from the build tree, and the event log they
 * write (see test-plugin-common.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "phonesec-test-bus.h"

#define BUS_NAME PHONESEC_DBUS_NAME
#define ROOT_PATH PHONESEC_DBUS_PATH
#define PLUGINS_PATH ROOT_PATH "/plugins/"
#define CONFIG PHONESEC_DBUS_INTERFACE_CONFIG
#define MANAGER PHONESEC_DBUS_INTERFACE_MANAGER
#define NETWORK PHONESEC_DBUS_INTERFACE_NETWORK
#define PLUGIN PHONESEC_DBUS_INTERFACE_PLUGIN
#define TEST_GOOD PHONESEC_DBUS_INTERFACE_PREFIX "TestGood"
#define TEST_MISBEHAVE PHONESEC_DBUS_INTERFACE_PREFIX "TestMisbehave"
#define EXAMPLE PHONESEC_DBUS_INTERFACE_PREFIX "Example"

typedef struct
{
  PhonesecTestBus *bus;
  char *events_path; /* written by the test plugins, see test-plugin-common.h */
} Fixture;

void setup (Fixture *f, gconstpointer data);
void teardown (Fixture *f, gconstpointer data);

/* Copies NAME.so, NAME.plugin and NAME.schema (when there is one) from the
 * build tree into the fixture's plugin folder, mode 0644. */
void install_plugin (Fixture *f, const char *name);
void uninstall_plugin (Fixture *f, const char *name);
void copy_file (const char *from, const char *to);
const char *build_dir_for (const char *name);
void chmod_plugin_file (Fixture *f, const char *file, int mode);
void add_daemon_args (Fixture *f, const char *first, ...) G_GNUC_NULL_TERMINATED;

/* The event log: one line per event, in order. */
GStrv events (Fixture *f);
int event_index (Fixture *f, const char *event);
void assert_event (Fixture *f, const char *event);
void assert_no_event (Fixture *f, const char *event);
gint64 event_number (Fixture *f, const char *prefix);

char *plugin_path (const char *name);
GVariant *get_property (Fixture *f, const char *path, const char *iface, const char *name,
                        GError **error);
GVariant *plugin_property (Fixture *f, const char *plugin, const char *iface, const char *name);
char *plugin_string (Fixture *f, const char *plugin, const char *name);
void assert_state (Fixture *f, const char *plugin, const char *state);
void assert_error_contains (Fixture *f, const char *plugin, const char *part);
GVariant *managed_objects (Fixture *f);
gboolean has_interface (Fixture *f, const char *plugin, const char *iface);
GStrv manager_plugins (Fixture *f);
void assert_remote_error (GError *error, const char *name);
