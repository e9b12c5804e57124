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
#include <unistd.h>

#include "phonesec-crash-log-private.h"

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

static void
write_str (int fd, const char *s)
{
  if (write (fd, s, strlen (s)) < 0)
    return;
}

static void
on_fatal_signal (int signum)
{
  char number[16];
  int fd, n = 0, v = signum;
  char digits[16];
  void *frames[64];
  int depth;

  fd = open (crash_record_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd >= 0)
    {
      do
        digits[n++] = (char) ('0' + v % 10);
      while ((v /= 10) > 0 && n < 15);
      for (int i = 0; i < n; i++)
        number[i] = digits[n - 1 - i];
      number[n] = '\0';
      write_str (fd, "signal=");
      write_str (fd, number);
      write_str (fd, "\nbacktrace:\n");
      depth = backtrace (frames, G_N_ELEMENTS (frames));
      backtrace_symbols_fd (frames, depth, fd);
      fsync (fd);
      close (fd);
    }
  /* SA_RESETHAND put the default action back: die of the same signal. */
  raise (signum);
}

void
phonesec_crash_log_install_handler (const char *record_path)
{
  static const int fatal[] = { SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL, SIGSYS };
  struct sigaction action = { 0 };
  void *warmup[2];

  g_strlcpy (crash_record_path, record_path, sizeof crash_record_path);
  /* backtrace() loads libgcc on first use, which allocates: not in a
   * signal handler. */
  backtrace (warmup, 2);
  action.sa_handler = on_fatal_signal;
  action.sa_flags = SA_RESETHAND | SA_NODEFER;
  sigemptyset (&action.sa_mask);
  for (guint i = 0; i < G_N_ELEMENTS (fatal); i++)
    sigaction (fatal[i], &action, NULL);
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

void
phonesec_crash_log_add_previous_run (PhonesecCrashLog *self, const char *record_path)
{
  g_autofree char *text = NULL;
  int signum = 0;

  if (g_file_get_contents (record_path, &text, NULL, NULL))
    {
      if (g_str_has_prefix (text, "signal="))
        signum = atoi (text + strlen ("signal="));
      g_unlink (record_path);
    }
  else
    text = g_strdup (_ ("No crash record: the process was killed (SIGKILL), hung and was "
                        "stopped, or the phone lost power."));
  phonesec_crash_log_report (self, "phonesecd", NULL, signum, text);
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
  signals[SIGNAL_CRASHED]
      = g_signal_new ("crashed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                      G_TYPE_NONE, 1, G_TYPE_VARIANT);
}

static void
phonesec_crash_log_init (PhonesecCrashLog *self)
{
  self->records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
}
