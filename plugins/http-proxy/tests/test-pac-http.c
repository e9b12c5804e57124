/* test-pac-http.c: PAC_URL over http and https against a SoupServer in the
 * test process (https with a certtool certificate for 127.0.0.1), through
 * phonesec_pac_fetch and PhonesecPacSource: sizes, statuses, timeouts,
 * refresh, retry with backoff, and no credentials in any message.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <libsoup/soup.h>
#include <phonesec/phonesec.h>
#include <string.h>

#include "pac-test-util.h"
#include "tls-fixture.h"

#define SCRIPT "function FindProxyForURL(url, host) { return \"PROXY 10.0.0.1:3128\"; }\n"

typedef struct
{
  char *dir;
  SoupServer *http;
  SoupServer *https;
  char *http_base;             /* http://127.0.0.1:P */
  char *https_base;            /* https://127.0.0.1:Q */
  PhonesecHttpClient *session; /* trusts the test CA */
  char *script;                /* what /proxy.pac serves now */
  guint fail_next;             /* /flaky answers 500 this many more times */
  GArray *flaky_times;         /* monotonic µs of each /flaky request */
  GPtrArray *paused;
  guint requests; /* every request the servers got */
} Fixture;

static void
reply (SoupServerMessage *msg, guint status, const char *content_type, const char *body, gsize len)
{
  soup_server_message_set_status (msg, status, NULL);
  if (body != NULL && content_type != NULL)
    soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, body, len);
  else if (body != NULL)
    soup_message_body_append (soup_server_message_get_response_body (msg), SOUP_MEMORY_COPY, body,
                              len);
}

static void
handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
         gpointer user_data)
{
  Fixture *f = user_data;

  f->requests++;
  if (g_str_equal (path, "/proxy.pac"))
    reply (msg, 200, "application/x-ns-proxy-autoconfig", f->script, strlen (f->script));
  else if (g_str_equal (path, "/plain"))
    reply (msg, 200, "text/plain", SCRIPT, strlen (SCRIPT));
  else if (g_str_equal (path, "/no-type"))
    reply (msg, 200, NULL, SCRIPT, strlen (SCRIPT));
  else if (g_str_equal (path, "/redirect"))
    {
      soup_server_message_set_redirect (msg, 302, "/proxy.pac");
    }
  else if (g_str_equal (path, "/empty"))
    reply (msg, 200, "application/x-ns-proxy-autoconfig", "", 0);
  else if (g_str_has_prefix (path, "/size/"))
    {
      /* /size/N: N bytes with a Content-Length. */
      gsize n = g_ascii_strtoull (path + 6, NULL, 10);
      g_autofree char *body = g_strnfill (n, 'a');

      reply (msg, 200, "application/x-ns-proxy-autoconfig", body, n);
    }
  else if (g_str_has_prefix (path, "/chunked/"))
    {
      /* /chunked/N: N bytes in 1 KiB chunks, no Content-Length. */
      gsize n = g_ascii_strtoull (path + 9, NULL, 10);
      SoupMessageBody *body = soup_server_message_get_response_body (msg);
      g_autofree char *chunk = g_strnfill (1024, 'c');

      soup_server_message_set_status (msg, 200, NULL);
      soup_message_headers_set_encoding (soup_server_message_get_response_headers (msg),
                                         SOUP_ENCODING_CHUNKED);
      for (gsize sent = 0; sent < n; sent += 1024)
        soup_message_body_append (body, SOUP_MEMORY_COPY, chunk, MIN (1024, n - sent));
      soup_message_body_complete (body);
    }
  else if (g_str_equal (path, "/slow"))
    {
      /* Never answered (until tear-down). */
      soup_server_message_pause (msg);
      g_ptr_array_add (f->paused, g_object_ref (msg));
    }
  else if (g_str_equal (path, "/flaky"))
    {
      gint64 now = g_get_monotonic_time ();

      g_array_append_val (f->flaky_times, now);
      if (f->fail_next > 0)
        {
          f->fail_next--;
          reply (msg, 500, "text/plain", "oops", 4);
        }
      else
        reply (msg, 200, "application/x-ns-proxy-autoconfig", f->script, strlen (f->script));
    }
  else
    reply (msg, 404, "text/plain", "not here", 8);
}

