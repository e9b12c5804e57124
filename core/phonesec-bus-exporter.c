/* phonesec-bus-exporter.c: objects, properties and signals, per caller.
 *
 * Each interface is registered with g_dbus_connection_register_object() and
 * no get_property/set_property, so GDBus hands Properties.Get/GetAll/Set to
 * method_call, where the caller can be classed asynchronously before
 * anything is read. Skeletons are never exported themselves: their own
 * PropertiesChanged and signals would go out as broadcasts. Instead a
 * "notify" marks the interface dirty, and an idle compares its properties
 * with what was last announced and tells each client what changed in its
 * view (for the phone's user, a property that became hidden is invalidated,
 * one that became visible is sent).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "phonesec/phonesec-error.h"
#include "phonesec-bus-exporter.h"
#include "phonesec-bus-rules.h"

#define PROPERTIES_INTERFACE "org.freedesktop.DBus.Properties"
#define OBJECT_MANAGER_INTERFACE "org.freedesktop.DBus.ObjectManager"

static const char object_manager_xml[]
    = "<node><interface name='org.freedesktop.DBus.ObjectManager'>"
      "<method name='GetManagedObjects'>"
      "<arg name='objects' type='a{oa{sa{sv}}}' direction='out'/></method>"
      "<signal name='InterfacesAdded'><arg name='object' type='o'/>"
      "<arg name='interfaces' type='a{sa{sv}}'/></signal>"
      "<signal name='InterfacesRemoved'><arg name='object' type='o'/>"
      "<arg name='interfaces' type='as'/></signal>"
      "</interface></node>";

typedef struct _ExportedObject ExportedObject;

typedef struct
{
  gatomicrefcount ref_count;     /* pending calls hold one */
  PhonesecBusExporter *exporter; /* borrowed; NULL once removed */
  ExportedObject *object;        /* borrowed: the object owns us */
  GDBusInterfaceSkeleton *skeleton;
  PhonesecBusRules *rules;
  guint registration_id;
  gulong notify_id;
  GArray *signal_handlers;  /* gulong */
  GVariant *announced;      /* a{sv}: every property, as last announced */
  GVariant *announced_user; /* a{sv}: the phone's user's view of it */
  gboolean dirty;
} ExportedIface;

struct _ExportedObject
{
  char *path;
  gboolean managed;  /* below the root: GetManagedObjects lists it */
  GPtrArray *ifaces; /* ExportedIface*, owned */
};

struct _PhonesecBusExporter
{
  GObject parent_instance;
  GDBusConnection *connection;
  PhonesecCallers *callers;
  PhonesecConfigStore *store;
  char *root;
  GDBusNodeInfo *object_manager_info;
  guint root_registration;
  GHashTable *objects; /* path → ExportedObject* */
  guint flush_id;
  gulong store_changed_id;
};

G_DEFINE_FINAL_TYPE (PhonesecBusExporter, phonesec_bus_exporter, G_TYPE_OBJECT)

static GQuark
caller_admin_quark (void)
{
  return g_quark_from_static_string ("phonesec-caller-admin");
}

/* --- sending ------------------------------------------------------------- */

typedef struct
{
  PhonesecBusExporter *self;
  const char *path, *interface, *member;
  PhonesecBusSignalFunc build;
  gpointer user_data;
  const PhonesecBusRule *peer_rule; /* NULL, or decides per peer (then one args for all) */
  GVariant *args[2];                /* per role, built on first use */
  gboolean built[2];
} Emission;

static void
send_to_peer (const char *unique_name, const PhonesecCaller *caller, gpointer user_data)
{
  Emission *emission = user_data;
  PhonesecRole role = caller->admin ? PHONESEC_ROLE_ADMIN : PHONESEC_ROLE_USER;
  g_autoptr (GError) error = NULL;

  if (emission->peer_rule != NULL)
    {
      if (!phonesec_bus_rule_allows_caller (emission->peer_rule, emission->self->store, caller))
        return;
      role = PHONESEC_ROLE_ADMIN;
    }
  if (!emission->built[role])
    {
      GVariant *args = emission->build (role, emission->user_data);

      /* Builders return floating or owned values: take either. */
      emission->args[role] = args != NULL ? g_variant_take_ref (args) : NULL;
      emission->built[role] = TRUE;
    }
  if (emission->args[role] == NULL)
    return;
  if (!g_dbus_connection_emit_signal (emission->self->connection, unique_name, emission->path,
                                      emission->interface, emission->member, emission->args[role],
                                      &error))
    g_debug ("Signal %s.%s to %s not sent: %s", emission->interface, emission->member, unique_name,
             error->message);
}

