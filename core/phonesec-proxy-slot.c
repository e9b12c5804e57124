/* phonesec-proxy-slot.c: a GProxyResolver that forwards to whatever resolver
 * the http-proxy plugin installs, so the shared SoupSession (created before
 * any plugin) follows proxy changes without being rebuilt.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-proxy-slot.h"

struct _PhonesecProxySlot
{
  GObject parent_instance;
  GMutex lock; /* lookups may come from GIO worker threads */
  GProxyResolver *resolver;
  PhonesecMetrics *metrics;
};

static void phonesec_proxy_slot_iface_init (GProxyResolverInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PhonesecProxySlot, phonesec_proxy_slot, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_PROXY_RESOLVER,
                                                      phonesec_proxy_slot_iface_init))

static GProxyResolver *
dup_resolver (PhonesecProxySlot *self)
{
  GProxyResolver *resolver;

  if (self->metrics != NULL)
    phonesec_metrics_counter_add (self->metrics, "core.proxy.lookups", 1);
  g_mutex_lock (&self->lock);
  resolver = self->resolver != NULL ? g_object_ref (self->resolver) : NULL;
  g_mutex_unlock (&self->lock);
  return resolver;
}

static char **
direct (void)
{
  char **result = g_new0 (char *, 2);

  result[0] = g_strdup ("direct://");
  return result;
}

static gboolean
phonesec_proxy_slot_is_supported (GProxyResolver *resolver)
{
  return TRUE;
}

static char **
phonesec_proxy_slot_lookup (GProxyResolver *resolver, const char *uri, GCancellable *cancellable,
                            GError **error)
{
  g_autoptr (GProxyResolver) inner = dup_resolver (PHONESEC_PROXY_SLOT (resolver));

  if (inner == NULL)
    return direct ();
  return g_proxy_resolver_lookup (inner, uri, cancellable, error);
}

static void
inner_lookup_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  char **proxies = g_proxy_resolver_lookup_finish (G_PROXY_RESOLVER (source), result, &error);

  if (proxies == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, proxies, (GDestroyNotify) g_strfreev);
}

static void
phonesec_proxy_slot_lookup_async (GProxyResolver *resolver, const char *uri,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  g_autoptr (GProxyResolver) inner = dup_resolver (PHONESEC_PROXY_SLOT (resolver));
  GTask *task = g_task_new (resolver, cancellable, callback, user_data);

  g_task_set_source_tag (task, phonesec_proxy_slot_lookup_async);
  if (inner == NULL)
    {
      g_task_return_pointer (task, direct (), (GDestroyNotify) g_strfreev);
      g_object_unref (task);
      return;
    }
  g_proxy_resolver_lookup_async (inner, uri, cancellable, inner_lookup_done, task);
}

static char **
phonesec_proxy_slot_lookup_finish (GProxyResolver *resolver, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
phonesec_proxy_slot_iface_init (GProxyResolverInterface *iface)
{
  iface->is_supported = phonesec_proxy_slot_is_supported;
  iface->lookup = phonesec_proxy_slot_lookup;
  iface->lookup_async = phonesec_proxy_slot_lookup_async;
  iface->lookup_finish = phonesec_proxy_slot_lookup_finish;
}

static void
phonesec_proxy_slot_finalize (GObject *object)
{
  PhonesecProxySlot *self = PHONESEC_PROXY_SLOT (object);

  g_clear_object (&self->resolver);
  g_clear_object (&self->metrics);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (phonesec_proxy_slot_parent_class)->finalize (object);
}

static void
phonesec_proxy_slot_class_init (PhonesecProxySlotClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = phonesec_proxy_slot_finalize;
}

static void
phonesec_proxy_slot_init (PhonesecProxySlot *self)
{
  g_mutex_init (&self->lock);
}

PhonesecProxySlot *
phonesec_proxy_slot_new (void)
{
  return g_object_new (PHONESEC_TYPE_PROXY_SLOT, NULL);
}

void
phonesec_proxy_slot_set_resolver (PhonesecProxySlot *self, GProxyResolver *resolver)
{
  g_return_if_fail (PHONESEC_IS_PROXY_SLOT (self));
  g_mutex_lock (&self->lock);
  g_set_object (&self->resolver, resolver);
  g_mutex_unlock (&self->lock);
}

void
phonesec_proxy_slot_set_metrics (PhonesecProxySlot *self, PhonesecMetrics *metrics)
{
  g_return_if_fail (PHONESEC_IS_PROXY_SLOT (self));
  g_set_object (&self->metrics, metrics);
}
