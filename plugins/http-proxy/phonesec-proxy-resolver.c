/* phonesec-proxy-resolver.c: Off → direct://, Manual → http://host:port,
 * Auto → whatever the plugin's PAC evaluation answers (direct:// on any
 * error, and always for the PAC file itself).
 *
 * GIO may ask from any thread (GSocketClient in a worker, libsoup in the
 * main thread), so the mode is a snapshot under a mutex and Auto lookups
 * hop to the plugin's main context. A list of several proxies needs nothing
 * more here: GProxyAddressEnumerator tries them in order when one refuses
 * or times out.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-proxy-resolver.h"

#include "phonesec-proxy-list.h"

/* How long a synchronous Auto lookup from another thread waits. */
#define SYNC_LOOKUP_TIMEOUT_US (15 * G_TIME_SPAN_SECOND)

typedef enum
{
  MODE_OFF,
  MODE_MANUAL,
  MODE_AUTO,
} Mode;

struct _PhonesecProxyResolver
{
  GObject parent_instance;

  GMainContext *context;
  GMutex lock; /* guards everything below */
  Mode mode;
  char *manual_uri;
  PhonesecProxyAutoFunc auto_func;
  GObject *auto_object;
  GStrv pac_urls;
};

static void phonesec_proxy_resolver_iface_init (GProxyResolverInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PhonesecProxyResolver, phonesec_proxy_resolver, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_PROXY_RESOLVER,
                                                      phonesec_proxy_resolver_iface_init))

static char **
single (const char *uri)
{
  char **result = g_new0 (char *, 2);

  result[0] = g_strdup (uri);
  return result;
}

/* The answer that needs no evaluation, or NULL for an Auto lookup (then
 * *func and *object are set, object referenced). */
static char **
answer_now (PhonesecProxyResolver *self, const char *uri, PhonesecProxyAutoFunc *func,
            GObject **object)
{
  char **result = NULL;

  g_mutex_lock (&self->lock);
  switch (self->mode)
    {
      case MODE_OFF:
        result = single ("direct://");
        break;
      case MODE_MANUAL:
        result = single (self->manual_uri);
        break;
      case MODE_AUTO:
        if (phonesec_proxy_url_is_pac (uri, (const char *const *) self->pac_urls))
          result = single ("direct://");
        else
          {
            *func = self->auto_func;
            *object = g_object_ref (self->auto_object);
          }
        break;
    }
  g_mutex_unlock (&self->lock);
  return result;
}

/* --- Auto: in the plugin's context ------------------------------------------ */

/* A synchronous lookup's wait; shared with a callback that may come after
 * the waiter gave up, hence the reference count. */
typedef struct
{
  gatomicrefcount ref;
  GMutex lock;
  GCond cond;
  gboolean done;
  char **proxies;
} SyncWait;

static void
sync_wait_unref (SyncWait *wait)
{
  if (!g_atomic_ref_count_dec (&wait->ref))
    return;
  g_strfreev (wait->proxies);
  g_mutex_clear (&wait->lock);
  g_cond_clear (&wait->cond);
  g_free (wait);
}

typedef struct
{
  PhonesecProxyAutoFunc func;
  GObject *object;
  char *uri;
  GTask *caller_task; /* an async lookup's task, or NULL */
  SyncWait *wait;     /* a sync lookup's wait, or NULL */
} AutoCall;

static void
auto_call_free (AutoCall *call)
{
  g_clear_object (&call->object);
  g_clear_object (&call->caller_task);
  g_clear_pointer (&call->wait, sync_wait_unref);
  g_free (call->uri);
  g_free (call);
}

/* The plugin answered (in its context): hand the answer to whoever asked. */
static void
auto_call_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AutoCall *call = user_data;
  g_autoptr (GError) error = NULL;
  char **proxies = g_task_propagate_pointer (G_TASK (result), &error);

  if (proxies == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    proxies = single ("direct://");
  if (call->caller_task != NULL)
    {
      if (proxies != NULL)
        g_task_return_pointer (call->caller_task, proxies, (GDestroyNotify) g_strfreev);
      else
        g_task_return_error (call->caller_task, g_steal_pointer (&error));
    }
  else
    {
      g_mutex_lock (&call->wait->lock);
      call->wait->proxies = proxies;
      g_atomic_int_set (&call->wait->done, TRUE);
      g_cond_signal (&call->wait->cond);
      g_mutex_unlock (&call->wait->lock);
    }
  auto_call_free (call);
}