static void
emit_full (PhonesecBusExporter *self, const char *path, const char *interface, const char *member,
           PhonesecBusSignalFunc build, gpointer user_data, const PhonesecBusRule *peer_rule)
{
  Emission emission
      = { self, path, interface, member, build, user_data, peer_rule, { NULL, NULL } };

  if (self->connection == NULL || g_dbus_connection_is_closed (self->connection))
    return;
  phonesec_callers_foreach (self->callers, send_to_peer, &emission);
  g_clear_pointer (&emission.args[0], g_variant_unref);
  g_clear_pointer (&emission.args[1], g_variant_unref);
}

void
phonesec_bus_exporter_emit (PhonesecBusExporter *self, const char *path, const char *interface,
                            const char *member, PhonesecBusSignalFunc build, gpointer user_data)
{
  emit_full (self, path, interface, member, build, user_data, NULL);
}

/* --- property announcements ------------------------------------------------ */

static GVariant *
current_properties (ExportedIface *iface)
{
  /* A full, non-floating reference. */
  return g_dbus_interface_skeleton_get_properties (iface->skeleton);
}

/* The entries of @now that are new or differ in @before. */
static GVariant *
changed_entries (GVariant *before, GVariant *now)
{
  GVariantBuilder changed;
  GVariantIter iter;
  const char *name;
  GVariant *value;

  g_variant_builder_init (&changed, G_VARIANT_TYPE_VARDICT);
  g_variant_iter_init (&iter, now);
  while (g_variant_iter_loop (&iter, "{&sv}", &name, &value))
    {
      g_autoptr (GVariant) old
          = before != NULL ? g_variant_lookup_value (before, name, NULL) : NULL;

      if (old == NULL || !g_variant_equal (old, value))
        g_variant_builder_add (&changed, "{sv}", name, value);
    }
  return g_variant_ref_sink (g_variant_builder_end (&changed));
}

/* The names of @before that @now no longer has. */
static GVariant *
gone_entries (GVariant *before, GVariant *now)
{
  GVariantBuilder gone;
  GVariantIter iter;
  const char *name;
  GVariant *value;

  g_variant_builder_init (&gone, G_VARIANT_TYPE_STRING_ARRAY);
  if (before != NULL)
    {
      g_variant_iter_init (&iter, before);
      while (g_variant_iter_loop (&iter, "{&sv}", &name, &value))
        {
          g_autoptr (GVariant) still = g_variant_lookup_value (now, name, NULL);

          if (still == NULL)
            g_variant_builder_add (&gone, "s", name);
        }
    }
  return g_variant_ref_sink (g_variant_builder_end (&gone));
}

typedef struct
{
  const char *interface;
  GVariant *admin_changed;
  GVariant *user_changed;
  GVariant *user_gone;
} PropertyChanges;

static GVariant *
build_properties_changed (PhonesecRole role, gpointer user_data)
{
  PropertyChanges *changes = user_data;
  GVariant *changed = role == PHONESEC_ROLE_ADMIN ? changes->admin_changed : changes->user_changed;
  static const char *const none[] = { NULL };

  if (role == PHONESEC_ROLE_ADMIN)
    {
      if (g_variant_n_children (changed) == 0)
        return NULL;
      return g_variant_new ("(s@a{sv}^as)", changes->interface, changed, none);
    }
  if (g_variant_n_children (changed) == 0 && g_variant_n_children (changes->user_gone) == 0)
    return NULL;
  return g_variant_new ("(s@a{sv}@as)", changes->interface, changed, changes->user_gone);
}

