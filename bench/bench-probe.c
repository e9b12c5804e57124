/* bench-probe.c: a plugin that reports every config_changed() call.
 *
 * On each call it emits, on its plugin object,
 *   org.phonesec.BenchProbe.ConfigChanged (t monotonic_ns, t generation, as names)
 * where monotonic_ns is CLOCK_MONOTONIC when the core called it: the
 * benchmark splits Apply → signal into "until the plugin was called" and
 * "the signal's own trip over the bus". It uses only the SDK, as a real
 * plugin would.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <phonesec/phonesec.h>
#include <time.h>

#define BENCH_TYPE_PROBE (bench_probe_get_type ())
G_DECLARE_FINAL_TYPE (BenchProbe, bench_probe, BENCH, PROBE, GObject)

struct _BenchProbe
{
  GObject parent_instance;
  PhonesecContext *context;
};

static void bench_probe_plugin_init (PhonesecPluginInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (BenchProbe, bench_probe, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PHONESEC_TYPE_PLUGIN,
                                                      bench_probe_plugin_init))

static gboolean
bench_probe_activate (PhonesecPlugin *plugin, PhonesecContext *context, GError **error)
{
  g_set_object (&BENCH_PROBE (plugin)->context, context);
  return TRUE;
}

static void
bench_probe_deactivate (PhonesecPlugin *plugin)
{
  g_clear_object (&BENCH_PROBE (plugin)->context);
}

static void
bench_probe_config_changed (PhonesecPlugin *plugin, const char *const *names)
{
  BenchProbe *self = BENCH_PROBE (plugin);
  struct timespec ts;
  guint64 now;

  /* First thing: the timestamp is "when the core called us". */
  clock_gettime (CLOCK_MONOTONIC, &ts);
  now = (guint64) ts.tv_sec * 1000000000u + (guint64) ts.tv_nsec;
  if (self->context == NULL)
    return;
  g_dbus_connection_emit_signal (
      phonesec_context_get_connection (self->context), NULL,
      phonesec_context_get_object_path (self->context), "org.phonesec.BenchProbe", "ConfigChanged",
      g_variant_new ("(tt^as)", now, phonesec_context_get_generation (self->context), names), NULL);
}

static void
bench_probe_dispose (GObject *object)
{
  g_clear_object (&BENCH_PROBE (object)->context);
  G_OBJECT_CLASS (bench_probe_parent_class)->dispose (object);
}

static void
bench_probe_class_init (BenchProbeClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = bench_probe_dispose;
}

static void
bench_probe_init (BenchProbe *self)
{
}

static void
bench_probe_plugin_init (PhonesecPluginInterface *iface)
{
  iface->activate = bench_probe_activate;
  iface->deactivate = bench_probe_deactivate;
  iface->config_changed = bench_probe_config_changed;
}

PHONESEC_PLUGIN_DEFINE (bench_probe_get_type)
