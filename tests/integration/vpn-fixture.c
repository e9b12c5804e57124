/* vpn-fixture.c: network namespaces, veth, ocserv.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "phonesec-test-bus.h"
#include "vpn-fixture.h"

#define OCSERV_PORT 443
#define READY_TIMEOUT_S 15

void
phonesec_test_require_vpn_tools (void)
{
  const char *tools[] = { "ocserv", "ocpasswd", "openconnect", "ip", "ping" };

  for (guint i = 0; i < G_N_ELEMENTS (tools); i++)
    {
      g_autofree char *path = g_find_program_in_path (tools[i]);

      if (path == NULL)
        {
          g_autofree char *sbin = g_build_filename ("/usr/sbin", tools[i], NULL);
          if (!g_file_test (sbin, G_FILE_TEST_IS_EXECUTABLE))
            g_error ("%s is not installed: the VPN tests need ocserv openconnect iproute2 "
                     "iputils-ping (scripts/install-deps)",
                     tools[i]);
        }
    }
  if (getuid () != 0)
    g_error ("the VPN tests create network namespaces: run them as root");
}

/* Runs argv; asserts it could start; returns the exit status. */
static int
run_argv (const char *const *argv, char **output)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) p = g_subprocess_newv (
      argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE, &error);
  g_autofree char *out = NULL;

  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (p, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  if (output != NULL)
    *output = g_steal_pointer (&out);
  return g_subprocess_get_if_exited (p) ? g_subprocess_get_exit_status (p) : -1;
}

static void
must_run (const char *const *argv)
{
  g_autofree char *out = NULL;

  if (run_argv (argv, &out) != 0)
    {
      g_autofree char *cmd = g_strjoinv (" ", (char **) argv);
      g_error ("`%s` failed: %s", cmd, out);
    }
}

int
phonesec_vpn_net_run (const char *ns, char **output, const char *const *argv)
{
  g_autoptr (GPtrArray) full = g_ptr_array_new ();

  g_ptr_array_add (full, (gpointer) "ip");
  g_ptr_array_add (full, (gpointer) "netns");
  g_ptr_array_add (full, (gpointer) "exec");
  g_ptr_array_add (full, (gpointer) ns);
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (full, (gpointer) argv[i]);
  g_ptr_array_add (full, NULL);
  return run_argv ((const char *const *) full->pdata, output);
}

gboolean
phonesec_vpn_net_has_link (const char *ns, const char *ifname)
{
  const char *argv[] = { "ip", "-n", ns, "link", "show", "dev", ifname, NULL };

  return run_argv (argv, NULL) == 0;
}

/* What the reaper and phonesec_vpn_net_free do: kill every process in the
 * namespaces, delete them and their /etc/netns folders. */
static const char reaper_script[]
    = "read _ignored\n"
      "for ns in \"$1\" \"$2\"; do\n"
      "  for pid in $(ip netns pids \"$ns\" 2>/dev/null); do kill -9 \"$pid\" 2>/dev/null; done\n"
      "  ip netns del \"$ns\" 2>/dev/null\n"
      "  rm -rf \"/etc/netns/$ns\"\n"
      "done\n"
      "exit 0\n";

/* The reaper outlives the test program: its own session, no death signal. */
static void
reaper_setup (gpointer user_data)
{
  setsid ();
}

