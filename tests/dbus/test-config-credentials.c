/* test-config-credentials.c: credentials inside values (a URL's password, a rule's
 * --pwd and --key, a secret header value) never come back, as admin nor as
 * the phone's user (uid 65534): not in Get, Describe, ExportProfile, errors,
 * the daemon's log or any state file but the store; written back masked
 * they are kept, and never carried to another host.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "phonesec-test-bus.h"

#define CONFIG PHONESEC_DBUS_INTERFACE_CONFIG

/* One marker per kind of value; none may ever be read back. */
#define URL_PW "Mk-Url-7Q1"
#define PRT_PW "Mk-Prt-2W9"
#define UPG_PW "Mk-Upg-7Q4"
#define RULE_KEY "Mk-Key-4Z2"
#define RULE_PW "Mk-Pwd-8R3"
#define HEADER "Mk-Hdr-5T6"

static const char *const markers[] = { URL_PW, PRT_PW, UPG_PW, RULE_KEY, RULE_PW, HEADER, NULL };

typedef struct
{
  const char *name;
  const char *value;
  const char *masked;
} Case;

static const Case cases[] = {
  { "PAC_URL", "http://pac:" URL_PW "@127.0.0.1:9/p.pac", "http://pac:********@127.0.0.1:9/p.pac" },
  { "PRT_Upload_Rule", "https://prt:" PRT_PW "@up.example.com/prt/",
    "https://prt:********@up.example.com/prt/" },
  { "Profile_Rule", "--key " RULE_KEY " --uid u --pwd " RULE_PW " https://p.example.com/$PSN.xml",
    "--key ******** --uid u --pwd ******** https://p.example.com/$PSN.xml" },
  { "PRT_HTTP_Header_Value", HEADER, "********" },
  { "Upgrade_Rule",
    "[--key " RULE_KEY "] https://fw:" UPG_PW "@fw.example.com/sip88xx.12-1-1.loads",
    "[--key ********] https://fw:********@fw.example.com/sip88xx.12-1-1.loads" },
};

/* One phonesecd on a private bus (tests/common/phonesec-test-bus.h). */
typedef PhonesecTestDaemon Fixture;

static void
assert_no_marker (const char *text, const char *where)
{
  for (guint i = 0; markers[i] != NULL; i++)
    if (text != NULL && strstr (text, markers[i]) != NULL)
      g_error ("%s holds the credential %s:\n%s", where, markers[i], text);
}

static void
assert_variant_no_marker (GVariant *value, const char *where)
{
  g_autofree char *text = g_variant_print (value, FALSE);
  assert_no_marker (text, where);
}

static GVariant *
no_options (void)
{
  return g_variant_new ("a{sv}", NULL);
}

static GVariant *
apply_args (const char *name, const char *value)
{
  GVariantBuilder values;

  g_variant_builder_init (&values, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&values, "{sv}", name, g_variant_new_string (value));
  return g_variant_new ("(a{sv}@a{sv})", &values, no_options ());
}

static GVariant *
names_args (const char *name)
{
  const char *names[] = { name, NULL };
  return g_variant_new ("(^as)", names);
}

/* As admin, every credential stored, readable by the phone's user (ua=rw). */
static void
store_markers (Fixture *f)
{
  g_autoptr (GString) xml = g_string_new ("<flat-profile>\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *escaped = g_markup_escape_text (cases[i].value, -1);
      g_string_append_printf (xml, "<%s ua=\"rw\">%s</%s>\n", cases[i].name, escaped,
                              cases[i].name);
    }
  g_string_append (xml, "</flat-profile>\n");
  reply = phonesec_test_call (f->bus, CONFIG, "ImportProfile",
                              g_variant_new ("(s@a{sv})", xml->str, no_options ()), &error);
  g_assert_no_error (error);
}

static char *
stored_store (Fixture *f)
{
  g_autofree char *path = g_build_filename (f->bus->state_dir, "config.ini", NULL);
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  return contents;
}

/* Every credential is still in the store, as first written. */
static void
assert_store_keeps_markers (Fixture *f)
{
  g_autofree char *store = stored_store (f);

  for (guint i = 0; markers[i] != NULL; i++)
    if (strstr (store, markers[i]) == NULL)
      g_error ("the store lost %s:\n%s", markers[i], store);
}

/* Every file of the state folder but the store (logs, queue, crash
 * records), recursively. */
static void
assert_state_files_clean (const char *dir)
{
  g_autoptr (GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;

      if (g_str_equal (name, "config.ini"))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        assert_state_files_clean (path);
      else if (g_file_get_contents (path, &contents, NULL, NULL))
        assert_no_marker (contents, path);
    }
}

