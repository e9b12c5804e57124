/* test-hidden.c: the phone's user never learns a hidden ("na") value.
 *
 * phonesecd runs with every plugin on a bus with the production policy.
 * Each hidden parameter that can hold text gets a marker value; plugins
 * are made to use them (LDAP connects to the marker server, problem
 * reports and metrics upload to the marker URLs and fail, a resync fetches
 * the marker rules and fails). Meanwhile a
 * probe running as uid 65534 records every signal phonesecd sends it, and
 * then reads every property, GetManagedObjects reply and method answer it
 * can get. Not one marker may appear in what it saw. The same probe run as
 * root sees them, so the probe does look where the values are.
 *
 * Hidden settings without text (bool, enum, int, port) cannot carry a
 * marker: each is set to another value than its default, and what the
 * user reads must not change, nor may it hear of them (TlsPolicy's
 * MinVersion and FipsMode, from TLS_Min_Version and FIPS_Mode, above all).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "phonesec-test-bus.h"

#define CONFIG PHONESEC_DBUS_INTERFACE_CONFIG
#define ROOT PHONESEC_DBUS_PATH
#define PLUGINS ROOT "/plugins/"
#define TIMEOUT_MS 15000

typedef struct
{
  PhonesecTestBus *bus;
  GSubprocess *probe[2]; /* user, admin */
  char *out[2];
  GPtrArray *markers; /* char*: marker values set, lower case */
} Fixture;

enum
{
  USER,
  ADMIN
};

static void
start_probe (Fixture *f, int who)
{
  g_autoptr (GError) error = NULL;
  const char *probe = g_getenv ("PHONESEC_TEST_PROBE");
  int fd;

  g_assert_nonnull (probe);
  f->out[who] = g_build_filename (f->bus->tmpdir, who == USER ? "user.out" : "admin.out", NULL);
  fd = g_open (f->out[who], O_CREAT | O_WRONLY | O_TRUNC, 0666);
  g_assert_cmpint (fd, >=, 0);
  fchmod (fd, 0666);
  close (fd);
  if (who == USER)
    f->probe[who] = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE, &error, "setpriv",
                                      "--reuid=65534", "--regid=65534", "--clear-groups", probe,
                                      f->bus->address, f->out[who], NULL);
  else
    f->probe[who] = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE, &error, probe, f->bus->address,
                                      f->out[who], NULL);
  g_assert_no_error (error);
}

static char *
read_out (Fixture *f, int who)
{
  char *text = NULL;

  g_assert_true (g_file_get_contents (f->out[who], &text, NULL, NULL));
  return text;
}

typedef struct
{
  Fixture *f;
  int who;
  const char *needle;
  guint count;
} OutWait;

static gboolean
out_has (gpointer data)
{
  OutWait *w = data;
  g_autofree char *text = read_out (w->f, w->who);
  guint n = 0;

  for (const char *p = strstr (text, w->needle); p != NULL; p = strstr (p + 1, w->needle))
    n++;
  return n >= w->count;
}

static void
wait_out (Fixture *f, int who, const char *needle, guint count)
{
  OutWait w = { f, who, needle, count };

  if (!phonesec_test_wait_until (out_has, &w, TIMEOUT_MS))
    {
      g_autofree char *text = read_out (f, who);
      g_error ("the %s probe never printed %u × '%s'; it printed:\n%s",
               who == USER ? "user" : "admin", count, needle, text);
    }
}

