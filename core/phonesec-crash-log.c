/* phonesec-crash-log.c: crash records, and the handler that leaves one.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* sigabbrev_np */
#endif
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "phonesec-crash-log-private.h"
#include "phonesec-crash-record.h"
#include "phonesec-plugin-guard.h"

struct _PhonesecCrashLog
{
  GObject parent_instance;
  GPtrArray *records; /* GVariant a{sv} */
};

enum
{
  SIGNAL_CRASHED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PhonesecCrashLog, phonesec_crash_log, G_TYPE_OBJECT)

/* --- the handler: async-signal-safe calls only ---------------------------- */

static char crash_record_path[4096];
/* A child a plugin forked inherits the handlers: its crash or exit is not
 * the daemon's and must not leave the daemon's record. */
static pid_t daemon_pid;

/* The instruction that faulted, from the signal's machine context. */
static gconstpointer
context_pc (const void *context)
{
  const ucontext_t *uc = context;

  if (uc == NULL)
    return NULL;
#if defined(__x86_64__)
  return (gconstpointer) uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__i386__)
  return (gconstpointer) uc->uc_mcontext.gregs[REG_EIP];
#elif defined(__aarch64__)
  return (gconstpointer) uc->uc_mcontext.pc;
#elif defined(__arm__)
  return (gconstpointer) uc->uc_mcontext.arm_pc;
#else
  return NULL; /* the backtrace's frames still name the plugin */
#endif
}

/* signal=N (0 for exit()), exit=1 when exit() was called, time=unix
 * seconds, the plugin to blame when there is one (see
 * phonesec_plugin_guard_write_blame), then backtrace: and the frames. */
static void
write_record (int signum, void *const *frames, int depth, const PhonesecGuardBlame *blame)
{
  struct timespec now = { 0 };
  int fd = open (crash_record_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

  if (fd < 0)
    return;
  clock_gettime (CLOCK_REALTIME, &now);
  phonesec_crash_record_write_number (fd, "signal", signum);
  if (signum == 0)
    phonesec_crash_record_write_number (fd, "exit", 1);
  phonesec_crash_record_write_number (fd, "time", now.tv_sec);
  if (blame != NULL)
    phonesec_plugin_guard_write_blame (fd, blame);
  phonesec_crash_record_write (fd, "backtrace:\n");
  backtrace_symbols_fd ((void *const *) frames, depth, fd);
  fsync (fd);
  close (fd);
}

static void
on_fatal_signal (int signum, siginfo_t *info, void *context)
{
  void *frames[64];
  int depth = backtrace (frames, G_N_ELEMENTS (frames));
  gconstpointer pc = context_pc (context);
  PhonesecGuardBlame blame;
  gboolean blamed = phonesec_plugin_guard_blame (pc, frames, depth, &blame);

  if (getpid () == daemon_pid)
    write_record (signum, frames, depth, blamed ? &blame : NULL);
  /* SA_RESETHAND put the default action back: die of the same signal. */
  raise (signum);
}

/* exit() called by plugin code (an entry point, a callback, a thread of
 * its own) is a crash: recorded like one, and the status made a failure
 * so that systemd (Restart=on-failure) starts the daemon again. The
 * daemon's own exit, from main(), has no plugin to blame. */
static void
on_exit_called (void)
{
  void *frames[64];
  int depth = backtrace (frames, G_N_ELEMENTS (frames));
  PhonesecGuardBlame blame;

  if (crash_record_path[0] == '\0' || getpid () != daemon_pid
      || !phonesec_plugin_guard_blame (NULL, frames, depth, &blame))
    return;
  write_record (0, frames, depth, &blame);
  _exit (EXIT_FAILURE);
}

void
phonesec_crash_log_install_handler (const char *record_path)
{
  static const int fatal[] = { SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL, SIGSYS };
  static gboolean exit_hooked;
  struct sigaction action = { 0 };
  void *warmup[2];

  g_strlcpy (crash_record_path, record_path, sizeof crash_record_path);
  daemon_pid = getpid ();
  /* backtrace() loads libgcc on first use, which allocates: not in a
   * signal handler. */
  backtrace (warmup, 2);
  action.sa_sigaction = on_fatal_signal;
  action.sa_flags = SA_SIGINFO | SA_RESETHAND | SA_NODEFER;
  sigemptyset (&action.sa_mask);
  for (guint i = 0; i < G_N_ELEMENTS (fatal); i++)
    sigaction (fatal[i], &action, NULL);
  if (!exit_hooked)
    exit_hooked = atexit (on_exit_called) == 0;
}

/* --- records -------------------------------------------------------------- */

static const char *
signal_name (int signum)
{
  const char *abbrev = signum > 0 ? sigabbrev_np (signum) : NULL;
  return abbrev != NULL ? abbrev : "";
}

void
phonesec_crash_log_report (PhonesecCrashLog *self, const char *process, const char *plugin,
                           int signum, const char *details)
{
  GVariantDict dict;
  GVariant *record;

  g_return_if_fail (PHONESEC_IS_CRASH_LOG (self));
  g_return_if_fail (process != NULL);
  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "process", "s", process);
  g_variant_dict_insert (&dict, "plugin", "s", plugin != NULL ? plugin : "");
  g_variant_dict_insert (&dict, "signal", "i", signum);
  g_variant_dict_insert (&dict, "signal-name", "s", signal_name (signum));
  g_variant_dict_insert (&dict, "time", "x", g_get_real_time () / G_USEC_PER_SEC);
  g_variant_dict_insert (&dict, "details", "s", details != NULL ? details : "");
  record = g_variant_ref_sink (g_variant_dict_end (&dict));
  g_ptr_array_add (self->records, record);
  g_warning ("Crash recorded: %s%s%s died%s%s", process, plugin != NULL ? " of plugin " : "",
             plugin != NULL ? plugin : "", signum > 0 ? " on signal " : "", signal_name (signum));
  g_signal_emit (self, signals[SIGNAL_CRASHED], 0, record);
}