static void
write_netns_file (const char *ns, const char *name, const char *contents)
{
  g_autofree char *dir = g_build_filename ("/etc/netns", ns, NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  g_chmod (path, 0644);
}

PhonesecVpnNet *
phonesec_vpn_net_new (void)
{
  static guint counter;
  PhonesecVpnNet *self = g_new0 (PhonesecVpnNet, 1);
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GError) error = NULL;
  guint n = counter++;
  int pid = getpid () % 100000;

  self->client_ns = g_strdup_printf ("phonesec-vpnc-%d-%u", getpid (), n);
  self->server_ns = g_strdup_printf ("phonesec-vpns-%d-%u", getpid (), n);
  self->veth_client = g_strdup_printf ("pvc%05dx%u", pid, n % 1000);
  self->veth_server = g_strdup_printf ("pvs%05dx%u", pid, n % 1000);

  /* First the reaper, so nothing is left behind whatever happens next. */
  launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                   | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_child_setup (launcher, reaper_setup, NULL, NULL);
  self->reaper = g_subprocess_launcher_spawn (launcher, &error, "/bin/sh", "-c", reaper_script,
                                              "reaper", self->client_ns, self->server_ns, NULL);
  g_assert_no_error (error);

  {
    const char *add_c[] = { "ip", "netns", "add", self->client_ns, NULL };
    const char *add_s[] = { "ip", "netns", "add", self->server_ns, NULL };
    const char *veth[]
        = { "ip",   "link", "add",  self->veth_client, "netns", self->client_ns, "type",
            "veth", "peer", "name", self->veth_server, "netns", self->server_ns, NULL };
    const char *addr_c[] = { "ip",
                             "-n",
                             self->client_ns,
                             "addr",
                             "add",
                             PHONESEC_VPN_CLIENT_IP "/24",
                             "dev",
                             self->veth_client,
                             NULL };
    const char *addr_s[] = { "ip",
                             "-n",
                             self->server_ns,
                             "addr",
                             "add",
                             PHONESEC_VPN_SERVER_IP "/24",
                             "dev",
                             self->veth_server,
                             NULL };
    const char *up_c[]
        = { "ip", "-n", self->client_ns, "link", "set", self->veth_client, "up", NULL };
    const char *up_s[]
        = { "ip", "-n", self->server_ns, "link", "set", self->veth_server, "up", NULL };
    const char *lo_c[] = { "ip", "-n", self->client_ns, "link", "set", "lo", "up", NULL };
    const char *lo_s[] = { "ip", "-n", self->server_ns, "link", "set", "lo", "up", NULL };

    must_run (add_c);
    must_run (add_s);
    must_run (veth);
    must_run (addr_c);
    must_run (addr_s);
    must_run (up_c);
    must_run (up_s);
    must_run (lo_c);
    must_run (lo_s);
  }
  /* `ip netns exec` mounts these over /etc/resolv.conf and /etc/hosts:
   * nothing run in the client namespace can touch the host's files, and the
   * server has names there. */
  write_netns_file (self->client_ns, "resolv.conf", "# phonesec VPN test namespace\n");
  write_netns_file (self->client_ns, "hosts",
                    "127.0.0.1 localhost\n" PHONESEC_VPN_SERVER_IP " " PHONESEC_VPN_SERVER_NAME
                    " " PHONESEC_VPN_OTHER_NAME "\n");
  write_netns_file (self->server_ns, "resolv.conf", "# phonesec VPN test namespace\n");
  return self;
}

void
phonesec_vpn_net_free (PhonesecVpnNet *self)
{
  if (self == NULL)
    return;
  if (self->reaper != NULL)
    {
      /* Closing its stdin is the signal; wait for the cleanup to finish. */
      g_output_stream_close (g_subprocess_get_stdin_pipe (self->reaper), NULL, NULL);
      g_subprocess_wait (self->reaper, NULL, NULL);
      g_clear_object (&self->reaper);
    }
  g_free (self->client_ns);
  g_free (self->server_ns);
  g_free (self->veth_client);
  g_free (self->veth_server);
  g_free (self);
}

/* --- ocserv ------------------------------------------------------------------ */