static void
announce_changes (ExportedIface *iface)
{
  PhonesecBusExporter *self = iface->exporter;
  g_autoptr (GVariant) now = current_properties (iface);
  g_autoptr (GVariant) now_user
      = phonesec_bus_rules_filter_properties (iface->rules, now, self->store, PHONESEC_ROLE_USER);
  g_autoptr (GVariant) admin_changed = changed_entries (iface->announced, now);
  g_autoptr (GVariant) user_changed = changed_entries (iface->announced_user, now_user);
  g_autoptr (GVariant) user_gone = gone_entries (iface->announced_user, now_user);
  PropertyChanges changes = { phonesec_bus_rules_get_info (iface->rules)->name, admin_changed,
                              user_changed, user_gone };

  iface->dirty = FALSE;
  g_clear_pointer (&iface->announced, g_variant_unref);
  g_clear_pointer (&iface->announced_user, g_variant_unref);
  iface->announced = g_steal_pointer (&now);
  iface->announced_user = g_steal_pointer (&now_user);
  phonesec_bus_exporter_emit (self, iface->object->path, PROPERTIES_INTERFACE, "PropertiesChanged",
                              build_properties_changed, &changes);
}

void
phonesec_bus_exporter_flush (PhonesecBusExporter *self)
{
  GHashTableIter iter;
  gpointer value;

  g_clear_handle_id (&self->flush_id, g_source_remove);
  g_hash_table_iter_init (&iter, self->objects);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      ExportedObject *object = value;

      for (guint i = 0; i < object->ifaces->len; i++)
        {
          ExportedIface *iface = object->ifaces->pdata[i];

          if (iface->dirty)
            announce_changes (iface);
        }
    }
}

static gboolean
flush_idle (gpointer user_data)
{
  PhonesecBusExporter *self = user_data;

  self->flush_id = 0;
  phonesec_bus_exporter_flush (self);
  return G_SOURCE_REMOVE;
}

static void
mark_dirty (ExportedIface *iface)
{
  PhonesecBusExporter *self = iface->exporter;

  iface->dirty = TRUE;
  if (self->flush_id == 0)
    self->flush_id = g_idle_add_full (G_PRIORITY_DEFAULT, flush_idle, self, NULL);
}

static void
on_notify (GObject *object, GParamSpec *pspec, gpointer user_data)
{
  mark_dirty (user_data);
}

/* A transaction may have changed who may see what: re-announce the
 * interfaces whose rules name a changed parameter. */
static gboolean
iface_depends_on (ExportedIface *iface, PhonesecSchema *schema, const char *const *names)
{
  GDBusInterfaceInfo *info = phonesec_bus_rules_get_info (iface->rules);

  for (guint i = 0; names[i] != NULL; i++)
    {
      const PhonesecParamSpec *spec = phonesec_schema_lookup (schema, names[i]);

      if (spec == NULL)
        continue;
      for (guint p = 0; info->properties != NULL && info->properties[p] != NULL; p++)
        if (phonesec_bus_rule_depends_on (
                phonesec_bus_rules_property (iface->rules, info->properties[p]->name), spec))
          return TRUE;
    }
  return FALSE;
}

static void
on_store_changed (PhonesecConfigStore *store, guint64 generation, const char *const *names,
                  gpointer user_data)
{
  PhonesecBusExporter *self = user_data;
  PhonesecSchema *schema = phonesec_config_store_get_schema (store);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->objects);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      ExportedObject *object = value;

      for (guint i = 0; i < object->ifaces->len; i++)
        {
          ExportedIface *iface = object->ifaces->pdata[i];

          if (!iface->dirty && iface_depends_on (iface, schema, names))
            mark_dirty (iface);
        }
    }
}

/* --- signals of the skeletons ------------------------------------------------ */

typedef struct
{
  GClosure closure;
  ExportedIface *iface;
  GDBusSignalInfo *info;
} SignalClosure;

/* Whether a peer receives it is decided by the signal's rule, per peer. */
static GVariant *
build_signal (PhonesecRole role, gpointer user_data)
{
  return g_variant_ref (user_data);
}

