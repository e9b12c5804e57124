/* phonesec-web-page.c: the frame of a logged-in page (head, header, the
 * tab bar built from Config.Describe) and values as display text.
 *
 * Layer 2: it calls only the request leaf (phonesec-web-request.c) below
 * it, never the pages or the router (README.md, "Layers").
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-web-page.h"

#include <string.h>

#include <glib/gi18n-lib.h>

/* Formats of the catalogue ("Ext %u") are checked by msgfmt --check. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

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

gboolean
phonesec_web_param_visible (PhonesecWebRole role, const char *access)
{
  return role == PHONESEC_WEB_ROLE_ADMIN || g_strcmp0 (access, "na") != 0;
}

gboolean
phonesec_web_param_writable (PhonesecWebRole role, const char *access)
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
      if (!phonesec_web_param_visible (req->role, access) || tab[0] == '\0')
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

char *
phonesec_web_tab_path (const char *tab, guint line)
{
  return line > 0 ? g_strdup_printf ("/tab/%s/%u", tab, line) : g_strdup_printf ("/tab/%s", tab);
}

char *
phonesec_web_page_tab_title (PhonesecWebRequest *req)
{
  g_autoptr (GPtrArray) tabs = collect_tabs (req);

  for (guint i = 0; i < tabs->len; i++)
    {
      TabEntry *t = tabs->pdata[i];

      if (strcmp (t->tab, req->tab) == 0 && t->line == req->line)
        return tab_title (req, t);
    }
  return NULL;
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
      TabEntry *t = tabs->pdata[i];
      g_autofree char *href = phonesec_web_tab_path (t->tab, t->line);
      g_autofree char *name = tab_title (req, t);

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

/* --- reading Describe -------------------------------------------------------- */

typedef struct
{
  PhonesecWebRequest *req;
  PhonesecWebPageReady ready;
} PageStart;

static void
describe_done (GObject *source, GAsyncResult *result, gpointer data)
{
  PageStart *start = data;
  PhonesecWebRequest *req = start->req;
  PhonesecWebPageReady ready = start->ready;
  g_autoptr (GVariant) reply = NULL;

  g_free (start);
  reply = phonesec_web_call_finish (req, source, result);
  if (reply == NULL)
    return;
  g_variant_get (reply, "(@a{sa{sv}})", &req->describe);
  ready (req);
}

void
phonesec_web_page_start (PhonesecWebRequest *req, PhonesecWebPageReady ready)
{
  PageStart *start = g_new0 (PageStart, 1);

  start->req = req;
  start->ready = ready;
  soup_server_message_pause (req->msg);
  g_dbus_connection_call (req->web->bus, PHONESEC_DBUS_NAME, PHONESEC_DBUS_PATH,
                          PHONESEC_DBUS_INTERFACE_CONFIG, "Describe",
                          g_variant_new ("(@as)", g_variant_new_strv (NULL, 0)),
                          G_VARIANT_TYPE ("(a{sa{sv}})"), G_DBUS_CALL_FLAGS_NONE,
                          PHONESEC_WEB_CALL_TIMEOUT_MS, NULL, describe_done, start);
}
