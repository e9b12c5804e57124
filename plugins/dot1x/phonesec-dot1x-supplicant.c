/* phonesec-dot1x-supplicant.c: wpa_supplicant's D-Bus API (see the header).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gi18n-lib.h>
#include <phonesec/phonesec.h>

#include "phonesec-dot1x-settings.h"
#include "phonesec-dot1x-supplicant.h"

#define WPAS_NAME "fi.w1.wpa_supplicant1"
#define WPAS_PATH "/fi/w1/wpa_supplicant1"
#define WPAS_IFACE "fi.w1.wpa_supplicant1.Interface"
#define WPAS_ERROR_IFACE_EXISTS "fi.w1.wpa_supplicant1.InterfaceExists"
/* wpa_supplicant answers from memory; more than this means it hangs. */
#define CALL_TIMEOUT_MS 10000

struct _PhonesecDot1xSupplicant
{
  GObject parent_instance;

  GDBusConnection *bus;
  guint watch_id;
  gboolean known; /* the watch answered once */
  gboolean present;
  char *iface_path; /* the configured interface, or NULL */
  guint eap_subscription;
  guint removed_subscription;
  guint state_subscription;
};

enum
{
  SIGNAL_PRESENCE_CHANGED,
  SIGNAL_EAP_STATUS,
  SIGNAL_INTERFACE_REMOVED,
  SIGNAL_STATE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PhonesecDot1xSupplicant, phonesec_dot1x_supplicant, G_TYPE_OBJECT)

/* --- presence and signals ----------------------------------------------------- */

static void
set_present (PhonesecDot1xSupplicant *self, gboolean present)
{
  /* A new wpa_supplicant knows nothing of the old one's interfaces. */
  g_clear_pointer (&self->iface_path, g_free);
  if (self->known && self->present == present)
    return;
  self->known = TRUE;
  self->present = present;
  g_signal_emit (self, signals[SIGNAL_PRESENCE_CHANGED], 0, present);
}

static void
on_name_appeared (GDBusConnection *bus, const char *name, const char *owner, gpointer user_data)
{
  set_present (user_data, TRUE);
}

static void
on_name_vanished (GDBusConnection *bus, const char *name, gpointer user_data)
{
  set_present (user_data, FALSE);
}

static void
watch_name (PhonesecDot1xSupplicant *self)
{
  /* A phone starts wpa_supplicant by D-Bus activation, when it is wanted. */
  self->watch_id
      = g_bus_watch_name_on_connection (self->bus, WPAS_NAME, G_BUS_NAME_WATCHER_FLAGS_AUTO_START,
                                        on_name_appeared, on_name_vanished, self, NULL);
}

static void
on_eap (GDBusConnection *bus, const char *sender, const char *path, const char *iface,
        const char *member, GVariant *params, gpointer user_data)
{
  PhonesecDot1xSupplicant *self = user_data;
  const char *status, *parameter;

  if (g_strcmp0 (path, self->iface_path) != 0
      || !g_variant_is_of_type (params, G_VARIANT_TYPE ("(ss)")))
    return;
  g_variant_get (params, "(&s&s)", &status, &parameter);
  g_signal_emit (self, signals[SIGNAL_EAP_STATUS], 0, status, parameter);
}

static void
on_interface_removed (GDBusConnection *bus, const char *sender, const char *path, const char *iface,
                      const char *member, GVariant *params, gpointer user_data)
{
  PhonesecDot1xSupplicant *self = user_data;
  const char *removed;

  if (self->iface_path == NULL || !g_variant_is_of_type (params, G_VARIANT_TYPE ("(o)")))
    return;
  g_variant_get (params, "(&o)", &removed);
  if (!g_str_equal (removed, self->iface_path))
    return;
  g_clear_pointer (&self->iface_path, g_free);
  g_signal_emit (self, signals[SIGNAL_INTERFACE_REMOVED], 0);
}

/* The interface's State property ("associated", "completed",
 * "disconnected"...), from the standard PropertiesChanged. */
static void
on_properties_changed (GDBusConnection *bus, const char *sender, const char *path,
                       const char *iface, const char *member, GVariant *params, gpointer user_data)
{
  PhonesecDot1xSupplicant *self = user_data;
  g_autoptr (GVariant) changed = NULL;
  const char *state;

  if (g_strcmp0 (path, self->iface_path) != 0
      || !g_variant_is_of_type (params, G_VARIANT_TYPE ("(sa{sv}as)")))
    return;
  changed = g_variant_get_child_value (params, 1);
  if (g_variant_lookup (changed, "State", "&s", &state))
    g_signal_emit (self, signals[SIGNAL_STATE_CHANGED], 0, state);
}

