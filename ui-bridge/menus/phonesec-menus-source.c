/* phonesec-menus-source.c: phonesecd's state as the phone's user sees it.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-menus-source.h"

#include <string.h>

#include <phonesec/phonesec-dbus-names.h>

#define CALL_TIMEOUT_MS 30000

struct _PhonesecMenusSource
{
  GDBusConnection *connection;
  PhonesecMenusSourceFunc func;
  gpointer user_data;

  char *owner; /* phonesecd's unique name, NULL while it is not running */
  guint owner_watch;
  guint signal_ids[4];

  GCancellable *cancellable; /* of the refresh in flight */
  gboolean refreshing;
  gboolean refresh_again;
  gboolean ready;

  GPtrArray *names;      /* visible parameters, Describe's order */
  GHashTable *described; /* name → a{sv} */
  GHashTable *values;    /* name → value */
  GHashTable *objects;   /* path → (interface → (property → value)) */
};

static void refresh (PhonesecMenusSource *self);

static GHashTable *
new_variant_table (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_variant_unref);
}

static void
notify (PhonesecMenusSource *self, const char *path, const char *interface)
{
  self->func (self, path, interface, self->user_data);
}

static void
clear_state (PhonesecMenusSource *self)
{
  g_ptr_array_set_size (self->names, 0);
  g_hash_table_remove_all (self->described);
  g_hash_table_remove_all (self->values);
  g_hash_table_remove_all (self->objects);
  self->ready = FALSE;
}

/* --- the refresh: Subscribe, Describe, Get, GetObjects ---------------------- */

static void
call_daemon (PhonesecMenusSource *self, const char *interface, const char *method,
             GVariant *parameters, const char *reply_type, GAsyncReadyCallback callback)
{
  g_dbus_connection_call (self->connection, PHONESEC_DBUS_NAME, PHONESEC_DBUS_PATH, interface,
                          method, parameters, G_VARIANT_TYPE (reply_type),
                          G_DBUS_CALL_FLAGS_NO_AUTO_START, CALL_TIMEOUT_MS, self->cancellable,
                          callback, self);
}

/* Ends a refresh. When a change came meanwhile (Config.Changed is sent
 * before the reply of a later call), what was read may mix two states, a
 * value read after an admin hid it for one: it is never shown, the next
 * refresh starts at once. */
static void
refresh_done (PhonesecMenusSource *self, gboolean ok)
{
  self->refreshing = FALSE;
  if (self->refresh_again)
    {
      refresh (self);
      return;
    }
  self->ready = ok;
  if (!ok)
    clear_state (self);
  notify (self, NULL, NULL);
}

/* Returns the reply, or NULL after ending the refresh (or, when it was
 * cancelled, touching nothing: @self may be gone). */
static GVariant *
finish_step (GObject *object, GAsyncResult *result, PhonesecMenusSource **self_inout)
{
  g_autoptr (GError) error = NULL;
  GVariant *reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);

  if (reply != NULL)
    return reply;
  g_autofree char *name = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return NULL;
  g_debug ("reading phonesecd's state: %s", error->message);
  /* A parameter hidden between Describe and Get (we run as a user): its
   * Config.Changed is on its way; read again. */
  name = g_dbus_error_get_remote_error (error);
  if (g_strcmp0 (name, PHONESEC_DBUS_ERROR_PREFIX "UnknownParameter") == 0)
    (*self_inout)->refresh_again = TRUE;
  refresh_done (*self_inout, FALSE);
  return NULL;
}

static void
store_objects (PhonesecMenusSource *self, GVariant *objects)
{
  GVariantIter objects_iter, interfaces_iter, props_iter;
  const char *path, *interface, *prop;
  GVariant *interfaces, *props, *value;

  g_hash_table_remove_all (self->objects);
  g_variant_iter_init (&objects_iter, objects);
  while (g_variant_iter_loop (&objects_iter, "{&o@a{sa{sv}}}", &path, &interfaces))
    {
      GHashTable *by_interface = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                        (GDestroyNotify) g_hash_table_unref);

      g_hash_table_insert (self->objects, g_strdup (path), by_interface);
      g_variant_iter_init (&interfaces_iter, interfaces);
      while (g_variant_iter_loop (&interfaces_iter, "{&s@a{sv}}", &interface, &props))
        {
          GHashTable *by_name = new_variant_table ();

          g_hash_table_insert (by_interface, g_strdup (interface), by_name);
          g_variant_iter_init (&props_iter, props);
          while (g_variant_iter_loop (&props_iter, "{&sv}", &prop, &value))
            g_hash_table_insert (by_name, g_strdup (prop), g_variant_ref (value));
        }
    }
}

