/* phonesec-log-writer.c: every log record passes here before it leaves.
 *
 * Secrets are a separate type that cannot be logged by accident; this writer
 * is the second line of defence: any configured secret that still reaches a
 * message (a library echoing a URL with credentials, say) is masked.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "phonesec/phonesec-log.h"
#include "phonesec-log-writer.h"

#define RECENT_MAX 512
#define MASK "********"

static GMutex log_lock;
static GPtrArray *log_secrets;   /* of char*, guarded by log_lock */
static char *recent[RECENT_MAX]; /* ring, guarded by log_lock */
static guint recent_next;
static gboolean log_verbose;
static int persist_fd = -1; /* the run's log file, guarded by log_lock */
static char *persist_path;
static goffset persist_size;
static char *persist_error;        /* why records are not kept, guarded by log_lock */
static gboolean persist_error_new; /* not yet reported */
#define PERSIST_MAX (256 * 1024)

void
phonesec_log_writer_set_secrets (const char *const *values)
{
  g_autoptr (GPtrArray) fresh = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    if (strlen (values[i]) >= 3)
      g_ptr_array_add (fresh, g_strdup (values[i]));

  g_mutex_lock (&log_lock);
  g_clear_pointer (&log_secrets, g_ptr_array_unref);
  log_secrets = g_steal_pointer (&fresh);
  g_mutex_unlock (&log_lock);
}

static char *
mask_locked (const char *text)
{
  GString *out;

  if (log_secrets == NULL || log_secrets->len == 0)
    return g_strdup (text);
  out = g_string_new (text);
  for (guint i = 0; i < log_secrets->len; i++)
    {
      const char *secret = log_secrets->pdata[i];

      if (strstr (out->str, secret) != NULL)
        g_string_replace (out, secret, MASK, 0);
    }
  return g_string_free (out, FALSE);
}

char *
phonesec_log_writer_mask (const char *text)
{
  char *masked;

  g_mutex_lock (&log_lock);
  masked = mask_locked (text);
  g_mutex_unlock (&log_lock);
  return masked;
}

static void
set_persist_error_locked (int saved)
{
  if (saved == 0)
    {
      g_clear_pointer (&persist_error, g_free);
      return;
    }
  if (persist_error != NULL)
    return;
  persist_error = g_strdup_printf (_ ("The log cannot be kept in %s (%s): it goes to the "
                                      "journal only, and a crash report will lack it"),
                                   persist_path, g_strerror (saved));
  persist_error_new = TRUE;
}

/* The same records, appended to a file so that they outlive a crash (a
 * write(2) per record is in the page cache at once: kill -9 loses nothing).
 * Bounded: past PERSIST_MAX the file starts again, the older half kept in
 * <file>.old. A full disk drops records (said once, see
 * report_persist_error) until there is room again. */
