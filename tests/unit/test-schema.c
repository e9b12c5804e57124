/* test-schema.c: the parameter schema: the real data/schema/phonesec.schema
 * against PARAMETERS.md, per-line expansion, aliases, and the loader's
 * refusals (all or nothing, every message naming the group).
 *
 * The schema file comes from $SCHEMA_FILE, else $PHONESEC_SCHEMA_DIR,
 * else $PHONESEC_SOURCE_ROOT/data/schema, else
 * $G_TEST_SRCDIR/../../data/schema; po/fr.po (for the catalogue check) from
 * $PO_DIR, else $PHONESEC_SOURCE_ROOT/po, else $G_TEST_SRCDIR/../../po.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gstdio.h>
#include <string.h>

#include "phonesec-schema.h"
#include "phonesec/phonesec-error.h"

static gboolean
env_set (const char *name)
{
  const char *value = g_getenv (name);

  return value != NULL && value[0] != '\0';
}

/* The meson test environment sets some of these; a plain run from the
 * source tree finds the files next to the test's source. */
static char *
schema_path (void)
{
  if (env_set ("SCHEMA_FILE"))
    return g_strdup (g_getenv ("SCHEMA_FILE"));
  if (env_set ("PHONESEC_SCHEMA_DIR"))
    return g_build_filename (g_getenv ("PHONESEC_SCHEMA_DIR"), "phonesec.schema", NULL);
  if (env_set ("PHONESEC_SOURCE_ROOT"))
    return g_build_filename (g_getenv ("PHONESEC_SOURCE_ROOT"), "data", "schema", "phonesec.schema",
                             NULL);
  return g_test_build_filename (G_TEST_DIST, "..", "..", "data", "schema", "phonesec.schema", NULL);
}

static PhonesecSchema *
load_core (guint line_count)
{
  g_autofree char *path = schema_path ();
  g_autoptr (GError) error = NULL;
  PhonesecSchema *schema = phonesec_schema_new (line_count);

  g_assert_true (phonesec_schema_load_file (schema, path, "core", &error));
  g_assert_no_error (error);
  return schema;
}

static char *
format_default (const PhonesecParamSpec *spec)
{
  return phonesec_param_spec_format (spec, spec->default_value);
}

/* ---- the real schema against PARAMETERS.md ----------------------------- */

typedef struct
{
  const char *name;
  PhonesecParamType type;
  const char *default_text; /* cfg.xml form */
  PhonesecAccess access;
  const char *tab;
} Expected;

/* Every name of doc/reference PARAMETERS.md, with its type, default and ua
 * (the guide's cfg.xml examples where PARAMETERS.md gives no ua). Per-line
 * names are checked on line 1 here and on every line below. */