/* Listens on 127.0.0.1, a free port, through a socket of ours: the port is
 * read from it (soup_server_get_uris() leaks in libsoup 3.2). */
static char *
listen_on_loopback (SoupServer *server, SoupServerListenOptions options, const char *scheme)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  g_autoptr (GSocket) socket
      = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);

  g_assert_no_error (error);
  g_socket_bind (socket, address, TRUE, &error);
  g_assert_no_error (error);
  g_socket_listen (socket, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  soup_server_listen_socket (server, socket, options, &error);
  g_assert_no_error (error);
  return g_strdup_printf ("%s://127.0.0.1:%u", scheme,
                          g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PhonesecTestCa) ca = NULL;
  g_autoptr (PhonesecTestCert) cert = NULL;
  g_autoptr (GTlsCertificate) server_cert = NULL;
  PhonesecTestCertSpec spec = { .ip_address = "127.0.0.1" };

  phonesec_test_require_gnutls_bin ();
  f->dir = pac_test_make_dir ("pac-http-XXXXXX");
  ca = phonesec_test_ca_new (f->dir, "pac-test-ca");
  cert = phonesec_test_ca_issue (ca, "pac-server", &spec);
  server_cert = g_tls_certificate_new_from_files (cert->cert_path, cert->key_path, &error);
  g_assert_no_error (error);
  f->session = pac_test_client_new (ca->cert->cert_path);
  f->script = g_strdup (SCRIPT);
  f->flaky_times = g_array_new (FALSE, FALSE, sizeof (gint64));
  f->paused = g_ptr_array_new_with_free_func (g_object_unref);

  f->http = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->http, NULL, handler, f, NULL);
  f->http_base = listen_on_loopback (f->http, 0, "http");
  f->https = soup_server_new ("tls-certificate", server_cert, NULL);
  soup_server_add_handler (f->https, NULL, handler, f, NULL);
  f->https_base = listen_on_loopback (f->https, SOUP_SERVER_LISTEN_HTTPS, "https");
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  for (guint i = 0; i < f->paused->len; i++)
    soup_server_message_unpause (g_ptr_array_index (f->paused, i));
  g_ptr_array_unref (f->paused);
  /* Stops its network service: the kept-alive connections close. */
  g_clear_object (&f->session);
  pac_test_run_for (50);
  soup_server_disconnect (f->http);
  soup_server_disconnect (f->https);
  g_clear_object (&f->http);
  g_clear_object (&f->https);
  g_clear_object (&f->session);
  g_array_unref (f->flaky_times);
  pac_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->http_base);
  g_free (f->https_base);
  g_free (f->script);
}

static PhonesecPacSource *
source_for (Fixture *f, const char *url)
{
  PhonesecPacSource *source = phonesec_pac_source_new (f->session);

  g_object_set (source, "fetch-timeout-ms", 3000, NULL);
  phonesec_pac_source_configure (source, url, FALSE, NULL, NULL);
  pac_test_wait_settled (source, 10000);
  return source;
}

static void
assert_script (PhonesecPacSource *source, const char *expected)
{
  GBytes *script = phonesec_pac_source_get_script (source);

  g_assert_cmpstr (phonesec_pac_source_get_state (source), ==, "ready");
  g_assert_nonnull (script);
  g_assert_cmpmem (g_bytes_get_data (script, NULL), g_bytes_get_size (script), expected,
                   strlen (expected));
}

static void
test_http (Fixture *f, gconstpointer data)
{
  g_autofree char *url = g_strconcat (f->http_base, "/proxy.pac", NULL);
  g_autoptr (PhonesecPacSource) source = source_for (f, url);

  assert_script (source, SCRIPT);
  g_assert_cmpstr (phonesec_pac_source_get_url (source), ==, url);
  g_assert_cmpstr (phonesec_pac_source_get_origin (source), ==, "configured");
  g_assert_null (phonesec_pac_source_get_error (source));
}