static void
probe_command (Fixture *f, int who, const char *command)
{
  GOutputStream *in = g_subprocess_get_stdin_pipe (f->probe[who]);
  g_autoptr (GError) error = NULL;
  g_autofree char *line = g_strconcat (command, "\n", NULL);

  g_output_stream_write_all (in, line, strlen (line), NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_flush (in, NULL, &error);
  g_assert_no_error (error);
}

static void
setup (Fixture *f, gconstpointer data)
{
  f->markers = g_ptr_array_new_with_free_func (g_free);
  f->bus = phonesec_test_bus_new ();
  phonesec_test_bus_add_plugin (f->bus, "PHONESEC_LDAP_PLUGIN_DIR");
  phonesec_test_bus_add_plugin (f->bus, "PHONESEC_PRT_PLUGIN_DIR");
  phonesec_test_bus_add_plugin (f->bus, "PHONESEC_METRICS_PLUGIN_DIR");
  phonesec_test_bus_add_plugin (f->bus, "PHONESEC_HTTP_PROXY_PLUGIN_DIR");
  phonesec_test_bus_add_plugin (f->bus, "PHONESEC_VPN_PLUGIN_DIR");
  phonesec_test_bus_add_plugin (f->bus, "PHONESEC_FIREWALL_PLUGIN_DIR");
  phonesec_test_bus_add_plugin (f->bus, "PHONESEC_SIP_PLUGIN_DIR");
  phonesec_test_bus_add_plugin (f->bus, "PHONESEC_DOT1X_PLUGIN_DIR");
  phonesec_test_bus_add_plugin (f->bus, "PHONESEC_PROV_PLUGIN_DIR");
  /* An install hook, so that Upgrade() runs (the marker rule fails
   * before it would): root's /bin/true passes the hook checks. */
  g_setenv ("PHONESEC_UPGRADE_HOOK", "/bin/true", TRUE);
  phonesec_test_bus_start_daemon (f->bus);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  for (int who = 0; who < 2; who++)
    {
      if (f->probe[who] != NULL)
        {
          g_subprocess_force_exit (f->probe[who]);
          g_subprocess_wait (f->probe[who], NULL, NULL);
        }
      g_clear_object (&f->probe[who]);
      g_free (f->out[who]);
    }
  g_ptr_array_unref (f->markers);
  g_clear_pointer (&f->bus, phonesec_test_bus_free);
}

/* --- markers --------------------------------------------------------------- */

static gboolean
apply_one (Fixture *f, const char *name, GVariant *value, gboolean dry_run)
{
  GVariantBuilder values, options;
  g_autoptr (GError) error = NULL;

  g_variant_builder_init (&values, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&values, "{sv}", name, value);
  g_variant_builder_init (&options, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&options, "{sv}", "dry-run", g_variant_new_boolean (dry_run));
  return phonesec_test_apply (f->bus, g_variant_builder_end (&values),
                              g_variant_builder_end (&options), &error)
         != G_MAXUINT64;
}

/* The first of a few shapes that the parameter accepts, carrying @marker. */
static GVariant *
marker_value (Fixture *f, const char *name, const char *type, const char *marker)
{
  char *shapes[] = {
    g_strdup (marker),
    g_strdup_printf ("%s.invalid", marker),
    g_strdup_printf ("http://%s.invalid/%s", marker, marker),
    g_strdup_printf ("ldap://%s.invalid", marker),
    g_strdup_printf ("%s.invalid:5061", marker),
    g_strdup_printf ("HIGH:%s", marker),
  };

  for (guint i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      const char *text = shapes[i];
      GVariant *value = g_str_equal (type, "list")
                            ? g_variant_new_strv ((const char *const[]){ text, NULL }, 1)
                            : g_variant_new_string (text);

      g_variant_ref_sink (value);
      if (apply_one (f, name, value, TRUE))
        {
          for (guint j = 0; j < G_N_ELEMENTS (shapes); j++)
            g_free (shapes[j]);
          return value;
        }
      g_variant_unref (value);
    }
  for (guint j = 0; j < G_N_ELEMENTS (shapes); j++)
    g_free (shapes[j]);
  return NULL;
}

typedef GVariant *(*HiddenValueFunc) (Fixture *f, const char *name, const char *type,
                                      GVariant *desc, gconstpointer data);

/* Sets, in one transaction, every hidden (na) parameter but the secrets
 * whose type is one of @types to what @make gives (NULL: left alone);
 * returns how many. Enable_Protocol only concerns phonesec-web, not here. */
static guint
set_hidden (Fixture *f, const char *const *types, HiddenValueFunc make, gconstpointer data)
{
  g_autoptr (GVariant) reply
      = phonesec_test_call (f->bus, CONFIG, "Describe", g_variant_new_parsed ("(@as [],)"), NULL);
  g_autoptr (GVariant) all = g_variant_get_child_value (reply, 0);
  g_autoptr (GError) error = NULL;
  GVariantBuilder values;
  GVariantIter iter;
  const char *name;
  GVariant *desc;
  guint n = 0;

  g_variant_builder_init (&values, G_VARIANT_TYPE ("a{sv}"));
  g_variant_iter_init (&iter, all);
  while (g_variant_iter_loop (&iter, "{&s@a{sv}}", &name, &desc))
    {
      const char *access = NULL, *type = NULL;
      gboolean secret = FALSE;
      GVariant *value;

      g_variant_lookup (desc, "access", "&s", &access);
      g_variant_lookup (desc, "type", "&s", &type);
      g_variant_lookup (desc, "secret", "b", &secret);
      if (g_strcmp0 (access, "na") != 0 || secret || g_str_equal (name, "Enable_Protocol")
          || !g_strv_contains (types, type))
        continue;
      value = make (f, name, type, desc, data);
      if (value == NULL)
        continue;
      g_variant_builder_add (&values, "{sv}", name, value);
      g_variant_unref (value);
      n++;
    }
  g_assert_cmpuint (phonesec_test_apply (f->bus, g_variant_builder_end (&values), NULL, &error), !=,
                    G_MAXUINT64);
  g_assert_no_error (error);
  return n;
}

/* A marker value for a text parameter, recorded in f->markers; @data
 * (non-NULL: the TLS policy ones) selects the TLS_ parameters or the
 * others. */
static GVariant *
marker_for (Fixture *f, const char *name, const char *type, GVariant *desc, gconstpointer data)
{
  gboolean tls = data != NULL;
  g_autofree char *marker = NULL;
  GVariant *value;

  if (g_str_has_prefix (name, "TLS_") != tls)
    return NULL;
  marker = g_strdup_printf ("mk%uq%c", f->markers->len, tls ? 't' : 'p');
  value = marker_value (f, name, type, marker);
  if (value == NULL)
    g_test_message ("%s (%s) takes no marker", name, type);
  else
    g_ptr_array_add (f->markers, g_steal_pointer (&marker));
  return value;
}

/* Gives every hidden text parameter a marker; @tls selects the TLS policy
 * ones (they restart the network service) or all the others. */
static void
set_markers (Fixture *f, gboolean tls)
{
  static const char *const text[] = { "string", "url", "host", "list", "rule", NULL };
  guint n = set_hidden (f, text, marker_for, tls ? "tls" : NULL);

  g_test_message ("%u %s markers", n, tls ? "TLS" : "other");
  g_assert_cmpuint (n, >, 0);
}

static void
call_admin (Fixture *f, const char *path, const char *interface, const char *method, GVariant *args)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = g_dbus_connection_call_sync (
      f->bus->connection, PHONESEC_DBUS_NAME, path, interface, method, args, NULL,
      G_DBUS_CALL_FLAGS_NONE, TIMEOUT_MS, NULL, &error);

  g_test_message ("admin %s.%s: %s", interface, method, reply != NULL ? "ok" : error->message);
}