/* Turns a skeleton's GObject signal into the D-Bus signal, per client. */
static void
forward_signal (GClosure *closure, GValue *return_value, guint n_param_values,
                const GValue *param_values, gpointer invocation_hint, gpointer marshal_data)
{
  SignalClosure *sc = (SignalClosure *) closure;
  ExportedIface *iface = sc->iface;
  /* Never NULL: the rules are made from the same interface info. */
  const PhonesecBusRule *rule = phonesec_bus_rules_signal (iface->rules, sc->info->name);
  GVariantBuilder builder;
  GVariant *args;

  g_return_if_fail (rule != NULL);
  g_variant_builder_init (&builder, G_VARIANT_TYPE_TUPLE);
  for (guint i = 1; i < n_param_values; i++)
    {
      GDBusArgInfo *arg = sc->info->args != NULL ? sc->info->args[i - 1] : NULL;

      if (arg == NULL)
        break;
      /* Never floating: the builder would take a second reference. */
      g_autoptr (GVariant) value
          = g_dbus_gvalue_to_gvariant (&param_values[i], G_VARIANT_TYPE (arg->signature));

      g_variant_builder_add_value (&builder, value);
    }
  args = g_variant_ref_sink (g_variant_builder_end (&builder));
  /* A property change before the signal is announced before it. */
  if (iface->dirty)
    announce_changes (iface);
  emit_full (iface->exporter, iface->object->path, phonesec_bus_rules_get_info (iface->rules)->name,
             sc->info->name, build_signal, args, rule);
  g_variant_unref (args);
}

/* gdbus-codegen names a D-Bus signal's GObject signal by its CamelCase name
 * in lower case with hyphens at the word boundaries (LinesChanged →
 * lines-changed). */
static char *
signal_gobject_name (const char *dbus_name)
{
  GString *name = g_string_new (NULL);
  gboolean prev_lower = FALSE;

  for (const char *p = dbus_name; *p != '\0'; p++)
    {
      if (g_ascii_isupper (*p))
        {
          if (prev_lower)
            g_string_append_c (name, '-');
          prev_lower = FALSE;
        }
      else
        prev_lower = TRUE;
      g_string_append_c (name, g_ascii_tolower (*p));
    }
  return g_string_free (name, FALSE);
}

static void
connect_signals (ExportedIface *iface)
{
  GDBusInterfaceInfo *info = phonesec_bus_rules_get_info (iface->rules);

  for (guint i = 0; info->signals != NULL && info->signals[i] != NULL; i++)
    {
      g_autofree char *name = signal_gobject_name (info->signals[i]->name);
      guint id = g_signal_lookup (name, G_OBJECT_TYPE (iface->skeleton));
      SignalClosure *sc;
      gulong handler;

      if (id == 0)
        {
          g_warning ("%s: no GObject signal %s for %s; it will not be sent", info->name, name,
                     info->signals[i]->name);
          continue;
        }
      sc = (SignalClosure *) g_closure_new_simple (sizeof (SignalClosure), NULL);
      sc->iface = iface;
      sc->info = info->signals[i];
      g_closure_set_marshal (&sc->closure, forward_signal);
      handler = g_signal_connect_closure_by_id (iface->skeleton, id, 0, &sc->closure, FALSE);
      g_array_append_val (iface->signal_handlers, handler);
    }
}

/* --- method calls ------------------------------------------------------------ */

static ExportedIface *
exported_iface_ref (ExportedIface *iface)
{
  g_atomic_ref_count_inc (&iface->ref_count);
  return iface;
}

static void exported_iface_unref (ExportedIface *iface);

/* A call that waited for the caller's identity may find its interface gone. */
static gboolean
return_if_removed (ExportedIface *iface, GDBusMethodInvocation *invocation)
{
  if (iface->exporter != NULL)
    return FALSE;
  g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_OBJECT,
                                         "%s is no longer on the bus",
                                         g_dbus_method_invocation_get_object_path (invocation));
  return TRUE;
}

static PhonesecRole
role_of (const PhonesecCaller *caller)
{
  return caller->admin ? PHONESEC_ROLE_ADMIN : PHONESEC_ROLE_USER;
}

static void
return_not_visible (GDBusMethodInvocation *invocation, const char *interface, const char *member,
                    const PhonesecBusRule *rule)
{
  const char *group = phonesec_bus_rule_get_group (rule);

  if (group != NULL)
    g_dbus_method_invocation_return_error (
        invocation, PHONESEC_ERROR, PHONESEC_ERROR_PERMISSION_DENIED,
        _ ("%s.%s is for the administrator and the members of group %s only"), interface, member,
        group);
  else
    /* Name the member only: which parameter hides it is itself hidden. */
    g_dbus_method_invocation_return_error (
        invocation, PHONESEC_ERROR, PHONESEC_ERROR_PERMISSION_DENIED,
        _ ("%s.%s is for the administrator only"), interface, member);
}

