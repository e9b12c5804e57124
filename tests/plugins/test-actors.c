/* test-actors.c: Config.Describe says what on this phone acts on each
 * parameter, and says so when nothing does.
 *
 * The core's TLS policy acts on TLS_Min_Version; an active plugin on what
 * it watches (test-good: Proxy_*); a plugin that failed to activate
 * (test-fail watches Syslog_Server) on nothing; a service that declared
 * itself with Manager.DeclareActor for as long as it is connected; and on
 * Firewall, nothing.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-test-bus.h"

#define CONFIG PHONESEC_DBUS_INTERFACE_CONFIG
#define MANAGER PHONESEC_DBUS_INTERFACE_MANAGER

typedef struct
{
  PhonesecTestBus *bus;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  f->bus = phonesec_test_bus_new ();
  phonesec_test_bus_add_plugin_named (f->bus, "PHONESEC_TEST_PLUGIN_BUILD_DIR", "test-good");
  phonesec_test_bus_add_plugin_named (f->bus, "PHONESEC_TEST_PLUGIN_BUILD_DIR", "test-fail");
  phonesec_test_bus_start_daemon (f->bus);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->bus, phonesec_test_bus_free);
}

/* Describe's acted-on-by of @name, joined with ','. */
static char *
acted_on_by (Fixture *f, const char *name)
{
  g_auto (GStrv) actors = phonesec_test_dup_acted_on_by (f->bus, name);

  return g_strjoinv (",", actors);
}

static void
test_core_and_plugins (Fixture *f, gconstpointer data)
{
  g_autofree char *tls = acted_on_by (f, "TLS_Min_Version");
  g_autofree char *metrics = acted_on_by (f, "Webex_Metrics_Enable");
  g_autofree char *proxy = acted_on_by (f, "Proxy_Mode");
  g_autofree char *syslog = acted_on_by (f, "Syslog_Server");
  g_autofree char *firewall = acted_on_by (f, "Firewall");

  g_assert_cmpstr (tls, ==, "core:tls-policy");
  g_assert_cmpstr (metrics, ==, "core:metrics");
  g_assert_cmpstr (proxy, ==, "plugin:test-good");
  /* test-fail watches it but failed to activate. */
  g_assert_cmpstr (syslog, ==, "");
  g_assert_cmpstr (firewall, ==, "");
}

static void
test_declared_service (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDBusConnection) service = g_dbus_connection_new_for_address_sync (
      f->bus->address,
      G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
          | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
      NULL, NULL, &error);
  g_autoptr (GVariant) reply = NULL;
  g_autofree char *before = NULL;
  g_autofree char *during = NULL;
  g_autofree char *after = NULL;
  g_autofree char *user = NULL;

  g_assert_no_error (error);
  before = acted_on_by (f, "Firewall");
  g_assert_cmpstr (before, ==, "");

  reply = g_dbus_connection_call_sync (
      service, PHONESEC_DBUS_NAME, PHONESEC_DBUS_PATH, MANAGER, "DeclareActor",
      g_variant_new_parsed ("('test-firewall', ['Firewall', 'Firewall_Config'])"), NULL,
      G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  during = acted_on_by (f, "Firewall");
  g_assert_cmpstr (during, ==, "service:test-firewall");

  /* The declaration ends with the connection. */
  g_dbus_connection_close_sync (service, NULL, &error);
  g_assert_no_error (error);
  for (int i = 0; i < 200; i++)
    {
      g_clear_pointer (&after, g_free);
      after = acted_on_by (f, "Firewall");
      if (after[0] == '\0')
        break;
      g_usleep (10 * 1000);
    }
  g_assert_cmpstr (after, ==, "");

  /* The phone's user may not claim to enforce anything. */
  user = phonesec_test_call_as_nobody (f->bus, MANAGER, "DeclareActor", "('fake', ['Firewall'])");
  g_assert_true (g_str_has_prefix (user, "ERROR " PHONESEC_DBUS_ERROR_PREFIX "PermissionDenied"));
  g_clear_pointer (&after, g_free);
  after = acted_on_by (f, "Firewall");
  g_assert_cmpstr (after, ==, "");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/actors/core-and-plugins", Fixture, NULL, setup, test_core_and_plugins, teardown);
  g_test_add ("/actors/declared-service", Fixture, NULL, setup, test_declared_service, teardown);
  return g_test_run ();
}
