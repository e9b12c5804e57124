/* phonesec-netd-service.h: phonesec-netd's side of the channel: the one
 * SoupSession of the phone and everything under it (glib-networking, the
 * TLS policy's checks, the trust store, proxy authentication), driven by
 * phonesecd's frames.
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct _PhonesecNetdService PhonesecNetdService;

/* Takes @fd, the channel to phonesecd; @loop is quit when it closes. */
PhonesecNetdService *phonesec_netd_service_new (int fd, GMainLoop *loop, GError **error);
void phonesec_netd_service_free (PhonesecNetdService *self);
/* Tells phonesecd the helper is ready (sandboxed, listening). */
void phonesec_netd_service_ready (PhonesecNetdService *self);

G_END_DECLS
