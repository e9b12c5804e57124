/* vpn-fixture.h: two network namespaces joined by a veth pair, a real
 * ocserv (1.1, plain password file) in the "server" one, and helpers to
 * run things in the "client" one, where the tests run phonesecd.
 *
 * Names are unique per test run (pid and a counter). The namespaces, their
 * /etc/netns/<ns>/ files (resolv.conf, hosts) and every process inside
 * them are removed at the end, even when the test program dies: a small
 * reaper process waits on a pipe the test holds and cleans up when that
 * pipe closes, whatever the cause.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

#include "phonesec-test-bus.h"
#include "tls-fixture.h"

G_BEGIN_DECLS

/* Addresses on the veth link and in the tunnel (ocserv's pool). */
#define PHONESEC_VPN_SERVER_IP "10.201.0.1"
#define PHONESEC_VPN_CLIENT_IP "10.201.0.2"
#define PHONESEC_VPN_POOL_NETWORK "10.77.0.0"
#define PHONESEC_VPN_POOL_NETMASK "255.255.255.0"
/* The pool of the tunnel group (PhonesecOcservSpec.group). */
#define PHONESEC_VPN_GROUP_POOL_NETWORK "10.78.0.0"
/* ocserv's end of every tunnel: the first address of the pool. */
#define PHONESEC_VPN_SERVER_TUNNEL_IP "10.77.0.1"
/* Names the client namespace's /etc/hosts gives the server. */
#define PHONESEC_VPN_SERVER_NAME "vpn.test"
#define PHONESEC_VPN_OTHER_NAME "other.test"

/* Adds the built VPN plugin to @bus, with the script it runs (0755) in
 * the test's plugin folder (PHONESEC_VPN_PLUGIN_DIR, PHONESEC_VPN_SCRIPT). */
void phonesec_vpn_add_plugin (PhonesecTestBus *bus);

typedef struct
{
  char *client_ns;
  char *server_ns;
  char *veth_client;
  char *veth_server;
  GSubprocess *reaper; /* cleans up when its stdin closes */
} PhonesecVpnNet;

/* Fails the test (g_error) when ocserv, ocpasswd, openconnect or ip is
 * missing: never skipped; CI installs ocserv openconnect iproute2. */
void phonesec_test_require_vpn_tools (void);

PhonesecVpnNet *phonesec_vpn_net_new (void);
void phonesec_vpn_net_free (PhonesecVpnNet *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecVpnNet, phonesec_vpn_net_free)

/* Runs argv in @ns (ip netns exec), returns its exit status; stdout and
 * stderr in @output (optional). */
int phonesec_vpn_net_run (const char *ns, char **output, const char *const *argv);
/* Whether @ns has a network interface named @ifname. */
gboolean phonesec_vpn_net_has_link (const char *ns, const char *ifname);

typedef struct
{
  const PhonesecTestCert *cert; /* server certificate and key */
  const char *user;
  const char *password;
  /* NULL: no group selection; else the user is in this group, ocserv
   * offers it (select-group) and gives it its own address pool
   * (PHONESEC_VPN_GROUP_POOL_NETWORK, config-per-group). */
  const char *group;
  /* tls-priorities (a GnuTLS priority string); NULL: ocserv's default. */
  const char *priority;
} PhonesecOcservSpec;

typedef struct
{
  PhonesecVpnNet *net; /* not owned */
  GSubprocess *process;
  char *dir;
  char *conf_path;
  char *log_path;
} PhonesecOcserv;

/* Writes the password file (ocpasswd) and configuration in @parent_dir,
 * starts ocserv on port 443 of the server namespace and returns once it
 * listens. Asserts success (the log is shown on failure). */
PhonesecOcserv *phonesec_ocserv_start (PhonesecVpnNet *net, const PhonesecOcservSpec *spec,
                                       const char *parent_dir);
/* Kills ocserv and everything it started (workers, sec-mod): "the server
 * went away". */
void phonesec_ocserv_kill (PhonesecOcserv *self);
/* Starts it again with the same configuration. */
void phonesec_ocserv_restart (PhonesecOcserv *self);
char *phonesec_ocserv_dup_log (PhonesecOcserv *self);
void phonesec_ocserv_free (PhonesecOcserv *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PhonesecOcserv, phonesec_ocserv_free)

G_END_DECLS
