/* phonesec-web-server.c: routing every request to its page, static
 * files, and request bodies watched as they are read.
 *
 * Layer 4: it calls the pages (forms, login, status) and the request
 * leaf below it; only main (phonesec-web.c) calls it (README.md,
 * "Layers").
 *
 * Every page that needs the daemon pauses its SoupServerMessage, makes
 * asynchronous D-Bus calls and unpauses when the reply is rendered: the
 * main loop never waits on phonesecd, and PBKDF2 runs in a GTask thread.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-web-server.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "phonesec-web-forms.h"
#include "phonesec-web-login.h"
#include "phonesec-web-request.h"
#include "phonesec-web-status.h"

/* --- static files ---------------------------------------------------------------------- */

static void
serve_static (PhonesecWeb *web, SoupServerMessage *msg, const char *path)
{
  g_autofree char *resource = g_strconcat ("/org/phonesec/web", path, NULL);
  g_autoptr (GBytes) bytes = g_resources_lookup_data (resource, G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  const char *type = g_str_has_suffix (path, ".css")  ? "text/css; charset=utf-8"
                     : g_str_has_suffix (path, ".js") ? "text/javascript; charset=utf-8"
                                                      : "application/octet-stream";

  (void) web;
  if (bytes == NULL)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, type, SOUP_MEMORY_COPY, g_bytes_get_data (bytes, NULL),
                                    g_bytes_get_size (bytes));
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Cache-Control",
                                "max-age=3600");
}

/* --- routing ------------------------------------------------------------------------------- */

static GHashTable *
read_form (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  const char *type
      = soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg), NULL);
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *text = NULL;

  if (g_strcmp0 (type, "application/x-www-form-urlencoded") != 0
      || body->length > PHONESEC_WEB_MAX_BODY)
    return NULL;
  bytes = soup_message_body_flatten (body);
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  if (!g_utf8_validate (text, -1, NULL))
    return NULL;
  return soup_form_decode (text);
}

/* --- request bodies ------------------------------------------------------------------------ */

/* Answers 413 at once and closes: the rest of the body is never read. */
static void
refuse_body (PhonesecWeb *web, SoupServerMessage *msg)
{
  PhonesecWebRequest tmp = { .web = web, .msg = msg, .lang = phonesec_web_choose_language (msg) };

  g_debug ("refused a request body over %u bytes from %s", PHONESEC_WEB_MAX_BODY,
           soup_server_message_get_remote_host (msg));
  phonesec_web_add_security_headers (msg, web->https);
  phonesec_web_respond_error (&tmp, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                              T (&tmp, N_ ("This request is too large; nothing was changed.")));
  phonesec_web_listener_answer_and_close (web->listener, msg);
}

static void
on_got_headers (SoupServerMessage *msg, gpointer data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH
      && soup_message_headers_get_content_length (headers) > PHONESEC_WEB_MAX_BODY)
    refuse_body (data, msg);
}

/* Whatever the framing (chunked bodies announce no length), the body
 * read so far is counted as it comes. */
static void
on_got_chunk (SoupServerMessage *msg, GBytes *chunk, gpointer data)
{
  if (soup_server_message_get_request_body (msg)->length > PHONESEC_WEB_MAX_BODY)
    refuse_body (data, msg);
}

void
phonesec_web_request_started (SoupServer *server, SoupServerMessage *msg, gpointer data)
{
  g_signal_connect (msg, "got-headers", G_CALLBACK (on_got_headers), data);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (on_got_chunk), data);
}

/* "/tab/ID" or "/tab/ID/LINE" */
static gboolean
parse_tab_path (const char *path, char **tab, guint *line)
{
  g_auto (GStrv) parts = g_strsplit (path + strlen ("/tab/"), "/", 0);
  guint n = g_strv_length (parts);
  guint64 number = 0;

  if (n < 1 || n > 2 || parts[0][0] == '\0')
    return FALSE;
  for (const char *p = parts[0]; *p != '\0'; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '-')
      return FALSE;
  if (n == 2 && !g_ascii_string_to_unsigned (parts[1], 10, 1, 1000, &number, NULL))
    return FALSE;
  *tab = g_strdup (parts[0]);
  *line = (guint) number;
  return TRUE;
}