PhonesecDot1xSupplicant *
phonesec_dot1x_supplicant_new (GDBusConnection *bus)
{
  PhonesecDot1xSupplicant *self = g_object_new (PHONESEC_TYPE_DOT1X_SUPPLICANT, NULL);

  self->bus = g_object_ref (bus);
  self->eap_subscription = g_dbus_connection_signal_subscribe (
      bus, WPAS_NAME, WPAS_IFACE, "EAP", NULL, NULL, G_DBUS_SIGNAL_FLAGS_NONE, on_eap, self, NULL);
  self->removed_subscription = g_dbus_connection_signal_subscribe (
      bus, WPAS_NAME, WPAS_NAME, "InterfaceRemoved", WPAS_PATH, NULL, G_DBUS_SIGNAL_FLAGS_NONE,
      on_interface_removed, self, NULL);
  self->state_subscription = g_dbus_connection_signal_subscribe (
      bus, WPAS_NAME, "org.freedesktop.DBus.Properties", "PropertiesChanged", NULL, WPAS_IFACE,
      G_DBUS_SIGNAL_FLAGS_NONE, on_properties_changed, self, NULL);
  watch_name (self);
  return self;
}

gboolean
phonesec_dot1x_supplicant_is_known (PhonesecDot1xSupplicant *self)
{
  return self->known;
}

gboolean
phonesec_dot1x_supplicant_is_present (PhonesecDot1xSupplicant *self)
{
  return self->present;
}

void
phonesec_dot1x_supplicant_request_start (PhonesecDot1xSupplicant *self)
{
  if (self->present)
    return;
  g_bus_unwatch_name (self->watch_id);
  watch_name (self);
}

/* --- calls ------------------------------------------------------------------------ */

static void
call (PhonesecDot1xSupplicant *self, const char *path, const char *iface, const char *method,
      GVariant *params, const char *reply_type, GTask *task, GAsyncReadyCallback callback)
{
  g_dbus_connection_call (self->bus, WPAS_NAME, path, iface, method, params,
                          reply_type != NULL ? G_VARIANT_TYPE (reply_type) : NULL,
                          G_DBUS_CALL_FLAGS_NO_AUTO_START, CALL_TIMEOUT_MS,
                          g_task_get_cancellable (task), callback, task);
}

/* A D-Bus error as the admin reads it: its message, without the name. */
static void
return_error (GTask *task, GError *error, const char *what)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, error);
      return;
    }
  g_dbus_error_strip_remote_error (error);
  g_task_return_new_error (task, PHONESEC_ERROR, PHONESEC_ERROR_FAILED, "%s: %s", what,
                           error->message);
  g_error_free (error);
}

/* --- configure ---------------------------------------------------------------- */

typedef enum
{
  STEP_CREATE,
  STEP_GET,
  STEP_CLEAR,
  STEP_LOGON,
  STEP_AP_SCAN,
  STEP_DROP_PAC,
  STEP_ADD_PAC,
  STEP_ADD_NETWORK,
  STEP_SELECT,
  STEP_DONE,
} Step;

typedef struct
{
  char *ifname;
  GVariant *network;
  GBytes *pac;
  Step step;
  char *iface_path;
  char *network_path;
} Configure;

static void
configure_free (gpointer data)
{
  Configure *c = data;

  g_free (c->ifname);
  g_variant_unref (c->network);
  g_clear_pointer (&c->pac, g_bytes_unref);
  g_free (c->iface_path);
  g_free (c->network_path);
  g_free (c);
}

static void configure_next (GTask *task);

static void
configure_reply (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  Configure *c = g_task_get_task_data (task);
  PhonesecDot1xSupplicant *self = g_task_get_source_object (task);
  g_autoptr (GVariant) reply = NULL;
  GError *error = NULL;
  g_autofree char *remote = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (error != NULL)
    remote = g_dbus_error_get_remote_error (error);
  if (c->step == STEP_CREATE && g_strcmp0 (remote, WPAS_ERROR_IFACE_EXISTS) == 0)
    {
      /* Ours from a previous run of phonesecd, or set up by the system:
       * take it over. */
      g_clear_error (&error);
      c->step = STEP_GET;
      configure_next (task);
      return;
    }
  if (c->step == STEP_DROP_PAC)
    g_clear_error (&error); /* there was none */
  if (error != NULL)
    {
      g_autofree char *what = NULL;

      if (c->step == STEP_CREATE || c->step == STEP_GET)
        what = g_strdup_printf (_ ("wpa_supplicant cannot use network interface %s"), c->ifname);
      else
        what = g_strdup_printf (_ ("wpa_supplicant refused the 802.1X network on %s"), c->ifname);
      return_error (task, error, what);
      g_object_unref (task);
      return;
    }

  switch (c->step)
    {
      case STEP_CREATE:
      case STEP_GET:
        g_variant_get (reply, "(o)", &c->iface_path);
        /* Signals of the new interface count from now on. */
        g_free (self->iface_path);
        self->iface_path = g_strdup (c->iface_path);
        c->step = c->step == STEP_CREATE ? STEP_AP_SCAN : STEP_CLEAR;
        break;
      case STEP_ADD_NETWORK:
        g_variant_get (reply, "(o)", &c->network_path);
        c->step = STEP_SELECT;
        break;
      case STEP_DROP_PAC:
        c->step = c->pac != NULL ? STEP_ADD_PAC : STEP_ADD_NETWORK;
        break;
      default:
        c->step++;
        break;
    }
  configure_next (task);
}

