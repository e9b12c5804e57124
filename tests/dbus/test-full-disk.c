/* test-full-disk.c: phonesecd on a state folder with no free space.
 *
 * The state folder lives on a small tmpfs mounted in a mount namespace of
 * this test's own (root, as in CI): a first clean run fills it as a phone
 * would, then a filler file takes every free byte. The daemon must still
 * start, own its name and serve, say what it cannot do in
 * Manager.Warnings, refuse an Apply with a clear error that changes
 * nothing, and save again once there is room. The trust store's bundle is
 * derived data: not rewritten when up to date, kept when it could not be
 * updated but trusts nothing removed, and never left trusting a removed CA.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE /* unshare () */
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "phonesec-test-bus.h"
#include "phonesec-test-store.h"

#define BUS_NAME PHONESEC_DBUS_NAME
#define ROOT_PATH PHONESEC_DBUS_PATH
#define MANAGER PHONESEC_DBUS_INTERFACE_MANAGER
#define TLS_POLICY PHONESEC_DBUS_INTERFACE_TLS_POLICY
#define PRT_PATH ROOT_PATH "/plugins/prt_uploader"
#define METRICS_PATH ROOT_PATH "/plugins/webex_metrics"
#define PLUGIN PHONESEC_DBUS_INTERFACE_PLUGIN
/* The bundle of the system CAs (~220 KB), the log and the store fit. */
#define DISK_SIZE "size=1m"

typedef struct
{
  PhonesecTestBus *bus;
  char *disk;   /* the tmpfs */
  char *filler; /* on it, beside the state folder */
  char *store;
  char *bundle;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  f->bus = phonesec_test_bus_new ();
  f->disk = g_build_filename (f->bus->tmpdir, "disk", NULL);
  g_assert_no_errno (g_mkdir (f->disk, 0700));
  if (mount ("phonesec-test", f->disk, "tmpfs", MS_NOSUID | MS_NODEV, DISK_SIZE ",mode=0700") != 0)
    g_error ("mount -t tmpfs -o %s %s: %s", DISK_SIZE, f->disk, g_strerror (errno));
  f->filler = g_build_filename (f->disk, "filler", NULL);
  g_free (f->bus->state_dir);
  f->bus->state_dir = g_build_filename (f->disk, "state", NULL);
  f->store = g_build_filename (f->bus->state_dir, "config.ini", NULL);
  f->bundle = g_build_filename (f->bus->state_dir, "ca-bundle.pem", NULL);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  if (f->bus->daemon != NULL)
    phonesec_test_bus_kill_daemon (f->bus);
  umount2 (f->disk, MNT_DETACH);
  g_clear_pointer (&f->bus, phonesec_test_bus_free);
  g_free (f->disk);
  g_free (f->filler);
  g_free (f->store);
  g_free (f->bundle);
}

static guint64
free_bytes (Fixture *f)
{
  struct statvfs st;

  g_assert_no_errno (statvfs (f->disk, &st));
  return (guint64) st.f_bfree * st.f_frsize;
}

/* Appends to the filler until the disk refuses a single byte more. Called
 * again after the daemon started: what it freed (its log file, truncated
 * at start) is taken back. */
static void
fill_disk (Fixture *f)
{
  static const char block[4096];
  int fd = g_open (f->filler, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

  g_assert_cmpint (fd, >=, 0);
  while (write (fd, block, sizeof block) == sizeof block)
    ;
  while (write (fd, block, 1) == 1)
    ;
  g_assert_cmpint (errno, ==, ENOSPC);
  close (fd);
  g_assert_cmpuint (free_bytes (f), ==, 0);
}

/* Gives back @bytes of the filler. */
static void
make_room (Fixture *f, goffset bytes)
{
  GStatBuf st;

  g_assert_no_errno (g_stat (f->filler, &st));
  g_assert_no_errno (truncate (f->filler, st.st_size - bytes));
}

static void
free_disk (Fixture *f)
{
  g_assert_no_errno (g_unlink (f->filler));
}

/* Manager.Warnings joined by newlines (logged for whoever reads the test). */
static char *
dup_warnings (Fixture *f)
{
  g_autoptr (GVariant) value = phonesec_test_get_property (f->bus, ROOT_PATH, MANAGER, "Warnings");
  g_autofree const char **lines = g_variant_get_strv (value, NULL);
  char *text = g_strjoinv ("\n", (char **) lines);

  g_test_message ("Manager.Warnings: [%s]", text);
  return text;
}

static gboolean
name_owned (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = g_dbus_connection_call_sync (
      f->bus->connection, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
      "GetNameOwner", g_variant_new ("(s)", BUS_NAME), G_VARIANT_TYPE ("(s)"),
      G_DBUS_CALL_FLAGS_NONE, 5000, NULL, &error);

  return reply != NULL;
}

static void
assert_plugin_active (Fixture *f, const char *path)
{
  g_autofree char *state = phonesec_test_dup_string_property (f->bus, path, PLUGIN, "State");
  g_autofree char *error = phonesec_test_dup_string_property (f->bus, path, PLUGIN, "Error");

  if (g_strcmp0 (state, "active") != 0)
    g_error ("%s is %s on a full disk: %s", path, state, error);
}

/* No temp file of a failed write is left to eat what room comes back. */
static void
assert_no_temp_files (Fixture *f)
{
  g_autoptr (GDir) dir = g_dir_open (f->bus->state_dir, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "config.ini.") && !g_str_equal (name, "config.ini.prev"))
      g_error ("%s/%s was left by a failed write", f->bus->state_dir, name);
}

