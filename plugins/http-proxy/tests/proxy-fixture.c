/* proxy-fixture.c: tinyproxy, a target HTTP server and a Digest proxy on
 * loopback for the http-proxy tests.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "proxy-fixture.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "tls-fixture.h"

#define START_TIMEOUT_MS 10000

void
phonesec_test_require_tinyproxy (void)
{
  g_autofree char *path = g_find_program_in_path ("tinyproxy");

  if (path == NULL && !g_file_test ("/usr/bin/tinyproxy", G_FILE_TEST_IS_EXECUTABLE)
      && !g_file_test ("/usr/sbin/tinyproxy", G_FILE_TEST_IS_EXECUTABLE))
    g_error ("tinyproxy is not installed (apt-get install tinyproxy): the http-proxy tests "
             "need it and are never skipped");
}

static char *
tinyproxy_path (void)
{
  char *path = g_find_program_in_path ("tinyproxy");

  if (path == NULL)
    path = g_strdup (g_file_test ("/usr/sbin/tinyproxy", G_FILE_TEST_IS_EXECUTABLE)
                         ? "/usr/sbin/tinyproxy"
                         : "/usr/bin/tinyproxy");
  return path;
}

static void
die_with_test (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () != GPOINTER_TO_INT (user_data))
    _exit (1);
}

char *
phonesec_tinyproxy_dup_log (PhonesecTinyproxy *self)
{
  char *contents = NULL;

  if (!g_file_get_contents (self->log_path, &contents, NULL, NULL))
    return g_strdup ("");
  return contents;
}

static char *
dup_output (PhonesecTinyproxy *self)
{
  g_autofree char *path = g_build_filename (self->dir, "stdout.txt", NULL);
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return g_strdup ("");
  return contents;
}

static gboolean
try_start (PhonesecTinyproxy *self, const char *user, const char *password)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autofree char *conf_path = g_build_filename (self->dir, "tinyproxy.conf", NULL);
  g_autofree char *out_path = g_build_filename (self->dir, "stdout.txt", NULL);
  g_autofree char *exe = tinyproxy_path ();
  g_autoptr (GString) conf = g_string_new (NULL);
  gint64 deadline;

  self->port = phonesec_test_pick_free_port ();
  /* As root tinyproxy keeps its uid when no User is given; the folder is
   * world-writable anyway in case a build switches to "nobody". */
  g_string_append_printf (conf,
                          "Port %u\nListen 127.0.0.1\nTimeout 30\nLogFile \"%s\"\n"
                          "LogLevel Info\nMaxClients 20\nAllow 127.0.0.1\n"
                          "ViaProxyName \"phonesec-test-tinyproxy\"\n",
                          self->port, self->log_path);
  if (user != NULL)
    g_string_append_printf (conf, "BasicAuth %s %s\n", user, password);
  g_file_set_contents (conf_path, conf->str, -1, &error);
  g_assert_no_error (error);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_set_stdout_file_path (launcher, out_path);
  g_subprocess_launcher_set_child_setup (launcher, die_with_test, GINT_TO_POINTER (getpid ()),
                                         NULL);
  self->process = g_subprocess_launcher_spawn (launcher, &error, exe, "-d", "-c", conf_path, NULL);
  g_assert_no_error (error);

  deadline = g_get_monotonic_time () + START_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;
  while (g_get_monotonic_time () < deadline)
    {
      if (phonesec_test_port_accepts (self->port))
        return TRUE;
      if (g_subprocess_get_identifier (self->process) == NULL) /* exited */
        break;
      g_usleep (20 * 1000);
    }
  /* Lost the port to someone else, or did not start. */
  g_subprocess_force_exit (self->process);
  g_subprocess_wait (self->process, NULL, NULL);
  g_clear_object (&self->process);
  return FALSE;
}

PhonesecTinyproxy *
phonesec_tinyproxy_start (const char *parent_dir, const char *user, const char *password)
{
  g_autoptr (PhonesecTinyproxy) self = g_new0 (PhonesecTinyproxy, 1);
  g_autofree char *template = g_build_filename (parent_dir, "tinyproxy-XXXXXX", NULL);

  phonesec_test_require_tinyproxy ();
  self->dir = g_mkdtemp_full (g_steal_pointer (&template), 0777);
  g_assert_nonnull (self->dir);
  g_chmod (self->dir, 0777);
  self->log_path = g_build_filename (self->dir, "tinyproxy.log", NULL);
  for (guint attempt = 0; attempt < 5; attempt++)
    if (try_start (self, user, password))
      return g_steal_pointer (&self);
  {
    g_autofree char *output = dup_output (self);
    g_autofree char *log = phonesec_tinyproxy_dup_log (self);
    g_error ("tinyproxy did not start:\n%s\n%s", output, log);
  }
  return NULL;
}

