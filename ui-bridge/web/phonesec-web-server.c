/* phonesec-web-server.c: routing, login, and the configuration tabs built
 * from Config.Describe.
 *
 * Every page that needs the daemon pauses its SoupServerMessage, makes
 * asynchronous D-Bus calls and unpauses when the reply is rendered: the
 * main loop never waits on phonesecd, and PBKDF2 runs in a GTask thread.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-web.h"

#include <string.h>

#include <glib/gi18n-lib.h>

/* Formats of the catalogue ("Ext %u") are checked by msgfmt --check. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

/* --- requests, responses ----------------------------------------------------- */

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
  g_clear_pointer (&req->extra, g_variant_unref);
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

/* The lang cookie (the switch) wins; else the best of fr/en in
 * Accept-Language; else English. */
static PhonesecWebLang
choose_language (SoupServerMessage *msg)
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

/* --- the page frame ------------------------------------------------------------ */

typedef struct
{
  char *tab;
  guint line;
  char *first_section;
} TabEntry;

static void
tab_entry_free (TabEntry *t)
{
  g_free (t->tab);
  g_free (t->first_section);
  g_free (t);
}

static gboolean
visible_for (PhonesecWebRole role, const char *access)
{
  return role == PHONESEC_WEB_ROLE_ADMIN || g_strcmp0 (access, "na") != 0;
}

static gboolean
writable_for (PhonesecWebRole role, const char *access)
{
  return role == PHONESEC_WEB_ROLE_ADMIN || g_strcmp0 (access, "rw") == 0;
}

/* Tabs in schema order, one per line for per-line parameters. */
static GPtrArray *
collect_tabs (PhonesecWebRequest *req)
{
  GPtrArray *tabs = g_ptr_array_new_with_free_func ((GDestroyNotify) tab_entry_free);
  GVariantIter iter;
  const char *name;
  GVariant *facts;

  if (req->describe == NULL)
    return tabs;
  g_variant_iter_init (&iter, req->describe);
  while (g_variant_iter_loop (&iter, "{&s@a{sv}}", &name, &facts))
    {
      const char *tab = "", *access = "na", *section = "";
      guint line = 0;
      gboolean known = FALSE;

      g_variant_lookup (facts, "tab", "&s", &tab);
      g_variant_lookup (facts, "access", "&s", &access);
      g_variant_lookup (facts, "section", "&s", &section);
      g_variant_lookup (facts, "line", "u", &line);
      if (!visible_for (req->role, access) || tab[0] == '\0')
        continue;
      for (guint i = 0; i < tabs->len && !known; i++)
        {
          TabEntry *t = tabs->pdata[i];
          known = strcmp (t->tab, tab) == 0 && t->line == line;
        }
      if (!known)
        {
          TabEntry *t = g_new0 (TabEntry, 1);
          t->tab = g_strdup (tab);
          t->line = line;
          t->first_section = g_strdup (section);
          g_ptr_array_add (tabs, t);
        }
    }
  return tabs;
}

static char *
tab_title (PhonesecWebRequest *req, const TabEntry *t)
{
  static const struct
  {
    const char *id;
    const char *title;
  } titles[] = {
    { "system", N_ ("System") }, { "provisioning", N_ ("Provisioning") },
    { "phone", N_ ("Phone") },   { "sip", N_ ("SIP") },
    { "tr-069", N_ ("TR-069") },
  };

  if (strcmp (t->tab, "ext") == 0)
    /* Translators: the web tab of one phone line, as on the phone: "Ext 1". */
    return g_strdup_printf (T (req, N_ ("Ext %u")), t->line);
  for (gsize i = 0; i < G_N_ELEMENTS (titles); i++)
    if (strcmp (titles[i].id, t->tab) == 0)
      return g_strdup (T (req, titles[i].title));
  /* A plugin's own tab: named after its first section. */
  return g_strdup (T (req, t->first_section[0] != '\0' ? t->first_section : t->tab));
}

static char *
tab_href (const TabEntry *t)
{
  return t->line > 0 ? g_strdup_printf ("/tab/%s/%u", t->tab, t->line)
                     : g_strdup_printf ("/tab/%s", t->tab);
}