static void
test_full_disk_starts_serves_and_refuses_changes (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) store_before = NULL;
  g_autoptr (GBytes) store_after = NULL;
  g_autoptr (GBytes) bundle_before = NULL;
  g_autoptr (GBytes) bundle_after = NULL;
  g_autofree char *warnings = NULL;
  g_autofree char *remote = NULL;
  g_autofree char *host = NULL;
  g_autofree char *mode = NULL;

  /* A first, clean run: the phone as it is used. */
  phonesec_test_bus_add_plugin (f->bus, "PHONESEC_PRT_PLUGIN_DIR");
  phonesec_test_bus_add_plugin (f->bus, "PHONESEC_METRICS_PLUGIN_DIR");
  phonesec_test_bus_start_daemon (f->bus);
  phonesec_test_apply_strings (f->bus, &error, "Proxy_Mode", "Manual", "Proxy_Host",
                               "before.example.com", NULL);
  g_assert_no_error (error);
  phonesec_test_apply_strings (f->bus, &error, "Proxy_Port", "8080", NULL);
  g_assert_no_error (error);
  phonesec_test_bus_stop_daemon (f->bus);
  store_before = phonesec_test_read_bytes (f->store);
  bundle_before = phonesec_test_read_bytes (f->bundle);

  fill_disk (f);
  phonesec_test_bus_start_daemon (f->bus);
  g_assert_true (name_owned (f));
  host = phonesec_test_dup_string (f->bus, "Proxy_Host");
  g_assert_cmpstr (host, ==, "before.example.com");
  g_assert_cmpuint (phonesec_test_get_generation (f->bus), ==, 2);
  warnings = dup_warnings (f);
  g_assert_nonnull (strstr (warnings, f->bus->state_dir));
  g_assert_nonnull (strstr (warnings, "is full"));
  assert_plugin_active (f, PRT_PATH);
  assert_plugin_active (f, METRICS_PATH);
  /* Nothing derived was rewritten: it was up to date. */
  bundle_after = phonesec_test_read_bytes (f->bundle);
  g_assert_true (g_bytes_equal (bundle_after, bundle_before));

  /* A change cannot be saved: refused, in words, and nothing changes. */
  fill_disk (f);
  phonesec_test_apply_strings (f->bus, &error, "Proxy_Host", "after.example.com", NULL);
  g_assert_nonnull (error);
  g_assert_true (g_dbus_error_is_remote_error (error));
  remote = g_dbus_error_get_remote_error (error);
  g_test_message ("Apply on a full disk: %s: %s", remote, error->message);
  g_assert_cmpstr (remote, ==, PHONESEC_DBUS_ERROR_PREFIX "Failed");
  g_assert_nonnull (strstr (error->message, "Could not save the configuration"));
  g_assert_nonnull (strstr (error->message, "is full"));
  g_assert_nonnull (strstr (error->message, "nothing was changed"));
  g_clear_error (&error);
  g_clear_pointer (&host, g_free);
  host = phonesec_test_dup_string (f->bus, "Proxy_Host");
  g_assert_cmpstr (host, ==, "before.example.com");
  g_assert_cmpuint (phonesec_test_get_generation (f->bus), ==, 2);
  store_after = phonesec_test_read_bytes (f->store);
  g_assert_true (g_bytes_equal (store_after, store_before));
  assert_no_temp_files (f);

  /* Room again: the same change is saved, the warning goes. */
  free_disk (f);
  g_assert_cmpuint (
      phonesec_test_apply_strings (f->bus, &error, "Proxy_Host", "after.example.com", NULL), ==, 3);
  g_assert_no_error (error);
  g_clear_pointer (&warnings, g_free);
  warnings = dup_warnings (f);
  g_assert_null (strstr (warnings, "is full"));
  phonesec_test_bus_stop_daemon (f->bus);
  phonesec_test_bus_start_daemon (f->bus);
  g_clear_pointer (&host, g_free);
  host = phonesec_test_dup_string (f->bus, "Proxy_Host");
  mode = phonesec_test_dup_string (f->bus, "Proxy_Mode");
  g_assert_cmpstr (host, ==, "after.example.com");
  g_assert_cmpstr (mode, ==, "Manual");
}

