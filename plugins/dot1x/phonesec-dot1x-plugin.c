/* phonesec-dot1x-plugin.c: the dot1x plugin: org.phonesec.PhoneSec1.Dot1x.
 *
 * 802.1X on the phone's network port. The parameters say what is wanted
 * (phonesec-dot1x-settings.c turns them into one wpa_supplicant network);
 * this file makes wpa_supplicant do it (phonesec-dot1x-supplicant.c) and
 * keeps the guide's transaction status: disabled, authenticating,
 * authenticated, failed. Everything that can undo an authentication is
 * followed: the configuration (a change re-authenticates), the link
 * (phonesec-dot1x-link.c: back → at once, or after the backoff delay when
 * it flaps), the EAP result (failure → again after 2 s, doubling up to
 * 60 s), wpa_supplicant's State of the port ("completed", or
 * "disconnected" when the switch ended the session) and wpa_supplicant
 * itself (gone → asked for again, set up again when back).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gi18n-lib.h>
#include <phonesec/phonesec.h>

#include "phonesec-dot1x-attempt.h"
#include "phonesec-dot1x-generated.h"
#include "phonesec-dot1x-link.h"
#include "phonesec-dot1x-pac.h"
#include "phonesec-dot1x-settings.h"
#include "phonesec-dot1x-supplicant.h"

#define RETRY_MIN_S 2
#define RETRY_MAX_S 60
/* EAPOL-Start goes out 2 s after the network is selected. An
 * authenticator ignores it for a while after a failure (its quiet period;
 * hostapd's wired driver: 5 s), and wpa_supplicant would only send the
 * next one 30 s later: without an answer, start again sooner, a few
 * times, before calling it a failure. */
#define START_WAIT_S 5
#define START_KICKS 3
/* Once started, a RADIUS exchange takes a few seconds at most. */
#define ATTEMPT_TIMEOUT_S 20

#define STATE_DISABLED "disabled"
#define STATE_AUTHENTICATING "authenticating"
#define STATE_AUTHENTICATED "authenticated"
#define STATE_FAILED "failed"

#define PHONESEC_TYPE_DOT1X_PLUGIN (phonesec_dot1x_plugin_get_type ())
G_DECLARE_FINAL_TYPE (PhonesecDot1xPlugin, phonesec_dot1x_plugin, PHONESEC, DOT1X_PLUGIN, GObject)

struct _PhonesecDot1xPlugin
{
  GObject parent_instance;

  PhonesecContext *context;
  PhonesecDot1xDBusDot1x *iface;
  GCancellable *lifetime;  /* cancelled at deactivation */
  GCancellable *operation; /* the wpa_supplicant operation in flight */
  GDBusConnection *system_bus;
  gboolean bus_pending;
  PhonesecDot1xSupplicant *supplicant;
  PhonesecDot1xLink *link;
  PhonesecDot1xSettings *applied; /* what wpa_supplicant runs, or NULL */
  PhonesecDot1xAttempt *attempt;  /* the EAP exchange being followed */
  guint retry_source;
  guint timeout_source;
  guint retry_delay; /* before the next retry; doubles with each one */
  gint64 last_start; /* monotonic µs: the last authentication started */
  guint kicks;       /* EAPOL-Starts sent again while the switch is silent */
  gboolean with_pac; /* an EAP-FAST PAC was given to wpa_supplicant */
};

static void phonesec_dot1x_plugin_iface_init (PhonesecPluginInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PhonesecDot1xPlugin, phonesec_dot1x_plugin, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PHONESEC_TYPE_PLUGIN,
                                                      phonesec_dot1x_plugin_iface_init))

static void reconcile (PhonesecDot1xPlugin *self, gboolean force);

/* --- status ------------------------------------------------------------------ */

static const char *
interface_name (PhonesecDot1xPlugin *self)
{
  return phonesec_device_get_network_interface (phonesec_context_get_device (self->context));
}

