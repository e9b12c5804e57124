/* phonesec-vpn-tunnel.c: one run of the openconnect program.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gio/gunixinputstream.h>
#include <glib-unix.h>
#include <glib/gi18n-lib.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "phonesec-vpn-tunnel.h"

#define TAIL_LINES 20
#define LINE_MAX_CHARS 300
#define KILL_AFTER_S 5
#define DRAIN_AFTER_EXIT_MS 2000
/* If "Configured as" never comes (another openconnect wording), the
 * script's report is accepted after this long. */
#define CONFIGURED_WAIT_MS 2000

struct _PhonesecVpnTunnel
{
  GObject parent_instance;

  PhonesecVpnSettings *settings;
  PhonesecSecret *password;
  char *runtime_dir;

  GSubprocess *process;
  char *pid;
  GCancellable *cancellable;
  guint open_streams; /* output (stdout + stderr), the report pipe */
  gboolean reaped;
  gboolean finished; /* "exited" emitted (or shut down): nothing more */
  gboolean stopping;
  int exit_status;
  int term_signal;
  PhonesecVpnOutputKind failure;
  char *failure_detail;
  GQueue tail;
  guint kill_source;
  guint drain_source;
  /* The script's "connect" waits for openconnect's "Configured as" line:
   * openconnect prints everything before it (a refused tunnel group, for
   * one) earlier in the same pipe, so by then we know whether to accept. */
  gboolean configured_seen;
  gboolean dtls_up; /* openconnect said "Established DTLS connection" */
  PhonesecVpnScriptEvent *pending_connect;
  guint pending_source;
};

enum
{
  SIGNAL_SCRIPT_EVENT,
  SIGNAL_EXITED,
  SIGNAL_DTLS_UP,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PhonesecVpnTunnel, phonesec_vpn_tunnel, G_TYPE_OBJECT)

typedef enum
{
  STREAM_OUTPUT,
  STREAM_REPORT,
} StreamKind;

typedef struct
{
  PhonesecVpnTunnel *self; /* a reference */
  GDataInputStream *lines;
  StreamKind kind;
} StreamReader;

static gboolean on_kill_timeout (gpointer user_data);

static void
maybe_finish (PhonesecVpnTunnel *self)
{
  if (self->finished || !self->reaped || self->open_streams > 0)
    return;
  self->finished = TRUE;
  g_clear_handle_id (&self->kill_source, g_source_remove);
  g_clear_handle_id (&self->drain_source, g_source_remove);
  g_clear_handle_id (&self->pending_source, g_source_remove);
  g_signal_emit (self, signals[SIGNAL_EXITED], 0);
}

static void
remember_line (PhonesecVpnTunnel *self, char *masked)
{
  g_queue_push_tail (&self->tail, masked);
  while (g_queue_get_length (&self->tail) > TAIL_LINES)
    g_free (g_queue_pop_head (&self->tail));
}

static void
release_pending_connect (PhonesecVpnTunnel *self)
{
  g_autoptr (PhonesecVpnScriptEvent) event = g_steal_pointer (&self->pending_connect);

  g_clear_handle_id (&self->pending_source, g_source_remove);
  if (event == NULL || self->finished || phonesec_vpn_output_is_fatal (self->failure))
    return;
  g_signal_emit (self, signals[SIGNAL_SCRIPT_EVENT], 0, event);
}

static gboolean
on_pending_timeout (gpointer user_data)
{
  PhonesecVpnTunnel *self = user_data;

  self->pending_source = 0;
  g_debug ("No \"Configured as\" line from openconnect: accepting the tunnel");
  release_pending_connect (self);
  return G_SOURCE_REMOVE;
}