/* --- the trust store's bundle --------------------------------------------- */

/* A CA of the test's own, made with openssl (as the TLS tests use it). */
static char *
make_ca (Fixture *f)
{
  g_autofree char *key = g_build_filename (f->bus->tmpdir, "ca.key", NULL);
  char *cert = g_build_filename (f->bus->tmpdir, "ca.pem", NULL);
  g_autoptr (GSubprocess) openssl = NULL;
  g_autoptr (GError) error = NULL;

  openssl = g_subprocess_new (
      G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error, "openssl",
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days",
      "2", "-subj", "/CN=phonesec full-disk test CA", "-addext",
      "basicConstraints=critical,CA:TRUE", "-keyout", key, "-out", cert, NULL);
  if (openssl == NULL)
    g_error ("openssl is needed to make a test CA: %s", error->message);
  g_subprocess_wait_check (openssl, NULL, &error);
  g_assert_no_error (error);
  return cert;
}

static gboolean
bundle_holds (Fixture *f, const char *pem_path)
{
  g_autoptr (GBytes) bundle = phonesec_test_read_bytes (f->bundle);
  g_autoptr (GBytes) pem = phonesec_test_read_bytes (pem_path);
  g_autofree char *text = g_strndup (g_bytes_get_data (bundle, NULL), g_bytes_get_size (bundle));
  g_autofree char *cert = g_strndup (g_bytes_get_data (pem, NULL), g_bytes_get_size (pem));

  return strstr (text, g_strstrip (cert)) != NULL;
}

/* A CA added (--ca-file) while the disk is full: the bundle cannot be
 * rewritten; the previous one stays (it trusts nothing removed) and the
 * admin is told. */
static void
test_full_disk_keeps_a_previous_bundle (Fixture *f, gconstpointer data)
{
  g_autofree char *ca = make_ca (f);
  g_autoptr (GBytes) bundle_before = NULL;
  g_autoptr (GBytes) bundle_after = NULL;
  g_autofree char *warnings = NULL;
  g_autoptr (GVariant) mode = NULL;

  phonesec_test_bus_start_daemon (f->bus);
  phonesec_test_bus_stop_daemon (f->bus);
  bundle_before = phonesec_test_read_bytes (f->bundle);

  fill_disk (f);
  g_ptr_array_add (f->bus->extra_args, g_strdup_printf ("--ca-file=%s", ca));
  phonesec_test_bus_start_daemon (f->bus);
  mode = phonesec_test_get (f->bus, "Proxy_Mode");
  warnings = dup_warnings (f);
  g_assert_nonnull (strstr (warnings, f->bundle));
  g_assert_nonnull (strstr (warnings, "could not be updated"));
  bundle_after = phonesec_test_read_bytes (f->bundle);
  g_assert_true (g_bytes_equal (bundle_after, bundle_before));
}

/* A CA removed (no more --ca-file) while the disk is full: the previous
 * bundle would still trust it, so it must not stay as it is. */
static void
test_full_disk_never_keeps_a_removed_ca (Fixture *f, gconstpointer data)
{
  g_autofree char *ca = make_ca (f);
  g_autofree char *warnings = NULL;
  g_autoptr (GVariant) mode = NULL;

  g_ptr_array_add (f->bus->extra_args, g_strdup_printf ("--ca-file=%s", ca));
  phonesec_test_bus_start_daemon (f->bus);
  phonesec_test_bus_stop_daemon (f->bus);
  g_assert_true (bundle_holds (f, ca));

  fill_disk (f);
  g_ptr_array_set_size (f->bus->extra_args, 0);
  phonesec_test_bus_start_daemon (f->bus);
  mode = phonesec_test_get (f->bus, "Proxy_Mode");
  warnings = dup_warnings (f);
  if (g_file_test (f->bundle, G_FILE_TEST_EXISTS))
    g_assert_false (bundle_holds (f, ca));
  else
    g_assert_nonnull (strstr (warnings, "could not be written"));
}

/* No bundle at all and no room to write one: the daemon serves and says
 * which clients cannot verify servers. */