void
phonesec_web_page_begin (PhonesecWebRequest *req, GString *out, const char *title,
                         const char *current)
{
  g_autoptr (GPtrArray) tabs = collect_tabs (req);
  g_autofree char *back = g_uri_escape_string (current, "/", FALSE);

  g_string_append_printf (out,
                          "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
                          "<meta name=\"viewport\" content=\"width=device-width\">"
                          "<link rel=\"stylesheet\" href=\"/static/style.css\"><title>",
                          req->lang);
  phonesec_web_append_escaped (out, title);
  g_string_append (out, " - phonesec</title></head><body>\n<header><div class=\"top\">"
                        "<span class=\"brand\">phonesec</span>");
  g_string_append_printf (
      out,
      "<span class=\"who\" id=\"whoami\">%s</span>"
      "<span class=\"langs\"><a id=\"lang-en\" href=\"/lang/en?back=%s\">English</a>"
      " | <a id=\"lang-fr\" href=\"/lang/fr?back=%s\">Français</a></span>",
      phonesec_web_role_to_string (req->role), back, back);
  g_string_append (out, "<form method=\"post\" action=\"/logout\" class=\"logout\">"
                        "<input type=\"hidden\" name=\"csrf\" value=\"");
  phonesec_web_append_escaped (out, req->csrf);
  g_string_append_printf (out,
                          "\"><button type=\"submit\" id=\"logout\">%s</button></form></div>\n",
                          T (req, N_ ("Log out")));

  /* Voice tabs, then Info > Status, as on the phone. */
  g_string_append_printf (out, "<nav><span class=\"group\">%s</span>", T (req, N_ ("Voice")));
  for (guint i = 0; i < tabs->len; i++)
    {
      g_autofree char *href = tab_href (tabs->pdata[i]);
      g_autofree char *name = tab_title (req, tabs->pdata[i]);

      g_string_append_printf (out, "<a href=\"%s\"%s>", href,
                              strcmp (href, current) == 0 ? " class=\"current\"" : "");
      phonesec_web_append_escaped (out, name);
      g_string_append (out, "</a>");
    }
  g_string_append_printf (out,
                          "<span class=\"group\">%s</span><a href=\"/status\"%s>%s</a></nav>"
                          "</header>\n<main>\n<h1>",
                          T (req, N_ ("Info")),
                          strcmp (current, "/status") == 0 ? " class=\"current\"" : "",
                          T (req, N_ ("Status")));
  phonesec_web_append_escaped (out, title);
  g_string_append (out, "</h1>\n");
}

void
phonesec_web_page_end (PhonesecWebRequest *req, GString *out)
{
  (void) req;
  g_string_append (out, "</main></body></html>\n");
}

char *
phonesec_web_format_value (PhonesecWebRequest *req, GVariant *value)
{
  if (value == NULL)
    return g_strdup ("");
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_VARIANT))
    {
      g_autoptr (GVariant) inner = g_variant_get_variant (value);
      return phonesec_web_format_value (req, inner);
    }
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING)
      || g_variant_is_of_type (value, G_VARIANT_TYPE_OBJECT_PATH))
    return g_variant_dup_string (value, NULL);
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
    return g_strdup (g_variant_get_boolean (value) ? T (req, N_ ("Yes")) : T (req, N_ ("No")));
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY)
      || g_variant_is_of_type (value, G_VARIANT_TYPE_OBJECT_PATH_ARRAY))
    {
      /* g_variant_get_strv() takes as only. */
      g_autofree const char **items = g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY)
                                          ? g_variant_get_strv (value, NULL)
                                          : g_variant_get_objv (value, NULL);
      return g_strjoinv (", ", (char **) items);
    }
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT32))
    return g_strdup_printf ("%d", g_variant_get_int32 (value));
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32))
    return g_strdup_printf ("%u", g_variant_get_uint32 (value));
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
    return g_strdup_printf ("%" G_GINT64_FORMAT, g_variant_get_int64 (value));
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT64))
    return g_strdup_printf ("%" G_GUINT64_FORMAT, g_variant_get_uint64 (value));
  return g_variant_print (value, FALSE);
}

/* --- the form of a parameter ---------------------------------------------------- */

