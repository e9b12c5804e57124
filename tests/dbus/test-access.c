/* test-access.c: who may see and change what, over a real dbus-daemon, with
 * the client running as a real unprivileged uid (65534, through setpriv).
 *
 * The phone's user (any uid but 0 and the daemon's, outside the admin group)
 * cannot see "na" parameters (they are reported exactly like unknown ones),
 * cannot write "ro" ones, and reads every secret as "". An admin can act as
 * a user with the option access-level=user; a user cannot claim admin.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gstdio.h>

#include "phonesec-test-bus.h"

#define CONFIG PHONESEC_DBUS_INTERFACE_CONFIG
#define MANAGER PHONESEC_DBUS_INTERFACE_MANAGER
#define NETWORK PHONESEC_DBUS_INTERFACE_NETWORK

#define ERROR_UNKNOWN PHONESEC_DBUS_ERROR_PREFIX "UnknownParameter"
#define ERROR_DENIED PHONESEC_DBUS_ERROR_PREFIX "PermissionDenied"

/* Hidden from the user by the schema (Access=na). */
/* An na parameter whose change restarts nothing (the TLS ones restart
 * the network service, see tests/integration). */
#define HIDDEN "PRT_Upload_Method"
/* Not in any schema. */
#define UNKNOWN "No_Such_Param_X"
/* gid 50 is group "staff" on Debian and Ubuntu. */
#define ADMIN_GROUP "staff"
#define ADMIN_GID "50"

/* One phonesecd on a private bus (tests/common/phonesec-test-bus.h). */
typedef PhonesecTestDaemon Fixture;

/* --- helpers ------------------------------------------------------------- */

static GVariant *
no_options (void)
{
  return g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0);
}

static GVariant *
access_level (const char *level)
{
  GVariantBuilder options;

  g_variant_builder_init (&options, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&options, "{sv}", "access-level", g_variant_new_string (level));
  return g_variant_builder_end (&options);
}

/* Calls as uid 65534 (with @groups, or none); returns the client's output
 * without the final newline: "OK <reply>" or "ERROR <name> <message>". */
static char *
call_as_user (Fixture *f, const char *groups, const char *interface, const char *method,
              GVariant *args)
{
  g_autoptr (GVariant) owned = g_variant_ref_sink (args);
  g_autofree char *text = g_variant_print (owned, TRUE);
  char *out = phonesec_test_call_as_nobody_in (f->bus, groups, interface, method, text);

  g_assert_nonnull (out);
  if (g_str_has_suffix (out, "\n"))
    out[strlen (out) - 1] = '\0';
  return out;
}

/* The reply of a call the user must be allowed to make. */
static GVariant *
user_ok_in (Fixture *f, const char *groups, const char *interface, const char *method,
            GVariant *args)
{
  g_autofree char *out = call_as_user (f, groups, interface, method, args);
  g_autoptr (GError) error = NULL;
  GVariant *reply;

  if (!g_str_has_prefix (out, "OK "))
    g_error ("%s.%s as uid 65534 (groups %s) failed: %s", interface, method,
             groups != NULL ? groups : "none", out);
  reply = g_variant_parse (NULL, out + 3, NULL, NULL, &error);
  g_assert_no_error (error);
  return reply;
}

static GVariant *
user_ok (Fixture *f, const char *interface, const char *method, GVariant *args)
{
  return user_ok_in (f, NULL, interface, method, args);
}

/* Asserts the call fails with @error_name; returns the message. */
static char *
user_fails_in (Fixture *f, const char *groups, const char *interface, const char *method,
               GVariant *args, const char *error_name)
{
  g_autofree char *out = call_as_user (f, groups, interface, method, args);
  g_autofree char *prefix = g_strconcat ("ERROR ", error_name, " ", NULL);

  if (!g_str_has_prefix (out, prefix))
    g_error ("%s.%s as uid 65534: expected %s, got: %s", interface, method, error_name, out);
  return g_strdup (out + strlen (prefix));
}

static char *
user_fails (Fixture *f, const char *interface, const char *method, GVariant *args,
            const char *error_name)
{
  return user_fails_in (f, NULL, interface, method, args, error_name);
}