/* @interface's State on @path, or NULL when it cannot be read (yet). */
static char *
dup_state (Fixture *f, const char *path, const char *interface)
{
  g_autoptr (GVariant) reply = g_dbus_connection_call_sync (
      f->bus->connection, PHONESEC_DBUS_NAME, path, "org.freedesktop.DBus.Properties", "Get",
      g_variant_new ("(ss)", interface, "State"), NULL, G_DBUS_CALL_FLAGS_NONE, 1000, NULL, NULL);
  g_autoptr (GVariant) state = NULL;

  if (reply == NULL)
    return NULL;
  g_variant_get (reply, "(v)", &state);
  return g_variant_dup_string (state, NULL);
}

/* Until the provisioning plugin is neither resyncing nor upgrading. */
static void
wait_provisioning_idle (Fixture *f)
{
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_MS * 1000;

  for (;;)
    {
      g_autofree char *state
          = dup_state (f, PLUGINS "provisioning", PHONESEC_DBUS_INTERFACE_PREFIX "Provisioning");

      if (state != NULL && !g_str_equal (state, "resyncing") && !g_str_equal (state, "upgrading"))
        return;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (50 * 1000);
    }
}

static void
wait_daemon_running (Fixture *f)
{
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_MS * 1000;

  for (;;)
    {
      g_autofree char *state = dup_state (f, ROOT, PHONESEC_DBUS_INTERFACE_MANAGER);

      if (g_strcmp0 (state, "running") == 0)
        return;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (50 * 1000);
    }
}

