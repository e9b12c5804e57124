/* test-config.c: org.phonesec.PhoneSec1.Config, Manager and Network over a
 * real dbus-daemon, against a real phonesecd.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gstdio.h>
#include <sys/stat.h>

#include "phonesec-test-bus.h"

#define CONFIG PHONESEC_DBUS_INTERFACE_CONFIG
#define MANAGER PHONESEC_DBUS_INTERFACE_MANAGER
#define NETWORK PHONESEC_DBUS_INTERFACE_NETWORK

/* One phonesecd on a private bus (tests/common/phonesec-test-bus.h). */
typedef PhonesecTestDaemon Fixture;

static GVariant *
get_many (Fixture *f, const char *const *names, GError **error)
{
  g_autoptr (GVariant) reply
      = phonesec_test_call (f->bus, CONFIG, "Get", g_variant_new ("(^as)", names), error);
  return reply != NULL ? g_variant_get_child_value (reply, 0) : NULL;
}

static char *
remote_error_name (GError *error)
{
  return g_dbus_error_get_remote_error (error);
}

static void
assert_remote_error (GError *error, const char *name)
{
  g_autofree char *remote = NULL;

  g_assert_nonnull (error);
  remote = remote_error_name (error);
  g_assert_cmpstr (remote, ==, name);
}

static GVariant *
manager_property (Fixture *f, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = g_dbus_connection_call_sync (
      f->bus->connection, PHONESEC_DBUS_NAME, PHONESEC_DBUS_PATH, "org.freedesktop.DBus.Properties",
      "Get", g_variant_new ("(ss)", MANAGER, name), G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE,
      -1, NULL, &error);
  GVariant *value;

  g_assert_no_error (error);
  g_variant_get (reply, "(v)", &value);
  return value;
}