/* The cfg.xml text of a parameter's current value, as a form holds it. */
static char *
form_text (GVariant *facts, GVariant *value)
{
  if (value == NULL)
    return g_strdup ("");
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
    {
      const char *word = NULL;

      g_variant_lookup (facts, g_variant_get_boolean (value) ? "true-word" : "false-word", "&s",
                        &word);
      return g_strdup (word != NULL ? word : (g_variant_get_boolean (value) ? "Yes" : "No"));
    }
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
    {
      g_autofree const char **items = g_variant_get_strv (value, NULL);
      return g_strjoinv (",", (char **) items);
    }
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return g_variant_dup_string (value, NULL);
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT32))
    return g_strdup_printf ("%d", g_variant_get_int32 (value));
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32))
    return g_strdup_printf ("%u", g_variant_get_uint32 (value));
  return g_variant_print (value, FALSE);
}

static void
append_option (GString *out, const char *value, const char *label, gboolean selected)
{
  g_string_append (out, "<option value=\"");
  phonesec_web_append_escaped (out, value);
  g_string_append_printf (out, "\"%s>", selected ? " selected" : "");
  phonesec_web_append_escaped (out, label);
  g_string_append (out, "</option>");
}

static void
append_control (PhonesecWebRequest *req, GString *out, const char *name, GVariant *facts,
                const char *text, gboolean writable)
{
  const char *type = "string";
  gboolean secret = FALSE;
  const char *disabled = writable ? "" : " disabled";
  g_autofree char *id_attr = g_markup_escape_text (name, -1);

  g_variant_lookup (facts, "type", "&s", &type);
  g_variant_lookup (facts, "secret", "b", &secret);

  if (secret)
    {
      gboolean is_set = FALSE;

      g_variant_lookup (facts, "is-set", "b", &is_set);
      /* Never prefilled: empty keeps the stored secret. */
      g_string_append_printf (out,
                              "<input type=\"password\" id=\"f-%s\" name=\"%s\" value=\"\" "
                              "autocomplete=\"new-password\" placeholder=\"%s\"%s>",
                              id_attr, id_attr, is_set ? T (req, N_ ("(set)")) : "", disabled);
      return;
    }
  if (strcmp (type, "bool") == 0)
    {
      const char *yes = "Yes", *no = "No";

      g_variant_lookup (facts, "true-word", "&s", &yes);
      g_variant_lookup (facts, "false-word", "&s", &no);
      g_string_append_printf (out, "<select id=\"f-%s\" name=\"%s\"%s>", id_attr, id_attr,
                              disabled);
      append_option (out, yes, T (req, yes), g_ascii_strcasecmp (text, yes) == 0);
      append_option (out, no, T (req, no), g_ascii_strcasecmp (text, yes) != 0);
      g_string_append (out, "</select>");
      return;
    }
  if (strcmp (type, "enum") == 0)
    {
      g_autofree const char **choices = NULL;
      gboolean found = FALSE;

      g_variant_lookup (facts, "choices", "^a&s", &choices);
      g_string_append_printf (out, "<select id=\"f-%s\" name=\"%s\"%s>", id_attr, id_attr,
                              disabled);
      for (guint i = 0; choices != NULL && choices[i] != NULL; i++)
        {
          gboolean selected = strcmp (choices[i], text) == 0;
          found |= selected;
          append_option (out, choices[i], choices[i], selected);
        }
      /* A value the user typed (a forged or stale form) stays visible. */
      if (!found)
        append_option (out, text, text, TRUE);
      g_string_append (out, "</select>");
      return;
    }
  if (strcmp (type, "int") == 0 || strcmp (type, "port") == 0)
    {
      gint64 min = 0, max = 0;

      g_string_append_printf (out, "<input type=\"number\" id=\"f-%s\" name=\"%s\"", id_attr,
                              id_attr);
      /* No min/max attributes: the daemon is the judge, and its message is
       * what the user must see (the browser would block the submit). */
      if (g_variant_lookup (facts, "min", "x", &min) && g_variant_lookup (facts, "max", "x", &max))
        g_string_append_printf (
            out, " data-min=\"%" G_GINT64_FORMAT "\" data-max=\"%" G_GINT64_FORMAT "\"", min, max);
      g_string_append (out, " value=\"");
      phonesec_web_append_escaped (out, text);
      g_string_append_printf (out, "\"%s>", disabled);
      return;
    }
  {
    guint max_length = 0;

    g_string_append_printf (out, "<input type=\"text\" id=\"f-%s\" name=\"%s\"", id_attr, id_attr);
    if (g_variant_lookup (facts, "max-length", "u", &max_length))
      g_string_append_printf (out, " data-maxlength=\"%u\"", max_length);
    g_string_append (out, " value=\"");
    phonesec_web_append_escaped (out, text);
    g_string_append_printf (out, "\"%s>", disabled);
  }
}

