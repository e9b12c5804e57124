/* kamailio-fixture.c: see kamailio-fixture.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "kamailio-fixture.h"

#define START_TIMEOUT_MS 10000

/* Debian's module folder, under the architecture's triplet. */
static const char *
modules_dir (void)
{
  static char *found;
  g_autoptr (GDir) lib = NULL;
  const char *name;

  if (found != NULL)
    return found;
  lib = g_dir_open ("/usr/lib", 0, NULL);
  while (lib != NULL && (name = g_dir_read_name (lib)) != NULL)
    {
      g_autofree char *dir = g_build_filename ("/usr/lib", name, "kamailio", "modules", NULL);
      g_autofree char *auth = g_build_filename (dir, "auth.so", NULL);

      if (g_file_test (auth, G_FILE_TEST_EXISTS))
        return found = g_steal_pointer (&dir);
    }
  return "/usr/lib/kamailio/modules";
}

void
kamailio_require (void)
{
  const char *tools[] = { "kamailio", "sipsak", "ip" };

  for (guint i = 0; i < G_N_ELEMENTS (tools); i++)
    {
      g_autofree char *path = g_find_program_in_path (tools[i]);

      if (path == NULL)
        g_error ("%s is not installed (apt-get install kamailio kamailio-tls-modules sipsak "
                 "iproute2): these tests are never skipped",
                 tools[i]);
    }
  g_autofree char *tls = g_build_filename (modules_dir (), "tls.so", NULL);

  if (!g_file_test (tls, G_FILE_TEST_EXISTS))
    g_error ("Kamailio's TLS module is not installed (apt-get install kamailio-tls-modules)");
}

/* The registrar of TESTBED.md, on UDP, TCP and TLS. Every request is
 * logged ("phonesec-test: METHOD cseq N from USER"), so a test can count
 * what reached it. Two users exercise stale nonces: the correct answer of
 * "stale-once" gets a stale=true challenge (flag 16) at CSeq 2, that of
 * "stale-always" at every CSeq from 2 on. */
static char *
config_text (const KamailioSpec *spec, const char *dir)
{
  const char *kind = spec->proxy ? "proxy" : "www";

  return g_strdup_printf (
      "#!KAMAILIO\n"
      "debug=2\nlog_stderror=yes\nfork=yes\nchildren=1\ntcp_children=1\n"
      "auto_aliases=no\nenable_tls=yes\n"
      "listen=udp:%s:%u\nlisten=tcp:%s:%u\nlisten=tls:%s:%u\n"
      "mpath=\"%s/\"\n"
      "loadmodule \"tm.so\"\nloadmodule \"sl.so\"\nloadmodule \"pv.so\"\n"
      "loadmodule \"auth.so\"\nloadmodule \"tls.so\"\nloadmodule \"xlog.so\"\n"
      "modparam(\"auth\", \"algorithm\", \"%s\")\n"
      "%s"
      "modparam(\"tls\", \"config\", \"%s/tls.cfg\")\n"
      "request_route {\n"
      "  xlog(\"L_NOTICE\", \"phonesec-test: $rm cseq $cs from $fU\\n\");\n"
      "  if ($rm == \"REGISTER\") {\n"
      "    if (!pv_%s_authenticate(\"$td\", \"%s\", \"0\")) {\n"
      "      %s_challenge(\"$td\", \"0\");\n"
      "      exit;\n"
      "    }\n"
      "    if (($fU == \"stale-once\" && $cs == 2) || ($fU == \"stale-always\" && $cs >= 2)) {\n"
      "      %s_challenge(\"$td\", \"16\");\n"
      "      exit;\n"
      "    }\n"
      "    sl_send_reply(\"200\", \"OK\");\n"
      "    exit;\n"
      "  }\n"
      "  sl_send_reply(\"405\", \"Method Not Allowed\");\n"
      "}\n",
      SIP_TEST_SERVER_IP, spec->port, SIP_TEST_SERVER_IP, spec->port, SIP_TEST_SERVER_IP,
      spec->tls_port, modules_dir (), spec->algorithm,
      spec->qop ? "modparam(\"auth\", \"qop\", \"auth\")\n" : "", dir, kind, spec->password, kind,
      kind);
}

