/* phonesec-vpn-plugin.c: the vpn-anyconnect plugin: org.phonesec.PhoneSec1.Vpn.
 *
 * The phone's AnyConnect-compatible SSL VPN. Each connection attempt is one
 * run of the openconnect program (phonesec-vpn-tunnel.c); this file is the
 * state machine around it: Connect/Disconnect, Connect_on_Bootup, retries
 * with backoff while enabled, reconnection on configuration changes, the
 * status properties and the byte counters.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <phonesec/phonesec.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "phonesec-vpn-generated.h"
#include "phonesec-vpn-openconnect.h"
#include "phonesec-vpn-tunnel.h"

#define RETRY_MIN_S 1
#define RETRY_MAX_S 60
#define SHUTDOWN_TIMEOUT_MS 3000
#define SCRIPT_NAME "phonesec-vpn-script"

#define PHONESEC_TYPE_VPN_PLUGIN (phonesec_vpn_plugin_get_type ())
G_DECLARE_FINAL_TYPE (PhonesecVpnPlugin, phonesec_vpn_plugin, PHONESEC, VPN_PLUGIN, GObject)

struct _PhonesecVpnPlugin
{
  GObject parent_instance;

  PhonesecContext *context;
  PhonesecVpnDBusVpn *iface;
  PhonesecVpnTunnel *tunnel; /* the running attempt, or NULL */
  gboolean enabled;          /* Connect() or Connect_on_Bootup, until Disconnect() */
  gboolean restart;          /* start again when the stopping tunnel is gone */
  guint retry_source;
  guint retry_delay; /* seconds, the next backoff */
  guint stats_source;
  gint64 connected_at;        /* monotonic µs, 0 when not connected */
  GPtrArray *disconnect_wait; /* of GDBusMethodInvocation: replied when down */
};

static void phonesec_vpn_plugin_iface_init (PhonesecPluginInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PhonesecVpnPlugin, phonesec_vpn_plugin, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PHONESEC_TYPE_PLUGIN,
                                                      phonesec_vpn_plugin_iface_init))

static void start_attempt (PhonesecVpnPlugin *self);

/* --- where things are -------------------------------------------------------- */

/* A program the daemon (root) runs must not be writable by others. */
static gboolean
safe_executable (const char *path)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode) || (st.st_mode & 0111) == 0)
    return FALSE;
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
    return FALSE;
  return st.st_uid == 0 || st.st_uid == getuid ();
}

/* PHONESEC_VPN_SCRIPT (development, tests), else the installed copy. (The
 * loader opens modules through /proc/self/fd, so a module cannot find its
 * own folder.) */
static char *
find_script (void)
{
  const char *env = g_getenv ("PHONESEC_VPN_SCRIPT");

  if (env != NULL && env[0] != '\0')
    return g_strdup (env);
  return g_strdup (PHONESEC_VPN_SCRIPT_INSTALLED);
}

static char *
find_openconnect (void)
{
  const char *env = g_getenv ("PHONESEC_OPENCONNECT");
  char *path;

  if (env != NULL && env[0] != '\0')
    return g_strdup (env);
  if (g_file_test ("/usr/sbin/openconnect", G_FILE_TEST_IS_EXECUTABLE))
    return g_strdup ("/usr/sbin/openconnect");
  path = g_find_program_in_path ("openconnect");
  return path != NULL ? path : g_strdup ("openconnect");
}

static char *
runtime_dir (PhonesecVpnPlugin *self)
{
  char *dir = g_build_filename (phonesec_context_get_state_dir (self->context), "run", NULL);

  g_mkdir_with_parents (dir, 0700);
  return dir;
}

/* --- "enabled" across daemon restarts --------------------------------------- */

/* Connect() is remembered until Disconnect() for the current boot only: a
 * daemon restart (a crash, Manager.Restart) resumes the VPN, a reboot does
 * not (that is Connect_on_Bootup's job). The file holds
 * the kernel's boot id. */
static char *
dup_boot_id (void)
{
  char *id = NULL;

  if (!g_file_get_contents ("/proc/sys/kernel/random/boot_id", &id, NULL, NULL))
    return NULL;
  return g_strstrip (id);
}

static char *
enabled_file (PhonesecVpnPlugin *self)
{
  return g_build_filename (phonesec_context_get_state_dir (self->context), "enabled-boot-id", NULL);
}