static void
on_get_objects (GObject *object, GAsyncResult *result, gpointer user_data)
{
  PhonesecMenusSource *self = user_data;
  g_autoptr (GVariant) reply = finish_step (object, result, &self);
  g_autoptr (GVariant) objects = NULL;

  if (reply == NULL)
    return;
  objects = g_variant_get_child_value (reply, 0);
  store_objects (self, objects);
  refresh_done (self, TRUE);
}

static void
get_objects (PhonesecMenusSource *self)
{
  GVariantBuilder options;

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "access-level", g_variant_new_string ("user"));
  call_daemon (self, PHONESEC_DBUS_INTERFACE_MANAGER, "GetObjects",
               g_variant_new ("(a{sv})", &options), "(a{oa{sa{sv}}})", on_get_objects);
}

static void
on_get (GObject *object, GAsyncResult *result, gpointer user_data)
{
  PhonesecMenusSource *self = user_data;
  g_autoptr (GVariant) reply = finish_step (object, result, &self);
  g_autoptr (GVariant) values = NULL;
  GVariantIter iter;
  const char *name;
  GVariant *value;

  if (reply == NULL)
    return;
  values = g_variant_get_child_value (reply, 0);
  g_hash_table_remove_all (self->values);
  g_variant_iter_init (&iter, values);
  while (g_variant_iter_loop (&iter, "{&sv}", &name, &value))
    if (g_hash_table_contains (self->described, name))
      g_hash_table_insert (self->values, g_strdup (name), g_variant_ref (value));
  get_objects (self);
}

/* The user's view of the parameters: ro and rw only (see the header). */
static gboolean
user_may_read (GVariant *description)
{
  const char *access = NULL;

  return g_variant_lookup (description, "access", "&s", &access)
         && (strcmp (access, "ro") == 0 || strcmp (access, "rw") == 0);
}

static void
on_describe (GObject *object, GAsyncResult *result, gpointer user_data)
{
  PhonesecMenusSource *self = user_data;
  g_autoptr (GVariant) reply = finish_step (object, result, &self);
  g_autoptr (GVariant) described = NULL;
  GVariantIter iter;
  const char *name;
  GVariant *description;

  if (reply == NULL)
    return;
  described = g_variant_get_child_value (reply, 0);
  g_ptr_array_set_size (self->names, 0);
  g_hash_table_remove_all (self->described);
  g_variant_iter_init (&iter, described);
  while (g_variant_iter_loop (&iter, "{&s@a{sv}}", &name, &description))
    if (user_may_read (description))
      {
        g_ptr_array_add (self->names, g_strdup (name));
        g_hash_table_insert (self->described, g_strdup (name), g_variant_ref (description));
      }
  /* Get of no name would answer every parameter the caller may read. */
  if (self->names->len == 0)
    {
      g_hash_table_remove_all (self->values);
      get_objects (self);
      return;
    }
  /* NULL-terminated for the (as) below; the terminator is dropped after. */
  g_ptr_array_add (self->names, NULL);
  call_daemon (self, PHONESEC_DBUS_INTERFACE_CONFIG, "Get",
               g_variant_new ("(^as)", (char **) self->names->pdata), "(a{sv})", on_get);
  g_ptr_array_set_size (self->names, self->names->len - 1);
}

static void
on_subscribe (GObject *object, GAsyncResult *result, gpointer user_data)
{
  PhonesecMenusSource *self = user_data;
  g_autoptr (GVariant) reply = finish_step (object, result, &self);

  if (reply == NULL)
    return;
  call_daemon (self, PHONESEC_DBUS_INTERFACE_CONFIG, "Describe", g_variant_new_parsed ("(@as [],)"),
               "(a{sa{sv}})", on_describe);
}

/* Reads the whole user's view again; a change meanwhile queues one more. */
static void
refresh (PhonesecMenusSource *self)
{
  if (self->refreshing)
    {
      self->refresh_again = TRUE;
      return;
    }
  self->refresh_again = FALSE;
  if (self->owner == NULL)
    {
      clear_state (self);
      notify (self, NULL, NULL);
      return;
    }
  self->refreshing = TRUE;
  /* Subscribe again each time: harmless, and it covers a daemon that
   * re-executed itself under the same unique name. */
  call_daemon (self, PHONESEC_DBUS_INTERFACE_MANAGER, "Subscribe", NULL, "()", on_subscribe);
}

/* --- signals ------------------------------------------------------------------ */

/* Takes the changed properties that the user's view holds; FALSE when one
 * was invalidated (hidden now, or to be read again). */
static gboolean
update_properties (GHashTable *by_name, GVariant *changed, GVariant *invalidated)
{
  GVariantIter iter;
  const char *prop;
  GVariant *value;

  g_variant_iter_init (&iter, invalidated);
  while (g_variant_iter_next (&iter, "&s", &prop))
    if (g_hash_table_contains (by_name, prop))
      return FALSE;
  g_variant_iter_init (&iter, changed);
  while (g_variant_iter_loop (&iter, "{&sv}", &prop, &value))
    if (g_hash_table_contains (by_name, prop))
      g_hash_table_insert (by_name, g_strdup (prop), g_variant_ref (value));
  return TRUE;
}

