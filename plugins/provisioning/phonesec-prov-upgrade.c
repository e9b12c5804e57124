/* phonesec-prov-upgrade.c: one firmware upgrade (see
 * phonesec-prov-upgrade.h).
 *
 * The image file is created private (0600) in the plugin's state folder,
 * which only the daemon's user can enter; the hook gets its path and the
 * image's file name, and the file is removed once the hook exited: the
 * hook copies or flashes it before it returns.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-prov-upgrade.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "phonesec-prov-fetch.h"
#include "phonesec-prov-image.h"
#include "phonesec-prov-macros.h"
#include "phonesec-prov-target.h"

/* How long the hook may take before it is killed. */
#define HOOK_TIMEOUT_S 600

typedef struct
{
  PhonesecContext *context;
  GHashTable *vars;
  PhonesecProvTarget *target;
  char *hook;
  GFile *image;
  GOutputStream *stream;
  char *server;
  GSubprocess *process;
  guint timeout;
} Upgrade;

static void
upgrade_free (Upgrade *u)
{
  /* Cancelled (the plugin stops) while the hook runs: it goes too. */
  if (u->process != NULL && g_subprocess_get_identifier (u->process) != NULL)
    g_subprocess_force_exit (u->process);
  g_clear_object (&u->stream); /* closed first: it may rename into place */
  if (u->image != NULL)
    g_file_delete (u->image, NULL, NULL);
  g_clear_handle_id (&u->timeout, g_source_remove);
  g_clear_object (&u->context);
  g_clear_pointer (&u->vars, g_hash_table_unref);
  g_clear_pointer (&u->target, phonesec_prov_target_free);
  g_free (u->hook);
  g_clear_object (&u->image);
  g_free (u->server);
  g_clear_object (&u->process);
  g_free (u);
}

char *
phonesec_prov_upgrade_find_hook (GError **error)
{
  const char *env = g_getenv ("PHONESEC_UPGRADE_HOOK");
  g_autofree char *path
      = g_strdup (env != NULL && env[0] != '\0' ? env : PHONESEC_UPGRADE_HOOK_INSTALLED);
  struct stat st;

  if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode) || access (path, X_OK) != 0)
    g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_NOT_SUPPORTED,
                 _ ("this phone has no firmware install hook (%s is not an executable file)"),
                 path);
  else if ((st.st_uid != 0 && st.st_uid != getuid ()) || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
    g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_NOT_SUPPORTED,
                 _ ("the firmware install hook %s is not used: it must belong to root or the "
                    "daemon's user and be writable by no one else"),
                 path);
  else
    return g_steal_pointer (&path);
  return NULL;
}

gsize
phonesec_prov_upgrade_max_size (void)
{
  const char *env = g_getenv ("PHONESEC_UPGRADE_MAX_BYTES");
  guint64 max = 256 * 1024 * 1024;

  if (env != NULL)
    g_ascii_string_to_unsigned (env, 10, 1024, G_GUINT64_CONSTANT (4) << 30, &max, NULL);
  return (gsize) max;
}

/* The outcome, with @error (NULL: success) and the failure message. */
static void
finish (GTask *task, const char *error, gboolean skipped)
{
  Upgrade *u = g_task_get_task_data (task);
  PhonesecProvOutcome *outcome = g_new0 (PhonesecProvOutcome, 1);

  if (error != NULL)
    {
      g_message ("Upgrade_Rule failed: %s", error);
      g_hash_table_insert (u->vars, g_strdup ("ERR"), g_strdup (error));
      phonesec_prov_log_parameter (u->context, u->vars, "Log_Upgrade_Failure_Msg");
      /* Restricted_Access_Domains' message names the rule already. */
      outcome->error = g_str_has_prefix (error, "Upgrade_Rule:")
                           ? g_strdup (error)
                           : g_strdup_printf ("Upgrade_Rule: %s", error);
    }
  else if (!skipped)
    {
      g_message ("Upgrade_Rule: the install hook took the image");
      g_hash_table_insert (u->vars, g_strdup ("ERR"), g_strdup (""));
      phonesec_prov_log_parameter (u->context, u->vars, "Log_Upgrade_Success_Msg");
    }
  outcome->server = g_strdup (u->server);
  outcome->url = u->target != NULL ? g_strdup (u->target->url) : NULL;
  outcome->skipped = skipped;
  g_task_return_pointer (task, outcome, (GDestroyNotify) phonesec_prov_outcome_free);
}

static void
on_hook_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Upgrade *u = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autofree char *why = NULL;

  g_clear_handle_id (&u->timeout, g_source_remove);
  if (!g_subprocess_wait_finish (u->process, result, &error))
    why = g_strdup (error->message);
  else if (g_subprocess_get_if_signaled (u->process))
    why = g_strdup_printf (_ ("the install hook was killed by signal %d"),
                           g_subprocess_get_term_sig (u->process));
  else if (g_subprocess_get_exit_status (u->process) != 0)
    why = g_strdup_printf (_ ("the install hook exited with status %d"),
                           g_subprocess_get_exit_status (u->process));
  finish (task, why, FALSE);
}

static gboolean
on_hook_timeout (gpointer user_data)
{
  Upgrade *u = user_data;

  u->timeout = 0;
  g_warning ("The install hook %s took over %d s: killed", u->hook, HOOK_TIMEOUT_S);
  g_subprocess_force_exit (u->process);
  return G_SOURCE_REMOVE;
}

/* The image's file name: the last part of its URL's path. */
static char *
image_name (const char *url)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);

  return g_path_get_basename (uri != NULL ? g_uri_get_path (uri) : "");
}