static gboolean
param_on_page (PhonesecWebRequest *req, GVariant *facts)
{
  const char *tab = "", *access = "na";
  guint line = 0;

  g_variant_lookup (facts, "tab", "&s", &tab);
  g_variant_lookup (facts, "access", "&s", &access);
  g_variant_lookup (facts, "line", "u", &line);
  return strcmp (tab, req->tab) == 0 && line == req->line && visible_for (req->role, access);
}

static void
render_tab (PhonesecWebRequest *req, guint status)
{
  GString *out = g_string_new (NULL);
  g_autofree char *current = req->line > 0 ? g_strdup_printf ("/tab/%s/%u", req->tab, req->line)
                                           : g_strdup_printf ("/tab/%s", req->tab);
  g_autoptr (GPtrArray) tabs = collect_tabs (req);
  g_autofree char *title = NULL;
  g_autofree char *section = NULL;
  g_autoptr (GPtrArray) sections = g_ptr_array_new_with_free_func (g_free);
  GVariantIter iter;
  const char *name;
  GVariant *facts;

  for (guint i = 0; i < tabs->len && title == NULL; i++)
    {
      TabEntry *t = tabs->pdata[i];
      if (strcmp (t->tab, req->tab) == 0 && t->line == req->line)
        title = tab_title (req, t);
    }
  if (title == NULL)
    {
      g_string_free (out, TRUE);
      phonesec_web_respond_error (req, SOUP_STATUS_NOT_FOUND, T (req, N_ ("No such page.")));
      return;
    }

  phonesec_web_page_begin (req, out, title, current);
  if (req->general_error != NULL)
    {
      g_string_append (out, "<p class=\"error\" id=\"form-error\">");
      phonesec_web_append_escaped (out, req->general_error);
      g_string_append (out, "</p>\n");
    }
  if (req->notice != NULL)
    {
      g_string_append (out, "<p class=\"notice\" id=\"form-notice\">");
      phonesec_web_append_escaped (out, req->notice);
      g_string_append (out, "</p>\n");
    }
  g_string_append_printf (out,
                          "<form method=\"post\" action=\"%s\" id=\"config-form\">\n"
                          "<input type=\"hidden\" name=\"csrf\" value=\"",
                          current);
  phonesec_web_append_escaped (out, req->csrf);
  /* The values below are of this generation: Apply refuses (Conflict)
   * when someone changed the configuration since, instead of silently
   * putting back the values this page showed. */
  g_string_append_printf (
      out, "\">\n<input type=\"hidden\" name=\"generation\" value=\"%" G_GUINT64_FORMAT "\">\n",
      req->generation);

  /* Sections in order of first appearance; a section's parameters stay
   * together even when the schema lists them apart. */
  g_variant_iter_init (&iter, req->describe);
  while (g_variant_iter_loop (&iter, "{&s@a{sv}}", &name, &facts))
    {
      const char *sec = "";

      if (!param_on_page (req, facts))
        continue;
      g_variant_lookup (facts, "section", "&s", &sec);
      if (!g_ptr_array_find_with_equal_func (sections, sec, g_str_equal, NULL))
        g_ptr_array_add (sections, g_strdup (sec));
    }
  for (guint s = 0; s < sections->len; s++)
    {
      g_variant_iter_init (&iter, req->describe);
      while (g_variant_iter_loop (&iter, "{&s@a{sv}}", &name, &facts))
        {
          const char *sec = "", *label = name, *help = NULL, *access = "na";
          g_autoptr (GVariant) value = NULL;
          g_autofree char *text = NULL;
          const char *error;
          gboolean writable, active;

          if (!param_on_page (req, facts))
            continue;
          g_variant_lookup (facts, "section", "&s", &sec);
          if (strcmp (sec, sections->pdata[s]) != 0)
            continue;
          g_variant_lookup (facts, "label", "&s", &label);
          g_variant_lookup (facts, "help", "&s", &help);
          g_variant_lookup (facts, "access", "&s", &access);
          writable = writable_for (req->role, access);
          if (g_strcmp0 (section, sec) != 0)
            {
              if (section != NULL)
                g_string_append (out, "</table></section>\n");
              g_free (section);
              section = g_strdup (sec);
              g_string_append (out, "<section><h2>");
              phonesec_web_append_escaped (out, T (req, sec));
              g_string_append (out, "</h2><table>\n");
            }
          /* The user's input is kept when the daemon refused the form. */
          if (req->form != NULL && g_hash_table_contains (req->form, name))
            text = g_strdup (g_hash_table_lookup (req->form, name));
          else
            {
              value = req->values != NULL ? g_variant_lookup_value (req->values, name, NULL) : NULL;
              text = form_text (facts, value);
            }
          error = req->errors != NULL ? g_hash_table_lookup (req->errors, name) : NULL;
          g_string_append_printf (
              out, "<tr class=\"param%s\" data-param=\"%s\"><th><label for=\"f-%s\">",
              error != NULL ? " invalid" : "", name, name);
          phonesec_web_append_escaped (out, T (req, label));
          g_string_append (out, "</label></th><td>");
          append_control (req, out, name, facts, text, writable);
          if (error != NULL)
            {
              g_string_append_printf (out, "<div class=\"error field-error\" id=\"err-%s\">", name);
              phonesec_web_append_escaped (out, error);
              g_string_append (out, "</div>");
            }
          g_string_append (out, "</td><td class=\"help\">");
          if (help != NULL)
            phonesec_web_append_escaped (out, T (req, help));
          /* Never let a setting look like a protection that is on when
           * nothing on this phone acts on it. */
          if (g_variant_lookup (facts, "active", "b", &active) && !active)
            g_string_append_printf (out, "<div class=\"inactive\" id=\"inactive-%s\">%s</div>",
                                    name,
                                    T (req, N_ ("Not active on this phone: nothing on this phone "
                                                "acts on this setting.")));
          g_string_append (out, "</td></tr>\n");
        }
    }
  if (section != NULL)
    g_string_append (out, "</table></section>\n");
  g_string_append_printf (out,
                          "<p class=\"actions\"><button type=\"submit\" id=\"submit\">%s</button>"
                          " <a href=\"%s\" id=\"undo\">%s</a></p>\n</form>\n",
                          T (req, N_ ("Submit All Changes")), current,
                          T (req, N_ ("Undo All Changes")));
  phonesec_web_page_end (req, out);
  phonesec_web_respond_html (req->msg, status, out);
}