static GVariant *
names_args (const char *name)
{
  const char *names[] = { name, NULL };

  /* A NULL @name gives the empty list: every parameter. */
  return g_variant_new ("(^as)", names);
}

/* Apply of one NAME=STRING value with @options. */
static GVariant *
apply_args (const char *name, const char *value, GVariant *options)
{
  GVariantBuilder values;

  g_variant_builder_init (&values, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&values, "{sv}", name, g_variant_new_string (value));
  return g_variant_new ("(a{sv}@a{sv})", &values, options != NULL ? options : no_options ());
}

static char *
get_string (Fixture *f, const char *name)
{
  g_autoptr (GVariant) value = phonesec_test_get (f->bus, name);

  return g_variant_print (value, FALSE);
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

static GVariant *
root_property (Fixture *f, const char *interface, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = g_dbus_connection_call_sync (
      f->bus->connection, PHONESEC_DBUS_NAME, PHONESEC_DBUS_PATH, "org.freedesktop.DBus.Properties",
      "Get", g_variant_new ("(ss)", interface, name), G_VARIANT_TYPE ("(v)"),
      G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  GVariant *value;

  g_assert_no_error (error);
  g_variant_get (reply, "(v)", &value);
  return value;
}

/* Root's ImportProfile (admin); asserts success, returns the skipped map. */
static GVariant *
admin_import (Fixture *f, const char *xml)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = phonesec_test_call (
      f->bus, CONFIG, "ImportProfile", g_variant_new ("(s@a{sv})", xml, no_options ()), &error);
  GVariant *skipped;

  g_assert_no_error (error);
  g_variant_get (reply, "(t@a{ss})", NULL, &skipped);
  return skipped;
}

/* The "access" Describe reports to root for @name. */
static char *
admin_access_of (Fixture *f, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply
      = phonesec_test_call (f->bus, CONFIG, "Describe", names_args (name), &error);
  g_autoptr (GVariant) all = NULL;
  g_autoptr (GVariant) one = NULL;
  char *access = NULL;

  g_assert_no_error (error);
  all = g_variant_get_child_value (reply, 0);
  one = g_variant_lookup_value (all, name, G_VARIANT_TYPE_VARDICT);
  g_assert_nonnull (one);
  g_assert_true (g_variant_lookup (one, "access", "s", &access));
  return access;
}

/* Every parameter name whose effective access, as root's Describe reports
 * it, is (@hidden) or is not (!@hidden) "na". */
static GHashTable *
names_by_visibility (Fixture *f, gboolean hidden)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply
      = phonesec_test_call (f->bus, CONFIG, "Describe", names_args (NULL), &error);
  g_autoptr (GVariant) all = NULL;
  GHashTable *names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GVariantIter iter;
  const char *name;
  GVariant *facts;

  g_assert_no_error (error);
  all = g_variant_get_child_value (reply, 0);
  g_variant_iter_init (&iter, all);
  while (g_variant_iter_loop (&iter, "{&s@a{sv}}", &name, &facts))
    {
      const char *access = NULL;

      g_assert_true (g_variant_lookup (facts, "access", "&s", &access));
      if (g_str_equal (access, "na") == hidden)
        g_hash_table_add (names, g_strdup (name));
    }
  return names;
}

/* Asserts the keys of the dictionary @dict are exactly @expected. */
static void
assert_keys_are (GVariant *dict, GHashTable *expected, const char *what)
{
  GVariantIter iter;
  const char *name;

  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_next (&iter, "{&s*}", &name, NULL))
    if (!g_hash_table_contains (expected, name))
      g_error ("%s shows %s to the user, whose access is na", what, name);
  g_assert_cmpuint (g_variant_n_children (dict), ==, g_hash_table_size (expected));
}

/* @message with every @name replaced by NAME. */
static char *
with_name_replaced (const char *message, const char *name)
{
  g_auto (GStrv) parts = g_strsplit (message, name, -1);

  return g_strjoinv ("NAME", parts);
}

/* --- na parameters look unknown ------------------------------------------ */

