/* phonesec-netd-sandbox.h: what phonesec-netd gives up before it talks to
 * the network (doc/security-model.md, "The network service").
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* At start, before anything else: not root, never dumpable (its memory
 * holds the proxy password), dies with phonesecd, only fd 0-2 and
 * @keep_fd, bounded resources. Exits the process on failure. */
void phonesec_netd_sandbox_prepare (int keep_fd);

/* Once everything that reads files is loaded (glib-networking, GnuTLS, the
 * name service modules, translations): Landlock confines the file system
 * to what name resolution reads, no new privileges, and a seccomp filter
 * to the system calls of an HTTP client. Exits the process on failure. */
void phonesec_netd_sandbox_enter (void);

G_END_DECLS