/* `HOOK IMAGE NAME`: the image's path and its file name on the server. */
static void
run_hook (GTask *task)
{
  Upgrade *u = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_file_get_path (u->image);
  g_autofree char *name = image_name (u->target->url);

  u->process
      = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_INHERIT, &error, u->hook, path, name, NULL);
  if (u->process == NULL)
    {
      finish (task, error->message, FALSE);
      return;
    }
  u->timeout = g_timeout_add_seconds (HOOK_TIMEOUT_S, on_hook_timeout, u);
  g_subprocess_wait_async (u->process, g_task_get_cancellable (task), on_hook_done,
                           g_object_ref (task));
}

/* In a thread: the image file decrypted in place (--key). */
static void
decrypt_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Upgrade *u = task_data;
  g_autofree char *path = g_file_get_path (u->image);
  g_autoptr (GError) error = NULL;
  int fd = g_open (path, O_RDWR | O_CLOEXEC, 0);

  if (fd < 0)
    {
      int saved = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved),
                               _ ("cannot read the image: %s"), g_strerror (saved));
      return;
    }
  if (!phonesec_prov_image_decrypt_fd (fd, u->target->key, cancellable, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
  close (fd);
}

static void
on_decrypted (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    finish (task, error->message, FALSE);
  else
    run_hook (task);
}

static void
on_closed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Upgrade *u = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GTask) decrypt = NULL;

  if (!g_output_stream_close_finish (G_OUTPUT_STREAM (source), result, &error))
    finish (task, error->message, FALSE);
  else if (u->target->key == NULL || phonesec_secret_is_empty (u->target->key))
    run_hook (task);
  else
    {
      /* The Upgrade stays with @task, which outlives the thread. */
      decrypt = g_task_new (NULL, g_task_get_cancellable (task), on_decrypted, g_object_ref (task));
      g_task_set_task_data (decrypt, u, NULL);
      g_task_run_in_thread (decrypt, decrypt_thread);
    }
}

static void
on_fetched (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Upgrade *u = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = phonesec_prov_fetch_finish (result, &u->server, &error);

  if (u->server != NULL)
    phonesec_prov_vars_set_server (u->vars, u->server);
  if (bytes == NULL)
    finish (task, error->message, FALSE);
  else
    g_output_stream_close_async (u->stream, G_PRIORITY_DEFAULT, g_task_get_cancellable (task),
                                 on_closed, g_object_ref (task));
}

static void
on_opened (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Upgrade *u = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  u->stream = G_OUTPUT_STREAM (g_file_replace_finish (G_FILE (source), result, &error));
  if (u->stream == NULL)
    {
      finish (task, error->message, FALSE);
      return;
    }
  phonesec_prov_target_fetch_async (u->context, u->target, phonesec_prov_upgrade_max_size (),
                                    u->stream, g_task_get_cancellable (task), on_fetched,
                                    g_object_ref (task));
}

/* The target, the hook and the file; FALSE with @error (or @skipped). */
static gboolean
prepare (Upgrade *u, gboolean automatic, const char *skip_url, gboolean *skipped, GError **error)
{
  g_autofree char *text = phonesec_context_dup_string (u->context, "Upgrade_Rule");
  g_autofree char *limit = phonesec_context_dup_string (u->context, "Downgrade_Rev_Limit");
  g_autofree char *dir = NULL, *name = NULL;
  gboolean no_alternative = FALSE;

  *skipped = FALSE;
  if (text == NULL || g_strstrip (text)[0] == '\0')
    return g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_INVALID_VALUE,
                                _ ("Upgrade_Rule is empty")),
           FALSE;
  u->target = phonesec_prov_target_new (u->context, u->vars, "Upgrade_Rule", text, &no_alternative,
                                        error);
  if (u->target == NULL || g_strcmp0 (u->target->url, skip_url) == 0)
    {
      /* Asked for (Upgrade()), a rule with nothing to fetch is an error. */
      *skipped = (no_alternative && automatic) || u->target != NULL;
      return FALSE;
    }
  /* Refused by its name, before anything is fetched. */
  name = image_name (u->target->url);
  if (!phonesec_prov_image_check_limit (name, limit, error))
    return FALSE;
  if ((u->hook = phonesec_prov_upgrade_find_hook (error)) == NULL)
    return FALSE;
  dir = g_build_filename (phonesec_context_get_state_dir (u->context), "upgrade", NULL);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    return g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                        _ ("cannot create %s: %s"), dir, g_strerror (errno)),
           FALSE;
  u->image = g_file_new_build_filename (dir, "image", NULL);
  return TRUE;
}

void
phonesec_prov_upgrade_async (PhonesecContext *context, gboolean automatic, const char *skip_url,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Upgrade *u = g_new0 (Upgrade, 1);
  g_autoptr (GError) error = NULL;
  gboolean skipped;

  g_task_set_source_tag (task, phonesec_prov_upgrade_async);
  g_task_set_task_data (task, u, (GDestroyNotify) upgrade_free);
  u->context = g_object_ref (context);
  u->vars = phonesec_prov_vars_new (context);
  if (!prepare (u, automatic, skip_url, &skipped, &error))
    {
      finish (task, skipped ? NULL : error->message, skipped);
      return;
    }
  phonesec_prov_vars_set_url (u->vars, u->target->url);
  phonesec_prov_log_parameter (context, u->vars, "Log_Upgrade_Request_Msg");
  g_file_replace_async (u->image, NULL, FALSE,
                        G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                        G_PRIORITY_DEFAULT, cancellable, on_opened, g_object_ref (task));
}
