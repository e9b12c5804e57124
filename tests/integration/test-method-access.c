/* test-method-access.c: every method of every interface, called as the
 * phone's user and as an administrator, against the access this table
 * documents.
 *
 * Both callers are uid 65534 (setpriv); the administrator is so by being
 * in the admin group (--admin-group=staff, gid 50), the rule
 * Config.Apply uses. A method the table says is the administrator's must
 * refuse the user with Error.PermissionDenied and must not refuse the
 * admin; a method the table opens to users must refuse neither. A method
 * of a service group (org.phonesec.Access group:NAME) must refuse the user
 * and neither the admin nor a third caller, uid 65534 in that group. Any
 * method phonesecd shows that the table does not list fails the test, so a
 * new method cannot arrive without its access being decided here, and the
 * XML documentation must say "Admin only" exactly for the admin methods.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "phonesec-test-bus.h"

#define ROOT PHONESEC_DBUS_PATH
#define PLUGINS ROOT "/plugins/"
#define ADMIN_GROUP "staff"
#define ADMIN_GID "50"
#define DENIED "ERROR " PHONESEC_DBUS_ERROR_PREFIX "PermissionDenied"
/* The SIP stack's group (sip-security's methods). */
#define SIP_GROUP "phonesec-sip"

typedef enum
{
  ANYONE, /* the phone's user too */
  ADMIN,  /* administrators only (by rule or because its parameters are hidden) */
  GROUP,  /* administrators and members of SIP_GROUP, never the phone's user */
} Access;

typedef struct
{
  const char *path;
  const char *interface; /* without org.phonesec.PhoneSec1. */
  const char *method;
  const char *args; /* GVariant text */
  Access access;
} Row;

/* The documented access of every method. Hidden-by-default ones (a
 * parameter they show is "na") are ADMIN for a user with default ua. */
static const Row table[] = {
  { ROOT, "Config", "Get", "(['Proxy_Mode'],)", ANYONE },
  { ROOT, "Config", "Describe", "(['Proxy_Mode'],)", ANYONE },
  { ROOT, "Config", "Apply", "(@a{sv} {}, @a{sv} {})", ANYONE },
  { ROOT, "Config", "Reset", "(['Proxy_Port'], {'dry-run': <true>})", ANYONE },
  { ROOT, "Config", "ImportProfile", "('<flat-profile/>', @a{sv} {})", ANYONE },
  { ROOT, "Config", "ExportProfile", "(@a{sv} {},)", ANYONE },
  { ROOT, "Manager", "Subscribe", "()", ANYONE },
  { ROOT, "Manager", "GetObjects", "(@a{sv} {},)", ANYONE },
  { ROOT, "Manager", "DeclareActor", "('method-access-test', ['Firewall'])", ADMIN },
  { ROOT, "Manager", "EnablePlugin", "('example',)", ADMIN },
  { ROOT, "Manager", "Restart", NULL, ADMIN }, /* admin call made last, see below */
  { ROOT, "Network", "Update", "(@a{sv} {},)", ADMIN },
  { ROOT, "TlsPolicy", "Resolve", "('default',)", ADMIN },
  { ROOT, "TlsPolicy", "Probe", "('https://127.0.0.1:1/', @a{sv} {})", ADMIN },
  { ROOT, "TlsPolicy", "AddTrustedCA", "('not a certificate',)", ADMIN },
  { ROOT, "TlsPolicy", "RemoveTrustedCA", "('00:11',)", ADMIN },
  { PLUGINS "http_proxy", "HttpProxy", "FindProxyForURL", "('http://example.com/',)", ANYONE },
  { PLUGINS "http_proxy", "HttpProxy", "GetProxies", "('http://example.com/',)", ANYONE },
  { PLUGINS "http_proxy", "HttpProxy", "Rediscover", "()", ADMIN },
  { PLUGINS "ldap_starttls", "Ldap", "Search", "('a', @a{sv} {})", ANYONE },
  { PLUGINS "ldap_starttls", "Ldap", "Test", "()", ADMIN },
  { PLUGINS "prt_uploader", "ProblemReport", "Generate", "('method access test',)", ANYONE },
  { PLUGINS "prt_uploader", "ProblemReport", "Upload", "('no-such-report',)", ADMIN },
  { PLUGINS "prt_uploader", "ProblemReport", "List", "()", ADMIN },
  { PLUGINS "webex_metrics", "Metrics", "Flush", "()", ADMIN },
  { PLUGINS "webex_metrics", "Metrics", "Snapshot", "()", ADMIN },
  { PLUGINS "vpn_anyconnect", "Vpn", "Connect", "()", ANYONE },
  { PLUGINS "vpn_anyconnect", "Vpn", "Disconnect", "()", ANYONE },
  { PLUGINS "dot1x", "Dot1x", "Reauthenticate", "()", ADMIN },
  { PLUGINS "example", "Example", "Ping", "()", ANYONE },
  { PLUGINS "firewall", "Firewall", "Reload", "()", ADMIN },
  { PLUGINS "sip_security", "SipSecurity", "Authorize",
    "(@u 1, 'REGISTER', 'sip:x', ['Digest realm=\"r\", nonce=\"n\"'], @a{sv} {})", GROUP },
  { PLUGINS "sip_security", "SipSecurity", "Challenge", "(@u 1, 'INVITE')", GROUP },
  { PLUGINS "sip_security", "SipSecurity", "Verify",
    "(@u 1, 'INVITE', 'sip:x', 'Digest x', @a{sv} {})", GROUP },
  { PLUGINS "sip_security", "SipSecurity", "GetLinePolicy", "(@u 1,)", GROUP },
  { PLUGINS "sip_security", "SipSecurity", "CheckServerCertificate", "(@u 1, 'h', [b'x'])", GROUP },
  { PLUGINS "provisioning", "Provisioning", "Resync", "()", ADMIN },
  { PLUGINS "provisioning", "Provisioning", "Upgrade", "()", ADMIN },
  { PLUGINS "provisioning", "Provisioning", "Report", "()", ADMIN },
};

