/* phonesecctl-monitor.c: the monitor command — one line per event.
 *
 * Signals are matched on the daemon's unique name, not its well-known name:
 * any peer can emit a signal, and only the owner's are phonesecd's. The
 * owner is followed through NameOwnerChanged so a restart is survived.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <glib-unix.h>
#include <glib/gi18n.h>

#include "phonesecctl-format.h"
#include "phonesecctl.h"

typedef struct
{
  PhonesecctlContext *ctx;
  GMainLoop *loop;
  char *owner; /* unique name of phonesecd, or NULL while it is not running */
  guint owner_changed_id;
  guint changed_id;
  guint properties_changed_id;
  guint interfaces_added_id;
  guint interfaces_removed_id;
  PhonesecctlExit status;
} Monitor;

/* One event: "12:00:01.123 Changed generation=5 Proxy_Mode,Proxy_Port", or
 * a JSON object per line with "time" (ISO 8601) and "event" first. */
static void
emit (Monitor *monitor, const char *event, const char *text, GVariant *fields)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();

  if (monitor->ctx->opts->json)
    {
      g_autoptr (GString) out = g_string_new ("{\"time\": ");
      g_autofree char *iso = g_date_time_format_iso8601 (now);
      GVariantIter iter;
      const char *key;
      GVariant *value;

      phonesecctl_json_append_string (out, iso);
      g_string_append (out, ", \"event\": ");
      phonesecctl_json_append_string (out, event);
      if (fields != NULL)
        {
          g_variant_iter_init (&iter, fields);
          while (g_variant_iter_loop (&iter, "{&sv}", &key, &value))
            {
              g_string_append (out, ", ");
              phonesecctl_json_append_string (out, key);
              g_string_append (out, ": ");
              phonesecctl_json_append_variant (out, value, -1);
            }
        }
      g_string_append (out, "}\n");
      fputs (out->str, stdout);
    }
  else
    {
      g_autofree char *clock = g_date_time_format (now, "%H:%M:%S");
      printf ("%s.%03d %s%s%s\n", clock, g_date_time_get_microsecond (now) / 1000, event,
              text != NULL && text[0] != '\0' ? " " : "", text != NULL ? text : "");
    }
  /* Events must reach a pipe as they happen, not when a buffer fills. */
  fflush (stdout);
}

static char *
join_strv_variant (GVariant *strv)
{
  g_autofree const char **items = g_variant_get_strv (strv, NULL);

  return g_strjoinv (",", (char **) items);
}

static void
on_changed (G_GNUC_UNUSED GDBusConnection *connection, G_GNUC_UNUSED const char *sender,
            G_GNUC_UNUSED const char *path, G_GNUC_UNUSED const char *interface,
            G_GNUC_UNUSED const char *member, GVariant *parameters, gpointer user_data)
{
  Monitor *monitor = user_data;
  g_autoptr (GVariant) names = NULL;
  g_autofree char *joined = NULL;
  g_autofree char *text = NULL;
  GVariantBuilder fields;
  guint64 generation;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(tas)")))
    return;
  g_variant_get (parameters, "(t@as)", &generation, &names);
  joined = join_strv_variant (names);
  text = g_strdup_printf ("generation=%" G_GUINT64_FORMAT " %s", generation, joined);

  g_variant_builder_init (&fields, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&fields, "{sv}", "generation", g_variant_new ("t", generation));
  g_variant_builder_add (&fields, "{sv}", "names", names);
  {
    g_autoptr (GVariant) dict = g_variant_ref_sink (g_variant_builder_end (&fields));
    emit (monitor, "Changed", text, dict);
  }
}

