/* test-web-units.c: phonesec-web's pure parts: the .mo reader (good and
 * malformed catalogues), password hashes, login throttling, tokens.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "phonesec-web-accounts.h"
#include "phonesec-web-mo.h"
#include "phonesec-web-peers.h"
#include "phonesec-web-sessions.h"
#include "phonesec-web-throttle.h"

/* Builds a little-endian .mo image of @n pairs. */
static GByteArray *
build_mo (const char *const *ids, const char *const *strs, guint n)
{
  GByteArray *mo = g_byte_array_new ();
  guint32 header[7] = { 0x950412de, 0, n, 28, 28 + 8 * n, 0, 0 };
  guint32 offset = 28 + 16 * n;
  GString *pool = g_string_new (NULL);

  g_byte_array_append (mo, (const guint8 *) header, sizeof header);
  for (int table = 0; table < 2; table++)
    for (guint i = 0; i < n; i++)
      {
        const char *s = table == 0 ? ids[i] : strs[i];
        guint32 entry[2] = { (guint32) strlen (s), offset + (guint32) pool->len };

        g_byte_array_append (mo, (const guint8 *) entry, sizeof entry);
        g_string_append_len (pool, s, strlen (s) + 1);
      }
  g_byte_array_append (mo, (const guint8 *) pool->str, pool->len);
  g_string_free (pool, TRUE);
  return mo;
}

static void
test_mo_good (void)
{
  const char *ids[] = { "", "Proxy Mode", "Untranslated" };
  const char *strs[] = { "Content-Type: text/plain; charset=UTF-8\n", "Mode proxy", "" };
  g_autoptr (GByteArray) mo = build_mo (ids, strs, 3);
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecWebMo) cat = phonesec_web_mo_new_from_data (mo->data, mo->len, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (phonesec_web_mo_count (cat), ==, 1);
  g_assert_cmpstr (phonesec_web_mo_lookup (cat, "Proxy Mode"), ==, "Mode proxy");
  g_assert_cmpstr (phonesec_web_mo_lookup (cat, "Untranslated"), ==, "Untranslated");
  g_assert_cmpstr (phonesec_web_mo_lookup (cat, "Other"), ==, "Other");
  g_assert_cmpstr (phonesec_web_mo_lookup (NULL, "Other"), ==, "Other");
}

static void
test_mo_byte_swapped (void)
{
  const char *ids[] = { "Yes" };
  const char *strs[] = { "Oui" };
  g_autoptr (GByteArray) mo = build_mo (ids, strs, 1);
  g_autoptr (PhonesecWebMo) cat = NULL;

  for (guint i = 0; i < 7; i++)
    {
      guint32 v;
      memcpy (&v, mo->data + 4 * i, 4);
      v = GUINT32_SWAP_LE_BE (v);
      memcpy (mo->data + 4 * i, &v, 4);
    }
  for (guint i = 0; i < 2 * 2; i++)
    {
      guint32 v;
      memcpy (&v, mo->data + 28 + 4 * i, 4);
      v = GUINT32_SWAP_LE_BE (v);
      memcpy (mo->data + 28 + 4 * i, &v, 4);
    }
  cat = phonesec_web_mo_new_from_data (mo->data, mo->len, NULL);
  g_assert_nonnull (cat);
  g_assert_cmpstr (phonesec_web_mo_lookup (cat, "Yes"), ==, "Oui");
}

static void
expect_bad (const guint8 *data, gsize len, const char *what)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecWebMo) cat = phonesec_web_mo_new_from_data (data, len, &error);

  g_assert_null (cat);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL);
  g_assert_nonnull (strstr (error->message, what));
}

