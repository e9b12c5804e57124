/* phonesec-web-sessions.h: logged-in sessions and their CSRF tokens.
 *
 * Sessions live in memory only: a restart of phonesec-web logs everyone
 * out, and no session secret ever reaches the disk.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "phonesec-web-accounts.h"

G_BEGIN_DECLS

#define PHONESEC_WEB_SESSION_IDLE_S (15 * 60)
/* Per account: one account's logins never end another account's
 * sessions, so the user cannot log the admin out. */
#define PHONESEC_WEB_MAX_SESSIONS_PER_ACCOUNT 32

typedef struct
{
  char *id;   /* cookie value: 32 random bytes, hex */
  char *csrf; /* form token: 32 random bytes, hex */
  PhonesecWebRole role;
  gint64 last_seen; /* monotonic µs */
} PhonesecWebSession;

typedef struct _PhonesecWebSessions PhonesecWebSessions;

PhonesecWebSessions *phonesec_web_sessions_new (void);
void phonesec_web_sessions_free (PhonesecWebSessions *self);

/* A new session of @role; the least recently used session of the same
 * account ends when that account has too many. */
PhonesecWebSession *phonesec_web_sessions_create (PhonesecWebSessions *self, PhonesecWebRole role);
/* The live session with this id (refreshing its idle timer), or NULL. */
PhonesecWebSession *phonesec_web_sessions_lookup (PhonesecWebSessions *self, const char *id);
void phonesec_web_sessions_remove (PhonesecWebSessions *self, const char *id);

/* 32 random bytes as 64 hex digits. */
char *phonesec_web_random_token (void);
/* Constant-time comparison of two tokens (FALSE when either is NULL). */
gboolean phonesec_web_token_equal (const char *a, const char *b);

G_END_DECLS
