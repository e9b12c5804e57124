/* phonesec-firewall-runner.c: nftables through a helper process.
 *
 * The helper (phonesec-firewall-nft-main.c) is started at the first
 * request and kept while requests come; IDLE_S seconds after the last
 * one its stdin is closed and it exits, taking libnftables' memory with
 * it (phonesecd ignores SIGPIPE: a helper gone mid-request is an error,
 * not a signal). Requests are synchronous, as libnftables' own calls were in
 * process: a few milliseconds of netlink, bounded by REPLY_TIMEOUT_MS
 * (a helper that does not answer in time is killed). The helper has
 * phonesecd's privileges: what moved out is libnftables' memory and its
 * crashes, not its authority.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <errno.h>
#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>
#include <glib/gi18n-lib.h>
#include <phonesec/phonesec-error.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "phonesec-firewall-runner.h"

#define IDLE_S 30 /* PHONESEC_FIREWALL_NFT_IDLE_S for the tests */
#define REPLY_TIMEOUT_MS 10000
/* The table we render, listed; an answer near this is not one. */
#define MAX_REPLY (1024 * 1024)
#define MAX_ERROR_LINE 1024

struct _PhonesecFirewallRunner
{
  GObject parent_instance;

  char *helper;
  GSubprocess *process; /* %NULL when none is running */
  int to_helper;
  int from_helper;
  guint idle_id;
  guint idle_s;
};

G_DEFINE_FINAL_TYPE (PhonesecFirewallRunner, phonesec_firewall_runner, G_TYPE_OBJECT)

/* Closing its stdin ends the helper; GSubprocess reaps it. */
static void
stop_helper (PhonesecFirewallRunner *self, gboolean kill)
{
  g_clear_handle_id (&self->idle_id, g_source_remove);
  if (self->process == NULL)
    return;
  if (kill)
    g_subprocess_force_exit (self->process);
  /* The GSubprocess lives on until the child is reaped: close by hand. */
  g_output_stream_close (g_subprocess_get_stdin_pipe (self->process), NULL, NULL);
  g_input_stream_close (g_subprocess_get_stdout_pipe (self->process), NULL, NULL);
  g_clear_object (&self->process);
}

static gboolean
on_idle (gpointer user_data)
{
  PhonesecFirewallRunner *self = user_data;

  self->idle_id = 0;
  stop_helper (self, FALSE);
  return G_SOURCE_REMOVE;
}

static void
phonesec_firewall_runner_dispose (GObject *object)
{
  stop_helper (PHONESEC_FIREWALL_RUNNER (object), FALSE);
  G_OBJECT_CLASS (phonesec_firewall_runner_parent_class)->dispose (object);
}

static void
phonesec_firewall_runner_finalize (GObject *object)
{
  g_free (PHONESEC_FIREWALL_RUNNER (object)->helper);
  G_OBJECT_CLASS (phonesec_firewall_runner_parent_class)->finalize (object);
}

static void
phonesec_firewall_runner_class_init (PhonesecFirewallRunnerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = phonesec_firewall_runner_dispose;
  G_OBJECT_CLASS (klass)->finalize = phonesec_firewall_runner_finalize;
}

static void
phonesec_firewall_runner_init (PhonesecFirewallRunner *self)
{
}

PhonesecFirewallRunner *
phonesec_firewall_runner_new (GError **error)
{
  const char *env = g_getenv ("PHONESEC_FIREWALL_NFT");
  const char *helper = env != NULL && env[0] != '\0' ? env : PHONESEC_FIREWALL_NFT_PATH;
  PhonesecFirewallRunner *self;

  if (!g_file_test (helper, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
                   _ ("The nftables helper %s cannot be run"), helper);
      return NULL;
    }
  self = g_object_new (PHONESEC_TYPE_FIREWALL_RUNNER, NULL);
  self->helper = g_strdup (helper);
  self->idle_s = IDLE_S;
  if (g_getenv ("PHONESEC_FIREWALL_NFT_IDLE_S") != NULL)
    self->idle_s = CLAMP (atoi (g_getenv ("PHONESEC_FIREWALL_NFT_IDLE_S")), 1, IDLE_S);
  return self;
}

static gboolean
start_helper (PhonesecFirewallRunner *self, GError **error)
{
  const char *argv[] = { self->helper, NULL };

  if (self->process != NULL)
    return TRUE;
  self->process = g_subprocess_newv (
      argv, G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, error);
  if (self->process == NULL)
    return FALSE;
  self->to_helper = g_unix_output_stream_get_fd (
      G_UNIX_OUTPUT_STREAM (g_subprocess_get_stdin_pipe (self->process)));
  self->from_helper = g_unix_input_stream_get_fd (
      G_UNIX_INPUT_STREAM (g_subprocess_get_stdout_pipe (self->process)));
  return TRUE;
}

static gboolean
io_failed (GError **error, const char *what)
{
  g_set_error (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED,
               _ ("The nftables helper stopped answering (%s)"), what);
  return FALSE;
}