/* --- Apply ------------------------------------------------------------------------ */

/* "NAME: reason" lines of a refused transaction, beside their fields; other
 * lines (the summary) go on top. */
static void
split_errors (PhonesecWebRequest *req, const char *message)
{
  g_auto (GStrv) lines = g_strsplit (message, "\n", 0);
  GString *general = g_string_new (NULL);

  req->errors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *colon = strstr (lines[i], ": ");
      g_autofree char *name = colon != NULL ? g_strndup (lines[i], colon - lines[i]) : NULL;
      g_autoptr (GVariant) facts = NULL;

      if (lines[i][0] == '\0')
        continue;
      if (name != NULL && req->describe != NULL)
        facts = g_variant_lookup_value (req->describe, name, G_VARIANT_TYPE_VARDICT);
      if (facts != NULL && param_on_page (req, facts))
        g_hash_table_replace (req->errors, g_steal_pointer (&name), g_strdup (colon + 2));
      else
        g_string_append_printf (general, "%s%s", general->len > 0 ? " " : "", lines[i]);
    }
  req->general_error = general->len > 0 ? g_string_free (general, FALSE)
                                        : (g_string_free (general, TRUE),
                                           g_strdup (T (req, N_ ("Nothing was changed."))));
}

static void
apply_done (GObject *source, GAsyncResult *result, gpointer data)
{
  PhonesecWebRequest *req = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply
      = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);

  if (reply == NULL)
    {
      g_autofree char *remote = g_dbus_error_get_remote_error (error);

      g_dbus_error_strip_remote_error (error);
      if (g_strcmp0 (remote, PHONESEC_DBUS_ERROR_PREFIX "Conflict") == 0)
        {
          /* Show what is there now; the user decides again. */
          g_clear_pointer (&req->form, g_hash_table_unref);
          req->general_error = g_strdup (
              T (req, N_ ("The configuration was changed meanwhile; nothing was changed. "
                          "Check the values and submit again.")));
          render_tab (req, SOUP_STATUS_CONFLICT);
        }
      else
        {
          split_errors (req, error->message);
          render_tab (req, SOUP_STATUS_UNPROCESSABLE_ENTITY);
        }
    }
  else
    {
      g_autofree char *location = req->line > 0
                                      ? g_strdup_printf ("/tab/%s/%u?saved=1", req->tab, req->line)
                                      : g_strdup_printf ("/tab/%s?saved=1", req->tab);
      phonesec_web_redirect (req->msg, location);
    }
  phonesec_web_request_finish (req);
}