static void
properties_with_caller (GDBusMethodInvocation *invocation, const PhonesecCaller *caller,
                        gpointer user_data)
{
  ExportedIface *iface = user_data;
  PhonesecBusExporter *self = iface->exporter;
  PhonesecRole role = role_of (caller);
  const char *method = g_dbus_method_invocation_get_method_name (invocation);
  GVariant *parameters = g_dbus_method_invocation_get_parameters (invocation);
  GDBusInterfaceInfo *info = phonesec_bus_rules_get_info (iface->rules);
  GDBusInterfaceVTable *vtable = g_dbus_interface_skeleton_get_vtable (iface->skeleton);
  const char *interface, *property;

  if (return_if_removed (iface, invocation))
    return;

  if (g_str_equal (method, "GetAll"))
    {
      g_autoptr (GVariant) all = current_properties (iface);
      g_autoptr (GVariant) shown
          = phonesec_bus_rules_filter_properties (iface->rules, all, self->store, role);

      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(@a{sv})", shown));
      return;
    }
  g_variant_get_child (parameters, 0, "&s", &interface);
  g_variant_get_child (parameters, 1, "&s", &property);
  if (!phonesec_bus_rule_allows_caller (phonesec_bus_rules_property (iface->rules, property),
                                        self->store, caller))
    {
      return_not_visible (invocation, info->name, property, NULL);
      return;
    }
  if (g_str_equal (method, "Get"))
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GVariant) value = vtable->get_property (
          self->connection, g_dbus_method_invocation_get_sender (invocation),
          g_dbus_method_invocation_get_object_path (invocation), info->name, property, &error,
          iface->skeleton);
      g_autoptr (GVariant) shown = NULL;

      if (value == NULL)
        {
          g_dbus_method_invocation_return_gerror (invocation, error);
          return;
        }
      g_variant_take_ref (value); /* non-floating replies are ours already */
      shown = phonesec_bus_rule_filter_value (phonesec_bus_rules_property (iface->rules, property),
                                              value, self->store, role);
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(v)", shown));
      return;
    }
  /* Set: GDBus has checked that the property is writable and typed. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GVariant) value = NULL;

    g_variant_get_child (parameters, 2, "v", &value);
    if (vtable->set_property == NULL
        || !vtable->set_property (self->connection,
                                  g_dbus_method_invocation_get_sender (invocation),
                                  g_dbus_method_invocation_get_object_path (invocation), info->name,
                                  property, value, &error, iface->skeleton))
      {
        if (error != NULL)
          g_dbus_method_invocation_return_gerror (invocation, error);
        else
          g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR,
                                                 G_DBUS_ERROR_PROPERTY_READ_ONLY,
                                                 "%s.%s cannot be set", info->name, property);
        return;
      }
    g_dbus_method_invocation_return_value (invocation, NULL);
  }
}

static void
method_with_caller (GDBusMethodInvocation *invocation, const PhonesecCaller *caller,
                    gpointer user_data)
{
  ExportedIface *iface = user_data;
  const char *method = g_dbus_method_invocation_get_method_name (invocation);
  GDBusInterfaceInfo *info = phonesec_bus_rules_get_info (iface->rules);
  GDBusInterfaceVTable *vtable = g_dbus_interface_skeleton_get_vtable (iface->skeleton);

  const PhonesecBusRule *rule = phonesec_bus_rules_method (iface->rules, method);

  if (return_if_removed (iface, invocation))
    return;
  if (!phonesec_bus_rule_allows_caller (rule, iface->exporter->store, caller))
    {
      return_not_visible (invocation, info->name, method, rule);
      return;
    }
  g_object_set_qdata (G_OBJECT (invocation), caller_admin_quark (),
                      GINT_TO_POINTER (caller->admin ? 2 : 1));
  /* The skeleton's handler answers the invocation. */
  vtable->method_call (
      iface->exporter->connection, g_dbus_method_invocation_get_sender (invocation),
      g_dbus_method_invocation_get_object_path (invocation), info->name, method,
      g_dbus_method_invocation_get_parameters (invocation), invocation, iface->skeleton);
}