static void
configure_next (GTask *task)
{
  PhonesecDot1xSupplicant *self = g_task_get_source_object (task);
  Configure *c = g_task_get_task_data (task);
  GVariantBuilder args;

  switch (c->step)
    {
      case STEP_CREATE:
        g_variant_builder_init (&args, G_VARIANT_TYPE ("a{sv}"));
        g_variant_builder_add (&args, "{sv}", "Ifname", g_variant_new_string (c->ifname));
        g_variant_builder_add (&args, "{sv}", "Driver", g_variant_new_string ("wired"));
        call (self, WPAS_PATH, WPAS_NAME, "CreateInterface", g_variant_new ("(a{sv})", &args),
              "(o)", task, configure_reply);
        break;
      case STEP_GET:
        call (self, WPAS_PATH, WPAS_NAME, "GetInterface", g_variant_new ("(s)", c->ifname), "(o)",
              task, configure_reply);
        break;
      case STEP_CLEAR:
        call (self, c->iface_path, WPAS_IFACE, "RemoveAllNetworks", NULL, NULL, task,
              configure_reply);
        break;
      case STEP_LOGON:
        /* An interface we logged off (disabled, then enabled again before
         * it was removed) would otherwise never send EAPOL-Start again. */
        call (self, c->iface_path, WPAS_IFACE, "EAPLogon", NULL, NULL, task, configure_reply);
        break;
      case STEP_AP_SCAN:
        /* Wired: no scanning, the network is used as it is. */
        call (self, c->iface_path, "org.freedesktop.DBus.Properties", "Set",
              g_variant_new ("(ssv)", WPAS_IFACE, "ApScan", g_variant_new_uint32 (0)), NULL, task,
              configure_reply);
        break;
      case STEP_DROP_PAC:
        call (self, c->iface_path, WPAS_IFACE, "RemoveBlob",
              g_variant_new ("(s)", PHONESEC_DOT1X_PAC_BLOB), NULL, task, configure_reply);
        break;
      case STEP_ADD_PAC:
        call (self, c->iface_path, WPAS_IFACE, "AddBlob",
              g_variant_new ("(s@ay)", PHONESEC_DOT1X_PAC_BLOB,
                             g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING, c->pac, TRUE)),
              NULL, task, configure_reply);
        break;
      case STEP_ADD_NETWORK:
        call (self, c->iface_path, WPAS_IFACE, "AddNetwork", g_variant_new ("(@a{sv})", c->network),
              "(o)", task, configure_reply);
        break;
      case STEP_SELECT:
        call (self, c->iface_path, WPAS_IFACE, "SelectNetwork",
              g_variant_new ("(o)", c->network_path), NULL, task, configure_reply);
        break;
      case STEP_DONE:
        g_task_return_boolean (task, TRUE);
        g_object_unref (task);
        break;
    }
}

void
phonesec_dot1x_supplicant_configure_async (PhonesecDot1xSupplicant *self, const char *ifname,
                                           GVariant *network, GBytes *pac,
                                           GCancellable *cancellable, GAsyncReadyCallback callback,
                                           gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Configure *c = g_new0 (Configure, 1);

  g_task_set_source_tag (task, phonesec_dot1x_supplicant_configure_async);
  c->ifname = g_strdup (ifname);
  c->network = g_variant_ref_sink (network);
  c->pac = pac != NULL ? g_bytes_ref (pac) : NULL;
  g_task_set_task_data (task, c, configure_free);
  if (!self->present)
    {
      g_task_return_new_error (task, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                               _ ("wpa_supplicant is not running"));
      g_object_unref (task);
      return;
    }
  configure_next (task);
}