static void
test_https (Fixture *f, gconstpointer data)
{
  g_autofree char *url = g_strconcat (f->https_base, "/proxy.pac", NULL);
  g_autoptr (PhonesecPacSource) source = source_for (f, url);

  assert_script (source, SCRIPT);
  g_assert_cmpstr (phonesec_pac_source_get_url (source), ==, url);

  /* A client that does not trust the test CA refuses the server. */
  {
    g_autoptr (PhonesecHttpClient) untrusting = pac_test_client_new (NULL);
    g_autoptr (PhonesecPacSource) refused = phonesec_pac_source_new (untrusting);
    const char *error;

    phonesec_pac_source_configure (refused, url, FALSE, NULL, NULL);
    pac_test_wait_settled (refused, 10000);
    error = phonesec_pac_source_get_error (refused);
    g_assert_cmpstr (phonesec_pac_source_get_state (refused), ==, "error");
    g_assert_null (phonesec_pac_source_get_script (refused));
    g_assert_nonnull (strstr (error, url));
    g_test_message ("untrusted: %s", error);
    g_assert_nonnull (strstr (error, "TLS") ? strstr (error, "TLS")
                                            : strstr (error, "certificate"));
  }
}

static void
test_content_type_not_required (Fixture *f, gconstpointer data)
{
  const char *paths[] = { "/plain", "/no-type", "/redirect" };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *url = g_strconcat (f->http_base, paths[i], NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) got = pac_test_fetch (f->session, url, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), SCRIPT,
                       strlen (SCRIPT));
    }
}

static void
test_too_big (Fixture *f, gconstpointer data)
{
  PhonesecPacFetchOptions capped = { .max_size = 4096, .timeout_ms = 5000 };
  struct
  {
    const char *path;
    gboolean ok;
  } cases[] = {
    { "/size/4096", TRUE },     { "/size/4097", FALSE },       { "/chunked/4096", TRUE },
    { "/chunked/4097", FALSE }, { "/chunked/3000000", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *url = g_strconcat (f->https_base, cases[i].path, NULL);
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) got = pac_test_fetch (f->session, url, &capped, &error);

      if (cases[i].ok)
        {
          g_assert_no_error (error);
          g_assert_cmpuint (g_bytes_get_size (got), ==, 4096);
        }
      else
        {
          g_assert_null (got);
          g_assert_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE);
          g_assert_nonnull (strstr (error->message, url));
          g_assert_nonnull (strstr (error->message, "larger than the limit of 4096 bytes"));
        }
    }

  /* The source's default cap: 1 MiB. */
  {
    g_autofree char *url = g_strconcat (f->http_base, "/chunked/1048577", NULL);
    g_autoptr (PhonesecPacSource) source = source_for (f, url);

    g_assert_cmpstr (phonesec_pac_source_get_state (source), ==, "error");
    g_assert_nonnull (strstr (phonesec_pac_source_get_error (source), "1048576 bytes"));
  }
}

static void
test_not_found (Fixture *f, gconstpointer data)
{
  g_autofree char *url = g_strconcat (f->http_base, "/nothing.pac", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) got = pac_test_fetch (f->session, url, NULL, &error);

  g_assert_null (got);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, url));
  g_assert_nonnull (strstr (error->message, "HTTP 404 Not Found"));
}

static void
test_empty_script (Fixture *f, gconstpointer data)
{
  g_autofree char *url = g_strconcat (f->http_base, "/empty", NULL);
  g_autoptr (PhonesecPacSource) source = source_for (f, url);

  g_assert_cmpstr (phonesec_pac_source_get_state (source), ==, "error");
  g_assert_nonnull (strstr (phonesec_pac_source_get_error (source), "is empty"));
  g_assert_null (phonesec_pac_source_get_script (source));
}

static void
test_timeout (Fixture *f, gconstpointer data)
{
  g_autofree char *url = g_strconcat (f->http_base, "/slow", NULL);
  PhonesecPacFetchOptions quick = { .timeout_ms = 1000 };
  g_autoptr (GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  g_autoptr (GBytes) got = pac_test_fetch (f->session, url, &quick, &error);
  double elapsed = (g_get_monotonic_time () - start) / 1e6;

  g_assert_null (got);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_nonnull (strstr (error->message, url));
  g_assert_nonnull (strstr (error->message, "no complete answer within 1 s"));
  g_assert_cmpfloat (elapsed, >=, 0.9);
  g_assert_cmpfloat (elapsed, <, 2.5);
}

static void
test_connection_refused (Fixture *f, gconstpointer data)
{
  g_autofree char *url
      = g_strdup_printf ("http://127.0.0.1:%u/proxy.pac", phonesec_test_pick_free_port ());
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) got = pac_test_fetch (f->session, url, NULL, &error);

  g_assert_null (got);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "Could not fetch the PAC script from "));
  g_assert_nonnull (strstr (error->message, url));
}

