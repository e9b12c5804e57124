/* firewall-net.h: a phone and a peer, two network namespaces joined by a
 * veth pair, for the firewall tests.
 *
 * The namespaces belong to the test process (it holds them by file
 * descriptor; no /run/netns names): they, the veth pair and everything in
 * them vanish when the test process ends, however it ends. The daemon
 * runs in the phone's namespace through nsenter (firewall_net_wrapper);
 * the test makes sockets in either namespace.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FIREWALL_PHONE_IPV4 "10.202.0.1"
#define FIREWALL_PEER_IPV4 "10.202.0.2"
#define FIREWALL_PHONE_IPV6 "fd00:202::1"
#define FIREWALL_PEER_IPV6 "fd00:202::2"

typedef struct
{
  int host;  /* the test's own namespace */
  int phone; /* phonesecd's */
  int peer;  /* the rest of the LAN */
} FirewallNet;

/* Fails the test (g_error) when not root or when ip, nft or nsenter is
 * missing: never skipped (scripts/install-deps installs them). */
void firewall_net_require_tools (void);

FirewallNet *firewall_net_new (void);
void firewall_net_free (FirewallNet *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FirewallNet, firewall_net_free)

/* The PHONESEC_DAEMON_WRAPPER that runs phonesecd in the phone's namespace
 * (before @inner, another wrapper such as valgrind, when not NULL). */
char *firewall_net_wrapper (FirewallNet *self, const char *inner);

/* A socket made in namespace @ns (one of the fds above). */
int firewall_net_socket (FirewallNet *self, int ns, int domain, int type, int protocol);

/* Runs argv in @ns with @input on its stdin (may be NULL); returns its exit
 * status, stdout and stderr in @output (optional). */
int firewall_net_run (FirewallNet *self, int ns, const char *input, char **output,
                      const char *const *argv);

/* `nft list table TABLE` in the phone's namespace; NULL when there is no
 * such table. */
char *firewall_net_list_table (FirewallNet *self, const char *table);
/* `nft -f -` of @script in the phone's namespace; asserts it worked. */
void firewall_net_load (FirewallNet *self, const char *script);

G_END_DECLS