gboolean
phonesec_dot1x_supplicant_configure_finish (PhonesecDot1xSupplicant *self, GAsyncResult *result,
                                            GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- one-call operations ---------------------------------------------------------- */

static void
on_simple_reply (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  g_autoptr (GVariant) reply = NULL;
  GError *error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (error != NULL)
    return_error (task, error, _ ("wpa_supplicant did not restart the authentication"));
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

void
phonesec_dot1x_supplicant_reauthenticate_async (PhonesecDot1xSupplicant *self,
                                                GCancellable *cancellable,
                                                GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  if (self->iface_path == NULL)
    {
      g_task_return_new_error (task, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                               _ ("wpa_supplicant has no 802.1X interface set up"));
      g_object_unref (task);
      return;
    }
  /* Wired: restarts the EAPOL state machine, whatever state it is in
   * (HELD after a failure included), so EAPOL-Start goes out again. */
  call (self, self->iface_path, WPAS_IFACE, "Reassociate", NULL, NULL, task, on_simple_reply);
}

gboolean
phonesec_dot1x_supplicant_reauthenticate_finish (PhonesecDot1xSupplicant *self,
                                                 GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_removed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  g_autoptr (GVariant) reply = NULL;

  /* Gone already (wpa_supplicant restarted) is as good as removed. */
  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, NULL);
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
on_logged_off (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  PhonesecDot1xSupplicant *self = g_task_get_source_object (task);
  const char *path = g_task_get_task_data (task);
  g_autoptr (GVariant) reply = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, NULL);
  call (self, WPAS_PATH, WPAS_NAME, "RemoveInterface", g_variant_new ("(o)", path), NULL, task,
        on_removed);
}

void
phonesec_dot1x_supplicant_stop_async (PhonesecDot1xSupplicant *self, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  if (self->iface_path == NULL || !self->present)
    {
      g_clear_pointer (&self->iface_path, g_free);
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  /* From here the interface is no longer ours to follow. */
  g_task_set_task_data (task, g_steal_pointer (&self->iface_path), g_free);
  /* The switch closes the port now rather than when it times out. */
  call (self, g_task_get_task_data (task), WPAS_IFACE, "EAPLogoff", NULL, NULL, task,
        on_logged_off);
}

void
phonesec_dot1x_supplicant_stop_finish (PhonesecDot1xSupplicant *self, GAsyncResult *result)
{
  g_task_propagate_boolean (G_TASK (result), NULL);
}

static void
on_blob (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) bytes = NULL;
  GError *error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (error != NULL)
    {
      g_autofree char *remote = g_dbus_error_get_remote_error (error);

      if (g_strcmp0 (remote, "fi.w1.wpa_supplicant1.BlobUnknown") == 0)
        {
          g_error_free (error);
          g_task_return_pointer (task, NULL, NULL);
        }
      else
        return_error (task, error, _ ("wpa_supplicant did not give the EAP-FAST PAC"));
      g_object_unref (task);
      return;
    }
  bytes = g_variant_get_child_value (reply, 0);
  g_task_return_pointer (task, g_variant_get_data_as_bytes (bytes), (GDestroyNotify) g_bytes_unref);
  g_object_unref (task);
}

void
phonesec_dot1x_supplicant_dup_pac_async (PhonesecDot1xSupplicant *self, GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  if (self->iface_path == NULL)
    {
      g_task_return_pointer (task, NULL, NULL);
      g_object_unref (task);
      return;
    }
  call (self, self->iface_path, WPAS_IFACE, "GetBlob",
        g_variant_new ("(s)", PHONESEC_DOT1X_PAC_BLOB), "(ay)", task, on_blob);
}

GBytes *
phonesec_dot1x_supplicant_dup_pac_finish (PhonesecDot1xSupplicant *self, GAsyncResult *result,
                                          GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- GObject ---------------------------------------------------------------------- */

static void
phonesec_dot1x_supplicant_dispose (GObject *object)
{
  PhonesecDot1xSupplicant *self = PHONESEC_DOT1X_SUPPLICANT (object);

  g_clear_handle_id (&self->watch_id, g_bus_unwatch_name);
  if (self->bus != NULL)
    {
      g_dbus_connection_signal_unsubscribe (self->bus, self->eap_subscription);
      g_dbus_connection_signal_unsubscribe (self->bus, self->removed_subscription);
      g_dbus_connection_signal_unsubscribe (self->bus, self->state_subscription);
    }
  g_clear_object (&self->bus);
  g_clear_pointer (&self->iface_path, g_free);
  G_OBJECT_CLASS (phonesec_dot1x_supplicant_parent_class)->dispose (object);
}

static void
phonesec_dot1x_supplicant_class_init (PhonesecDot1xSupplicantClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = phonesec_dot1x_supplicant_dispose;

  signals[SIGNAL_PRESENCE_CHANGED]
      = g_signal_new ("presence-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
  signals[SIGNAL_EAP_STATUS]
      = g_signal_new ("eap-status", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  signals[SIGNAL_INTERFACE_REMOVED]
      = g_signal_new ("interface-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                      NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_STATE_CHANGED]
      = g_signal_new ("state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
phonesec_dot1x_supplicant_init (PhonesecDot1xSupplicant *self)
{
}
