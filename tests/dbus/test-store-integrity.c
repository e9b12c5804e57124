/* test-store-integrity.c: a damaged store file, as the admin meets it.
 *
 * The daemon is stopped, its config.ini cut short (as a failing flash or a
 * tool writing it in place would leave it), and started again: it must say
 * so in Manager.StoreError, keep the damaged file as config.ini.corrupt,
 * and serve the previous generation — never a value cut in half.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gstdio.h>
#include <unistd.h>

#include "phonesec-test-bus.h"

#define ROOT_PATH PHONESEC_DBUS_PATH
#define MANAGER PHONESEC_DBUS_INTERFACE_MANAGER

typedef struct
{
  PhonesecTestBus *bus;
  char *store;
  char *corrupt;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  f->bus = phonesec_test_bus_new ();
  f->store = g_build_filename (f->bus->state_dir, "config.ini", NULL);
  f->corrupt = g_build_filename (f->bus->state_dir, "config.ini.corrupt", NULL);
  phonesec_test_bus_start_daemon (f->bus);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->bus, phonesec_test_bus_free);
  g_free (f->store);
  g_free (f->corrupt);
}

static void
apply (Fixture *f, guint64 expected_generation, const char *mode, const char *host,
       const char *port)
{
  g_autoptr (GError) error = NULL;
  guint64 generation = phonesec_test_apply_strings (f->bus, &error, "Proxy_Mode", mode,
                                                    "Proxy_Host", host, "Proxy_Port", port, NULL);

  g_assert_no_error (error);
  g_assert_cmpuint (generation, ==, expected_generation);
}

static guint32
get_port (Fixture *f)
{
  g_autoptr (GVariant) value = phonesec_test_get (f->bus, "Proxy_Port");

  return g_variant_get_uint32 (value);
}

/* Stops the daemon and cuts its store in the middle of @value; returns the
 * length left. */
static gsize
cut_store_inside (Fixture *f, const char *value)
{
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  const char *at;
  gsize cut;

  phonesec_test_bus_stop_daemon (f->bus);
  g_file_get_contents (f->store, &contents, NULL, &error);
  g_assert_no_error (error);
  at = strstr (contents, value);
  g_assert_nonnull (at);
  cut = (at - contents) + strlen (value) / 2;
  g_assert_no_errno (truncate (f->store, cut));
  return cut;
}

static void
assert_corrupt_kept (Fixture *f, gsize size)
{
  GStatBuf st;

  g_assert_no_errno (g_stat (f->corrupt, &st));
  g_assert_cmpuint (st.st_size, ==, size);
}

static void
test_truncated_store_starts_on_the_previous_generation (Fixture *f, gconstpointer data)
{
  g_autofree char *store_error = NULL;
  g_autofree char *host = NULL;
  g_autofree char *mode = NULL;
  gsize cut;

  apply (f, 1, "Manual", "first.example.com", "8080");
  apply (f, 2, "Auto", "second.example.com", "8081");
  cut = cut_store_inside (f, "second.example.com");

  phonesec_test_bus_start_daemon (f->bus);
  store_error = phonesec_test_dup_string_property (f->bus, ROOT_PATH, MANAGER, "StoreError");
  g_test_message ("StoreError: %s", store_error);
  g_assert_nonnull (strstr (store_error, "was cut short"));
  g_assert_nonnull (strstr (store_error, f->corrupt));
  g_assert_nonnull (strstr (store_error, "previous generation"));
  g_assert_nonnull (strstr (store_error, "(generation 1)"));
  host = phonesec_test_dup_string (f->bus, "Proxy_Host");
  mode = phonesec_test_dup_string (f->bus, "Proxy_Mode");
  g_assert_cmpstr (host, ==, "first.example.com");
  g_assert_cmpstr (mode, ==, "Manual");
  g_assert_cmpuint (get_port (f), ==, 8080);
  g_assert_cmpuint (phonesec_test_get_generation (f->bus), ==, 1);
  assert_corrupt_kept (f, cut);

  /* The store works on from there; the next start is clean. */
  apply (f, 2, "Auto", "third.example.com", "8082");
  phonesec_test_bus_stop_daemon (f->bus);
  phonesec_test_bus_start_daemon (f->bus);
  g_clear_pointer (&store_error, g_free);
  store_error = phonesec_test_dup_string_property (f->bus, ROOT_PATH, MANAGER, "StoreError");
  g_assert_cmpstr (store_error, ==, "");
  g_assert_cmpuint (get_port (f), ==, 8082);
}

static void
test_truncated_store_without_previous_starts_on_defaults (Fixture *f, gconstpointer data)
{
  g_autofree char *store_error = NULL;
  g_autofree char *host = NULL;
  gsize cut;

  apply (f, 1, "Manual", "first.example.com", "8080");
  cut = cut_store_inside (f, "first.example.com");

  phonesec_test_bus_start_daemon (f->bus);
  store_error = phonesec_test_dup_string_property (f->bus, ROOT_PATH, MANAGER, "StoreError");
  g_test_message ("StoreError: %s", store_error);
  g_assert_nonnull (strstr (store_error, f->corrupt));
  g_assert_nonnull (strstr (store_error, "default settings"));
  host = phonesec_test_dup_string (f->bus, "Proxy_Host");
  g_assert_cmpstr (host, ==, "");
  g_assert_cmpuint (get_port (f), ==, 3128);
  g_assert_cmpuint (phonesec_test_get_generation (f->bus), ==, 0);
  assert_corrupt_kept (f, cut);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/store/integrity/truncated-previous-generation", Fixture, NULL, setup,
              test_truncated_store_starts_on_the_previous_generation, teardown);
  g_test_add ("/store/integrity/truncated-no-previous", Fixture, NULL, setup,
              test_truncated_store_without_previous_starts_on_defaults, teardown);
  return g_test_run ();
}
