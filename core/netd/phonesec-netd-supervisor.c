/* phonesec-netd-supervisor.c: the network service's process, from
 * phonesecd's side.
 *
 * One helper at a time, numbered by its generation. Its end is learnt
 * from the link (EOF) and from the process (waitpid); whichever comes
 * first ends the generation, and the other is then ignored. Nothing here
 * blocks: the spawn is one fork+exec, everything else is sources.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "phonesec-netd-link.h"
#include "phonesec-netd-supervisor.h"

#define DEFAULT_USER "phonesec-netd"
#define FALLBACK_USER "nobody"
#define DEFAULT_WATCHDOG_MS 5000
/* READY after the spawn: the helper loads glib-networking and GnuTLS. */
#define MIN_STARTUP_MS 10000
#define DEFAULT_BACKOFF_MIN_MS 250
#define DEFAULT_BACKOFF_MAX_MS 30000
/* Up this long, a helper clears the failure count. */
#define STABLE_US (30 * G_USEC_PER_SEC)

typedef struct
{
  PhonesecNetdSupervisor *owner; /* NULL once this helper is over */
  guint generation;
  GSubprocess *process;
  PhonesecNetdLink *link;
  gint64 started;
  gboolean ready;
  gboolean killed; /* by us: its exit is not news */
  guint32 ping_seq;
  gint64 ping_sent; /* monotonic µs; 0: none outstanding */
} Helper;

struct _PhonesecNetdSupervisor
{
  GObject parent_instance;

  char *helper_path;
  char *user; /* NULL: the default */
  gboolean resolved;
  gboolean drop;
  uid_t uid;
  gid_t gid;
  char *priority;
  PhonesecCrashLog *crash_log;
  PhonesecNetdFrameHandler handler;
  gpointer handler_data;
  guint watchdog_ms;
  guint backoff_min_ms, backoff_max_ms;

  Helper *helper;
  guint generation;
  guint failures; /* unplanned ends in a row */
  guint backoff_id;
  guint watchdog_id;
  gboolean stopped;   /* for good */
  gboolean test_peer; /* the fuzz target's: no process is ever started */

  const char *state;
  guint restarts;
  char *last_error;
};

enum
{
  SIGNAL_SPAWNED,
  SIGNAL_READY,
  SIGNAL_STOPPED,
  SIGNAL_DRAINED,
  SIGNAL_CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PhonesecNetdSupervisor, phonesec_netd_supervisor, G_TYPE_OBJECT)

static void spawn (PhonesecNetdSupervisor *self);
static gboolean resolve_user (PhonesecNetdSupervisor *self, GError **error);