static const Expected expected[] = {
  /* System tab */
  { "Restricted_Access_Domains", PHONESEC_PARAM_LIST, "", PHONESEC_ACCESS_NA, "system" },
  { "TLS_Min_Version", PHONESEC_PARAM_ENUM, "TLS 1.1", PHONESEC_ACCESS_NA, "system" },
  { "TLS_Cipher_List", PHONESEC_PARAM_STRING, "", PHONESEC_ACCESS_NA, "system" },
  { "FIPS_Mode", PHONESEC_PARAM_BOOL, "No", PHONESEC_ACCESS_NA, "system" },
  { "Firewall", PHONESEC_PARAM_BOOL, "Enabled", PHONESEC_ACCESS_NA, "system" },
  { "Firewall_Config", PHONESEC_PARAM_STRING, "", PHONESEC_ACCESS_NA, "system" },
  { "Enable_802.1X_Authentication", PHONESEC_PARAM_BOOL, "No", PHONESEC_ACCESS_RW, "system" },
  { "Proxy_Mode", PHONESEC_PARAM_ENUM, "Off", PHONESEC_ACCESS_RW, "system" },
  { "Use_Auto_Discovery__WPAD_", PHONESEC_PARAM_BOOL, "Yes", PHONESEC_ACCESS_RW, "system" },
  { "PAC_URL", PHONESEC_PARAM_URL, "", PHONESEC_ACCESS_RW, "system" },
  { "Proxy_Host", PHONESEC_PARAM_STRING, "", PHONESEC_ACCESS_RW, "system" },
  { "Proxy_Port", PHONESEC_PARAM_PORT, "3128", PHONESEC_ACCESS_RW, "system" },
  { "Proxy_Server_Requires_Authentication", PHONESEC_PARAM_BOOL, "No", PHONESEC_ACCESS_RW,
    "system" },
  { "Proxy_Username", PHONESEC_PARAM_STRING, "", PHONESEC_ACCESS_RW, "system" },
  { "Proxy_Password", PHONESEC_PARAM_STRING, "", PHONESEC_ACCESS_RW, "system" },
  { "VPN_Server", PHONESEC_PARAM_STRING, "", PHONESEC_ACCESS_RW, "system" },
  { "VPN_User_Name", PHONESEC_PARAM_STRING, "", PHONESEC_ACCESS_RW, "system" },
  { "VPN_Password", PHONESEC_PARAM_STRING, "", PHONESEC_ACCESS_RW, "system" },
  { "VPN_Tunnel_Group", PHONESEC_PARAM_STRING, "", PHONESEC_ACCESS_RW, "system" },
  { "Connect_on_Bootup", PHONESEC_PARAM_BOOL, "No", PHONESEC_ACCESS_RW, "system" },
  /* Provisioning tab */
  { "DHCP_Option_To_Use", PHONESEC_PARAM_LIST, "66,160,159,150,60,43,125", PHONESEC_ACCESS_NA,
    "provisioning" },
  { "DHCPv6_Option_To_Use", PHONESEC_PARAM_LIST, "17,160,159", PHONESEC_ACCESS_NA, "provisioning" },
  { "Profile_Rule", PHONESEC_PARAM_STRING, "/$PSN.xml", PHONESEC_ACCESS_NA, "provisioning" },
  { "Profile_Rule_B", PHONESEC_PARAM_STRING, "", PHONESEC_ACCESS_NA, "provisioning" },
  { "Profile_Rule_C", PHONESEC_PARAM_STRING, "", PHONESEC_ACCESS_NA, "provisioning" },
  { "Profile_Rule_D", PHONESEC_PARAM_STRING, "", PHONESEC_ACCESS_NA, "provisioning" },
  { "Upgrade_Rule", PHONESEC_PARAM_STRING, "", PHONESEC_ACCESS_NA, "provisioning" },
  { "Report_Rule", PHONESEC_PARAM_STRING, "", PHONESEC_ACCESS_NA, "provisioning" },
  { "Custom_CA_Rule", PHONESEC_PARAM_STRING, "", PHONESEC_ACCESS_NA, "provisioning" },
  { "Log_Request_Msg", PHONESEC_PARAM_STRING,
    "$PN $MAC -- Requesting resync $SCHEME://$SERVIP:$PORT$PATH", PHONESEC_ACCESS_NA,
    "provisioning" },
  { "Log_Success_Msg", PHONESEC_PARAM_STRING,
    "$PN $MAC -- Successful resync $SCHEME://$SERVIP:$PORT$PATH", PHONESEC_ACCESS_NA,
    "provisioning" },
  { "Log_Failure_Msg", PHONESEC_PARAM_STRING, "$PN $MAC -- Resync failed: $ERR", PHONESEC_ACCESS_NA,
    "provisioning" },
  /* Listed with provisioning; on the phone's web page it is on the System tab. */
  { "Syslog_Server", PHONESEC_PARAM_STRING, "", PHONESEC_ACCESS_NA, "system" },
  { "PRT_Upload_Rule", PHONESEC_PARAM_URL, "", PHONESEC_ACCESS_NA, "provisioning" },
  { "PRT_Upload_Method", PHONESEC_PARAM_ENUM, "POST", PHONESEC_ACCESS_NA, "provisioning" },
  { "PRT_Max_Timer", PHONESEC_PARAM_INT, "", PHONESEC_ACCESS_NA, "provisioning" },
  { "PRT_Name", PHONESEC_PARAM_STRING, "", PHONESEC_ACCESS_NA, "provisioning" },
  { "PRT_HTTP_Header", PHONESEC_PARAM_STRING, "", PHONESEC_ACCESS_NA, "provisioning" },
  { "PRT_HTTP_Header_Value", PHONESEC_PARAM_STRING, "", PHONESEC_ACCESS_NA, "provisioning" },
  { "PRT_Upload_at_Crash", PHONESEC_PARAM_BOOL, "No", PHONESEC_ACCESS_NA, "provisioning" },
  /* Phone tab */
  { "Webex_Metrics_Enable", PHONESEC_PARAM_BOOL, "No", PHONESEC_ACCESS_NA, "phone" },
  { "LDAP_Dir_Enable", PHONESEC_PARAM_BOOL, "No", PHONESEC_ACCESS_NA, "phone" },
  { "LDAP_Corp_Dir_Name", PHONESEC_PARAM_STRING, "", PHONESEC_ACCESS_NA, "phone" },
  { "LDAP_Server", PHONESEC_PARAM_URL, "", PHONESEC_ACCESS_NA, "phone" },
  { "LDAP_StartTLS_Enable", PHONESEC_PARAM_BOOL, "No", PHONESEC_ACCESS_NA, "phone" },
  { "LDAP_Auth_Method", PHONESEC_PARAM_ENUM, "None", PHONESEC_ACCESS_NA, "phone" },
  { "LDAP_Client_DN", PHONESEC_PARAM_STRING, "", PHONESEC_ACCESS_NA, "phone" },
  { "LDAP_Username", PHONESEC_PARAM_STRING, "", PHONESEC_ACCESS_NA, "phone" },
  { "LDAP_Password", PHONESEC_PARAM_STRING, "", PHONESEC_ACCESS_NA, "phone" },
  { "LDAP_Search_Base", PHONESEC_PARAM_STRING, "", PHONESEC_ACCESS_NA, "phone" },
  { "LDAP_Last_Name_Filter", PHONESEC_PARAM_STRING, "", PHONESEC_ACCESS_NA, "phone" },
  { "LDAP_First_Name_Filter", PHONESEC_PARAM_STRING, "", PHONESEC_ACCESS_NA, "phone" },
  { "LDAP_Display_Attrs", PHONESEC_PARAM_STRING, "", PHONESEC_ACCESS_NA, "phone" },
  { "LDAP_Number_Mapping", PHONESEC_PARAM_STRING, "", PHONESEC_ACCESS_NA, "phone" },
  /* Extension tab (line 1) */
  { "SIP_Transport_1_", PHONESEC_PARAM_ENUM, "UDP", PHONESEC_ACCESS_NA, "ext" },
  { "SIP_Port_1_", PHONESEC_PARAM_PORT, "5060", PHONESEC_ACCESS_NA, "ext" },
  { "Auth_INVITE_1_", PHONESEC_PARAM_BOOL, "No", PHONESEC_ACCESS_NA, "ext" },
  { "Auth_Support_RFC8760_1_", PHONESEC_PARAM_BOOL, "No", PHONESEC_ACCESS_NA, "ext" },
  { "TLS_Name_Validate_1_", PHONESEC_PARAM_BOOL, "Yes", PHONESEC_ACCESS_NA, "ext" },
  { "MediaSec_Request_1_", PHONESEC_PARAM_BOOL, "No", PHONESEC_ACCESS_NA, "ext" },
  { "MediaSec_Over_TLS_Only_1_", PHONESEC_PARAM_BOOL, "No", PHONESEC_ACCESS_NA, "ext" },
  /* Firewall inputs from other tabs, and the restricted domains' inputs */
  { "RTP_Port_Min", PHONESEC_PARAM_PORT, "16384", PHONESEC_ACCESS_NA, "sip" },
  { "RTP_Port_Max", PHONESEC_PARAM_PORT, "16482", PHONESEC_ACCESS_NA, "sip" },
  { "Enable_Web_Server", PHONESEC_PARAM_BOOL, "Yes", PHONESEC_ACCESS_NA, "system" },
  { "Web_Server_Port", PHONESEC_PARAM_PORT, "80", PHONESEC_ACCESS_NA, "system" },
  { "Line_Enable_1_", PHONESEC_PARAM_BOOL, "Yes", PHONESEC_ACCESS_NA, "ext" },
  { "Upgrade_Enable", PHONESEC_PARAM_BOOL, "Yes", PHONESEC_ACCESS_NA, "provisioning" },
  { "Peer_Firmware_Sharing", PHONESEC_PARAM_BOOL, "Yes", PHONESEC_ACCESS_NA, "provisioning" },
  { "Enable_TR-069", PHONESEC_PARAM_BOOL, "No", PHONESEC_ACCESS_NA, "tr-069" },
  { "Proxy_1_", PHONESEC_PARAM_STRING, "", PHONESEC_ACCESS_NA, "ext" },
  { "Outbound_Proxy_1_", PHONESEC_PARAM_STRING, "", PHONESEC_ACCESS_NA, "ext" },
};

