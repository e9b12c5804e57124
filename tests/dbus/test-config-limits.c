/* test-config-limits.c: bounds of the Config methods (names per call,
 * duplicates, ImportProfile size), the daemon staying responsive and its
 * memory coming back while the largest calls run, and error messages that
 * stay short and one line per problem whatever names the caller sends.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "phonesec-test-bus.h"

#define CONFIG PHONESEC_DBUS_INTERFACE_CONFIG
#define MAX_NAMES 4096
#define IMPORT_MAX_ELEMENTS 5000
#define IMPORT_MAX_BYTES (512 * 1024)
#define CALL_TIMEOUT_MS 60000

/* One phonesecd on a private bus (tests/common/phonesec-test-bus.h). */
typedef PhonesecTestDaemon Fixture;

/* For the memory test: under AddressSanitizer, freed memory waits in a
 * 256 MiB quarantine before reuse, which would read as growth. */
static void
setup_small_quarantine (Fixture *f, gconstpointer data)
{
  const char *asan = g_getenv ("ASAN_OPTIONS");

  if (asan != NULL)
    {
      g_autofree char *options = g_strconcat (asan, ":quarantine_size_mb=1", NULL);
      g_setenv ("ASAN_OPTIONS", options, TRUE);
    }
  phonesec_test_daemon_setup (f, data);
}

static GVariant *
call (Fixture *f, const char *method, GVariant *args, GError **error)
{
  return g_dbus_connection_call_sync (f->bus->connection, PHONESEC_DBUS_NAME, PHONESEC_DBUS_PATH,
                                      CONFIG, method, args, NULL, G_DBUS_CALL_FLAGS_NONE,
                                      CALL_TIMEOUT_MS, NULL, error);
}

static void
assert_invalid_value (GError *error)
{
  g_autofree char *remote = NULL;

  g_assert_nonnull (error);
  remote = g_dbus_error_get_remote_error (error);
  g_assert_cmpstr (remote, ==, PHONESEC_DBUS_ERROR_PREFIX "InvalidValue");
}

/* @n names cycling through every parameter (so many duplicates). */
static char **
many_names (Fixture *f, guint n)
{
  g_autoptr (GError) error = NULL;
  const char *none[] = { NULL };
  g_autoptr (GVariant) all = call (f, "Get", g_variant_new ("(^as)", none), &error);
  g_autoptr (GVariant) dict = NULL;
  g_autoptr (GPtrArray) known = g_ptr_array_new_with_free_func (g_free);
  GStrvBuilder *builder = g_strv_builder_new ();
  GVariantIter iter;
  const char *name;
  char **names;

  g_assert_no_error (error);
  dict = g_variant_get_child_value (all, 0);
  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_next (&iter, "{&sv}", &name, NULL))
    g_ptr_array_add (known, g_strdup (name));
  for (guint i = 0; i < n; i++)
    g_strv_builder_add (builder, known->pdata[i % known->len]);
  names = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return names;
}

static GVariant *
many_values (guint n)
{
  GVariantBuilder builder;

  /* Writable without side effects, and the same value each time. */
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{sv}"));
  for (guint i = 0; i < n; i++)
    g_variant_builder_add (&builder, "{sv}", i % 2 ? "Proxy_Port" : "PRT_Name",
                           g_variant_new_string (i % 2 ? "3128" : "prt-$MA"));
  return g_variant_builder_end (&builder);
}

/* A profile of @elements parameters (one known, the rest unknown) padded
 * with a comment to @bytes. */
static char *
big_profile (guint elements, gsize bytes)
{
  GString *xml = g_string_new ("<flat-profile>\n<Proxy_Port>3128</Proxy_Port>\n");

  for (guint i = 1; i < elements; i++)
    g_string_append_printf (xml, "<Other_Feature_%u_>x</Other_Feature_%u_>\n", i, i);
  if (xml->len + 32 < bytes)
    {
      g_string_append (xml, "<!-- ");
      while (xml->len + 21 < bytes)
        g_string_append_c (xml, 'p');
      g_string_append (xml, " -->\n");
    }
  g_string_append (xml, "</flat-profile>\n");
  return g_string_free (xml, FALSE);
}

