/* phonesec-core.h: the services the daemon shares with every plugin context.
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "phonesec/phonesec-crash.h"
#include "phonesec/phonesec-device.h"
#include "phonesec/phonesec-http.h"
#include "phonesec/phonesec-metrics.h"
#include "phonesec/phonesec-upload.h"
#include "phonesec-actors.h"
#include "phonesec-bus-exporter.h"
#include "phonesec-callers.h"
#include "phonesec-config-store.h"
#include "phonesec-network.h"
#include "phonesec-proxy-slot.h"
#include "phonesec-schema.h"
#include "tls/phonesec-tls-policy.h"

G_BEGIN_DECLS

/* Owned by the daemon; outlives every plugin context. */
typedef struct
{
  PhonesecSchema *schema;
  PhonesecConfigStore *store;
  GDBusConnection *connection;     /* NULL until the bus is connected */
  PhonesecCallers *callers;        /* who calls: NULL until the bus is connected */
  PhonesecBusExporter *exporter;   /* NULL until the bus is connected */
  PhonesecHttpClient *http_client; /* the network service's */
  PhonesecProxySlot *proxy_slot;
  PhonesecDevice *device;
  PhonesecNetwork *network;
  PhonesecTlsPolicy *tls;
  PhonesecMetrics *metrics;
  PhonesecUploadQueue *upload_queue;
  PhonesecCrashLog *crash_log;
  PhonesecActors *actors; /* what acts on each parameter (Describe) */
  char *state_dir;
  char *log_path; /* this run's log file (phonesec_log_writer_persist) */
  gboolean previous_run_crashed;
} PhonesecCore;

G_END_DECLS
