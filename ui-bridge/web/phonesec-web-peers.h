/* phonesec-web-peers.h: who holds phonesec-web's connections, and which
 * one gives way when a limit is reached.
 *
 * Each connection has a slot here while it counts. A peer (a source
 * address, or an IPv6 /64) holds at most max_per_peer slots and the server
 * max_total. A new connection past a limit takes the slot of an idle
 * connection (not answering a request): the peer's own oldest when the
 * peer is at its limit, else the oldest of the peer holding the most.
 * So one address cannot starve the others, and a newcomer is refused only
 * when every connection is busy.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _PhonesecWebPeers PhonesecWebPeers;

/* Embedded in the owner's connection; fields are the table's. */
typedef struct
{
  gpointer owner;
  char *peer;        /* NULL while out of the table */
  gboolean idle;     /* may give way to a new connection */
  gint64 idle_since; /* monotonic µs */
  GList link;        /* in the table's list */
} PhonesecWebSlot;

PhonesecWebPeers *phonesec_web_peers_new (guint max_per_peer, guint max_total);
void phonesec_web_peers_free (PhonesecWebPeers *self);

/* The peer key of an address: the address itself, or its /64 for IPv6
 * (one host may use any address of its /64). IPv4-mapped IPv6 addresses
 * are IPv4 addresses. */
char *phonesec_web_peers_key (GInetAddress *address);

/* Room for a new connection of @peer. FALSE: refuse it. TRUE: take it;
 * *victim is NULL, or the slot it takes (already out of the table): close
 * that connection. */
gboolean phonesec_web_peers_make_room (PhonesecWebPeers *self, const char *peer,
                                       PhonesecWebSlot **victim);
/* Counts @slot for @peer, idle since @now. */
void phonesec_web_peers_add (PhonesecWebPeers *self, PhonesecWebSlot *slot, const char *peer,
                             gpointer owner, gint64 now);
/* Out of the table (idempotent). */
void phonesec_web_peers_remove (PhonesecWebPeers *self, PhonesecWebSlot *slot);
void phonesec_web_slot_set_idle (PhonesecWebSlot *slot, gboolean idle, gint64 now);

guint phonesec_web_peers_count (PhonesecWebPeers *self, const char *peer);
guint phonesec_web_peers_total (PhonesecWebPeers *self);

G_END_DECLS
