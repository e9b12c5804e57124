/* phonesec-web.h: the state of the phonesec-web process, shared by every
 * layer.
 *
 * Data and limits only: each file's functions are declared in its own
 * header, and each layer calls only the ones below it (README.md,
 * "Layers"; checked by scripts/call-cycles, test web-call-cycles).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>
#include <phonesec/phonesec-dbus-names.h>

#include "phonesec-web-accounts.h"
#include "phonesec-web-listener.h"
#include "phonesec-web-mo.h"
#include "phonesec-web-sessions.h"
#include "phonesec-web-throttle.h"

G_BEGIN_DECLS

#define PHONESEC_WEB_SESSION_COOKIE "phonesec_session"
#define PHONESEC_WEB_LOGIN_COOKIE "phonesec_login"
#define PHONESEC_WEB_LANG_COOKIE "phonesec_lang"
/* A form post is a few KiB; a bigger body is refused as soon as it is
 * known to be bigger, from its Content-Length or while it is read. */
#define PHONESEC_WEB_MAX_BODY (256 * 1024)
/* D-Bus calls of a request; phonesecd answers in milliseconds. */
#define PHONESEC_WEB_CALL_TIMEOUT_MS 20000

/* One account's status as its live streams last showed it
 * (phonesec-web-status-events.c). */
typedef struct
{
  GVariant *objects; /* a{oa{sa{sv}}}: the last GetObjects answer, or NULL */
  gboolean pending;  /* a read is on its way */
  gboolean again;    /* and another change came meanwhile */
} PhonesecWebStatusView;

typedef struct
{
  GDBusConnection *bus;
  SoupServer *server;
  PhonesecWebListener *listener;
  gboolean https;
  char *state_dir;
  GKeyFile *accounts;
  PhonesecWebSessions *sessions;
  PhonesecWebThrottle *throttle;
  GQueue waiting_logins;    /* login attempts waiting for others to end */
  PhonesecWebMo *fr;        /* NULL: French shows English */
  GPtrArray *event_clients; /* EventClient* (phonesec-web-status.c), owned */
  guint properties_subscription;
  guint keepalive_source;
  PhonesecWebStatusView admin_view; /* what the live streams last showed */
  PhonesecWebStatusView user_view;  /* the phone's user's (access-level=user) */
} PhonesecWeb;

/* "en" or "fr" */
typedef const char *PhonesecWebLang;

G_END_DECLS
