/* phonesec-dbus-tls.h: org.phonesec.PhoneSec1.TlsPolicy on the bus.
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "phonesec/phonesec-http.h"

#include "phonesec-bus-exporter.h"
#include "phonesec-callers.h"
#include "tls/phonesec-tls-policy.h"

G_BEGIN_DECLS

typedef struct _PhonesecDBusTlsService PhonesecDBusTlsService;

PhonesecDBusTlsService *phonesec_dbus_tls_service_new (PhonesecBusExporter *exporter,
                                                       PhonesecTlsPolicy *policy,
                                                       PhonesecHttpClient *client,
                                                       PhonesecCallers *callers, GError **error);
void phonesec_dbus_tls_service_free (PhonesecDBusTlsService *self);

G_END_DECLS
