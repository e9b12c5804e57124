/* phonesec-netd-supervisor.h: starts phonesec-netd, watches it, and starts
 * it again.
 *
 * The helper runs with the uid and gid of an unprivileged user when
 * phonesecd is root (dropped between fork and exec), talks over a
 * socketpair (fd 3), and sandboxes itself before it reads anything from
 * the network (phonesec-netd-sandbox.c). The supervisor pings it; one that
 * does not answer in time is killed as hung. A helper that crashes, hangs
 * or breaks the protocol is reported through the crash log and started
 * again with backoff; a planned restart (the TLS policy changed) starts a
 * new one at once.
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "phonesec/phonesec-crash.h"
#include "phonesec-netd-protocol.h"

G_BEGIN_DECLS

#define PHONESEC_TYPE_NETD_SUPERVISOR (phonesec_netd_supervisor_get_type ())
G_DECLARE_FINAL_TYPE (PhonesecNetdSupervisor, phonesec_netd_supervisor, PHONESEC, NETD_SUPERVISOR,
                      GObject)

/* Frames from the current helper; FALSE with @error is a violation (the
 * helper is killed). */
typedef gboolean (*PhonesecNetdFrameHandler) (const PhonesecNetdFrame *frame, gpointer user_data,
                                              GError **error);

/**
 * phonesec_netd_supervisor_new:
 * @helper_path: the phonesec-netd program
 * @user: (nullable): whom the helper runs as when phonesecd is root
 *   (default: phonesec-netd, else nobody), looked up at the first start;
 *   a user that does not exist keeps the helper from starting
 *   (get_last_error() says so)
 */
PhonesecNetdSupervisor *phonesec_netd_supervisor_new (const char *helper_path, const char *user,
                                                      GError **error);
void phonesec_netd_supervisor_set_handler (PhonesecNetdSupervisor *self,
                                           PhonesecNetdFrameHandler handler, gpointer user_data);
/* Where crashes, hangs and violations are reported (nullable). */
void phonesec_netd_supervisor_set_crash_log (PhonesecNetdSupervisor *self,
                                             PhonesecCrashLog *crash_log);
/* The GnuTLS priority of the next helper (G_TLS_GNUTLS_PRIORITY). */
void phonesec_netd_supervisor_set_priority (PhonesecNetdSupervisor *self, const char *priority);
/* Ping period, also the time a ping may go unanswered (default 5000 ms). */
void phonesec_netd_supervisor_set_watchdog (PhonesecNetdSupervisor *self, guint ms);
/* Backoff after unplanned ends: the second restart waits @min_ms, each
 * next one twice as long, up to @max_ms (the first is immediate). */
void phonesec_netd_supervisor_set_backoff (PhonesecNetdSupervisor *self, guint min_ms,
                                           guint max_ms);

/* Starts a helper unless one runs or a backoff is pending. */
void phonesec_netd_supervisor_start (PhonesecNetdSupervisor *self);
/* A planned restart: the running helper is stopped, a new one started at
 * once (@why is logged). Starts one when none runs. */
void phonesec_netd_supervisor_restart (PhonesecNetdSupervisor *self, const char *why);
/* Stops for good (shutting down): the helper is killed; it keeps nothing
 * that could be lost. */
void phonesec_netd_supervisor_stop (PhonesecNetdSupervisor *self);
/* Kills the helper as broken (the client found a violation above the
 * framing): reported, restarted with backoff. */
void phonesec_netd_supervisor_kill (PhonesecNetdSupervisor *self, const char *why);

/* To the current helper; dropped when none is spawned. */
void phonesec_netd_supervisor_send (PhonesecNetdSupervisor *self, GBytes *frame);
/* The same with a descriptor (taken) passed along. */
void phonesec_netd_supervisor_send_with_fd (PhonesecNetdSupervisor *self, GBytes *frame, int fd);
gboolean phonesec_netd_supervisor_is_congested (PhonesecNetdSupervisor *self);
/* The current helper's generation (bumped at each spawn), 0 when none. */
guint phonesec_netd_supervisor_get_generation (PhonesecNetdSupervisor *self);
gboolean phonesec_netd_supervisor_is_ready (PhonesecNetdSupervisor *self);

/* For the fuzz target: a helper without a process or socket, READY at
 * once; phonesec_netd_supervisor_receive() hands it bytes as if read from
 * the socket (FALSE once it broke the protocol and was dropped). */
void phonesec_netd_supervisor_attach_test_peer (PhonesecNetdSupervisor *self);
gboolean phonesec_netd_supervisor_receive (PhonesecNetdSupervisor *self, const guint8 *data,
                                           gsize len);

/* For Manager's properties: stopped, starting, running or waiting (for a
 * restart after a failure); the pid (0: none); unplanned restarts so far;
 * why the last helper ended unplanned ("" when none did). */
const char *phonesec_netd_supervisor_get_state (PhonesecNetdSupervisor *self);
guint phonesec_netd_supervisor_get_pid (PhonesecNetdSupervisor *self);
guint phonesec_netd_supervisor_get_restarts (PhonesecNetdSupervisor *self);
const char *phonesec_netd_supervisor_get_last_error (PhonesecNetdSupervisor *self);

/* Signals:
 * "spawned" (guint generation): a helper was started; the first frames
 *   (trust store, configuration) go now.
 * "ready" (guint generation): it said READY.
 * "stopped" (guint generation, gboolean planned, const char *why): it is
 *   gone; its requests are lost.
 * "drained": the write queue fell low again.
 * "changed": state, pid, restarts or last error changed. */

G_END_DECLS