static guint
count_markers (Fixture *f, const char *text, GString *where)
{
  g_autofree char *lower = g_ascii_strdown (text, -1);
  g_auto (GStrv) lines = g_strsplit (lower, "\n", -1);
  guint hits = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    for (guint m = 0; m < f->markers->len; m++)
      if (strstr (lines[i], f->markers->pdata[m]) != NULL)
        {
          hits++;
          if (where != NULL && where->len < 4000)
            g_string_append_printf (where, "  %s in: %.300s\n", (char *) f->markers->pdata[m],
                                    lines[i]);
        }
  return hits;
}

static void
test_user_sees_no_hidden_value (Fixture *f, gconstpointer data)
{
  g_autofree char *user_text = NULL;
  g_autofree char *admin_text = NULL;
  g_autoptr (GString) where = g_string_new (NULL);
  g_autoptr (GError) error = NULL;
  guint user_hits, admin_reply_hits, admin_signal_hits = 0;

  start_probe (f, USER);
  start_probe (f, ADMIN);
  wait_out (f, USER, "SUBSCRIBED", 1);
  wait_out (f, ADMIN, "SUBSCRIBED", 1);

  /* The TLS policy first (phonesecd stays on the bus; the probes would
   * follow a new owner all the same). */
  set_markers (f, TRUE);
  wait_daemon_running (f);
  {
    g_autoptr (GVariant) reply = g_dbus_connection_call_sync (
        f->bus->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
        "GetNameOwner", g_variant_new ("(s)", PHONESEC_DBUS_NAME), G_VARIANT_TYPE ("(s)"),
        G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
    g_autofree char *line = NULL;

    g_assert_no_error (error);
    line = g_strdup_printf ("SUBSCRIBED %s yes",
                            g_variant_get_string (g_variant_get_child_value (reply, 0), NULL));
    wait_out (f, USER, line, 1);
    wait_out (f, ADMIN, line, 1);
  }

  /* Then every other hidden parameter, and the switches that make the
   * plugins use them. */
  set_markers (f, FALSE);
  g_assert_cmpuint (
      phonesec_test_apply_strings (f->bus, &error, "LDAP_Dir_Enable", "Yes", "Webex_Metrics_Enable",
                                   "Yes", "Metrics_Upload_Interval", "10",
                                   "Enable_802.1X_Authentication", "Yes", "Dot1x_EAP_Method",
                                   "EAP-FAST", "Dot1x_Password", "Secret-Not-A-Marker-42", NULL),
      !=, G_MAXUINT64);
  g_assert_no_error (error);
  call_admin (f, PLUGINS "prt_uploader", PHONESEC_DBUS_INTERFACE_PREFIX "ProblemReport", "Generate",
              g_variant_new ("(s)", "admin"));
  call_admin (f, PLUGINS "webex_metrics", PHONESEC_DBUS_INTERFACE_PREFIX "Metrics", "Flush", NULL);
  call_admin (f, PLUGINS "ldap_starttls", PHONESEC_DBUS_INTERFACE_PREFIX "Ldap", "Test", NULL);
  /* 802.1X with the hidden identity: no system bus here, it fails and
   * says so. */
  call_admin (f, PLUGINS "dot1x", PHONESEC_DBUS_INTERFACE_PREFIX "Dot1x", "Reauthenticate", NULL);
  /* A resync of the marker rules: LastError and LastServer name them;
   * then an upgrade of the marker Upgrade_Rule: LastUpgradeError. */
  call_admin (f, PLUGINS "provisioning", PHONESEC_DBUS_INTERFACE_PREFIX "Provisioning", "Resync",
              NULL);
  wait_provisioning_idle (f);
  call_admin (f, PLUGINS "provisioning", PHONESEC_DBUS_INTERFACE_PREFIX "Provisioning", "Upgrade",
              NULL);
  wait_provisioning_idle (f);
  /* A change the user may see: its signal proves the user probe listens. */
  g_assert_cmpuint (phonesec_test_apply_strings (f->bus, &error, "Proxy_Port", "3129", NULL), !=,
                    G_MAXUINT64);
  wait_out (f, USER, "Config.Changed", 1);
  /* Time for the uploads and the LDAP connection to fail. */
  g_usleep (2 * G_USEC_PER_SEC);

  probe_command (f, USER, "sweep");
  probe_command (f, ADMIN, "sweep");
  wait_out (f, USER, "SWEPT", 1);
  wait_out (f, ADMIN, "SWEPT", 1);

  user_text = read_out (f, USER);
  admin_text = read_out (f, ADMIN);
  g_test_message ("user probe: %u bytes, admin probe: %u bytes", (guint) strlen (user_text),
                  (guint) strlen (admin_text));

  /* The probe looks where the values are: as root it finds them. */
  admin_reply_hits = count_markers (f, admin_text, NULL);
  {
    g_auto (GStrv) lines = g_strsplit (admin_text, "\n", -1);
    for (guint i = 0; lines[i] != NULL; i++)
      if (g_str_has_prefix (lines[i], "SIGNAL"))
        admin_signal_hits += count_markers (f, lines[i], NULL);
  }
  g_test_message ("admin: %u marker hits, %u in signals", admin_reply_hits, admin_signal_hits);
  g_assert_cmpuint (admin_reply_hits, >, f->markers->len);
  g_assert_cmpuint (admin_signal_hits, >, 0);
  g_assert_nonnull (strstr (admin_text, "'CipherList': <'mk"));
  /* The upgrade's failure names a marker (the rule's, the limit's or
   * Restricted_Access_Domains'). */
  {
    const char *found = strstr (admin_text, "'LastUpgradeError': <");
    g_autofree char *value = NULL;

    g_assert_nonnull (found);
    value = g_strndup (found, strcspn (found, ">"));
    g_test_message ("%s", value);
    g_assert_nonnull (strstr (value, "Upgrade_Rule: "));
    g_assert_cmpuint (count_markers (f, value, NULL), >, 0);
  }

  user_hits = count_markers (f, user_text, where);
  if (user_hits > 0)
    g_error ("the phone's user saw %u hidden values:\n%s", user_hits, where->str);
  /* ... while it did read and hear what it may. */
  g_assert_nonnull (strstr (user_text, "Config.Changed"));
  g_assert_nonnull (strstr (user_text, "Proxy_Port"));
  g_assert_nonnull (strstr (user_text, "'State': <'active'>"));
  /* The 802.1X status as the phone menu shows it. */
  g_assert_nonnull (strstr (user_text, "'State': <'failed'>"));
}

/* --- hidden settings without free text ------------------------------------ */

/* Values other than @desc's default, most likely to be accepted first. */
static GPtrArray *
other_values (GVariant *desc)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GVariant) def = g_variant_lookup_value (desc, "default", NULL);
  g_autofree char *shown = def != NULL ? g_variant_print (def, FALSE) : g_strdup ("");
  const char *type = NULL, *word = NULL;

  g_variant_lookup (desc, "type", "&s", &type);
  if (g_str_equal (type, "bool"))
    {
      gboolean on = def != NULL && g_variant_is_of_type (def, G_VARIANT_TYPE_BOOLEAN)
                    && g_variant_get_boolean (def);

      if (g_variant_lookup (desc, on ? "false-word" : "true-word", "&s", &word))
        g_ptr_array_add (out, g_strdup (word));
      g_ptr_array_add (out, g_strdup (on ? "No" : "Yes"));
    }
  else if (g_str_equal (type, "enum"))
    {
      g_autofree const char **choices = NULL;

      if (g_variant_lookup (desc, "choices", "^a&s", &choices))
        for (guint i = 0; choices[i] != NULL; i++)
          if (!g_str_equal (choices[i], g_variant_get_string (def, NULL)))
            g_ptr_array_add (out, g_strdup (choices[i]));
    }
  else if (g_str_equal (type, "string"))
    g_ptr_array_add (out, g_strdup ("NO_ICMP_PING")); /* Kind=firewall-options */
  else
    {
      /* int, port, or a list of numbers (its default prints as a list:
       * 0, then its bounds). */
      gint64 n = g_ascii_strtoll (shown, NULL, 10);
      const char *bounds[] = { "min", "max" };

      g_ptr_array_add (out, g_strdup_printf ("%" G_GINT64_FORMAT, n + 1));
      g_ptr_array_add (out, g_strdup_printf ("%" G_GINT64_FORMAT, n - 1));
      for (guint i = 0; i < G_N_ELEMENTS (bounds); i++)
        {
          g_autoptr (GVariant) bound = g_variant_lookup_value (desc, bounds[i], NULL);

          if (bound != NULL)
            g_ptr_array_add (out, g_variant_print (bound, FALSE));
        }
    }
  return out;
}