static void
test_full_disk_without_bundle_says_so (Fixture *f, gconstpointer data)
{
  g_autofree char *warnings = NULL;
  g_autoptr (GVariant) mode = NULL;

  phonesec_test_bus_start_daemon (f->bus);
  phonesec_test_bus_stop_daemon (f->bus);
  g_assert_no_errno (g_unlink (f->bundle));

  fill_disk (f);
  phonesec_test_bus_start_daemon (f->bus);
  mode = phonesec_test_get (f->bus, "Proxy_Mode");
  g_assert_cmpstr (g_variant_get_string (mode, NULL), ==, "Off");
  warnings = dup_warnings (f);
  g_assert_nonnull (strstr (warnings, f->bundle));
  g_assert_nonnull (strstr (warnings, "could not be written"));
  g_assert_false (g_file_test (f->bundle, G_FILE_TEST_EXISTS));
}

static void
assert_add_ca_refused (Fixture *f, const char *ca, const char *pem)
{
  g_autofree char *trust_dir = g_build_filename (f->bus->state_dir, "trust", NULL);
  g_autofree char *remote = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;
  g_autoptr (GVariant) cas = NULL;
  g_autoptr (GDir) dir = NULL;

  reply
      = phonesec_test_call (f->bus, TLS_POLICY, "AddTrustedCA", g_variant_new ("(s)", pem), &error);
  g_assert_null (reply);
  remote = g_dbus_error_get_remote_error (error);
  g_test_message ("AddTrustedCA on a full disk: %s: %s", remote, error->message);
  g_assert_cmpstr (remote, ==, PHONESEC_DBUS_ERROR_PREFIX "Failed");
  g_assert_nonnull (strstr (error->message, "not added"));
  cas = phonesec_test_get_property (f->bus, ROOT_PATH, TLS_POLICY, "TrustedCAs");
  g_assert_cmpuint (g_variant_n_children (cas), ==, 0);
  dir = g_dir_open (trust_dir, 0, NULL);
  g_assert_nonnull (dir);
  g_assert_null (g_dir_read_name (dir));
  g_assert_false (bundle_holds (f, ca));
}

/* AddTrustedCA while full: refused in words, nothing half added (no PEM
 * in trust/, not listed, not trusted), whether its PEM file or the
 * bundle is what does not fit; accepted once there is room. */
static void
test_full_disk_add_ca_fails_cleanly (Fixture *f, gconstpointer data)
{
  g_autofree char *ca = make_ca (f);
  g_autofree char *pem = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GVariant) reply = NULL;

  g_assert_true (g_file_get_contents (ca, &pem, NULL, NULL));
  phonesec_test_bus_start_daemon (f->bus);
  fill_disk (f);
  assert_add_ca_refused (f, ca, pem);
  /* Room for the PEM file, not for a new 220 KB bundle. */
  make_room (f, 16 * 1024);
  assert_add_ca_refused (f, ca, pem);

  free_disk (f);
  reply
      = phonesec_test_call (f->bus, TLS_POLICY, "AddTrustedCA", g_variant_new ("(s)", pem), &error);
  g_assert_no_error (error);
  g_assert_true (bundle_holds (f, ca));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  /* Before any thread: unshare() refuses a multi-threaded process. The
   * tmpfs mounts stay in this namespace; the bus and the daemon, our
   * children, see them. */
  if (geteuid () != 0)
    {
      if (g_strcmp0 (g_getenv ("CI"), "true") == 0)
        g_error ("CI runs as root; test-full-disk needs it to mount a tmpfs");
      g_test_message ("test-full-disk needs root (a tmpfs in a mount namespace): skipped");
      return 77;
    }
  if (unshare (CLONE_NEWNS) != 0)
    g_error ("unshare(CLONE_NEWNS): %s", g_strerror (errno));
  /* "none", not NULL: valgrind checks the strings mount(2) ignores here. */
  if (mount ("none", "/", "none", MS_REC | MS_PRIVATE, NULL) != 0)
    g_error ("making / private: %s", g_strerror (errno));

#define ADD(path, func) g_test_add (path, Fixture, NULL, setup, func, teardown)
  ADD ("/full-disk/starts-serves-refuses-changes",
       test_full_disk_starts_serves_and_refuses_changes);
  ADD ("/full-disk/trust/keeps-previous-bundle", test_full_disk_keeps_a_previous_bundle);
  ADD ("/full-disk/trust/never-keeps-a-removed-ca", test_full_disk_never_keeps_a_removed_ca);
  ADD ("/full-disk/trust/no-bundle-says-so", test_full_disk_without_bundle_says_so);
  ADD ("/full-disk/trust/add-ca-fails-cleanly", test_full_disk_add_ca_fails_cleanly);
  return g_test_run ();
}
