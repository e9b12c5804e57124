/* phonesec-metrics.c: counters and gauges, registered by name on first use.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-metrics-private.h"

typedef struct
{
  gboolean counter;
  gint64 value; /* counters stay >= 0 */
} Metric;

struct _PhonesecMetrics
{
  GObject parent_instance;
  GMutex lock;
  GHashTable *metrics; /* name → Metric */
  gboolean sending_allowed;
};

enum
{
  SIGNAL_SENDING_ALLOWED_CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PhonesecMetrics, phonesec_metrics, G_TYPE_OBJECT)

static Metric *
lookup (PhonesecMetrics *self, const char *name, gboolean counter)
{
  Metric *metric = g_hash_table_lookup (self->metrics, name);

  if (metric == NULL)
    {
      metric = g_new0 (Metric, 1);
      metric->counter = counter;
      g_hash_table_insert (self->metrics, g_strdup (name), metric);
    }
  return metric;
}

void
phonesec_metrics_counter_add (PhonesecMetrics *self, const char *name, guint64 delta)
{
  Metric *metric;

  g_return_if_fail (PHONESEC_IS_METRICS (self));
  g_return_if_fail (name != NULL);
  g_mutex_lock (&self->lock);
  metric = lookup (self, name, TRUE);
  if (metric->counter)
    metric->value = (gint64) MIN ((guint64) G_MAXINT64, (guint64) metric->value + delta);
  else
    g_critical ("Metric %s is a gauge, not a counter", name);
  g_mutex_unlock (&self->lock);
}

void
phonesec_metrics_gauge_set (PhonesecMetrics *self, const char *name, gint64 value)
{
  Metric *metric;

  g_return_if_fail (PHONESEC_IS_METRICS (self));
  g_return_if_fail (name != NULL);
  g_mutex_lock (&self->lock);
  metric = lookup (self, name, FALSE);
  if (!metric->counter)
    metric->value = value;
  else
    g_critical ("Metric %s is a counter, not a gauge", name);
  g_mutex_unlock (&self->lock);
}

GVariant *
phonesec_metrics_snapshot (PhonesecMetrics *self)
{
  g_autoptr (GList) names = NULL;
  GVariantBuilder builder;

  g_return_val_if_fail (PHONESEC_IS_METRICS (self), NULL);
  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_mutex_lock (&self->lock);
  names = g_list_sort (g_hash_table_get_keys (self->metrics), (GCompareFunc) g_strcmp0);
  for (GList *l = names; l != NULL; l = l->next)
    {
      Metric *metric = g_hash_table_lookup (self->metrics, l->data);
      g_variant_builder_add (&builder, "{sv}", l->data,
                             metric->counter ? g_variant_new_uint64 ((guint64) metric->value)
                                             : g_variant_new_int64 (metric->value));
    }
  g_mutex_unlock (&self->lock);
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

gboolean
phonesec_metrics_get_sending_allowed (PhonesecMetrics *self)
{
  g_return_val_if_fail (PHONESEC_IS_METRICS (self), FALSE);
  return self->sending_allowed;
}

void
phonesec_metrics_set_sending_allowed (PhonesecMetrics *self, gboolean allowed)
{
  g_return_if_fail (PHONESEC_IS_METRICS (self));
  if (self->sending_allowed == allowed)
    return;
  self->sending_allowed = allowed;
  g_message ("Metrics %s", allowed ? "may be sent (Webex_Metrics_Enable=Yes)"
                                   : "stay on the phone (Webex_Metrics_Enable=No)");
  g_signal_emit (self, signals[SIGNAL_SENDING_ALLOWED_CHANGED], 0, allowed);
}

PhonesecMetrics *
phonesec_metrics_new (void)
{
  return g_object_new (PHONESEC_TYPE_METRICS, NULL);
}

static void
phonesec_metrics_finalize (GObject *object)
{
  PhonesecMetrics *self = PHONESEC_METRICS (object);

  g_hash_table_unref (self->metrics);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (phonesec_metrics_parent_class)->finalize (object);
}

static void
phonesec_metrics_class_init (PhonesecMetricsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = phonesec_metrics_finalize;
  signals[SIGNAL_SENDING_ALLOWED_CHANGED]
      = g_signal_new ("sending-allowed-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                      NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
}

static void
phonesec_metrics_init (PhonesecMetrics *self)
{
  g_mutex_init (&self->lock);
  self->metrics = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}