static void
on_properties_changed (GDBusConnection *connection, const char *sender, const char *path,
                       const char *signal_interface, const char *member, GVariant *parameters,
                       gpointer user_data)
{
  PhonesecMenusSource *self = user_data;
  g_autoptr (GVariant) changed = NULL;
  g_autoptr (GVariant) invalidated = NULL;
  const char *interface;
  GHashTable *by_interface, *by_name;

  /* A refresh in flight reads it anyway (signals sent before its last
   * call are reflected in that call's answer). */
  if (self->refreshing || !g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(sa{sv}as)")))
    return;
  g_variant_get (parameters, "(&s@a{sv}@as)", &interface, &changed, &invalidated);
  by_interface = g_hash_table_lookup (self->objects, path);
  by_name = by_interface != NULL ? g_hash_table_lookup (by_interface, interface) : NULL;
  if (by_name == NULL)
    return; /* not in the user's view */
  if (!update_properties (by_name, changed, invalidated))
    {
      refresh (self);
      return;
    }
  notify (self, path, interface);
}

/* Config.Changed (values and ua), InterfacesAdded/Removed. */
static void
on_view_changed (GDBusConnection *connection, const char *sender, const char *path,
                 const char *interface, const char *member, GVariant *parameters,
                 gpointer user_data)
{
  refresh (user_data);
}

static void
unsubscribe_signals (PhonesecMenusSource *self)
{
  for (gsize i = 0; i < G_N_ELEMENTS (self->signal_ids); i++)
    if (self->signal_ids[i] != 0)
      {
        g_dbus_connection_signal_unsubscribe (self->connection, self->signal_ids[i]);
        self->signal_ids[i] = 0;
      }
}

/* Matched on the daemon's unique name: any peer may emit a signal with
 * these names, only the owner's are phonesecd's. */
static void
subscribe_signals (PhonesecMenusSource *self)
{
  GDBusConnection *c = self->connection;

  unsubscribe_signals (self);
  self->signal_ids[0] = g_dbus_connection_signal_subscribe (
      c, self->owner, PHONESEC_DBUS_INTERFACE_CONFIG, "Changed", PHONESEC_DBUS_PATH, NULL,
      G_DBUS_SIGNAL_FLAGS_NONE, on_view_changed, self, NULL);
  self->signal_ids[1] = g_dbus_connection_signal_subscribe (
      c, self->owner, "org.freedesktop.DBus.Properties", "PropertiesChanged", NULL, NULL,
      G_DBUS_SIGNAL_FLAGS_NONE, on_properties_changed, self, NULL);
  self->signal_ids[2] = g_dbus_connection_signal_subscribe (
      c, self->owner, "org.freedesktop.DBus.ObjectManager", "InterfacesAdded", PHONESEC_DBUS_PATH,
      NULL, G_DBUS_SIGNAL_FLAGS_NONE, on_view_changed, self, NULL);
  self->signal_ids[3] = g_dbus_connection_signal_subscribe (
      c, self->owner, "org.freedesktop.DBus.ObjectManager", "InterfacesRemoved", PHONESEC_DBUS_PATH,
      NULL, G_DBUS_SIGNAL_FLAGS_NONE, on_view_changed, self, NULL);
}

/* phonesecd started, restarted (Manager.Restart) or
 * stopped: drop what was read and start over. */
static void
set_owner (PhonesecMenusSource *self, const char *owner)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->refreshing = FALSE;
  g_clear_pointer (&self->owner, g_free);
  self->owner = owner != NULL ? g_strdup (owner) : NULL;
  unsubscribe_signals (self);
  if (self->owner != NULL)
    subscribe_signals (self);
  refresh (self);
}

static void
on_name_appeared (GDBusConnection *connection, const char *name, const char *owner,
                  gpointer user_data)
{
  set_owner (user_data, owner);
}

static void
on_name_vanished (GDBusConnection *connection, const char *name, gpointer user_data)
{
  set_owner (user_data, NULL);
}

/* --- public --------------------------------------------------------------------- */

PhonesecMenusSource *
phonesec_menus_source_new (GDBusConnection *connection, PhonesecMenusSourceFunc func,
                           gpointer user_data)
{
  PhonesecMenusSource *self = g_new0 (PhonesecMenusSource, 1);

  self->connection = g_object_ref (connection);
  self->func = func;
  self->user_data = user_data;
  self->cancellable = g_cancellable_new ();
  self->names = g_ptr_array_new_with_free_func (g_free);
  self->described = new_variant_table ();
  self->values = new_variant_table ();
  self->objects = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_hash_table_unref);
  self->owner_watch = g_bus_watch_name_on_connection (
      connection, PHONESEC_DBUS_NAME, G_BUS_NAME_WATCHER_FLAGS_NONE, on_name_appeared,
      on_name_vanished, self, NULL);
  return self;
}

