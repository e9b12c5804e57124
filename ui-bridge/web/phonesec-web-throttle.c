/* phonesec-web-throttle.c: login throttling per client address and per
 * account.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-web-throttle.h"

typedef struct
{
  char *address;       /* NULL for an account */
  guint failures;      /* ended wrong, not forgotten */
  guint in_progress;   /* begun, not ended */
  gint64 last_failure; /* monotonic µs */
  GList link;          /* in the addresses' recency queue; data = this entry */
} ThrottleEntry;

struct _PhonesecWebThrottle
{
  GHashTable *addresses; /* address → ThrottleEntry, owned */
  GQueue recency;        /* of the address entries, most recently seen first */
  ThrottleEntry accounts[PHONESEC_WEB_ROLE_USER + 1];
};

static void
entry_free (ThrottleEntry *entry)
{
  g_free (entry->address);
  g_free (entry);
}

PhonesecWebThrottle *
phonesec_web_throttle_new (void)
{
  PhonesecWebThrottle *self = g_new0 (PhonesecWebThrottle, 1);

  self->addresses
      = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) entry_free);
  g_queue_init (&self->recency);
  return self;
}

void
phonesec_web_throttle_free (PhonesecWebThrottle *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->addresses);
  g_free (self);
}

/* Microseconds @entry must still wait at @now (0: none). */
static gint64
remaining (ThrottleEntry *entry, gint64 now)
{
  guint over;
  gint64 delay_s;

  if (entry->failures > 0
      && now - entry->last_failure > (gint64) PHONESEC_WEB_THROTTLE_FORGET_S * G_USEC_PER_SEC)
    entry->failures = 0;
  if (entry->failures < PHONESEC_WEB_THROTTLE_FREE_FAILURES)
    return 0;
  over = entry->failures - PHONESEC_WEB_THROTTLE_FREE_FAILURES;
  delay_s = over >= 9 ? PHONESEC_WEB_THROTTLE_MAX_DELAY_S
                      : MIN ((gint64) 1 << over, PHONESEC_WEB_THROTTLE_MAX_DELAY_S);
  return MAX (0, entry->last_failure + delay_s * G_USEC_PER_SEC - now);
}

static PhonesecWebThrottleVerdict
judge (ThrottleEntry *entry, gint64 now, gint64 *wait)
{
  guint may_fail;

  if (entry == NULL)
    return PHONESEC_WEB_THROTTLE_GO;
  *wait = MAX (*wait, remaining (entry, now));
  if (*wait > 0)
    return PHONESEC_WEB_THROTTLE_REFUSE;
  /* Attempts in progress may all be failures: no more of them than
   * failures still allowed without a delay (one, past them). */
  may_fail = entry->failures < PHONESEC_WEB_THROTTLE_FREE_FAILURES
                 ? PHONESEC_WEB_THROTTLE_FREE_FAILURES - entry->failures
                 : 1;
  return entry->in_progress >= may_fail ? PHONESEC_WEB_THROTTLE_WAIT : PHONESEC_WEB_THROTTLE_GO;
}

static ThrottleEntry *
lookup_address (PhonesecWebThrottle *self, const char *client)
{
  ThrottleEntry *entry = g_hash_table_lookup (self->addresses, client);

  if (entry != NULL)
    {
      /* Seen now: a throttled address that keeps trying stays known. */
      g_queue_unlink (&self->recency, &entry->link);
      g_queue_push_head_link (&self->recency, &entry->link);
    }
  return entry;
}

static ThrottleEntry *
add_address (PhonesecWebThrottle *self, const char *client)
{
  ThrottleEntry *entry;

  /* Bounded memory: the least recently seen address is forgotten, one at
   * a time, never the whole table (a flood of addresses would otherwise
   * free the one being throttled); never one with an attempt in
   * progress. */
  if (g_hash_table_size (self->addresses) >= PHONESEC_WEB_THROTTLE_MAX_ADDRESSES)
    for (GList *l = self->recency.tail; l != NULL; l = l->prev)
      {
        ThrottleEntry *oldest = l->data;

        if (oldest->in_progress > 0)
          continue;
        g_queue_unlink (&self->recency, &oldest->link);
        g_hash_table_remove (self->addresses, oldest->address);
        break;
      }
  entry = g_new0 (ThrottleEntry, 1);
  entry->address = g_strdup (client);
  entry->link.data = entry;
  g_hash_table_insert (self->addresses, entry->address, entry);
  g_queue_push_head_link (&self->recency, &entry->link);
  return entry;
}

static ThrottleEntry *
account_entry (PhonesecWebThrottle *self, PhonesecWebRole account)
{
  /* Only the real accounts: the set of names an attacker may send is
   * unbounded. */
  if (account != PHONESEC_WEB_ROLE_ADMIN && account != PHONESEC_WEB_ROLE_USER)
    return NULL;
  return &self->accounts[account];
}

PhonesecWebThrottleVerdict
phonesec_web_throttle_begin (PhonesecWebThrottle *self, const char *client, PhonesecWebRole account,
                             gint64 now, guint *retry_after)
{
  ThrottleEntry *address = lookup_address (self, client);
  ThrottleEntry *acct = account_entry (self, account);
  gint64 wait = 0;
  PhonesecWebThrottleVerdict by_address = judge (address, now, &wait);
  PhonesecWebThrottleVerdict by_account = judge (acct, now, &wait);

  *retry_after = (guint) ((wait + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
  if (wait > 0)
    return PHONESEC_WEB_THROTTLE_REFUSE;
  if (by_address == PHONESEC_WEB_THROTTLE_WAIT || by_account == PHONESEC_WEB_THROTTLE_WAIT)
    return PHONESEC_WEB_THROTTLE_WAIT;
  /* Counted before the password is looked at: the next attempt, sent
   * while this one's hash is still running, already sees it. */
  if (address == NULL)
    address = add_address (self, client);
  address->in_progress++;
  if (acct != NULL)
    acct->in_progress++;
  return PHONESEC_WEB_THROTTLE_GO;
}

static void
end_attempt (ThrottleEntry *entry, gboolean failed, gint64 now)
{
  if (entry == NULL)
    return;
  if (entry->in_progress > 0)
    entry->in_progress--;
  if (failed)
    {
      entry->failures++;
      entry->last_failure = now;
    }
}

void
phonesec_web_throttle_end (PhonesecWebThrottle *self, const char *client, PhonesecWebRole account,
                           gboolean success, gint64 now)
{
  ThrottleEntry *acct = account_entry (self, account);

  end_attempt (g_hash_table_lookup (self->addresses, client), !success, now);
  end_attempt (acct, !success, now);
  if (success && acct != NULL)
    acct->failures = 0;
}