static void
assert_hidden_like_unknown (Fixture *f, const char *method)
{
  g_autofree char *hidden = user_fails (f, CONFIG, method, names_args (HIDDEN), ERROR_UNKNOWN);
  g_autofree char *unknown = user_fails (f, CONFIG, method, names_args (UNKNOWN), ERROR_UNKNOWN);
  g_autofree char *hidden_generic = with_name_replaced (hidden, HIDDEN);
  g_autofree char *unknown_generic = with_name_replaced (unknown, UNKNOWN);

  g_assert_nonnull (strstr (hidden, HIDDEN));
  g_assert_cmpstr (hidden_generic, ==, unknown_generic);
}

static void
test_user_get_of_na_is_unknown_parameter (Fixture *f, gconstpointer data)
{
  const char *mixed[] = { "Proxy_Mode", HIDDEN, NULL };

  assert_hidden_like_unknown (f, "Get");
  /* One hidden name fails the whole call: no partial answer. */
  g_free (user_fails (f, CONFIG, "Get", g_variant_new ("(^as)", mixed), ERROR_UNKNOWN));
  /* The admin does see it. */
  g_free (get_string (f, HIDDEN));
}

static void
test_user_describe_of_na_is_unknown_parameter (Fixture *f, gconstpointer data)
{
  assert_hidden_like_unknown (f, "Describe");
}

static void
test_user_get_all_omits_na_parameters (Fixture *f, gconstpointer data)
{
  g_autoptr (GHashTable) visible = names_by_visibility (f, FALSE);
  g_autoptr (GHashTable) hidden = names_by_visibility (f, TRUE);
  g_autoptr (GVariant) reply = user_ok (f, CONFIG, "Get", names_args (NULL));
  g_autoptr (GVariant) values = g_variant_get_child_value (reply, 0);

  /* The schema's defaults: some of each, so the comparison means something. */
  g_assert_true (g_hash_table_contains (hidden, HIDDEN));
  g_assert_true (g_hash_table_contains (hidden, "LDAP_Password"));
  g_assert_true (g_hash_table_contains (visible, "Proxy_Mode"));
  g_assert_true (g_hash_table_contains (visible, "Proxy_Password"));
  assert_keys_are (values, visible, "Get of all");
  g_assert_true (g_variant_lookup (values, "Proxy_Mode", "&s", NULL));
  g_assert_true (g_variant_lookup (values, "VPN_Server", "&s", NULL));
  g_assert_false (g_variant_lookup (values, HIDDEN, "&s", NULL));
}

static void
test_user_describe_all_omits_na_parameters (Fixture *f, gconstpointer data)
{
  g_autoptr (GHashTable) visible = names_by_visibility (f, FALSE);
  g_autoptr (GVariant) reply = user_ok (f, CONFIG, "Describe", names_args (NULL));
  g_autoptr (GVariant) described = g_variant_get_child_value (reply, 0);
  g_autoptr (GVariant) mode = NULL;
  const char *access = NULL;

  assert_keys_are (described, visible, "Describe of all");
  mode = g_variant_lookup_value (described, "Proxy_Mode", G_VARIANT_TYPE_VARDICT);
  g_assert_nonnull (mode);
  g_assert_true (g_variant_lookup (mode, "access", "&s", &access));
  g_assert_cmpstr (access, ==, "rw");
}

/* A ua override counts, not only the schema's default. */
static void
test_user_visibility_follows_ua_overrides (Fixture *f, gconstpointer data)
{
  g_autoptr (GVariant) skipped
      = admin_import (f, "<flat-profile><PRT_Upload_Method ua=\"rw\">PUT</PRT_Upload_Method>"
                         "<Proxy_Mode ua=\"na\">Auto</Proxy_Mode></flat-profile>");
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) values = NULL;
  g_autoptr (GVariant) tls = NULL;

  g_assert_cmpuint (g_variant_n_children (skipped), ==, 0);
  reply = user_ok (f, CONFIG, "Get", names_args (NULL));
  values = g_variant_get_child_value (reply, 0);
  g_assert_false (g_variant_lookup (values, "Proxy_Mode", "&s", NULL));
  tls = g_variant_lookup_value (values, HIDDEN, G_VARIANT_TYPE_STRING);
  g_assert_nonnull (tls);
  g_assert_cmpstr (g_variant_get_string (tls, NULL), ==, "PUT");
  g_free (user_fails (f, CONFIG, "Get", names_args ("Proxy_Mode"), ERROR_UNKNOWN));
}

