/* phonesec-dbus-config.h: the Config interface on the bus.
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "phonesec-actors.h"
#include "phonesec-bus-exporter.h"
#include "phonesec-callers.h"
#include "phonesec-config-store.h"

G_BEGIN_DECLS

typedef struct _PhonesecDBusConfigService PhonesecDBusConfigService;

/* Registers org.phonesec.PhoneSec1.Config at the root object; emits Changed
 * and PropertiesChanged(Generation) for every committed transaction. */
PhonesecDBusConfigService *
phonesec_dbus_config_service_new (GDBusConnection *connection, PhonesecConfigStore *store,
                                  PhonesecCallers *callers, PhonesecBusExporter *exporter,
                                  PhonesecActors *actors, GError **error);
void phonesec_dbus_config_service_free (PhonesecDBusConfigService *self);

G_END_DECLS