static void
persist_locked (const char *line)
{
  gsize len = strlen (line);

  if (persist_fd < 0)
    return;
  if (persist_size + (goffset) len + 1 > PERSIST_MAX)
    {
      g_autofree char *old = g_strconcat (persist_path, ".old", NULL);
      int fd;

      g_rename (persist_path, old);
      fd = g_open (persist_path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
      if (fd >= 0)
        {
          close (persist_fd);
          persist_fd = fd;
        }
      persist_size = 0;
    }
  if (write (persist_fd, line, len) == (gssize) len && write (persist_fd, "\n", 1) == 1)
    {
      persist_size += len + 1;
      set_persist_error_locked (0);
    }
  else
    set_persist_error_locked (errno != 0 ? errno : ENOSPC);
}

/* Called without the lock: the message goes straight to GLib's writer,
 * not through ours (which would try the file again). */
static void
report_persist_error (void)
{
  g_autofree char *message = NULL;
  GLogField fields[] = {
    { "GLIB_DOMAIN", "phonesec", -1 },
    { "MESSAGE", NULL, -1 },
    { "PRIORITY", "4", -1 },
  };

  g_mutex_lock (&log_lock);
  if (persist_error_new)
    message = g_strdup (persist_error);
  persist_error_new = FALSE;
  g_mutex_unlock (&log_lock);
  if (message == NULL)
    return;
  fields[1].value = message;
  g_log_writer_default (G_LOG_LEVEL_WARNING, fields, G_N_ELEMENTS (fields), NULL);
}

char *
phonesec_log_writer_dup_persist_error (void)
{
  char *message;

  g_mutex_lock (&log_lock);
  message = g_strdup (persist_error);
  g_mutex_unlock (&log_lock);
  return message;
}

void
phonesec_log_writer_persist (const char *path, gboolean keep_previous)
{
  g_autofree char *previous = g_strconcat (path, ".previous", NULL);
  g_autofree char *old = g_strconcat (path, ".old", NULL);
  g_autofree char *previous_old = g_strconcat (path, ".previous.old", NULL);
  int fd, saved;

  /* The last run's records matter only when it crashed: they go into the
   * crash report. */
  if (keep_previous)
    {
      g_rename (path, previous);
      g_rename (old, previous_old);
    }
  else
    {
      g_unlink (previous);
      g_unlink (previous_old);
      g_unlink (old);
    }
  fd = g_open (path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
  saved = errno;
  g_mutex_lock (&log_lock);
  g_free (persist_path);
  persist_path = g_strdup (path);
  if (fd < 0)
    {
      set_persist_error_locked (saved);
      g_mutex_unlock (&log_lock);
      report_persist_error ();
      return;
    }
  if (persist_fd >= 0)
    close (persist_fd);
  persist_fd = fd;
  persist_size = 0;
  /* What was logged before the state folder was known. */
  for (guint i = 0; i < RECENT_MAX; i++)
    {
      const char *line = recent[(recent_next + i) % RECENT_MAX];
      if (line != NULL)
        persist_locked (line);
    }
  g_mutex_unlock (&log_lock);
  report_persist_error ();
}

char *
phonesec_log_writer_dup_previous (const char *path)
{
  g_autofree char *previous = g_strconcat (path, ".previous", NULL);
  g_autofree char *previous_old = g_strconcat (path, ".previous.old", NULL);
  g_autofree char *a = NULL, *b = NULL;

  g_file_get_contents (previous_old, &a, NULL, NULL);
  if (!g_file_get_contents (previous, &b, NULL, NULL) && a == NULL)
    return NULL;
  return g_strconcat (a != NULL ? a : "", b != NULL ? b : "", NULL);
}

static const char *
level_name (GLogLevelFlags level)
{
  if (level & G_LOG_LEVEL_ERROR)
    return "error";
  if (level & G_LOG_LEVEL_CRITICAL)
    return "critical";
  if (level & G_LOG_LEVEL_WARNING)
    return "warning";
  if (level & G_LOG_LEVEL_MESSAGE)
    return "message";
  if (level & G_LOG_LEVEL_INFO)
    return "info";
  return "debug";
}

static GLogWriterOutput
phonesec_log_writer (GLogLevelFlags level, const GLogField *fields, gsize n_fields,
                     gpointer user_data)
{
  g_autofree GLogField *copy = g_memdup2 (fields, n_fields * sizeof (GLogField));
  g_autofree char *masked = NULL;
  const char *domain = NULL;
  gboolean is_debug = (level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO)) != 0;

  if (is_debug && !log_verbose && g_log_writer_default_would_drop (level, NULL))
    return G_LOG_WRITER_HANDLED;

  g_mutex_lock (&log_lock);
  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_strcmp0 (copy[i].key, "GLIB_DOMAIN") == 0)
        domain = copy[i].value;
      if (g_strcmp0 (copy[i].key, "MESSAGE") == 0 && masked == NULL)
        {
          const char *text = copy[i].value;
          g_autofree char *nul_terminated = NULL;

          if (copy[i].length >= 0)
            text = nul_terminated = g_strndup (copy[i].value, copy[i].length);
          masked = mask_locked (text);
          copy[i].value = masked;
          copy[i].length = -1;
        }
    }
  if (masked != NULL && !is_debug)
    {
      g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
      g_autofree char *stamp = g_date_time_format_iso8601 (now);

      g_free (recent[recent_next]);
      recent[recent_next] = g_strdup_printf ("%s %s %s: %s", stamp, level_name (level),
                                             domain != NULL ? domain : "phonesec", masked);
      persist_locked (recent[recent_next]);
      recent_next = (recent_next + 1) % RECENT_MAX;
    }
  g_mutex_unlock (&log_lock);
  report_persist_error ();

  return g_log_writer_default (level, copy, n_fields, user_data);
}

void
phonesec_log_writer_install (gboolean verbose)
{
  log_verbose = verbose;
  if (verbose)
    g_log_set_debug_enabled (TRUE);
  g_log_set_writer_func (phonesec_log_writer, NULL, NULL);
}

GStrv
phonesec_log_writer_dup_recent (void)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  g_mutex_lock (&log_lock);
  for (guint i = 0; i < RECENT_MAX; i++)
    {
      const char *line = recent[(recent_next + i) % RECENT_MAX];

      if (line != NULL)
        g_strv_builder_add (builder, line);
    }
  g_mutex_unlock (&log_lock);
  return g_strv_builder_end (builder);
}

void
phonesec_log_event_full (const char *domain, const char *message_id, GLogLevelFlags level,
                         const char *format, ...)
{
  g_autofree char *message = NULL;
  va_list args;
  GLogField fields[3] = {
    { "GLIB_DOMAIN", domain != NULL ? domain : "phonesec", -1 },
    { "MESSAGE", NULL, -1 },
    { "MESSAGE_ID", message_id, -1 },
  };

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  fields[1].value = message;
  g_log_structured_array (level, fields, message_id != NULL ? 3 : 2);
}
