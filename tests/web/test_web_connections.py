#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Connections that say nothing, or stop half-way, neither delay real
clients nor stay for ever: phonesec-web (HTTPS) times out handshakes and
idle connections, keeps at most PER_PEER connections per source address
and PER_SERVER in all, and a real client's page loads in under a second
meanwhile. Source addresses in 127.0.0.0/8 play distinct peers.

The limits are those of ui-bridge/web/README.md."""

import os
import socket
import time
import unittest

import webstack

HANDSHAKE_TIMEOUT = 10  # s, from accept to the end of the TLS handshake
IDLE_TIMEOUT = 15  # s, waiting for (the rest of) a request
PER_PEER = 96
PER_SERVER = 256
PAGE_BOUND = 1.0  # s, for a real client's page (2 shared cores)

# The first bytes of a TLS ClientHello: a handshake that started, then stalls.
PARTIAL_HELLO = bytes.fromhex("160301020001000001fc0303")


def is_closed(sock, wait=0.0):
    """True when the server closed @sock (EOF or reset) within @wait s."""
    sock.settimeout(wait if wait > 0 else 0.001)
    try:
        while True:
            if not sock.recv(4096):
                return True
    except (socket.timeout, BlockingIOError):
        return False
    except (ConnectionError, OSError):
        return True


class ConnectionsTest(webstack.WebTestCase):
    def setUp(self):
        super().setUp()
        self.sockets = []

    def tearDown(self):
        for s in self.sockets:
            s.close()
        super().tearDown()

    def idle(self, source, count=1):
        for _ in range(count):
            self.sockets.append(self.stack.tcp(source))
        return self.sockets[-count:]

    def page_time(self, source="127.0.0.1"):
        """Seconds for a new client to connect, shake hands and get /login."""
        started = time.monotonic()
        response = self.stack.request("GET", "/login", source=source, timeout=30)
        elapsed = time.monotonic() - started
        self.assertEqual(response.status, 200)
        self.assertIn(b'id="login"', response.body)
        return elapsed

    def test_idle_connections_of_one_peer_do_not_delay_a_page(self):
        self.idle("127.0.0.2", 200)
        time.sleep(0.3)
        other = self.page_time("127.0.0.1")
        same = self.page_time("127.0.0.2")
        print(f"\n# with 200 idle connections from one address: page in {other:.3f} s, "
              f"from that same address {same:.3f} s")
        self.assertLess(other, PAGE_BOUND)
        self.assertLess(same, PAGE_BOUND)
        open_ones = sum(not is_closed(s) for s in self.sockets)
        print(f"# of those 200, {open_ones} still open")
        self.assertLessEqual(open_ones, PER_PEER)
        # The oldest went, the newest stay.
        self.assertTrue(is_closed(self.sockets[0]))
        self.assertFalse(is_closed(self.sockets[-1]))

    def test_idle_connections_of_many_peers_do_not_delay_a_page(self):
        for i in range(200):
            self.idle(f"127.0.2.{i + 1}")
        time.sleep(0.3)
        elapsed = self.page_time("127.0.0.1")
        print(f"\n# with 200 idle connections from 200 addresses: page in {elapsed:.3f} s")
        self.assertLess(elapsed, PAGE_BOUND)
        # Under the bound of the whole server, nobody was closed.
        self.assertEqual(sum(is_closed(s) for s in self.sockets), 0)

    def test_one_peer_cannot_take_every_slot(self):
        # Four addresses try to hold 100 each: more than the server keeps.
        for peer in range(1, 5):
            self.idle(f"127.0.3.{peer}", 100)
        time.sleep(0.3)
        elapsed = self.page_time("127.0.0.1")
        print(f"\n# with 4 x 100 idle connections: page in {elapsed:.3f} s")
        self.assertLess(elapsed, PAGE_BOUND)
        held = [sum(not is_closed(s) for s in self.sockets[100 * p:100 * (p + 1)])
                for p in range(4)]
        print(f"# held per address: {held}")
        self.assertLessEqual(sum(held), PER_SERVER)
        self.assertLessEqual(max(held), PER_PEER)
        # Another address still gets all it asks for, below the limit.
        newcomer = self.idle("127.0.3.5", 10)
        time.sleep(0.3)
        self.assertEqual(sum(is_closed(s) for s in newcomer), 0)
        self.assertLess(self.page_time("127.0.3.5"), PAGE_BOUND)

    def test_stalled_handshakes_do_not_delay_a_page(self):
        for sock in self.idle("127.0.0.3", 40):
            sock.sendall(PARTIAL_HELLO)
        time.sleep(0.3)
        elapsed = self.page_time("127.0.0.1")
        print(f"\n# with 40 stalled handshakes from one address: page in {elapsed:.3f} s")
        self.assertLess(elapsed, PAGE_BOUND)

    def descriptors(self):
        return len(os.listdir(f"/proc/{self.stack.web.pid}/fd"))

    def test_closed_connections_are_released(self):
        # Warm up, then the reference figures.
        self.page_time()
        fds, rss = self.descriptors(), self.stack.rss_kib()
        for _ in range(64):
            # A new connection each time, kept alive by the server, then
            # closed by the client.
            conn = self.stack.http()
            for path in ("/login", "/static/style.css"):
                conn.request("GET", path)
                self.assertEqual(conn.getresponse().read()[:1] != b"", True)
            conn.close()
        time.sleep(0.5)
        grown = (self.stack.rss_kib() - rss) / 1024
        print(f"\n# after 64 connections closed by their client: {self.descriptors() - fds:+d} "
              f"descriptors, VmRSS {grown:+.1f} MiB")
        self.assertLessEqual(self.descriptors(), fds)
        if not self.stack.sanitized():
            self.assertLess(grown, 8)

    def test_silent_and_stalled_connections_are_timed_out(self):
        started = time.monotonic()
        silent = self.stack.tcp("127.0.0.4", timeout=60)
        stalled = self.stack.tcp("127.0.0.4", timeout=60)
        stalled.sendall(PARTIAL_HELLO)
        no_request = self.stack.connect("127.0.0.4", timeout=60)
        after_request = self.stack.http("127.0.0.4", timeout=60)
        after_request.request("GET", "/login")
        after_request.getresponse().read()
        answered = time.monotonic()
        self.sockets += [silent, stalled, no_request, after_request.sock]
        closed_at = {}
        names = {"silent": silent, "stalled handshake": stalled,
                 "no request": no_request, "idle after a request": after_request.sock}
        while len(closed_at) < len(names) and time.monotonic() - started < 40:
            for name, sock in names.items():
                if name not in closed_at and is_closed(sock, 0.05):
                    closed_at[name] = time.monotonic()
        print("\n# closed after: " + ", ".join(
            f"{n} {closed_at[n] - started:.1f} s" for n in closed_at))
        for name in ("silent", "stalled handshake"):
            self.assertIn(name, closed_at, f"{name} was never closed")
            self.assertGreater(closed_at[name] - started, HANDSHAKE_TIMEOUT - 1)
            self.assertLess(closed_at[name] - started, HANDSHAKE_TIMEOUT + 3)
        for name, since in (("no request", started), ("idle after a request", answered)):
            self.assertIn(name, closed_at, f"{name} was never closed")
            self.assertGreater(closed_at[name] - since, IDLE_TIMEOUT - 1)
            self.assertLess(closed_at[name] - since, IDLE_TIMEOUT + 3)


if __name__ == "__main__":
    unittest.main(verbosity=2)