static void
on_properties_changed (G_GNUC_UNUSED GDBusConnection *connection, G_GNUC_UNUSED const char *sender,
                       const char *path, G_GNUC_UNUSED const char *interface,
                       G_GNUC_UNUSED const char *member, GVariant *parameters, gpointer user_data)
{
  Monitor *monitor = user_data;
  g_autoptr (GVariant) changed = NULL;
  g_autoptr (GVariant) invalidated = NULL;
  g_autoptr (GString) text = g_string_new (NULL);
  const char *changed_interface;
  GVariantBuilder fields;
  GVariantIter iter;
  const char *name;
  GVariant *value;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(sa{sv}as)")))
    return;
  g_variant_get (parameters, "(&s@a{sv}@as)", &changed_interface, &changed, &invalidated);

  g_string_append_printf (text, "%s %s", path, changed_interface);
  g_variant_iter_init (&iter, changed);
  while (g_variant_iter_loop (&iter, "{&sv}", &name, &value))
    {
      g_autofree char *formatted = phonesecctl_format_value (value);
      g_autofree char *cell = phonesecctl_sanitize_cell (formatted);
      g_string_append_printf (text, " %s=%s", name, cell);
    }
  g_variant_iter_init (&iter, invalidated);
  while (g_variant_iter_next (&iter, "&s", &name))
    g_string_append_printf (text, " %s(invalidated)", name);

  g_variant_builder_init (&fields, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&fields, "{sv}", "path", g_variant_new ("s", path));
  g_variant_builder_add (&fields, "{sv}", "interface", g_variant_new ("s", changed_interface));
  g_variant_builder_add (&fields, "{sv}", "changed", changed);
  g_variant_builder_add (&fields, "{sv}", "invalidated", invalidated);
  {
    g_autoptr (GVariant) dict = g_variant_ref_sink (g_variant_builder_end (&fields));
    emit (monitor, "PropertiesChanged", text->str, dict);
  }
}

