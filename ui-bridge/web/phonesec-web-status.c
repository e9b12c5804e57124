/* phonesec-web-status.c: Info > Status, the guide's status screens in
 * words (phonesec-web-status-view.c), and for the administrator the
 * D-Bus properties they come from behind a "details" toggle. The live
 * stream is phonesec-web-status-events.c.
 *
 * Layer 3, a page: it calls the status view, the page frame and the
 * request leaf below it, never the router (README.md, "Layers").
 *
 * phonesec-web is an administrator on the bus. A session of the phone's
 * user gets the user's view: the page asks GetObjects with
 * access-level=user, and shows no details (property names are for
 * engineers, and the words say what the user may know).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-web-status.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "phonesec-web-status-view.h"

/* --- the words ------------------------------------------------------------------ */

static void
append_section (PhonesecWebRequest *req, GString *out, const PhonesecWebStatusSection *section)
{
  g_string_append (out, "<section class=\"status-words\" data-section=\"");
  phonesec_web_append_escaped (out, section->key);
  g_string_append (out, "\" data-empty=\"");
  phonesec_web_append_escaped (out, T (req, N_ ("Nothing to report")));
  g_string_append (out, "\"><h2>");
  phonesec_web_append_escaped (out, section->title);
  g_string_append (out, "</h2><table class=\"status\"><tbody>\n");
  for (guint i = 0; i < section->lines->len; i++)
    {
      const PhonesecStatusLine *line = g_ptr_array_index (section->lines, i);

      g_string_append_printf (out, "<tr class=\"level-%s\" data-line=\"",
                              phonesec_status_level_to_string (line->level));
      phonesec_web_append_escaped (out, line->id);
      g_string_append (out, "\"><th>");
      phonesec_web_append_escaped (out, line->label);
      g_string_append (out, "</th><td>");
      phonesec_web_append_escaped (out, line->value);
      g_string_append (out, "</td></tr>\n");
    }
  if (section->lines->len == 0)
    {
      g_string_append (out, "<tr class=\"empty\"><td colspan=\"2\">");
      phonesec_web_append_escaped (out, T (req, N_ ("Nothing to report")));
      g_string_append (out, "</td></tr>\n");
    }
  g_string_append (out, "</tbody></table></section>\n");
}

/* --- the details: D-Bus properties, for the administrator ------------------------ */

static gboolean
skip_interface (const char *iface)
{
  return g_str_has_prefix (iface, "org.freedesktop.DBus.");
}

static void
append_properties (PhonesecWebRequest *req, GString *out, const char *path, const char *iface,
                   GVariant *props)
{
  GVariantIter iter;
  const char *prop;
  GVariant *value;

  g_string_append (out, "<tr><th colspan=\"2\" class=\"iface\">");
  phonesec_web_append_escaped (out, iface);
  g_string_append (out, "</th></tr>\n");
  g_variant_iter_init (&iter, props);
  while (g_variant_iter_loop (&iter, "{&sv}", &prop, &value))
    {
      g_autofree char *key = phonesec_web_status_prop_key (path, iface, prop);
      g_autofree char *text = phonesec_web_format_value (req, value);

      g_string_append (out, "<tr><th>");
      phonesec_web_append_escaped (out, prop);
      g_string_append (out, "</th><td data-prop=\"");
      phonesec_web_append_escaped (out, key);
      g_string_append (out, "\">");
      phonesec_web_append_escaped (out, text);
      g_string_append (out, "</td></tr>\n");
    }
}

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

/* One table per object, its interfaces in it; the root shows its
 * TlsPolicy only (Config and Manager are not status). */
static void
append_object (PhonesecWebRequest *req, GString *out, const char *path, GVariant *ifaces)
{
  gboolean root = strcmp (path, PHONESEC_DBUS_PATH) == 0;
  GVariantIter iter;
  const char *iface;
  GVariant *props;

  g_string_append (out, "<h3>");
  phonesec_web_append_escaped (out, path);
  g_string_append (out, "</h3><table class=\"status\">\n");
  g_variant_iter_init (&iter, ifaces);
  while (g_variant_iter_loop (&iter, "{&s@a{sv}}", &iface, &props))
    if (!skip_interface (iface)
        && (!root || strcmp (iface, PHONESEC_DBUS_INTERFACE_TLS_POLICY) == 0))
      append_properties (req, out, path, iface, props);
  g_string_append (out, "</table>\n");
}

static void
append_details (PhonesecWebRequest *req, GString *out, GVariant *objects)
{
  g_autoptr (GPtrArray) paths = g_ptr_array_new ();
  GVariantIter iter;
  const char *path;

  g_string_append (out, "<details class=\"raw\" id=\"details\"><summary>");
  phonesec_web_append_escaped (out, T (req, N_ ("Details: D-Bus properties (for engineers)")));
  g_string_append (out, "</summary>\n");
  g_variant_iter_init (&iter, objects);
  while (g_variant_iter_next (&iter, "{&o@a{sa{sv}}}", &path, NULL))
    g_ptr_array_add (paths, (gpointer) path);
  g_ptr_array_sort (paths, compare_paths);
  for (guint i = 0; i < paths->len; i++)
    {
      g_autoptr (GVariant) ifaces = g_variant_lookup_value (objects, paths->pdata[i], NULL);

      append_object (req, out, paths->pdata[i], ifaces);
    }
  g_string_append (out, "</details>\n");
}

/* --- the page ------------------------------------------------------------------- */

static void
render_status (PhonesecWebRequest *req, GVariant *objects)
{
  GString *out = g_string_new (NULL);
  g_autoptr (GPtrArray) sections = phonesec_web_status_sections (req->web, req->lang, objects);

  phonesec_web_page_begin (req, out, T (req, N_ ("Status")), "/status");
  g_string_append_printf (
      out, "<p class=\"live\" id=\"live\" data-state=\"off\" data-on=\"%s\">%s</p>\n",
      T (req, N_ ("Live updates are on.")),
      T (req, N_ ("Live updates need JavaScript; reload to refresh.")));
  for (guint i = 0; i < sections->len; i++)
    append_section (req, out, g_ptr_array_index (sections, i));
  if (req->role == PHONESEC_WEB_ROLE_ADMIN)
    append_details (req, out, objects);
  g_string_append (out, "<script src=\"/static/status.js\"></script>\n");
  phonesec_web_page_end (req, out);
  phonesec_web_respond_html (req->msg, SOUP_STATUS_OK, out);
}

static void
objects_done (GObject *source, GAsyncResult *result, gpointer data)
{
  PhonesecWebRequest *req = data;
  g_autoptr (GVariant) reply = phonesec_web_call_finish (req, source, result);
  g_autoptr (GVariant) objects = NULL;

  if (reply == NULL)
    return;
  g_variant_get (reply, "(@a{oa{sa{sv}}})", &objects);
  render_status (req, objects);
  phonesec_web_request_finish (req);
}

static void
describe_ready (PhonesecWebRequest *req)
{
  g_dbus_connection_call (
      req->web->bus, PHONESEC_DBUS_NAME, PHONESEC_DBUS_PATH, PHONESEC_DBUS_INTERFACE_MANAGER,
      "GetObjects",
      g_variant_new_tuple ((GVariant *[]){ phonesec_web_status_view_options (req->role) }, 1),
      G_VARIANT_TYPE ("(a{oa{sa{sv}}})"), G_DBUS_CALL_FLAGS_NONE, PHONESEC_WEB_CALL_TIMEOUT_MS,
      NULL, objects_done, req);
}

void
phonesec_web_status_page (PhonesecWebRequest *req)
{
  phonesec_web_page_start (req, describe_ready);
}