static void
test_core_parameters (void)
{
  g_autoptr (PhonesecSchema) schema = load_core (4);

  for (gsize i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      const Expected *e = &expected[i];
      const PhonesecParamSpec *spec = phonesec_schema_lookup (schema, e->name);
      g_autofree char *text = NULL;

      g_test_message ("checking %s", e->name);
      g_assert_nonnull (spec);
      g_assert_cmpstr (spec->name, ==, e->name);
      g_assert_cmpstr (spec->owner, ==, "core");
      g_assert_cmpint (spec->type, ==, e->type);
      g_assert_cmpint (spec->access, ==, e->access);
      g_assert_cmpstr (spec->tab, ==, e->tab);
      g_assert_nonnull (spec->default_value);
      g_assert_true (
          g_variant_is_of_type (spec->default_value, phonesec_param_spec_get_value_type (spec)));
      text = format_default (spec);
      g_assert_cmpstr (text, ==, e->default_text);
    }
}

/* Every spec of the real file: complete, and its default survives a
 * format → parse round trip (what export → import does). */
static void
test_core_specs_complete (void)
{
  g_autoptr (PhonesecSchema) schema = load_core (4);
  const GPtrArray *all = phonesec_schema_get_all (schema);

  g_assert_cmpuint (all->len, >, G_N_ELEMENTS (expected));
  for (guint i = 0; i < all->len; i++)
    {
      const PhonesecParamSpec *spec = g_ptr_array_index (all, i);
      g_autofree char *text = format_default (spec);
      g_autoptr (GVariant) again = NULL;
      g_autoptr (GError) error = NULL;

      g_test_message ("checking %s", spec->name);
      g_assert_true (phonesec_schema_lookup (schema, spec->name) == spec);
      g_assert_nonnull (spec->label);
      g_assert_nonnull (spec->section);
      g_assert_nonnull (spec->help);
      /* No core parameter waits for a restart of phonesecd: the TLS
       * policy restarts the network service only, by itself. */
      g_assert_false (spec->restart);
      again = phonesec_param_spec_parse_string (spec, text, &error);
      g_assert_no_error (error);
      g_assert_true (g_variant_equal (again, spec->default_value));
    }
}

static void
test_core_details (void)
{
  g_autoptr (PhonesecSchema) schema = load_core (4);
  const char *const secrets[] = { "Proxy_Password", "VPN_Password", "LDAP_Password", NULL };
  const char *const tls_versions[] = { "TLS 1.0", "TLS 1.1", "TLS 1.2", "TLS 1.3", NULL };
  const char *const proxy_modes[] = { "Auto", "Manual", "Off", NULL };
  const char *const pac_schemes[] = { "tftp", "http", "https", NULL };
  const GPtrArray *all = phonesec_schema_get_all (schema);
  const PhonesecParamSpec *spec;

  /* Passwords, and nothing else, are secret. */
  for (guint i = 0; i < all->len; i++)
    {
      spec = g_ptr_array_index (all, i);
      g_assert_cmpint (spec->secret, ==, g_strv_contains (secrets, spec->name));
    }

  spec = phonesec_schema_lookup (schema, "TLS_Min_Version");
  g_assert_true (g_strv_equal ((const char *const *) spec->choices, tls_versions));
  g_assert_cmpstr (spec->label, ==, "TLS Client Min Version");
  g_assert_cmpstr (spec->section, ==, "Security Settings");

  spec = phonesec_schema_lookup (schema, "Proxy_Mode");
  g_assert_true (g_strv_equal ((const char *const *) spec->choices, proxy_modes));
  g_assert_cmpstr (spec->section, ==, "HTTP Proxy Settings");

  spec = phonesec_schema_lookup (schema, "PAC_URL");
  g_assert_true (g_strv_equal ((const char *const *) spec->schemes, pac_schemes));
  g_assert_cmpuint (spec->max_length, ==, 511);

  spec = phonesec_schema_lookup (schema, "TLS_Cipher_List");
  g_assert_cmpstr (spec->kind, ==, "cipher-list");
  g_assert_cmpuint (spec->max_length, ==, 521);

  spec = phonesec_schema_lookup (schema, "Proxy_Host");
  g_assert_cmpstr (spec->kind, ==, "host");
  g_assert_cmpuint (spec->max_length, ==, 255);

  spec = phonesec_schema_lookup (schema, "Firewall");
  g_assert_cmpstr (spec->bool_words[0], ==, "Enabled");
  g_assert_cmpstr (spec->bool_words[1], ==, "Disabled");
  spec = phonesec_schema_lookup (schema, "FIPS_Mode");
  g_assert_cmpstr (spec->bool_words[0], ==, "Yes");
  g_assert_cmpstr (spec->bool_words[1], ==, "No");

  spec = phonesec_schema_lookup (schema, "PRT_Max_Timer");
  g_assert_true (spec->optional);
  g_assert_cmpint (spec->min, ==, 15);
  g_assert_cmpint (spec->max, ==, 1440);

  spec = phonesec_schema_lookup (schema, "DHCP_Option_To_Use");
  g_assert_cmpstr (spec->item_kind, ==, "int");
  g_assert_cmpint (spec->min, ==, 1);
  g_assert_cmpint (spec->max, ==, 254);

  spec = phonesec_schema_lookup (schema, "Proxy_Port");
  g_assert_cmpuint (g_variant_get_uint32 (spec->default_value), ==, 3128);
  g_assert_cmpint (spec->min, ==, 0);
  g_assert_cmpint (spec->max, ==, 65535);

  spec = phonesec_schema_lookup (schema, "Restricted_Access_Domains");
  g_assert_cmpstr (spec->item_kind, ==, "fqdn");
  g_assert_cmpuint (g_variant_n_children (spec->default_value), ==, 0);
}

