/* firewall-net.c: see firewall-net.h.
 *
 * unshare(CLONE_NEWNET) moves only the calling thread into a new
 * namespace: the test's main thread makes one, keeps a descriptor on it
 * and comes back, twice. Programs run inside with setns() between fork and
 * exec; sockets are made inside the same way, on the main thread.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <gio/gio.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include "firewall-net.h"

void
firewall_net_require_tools (void)
{
  const char *tools[] = { "ip", "nft", "nsenter", "setpriv", "busctl" };

  if (getuid () != 0)
    g_error ("the firewall tests create network namespaces and load nftables rules: run them as "
             "root");
  for (guint i = 0; i < G_N_ELEMENTS (tools); i++)
    {
      g_autofree char *path = g_find_program_in_path (tools[i]);
      g_autofree char *sbin = g_build_filename ("/usr/sbin", tools[i], NULL);

      if (path == NULL && !g_file_test (sbin, G_FILE_TEST_IS_EXECUTABLE))
        g_error ("%s is not installed: the firewall tests need iproute2 nftables util-linux "
                 "systemd (scripts/install-deps)",
                 tools[i]);
    }
}

static void
enter (int ns)
{
  if (setns (ns, CLONE_NEWNET) != 0)
    g_error ("setns: %s", g_strerror (errno));
}

static int
new_namespace (int host)
{
  int fd;

  if (unshare (CLONE_NEWNET) != 0)
    g_error ("unshare(CLONE_NEWNET): %s", g_strerror (errno));
  fd = open ("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  enter (host);
  return fd;
}

static void
child_enter (gpointer user_data)
{
  /* Between fork and exec: no GLib, no error reporting but the exit. */
  if (setns (GPOINTER_TO_INT (user_data), CLONE_NEWNET) != 0)
    _exit (125);
}

int
firewall_net_run (FirewallNet *self, int ns, const char *input, char **output,
                  const char *const *argv)
{
  g_autoptr (GSubprocessLauncher) launcher
      = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                   | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autoptr (GSubprocess) process = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;

  g_subprocess_launcher_set_child_setup (launcher, child_enter, GINT_TO_POINTER (ns), NULL);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  if (output != NULL)
    *output = g_steal_pointer (&out);
  return g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
}

static void
must_run (FirewallNet *self, int ns, const char *const *argv)
{
  g_autofree char *out = NULL;

  if (firewall_net_run (self, ns, NULL, &out, argv) != 0)
    {
      g_autofree char *command = g_strjoinv (" ", (char **) argv);
      g_error ("`%s` failed: %s", command, out);
    }
}

/* A script of `ip` and sysctl lines, one process. */
static void
must_run_script (FirewallNet *self, int ns, const char *script)
{
  const char *argv[] = { "/bin/sh", "-ec", script, NULL };

  must_run (self, ns, argv);
}

FirewallNet *
firewall_net_new (void)
{
  FirewallNet *self = g_new0 (FirewallNet, 1);
  g_autofree char *peer_path = NULL;
  g_autofree char *make_link = NULL;

  self->host = open ("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  g_assert_cmpint (self->host, >=, 0);
  self->phone = new_namespace (self->host);
  self->peer = new_namespace (self->host);

  /* ip takes a namespace as a path too. */
  peer_path = g_strdup_printf ("/proc/%d/fd/%d", getpid (), self->peer);
  make_link = g_strdup_printf ("ip link add phone0 type veth peer name peer0 netns %s", peer_path);
  must_run_script (self, self->phone, make_link);
  /* No duplicate address detection: the addresses work at once. ICMP
   * errors unlimited on the phone: the tests count on each one. */
  must_run_script (self, self->phone,
                   "ip link set lo up\n"
                   "ip addr add " FIREWALL_PHONE_IPV4 "/24 dev phone0\n"
                   "ip addr add " FIREWALL_PHONE_IPV6 "/64 dev phone0 nodad\n"
                   "ip link set phone0 up\n"
                   "sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0\n"
                   "sysctl -qw net.ipv4.icmp_msgs_per_sec=100000 net.ipv4.icmp_msgs_burst=100000 "
                   "|| true\n");
  /* Ping sockets (SOCK_DGRAM, IPPROTO_ICMP) for root in the peer. */
  must_run_script (self, self->peer,
                   "ip link set lo up\n"
                   "ip addr add " FIREWALL_PEER_IPV4 "/24 dev peer0\n"
                   "ip addr add " FIREWALL_PEER_IPV6 "/64 dev peer0 nodad\n"
                   "ip link set peer0 up\n"
                   "sysctl -qw net.ipv4.ping_group_range='0 2147483647'\n");
  return self;
}

void
firewall_net_free (FirewallNet *self)
{
  if (self == NULL)
    return;
  /* The last descriptor gone, each namespace and its end of the veth pair
   * go with it (once the daemon inside has ended too). */
  close (self->phone);
  close (self->peer);
  close (self->host);
  g_free (self);
}

char *
firewall_net_wrapper (FirewallNet *self, const char *inner)
{
  return g_strdup_printf ("nsenter --net=/proc/%d/fd/%d %s", getpid (), self->phone,
                          inner != NULL ? inner : "");
}

int
firewall_net_socket (FirewallNet *self, int ns, int domain, int type, int protocol)
{
  int fd;

  enter (ns);
  fd = socket (domain, type | SOCK_CLOEXEC, protocol);
  enter (self->host);
  if (fd < 0)
    g_error ("socket: %s", g_strerror (errno));
  return fd;
}

char *
firewall_net_list_table (FirewallNet *self, const char *table)
{
  g_autofree char *command = g_strdup_printf ("nft list table %s", table);
  const char *argv[] = { "/bin/sh", "-c", command, NULL };
  char *out = NULL;

  if (firewall_net_run (self, self->phone, NULL, &out, argv) != 0)
    {
      g_free (out);
      return NULL;
    }
  return out;
}

void
firewall_net_load (FirewallNet *self, const char *script)
{
  const char *argv[] = { "nft", "-f", "-", NULL };
  g_autofree char *out = NULL;

  if (firewall_net_run (self, self->phone, script, &out, argv) != 0)
    g_error ("nft -f failed on:\n%s\n%s", script, out);
}
