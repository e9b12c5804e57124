/* phonesec-bus-exporter.h: every object phonesecd shows on the bus, with
 * what each caller may see of it.
 *
 * The exporter stands where GDBusObjectManagerServer and
 * g_dbus_interface_skeleton_export() would: interfaces (gdbus-codegen
 * skeletons) are registered through it, and it answers Properties.Get/GetAll,
 * ObjectManager.GetManagedObjects and method calls itself, after classing the
 * caller (admin or the phone's user) and applying each member's rules
 * (phonesec-bus-rules.h). Its signals are addressed to each client that has
 * called phonesecd (unicast), each copy holding what that client may see:
 * a broadcast would hand hidden values to everyone on the bus.
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "phonesec-callers.h"
#include "phonesec-config-store.h"

G_BEGIN_DECLS

#define PHONESEC_TYPE_BUS_EXPORTER (phonesec_bus_exporter_get_type ())
G_DECLARE_FINAL_TYPE (PhonesecBusExporter, phonesec_bus_exporter, PHONESEC, BUS_EXPORTER, GObject)

/* @root: the object manager's path; objects below it are "managed". */
PhonesecBusExporter *phonesec_bus_exporter_new (GDBusConnection *connection,
                                                PhonesecCallers *callers,
                                                PhonesecConfigStore *store, const char *root,
                                                GError **error);

/**
 * phonesec_bus_exporter_add:
 * @path: the object path; below the root it is listed by GetManagedObjects
 *   and announced with InterfacesAdded
 * @watch: (nullable): the owning plugin's Watch patterns ("@watch" rules)
 *
 * Exports @skeleton (not exported otherwise) at @path.
 */
gboolean phonesec_bus_exporter_add (PhonesecBusExporter *self, const char *path,
                                    GDBusInterfaceSkeleton *skeleton, const char *const *watch,
                                    GError **error);
void phonesec_bus_exporter_remove (PhonesecBusExporter *self, const char *path,
                                   GDBusInterfaceSkeleton *skeleton);

/* Object paths of the managed objects, sorted. */
GStrv phonesec_bus_exporter_dup_paths (PhonesecBusExporter *self);

/**
 * phonesec_bus_exporter_dup_objects:
 * @managed_only: only the objects below the root (GetManagedObjects), or
 *   the root's interfaces too
 *
 * Returns: (transfer full): a{oa{sa{sv}}} as @role sees it
 */
GVariant *phonesec_bus_exporter_dup_objects (PhonesecBusExporter *self, PhonesecRole role,
                                             gboolean managed_only);

/**
 * PhonesecBusSignalFunc:
 *
 * Returns: (transfer full) (nullable): the signal's arguments for @role
 *   (a floating tuple is fine), or %NULL to send @role nothing
 */
typedef GVariant *(*PhonesecBusSignalFunc) (PhonesecRole role, gpointer user_data);

/* Sends a signal to every client that has called phonesecd, with the
 * arguments @build makes for its role (called at most once per role). */
void phonesec_bus_exporter_emit (PhonesecBusExporter *self, const char *path, const char *interface,
                                 const char *member, PhonesecBusSignalFunc build,
                                 gpointer user_data);

/* Properties not yet announced go out now (tests, shutdown). */
void phonesec_bus_exporter_flush (PhonesecBusExporter *self);

/* The caller class the exporter found for a method call it dispatched to a
 * skeleton: TRUE for an admin. */
gboolean phonesec_bus_exporter_invocation_is_admin (GDBusMethodInvocation *invocation);

G_END_DECLS