static void
test_bad_urls (Fixture *f, gconstpointer data)
{
  struct
  {
    const char *url;
    const char *why;
  } cases[] = {
    { "ftp://127.0.0.1/proxy.pac", "unsupported scheme" },
    { "", "PAC_URL is empty" },
    { NULL, "PAC_URL is empty" },
    { "not a url", "space or a control" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (PhonesecPacSource) source = source_for (f, cases[i].url);

      g_assert_cmpstr (phonesec_pac_source_get_state (source), ==, "error");
      g_assert_nonnull (strstr (phonesec_pac_source_get_error (source), cases[i].why));
      g_assert_null (phonesec_pac_source_get_script (source));
      g_assert_null (phonesec_pac_source_get_url (source));
      g_assert_null (phonesec_pac_source_get_origin (source));
    }
}

static void
test_no_credentials_anywhere (Fixture *f, gconstpointer data)
{
  g_autofree char *authority = g_strdup (f->http_base + strlen ("http://"));
  g_autofree char *bad
      = g_strdup_printf ("http://phoneadmin:Sup3rSecret@%s/nothing.pac", authority);
  g_autofree char *good = g_strdup_printf ("http://phoneadmin:Sup3rSecret@%s/proxy.pac", authority);
  g_autofree char *good_shown = g_strdup_printf ("http://%s/proxy.pac", authority);

  {
    g_autoptr (PhonesecPacSource) source = source_for (f, bad);
    const char *error = phonesec_pac_source_get_error (source);

    g_assert_cmpstr (phonesec_pac_source_get_state (source), ==, "error");
    g_assert_nonnull (strstr (error, "nothing.pac"));
    g_assert_null (strstr (error, "Sup3rSecret"));
    g_assert_null (strstr (error, "phoneadmin"));
  }
  {
    g_autoptr (PhonesecPacSource) source = source_for (f, good);

    assert_script (source, SCRIPT);
    g_assert_cmpstr (phonesec_pac_source_get_url (source), ==, good_shown);
  }
}

static void
test_refresh (Fixture *f, gconstpointer data)
{
  g_autofree char *url = g_strconcat (f->http_base, "/proxy.pac", NULL);
  g_autoptr (PhonesecPacSource) source = phonesec_pac_source_new (f->session);
  const char *second = "function FindProxyForURL(u, h) { return \"DIRECT\"; }\n";

  g_object_set (source, "refresh-interval-ms", 300, NULL);
  phonesec_pac_source_configure (source, url, FALSE, NULL, NULL);
  pac_test_wait_settled (source, 5000);
  assert_script (source, SCRIPT);

  /* The same script again: no "changed". */
  pac_test_run_for (700);
  g_free (f->script);
  f->script = g_strdup (second);
  pac_test_wait_changed (source, 1, 3000);
  assert_script (source, second);
}

static void
test_retry_with_backoff (Fixture *f, gconstpointer data)
{
  g_autofree char *url = g_strconcat (f->http_base, "/flaky", NULL);
  g_autoptr (PhonesecPacSource) source = phonesec_pac_source_new (f->session);
  gint64 *t;

  f->fail_next = 3;
  g_object_set (source, "retry-interval-ms", 200, NULL);
  phonesec_pac_source_configure (source, url, FALSE, NULL, NULL);
  pac_test_wait_settled (source, 5000);
  g_assert_cmpstr (phonesec_pac_source_get_state (source), ==, "error");
  g_assert_nonnull (strstr (phonesec_pac_source_get_error (source), "HTTP 500"));
  g_assert_nonnull (strstr (phonesec_pac_source_get_error (source), url));

  while (g_strcmp0 (phonesec_pac_source_get_state (source), "ready") != 0)
    pac_test_wait_changed (source, 1, 5000);
  assert_script (source, SCRIPT);
  g_assert_null (phonesec_pac_source_get_error (source));

  /* Requests at 0, +200, +400, +800 ms: the delay doubles. */
  g_assert_cmpuint (f->flaky_times->len, ==, 4);
  t = (gint64 *) f->flaky_times->data;
  for (guint i = 1; i < 4; i++)
    {
      gint64 gap_ms = (t[i] - t[i - 1]) / 1000;
      gint64 expected = 200 << (i - 1);

      g_test_message ("retry %u after %" G_GINT64_FORMAT " ms", i, gap_ms);
      g_assert_cmpint (gap_ms, >=, expected - 20);
      g_assert_cmpint (gap_ms, <, expected + 400);
    }
}

/* A refresh that fails keeps the last good script, says why, and the
 * script comes back when the server does. */
static void
test_failed_refresh_keeps_script (Fixture *f, gconstpointer data)
{
  g_autofree char *url = g_strconcat (f->http_base, "/flaky", NULL);
  g_autoptr (PhonesecPacSource) source = phonesec_pac_source_new (f->session);

  g_object_set (source, "refresh-interval-ms", 200, "retry-interval-ms", 200, NULL);
  phonesec_pac_source_configure (source, url, FALSE, NULL, NULL);
  pac_test_wait_settled (source, 5000);
  assert_script (source, SCRIPT);

  f->fail_next = 1;
  pac_test_wait_changed (source, 1, 3000);
  g_assert_cmpstr (phonesec_pac_source_get_state (source), ==, "error");
  g_assert_nonnull (strstr (phonesec_pac_source_get_error (source), "HTTP 500"));
  g_assert_nonnull (phonesec_pac_source_get_script (source));
  g_assert_cmpstr (phonesec_pac_source_get_origin (source), ==, "configured");

  pac_test_wait_changed (source, 1, 3000);
  assert_script (source, SCRIPT);
}

/* stop() ends the refreshes; rediscover() forgets and starts again. */
static void
test_stop_and_rediscover (Fixture *f, gconstpointer data)
{
  g_autofree char *url = g_strconcat (f->http_base, "/flaky", NULL);
  g_autoptr (PhonesecPacSource) source = phonesec_pac_source_new (f->session);

  g_object_set (source, "refresh-interval-ms", 100, NULL);
  phonesec_pac_source_configure (source, url, FALSE, NULL, NULL);
  pac_test_wait_settled (source, 5000);
  phonesec_pac_source_stop (source);
  g_array_set_size (f->flaky_times, 0);
  pac_test_run_for (500);
  g_assert_cmpuint (f->flaky_times->len, ==, 0);
  assert_script (source, SCRIPT);

  phonesec_pac_source_rediscover (source);
  g_assert_cmpstr (phonesec_pac_source_get_state (source), ==, "discovering");
  g_assert_null (phonesec_pac_source_get_script (source));
  pac_test_wait_settled (source, 5000);
  assert_script (source, SCRIPT);
  phonesec_pac_source_stop (source);
}

/* configure() with what it already has does not fetch again (the plugin
 * calls it on every network change); after a failure it retries at once. */
static void
test_configure_again (Fixture *f, gconstpointer data)
{
  g_autofree char *url = g_strconcat (f->http_base, "/flaky", NULL);
  g_autoptr (PhonesecPacSource) source = phonesec_pac_source_new (f->session);
  g_autoptr (GVariant) other_network = g_variant_ref_sink (
      g_variant_new_parsed ("{'domain': <'corp.example.com'>, 'dhcp-options': <{uint32 252: "
                            "'http://127.0.0.1:1/x'}>}"));

  phonesec_pac_source_configure (source, url, FALSE, NULL, NULL);
  pac_test_wait_settled (source, 5000);
  assert_script (source, SCRIPT);
  g_assert_cmpuint (f->flaky_times->len, ==, 1);

  phonesec_pac_source_configure (source, url, FALSE, NULL, NULL);
  /* WPAD facts do not matter while PAC_URL is used. */
  phonesec_pac_source_configure (source, url, FALSE, other_network, NULL);
  pac_test_run_for (300);
  g_assert_cmpuint (f->flaky_times->len, ==, 1);
  assert_script (source, SCRIPT);

  /* A failed attempt: the next configure() retries now, not in 10 s. */
  f->fail_next = 1;
  phonesec_pac_source_rediscover (source);
  pac_test_wait_settled (source, 5000);
  g_assert_cmpstr (phonesec_pac_source_get_state (source), ==, "error");
  g_assert_cmpuint (f->flaky_times->len, ==, 2);
  phonesec_pac_source_configure (source, url, FALSE, NULL, NULL);
  while (g_strcmp0 (phonesec_pac_source_get_state (source), "ready") != 0)
    pac_test_wait_changed (source, 1, 3000);
  g_assert_cmpuint (f->flaky_times->len, ==, 3);
  assert_script (source, SCRIPT);
}

/* Restricted_Access_Domains: URLs whose host is outside the list (an IP
 * address, a look-alike name, credentials in the URL) are refused before
 * any request, with a message naming PAC_URL and the host only. */
static void
test_restricted_refused (Fixture *f, gconstpointer data)
{
  const char *const domains[] = { "example.net", "127.0.0.1", NULL };
  const char *const hosts[] = { "127.0.0.1", "badexample.net", "example.net.evil.test", NULL };

  for (guint i = 0; hosts[i] != NULL; i++)
    {
      g_autofree char *url = g_strdup_printf ("http://phone:S3cret-Pw@%s:%s/proxy.pac", hosts[i],
                                              strrchr (f->http_base, ':') + 1);
      g_autofree char *quoted = g_strdup_printf ("'%s'", hosts[i]);
      g_autoptr (PhonesecPacSource) source = phonesec_pac_source_new (f->session);
      const char *error;

      phonesec_pac_source_configure (source, url, FALSE, NULL, domains);
      pac_test_wait_settled (source, 10000);
      error = phonesec_pac_source_get_error (source);
      g_test_message ("%s: %s", hosts[i], error);
      g_assert_cmpstr (phonesec_pac_source_get_state (source), ==, "error");
      g_assert_null (phonesec_pac_source_get_script (source));
      g_assert_true (g_str_has_prefix (error, "PAC_URL: "));
      g_assert_nonnull (strstr (error, quoted));
      g_assert_nonnull (strstr (error, "Restricted_Access_Domains (example.net, 127.0.0.1)"));
      g_assert_null (strstr (error, "S3cret"));
      g_assert_null (strstr (error, "/proxy.pac"));
    }
  g_assert_cmpuint (f->requests, ==, 0);
}

/* A new Restricted_Access_Domains drops a script fetched before it from a
 * server it refuses; an empty list allows every server again. */
static void
test_restricted_changed (Fixture *f, gconstpointer data)
{
  const char *const elsewhere[] = { "prov.example.net", NULL };
  const char *const none[] = { NULL };
  g_autofree char *url = g_strconcat (f->http_base, "/proxy.pac", NULL);
  g_autoptr (PhonesecPacSource) source = source_for (f, url);
  guint fetched;

  assert_script (source, SCRIPT);
  fetched = f->requests;
  phonesec_pac_source_configure (source, url, FALSE, NULL, elsewhere);
  pac_test_wait_settled (source, 10000);
  g_assert_cmpstr (phonesec_pac_source_get_state (source), ==, "error");
  g_assert_null (phonesec_pac_source_get_script (source));
  g_assert_cmpuint (f->requests, ==, fetched);
  phonesec_pac_source_configure (source, url, FALSE, NULL, none);
  pac_test_wait_settled (source, 10000);
  assert_script (source, SCRIPT);
  g_assert_cmpuint (f->requests, ==, fetched + 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/pac-http/http", test_http);
  ADD ("/pac-http/https", test_https);
  ADD ("/pac-http/content-type-not-required", test_content_type_not_required);
  ADD ("/pac-http/too-big", test_too_big);
  ADD ("/pac-http/not-found", test_not_found);
  ADD ("/pac-http/empty-script", test_empty_script);
  ADD ("/pac-http/timeout", test_timeout);
  ADD ("/pac-http/connection-refused", test_connection_refused);
  ADD ("/pac-http/bad-urls", test_bad_urls);
  ADD ("/pac-http/no-credentials-anywhere", test_no_credentials_anywhere);
  ADD ("/pac-http/refresh", test_refresh);
  ADD ("/pac-http/retry-with-backoff", test_retry_with_backoff);
  ADD ("/pac-http/failed-refresh-keeps-script", test_failed_refresh_keeps_script);
  ADD ("/pac-http/stop-and-rediscover", test_stop_and_rediscover);
  ADD ("/pac-http/configure-again", test_configure_again);
  ADD ("/pac-http/restricted/refused", test_restricted_refused);
  ADD ("/pac-http/restricted/changed", test_restricted_changed);
  return g_test_run ();
}