static GVariant *
no_options (void)
{
  return g_variant_new ("a{sv}", NULL);
}

/* --- bounds and duplicates -------------------------------------------------- */

static void
test_names_per_call_are_bounded (Fixture *f, gconstpointer data)
{
  g_auto (GStrv) too_many = many_names (f, MAX_NAMES + 1);
  g_auto (GStrv) most = many_names (f, MAX_NAMES);
  const char *const methods[] = { "Get", "Describe", "Reset" };

  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GVariant) reply = NULL;
      GVariant *args = g_str_equal (methods[i], "Reset")
                           ? g_variant_new ("(^as@a{sv})", too_many, no_options ())
                           : g_variant_new ("(^as)", too_many);

      reply = call (f, methods[i], args, &error);
      assert_invalid_value (error);
      g_assert_nonnull (strstr (error->message, "4096"));
      g_clear_error (&error);

      args = g_str_equal (methods[i], "Reset") ? g_variant_new ("(^as@a{sv})", most, no_options ())
                                               : g_variant_new ("(^as)", most);
      g_clear_pointer (&reply, g_variant_unref);
      reply = call (f, methods[i], args, &error);
      g_assert_no_error (error);
    }
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GVariant) reply = call (
        f, "Apply", g_variant_new ("(@a{sv}@a{sv})", many_values (MAX_NAMES + 1), no_options ()),
        &error);

    assert_invalid_value (error);
    g_assert_nonnull (strstr (error->message, "4096"));
  }
}

static void
test_duplicate_names_are_answered_once (Fixture *f, gconstpointer data)
{
  const char *names[]
      = { "Proxy_Mode", "Proxy_Mode", "Auth_Support_RFC8760_1_", "Auth_Support_RFC8760", NULL };
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) got = call (f, "Get", g_variant_new ("(^as)", names), &error);
  g_autoptr (GVariant) described = NULL;
  g_autoptr (GVariant) dict = NULL;

  g_assert_no_error (error);
  dict = g_variant_get_child_value (got, 0);
  g_assert_cmpuint (g_variant_n_children (dict), ==, 2);
  described = call (f, "Describe", g_variant_new ("(^as)", names), &error);
  g_assert_no_error (error);
  g_clear_pointer (&dict, g_variant_unref);
  dict = g_variant_get_child_value (described, 0);
  g_assert_cmpuint (g_variant_n_children (dict), ==, 2);
}

static void
test_apply_refuses_two_values_for_one_name (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  GVariantBuilder values;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) port = NULL;

  g_variant_builder_init (&values, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&values, "{sv}", "Proxy_Port", g_variant_new_string ("3128"));
  g_variant_builder_add (&values, "{sv}", "PRT_Name", g_variant_new_string ("a"));
  g_variant_builder_add (&values, "{sv}", "Proxy_Port", g_variant_new_string ("8080"));
  reply = call (f, "Apply", g_variant_new ("(a{sv}@a{sv})", &values, no_options ()), &error);
  assert_invalid_value (error);
  g_assert_nonnull (strstr (error->message, "Proxy_Port"));
  g_assert_nonnull (strstr (error->message, "twice"));
  port = phonesec_test_get (f->bus, "Proxy_Port");
  g_assert_cmpuint (g_variant_get_uint32 (port), !=, 8080);
  g_clear_error (&error);

  /* The same value twice (also through an alias) is applied once. (Not
   * TLS_Min_Version: a TLS change restarts the network service.) */
  g_variant_builder_init (&values, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&values, "{sv}", "Auth_Support_RFC8760_1_", g_variant_new_string ("Yes"));
  g_variant_builder_add (&values, "{sv}", "Auth_Support_RFC8760", g_variant_new_string ("Yes"));
  g_clear_pointer (&reply, g_variant_unref);
  reply = call (f, "Apply", g_variant_new ("(a{sv}@a{sv})", &values, no_options ()), &error);
  g_assert_no_error (error);
}

