/* test-pac-cache.c: the PAC result cache's key (what the script is given
 * for a caller's URL) and its bounds.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gio/gio.h>

#include "phonesec-pac-cache.h"
#include "phonesec-pac-script-args.h"

#define FOREVER G_MAXINT64

/* What the runner hands the script (and the cache) for @url. */
static void
args_for (const char *url, char **script_url, char **host)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (phonesec_pac_script_args (url, script_url, host, &error));
  g_assert_no_error (error);
}

static void
insert_for (PhonesecPacCache *cache, const char *url, const char *answer)
{
  g_autofree char *script_url = NULL;
  g_autofree char *host = NULL;

  args_for (url, &script_url, &host);
  phonesec_pac_cache_insert (cache, script_url, host, answer, FOREVER);
}

static const char *
lookup_for (PhonesecPacCache *cache, const char *url)
{
  g_autofree char *script_url = NULL;
  g_autofree char *host = NULL;

  args_for (url, &script_url, &host);
  return phonesec_pac_cache_lookup (cache, script_url, host, 0);
}

/* Two URLs share an entry exactly when the script is given the same url
 * and host for both. */
static void
test_key (void)
{
  static const struct
  {
    const char *a;
    const char *b;
    gboolean shared;
  } cases[] = {
    /* http: the script sees path and query. */
    { "http://a.example/secure/x", "http://a.example/public/x", FALSE },
    { "http://a.example/p", "http://a.example/p?ads=1", FALSE },
    { "http://a.example/p?q=1", "http://a.example/p?q=2", FALSE },
    { "http://a.example/p", "http://a.example/p", TRUE },
    { "http://a.example/", "http://a.example:8080/", FALSE },
    { "http://a.example/", "ftp://a.example/", FALSE },
    /* Never given to the script: user information and fragment. */
    { "http://a.example/p#top", "http://a.example/p#bottom", TRUE },
    { "http://user:pw@a.example/p", "http://a.example/p", TRUE },
    /* https and wss: the origin only. */
    { "https://a.example/secure/x", "https://a.example/public/y?z=1", TRUE },
    { "https://a.example/", "https://a.example/x", TRUE },
    { "https://user:pw@a.example/x#f", "https://a.example/", TRUE },
    { "wss://a.example/chat?id=1", "wss://a.example/other", TRUE },
    { "https://a.example/", "https://a.example:8443/", FALSE },
    { "https://a.example/", "https://b.example/", FALSE },
    { "https://a.example/", "http://a.example/", FALSE },
    { "https://a.example/", "wss://a.example/", FALSE },
    /* The url argument is the caller's spelling: another string, another
     * answer for a script that looks at it. */
    { "http://A.example/p", "http://a.example/p", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (PhonesecPacCache) cache = phonesec_pac_cache_new (16, 64 * 1024);
      const char *got;

      insert_for (cache, cases[i].a, "PROXY a.example:1");
      got = lookup_for (cache, cases[i].b);
      g_test_message ("%s / %s: %s", cases[i].a, cases[i].b, got != NULL ? "shared" : "apart");
      if (cases[i].shared)
        g_assert_cmpstr (got, ==, "PROXY a.example:1");
      else
        g_assert_null (got);
    }
}

static char *
numbered_url (guint i)
{
  return g_strdup_printf ("http://h.example/page-%u", i);
}

/* Over the entry bound, the least recently used entry goes. */
static void
test_entries_bound (void)
{
  g_autoptr (PhonesecPacCache) cache = phonesec_pac_cache_new (3, 1024 * 1024);

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *url = numbered_url (i);
      insert_for (cache, url, "DIRECT");
    }
  /* page-0 used again: page-1 is now the oldest. */
  g_assert_cmpstr (lookup_for (cache, "http://h.example/page-0"), ==, "DIRECT");
  insert_for (cache, "http://h.example/page-3", "DIRECT");
  g_assert_cmpuint (phonesec_pac_cache_get_n_entries (cache), ==, 3);
  g_assert_null (lookup_for (cache, "http://h.example/page-1"));
  g_assert_nonnull (lookup_for (cache, "http://h.example/page-0"));
  g_assert_nonnull (lookup_for (cache, "http://h.example/page-2"));
  g_assert_nonnull (lookup_for (cache, "http://h.example/page-3"));
}