static void
test_admin_reads_credentials_masked (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) all = NULL;
  g_autoptr (GVariant) described = NULL;
  g_autoptr (GVariant) exported = NULL;
  g_autofree char *log = NULL;

  store_markers (f);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GVariant) value = phonesec_test_get (f->bus, cases[i].name);
      g_autoptr (GVariant) reply
          = phonesec_test_call (f->bus, CONFIG, "Describe", names_args (cases[i].name), &error);
      g_autoptr (GVariant) described_all = NULL;
      g_autoptr (GVariant) dict = NULL;
      gboolean has = FALSE;

      g_assert_cmpstr (g_variant_get_string (value, NULL), ==, cases[i].masked);
      g_assert_no_error (error);
      described_all = g_variant_get_child_value (reply, 0);
      dict = g_variant_lookup_value (described_all, cases[i].name, NULL);
      g_assert_true (g_variant_lookup (dict, "has-credentials", "b", &has));
      g_assert_true (has);
      assert_variant_no_marker (dict, "Describe");
    }
  all = phonesec_test_call (f->bus, CONFIG, "Get", names_args (NULL), &error);
  g_assert_no_error (error);
  assert_variant_no_marker (all, "Get of everything");
  described = phonesec_test_call (f->bus, CONFIG, "Describe", names_args (NULL), &error);
  g_assert_no_error (error);
  assert_variant_no_marker (described, "Describe of everything");
  exported = phonesec_test_call (f->bus, CONFIG, "ExportProfile",
                                 g_variant_new ("(@a{sv})", no_options ()), &error);
  g_assert_no_error (error);
  assert_variant_no_marker (exported, "ExportProfile");
  {
    g_autofree char *text = g_variant_print (exported, FALSE);
    g_assert_nonnull (strstr (text, "pac:********@"));
  }

  assert_store_keeps_markers (f);
  log = phonesec_test_bus_dup_log (f->bus);
  assert_no_marker (log, "the daemon's output");
  assert_state_files_clean (f->bus->state_dir);
}

/* The export imported back, and each masked value applied back (the web
 * UI's whole form), keep every stored credential. */
static void
test_masked_write_back_keeps_credentials (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) exported = NULL;
  g_autoptr (GVariant) reply = NULL;
  const char *xml;

  store_markers (f);
  exported = phonesec_test_call (f->bus, CONFIG, "ExportProfile",
                                 g_variant_new ("(@a{sv})", no_options ()), &error);
  g_assert_no_error (error);
  g_variant_get (exported, "(&s)", &xml);
  reply = phonesec_test_call (f->bus, CONFIG, "ImportProfile",
                              g_variant_new ("(s@a{sv})", xml, no_options ()), &error);
  g_assert_no_error (error);
  assert_store_keeps_markers (f);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_clear_pointer (&reply, g_variant_unref);
      reply = phonesec_test_call (f->bus, CONFIG, "Apply",
                                  apply_args (cases[i].name, cases[i].masked), &error);
      g_assert_no_error (error);
    }
  assert_store_keeps_markers (f);

  /* A new credential replaces; no user information removes. */
  g_clear_pointer (&reply, g_variant_unref);
  reply = phonesec_test_call (f->bus, CONFIG, "Apply",
                              apply_args ("PAC_URL", "http://127.0.0.1:9/p.pac"), &error);
  g_assert_no_error (error);
  {
    g_autofree char *store = stored_store (f);
    g_assert_null (strstr (store, URL_PW));
  }
}

/* A mask written with another host is refused, naming the parameter and
 * quoting no credential; nothing changes. So is a mask where nothing is
 * stored. */
static void
test_mask_with_another_host_is_refused (Fixture *f, gconstpointer data)
{
  static const Case moved[] = {
    { "PAC_URL", "http://pac:********@evil.example.com/p.pac" },
    { "PRT_Upload_Rule", "https://prt:********@up.example.com/other/" },
    { "Profile_Rule", "--key ******** --uid u --pwd ******** https://evil.example.com/p.xml" },
  };

  store_markers (f);
  for (guint i = 0; i < G_N_ELEMENTS (moved); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GVariant) reply = phonesec_test_call (
          f->bus, CONFIG, "Apply", apply_args (moved[i].name, moved[i].value), &error);
      g_autofree char *remote = NULL;

      g_assert_nonnull (error);
      remote = g_dbus_error_get_remote_error (error);
      g_assert_cmpstr (remote, ==, PHONESEC_DBUS_ERROR_PREFIX "InvalidValue");
      g_assert_nonnull (strstr (error->message, moved[i].name));
      g_assert_nonnull (strstr (error->message, "write the password"));
      assert_no_marker (error->message, "the refusal");
    }
  assert_store_keeps_markers (f);
}