static void
iface_method_call (GDBusConnection *connection, const char *sender, const char *object_path,
                   const char *interface_name, const char *method_name, GVariant *parameters,
                   GDBusMethodInvocation *invocation, gpointer user_data)
{
  ExportedIface *iface = user_data;

  phonesec_callers_run_full (iface->exporter->callers, invocation,
                             g_str_equal (interface_name, PROPERTIES_INTERFACE)
                                 ? properties_with_caller
                                 : method_with_caller,
                             exported_iface_ref (iface), (GDestroyNotify) exported_iface_unref);
}

static const GDBusInterfaceVTable iface_vtable = { .method_call = iface_method_call };

gboolean
phonesec_bus_exporter_invocation_is_admin (GDBusMethodInvocation *invocation)
{
  return GPOINTER_TO_INT (g_object_get_qdata (G_OBJECT (invocation), caller_admin_quark ())) == 2;
}

/* --- the object manager ------------------------------------------------------ */

static void
add_object (GVariantBuilder *objects, ExportedObject *object, PhonesecConfigStore *store,
            PhonesecRole role)
{
  GVariantBuilder interfaces;

  g_variant_builder_init (&interfaces, G_VARIANT_TYPE ("a{sa{sv}}"));
  for (guint i = 0; i < object->ifaces->len; i++)
    {
      ExportedIface *iface = object->ifaces->pdata[i];
      g_autoptr (GVariant) all = current_properties (iface);
      g_autoptr (GVariant) shown
          = phonesec_bus_rules_filter_properties (iface->rules, all, store, role);

      g_variant_builder_add (&interfaces, "{s@a{sv}}",
                             phonesec_bus_rules_get_info (iface->rules)->name, shown);
    }
  g_variant_builder_add (objects, "{oa{sa{sv}}}", object->path, &interfaces);
}

static int
compare_paths (gconstpointer a, gconstpointer b, gpointer user_data)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

GVariant *
phonesec_bus_exporter_dup_objects (PhonesecBusExporter *self, PhonesecRole role,
                                   gboolean managed_only)
{
  g_auto (GStrv) paths = g_new0 (char *, g_hash_table_size (self->objects) + 1);
  GVariantBuilder objects;
  GHashTableIter iter;
  gpointer key;
  guint n = 0;

  /* Sorted: a report or a test compares them as text. */
  g_hash_table_iter_init (&iter, self->objects);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    paths[n++] = g_strdup (key);
  g_qsort_with_data (paths, n, sizeof (char *), compare_paths, NULL);
  g_variant_builder_init (&objects, G_VARIANT_TYPE ("a{oa{sa{sv}}}"));
  for (guint i = 0; i < n; i++)
    {
      ExportedObject *object = g_hash_table_lookup (self->objects, paths[i]);

      if (!managed_only || object->managed)
        add_object (&objects, object, self->store, role);
    }
  return g_variant_ref_sink (g_variant_builder_end (&objects));
}

static void
managed_objects_with_caller (GDBusMethodInvocation *invocation, const PhonesecCaller *caller,
                             gpointer user_data)
{
  PhonesecBusExporter *self = user_data;
  g_autoptr (GVariant) objects = phonesec_bus_exporter_dup_objects (self, role_of (caller), TRUE);

  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(@a{oa{sa{sv}}})", objects));
}

static void
root_method_call (GDBusConnection *connection, const char *sender, const char *object_path,
                  const char *interface_name, const char *method_name, GVariant *parameters,
                  GDBusMethodInvocation *invocation, gpointer user_data)
{
  phonesec_callers_run_full (PHONESEC_BUS_EXPORTER (user_data)->callers, invocation,
                             managed_objects_with_caller, g_object_ref (user_data), g_object_unref);
}

static const GDBusInterfaceVTable root_vtable = { .method_call = root_method_call };

typedef struct
{
  ExportedIface *iface;
  GVariant *admin_properties;
  GVariant *user_properties;
} Added;

