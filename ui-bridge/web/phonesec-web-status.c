/* phonesec-web-status.c: Info > Status (every plugin object's properties
 * and the TLS policy's, from Manager.GetObjects) and its live updates as
 * server-sent events fed by PropertiesChanged.
 *
 * Layer 3, a page: it calls the page frame and the request leaf below
 * it, never the router (README.md, "Layers").
 *
 * phonesec-web is an administrator on the bus, so what it reads and hears
 * is the admin's view. A session of the phone's user gets the user's
 * view instead: the page asks GetObjects with access-level=user, and its
 * live updates come from the same call made again after each change,
 * compared with the last answer, never from the admin's signals.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-web-status.h"

#include <string.h>

#include <glib/gi18n-lib.h>

/* Browsers drop an idle stream after a while; a comment keeps it open and
 * lets us notice clients that went away. */
#define KEEPALIVE_S 15

typedef struct
{
  SoupServerMessage *msg;
  PhonesecWebLang lang;
  PhonesecWebRole role;
  gboolean ending; /* its last chunk is on its way */
} EventClient;

static void
event_client_free (EventClient *client)
{
  g_object_unref (client->msg);
  g_free (client);
}

/* "path|interface|property": the key of a value cell. */
static char *
prop_key (const char *path, const char *iface, const char *prop)
{
  return g_strdup_printf ("%s|%s|%s", path, iface, prop);
}

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
      g_autofree char *key = prop_key (path, iface, prop);
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
compare_objects (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const char *const *) a, *(const char *const *) b);
}

static void
render_status (PhonesecWebRequest *req, GVariant *objects, GVariant *tls)
{
  GString *out = g_string_new (NULL);
  g_autoptr (GPtrArray) paths = g_ptr_array_new ();
  GVariantIter iter;
  const char *path;

  phonesec_web_page_begin (req, out, T (req, N_ ("Status")), "/status");
  g_string_append_printf (
      out, "<p class=\"live\" id=\"live\" data-state=\"off\" data-on=\"%s\">%s</p>\n",
      T (req, N_ ("Live updates are on.")),
      T (req, N_ ("Live updates need JavaScript; reload to refresh.")));

  if (tls != NULL)
    {
      g_string_append_printf (out, "<section><h2>%s</h2><table class=\"status\">\n",
                              T (req, N_ ("TLS Policy")));
      append_properties (req, out, PHONESEC_DBUS_PATH, PHONESEC_DBUS_INTERFACE_TLS_POLICY, tls);
      g_string_append (out, "</table></section>\n");
    }

  g_variant_iter_init (&iter, objects);
  while (g_variant_iter_next (&iter, "{&o@a{sa{sv}}}", &path, NULL))
    g_ptr_array_add (paths, (gpointer) path);
  g_ptr_array_sort (paths, compare_objects);
  for (guint i = 0; i < paths->len; i++)
    {
      g_autoptr (GVariant) ifaces = g_variant_lookup_value (objects, paths->pdata[i], NULL);
      g_autoptr (GVariant) plugin
          = g_variant_lookup_value (ifaces, PHONESEC_DBUS_INTERFACE_PLUGIN, NULL);
      const char *name = strrchr (paths->pdata[i], '/') + 1;
      GVariantIter iiter;
      const char *iface;
      GVariant *props;

      if (plugin != NULL)
        g_variant_lookup (plugin, "Name", "&s", &name);
      g_string_append (out, "<section class=\"plugin\" data-path=\"");
      phonesec_web_append_escaped (out, paths->pdata[i]);
      g_string_append (out, "\"><h2>");
      phonesec_web_append_escaped (out, name);
      g_string_append (out, "</h2><table class=\"status\">\n");
      g_variant_iter_init (&iiter, ifaces);
      while (g_variant_iter_loop (&iiter, "{&s@a{sv}}", &iface, &props))
        if (!skip_interface (iface))
          append_properties (req, out, paths->pdata[i], iface, props);
      g_string_append (out, "</table></section>\n");
    }
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
  g_autoptr (GVariant) root = NULL;
  g_autoptr (GVariant) tls = NULL;
  g_autoptr (GVariant) plugins = NULL;
  GVariantBuilder builder;
  GVariantIter iter;
  const char *path;
  GVariant *ifaces;

  if (reply == NULL)
    return;
  g_variant_get (reply, "(@a{oa{sa{sv}}})", &objects);
  /* The root object's TLS policy gets a section of its own (when the
   * viewer may see some of it); plugin objects one each. */
  root = g_variant_lookup_value (objects, PHONESEC_DBUS_PATH, NULL);
  if (root != NULL)
    tls = g_variant_lookup_value (root, PHONESEC_DBUS_INTERFACE_TLS_POLICY, NULL);
  if (tls != NULL && g_variant_n_children (tls) == 0)
    g_clear_pointer (&tls, g_variant_unref);
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{oa{sa{sv}}}"));
  g_variant_iter_init (&iter, objects);
  while (g_variant_iter_loop (&iter, "{&o@a{sa{sv}}}", &path, &ifaces))
    if (!g_str_equal (path, PHONESEC_DBUS_PATH))
      g_variant_builder_add (&builder, "{o@a{sa{sv}}}", path, ifaces);
  plugins = g_variant_ref_sink (g_variant_builder_end (&builder));
  render_status (req, plugins, tls);
  phonesec_web_request_finish (req);
}