char *
phonesec_crash_record_dup_field (const char *record, const char *key)
{
  g_auto (GStrv) lines = NULL;
  gsize key_len = strlen (key);

  if (record == NULL)
    return NULL;
  lines = g_strsplit (record, "\n", -1);
  for (guint i = 0; lines[i] != NULL && !g_str_equal (lines[i], "backtrace:"); i++)
    if (strncmp (lines[i], key, key_len) == 0 && lines[i][key_len] == '=')
      return g_strdup (lines[i] + key_len + 1);
  return NULL;
}

char *
phonesec_crash_log_add_previous_run (PhonesecCrashLog *self, const char *record_path)
{
  g_autofree char *text = NULL;
  g_autofree char *plugin = NULL;
  g_autofree char *details = NULL;
  int signum = 0;

  if (g_file_get_contents (record_path, &text, NULL, NULL))
    {
      g_autofree char *signal_field = phonesec_crash_record_dup_field (text, "signal");

      if (signal_field != NULL)
        signum = atoi (signal_field);
      plugin = phonesec_crash_record_dup_field (text, "plugin");
      g_unlink (record_path);
      details = g_strdup (text);
    }
  else
    details = g_strdup (_ ("No crash record: the process was killed (SIGKILL), hung and was "
                           "stopped, or the phone lost power."));
  phonesec_crash_log_report (self, "phonesecd", plugin, signum, details);
  return g_steal_pointer (&text);
}

GVariant *
phonesec_crash_log_dup_records (PhonesecCrashLog *self)
{
  GVariantBuilder builder;

  g_return_val_if_fail (PHONESEC_IS_CRASH_LOG (self), NULL);
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < self->records->len; i++)
    g_variant_builder_add_value (&builder, self->records->pdata[i]);
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

PhonesecCrashLog *
phonesec_crash_log_new (void)
{
  return g_object_new (PHONESEC_TYPE_CRASH_LOG, NULL);
}

static void
phonesec_crash_log_finalize (GObject *object)
{
  PhonesecCrashLog *self = PHONESEC_CRASH_LOG (object);

  g_ptr_array_unref (self->records);
  G_OBJECT_CLASS (phonesec_crash_log_parent_class)->finalize (object);
}

static void
phonesec_crash_log_class_init (PhonesecCrashLogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = phonesec_crash_log_finalize;
  signals[SIGNAL_CRASHED] = g_signal_new ("crashed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_VARIANT);
}

static void
phonesec_crash_log_init (PhonesecCrashLog *self)
{
  self->records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
}