/* Checks the posted fields and sends one Config.Apply with the changed
 * ones. A field that is not a writable parameter of this page for this
 * account (a forged form) refuses the whole post: nothing is sent. */
static void
submit_tab (PhonesecWebRequest *req)
{
  GVariantBuilder values, options;
  GHashTableIter iter;
  const char *key, *text;
  guint changed = 0;

  g_variant_builder_init (&values, G_VARIANT_TYPE_VARDICT);
  g_hash_table_iter_init (&iter, req->form);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, (gpointer *) &text))
    {
      g_autoptr (GVariant) facts = NULL;
      g_autoptr (GVariant) value = NULL;
      g_autofree char *current = NULL;
      const char *access = "na";
      gboolean secret = FALSE;

      if (strcmp (key, "csrf") == 0)
        continue;
      facts = g_variant_lookup_value (req->describe, key, G_VARIANT_TYPE_VARDICT);
      if (facts != NULL)
        g_variant_lookup (facts, "access", "&s", &access);
      if (facts == NULL || !param_on_page (req, facts) || !writable_for (req->role, access))
        {
          g_variant_builder_clear (&values);
          g_message ("refused a %s form with field %s on tab %s",
                     phonesec_web_role_to_string (req->role), key, req->tab);
          phonesec_web_respond_error (req, SOUP_STATUS_FORBIDDEN,
                                      T (req, N_ ("This form holds a field you may not change; "
                                                  "nothing was changed.")));
          phonesec_web_request_finish (req);
          return;
        }
      g_variant_lookup (facts, "secret", "b", &secret);
      if (secret)
        {
          /* Empty keeps the stored secret. */
          if (text[0] == '\0')
            continue;
        }
      else
        {
          value = g_variant_lookup_value (req->values, key, NULL);
          current = form_text (facts, value);
          if (strcmp (current, text) == 0)
            continue;
        }
      g_variant_builder_add (&values, "{sv}", key, g_variant_new_string (text));
      changed++;
    }
  if (changed == 0)
    {
      g_variant_builder_clear (&values);
      req->notice = g_strdup (T (req, N_ ("Nothing to change.")));
      g_clear_pointer (&req->form, g_hash_table_unref);
      render_tab (req, SOUP_STATUS_OK);
      phonesec_web_request_finish (req);
      return;
    }
  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "source", g_variant_new_string ("web"));
  g_variant_builder_add (&options, "{sv}", "expected-generation",
                         g_variant_new_uint64 (req->posted_generation));
  if (req->role != PHONESEC_WEB_ROLE_ADMIN)
    g_variant_builder_add (&options, "{sv}", "access-level", g_variant_new_string ("user"));
  g_dbus_connection_call (
      req->web->bus, PHONESEC_DBUS_NAME, PHONESEC_DBUS_PATH, PHONESEC_DBUS_INTERFACE_CONFIG,
      "Apply", g_variant_new ("(a{sv}a{sv})", &values, &options), G_VARIANT_TYPE ("(t)"),
      G_DBUS_CALL_FLAGS_NONE, PHONESEC_WEB_CALL_TIMEOUT_MS, NULL, apply_done, req);
}

/* --- Describe then Get ----------------------------------------------------------------- */