/* --- writing --------------------------------------------------------------- */

static void
test_user_writes_rw_parameter (Fixture *f, gconstpointer data)
{
  GVariantBuilder values;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) port = NULL;
  g_autofree char *mode = NULL;
  guint64 gen = 0;

  g_variant_builder_init (&values, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&values, "{sv}", "Proxy_Mode", g_variant_new_string ("Manual"));
  g_variant_builder_add (&values, "{sv}", "Proxy_Port", g_variant_new_uint32 (8080));
  reply = user_ok (f, CONFIG, "Apply", g_variant_new ("(a{sv}@a{sv})", &values, no_options ()));
  g_variant_get (reply, "(t)", &gen);
  g_assert_cmpuint (gen, ==, 1);

  mode = get_string (f, "Proxy_Mode");
  port = phonesec_test_get (f->bus, "Proxy_Port");
  g_assert_cmpstr (mode, ==, "'Manual'");
  g_assert_cmpuint (g_variant_get_uint32 (port), ==, 8080);
  g_assert_cmpuint (generation (f), ==, 1);
}

static void
test_user_cannot_write_ro_parameter (Fixture *f, gconstpointer data)
{
  g_autoptr (GVariant) skipped = admin_import (
      f, "<flat-profile><Proxy_Host ua=\"ro\">proxy.example.com</Proxy_Host></flat-profile>");
  g_autofree char *access = admin_access_of (f, "Proxy_Host");
  g_autofree char *message = NULL;
  guint64 gen = generation (f);
  GVariantBuilder values;

  g_assert_cmpuint (g_variant_n_children (skipped), ==, 0);
  g_assert_cmpstr (access, ==, "ro");

  message = user_fails (f, CONFIG, "Apply", apply_args ("Proxy_Host", "evil.example.com", NULL),
                        ERROR_DENIED);
  g_assert_nonnull (strstr (message, "Proxy_Host"));
  /* Alongside a writable value: still nothing at all changes. */
  g_variant_builder_init (&values, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&values, "{sv}", "Proxy_Mode", g_variant_new_string ("Auto"));
  g_variant_builder_add (&values, "{sv}", "Proxy_Host", g_variant_new_string ("evil.example.com"));
  g_free (user_fails (f, CONFIG, "Apply", g_variant_new ("(a{sv}@a{sv})", &values, no_options ()),
                      ERROR_DENIED));

  {
    g_autofree char *host = get_string (f, "Proxy_Host");
    g_autofree char *mode = get_string (f, "Proxy_Mode");
    g_autoptr (GVariant) reply = user_ok (f, CONFIG, "Get", names_args ("Proxy_Host"));
    g_autofree char *seen = g_variant_print (reply, FALSE);

    g_assert_cmpstr (host, ==, "'proxy.example.com'");
    g_assert_cmpstr (mode, ==, "'Off'");
    g_assert_cmpuint (generation (f), ==, gen);
    /* Read-only is still readable. */
    g_assert_cmpstr (seen, ==, "({'Proxy_Host': <'proxy.example.com'>},)");
  }
}

#define SECRET "Tr0ub4dor-and-3"

static void
assert_described_is_set (GVariant *described, const char *name, gboolean expected)
{
  g_autoptr (GVariant) facts = g_variant_lookup_value (described, name, G_VARIANT_TYPE_VARDICT);
  gboolean is_set = !expected;

  g_assert_nonnull (facts);
  g_assert_true (g_variant_lookup (facts, "is-set", "b", &is_set));
  g_assert_cmpint (is_set, ==, expected);
}

