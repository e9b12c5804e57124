/* firewall-probe.h: listeners and probes across the firewall.
 *
 * Listeners answer on their port for as long as the prober lives: UDP
 * ones echo each datagram, TCP ones accept and close. Probes run all at
 * once, in one poll loop that also serves the listeners, and each ends
 * as:
 *
 *   OPEN     TCP connected, UDP echoed, ping answered
 *   REFUSED  TCP reset, or ICMP port unreachable for UDP
 *   DROPPED  nothing within the timeout
 *
 * Every probe comes from a source port (and ping identifier) never used
 * before in the run, so connection tracking never takes it for part of an
 * earlier flow.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

#include "firewall-net.h"

G_BEGIN_DECLS

typedef enum
{
  PROBE_OPEN,
  PROBE_REFUSED,
  PROBE_DROPPED,
} ProbeResult;

typedef enum
{
  PROBE_UDP,
  PROBE_TCP,
  PROBE_PING,
} ProbeKind;

typedef enum
{
  PROBE_IPV4 = 1 << 0,
  PROBE_IPV6 = 1 << 1,
  PROBE_BOTH = PROBE_IPV4 | PROBE_IPV6,
} ProbeFamilies;

/**
 * Probe:
 * @kind, @port: what to try (port unused for ping)
 * @families: the IP versions to try it over, each one probe
 * @expect: the result both must give
 * @source_port: 0 for a fresh one; else this one (with SO_REUSEADDR, for
 *   a probe that must look like part of an earlier flow)
 */
typedef struct
{
  ProbeKind kind;
  guint16 port;
  ProbeFamilies families;
  ProbeResult expect;
  guint16 source_port;
} Probe;

typedef struct _Prober Prober;

/* Probes wait @timeout_ms for an answer: a dropped probe costs that much. */
Prober *prober_new (FirewallNet *net, guint timeout_ms);
void prober_free (Prober *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Prober, prober_free)

/* A listener in namespace @ns on @port, IPv4 and IPv6 (UDP or TCP). */
void prober_listen (Prober *self, int ns, ProbeKind kind, guint16 port);

/**
 * prober_check:
 * @from: the namespace the probes start in; they go to the other one's
 *   address
 *
 * Runs @probes (both families where asked) in parallel and returns %NULL
 * when every result is as expected, else a description of each probe that
 * was not, one per line.
 */
char *prober_check (Prober *self, int from, const Probe *probes, guint n_probes);

/* "open", "refused" or "dropped". */
const char *probe_result_name (ProbeResult result);

G_END_DECLS