/* All of @len bytes to or from @fd before @deadline (monotonic). */
static gboolean
transfer (int fd, gboolean out, char *buf, gsize len, gint64 deadline, GError **error)
{
  while (len > 0)
    {
      struct pollfd p = { .fd = fd, .events = out ? POLLOUT : POLLIN };
      gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
      gssize n;

      if (left <= 0 || poll (&p, 1, (int) left) == 0)
        return io_failed (error, "timeout");
      n = out ? write (fd, buf, len) : read (fd, buf, len);
      if (n < 0 && (errno == EINTR || errno == EAGAIN))
        continue;
      if (n <= 0)
        return io_failed (error, n == 0 ? "end of output" : g_strerror (errno));
      buf += n;
      len -= (gsize) n;
    }
  return TRUE;
}

/* The answer's "STATUS LENGTH\n" line, a byte at a time (it is short). */
static gboolean
read_header (int fd, int *status, gsize *length, gint64 deadline, GError **error)
{
  char line[64];
  char *end;
  guint i = 0;

  do
    {
      if (i == sizeof line - 1 || !transfer (fd, FALSE, line + i, 1, deadline, error))
        return i == sizeof line - 1 ? io_failed (error, "bad answer") : FALSE;
    }
  while (line[i++] != '\n');
  line[i - 1] = '\0';
  *status = (int) g_ascii_strtoll (line, &end, 10);
  if (*end != ' ')
    return io_failed (error, "bad answer");
  *length = g_ascii_strtoull (end + 1, &end, 10);
  if (*end != '\0' || *length > MAX_REPLY)
    return io_failed (error, "bad answer");
  return TRUE;
}

/* One request, its answer; the helper is started if needed and killed
 * when it does not answer properly. */
static gboolean
exchange (PhonesecFirewallRunner *self, const char *request, int *status, char **data,
          GError **error)
{
  gint64 deadline = g_get_monotonic_time () + REPLY_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;
  g_autofree char *reply = NULL;
  gsize length;

  if (!start_helper (self, error))
    return FALSE;
  g_clear_handle_id (&self->idle_id, g_source_remove);
  if (!transfer (self->to_helper, TRUE, (char *) request, strlen (request), deadline, error)
      || !read_header (self->from_helper, status, &length, deadline, error)
      || !transfer (self->from_helper, FALSE, reply = g_malloc0 (length + 1), length, deadline,
                    error))
    {
      stop_helper (self, TRUE);
      return FALSE;
    }
  self->idle_id = g_timeout_add_seconds (self->idle_s, on_idle, self);
  *data = g_steal_pointer (&reply);
  return TRUE;
}

/* exchange(), once more on a new helper when the first one died (the
 * requests are idempotent: a table replaced twice is the same table). */
static gboolean
request (PhonesecFirewallRunner *self, const char *text, int *status, char **data, GError **error)
{
  g_autoptr (GError) first = NULL;

  if (exchange (self, text, status, data, &first))
    return TRUE;
  g_warning ("%s; starting it again", first->message);
  return exchange (self, text, status, data, error);
}

/* The helper's one line, bounded and printable. */
static char *
error_line (const char *text)
{
  g_autofree char *line = g_strndup (text, MAX_ERROR_LINE);

  g_strdelimit (line, "\r\n\t\v\f", ' ');
  if (!g_utf8_validate (line, -1, NULL))
    return g_utf8_make_valid (line, -1);
  return g_steal_pointer (&line);
}

gboolean
phonesec_firewall_runner_run (PhonesecFirewallRunner *self, const char *script, const char *table,
                              char **listing, GError **error)
{
  g_autofree char *text = NULL, *data = NULL;
  int status;

  g_return_val_if_fail (PHONESEC_IS_FIREWALL_RUNNER (self), FALSE);
  g_return_val_if_fail (script != NULL, FALSE);
  g_return_val_if_fail (listing == NULL || table != NULL, FALSE);

  text = g_strdup_printf ("run %s\n%zu\n%s", table != NULL ? table : "-", strlen (script), script);
  if (!request (self, text, &status, &data, error))
    return FALSE;
  if (status != 0)
    {
      g_autofree char *why = error_line (data);

      g_set_error_literal (error, PHONESEC_ERROR, PHONESEC_ERROR_FAILED, why);
      return FALSE;
    }
  if (listing != NULL)
    *listing = data[0] != '\0' ? g_steal_pointer (&data) : NULL;
  return TRUE;
}

char *
phonesec_firewall_runner_list (PhonesecFirewallRunner *self, const char *table)
{
  g_autofree char *text = NULL, *data = NULL;
  g_autoptr (GError) error = NULL;
  int status;

  g_return_val_if_fail (PHONESEC_IS_FIREWALL_RUNNER (self), NULL);
  g_return_val_if_fail (table != NULL, NULL);

  text = g_strdup_printf ("list %s\n", table);
  if (!request (self, text, &status, &data, &error))
    {
      g_warning ("Could not read the firewall table: %s", error->message);
      return NULL;
    }
  return status == 0 ? g_steal_pointer (&data) : NULL;
}