static void
test_user_reads_secrets_as_empty (Fixture *f, gconstpointer data)
{
  const char *secrets[] = { "Proxy_Password", "VPN_Password", NULL };
  g_autoptr (GError) error = NULL;

  {
    g_autoptr (GVariant) reply = user_ok (f, CONFIG, "Describe", g_variant_new ("(^as)", secrets));
    g_autoptr (GVariant) described = g_variant_get_child_value (reply, 0);
    assert_described_is_set (described, "Proxy_Password", FALSE);
  }

  phonesec_test_apply_strings (f->bus, &error, "Proxy_Password", SECRET, "VPN_Password", SECRET,
                               NULL);
  g_assert_no_error (error);
  {
    g_autoptr (GVariant) reply = user_ok (f, CONFIG, "Get", g_variant_new ("(^as)", secrets));
    g_autofree char *text = g_variant_print (reply, FALSE);
    g_assert_cmpstr (text, ==, "({'Proxy_Password': <''>, 'VPN_Password': <''>},)");
  }
  {
    g_autoptr (GVariant) reply = user_ok (f, CONFIG, "Get", names_args (NULL));
    g_autofree char *text = g_variant_print (reply, FALSE);
    g_assert_null (strstr (text, SECRET));
  }
  {
    g_autoptr (GVariant) reply = user_ok (f, CONFIG, "Describe", g_variant_new ("(^as)", secrets));
    g_autoptr (GVariant) described = g_variant_get_child_value (reply, 0);
    g_autofree char *text = g_variant_print (reply, FALSE);

    assert_described_is_set (described, "Proxy_Password", TRUE);
    assert_described_is_set (described, "VPN_Password", TRUE);
    g_assert_null (strstr (text, SECRET));
  }
  {
    g_autoptr (GVariant) reply
        = user_ok (f, CONFIG, "ExportProfile", g_variant_new ("(@a{sv})", no_options ()));
    g_autofree char *text = g_variant_print (reply, FALSE);
    g_assert_null (strstr (text, SECRET));
  }
}

static void
test_user_cannot_claim_admin (Fixture *f, gconstpointer data)
{
  const char *hidden[] = { HIDDEN, NULL };
  const char *xml = "<flat-profile><Proxy_Mode>Auto</Proxy_Mode></flat-profile>";
  guint64 gen = generation (f);

  g_free (user_fails (f, CONFIG, "Apply", apply_args ("Proxy_Mode", "Auto", access_level ("admin")),
                      ERROR_DENIED));
  g_free (user_fails (f, CONFIG, "Apply", apply_args (HIDDEN, "PUT", access_level ("admin")),
                      ERROR_DENIED));
  g_free (user_fails (f, CONFIG, "Reset",
                      g_variant_new ("(^as@a{sv})", hidden, access_level ("admin")), ERROR_DENIED));
  g_free (user_fails (f, CONFIG, "ImportProfile",
                      g_variant_new ("(s@a{sv})", xml, access_level ("admin")), ERROR_DENIED));
  g_free (user_fails (f, CONFIG, "ExportProfile",
                      g_variant_new ("(@a{sv})", access_level ("admin")), ERROR_DENIED));
  {
    g_autofree char *mode = get_string (f, "Proxy_Mode");
    g_autofree char *tls = get_string (f, HIDDEN);
    g_assert_cmpstr (mode, ==, "'Off'");
    g_assert_cmpstr (tls, ==, "'POST'");
    g_assert_cmpuint (generation (f), ==, gen);
  }
  /* Asking for the level one already has is fine. */
  g_variant_unref (
      user_ok (f, CONFIG, "Apply", apply_args ("Proxy_Mode", "Auto", access_level ("user"))));
}

/* --- an admin acting as the user (the web UI) ---------------------------- */

static void
test_admin_as_user_cannot_write_na (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *remote = NULL;
  g_autofree char *tls = NULL;

  phonesec_test_apply (f->bus, g_variant_new_parsed ("{'PRT_Upload_Method': <'PUT'>}"),
                       access_level ("user"), &error);
  g_assert_nonnull (error);
  remote = g_dbus_error_get_remote_error (error);
  g_assert_cmpstr (remote, ==, ERROR_UNKNOWN);
  g_assert_nonnull (strstr (error->message, HIDDEN));
  tls = get_string (f, HIDDEN);
  g_assert_cmpstr (tls, ==, "'POST'");
  g_assert_cmpuint (generation (f), ==, 0);

  /* Without the option the same caller may. */
  g_clear_error (&error);
  phonesec_test_apply_strings (f->bus, &error, HIDDEN, "PUT", NULL);
  g_assert_no_error (error);
}

