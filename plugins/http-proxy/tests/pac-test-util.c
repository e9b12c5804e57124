/* pac-test-util.c: see pac-test-util.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "pac-test-util.h"
#include "phonesec-http-private.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

void
pac_test_require_program (const char *program, const char *package)
{
  g_autofree char *path = g_find_program_in_path (program);

  if (path == NULL)
    g_error ("%s is not installed: these tests run real peers; install %s", program, package);
}

char *
pac_test_make_dir (const char *template_name)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp (template_name, &error);

  g_assert_no_error (error);
  /* tftpd drops to nobody: it must read the files inside. */
  g_assert_cmpint (g_chmod (dir, 0755), ==, 0);
  return dir;
}

void
pac_test_rm_rf (const char *path)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;

  if (path == NULL)
    return;
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        pac_test_rm_rf (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
die_with_test (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () != GPOINTER_TO_INT (user_data))
    _exit (1);
}

GSubprocess *
pac_test_spawn (const char *const *argv, const char *log_path)
{
  g_autoptr (GSubprocessLauncher) launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr (GError) error = NULL;
  GSubprocess *process;
  int fd = g_open (log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

  g_assert_cmpint (fd, >=, 0);
  g_subprocess_launcher_take_stdout_fd (launcher, fd);
  g_subprocess_launcher_set_child_setup (launcher, die_with_test, GINT_TO_POINTER (getpid ()),
                                         NULL);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  return process;
}

void
pac_test_kill (GSubprocess *process)
{
  if (process == NULL)
    return;
  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, NULL);
}

void
pac_test_write_file (const char *path, const void *data, gsize len)
{
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
}

GBytes *
pac_test_make_script (gsize len, guint seed)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789 ;(){}\"\n";
  guint8 *data = g_malloc (len + 1);

  for (gsize i = 0; i < len; i++)
    data[i] = alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];
  return g_bytes_new_take (data, len);
}

static gboolean
settled (PhonesecPacSource *source)
{
  const char *state = phonesec_pac_source_get_state (source);

  return g_strcmp0 (state, "ready") == 0 || g_strcmp0 (state, "error") == 0;
}

static gboolean
on_deadline (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

void
pac_test_wait_settled (PhonesecPacSource *source, guint timeout_ms)
{
  gboolean expired = FALSE;
  guint id = g_timeout_add (timeout_ms, on_deadline, &expired);

  while (!settled (source) && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (expired)
    g_error ("the PAC source did not settle within %u ms (state %s)", timeout_ms,
             phonesec_pac_source_get_state (source));
  g_source_remove (id);
}

static void
count_changed (PhonesecPacSource *source, gpointer user_data)
{
  (*(guint *) user_data)++;
}

void
pac_test_wait_changed (PhonesecPacSource *source, guint n, guint timeout_ms)
{
  gboolean expired = FALSE;
  guint seen = 0;
  gulong handler = g_signal_connect (source, "changed", G_CALLBACK (count_changed), &seen);
  guint id = g_timeout_add (timeout_ms, on_deadline, &expired);

  while (seen < n && !expired)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (source, handler);
  if (expired)
    g_error ("\"changed\" came %u times, not %u, within %u ms", seen, n, timeout_ms);
  g_source_remove (id);
}

static void
on_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

GBytes *
pac_test_fetch (PhonesecHttpClient *session, const char *url,
                const PhonesecPacFetchOptions *options, GError **error)
{
  GAsyncResult *result = NULL;
  GBytes *bytes;

  phonesec_pac_fetch_async (session, url, options, NULL, on_result, &result);
  bytes = phonesec_pac_fetch_finish (wait_result (&result), error);
  g_object_unref (result);
  return bytes;
}

GBytes *
pac_test_tftp (const char *host, guint16 port, const char *file, const PhonesecTftpOptions *options,
               GError **error)
{
  GAsyncResult *result = NULL;
  GBytes *bytes;

  phonesec_tftp_fetch_async (host, port, file, options, NULL, on_result, &result);
  bytes = phonesec_tftp_fetch_finish (wait_result (&result), error);
  g_object_unref (result);
  return bytes;
}

PhonesecHttpClient *
pac_test_client_new (const char *ca_file)
{
  g_autoptr (GError) error = NULL;
  const char *netd = g_getenv ("PHONESEC_NETD");
  PhonesecHttpClient *client;

  if (netd == NULL)
    g_error ("PHONESEC_NETD is not set: run the tests with meson test");
  client = phonesec_http_client_new_standalone (netd, ca_file, &error);
  g_assert_no_error (error);
  return client;
}

void
pac_test_run_for (guint ms)
{
  gboolean expired = FALSE;

  g_timeout_add (ms, on_deadline, &expired);
  while (!expired)
    g_main_context_iteration (NULL, TRUE);
}