static void
handle_output_line (PhonesecVpnTunnel *self, const char *line)
{
  const char *secret = self->password != NULL ? phonesec_secret_peek (self->password) : NULL;
  char *masked = phonesec_vpn_mask_line (line, secret, LINE_MAX_CHARS);
  g_autofree char *detail = NULL;
  PhonesecVpnOutputKind kind = phonesec_vpn_output_classify (masked, &detail);

  g_debug ("openconnect[%s]: %s", self->pid != NULL ? self->pid : "?", masked);
  if (kind >= PHONESEC_VPN_OUTPUT_CONNECTION_LOST && kind > self->failure)
    {
      self->failure = kind;
      g_free (self->failure_detail);
      self->failure_detail = g_steal_pointer (&detail);
      if (phonesec_vpn_output_must_abort (kind) && !self->reaped && !self->stopping)
        {
          g_message ("Stopping openconnect (pid %s): %s", self->pid, masked);
          g_subprocess_send_signal (self->process, SIGTERM);
          if (self->kill_source == 0)
            self->kill_source = g_timeout_add_seconds (KILL_AFTER_S, on_kill_timeout, self);
        }
    }
  remember_line (self, masked);
  if (kind == PHONESEC_VPN_OUTPUT_DTLS_UP && !self->dtls_up)
    {
      self->dtls_up = TRUE;
      g_signal_emit (self, signals[SIGNAL_DTLS_UP], 0);
    }
  if (kind == PHONESEC_VPN_OUTPUT_CONFIGURED)
    {
      self->configured_seen = TRUE;
      release_pending_connect (self);
    }
}

static void
handle_report_line (PhonesecVpnTunnel *self, const char *line)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecVpnScriptEvent) event = phonesec_vpn_script_event_parse (line, &error);

  if (event == NULL)
    {
      g_autofree char *masked = phonesec_vpn_mask_line (
          line, self->password != NULL ? phonesec_secret_peek (self->password) : NULL, 120);
      g_warning ("Ignoring a VPN script report: %s: %s", error->message, masked);
      return;
    }
  g_debug ("VPN script: %s on %s", event->reason, event->ifname != NULL ? event->ifname : "-");
  if (self->finished)
    return;
  if (strcmp (event->reason, "connect") == 0 && !self->configured_seen)
    {
      phonesec_vpn_script_event_free (self->pending_connect);
      self->pending_connect = g_steal_pointer (&event);
      g_clear_handle_id (&self->pending_source, g_source_remove);
      self->pending_source = g_timeout_add (CONFIGURED_WAIT_MS, on_pending_timeout, self);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_SCRIPT_EVENT], 0, event);
}

static void read_next_line (StreamReader *reader);

static void
on_line (GObject *source, GAsyncResult *result, gpointer user_data)
{
  StreamReader *reader = user_data;
  PhonesecVpnTunnel *self = reader->self;
  g_autoptr (GError) error = NULL;
  g_autofree char *line
      = g_data_input_stream_read_line_finish (reader->lines, result, NULL, &error);

  if (line == NULL)
    {
      /* EOF or a read error: this stream is done. */
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("openconnect output stream %d: %s", reader->kind, error->message);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          self->open_streams--;
          maybe_finish (self);
        }
      g_object_unref (reader->lines);
      g_object_unref (reader->self);
      g_free (reader);
      return;
    }
  if (reader->kind == STREAM_REPORT)
    handle_report_line (self, line);
  else
    handle_output_line (self, line);
  read_next_line (reader);
}

static void
read_next_line (StreamReader *reader)
{
  g_data_input_stream_read_line_async (reader->lines, G_PRIORITY_DEFAULT, reader->self->cancellable,
                                       on_line, reader);
}

static void
start_reader (PhonesecVpnTunnel *self, GInputStream *stream, StreamKind kind)
{
  StreamReader *reader = g_new0 (StreamReader, 1);

  reader->self = g_object_ref (self);
  reader->lines = g_data_input_stream_new (stream);
  reader->kind = kind;
  self->open_streams++;
  read_next_line (reader);
}

static gboolean
on_drain_timeout (gpointer user_data)
{
  PhonesecVpnTunnel *self = user_data;

  /* A script's child may still hold a pipe: stop waiting for it. */
  self->drain_source = 0;
  self->open_streams = 0;
  g_cancellable_cancel (self->cancellable);
  maybe_finish (self);
  return G_SOURCE_REMOVE;
}

static void
on_wait (GObject *source, GAsyncResult *result, gpointer user_data)
{
  PhonesecVpnTunnel *self = user_data;
  g_autoptr (GError) error = NULL;

  if (!g_subprocess_wait_finish (G_SUBPROCESS (source), result, &error))
    {
      g_object_unref (self);
      return; /* cancelled: shutting down */
    }
  self->reaped = TRUE;
  if (g_subprocess_get_if_signaled (self->process))
    {
      self->term_signal = g_subprocess_get_term_sig (self->process);
      self->exit_status = -1;
    }
  else
    self->exit_status = g_subprocess_get_exit_status (self->process);
  g_debug ("openconnect[%s] ended: status %d, signal %d", self->pid, self->exit_status,
           self->term_signal);
  if (self->open_streams > 0 && self->drain_source == 0)
    self->drain_source = g_timeout_add (DRAIN_AFTER_EXIT_MS, on_drain_timeout, self);
  maybe_finish (self);
  g_object_unref (self);
}

