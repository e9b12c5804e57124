/* phonesec-plugin-watchdog.c: a sampling thread over the guard's marker.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-plugin-guard.h"
#include "phonesec-plugin-watchdog.h"

#define SAMPLE_US (100 * 1000)

/* Where reports go: shared with reports still queued in the main context,
 * which must find it gone once the watchdog is freed. */
typedef struct
{
  gint refs;
  GMutex lock;
  PhonesecWatchdogFunc func; /* NULL once the watchdog is freed */
  gpointer user_data;
} Sink;

struct _PhonesecPluginWatchdog
{
  GThread *thread;
  GMutex lock;
  GCond wake;
  gboolean stop;
  gint64 threshold_us;
  Sink *sink;
};

typedef struct
{
  Sink *sink;
  char *plugin;
  char *where;
  guint milliseconds;
  gint64 began;
} Report;

static void
sink_unref (Sink *sink)
{
  if (!g_atomic_int_dec_and_test (&sink->refs))
    return;
  g_mutex_clear (&sink->lock);
  g_free (sink);
}

static void
report_free (gpointer data)
{
  Report *report = data;

  sink_unref (report->sink);
  g_free (report->plugin);
  g_free (report->where);
  g_free (report);
}

static gboolean
deliver (gpointer data)
{
  Report *report = data;
  PhonesecWatchdogFunc func;
  gpointer user_data;

  g_mutex_lock (&report->sink->lock);
  func = report->sink->func;
  user_data = report->sink->user_data;
  g_mutex_unlock (&report->sink->lock);
  if (func != NULL)
    func (report->plugin, report->where, report->milliseconds, report->began, user_data);
  return G_SOURCE_REMOVE;
}

static char *
describe_call (const PhonesecGuardCall *call)
{
  const char *iface = phonesec_guard_marker.interface_name;
  const char *method = phonesec_guard_marker.method_name;

  /* The names come from the skeleton's static introspection data. */
  if (call->entry == PHONESEC_GUARD_DBUS_METHOD && iface != NULL && method != NULL)
    return g_strdup_printf ("%s %s.%s", phonesec_plugin_guard_entry_name (call->entry), iface,
                            method);
  return g_strdup (phonesec_plugin_guard_entry_name (call->entry));
}

/* Samples the marker. A call is the pair (marker, serial): the same pair
 * on two samples is the same call, still running. */
static gpointer
watch (gpointer data)
{
  PhonesecPluginWatchdog *self = data;
  const PhonesecGuardCall *seen = NULL;
  guint seen_serial = 0;
  gint64 first = 0, last = 0, began = 0;
  char *where = NULL; /* set once the call is over the threshold */

  g_mutex_lock (&self->lock);
  while (!self->stop)
    {
      const PhonesecGuardCall *call;
      guint serial;
      gint64 now;

      g_cond_wait_until (&self->wake, &self->lock, g_get_monotonic_time () + SAMPLE_US);
      if (self->stop)
        break;
      call = __atomic_load_n (&phonesec_guard_marker.call, __ATOMIC_RELAXED);
      serial = __atomic_load_n (&phonesec_guard_marker.serial, __ATOMIC_RELAXED);
      now = g_get_monotonic_time ();
      if (call == seen && serial == seen_serial)
        {
          if (call == NULL)
            continue;
          last = now;
          if (where == NULL && last - first >= self->threshold_us)
            {
              where = describe_call (call);
              g_warning ("Plugin %s has held the main loop for %.1f s in %s", call->guard->name,
                         (double) (last - first) / G_USEC_PER_SEC, where);
            }
          continue;
        }
      if (where != NULL)
        {
          Report *report = g_new0 (Report, 1);

          /* It ran from up to a sample before it was first seen to up to
           * one after it was last seen: the middle of that. */
          report->sink = self->sink;
          g_atomic_int_inc (&self->sink->refs);
          report->plugin = g_strdup (seen->guard->name);
          report->where = g_steal_pointer (&where);
          report->milliseconds = (guint) ((last - first + SAMPLE_US) / 1000);
          report->began = began;
          g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, deliver, report, report_free);
        }
      seen = call;
      seen_serial = serial;
      first = last = now;
      began = g_get_real_time () - SAMPLE_US / 2;
    }
  g_mutex_unlock (&self->lock);
  g_free (where);
  return NULL;
}

PhonesecPluginWatchdog *
phonesec_plugin_watchdog_new (guint threshold_ms, PhonesecWatchdogFunc func, gpointer user_data)
{
  PhonesecPluginWatchdog *self = g_new0 (PhonesecPluginWatchdog, 1);

  g_mutex_init (&self->lock);
  g_cond_init (&self->wake);
  self->threshold_us = (gint64) threshold_ms * 1000;
  self->sink = g_new0 (Sink, 1);
  self->sink->refs = 1;
  g_mutex_init (&self->sink->lock);
  self->sink->func = func;
  self->sink->user_data = user_data;
  self->thread = g_thread_new ("plugin-watchdog", watch, self);
  return self;
}

void
phonesec_plugin_watchdog_free (PhonesecPluginWatchdog *self)
{
  if (self == NULL)
    return;
  g_mutex_lock (&self->lock);
  self->stop = TRUE;
  g_cond_signal (&self->wake);
  g_mutex_unlock (&self->lock);
  g_thread_join (self->thread);

  g_mutex_lock (&self->sink->lock);
  self->sink->func = NULL;
  g_mutex_unlock (&self->sink->lock);
  sink_unref (self->sink);
  g_cond_clear (&self->wake);
  g_mutex_clear (&self->lock);
  g_free (self);
}