/* ---- per-line expansion -------------------------------------------------- */

static const char *const per_line_templates[] = {
  "SIP_Transport_n_",
  "SIP_Port_n_",
  "Auth_INVITE_n_",
  "Auth_Support_RFC8760_n_",
  "TLS_Name_Validate_n_",
  "MediaSec_Request_n_",
  "MediaSec_Over_TLS_Only_n_",
  "Line_Enable_n_",
  "Proxy_n_",
  "Outbound_Proxy_n_",
  NULL,
};

static void
check_lines (gconstpointer data)
{
  guint line_count = GPOINTER_TO_UINT (data);
  g_autoptr (PhonesecSchema) schema = load_core (line_count);
  const GPtrArray *all = phonesec_schema_get_all (schema);
  guint per_line = 0;

  g_assert_cmpuint (phonesec_schema_get_line_count (schema), ==, line_count);

  for (guint t = 0; per_line_templates[t] != NULL; t++)
    {
      const char *tmpl = per_line_templates[t];
      g_autofree char *prefix = g_strndup (tmpl, strlen (tmpl) - 2);
      g_autofree char *beyond = g_strdup_printf ("%s%u_", prefix, line_count + 1);

      for (guint line = 1; line <= line_count; line++)
        {
          g_autofree char *name = g_strdup_printf ("%s%u_", prefix, line);
          const PhonesecParamSpec *spec = phonesec_schema_lookup (schema, name);

          g_assert_nonnull (spec);
          g_assert_cmpstr (spec->name, ==, name);
          g_assert_cmpstr (spec->template_name, ==, tmpl);
          g_assert_cmpuint (spec->line, ==, line);
        }
      g_assert_null (phonesec_schema_lookup (schema, beyond));
      g_assert_null (phonesec_schema_lookup (schema, tmpl));
    }

  /* Declaration order: a per-line group's lines are consecutive, 1..N. */
  for (guint i = 0; i < all->len; i++)
    {
      const PhonesecParamSpec *spec = g_ptr_array_index (all, i);

      if (spec->line == 0)
        {
          g_assert_cmpstr (spec->name, ==, spec->template_name);
          continue;
        }
      per_line++;
      if (spec->line > 1)
        {
          const PhonesecParamSpec *prev = g_ptr_array_index (all, i - 1);

          g_assert_cmpstr (prev->template_name, ==, spec->template_name);
          g_assert_cmpuint (prev->line, ==, spec->line - 1);
        }
    }
  g_assert_cmpuint (per_line, ==, g_strv_length ((char **) per_line_templates) * line_count);

  /* Every line carries the same rules. */
  {
    g_autofree char *last = g_strdup_printf ("SIP_Transport_%u_", line_count);
    const PhonesecParamSpec *spec = phonesec_schema_lookup (schema, last);
    g_autofree char *text = format_default (spec);
    const char *const transports[] = { "UDP", "TCP", "TLS", "Auto", NULL };

    g_assert_cmpstr (text, ==, "UDP");
    g_assert_true (g_strv_equal ((const char *const *) spec->choices, transports));
    g_assert_cmpstr (spec->section, ==, "SIP Settings");
  }
}

static void
test_declaration_order (void)
{
  g_autoptr (PhonesecSchema) schema = load_core (2);
  const GPtrArray *all = phonesec_schema_get_all (schema);
  const char *const first[] = {
    "Restricted_Access_Domains", "TLS_Min_Version", "TLS_Cipher_List", "FIPS_Mode", NULL,
  };

  for (guint i = 0; first[i] != NULL; i++)
    g_assert_cmpstr (((PhonesecParamSpec *) g_ptr_array_index (all, i))->name, ==, first[i]);
}

/* ---- aliases ---------------------------------------------------------------- */