static void
die_with_test (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
ocserv_spawn (PhonesecOcserv *self)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *before = phonesec_ocserv_dup_log (self);
  gsize mark = strlen (before);
  gint64 deadline;
  int fd;

  g_assert_null (self->process);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
  fd = g_open (self->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  g_assert_cmpint (fd, >=, 0);
  g_subprocess_launcher_take_stdout_fd (launcher, fd);
  g_subprocess_launcher_set_child_setup (launcher, die_with_test, NULL, NULL);
  self->process = g_subprocess_launcher_spawn (launcher, &error, "ip", "netns", "exec",
                                               self->net->server_ns, "ocserv", "--foreground",
                                               "--debug=2", "--config", self->conf_path, NULL);
  g_assert_no_error (error);

  /* Ready when it says it listens (the test cannot dial into the
   * namespace without a process there). */
  deadline = g_get_monotonic_time () + READY_TIMEOUT_S * G_USEC_PER_SEC;
  for (;;)
    {
      g_autofree char *log = phonesec_ocserv_dup_log (self);

      if (strlen (log) > mark && strstr (log + mark, "listening (TCP) on") != NULL
          && strstr (log + mark, "sec-mod initialized") != NULL)
        break;
      if (g_subprocess_get_identifier (self->process) == NULL || g_get_monotonic_time () > deadline)
        g_error ("ocserv did not start; its log:\n%s", log);
      g_usleep (10000);
    }
}

PhonesecOcserv *
phonesec_ocserv_start (PhonesecVpnNet *net, const PhonesecOcservSpec *spec, const char *parent_dir)
{
  PhonesecOcserv *self = g_new0 (PhonesecOcserv, 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) conf = g_string_new (NULL);
  g_autofree char *passwd = NULL;
  g_autofree char *socket = NULL;
  g_autofree char *pid_file = NULL;

  self->net = net;
  self->dir = g_build_filename (parent_dir, "ocserv", NULL);
  g_assert_cmpint (g_mkdir_with_parents (self->dir, 0755), ==, 0);
  self->conf_path = g_build_filename (self->dir, "ocserv.conf", NULL);
  self->log_path = g_build_filename (self->dir, "ocserv.log", NULL);
  passwd = g_build_filename (self->dir, "passwd", NULL);
  socket = g_build_filename (self->dir, "sec-mod.sock", NULL);
  pid_file = g_build_filename (self->dir, "ocserv.pid", NULL);

  /* ocpasswd reads the password twice from stdin. */
  {
    g_autoptr (GSubprocess) p = NULL;
    g_autofree char *input = g_strdup_printf ("%s\n%s\n", spec->password, spec->password);

    if (spec->group != NULL)
      p = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE, &error, "ocpasswd", "-c", passwd, "-g",
                            spec->group, spec->user, NULL);
    else
      p = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE, &error, "ocpasswd", "-c", passwd,
                            spec->user, NULL);
    g_assert_no_error (error);
    g_subprocess_communicate_utf8 (p, input, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (g_subprocess_get_successful (p));
  }

  g_string_append_printf (conf, "auth = \"plain[passwd=%s]\"\n", passwd);
  g_string_append_printf (conf, "tcp-port = %d\nudp-port = %d\n", OCSERV_PORT, OCSERV_PORT);
  g_string_append (conf, "run-as-user = nobody\nrun-as-group = nogroup\n");
  g_string_append_printf (conf, "socket-file = %s\npid-file = %s\n", socket, pid_file);
  g_string_append_printf (conf, "server-cert = %s\nserver-key = %s\n", spec->cert->cert_path,
                          spec->cert->key_path);
  g_string_append (conf, "isolate-workers = false\n"
                         "max-clients = 8\nmax-same-clients = 8\n"
                         "keepalive = 30\ndpd = 10\nmobile-dpd = 30\n"
                         "try-mtu-discovery = false\nauth-timeout = 30\n"
                         "cookie-timeout = 300\ndeny-roaming = false\n"
                         "rekey-time = 172800\nuse-occtl = false\n"
                         "device = vpns\npredictable-ips = true\n"
                         "ipv4-network = " PHONESEC_VPN_POOL_NETWORK "\n"
                         "ipv4-netmask = " PHONESEC_VPN_POOL_NETMASK "\n"
                         "route = " PHONESEC_VPN_POOL_NETWORK "/" PHONESEC_VPN_POOL_NETMASK "\n"
                         /* Pushed DNS: the client must not rewrite any
                          * resolv.conf with it. */
                         "dns = " PHONESEC_VPN_SERVER_TUNNEL_IP "\n");
  if (spec->priority != NULL)
    g_string_append_printf (conf, "tls-priorities = \"%s\"\n", spec->priority);
  if (spec->group != NULL)
    {
      /* The group's own pool: a client that selected it gets an address
       * there, which is how the tests see the selection worked. */
      g_autofree char *groups = g_build_filename (self->dir, "groups", NULL);
      g_autofree char *group_conf = g_build_filename (groups, spec->group, NULL);

      g_assert_cmpint (g_mkdir_with_parents (groups, 0755), ==, 0);
      g_file_set_contents (group_conf,
                           "ipv4-network = " PHONESEC_VPN_GROUP_POOL_NETWORK "\n"
                           "ipv4-netmask = " PHONESEC_VPN_POOL_NETMASK "\n"
                           "route = " PHONESEC_VPN_GROUP_POOL_NETWORK "/" PHONESEC_VPN_POOL_NETMASK
                           "\n",
                           -1, &error);
      g_assert_no_error (error);
      g_string_append_printf (conf, "select-group = %s\nconfig-per-group = %s/\n", spec->group,
                              groups);
    }
  g_file_set_contents (self->conf_path, conf->str, -1, &error);
  g_assert_no_error (error);

  ocserv_spawn (self);
  return self;
}