void
phonesec_tinyproxy_free (PhonesecTinyproxy *self)
{
  if (self == NULL)
    return;
  if (self->process != NULL)
    {
      g_subprocess_send_signal (self->process, SIGTERM);
      g_subprocess_wait (self->process, NULL, NULL);
      g_object_unref (self->process);
    }
  if (self->dir != NULL && g_getenv ("PHONESEC_TEST_KEEP") == NULL)
    {
      g_autofree char *conf = g_build_filename (self->dir, "tinyproxy.conf", NULL);
      g_autofree char *out = g_build_filename (self->dir, "stdout.txt", NULL);

      g_unlink (conf);
      g_unlink (out);
      g_unlink (self->log_path);
      g_rmdir (self->dir);
    }
  g_free (self->dir);
  g_free (self->log_path);
  g_free (self);
}

/* --- HTTP servers in a thread ------------------------------------------------ */

struct _PhonesecTestHttpServer
{
  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;
  SoupServer *server;
  guint16 port;
  const char *body_prefix; /* "target" or "digest-proxy" */
  GTlsCertificate *tls;    /* HTTPS, or NULL */
  char *digest_user;
  char *digest_password;

  GMutex lock;
  GCond started;
  gboolean ready;
  GPtrArray *seen;   /* of PhonesecSeenRequest */
  GHashTable *files; /* path → GStrv { content type, body } */
};

void
phonesec_seen_request_free (PhonesecSeenRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->method);
  g_free (request->path);
  g_free (request->via);
  g_free (request->proxy_authorization);
  g_free (request->auth_user);
  g_free (request);
}

static PhonesecSeenRequest *
seen_request_copy (const PhonesecSeenRequest *r)
{
  PhonesecSeenRequest *copy = g_new0 (PhonesecSeenRequest, 1);

  copy->method = g_strdup (r->method);
  copy->path = g_strdup (r->path);
  copy->via = g_strdup (r->via);
  copy->proxy_authorization = g_strdup (r->proxy_authorization);
  copy->auth_user = g_strdup (r->auth_user);
  return copy;
}

static void
record (PhonesecTestHttpServer *self, SoupServerMessage *msg, const char *auth_user)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  PhonesecSeenRequest *r = g_new0 (PhonesecSeenRequest, 1);

  r->method = g_strdup (soup_server_message_get_method (msg));
  r->path = g_strdup (g_uri_get_path (soup_server_message_get_uri (msg)));
  r->via = g_strdup (soup_message_headers_get_one (headers, "Via"));
  r->proxy_authorization = g_strdup (soup_message_headers_get_one (headers, "Proxy-Authorization"));
  r->auth_user = g_strdup (auth_user);
  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->seen, r);
  g_mutex_unlock (&self->lock);
}

static void
handle_any (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
            gpointer user_data)
{
  PhonesecTestHttpServer *self = user_data;
  g_autofree char *body = g_strdup_printf ("%s:%s", self->body_prefix, path);
  g_auto (GStrv) file = NULL;

  g_mutex_lock (&self->lock);
  file = g_strdupv (g_hash_table_lookup (self->files, path));
  g_mutex_unlock (&self->lock);
  /* The Digest domain calls the handler only once authenticated. */
  record (self, msg, self->digest_user != NULL ? self->digest_user : NULL);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  if (file != NULL)
    {
      soup_server_message_set_response (msg, file[0], SOUP_MEMORY_COPY, file[1], strlen (file[1]));
      return;
    }
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_COPY, body, strlen (body));
}

static char *
digest_password (SoupAuthDomain *domain, SoupServerMessage *msg, const char *username,
                 gpointer user_data)
{
  PhonesecTestHttpServer *self = user_data;

  if (g_strcmp0 (username, self->digest_user) != 0)
    return NULL;
  return soup_auth_domain_digest_encode_password (username, "phonesec-test-proxy",
                                                  self->digest_password);
}

/* Every request, challenged or not, is counted (request-started). */
static void
on_request_finished (SoupServer *server, SoupServerMessage *msg, gpointer user_data)
{
  PhonesecTestHttpServer *self = user_data;

  if (soup_server_message_get_status (msg) != SOUP_STATUS_OK)
    record (self, msg, NULL);
}