static GVariant *
objects_options (PhonesecWebRole role)
{
  GVariantBuilder options;

  g_variant_builder_init (&options, G_VARIANT_TYPE ("a{sv}"));
  if (role != PHONESEC_WEB_ROLE_ADMIN)
    g_variant_builder_add (&options, "{sv}", "access-level", g_variant_new_string ("user"));
  return g_variant_builder_end (&options);
}

static void
describe_ready (PhonesecWebRequest *req)
{
  g_dbus_connection_call (req->web->bus, PHONESEC_DBUS_NAME, PHONESEC_DBUS_PATH,
                          PHONESEC_DBUS_INTERFACE_MANAGER, "GetObjects",
                          g_variant_new_tuple ((GVariant *[]){ objects_options (req->role) }, 1),
                          G_VARIANT_TYPE ("(a{oa{sa{sv}}})"), G_DBUS_CALL_FLAGS_NONE,
                          PHONESEC_WEB_CALL_TIMEOUT_MS, NULL, objects_done, req);
}

void
phonesec_web_status_page (PhonesecWebRequest *req)
{
  phonesec_web_page_start (req, describe_ready);
}

/* --- server-sent events -------------------------------------------------------------- */

static void refresh_user_view (PhonesecWeb *web);
static GVariant *objects_options (PhonesecWebRole role);

static void
append_json_string (GString *out, const char *text)
{
  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '"' || c == '\\')
        g_string_append_printf (out, "\\%c", c);
      else if (c < 0x20 || c == '<' || c == '>' || c == '&')
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');
}

static void
send_chunk (EventClient *client, const char *text)
{
  soup_message_body_append (soup_server_message_get_response_body (client->msg), SOUP_MEMORY_COPY,
                            text, strlen (text));
  soup_server_message_unpause (client->msg);
}

static void
client_finished (SoupServerMessage *msg, gpointer data)
{
  PhonesecWeb *web = data;

  for (guint i = 0; i < web->event_clients->len; i++)
    {
      EventClient *client = web->event_clients->pdata[i];
      if (client->msg == msg)
        {
          g_signal_handlers_disconnect_by_data (msg, web);
          g_ptr_array_remove_index (web->event_clients, i);
          return;
        }
    }
}

/* Ends @client's stream: libsoup sends the last chunk, then "finished"
 * removes it. The browser's EventSource reconnects by itself. libsoup
 * closes the connection then ("close" is read after the fact, never sent):
 * it would keep it alive otherwise, and libsoup 3.2 leaks a kept-alive
 * connection that the client closes (see phonesec-web-listener.c). */
static void
end_stream (EventClient *client)
{
  client->ending = TRUE;
  soup_message_headers_replace (soup_server_message_get_response_headers (client->msg),
                                "Connection", "close");
  soup_message_body_complete (soup_server_message_get_response_body (client->msg));
  soup_server_message_unpause (client->msg);
}