void
phonesec_ocserv_kill (PhonesecOcserv *self)
{
  g_autofree char *pids = NULL;
  const char *argv[] = { "ip", "netns", "pids", self->net->server_ns, NULL };

  g_assert_nonnull (self->process);
  /* Every process of the server namespace is ocserv's. */
  g_assert_cmpint (run_argv (argv, &pids), ==, 0);
  {
    g_auto (GStrv) list = g_strsplit (pids, "\n", -1);
    for (guint i = 0; list[i] != NULL; i++)
      {
        guint64 pid;
        if (g_ascii_string_to_unsigned (g_strstrip (list[i]), 10, 2, G_MAXINT, &pid, NULL))
          kill ((pid_t) pid, SIGKILL);
      }
  }
  g_subprocess_wait (self->process, NULL, NULL);
  g_clear_object (&self->process);
  /* Its helpers go with it (their parent died): wait until none is left. */
  for (int i = 0; i < 500; i++)
    {
      g_autofree char *left = NULL;
      run_argv (argv, &left);
      if (*g_strstrip (left) == '\0')
        break;
      g_usleep (10000);
    }
}

void
phonesec_ocserv_restart (PhonesecOcserv *self)
{
  ocserv_spawn (self);
}

char *
phonesec_ocserv_dup_log (PhonesecOcserv *self)
{
  char *log = NULL;

  if (!g_file_get_contents (self->log_path, &log, NULL, NULL))
    return g_strdup ("");
  return log;
}

void
phonesec_ocserv_free (PhonesecOcserv *self)
{
  if (self == NULL)
    return;
  if (self->process != NULL)
    phonesec_ocserv_kill (self);
  g_free (self->dir);
  g_free (self->conf_path);
  g_free (self->log_path);
  g_free (self);
}

void
phonesec_vpn_add_plugin (PhonesecTestBus *bus)
{
  g_autofree char *from
      = g_build_filename (g_getenv ("PHONESEC_VPN_PLUGIN_DIR"), "phonesec-vpn-script", NULL);
  g_autofree char *script = g_build_filename (bus->plugin_dir, "phonesec-vpn-script", NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  phonesec_test_bus_add_plugin (bus, "PHONESEC_VPN_PLUGIN_DIR");
  g_file_get_contents (from, &contents, &length, &error);
  g_assert_no_error (error);
  g_file_set_contents_full (script, contents, length, G_FILE_SET_CONTENTS_NONE, 0755, &error);
  g_assert_no_error (error);
  g_chmod (script, 0755);
  g_setenv ("PHONESEC_VPN_SCRIPT", script, TRUE);
}