static void
on_interfaces_changed (G_GNUC_UNUSED GDBusConnection *connection, G_GNUC_UNUSED const char *sender,
                       G_GNUC_UNUSED const char *path, G_GNUC_UNUSED const char *interface,
                       const char *member, GVariant *parameters, gpointer user_data)
{
  Monitor *monitor = user_data;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GVariant) interfaces = NULL;
  g_autofree char *joined = NULL;
  g_autofree char *text = NULL;
  const char *object_path;
  GVariantBuilder fields;
  GVariantIter iter;
  const char *name;

  if (g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(oa{sa{sv}})")))
    {
      g_variant_get (parameters, "(&o@a{sa{sv}})", &object_path, &interfaces);
      g_variant_iter_init (&iter, interfaces);
      while (g_variant_iter_loop (&iter, "{&s@a{sv}}", &name, NULL))
        g_ptr_array_add (names, g_strdup (name));
    }
  else if (g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(oas)")))
    {
      g_variant_get (parameters, "(&o@as)", &object_path, &interfaces);
      g_variant_iter_init (&iter, interfaces);
      while (g_variant_iter_next (&iter, "&s", &name))
        g_ptr_array_add (names, g_strdup (name));
    }
  else
    {
      return;
    }
  g_ptr_array_add (names, NULL);
  joined = g_strjoinv (",", (char **) names->pdata);
  text = g_strdup_printf ("%s %s", object_path, joined);

  g_variant_builder_init (&fields, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&fields, "{sv}", "path", g_variant_new ("s", object_path));
  g_variant_builder_add (&fields, "{sv}", "interfaces",
                         g_variant_new ("^as", (char **) names->pdata));
  {
    g_autoptr (GVariant) dict = g_variant_ref_sink (g_variant_builder_end (&fields));
    emit (monitor, member, text, dict);
  }
}

static gboolean query_owner (Monitor *monitor, char **owner, GError **error);

/* phonesecd addresses its signals to the clients that have called it: this
 * call makes it send them here. A round trip to the daemon also means every
 * AddMatch sent before it is in force. */
static gboolean
subscribe_to_daemon (Monitor *monitor, GError **error)
{
  g_autoptr (GVariant) reply = g_dbus_connection_call_sync (
      monitor->ctx->connection, PHONESEC_DBUS_NAME, PHONESEC_DBUS_PATH,
      PHONESEC_DBUS_INTERFACE_MANAGER, "Subscribe", NULL, NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL,
      error);

  return reply != NULL;
}

static void
unsubscribe_daemon (Monitor *monitor)
{
  guint *ids[] = { &monitor->changed_id, &monitor->properties_changed_id,
                   &monitor->interfaces_added_id, &monitor->interfaces_removed_id };

  for (gsize i = 0; i < G_N_ELEMENTS (ids); i++)
    if (*ids[i] != 0)
      {
        g_dbus_connection_signal_unsubscribe (monitor->ctx->connection, *ids[i]);
        *ids[i] = 0;
      }
}

static void
subscribe_daemon (Monitor *monitor)
{
  GDBusConnection *connection = monitor->ctx->connection;

  unsubscribe_daemon (monitor);
  if (monitor->owner == NULL)
    return;

  monitor->changed_id = g_dbus_connection_signal_subscribe (
      connection, monitor->owner, PHONESEC_DBUS_INTERFACE_CONFIG, "Changed", PHONESEC_DBUS_PATH,
      NULL, G_DBUS_SIGNAL_FLAGS_NONE, on_changed, monitor, NULL);
  /* Every object of the daemon: the root and each plugin. */
  monitor->properties_changed_id = g_dbus_connection_signal_subscribe (
      connection, monitor->owner, "org.freedesktop.DBus.Properties", "PropertiesChanged", NULL,
      NULL, G_DBUS_SIGNAL_FLAGS_NONE, on_properties_changed, monitor, NULL);
  monitor->interfaces_added_id = g_dbus_connection_signal_subscribe (
      connection, monitor->owner, "org.freedesktop.DBus.ObjectManager", "InterfacesAdded",
      PHONESEC_DBUS_PATH, NULL, G_DBUS_SIGNAL_FLAGS_NONE, on_interfaces_changed, monitor, NULL);
  monitor->interfaces_removed_id = g_dbus_connection_signal_subscribe (
      connection, monitor->owner, "org.freedesktop.DBus.ObjectManager", "InterfacesRemoved",
      PHONESEC_DBUS_PATH, NULL, G_DBUS_SIGNAL_FLAGS_NONE, on_interfaces_changed, monitor, NULL);
}

static void
on_name_owner_changed (G_GNUC_UNUSED GDBusConnection *connection, G_GNUC_UNUSED const char *sender,
                       G_GNUC_UNUSED const char *path, G_GNUC_UNUSED const char *interface,
                       G_GNUC_UNUSED const char *member, GVariant *parameters, gpointer user_data)
{
  Monitor *monitor = user_data;
  const char *name, *old_owner, *new_owner;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(sss)")))
    return;
  g_variant_get (parameters, "(&s&s&s)", &name, &old_owner, &new_owner);
  if (strcmp (name, PHONESEC_DBUS_NAME) != 0)
    return;

  if (old_owner[0] != '\0')
    {
      g_autoptr (GVariant) fields
          = g_variant_ref_sink (g_variant_new_parsed ("{'owner': <%s>}", old_owner));
      g_autofree char *text = g_strdup_printf ("owner=%s", old_owner);
      emit (monitor, "DaemonStopped", text, fields);
    }

  g_clear_pointer (&monitor->owner, g_free);
  if (new_owner[0] != '\0')
    monitor->owner = g_strdup (new_owner);
  subscribe_daemon (monitor);
  if (monitor->owner != NULL)
    {
      g_autoptr (GError) error = NULL;

      /* Before the line below tells anyone the daemon is watched again. */
      if (!subscribe_to_daemon (monitor, &error))
        g_debug ("Subscribe: %s", error->message);
    }

  if (new_owner[0] != '\0')
    {
      g_autoptr (GVariant) fields
          = g_variant_ref_sink (g_variant_new_parsed ("{'owner': <%s>}", new_owner));
      g_autofree char *text = g_strdup_printf ("owner=%s", new_owner);
      emit (monitor, "DaemonStarted", text, fields);
    }
}

static void
on_connection_closed (G_GNUC_UNUSED GDBusConnection *connection,
                      G_GNUC_UNUSED gboolean remote_peer_vanished, G_GNUC_UNUSED GError *error,
                      gpointer user_data)
{
  Monitor *monitor = user_data;

  phonesecctl_print_error (_ ("The connection to the bus was closed"));
  monitor->status = PHONESECCTL_EXIT_NO_DAEMON;
  g_main_loop_quit (monitor->loop);
}

static gboolean
on_quit_signal (gpointer user_data)
{
  Monitor *monitor = user_data;

  g_main_loop_quit (monitor->loop);
  return G_SOURCE_CONTINUE;
}

/* Asks the bus who owns the name. A round trip to the bus also guarantees
 * that every AddMatch sent before it is in force. */
static gboolean
query_owner (Monitor *monitor, char **owner, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GVariant) reply = NULL;

  reply = g_dbus_connection_call_sync (
      monitor->ctx->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
      "org.freedesktop.DBus", "GetNameOwner", g_variant_new ("(s)", PHONESEC_DBUS_NAME),
      G_VARIANT_TYPE ("(s)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &local_error);
  if (reply != NULL)
    {
      g_variant_get (reply, "(s)", owner);
      return TRUE;
    }
  if (g_error_matches (local_error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER))
    {
      *owner = NULL;
      return TRUE;
    }
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

PhonesecctlExit
phonesecctl_cmd_monitor (PhonesecctlContext *ctx, char **args)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  g_autofree char *ready = NULL;
  Monitor monitor = { 0 };
  gulong closed_id;
  guint sigint_id, sigterm_id;

  if (args != NULL && args[0] != NULL)
    return phonesecctl_usage_error (ctx, _ ("“monitor” takes no arguments"));

  if (!phonesecctl_ensure_connection (ctx, &error))
    return phonesecctl_fail (ctx, error);

  loop = g_main_loop_new (NULL, FALSE);
  monitor.ctx = ctx;
  monitor.loop = loop;
  monitor.status = PHONESECCTL_EXIT_OK;

  /* Follow the owner first, then ask for it: no change can fall between. */
  monitor.owner_changed_id = g_dbus_connection_signal_subscribe (
      ctx->connection, "org.freedesktop.DBus", "org.freedesktop.DBus", "NameOwnerChanged",
      "/org/freedesktop/DBus", PHONESEC_DBUS_NAME, G_DBUS_SIGNAL_FLAGS_NONE, on_name_owner_changed,
      &monitor, NULL);
  if (!query_owner (&monitor, &monitor.owner, &error))
    {
      g_dbus_connection_signal_unsubscribe (ctx->connection, monitor.owner_changed_id);
      return phonesecctl_fail (ctx, error);
    }
  subscribe_daemon (&monitor);

  /* Once this returns the daemon sends its signals here and our matches
   * are active, so the “ready” notice below is a promise a test or script
   * can rely on. */
  {
    g_autofree char *again = NULL;
    if (!query_owner (&monitor, &again, &error)
        || (monitor.owner != NULL && !subscribe_to_daemon (&monitor, &error)))
      {
        unsubscribe_daemon (&monitor);
        g_dbus_connection_signal_unsubscribe (ctx->connection, monitor.owner_changed_id);
        g_free (monitor.owner);
        return phonesecctl_fail (ctx, error);
      }
  }

  if (monitor.owner != NULL)
    ready = g_strdup_printf (_ ("Monitoring %s (%s); press Ctrl+C to stop."), PHONESEC_DBUS_NAME,
                             monitor.owner);
  else
    ready = g_strdup_printf (_ ("Monitoring %s, which is not running now; press Ctrl+C to stop."),
                             PHONESEC_DBUS_NAME);
  fprintf (stderr, "%s\n", ready);
  fflush (stderr);

  closed_id
      = g_signal_connect (ctx->connection, "closed", G_CALLBACK (on_connection_closed), &monitor);
  sigint_id = g_unix_signal_add (SIGINT, on_quit_signal, &monitor);
  sigterm_id = g_unix_signal_add (SIGTERM, on_quit_signal, &monitor);

  g_main_loop_run (loop);

  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  g_signal_handler_disconnect (ctx->connection, closed_id);
  unsubscribe_daemon (&monitor);
  g_dbus_connection_signal_unsubscribe (ctx->connection, monitor.owner_changed_id);
  g_free (monitor.owner);
  return monitor.status;
}
