/* firewall-probe.c: see firewall-probe.h.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "firewall-probe.h"

#define FIRST_SOURCE_PORT 30000
#define LAST_SOURCE_PORT 60999

typedef struct
{
  int fd;
  ProbeKind kind;
} Listener;

struct _Prober
{
  FirewallNet *net;
  guint timeout_ms;
  GArray *listeners; /* Listener */
  guint next_source_port;
};

typedef struct
{
  const Probe *probe;
  int family;
  int fd;
  gboolean done;
  ProbeResult result;
} Running;

const char *
probe_result_name (ProbeResult result)
{
  static const char *const names[] = { "open", "refused", "dropped" };

  return names[result];
}

static const char *
kind_name (ProbeKind kind)
{
  static const char *const names[] = { "udp", "tcp", "ping" };

  return names[kind];
}

Prober *
prober_new (FirewallNet *net, guint timeout_ms)
{
  Prober *self = g_new0 (Prober, 1);

  self->net = net;
  self->timeout_ms = timeout_ms;
  self->listeners = g_array_new (FALSE, FALSE, sizeof (Listener));
  self->next_source_port = FIRST_SOURCE_PORT;
  return self;
}

void
prober_free (Prober *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < self->listeners->len; i++)
    close (g_array_index (self->listeners, Listener, i).fd);
  g_array_unref (self->listeners);
  g_free (self);
}

static guint16
fresh_port (Prober *self)
{
  guint16 port = (guint16) self->next_source_port;

  if (++self->next_source_port > LAST_SOURCE_PORT)
    self->next_source_port = FIRST_SOURCE_PORT;
  return port;
}

/* @address NULL: the wildcard address. */
static socklen_t
make_address (int family, const char *address, guint16 port, struct sockaddr_storage *out)
{
  memset (out, 0, sizeof *out);
  if (family == AF_INET)
    {
      struct sockaddr_in *in = (struct sockaddr_in *) out;

      in->sin_family = AF_INET;
      in->sin_port = htons (port);
      in->sin_addr.s_addr = htonl (INADDR_ANY);
      if (address != NULL)
        g_assert_cmpint (inet_pton (AF_INET, address, &in->sin_addr), ==, 1);
      return sizeof *in;
    }
  else
    {
      struct sockaddr_in6 *in6 = (struct sockaddr_in6 *) out;

      in6->sin6_family = AF_INET6;
      in6->sin6_port = htons (port);
      in6->sin6_addr = in6addr_any;
      if (address != NULL)
        g_assert_cmpint (inet_pton (AF_INET6, address, &in6->sin6_addr), ==, 1);
      return sizeof *in6;
    }
}

static void
bind_to (int fd, int family, guint16 port)
{
  struct sockaddr_storage address;
  socklen_t length = make_address (family, NULL, port, &address);
  int one = 1;

  g_assert_cmpint (setsockopt (fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one), ==, 0);
  if (family == AF_INET6)
    g_assert_cmpint (setsockopt (fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one), ==, 0);
  if (bind (fd, (struct sockaddr *) &address, length) != 0)
    g_error ("bind to port %u: %s", port, g_strerror (errno));
}

void
prober_listen (Prober *self, int ns, ProbeKind kind, guint16 port)
{
  const int families[] = { AF_INET, AF_INET6 };

  g_return_if_fail (kind != PROBE_PING);
  for (guint i = 0; i < G_N_ELEMENTS (families); i++)
    {
      int type = kind == PROBE_TCP ? SOCK_STREAM : SOCK_DGRAM;
      Listener listener = {
        .fd = firewall_net_socket (self->net, ns, families[i], type | SOCK_NONBLOCK, 0),
        .kind = kind,
      };

      bind_to (listener.fd, families[i], port);
      if (kind == PROBE_TCP)
        g_assert_cmpint (listen (listener.fd, 64), ==, 0);
      g_array_append_val (self->listeners, listener);
    }
}

static void
serve (const Listener *listener)
{
  for (;;)
    {
      if (listener->kind == PROBE_TCP)
        {
          int fd = accept (listener->fd, NULL, NULL);

          if (fd < 0)
            return;
          close (fd);
        }
      else
        {
          struct sockaddr_storage from;
          socklen_t length = sizeof from;
          char buffer[512];
          gssize n = recvfrom (listener->fd, buffer, sizeof buffer, 0, (struct sockaddr *) &from,
                               &length);

          if (n < 0)
            return;
          sendto (listener->fd, buffer, (size_t) n, 0, (struct sockaddr *) &from, length);
        }
    }
}