static gpointer
server_thread (gpointer user_data)
{
  PhonesecTestHttpServer *self = user_data;
  g_autoptr (GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (self->context);
  self->server = soup_server_new ("server-header", "phonesec-test-server", "tls-certificate",
                                  self->tls, NULL);
  soup_server_add_handler (self->server, NULL, handle_any, self, NULL);
  g_signal_connect (self->server, "request-finished", G_CALLBACK (on_request_finished), self);
  if (self->digest_user != NULL)
    {
      g_autoptr (SoupAuthDomain) domain
          = soup_auth_domain_digest_new ("realm", "phonesec-test-proxy", "proxy", TRUE, NULL);

      soup_auth_domain_add_path (domain, "");
      soup_auth_domain_digest_set_auth_callback (domain, digest_password, self, NULL);
      soup_server_add_auth_domain (self->server, domain);
    }
  soup_server_listen_local (
      self->server, self->port,
      SOUP_SERVER_LISTEN_IPV4_ONLY | (self->tls != NULL ? SOUP_SERVER_LISTEN_HTTPS : 0), &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (self->server);
  self->port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_mutex_lock (&self->lock);
  self->ready = TRUE;
  g_cond_signal (&self->started);
  g_mutex_unlock (&self->lock);

  g_main_loop_run (self->loop);
  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  /* Closed connections finish in idle callbacks. */
  while (g_main_context_iteration (self->context, FALSE))
    ;
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

static PhonesecTestHttpServer *
server_start (const char *body_prefix, const char *user, const char *password, guint16 port,
              GTlsCertificate *tls)
{
  PhonesecTestHttpServer *self = g_new0 (PhonesecTestHttpServer, 1);

  self->port = port; /* 0: any; the thread sets the real one */

  self->body_prefix = body_prefix;
  self->tls = tls != NULL ? g_object_ref (tls) : NULL;
  self->digest_user = g_strdup (user);
  self->digest_password = g_strdup (password);
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->seen = g_ptr_array_new_with_free_func ((GDestroyNotify) phonesec_seen_request_free);
  self->files
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_strfreev);
  g_mutex_init (&self->lock);
  g_cond_init (&self->started);
  self->thread = g_thread_new ("test-http-server", server_thread, self);
  g_mutex_lock (&self->lock);
  while (!self->ready)
    g_cond_wait (&self->started, &self->lock);
  g_mutex_unlock (&self->lock);
  return self;
}

PhonesecTestHttpServer *
phonesec_test_target_start (void)
{
  return server_start ("target", NULL, NULL, 0, NULL);
}

PhonesecTestHttpServer *
phonesec_test_target_start_on (guint16 port)
{
  return server_start ("target", NULL, NULL, port, NULL);
}

PhonesecTestHttpServer *
phonesec_test_https_target_start (const char *cert_path, const char *key_path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GTlsCertificate) tls = g_tls_certificate_new_from_files (cert_path, key_path, &error);

  g_assert_no_error (error);
  return server_start ("target", NULL, NULL, 0, tls);
}

PhonesecTestHttpServer *
phonesec_test_digest_proxy_start (const char *user, const char *password)
{
  return server_start ("digest-proxy", user, password, 0, NULL);
}

guint16
phonesec_test_http_server_get_port (PhonesecTestHttpServer *self)
{
  return self->port;
}

PhonesecSeenRequest *
phonesec_test_http_server_dup_request (PhonesecTestHttpServer *self, const char *path)
{
  PhonesecSeenRequest *found = NULL;

  g_mutex_lock (&self->lock);
  for (guint i = self->seen->len; i > 0; i--)
    {
      PhonesecSeenRequest *r = g_ptr_array_index (self->seen, i - 1);

      if (g_strcmp0 (r->path, path) == 0)
        {
          found = seen_request_copy (r);
          break;
        }
    }
  g_mutex_unlock (&self->lock);
  return found;
}

void
phonesec_test_http_server_serve (PhonesecTestHttpServer *self, const char *path,
                                 const char *content_type, const char *body)
{
  const char *file[] = { content_type, body, NULL };

  g_mutex_lock (&self->lock);
  g_hash_table_replace (self->files, g_strdup (path), g_strdupv ((char **) file));
  g_mutex_unlock (&self->lock);
}

static guint
count_seen (PhonesecTestHttpServer *self, const char *path, gboolean with_credentials_only)
{
  guint n = 0;

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->seen->len; i++)
    {
      PhonesecSeenRequest *r = g_ptr_array_index (self->seen, i);

      if (g_strcmp0 (r->path, path) == 0
          && (!with_credentials_only || r->proxy_authorization != NULL))
        n++;
    }
  g_mutex_unlock (&self->lock);
  return n;
}

guint
phonesec_test_http_server_count (PhonesecTestHttpServer *self, const char *path)
{
  return count_seen (self, path, FALSE);
}

guint
phonesec_test_http_server_count_credentials (PhonesecTestHttpServer *self, const char *path)
{
  return count_seen (self, path, TRUE);
}

static gboolean
quit_loop (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

void
phonesec_test_http_server_free (PhonesecTestHttpServer *self)
{
  if (self == NULL)
    return;
  g_main_context_invoke (self->context, quit_loop, self->loop);
  g_thread_join (self->thread);
  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_ptr_array_unref (self->seen);
  g_hash_table_unref (self->files);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->started);
  g_clear_object (&self->tls);
  g_free (self->digest_user);
  g_free (self->digest_password);
  g_free (self);
}