void
phonesec_menus_source_free (PhonesecMenusSource *self)
{
  if (self == NULL)
    return;
  g_bus_unwatch_name (self->owner_watch);
  unsubscribe_signals (self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_ptr_array_unref (self->names);
  g_hash_table_unref (self->described);
  g_hash_table_unref (self->values);
  g_hash_table_unref (self->objects);
  g_free (self->owner);
  g_object_unref (self->connection);
  g_free (self);
}

gboolean
phonesec_menus_source_is_ready (PhonesecMenusSource *self)
{
  return self->owner != NULL && self->ready;
}

const GPtrArray *
phonesec_menus_source_get_names (PhonesecMenusSource *self)
{
  return self->names;
}

GVariant *
phonesec_menus_source_get_description (PhonesecMenusSource *self, const char *name)
{
  return g_hash_table_lookup (self->described, name);
}

GVariant *
phonesec_menus_source_get_value (PhonesecMenusSource *self, const char *name)
{
  return g_hash_table_lookup (self->values, name);
}

static GVariant *
properties_variant (GHashTable *by_name)
{
  GVariantBuilder builder;
  GHashTableIter iter;
  gpointer prop, value;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_hash_table_iter_init (&iter, by_name);
  while (g_hash_table_iter_next (&iter, &prop, &value))
    g_variant_builder_add (&builder, "{sv}", prop, value);
  return g_variant_builder_end (&builder);
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Object paths in order, so that screens listing several are stable. */
static GPtrArray *
sorted_paths (PhonesecMenusSource *self)
{
  GPtrArray *paths = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer path;

  g_hash_table_iter_init (&iter, self->objects);
  while (g_hash_table_iter_next (&iter, &path, NULL))
    g_ptr_array_add (paths, path);
  g_ptr_array_sort (paths, compare_strings);
  return paths;
}

GVariant *
phonesec_menus_source_dup_properties (PhonesecMenusSource *self, const char *interface,
                                      char **out_path)
{
  g_autoptr (GPtrArray) paths = sorted_paths (self);

  for (guint i = 0; i < paths->len; i++)
    {
      GHashTable *by_interface = g_hash_table_lookup (self->objects, paths->pdata[i]);
      GHashTable *by_name = g_hash_table_lookup (by_interface, interface);

      if (by_name == NULL)
        continue;
      if (out_path != NULL)
        *out_path = g_strdup (paths->pdata[i]);
      return g_variant_ref_sink (properties_variant (by_name));
    }
  return NULL;
}

GVariant *
phonesec_menus_source_dup_objects (PhonesecMenusSource *self)
{
  g_autoptr (GPtrArray) paths = sorted_paths (self);
  GVariantBuilder objects;

  g_variant_builder_init (&objects, G_VARIANT_TYPE ("a{oa{sa{sv}}}"));
  for (guint i = 0; i < paths->len; i++)
    {
      GHashTable *by_interface = g_hash_table_lookup (self->objects, paths->pdata[i]);
      GHashTableIter iter;
      gpointer interface, by_name;

      g_variant_builder_open (&objects, G_VARIANT_TYPE ("{oa{sa{sv}}}"));
      g_variant_builder_add (&objects, "o", paths->pdata[i]);
      g_variant_builder_open (&objects, G_VARIANT_TYPE ("a{sa{sv}}"));
      g_hash_table_iter_init (&iter, by_interface);
      while (g_hash_table_iter_next (&iter, &interface, &by_name))
        g_variant_builder_add (&objects, "{s@a{sv}}", interface, properties_variant (by_name));
      g_variant_builder_close (&objects);
      g_variant_builder_close (&objects);
    }
  return g_variant_ref_sink (g_variant_builder_end (&objects));
}

void
phonesec_menus_source_call (PhonesecMenusSource *self, const char *path, const char *interface,
                            const char *method, GVariant *parameters, GAsyncReadyCallback callback,
                            gpointer user_data)
{
  g_dbus_connection_call (self->connection, PHONESEC_DBUS_NAME, path, interface, method, parameters,
                          NULL, G_DBUS_CALL_FLAGS_NO_AUTO_START, CALL_TIMEOUT_MS, NULL, callback,
                          user_data);
}

GVariant *
phonesec_menus_source_call_finish (PhonesecMenusSource *self, GAsyncResult *result, GError **error)
{
  return g_dbus_connection_call_finish (self->connection, result, error);
}
