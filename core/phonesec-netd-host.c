/* phonesec-netd-host.c: see the header.
 *
 * glib-networking reads its GnuTLS priority once per process, so a policy
 * in force for HTTP means a new helper process: when the priority, the
 * cipher list or FIPS mode changes, the helper restarts (requests with no
 * answer yet go to the new one) while phonesecd stays on the bus. A CA
 * added or removed restarts it too: no connection kept alive under the old
 * trust store is reused.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gi18n-lib.h>

#include "phonesec-http-private.h"
#include "phonesec-netd-host.h"

struct _PhonesecNetdHost
{
  PhonesecTlsPolicy *tls;
  PhonesecHttpClient *client;
  PhonesecNetdSupervisor *supervisor;
  PhonesecDBusManager *manager;
  char *in_force; /* the policy the helper was started with */
  gulong changed_id;
  gulong trust_id;
  gulong state_id;
};

static const char *
helper_path (void)
{
  const char *env = g_getenv ("PHONESEC_NETD");

  return env != NULL && env[0] != '\0' ? env : PHONESEC_NETD_PATH;
}

/* What the helper's behaviour depends on, as one string. */
static char *
dup_policy_key (PhonesecNetdHost *self)
{
  g_autofree char *priority
      = phonesec_tls_policy_dup_priority (self->tls, PHONESEC_CIPHER_APP_DEFAULT);

  return g_strdup_printf ("%s\n%s\n%d", priority, phonesec_tls_policy_get_cipher_list (self->tls),
                          phonesec_tls_policy_get_fips (self->tls));
}

static void
configure (PhonesecNetdHost *self)
{
  g_autofree char *priority
      = phonesec_tls_policy_dup_priority (self->tls, PHONESEC_CIPHER_APP_DEFAULT);

  phonesec_http_client_set_tls (
      self->client, priority, phonesec_tls_policy_get_min_version (self->tls),
      phonesec_tls_policy_get_cipher_list (self->tls), phonesec_tls_policy_get_fips (self->tls),
      phonesec_tls_policy_get_trust_file (self->tls));
  g_free (self->in_force);
  self->in_force = dup_policy_key (self);
}

static void
on_policy_changed (PhonesecTlsPolicy *tls, gpointer user_data)
{
  PhonesecNetdHost *self = user_data;
  g_autofree char *key = dup_policy_key (self);

  if (g_strcmp0 (key, self->in_force) == 0)
    return;
  configure (self);
  phonesec_http_client_restart (self->client, _ ("the TLS policy changed"));
}

static void
on_trust_changed (PhonesecTlsPolicy *tls, gpointer user_data)
{
  PhonesecNetdHost *self = user_data;

  configure (self);
  phonesec_http_client_restart (self->client, _ ("the trust store changed"));
}

static void
sync_manager (PhonesecNetdHost *self)
{
  if (self->manager == NULL)
    return;
  phonesec_dbus_manager_set_network_service_state (
      self->manager, phonesec_netd_supervisor_get_state (self->supervisor));
  phonesec_dbus_manager_set_network_service_pid (
      self->manager, phonesec_netd_supervisor_get_pid (self->supervisor));
  phonesec_dbus_manager_set_network_service_restarts (
      self->manager, phonesec_netd_supervisor_get_restarts (self->supervisor));
  phonesec_dbus_manager_set_network_service_error (
      self->manager, phonesec_netd_supervisor_get_last_error (self->supervisor));
}

static void
on_state_changed (PhonesecNetdSupervisor *supervisor, gpointer user_data)
{
  sync_manager (user_data);
}

PhonesecNetdHost *
phonesec_netd_host_new (PhonesecTlsPolicy *tls, GProxyResolver *proxy_slot,
                        PhonesecMetrics *metrics, PhonesecCrashLog *crash_log, const char *user,
                        GError **error)
{
  PhonesecNetdHost *self;
  PhonesecNetdSupervisor *supervisor = phonesec_netd_supervisor_new (helper_path (), user, error);
  const char *watchdog = g_getenv ("PHONESEC_NETD_WATCHDOG_MS");

  if (supervisor == NULL)
    return NULL;
  self = g_new0 (PhonesecNetdHost, 1);
  self->tls = g_object_ref (tls);
  self->supervisor = supervisor;
  phonesec_netd_supervisor_set_crash_log (supervisor, crash_log);
  /* Tests make hangs quick to find. */
  if (watchdog != NULL)
    phonesec_netd_supervisor_set_watchdog (supervisor,
                                           (guint) g_ascii_strtoull (watchdog, NULL, 10));
  self->client = phonesec_http_client_new (supervisor, proxy_slot, metrics);
  configure (self);
  self->changed_id = g_signal_connect (tls, "changed", G_CALLBACK (on_policy_changed), self);
  self->trust_id = g_signal_connect (tls, "trust-changed", G_CALLBACK (on_trust_changed), self);
  self->state_id = g_signal_connect (supervisor, "changed", G_CALLBACK (on_state_changed), self);
  return self;
}

PhonesecHttpClient *
phonesec_netd_host_get_client (PhonesecNetdHost *self)
{
  return self->client;
}

void
phonesec_netd_host_set_manager (PhonesecNetdHost *self, PhonesecDBusManager *manager)
{
  g_set_object (&self->manager, manager);
  sync_manager (self);
}

void
phonesec_netd_host_trust_loaded (PhonesecNetdHost *self)
{
  configure (self);
}

void
phonesec_netd_host_start (PhonesecNetdHost *self)
{
  phonesec_http_client_start (self->client);
}

void
phonesec_netd_host_shutdown (PhonesecNetdHost *self)
{
  phonesec_http_client_shutdown (self->client);
}

void
phonesec_netd_host_free (PhonesecNetdHost *self)
{
  if (self == NULL)
    return;
  g_clear_signal_handler (&self->changed_id, self->tls);
  g_clear_signal_handler (&self->trust_id, self->tls);
  g_clear_signal_handler (&self->state_id, self->supervisor);
  phonesec_http_client_shutdown (self->client);
  g_clear_object (&self->client);
  g_clear_object (&self->supervisor);
  g_clear_object (&self->manager);
  g_clear_object (&self->tls);
  g_free (self->in_force);
  g_free (self);
}