static void
test_aliases (void)
{
  g_autoptr (PhonesecSchema) schema = load_core (4);
  const PhonesecParamSpec *spec;

  spec = phonesec_schema_lookup (schema, "TLS_Client_Min_Version");
  g_assert_nonnull (spec);
  g_assert_true (spec == phonesec_schema_lookup (schema, "TLS_Min_Version"));

  /* The guide's unnumbered name is line 1; other lines have no alias. */
  spec = phonesec_schema_lookup (schema, "Auth_Support_RFC8760");
  g_assert_nonnull (spec);
  g_assert_cmpstr (spec->name, ==, "Auth_Support_RFC8760_1_");
  g_assert_cmpuint (spec->line, ==, 1);
  g_assert_nonnull (spec->aliases);
  g_assert_cmpstr (spec->aliases[0], ==, "Auth_Support_RFC8760");
  spec = phonesec_schema_lookup (schema, "Auth_Support_RFC8760_2_");
  g_assert_nonnull (spec);
  g_assert_null (spec->aliases);

  /* Aliases are exact names, like cfg.xml tags. */
  g_assert_null (phonesec_schema_lookup (schema, "tls_client_min_version"));
}

/* An alias with _n_ on a per-line group names every line. */
static void
test_per_line_alias_template (void)
{
  g_autoptr (PhonesecSchema) schema = phonesec_schema_new (3);
  g_autoptr (GError) error = NULL;
  static const char fragment[] = "[New_Name_n_]\n"
                                 "Type=bool\nDefault=No\nTab=ext\nSection=S\nLabel=L\n"
                                 "Aliases=Old_Name_n_;Older_Name\n";
  const PhonesecParamSpec *spec;

  g_assert_true (phonesec_schema_load_data (schema, fragment, strlen (fragment), "p", &error));
  g_assert_no_error (error);
  for (guint line = 1; line <= 3; line++)
    {
      g_autofree char *old = g_strdup_printf ("Old_Name_%u_", line);

      spec = phonesec_schema_lookup (schema, old);
      g_assert_nonnull (spec);
      g_assert_cmpuint (spec->line, ==, line);
    }
  spec = phonesec_schema_lookup (schema, "Older_Name");
  g_assert_nonnull (spec);
  g_assert_cmpuint (spec->line, ==, 1);
}

/* ---- refusals ------------------------------------------------------------ */

typedef struct
{
  const char *test_name;
  const char *fragment;
  const char *group;     /* the message must name it as "[group]" */
  const char *fragment2; /* another part of the message, or NULL */
} BadCase;

/* Each fragment starts with a valid parameter (Good_One): after the failed
 * load it must be absent too. */
#define GOOD "[Good_One]\nType=bool\nDefault=No\nTab=system\nSection=S\nLabel=L\n\n"
#define TAIL "Tab=system\nSection=S\nLabel=L\n"