static void
start (Prober *self, Running *run, int from, const char *to)
{
  struct sockaddr_storage address;
  socklen_t length = make_address (run->family, to, run->probe->port, &address);
  gboolean ping = run->probe->kind == PROBE_PING;
  int protocol = !ping ? 0 : run->family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
  int type = run->probe->kind == PROBE_TCP ? SOCK_STREAM : SOCK_DGRAM;

  run->fd = firewall_net_socket (self->net, from, run->family, type | SOCK_NONBLOCK, protocol);
  /* A ping socket's "port" is its echo identifier. */
  bind_to (run->fd, run->family,
           run->probe->source_port != 0 ? run->probe->source_port : fresh_port (self));
  if (connect (run->fd, (struct sockaddr *) &address, length) != 0 && errno != EINPROGRESS)
    g_error ("connect: %s", g_strerror (errno));
  if (run->probe->kind == PROBE_UDP)
    g_assert_cmpint (send (run->fd, "probe", 5, 0), ==, 5);
  else if (ping)
    {
      /* The kernel fills in the identifier and the checksum. */
      guint8 echo[16] = { run->family == AF_INET ? ICMP_ECHO : ICMP6_ECHO_REQUEST, 0 };

      echo[7] = 1; /* sequence */
      g_assert_cmpint (send (run->fd, echo, sizeof echo, 0), ==, sizeof echo);
    }
}

static void
finish (Running *run, ProbeResult result)
{
  run->done = TRUE;
  run->result = result;
}

static void
advance (Running *run, short revents)
{
  char buffer[512];
  int error = 0;
  socklen_t length = sizeof error;

  if (revents == 0)
    return;
  if (run->probe->kind == PROBE_TCP)
    {
      getsockopt (run->fd, SOL_SOCKET, SO_ERROR, &error, &length);
      if (error == 0 && (revents & POLLOUT))
        finish (run, PROBE_OPEN);
      else if (error != 0)
        finish (run, PROBE_REFUSED);
      return;
    }
  if (recv (run->fd, buffer, sizeof buffer, 0) >= 0)
    finish (run, PROBE_OPEN);
  else if (errno != EAGAIN && errno != EWOULDBLOCK)
    finish (run, PROBE_REFUSED); /* ECONNREFUSED: an ICMP error came back */
}

/* Polls the listeners and the probes still waiting until all are done or
 * @deadline. */
static void
wait_all (Prober *self, Running *runs, guint n_runs, gint64 deadline)
{
  g_autofree struct pollfd *fds = g_new0 (struct pollfd, self->listeners->len + n_runs);

  for (;;)
    {
      gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
      guint n = 0, waiting = 0;

      for (guint i = 0; i < self->listeners->len; i++)
        fds[n++] = (struct pollfd){ g_array_index (self->listeners, Listener, i).fd, POLLIN, 0 };
      for (guint i = 0; i < n_runs; i++)
        if (!runs[i].done)
          {
            waiting++;
            fds[n++] = (struct pollfd){ runs[i].fd,
                                        runs[i].probe->kind == PROBE_TCP ? POLLOUT : POLLIN, 0 };
          }
      if (waiting == 0 || left <= 0)
        return;
      if (poll (fds, n, (int) left) < 0 && errno != EINTR)
        g_error ("poll: %s", g_strerror (errno));
      for (guint i = 0; i < self->listeners->len; i++)
        if (fds[i].revents != 0)
          serve (&g_array_index (self->listeners, Listener, i));
      for (guint i = 0, k = self->listeners->len; i < n_runs; i++)
        if (!runs[i].done)
          advance (&runs[i], fds[k++].revents);
    }
}

char *
prober_check (Prober *self, int from, const Probe *probes, guint n_probes)
{
  gboolean from_peer = from == self->net->peer;
  g_autoptr (GArray) runs = g_array_new (FALSE, TRUE, sizeof (Running));
  g_autoptr (GString) report = g_string_new (NULL);

  for (guint i = 0; i < n_probes; i++)
    for (int v6 = 0; v6 <= 1; v6++)
      if (probes[i].families & (v6 ? PROBE_IPV6 : PROBE_IPV4))
        {
          Running run = { .probe = &probes[i], .family = v6 ? AF_INET6 : AF_INET };
          const char *to = v6 ? (from_peer ? FIREWALL_PHONE_IPV6 : FIREWALL_PEER_IPV6)
                              : (from_peer ? FIREWALL_PHONE_IPV4 : FIREWALL_PEER_IPV4);

          start (self, &run, from, to);
          g_array_append_val (runs, run);
        }
  wait_all (self, (Running *) (gpointer) runs->data, runs->len,
            g_get_monotonic_time () + (gint64) self->timeout_ms * 1000);
  for (guint i = 0; i < runs->len; i++)
    {
      Running *run = &g_array_index (runs, Running, i);
      ProbeResult result = run->done ? run->result : PROBE_DROPPED;

      close (run->fd);
      if (result != run->probe->expect)
        g_string_append_printf (report, "  %s %u over %s from the %s: %s, expected %s\n",
                                kind_name (run->probe->kind), run->probe->port,
                                run->family == AF_INET ? "IPv4" : "IPv6",
                                from_peer ? "peer" : "phone", probe_result_name (result),
                                probe_result_name (run->probe->expect));
    }
  return report->len > 0 ? g_strdup (report->str) : NULL;
}