static void
handle_logged_in (PhonesecWeb *web, SoupServerMessage *msg, const char *path, GHashTable *query,
                  PhonesecWebSession *session, PhonesecWebLang lang)
{
  const char *method = soup_server_message_get_method (msg);
  gboolean post = strcmp (method, "POST") == 0;
  g_autoptr (GHashTable) form = NULL;
  PhonesecWebRequest *req;

  (void) query;
  if (post)
    {
      form = read_form (msg);
      if (form == NULL
          || !phonesec_web_token_equal (session->csrf, g_hash_table_lookup (form, "csrf")))
        {
          PhonesecWebRequest tmp = { .web = web, .msg = msg, .lang = lang };
          g_message ("refused a POST to %s without a valid CSRF token", path);
          phonesec_web_respond_error (
              &tmp, SOUP_STATUS_FORBIDDEN,
              phonesec_web_gettext (web, lang,
                                    N_ ("This form is not valid (missing or "
                                        "expired token); nothing was changed.")));
          return;
        }
    }

  if (strcmp (path, "/logout") == 0 && post)
    {
      phonesec_web_sessions_remove (web->sessions, session->id);
      phonesec_web_set_cookie (web, msg, PHONESEC_WEB_SESSION_COOKIE, "", 0, TRUE);
      phonesec_web_redirect (msg, "/login");
      return;
    }
  if (strcmp (path, "/events") == 0 && !post)
    {
      phonesec_web_events_open (web, msg, lang, session->role);
      return;
    }

  req = phonesec_web_request_new (web, msg);
  req->lang = lang;
  req->role = session->role;
  req->csrf = g_strdup (session->csrf);
  if (strcmp (path, "/") == 0 && !post)
    {
      phonesec_web_redirect (msg, "/tab/system");
      phonesec_web_request_finish (req);
      return;
    }
  if (strcmp (path, "/status") == 0 && !post)
    {
      phonesec_web_status_page (req);
      return;
    }
  if (g_str_has_prefix (path, "/tab/") && parse_tab_path (path, &req->tab, &req->line))
    {
      if (post)
        phonesec_web_forms_submit (req, form);
      else
        phonesec_web_forms_show (req);
      return;
    }
  phonesec_web_respond_error (req, SOUP_STATUS_NOT_FOUND, T (req, N_ ("No such page.")));
  phonesec_web_request_finish (req);
}

void
phonesec_web_handle (SoupServer *server, SoupServerMessage *msg, const char *path,
                     GHashTable *query, gpointer data)
{
  PhonesecWeb *web = data;
  const char *method = soup_server_message_get_method (msg);
  PhonesecWebLang lang = phonesec_web_choose_language (msg);
  g_autofree char *session_id = NULL;
  PhonesecWebSession *session;

  (void) server;
  phonesec_web_add_security_headers (msg, web->https);
  if (strcmp (method, "GET") != 0 && strcmp (method, "POST") != 0 && strcmp (method, "HEAD") != 0)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
      return;
    }
  if (g_str_has_prefix (path, "/static/"))
    {
      serve_static (web, msg, path);
      return;
    }
  if (g_str_has_prefix (path, "/lang/"))
    {
      const char *want = path + strlen ("/lang/");
      const char *back = query != NULL ? g_hash_table_lookup (query, "back") : NULL;

      if (strcmp (want, "fr") == 0 || strcmp (want, "en") == 0)
        phonesec_web_set_cookie (web, msg, PHONESEC_WEB_LANG_COOKIE, want, 365 * 24 * 3600, TRUE);
      /* Only a path of ours: no open redirect. */
      if (back == NULL || back[0] != '/' || back[1] == '/' || back[1] == '\\'
          || strpbrk (back, "\r\n") != NULL)
        back = "/";
      phonesec_web_redirect (msg, back);
      return;
    }
  if (strcmp (path, "/login") == 0)
    {
      if (strcmp (method, "POST") == 0)
        {
          g_autoptr (GHashTable) form = read_form (msg);

          if (form == NULL)
            phonesec_web_render_login (web, msg, lang, SOUP_STATUS_BAD_REQUEST, NULL);
          else
            phonesec_web_login_post (web, msg, lang, form);
        }
      else
        phonesec_web_render_login (web, msg, lang, SOUP_STATUS_OK, NULL);
      return;
    }

  session_id = phonesec_web_get_cookie (msg, PHONESEC_WEB_SESSION_COOKIE);
  session = phonesec_web_sessions_lookup (web->sessions, session_id);
  if (session == NULL)
    {
      if (strcmp (method, "POST") == 0)
        {
          PhonesecWebRequest tmp = { .web = web, .msg = msg, .lang = lang };
          phonesec_web_respond_error (&tmp, SOUP_STATUS_FORBIDDEN,
                                      phonesec_web_gettext (web, lang, N_ ("Please log in.")));
        }
      else if (strcmp (path, "/") == 0 || strcmp (path, "/status") == 0
               || g_str_has_prefix (path, "/tab/"))
        phonesec_web_redirect (msg, "/login");
      else
        soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }
  handle_logged_in (web, msg, path, query, session, lang);
}