/* The one place the status changes, logged once per change. */
static void
set_state (PhonesecDot1xPlugin *self, const char *state, const char *last_error)
{
  const char *old_state = phonesec_dot1x_dbus_dot1x_get_state (self->iface);
  const char *old_error = phonesec_dot1x_dbus_dot1x_get_last_error (self->iface);

  if (last_error == NULL)
    last_error = "";
  if (g_strcmp0 (old_state, state) == 0 && g_strcmp0 (old_error, last_error) == 0)
    return;
  if (last_error[0] != '\0')
    g_message ("802.1X on %s: %s: %s", interface_name (self), state, last_error);
  else
    g_message ("802.1X on %s: %s", interface_name (self), state);
  if (g_str_equal (state, STATE_AUTHENTICATED))
    phonesec_dot1x_dbus_dot1x_set_authenticated_since (self->iface,
                                                       g_get_real_time () / G_USEC_PER_SEC);
  else if (g_strcmp0 (old_state, STATE_AUTHENTICATED) == 0)
    phonesec_dot1x_dbus_dot1x_set_authenticated_since (self->iface, 0);
  phonesec_dot1x_dbus_dot1x_set_last_error (self->iface, last_error);
  phonesec_dot1x_dbus_dot1x_set_state (self->iface, state);
}

static void
set_method (PhonesecDot1xPlugin *self, const char *method)
{
  phonesec_dot1x_dbus_dot1x_set_method (self->iface, method);
}

/* --- retries ----------------------------------------------------------------- */

static void reauthenticate (PhonesecDot1xPlugin *self, gboolean kick);

static gboolean
supplicant_ready (PhonesecDot1xPlugin *self)
{
  return self->applied != NULL && self->supplicant != NULL
         && phonesec_dot1x_supplicant_is_present (self->supplicant);
}

/* A set-up wpa_supplicant only needs EAPOL again; anything else is set up
 * from scratch. */
static gboolean
on_retry (gpointer user_data)
{
  PhonesecDot1xPlugin *self = user_data;

  self->retry_source = 0;
  /* The delay grows with the retries made, not with those planned (a
   * flapping link plans many). */
  self->retry_delay = MIN (self->retry_delay * 2, RETRY_MAX_S);
  if (supplicant_ready (self))
    reauthenticate (self, FALSE);
  else
    reconcile (self, TRUE);
  return G_SOURCE_REMOVE;
}

static void
schedule_retry_in (PhonesecDot1xPlugin *self, guint ms)
{
  g_clear_handle_id (&self->retry_source, g_source_remove);
  self->retry_source = g_timeout_add (ms, on_retry, self);
}

static void
schedule_retry (PhonesecDot1xPlugin *self)
{
  schedule_retry_in (self, self->retry_delay * 1000);
}

static void
fail (PhonesecDot1xPlugin *self, const char *why, gboolean retry)
{
  g_clear_handle_id (&self->timeout_source, g_source_remove);
  g_clear_pointer (&self->attempt, phonesec_dot1x_attempt_free);
  set_state (self, STATE_FAILED, why);
  phonesec_context_metric_add (self->context, "failures", 1);
  if (retry)
    schedule_retry (self);
}

/* A new operation replaces the one in flight. */
static GCancellable *
start_operation (PhonesecDot1xPlugin *self)
{
  if (self->operation != NULL)
    g_cancellable_cancel (self->operation);
  g_clear_object (&self->operation);
  self->operation = g_cancellable_new ();
  g_clear_handle_id (&self->retry_source, g_source_remove);
  g_clear_handle_id (&self->timeout_source, g_source_remove);
  g_clear_pointer (&self->attempt, phonesec_dot1x_attempt_free);
  return self->operation;
}

