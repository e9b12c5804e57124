/* phonesec-netd-link.h: one end of the daemon ↔ helper socket, as frames.
 *
 * Reads without blocking from the main context, splits frames (a length
 * field out of bounds ends the link) and hands each to the frame function;
 * writes queue and go out as the socket takes them. Both processes use it.
 *
 * Internal. SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "phonesec-netd-protocol.h"

G_BEGIN_DECLS

typedef struct _PhonesecNetdLink PhonesecNetdLink;

typedef struct
{
  /* A whole frame; its payload is valid during the call only. Return
   * FALSE with @error for a violation: the link stops and closed() says
   * why. */
  gboolean (*frame) (const PhonesecNetdFrame *frame, gpointer user_data, GError **error);
  /* The write queue fell below the low-water mark. */
  void (*drained) (gpointer user_data);
  /* End of the link: EOF (@error NULL), a read or write error, or a
   * violation (PHONESEC_NETD_ERROR). Called once; no frame after it. */
  void (*closed) (const GError *error, gpointer user_data);
} PhonesecNetdLinkFuncs;

/* Takes @fd (a connected stream socket) unless it fails (not a socket).
 * Starts reading at once, in the default main context. */
PhonesecNetdLink *phonesec_netd_link_new (int fd, gsize max_length,
                                          const PhonesecNetdLinkFuncs *funcs, gpointer user_data,
                                          GError **error);
/* Queues @frame (dropped once the link is closed). */
void phonesec_netd_link_send (PhonesecNetdLink *self, GBytes *frame);
/* The same, with @fd (taken) passed along (SCM_RIGHTS) with its first byte. */
void phonesec_netd_link_send_with_fd (PhonesecNetdLink *self, GBytes *frame, int fd);
/* Keeps the descriptors the peer passes (the helper's side only: phonesecd
 * takes none from it, the kernel closes them). */
void phonesec_netd_link_accept_fds (PhonesecNetdLink *self);
/* The oldest descriptor received and not taken yet (the caller owns it),
 * or -1. One passed with a frame has arrived by the time the frame has. */
int phonesec_netd_link_take_fd (PhonesecNetdLink *self);
/* Bytes queued and not yet taken by the socket. */
gsize phonesec_netd_link_get_queued (PhonesecNetdLink *self);
/* Whether the queue is above the high-water mark: stop producing bodies. */
gboolean phonesec_netd_link_is_congested (PhonesecNetdLink *self);
/* Stops reading and writing and closes the socket; no callback after it. */
void phonesec_netd_link_free (PhonesecNetdLink *self);
/* Writes what is queued, blocking up to @timeout_ms (shutting down). */
void phonesec_netd_link_flush (PhonesecNetdLink *self, guint timeout_ms);

G_END_DECLS