typedef struct
{
  PhonesecTestBus *bus;
  char *sip_gid;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  f->bus = phonesec_test_bus_new ();
  phonesec_test_bus_add_plugin (f->bus, "PHONESEC_LDAP_PLUGIN_DIR");
  phonesec_test_bus_add_plugin (f->bus, "PHONESEC_PRT_PLUGIN_DIR");
  phonesec_test_bus_add_plugin (f->bus, "PHONESEC_METRICS_PLUGIN_DIR");
  phonesec_test_bus_add_plugin (f->bus, "PHONESEC_HTTP_PROXY_PLUGIN_DIR");
  phonesec_test_bus_add_plugin (f->bus, "PHONESEC_VPN_PLUGIN_DIR");
  phonesec_test_bus_add_plugin (f->bus, "PHONESEC_DOT1X_PLUGIN_DIR");
  phonesec_test_bus_add_plugin (f->bus, "PHONESEC_EXAMPLE_PLUGIN_DIR");
  phonesec_test_bus_add_plugin (f->bus, "PHONESEC_FIREWALL_PLUGIN_DIR");
  phonesec_test_bus_add_plugin (f->bus, "PHONESEC_SIP_PLUGIN_DIR");
  phonesec_test_bus_add_plugin (f->bus, "PHONESEC_PROV_PLUGIN_DIR");
  /* Before the daemon starts: it resolves group names then. */
  f->sip_gid = g_strdup_printf ("%u", phonesec_test_ensure_group (SIP_GROUP));
  g_ptr_array_add (f->bus->extra_args, g_strdup ("--admin-group=" ADMIN_GROUP));
  phonesec_test_bus_start_daemon (f->bus);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->bus, phonesec_test_bus_free);
  g_free (f->sip_gid);
}

static const Row *
find_row (const char *path, const char *interface, const char *method)
{
  const char *short_name = interface + strlen (PHONESEC_DBUS_INTERFACE_PREFIX);

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    if (g_str_equal (table[i].path, path) && g_str_equal (table[i].interface, short_name)
        && g_str_equal (table[i].method, method))
      return &table[i];
  return NULL;
}

static char *
call (Fixture *f, const char *groups, const Row *row)
{
  g_autofree char *interface = g_strconcat (PHONESEC_DBUS_INTERFACE_PREFIX, row->interface, NULL);
  char *out = phonesec_test_call_as_nobody_at (f->bus, groups, row->path, interface, row->method,
                                               row->args);

  g_strchomp (out);
  return out;
}

/* Every method phonesecd shows is in the table, and its documentation says
 * "Admin only" exactly when the table says so. */