static char *
export_xml (Fixture *f, GVariant *options)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = phonesec_test_call (f->bus, CONFIG, "ExportProfile",
                                                   g_variant_new ("(@a{sv})", options), &error);
  char *xml = NULL;

  g_assert_no_error (error);
  g_variant_get (reply, "(s)", &xml);
  return xml;
}

static void
test_admin_as_user_export_omits_na (Fixture *f, gconstpointer data)
{
  g_autoptr (GHashTable) hidden = names_by_visibility (f, TRUE);
  g_autofree char *as_admin = export_xml (f, no_options ());
  g_autofree char *as_user = export_xml (f, access_level ("user"));
  GHashTableIter iter;
  gpointer name;

  g_assert_nonnull (strstr (as_admin, "<" HIDDEN));
  g_assert_nonnull (strstr (as_user, "<Proxy_Mode"));
  g_hash_table_iter_init (&iter, hidden);
  while (g_hash_table_iter_next (&iter, &name, NULL))
    {
      g_autofree char *needle = g_strdup_printf ("<%s", (const char *) name);
      g_autofree char *word = g_strdup_printf (" %s", (const char *) name);

      if (strstr (as_user, needle) != NULL || strstr (as_user, word) != NULL)
        g_error ("ExportProfile with access-level=user names %s:\n%s", (const char *) name,
                 as_user);
    }
}

/* --- Reset ------------------------------------------------------------------ */

static void
test_user_reset_of_na_is_unknown_parameter (Fixture *f, gconstpointer data)
{
  const char *hidden[] = { HIDDEN, NULL };
  const char *unknown[] = { UNKNOWN, NULL };
  g_autoptr (GError) error = NULL;
  g_autofree char *hidden_message = NULL;
  g_autofree char *unknown_message = NULL;
  g_autofree char *hidden_generic = NULL;
  g_autofree char *unknown_generic = NULL;

  phonesec_test_apply_strings (f->bus, &error, HIDDEN, "PUT", NULL);
  g_assert_no_error (error);
  hidden_message = user_fails (f, CONFIG, "Reset",
                               g_variant_new ("(^as@a{sv})", hidden, no_options ()), ERROR_UNKNOWN);
  unknown_message = user_fails (
      f, CONFIG, "Reset", g_variant_new ("(^as@a{sv})", unknown, no_options ()), ERROR_UNKNOWN);
  hidden_generic = with_name_replaced (hidden_message, HIDDEN);
  unknown_generic = with_name_replaced (unknown_message, UNKNOWN);
  g_assert_cmpstr (hidden_generic, ==, unknown_generic);
  {
    g_autofree char *tls = get_string (f, HIDDEN);
    g_assert_cmpstr (tls, ==, "'PUT'");
  }
}

static void
test_user_reset_all_resets_only_rw (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) skipped = NULL;
  g_autoptr (GVariant) reply = NULL;
  guint64 gen;

  phonesec_test_apply_strings (f->bus, &error, HIDDEN, "PUT", "Proxy_Mode", "Manual", "VPN_Server",
                               "vpn.example.com", NULL);
  g_assert_no_error (error);
  skipped = admin_import (
      f, "<flat-profile><Proxy_Host ua=\"ro\">keep.example.com</Proxy_Host></flat-profile>");
  gen = generation (f);

  reply = user_ok (f, CONFIG, "Reset", g_variant_new ("(as@a{sv})", NULL, no_options ()));
  {
    g_autofree char *tls = get_string (f, HIDDEN);
    g_autofree char *mode = get_string (f, "Proxy_Mode");
    g_autofree char *vpn = get_string (f, "VPN_Server");
    g_autofree char *host = get_string (f, "Proxy_Host");
    g_autofree char *host_access = admin_access_of (f, "Proxy_Host");

    g_assert_cmpstr (mode, ==, "'Off'");
    g_assert_cmpstr (vpn, ==, "''");
    g_assert_cmpstr (tls, ==, "'PUT'");
    g_assert_cmpstr (host, ==, "'keep.example.com'");
    /* Only the admin's reset restores the default user access. */
    g_assert_cmpstr (host_access, ==, "ro");
    g_assert_cmpuint (generation (f), ==, gen + 1);
  }
}