static void
test_import_is_bounded (Fixture *f, gconstpointer data)
{
  g_autofree char *too_big = big_profile (10, IMPORT_MAX_BYTES + 1);
  g_autofree char *too_many = big_profile (IMPORT_MAX_ELEMENTS + 1, 0);
  g_autofree char *largest = big_profile (IMPORT_MAX_ELEMENTS, IMPORT_MAX_BYTES);
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;

  g_assert_cmpuint (strlen (largest), <=, IMPORT_MAX_BYTES);
  reply = call (f, "ImportProfile", g_variant_new ("(s@a{sv})", too_big, no_options ()), &error);
  assert_invalid_value (error);
  g_assert_nonnull (strstr (error->message, "bytes"));
  g_clear_error (&error);
  reply = call (f, "ImportProfile", g_variant_new ("(s@a{sv})", too_many, no_options ()), &error);
  assert_invalid_value (error);
  g_assert_nonnull (strstr (error->message, "5000"));
  g_clear_error (&error);
  reply = call (f, "ImportProfile", g_variant_new ("(s@a{sv})", largest, no_options ()), &error);
  g_assert_no_error (error);
}

/* --- responsiveness and memory ------------------------------------------------ */

typedef struct
{
  char *address;
  gint stop;
  gint64 worst_us;
  guint probes;
} Prober;

/* Another client: Config.Get of one name, again and again, on its own
 * connection and thread, until told to stop. */
static gpointer
probe_thread (gpointer data)
{
  Prober *p = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GDBusConnection) connection = g_dbus_connection_new_for_address_sync (
      p->address,
      G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
          | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
      NULL, NULL, &error);
  const char *names[] = { "Proxy_Mode", NULL };

  g_assert_no_error (error);
  while (!g_atomic_int_get (&p->stop))
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr (GVariant) reply = g_dbus_connection_call_sync (
          connection, PHONESEC_DBUS_NAME, PHONESEC_DBUS_PATH, CONFIG, "Get",
          g_variant_new ("(^as)", names), NULL, G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);

      g_assert_no_error (error);
      p->worst_us = MAX (p->worst_us, g_get_monotonic_time () - start);
      p->probes++;
      g_usleep (5000);
    }
  return NULL;
}

static gint64
latency_limit_us (void)
{
  /* Sanitizers slow the daemon down about threefold, valgrind tenfold. */
  if (g_getenv ("PHONESEC_DAEMON_WRAPPER") != NULL)
    return 1000 * 1000;
  if (g_getenv ("ASAN_OPTIONS") != NULL)
    return 300 * 1000;
  return 100 * 1000;
}

/* The largest allowed call of each method, as the first client. */
static void
largest_call (Fixture *f, guint which)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_auto (GStrv) names = which <= 1 || which == 3 ? many_names (f, MAX_NAMES) : NULL;
  g_autofree char *xml = which == 4 ? big_profile (IMPORT_MAX_ELEMENTS, IMPORT_MAX_BYTES) : NULL;

  switch (which)
    {
      case 0:
        reply = call (f, "Get", g_variant_new ("(^as)", names), &error);
        break;
      case 1:
        reply = call (f, "Describe", g_variant_new ("(^as)", names), &error);
        break;
      case 2:
        reply = call (f, "Apply",
                      g_variant_new ("(@a{sv}@a{sv})", many_values (MAX_NAMES), no_options ()),
                      &error);
        break;
      case 3:
        reply = call (f, "Reset", g_variant_new ("(^as@a{sv})", names, no_options ()), &error);
        break;
      default:
        reply = call (f, "ImportProfile", g_variant_new ("(s@a{sv})", xml, no_options ()), &error);
        break;
    }
  g_assert_no_error (error);
}

static const char *const method_names[] = { "Get", "Describe", "Apply", "Reset", "ImportProfile" };

