/* phonesec-web-request.h: one request and its answer: lifecycle,
 * language, cookies, security headers, HTML responses, redirects, errors.
 *
 * Layer 1, the leaf of the request handling: it calls nothing of the
 * pages or the router above it (README.md, "Layers").
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "phonesec-web.h"

G_BEGIN_DECLS

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
  GHashTable *errors;        /* parameter → message, on a refused Apply */
  char *general_error;
  char *notice;
} PhonesecWebRequest;

PhonesecWebRequest *phonesec_web_request_new (PhonesecWeb *web, SoupServerMessage *msg);
/* Unpauses the message and frees the request. */
void phonesec_web_request_finish (PhonesecWebRequest *req);

const char *phonesec_web_gettext (PhonesecWeb *web, PhonesecWebLang lang, const char *msgid);
#define T(req, s) phonesec_web_gettext ((req)->web, (req)->lang, (s))
/* The lang cookie (the switch) wins; else the best of fr/en in
 * Accept-Language; else English. */
PhonesecWebLang phonesec_web_choose_language (SoupServerMessage *msg);

/* Response helpers: security headers on every response. */
void phonesec_web_add_security_headers (SoupServerMessage *msg, gboolean https);
void phonesec_web_respond_html (SoupServerMessage *msg, guint status, GString *html);
/* 303 to @location, a path of ours ("/login"), never an absolute URL. */
void phonesec_web_redirect (SoupServerMessage *msg, const char *location);
void phonesec_web_respond_error (PhonesecWebRequest *req, guint status, const char *message);
/* Finishes a D-Bus call made for @req. On failure, answers 502 with the
 * daemon's message, finishes @req and returns NULL: the caller just returns. */
GVariant *phonesec_web_call_finish (PhonesecWebRequest *req, GObject *source, GAsyncResult *result);
/* Appends @text HTML-escaped. */
void phonesec_web_append_escaped (GString *out, const char *text);

/* Cookies: host-only, Path=/, SameSite=Strict, Secure over HTTPS. */
char *phonesec_web_get_cookie (SoupServerMessage *msg, const char *name);
void phonesec_web_set_cookie (PhonesecWeb *web, SoupServerMessage *msg, const char *name,
                              const char *value, int max_age, gboolean http_only);

G_END_DECLS
