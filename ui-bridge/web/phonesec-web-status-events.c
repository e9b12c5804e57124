/* phonesec-web-status-events.c: Info > Status live, as server-sent events
 * (GET /events) fed by PropertiesChanged.
 *
 * Layer 3, beside the status page: it calls the status view and the
 * request leaf below it, never the router (README.md, "Layers").
 *
 * After a change each account's view is read again (Manager.GetObjects,
 * the phone's user's with access-level=user) and compared with the last
 * one: a stream gets the sections of words that changed ("words" events,
 * in its page's language) and, for the administrator, the changed D-Bus
 * properties of the details (plain events). The user's streams never
 * carry the administrator's signals, only the user's own view.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-web-status.h"

#include <string.h>

#include "phonesec-web-status-view.h"

/* Browsers drop an idle stream after a while; a comment keeps it open and
 * lets us notice clients that went away. */
#define KEEPALIVE_S 15

typedef struct
{
  SoupServerMessage *msg;
  PhonesecWebLang lang;
  PhonesecWebRole role;
  gboolean ending; /* its last chunk is on its way */
  gboolean fresh;  /* opened since the last view: gets all of the next one */
} EventClient;

static const PhonesecWebLang languages[] = { "en", "fr" };

static void refresh_view (PhonesecWeb *web, PhonesecWebRole role);

static void
event_client_free (EventClient *client)
{
  g_object_unref (client->msg);
  g_free (client);
}

static gboolean
is_admin (PhonesecWebRole role)
{
  return role == PHONESEC_WEB_ROLE_ADMIN;
}

static PhonesecWebStatusView *
view_of (PhonesecWeb *web, PhonesecWebRole role)
{
  return is_admin (role) ? &web->admin_view : &web->user_view;
}

/* Whether @client streams @role's view in @lang (NULL: any language). */
static gboolean
client_is (EventClient *client, PhonesecWebRole role, PhonesecWebLang lang)
{
  return !client->ending && is_admin (client->role) == is_admin (role)
         && (lang == NULL || g_strcmp0 (client->lang, lang) == 0);
}

static gboolean
has_streams (PhonesecWeb *web, PhonesecWebRole role, PhonesecWebLang lang)
{
  for (guint i = 0; web->event_clients != NULL && i < web->event_clients->len; i++)
    if (client_is (web->event_clients->pdata[i], role, lang))
      return TRUE;
  return FALSE;
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
  client->fresh = TRUE;
  g_ptr_array_add (web->event_clients, client);
  /* What changed between the page and its stream comes with the next
   * view, which this stream gets whole. */
  refresh_view (web, role);
  g_signal_connect (msg, "finished", G_CALLBACK (client_finished), web);
  /* The first chunk tells the page the stream is up. */
  send_chunk (client, "event: hello\ndata: {}\n\n");
}

/* --- words ---------------------------------------------------------------------- */

/* One "words" event per section of @objects in @lang. */
static GPtrArray *
words_events (PhonesecWeb *web, PhonesecWebLang lang, GVariant *objects)
{
  g_autoptr (GPtrArray) sections = phonesec_web_status_sections (web, lang, objects);
  GPtrArray *events = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < sections->len; i++)
    {
      GString *event = g_string_new ("event: words\ndata: ");

      phonesec_web_status_section_json (event, g_ptr_array_index (sections, i));
      g_string_append (event, "\n\n");
      g_ptr_array_add (events, g_string_free (event, FALSE));
    }
  return events;
}

/* The sections that differ from @before go to @role's streams in @lang;
 * all of them to fresh streams. */
static void
send_words_in (PhonesecWeb *web, PhonesecWebRole role, PhonesecWebLang lang, GVariant *before,
               GVariant *objects)
{
  g_autoptr (GPtrArray) now = words_events (web, lang, objects);
  g_autoptr (GPtrArray) old = before != NULL ? words_events (web, lang, before) : NULL;

  for (guint i = 0; i < web->event_clients->len; i++)
    {
      EventClient *client = web->event_clients->pdata[i];

      if (!client_is (client, role, lang))
        continue;
      for (guint j = 0; j < now->len; j++)
        if (client->fresh || old == NULL
            || !g_ptr_array_find_with_equal_func (old, now->pdata[j], g_str_equal, NULL))
          send_chunk (client, now->pdata[j]);
    }
}

/* --- details (the administrator's raw properties) ------------------------------ */

static void
send_properties (EventClient *client, PhonesecWeb *web, const char *path, const char *iface,
                 GVariant *props)
{
  PhonesecWebRequest tmp = { .web = web, .lang = client->lang };
  GVariantIter iter;
  const char *prop;
  GVariant *value;

  g_variant_iter_init (&iter, props);
  while (g_variant_iter_loop (&iter, "{&sv}", &prop, &value))
    {
      g_autofree char *key = phonesec_web_status_prop_key (path, iface, prop);
      g_autofree char *text = phonesec_web_format_value (&tmp, value);
      g_autoptr (GString) event = g_string_new ("data: {\"key\":");

      phonesec_web_status_append_json (event, key);
      g_string_append (event, ",\"text\":");
      phonesec_web_status_append_json (event, text);
      g_string_append (event, "}\n\n");
      send_chunk (client, event->str);
    }
}