static void
test_get_stays_fast_during_largest_calls (Fixture *f, gconstpointer data)
{
  for (guint which = 0; which < G_N_ELEMENTS (method_names); which++)
    {
      Prober p = { .address = f->bus->address };
      GThread *thread;

      thread = g_thread_new ("probe", probe_thread, &p);
      /* Let the prober connect before the big call starts. */
      while (g_atomic_int_get ((gint *) &p.probes) == 0)
        g_usleep (1000);
      for (guint round = 0; round < 5; round++)
        largest_call (f, which);
      g_atomic_int_set (&p.stop, 1);
      g_thread_join (thread);
      g_test_message ("%s ×5: %u Config.Get probes meanwhile, slowest %" G_GINT64_FORMAT " µs",
                      method_names[which], p.probes, p.worst_us);
      g_assert_cmpuint (p.probes, >=, 2);
      g_assert_cmpint (p.worst_us, <, latency_limit_us ());
    }
}

static guint64
daemon_rss_kib (Fixture *f)
{
  g_autofree char *path
      = g_strdup_printf ("/proc/%s/status", g_subprocess_get_identifier (f->bus->daemon));
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents (path, &status, NULL, NULL));
  line = strstr (status, "VmRSS:");
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + 6, NULL, 10);
}

static void
test_memory_returns_after_largest_calls (Fixture *f, gconstpointer data)
{
  guint64 baseline, after;

  /* Warm up: first-use allocations (type info, caches) are not a leak. */
  for (guint which = 0; which < G_N_ELEMENTS (method_names); which++)
    largest_call (f, which);
  baseline = daemon_rss_kib (f);
  for (guint i = 0; i < 100; i++)
    largest_call (f, i % G_N_ELEMENTS (method_names));
  after = daemon_rss_kib (f);
  g_test_message ("phonesecd RSS: %" G_GUINT64_FORMAT " KiB before, %" G_GUINT64_FORMAT
                  " KiB after 100 largest calls",
                  baseline, after);
  g_assert_cmpuint (after, <, baseline + 8 * 1024);
}

/* --- error messages ----------------------------------------------------------- */

#define FORGED "Bad_Name\nProxy_Port: forged"

/* Every line of @message is short; none is the forged one. */
static void
assert_message_bounded (const char *message, guint max_lines)
{
  g_auto (GStrv) lines = g_strsplit (message, "\n", -1);

  g_assert_cmpuint (strlen (message), <, 2048);
  g_assert_cmpuint (g_strv_length (lines), <=, max_lines);
  for (guint i = 0; lines[i] != NULL; i++)
    g_assert_false (g_str_has_prefix (lines[i], "Proxy_Port"));
}

static void
assert_bounded_error (Fixture *f, const char *method, GVariant *args, guint max_lines)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = call (f, method, args, &error);

  g_assert_nonnull (error);
  g_test_message ("%s: %zu bytes: %s", method, strlen (error->message), error->message);
  assert_message_bounded (error->message, max_lines);
}