/* --- ImportProfile ----------------------------------------------------------- */

static void
test_user_import_with_ua_is_skipped (Fixture *f, gconstpointer data)
{
  const char *xml = "<flat-profile>"
                    "<Proxy_Host ua=\"na\">evil.example.com</Proxy_Host>"
                    "<VPN_Server ua=\"rw\">vpn.example.com</VPN_Server>"
                    "<Proxy_Mode>Auto</Proxy_Mode>"
                    "</flat-profile>";
  g_autoptr (GVariant) reply
      = user_ok (f, CONFIG, "ImportProfile", g_variant_new ("(s@a{sv})", xml, no_options ()));
  g_autoptr (GVariant) skipped = NULL;
  const char *reason = NULL;
  guint64 gen = 0;

  g_variant_get (reply, "(t@a{ss})", &gen, &skipped);
  g_assert_true (g_variant_lookup (skipped, "Proxy_Host", "&s", &reason));
  g_assert_cmpstr (reason, !=, "");
  g_assert_true (g_variant_lookup (skipped, "VPN_Server", "&s", &reason));
  g_assert_cmpstr (reason, !=, "");
  g_assert_cmpuint (g_variant_n_children (skipped), ==, 2);
  /* The rest of the profile applies. */
  g_assert_cmpuint (gen, ==, 1);
  {
    g_autofree char *mode = get_string (f, "Proxy_Mode");
    g_autofree char *host = get_string (f, "Proxy_Host");
    g_autofree char *vpn = get_string (f, "VPN_Server");
    g_autofree char *host_access = admin_access_of (f, "Proxy_Host");
    g_autofree char *vpn_access = admin_access_of (f, "VPN_Server");

    g_assert_cmpstr (mode, ==, "'Auto'");
    /* Nothing of a refused element: neither its value nor its ua. */
    g_assert_cmpstr (host, ==, "''");
    g_assert_cmpstr (vpn, ==, "''");
    g_assert_cmpstr (host_access, ==, "rw");
    g_assert_cmpstr (vpn_access, ==, "rw");
  }
}

static void
test_user_import_of_na_is_skipped_like_unknown (Fixture *f, gconstpointer data)
{
  const char *xml = "<flat-profile><" HIDDEN ">PUT</" HIDDEN "><" UNKNOWN ">1</" UNKNOWN ">"
                    "</flat-profile>";
  g_autoptr (GVariant) reply
      = user_ok (f, CONFIG, "ImportProfile", g_variant_new ("(s@a{sv})", xml, no_options ()));
  g_autoptr (GVariant) skipped = NULL;
  const char *hidden_reason = NULL;
  const char *unknown_reason = NULL;

  g_variant_get (reply, "(t@a{ss})", NULL, &skipped);
  g_assert_true (g_variant_lookup (skipped, HIDDEN, "&s", &hidden_reason));
  g_assert_true (g_variant_lookup (skipped, UNKNOWN, "&s", &unknown_reason));
  g_assert_cmpstr (hidden_reason, ==, unknown_reason);
  {
    g_autofree char *tls = get_string (f, HIDDEN);
    g_assert_cmpstr (tls, ==, "'POST'");
  }
}

/* --- Manager and Network --------------------------------------------------- */

static void
test_user_cannot_restart (Fixture *f, gconstpointer data)
{
  g_autofree char *pid = g_strdup (g_subprocess_get_identifier (f->bus->daemon));
  g_autoptr (GVariant) state = NULL;

  g_free (user_fails (f, MANAGER, "Restart", g_variant_new ("()"), ERROR_DENIED));
  /* Had it restarted, the State would be stopping (or the name gone). */
  state = root_property (f, MANAGER, "State");
  g_assert_cmpstr (g_variant_get_string (state, NULL), ==, "running");
  g_assert_cmpstr (g_subprocess_get_identifier (f->bus->daemon), ==, pid);
}