/* Child setup: openconnect ends (and tears the tunnel down) when the
 * daemon dies, instead of living on unmanaged. */
static void
child_setup (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

gboolean
phonesec_vpn_tunnel_start (PhonesecVpnTunnel *self, GError **error)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_auto (GStrv) argv = NULL;
  g_autofree char *runtime_env = NULL;
  const char *env[4];
  int report[2] = { -1, -1 };
  int input[2] = { -1, -1 };
  const char *pw = phonesec_secret_peek (self->password);
  gsize len = strlen (pw);

  g_return_val_if_fail (self->process == NULL, FALSE);

  /* The password goes into the pipe before openconnect exists: the pipe
   * holds it (a few bytes, far below its capacity), and a child that dies
   * early cannot make the daemon write into a closed pipe. */
  if (!g_unix_open_pipe (input, FD_CLOEXEC, error))
    return FALSE;
  if (write (input[1], pw, len) != (gssize) len || write (input[1], "\n", 1) != 1)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _ ("could not hand the password to openconnect"));
      close (input[0]);
      close (input[1]);
      return FALSE;
    }
  close (input[1]);
  if (!g_unix_open_pipe (report, FD_CLOEXEC, error))
    {
      close (input[0]);
      return FALSE;
    }

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_take_stdin_fd (launcher, input[0]);
  g_subprocess_launcher_take_fd (launcher, report[1], PHONESEC_VPN_REPORT_FD);
  /* A minimal environment: nothing of the daemon's leaks to openconnect
   * and its script, and messages are in English for the classifier. */
  runtime_env = g_strdup_printf ("PHONESEC_VPN_RUNTIME_DIR=%s", self->runtime_dir);
  env[0] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
  env[1] = "LC_ALL=C";
  env[2] = runtime_env;
  env[3] = NULL;
  g_subprocess_launcher_set_environ (launcher, (char **) env);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);

  argv = phonesec_vpn_build_argv (self->settings);
  {
    /* No secret on the command line: it can be shown. */
    g_autofree char *joined = g_strjoinv (" ", argv);
    g_debug ("Running %s", joined);
  }
  self->process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv, error);
  /* The launcher owns the child's ends; dropping it closes our copies (so
   * EOF comes when the child and its script are done). */
  g_clear_object (&launcher);
  if (self->process == NULL)
    {
      close (report[0]);
      return FALSE;
    }
  self->pid = g_strdup (g_subprocess_get_identifier (self->process));
  g_message ("Started openconnect (pid %s) for %s as %s%s%s", self->pid, self->settings->server,
             self->settings->user, self->settings->group[0] != '\0' ? ", tunnel group " : "",
             self->settings->group);

  /* One pipe for both: the order of openconnect's lines is kept. */
  start_reader (self, g_subprocess_get_stdout_pipe (self->process), STREAM_OUTPUT);
  {
    g_autoptr (GInputStream) r = g_unix_input_stream_new (report[0], TRUE);
    start_reader (self, r, STREAM_REPORT);
  }
  g_subprocess_wait_async (self->process, self->cancellable, on_wait, g_object_ref (self));
  return TRUE;
}

static gboolean
on_kill_timeout (gpointer user_data)
{
  PhonesecVpnTunnel *self = user_data;

  self->kill_source = 0;
  if (self->process != NULL && !self->reaped)
    {
      g_warning ("openconnect (pid %s) did not stop within %d s: killing it", self->pid,
                 KILL_AFTER_S);
      g_subprocess_force_exit (self->process);
    }
  return G_SOURCE_REMOVE;
}

void
phonesec_vpn_tunnel_stop (PhonesecVpnTunnel *self)
{
  if (self->process == NULL || self->reaped || self->stopping)
    return;
  self->stopping = TRUE;
  g_subprocess_send_signal (self->process, SIGTERM);
  self->kill_source = g_timeout_add_seconds (KILL_AFTER_S, on_kill_timeout, self);
}

