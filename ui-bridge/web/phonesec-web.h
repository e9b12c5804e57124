/* phonesec-web.h: shared state of the phonesec-web process.
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
  GPtrArray *event_clients; /* PhonesecWebEventClient*, owned */
  guint properties_subscription;
  guint keepalive_source;
  GVariant *user_view;        /* a{oa{sa{sv}}}: the phone's user's, last read */
  gboolean user_view_pending; /* a read is on its way */
  gboolean user_view_again;   /* and another change came meanwhile */
} PhonesecWeb;

/* "en" or "fr" */
typedef const char *PhonesecWebLang;

/* One request being answered (pages need D-Bus replies first). */
typedef struct
{
  PhonesecWeb *web;
  SoupServerMessage *msg; /* paused while we wait */
  PhonesecWebLang lang;
  PhonesecWebRole role;
  char *csrf;                /* the session's token */
  char *tab;                 /* tab id of a form page */
  guint line;                /* 0 or the line of a per-line tab */
  GHashTable *form;          /* POST fields, or NULL */
  guint64 generation;        /* Config.Generation, read before the values */
  guint64 posted_generation; /* the one the submitted form was made at */
  GVariant *describe;        /* a{sa{sv}} */
  GVariant *values;          /* a{sv} */
  GVariant *extra;           /* status page: more replies */
  GHashTable *errors;        /* parameter → message, on a refused Apply */
  char *general_error;
  char *notice;
} PhonesecWebRequest;

PhonesecWebRequest *phonesec_web_request_new (PhonesecWeb *web, SoupServerMessage *msg);
/* Unpauses the message and frees the request. */
void phonesec_web_request_finish (PhonesecWebRequest *req);

const char *phonesec_web_gettext (PhonesecWeb *web, PhonesecWebLang lang, const char *msgid);
#define T(req, s) phonesec_web_gettext ((req)->web, (req)->lang, (s))

/* Response helpers: security headers on every response. */
void phonesec_web_add_security_headers (SoupServerMessage *msg, gboolean https);
void phonesec_web_respond_html (SoupServerMessage *msg, guint status, GString *html);
/* 303 to @location, a path of ours ("/login"), never an absolute URL. */
void phonesec_web_redirect (SoupServerMessage *msg, const char *location);
void phonesec_web_respond_error (PhonesecWebRequest *req, guint status, const char *message);
/* Finishes a D-Bus call made for @req. On failure, answers 502 with the
 * daemon's message, finishes @req and returns NULL: the caller just returns. */
GVariant *phonesec_web_call_finish (PhonesecWebRequest *req, GObject *source, GAsyncResult *result);

/* Page frame: doctype, head, header with the tab bar; _end closes it. */
void phonesec_web_page_begin (PhonesecWebRequest *req, GString *out, const char *title,
                              const char *current);
void phonesec_web_page_end (PhonesecWebRequest *req, GString *out);
/* Appends @text HTML-escaped. */
void phonesec_web_append_escaped (GString *out, const char *text);
/* A property or parameter value as display text. */
char *phonesec_web_format_value (PhonesecWebRequest *req, GVariant *value);

/* Cookies: host-only, Path=/, SameSite=Strict, Secure over HTTPS. */
char *phonesec_web_get_cookie (SoupServerMessage *msg, const char *name);
void phonesec_web_set_cookie (PhonesecWeb *web, SoupServerMessage *msg, const char *name,
                              const char *value, int max_age, gboolean http_only);

/* The login page and its form (phonesec-web-login.c). */
void phonesec_web_render_login (PhonesecWeb *web, SoupServerMessage *msg, PhonesecWebLang lang,
                                guint status, const char *error);
/* Login attempts the throttle keeps waiting for others, at most. */
#define PHONESEC_WEB_MAX_WAITING_LOGINS 64
void phonesec_web_login_post (PhonesecWeb *web, SoupServerMessage *msg, PhonesecWebLang lang,
                              GHashTable *form);
void phonesec_web_login_shutdown (PhonesecWeb *web);

/* Info > Status and its server-sent events (phonesec-web-status.c). */
void phonesec_web_status_page (PhonesecWebRequest *req);
/* Live-status streams per account; the account's oldest ends when it
 * opens one more. */
#define PHONESEC_WEB_MAX_EVENT_STREAMS_PER_ACCOUNT 16
void phonesec_web_events_open (PhonesecWeb *web, SoupServerMessage *msg, PhonesecWebLang lang,
                               PhonesecWebRole role);
void phonesec_web_events_init (PhonesecWeb *web);
void phonesec_web_events_shutdown (PhonesecWeb *web);

/* Watches each request's body as it is read ("request-started"). */
void phonesec_web_request_started (SoupServer *server, SoupServerMessage *msg, gpointer data);
/* Routes every request (phonesec-web-server.c). */
void phonesec_web_handle (SoupServer *server, SoupServerMessage *msg, const char *path,
                          GHashTable *query, gpointer data);

G_END_DECLS