static void
set_state (PhonesecNetdSupervisor *self, const char *state)
{
  self->state = state;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/* --- ending a helper --------------------------------------------------------- */

static void
helper_free (Helper *h)
{
  g_clear_pointer (&h->link, phonesec_netd_link_free);
  g_clear_object (&h->process);
  g_free (h);
}

static gboolean
on_backoff_over (gpointer user_data)
{
  PhonesecNetdSupervisor *self = user_data;

  self->backoff_id = 0;
  spawn (self);
  return G_SOURCE_REMOVE;
}

static guint
backoff_ms (PhonesecNetdSupervisor *self)
{
  guint64 delay;

  /* The first failure is retried at once: one crash costs nothing. */
  if (self->failures <= 1)
    return 0;
  delay = self->backoff_min_ms;
  for (guint i = 2; i < self->failures && delay < self->backoff_max_ms; i++)
    delay *= 2;
  return (guint) MIN (delay, self->backoff_max_ms);
}

/* The current helper is over: @planned for a restart we asked for, else
 * @report says what happened (crash report) and a new one comes after the
 * backoff. */
static void
end_helper (PhonesecNetdSupervisor *self, gboolean planned, int signum, const char *text)
{
  Helper *h = self->helper;
  /* It goes on the bus and into a crash record: valid UTF-8 whatever. */
  g_autofree char *report = g_utf8_make_valid (text, -1);
  guint generation;

  if (h == NULL)
    return;
  generation = h->generation;
  self->helper = NULL;
  h->owner = NULL;
  if (!h->killed && h->process != NULL)
    {
      h->killed = TRUE;
      g_subprocess_force_exit (h->process);
    }
  g_clear_pointer (&h->link, phonesec_netd_link_free);
  g_clear_handle_id (&self->watchdog_id, g_source_remove);
  if (!planned)
    {
      if (g_get_monotonic_time () - h->started > STABLE_US)
        self->failures = 0;
      self->failures++;
      self->restarts++;
      g_free (self->last_error);
      self->last_error = g_strdup (report);
      g_warning ("The network service (phonesec-netd) %s", report);
      if (self->crash_log != NULL)
        phonesec_crash_log_report (self->crash_log, "phonesec-netd", NULL, signum, report);
    }
  /* The process object goes when waitpid says so (on_exited); a test
   * peer has none. */
  if (h->process == NULL)
    helper_free (h);
  g_signal_emit (self, signals[SIGNAL_STOPPED], 0, generation, planned, report);
  if (self->stopped || self->helper != NULL)
    return; /* a handler started one, or we are shutting down */
  if (planned)
    {
      spawn (self);
      return;
    }
  {
    guint delay = backoff_ms (self);

    if (delay == 0)
      spawn (self);
    else
      {
        g_message ("Starting the network service again in %u ms", delay);
        self->backoff_id = g_timeout_add (delay, on_backoff_over, self);
        set_state (self, "waiting");
      }
  }
}

static void
on_exited (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Helper *h = user_data;
  GSubprocess *process = G_SUBPROCESS (source);
  PhonesecNetdSupervisor *self = h->owner;

  g_subprocess_wait_finish (process, result, NULL);
  if (self != NULL && self->helper == h)
    {
      g_autofree char *report = NULL;
      int signum = 0;

      if (g_subprocess_get_if_signaled (process))
        {
          signum = g_subprocess_get_term_sig (process);
          report
              = g_strdup_printf (_ ("was killed by signal %d (%s)"), signum, g_strsignal (signum));
        }
      else
        report
            = g_strdup_printf (_ ("exited with status %d"), g_subprocess_get_exit_status (process));
      g_object_ref (self);
      end_helper (self, FALSE, signum, report);
      g_object_unref (self);
    }
  helper_free (h);
}

/* --- the link ------------------------------------------------------------------ */

static gboolean
on_frame (const PhonesecNetdFrame *frame, gpointer user_data, GError **error)
{
  Helper *h = user_data;
  PhonesecNetdSupervisor *self = h->owner;

  if (self == NULL)
    return TRUE;
  switch (frame->type)
    {
      case PHONESEC_NETD_TO_DAEMON_PONG:
        if (!phonesec_netd_frame_check_empty (frame, error))
          return FALSE;
        if (h->ping_sent == 0 || frame->id != h->ping_seq)
          {
            g_set_error (error, PHONESEC_NETD_ERROR, PHONESEC_NETD_ERROR_ORDER,
                         "a pong for ping %u, none of which is waiting", frame->id);
            return FALSE;
          }
        h->ping_sent = 0;
        return TRUE;
      case PHONESEC_NETD_TO_DAEMON_READY:
        {
          g_autoptr (GVariant) value
              = phonesec_netd_frame_parse (frame, PHONESEC_NETD_TYPE_READY, error);
          guint32 version;

          if (value == NULL)
            return FALSE;
          g_variant_get (value, "(u)", &version);
          if (h->ready || version != PHONESEC_NETD_PROTOCOL_VERSION || frame->id != 0)
            {
              g_set_error (error, PHONESEC_NETD_ERROR, PHONESEC_NETD_ERROR_ORDER,
                           "READY again, or for protocol %u", version);
              return FALSE;
            }
          h->ready = TRUE;
          h->ping_sent = 0;
          set_state (self, "running");
          g_signal_emit (self, signals[SIGNAL_READY], 0, h->generation);
          return TRUE;
        }
      default:
        /* Log lines may come while the helper starts (its sandbox says what
         * the kernel lacks, e.g. under qemu-user); nothing else may. */
        if (!h->ready && frame->type != PHONESEC_NETD_TO_DAEMON_LOG)
          {
            g_set_error (error, PHONESEC_NETD_ERROR, PHONESEC_NETD_ERROR_ORDER,
                         "frame 0x%02x before READY", frame->type);
            return FALSE;
          }
        if (self->handler == NULL)
          return TRUE;
        return self->handler (frame, self->handler_data, error);
    }
}

static void
on_drained (gpointer user_data)
{
  Helper *h = user_data;

  if (h->owner != NULL)
    g_signal_emit (h->owner, signals[SIGNAL_DRAINED], 0);
}

static void
on_closed (const GError *error, gpointer user_data)
{
  Helper *h = user_data;
  PhonesecNetdSupervisor *self = h->owner;
  g_autofree char *report = NULL;

  if (self == NULL || self->helper != h)
    return;
  g_object_ref (self);
  if (error != NULL && error->domain == PHONESEC_NETD_ERROR)
    {
      report = g_strdup_printf (_ ("sent malformed data (%s) and was killed"), error->message);
      end_helper (self, FALSE, 0, report);
    }
  else
    {
      /* EOF: it is exiting; waitpid tells how (on_exited). Stop talking. */
      g_clear_pointer (&h->link, phonesec_netd_link_free);
    }
  g_object_unref (self);
}

static const PhonesecNetdLinkFuncs link_funcs = {
  .frame = on_frame,
  .drained = on_drained,
  .closed = on_closed,
};

/* --- the watchdog ------------------------------------------------------------- */

static gboolean
on_watchdog (gpointer user_data)
{
  PhonesecNetdSupervisor *self = user_data;
  Helper *h = self->helper;
  gint64 now = g_get_monotonic_time ();
  gint64 period = (gint64) self->watchdog_ms * 1000;
  gint64 limit = h != NULL && !h->ready ? MAX (period, MIN_STARTUP_MS * 1000) : period;

  if (h == NULL || h->link == NULL)
    return G_SOURCE_CONTINUE;
  if (h->ping_sent != 0 && now - h->ping_sent >= limit)
    {
      /* Our own loop may have been held (a plugin blocking it): then the
       * answer may be waiting unread; judge at the next round. */
      if (now - h->ping_sent > limit + 2 * period)
        {
          h->ping_sent = now;
          return G_SOURCE_CONTINUE;
        }
      {
        g_autofree char *report = g_strdup_printf (
            h->ready ? _ ("stopped answering for %u ms (hung) and was killed")
                     : _ ("did not finish starting within %u ms (hung) and was killed"),
            (guint) (limit / 1000));

        g_object_ref (self);
        end_helper (self, FALSE, 0, report);
        g_object_unref (self);
      }
      return G_SOURCE_CONTINUE;
    }
  if (h->ready && h->ping_sent == 0)
    {
      g_autoptr (GBytes) ping
          = phonesec_netd_frame_new (PHONESEC_NETD_TO_HELPER_PING, ++h->ping_seq, NULL, 0);

      h->ping_sent = now;
      phonesec_netd_link_send (h->link, ping);
    }
  return G_SOURCE_CONTINUE;
}

/* --- spawning ------------------------------------------------------------------ */

typedef struct
{
  gboolean drop;
  uid_t uid;
  gid_t gid;
} ChildCredentials;

/* Between fork and exec: only async-signal-safe calls. The groups first,
 * while we may still change them. */
static void
child_setup (gpointer user_data)
{
  const ChildCredentials *c = user_data;

  if (!c->drop)
    return;
  if (setgroups (1, &c->gid) != 0 || setresgid (c->gid, c->gid, c->gid) != 0
      || setresuid (c->uid, c->uid, c->uid) != 0)
    _exit (77);
  /* No way back. */
  if (setresuid (0, 0, 0) == 0)
    _exit (77);
}

static void
spawn (PhonesecNetdSupervisor *self)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr (GError) error = NULL;
  ChildCredentials credentials;
  int fds[2];
  Helper *h;
  GSubprocess *process;

  if (self->stopped || self->test_peer || self->helper != NULL || self->backoff_id != 0)
    return;
  /* Looked up now, not at phonesecd's start: the name service may be slow,
   * and the bus name waits for nothing it does not need. */
  if (!self->resolved && !resolve_user (self, &error))
    {
      g_free (self->last_error);
      self->last_error = g_strdup (error->message);
      g_warning ("The network service cannot start: %s", error->message);
      self->failures++;
      self->backoff_id = g_timeout_add (MAX (backoff_ms (self), 1000), on_backoff_over, self);
      set_state (self, "waiting");
      g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
      return;
    }
  credentials = (ChildCredentials){ self->drop, self->uid, self->gid };
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    {
      int saved = errno;
      g_autofree char *report
          = g_strdup_printf (_ ("could not be started: %s"), g_strerror (saved));

      g_warning ("The network service %s", report);
      self->failures++;
      self->backoff_id = g_timeout_add (MAX (backoff_ms (self), 1000), on_backoff_over, self);
      set_state (self, "waiting");
      return;
    }
  g_subprocess_launcher_set_stdin_file_path (launcher, "/dev/null");
  g_subprocess_launcher_take_fd (launcher, fds[1], 3);
  g_subprocess_launcher_unsetenv (launcher, "NOTIFY_SOCKET");
  if (self->priority != NULL)
    g_subprocess_launcher_setenv (launcher, "G_TLS_GNUTLS_PRIORITY", self->priority, TRUE);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, &credentials, NULL);
  process = g_subprocess_launcher_spawn (launcher, &error, self->helper_path, "--fd=3", NULL);
  if (process == NULL)
    {
      g_autofree char *report = g_strdup_printf (_ ("could not be started: %s"), error->message);

      close (fds[0]);
      g_free (self->last_error);
      self->last_error = g_strdup (report);
      g_warning ("The network service %s", report);
      self->failures++;
      self->backoff_id = g_timeout_add (MAX (backoff_ms (self), 1000), on_backoff_over, self);
      set_state (self, "waiting");
      return;
    }
  h = g_new0 (Helper, 1);
  h->owner = self;
  h->generation = ++self->generation;
  h->process = process;
  h->started = g_get_monotonic_time ();
  /* Answering READY is the first ping. */
  h->ping_sent = h->started;
  h->link = phonesec_netd_link_new (fds[0], PHONESEC_NETD_MAX_TO_DAEMON, &link_funcs, h, &error);
  self->helper = h;
  g_subprocess_wait_async (process, NULL, on_exited, h);
  self->watchdog_id = g_timeout_add (self->watchdog_ms, on_watchdog, self);
  set_state (self, "starting");
  g_debug ("Network service started (pid %s)", g_subprocess_get_identifier (process));
  g_signal_emit (self, signals[SIGNAL_SPAWNED], 0, h->generation);
}

