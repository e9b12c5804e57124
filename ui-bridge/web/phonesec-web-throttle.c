/* phonesec-web-throttle.c: login throttling per client address.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-web-throttle.h"

#define THROTTLE_FREE_FAILURES 3
#define THROTTLE_MAX_DELAY_S 300
#define THROTTLE_MAX_CLIENTS 1024

typedef struct
{
  guint failures;
  gint64 not_before; /* monotonic µs */
} ThrottleEntry;

struct _PhonesecWebThrottle
{
  GHashTable *clients; /* address → ThrottleEntry */
};

PhonesecWebThrottle *
phonesec_web_throttle_new (void)
{
  PhonesecWebThrottle *self = g_new0 (PhonesecWebThrottle, 1);

  self->clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return self;
}

void
phonesec_web_throttle_free (PhonesecWebThrottle *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->clients);
  g_free (self);
}

guint
phonesec_web_throttle_check (PhonesecWebThrottle *self, const char *client)
{
  ThrottleEntry *entry = g_hash_table_lookup (self->clients, client);
  gint64 now = g_get_monotonic_time ();

  if (entry == NULL || entry->not_before <= now)
    return 0;
  return (guint) ((entry->not_before - now + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
}

void
phonesec_web_throttle_record (PhonesecWebThrottle *self, const char *client, gboolean success)
{
  ThrottleEntry *entry;
  guint delay;

  if (success)
    {
      g_hash_table_remove (self->clients, client);
      return;
    }
  entry = g_hash_table_lookup (self->clients, client);
  if (entry == NULL)
    {
      /* Bounded memory: a flood of addresses forgets the oldest state
       * wholesale rather than growing; the delays then restart. */
      if (g_hash_table_size (self->clients) >= THROTTLE_MAX_CLIENTS)
        g_hash_table_remove_all (self->clients);
      entry = g_new0 (ThrottleEntry, 1);
      g_hash_table_insert (self->clients, g_strdup (client), entry);
    }
  entry->failures++;
  if (entry->failures < THROTTLE_FREE_FAILURES)
    return;
  delay = entry->failures - THROTTLE_FREE_FAILURES >= 9
              ? THROTTLE_MAX_DELAY_S
              : MIN (1u << (entry->failures - THROTTLE_FREE_FAILURES), THROTTLE_MAX_DELAY_S);
  entry->not_before = g_get_monotonic_time () + (gint64) delay * G_USEC_PER_SEC;
}