static void
test_errors_quote_names_bounded_on_one_line (Fixture *f, gconstpointer data)
{
  g_autofree char *huge = g_strnfill (16 * 1024 * 1024, 'N');
  const char *const bad_names[] = { huge, FORGED };

  for (guint i = 0; i < G_N_ELEMENTS (bad_names); i++)
    {
      const char *names[] = { bad_names[i], NULL };
      GVariantBuilder values, options;

      assert_bounded_error (f, "Get", g_variant_new ("(^as)", names), 1);
      assert_bounded_error (f, "Describe", g_variant_new ("(^as)", names), 1);
      assert_bounded_error (f, "Reset", g_variant_new ("(^as@a{sv})", names, no_options ()), 1);
      g_variant_builder_init (&values, G_VARIANT_TYPE ("a{sv}"));
      g_variant_builder_add (&values, "{sv}", bad_names[i], g_variant_new_string ("x"));
      assert_bounded_error (f, "Apply", g_variant_new ("(a{sv}@a{sv})", &values, no_options ()), 1);
      /* A bad value quoted back: bounded too. */
      g_variant_builder_init (&values, G_VARIANT_TYPE ("a{sv}"));
      g_variant_builder_add (&values, "{sv}", "Proxy_Mode", g_variant_new_string (bad_names[i]));
      assert_bounded_error (f, "Apply", g_variant_new ("(a{sv}@a{sv})", &values, no_options ()), 1);
      /* Option names, in every method that takes options. */
      g_variant_builder_init (&options, G_VARIANT_TYPE ("a{sv}"));
      g_variant_builder_add (&options, "{sv}", bad_names[i], g_variant_new_boolean (TRUE));
      assert_bounded_error (f, "ExportProfile", g_variant_new ("(a{sv})", &options), 1);
      g_variant_builder_init (&options, G_VARIANT_TYPE ("a{sv}"));
      g_variant_builder_add (&options, "{sv}", bad_names[i], g_variant_new_boolean (TRUE));
      assert_bounded_error (f, "ImportProfile",
                            g_variant_new ("(sa{sv})", "<flat-profile/>", &options), 1);
    }
  {
    /* ImportProfile: a 200 KiB element name is reported in a few words. */
    g_autofree char *long_name = g_strnfill (200 * 1024, 'E');
    g_autofree char *xml
        = g_strdup_printf ("<flat-profile><%s>1</%s></flat-profile>", long_name, long_name);
    g_autoptr (GError) error = NULL;
    g_autoptr (GVariant) reply
        = call (f, "ImportProfile", g_variant_new ("(s@a{sv})", xml, no_options ()), &error);
    g_autoptr (GVariant) skipped = NULL;
    GVariantIter iter;
    const char *key, *reason;

    g_assert_no_error (error);
    skipped = g_variant_get_child_value (reply, 1);
    g_variant_iter_init (&iter, skipped);
    while (g_variant_iter_next (&iter, "{&s&s}", &key, &reason))
      g_assert_cmpuint (strlen (key) + strlen (reason), <, 512);
  }
}

/* 5000 unknown names: one error, a few dozen lines. */
static void
test_many_unknown_names_make_a_short_error (Fixture *f, gconstpointer data)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  g_auto (GStrv) names = NULL;
  GVariantBuilder values;

  g_variant_builder_init (&values, G_VARIANT_TYPE ("a{sv}"));
  for (guint i = 0; i < MAX_NAMES; i++)
    {
      g_autofree char *name = g_strdup_printf ("Unknown_%u_", i);
      g_strv_builder_add (builder, name);
      g_variant_builder_add (&values, "{sv}", name, g_variant_new_string ("1"));
    }
  names = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  assert_bounded_error (f, "Get", g_variant_new ("(^as)", names), 64);
  assert_bounded_error (f, "Describe", g_variant_new ("(^as)", names), 64);
  assert_bounded_error (f, "Reset", g_variant_new ("(^as@a{sv})", names, no_options ()), 64);
  assert_bounded_error (f, "Apply", g_variant_new ("(a{sv}@a{sv})", &values, no_options ()), 64);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func)                                                                            \
  g_test_add (path, Fixture, NULL, phonesec_test_daemon_setup, func, phonesec_test_daemon_teardown)
  ADD ("/config-limits/names-per-call-are-bounded", test_names_per_call_are_bounded);
  ADD ("/config-limits/duplicate-names-are-answered-once", test_duplicate_names_are_answered_once);
  ADD ("/config-limits/apply-refuses-two-values-for-one-name",
       test_apply_refuses_two_values_for_one_name);
  ADD ("/config-limits/import-is-bounded", test_import_is_bounded);
  ADD ("/config-limits/get-stays-fast-during-largest-calls",
       test_get_stays_fast_during_largest_calls);
  g_test_add ("/config-limits/memory-returns-after-largest-calls", Fixture, NULL,
              setup_small_quarantine, test_memory_returns_after_largest_calls,
              phonesec_test_daemon_teardown);
  ADD ("/config-errors/names-quoted-bounded-on-one-line",
       test_errors_quote_names_bounded_on_one_line);
  ADD ("/config-errors/many-unknown-names-make-a-short-error",
       test_many_unknown_names_make_a_short_error);
  return g_test_run ();
}