static const BadCase bad_cases[] = {
  { "unknown-type", GOOD "[Bad]\nType=float\nDefault=1\n" TAIL, "Bad", "float" },
  { "unknown-key", GOOD "[Bad]\nType=bool\nDefault=No\nColour=red\n" TAIL, "Bad", "Colour" },
  { "key-for-other-type", GOOD "[Bad]\nType=bool\nDefault=No\nChoices=A;B\n" TAIL, "Bad",
    "Choices" },
  { "localized-key", GOOD "[Bad]\nType=bool\nDefault=No\nLabel[fr]=Mauvais\n" TAIL, "Bad",
    "Label[fr]" },
  { "missing-type", GOOD "[Bad]\nDefault=No\n" TAIL, "Bad", "Type" },
  { "missing-label", GOOD "[Bad]\nType=bool\nDefault=No\nTab=system\nSection=S\n", "Bad", "Label" },
  { "default-not-in-choices",
    GOOD "[Bad]\nType=enum\nChoices=Auto;Manual;Off\nDefault=Sometimes\n" TAIL, "Bad", "Default" },
  { "enum-without-choices", GOOD "[Bad]\nType=enum\nDefault=A\n" TAIL, "Bad", "Choices" },
  { "duplicate-choice", GOOD "[Bad]\nType=enum\nChoices=UDP;udp\nDefault=UDP\n" TAIL, "Bad",
    "Choices" },
  { "default-too-long", GOOD "[Bad]\nType=string\nMaxLength=3\nDefault=abcd\n" TAIL, "Bad",
    "Default" },
  { "default-bad-kind", GOOD "[Bad]\nType=string\nKind=host\nDefault=http://x\n" TAIL, "Bad",
    "Default" },
  { "default-bad-scheme", GOOD "[Bad]\nType=url\nSchemes=ldap;ldaps\nDefault=http://x\n" TAIL,
    "Bad", "Default" },
  { "default-out-of-range", GOOD "[Bad]\nType=int\nMin=15\nMax=1440\nDefault=10\n" TAIL, "Bad",
    "Default" },
  { "int-without-default", GOOD "[Bad]\nType=int\nMin=1\nMax=2\n" TAIL, "Bad", "Default" },
  { "secret-with-default", GOOD "[Bad]\nType=string\nSecret=true\nDefault=hunter2\n" TAIL, "Bad",
    "secret" },
  { "min-greater-than-max", GOOD "[Bad]\nType=int\nMin=10\nMax=5\nDefault=7\n" TAIL, "Bad", "Min" },
  { "min-equals-max", GOOD "[Bad]\nType=port\nMin=80\nMax=80\nDefault=80\n" TAIL, "Bad", "Min" },
  { "port-out-of-range", GOOD "[Bad]\nType=port\nMax=70000\nDefault=80\n" TAIL, "Bad", "Max" },
  { "min-on-non-int-list", GOOD "[Bad]\nType=list\nItemKind=fqdn\nMin=1\nDefault=\n" TAIL, "Bad",
    "ItemKind=int" },
  { "unknown-kind", GOOD "[Bad]\nType=string\nKind=hostname\nDefault=\n" TAIL, "Bad", "hostname" },
  { "unknown-access", GOOD "[Bad]\nType=bool\nDefault=No\nAccess=admin\n" TAIL, "Bad", "Access" },
  { "bad-flag", GOOD "[Bad]\nType=bool\nDefault=No\nRestart=maybe\n" TAIL, "Bad", "Restart" },
  { "true-word-means-false", GOOD "[Bad]\nType=bool\nTrueWord=Off\nDefault=No\n" TAIL, "Bad",
    "TrueWord" },
  { "same-bool-words", GOOD "[Bad]\nType=bool\nTrueWord=Allow\nFalseWord=allow\nDefault=No\n" TAIL,
    "Bad", "FalseWord" },
  { "bad-name", GOOD "[Bad Name]\nType=bool\nDefault=No\n" TAIL, "Bad Name", NULL },
  { "bad-tab", GOOD "[Bad]\nType=bool\nDefault=No\nTab=System Tab\nSection=S\nLabel=L\n", "Bad",
    "Tab" },
  { "duplicate-group-in-file", GOOD "[Bad]\nType=bool\nDefault=No\n" TAIL "\n[Bad]\nType=bool\n",
    "Bad", "more than once" },
  { "duplicate-key-in-group", GOOD "[Bad]\nType=bool\nDefault=No\nDefault=Yes\n" TAIL, "Bad",
    "Default" },
  { "per-line-clash-in-file",
    GOOD "[Bad_n_]\nType=bool\nDefault=No\n" TAIL "\n[Bad_2_]\nType=bool\nDefault=No\n" TAIL,
    "Bad_2_", "Bad_n_" },
  { "alias-clash-in-file", GOOD "[Bad]\nType=bool\nDefault=No\nAliases=Good_One\n" TAIL, "Bad",
    "Good_One" },
  { "alias-is-own-name", GOOD "[Bad]\nType=bool\nDefault=No\nAliases=Bad\n" TAIL, "Bad",
    "Aliases" },
  { "per-line-alias-on-plain-group", GOOD "[Bad]\nType=bool\nDefault=No\nAliases=Old_n_\n" TAIL,
    "Bad", "_n_" },
  { "clash-with-existing-name", GOOD "[Proxy_Mode]\nType=bool\nDefault=No\n" TAIL, "Proxy_Mode",
    "already a parameter of core" },
  { "clash-with-existing-alias", GOOD "[TLS_Client_Min_Version]\nType=bool\nDefault=No\n" TAIL,
    "TLS_Client_Min_Version", "TLS_Min_Version" },
  { "clash-via-alias", GOOD "[Bad]\nType=bool\nDefault=No\nAliases=Proxy_Mode\n" TAIL, "Bad",
    "Proxy_Mode" },
  { "clash-via-alias-on-alias",
    GOOD "[Bad]\nType=bool\nDefault=No\nAliases=TLS_Client_Min_Version\n" TAIL, "Bad",
    "TLS_Client_Min_Version" },
  { "per-line-clash-with-existing", GOOD "[SIP_Transport_n_]\nType=bool\nDefault=No\n" TAIL,
    "SIP_Transport_n_", "SIP_Transport_1_" },
  { "per-line-expansion-clash",
    GOOD "[Proxy_Port_n_]\nType=bool\nDefault=No\n" TAIL
         "[Proxy_Port_3_]\nType=bool\nDefault=No\n" TAIL,
    "Proxy_Port_3_", "Proxy_Port_n_" },
  { "per-line-alias-clash",
    GOOD "[Other_Auth_n_]\nType=bool\nDefault=No\nAliases=Auth_Support_RFC8760\n" TAIL,
    "Other_Auth_n_", "Auth_Support_RFC8760" },
  { "per-line-alias-template-clash",
    GOOD "[Other_Auth_n_]\nType=bool\nDefault=No\nAliases=SIP_Port_n_\n" TAIL, "Other_Auth_n_",
    "SIP_Port_1_" },
  { "not-a-key-file", GOOD "this is not a key file\n", NULL, "schema" },
};

static void
check_bad_case (gconstpointer data)
{
  const BadCase *bad = data;
  g_autoptr (PhonesecSchema) schema = load_core (4);
  guint before = phonesec_schema_get_all (schema)->len;
  g_autoptr (GError) error = NULL;

  g_assert_false (
      phonesec_schema_load_data (schema, bad->fragment, strlen (bad->fragment), "plugin", &error));
  g_assert_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE);
  g_test_message ("%s: %s", bad->test_name, error->message);
  if (bad->group != NULL)
    {
      g_autofree char *tag = g_strdup_printf ("[%s]", bad->group);
      g_assert_nonnull (strstr (error->message, tag));
    }
  if (bad->fragment2 != NULL)
    g_assert_nonnull (strstr (error->message, bad->fragment2));

  /* All or nothing: the valid group before the bad one did not stay. */
  g_assert_cmpuint (phonesec_schema_get_all (schema)->len, ==, before);
  g_assert_null (phonesec_schema_lookup (schema, "Good_One"));
  g_assert_null (phonesec_schema_lookup (schema, "Bad"));
  g_assert_null (phonesec_schema_lookup (schema, "Bad_1_"));
  g_assert_null (phonesec_schema_lookup (schema, "Other_Auth_1_"));
  g_assert_null (phonesec_schema_lookup (schema, "Proxy_Port_1_"));
  /* And what was there is untouched. */
  g_assert_cmpstr (phonesec_schema_lookup (schema, "Proxy_Mode")->owner, ==, "core");
  g_assert_cmpstr (phonesec_schema_lookup (schema, "Auth_Support_RFC8760")->name, ==,
                   "Auth_Support_RFC8760_1_");
}