static void
remember_enabled (PhonesecVpnPlugin *self, gboolean enabled)
{
  g_autofree char *path = enabled_file (self);
  g_autofree char *boot_id = dup_boot_id ();
  g_autoptr (GError) error = NULL;

  if (!enabled)
    {
      if (g_unlink (path) != 0 && errno != ENOENT)
        g_warning ("Could not remove %s: %s", path, g_strerror (errno));
      return;
    }
  if (boot_id == NULL)
    return;
  if (!g_file_set_contents_full (path, boot_id, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    g_warning ("Could not remember the VPN connection request: %s", error->message);
}

static gboolean
enabled_this_boot (PhonesecVpnPlugin *self)
{
  g_autofree char *path = enabled_file (self);
  g_autofree char *saved = NULL;
  g_autofree char *boot_id = dup_boot_id ();

  if (boot_id == NULL || !g_file_get_contents (path, &saved, NULL, NULL))
    return FALSE;
  return strcmp (g_strstrip (saved), boot_id) == 0;
}

/* --- status ------------------------------------------------------------------ */

static const char *
state_of (PhonesecVpnPlugin *self)
{
  return phonesec_vpn_dbus_vpn_get_state (self->iface);
}

static void
set_state (PhonesecVpnPlugin *self, const char *state)
{
  if (g_strcmp0 (state_of (self), state) == 0)
    return;
  g_message ("VPN state: %s", state);
  phonesec_vpn_dbus_vpn_set_state (self->iface, state);
}

static void
set_last_error (PhonesecVpnPlugin *self, const char *message)
{
  phonesec_vpn_dbus_vpn_set_last_error (self->iface, message != NULL ? message : "");
}

static gboolean
read_counter (const char *name, guint64 *out)
{
  g_autofree char *path
      = g_strdup_printf ("/sys/class/net/%s/statistics/%s", PHONESEC_VPN_IFNAME, name);
  g_autofree char *text = NULL;

  /* sysfs attributes: a few bytes, answered from memory. */
  if (!g_file_get_contents (path, &text, NULL, NULL))
    return FALSE;
  return g_ascii_string_to_unsigned (g_strstrip (text), 10, 0, G_MAXUINT64, out, NULL);
}

static void
refresh_counters (PhonesecVpnPlugin *self)
{
  guint64 tx, rx;

  if (read_counter ("tx_bytes", &tx) && read_counter ("rx_bytes", &rx))
    {
      if (phonesec_vpn_dbus_vpn_get_bytes_sent (self->iface) != tx)
        phonesec_vpn_dbus_vpn_set_bytes_sent (self->iface, tx);
      if (phonesec_vpn_dbus_vpn_get_bytes_received (self->iface) != rx)
        phonesec_vpn_dbus_vpn_set_bytes_received (self->iface, rx);
      phonesec_context_metric_set (self->context, "bytes_sent", (gint64) tx);
      phonesec_context_metric_set (self->context, "bytes_received", (gint64) rx);
    }
  if (self->connected_at != 0)
    phonesec_context_metric_set (self->context, "connected_seconds",
                                 (g_get_monotonic_time () - self->connected_at) / G_USEC_PER_SEC);
}

static gboolean
on_stats_tick (gpointer user_data)
{
  refresh_counters (user_data);
  return G_SOURCE_CONTINUE;
}

static void
set_connected (PhonesecVpnPlugin *self, const PhonesecVpnScriptEvent *event)
{
  if (self->connected_at == 0)
    {
      self->connected_at = g_get_monotonic_time ();
      phonesec_vpn_dbus_vpn_set_connected_since (self->iface, g_get_real_time () / G_USEC_PER_SEC);
      phonesec_vpn_dbus_vpn_set_bytes_sent (self->iface, 0);
      phonesec_vpn_dbus_vpn_set_bytes_received (self->iface, 0);
      phonesec_context_metric_add (self->context, "connections", 1);
    }
  if (event->address != NULL)
    {
      phonesec_vpn_dbus_vpn_set_ip_address (self->iface, event->address);
      phonesec_vpn_dbus_vpn_set_netmask (self->iface, event->netmask);
    }
  phonesec_vpn_dbus_vpn_set_transport (
      self->iface, phonesec_vpn_tunnel_get_dtls_up (self->tunnel) ? "dtls" : "tls");
  set_last_error (self, NULL);
  self->retry_delay = RETRY_MIN_S;
  if (self->stats_source == 0)
    self->stats_source = g_timeout_add_seconds (1, on_stats_tick, self);
  refresh_counters (self);
  set_state (self, "connected");
}

static void
clear_connection (PhonesecVpnPlugin *self)
{
  /* The counters keep the last values, as the guide's status page does. */
  if (self->stats_source != 0 && self->connected_at != 0)
    refresh_counters (self);
  g_clear_handle_id (&self->stats_source, g_source_remove);
  self->connected_at = 0;
  phonesec_vpn_dbus_vpn_set_ip_address (self->iface, "");
  phonesec_vpn_dbus_vpn_set_netmask (self->iface, "");
  phonesec_vpn_dbus_vpn_set_transport (self->iface, "");
  phonesec_vpn_dbus_vpn_set_connected_since (self->iface, 0);
  phonesec_context_metric_set (self->context, "connected_seconds", 0);
}

static void
update_server (PhonesecVpnPlugin *self)
{
  g_autofree char *server = phonesec_context_dup_string (self->context, "VPN_Server");

  phonesec_vpn_dbus_vpn_set_server (self->iface, g_strstrip (server));
}

static void
reply_disconnect_waiters (PhonesecVpnPlugin *self)
{
  for (guint i = 0; i < self->disconnect_wait->len; i++)
    g_dbus_method_invocation_return_value (self->disconnect_wait->pdata[i], NULL);
  g_ptr_array_set_size (self->disconnect_wait, 0);
}

/* --- the tunnel's life ------------------------------------------------------- */

/* DTLS usually comes up just after the tunnel is configured. */
static void
on_dtls_up (PhonesecVpnTunnel *tunnel, gpointer user_data)
{
  PhonesecVpnPlugin *self = user_data;

  if (tunnel == self->tunnel && self->connected_at != 0)
    phonesec_vpn_dbus_vpn_set_transport (self->iface, "dtls");
}

static void
on_script_event (PhonesecVpnTunnel *tunnel, gpointer event_ptr, gpointer user_data)
{
  PhonesecVpnPlugin *self = user_data;
  const PhonesecVpnScriptEvent *event = event_ptr;

  if (tunnel != self->tunnel || phonesec_vpn_tunnel_get_stopping (tunnel)
      || phonesec_vpn_output_is_fatal (phonesec_vpn_tunnel_get_failure (tunnel, NULL)))
    return;
  if (strcmp (event->reason, "connect") == 0 || strcmp (event->reason, "reconnect") == 0)
    {
      g_message ("VPN connected to %s: %s/%s on %s", phonesec_vpn_tunnel_get_server (tunnel),
                 event->address != NULL ? event->address : "?",
                 event->netmask != NULL ? event->netmask : "?", event->ifname);
      set_connected (self, event);
    }
  else if (strcmp (event->reason, "attempt-reconnect") == 0)
    {
      g_autofree char *why = phonesec_vpn_output_describe (
          PHONESEC_VPN_OUTPUT_CONNECTION_LOST, NULL, phonesec_vpn_tunnel_get_server (tunnel));
      g_autofree char *msg = g_strdup_printf (_ ("%s; reconnecting"), why);

      g_message ("VPN connection lost: reconnecting");
      clear_connection (self);
      set_last_error (self, msg);
      set_state (self, "connecting");
    }
  else if (strcmp (event->reason, "error") == 0)
    {
      g_autofree char *msg = g_strdup_printf (_ ("Could not configure the VPN tunnel: %s"),
                                              event->message != NULL ? event->message : "?");

      g_warning ("%s", msg);
      set_last_error (self, msg);
      /* A local problem retrying cannot fix: stop, stay failed (still
       * enabled: a configuration change or Connect() tries again). */
      phonesec_vpn_tunnel_stop (tunnel);
      self->restart = FALSE;
      clear_connection (self);
      set_state (self, "failed");
    }
}

static gboolean
on_retry (gpointer user_data)
{
  PhonesecVpnPlugin *self = user_data;

  self->retry_source = 0;
  if (self->enabled && self->tunnel == NULL)
    start_attempt (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (PhonesecVpnPlugin *self, const char *why)
{
  guint delay = self->retry_delay;
  g_autofree char *msg = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s; retrying in %u second",
                                                       "%s; retrying in %u seconds", delay),
                                          why, delay);

  g_message ("VPN: %s", msg);
  set_last_error (self, msg);
  set_state (self, "connecting");
  self->retry_delay = MIN (self->retry_delay * 2, RETRY_MAX_S);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  self->retry_source = g_timeout_add_seconds (delay, on_retry, self);
}

static void
on_exited (PhonesecVpnTunnel *tunnel, gpointer user_data)
{
  PhonesecVpnPlugin *self = user_data;
  g_autoptr (PhonesecVpnTunnel) gone = NULL;
  gboolean requested = phonesec_vpn_tunnel_get_stopping (tunnel);
  int sig = phonesec_vpn_tunnel_get_term_signal (tunnel);
  int status = phonesec_vpn_tunnel_get_exit_status (tunnel);
  const char *detail = NULL;
  PhonesecVpnOutputKind failure = phonesec_vpn_tunnel_get_failure (tunnel, &detail);
  gboolean was_connected = self->connected_at != 0;

  if (tunnel != self->tunnel)
    return;
  gone = g_steal_pointer (&self->tunnel);
  g_signal_handlers_disconnect_by_data (gone, self);
  clear_connection (self);

  if (requested)
    {
      /* Disconnect(), a configuration change, or a failed configuration. */
      reply_disconnect_waiters (self);
      if (self->restart && self->enabled)
        {
          self->restart = FALSE;
          start_attempt (self);
        }
      else if (g_strcmp0 (state_of (self), "failed") != 0)
        set_state (self, "disconnected");
      return;
    }

  /* openconnect ended by itself. */
  if (sig != 0)
    {
      g_autofree char *tail = phonesec_vpn_tunnel_dup_tail (gone);
      g_autofree char *details
          = g_strdup_printf ("openconnect for %s killed by signal %d (%s); last output:\n%s",
                             phonesec_vpn_tunnel_get_server (gone), sig, g_strsignal (sig), tail);

      g_warning ("openconnect was killed by signal %d (%s)", sig, g_strsignal (sig));
      phonesec_context_report_crash (self->context, "openconnect", sig, details);
    }
  phonesec_context_metric_add (self->context, "failures", 1);

  if (phonesec_vpn_output_is_fatal (failure))
    {
      g_autofree char *msg
          = phonesec_vpn_output_describe (failure, detail, phonesec_vpn_tunnel_get_server (gone));

      /* Retrying cannot help: wait for Connect() or new settings. */
      g_message ("VPN connection failed: %s", msg);
      set_last_error (self, msg);
      set_state (self, "failed");
      return;
    }
  if (!self->enabled)
    {
      set_state (self, "disconnected");
      return;
    }
  {
    g_autofree char *msg = NULL;

    if (failure != PHONESEC_VPN_OUTPUT_NONE)
      msg = phonesec_vpn_output_describe (failure, detail, phonesec_vpn_tunnel_get_server (gone));
    else if (sig != 0)
      msg = g_strdup_printf (_ ("The VPN client was killed by signal %d (%s)"), sig,
                             g_strsignal (sig));
    else
      msg = g_strdup_printf (_ ("The VPN client stopped (exit status %d)"), status);
    if (was_connected)
      self->retry_delay = RETRY_MIN_S;
    schedule_retry (self, msg);
  }
}

static PhonesecVpnSettings *
read_settings (PhonesecVpnPlugin *self)
{
  PhonesecVpnSettings *s = g_new0 (PhonesecVpnSettings, 1);

  s->openconnect = find_openconnect ();
  s->server = g_strstrip (phonesec_context_dup_string (self->context, "VPN_Server"));
  s->user = phonesec_context_dup_string (self->context, "VPN_User_Name");
  s->group = g_strstrip (phonesec_context_dup_string (self->context, "VPN_Tunnel_Group"));
  s->cafile = g_strdup (phonesec_context_get_ca_bundle (self->context));
  s->priority = phonesec_context_dup_tls_priority (self->context, "default");
  s->script = find_script ();
  return s;
}

/* Starts openconnect with the current settings (enabled, no tunnel). */
static void
start_attempt (PhonesecVpnPlugin *self)
{
  g_autoptr (PhonesecVpnSettings) settings = read_settings (self);
  g_autoptr (PhonesecSecret) password = phonesec_context_dup_secret (self->context, "VPN_Password");
  g_autoptr (GError) error = NULL;
  g_autofree char *rundir = NULL;

  g_return_if_fail (self->tunnel == NULL);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  update_server (self);
  if (!phonesec_vpn_settings_check (settings, &error))
    {
      g_message ("VPN not started: %s", error->message);
      set_last_error (self, error->message);
      set_state (self, "failed");
      return;
    }
  if (password == NULL || strchr (phonesec_secret_peek (password), '\n') != NULL)
    {
      set_last_error (self, _ ("VPN_Password must not contain a line break"));
      set_state (self, "failed");
      return;
    }
  if (!safe_executable (settings->script))
    {
      g_autofree char *msg = g_strdup_printf (
          _ ("The VPN configuration script %s is missing or writable by others"), settings->script);

      g_warning ("%s", msg);
      set_last_error (self, msg);
      set_state (self, "failed");
      return;
    }

  rundir = runtime_dir (self);
  self->tunnel = phonesec_vpn_tunnel_new (g_steal_pointer (&settings), password, rundir);
  g_signal_connect (self->tunnel, "script-event", G_CALLBACK (on_script_event), self);
  g_signal_connect (self->tunnel, "exited", G_CALLBACK (on_exited), self);
  g_signal_connect (self->tunnel, "dtls-up", G_CALLBACK (on_dtls_up), self);
  set_state (self, "connecting");
  if (!phonesec_vpn_tunnel_start (self->tunnel, &error))
    {
      g_autofree char *msg = g_strdup_printf (
          _ ("Could not start the VPN client (openconnect): %s"), error->message);

      g_warning ("%s", msg);
      g_clear_object (&self->tunnel);
      set_last_error (self, msg);
      set_state (self, "failed");
    }
}

/* Stops the tunnel (if any); @restart: start again with the settings of
 * that moment once it is gone. */
static void
stop_tunnel (PhonesecVpnPlugin *self, gboolean restart)
{
  g_clear_handle_id (&self->retry_source, g_source_remove);
  self->restart = restart;
  if (self->tunnel == NULL)
    return;
  if (!restart)
    set_state (self, "disconnecting");
  phonesec_vpn_tunnel_stop (self->tunnel);
}

/* --- D-Bus ------------------------------------------------------------------- */

static gboolean
on_handle_connect (PhonesecVpnDBusVpn *iface, GDBusMethodInvocation *invocation, gpointer user_data)
{
  PhonesecVpnPlugin *self = user_data;
  g_autoptr (PhonesecVpnSettings) settings = read_settings (self);
  g_autoptr (GError) error = NULL;

  if (!phonesec_vpn_settings_check (settings, &error))
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  self->enabled = TRUE;
  remember_enabled (self, TRUE);
  self->retry_delay = RETRY_MIN_S;
  if (self->tunnel != NULL)
    {
      /* Connecting or connected: nothing to do; disconnecting: come back. */
      if (phonesec_vpn_tunnel_get_stopping (self->tunnel))
        self->restart = TRUE;
    }
  else
    start_attempt (self);
  phonesec_vpn_dbus_vpn_complete_connect (iface, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
on_handle_disconnect (PhonesecVpnDBusVpn *iface, GDBusMethodInvocation *invocation,
                      gpointer user_data)
{
  PhonesecVpnPlugin *self = user_data;

  self->enabled = FALSE;
  remember_enabled (self, FALSE);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  if (self->tunnel == NULL)
    {
      clear_connection (self);
      set_last_error (self, NULL);
      set_state (self, "disconnected");
      phonesec_vpn_dbus_vpn_complete_disconnect (iface, invocation);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  /* Ours from here (HANDLED): answered when the tunnel is gone. */
  g_ptr_array_add (self->disconnect_wait, invocation);
  stop_tunnel (self, FALSE);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* --- PhonesecPlugin ---------------------------------------------------------- */

static void
stop_feature (PhonesecVpnPlugin *self)
{
  self->enabled = FALSE;
  g_clear_handle_id (&self->retry_source, g_source_remove);
  g_clear_handle_id (&self->stats_source, g_source_remove);
  if (self->tunnel != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->tunnel, self);
      /* Synchronous by contract (deactivate): openconnect says goodbye to
       * the server and removes the interface within milliseconds. */
      phonesec_vpn_tunnel_stop_sync (self->tunnel, SHUTDOWN_TIMEOUT_MS);
      g_clear_object (&self->tunnel);
    }
  reply_disconnect_waiters (self);
  if (self->iface != NULL && self->context != NULL)
    phonesec_context_unexport_interface (self->context, G_DBUS_INTERFACE_SKELETON (self->iface));
  g_clear_object (&self->iface);
  g_clear_object (&self->context);
}

static gboolean
phonesec_vpn_plugin_activate (PhonesecPlugin *plugin, PhonesecContext *context, GError **error)
{
  PhonesecVpnPlugin *self = PHONESEC_VPN_PLUGIN (plugin);

  g_set_object (&self->context, context);
  self->iface = phonesec_vpn_dbus_vpn_skeleton_new ();
  g_signal_connect (self->iface, "handle-connect", G_CALLBACK (on_handle_connect), self);
  g_signal_connect (self->iface, "handle-disconnect", G_CALLBACK (on_handle_disconnect), self);
  phonesec_vpn_dbus_vpn_set_state (self->iface, "disconnected");
  phonesec_vpn_dbus_vpn_set_ip_address (self->iface, "");
  phonesec_vpn_dbus_vpn_set_netmask (self->iface, "");
  phonesec_vpn_dbus_vpn_set_last_error (self->iface, "");
  update_server (self);
  phonesec_context_export_interface (context, G_DBUS_INTERFACE_SKELETON (self->iface));
  /* The tunnel comes up in the background: activation does not wait. */
  if (phonesec_context_get_bool (self->context, "Connect_on_Bootup"))
    {
      g_message ("Connect_on_Bootup=Yes: connecting the VPN");
      self->enabled = TRUE;
      start_attempt (self);
    }
  else if (enabled_this_boot (self))
    {
      g_message ("The VPN was connected before the daemon restarted: connecting again");
      self->enabled = TRUE;
      start_attempt (self);
    }
  return TRUE;
}

static void
phonesec_vpn_plugin_deactivate (PhonesecPlugin *plugin)
{
  stop_feature (PHONESEC_VPN_PLUGIN (plugin));
}

static void
phonesec_vpn_plugin_config_changed (PhonesecPlugin *plugin, const char *const *names)
{
  PhonesecVpnPlugin *self = PHONESEC_VPN_PLUGIN (plugin);
  gboolean connection_settings = FALSE;

  if (self->iface == NULL)
    return;
  /* The TLS policy is taken per attempt: a tunnel made under the old one
   * is made again (phonesecd no longer restarts for it). */
  for (guint i = 0; names[i] != NULL; i++)
    if (g_str_has_prefix (names[i], "VPN_") || g_str_has_prefix (names[i], "TLS_")
        || g_str_equal (names[i], "FIPS_Mode"))
      connection_settings = TRUE;
  update_server (self);
  /* Connect_on_Bootup alone matters at the next start only. */
  if (!connection_settings || !self->enabled)
    return;
  g_message ("VPN settings changed: reconnecting with the new ones");
  self->retry_delay = RETRY_MIN_S;
  if (self->tunnel != NULL)
    {
      set_state (self, "connecting");
      stop_tunnel (self, TRUE);
    }
  else
    start_attempt (self);
}

static void
phonesec_vpn_plugin_iface_init (PhonesecPluginInterface *iface)
{
  iface->activate = phonesec_vpn_plugin_activate;
  iface->deactivate = phonesec_vpn_plugin_deactivate;
  iface->config_changed = phonesec_vpn_plugin_config_changed;
}

/* --- GObject ----------------------------------------------------------------- */

static void
phonesec_vpn_plugin_dispose (GObject *object)
{
  PhonesecVpnPlugin *self = PHONESEC_VPN_PLUGIN (object);

  if (self->disconnect_wait != NULL)
    stop_feature (self);
  G_OBJECT_CLASS (phonesec_vpn_plugin_parent_class)->dispose (object);
}

static void
phonesec_vpn_plugin_finalize (GObject *object)
{
  PhonesecVpnPlugin *self = PHONESEC_VPN_PLUGIN (object);

  g_ptr_array_unref (self->disconnect_wait);
  G_OBJECT_CLASS (phonesec_vpn_plugin_parent_class)->finalize (object);
}

static void
phonesec_vpn_plugin_class_init (PhonesecVpnPluginClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = phonesec_vpn_plugin_dispose;
  G_OBJECT_CLASS (klass)->finalize = phonesec_vpn_plugin_finalize;
}

static void
phonesec_vpn_plugin_init (PhonesecVpnPlugin *self)
{
  /* Each return_value() consumes its invocation: no free function. */
  self->disconnect_wait = g_ptr_array_new ();
  self->retry_delay = RETRY_MIN_S;
}

PHONESEC_PLUGIN_DEFINE (phonesec_vpn_plugin_get_type)