static void
test_user_cannot_update_network (Fixture *f, gconstpointer data)
{
  g_autoptr (GVariant) domain = NULL;

  g_free (user_fails (f, NETWORK, "Update",
                      g_variant_new_parsed ("({'domain': <'evil.example.com'>},)"), ERROR_DENIED));
  domain = root_property (f, NETWORK, "Domain");
  g_assert_cmpstr (g_variant_get_string (domain, NULL), ==, "");
}

/* --- the admin group --------------------------------------------------------- */

static void
restart_with_admin_group (Fixture *f)
{
  phonesec_test_bus_stop_daemon (f->bus);
  g_ptr_array_add (f->bus->extra_args, g_strdup ("--admin-group=" ADMIN_GROUP));
  phonesec_test_bus_start_daemon (f->bus);
}

static void
test_admin_group_member_is_admin (Fixture *f, gconstpointer data)
{
  g_autoptr (GVariant) reply = NULL;
  g_autofree char *text = NULL;

  restart_with_admin_group (f);
  reply = user_ok_in (f, ADMIN_GID, CONFIG, "Get", names_args (HIDDEN));
  text = g_variant_print (reply, FALSE);
  g_assert_cmpstr (text, ==, "({'PRT_Upload_Method': <'POST'>},)");
  g_variant_unref (user_ok_in (f, ADMIN_GID, CONFIG, "Apply", apply_args (HIDDEN, "PUT", NULL)));
  {
    g_autofree char *tls = get_string (f, HIDDEN);
    g_assert_cmpstr (tls, ==, "'PUT'");
  }
  /* The group makes the admin, not the uid. */
  g_free (user_fails (f, CONFIG, "Get", names_args (HIDDEN), ERROR_UNKNOWN));
}

static void
test_admin_group_needs_the_option (Fixture *f, gconstpointer data)
{
  g_free (user_fails_in (f, ADMIN_GID, CONFIG, "Get", names_args (HIDDEN), ERROR_UNKNOWN));
  g_free (user_fails_in (f, ADMIN_GID, CONFIG, "Apply", apply_args (HIDDEN, "PUT", NULL),
                         ERROR_UNKNOWN));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func)                                                                            \
  g_test_add (path, Fixture, NULL, phonesec_test_daemon_setup, func, phonesec_test_daemon_teardown)
  ADD ("/access/user/get-na-is-unknown", test_user_get_of_na_is_unknown_parameter);
  ADD ("/access/user/describe-na-is-unknown", test_user_describe_of_na_is_unknown_parameter);
  ADD ("/access/user/get-all-omits-na", test_user_get_all_omits_na_parameters);
  ADD ("/access/user/describe-all-omits-na", test_user_describe_all_omits_na_parameters);
  ADD ("/access/user/visibility-follows-ua", test_user_visibility_follows_ua_overrides);
  ADD ("/access/user/writes-rw", test_user_writes_rw_parameter);
  ADD ("/access/user/cannot-write-ro", test_user_cannot_write_ro_parameter);
  ADD ("/access/user/secrets-read-empty", test_user_reads_secrets_as_empty);
  ADD ("/access/user/cannot-claim-admin", test_user_cannot_claim_admin);
  ADD ("/access/admin-as-user/cannot-write-na", test_admin_as_user_cannot_write_na);
  ADD ("/access/admin-as-user/export-omits-na", test_admin_as_user_export_omits_na);
  ADD ("/access/user/reset-na-is-unknown", test_user_reset_of_na_is_unknown_parameter);
  ADD ("/access/user/reset-all-only-rw", test_user_reset_all_resets_only_rw);
  ADD ("/access/user/import-ua-skipped", test_user_import_with_ua_is_skipped);
  ADD ("/access/user/import-na-like-unknown", test_user_import_of_na_is_skipped_like_unknown);
  ADD ("/access/user/restart-denied", test_user_cannot_restart);
  ADD ("/access/user/network-update-denied", test_user_cannot_update_network);
  ADD ("/access/admin-group/member-is-admin", test_admin_group_member_is_admin);
  ADD ("/access/admin-group/needs-option", test_admin_group_needs_the_option);
  return g_test_run ();
}
