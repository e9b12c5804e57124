#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Request bodies are capped while they are read, whatever their framing:
a body past MAX_BODY is answered 413 as soon as it is known to be too
big, and phonesec-web's memory (VmRSS from /proc) stays where it was."""

import select
import socket
import time
import unittest

import webstack

MAX_BODY = 256 * 1024
RSS_BOUND_KIB = 16 * 1024  # growth allowed while a hostile body is sent
HUGE = 512 * 1024 * 1024
CHUNK = 64 * 1024


class BodyLimitTest(webstack.WebTestCase):
    def setUp(self):
        super().setUp()
        # Warm up (TLS, the login page) before the reference figure.
        self.assertEqual(self.stack.request("GET", "/login").status, 200)
        self.rss_before = self.stack.rss_kib()

    def rss_growth(self, what):
        grown = self.stack.rss_kib() - self.rss_before
        print(f"\n# {what}: VmRSS {grown / 1024:+.1f} MiB")
        return grown

    def assertMemoryKept(self, grown):
        self.assertLess(grown, RSS_BOUND_KIB)
        # And it still serves.
        self.assertEqual(self.stack.request("GET", "/login").status, 200)

    def send_until_answered(self, head, piece, total, timeout=120):
        """Writes @head, then @piece again and again up to @total bytes,
        stopping as soon as an answer comes. Returns (answer, bytes sent)."""
        sock = self.stack.connect(timeout=timeout)
        sock.sendall(head)
        sent = 0
        answer = b""
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                pending = sock.pending() if hasattr(sock, "pending") else 0
                readable, _, _ = select.select([sock], [], [], 0)
                if readable or pending:
                    data = sock.recv(65536)
                    if not data:
                        break
                    answer += data
                    if b"\r\n\r\n" in answer:
                        break
                    continue
                if sent >= total:
                    select.select([sock], [], [], 1)
                    continue
                try:
                    sock.sendall(piece)
                    sent += len(piece)
                except (BrokenPipeError, ConnectionResetError, ssl_errors()):
                    # Closed on us: whatever answer there is, is in flight.
                    sock.settimeout(5)
                    try:
                        answer += sock.recv(65536)
                    except OSError:
                        pass
                    break
        finally:
            sock.close()
        return answer, sent

    def test_chunked_body_is_capped_while_read(self):
        head = (b"POST /login HTTP/1.1\r\nHost: phone\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n")
        piece = b"%x\r\n" % CHUNK + b"a" * CHUNK + b"\r\n"
        answer, sent = self.send_until_answered(head, piece, HUGE)
        grown = self.rss_growth("512 MiB chunked body")
        status_line = answer.split(b"\r\n", 1)[0].decode(errors="replace")
        print(f"\n# chunked: answered after {sent / 1048576:.1f} MiB sent: {status_line}")
        self.assertTrue(answer.startswith(b"HTTP/1.1 413 "), answer[:200])
        self.assertLess(sent, 64 * 1024 * 1024)
        self.assertMemoryKept(grown)

    def test_declared_length_is_refused_before_the_body(self):
        head = (b"POST /tab/system HTTP/1.1\r\nHost: phone\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n"
                b"Content-Length: %d\r\n\r\n" % HUGE)
        answer, sent = self.send_until_answered(head, b"a" * CHUNK, HUGE)
        grown = self.rss_growth("512 MiB declared body")
        print(f"\n# Content-Length 512 MiB: answered after {sent / 1048576:.1f} MiB sent")
        self.assertTrue(answer.startswith(b"HTTP/1.1 413 "), answer[:200])
        self.assertIn(b"Connection: close", answer)
        self.assertIn(b"X-Content-Type-Options: nosniff", answer)
        self.assertLess(sent, 64 * 1024 * 1024)
        self.assertMemoryKept(grown)

    def test_unframed_bytes_are_capped(self):
        # Neither Content-Length nor chunked: a request has no body, and
        # what follows is read as the next request, whose head is bounded.
        head = b"POST /login HTTP/1.1\r\nHost: phone\r\nContent-Type: text/plain\r\n\r\n"
        answer, sent = self.send_until_answered(head, b"a" * CHUNK, 64 * 1024 * 1024)
        grown = self.rss_growth("64 MiB of unframed bytes")
        print(f"\n# unframed bytes: answered after {sent / 1048576:.1f} MiB sent")
        self.assertRegex(answer, rb"^HTTP/1\.1 4\d\d ")
        self.assertMemoryKept(grown)

    def test_bodies_up_to_the_limit_are_read(self):
        form = b"account=admin&password=" + webstack.ADMIN_PASSWORD.encode() + \
            b"&csrf=" + webstack.LOGIN_TOKEN.encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded",
                   "Cookie": f"phonesec_login={webstack.LOGIN_TOKEN}"}
        # Chunked framing is fine when small: capped, not refused.
        chunked = self.stack.request("POST", "/login", headers, body=iter([form]))
        self.assertEqual(chunked.status, 303, chunked.body[:200])
        padded = form + b"&pad=" + b"x" * (MAX_BODY - len(form) - 5)
        self.assertEqual(len(padded), MAX_BODY)
        self.assertEqual(self.stack.request("POST", "/login", headers, padded).status, 303)
        too_big = self.stack.request("POST", "/login", headers, padded + b"x")
        self.assertEqual(too_big.status, 413)
        self.assertIn(b"too large", too_big.body)


def ssl_errors():
    import ssl
    return ssl.SSLError


if __name__ == "__main__":
    unittest.main(verbosity=2)