/* Invalid writes whose error would echo the value: no credential in it. */
static void
test_errors_never_quote_credentials (Fixture *f, gconstpointer data)
{
  static const Case invalid[] = {
    { "Profile_Rule", "--key " RULE_KEY " --uid u --pwd " RULE_PW " https://h.example/p " RULE_PW },
    { "Profile_Rule", "--uid u --pwd " RULE_PW " --pwd=" RULE_PW " https://h.example/p" },
    { "PRT_Upload_Rule", "https://prt:" PRT_PW "@bad_host!/x" },
    { "PAC_URL", "gopher://pac:" URL_PW "@h.example/p" },
    { "PRT_HTTP_Header_Value", HEADER "\r\nX-Injected: 1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GVariant) reply = phonesec_test_call (
          f->bus, CONFIG, "Apply", apply_args (invalid[i].name, invalid[i].value), &error);
      g_autofree char *xml = g_strdup_printf ("<flat-profile><%s>%s</%s></flat-profile>",
                                              invalid[i].name, invalid[i].value, invalid[i].name);
      g_autoptr (GVariant) skipped = NULL;
      GVariantBuilder options;

      g_assert_nonnull (error);
      g_test_message ("%s: %s", invalid[i].name, error->message);
      assert_no_marker (error->message, "an Apply error");
      g_clear_error (&error);
      /* The lenient import reports it in its reply. */
      g_variant_builder_init (&options, G_VARIANT_TYPE ("a{sv}"));
      skipped = phonesec_test_call (f->bus, CONFIG, "ImportProfile",
                                    g_variant_new ("(sa{sv})", xml, &options), &error);
      if (skipped != NULL)
        assert_variant_no_marker (skipped, "ImportProfile's skipped list");
      else
        assert_no_marker (error->message, "an ImportProfile error");
    }
  {
    g_autofree char *log = phonesec_test_bus_dup_log (f->bus);
    assert_no_marker (log, "the daemon's output");
  }
  assert_state_files_clean (f->bus->state_dir);
}

/* The phone's user (uid 65534), allowed to read and write the parameters
 * (ua=rw), reads them masked, keeps them by writing back the mask, and is
 * refused a mask with another host. */
static void
test_user_reads_masked_and_writes_back (Fixture *f, gconstpointer data)
{
  store_markers (f);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *names[] = { cases[i].name, NULL };
      g_autoptr (GVariant) args = g_variant_ref_sink (g_variant_new ("(^as)", names));
      g_autofree char *get_text = g_variant_print (args, TRUE);
      g_autofree char *got = phonesec_test_call_as_nobody (f->bus, CONFIG, "Get", get_text);
      g_autofree char *described
          = phonesec_test_call_as_nobody (f->bus, CONFIG, "Describe", get_text);
      g_autoptr (GVariant) apply = g_variant_ref_sink (apply_args (cases[i].name, cases[i].masked));
      g_autofree char *apply_text = g_variant_print (apply, TRUE);
      g_autofree char *applied = phonesec_test_call_as_nobody (f->bus, CONFIG, "Apply", apply_text);

      g_assert_true (g_str_has_prefix (got, "OK "));
      g_assert_nonnull (strstr (got, cases[i].masked));
      assert_no_marker (got, "the user's Get");
      g_assert_true (g_str_has_prefix (described, "OK "));
      assert_no_marker (described, "the user's Describe");
      if (!g_str_has_prefix (applied, "OK "))
        g_error ("the user's masked write-back of %s failed: %s", cases[i].name, applied);
    }
  {
    g_autofree char *exported
        = phonesec_test_call_as_nobody (f->bus, CONFIG, "ExportProfile", "(@a{sv} {},)");
    g_autoptr (GVariant) moved = g_variant_ref_sink (
        apply_args ("PRT_Upload_Rule", "https://prt:********@evil.example.com/prt/"));
    g_autofree char *moved_text = g_variant_print (moved, TRUE);
    g_autofree char *refused = phonesec_test_call_as_nobody (f->bus, CONFIG, "Apply", moved_text);

    g_assert_true (g_str_has_prefix (exported, "OK "));
    assert_no_marker (exported, "the user's ExportProfile");
    g_assert_true (g_str_has_prefix (refused, "ERROR " PHONESEC_DBUS_ERROR_PREFIX "InvalidValue"));
    assert_no_marker (refused, "the user's refusal");
  }
  assert_store_keeps_markers (f);
  {
    g_autofree char *log = phonesec_test_bus_dup_log (f->bus);
    assert_no_marker (log, "the daemon's output");
  }
  assert_state_files_clean (f->bus->state_dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func)                                                                            \
  g_test_add (path, Fixture, NULL, phonesec_test_daemon_setup, func, phonesec_test_daemon_teardown)
  ADD ("/credentials/admin-reads-them-masked", test_admin_reads_credentials_masked);
  ADD ("/credentials/masked-write-back-keeps-them", test_masked_write_back_keeps_credentials);
  ADD ("/credentials/mask-with-another-host-is-refused", test_mask_with_another_host_is_refused);
  ADD ("/credentials/errors-never-quote-them", test_errors_never_quote_credentials);
  ADD ("/credentials/user-reads-masked-and-writes-back", test_user_reads_masked_and_writes_back);
  return g_test_run ();
}