static GVariant *
build_interfaces_added (PhonesecRole role, gpointer user_data)
{
  Added *added = user_data;
  GVariantBuilder interfaces;

  g_variant_builder_init (&interfaces, G_VARIANT_TYPE ("a{sa{sv}}"));
  g_variant_builder_add (
      &interfaces, "{s@a{sv}}", phonesec_bus_rules_get_info (added->iface->rules)->name,
      role == PHONESEC_ROLE_ADMIN ? added->admin_properties : added->user_properties);
  return g_variant_new ("(oa{sa{sv}})", added->iface->object->path, &interfaces);
}

static GVariant *
build_interfaces_removed (PhonesecRole role, gpointer user_data)
{
  ExportedIface *iface = user_data;
  const char *names[] = { phonesec_bus_rules_get_info (iface->rules)->name, NULL };

  return g_variant_new ("(o^as)", iface->object->path, names);
}

/* --- export ----------------------------------------------------------------- */

static void
exported_iface_unref (ExportedIface *iface)
{
  if (!g_atomic_ref_count_dec (&iface->ref_count))
    return;
  g_array_unref (iface->signal_handlers);
  g_clear_pointer (&iface->announced, g_variant_unref);
  g_clear_pointer (&iface->announced_user, g_variant_unref);
  phonesec_bus_rules_free (iface->rules);
  g_object_unref (iface->skeleton);
  g_free (iface);
}

/* Off the bus now; a call still waiting for its caller's identity keeps
 * the rest alive and is refused. */
static void
exported_iface_remove (ExportedIface *iface)
{
  if (iface->registration_id != 0)
    g_dbus_connection_unregister_object (iface->exporter->connection, iface->registration_id);
  iface->registration_id = 0;
  g_clear_signal_handler (&iface->notify_id, iface->skeleton);
  for (guint i = 0; i < iface->signal_handlers->len; i++)
    g_signal_handler_disconnect (iface->skeleton,
                                 g_array_index (iface->signal_handlers, gulong, i));
  g_array_set_size (iface->signal_handlers, 0);
  iface->exporter = NULL;
  iface->object = NULL;
  exported_iface_unref (iface);
}

static void
exported_object_free (ExportedObject *object)
{
  g_ptr_array_unref (object->ifaces);
  g_free (object->path);
  g_free (object);
}

static gboolean
is_managed (PhonesecBusExporter *self, const char *path)
{
  return g_str_has_prefix (path, self->root) && path[strlen (self->root)] == '/';
}

gboolean
phonesec_bus_exporter_add (PhonesecBusExporter *self, const char *path,
                           GDBusInterfaceSkeleton *skeleton, const char *const *watch,
                           GError **error)
{
  ExportedObject *object = g_hash_table_lookup (self->objects, path);
  GDBusInterfaceInfo *info = g_dbus_interface_skeleton_get_info (skeleton);
  ExportedIface *iface;

  g_return_val_if_fail (g_dbus_interface_skeleton_get_connection (skeleton) == NULL, FALSE);
  if (object == NULL)
    {
      object = g_new0 (ExportedObject, 1);
      object->path = g_strdup (path);
      object->managed = is_managed (self, path);
      object->ifaces = g_ptr_array_new_with_free_func ((GDestroyNotify) exported_iface_remove);
      g_hash_table_insert (self->objects, object->path, object);
    }
  iface = g_new0 (ExportedIface, 1);
  g_atomic_ref_count_init (&iface->ref_count);
  iface->exporter = self;
  iface->object = object;
  iface->skeleton = g_object_ref (skeleton);
  iface->rules
      = phonesec_bus_rules_new (info, phonesec_config_store_get_schema (self->store), watch);
  iface->signal_handlers = g_array_new (FALSE, FALSE, sizeof (gulong));
  iface->registration_id = g_dbus_connection_register_object (self->connection, path, info,
                                                              &iface_vtable, iface, NULL, error);
  if (iface->registration_id == 0)
    {
      exported_iface_remove (iface);
      if (object->ifaces->len == 0)
        g_hash_table_remove (self->objects, path);
      return FALSE;
    }
  iface->announced = current_properties (iface);
  iface->announced_user = phonesec_bus_rules_filter_properties (iface->rules, iface->announced,
                                                                self->store, PHONESEC_ROLE_USER);
  iface->notify_id = g_signal_connect (skeleton, "notify", G_CALLBACK (on_notify), iface);
  connect_signals (iface);
  g_ptr_array_add (object->ifaces, iface);
  if (object->managed)
    {
      Added added = { iface, iface->announced, iface->announced_user };

      phonesec_bus_exporter_emit (self, self->root, OBJECT_MANAGER_INTERFACE, "InterfacesAdded",
                                  build_interfaces_added, &added);
    }
  return TRUE;
}

