/* test-http-proxy-failover.c: a proxy list whose first proxy is down.
 *
 * The http-proxy plugin's resolver hands libsoup the PAC answer as a list;
 * GIO's GProxyAddressEnumerator tries the next one when a proxy refuses the
 * connection. This drives the plugin's own PhonesecProxyResolver (in Auto
 * mode, answering as a PAC would) with a SoupSession of the test's own,
 * through a real tinyproxy, with the first proxy a closed port.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "phonesec-proxy-resolver.h"
#include "phonesec-test-bus.h"
#include "proxy-fixture.h"
#include "tls-fixture.h"

/* The list the "PAC" answers, set per test. */
static GStrv answer;
static guint lookups;

static void
answer_lookup (const char *url, GTask *task, gpointer user_data)
{
  lookups++;
  g_test_message ("resolver asked for %s", url);
  g_task_return_pointer (task, g_strdupv (answer), (GDestroyNotify) g_strfreev);
}

typedef struct
{
  char *dir;
  PhonesecTinyproxy *tinyproxy;
  PhonesecTestHttpServer *target;
  PhonesecProxyResolver *resolver;
  GObject *owner;
  SoupSession *session;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("phonesec-proxy-failover-XXXXXX", &error);
  g_assert_no_error (error);
  f->tinyproxy = phonesec_tinyproxy_start (f->dir, NULL, NULL);
  f->target = phonesec_test_target_start ();
  f->resolver = phonesec_proxy_resolver_new (NULL);
  f->owner = g_object_new (G_TYPE_OBJECT, NULL);
  phonesec_proxy_resolver_set_auto (f->resolver, answer_lookup, f->owner);
  f->session = soup_session_new_with_options ("proxy-resolver", f->resolver, "timeout", 20, NULL);
  lookups = 0;
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->session);
  phonesec_proxy_resolver_set_off (f->resolver);
  g_clear_object (&f->resolver);
  g_clear_object (&f->owner);
  g_clear_pointer (&f->target, phonesec_test_http_server_free);
  g_clear_pointer (&f->tinyproxy, phonesec_tinyproxy_free);
  g_clear_pointer (&answer, g_strfreev);
  phonesec_test_rm_rf (f->dir);
  g_free (f->dir);
}

static void
got_body (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Asynchronously, as every HTTP client in phonesecd does: the resolver's
 * Auto lookups run in this (the main) context. */
static guint
get (Fixture *f, const char *path, GError **error)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u%s",
                                          phonesec_test_http_server_get_port (f->target), path);
  g_autoptr (SoupMessage) message = soup_message_new ("GET", url);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GBytes) body = NULL;

  soup_session_send_and_read_async (f->session, message, G_PRIORITY_DEFAULT, NULL, got_body,
                                    &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  body = soup_session_send_and_read_finish (f->session, result, error);
  return body != NULL ? soup_message_get_status (message) : 0;
}

/* The synchronous API asks the resolver synchronously from this thread
 * while nobody runs the main context: it must still get the PAC answer. */
static guint
get_sync (Fixture *f, const char *path, GError **error)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u%s",
                                          phonesec_test_http_server_get_port (f->target), path);
  g_autoptr (SoupMessage) message = soup_message_new ("GET", url);
  g_autoptr (GBytes) body = soup_session_send_and_read (f->session, message, NULL, error);

  return body != NULL ? soup_message_get_status (message) : 0;
}

static char *
closed_proxy (void)
{
  guint16 port = phonesec_test_pick_free_port ();

  g_assert_false (phonesec_test_port_accepts (port));
  return g_strdup_printf ("http://127.0.0.1:%u", port);
}

