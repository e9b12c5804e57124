/* phonesec-web-login.c: the login page and its form: the password hash
 * checked in a worker thread, behind the login throttle.
 *
 * Layer 3, a page: it calls the request leaf below it, never the router
 * (README.md, "Layers").
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-web-login.h"

#include <string.h>

#include <glib/gi18n-lib.h>

/* Formats of the catalogue are checked by msgfmt --check. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

void
phonesec_web_render_login (PhonesecWeb *web, SoupServerMessage *msg, PhonesecWebLang lang,
                           guint status, const char *error)
{
  PhonesecWebRequest tmp = { .web = web, .lang = lang };
  PhonesecWebRequest *req = &tmp;
  g_autofree char *token = phonesec_web_get_cookie (msg, PHONESEC_WEB_LOGIN_COOKIE);
  GString *out = g_string_new (NULL);

  /* One token per browser until it logs in: several login tabs (or a
   * favicon request) must not void each other's forms. */
  if (token == NULL || strlen (token) != 64 || strspn (token, "0123456789abcdef") != 64)
    {
      g_free (token);
      token = phonesec_web_random_token ();
      phonesec_web_set_cookie (web, msg, PHONESEC_WEB_LOGIN_COOKIE, token, -1, TRUE);
    }
  g_string_append_printf (out,
                          "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
                          "<link rel=\"stylesheet\" href=\"/static/style.css\">"
                          "<title>%s - phonesec</title></head><body class=\"login\"><main>"
                          "<h1>%s</h1>",
                          lang, T (req, N_ ("Log in")), T (req, N_ ("Log in")));
  g_string_append_printf (
      out, "<p class=\"langs\"><a id=\"lang-en\" href=\"/lang/en?back=/login\">English</a>"
           " | <a id=\"lang-fr\" href=\"/lang/fr?back=/login\">Français</a></p>");
  if (error != NULL)
    {
      g_string_append (out, "<p class=\"error\" id=\"login-error\">");
      phonesec_web_append_escaped (out, error);
      g_string_append (out, "</p>");
    }
  g_string_append_printf (
      out,
      "<form method=\"post\" action=\"/login\"><input type=\"hidden\" name=\"csrf\" value=\"%s\">"
      "<p><label for=\"account\">%s</label> <select id=\"account\" name=\"account\">"
      "<option value=\"admin\">%s</option><option value=\"user\">%s</option></select></p>"
      "<p><label for=\"password\">%s</label> <input type=\"password\" id=\"password\" "
      "name=\"password\" autocomplete=\"current-password\"></p>"
      "<p><button type=\"submit\" id=\"login\">%s</button></p></form></main></body></html>\n",
      token, T (req, N_ ("Account")), T (req, N_ ("Admin")), T (req, N_ ("User")),
      T (req, N_ ("Password")), T (req, N_ ("Log in")));
  phonesec_web_respond_html (msg, status, out);
}

typedef struct
{
  PhonesecWeb *web;
  SoupServerMessage *msg;
  PhonesecWebLang lang;
  PhonesecWebRole role;
  char *client;
  char *hash;
  char *password;
} LoginCheck;

static void
login_check_free (LoginCheck *check)
{
  g_object_unref (check->msg);
  g_free (check->client);
  g_free (check->hash);
  if (check->password != NULL)
    {
      memset (check->password, 0, strlen (check->password));
      g_free (check->password);
    }
  g_free (check);
}

static void
login_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  LoginCheck *check = data;

  (void) source;
  (void) cancellable;
  g_task_return_boolean (task, phonesec_web_verify_password (check->hash, check->password));
}

static void try_waiting_logins (PhonesecWeb *web);

static void
login_checked (GObject *source, GAsyncResult *result, gpointer data)
{
  LoginCheck *check = g_task_get_task_data (G_TASK (result));
  gboolean ok = g_task_propagate_boolean (G_TASK (result), NULL);
  PhonesecWeb *web = check->web;

  (void) source;
  (void) data;
  phonesec_web_throttle_end (web->throttle, check->client, check->role, ok,
                             g_get_monotonic_time ());
  if (ok)
    {
      PhonesecWebSession *session = phonesec_web_sessions_create (web->sessions, check->role);

      g_message ("web login of %s from %s", phonesec_web_role_to_string (check->role),
                 check->client);
      phonesec_web_set_cookie (web, check->msg, PHONESEC_WEB_SESSION_COOKIE, session->id, -1, TRUE);
      phonesec_web_set_cookie (web, check->msg, PHONESEC_WEB_LOGIN_COOKIE, "", 0, TRUE);
      phonesec_web_redirect (check->msg, "/");
    }
  else
    {
      g_message ("failed web login from %s", check->client);
      phonesec_web_render_login (
          web, check->msg, check->lang, SOUP_STATUS_UNAUTHORIZED,
          phonesec_web_gettext (web, check->lang, N_ ("Wrong account or password.")));
    }
  soup_server_message_unpause (check->msg);
  try_waiting_logins (web);
}