/* Distinct URLs without end: the cache stays within both bounds. */
static void
test_distinct_urls_bounded (void)
{
  const gsize max_bytes = 256 * 1024;
  g_autoptr (PhonesecPacCache) cache = phonesec_pac_cache_new (1024, max_bytes);
  g_autoptr (GString) url = g_string_new (NULL);

  for (guint i = 0; i < 100000; i++)
    {
      g_string_printf (url, "http://h%u.example/%u/", i % 97, i);
      /* Some long ones, as ad-blocking URLs are. */
      if (i % 10 == 0)
        for (guint k = 0; k < 400; k++)
          g_string_append (url, "q=1&");
      insert_for (cache, url->str, "PROXY p.example:3128; DIRECT");
      g_assert_cmpuint (phonesec_pac_cache_get_n_entries (cache), <=, 1024);
      g_assert_cmpuint (phonesec_pac_cache_get_n_bytes (cache), <=, max_bytes);
    }
  g_assert_cmpuint (phonesec_pac_cache_get_n_entries (cache), >, 0);
  /* The latest is there. */
  g_assert_nonnull (lookup_for (cache, url->str));
}

/* Over the memory bound, old entries go; one entry bigger than a quarter
 * of the budget is not kept at all (it would push out all the rest). */
static void
test_bytes_bound (void)
{
  g_autoptr (PhonesecPacCache) cache = phonesec_pac_cache_new (1000, 4096);
  g_autoptr (GString) huge = g_string_new ("http://h.example/");
  guint before;

  for (guint i = 0; i < 8; i++)
    {
      g_autofree char *url = numbered_url (i);
      insert_for (cache, url, "DIRECT");
    }
  before = phonesec_pac_cache_get_n_entries (cache);
  while (huge->len < 2000)
    g_string_append_c (huge, 'x');
  insert_for (cache, huge->str, "DIRECT");
  g_assert_null (lookup_for (cache, huge->str));
  g_assert_cmpuint (phonesec_pac_cache_get_n_entries (cache), ==, before);

  for (guint i = 8; i < 200; i++)
    {
      g_autofree char *url = numbered_url (i);
      insert_for (cache, url, "DIRECT");
      g_assert_cmpuint (phonesec_pac_cache_get_n_bytes (cache), <=, 4096);
    }
  g_assert_null (lookup_for (cache, "http://h.example/page-0"));
  g_assert_nonnull (lookup_for (cache, "http://h.example/page-199"));
}

static void
test_expiry_replace_clear (void)
{
  g_autoptr (PhonesecPacCache) cache = phonesec_pac_cache_new (16, 64 * 1024);

  phonesec_pac_cache_insert (cache, "http://a.example/", "a.example", "DIRECT", 100);
  g_assert_cmpstr (phonesec_pac_cache_lookup (cache, "http://a.example/", "a.example", 99), ==,
                   "DIRECT");
  /* Expired: gone, and its memory with it. */
  g_assert_null (phonesec_pac_cache_lookup (cache, "http://a.example/", "a.example", 100));
  g_assert_cmpuint (phonesec_pac_cache_get_n_entries (cache), ==, 0);
  g_assert_cmpuint (phonesec_pac_cache_get_n_bytes (cache), ==, 0);

  phonesec_pac_cache_insert (cache, "http://a.example/", "a.example", "DIRECT", 100);
  phonesec_pac_cache_insert (cache, "http://a.example/", "a.example", "PROXY b.example:1", 200);
  g_assert_cmpuint (phonesec_pac_cache_get_n_entries (cache), ==, 1);
  g_assert_cmpstr (phonesec_pac_cache_lookup (cache, "http://a.example/", "a.example", 150), ==,
                   "PROXY b.example:1");
  /* Same url, other host: what the script is given differs. */
  g_assert_null (phonesec_pac_cache_lookup (cache, "http://a.example/", "b.example", 150));

  phonesec_pac_cache_clear (cache);
  g_assert_cmpuint (phonesec_pac_cache_get_n_entries (cache), ==, 0);
  g_assert_cmpuint (phonesec_pac_cache_get_n_bytes (cache), ==, 0);
  g_assert_null (phonesec_pac_cache_lookup (cache, "http://a.example/", "a.example", 150));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pac-cache/key", test_key);
  g_test_add_func ("/pac-cache/entries-bound", test_entries_bound);
  g_test_add_func ("/pac-cache/bytes-bound", test_bytes_bound);
  g_test_add_func ("/pac-cache/distinct-urls-bounded", test_distinct_urls_bounded);
  g_test_add_func ("/pac-cache/expiry-replace-clear", test_expiry_replace_clear);
  return g_test_run ();
}
