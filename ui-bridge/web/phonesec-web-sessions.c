/* phonesec-web-sessions.c: in-memory sessions with an idle timeout.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-web-sessions.h"

#include <string.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

struct _PhonesecWebSessions
{
  GHashTable *by_id; /* id → PhonesecWebSession, owned */
};

static void
session_free (PhonesecWebSession *session)
{
  g_free (session->id);
  g_free (session->csrf);
  g_free (session);
}

char *
phonesec_web_random_token (void)
{
  guint8 bytes[32];
  GString *hex = g_string_sized_new (sizeof bytes * 2);

  if (gnutls_rnd (GNUTLS_RND_KEY, bytes, sizeof bytes) != 0)
    g_error ("no random numbers");
  for (gsize i = 0; i < sizeof bytes; i++)
    g_string_append_printf (hex, "%02x", bytes[i]);
  return g_string_free (hex, FALSE);
}

gboolean
phonesec_web_token_equal (const char *a, const char *b)
{
  gsize len;

  if (a == NULL || b == NULL)
    return FALSE;
  len = strlen (a);
  if (len == 0 || len != strlen (b))
    return FALSE;
  return gnutls_memcmp (a, b, len) == 0;
}

PhonesecWebSessions *
phonesec_web_sessions_new (void)
{
  PhonesecWebSessions *self = g_new0 (PhonesecWebSessions, 1);

  self->by_id
      = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) session_free);
  return self;
}

void
phonesec_web_sessions_free (PhonesecWebSessions *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->by_id);
  g_free (self);
}

static void
expire (PhonesecWebSessions *self)
{
  GHashTableIter iter;
  PhonesecWebSession *session;
  gint64 limit = g_get_monotonic_time () - (gint64) PHONESEC_WEB_SESSION_IDLE_S * G_USEC_PER_SEC;

  g_hash_table_iter_init (&iter, self->by_id);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &session))
    if (session->last_seen < limit)
      g_hash_table_iter_remove (&iter);
}

PhonesecWebSession *
phonesec_web_sessions_create (PhonesecWebSessions *self, PhonesecWebRole role)
{
  PhonesecWebSession *session, *s, *oldest = NULL;
  GHashTableIter iter;
  guint count = 0;

  expire (self);
  g_hash_table_iter_init (&iter, self->by_id);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &s))
    if (s->role == role)
      {
        count++;
        if (oldest == NULL || s->last_seen < oldest->last_seen)
          oldest = s;
      }
  if (count >= PHONESEC_WEB_MAX_SESSIONS_PER_ACCOUNT)
    g_hash_table_remove (self->by_id, oldest->id);
  session = g_new0 (PhonesecWebSession, 1);
  session->id = phonesec_web_random_token ();
  session->csrf = phonesec_web_random_token ();
  session->role = role;
  session->last_seen = g_get_monotonic_time ();
  g_hash_table_insert (self->by_id, session->id, session);
  return session;
}

PhonesecWebSession *
phonesec_web_sessions_lookup (PhonesecWebSessions *self, const char *id)
{
  PhonesecWebSession *session;

  if (id == NULL)
    return NULL;
  expire (self);
  session = g_hash_table_lookup (self->by_id, id);
  if (session != NULL)
    session->last_seen = g_get_monotonic_time ();
  return session;
}

void
phonesec_web_sessions_remove (PhonesecWebSessions *self, const char *id)
{
  if (id != NULL)
    g_hash_table_remove (self->by_id, id);
}
