/* phonesec-pac-cache.h: FindProxyForURL answers, keyed on exactly what the
 * script was given (its url and host arguments, see
 * phonesec-pac-script-args.h), so that a cached answer is the one a new
 * evaluation would give: path and query of http:// URLs count, https://
 * URLs of one origin share (the script sees only the origin).
 *
 * Bounded by a number of entries and by memory (keys and answers, with the
 * cache's own bookkeeping); the least recently used entries go first, and
 * an entry too big for a quarter of the budget is not kept.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _PhonesecPacCache PhonesecPacCache;

PhonesecPacCache *phonesec_pac_cache_new (guint max_entries, gsize max_bytes);
void phonesec_pac_cache_free (PhonesecPacCache *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecPacCache, phonesec_pac_cache_free)

/**
 * phonesec_pac_cache_lookup:
 * @url: the script's url argument
 * @host: the script's host argument
 * @now: g_get_monotonic_time()
 *
 * Returns: (nullable) (transfer none): the answer, valid until the cache
 *   changes; %NULL when none is cached or it expired (then it is dropped).
 */
const char *phonesec_pac_cache_lookup (PhonesecPacCache *self, const char *url, const char *host,
                                       gint64 now);

/* Keeps @answer for (@url, @host) until @expires (monotonic µs), replacing
 * an older one, and drops the least recently used entries over the bounds. */
void phonesec_pac_cache_insert (PhonesecPacCache *self, const char *url, const char *host,
                                const char *answer, gint64 expires);

void phonesec_pac_cache_clear (PhonesecPacCache *self);

guint phonesec_pac_cache_get_n_entries (PhonesecPacCache *self);
/* The memory the entries use, as counted against max_bytes. */
gsize phonesec_pac_cache_get_n_bytes (PhonesecPacCache *self);

G_END_DECLS
