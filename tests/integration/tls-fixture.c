/* tls-fixture.c: certtool PKI and gnutls-serv peers for the TLS tests.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "tls-fixture.h"

/* gnutls-serv listening on the port before it accepts: 10 s (valgrind runs
 * the test program slowly, not the server). */
#define SERVER_START_TIMEOUT_MS 10000
#define SERVER_START_ATTEMPTS 5

void
phonesec_test_require_gnutls_bin (void)
{
  const char *tools[] = { "certtool", "gnutls-serv" };

  for (guint i = 0; i < G_N_ELEMENTS (tools); i++)
    {
      g_autofree char *path = g_find_program_in_path (tools[i]);

      if (path == NULL)
        g_error ("%s is not installed: these tests run real GnuTLS peers; install gnutls-bin "
                 "(apt-get install gnutls-bin)",
                 tools[i]);
    }
}

/* Child setup: the peer dies with the test program, even when an assertion
 * aborts it before any teardown. */
static void
die_with_test (gpointer user_data)
{
  pid_t parent = GPOINTER_TO_INT (user_data);

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  /* The parent may already be gone. */
  if (getppid () != parent)
    _exit (1);
}

/* Runs a tool to completion; asserts exit status 0, showing its output. */
static void
run_tool (const char *const *argv)
{
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *output = NULL;

  process = g_subprocess_newv (argv,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE
                                   | G_SUBPROCESS_FLAGS_STDIN_INHERIT,
                               &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &output, NULL, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (process))
    {
      g_autofree char *command = g_strjoinv (" ", (char **) argv);
      g_error ("%s failed:\n%s", command, output);
    }
}

static PhonesecTestCert *
cert_new (const char *dir, const char *name)
{
  PhonesecTestCert *self = g_new0 (PhonesecTestCert, 1);
  g_autofree char *cert_name = g_strconcat (name, ".pem", NULL);
  g_autofree char *key_name = g_strconcat (name, ".key", NULL);

  self->name = g_strdup (name);
  self->cert_path = g_build_filename (dir, cert_name, NULL);
  self->key_path = g_build_filename (dir, key_name, NULL);
  return self;
}

static void
generate_key (const char *path, guint bits)
{
  g_autofree char *bits_arg = g_strdup_printf ("--bits=%u", bits != 0 ? bits : 2048);
  const char *argv[]
      = { "certtool", "--generate-privkey", "--key-type=rsa", bits_arg, "--outfile", path, NULL };

  run_tool (argv);
}

static char *
write_template (const char *dir, const char *name, const char *text)
{
  g_autofree char *file_name = g_strconcat (name, ".tmpl", NULL);
  char *path = g_build_filename (dir, file_name, NULL);
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return path;
}

PhonesecTestCa *
phonesec_test_ca_new (const char *dir, const char *name)
{
  PhonesecTestCa *self = g_new0 (PhonesecTestCa, 1);
  g_autofree char *template = NULL;
  g_autofree char *text = NULL;

  self->dir = g_build_filename (dir, name, NULL);
  g_assert_cmpint (g_mkdir_with_parents (self->dir, 0755), ==, 0);
  self->cert = cert_new (self->dir, "ca");
  /* Two days: whatever the test machine's clock says, it is valid now. */
  text = g_strdup_printf ("cn = \"%s\"\n"
                          "ca\n"
                          "cert_signing_key\n"
                          "crl_signing_key\n"
                          "expiration_days = 2\n",
                          name);
  template = write_template (self->dir, "ca", text);
  generate_key (self->cert->key_path, 2048);
  {
    const char *argv[] = { "certtool",
                           "--generate-self-signed",
                           "--load-privkey",
                           self->cert->key_path,
                           "--template",
                           template,
                           "--outfile",
                           self->cert->cert_path,
                           NULL };
    run_tool (argv);
  }
  return self;
}