/* --- API ------------------------------------------------------------------------ */

static gboolean
resolve_user (PhonesecNetdSupervisor *self, GError **error)
{
  const char *user = self->user;
  struct passwd *pw;

  if (geteuid () != 0)
    {
      self->resolved = TRUE;
      return TRUE; /* already unprivileged: runs as we do */
    }
  pw = getpwnam (user != NULL ? user : DEFAULT_USER);
  if (pw == NULL && user == NULL)
    {
      g_message ("No user %s: the network service runs as %s", DEFAULT_USER, FALLBACK_USER);
      pw = getpwnam (FALLBACK_USER);
    }
  if (pw == NULL || pw->pw_uid == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _ ("the network service cannot run as %s: no such unprivileged user"),
                   user != NULL ? user : FALLBACK_USER);
      return FALSE;
    }
  self->drop = TRUE;
  self->uid = pw->pw_uid;
  self->gid = pw->pw_gid;
  self->resolved = TRUE;
  return TRUE;
}

PhonesecNetdSupervisor *
phonesec_netd_supervisor_new (const char *helper_path, const char *user, GError **error)
{
  g_autoptr (PhonesecNetdSupervisor) self = g_object_new (PHONESEC_TYPE_NETD_SUPERVISOR, NULL);

  self->helper_path = g_strdup (helper_path);
  self->user = g_strdup (user);
  return g_steal_pointer (&self);
}