/* Whether a string or list parameter holds no free text, so no marker:
 * firewall options (a fixed vocabulary and port numbers) or a list of
 * numbers (it has bounds). */
static gboolean
text_without_marker (const char *type, GVariant *desc)
{
  const char *kind = NULL;
  g_autoptr (GVariant) min = g_variant_lookup_value (desc, "min", NULL);

  g_variant_lookup (desc, "kind", "&s", &kind);
  if (g_str_equal (type, "string"))
    return g_strcmp0 (kind, "firewall-options") == 0;
  return min != NULL;
}

static GVariant *
value_of_type (const char *type, const char *text)
{
  if (g_str_equal (type, "list"))
    return g_variant_new_strv ((const char *const[]){ text, NULL }, 1);
  return g_variant_new_string (text);
}

/* The first value other than its default that a parameter accepts. */
static GVariant *
other_value (Fixture *f, const char *name, const char *type, GVariant *desc, gconstpointer data)
{
  g_autoptr (GPtrArray) candidates = NULL;

  if ((g_str_equal (type, "string") || g_str_equal (type, "list"))
      && !text_without_marker (type, desc))
    return NULL;
  candidates = other_values (desc);
  for (guint i = 0; i < candidates->len; i++)
    if (apply_one (f, name, value_of_type (type, candidates->pdata[i]), TRUE))
      return g_variant_ref_sink (value_of_type (type, candidates->pdata[i]));
  g_error ("%s (%s): no value other than its default is accepted", name, type);
}