void
phonesec_vpn_tunnel_stop_sync (PhonesecVpnTunnel *self, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  self->finished = TRUE; /* no more signals */
  self->stopping = TRUE;
  g_clear_handle_id (&self->pending_source, g_source_remove);
  g_clear_handle_id (&self->kill_source, g_source_remove);
  g_clear_handle_id (&self->drain_source, g_source_remove);
  if (self->process != NULL && g_subprocess_get_identifier (self->process) != NULL)
    {
      g_subprocess_send_signal (self->process, SIGTERM);
      /* GLib's worker thread reaps the child: the identifier goes NULL. */
      while (g_subprocess_get_identifier (self->process) != NULL
             && g_get_monotonic_time () < deadline)
        g_usleep (5000);
      if (g_subprocess_get_identifier (self->process) != NULL)
        {
          g_warning ("openconnect (pid %s) did not stop in time: killing it", self->pid);
          g_subprocess_force_exit (self->process);
        }
      g_subprocess_wait (self->process, NULL, NULL);
    }
  g_cancellable_cancel (self->cancellable);
}

const char *
phonesec_vpn_tunnel_get_pid (PhonesecVpnTunnel *self)
{
  return self->reaped ? NULL : self->pid;
}

gboolean
phonesec_vpn_tunnel_get_stopping (PhonesecVpnTunnel *self)
{
  return self->stopping;
}

gboolean
phonesec_vpn_tunnel_get_dtls_up (PhonesecVpnTunnel *self)
{
  return self->dtls_up;
}

int
phonesec_vpn_tunnel_get_exit_status (PhonesecVpnTunnel *self)
{
  return self->exit_status;
}

int
phonesec_vpn_tunnel_get_term_signal (PhonesecVpnTunnel *self)
{
  return self->term_signal;
}

PhonesecVpnOutputKind
phonesec_vpn_tunnel_get_failure (PhonesecVpnTunnel *self, const char **detail)
{
  if (detail != NULL)
    *detail = self->failure_detail;
  return self->failure;
}

char *
phonesec_vpn_tunnel_dup_tail (PhonesecVpnTunnel *self)
{
  GString *s = g_string_new (NULL);

  for (GList *l = self->tail.head; l != NULL; l = l->next)
    g_string_append_printf (s, "%s\n", (const char *) l->data);
  return g_string_free (s, FALSE);
}

const char *
phonesec_vpn_tunnel_get_server (PhonesecVpnTunnel *self)
{
  return self->settings->server;
}

PhonesecVpnTunnel *
phonesec_vpn_tunnel_new (PhonesecVpnSettings *settings, PhonesecSecret *password,
                         const char *runtime_dir)
{
  PhonesecVpnTunnel *self = g_object_new (PHONESEC_TYPE_VPN_TUNNEL, NULL);

  self->settings = settings;
  self->password = phonesec_secret_ref (password);
  self->runtime_dir = g_strdup (runtime_dir);
  return self;
}

static void
phonesec_vpn_tunnel_dispose (GObject *object)
{
  PhonesecVpnTunnel *self = PHONESEC_VPN_TUNNEL (object);

  if (self->process != NULL && !self->reaped && !self->finished)
    phonesec_vpn_tunnel_stop_sync (self, 3000);
  self->finished = TRUE;
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->kill_source, g_source_remove);
  g_clear_handle_id (&self->drain_source, g_source_remove);
  g_clear_handle_id (&self->pending_source, g_source_remove);
  g_clear_object (&self->process);
  G_OBJECT_CLASS (phonesec_vpn_tunnel_parent_class)->dispose (object);
}

static void
phonesec_vpn_tunnel_finalize (GObject *object)
{
  PhonesecVpnTunnel *self = PHONESEC_VPN_TUNNEL (object);

  phonesec_vpn_settings_free (self->settings);
  g_clear_pointer (&self->password, phonesec_secret_unref);
  g_free (self->runtime_dir);
  g_free (self->pid);
  g_free (self->failure_detail);
  phonesec_vpn_script_event_free (self->pending_connect);
  g_queue_clear_full (&self->tail, g_free);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (phonesec_vpn_tunnel_parent_class)->finalize (object);
}

static void
phonesec_vpn_tunnel_class_init (PhonesecVpnTunnelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = phonesec_vpn_tunnel_dispose;
  object_class->finalize = phonesec_vpn_tunnel_finalize;
  signals[SIGNAL_SCRIPT_EVENT]
      = g_signal_new ("script-event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[SIGNAL_EXITED] = g_signal_new ("exited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                         NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_DTLS_UP] = g_signal_new ("dtls-up", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
phonesec_vpn_tunnel_init (PhonesecVpnTunnel *self)
{
  self->cancellable = g_cancellable_new ();
  g_queue_init (&self->tail);
}
