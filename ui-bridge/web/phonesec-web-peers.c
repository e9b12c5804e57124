/* phonesec-web-peers.c: connection slots per peer.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-web-peers.h"

#include <string.h>

struct _PhonesecWebPeers
{
  guint max_per_peer;
  guint max_total;
  GHashTable *counts; /* peer → count of its slots (GUINT_TO_POINTER) */
  GQueue slots;       /* every counted slot */
};

PhonesecWebPeers *
phonesec_web_peers_new (guint max_per_peer, guint max_total)
{
  PhonesecWebPeers *self = g_new0 (PhonesecWebPeers, 1);

  self->max_per_peer = max_per_peer;
  self->max_total = max_total;
  self->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_queue_init (&self->slots);
  return self;
}

void
phonesec_web_peers_free (PhonesecWebPeers *self)
{
  if (self == NULL)
    return;
  while (self->slots.head != NULL)
    phonesec_web_peers_remove (self, self->slots.head->data);
  g_hash_table_unref (self->counts);
  g_free (self);
}

char *
phonesec_web_peers_key (GInetAddress *address)
{
  const guint8 *bytes = g_inet_address_to_bytes (address);
  static const guint8 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
  g_autoptr (GInetAddress) part = NULL;
  guint8 prefix[16] = { 0 };
  g_autofree char *text = NULL;

  if (g_inet_address_get_family (address) != G_SOCKET_FAMILY_IPV6)
    return g_inet_address_to_string (address);
  /* A dual-stack socket shows IPv4 peers as ::ffff:a.b.c.d. */
  if (memcmp (bytes, mapped, sizeof mapped) == 0)
    {
      part = g_inet_address_new_from_bytes (bytes + 12, G_SOCKET_FAMILY_IPV4);
      return g_inet_address_to_string (part);
    }
  memcpy (prefix, bytes, 8);
  part = g_inet_address_new_from_bytes (prefix, G_SOCKET_FAMILY_IPV6);
  text = g_inet_address_to_string (part);
  return g_strconcat (text, "/64", NULL);
}

guint
phonesec_web_peers_count (PhonesecWebPeers *self, const char *peer)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, peer));
}

guint
phonesec_web_peers_total (PhonesecWebPeers *self)
{
  return self->slots.length;
}

/* The idle slot that gives way: of @peer only, or (NULL) of the peer that
 * holds the most; the one idle the longest. */
static PhonesecWebSlot *
choose_victim (PhonesecWebPeers *self, const char *peer)
{
  PhonesecWebSlot *victim = NULL;
  guint victim_count = 0;

  for (GList *l = self->slots.head; l != NULL; l = l->next)
    {
      PhonesecWebSlot *slot = l->data;
      guint count;

      if (!slot->idle || (peer != NULL && strcmp (slot->peer, peer) != 0))
        continue;
      count = phonesec_web_peers_count (self, slot->peer);
      if (victim == NULL || count > victim_count
          || (count == victim_count && slot->idle_since < victim->idle_since))
        {
          victim = slot;
          victim_count = count;
        }
    }
  return victim;
}

gboolean
phonesec_web_peers_make_room (PhonesecWebPeers *self, const char *peer, PhonesecWebSlot **victim)
{
  *victim = NULL;
  if (phonesec_web_peers_count (self, peer) >= self->max_per_peer)
    *victim = choose_victim (self, peer);
  else if (self->slots.length >= self->max_total)
    *victim = choose_victim (self, NULL);
  else
    return TRUE;
  if (*victim == NULL)
    return FALSE;
  phonesec_web_peers_remove (self, *victim);
  return TRUE;
}

void
phonesec_web_peers_add (PhonesecWebPeers *self, PhonesecWebSlot *slot, const char *peer,
                        gpointer owner, gint64 now)
{
  g_return_if_fail (slot->peer == NULL);
  slot->owner = owner;
  slot->peer = g_strdup (peer);
  slot->idle = TRUE;
  slot->idle_since = now;
  slot->link.data = slot;
  g_queue_push_tail_link (&self->slots, &slot->link);
  g_hash_table_replace (self->counts, g_strdup (peer),
                        GUINT_TO_POINTER (phonesec_web_peers_count (self, peer) + 1));
}

void
phonesec_web_peers_remove (PhonesecWebPeers *self, PhonesecWebSlot *slot)
{
  guint count;

  if (slot->peer == NULL)
    return;
  g_queue_unlink (&self->slots, &slot->link);
  count = phonesec_web_peers_count (self, slot->peer);
  if (count <= 1)
    g_hash_table_remove (self->counts, slot->peer);
  else
    g_hash_table_replace (self->counts, g_strdup (slot->peer), GUINT_TO_POINTER (count - 1));
  g_clear_pointer (&slot->peer, g_free);
}

void
phonesec_web_slot_set_idle (PhonesecWebSlot *slot, gboolean idle, gint64 now)
{
  slot->idle = idle;
  if (idle)
    slot->idle_since = now;
}