/* First proxy refuses connections: the second (tinyproxy) carries it. */
static void
test_first_down (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecSeenRequest) seen = NULL;
  g_autofree char *down = closed_proxy ();
  g_autofree char *up = g_strdup_printf ("http://127.0.0.1:%u", f->tinyproxy->port);
  g_autofree char *log = NULL;
  const char *list[] = { down, up, "direct://", NULL };

  answer = g_strdupv ((char **) list);
  g_assert_cmpuint (get (f, "/failover", &error), ==, 200);
  g_assert_no_error (error);
  g_assert_cmpuint (lookups, >=, 1);
  seen = phonesec_test_http_server_dup_request (f->target, "/failover");
  g_assert_nonnull (seen);
  g_assert_nonnull (seen->via);
  g_assert_nonnull (strstr (seen->via, "phonesec-test-tinyproxy"));
  log = phonesec_tinyproxy_dup_log (f->tinyproxy);
  g_assert_nonnull (strstr (log, "Established connection"));

  /* The same with the synchronous API (a sync resolver lookup). */
  g_clear_pointer (&seen, phonesec_seen_request_free);
  g_assert_cmpuint (get_sync (f, "/failover-sync", &error), ==, 200);
  g_assert_no_error (error);
  seen = phonesec_test_http_server_dup_request (f->target, "/failover-sync");
  g_assert_nonnull (seen);
  g_assert_nonnull (seen->via);
}

/* Control: with the closed proxy alone the request fails (so the test
 * above really went through the second entry), and never goes direct. */
static void
test_only_down (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *down = closed_proxy ();
  const char *list[] = { down, NULL };

  answer = g_strdupv ((char **) list);
  g_assert_cmpuint (get (f, "/only-down", &error), ==, 0);
  g_assert_nonnull (error);
  g_test_message ("only a closed proxy: %s", error->message);
  g_assert_cmpuint (phonesec_test_http_server_count (f->target, "/only-down"), ==, 0);
}

/* Last entry DIRECT: both proxies down, the request goes direct. */
static void
test_all_down_then_direct (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecSeenRequest) seen = NULL;
  g_autofree char *down1 = closed_proxy ();
  g_autofree char *down2 = closed_proxy ();
  const char *list[] = { down1, down2, "direct://", NULL };

  answer = g_strdupv ((char **) list);
  g_assert_cmpuint (get (f, "/direct-last", &error), ==, 200);
  g_assert_no_error (error);
  seen = phonesec_test_http_server_dup_request (f->target, "/direct-last");
  g_assert_nonnull (seen);
  g_assert_null (seen->via);
}

/* The PAC file itself is always fetched directly, whatever the PAC says. */
static void
test_pac_url_direct (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecSeenRequest) seen = NULL;
  g_autofree char *up = g_strdup_printf ("http://127.0.0.1:%u", f->tinyproxy->port);
  g_autofree char *pac_url = g_strdup_printf ("http://127.0.0.1:%u/proxy.pac",
                                              phonesec_test_http_server_get_port (f->target));
  const char *list[] = { up, NULL };
  const char *pac_urls[] = { pac_url, NULL };

  answer = g_strdupv ((char **) list);
  phonesec_proxy_resolver_set_pac_urls (f->resolver, pac_urls);
  g_assert_cmpuint (get (f, "/proxy.pac", &error), ==, 200);
  g_assert_no_error (error);
  seen = phonesec_test_http_server_dup_request (f->target, "/proxy.pac");
  g_assert_nonnull (seen);
  g_assert_null (seen->via);
  g_assert_cmpuint (lookups, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  phonesec_test_require_tinyproxy ();
  g_test_add ("/http-proxy/failover/first-down", Fixture, NULL, setup, test_first_down, teardown);
  g_test_add ("/http-proxy/failover/only-down-fails", Fixture, NULL, setup, test_only_down,
              teardown);
  g_test_add ("/http-proxy/failover/all-down-then-direct", Fixture, NULL, setup,
              test_all_down_then_direct, teardown);
  g_test_add ("/http-proxy/failover/pac-url-direct", Fixture, NULL, setup, test_pac_url_direct,
              teardown);
  return g_test_run ();
}
