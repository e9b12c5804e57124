/* phonesec-web-request.c: one request and its answer: lifecycle,
 * language, cookies, security headers, HTML responses, redirects, errors.
 *
 * Layer 1, the leaf of the request handling: it calls nothing of the
 * pages or the router above it (README.md, "Layers").
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-web-request.h"

#include <string.h>

#include <glib/gi18n-lib.h>

PhonesecWebRequest *
phonesec_web_request_new (PhonesecWeb *web, SoupServerMessage *msg)
{
  PhonesecWebRequest *req = g_new0 (PhonesecWebRequest, 1);

  req->web = web;
  req->msg = g_object_ref (msg);
  req->lang = "en";
  return req;
}

void
phonesec_web_request_finish (PhonesecWebRequest *req)
{
  soup_server_message_unpause (req->msg);
  g_object_unref (req->msg);
  g_free (req->csrf);
  g_free (req->tab);
  g_clear_pointer (&req->form, g_hash_table_unref);
  g_clear_pointer (&req->describe, g_variant_unref);
  g_clear_pointer (&req->values, g_variant_unref);
  g_clear_pointer (&req->errors, g_hash_table_unref);
  g_free (req->general_error);
  g_free (req->notice);
  g_free (req);
}

const char *
phonesec_web_gettext (PhonesecWeb *web, PhonesecWebLang lang, const char *msgid)
{
  if (g_strcmp0 (lang, "fr") == 0)
    return phonesec_web_mo_lookup (web->fr, msgid);
  return msgid;
}

void
phonesec_web_add_security_headers (SoupServerMessage *msg, gboolean https)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  /* Only our own files; no inline script or style, no framing, forms post
   * to us only. */
  soup_message_headers_replace (headers, "Content-Security-Policy",
                                "default-src 'none'; script-src 'self'; style-src 'self'; "
                                "img-src 'self'; connect-src 'self'; form-action 'self'; "
                                "base-uri 'none'; frame-ancestors 'none'");
  soup_message_headers_replace (headers, "X-Frame-Options", "DENY");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  if (https)
    soup_message_headers_replace (headers, "Strict-Transport-Security", "max-age=31536000");
}

void
phonesec_web_respond_html (SoupServerMessage *msg, guint status, GString *html)
{
  gsize len = html->len;

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_TAKE,
                                    g_string_free (html, FALSE), len);
}

/* @location is a path of ours, sent as it is: relative references are
 * allowed in Location (RFC 7231, 7.1.2), and the browser resolves them
 * against the address it used. soup_server_message_set_redirect() would
 * resolve them against the request's URI, whose host is the client's Host
 * header: "Host: evil.example" would send the browser elsewhere. */
void
phonesec_web_redirect (SoupServerMessage *msg, const char *location)
{
  g_return_if_fail (location[0] == '/' && location[1] != '/' && location[1] != '\\');
  soup_server_message_set_status (msg, SOUP_STATUS_SEE_OTHER, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Location",
                                location);
}

void
phonesec_web_append_escaped (GString *out, const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text != NULL ? text : "", -1);

  g_string_append (out, escaped);
}

void
phonesec_web_respond_error (PhonesecWebRequest *req, guint status, const char *message)
{
  GString *out = g_string_new (NULL);

  g_string_append (out,
                   "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                   "<link rel=\"stylesheet\" href=\"/static/style.css\"><title>phonesec</title>"
                   "</head><body><main><p class=\"error\" id=\"page-error\">");
  phonesec_web_append_escaped (out, message);
  g_string_append_printf (out, "</p><p><a href=\"/\">%s</a></p></main></body></html>\n",
                          T (req, N_ ("Back")));
  phonesec_web_respond_html (req->msg, status, out);
}

GVariant *
phonesec_web_call_finish (PhonesecWebRequest *req, GObject *source, GAsyncResult *result)
{
  g_autoptr (GError) error = NULL;
  GVariant *reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);

  if (reply == NULL)
    {
      g_dbus_error_strip_remote_error (error);
      phonesec_web_respond_error (req, SOUP_STATUS_BAD_GATEWAY, error->message);
      phonesec_web_request_finish (req);
    }
  return reply;
}

/* --- cookies, language -------------------------------------------------------- */

char *
phonesec_web_get_cookie (SoupServerMessage *msg, const char *name)
{
  const char *header
      = soup_message_headers_get_list (soup_server_message_get_request_headers (msg), "Cookie");
  g_autoptr (GHashTable) pairs = NULL;

  if (header == NULL)
    return NULL;
  /* "a=1; b=2": the same syntax as semicolon-separated header parameters. */
  pairs = soup_header_parse_semi_param_list (header);
  return g_strdup (g_hash_table_lookup (pairs, name));
}

void
phonesec_web_set_cookie (PhonesecWeb *web, SoupServerMessage *msg, const char *name,
                         const char *value, int max_age, gboolean http_only)
{
  /* Written by hand: SoupCookie wants a domain, and a host-only cookie
   * (no Domain attribute) is what we need. Values are hex tokens or
   * fixed words, never anything that needs quoting. */
  g_autoptr (GString) header = g_string_new (NULL);

  g_string_append_printf (header, "%s=%s; Path=/; SameSite=Strict", name, value);
  if (max_age >= 0)
    g_string_append_printf (header, "; Max-Age=%d", max_age);
  if (http_only)
    g_string_append (header, "; HttpOnly");
  if (web->https)
    g_string_append (header, "; Secure");
  soup_message_headers_append (soup_server_message_get_response_headers (msg), "Set-Cookie",
                               header->str);
}

PhonesecWebLang
phonesec_web_choose_language (SoupServerMessage *msg)
{
  g_autofree char *cookie = phonesec_web_get_cookie (msg, PHONESEC_WEB_LANG_COOKIE);
  const char *accept;
  GSList *langs;
  PhonesecWebLang lang = "en";

  if (g_strcmp0 (cookie, "fr") == 0)
    return "fr";
  if (g_strcmp0 (cookie, "en") == 0)
    return "en";
  accept = soup_message_headers_get_list (soup_server_message_get_request_headers (msg),
                                          "Accept-Language");
  if (accept == NULL)
    return lang;
  /* Sorted by q, zero-q entries dropped. */
  langs = soup_header_parse_quality_list (accept, NULL);
  for (GSList *l = langs; l != NULL; l = l->next)
    {
      const char *tag = l->data;

      if (g_ascii_strncasecmp (tag, "fr", 2) == 0 && (tag[2] == '\0' || tag[2] == '-'))
        {
          lang = "fr";
          break;
        }
      if (g_ascii_strncasecmp (tag, "en", 2) == 0 && (tag[2] == '\0' || tag[2] == '-'))
        break;
    }
  g_slist_free_full (langs, g_free);
  return lang;
}