void
phonesec_netd_supervisor_set_handler (PhonesecNetdSupervisor *self,
                                      PhonesecNetdFrameHandler handler, gpointer user_data)
{
  self->handler = handler;
  self->handler_data = user_data;
}

void
phonesec_netd_supervisor_set_crash_log (PhonesecNetdSupervisor *self, PhonesecCrashLog *crash_log)
{
  g_set_object (&self->crash_log, crash_log);
}

void
phonesec_netd_supervisor_set_priority (PhonesecNetdSupervisor *self, const char *priority)
{
  g_free (self->priority);
  self->priority = g_strdup (priority);
}

void
phonesec_netd_supervisor_set_watchdog (PhonesecNetdSupervisor *self, guint ms)
{
  self->watchdog_ms = MAX (ms, 10);
}

void
phonesec_netd_supervisor_set_backoff (PhonesecNetdSupervisor *self, guint min_ms, guint max_ms)
{
  self->backoff_min_ms = MAX (min_ms, 1);
  self->backoff_max_ms = MAX (max_ms, self->backoff_min_ms);
}

void
phonesec_netd_supervisor_start (PhonesecNetdSupervisor *self)
{
  g_return_if_fail (PHONESEC_IS_NETD_SUPERVISOR (self));
  spawn (self);
}