static guint64
generation (Fixture *f)
{
  g_autoptr (GVariant) reply = g_dbus_connection_call_sync (
      f->bus->connection, PHONESEC_DBUS_NAME, PHONESEC_DBUS_PATH, "org.freedesktop.DBus.Properties",
      "Get", g_variant_new ("(ss)", CONFIG, "Generation"), G_VARIANT_TYPE ("(v)"),
      G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  g_autoptr (GVariant) value = NULL;

  g_assert_nonnull (reply);
  g_variant_get (reply, "(v)", &value);
  return g_variant_get_uint64 (value);
}

/* --- Get ----------------------------------------------------------------- */

static void
test_get_returns_typed_defaults (Fixture *f, gconstpointer data)
{
  g_autoptr (GVariant) mode = phonesec_test_get (f->bus, "Proxy_Mode");
  g_autoptr (GVariant) port = phonesec_test_get (f->bus, "Proxy_Port");
  g_autoptr (GVariant) fips = phonesec_test_get (f->bus, "FIPS_Mode");
  g_autoptr (GVariant) dhcp = phonesec_test_get (f->bus, "DHCP_Option_To_Use");
  g_autoptr (GVariant) tls = phonesec_test_get (f->bus, "TLS_Min_Version");
  g_autoptr (GVariant) transport = phonesec_test_get (f->bus, "SIP_Transport_1_");
  g_autofree char *dhcp_text = g_variant_print (dhcp, FALSE);

  g_assert_cmpstr (g_variant_get_string (mode, NULL), ==, "Off");
  g_assert_true (g_variant_is_of_type (port, G_VARIANT_TYPE_UINT32));
  g_assert_cmpuint (g_variant_get_uint32 (port), ==, 3128);
  g_assert_true (g_variant_is_of_type (fips, G_VARIANT_TYPE_BOOLEAN));
  g_assert_false (g_variant_get_boolean (fips));
  g_assert_cmpstr (dhcp_text, ==, "['66', '160', '159', '150', '60', '43', '125']");
  g_assert_cmpstr (g_variant_get_string (tls, NULL), ==, "TLS 1.1");
  g_assert_cmpstr (g_variant_get_string (transport, NULL), ==, "UDP");
}

static void
test_get_unknown_name_fails_naming_it (Fixture *f, gconstpointer data)
{
  const char *names[] = { "Proxy_Mode", "No_Such_Thing", "Also_Not", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) values = get_many (f, names, &error);

  g_assert_null (values);
  assert_remote_error (error, PHONESEC_DBUS_ERROR_PREFIX "UnknownParameter");
  g_assert_nonnull (strstr (error->message, "No_Such_Thing"));
  g_assert_nonnull (strstr (error->message, "Also_Not"));
}

static void
test_get_empty_list_returns_every_line (Fixture *f, gconstpointer data)
{
  const char *names[] = { NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) values = get_many (f, names, &error);

  g_assert_no_error (error);
  g_assert_true (g_variant_lookup (values, "Proxy_Mode", "&s", NULL));
  g_assert_true (g_variant_lookup (values, "SIP_Transport_4_", "&s", NULL));
  g_assert_false (g_variant_lookup (values, "SIP_Transport_5_", "&s", NULL));
  g_assert_cmpuint (g_variant_n_children (values), >, 50);
}

static void
test_get_alias_resolves (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  /* Auth_Support_RFC8760 (unnumbered, as the guide writes it) is line 1. */
  phonesec_test_apply_strings (f->bus, &error, "Auth_Support_RFC8760", "Yes", NULL);
  g_assert_no_error (error);
  {
    g_autoptr (GVariant) rfc = phonesec_test_get (f->bus, "Auth_Support_RFC8760_1_");
    g_autoptr (GVariant) line2 = phonesec_test_get (f->bus, "Auth_Support_RFC8760_2_");
    g_assert_true (g_variant_get_boolean (rfc));
    g_assert_false (g_variant_get_boolean (line2));
  }
}

/* --- Apply ----------------------------------------------------------------- */

static void
test_apply_accepts_string_and_typed_forms (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  GVariantBuilder values;
  guint64 gen;

  g_variant_builder_init (&values, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&values, "{sv}", "Proxy_Port", g_variant_new_uint32 (8081));
  g_variant_builder_add (&values, "{sv}", "Connect_on_Bootup", g_variant_new_string ("Oui"));
  g_variant_builder_add (&values, "{sv}", "Proxy_Mode", g_variant_new_string ("  manual "));
  g_variant_builder_add (&values, "{sv}", "Restricted_Access_Domains",
                         g_variant_new_string ("voiceip.com, voiceipl.com"));
  gen = phonesec_test_apply (f->bus, g_variant_builder_end (&values), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (gen, ==, 1);
  {
    g_autoptr (GVariant) port = phonesec_test_get (f->bus, "Proxy_Port");
    g_autoptr (GVariant) fips = phonesec_test_get (f->bus, "Connect_on_Bootup");
    g_autoptr (GVariant) mode = phonesec_test_get (f->bus, "Proxy_Mode");
    g_autoptr (GVariant) domains = phonesec_test_get (f->bus, "Restricted_Access_Domains");
    g_autofree char *domains_text = g_variant_print (domains, FALSE);

    g_assert_cmpuint (g_variant_get_uint32 (port), ==, 8081);
    g_assert_true (g_variant_get_boolean (fips));
    g_assert_cmpstr (g_variant_get_string (mode, NULL), ==, "Manual");
    g_assert_cmpstr (domains_text, ==, "['voiceip.com', 'voiceipl.com']");
  }
}

static void
test_apply_one_bad_value_among_ten_changes_nothing (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  const char *names[] = { "Proxy_Mode",
                          "Proxy_Host",
                          "Proxy_Port",
                          "VPN_Server",
                          "VPN_Tunnel_Group",
                          "Connect_on_Bootup",
                          "LDAP_Dir_Enable",
                          "PRT_Upload_Method",
                          "Webex_Metrics_Enable",
                          "SIP_Port_2_",
                          NULL };
  g_autoptr (GVariant) before = get_many (f, names, NULL);
  g_autoptr (GVariant) after = NULL;
  guint64 gen_before = generation (f);

  phonesec_test_apply_strings (f->bus, &error, "Proxy_Mode", "Manual", "Proxy_Host",
                               "proxy.example.com", "Proxy_Port", "70000", "VPN_Server",
                               "vpn.example.com", "VPN_Tunnel_Group", "phones", "Connect_on_Bootup",
                               "Yes", "LDAP_Dir_Enable", "Yes", "PRT_Upload_Method", "PUT",
                               "Webex_Metrics_Enable", "Yes", "SIP_Port_2_", "5070", NULL);
  assert_remote_error (error, PHONESEC_DBUS_ERROR_PREFIX "InvalidValue");
  g_assert_nonnull (strstr (error->message, "Proxy_Port"));
  g_assert_nonnull (strstr (error->message, "65535"));
  after = get_many (f, names, NULL);
  g_assert_true (g_variant_equal (before, after));
  g_assert_cmpuint (generation (f), ==, gen_before);
}

static void
test_apply_error_lists_every_bad_value (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  phonesec_test_apply_strings (f->bus, &error, "Proxy_Mode", "Sometimes", "Proxy_Port", "-1",
                               "PAC_URL", "gopher://x", "Proxy_Host", "ok.example.com", NULL);
  assert_remote_error (error, PHONESEC_DBUS_ERROR_PREFIX "InvalidValue");
  g_assert_nonnull (strstr (error->message, "Proxy_Mode: "));
  g_assert_nonnull (strstr (error->message, "Auto, Manual, Off"));
  g_assert_nonnull (strstr (error->message, "Proxy_Port: "));
  g_assert_nonnull (strstr (error->message, "PAC_URL: "));
  g_assert_null (strstr (error->message, "Proxy_Host"));
}

static void
test_apply_unknown_name_is_unknown_parameter (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  phonesec_test_apply_strings (f->bus, &error, "Proxy_Modes", "Auto", NULL);
  assert_remote_error (error, PHONESEC_DBUS_ERROR_PREFIX "UnknownParameter");
  g_assert_nonnull (strstr (error->message, "Proxy_Modes"));
}

static void
test_apply_dry_run_changes_nothing (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  GVariantBuilder options;
  GVariantBuilder values;
  guint64 gen;

  g_variant_builder_init (&values, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&values, "{sv}", "Proxy_Mode", g_variant_new_string ("Auto"));
  g_variant_builder_init (&options, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&options, "{sv}", "dry-run", g_variant_new_boolean (TRUE));
  gen = phonesec_test_apply (f->bus, g_variant_builder_end (&values),
                             g_variant_builder_end (&options), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (gen, ==, 0);
  {
    g_autoptr (GVariant) mode = phonesec_test_get (f->bus, "Proxy_Mode");
    g_assert_cmpstr (g_variant_get_string (mode, NULL), ==, "Off");
  }
}

static void
test_apply_expected_generation_conflicts (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  GVariantBuilder options;
  GVariantBuilder values;

  phonesec_test_apply_strings (f->bus, &error, "Proxy_Mode", "Auto", NULL);
  g_assert_no_error (error);
  g_variant_builder_init (&values, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&values, "{sv}", "Proxy_Mode", g_variant_new_string ("Manual"));
  g_variant_builder_init (&options, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&options, "{sv}", "expected-generation", g_variant_new_uint64 (0));
  phonesec_test_apply (f->bus, g_variant_builder_end (&values), g_variant_builder_end (&options),
                       &error);
  assert_remote_error (error, PHONESEC_DBUS_ERROR_PREFIX "Conflict");
  {
    g_autoptr (GVariant) mode = phonesec_test_get (f->bus, "Proxy_Mode");
    g_assert_cmpstr (g_variant_get_string (mode, NULL), ==, "Auto");
  }
}

static void
test_apply_unknown_option_is_refused (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  GVariantBuilder options;
  GVariantBuilder values;

  g_variant_builder_init (&values, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&values, "{sv}", "Proxy_Mode", g_variant_new_string ("Auto"));
  g_variant_builder_init (&options, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&options, "{sv}", "expected-generatoin", g_variant_new_uint64 (0));
  phonesec_test_apply (f->bus, g_variant_builder_end (&values), g_variant_builder_end (&options),
                       &error);
  assert_remote_error (error, PHONESEC_DBUS_ERROR_PREFIX "InvalidValue");
  g_assert_nonnull (strstr (error->message, "expected-generatoin"));
}

typedef struct
{
  guint count;
  guint64 generation;
  GStrv names;
  char *signature;
} ChangedLog;

static void
on_changed (GDBusConnection *connection, const char *sender, const char *path,
            const char *interface, const char *signal, GVariant *parameters, gpointer data)
{
  ChangedLog *log = data;

  log->count++;
  g_free (log->signature);
  log->signature = g_strdup (g_variant_get_type_string (parameters));
  g_strfreev (log->names);
  g_variant_get (parameters, "(t^as)", &log->generation, &log->names);
}

static gboolean
changed_seen (gpointer data)
{
  return ((ChangedLog *) data)->count > 0;
}

static void
test_changed_fires_once_per_transaction_with_names_only (Fixture *f, gconstpointer data)
{
  ChangedLog log = { 0 };
  g_autoptr (GError) error = NULL;
  guint id = g_dbus_connection_signal_subscribe (f->bus->connection, PHONESEC_DBUS_NAME, CONFIG,
                                                 "Changed", PHONESEC_DBUS_PATH, NULL,
                                                 G_DBUS_SIGNAL_FLAGS_NONE, on_changed, &log, NULL);

  phonesec_test_apply_strings (f->bus, &error, "Proxy_Mode", "Manual", "Proxy_Port", "8080",
                               "Proxy_Password", "s3cr3t-value", NULL);
  g_assert_no_error (error);
  g_assert_true (phonesec_test_wait_until (changed_seen, &log, 5000));
  /* Give a second signal every chance to arrive. */
  phonesec_test_apply_strings (f->bus, &error, "Proxy_Mode", "Manual", NULL);
  g_assert_no_error (error);
  for (int i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);

  g_assert_cmpuint (log.count, ==, 1);
  g_assert_cmpstr (log.signature, ==, "(tas)");
  g_assert_cmpuint (log.generation, ==, 1);
  g_assert_cmpuint (g_strv_length (log.names), ==, 3);
  g_assert_true (g_strv_contains ((const char *const *) log.names, "Proxy_Password"));
  g_dbus_connection_signal_unsubscribe (f->bus->connection, id);
  g_strfreev (log.names);
  g_free (log.signature);
}

static void
test_apply_without_change_keeps_generation (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  guint64 gen;

  gen = phonesec_test_apply_strings (f->bus, &error, "Proxy_Mode", "Off", "Proxy_Port", "3128",
                                     NULL);
  g_assert_no_error (error);
  g_assert_cmpuint (gen, ==, 0);
  g_assert_cmpuint (generation (f), ==, 0);
}

/* --- secrets ------------------------------------------------------------- */

#define SECRET "Tr0ub4dor-and-3"

static void
assert_no_secret (const char *text, const char *where)
{
  if (text != NULL && strstr (text, SECRET) != NULL)
    g_error ("the secret leaked into %s", where);
}

static void
test_secrets_never_leak (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) value = NULL;
  g_autoptr (GVariant) described = NULL;
  g_autoptr (GVariant) exported = NULL;
  g_autofree char *all_text = NULL;
  g_autofree char *described_text = NULL;
  g_autofree char *log = NULL;
  g_autofree char *long_secret = g_strnfill (600, 'x');
  const char *none[] = { NULL };
  const char *secret_names[] = { "Proxy_Password", NULL };

  phonesec_test_apply_strings (f->bus, &error, "Proxy_Password", SECRET, "VPN_Password", SECRET,
                               "LDAP_Password", SECRET, NULL);
  g_assert_no_error (error);

  value = phonesec_test_get (f->bus, "Proxy_Password");
  g_assert_cmpstr (g_variant_get_string (value, NULL), ==, "");
  {
    g_autoptr (GVariant) all = get_many (f, none, NULL);
    all_text = g_variant_print (all, FALSE);
    assert_no_secret (all_text, "Get");
  }
  described = phonesec_test_call (f->bus, CONFIG, "Describe", g_variant_new ("(^as)", secret_names),
                                  &error);
  g_assert_no_error (error);
  described_text = g_variant_print (described, FALSE);
  assert_no_secret (described_text, "Describe");
  g_assert_nonnull (strstr (described_text, "'is-set': <true>"));
  exported = phonesec_test_call (f->bus, CONFIG, "ExportProfile", g_variant_new ("(a{sv})", NULL),
                                 &error);
  g_assert_no_error (error);
  {
    const char *xml;
    g_variant_get (exported, "(&s)", &xml);
    assert_no_secret (xml, "ExportProfile");
    g_assert_null (strstr (xml, "<Proxy_Password"));
    g_assert_nonnull (strstr (xml, "Proxy_Password"));
  }

  /* A rejected secret is not echoed either. */
  phonesec_test_apply_strings (f->bus, &error, "Proxy_Password", long_secret, NULL);
  assert_remote_error (error, PHONESEC_DBUS_ERROR_PREFIX "InvalidValue");
  g_assert_null (strstr (error->message, "xxxxxxxxxx"));

  phonesec_test_bus_stop_daemon (f->bus);
  log = phonesec_test_bus_dup_log (f->bus);
  assert_no_secret (log, "the daemon's log");
}

/* --- Reset ------------------------------------------------------------------ */

static void
test_reset_restores_defaults (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  const char *names[] = { "Proxy_Mode", NULL };
  GVariantBuilder options;

  phonesec_test_apply_strings (f->bus, &error, "Proxy_Mode", "Auto", "Proxy_Port", "81", NULL);
  g_assert_no_error (error);
  reply = phonesec_test_call (f->bus, CONFIG, "Reset", g_variant_new ("(^asa{sv})", names, NULL),
                              &error);
  g_assert_no_error (error);
  {
    g_autoptr (GVariant) mode = phonesec_test_get (f->bus, "Proxy_Mode");
    g_autoptr (GVariant) port = phonesec_test_get (f->bus, "Proxy_Port");
    g_assert_cmpstr (g_variant_get_string (mode, NULL), ==, "Off");
    g_assert_cmpuint (g_variant_get_uint32 (port), ==, 81);
  }
  g_clear_pointer (&reply, g_variant_unref);
  g_variant_builder_init (&options, G_VARIANT_TYPE ("a{sv}"));
  reply = phonesec_test_call (f->bus, CONFIG, "Reset",
                              g_variant_new ("(as@a{sv})", NULL, g_variant_builder_end (&options)),
                              &error);
  g_assert_no_error (error);
  {
    g_autoptr (GVariant) port = phonesec_test_get (f->bus, "Proxy_Port");
    g_assert_cmpuint (g_variant_get_uint32 (port), ==, 3128);
  }
}

/* --- ImportProfile / ExportProfile ----------------------------------------- */

static GVariant *
import (Fixture *f, const char *xml, gboolean strict, GError **error)
{
  GVariantBuilder options;

  g_variant_builder_init (&options, G_VARIANT_TYPE ("a{sv}"));
  if (strict)
    g_variant_builder_add (&options, "{sv}", "strict", g_variant_new_boolean (TRUE));
  return phonesec_test_call (f->bus, CONFIG, "ImportProfile",
                             g_variant_new ("(s@a{sv})", xml, g_variant_builder_end (&options)),
                             error);
}

static void
test_import_partial_profile (Fixture *f, gconstpointer data)
{
  const char *xml = "<?xml version=\"1.0\"?>\n<flat-profile>\n"
                    "  <Proxy_Mode ua=\"ro\">Manual</Proxy_Mode>\n"
                    "  <Proxy_Host>first.example.com</Proxy_Host>\n"
                    "  <Unknown_Thing>1</Unknown_Thing>\n"
                    "  <Proxy_Host> proxy&#46;example&#x2e;com </Proxy_Host>\n"
                    "  <Log_Failure_Msg><![CDATA[$PN <fail> & $ERR]]></Log_Failure_Msg>\n"
                    "  <Proxy_Port>99999</Proxy_Port>\n"
                    "</flat-profile>\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = import (f, xml, FALSE, &error);
  g_autoptr (GVariant) skipped = NULL;
  guint64 gen;

  g_assert_no_error (error);
  g_variant_get (reply, "(t@a{ss})", &gen, &skipped);
  g_assert_cmpuint (gen, ==, 1);
  g_assert_true (g_variant_lookup (skipped, "Unknown_Thing", "&s", NULL));
  g_assert_true (g_variant_lookup (skipped, "Proxy_Port", "&s", NULL));
  g_assert_false (g_variant_lookup (skipped, "Proxy_Host", "&s", NULL));
  {
    g_autoptr (GVariant) mode = phonesec_test_get (f->bus, "Proxy_Mode");
    g_autoptr (GVariant) host = phonesec_test_get (f->bus, "Proxy_Host");
    g_autoptr (GVariant) msg = phonesec_test_get (f->bus, "Log_Failure_Msg");
    g_autoptr (GVariant) port = phonesec_test_get (f->bus, "Proxy_Port");
    g_autoptr (GVariant) described = NULL;
    const char *names[] = { "Proxy_Mode", NULL };
    g_autofree char *text = NULL;

    g_assert_cmpstr (g_variant_get_string (mode, NULL), ==, "Manual");
    g_assert_cmpstr (g_variant_get_string (host, NULL), ==, "proxy.example.com");
    g_assert_cmpstr (g_variant_get_string (msg, NULL), ==, "$PN <fail> & $ERR");
    g_assert_cmpuint (g_variant_get_uint32 (port), ==, 3128);
    described
        = phonesec_test_call (f->bus, CONFIG, "Describe", g_variant_new ("(^as)", names), NULL);
    text = g_variant_print (described, FALSE);
    g_assert_nonnull (strstr (text, "'access': <'ro'>"));
  }
}

static void
test_import_strict_rejects_everything_on_one_bad_value (Fixture *f, gconstpointer data)
{
  const char *xml = "<flat-profile><Proxy_Mode>Manual</Proxy_Mode>"
                    "<Proxy_Port>99999</Proxy_Port><Other_Feature>x</Other_Feature>"
                    "</flat-profile>";
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = import (f, xml, TRUE, &error);

  g_assert_null (reply);
  assert_remote_error (error, PHONESEC_DBUS_ERROR_PREFIX "InvalidValue");
  g_assert_nonnull (strstr (error->message, "Proxy_Port"));
  {
    g_autoptr (GVariant) mode = phonesec_test_get (f->bus, "Proxy_Mode");
    g_assert_cmpstr (g_variant_get_string (mode, NULL), ==, "Off");
  }
}

static void
test_import_malformed_xml_is_invalid (Fixture *f, gconstpointer data)
{
  const char *bad[] = {
    "<flat-profile><Proxy_Mode>Manual</Proxy_Mod></flat-profile>",
    "<not-a-profile/>",
    "<flat-profile><Proxy_Mode>Manual</Proxy_Mode>",
    "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GVariant) reply = import (f, bad[i], FALSE, &error);

      g_assert_null (reply);
      assert_remote_error (error, PHONESEC_DBUS_ERROR_PREFIX "InvalidValue");
    }
  g_assert_cmpuint (generation (f), ==, 0);
}

static void
test_export_import_round_trip (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) exported = NULL;
  g_autoptr (GVariant) before = NULL;
  g_autoptr (GVariant) after = NULL;
  g_autoptr (GVariant) reply = NULL;
  const char *none[] = { NULL };
  const char *xml;

  phonesec_test_apply_strings (f->bus, &error, "Proxy_Mode", "Manual", "Proxy_Host",
                               "p.example.com", "Log_Request_Msg", "a <b> & \"c\" $MA",
                               "DHCP_Option_To_Use", "66 160", "SIP_Transport_3_", "TLS", NULL);
  g_assert_no_error (error);
  before = get_many (f, none, NULL);
  exported = phonesec_test_call (f->bus, CONFIG, "ExportProfile", g_variant_new ("(a{sv})", NULL),
                                 &error);
  g_assert_no_error (error);
  g_variant_get (exported, "(&s)", &xml);

  reply = phonesec_test_call (f->bus, CONFIG, "Reset", g_variant_new ("(asa{sv})", NULL, NULL),
                              &error);
  g_assert_no_error (error);
  g_clear_pointer (&reply, g_variant_unref);
  reply = import (f, xml, TRUE, &error);
  g_assert_no_error (error);
  after = get_many (f, none, NULL);
  g_assert_true (g_variant_equal (before, after));
}

/* --- Describe ------------------------------------------------------------- */

static void
test_describe_says_what_is_allowed (Fixture *f, gconstpointer data)
{
  const char *names[] = { "Proxy_Mode", "Proxy_Port", "SIP_Transport_2_", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply
      = phonesec_test_call (f->bus, CONFIG, "Describe", g_variant_new ("(^as)", names), &error);
  g_autoptr (GVariant) all = NULL;
  g_autoptr (GVariant) mode = NULL;
  g_autoptr (GVariant) port = NULL;
  g_autoptr (GVariant) line = NULL;
  g_autofree const char **choices = NULL;
  gint64 max = 0;
  guint32 line_number = 0;
  const char *label = NULL;

  g_assert_no_error (error);
  all = g_variant_get_child_value (reply, 0);
  mode = g_variant_lookup_value (all, "Proxy_Mode", G_VARIANT_TYPE_VARDICT);
  port = g_variant_lookup_value (all, "Proxy_Port", G_VARIANT_TYPE_VARDICT);
  line = g_variant_lookup_value (all, "SIP_Transport_2_", G_VARIANT_TYPE_VARDICT);
  g_assert_true (g_variant_lookup (mode, "choices", "^a&s", &choices));
  g_assert_cmpuint (g_strv_length ((char **) choices), ==, 3);
  g_assert_true (g_variant_lookup (mode, "label", "&s", &label));
  g_assert_cmpstr (label, ==, "Proxy Mode");
  g_assert_true (g_variant_lookup (port, "max", "x", &max));
  g_assert_cmpint (max, ==, 65535);
  g_assert_true (g_variant_lookup (line, "line", "u", &line_number));
  g_assert_cmpuint (line_number, ==, 2);
}

/* --- persistence ------------------------------------------------------------- */

static void
test_values_survive_restart_in_a_private_file (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (f->bus->state_dir, "config.ini", NULL);
  struct stat st;

  phonesec_test_apply_strings (f->bus, &error, "Proxy_Mode", "Manual", "VPN_Password", "pw-1234",
                               NULL);
  g_assert_no_error (error);
  phonesec_test_bus_stop_daemon (f->bus);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0600);

  phonesec_test_bus_start_daemon (f->bus);
  {
    g_autoptr (GVariant) mode = phonesec_test_get (f->bus, "Proxy_Mode");
    g_autoptr (GVariant) crashed = manager_property (f, "PreviousRunCrashed");
    g_assert_cmpstr (g_variant_get_string (mode, NULL), ==, "Manual");
    g_assert_false (g_variant_get_boolean (crashed));
  }
  g_assert_cmpuint (generation (f), ==, 1);
}

static void
test_corrupt_store_is_kept_aside (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (f->bus->state_dir, "config.ini", NULL);
  g_autofree char *aside = g_strconcat (path, ".corrupt", NULL);

  phonesec_test_apply_strings (f->bus, &error, "Proxy_Mode", "Manual", NULL);
  g_assert_no_error (error);
  phonesec_test_bus_stop_daemon (f->bus);
  g_assert_true (g_file_set_contents (path, "[Store\nVersion=\x01garbage", -1, NULL));

  phonesec_test_bus_start_daemon (f->bus);
  {
    g_autoptr (GVariant) mode = phonesec_test_get (f->bus, "Proxy_Mode");
    g_autoptr (GVariant) store_error = manager_property (f, "StoreError");
    g_assert_cmpstr (g_variant_get_string (mode, NULL), ==, "Off");
    g_assert_cmpstr (g_variant_get_string (store_error, NULL), !=, "");
  }
  g_assert_true (g_file_test (aside, G_FILE_TEST_EXISTS));
}

static void
test_kill_is_reported_as_previous_crash (Fixture *f, gconstpointer data)
{
  phonesec_test_bus_kill_daemon (f->bus);
  phonesec_test_bus_start_daemon (f->bus);
  {
    g_autoptr (GVariant) crashed = manager_property (f, "PreviousRunCrashed");
    g_assert_true (g_variant_get_boolean (crashed));
  }
}

static void
test_factory_profile_applies_at_first_boot_only (Fixture *f, gconstpointer data)
{
  g_autofree char *profile = g_build_filename (f->bus->tmpdir, "factory.xml", NULL);
  g_autoptr (GError) error = NULL;

  phonesec_test_bus_stop_daemon (f->bus);
  /* The fixture started once already: forget that boot. */
  {
    g_autofree char *path = g_build_filename (f->bus->state_dir, "config.ini", NULL);
    g_unlink (path);
  }
  g_assert_true (g_file_set_contents (
      profile, "<flat-profile><Proxy_Mode>Auto</Proxy_Mode></flat-profile>", -1, NULL));
  g_ptr_array_add (f->bus->extra_args, g_strdup_printf ("--factory-profile=%s", profile));
  phonesec_test_bus_start_daemon (f->bus);
  {
    g_autoptr (GVariant) mode = phonesec_test_get (f->bus, "Proxy_Mode");
    g_assert_cmpstr (g_variant_get_string (mode, NULL), ==, "Auto");
  }
  phonesec_test_apply_strings (f->bus, &error, "Proxy_Mode", "Off", NULL);
  g_assert_no_error (error);
  phonesec_test_bus_stop_daemon (f->bus);
  phonesec_test_bus_start_daemon (f->bus);
  {
    g_autoptr (GVariant) mode = phonesec_test_get (f->bus, "Proxy_Mode");
    g_assert_cmpstr (g_variant_get_string (mode, NULL), ==, "Off");
  }
}

/* --- Manager / Network ---------------------------------------------------- */

static void
test_manager_reports_itself (Fixture *f, gconstpointer data)
{
  g_autoptr (GVariant) version = manager_property (f, "Version");
  g_autoptr (GVariant) state = manager_property (f, "State");
  g_autoptr (GVariant) lines = manager_property (f, "LineCount");
  g_autoptr (GVariant) plugins = manager_property (f, "Plugins");

  g_assert_cmpstr (g_variant_get_string (version, NULL), ==, PACKAGE_VERSION);
  g_assert_cmpstr (g_variant_get_string (state, NULL), ==, "running");
  g_assert_cmpuint (g_variant_get_uint32 (lines), ==, 4);
  g_assert_cmpuint (g_variant_n_children (plugins), ==, 0);
}

static void
test_line_count_option_limits_lines (Fixture *f, gconstpointer data)
{
  const char *names[] = { "SIP_Transport_3_", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) values = NULL;

  phonesec_test_bus_stop_daemon (f->bus);
  g_ptr_array_add (f->bus->extra_args, g_strdup ("--lines=2"));
  phonesec_test_bus_start_daemon (f->bus);
  values = get_many (f, names, &error);
  assert_remote_error (error, PHONESEC_DBUS_ERROR_PREFIX "UnknownParameter");
}

static void
test_restart_reexecutes_and_keeps_values (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  const char *pid_before = g_subprocess_get_identifier (f->bus->daemon);
  g_autofree char *pid = g_strdup (pid_before);
  gint64 deadline;

  phonesec_test_apply_strings (f->bus, &error, "Proxy_Mode", "Auto", NULL);
  g_assert_no_error (error);
  reply = phonesec_test_call (f->bus, MANAGER, "Restart", NULL, &error);
  g_assert_no_error (error);
  /* Same process (exec), name released then owned again (a minute: under
   * valgrind a start takes seconds). */
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  for (;;)
    {
      g_autoptr (GVariant) state = NULL;
      g_autoptr (GVariant) got = g_dbus_connection_call_sync (
          f->bus->connection, PHONESEC_DBUS_NAME, PHONESEC_DBUS_PATH,
          "org.freedesktop.DBus.Properties", "Get", g_variant_new ("(ss)", MANAGER, "State"),
          G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
      if (got != NULL)
        {
          g_variant_get (got, "(v)", &state);
          if (g_str_equal (g_variant_get_string (state, NULL), "running"))
            {
              g_autoptr (GVariant) crashed = manager_property (f, "PreviousRunCrashed");
              g_assert_false (g_variant_get_boolean (crashed));
              break;
            }
        }
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (10000);
    }
  g_assert_cmpstr (g_subprocess_get_identifier (f->bus->daemon), ==, pid);
  {
    g_autoptr (GVariant) mode = phonesec_test_get (f->bus, "Proxy_Mode");
    g_assert_cmpstr (g_variant_get_string (mode, NULL), ==, "Auto");
  }
}

static void
test_network_update_validates_and_publishes (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;

  reply = phonesec_test_call (
      f->bus, NETWORK, "Update",
      g_variant_new_parsed ("({'domain': <'branch.example.com'>, 'addresses': <['192.0.2.10']>, "
                            "'dhcp-options': <@a{us} {252: 'http://wpad/wpad.dat'}>},)"),
      &error);
  g_assert_no_error (error);
  g_clear_pointer (&reply, g_variant_unref);
  reply = phonesec_test_call (f->bus, NETWORK, "Update",
                              g_variant_new_parsed ("({'addresses': <['not-an-ip']>},)"), &error);
  assert_remote_error (error, PHONESEC_DBUS_ERROR_PREFIX "InvalidValue");
  g_clear_error (&error);
  reply = g_dbus_connection_call_sync (
      f->bus->connection, PHONESEC_DBUS_NAME, PHONESEC_DBUS_PATH, "org.freedesktop.DBus.Properties",
      "Get", g_variant_new ("(ss)", NETWORK, "Addresses"), G_VARIANT_TYPE ("(v)"),
      G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  {
    g_autofree char *text = g_variant_print (reply, FALSE);
    g_assert_cmpstr (text, ==, "(<['192.0.2.10']>,)");
  }
}

static void
test_introspection_is_documented (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = g_dbus_connection_call_sync (
      f->bus->connection, PHONESEC_DBUS_NAME, PHONESEC_DBUS_PATH,
      "org.freedesktop.DBus.Introspectable", "Introspect", NULL, G_VARIANT_TYPE ("(s)"),
      G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_autoptr (GDBusNodeInfo) node = NULL;
  const char *xml;

  g_assert_no_error (error);
  g_variant_get (reply, "(&s)", &xml);
  node = g_dbus_node_info_new_for_xml (xml, &error);
  g_assert_no_error (error);
  for (guint i = 0; node->interfaces[i] != NULL; i++)
    {
      GDBusInterfaceInfo *iface = node->interfaces[i];

      if (!g_str_has_prefix (iface->name, "org.phonesec."))
        continue;
      g_assert_nonnull (
          g_dbus_annotation_info_lookup (iface->annotations, PHONESEC_DBUS_ANNOTATION_DOC));
      for (guint m = 0; iface->methods != NULL && iface->methods[m] != NULL; m++)
        {
          GDBusMethodInfo *method = iface->methods[m];

          if (g_dbus_annotation_info_lookup (method->annotations, PHONESEC_DBUS_ANNOTATION_DOC)
              == NULL)
            g_error ("%s.%s has no documentation", iface->name, method->name);
          for (guint a = 0; method->in_args != NULL && method->in_args[a] != NULL; a++)
            g_assert_nonnull (g_dbus_annotation_info_lookup (method->in_args[a]->annotations,
                                                             PHONESEC_DBUS_ANNOTATION_DOC));
        }
      for (guint p = 0; iface->properties != NULL && iface->properties[p] != NULL; p++)
        g_assert_nonnull (g_dbus_annotation_info_lookup (iface->properties[p]->annotations,
                                                         PHONESEC_DBUS_ANNOTATION_DOC));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func)                                                                            \
  g_test_add (path, Fixture, NULL, phonesec_test_daemon_setup, func, phonesec_test_daemon_teardown)
  ADD ("/config/get/typed-defaults", test_get_returns_typed_defaults);
  ADD ("/config/get/unknown-name", test_get_unknown_name_fails_naming_it);
  ADD ("/config/get/all-lines", test_get_empty_list_returns_every_line);
  ADD ("/config/get/alias", test_get_alias_resolves);
  ADD ("/config/apply/string-and-typed", test_apply_accepts_string_and_typed_forms);
  ADD ("/config/apply/one-bad-among-ten", test_apply_one_bad_value_among_ten_changes_nothing);
  ADD ("/config/apply/lists-every-bad-value", test_apply_error_lists_every_bad_value);
  ADD ("/config/apply/unknown-name", test_apply_unknown_name_is_unknown_parameter);
  ADD ("/config/apply/dry-run", test_apply_dry_run_changes_nothing);
  ADD ("/config/apply/expected-generation", test_apply_expected_generation_conflicts);
  ADD ("/config/apply/unknown-option", test_apply_unknown_option_is_refused);
  ADD ("/config/apply/no-change-same-generation", test_apply_without_change_keeps_generation);
  ADD ("/config/changed/once-per-transaction",
       test_changed_fires_once_per_transaction_with_names_only);
  ADD ("/config/secrets/never-leak", test_secrets_never_leak);
  ADD ("/config/reset/defaults", test_reset_restores_defaults);
  ADD ("/config/import/partial", test_import_partial_profile);
  ADD ("/config/import/strict", test_import_strict_rejects_everything_on_one_bad_value);
  ADD ("/config/import/malformed", test_import_malformed_xml_is_invalid);
  ADD ("/config/export/round-trip", test_export_import_round_trip);
  ADD ("/config/describe/allowed", test_describe_says_what_is_allowed);
  ADD ("/store/survives-restart", test_values_survive_restart_in_a_private_file);
  ADD ("/store/corrupt-kept-aside", test_corrupt_store_is_kept_aside);
  ADD ("/store/kill-reported", test_kill_is_reported_as_previous_crash);
  ADD ("/store/factory-profile", test_factory_profile_applies_at_first_boot_only);
  ADD ("/manager/properties", test_manager_reports_itself);
  ADD ("/manager/lines-option", test_line_count_option_limits_lines);
  ADD ("/manager/restart", test_restart_reexecutes_and_keeps_values);
  ADD ("/network/update", test_network_update_validates_and_publishes);
  ADD ("/dbus/introspection-documented", test_introspection_is_documented);
  return g_test_run ();
}