static gboolean
run_auto_call (gpointer user_data)
{
  AutoCall *call = user_data;
  GCancellable *cancellable
      = call->caller_task != NULL ? g_task_get_cancellable (call->caller_task) : NULL;
  /* Created here, so that it completes in the plugin's context. */
  g_autoptr (GTask) task = g_task_new (call->object, cancellable, auto_call_done, call);

  g_task_set_source_tag (task, run_auto_call);
  call->func (call->uri, task, call->object);
  return G_SOURCE_REMOVE;
}

static void
start_auto (PhonesecProxyResolver *self, PhonesecProxyAutoFunc func, GObject *object,
            const char *uri, GTask *caller_task, SyncWait *wait)
{
  AutoCall *call = g_new0 (AutoCall, 1);

  call->func = func;
  call->object = object; /* the reference answer_now took */
  call->uri = g_strdup (uri);
  call->caller_task = caller_task != NULL ? g_object_ref (caller_task) : NULL;
  if (wait != NULL)
    {
      g_atomic_ref_count_inc (&wait->ref);
      call->wait = wait;
    }
  g_main_context_invoke (self->context, run_auto_call, call);
}

static void
phonesec_proxy_resolver_lookup_async (GProxyResolver *resolver, const char *uri,
                                      GCancellable *cancellable, GAsyncReadyCallback callback,
                                      gpointer user_data)
{
  PhonesecProxyResolver *self = PHONESEC_PROXY_RESOLVER (resolver);
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  PhonesecProxyAutoFunc func = NULL;
  GObject *object = NULL;
  char **now;

  g_task_set_source_tag (task, phonesec_proxy_resolver_lookup_async);
  now = answer_now (self, uri, &func, &object);
  if (now != NULL)
    g_task_return_pointer (task, now, (GDestroyNotify) g_strfreev);
  else
    start_auto (self, func, object, uri, task, NULL);
}