static void
test_file_error_names_path (void)
{
  g_autoptr (PhonesecSchema) schema = phonesec_schema_new (1);
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-schema-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "bad.schema", NULL);

  g_assert_true (g_file_set_contents (path, "[Bad]\nType=float\n", -1, NULL));
  g_assert_false (phonesec_schema_load_file (schema, path, "plugin", &error));
  g_assert_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE);
  g_assert_true (g_str_has_prefix (error->message, path));
  g_assert_nonnull (strstr (error->message, "[Bad] Type"));
  g_clear_error (&error);

  g_assert_false (phonesec_schema_load_file (schema, "/nonexistent/x.schema", "plugin", &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);

  g_remove (path);
  g_rmdir (dir);
}

/* ---- plugins --------------------------------------------------------------- */

static const char plugin_fragment[] = "# a plugin's own parameters\n"
                                      "[Demo_Enable]\n"
                                      "Type=bool\nDefault=Yes\nAccess=rw\n"
                                      "Tab=demo\nSection=Demo\nLabel=Enable\n"
                                      "Aliases=Demo_Enabled\n"
                                      "\n"
                                      "[Demo_Level_n_]\n"
                                      "Type=int\nMin=0\nMax=9\nDefault=3\n"
                                      "Tab=demo\nSection=Demo\nLabel=Level\n"
                                      "Aliases=Demo_Level\n";