/* The properties of @props that are new or differ in @before. */
static GVariant *
changed_properties (GVariant *before, GVariant *props)
{
  GVariantBuilder changed;
  GVariantIter iter;
  const char *prop;
  GVariant *value;

  g_variant_builder_init (&changed, G_VARIANT_TYPE_VARDICT);
  g_variant_iter_init (&iter, props);
  while (g_variant_iter_loop (&iter, "{&sv}", &prop, &value))
    {
      g_autoptr (GVariant) old
          = before != NULL ? g_variant_lookup_value (before, prop, NULL) : NULL;

      if (old == NULL || !g_variant_equal (old, value))
        g_variant_builder_add (&changed, "{sv}", prop, value);
    }
  return g_variant_ref_sink (g_variant_builder_end (&changed));
}

static void
send_interface_details (PhonesecWeb *web, const char *path, const char *iface, GVariant *before,
                        GVariant *props)
{
  g_autoptr (GVariant) changed = changed_properties (before, props);

  for (guint i = 0; i < web->event_clients->len; i++)
    {
      EventClient *client = web->event_clients->pdata[i];

      if (client_is (client, PHONESEC_WEB_ROLE_ADMIN, NULL))
        send_properties (client, web, path, iface, client->fresh ? props : changed);
    }
}

/* What changed in the administrator's details since @before. */
static void
send_details (PhonesecWeb *web, GVariant *before, GVariant *objects)
{
  GVariantIter objects_iter;
  const char *path;
  GVariant *ifaces;

  g_variant_iter_init (&objects_iter, objects);
  while (g_variant_iter_loop (&objects_iter, "{&o@a{sa{sv}}}", &path, &ifaces))
    {
      g_autoptr (GVariant) before_ifaces
          = before != NULL ? g_variant_lookup_value (before, path, NULL) : NULL;
      GVariantIter ifaces_iter;
      const char *iface;
      GVariant *props;

      g_variant_iter_init (&ifaces_iter, ifaces);
      while (g_variant_iter_loop (&ifaces_iter, "{&s@a{sv}}", &iface, &props))
        {
          g_autoptr (GVariant) old
              = before_ifaces != NULL ? g_variant_lookup_value (before_ifaces, iface, NULL) : NULL;

          if (!g_str_has_prefix (iface, "org.freedesktop.DBus."))
            send_interface_details (web, path, iface, old, props);
        }
    }
}

/* --- reading the views --------------------------------------------------------- */

static void
view_read (PhonesecWeb *web, PhonesecWebRole role, GVariant *reply)
{
  PhonesecWebStatusView *view = view_of (web, role);
  g_autoptr (GVariant) objects = NULL;

  view->pending = FALSE;
  if (reply == NULL || web->event_clients == NULL)
    return;
  g_variant_get (reply, "(@a{oa{sa{sv}}})", &objects);
  if (is_admin (role))
    send_details (web, view->objects, objects);
  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    if (has_streams (web, role, languages[i]))
      send_words_in (web, role, languages[i], view->objects, objects);
  for (guint i = 0; i < web->event_clients->len; i++)
    {
      EventClient *client = web->event_clients->pdata[i];

      if (client_is (client, role, NULL))
        client->fresh = FALSE;
    }
  g_clear_pointer (&view->objects, g_variant_unref);
  view->objects = g_steal_pointer (&objects);
  if (view->again)
    {
      view->again = FALSE;
      refresh_view (web, role);
    }
}

static void
admin_view_done (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GVariant) reply
      = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, NULL);

  view_read (data, PHONESEC_WEB_ROLE_ADMIN, reply);
}

static void
user_view_done (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (GVariant) reply
      = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, NULL);

  view_read (data, PHONESEC_WEB_ROLE_USER, reply);
}

/* Reads @role's view again; one read at a time, and one more if a change
 * came meanwhile. */
static void
refresh_view (PhonesecWeb *web, PhonesecWebRole role)
{
  PhonesecWebStatusView *view = view_of (web, role);

  if (view->pending)
    {
      view->again = TRUE;
      return;
    }
  view->pending = TRUE;
  g_dbus_connection_call (
      web->bus, PHONESEC_DBUS_NAME, PHONESEC_DBUS_PATH, PHONESEC_DBUS_INTERFACE_MANAGER,
      "GetObjects",
      g_variant_new_tuple ((GVariant *[]){ phonesec_web_status_view_options (role) }, 1),
      G_VARIANT_TYPE ("(a{oa{sa{sv}}})"), G_DBUS_CALL_FLAGS_NONE, PHONESEC_WEB_CALL_TIMEOUT_MS,
      NULL, is_admin (role) ? admin_view_done : user_view_done, web);
}

static void
properties_changed (GDBusConnection *connection, const char *sender, const char *path,
                    const char *interface, const char *signal, GVariant *parameters, gpointer data)
{
  PhonesecWeb *web = data;
  const char *iface;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(sa{sv}as)")))
    return;
  g_variant_get (parameters, "(&s@a{sv}@as)", &iface, NULL, NULL);
  if (g_str_has_prefix (iface, "org.freedesktop.DBus."))
    return;
  /* The signal itself carries the admin's view: it is only the cue. */
  if (has_streams (web, PHONESEC_WEB_ROLE_ADMIN, NULL))
    refresh_view (web, PHONESEC_WEB_ROLE_ADMIN);
  if (has_streams (web, PHONESEC_WEB_ROLE_USER, NULL))
    refresh_view (web, PHONESEC_WEB_ROLE_USER);
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
  g_clear_pointer (&web->admin_view.objects, g_variant_unref);
  g_clear_pointer (&web->user_view.objects, g_variant_unref);
}