static void
refuse (LoginCheck *check, guint retry_after)
{
  PhonesecWeb *web = check->web;
  g_autofree char *text = g_strdup_printf (
      phonesec_web_gettext (web, check->lang, N_ ("Too many failed logins; try again in %u s.")),
      retry_after);

  phonesec_web_render_login (web, check->msg, check->lang, 429, text);
  soup_server_message_unpause (check->msg);
  login_check_free (check);
}

/* Judges @check: checks its password in a thread, refuses it, or leaves
 * it waiting (FALSE) for an attempt in progress to end. */
static gboolean
try_login (LoginCheck *check)
{
  PhonesecWeb *web = check->web;
  guint retry_after = 0;
  g_autoptr (GTask) task = NULL;

  /* Checked and counted here, in one step, before the hash runs in its
   * thread: parallel attempts cannot all pass the check first. */
  switch (phonesec_web_throttle_begin (web->throttle, check->client, check->role,
                                       g_get_monotonic_time (), &retry_after))
    {
      case PHONESEC_WEB_THROTTLE_WAIT:
        return FALSE;
      case PHONESEC_WEB_THROTTLE_REFUSE:
        refuse (check, retry_after);
        return TRUE;
      case PHONESEC_WEB_THROTTLE_GO:
      default:
        task = g_task_new (NULL, NULL, login_checked, NULL);
        g_task_set_task_data (task, check, (GDestroyNotify) login_check_free);
        g_task_run_in_thread (task, login_thread);
        return TRUE;
    }
}

/* In arrival order: an attempt that ended may let others go, or have
 * them refused. */
static void
try_waiting_logins (PhonesecWeb *web)
{
  GList *l = web->waiting_logins.head;

  while (l != NULL)
    {
      GList *next = l->next;

      if (try_login (l->data))
        g_queue_delete_link (&web->waiting_logins, l);
      l = next;
    }
}

void
phonesec_web_login_post (PhonesecWeb *web, SoupServerMessage *msg, PhonesecWebLang lang,
                         GHashTable *form)
{
  g_autofree char *cookie = phonesec_web_get_cookie (msg, PHONESEC_WEB_LOGIN_COOKIE);
  const char *client = soup_server_message_get_remote_host (msg);
  const char *account = g_hash_table_lookup (form, "account");
  const char *password = g_hash_table_lookup (form, "password");
  PhonesecWebRole role = phonesec_web_role_from_string (account);
  LoginCheck *check;

  if (client == NULL)
    client = "?";
  if (!phonesec_web_token_equal (cookie, g_hash_table_lookup (form, "csrf")))
    {
      phonesec_web_render_login (
          web, msg, lang, SOUP_STATUS_FORBIDDEN,
          phonesec_web_gettext (web, lang, N_ ("The form expired; please try again.")));
      return;
    }
  check = g_new0 (LoginCheck, 1);
  check->web = web;
  check->msg = g_object_ref (msg);
  check->lang = lang;
  check->role = role;
  check->client = g_strdup (client);
  check->hash = role != PHONESEC_WEB_ROLE_NONE ? g_key_file_get_string (
                    web->accounts, phonesec_web_role_to_string (role), "hash", NULL)
                                               : NULL;
  check->password = g_strdup (password != NULL ? password : "");
  soup_server_message_pause (msg);
  if (try_login (check))
    return;
  /* Waiting holds a request and a password: a bounded number of them. */
  if (web->waiting_logins.length >= PHONESEC_WEB_MAX_WAITING_LOGINS)
    {
      refuse (check, 1);
      return;
    }
  g_queue_push_tail (&web->waiting_logins, check);
}

void
phonesec_web_login_shutdown (PhonesecWeb *web)
{
  g_queue_clear_full (&web->waiting_logins, (GDestroyNotify) login_check_free);
}