PhonesecTestCert *
phonesec_test_ca_issue (PhonesecTestCa *self, const char *name, const PhonesecTestCertSpec *spec)
{
  PhonesecTestCert *cert = cert_new (self->dir, name);
  g_autoptr (GString) text = g_string_new (NULL);
  g_autofree char *template = NULL;

  g_string_append_printf (text, "cn = \"%s\"\n",
                          spec->cn != NULL ? spec->cn : "phonesec test server");
  if (spec->ip_address != NULL)
    g_string_append_printf (text, "ip_address = \"%s\"\n", spec->ip_address);
  if (spec->dns_name != NULL)
    g_string_append_printf (text, "dns_name = \"%s\"\n", spec->dns_name);
  g_string_append (text, "tls_www_server\n"
                         "encryption_key\n"
                         "signing_key\n");
  g_assert_true ((spec->not_before == NULL) == (spec->not_after == NULL));
  if (spec->not_before != NULL)
    g_string_append_printf (text,
                            "activation_date = \"%s\"\n"
                            "expiration_date = \"%s\"\n",
                            spec->not_before, spec->not_after);
  else
    g_string_append (text, "expiration_days = 2\n");
  template = write_template (self->dir, name, text->str);
  generate_key (cert->key_path, spec->rsa_bits);
  {
    const char *argv[] = { "certtool",
                           "--generate-certificate",
                           "--load-privkey",
                           cert->key_path,
                           "--load-ca-certificate",
                           self->cert->cert_path,
                           "--load-ca-privkey",
                           self->cert->key_path,
                           "--template",
                           template,
                           "--outfile",
                           cert->cert_path,
                           NULL };
    run_tool (argv);
  }
  return cert;
}

void
phonesec_test_cert_free (PhonesecTestCert *self)
{
  if (self == NULL)
    return;
  g_free (self->name);
  g_free (self->cert_path);
  g_free (self->key_path);
  g_free (self);
}

void
phonesec_test_ca_free (PhonesecTestCa *self)
{
  if (self == NULL)
    return;
  phonesec_test_cert_free (self->cert);
  g_free (self->dir);
  g_free (self);
}

char *
phonesec_test_cert_dup_pem (const PhonesecTestCert *self)
{
  g_autoptr (GError) error = NULL;
  char *pem = NULL;

  g_file_get_contents (self->cert_path, &pem, NULL, &error);
  g_assert_no_error (error);
  return pem;
}

/* --- gnutls-serv --------------------------------------------------------- */

/* A port nobody listens on now: bind 127.0.0.1:0, read it, close. Another
 * process may take it before gnutls-serv does; the caller retries. */
guint16
phonesec_test_pick_free_port (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  guint16 port;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, any_port, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_socket_close (socket, NULL);
  return port;
}

gboolean
phonesec_test_port_accepts (guint16 port)
{
  g_autoptr (GSocket) socket
      = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  gboolean connected;

  if (socket == NULL)
    return FALSE;
  connected = g_socket_connect (socket, address, NULL, NULL);
  g_socket_close (socket, NULL);
  return connected;
}

static gboolean
process_running (GSubprocess *process)
{
  /* GLib's worker thread reaps the child; the identifier is NULL then. */
  return g_subprocess_get_identifier (process) != NULL;
}

static GSubprocess *
spawn_server (const PhonesecTestCert *cert, const char *priority, PhonesecTlsServerFlags flags,
              guint16 port, const char *log_path)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *port_arg = g_strdup_printf ("%u", port);
  g_autofree char *priority_arg = g_strdup_printf ("--priority=%s", priority);
  GSubprocess *process;
  int fd;

  launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE | G_SUBPROCESS_FLAGS_STDIN_PIPE);
  fd = g_open (log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  g_assert_cmpint (fd, >=, 0);
  g_subprocess_launcher_take_stdout_fd (launcher, fd);
  g_subprocess_launcher_set_child_setup (launcher, die_with_test, GINT_TO_POINTER (getpid ()),
                                         NULL);
  /* -a: no client certificate request; -q: one line per failed handshake. */
  g_ptr_array_add (argv, "gnutls-serv");
  g_ptr_array_add (argv, "--http");
  g_ptr_array_add (argv, "-a");
  g_ptr_array_add (argv, "-q");
  g_ptr_array_add (argv, "--x509certfile");
  g_ptr_array_add (argv, cert->cert_path);
  g_ptr_array_add (argv, "--x509keyfile");
  g_ptr_array_add (argv, cert->key_path);
  g_ptr_array_add (argv, "-p");
  g_ptr_array_add (argv, port_arg);
  g_ptr_array_add (argv, priority_arg);
  if (flags & PHONESEC_TLS_SERVER_NO_RESUMPTION)
    {
      g_ptr_array_add (argv, "--noticket");
      g_ptr_array_add (argv, "--nodb");
    }
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  g_assert_no_error (error);
  return process;
}

static gboolean
bind_failed (PhonesecTlsServer *self)
{
  g_autofree char *log = phonesec_tls_server_dup_log (self);

  return strstr (log, "bind() failed") != NULL;
}