static void
get_done (GObject *source, GAsyncResult *result, gpointer data)
{
  PhonesecWebRequest *req = data;
  g_autoptr (GVariant) reply = phonesec_web_call_finish (req, source, result);

  if (reply == NULL)
    return;
  g_variant_get (reply, "(@a{sv})", &req->values);
  if (req->form != NULL)
    {
      submit_tab (req);
      return;
    }
  {
    const char *q = g_uri_get_query (soup_server_message_get_uri (req->msg));

    if (g_strcmp0 (q, "saved=1") == 0)
      req->notice = g_strdup (T (req, N_ ("Your changes were saved.")));
  }
  render_tab (req, SOUP_STATUS_OK);
  phonesec_web_request_finish (req);
}

/* The generation first, then the values: a change in between makes the
 * page's generation older than its values, so a submit fails safe
 * (Conflict) rather than overwriting. */
static void
generation_done (GObject *source, GAsyncResult *result, gpointer data)
{
  PhonesecWebRequest *req = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply
      = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  g_autoptr (GVariant) value = NULL;

  if (reply != NULL)
    g_variant_get (reply, "(v)", &value);
  if (value == NULL || !g_variant_is_of_type (value, G_VARIANT_TYPE_UINT64))
    {
      if (error != NULL)
        g_dbus_error_strip_remote_error (error);
      phonesec_web_respond_error (req, SOUP_STATUS_BAD_GATEWAY,
                                  error != NULL ? error->message : "Generation");
      phonesec_web_request_finish (req);
      return;
    }
  req->generation = g_variant_get_uint64 (value);
  g_dbus_connection_call (
      req->web->bus, PHONESEC_DBUS_NAME, PHONESEC_DBUS_PATH, PHONESEC_DBUS_INTERFACE_CONFIG, "Get",
      g_variant_new ("(@as)", g_variant_new_strv (NULL, 0)), G_VARIANT_TYPE ("(a{sv})"),
      G_DBUS_CALL_FLAGS_NONE, PHONESEC_WEB_CALL_TIMEOUT_MS, NULL, get_done, req);
}

static void
describe_done (GObject *source, GAsyncResult *result, gpointer data)
{
  PhonesecWebRequest *req = data;
  g_autoptr (GVariant) reply = phonesec_web_call_finish (req, source, result);

  if (reply == NULL)
    return;
  g_variant_get (reply, "(@a{sa{sv}})", &req->describe);
  if (req->tab == NULL)
    {
      phonesec_web_status_page (req);
      return;
    }
  g_dbus_connection_call (req->web->bus, PHONESEC_DBUS_NAME, PHONESEC_DBUS_PATH,
                          "org.freedesktop.DBus.Properties", "Get",
                          g_variant_new ("(ss)", PHONESEC_DBUS_INTERFACE_CONFIG, "Generation"),
                          G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE,
                          PHONESEC_WEB_CALL_TIMEOUT_MS, NULL, generation_done, req);
}

static void
start_page (PhonesecWebRequest *req)
{
  soup_server_message_pause (req->msg);
  g_dbus_connection_call (req->web->bus, PHONESEC_DBUS_NAME, PHONESEC_DBUS_PATH,
                          PHONESEC_DBUS_INTERFACE_CONFIG, "Describe",
                          g_variant_new ("(@as)", g_variant_new_strv (NULL, 0)),
                          G_VARIANT_TYPE ("(a{sa{sv}})"), G_DBUS_CALL_FLAGS_NONE,
                          PHONESEC_WEB_CALL_TIMEOUT_MS, NULL, describe_done, req);
}

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
  PhonesecWebRequest tmp = { .web = web, .msg = msg, .lang = choose_language (msg) };

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
      start_page (req);
      return;
    }
  if (g_str_has_prefix (path, "/tab/") && parse_tab_path (path, &req->tab, &req->line))
    {
      if (post)
        {
          const char *generation = g_hash_table_lookup (form, "generation");

          if (generation == NULL
              || !g_ascii_string_to_unsigned (generation, 10, 0, G_MAXUINT64,
                                              &req->posted_generation, NULL))
            {
              phonesec_web_respond_error (req, SOUP_STATUS_BAD_REQUEST,
                                          T (req, N_ ("This form is not valid; nothing was "
                                                      "changed.")));
              phonesec_web_request_finish (req);
              return;
            }
          g_hash_table_remove (form, "csrf");
          g_hash_table_remove (form, "generation");
          req->form = g_steal_pointer (&form);
        }
      start_page (req);
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
  PhonesecWebLang lang = choose_language (msg);
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
