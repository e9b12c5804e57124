/* phonesec-dbus-tls.c: the TLS policy's properties, trust store and probe.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gi18n-lib.h>

#include "phonesec/phonesec-dbus-names.h"
#include "phonesec/phonesec-error.h"
#include "phonesec-dbus-generated.h"
#include "phonesec-dbus-tls.h"
#include "tls/phonesec-tls-probe.h"

struct _PhonesecDBusTlsService
{
  PhonesecDBusTlsPolicy *skeleton;
  PhonesecTlsPolicy *policy;
  PhonesecHttpClient *client;
  PhonesecCallers *callers;
  PhonesecBusExporter *exporter;
  gulong changed_handler;
};

static void
sync_properties (PhonesecDBusTlsService *self)
{
  g_autoptr (GVariant) cas = phonesec_tls_policy_dup_trusted_cas (self->policy);
  const char *min_version = phonesec_tls_policy_get_min_version (self->policy);

  /* FIPS mode raises the floor; show what is really in force. */
  if (phonesec_tls_policy_get_fips (self->policy)
      && (g_strcmp0 (min_version, "TLS 1.0") == 0 || g_strcmp0 (min_version, "TLS 1.1") == 0))
    min_version = "TLS 1.2";
  phonesec_dbus_tls_policy_set_min_version (self->skeleton, min_version);
  phonesec_dbus_tls_policy_set_cipher_list (self->skeleton,
                                            phonesec_tls_policy_get_cipher_list (self->policy));
  phonesec_dbus_tls_policy_set_cipher_list_error (
      self->skeleton, phonesec_tls_policy_get_cipher_list_error (self->policy));
  phonesec_dbus_tls_policy_set_fips_mode (self->skeleton,
                                          phonesec_tls_policy_get_fips (self->policy));
  phonesec_dbus_tls_policy_set_fips_error (self->skeleton,
                                           phonesec_tls_policy_get_fips_error (self->policy));
  phonesec_dbus_tls_policy_set_trusted_cas (self->skeleton, cas);
}

static void
on_policy_changed (PhonesecTlsPolicy *policy, gpointer user_data)
{
  sync_properties (user_data);
}

/* The trust store and probes are the administrator's; on refusal the
 * invocation is answered. */
static gboolean
require_admin (GDBusMethodInvocation *invocation, const PhonesecCaller *caller, const char *what)
{
  if (caller->admin)
    return TRUE;
  g_dbus_method_invocation_return_error (invocation, PHONESEC_ERROR,
                                         PHONESEC_ERROR_PERMISSION_DENIED, "%s", what);
  return FALSE;
}

static gboolean
on_handle_resolve (PhonesecDBusTlsPolicy *skeleton, GDBusMethodInvocation *invocation,
                   const char *app_class, gpointer user_data)
{
  PhonesecDBusTlsService *self = user_data;
  PhonesecCipherAppClass app;
  g_autofree char *priority = NULL;
  g_auto (GStrv) suites = NULL;

  if (!phonesec_tls_app_class_from_string (app_class, &app))
    {
      g_autofree char *q = phonesec_quote_for_message (app_class, -1);

      g_dbus_method_invocation_return_error (invocation, PHONESEC_ERROR,
                                             PHONESEC_ERROR_INVALID_VALUE,
                                             _ ("'%s' is not an application class; allowed: "
                                                "default, sip, web-server, xmpp"),
                                             q);
      return TRUE;
    }
  priority = phonesec_tls_policy_dup_priority (self->policy, app);
  suites = phonesec_tls_policy_dup_suites (self->policy, app);
  phonesec_dbus_tls_policy_complete_resolve (skeleton, invocation, priority,
                                             (const char *const *) suites);
  return TRUE;
}

static void
probe_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GDBusMethodInvocation) invocation = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = phonesec_tls_probe_finish (result, &error);

  if (reply == NULL)
    g_dbus_method_invocation_return_gerror (invocation, error);
  else
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(@a{sv})", reply));
}

static void
probe_with_caller (GDBusMethodInvocation *invocation, const PhonesecCaller *caller,
                   gpointer user_data)
{
  PhonesecDBusTlsService *self = user_data;
  GVariant *parameters = g_dbus_method_invocation_get_parameters (invocation);
  const char *url;
  g_autoptr (GVariant) options = NULL;
  const char *client_name = "soup";
  const char *app_name = "default";
  PhonesecTlsProbeClient client;
  PhonesecCipherAppClass app;

  if (!require_admin (invocation, caller,
                      _ ("Only the administrator can probe "
                         "connections")))
    return;
  g_variant_get (parameters, "(&s@a{sv})", &url, &options);
  g_variant_lookup (options, "client", "&s", &client_name);
  g_variant_lookup (options, "app-class", "&s", &app_name);
  if (g_strcmp0 (client_name, "soup") == 0)
    client = PHONESEC_TLS_PROBE_SOUP;
  else if (g_strcmp0 (client_name, "gnutls") == 0)
    client = PHONESEC_TLS_PROBE_GNUTLS;
  else
    {
      g_autofree char *q = phonesec_quote_for_message (client_name, -1);

      g_dbus_method_invocation_return_error (invocation, PHONESEC_ERROR,
                                             PHONESEC_ERROR_INVALID_VALUE,
                                             _ ("client: '%s' is not allowed; allowed: soup, "
                                                "gnutls"),
                                             q);
      return;
    }
  if (!phonesec_tls_app_class_from_string (app_name, &app))
    {
      g_autofree char *q = phonesec_quote_for_message (app_name, -1);

      g_dbus_method_invocation_return_error (invocation, PHONESEC_ERROR,
                                             PHONESEC_ERROR_INVALID_VALUE,
                                             _ ("app-class: '%s' is not allowed; allowed: "
                                                "default, sip, web-server, xmpp"),
                                             q);
      return;
    }
  phonesec_tls_probe_async (self->policy, self->client, url, client, app, NULL, probe_done,
                            g_object_ref (invocation));
}