static void
test_plugin_load_and_remove (void)
{
  g_autoptr (PhonesecSchema) schema = load_core (2);
  guint core_len = phonesec_schema_get_all (schema)->len;
  const GPtrArray *all;
  const PhonesecParamSpec *spec;
  g_autoptr (GError) error = NULL;

  g_assert_true (phonesec_schema_load_data (schema, plugin_fragment, strlen (plugin_fragment),
                                            "demo", &error));
  g_assert_no_error (error);

  all = phonesec_schema_get_all (schema);
  g_assert_cmpuint (all->len, ==, core_len + 3);
  /* Plugins come after the core, in their own declaration order. */
  g_assert_cmpstr (((PhonesecParamSpec *) g_ptr_array_index (all, core_len))->name, ==,
                   "Demo_Enable");
  g_assert_cmpstr (((PhonesecParamSpec *) g_ptr_array_index (all, core_len + 2))->name, ==,
                   "Demo_Level_2_");

  spec = phonesec_schema_lookup (schema, "Demo_Level");
  g_assert_nonnull (spec);
  g_assert_cmpstr (spec->name, ==, "Demo_Level_1_");
  g_assert_cmpstr (spec->owner, ==, "demo");
  g_assert_cmpint (g_variant_get_int32 (spec->default_value), ==, 3);
  g_assert_cmpint (phonesec_schema_lookup (schema, "Demo_Enabled")->access, ==, PHONESEC_ACCESS_RW);

  /* The same file twice clashes with itself. */
  g_assert_false (phonesec_schema_load_data (schema, plugin_fragment, strlen (plugin_fragment),
                                             "demo2", &error));
  g_assert_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE);
  g_assert_nonnull (strstr (error->message, "[Demo_Enable]"));
  g_assert_nonnull (strstr (error->message, "demo"));
  g_clear_error (&error);

  phonesec_schema_remove_owner (schema, "demo");
  g_assert_cmpuint (phonesec_schema_get_all (schema)->len, ==, core_len);
  g_assert_null (phonesec_schema_lookup (schema, "Demo_Enable"));
  g_assert_null (phonesec_schema_lookup (schema, "Demo_Enabled"));
  g_assert_null (phonesec_schema_lookup (schema, "Demo_Level"));
  g_assert_null (phonesec_schema_lookup (schema, "Demo_Level_2_"));
  g_assert_nonnull (phonesec_schema_lookup (schema, "TLS_Client_Min_Version"));

  /* Removed names are free again. */
  g_assert_true (phonesec_schema_load_data (schema, plugin_fragment, strlen (plugin_fragment),
                                            "demo2", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (phonesec_schema_lookup (schema, "Demo_Level")->owner, ==, "demo2");

  /* Removing an owner without parameters changes nothing. */
  phonesec_schema_remove_owner (schema, "nobody");
  g_assert_cmpuint (phonesec_schema_get_all (schema)->len, ==, core_len + 3);
}

/* A plugin may spell its booleans its own way; both words read back. */
static void
test_custom_bool_words (void)
{
  g_autoptr (PhonesecSchema) schema = phonesec_schema_new (1);
  g_autoptr (GError) error = NULL;
  static const char fragment[] = "[Demo_Policy]\nType=bool\nTrueWord=Allow\nFalseWord=Deny\n"
                                 "Default=deny\nTab=demo\nSection=S\nLabel=L\n";
  const PhonesecParamSpec *spec;
  g_autofree char *text = NULL;
  g_autoptr (GVariant) allow = NULL;

  g_assert_true (phonesec_schema_load_data (schema, fragment, strlen (fragment), "demo", &error));
  g_assert_no_error (error);
  spec = phonesec_schema_lookup (schema, "Demo_Policy");
  text = format_default (spec);
  g_assert_cmpstr (text, ==, "Deny");
  allow = phonesec_param_spec_parse_string (spec, "Allow", &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_get_boolean (allow));
}

static void
test_core_twice_clashes (void)
{
  g_autoptr (PhonesecSchema) schema = load_core (1);
  g_autofree char *path = schema_path ();
  g_autoptr (GError) error = NULL;
  guint len = phonesec_schema_get_all (schema)->len;

  g_assert_false (phonesec_schema_load_file (schema, path, "again", &error));
  g_assert_error (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE);
  g_assert_cmpuint (phonesec_schema_get_all (schema)->len, ==, len);
}

static void
test_empty_file (void)
{
  g_autoptr (PhonesecSchema) schema = phonesec_schema_new (1);
  g_autoptr (GError) error = NULL;

  g_assert_true (phonesec_schema_load_data (schema, "# nothing\n", 10, "p", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (phonesec_schema_get_all (schema)->len, ==, 0);
}

static void
test_line_count_bounds (void)
{
  g_autoptr (PhonesecSchema) max = phonesec_schema_new (64);

  g_assert_nonnull (max);
  if (g_test_subprocess ())
    {
      /* A programming error: g_return_val_if_fail. */
      g_assert_null (phonesec_schema_new (0));
      g_assert_null (phonesec_schema_new (65));
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*line_count*");
}

/* ---- the French catalogue ------------------------------------------------ */

/* Reads msgid → msgstr of a .po file (enough of the format for our files:
 * multi-line strings, escapes; no plurals or contexts in the schema). */
static GHashTable *
read_po (const char *path)
{
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GString *msgid = NULL, *msgstr = NULL, *current = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0;; i++)
    {
      const char *line = lines[i];
      const char *quoted = NULL;

      if (line == NULL || g_str_has_prefix (line, "msgid ") || line[0] == '\0')
        {
          if (msgid != NULL && msgstr != NULL)
            g_hash_table_replace (table, g_string_free (msgid, FALSE),
                                  g_string_free (msgstr, FALSE));
          else
            {
              if (msgid != NULL)
                g_string_free (msgid, TRUE);
              if (msgstr != NULL)
                g_string_free (msgstr, TRUE);
            }
          msgid = msgstr = current = NULL;
          if (line == NULL)
            break;
        }
      if (g_str_has_prefix (line, "msgid "))
        {
          current = msgid = g_string_new (NULL);
          quoted = line + 6;
        }
      else if (g_str_has_prefix (line, "msgstr ") && msgid != NULL)
        {
          current = msgstr = g_string_new (NULL);
          quoted = line + 7;
        }
      else if (line[0] == '"' && current != NULL)
        quoted = line;

      if (quoted != NULL)
        {
          g_autofree char *inner = NULL;
          g_autofree char *unescaped = NULL;

          g_assert_true (strlen (quoted) >= 2 && quoted[0] == '"'
                         && g_str_has_suffix (quoted, "\""));
          inner = g_strndup (quoted + 1, strlen (quoted) - 2);
          unescaped = g_strcompress (inner);
          g_string_append (current, unescaped);
        }
    }
  return table;
}

static char *
po_path (const char *lang)
{
  g_autofree char *file = g_strconcat (lang, ".po", NULL);

  if (env_set ("PO_DIR"))
    return g_build_filename (g_getenv ("PO_DIR"), file, NULL);
  if (env_set ("PHONESEC_SOURCE_ROOT"))
    return g_build_filename (g_getenv ("PHONESEC_SOURCE_ROOT"), "po", file, NULL);
  return g_test_build_filename (G_TEST_DIST, "..", "..", "po", file, NULL);
}

static void
test_french_catalogue_complete (void)
{
  g_autoptr (PhonesecSchema) schema = load_core (1);
  g_autofree char *path = po_path ("fr");
  g_autoptr (GHashTable) fr = read_po (path);
  const GPtrArray *all = phonesec_schema_get_all (schema);

  for (guint i = 0; i < all->len; i++)
    {
      const PhonesecParamSpec *spec = g_ptr_array_index (all, i);
      const char *msgids[] = { spec->label, spec->section, spec->help };

      for (guint m = 0; m < G_N_ELEMENTS (msgids); m++)
        {
          const char *msgstr = g_hash_table_lookup (fr, msgids[m]);

          if (msgstr == NULL || msgstr[0] == '\0')
            g_error ("%s: “%s” has no French translation in %s", spec->name, msgids[m], path);
        }
    }

  /* The guide's wording for the fields it names. */
  g_assert_cmpstr (g_hash_table_lookup (fr, "TLS Client Min Version"), ==,
                   "Version min de TLS du client");
  g_assert_cmpstr (g_hash_table_lookup (fr, "Use Auto Discovery (WPAD)"), ==,
                   "Utiliser la détection automatique (WPAD)");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/schema/core/parameters", test_core_parameters);
  g_test_add_func ("/schema/core/complete", test_core_specs_complete);
  g_test_add_func ("/schema/core/details", test_core_details);
  g_test_add_func ("/schema/core/order", test_declaration_order);
  g_test_add_func ("/schema/core/twice-clashes", test_core_twice_clashes);
  g_test_add_data_func ("/schema/lines/1", GUINT_TO_POINTER (1), check_lines);
  g_test_add_data_func ("/schema/lines/4", GUINT_TO_POINTER (4), check_lines);
  g_test_add_data_func ("/schema/lines/10", GUINT_TO_POINTER (10), check_lines);
  g_test_add_data_func ("/schema/lines/64", GUINT_TO_POINTER (64), check_lines);
  g_test_add_func ("/schema/lines/count-bounds", test_line_count_bounds);
  g_test_add_func ("/schema/aliases/core", test_aliases);
  g_test_add_func ("/schema/aliases/per-line-template", test_per_line_alias_template);
  for (gsize i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/schema/refused/%s", bad_cases[i].test_name);

      g_test_add_data_func (path, &bad_cases[i], check_bad_case);
    }
  g_test_add_func ("/schema/refused/file-names-path", test_file_error_names_path);
  g_test_add_func ("/schema/plugin/load-and-remove", test_plugin_load_and_remove);
  g_test_add_func ("/schema/plugin/bool-words", test_custom_bool_words);
  g_test_add_func ("/schema/empty-file", test_empty_file);
  g_test_add_func ("/schema/po/fr-complete", test_french_catalogue_complete);

  return g_test_run ();
}