static void
test_mo_bad (void)
{
  const char *ids[] = { "Yes" };
  const char *strs[] = { "Oui" };
  g_autoptr (GByteArray) mo = build_mo (ids, strs, 1);
  g_autoptr (GByteArray) copy = NULL;
  guint32 v;

  expect_bad ((const guint8 *) "", 0, "too short");
  expect_bad (mo->data, 27, "too short");
  /* Truncated: the strings are cut off. */
  expect_bad (mo->data, mo->len - 2, "outside the file");

  copy = g_byte_array_sized_new (mo->len);
  g_byte_array_append (copy, mo->data, mo->len);
  copy->data[0] ^= 0xff;
  expect_bad (copy->data, copy->len, "bad magic");

  g_byte_array_set_size (copy, 0);
  g_byte_array_append (copy, mo->data, mo->len);
  v = 0x7fffffff; /* a huge offset of the msgid table */
  memcpy (copy->data + 12, &v, 4);
  expect_bad (copy->data, copy->len, "outside the file");

  g_byte_array_set_size (copy, 0);
  g_byte_array_append (copy, mo->data, mo->len);
  v = 0xfffffff0; /* a length that wraps */
  memcpy (copy->data + 28, &v, 4);
  expect_bad (copy->data, copy->len, "outside the file");

  g_byte_array_set_size (copy, 0);
  g_byte_array_append (copy, mo->data, mo->len);
  copy->data[copy->len - 1] = 'x'; /* "Oui" loses its NUL */
  expect_bad (copy->data, copy->len, "not terminated");

  g_byte_array_set_size (copy, 0);
  g_byte_array_append (copy, mo->data, mo->len);
  v = 0xffffffff; /* N */
  memcpy (copy->data + 8, &v, 4);
  expect_bad (copy->data, copy->len, "too many");

  g_byte_array_set_size (copy, 0);
  g_byte_array_append (copy, mo->data, mo->len);
  v = 2u << 16; /* major revision 2 */
  memcpy (copy->data + 4, &v, 4);
  expect_bad (copy->data, copy->len, "revision");

  {
    const char *bad_ids[] = { "Yes" };
    const char *bad_strs[] = { "O\xff" };
    g_autoptr (GByteArray) bad = build_mo (bad_ids, bad_strs, 1);
    expect_bad (bad->data, bad->len, "UTF-8");
  }
}

/* The catalogue the build makes: the schema's labels in French. */
static void
test_mo_real_catalogue (void)
{
  const char *dir = g_getenv ("PHONESEC_LOCALEDIR");
  g_autofree char *path = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecWebMo) cat = NULL;

  g_assert_nonnull (dir);
  path = g_build_filename (dir, "fr", "LC_MESSAGES", "phonesec.mo", NULL);
  cat = phonesec_web_mo_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (phonesec_web_mo_lookup (cat, "Proxy Mode"), ==, "Mode proxy");
  g_assert_cmpstr (phonesec_web_mo_lookup (cat, "Submit All Changes"), ==,
                   "Envoyer toutes les modifications");
  g_assert_null (phonesec_web_mo_new_from_file ("/nonexistent/phonesec.mo", NULL));
}

static void
test_password_hash (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *hash = phonesec_web_hash_password ("correct horse", 1000, &error);
  g_autofree char *again = phonesec_web_hash_password ("correct horse", 1000, NULL);

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (hash, "pbkdf2-sha256$1000$"));
  g_assert_null (strstr (hash, "correct"));
  /* Salted: two hashes of one password differ. */
  g_assert_cmpstr (hash, !=, again);
  g_assert_true (phonesec_web_verify_password (hash, "correct horse"));
  g_assert_true (phonesec_web_verify_password (again, "correct horse"));
  g_assert_false (phonesec_web_verify_password (hash, "correct horsf"));
  g_assert_false (phonesec_web_verify_password (hash, ""));
  /* Malformed stored hashes never verify. */
  g_assert_false (phonesec_web_verify_password (NULL, "x"));
  g_assert_false (phonesec_web_verify_password ("", ""));
  g_assert_false (phonesec_web_verify_password ("pbkdf2-sha256$10$AAAAAAAAAAA=$AAAA", "x"));
  g_assert_false (phonesec_web_verify_password ("md5$1000$AAAAAAAAAAAAAAAA$AAAA", "x"));
  g_assert_false (phonesec_web_verify_password ("pbkdf2-sha256$1000$$", ""));
  g_assert_false (
      phonesec_web_verify_password ("pbkdf2-sha256$99999999999$AAAAAAAAAAA=$AAAA", "x"));
}