/* Gives every hidden parameter that holds no free text (bool, enum, int,
 * port, firewall options, lists of numbers) a value other than its
 * default, in one transaction. */
static guint
set_switches (Fixture *f)
{
  static const char *const no_text[] = { "bool", "enum", "int", "port", "string", "list", NULL };

  return set_hidden (f, no_text, other_value, NULL);
}

/* @line is a signal saying only that a transaction was committed: the
 * generation, and Config.Changed naming nothing. */
static gboolean
heard_generation_only (const char *line)
{
  g_autoptr (GRegex) only
      = g_regex_new ("^SIGNAL \\S+ ("
                     "org\\.freedesktop\\.DBus\\.Properties\\.PropertiesChanged \\('" CONFIG
                     "', \\{'Generation': <uint64 \\d+>\\}, @as \\[\\]\\)"
                     "|" CONFIG "\\.Changed \\(uint64 \\d+, @as \\[\\]\\))$",
                     0, 0, NULL);

  return g_regex_match (only, line, 0, NULL);
}

/* What a sweep read (properties, object lists, Config's answers), in
 * order, without Config.Generation: every transaction bumps it. */
static char *
sweep_reads (const char *sweep)
{
  static const char *const reads[] = { "org.freedesktop.DBus.Properties.Get",
                                       "org.freedesktop.DBus.ObjectManager.",
                                       ".Manager.GetObjects ",
                                       ".Config.Get ",
                                       ".Config.Describe ",
                                       ".Config.ExportProfile " };
  g_auto (GStrv) lines = g_strsplit (sweep, "\n", -1);
  g_autoptr (GRegex) generation = g_regex_new ("'Generation': <uint64 \\d+>|"
                                               "\\.Config\\.Generation \\(<uint64 \\d+>,\\)",
                                               0, 0, NULL);
  GString *out = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    for (guint r = 0; r < G_N_ELEMENTS (reads); r++)
      if (g_str_has_prefix (lines[i], "REPLY ") && strstr (lines[i], reads[r]) != NULL)
        {
          g_autofree char *line
              = g_regex_replace_literal (generation, lines[i], -1, 0, "GENERATION", 0, NULL);

          g_string_append_printf (out, "%s\n", line);
          break;
        }
  return g_string_free (out, FALSE);
}

