/* phonesec-netd-fresh.c: no old connection after a proxy change, in the
 * network service (phonesecd says when: PROXY_CHANGED).
 *
 * libsoup keeps idle keep-alive connections per host and reuses them
 * without asking the proxy resolver again, so a connection made directly
 * would carry requests past a proxy set later (and the other way round).
 * libsoup 3 has no call to close only idle connections (soup_session_abort
 * also cancels every request in flight). So, as browsers do on a proxy
 * change, requests in flight finish where they are, and every request
 * queued while an old connection may still be around gets
 * SOUP_MESSAGE_NEW_CONNECTION: until the last request of the old setting
 * is done and the session's idle timeout has passed since (idle
 * connections are closed by then).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "phonesec-netd-fresh.h"

#define GENERATION_KEY "phonesec-netd-fresh-generation"
/* When the session has no idle timeout, old connections are never closed
 * by libsoup: go on refusing them this long after the change. */
#define DEFAULT_WINDOW_S 600
#define MARGIN_S 5

struct _PhonesecNetdFresh
{
  GObject parent_instance;

  SoupSession *session;
  gulong queued_id;
  gulong unqueued_id;
  guint generation;    /* of the proxy setting, starts at 1 */
  guint in_flight;     /* queued under the current setting */
  guint old_in_flight; /* queued under an older one */
  gint64 fresh_until;  /* monotonic µs; 0: no window */
};

G_DEFINE_FINAL_TYPE (PhonesecNetdFresh, phonesec_netd_fresh, G_TYPE_OBJECT)

static gint64
window_us (PhonesecNetdFresh *self)
{
  guint idle = 0;

  g_object_get (self->session, "idle-timeout", &idle, NULL);
  return (gint64) (idle > 0 ? idle + MARGIN_S : DEFAULT_WINDOW_S) * G_TIME_SPAN_SECOND;
}

static void
on_request_queued (SoupSession *session, SoupMessage *message, gpointer user_data)
{
  PhonesecNetdFresh *self = user_data;

  g_object_set_data (G_OBJECT (message), GENERATION_KEY, GUINT_TO_POINTER (self->generation));
  self->in_flight++;
  if (self->old_in_flight > 0 || g_get_monotonic_time () < self->fresh_until)
    soup_message_add_flags (message, SOUP_MESSAGE_NEW_CONNECTION);
}

static void
on_request_unqueued (SoupSession *session, SoupMessage *message, gpointer user_data)
{
  PhonesecNetdFresh *self = user_data;
  guint generation = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (message), GENERATION_KEY));

  if (generation == 0)
    return; /* queued before we watched */
  if (generation == self->generation)
    {
      if (self->in_flight > 0)
        self->in_flight--;
      return;
    }
  if (self->old_in_flight > 0 && --self->old_in_flight == 0)
    self->fresh_until = MAX (self->fresh_until, g_get_monotonic_time () + window_us (self));
}

void
phonesec_netd_fresh_proxy_changed (PhonesecNetdFresh *self)
{
  g_return_if_fail (PHONESEC_IS_NETD_FRESH (self));
  if (self->session == NULL)
    return;
  self->generation++;
  self->old_in_flight += self->in_flight;
  self->in_flight = 0;
  self->fresh_until = g_get_monotonic_time () + window_us (self);
}

void
phonesec_netd_fresh_stop (PhonesecNetdFresh *self)
{
  g_return_if_fail (PHONESEC_IS_NETD_FRESH (self));
  if (self->session == NULL)
    return;
  g_clear_signal_handler (&self->queued_id, self->session);
  g_clear_signal_handler (&self->unqueued_id, self->session);
  g_clear_object (&self->session);
}

static void
phonesec_netd_fresh_finalize (GObject *object)
{
  phonesec_netd_fresh_stop (PHONESEC_NETD_FRESH (object));
  G_OBJECT_CLASS (phonesec_netd_fresh_parent_class)->finalize (object);
}

static void
phonesec_netd_fresh_class_init (PhonesecNetdFreshClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = phonesec_netd_fresh_finalize;
}

static void
phonesec_netd_fresh_init (PhonesecNetdFresh *self)
{
  self->generation = 1;
}

PhonesecNetdFresh *
phonesec_netd_fresh_new (SoupSession *session)
{
  PhonesecNetdFresh *self = g_object_new (PHONESEC_TYPE_NETD_FRESH, NULL);

  self->session = g_object_ref (session);
  self->queued_id
      = g_signal_connect (session, "request-queued", G_CALLBACK (on_request_queued), self);
  self->unqueued_id
      = g_signal_connect (session, "request-unqueued", G_CALLBACK (on_request_unqueued), self);
  return self;
}
