/* phonesec-netd-trust.h: the trust store the daemon sends, as a
 * GTlsDatabase, without any file of the phone's.
 *
 * The PEM goes into an anonymous memory file (memfd) that glib-networking
 * reads through /proc/self/fd, at load and again for each connection's
 * credentials: the helper needs no access to the state folder, and the
 * sandbox none to any file holding CAs.
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* NULL with @error when @pem holds no certificate or cannot be loaded.
 * @memfd: (out): the memory file, to keep open while the database lives. */
GTlsDatabase *phonesec_netd_trust_load (const guint8 *pem, gsize len, int *memfd, GError **error);

G_END_DECLS