void
phonesec_netd_supervisor_restart (PhonesecNetdSupervisor *self, const char *why)
{
  g_return_if_fail (PHONESEC_IS_NETD_SUPERVISOR (self));
  if (self->stopped)
    return;
  g_message ("Restarting the network service: %s", why);
  /* A restart asked for is no failure: no wait either. */
  g_clear_handle_id (&self->backoff_id, g_source_remove);
  if (self->helper != NULL)
    end_helper (self, TRUE, 0, why);
  else
    spawn (self);
}

void
phonesec_netd_supervisor_kill (PhonesecNetdSupervisor *self, const char *why)
{
  g_autofree char *report = NULL;

  g_return_if_fail (PHONESEC_IS_NETD_SUPERVISOR (self));
  if (self->helper == NULL)
    return;
  report = g_strdup_printf (_ ("sent malformed data (%s) and was killed"), why);
  end_helper (self, FALSE, 0, report);
}

void
phonesec_netd_supervisor_stop (PhonesecNetdSupervisor *self)
{
  g_return_if_fail (PHONESEC_IS_NETD_SUPERVISOR (self));
  self->stopped = TRUE;
  g_clear_handle_id (&self->backoff_id, g_source_remove);
  if (self->helper != NULL)
    end_helper (self, TRUE, 0, "stopping");
  set_state (self, "stopped");
}

void
phonesec_netd_supervisor_send (PhonesecNetdSupervisor *self, GBytes *frame)
{
  if (self->helper != NULL && self->helper->link != NULL)
    phonesec_netd_link_send (self->helper->link, frame);
}

void
phonesec_netd_supervisor_send_with_fd (PhonesecNetdSupervisor *self, GBytes *frame, int fd)
{
  if (self->helper != NULL && self->helper->link != NULL)
    phonesec_netd_link_send_with_fd (self->helper->link, frame, fd);
  else if (fd >= 0)
    close (fd);
}

gboolean
phonesec_netd_supervisor_is_congested (PhonesecNetdSupervisor *self)
{
  return self->helper == NULL || self->helper->link == NULL
         || phonesec_netd_link_is_congested (self->helper->link);
}

guint
phonesec_netd_supervisor_get_generation (PhonesecNetdSupervisor *self)
{
  return self->helper != NULL ? self->helper->generation : 0;
}

gboolean
phonesec_netd_supervisor_is_ready (PhonesecNetdSupervisor *self)
{
  return self->helper != NULL && self->helper->ready
         && (self->helper->link != NULL || self->helper->process == NULL);
}

void
phonesec_netd_supervisor_attach_test_peer (PhonesecNetdSupervisor *self)
{
  Helper *h = g_new0 (Helper, 1);

  g_return_if_fail (self->helper == NULL);
  self->test_peer = TRUE;
  h->owner = self;
  h->generation = ++self->generation;
  h->started = g_get_monotonic_time ();
  h->ready = TRUE;
  self->helper = h;
  set_state (self, "running");
  g_signal_emit (self, signals[SIGNAL_SPAWNED], 0, h->generation);
  g_signal_emit (self, signals[SIGNAL_READY], 0, h->generation);
}