void
phonesec_web_events_open (PhonesecWeb *web, SoupServerMessage *msg, PhonesecWebLang lang,
                          PhonesecWebRole role)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  EventClient *client, *oldest = NULL;
  guint count = 0;

  /* Streams are limited per account, and a new one ends the account's
   * oldest: however many the user opens, the admin's always start. The
   * array is in opening order. */
  for (guint i = 0; i < web->event_clients->len; i++)
    {
      EventClient *c = web->event_clients->pdata[i];

      if (c->role != role || c->ending)
        continue;
      if (oldest == NULL)
        oldest = c;
      count++;
    }
  if (count >= PHONESEC_WEB_MAX_EVENT_STREAMS_PER_ACCOUNT)
    end_stream (oldest);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  soup_message_headers_set_content_type (headers, "text/event-stream", NULL);
  client = g_new0 (EventClient, 1);
  client->msg = g_object_ref (msg);
  client->lang = lang;
  client->role = role;
  g_ptr_array_add (web->event_clients, client);
  /* The user's stream compares with a view taken before it opened. */
  if (role != PHONESEC_WEB_ROLE_ADMIN && web->user_view == NULL)
    refresh_user_view (web);
  g_signal_connect (msg, "finished", G_CALLBACK (client_finished), web);
  /* The first chunk tells the page the stream is up. */
  send_chunk (client, "event: hello\ndata: {}\n\n");
}

/* Sends @changed (a{sv} of @iface at @path) to the streams of @role. */
static void
send_changes (PhonesecWeb *web, PhonesecWebRole role, const char *path, const char *iface,
              GVariant *changed)
{
  for (guint i = 0; i < web->event_clients->len; i++)
    {
      EventClient *client = web->event_clients->pdata[i];
      PhonesecWebRequest tmp = { .web = web, .lang = client->lang };
      GVariantIter iter;
      const char *prop;
      GVariant *value;

      if (client->ending
          || (client->role == PHONESEC_WEB_ROLE_ADMIN) != (role == PHONESEC_WEB_ROLE_ADMIN))
        continue;
      g_variant_iter_init (&iter, changed);
      while (g_variant_iter_loop (&iter, "{&sv}", &prop, &value))
        {
          g_autofree char *key = prop_key (path, iface, prop);
          g_autofree char *text = phonesec_web_format_value (&tmp, value);
          g_autoptr (GString) event = g_string_new ("data: {\"key\":");

          append_json_string (event, key);
          g_string_append (event, ",\"text\":");
          append_json_string (event, text);
          g_string_append (event, "}\n\n");
          send_chunk (client, event->str);
        }
    }
}

static gboolean
has_user_streams (PhonesecWeb *web)
{
  for (guint i = 0; i < web->event_clients->len; i++)
    {
      EventClient *client = web->event_clients->pdata[i];

      if (!client->ending && client->role != PHONESEC_WEB_ROLE_ADMIN)
        return TRUE;
    }
  return FALSE;
}

/* What changed in the user's view since the last answer goes to the
 * user's streams. */
static void
user_view_done (GObject *source, GAsyncResult *result, gpointer data)
{
  PhonesecWeb *web = data;
  g_autoptr (GVariant) reply
      = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, NULL);
  g_autoptr (GVariant) objects = NULL;
  GVariantIter objects_iter;
  const char *path;
  GVariant *ifaces;

  web->user_view_pending = FALSE;
  if (reply == NULL || web->event_clients == NULL)
    return;
  g_variant_get (reply, "(@a{oa{sa{sv}}})", &objects);
  g_variant_iter_init (&objects_iter, objects);
  while (g_variant_iter_loop (&objects_iter, "{&o@a{sa{sv}}}", &path, &ifaces))
    {
      g_autoptr (GVariant) before_ifaces
          = web->user_view != NULL ? g_variant_lookup_value (web->user_view, path, NULL) : NULL;
      GVariantIter ifaces_iter;
      const char *iface;
      GVariant *props;

      g_variant_iter_init (&ifaces_iter, ifaces);
      while (g_variant_iter_loop (&ifaces_iter, "{&s@a{sv}}", &iface, &props))
        {
          g_autoptr (GVariant) before
              = before_ifaces != NULL ? g_variant_lookup_value (before_ifaces, iface, NULL) : NULL;
          GVariantBuilder changed;
          GVariantIter props_iter;
          const char *prop;
          GVariant *value;

          if (skip_interface (iface))
            continue;
          g_variant_builder_init (&changed, G_VARIANT_TYPE_VARDICT);
          g_variant_iter_init (&props_iter, props);
          while (g_variant_iter_loop (&props_iter, "{&sv}", &prop, &value))
            {
              g_autoptr (GVariant) old
                  = before != NULL ? g_variant_lookup_value (before, prop, NULL) : NULL;

              if (old == NULL || !g_variant_equal (old, value))
                g_variant_builder_add (&changed, "{sv}", prop, value);
            }
          {
            g_autoptr (GVariant) dict = g_variant_ref_sink (g_variant_builder_end (&changed));

            send_changes (web, PHONESEC_WEB_ROLE_USER, path, iface, dict);
          }
        }
    }
  g_clear_pointer (&web->user_view, g_variant_unref);
  web->user_view = g_steal_pointer (&objects);
  if (web->user_view_again)
    {
      web->user_view_again = FALSE;
      refresh_user_view (web);
    }
}