PhonesecTlsServer *
phonesec_tls_server_start (const PhonesecTestCert *cert, const char *priority, const char *log_dir)
{
  return phonesec_tls_server_start_full (cert, priority, PHONESEC_TLS_SERVER_NONE, log_dir);
}

PhonesecTlsServer *
phonesec_tls_server_start_full (const PhonesecTestCert *cert, const char *priority,
                                PhonesecTlsServerFlags flags, const char *log_dir)
{
  PhonesecTlsServer *self = g_new0 (PhonesecTlsServer, 1);

  self->priority = g_strdup (priority);
  self->cert_name = g_strdup (cert->name);
  for (guint attempt = 0; attempt < SERVER_START_ATTEMPTS; attempt++)
    {
      gint64 deadline = g_get_monotonic_time () + SERVER_START_TIMEOUT_MS * 1000;
      g_autofree char *log_name = NULL;

      self->port = phonesec_test_pick_free_port ();
      log_name = g_strdup_printf ("gnutls-serv-%u.log", self->port);
      g_free (self->log_path);
      self->log_path = g_build_filename (log_dir, log_name, NULL);
      self->process = spawn_server (cert, priority, flags, self->port, self->log_path);
      while (process_running (self->process) && !phonesec_test_port_accepts (self->port)
             && g_get_monotonic_time () < deadline && !bind_failed (self))
        g_usleep (2000);
      if (process_running (self->process) && phonesec_test_port_accepts (self->port))
        break;
      if (process_running (self->process))
        {
          g_autofree char *log = phonesec_tls_server_dup_log (self);

          /* It binds IPv4 and IPv6 separately and stays up on IPv6 alone
           * when another process took the IPv4 port meanwhile: try again. */
          if (strstr (log, "bind() failed") != NULL && attempt + 1 < SERVER_START_ATTEMPTS)
            {
              g_subprocess_force_exit (self->process);
              g_subprocess_wait (self->process, NULL, NULL);
              g_clear_object (&self->process);
              continue;
            }
          g_error ("gnutls-serv --priority=%s did not listen on port %u within %d ms; its log:\n%s",
                   priority, self->port, SERVER_START_TIMEOUT_MS, log);
        }
      /* It exited: most likely the port was taken meanwhile. */
      if (attempt + 1 == SERVER_START_ATTEMPTS)
        {
          g_autofree char *log = phonesec_tls_server_dup_log (self);
          g_error ("gnutls-serv --priority=%s exited at start; its log:\n%s", priority, log);
        }
      g_clear_object (&self->process);
    }
  self->https_url = g_strdup_printf ("https://127.0.0.1:%u/", self->port);
  self->tls_url = g_strdup_printf ("tls://127.0.0.1:%u", self->port);
  return self;
}

char *
phonesec_tls_server_dup_log (PhonesecTlsServer *self)
{
  char *log = NULL;

  if (self->log_path == NULL || !g_file_get_contents (self->log_path, &log, NULL, NULL))
    return g_strdup ("");
  return log;
}

void
phonesec_tls_server_free (PhonesecTlsServer *self)
{
  if (self == NULL)
    return;
  if (self->process != NULL)
    {
      g_subprocess_force_exit (self->process);
      g_subprocess_wait (self->process, NULL, NULL);
      g_clear_object (&self->process);
    }
  g_free (self->priority);
  g_free (self->cert_name);
  g_free (self->https_url);
  g_free (self->tls_url);
  g_free (self->log_path);
  g_free (self);
}

char *
phonesec_tls_server_priority_for_version (const char *version)
{
  static const struct
  {
    const char *name;
    const char *keyword;
  } versions[] = {
    { "TLS 1.0", "VERS-TLS1.0" },
    { "TLS 1.1", "VERS-TLS1.1" },
    { "TLS 1.2", "VERS-TLS1.2" },
    { "TLS 1.3", "VERS-TLS1.3" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (versions); i++)
    if (g_str_equal (version, versions[i].name))
      /* TLS 1.0 and 1.1 sign the key exchange with MD5+SHA-1, which NORMAL
       * allows; no SHA-1 signature algorithm needs adding (checked with
       * gnutls-cli against each server). */
      return g_strdup_printf ("NORMAL:-VERS-ALL:+%s", versions[i].keyword);
  g_error ("no such TLS version: %s", version);
  return NULL;
}