static char **
phonesec_proxy_resolver_lookup_finish (GProxyResolver *resolver, GAsyncResult *result,
                                       GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* GIO worker threads may ask synchronously. */
static char **
phonesec_proxy_resolver_lookup (GProxyResolver *resolver, const char *uri,
                                GCancellable *cancellable, GError **error)
{
  PhonesecProxyResolver *self = PHONESEC_PROXY_RESOLVER (resolver);
  PhonesecProxyAutoFunc func = NULL;
  GObject *object = NULL;
  SyncWait *wait;
  char **now, **proxies = NULL;
  gint64 deadline;

  now = answer_now (self, uri, &func, &object);
  if (now != NULL)
    return now;
  /* Waiting in the plugin's own thread would deadlock: that thread is the
   * one that evaluates. Nothing in phonesecd asks that way; go direct. */
  if (g_main_context_is_owner (self->context))
    {
      g_object_unref (object);
      g_debug ("synchronous Auto proxy lookup from the main thread: direct");
      return single ("direct://");
    }
  wait = g_new0 (SyncWait, 1);
  g_atomic_ref_count_init (&wait->ref);
  g_mutex_init (&wait->lock);
  g_cond_init (&wait->cond);
  start_auto (self, func, object, uri, NULL, wait);

  deadline = g_get_monotonic_time () + SYNC_LOOKUP_TIMEOUT_US;
  /* Nobody runs the plugin's context (a synchronous caller blocked the
   * main thread, as a sync SoupSession call does): run it ourselves. */
  if (g_main_context_acquire (self->context))
    {
      while (!g_atomic_int_get (&wait->done) && g_get_monotonic_time () < deadline
             && !g_cancellable_is_cancelled (cancellable))
        g_main_context_iteration (self->context, TRUE);
      g_main_context_release (self->context);
    }
  g_mutex_lock (&wait->lock);
  while (!wait->done && !g_cancellable_is_cancelled (cancellable))
    if (!g_cond_wait_until (&wait->cond, &wait->lock, deadline))
      break;
  if (wait->done)
    proxies = g_steal_pointer (&wait->proxies);
  g_mutex_unlock (&wait->lock);
  sync_wait_unref (wait);
  if (proxies == NULL && g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  if (proxies == NULL)
    {
      g_warning ("Auto proxy lookup did not answer in time: going direct");
      proxies = single ("direct://");
    }
  return proxies;
}

static gboolean
phonesec_proxy_resolver_is_supported (GProxyResolver *resolver)
{
  return TRUE;
}

static void
phonesec_proxy_resolver_iface_init (GProxyResolverInterface *iface)
{
  iface->is_supported = phonesec_proxy_resolver_is_supported;
  iface->lookup = phonesec_proxy_resolver_lookup;
  iface->lookup_async = phonesec_proxy_resolver_lookup_async;
  iface->lookup_finish = phonesec_proxy_resolver_lookup_finish;
}

/* --- mode ------------------------------------------------------------------ */

static void
set_mode (PhonesecProxyResolver *self, Mode mode, const char *manual_uri,
          PhonesecProxyAutoFunc func, GObject *object)
{
  GObject *old_object;

  g_mutex_lock (&self->lock);
  self->mode = mode;
  g_free (self->manual_uri);
  self->manual_uri = g_strdup (manual_uri);
  self->auto_func = func;
  old_object = self->auto_object;
  self->auto_object = object != NULL ? g_object_ref (object) : NULL;
  g_mutex_unlock (&self->lock);
  /* Outside the lock: the object's last reference may go here. */
  g_clear_object (&old_object);
}

void
phonesec_proxy_resolver_set_off (PhonesecProxyResolver *self)
{
  g_return_if_fail (PHONESEC_IS_PROXY_RESOLVER (self));
  set_mode (self, MODE_OFF, NULL, NULL, NULL);
}

void
phonesec_proxy_resolver_set_manual (PhonesecProxyResolver *self, const char *proxy_uri)
{
  g_return_if_fail (PHONESEC_IS_PROXY_RESOLVER (self));
  g_return_if_fail (proxy_uri != NULL);
  set_mode (self, MODE_MANUAL, proxy_uri, NULL, NULL);
}

void
phonesec_proxy_resolver_set_auto (PhonesecProxyResolver *self, PhonesecProxyAutoFunc func,
                                  GObject *object)
{
  g_return_if_fail (PHONESEC_IS_PROXY_RESOLVER (self));
  g_return_if_fail (func != NULL && G_IS_OBJECT (object));
  set_mode (self, MODE_AUTO, NULL, func, object);
}

void
phonesec_proxy_resolver_set_pac_urls (PhonesecProxyResolver *self, const char *const *pac_urls)
{
  g_return_if_fail (PHONESEC_IS_PROXY_RESOLVER (self));
  g_mutex_lock (&self->lock);
  g_strfreev (self->pac_urls);
  self->pac_urls = g_strdupv ((char **) pac_urls);
  g_mutex_unlock (&self->lock);
}

/* --- GObject ---------------------------------------------------------------- */

static void
phonesec_proxy_resolver_finalize (GObject *object)
{
  PhonesecProxyResolver *self = PHONESEC_PROXY_RESOLVER (object);

  g_free (self->manual_uri);
  g_clear_object (&self->auto_object);
  g_strfreev (self->pac_urls);
  g_main_context_unref (self->context);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (phonesec_proxy_resolver_parent_class)->finalize (object);
}

static void
phonesec_proxy_resolver_class_init (PhonesecProxyResolverClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = phonesec_proxy_resolver_finalize;
}

static void
phonesec_proxy_resolver_init (PhonesecProxyResolver *self)
{
  g_mutex_init (&self->lock);
  self->mode = MODE_OFF;
}

PhonesecProxyResolver *
phonesec_proxy_resolver_new (GMainContext *context)
{
  PhonesecProxyResolver *self = g_object_new (PHONESEC_TYPE_PROXY_RESOLVER, NULL);

  self->context = g_main_context_ref (context != NULL ? context : g_main_context_default ());
  return self;
}
