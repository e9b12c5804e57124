/* phonesec-vpn-tunnel.h: one run of the openconnect program.
 *
 * Spawns openconnect with the password on its stdin pipe (written and
 * closed at once: never in argv, the environment or a file), reads its
 * progress lines and our script's reports, and says when it is gone.
 * Everything happens on the main context; nothing blocks.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <phonesec/phonesec-secret.h>

#include "phonesec-vpn-openconnect.h"

G_BEGIN_DECLS

#define PHONESEC_TYPE_VPN_TUNNEL (phonesec_vpn_tunnel_get_type ())
G_DECLARE_FINAL_TYPE (PhonesecVpnTunnel, phonesec_vpn_tunnel, PHONESEC, VPN_TUNNEL, GObject)

/* Signals:
 * - "script-event" (gpointer PhonesecVpnScriptEvent*, transfer none)
 * - "exited" (): the process is gone and its output read; see the getters.
 */

/* Takes @settings. @runtime_dir: a private folder for the script. */
PhonesecVpnTunnel *phonesec_vpn_tunnel_new (PhonesecVpnSettings *settings, PhonesecSecret *password,
                                            const char *runtime_dir);
gboolean phonesec_vpn_tunnel_start (PhonesecVpnTunnel *self, GError **error);
/* SIGTERM (openconnect says goodbye to the server and closes the tunnel),
 * SIGKILL after 5 s. "exited" follows. */
void phonesec_vpn_tunnel_stop (PhonesecVpnTunnel *self);
/* For daemon shutdown: SIGTERM, wait up to @timeout_ms, then SIGKILL. No
 * signal is emitted afterwards. */
void phonesec_vpn_tunnel_stop_sync (PhonesecVpnTunnel *self, guint timeout_ms);

const char *phonesec_vpn_tunnel_get_pid (PhonesecVpnTunnel *self); /* NULL once reaped */
gboolean phonesec_vpn_tunnel_get_stopping (PhonesecVpnTunnel *self);
/* The DTLS channel came up ("dtls-up" is emitted once, when it does). */
gboolean phonesec_vpn_tunnel_get_dtls_up (PhonesecVpnTunnel *self);
/* After "exited": the exit status (or -1) and the signal (or 0). */
int phonesec_vpn_tunnel_get_exit_status (PhonesecVpnTunnel *self);
int phonesec_vpn_tunnel_get_term_signal (PhonesecVpnTunnel *self);
/* The most specific failure openconnect printed, and its detail (or NULL). */
PhonesecVpnOutputKind phonesec_vpn_tunnel_get_failure (PhonesecVpnTunnel *self,
                                                       const char **detail);
/* The last few output lines (masked), for a crash record. */
char *phonesec_vpn_tunnel_dup_tail (PhonesecVpnTunnel *self);
const char *phonesec_vpn_tunnel_get_server (PhonesecVpnTunnel *self);

G_END_DECLS