/* The lines of @a that @b does not have at the same place, for the log. */
static void
report_changes (const char *a, const char *b)
{
  g_auto (GStrv) la = g_strsplit (a, "\n", -1);
  g_auto (GStrv) lb = g_strsplit (b, "\n", -1);

  for (guint i = 0; la[i] != NULL && lb[i] != NULL; i++)
    if (!g_str_equal (la[i], lb[i]))
      {
        gsize at = 0;

        while (la[i][at] == lb[i][at])
          at++;
        at = at > 200 ? at - 200 : 0;
        g_printerr ("%.120s\nbefore: ...%.400s\nafter:  ...%.400s\n", la[i], la[i] + at,
                    lb[i] + at);
      }
}

static void
assert_tls_policy_hidden (const char *user_text)
{
  static const char *const derived[]
      = { "MinVersion", "CipherList", "CipherListError", "FipsMode", "FipsError" };
  g_auto (GStrv) lines = g_strsplit (user_text, "\n", -1);

  for (guint d = 0; d < G_N_ELEMENTS (derived); d++)
    {
      g_autofree char *key = g_strdup_printf ("'%s': <", derived[d]);
      g_autofree char *get = g_strdup_printf (
          "Properties.Get " PHONESEC_DBUS_INTERFACE_PREFIX "TlsPolicy.%s ", derived[d]);
      gboolean asked = FALSE;

      for (guint i = 0; lines[i] != NULL; i++)
        {
          const char *at = strstr (lines[i], get);

          if (strstr (lines[i], key) != NULL)
            g_error ("the phone's user saw TlsPolicy.%s: %.300s", derived[d], lines[i]);
          if (at == NULL)
            continue;
          asked = TRUE;
          if (!g_str_has_prefix (at + strlen (get),
                                 "ERROR " PHONESEC_DBUS_ERROR_PREFIX "PermissionDenied"))
            g_error ("the phone's user read TlsPolicy.%s: %.300s", derived[d], lines[i]);
        }
      g_assert_true (asked);
    }
}