static gboolean
operation_cancelled (GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* --- one authentication ---------------------------------------------------- */

static gboolean
on_attempt_timeout (gpointer user_data)
{
  PhonesecDot1xPlugin *self = user_data;
  g_autofree char *why = NULL;

  self->timeout_source = 0;
  if (!phonesec_dot1x_attempt_get_started (self->attempt) && self->kicks < START_KICKS)
    {
      g_debug ("802.1X: no EAP request yet; EAPOL-Start again");
      self->kicks++;
      reauthenticate (self, TRUE);
      return G_SOURCE_REMOVE;
    }
  why = phonesec_dot1x_attempt_describe_timeout (self->attempt, interface_name (self));
  fail (self, why, TRUE);
  return G_SOURCE_REMOVE;
}

static void
arm_timeout (PhonesecDot1xPlugin *self, guint seconds)
{
  g_clear_handle_id (&self->timeout_source, g_source_remove);
  self->timeout_source = g_timeout_add_seconds (seconds, on_attempt_timeout, self);
}

/* wpa_supplicant runs the EAPOL exchange from here; follow it. */
static void
begin_attempt (PhonesecDot1xPlugin *self)
{
  g_clear_handle_id (&self->timeout_source, g_source_remove);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  g_clear_pointer (&self->attempt, phonesec_dot1x_attempt_free);
  /* Without a link watch (no rtnetlink), assume a link. */
  if (self->link != NULL && !phonesec_dot1x_link_get_carrier (self->link))
    {
      g_autofree char *why = g_strdup_printf (
          _ ("The link of %s is down; waiting for it to come back"), interface_name (self));

      /* The link coming back starts the next attempt, not a timer. */
      fail (self, why, FALSE);
      return;
    }
  self->attempt
      = phonesec_dot1x_attempt_new (self->applied->eap, self->applied->min_version, self->with_pac);
  arm_timeout (self, START_WAIT_S);
  set_state (self, STATE_AUTHENTICATING, NULL);
}

static void
on_pac (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PhonesecDot1xPlugin *self = user_data;
  g_autoptr (GBytes) pac = NULL;
  g_autoptr (GError) error = NULL;

  pac = phonesec_dot1x_supplicant_dup_pac_finish (PHONESEC_DOT1X_SUPPLICANT (source), result,
                                                  &error);
  if (operation_cancelled (error) || self->applied == NULL)
    return;
  if (pac == NULL && error == NULL)
    return;
  if (pac == NULL
      || !phonesec_dot1x_pac_save (phonesec_context_get_state_dir (self->context),
                                   self->applied->identity, pac, &error))
    g_message ("802.1X: the EAP-FAST PAC was not saved, the next start provisions a new one: %s",
               error->message);
}

static void
succeed (PhonesecDot1xPlugin *self)
{
  g_clear_handle_id (&self->timeout_source, g_source_remove);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  self->retry_delay = RETRY_MIN_S;
  self->kicks = 0;
  /* EAP-FAST provisions a PAC at the latest now. */
  self->with_pac = self->applied->eap == PHONESEC_DOT1X_EAP_FAST;
  set_state (self, STATE_AUTHENTICATED, NULL);
  phonesec_context_metric_add (self->context, "authentications", 1);
  /* Provisioned or refreshed during the exchange: keep it for restarts. */
  if (self->applied->eap == PHONESEC_DOT1X_EAP_FAST)
    phonesec_dot1x_supplicant_dup_pac_async (self->supplicant, self->lifetime, on_pac, self);
}

static void session_ended (PhonesecDot1xPlugin *self, const char *why);

/* An EAP-Failure to an authenticated port, without an exchange: the
 * switch closed it (its administrator, or its own decision). wpa_supplicant
 * stays "completed" and would wait for the switch: retry with the
 * backoff. */
static void
switch_closed_the_port (PhonesecDot1xPlugin *self)
{
  g_autofree char *why = NULL;

  if (g_strcmp0 (phonesec_dot1x_dbus_dot1x_get_state (self->iface), STATE_AUTHENTICATED) != 0)
    return;
  why = g_strdup_printf (_ ("The switch closed the 802.1X port %s (an EAP-Failure while "
                            "authenticated); authenticating again"),
                         interface_name (self));
  session_ended (self, why);
}

static void
on_eap_status (PhonesecDot1xSupplicant *supplicant, const char *status, const char *parameter,
               gpointer user_data)
{
  PhonesecDot1xPlugin *self = user_data;
  PhonesecDot1xAttemptResult result;

  g_debug ("802.1X EAP status: %s (%s)", status, parameter);
  /* The switch may start an exchange itself: its re-authentication
   * period, or while a retry is pending. */
  if (self->attempt == NULL && self->applied != NULL && g_str_equal (status, "started"))
    begin_attempt (self);
  if (self->attempt == NULL)
    {
      if (self->applied != NULL && g_str_equal (status, "completion")
          && g_strcmp0 (parameter, "failure") == 0)
        switch_closed_the_port (self);
      return;
    }
  result = phonesec_dot1x_attempt_feed (self->attempt, status, parameter);
  if (result == PHONESEC_DOT1X_ATTEMPT_SUCCEEDED)
    {
      g_clear_pointer (&self->attempt, phonesec_dot1x_attempt_free);
      succeed (self);
    }
  else if (result == PHONESEC_DOT1X_ATTEMPT_FAILED)
    {
      g_autofree char *why = phonesec_dot1x_attempt_describe_failure (self->attempt);

      fail (self, why, TRUE);
    }
  else if (g_str_equal (status, "started"))
    {
      /* The switch answered: now the server has its time. */
      arm_timeout (self, ATTEMPT_TIMEOUT_S);
      set_state (self, STATE_AUTHENTICATING, NULL);
    }
}

/* --- wpa_supplicant ----------------------------------------------------------- */

static void
on_configured (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PhonesecDot1xPlugin *self = user_data;
  g_autoptr (GError) error = NULL;

  if (!phonesec_dot1x_supplicant_configure_finish (PHONESEC_DOT1X_SUPPLICANT (source), result,
                                                   &error))
    {
      if (operation_cancelled (error))
        return;
      g_clear_pointer (&self->applied, phonesec_dot1x_settings_free);
      fail (self, error->message, TRUE);
      return;
    }
  begin_attempt (self);
}

static void
configure (PhonesecDot1xPlugin *self, PhonesecDot1xSettings *settings)
{
  GCancellable *cancellable = start_operation (self);
  g_autoptr (GBytes) pac = NULL;
  g_autoptr (GError) error = NULL;

  g_clear_pointer (&self->applied, phonesec_dot1x_settings_free);
  self->applied = settings;
  self->kicks = 0;
  self->last_start = g_get_monotonic_time ();
  if (settings->eap == PHONESEC_DOT1X_EAP_FAST)
    pac = phonesec_dot1x_pac_load (phonesec_context_get_state_dir (self->context),
                                   settings->identity, &error);
  /* Given to wpa_supplicant, it would refuse EAP-FAST altogether. */
  if (error != NULL)
    g_message ("802.1X: %s; provisioning a new one", error->message);
  self->with_pac = pac != NULL;
  set_state (self, STATE_AUTHENTICATING, NULL);
  phonesec_dot1x_supplicant_configure_async (self->supplicant, settings->interface,
                                             phonesec_dot1x_settings_to_network (settings), pac,
                                             cancellable, on_configured, self);
}

static void
on_reauthenticated (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PhonesecDot1xPlugin *self = user_data;
  g_autoptr (GError) error = NULL;

  if (phonesec_dot1x_supplicant_reauthenticate_finish (PHONESEC_DOT1X_SUPPLICANT (source), result,
                                                       &error))
    begin_attempt (self);
  else if (!operation_cancelled (error))
    fail (self, error->message, TRUE);
}

/* @kick: another EAPOL-Start of the same attempt, else a new attempt. */
static void
reauthenticate (PhonesecDot1xPlugin *self, gboolean kick)
{
  GCancellable *cancellable = start_operation (self);

  if (!kick)
    {
      self->kicks = 0;
      self->last_start = g_get_monotonic_time ();
    }
  set_state (self, STATE_AUTHENTICATING, NULL);
  phonesec_dot1x_supplicant_reauthenticate_async (self->supplicant, cancellable, on_reauthenticated,
                                                  self);
}

static void
drop_watchers (PhonesecDot1xPlugin *self)
{
  if (self->supplicant != NULL)
    g_signal_handlers_disconnect_by_data (self->supplicant, self);
  if (self->link != NULL)
    g_signal_handlers_disconnect_by_data (self->link, self);
  g_clear_object (&self->supplicant);
  g_clear_object (&self->link);
}

static void
on_stopped (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PhonesecDot1xPlugin *self = user_data;

  phonesec_dot1x_supplicant_stop_finish (PHONESEC_DOT1X_SUPPLICANT (source), result);
  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;
  if (!phonesec_context_get_bool (self->context, "Enable_802.1X_Authentication"))
    set_state (self, STATE_DISABLED, NULL);
}

/* EAPOL-Logoff and the interface handed back; nothing of wpa_supplicant is
 * followed (or started) any more. The logoff is not cancelled by what
 * comes next: only the end of the plugin stops it. */
static void
stop_supplicant (PhonesecDot1xPlugin *self, GAsyncReadyCallback callback)
{
  start_operation (self);
  g_clear_pointer (&self->applied, phonesec_dot1x_settings_free);
  if (self->supplicant == NULL)
    return;
  phonesec_dot1x_supplicant_stop_async (self->supplicant, self->lifetime, callback, self);
  drop_watchers (self);
}

static void
disable (PhonesecDot1xPlugin *self)
{
  gboolean running = self->supplicant != NULL;

  stop_supplicant (self, on_stopped);
  set_method (self, "");
  self->retry_delay = RETRY_MIN_S;
  /* Else on_stopped says it, once the switch was told. */
  if (!running)
    set_state (self, STATE_DISABLED, NULL);
}

static void
on_presence_changed (PhonesecDot1xSupplicant *supplicant, gboolean present, gpointer user_data)
{
  PhonesecDot1xPlugin *self = user_data;

  /* Whatever it had is gone with it: set it up again from scratch. */
  g_clear_pointer (&self->applied, phonesec_dot1x_settings_free);
  if (present)
    {
      g_message ("802.1X: wpa_supplicant is on the system bus");
      reconcile (self, TRUE);
      return;
    }
  start_operation (self);
  fail (self,
        _ ("wpa_supplicant is not running (nobody owns fi.w1.wpa_supplicant1 on the system bus); "
           "asking for it again"),
        TRUE);
}

/* An authenticated session ended without an exchange the plugin
 * follows: the port is closed, authenticate again with the backoff. */
static void
session_ended (PhonesecDot1xPlugin *self, const char *why)
{
  start_operation (self);
  fail (self, why, TRUE);
}

/* wpa_supplicant's own State of the port. "completed" is its EAPOL
 * success, a confirmation when the EAP signal was missed. "disconnected"
 * while the port is authenticated: wpa_supplicant left the session (its
 * own timeout, or another client of its bus disconnected it). */
static void
on_supplicant_state (PhonesecDot1xSupplicant *supplicant, const char *state, gpointer user_data)
{
  PhonesecDot1xPlugin *self = user_data;
  const char *ours = phonesec_dot1x_dbus_dot1x_get_state (self->iface);
  g_autofree char *why = NULL;

  g_debug ("802.1X: wpa_supplicant State %s (ours %s)", state, ours);
  if (self->applied == NULL)
    return;
  if (g_str_equal (state, "completed"))
    {
      if (self->attempt != NULL)
        {
          g_clear_pointer (&self->attempt, phonesec_dot1x_attempt_free);
          succeed (self);
        }
      return;
    }
  if (!g_str_equal (ours, STATE_AUTHENTICATED) || !g_str_equal (state, "disconnected"))
    return;
  why = g_strdup_printf (_ ("wpa_supplicant disconnected the 802.1X session on %s; "
                            "authenticating again"),
                         interface_name (self));
  session_ended (self, why);
}

static void
on_interface_removed (PhonesecDot1xSupplicant *supplicant, gpointer user_data)
{
  PhonesecDot1xPlugin *self = user_data;
  g_autofree char *why
      = g_strdup_printf (_ ("wpa_supplicant dropped network interface %s"), interface_name (self));

  start_operation (self);
  g_clear_pointer (&self->applied, phonesec_dot1x_settings_free);
  fail (self, why, TRUE);
}

/* Back: at once, as a phone does, unless the last authentication started
 * less than the backoff delay ago (a flapping link): then once it passed.
 * Either way the delay grows, so a link that keeps flapping is spaced
 * out like failures are. */
static void
on_link_up (PhonesecDot1xPlugin *self)
{
  gint64 wait_us
      = self->last_start + (gint64) self->retry_delay * G_USEC_PER_SEC - g_get_monotonic_time ();

  g_message ("802.1X: the link of %s is up", interface_name (self));
  if (self->last_start != 0 && wait_us > 0)
    {
      g_autofree char *why = g_strdup_printf (
          _ ("The link of %s came back too soon after the last attempt; authenticating again in "
             "%u s"),
          interface_name (self), (guint) ((wait_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC));

      start_operation (self);
      set_state (self, STATE_FAILED, why);
      schedule_retry_in (self, wait_us / 1000 + 1);
      return;
    }
  self->retry_delay = MIN (self->retry_delay * 2, RETRY_MAX_S);
  /* wpa_supplicant's wired driver does not notice: start it again. */
  if (supplicant_ready (self))
    reauthenticate (self, FALSE);
  else
    reconcile (self, TRUE);
}

/* Down: no retry while it is, none could reach the switch; its coming
 * back is the retry. */
static void
on_link_changed (PhonesecDot1xLink *link, gpointer user_data)
{
  PhonesecDot1xPlugin *self = user_data;
  g_autofree char *why = NULL;

  if (phonesec_dot1x_link_get_carrier (link))
    {
      on_link_up (self);
      return;
    }
  start_operation (self);
  why = g_strdup_printf (_ ("The link of %s is down; waiting for it to come back"),
                         interface_name (self));
  fail (self, why, FALSE);
}

static void
on_system_bus (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PhonesecDot1xPlugin *self = user_data;
  g_autoptr (GError) error = NULL;
  GDBusConnection *bus = g_bus_get_finish (result, &error);

  if (operation_cancelled (error))
    return;
  self->bus_pending = FALSE;
  if (bus == NULL)
    {
      g_autofree char *why = g_strdup_printf (
          _ ("Cannot reach the system bus, where wpa_supplicant serves 802.1X: %s"),
          error->message);

      fail (self, why, TRUE);
      return;
    }
  /* Our own handle: the system bus going away must not end phonesecd. */
  g_dbus_connection_set_exit_on_close (bus, FALSE);
  self->system_bus = bus;
  reconcile (self, TRUE);
}

/* --- what the configuration asks for --------------------------------------- */

static PhonesecDot1xSettings *
read_settings (PhonesecDot1xPlugin *self, PhonesecDot1xEap *eap, GError **error)
{
  PhonesecDevice *device = phonesec_context_get_device (self->context);
  g_autofree char *method = phonesec_context_dup_string (self->context, "Dot1x_EAP_Method");
  g_autofree char *identity = phonesec_context_dup_string (self->context, "Dot1x_Identity");
  g_autoptr (PhonesecSecret) password
      = phonesec_context_dup_secret (self->context, "Dot1x_Password");
  g_autofree char *min_version = phonesec_context_dup_string (self->context, "TLS_Min_Version");
  g_autofree char *ciphers = phonesec_context_dup_openssl_ciphers (self->context, "default");
  g_autofree char *cn = NULL;
  PhonesecDot1xInput in = {
    .method = method,
    .identity = identity,
    .password = password,
    .min_version = min_version,
    .fips = phonesec_context_get_fips_mode (self->context),
    .openssl_ciphers = ciphers,
    .ca_file = phonesec_context_get_ca_bundle (self->context),
    .interface = phonesec_device_get_network_interface (device),
    .has_certificate = phonesec_device_get_client_certificate (device),
    .certificate_file = phonesec_device_get_client_certificate_file (device),
    .key_file = phonesec_device_get_client_key_file (device),
    .certificate_error = phonesec_device_get_client_certificate_error (device),
  };

  *eap = phonesec_dot1x_choose_eap (&in);
  if (*eap == PHONESEC_DOT1X_EAP_TLS && in.has_certificate)
    in.certificate_cn = cn = phonesec_dot1x_certificate_dup_cn (in.certificate_file);
  return phonesec_dot1x_settings_new (&in, error);
}

static void
ensure_watchers (PhonesecDot1xPlugin *self)
{
  g_autoptr (GError) error = NULL;

  if (self->supplicant == NULL)
    {
      self->supplicant = phonesec_dot1x_supplicant_new (self->system_bus);
      g_signal_connect (self->supplicant, "presence-changed", G_CALLBACK (on_presence_changed),
                        self);
      g_signal_connect (self->supplicant, "eap-status", G_CALLBACK (on_eap_status), self);
      g_signal_connect (self->supplicant, "interface-removed", G_CALLBACK (on_interface_removed),
                        self);
      g_signal_connect (self->supplicant, "state-changed", G_CALLBACK (on_supplicant_state), self);
    }
  if (self->link == NULL)
    {
      self->link = phonesec_dot1x_link_new (interface_name (self), &error);
      if (self->link != NULL)
        g_signal_connect (self->link, "changed", G_CALLBACK (on_link_changed), self);
      else
        g_message ("802.1X: %s", error->message);
    }
}

/* Brings wpa_supplicant to what the configuration asks for. @force sets it
 * up again even when nothing changed (a retry, Reauthenticate()). */
static void
reconcile (PhonesecDot1xPlugin *self, gboolean force)
{
  g_autoptr (PhonesecDot1xSettings) settings = NULL;
  g_autoptr (GError) error = NULL;
  PhonesecDot1xEap eap;

  phonesec_dot1x_dbus_dot1x_set_interface (self->iface, interface_name (self));
  if (!phonesec_context_get_bool (self->context, "Enable_802.1X_Authentication"))
    {
      if (self->supplicant != NULL
          || g_strcmp0 (phonesec_dot1x_dbus_dot1x_get_state (self->iface), STATE_DISABLED) != 0)
        disable (self);
      return;
    }
  settings = read_settings (self, &eap, &error);
  set_method (self, phonesec_dot1x_eap_to_string (eap));
  if (settings == NULL)
    {
      /* Not what the admin asked for: nothing runs until it is fixed. */
      if (self->supplicant != NULL)
        phonesec_dot1x_supplicant_stop_async (self->supplicant, start_operation (self), NULL, NULL);
      g_clear_pointer (&self->applied, phonesec_dot1x_settings_free);
      fail (self, error->message, FALSE);
      return;
    }
  if (self->system_bus == NULL)
    {
      if (!self->bus_pending)
        {
          self->bus_pending = TRUE;
          set_state (self, STATE_AUTHENTICATING, NULL);
          g_bus_get (G_BUS_TYPE_SYSTEM, self->lifetime, on_system_bus, self);
        }
      return;
    }
  ensure_watchers (self);
  if (!phonesec_dot1x_supplicant_is_known (self->supplicant))
    {
      /* Its first "presence-changed" comes back here. */
      set_state (self, STATE_AUTHENTICATING, NULL);
      return;
    }
  if (!phonesec_dot1x_supplicant_is_present (self->supplicant))
    {
      /* Its watch reports it when it comes; until then ask again now and
       * then (D-Bus activation). */
      phonesec_dot1x_supplicant_request_start (self->supplicant);
      if (self->retry_source == 0)
        fail (self,
              _ ("wpa_supplicant is not running (nobody owns fi.w1.wpa_supplicant1 on the system "
                 "bus); asking for it again"),
              TRUE);
      return;
    }
  if (!force && phonesec_dot1x_settings_equal (settings, self->applied))
    return;
  if (!force)
    g_message ("802.1X settings changed: authenticating again");
  configure (self, g_steal_pointer (&settings));
}

/* --- D-Bus ------------------------------------------------------------------- */

static gboolean
on_handle_reauthenticate (PhonesecDot1xDBusDot1x *iface, GDBusMethodInvocation *invocation,
                          gpointer user_data)
{
  PhonesecDot1xPlugin *self = user_data;

  if (!phonesec_context_get_bool (self->context, "Enable_802.1X_Authentication"))
    {
      g_dbus_method_invocation_return_error_literal (
          invocation, PHONESEC_ERROR, PHONESEC_ERROR_NOT_SUPPORTED,
          _ ("Enable_802.1X_Authentication is No: set it to Yes to authenticate the port"));
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  g_message ("802.1X: authenticating again on request");
  self->retry_delay = RETRY_MIN_S;
  if (supplicant_ready (self))
    reauthenticate (self, FALSE);
  else
    {
      g_clear_handle_id (&self->retry_source, g_source_remove);
      reconcile (self, TRUE);
    }
  phonesec_dot1x_dbus_dot1x_complete_reauthenticate (iface, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* --- PhonesecPlugin ---------------------------------------------------------- */

static gboolean
phonesec_dot1x_plugin_activate (PhonesecPlugin *plugin, PhonesecContext *context, GError **error)
{
  PhonesecDot1xPlugin *self = PHONESEC_DOT1X_PLUGIN (plugin);

  g_set_object (&self->context, context);
  self->lifetime = g_cancellable_new ();
  self->retry_delay = RETRY_MIN_S;
  self->iface = phonesec_dot1x_dbus_dot1x_skeleton_new ();
  phonesec_dot1x_dbus_dot1x_set_state (self->iface, STATE_DISABLED);
  phonesec_dot1x_dbus_dot1x_set_method (self->iface, "");
  phonesec_dot1x_dbus_dot1x_set_last_error (self->iface, "");
  phonesec_dot1x_dbus_dot1x_set_interface (self->iface, interface_name (self));
  g_signal_connect (self->iface, "handle-reauthenticate", G_CALLBACK (on_handle_reauthenticate),
                    self);
  phonesec_context_export_interface (context, G_DBUS_INTERFACE_SKELETON (self->iface));
  /* Everything from here is asynchronous: activation never waits for
   * wpa_supplicant nor the switch. */
  reconcile (self, FALSE);
  return TRUE;
}

/* Leaves wpa_supplicant as it is: a daemon restart must not close the
 * port. The next activation sets it up again. */
static void
phonesec_dot1x_plugin_deactivate (PhonesecPlugin *plugin)
{
  PhonesecDot1xPlugin *self = PHONESEC_DOT1X_PLUGIN (plugin);

  if (self->lifetime != NULL)
    g_cancellable_cancel (self->lifetime);
  if (self->operation != NULL)
    g_cancellable_cancel (self->operation);
  g_clear_object (&self->operation);
  g_clear_object (&self->lifetime);
  g_clear_handle_id (&self->retry_source, g_source_remove);
  g_clear_handle_id (&self->timeout_source, g_source_remove);
  g_clear_pointer (&self->attempt, phonesec_dot1x_attempt_free);
  g_clear_pointer (&self->applied, phonesec_dot1x_settings_free);
  drop_watchers (self);
  g_clear_object (&self->system_bus);
  self->bus_pending = FALSE;
  if (self->iface != NULL && self->context != NULL)
    phonesec_context_unexport_interface (self->context, G_DBUS_INTERFACE_SKELETON (self->iface));
  g_clear_object (&self->iface);
  g_clear_object (&self->context);
}

static void
phonesec_dot1x_plugin_config_changed (PhonesecPlugin *plugin, const char *const *names)
{
  PhonesecDot1xPlugin *self = PHONESEC_DOT1X_PLUGIN (plugin);

  if (self->iface == NULL)
    return;
  self->retry_delay = RETRY_MIN_S;
  reconcile (self, FALSE);
}

static void
phonesec_dot1x_plugin_iface_init (PhonesecPluginInterface *iface)
{
  iface->activate = phonesec_dot1x_plugin_activate;
  iface->deactivate = phonesec_dot1x_plugin_deactivate;
  iface->config_changed = phonesec_dot1x_plugin_config_changed;
}

/* --- GObject ----------------------------------------------------------------- */

static void
phonesec_dot1x_plugin_dispose (GObject *object)
{
  phonesec_dot1x_plugin_deactivate (PHONESEC_PLUGIN (object));
  G_OBJECT_CLASS (phonesec_dot1x_plugin_parent_class)->dispose (object);
}

static void
phonesec_dot1x_plugin_class_init (PhonesecDot1xPluginClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = phonesec_dot1x_plugin_dispose;
}

static void
phonesec_dot1x_plugin_init (PhonesecDot1xPlugin *self)
{
}

PHONESEC_PLUGIN_DEFINE (phonesec_dot1x_plugin_get_type)
