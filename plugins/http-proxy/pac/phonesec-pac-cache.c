/* phonesec-pac-cache.c: a bounded LRU cache of FindProxyForURL answers.
 *
 * A hash table finds an entry by its key; a queue keeps the entries from
 * the most to the least recently used, each entry holding its own link, so
 * that a hit, an insertion and an eviction are O(1).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-pac-cache.h"

#include <string.h>

typedef struct
{
  char *key; /* host '\n' url: a host never holds a '\n' */
  char *answer;
  gint64 expires;
  gsize bytes;
  GList link; /* in PhonesecPacCache.lru */
} Entry;

struct _PhonesecPacCache
{
  guint max_entries;
  gsize max_bytes;
  gsize bytes;
  GHashTable *entries; /* key → Entry (owned) */
  GQueue lru;          /* of Entry, most recently used first */
  GString *scratch;    /* a lookup's key: no allocation per hit */
};

/* What an entry costs besides its strings: itself and the hash table's
 * cells for it (key, value, hash; with room to spare). */
#define ENTRY_OVERHEAD (sizeof (Entry) + 4 * sizeof (gpointer))

static const char *
make_key (PhonesecPacCache *self, const char *url, const char *host)
{
  g_string_assign (self->scratch, host);
  g_string_append_c (self->scratch, '\n');
  g_string_append (self->scratch, url);
  return self->scratch->str;
}

static void
entry_free (Entry *e)
{
  g_free (e->key);
  g_free (e->answer);
  g_free (e);
}

PhonesecPacCache *
phonesec_pac_cache_new (guint max_entries, gsize max_bytes)
{
  PhonesecPacCache *self = g_new0 (PhonesecPacCache, 1);

  self->max_entries = max_entries;
  self->max_bytes = max_bytes;
  self->entries = g_hash_table_new (g_str_hash, g_str_equal);
  g_queue_init (&self->lru);
  self->scratch = g_string_new (NULL);
  return self;
}

static void
drop (PhonesecPacCache *self, Entry *e)
{
  g_hash_table_remove (self->entries, e->key);
  g_queue_unlink (&self->lru, &e->link);
  self->bytes -= e->bytes;
  entry_free (e);
}

void
phonesec_pac_cache_clear (PhonesecPacCache *self)
{
  g_return_if_fail (self != NULL);
  while (self->lru.tail != NULL)
    drop (self, self->lru.tail->data);
}

void
phonesec_pac_cache_free (PhonesecPacCache *self)
{
  if (self == NULL)
    return;
  phonesec_pac_cache_clear (self);
  g_hash_table_unref (self->entries);
  g_string_free (self->scratch, TRUE);
  g_free (self);
}

const char *
phonesec_pac_cache_lookup (PhonesecPacCache *self, const char *url, const char *host, gint64 now)
{
  Entry *e;

  g_return_val_if_fail (self != NULL && url != NULL && host != NULL, NULL);
  e = g_hash_table_lookup (self->entries, make_key (self, url, host));
  if (e == NULL)
    return NULL;
  if (e->expires <= now)
    {
      drop (self, e);
      return NULL;
    }
  g_queue_unlink (&self->lru, &e->link);
  g_queue_push_head_link (&self->lru, &e->link);
  return e->answer;
}

void
phonesec_pac_cache_insert (PhonesecPacCache *self, const char *url, const char *host,
                           const char *answer, gint64 expires)
{
  Entry *e, *old;

  g_return_if_fail (self != NULL && url != NULL && host != NULL && answer != NULL);
  e = g_new0 (Entry, 1);
  e->key = g_strdup (make_key (self, url, host));
  e->bytes = strlen (e->key) + 1 + strlen (answer) + 1 + ENTRY_OVERHEAD;
  old = g_hash_table_lookup (self->entries, e->key);
  if (old != NULL)
    drop (self, old);
  /* One huge URL would push out everything else. */
  if (self->max_entries == 0 || e->bytes > self->max_bytes / 4)
    {
      entry_free (e);
      return;
    }
  e->answer = g_strdup (answer);
  e->expires = expires;
  e->link.data = e;
  g_hash_table_insert (self->entries, e->key, e);
  g_queue_push_head_link (&self->lru, &e->link);
  self->bytes += e->bytes;
  while (self->lru.length > self->max_entries || self->bytes > self->max_bytes)
    drop (self, self->lru.tail->data);
}

guint
phonesec_pac_cache_get_n_entries (PhonesecPacCache *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->lru.length;
}

gsize
phonesec_pac_cache_get_n_bytes (PhonesecPacCache *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->bytes;
}