static void
refresh_user_view (PhonesecWeb *web)
{
  if (web->user_view_pending)
    {
      web->user_view_again = TRUE;
      return;
    }
  web->user_view_pending = TRUE;
  g_dbus_connection_call (
      web->bus, PHONESEC_DBUS_NAME, PHONESEC_DBUS_PATH, PHONESEC_DBUS_INTERFACE_MANAGER,
      "GetObjects",
      g_variant_new_tuple ((GVariant *[]){ objects_options (PHONESEC_WEB_ROLE_USER) }, 1),
      G_VARIANT_TYPE ("(a{oa{sa{sv}}})"), G_DBUS_CALL_FLAGS_NONE, PHONESEC_WEB_CALL_TIMEOUT_MS,
      NULL, user_view_done, web);
}

static void
properties_changed (GDBusConnection *connection, const char *sender, const char *path,
                    const char *interface, const char *signal, GVariant *parameters, gpointer data)
{
  PhonesecWeb *web = data;
  const char *iface;
  g_autoptr (GVariant) changed = NULL;
  g_autofree const char **invalidated = NULL;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(sa{sv}as)")))
    return;
  g_variant_get (parameters, "(&s@a{sv}^a&s)", &iface, &changed, &invalidated);
  if (skip_interface (iface))
    return;
  /* The admin's streams get what phonesecd sent us (the admin's view). */
  send_changes (web, PHONESEC_WEB_ROLE_ADMIN, path, iface, changed);
  if (has_user_streams (web))
    refresh_user_view (web);
}

static gboolean
keepalive (gpointer data)
{
  PhonesecWeb *web = data;

  for (guint i = 0; i < web->event_clients->len; i++)
    {
      EventClient *client = web->event_clients->pdata[i];

      if (!client->ending)
        send_chunk (client, ": keep-alive\n\n");
    }
  return G_SOURCE_CONTINUE;
}

void
phonesec_web_events_init (PhonesecWeb *web)
{
  web->event_clients = g_ptr_array_new_with_free_func ((GDestroyNotify) event_client_free);
  web->properties_subscription = g_dbus_connection_signal_subscribe (
      web->bus, PHONESEC_DBUS_NAME, "org.freedesktop.DBus.Properties", "PropertiesChanged", NULL,
      NULL, G_DBUS_SIGNAL_FLAGS_NONE, properties_changed, web, NULL);
  web->keepalive_source = g_timeout_add_seconds (KEEPALIVE_S, keepalive, web);
}

void
phonesec_web_events_shutdown (PhonesecWeb *web)
{
  if (web->properties_subscription != 0)
    g_dbus_connection_signal_unsubscribe (web->bus, web->properties_subscription);
  g_clear_handle_id (&web->keepalive_source, g_source_remove);
  if (web->event_clients != NULL)
    {
      for (guint i = 0; i < web->event_clients->len; i++)
        {
          EventClient *client = web->event_clients->pdata[i];
          g_signal_handlers_disconnect_by_data (client->msg, web);
        }
      g_clear_pointer (&web->event_clients, g_ptr_array_unref);
    }
  g_clear_pointer (&web->user_view, g_variant_unref);
}
