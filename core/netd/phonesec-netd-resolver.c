/* phonesec-netd-resolver.c: see the header.
 *
 * Lookup ids are never reused: the daemon answers each one once, even one
 * we stopped waiting for (cancelled), and no more than
 * PHONESEC_NETD_MAX_LOOKUPS may be unanswered, so further questions wait
 * here. A synchronous lookup would block a thread on the main loop: it
 * fails, and the connection with it (never a silent direct one).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gi18n-lib.h>
#include <string.h>

#include "phonesec-netd-resolver.h"

typedef struct
{
  guint32 id;
  char *uri;
  GTask *task; /* NULL once cancelled */
} Lookup;

struct _PhonesecNetdResolver
{
  GObject parent_instance;

  PhonesecNetdLink *link;
  guint32 next_id;
  GHashTable *asked; /* id → Lookup*, sent and unanswered */
  GQueue waiting;    /* Lookup*, not sent yet */
};

static void phonesec_netd_resolver_iface_init (GProxyResolverInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PhonesecNetdResolver, phonesec_netd_resolver, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_PROXY_RESOLVER,
                                                      phonesec_netd_resolver_iface_init))

static void
lookup_free (Lookup *lookup)
{
  g_clear_object (&lookup->task);
  g_free (lookup->uri);
  g_free (lookup);
}

static void
send_waiting (PhonesecNetdResolver *self)
{
  while (g_hash_table_size (self->asked) < PHONESEC_NETD_MAX_LOOKUPS
         && !g_queue_is_empty (&self->waiting))
    {
      Lookup *lookup = g_queue_pop_head (&self->waiting);
      g_autoptr (GBytes) frame = NULL;

      if (lookup->task == NULL)
        {
          lookup_free (lookup);
          continue;
        }
      lookup->id = ++self->next_id;
      frame = phonesec_netd_frame_new_variant (PHONESEC_NETD_TO_DAEMON_PROXY_LOOKUP, lookup->id,
                                               g_variant_new ("(s)", lookup->uri), FALSE);
      g_hash_table_insert (self->asked, GUINT_TO_POINTER (lookup->id), lookup);
      phonesec_netd_link_send (self->link, frame);
    }
}

static gboolean
phonesec_netd_resolver_is_supported (GProxyResolver *resolver)
{
  return TRUE;
}

static char **
phonesec_netd_resolver_lookup (GProxyResolver *resolver, const char *uri, GCancellable *cancellable,
                               GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       "the network service asks for proxies asynchronously only");
  return NULL;
}

static void
phonesec_netd_resolver_lookup_async (GProxyResolver *resolver, const char *uri,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  PhonesecNetdResolver *self = PHONESEC_NETD_RESOLVER (resolver);
  GTask *task = g_task_new (resolver, cancellable, callback, user_data);
  Lookup *lookup;

  g_task_set_source_tag (task, phonesec_netd_resolver_lookup_async);
  if (!g_utf8_validate (uri, -1, NULL) || strlen (uri) > PHONESEC_NETD_MAX_URL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "not a URL the proxy can be asked for");
      g_object_unref (task);
      return;
    }
  lookup = g_new0 (Lookup, 1);
  lookup->uri = g_strdup (uri);
  lookup->task = task;
  g_queue_push_tail (&self->waiting, lookup);
  send_waiting (self);
}

static char **
phonesec_netd_resolver_lookup_finish (GProxyResolver *resolver, GAsyncResult *result,
                                      GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
phonesec_netd_resolver_iface_init (GProxyResolverInterface *iface)
{
  iface->is_supported = phonesec_netd_resolver_is_supported;
  iface->lookup = phonesec_netd_resolver_lookup;
  iface->lookup_async = phonesec_netd_resolver_lookup_async;
  iface->lookup_finish = phonesec_netd_resolver_lookup_finish;
}

void
phonesec_netd_resolver_answer (PhonesecNetdResolver *self, guint32 id, const char *const *proxies)
{
  Lookup *lookup = NULL;

  if (!g_hash_table_steal_extended (self->asked, GUINT_TO_POINTER (id), NULL, (gpointer *) &lookup))
    return;
  /* A cancelled lookup has waited for its answer all the same. */
  if (g_task_return_error_if_cancelled (lookup->task))
    ;
  else if (proxies == NULL || proxies[0] == NULL)
    g_task_return_new_error (lookup->task, G_IO_ERROR, G_IO_ERROR_PROXY_FAILED,
                             _ ("no proxy answer for this connection"));
  else
    g_task_return_pointer (lookup->task, g_strdupv ((char **) proxies),
                           (GDestroyNotify) g_strfreev);
  lookup_free (lookup);
  send_waiting (self);
}

static void
phonesec_netd_resolver_finalize (GObject *object)
{
  PhonesecNetdResolver *self = PHONESEC_NETD_RESOLVER (object);

  g_hash_table_unref (self->asked);
  g_queue_clear_full (&self->waiting, (GDestroyNotify) lookup_free);
  G_OBJECT_CLASS (phonesec_netd_resolver_parent_class)->finalize (object);
}

static void
phonesec_netd_resolver_class_init (PhonesecNetdResolverClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = phonesec_netd_resolver_finalize;
}

static void
phonesec_netd_resolver_init (PhonesecNetdResolver *self)
{
  self->asked = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) lookup_free);
  g_queue_init (&self->waiting);
}

PhonesecNetdResolver *
phonesec_netd_resolver_new (PhonesecNetdLink *link)
{
  PhonesecNetdResolver *self = g_object_new (PHONESEC_TYPE_NETD_RESOLVER, NULL);

  self->link = link;
  return self;
}