static void
check_coverage (Fixture *f, const char *path, guint *n_methods)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = g_dbus_connection_call_sync (
      f->bus->connection, PHONESEC_DBUS_NAME, path, "org.freedesktop.DBus.Introspectable",
      "Introspect", NULL, G_VARIANT_TYPE ("(s)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_autoptr (GDBusNodeInfo) node = NULL;
  const char *xml;

  g_assert_no_error (error);
  g_variant_get (reply, "(&s)", &xml);
  node = g_dbus_node_info_new_for_xml (xml, &error);
  g_assert_no_error (error);
  for (guint i = 0; node->interfaces[i] != NULL; i++)
    {
      GDBusInterfaceInfo *info = node->interfaces[i];

      if (!g_str_has_prefix (info->name, PHONESEC_DBUS_INTERFACE_PREFIX))
        continue;
      for (guint m = 0; info->methods != NULL && info->methods[m] != NULL; m++)
        {
          const Row *row = find_row (path, info->name, info->methods[m]->name);
          const char *doc = g_dbus_annotation_info_lookup (info->methods[m]->annotations,
                                                           PHONESEC_DBUS_ANNOTATION_DOC);

          if (row == NULL)
            g_error ("%s %s.%s is not in the access table", path, info->name,
                     info->methods[m]->name);
          g_assert_nonnull (doc);
          if ((strstr (doc, "Admin only") != NULL) != (row->access == ADMIN)
              || (strstr (doc, "group " SIP_GROUP) != NULL) != (row->access == GROUP))
            g_error ("%s.%s: the table says %s, the documentation: %s", info->name,
                     info->methods[m]->name,
                     row->access == ADMIN   ? "admin"
                     : row->access == GROUP ? "group " SIP_GROUP
                                            : "anyone",
                     doc);
          (*n_methods)++;
        }
    }
  for (guint i = 0; node->nodes != NULL && node->nodes[i] != NULL; i++)
    {
      g_autofree char *child = g_strconcat (path, "/", node->nodes[i]->path, NULL);
      check_coverage (f, child, n_methods);
    }
}

static void
test_every_method_against_the_table (Fixture *f, gconstpointer data)
{
  guint n_methods = 0;

  check_coverage (f, ROOT, &n_methods);
  g_test_message ("%u methods shown, %u in the table", n_methods, (guint) G_N_ELEMENTS (table));
  g_assert_cmpuint (n_methods, ==, G_N_ELEMENTS (table));

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      const Row *row = &table[i];
      g_autofree char *as_user = NULL;
      g_autofree char *as_admin = NULL;

      if (row->args == NULL)
        continue;
      as_user = call (f, NULL, row);
      as_admin = call (f, ADMIN_GID, row);
      g_test_message ("%s.%s\n  user:  %.200s\n  admin: %.200s", row->interface, row->method,
                      as_user, as_admin);
      if (row->access == ANYONE)
        g_assert_false (g_str_has_prefix (as_user, DENIED));
      else
        g_assert_true (g_str_has_prefix (as_user, DENIED));
      g_assert_false (g_str_has_prefix (as_admin, DENIED));
      if (row->access == GROUP)
        {
          g_autofree char *as_member = call (f, f->sip_gid, row);

          g_test_message ("  member: %.200s", as_member);
          g_assert_false (g_str_has_prefix (as_member, DENIED));
          g_assert_false (g_str_has_prefix (as_member, "ERROR org.freedesktop.DBus.Error"));
        }
      g_assert_false (g_str_has_prefix (as_user, "ERROR org.freedesktop.DBus.Error"));
    }

  /* Restart: the user is refused; the admin's call restarts phonesecd. */
  {
    const Row restart = { ROOT, "Manager", "Restart", "()", ADMIN };
    g_autofree char *as_user = call (f, NULL, &restart);
    g_autofree char *as_admin = call (f, ADMIN_GID, &restart);

    g_assert_true (g_str_has_prefix (as_user, DENIED));
    g_assert_cmpstr (as_admin, ==, "OK ()");
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* The firewall plugin filters the network phonesecd runs in. */
  phonesec_test_enter_private_network ();
  g_test_add ("/method-access/every-method-against-the-table", Fixture, NULL, setup,
              test_every_method_against_the_table, teardown);
  return g_test_run ();
}