gboolean
phonesec_netd_supervisor_receive (PhonesecNetdSupervisor *self, const guint8 *data, gsize len)
{
  Helper *h = self->helper;
  gsize offset = 0;

  while (h != NULL && self->helper == h)
    {
      PhonesecNetdFrame frame;
      gsize consumed = 0;
      g_autoptr (GError) error = NULL;
      int got = phonesec_netd_frame_split (data + offset, len - offset, PHONESEC_NETD_MAX_TO_DAEMON,
                                           &frame, &consumed, &error);

      if (got == 0)
        return TRUE;
      if (got < 0 || !on_frame (&frame, h, &error))
        {
          if (self->helper == h)
            on_closed (error, h);
          return FALSE;
        }
      offset += consumed;
    }
  return FALSE;
}

const char *
phonesec_netd_supervisor_get_state (PhonesecNetdSupervisor *self)
{
  return self->state;
}

guint
phonesec_netd_supervisor_get_pid (PhonesecNetdSupervisor *self)
{
  const char *id;

  if (self->helper == NULL || self->helper->process == NULL
      || (id = g_subprocess_get_identifier (self->helper->process)) == NULL)
    return 0;
  return (guint) g_ascii_strtoull (id, NULL, 10);
}

guint
phonesec_netd_supervisor_get_restarts (PhonesecNetdSupervisor *self)
{
  return self->restarts;
}

const char *
phonesec_netd_supervisor_get_last_error (PhonesecNetdSupervisor *self)
{
  return self->last_error != NULL ? self->last_error : "";
}

/* --- GObject -------------------------------------------------------------------- */

static void
phonesec_netd_supervisor_dispose (GObject *object)
{
  PhonesecNetdSupervisor *self = PHONESEC_NETD_SUPERVISOR (object);

  self->stopped = TRUE;
  g_clear_handle_id (&self->backoff_id, g_source_remove);
  g_clear_handle_id (&self->watchdog_id, g_source_remove);
  if (self->helper != NULL)
    {
      Helper *h = self->helper;

      self->helper = NULL;
      h->owner = NULL;
      g_clear_pointer (&h->link, phonesec_netd_link_free);
      if (h->process != NULL)
        g_subprocess_force_exit (h->process);
      else
        helper_free (h);
    }
  g_clear_object (&self->crash_log);
  G_OBJECT_CLASS (phonesec_netd_supervisor_parent_class)->dispose (object);
}

static void
phonesec_netd_supervisor_finalize (GObject *object)
{
  PhonesecNetdSupervisor *self = PHONESEC_NETD_SUPERVISOR (object);

  g_free (self->helper_path);
  g_free (self->user);
  g_free (self->priority);
  g_free (self->last_error);
  G_OBJECT_CLASS (phonesec_netd_supervisor_parent_class)->finalize (object);
}

static void
phonesec_netd_supervisor_class_init (PhonesecNetdSupervisorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  struct sigaction old;

  object_class->dispose = phonesec_netd_supervisor_dispose;
  object_class->finalize = phonesec_netd_supervisor_finalize;
  signals[SIGNAL_SPAWNED] = g_signal_new ("spawned", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[SIGNAL_READY] = g_signal_new ("ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[SIGNAL_STOPPED]
      = g_signal_new ("stopped", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                      G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_BOOLEAN, G_TYPE_STRING);
  signals[SIGNAL_DRAINED] = g_signal_new ("drained", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /* Writing to a helper that just died must fail with EPIPE, not kill
   * phonesecd. */
  if (sigaction (SIGPIPE, NULL, &old) == 0 && old.sa_handler == SIG_DFL)
    signal (SIGPIPE, SIG_IGN);
}

static void
phonesec_netd_supervisor_init (PhonesecNetdSupervisor *self)
{
  self->watchdog_ms = DEFAULT_WATCHDOG_MS;
  self->backoff_min_ms = DEFAULT_BACKOFF_MIN_MS;
  self->backoff_max_ms = DEFAULT_BACKOFF_MAX_MS;
  self->state = "stopped";
}