static void
test_user_sees_no_hidden_switch (Fixture *f, gconstpointer data)
{
  g_autofree char *warm_up = NULL;
  g_autofree char *before = NULL;
  g_autofree char *user_text = NULL;
  g_autofree char *admin_text = NULL;
  g_autofree char *reads_before = NULL;
  g_autofree char *reads_after = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) heard = NULL;
  gsize offset;
  guint n;

  start_probe (f, USER);
  start_probe (f, ADMIN);
  wait_out (f, USER, "SUBSCRIBED", 1);
  wait_out (f, ADMIN, "SUBSCRIBED", 1);
  /* A first sweep for what the sweep itself changes (its problem
   * report), then the view before. */
  probe_command (f, USER, "sweep");
  wait_out (f, USER, "SWEPT", 1);
  g_usleep (G_USEC_PER_SEC);
  warm_up = read_out (f, USER);
  probe_command (f, USER, "sweep");
  wait_out (f, USER, "SWEPT", 2);
  before = read_out (f, USER);
  offset = strlen (before);

  n = set_switches (f);
  g_test_message ("%u hidden settings without free text changed", n);
  g_assert_cmpuint (n, >, 20);
  wait_daemon_running (f);
  /* A change the user may see, and back, last: once their signals are
   * in, every signal of the hidden changes would be too. */
  for (guint i = 0; i < 2; i++)
    {
      g_assert_cmpuint (phonesec_test_apply_strings (f->bus, &error, "Proxy_Port",
                                                     i == 0 ? "3130" : "3128", NULL),
                        !=, G_MAXUINT64);
      g_assert_no_error (error);
      wait_out (f, USER, "['Proxy_Port']", i + 1);
    }
  /* Heard by the admin (it has not swept yet: a signal). */
  wait_out (f, ADMIN, "'FipsMode': <true>", 1);
  /* One after the other: the admin's sweep makes a problem report. */
  probe_command (f, USER, "sweep");
  wait_out (f, USER, "SWEPT", 3);
  user_text = read_out (f, USER);
  probe_command (f, ADMIN, "sweep");
  wait_out (f, ADMIN, "SWEPT", 1);
  admin_text = read_out (f, ADMIN);

  /* The values are there to be seen: the admin reads and hears them. */
  g_assert_nonnull (strstr (admin_text, "'MinVersion': <'TLS 1.2'>"));
  g_assert_nonnull (strstr (admin_text, "TlsPolicy.FipsMode (<true>,)"));

  /* The user heard that the configuration changed (a new generation,
   * Config.Changed without names), never what changed. */
  heard = g_strsplit (user_text + offset, "\n", -1);
  for (guint i = 0; heard[i] != NULL; i++)
    {
      if (!g_str_has_prefix (heard[i], "SIGNAL"))
        continue;
      g_test_message ("user heard: %.300s", heard[i]);
      if (!heard_generation_only (heard[i]) && strstr (heard[i], "Proxy_Port") == NULL)
        g_error ("the phone's user heard of a hidden change: %.300s", heard[i]);
    }
  assert_tls_policy_hidden (user_text);

  /* Whatever the user reads is as it was before. */
  reads_before = sweep_reads (before + strlen (warm_up));
  reads_after = sweep_reads (user_text + offset);
  if (!g_str_equal (reads_before, reads_after))
    {
      report_changes (reads_before, reads_after);
      g_error ("the user's view changed with hidden settings");
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* The firewall plugin filters the network phonesecd runs in. */
  phonesec_test_enter_private_network ();
  g_test_add ("/hidden/user-sees-no-hidden-value", Fixture, NULL, setup,
              test_user_sees_no_hidden_value, teardown);
  g_test_add ("/hidden/user-sees-no-hidden-switch", Fixture, NULL, setup,
              test_user_sees_no_hidden_switch, teardown);
  return g_test_run ();
}