static void
test_accounts_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("phonesec-web-XXXXXX", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GKeyFile) file = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *path = g_build_filename (dir, "accounts", NULL);
  GStatBuf st;

  g_assert_false (phonesec_web_accounts_set_password (dir, PHONESEC_WEB_ROLE_ADMIN, "abc", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (phonesec_web_accounts_set_password (dir, PHONESEC_WEB_ROLE_NONE, "abcdef", NULL));
  g_assert_true (
      phonesec_web_accounts_set_password (dir, PHONESEC_WEB_ROLE_ADMIN, "s3cret-pass", &error));
  g_assert_no_error (error);
  /* Loading creates the missing user account and keeps the admin's. */
  file = phonesec_web_accounts_load (dir, &error);
  g_assert_no_error (error);
  hash = g_key_file_get_string (file, "admin", "hash", NULL);
  g_assert_true (phonesec_web_verify_password (hash, "s3cret-pass"));
  g_assert_true (g_key_file_has_key (file, "user", "hash", NULL));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  {
    g_autofree char *text = NULL;
    g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
    g_assert_null (strstr (text, "s3cret-pass"));
  }
  g_unlink (path);
  g_rmdir (dir);
}

#define S (G_USEC_PER_SEC)
#define GO PHONESEC_WEB_THROTTLE_GO
#define WAIT PHONESEC_WEB_THROTTLE_WAIT
#define REFUSE PHONESEC_WEB_THROTTLE_REFUSE
#define ADMIN PHONESEC_WEB_ROLE_ADMIN
#define USER PHONESEC_WEB_ROLE_USER
#define NONE PHONESEC_WEB_ROLE_NONE

static guint last_retry;

static PhonesecWebThrottleVerdict
begin (PhonesecWebThrottle *t, const char *client, PhonesecWebRole role, gint64 now)
{
  return phonesec_web_throttle_begin (t, client, role, now, &last_retry);
}

/* An attempt that is let in, and whose password is wrong. */
static void
fail (PhonesecWebThrottle *t, const char *client, PhonesecWebRole role, gint64 now)
{
  g_assert_cmpint (begin (t, client, role, now), ==, GO);
  phonesec_web_throttle_end (t, client, role, FALSE, now);
}

/* Attempts in progress are counted when they begin: of attempts sent at
 * once, three go, the others wait for them; past the failures, each
 * attempt waits 1, 2, 4... s after the last one; a refused attempt counts
 * nothing. */
static void
test_throttle_counts_at_begin (void)
{
  PhonesecWebThrottle *t = phonesec_web_throttle_new ();
  gint64 now = 1000 * S;

  for (int i = 0; i < 3; i++)
    g_assert_cmpint (begin (t, "10.0.0.1", ADMIN, now), ==, GO);
  g_assert_cmpint (begin (t, "10.0.0.1", ADMIN, now), ==, WAIT);
  g_assert_cmpint (begin (t, "10.0.0.1", NONE, now), ==, WAIT);
  for (int i = 0; i < 3; i++)
    phonesec_web_throttle_end (t, "10.0.0.1", ADMIN, FALSE, now);
  for (int i = 0; i < 20; i++)
    {
      g_assert_cmpint (begin (t, "10.0.0.1", NONE, now), ==, REFUSE);
      g_assert_cmpuint (last_retry, ==, 1);
    }
  /* Past the delay, one at a time; the next delay runs from when the
   * failure is known (its hash took 0.5 s). */
  g_assert_cmpint (begin (t, "10.0.0.1", NONE, now + S), ==, GO);
  g_assert_cmpint (begin (t, "10.0.0.1", NONE, now + S), ==, WAIT);
  phonesec_web_throttle_end (t, "10.0.0.1", NONE, FALSE, now + 3 * S / 2);
  g_assert_cmpint (begin (t, "10.0.0.1", NONE, now + 2 * S), ==, REFUSE);
  g_assert_cmpuint (last_retry, ==, 2);
  for (int i = 0; i < 20; i++)
    {
      now += 300 * S;
      fail (t, "10.0.0.1", NONE, now);
    }
  g_assert_cmpint (begin (t, "10.0.0.1", NONE, now), ==, REFUSE);
  g_assert_cmpuint (last_retry, ==, 300);
  /* Forgotten after an hour without failures. */
  now += (gint64) PHONESEC_WEB_THROTTLE_FORGET_S * S + 1;
  for (int i = 0; i < 3; i++)
    fail (t, "10.0.0.1", NONE, now);
  phonesec_web_throttle_free (t);
}

static void
test_throttle_per_account (void)
{
  PhonesecWebThrottle *t = phonesec_web_throttle_new ();
  gint64 now = 1000 * S;

  /* Attempts on one account from many addresses: three go at once. */
  for (int i = 1; i <= 3; i++)
    {
      g_autofree char *client = g_strdup_printf ("10.0.1.%d", i);
      g_assert_cmpint (begin (t, client, ADMIN, now), ==, GO);
    }
  g_assert_cmpint (begin (t, "10.0.1.4", ADMIN, now), ==, WAIT);
  for (int i = 1; i <= 3; i++)
    {
      g_autofree char *client = g_strdup_printf ("10.0.1.%d", i);
      phonesec_web_throttle_end (t, client, ADMIN, FALSE, now);
    }
  /* A fourth address guessing the admin's password waits... */
  g_assert_cmpint (begin (t, "10.0.1.4", ADMIN, now), ==, REFUSE);
  /* ...not for the other account, nor for names that are no account. */
  g_assert_cmpint (begin (t, "10.0.1.4", USER, now), ==, GO);
  phonesec_web_throttle_end (t, "10.0.1.4", USER, TRUE, now);
  for (int i = 0; i < 3; i++)
    fail (t, "10.0.1.5", NONE, now);
  g_assert_cmpint (begin (t, "10.0.1.5", NONE, now), ==, REFUSE);
  /* The admin logging in frees the admin account. */
  g_assert_cmpint (begin (t, "10.0.1.6", ADMIN, now + S), ==, GO);
  phonesec_web_throttle_end (t, "10.0.1.6", ADMIN, TRUE, now + S);
  for (int i = 0; i < 3; i++)
    fail (t, "10.0.1.7", ADMIN, now + S);
  phonesec_web_throttle_free (t);
}

/* A success on one account from an address keeps that address's earlier
 * failures; right passwords sent at once all get in, a few at a time. */
static void
test_throttle_success_keeps_the_address (void)
{
  PhonesecWebThrottle *t = phonesec_web_throttle_new ();
  gint64 now = 1000 * S;
  guint in = 0, waiting = 10;

  for (int i = 0; i < 3; i++)
    fail (t, "10.0.2.1", ADMIN, now);
  now += 2 * S;
  g_assert_cmpint (begin (t, "10.0.2.1", USER, now), ==, GO);
  phonesec_web_throttle_end (t, "10.0.2.1", USER, TRUE, now);
  fail (t, "10.0.2.1", ADMIN, now);
  g_assert_cmpint (begin (t, "10.0.2.1", ADMIN, now), ==, REFUSE);
  g_assert_cmpuint (last_retry, ==, 2);

  while (waiting > 0)
    {
      guint started = 0;

      for (guint i = 0; i < waiting; i++)
        if (begin (t, "10.0.2.2", USER, now) == GO)
          started++;
      g_assert_cmpuint (started, ==, MIN (waiting, 3));
      for (guint i = 0; i < started; i++)
        phonesec_web_throttle_end (t, "10.0.2.2", USER, TRUE, now);
      in += started;
      waiting -= started;
    }
  g_assert_cmpuint (in, ==, 10);
  phonesec_web_throttle_free (t);
}

/* A full table forgets the least recently seen address, one at a time. */
static void
test_throttle_forgets_one_at_a_time (void)
{
  PhonesecWebThrottle *t = phonesec_web_throttle_new ();
  gint64 now = 1000 * S;

  for (int i = 0; i < 3; i++)
    {
      fail (t, "10.1.0.1", NONE, now);
      fail (t, "10.1.0.2", NONE, now);
    }
  for (int i = 0; i < PHONESEC_WEB_THROTTLE_MAX_ADDRESSES - 2; i++)
    {
      g_autofree char *client = g_strdup_printf ("10.2.%d.%d", i / 256, i % 256);

      /* 10.1.0.2 keeps trying (and waiting): it stays recent. */
      if (i == 100)
        g_assert_cmpint (begin (t, "10.1.0.2", NONE, now), ==, REFUSE);
      fail (t, client, NONE, now);
    }
  /* Full: both still known. */
  g_assert_cmpint (begin (t, "10.1.0.1", NONE, now), ==, REFUSE);
  g_assert_cmpint (begin (t, "10.1.0.2", NONE, now), ==, REFUSE);
  /* Past the bound: only the least recently seen goes each time. */
  for (int i = 0; i < 10; i++)
    {
      g_autofree char *client = g_strdup_printf ("10.3.0.%d", i);
      fail (t, client, NONE, now);
    }
  g_assert_cmpint (begin (t, "10.1.0.1", NONE, now), ==, REFUSE);
  g_assert_cmpint (begin (t, "10.1.0.2", NONE, now), ==, REFUSE);
  /* 10.2.0.0 (one failure) was forgotten: three attempts go at once again. */
  for (int i = 0; i < 3; i++)
    g_assert_cmpint (begin (t, "10.2.0.0", NONE, now), ==, GO);
  phonesec_web_throttle_free (t);
}

static void
test_tokens_and_sessions (void)
{
  g_autofree char *a = phonesec_web_random_token ();
  g_autofree char *b = phonesec_web_random_token ();
  PhonesecWebSessions *sessions = phonesec_web_sessions_new ();
  PhonesecWebSession *s;
  g_autofree char *id = NULL;

  g_assert_cmpuint (strlen (a), ==, 64);
  g_assert_cmpstr (a, !=, b);
  g_assert_true (phonesec_web_token_equal (a, a));
  g_assert_false (phonesec_web_token_equal (a, b));
  g_assert_false (phonesec_web_token_equal (a, NULL));
  g_assert_false (phonesec_web_token_equal ("", ""));
  g_assert_false (phonesec_web_token_equal (a, "ab"));

  s = phonesec_web_sessions_create (sessions, PHONESEC_WEB_ROLE_USER);
  id = g_strdup (s->id);
  g_assert_true (phonesec_web_sessions_lookup (sessions, id) == s);
  g_assert_null (phonesec_web_sessions_lookup (sessions, "nope"));
  g_assert_null (phonesec_web_sessions_lookup (sessions, NULL));
  /* Bounded per account: the other account's logins leave it be... */
  for (int i = 0; i < 3 * PHONESEC_WEB_MAX_SESSIONS_PER_ACCOUNT; i++)
    phonesec_web_sessions_create (sessions, PHONESEC_WEB_ROLE_ADMIN);
  g_assert_true (phonesec_web_sessions_lookup (sessions, id) == s);
  /* ...its own evict its least recently used session. */
  g_usleep (2000);
  for (int i = 0; i < PHONESEC_WEB_MAX_SESSIONS_PER_ACCOUNT; i++)
    phonesec_web_sessions_create (sessions, PHONESEC_WEB_ROLE_USER);
  g_assert_null (phonesec_web_sessions_lookup (sessions, id));
  phonesec_web_sessions_free (sessions);
}

static void
test_peers_key (void)
{
  const char *cases[][2] = {
    { "192.0.2.7", "192.0.2.7" },
    { "::ffff:192.0.2.7", "192.0.2.7" },
    { "2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64" },
    { "2001:db8:1:2::ffff", "2001:db8:1:2::/64" },
    { "::1", "::/64" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GInetAddress) address = g_inet_address_new_from_string (cases[i][0]);
      g_autofree char *key = phonesec_web_peers_key (address);

      g_assert_cmpstr (key, ==, cases[i][1]);
    }
}

/* A peer at its limit gives up its own longest idle slot; a busy peer
 * at its limit is refused. */
static void
test_peers_per_peer_limit (void)
{
  PhonesecWebPeers *peers = phonesec_web_peers_new (3, 100);
  PhonesecWebSlot slots[5] = { 0 };
  PhonesecWebSlot *victim = NULL;

  for (int i = 0; i < 3; i++)
    {
      g_assert_true (phonesec_web_peers_make_room (peers, "a", &victim));
      g_assert_null (victim);
      phonesec_web_peers_add (peers, &slots[i], "a", &slots[i], 10 + i);
    }
  phonesec_web_slot_set_idle (&slots[0], FALSE, 0);
  g_assert_true (phonesec_web_peers_make_room (peers, "a", &victim));
  g_assert_true (victim == &slots[1]);
  g_assert_null (slots[1].peer);
  phonesec_web_peers_add (peers, &slots[3], "a", &slots[3], 20);
  g_assert_cmpuint (phonesec_web_peers_count (peers, "a"), ==, 3);
  /* Another peer is not concerned. */
  g_assert_true (phonesec_web_peers_make_room (peers, "b", &victim));
  g_assert_null (victim);
  phonesec_web_slot_set_idle (&slots[2], FALSE, 0);
  phonesec_web_slot_set_idle (&slots[3], FALSE, 0);
  g_assert_false (phonesec_web_peers_make_room (peers, "a", &victim));
  g_assert_null (victim);
  phonesec_web_peers_remove (peers, &slots[2]);
  phonesec_web_peers_remove (peers, &slots[2]);
  g_assert_cmpuint (phonesec_web_peers_count (peers, "a"), ==, 2);
  g_assert_cmpuint (phonesec_web_peers_total (peers), ==, 2);
  phonesec_web_peers_free (peers);
}

/* A full server takes the slot of the peer that holds the most. */
static void
test_peers_total_limit (void)
{
  PhonesecWebPeers *peers = phonesec_web_peers_new (10, 6);
  PhonesecWebSlot slots[8] = { 0 };
  const char *owners[] = { "a", "b", "b", "b", "c", "c" };
  PhonesecWebSlot *victim = NULL;

  for (int i = 0; i < 6; i++)
    {
      g_assert_true (phonesec_web_peers_make_room (peers, owners[i], &victim));
      phonesec_web_peers_add (peers, &slots[i], owners[i], &slots[i], 100 + i);
    }
  /* "b" holds the most; its longest idle slot is the first added. */
  g_assert_true (phonesec_web_peers_make_room (peers, "d", &victim));
  g_assert_true (victim == &slots[1]);
  phonesec_web_peers_add (peers, &slots[6], "d", &slots[6], 200);
  /* "b" and "c" hold two each: the longest idle of them. */
  g_assert_true (phonesec_web_peers_make_room (peers, "e", &victim));
  g_assert_true (victim == &slots[2]);
  phonesec_web_peers_add (peers, &slots[7], "e", &slots[7], 200);
  g_assert_cmpuint (phonesec_web_peers_total (peers), ==, 6);
  /* Nothing idle: refused. */
  for (int i = 0; i < 8; i++)
    phonesec_web_slot_set_idle (&slots[i], FALSE, 0);
  g_assert_false (phonesec_web_peers_make_room (peers, "f", &victim));
  phonesec_web_peers_free (peers);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/web/mo/good", test_mo_good);
  g_test_add_func ("/web/mo/byte-swapped", test_mo_byte_swapped);
  g_test_add_func ("/web/mo/bad", test_mo_bad);
  g_test_add_func ("/web/mo/real-catalogue", test_mo_real_catalogue);
  g_test_add_func ("/web/accounts/hash", test_password_hash);
  g_test_add_func ("/web/accounts/file", test_accounts_file);
  g_test_add_func ("/web/throttle/counts-at-begin", test_throttle_counts_at_begin);
  g_test_add_func ("/web/throttle/per-account", test_throttle_per_account);
  g_test_add_func ("/web/throttle/success-keeps-the-address",
                   test_throttle_success_keeps_the_address);
  g_test_add_func ("/web/throttle/forgets-one-at-a-time", test_throttle_forgets_one_at_a_time);
  g_test_add_func ("/web/sessions", test_tokens_and_sessions);
  g_test_add_func ("/web/peers/key", test_peers_key);
  g_test_add_func ("/web/peers/per-peer-limit", test_peers_per_peer_limit);
  g_test_add_func ("/web/peers/total-limit", test_peers_total_limit);
  return g_test_run ();
}