void
phonesec_bus_exporter_remove (PhonesecBusExporter *self, const char *path,
                              GDBusInterfaceSkeleton *skeleton)
{
  ExportedObject *object = g_hash_table_lookup (self->objects, path);

  if (object == NULL)
    return;
  for (guint i = 0; i < object->ifaces->len; i++)
    {
      ExportedIface *iface = object->ifaces->pdata[i];

      if (iface->skeleton != skeleton)
        continue;
      if (object->managed)
        phonesec_bus_exporter_emit (self, self->root, OBJECT_MANAGER_INTERFACE, "InterfacesRemoved",
                                    build_interfaces_removed, iface);
      g_ptr_array_remove_index (object->ifaces, i);
      break;
    }
  if (object->ifaces->len == 0)
    g_hash_table_remove (self->objects, path);
}

GStrv
phonesec_bus_exporter_dup_paths (PhonesecBusExporter *self)
{
  g_autoptr (GVariant) objects
      = phonesec_bus_exporter_dup_objects (self, PHONESEC_ROLE_ADMIN, TRUE);
  g_autoptr (GStrvBuilder) paths = g_strv_builder_new ();
  GVariantIter iter;
  const char *path;

  g_variant_iter_init (&iter, objects);
  while (g_variant_iter_next (&iter, "{&o@a{sa{sv}}}", &path, NULL))
    g_strv_builder_add (paths, path);
  return g_strv_builder_end (paths);
}

/* --- life --------------------------------------------------------------------- */

static void
phonesec_bus_exporter_dispose (GObject *gobject)
{
  PhonesecBusExporter *self = PHONESEC_BUS_EXPORTER (gobject);

  g_clear_handle_id (&self->flush_id, g_source_remove);
  if (self->store != NULL)
    g_clear_signal_handler (&self->store_changed_id, self->store);
  g_clear_pointer (&self->objects, g_hash_table_unref);
  if (self->root_registration != 0)
    g_dbus_connection_unregister_object (self->connection, self->root_registration);
  self->root_registration = 0;
  g_clear_pointer (&self->object_manager_info, g_dbus_node_info_unref);
  g_clear_object (&self->callers);
  g_clear_object (&self->store);
  g_clear_object (&self->connection);
  G_OBJECT_CLASS (phonesec_bus_exporter_parent_class)->dispose (gobject);
}

static void
phonesec_bus_exporter_finalize (GObject *gobject)
{
  g_free (PHONESEC_BUS_EXPORTER (gobject)->root);
  G_OBJECT_CLASS (phonesec_bus_exporter_parent_class)->finalize (gobject);
}

static void
phonesec_bus_exporter_class_init (PhonesecBusExporterClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = phonesec_bus_exporter_dispose;
  G_OBJECT_CLASS (klass)->finalize = phonesec_bus_exporter_finalize;
}

static void
phonesec_bus_exporter_init (PhonesecBusExporter *self)
{
  self->objects = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                         (GDestroyNotify) exported_object_free);
}

PhonesecBusExporter *
phonesec_bus_exporter_new (GDBusConnection *connection, PhonesecCallers *callers,
                           PhonesecConfigStore *store, const char *root, GError **error)
{
  g_autoptr (PhonesecBusExporter) self = g_object_new (PHONESEC_TYPE_BUS_EXPORTER, NULL);

  self->connection = g_object_ref (connection);
  self->callers = g_object_ref (callers);
  self->store = g_object_ref (store);
  self->root = g_strdup (root);
  self->object_manager_info = g_dbus_node_info_new_for_xml (object_manager_xml, NULL);
  self->root_registration = g_dbus_connection_register_object (
      connection, root, self->object_manager_info->interfaces[0], &root_vtable, self, NULL, error);
  if (self->root_registration == 0)
    return NULL;
  self->store_changed_id = g_signal_connect (store, "changed", G_CALLBACK (on_store_changed), self);
  return g_steal_pointer (&self);
}