static gboolean
on_handle_probe (PhonesecDBusTlsPolicy *skeleton, GDBusMethodInvocation *invocation,
                 const char *url, GVariant *options, gpointer user_data)
{
  PhonesecDBusTlsService *self = user_data;

  phonesec_callers_run (self->callers, invocation, probe_with_caller, self);
  return TRUE;
}

static void
add_ca_with_caller (GDBusMethodInvocation *invocation, const PhonesecCaller *caller,
                    gpointer user_data)
{
  PhonesecDBusTlsService *self = user_data;
  const char *pem;
  g_autofree char *fingerprint = NULL;
  g_autoptr (GError) error = NULL;

  if (!require_admin (invocation, caller,
                      _ ("Only the administrator can change the "
                         "trusted CAs")))
    return;
  g_variant_get (g_dbus_method_invocation_get_parameters (invocation), "(&s)", &pem);
  fingerprint = phonesec_tls_policy_add_ca (self->policy, pem, &error);
  if (fingerprint == NULL)
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return;
    }
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(s)", fingerprint));
}

static gboolean
on_handle_add_ca (PhonesecDBusTlsPolicy *skeleton, GDBusMethodInvocation *invocation,
                  const char *pem, gpointer user_data)
{
  PhonesecDBusTlsService *self = user_data;

  phonesec_callers_run (self->callers, invocation, add_ca_with_caller, self);
  return TRUE;
}

static void
remove_ca_with_caller (GDBusMethodInvocation *invocation, const PhonesecCaller *caller,
                       gpointer user_data)
{
  PhonesecDBusTlsService *self = user_data;
  const char *fingerprint;
  g_autoptr (GError) error = NULL;

  if (!require_admin (invocation, caller,
                      _ ("Only the administrator can change the "
                         "trusted CAs")))
    return;
  g_variant_get (g_dbus_method_invocation_get_parameters (invocation), "(&s)", &fingerprint);
  if (!phonesec_tls_policy_remove_ca (self->policy, fingerprint, &error))
    {
      g_dbus_method_invocation_return_gerror (invocation, error);
      return;
    }
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static gboolean
on_handle_remove_ca (PhonesecDBusTlsPolicy *skeleton, GDBusMethodInvocation *invocation,
                     const char *fingerprint, gpointer user_data)
{
  PhonesecDBusTlsService *self = user_data;

  phonesec_callers_run (self->callers, invocation, remove_ca_with_caller, self);
  return TRUE;
}

PhonesecDBusTlsService *
phonesec_dbus_tls_service_new (PhonesecBusExporter *exporter, PhonesecTlsPolicy *policy,
                               PhonesecHttpClient *client, PhonesecCallers *callers, GError **error)
{
  PhonesecDBusTlsService *self = g_new0 (PhonesecDBusTlsService, 1);

  self->skeleton = phonesec_dbus_tls_policy_skeleton_new ();
  self->policy = g_object_ref (policy);
  self->client = g_object_ref (client);
  self->callers = g_object_ref (callers);
  sync_properties (self);
  self->changed_handler
      = g_signal_connect (policy, "changed", G_CALLBACK (on_policy_changed), self);
  g_signal_connect (self->skeleton, "handle-resolve", G_CALLBACK (on_handle_resolve), self);
  g_signal_connect (self->skeleton, "handle-probe", G_CALLBACK (on_handle_probe), self);
  g_signal_connect (self->skeleton, "handle-add-trusted-ca", G_CALLBACK (on_handle_add_ca), self);
  g_signal_connect (self->skeleton, "handle-remove-trusted-ca", G_CALLBACK (on_handle_remove_ca),
                    self);
  self->exporter = g_object_ref (exporter);
  if (!phonesec_bus_exporter_add (exporter, PHONESEC_DBUS_PATH,
                                  G_DBUS_INTERFACE_SKELETON (self->skeleton), NULL, error))
    {
      phonesec_dbus_tls_service_free (self);
      return NULL;
    }
  return self;
}

void
phonesec_dbus_tls_service_free (PhonesecDBusTlsService *self)
{
  if (self == NULL)
    return;
  g_signal_handler_disconnect (self->policy, self->changed_handler);
  if (self->exporter != NULL)
    phonesec_bus_exporter_remove (self->exporter, PHONESEC_DBUS_PATH,
                                  G_DBUS_INTERFACE_SKELETON (self->skeleton));
  g_clear_object (&self->exporter);
  g_object_unref (self->skeleton);
  g_object_unref (self->policy);
  g_object_unref (self->client);
  g_object_unref (self->callers);
  g_free (self);
}