static void
write_file (const char *path, const char *text)
{
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

static void
die_with_test (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static gboolean
accepts (PhonesecVpnNet *net, guint port)
{
  g_autofree char *script = g_strdup_printf ("exec 3<>/dev/tcp/" SIP_TEST_SERVER_IP "/%u", port);
  const char *argv[] = { "bash", "-c", script, NULL };

  return phonesec_vpn_net_run (net->client_ns, NULL, argv) == 0;
}

Kamailio *
kamailio_start (PhonesecVpnNet *net, const char *name, const KamailioSpec *spec,
                const char *parent_dir)
{
  Kamailio *self = g_new0 (Kamailio, 1);
  g_autofree char *config = NULL;
  g_autofree char *config_path = NULL;
  g_autofree char *tls_path = NULL;
  g_autofree char *tls = NULL;
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + START_TIMEOUT_MS * 1000;

  self->dir = g_build_filename (parent_dir, name, NULL);
  g_assert_cmpint (g_mkdir_with_parents (self->dir, 0755), ==, 0);
  config = config_text (spec, self->dir);
  config_path = g_build_filename (self->dir, "kamailio.cfg", NULL);
  write_file (config_path, config);
  tls = g_strdup_printf ("[server:default]\nmethod = TLSv1.2+\nverify_certificate = no\n"
                         "require_certificate = no\nprivate_key = %s\ncertificate = %s\n",
                         spec->cert->key_path, spec->cert->cert_path);
  tls_path = g_build_filename (self->dir, "tls.cfg", NULL);
  write_file (tls_path, tls);
  self->log_path = g_build_filename (self->dir, "kamailio.log", NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_subprocess_launcher_set_stdout_file_path (launcher, self->log_path);
  g_subprocess_launcher_set_stderr_file_path (launcher, self->log_path);
  g_subprocess_launcher_set_child_setup (launcher, die_with_test, NULL, NULL);
  /* -DD: no daemon; -E: log to stderr; small memory pools; runtime files
   * (the control FIFO) in its folder. */
  self->process = g_subprocess_launcher_spawn (
      launcher, &error, "ip", "netns", "exec", net->server_ns, "kamailio", "-f", config_path, "-L",
      modules_dir (), "-DD", "-E", "-m", "16", "-M", "4", "-Y", self->dir, NULL);
  g_assert_no_error (error);
  while (!accepts (net, spec->port) || !accepts (net, spec->tls_port))
    {
      if (g_get_monotonic_time () > deadline || g_subprocess_get_identifier (self->process) == NULL)
        {
          g_autofree char *log = kamailio_dup_log (self);

          g_error ("kamailio %s did not start:\n%s", name, log);
        }
      g_usleep (50 * 1000);
    }
  return self;
}

guint
kamailio_count_in (const char *text, const char *part)
{
  guint n = 0;

  for (const char *p = strstr (text, part); p != NULL; p = strstr (p + 1, part))
    n++;
  return n;
}

guint
kamailio_count_requests (Kamailio *self, const char *method)
{
  g_autofree char *log = kamailio_dup_log (self);
  g_autofree char *marker = g_strdup_printf ("phonesec-test: %s cseq", method);

  return kamailio_count_in (log, marker);
}

char *
kamailio_dup_log (Kamailio *self)
{
  char *text = NULL;

  if (!g_file_get_contents (self->log_path, &text, NULL, NULL))
    return g_strdup ("");
  return text;
}

void
kamailio_free (Kamailio *self)
{
  if (self == NULL)
    return;
  /* Its children leave with it (the namespace's reaper takes strays). */
  g_subprocess_send_signal (self->process, SIGTERM);
  g_subprocess_wait (self->process, NULL, NULL);
  g_object_unref (self->process);
  g_free (self->dir);
  g_free (self->log_path);
  g_free (self);
}

void
kamailio_name_server (PhonesecVpnNet *net)
{
  g_autofree char *path = g_build_filename ("/etc/netns", net->client_ns, "hosts", NULL);

  write_file (path, "127.0.0.1 localhost\n" SIP_TEST_SERVER_IP " " SIP_TEST_SERVER_NAME "\n");
}
