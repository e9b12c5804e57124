#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The user account cannot lock the admin out: sessions and live-status
streams (/events) are limited per account, so however many the user
opens, the admin's session stays and the admin's login and stream
succeed."""

import re
import socket
import time
import unittest

import webstack

SESSION_RE = re.compile(r"phonesec_session=([0-9a-f]{64})")


class AccountSlotsTest(webstack.WebTestCase):
    https = False  # slots do not depend on TLS; 70 logins go faster

    def log_in(self, account, password):
        response = self.stack.login(account, password)
        self.assertEqual(response.status, 303, response.body[:300])
        return response.cookie("phonesec_session")

    def page_status(self, session):
        return self.stack.request("GET", "/tab/system",
                                  {"Cookie": f"phonesec_session={session}"}).status

    def open_stream(self, session):
        """GET /events on a raw connection; returns it once "hello" came,
        or the status line of a refusal."""
        sock = self.stack.connect()
        sock.sendall(b"GET /events HTTP/1.1\r\nHost: phone\r\n"
                     b"Cookie: phonesec_session=" + session.encode() + b"\r\n\r\n")
        data = b""
        while b"event: hello" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
            if data.startswith(b"HTTP/1.1 5") and b"\r\n\r\n" in data:
                break
        return sock, data

    @staticmethod
    def stream_ended(sock):
        """True once the server ended the stream (last chunk, or closed)."""
        sock.settimeout(0.2)
        data = b""
        try:
            while True:
                chunk = sock.recv(4096)
                if not chunk:
                    return True
                data += chunk
                # The chunk before ended with CRLF, maybe read already.
                if b"\r\n0\r\n\r\n" in b"\r\n" + data:
                    return True
        except (socket.timeout, ConnectionError):
            return False

    def test_user_logins_do_not_evict_the_admin(self):
        admin = self.log_in("admin", webstack.ADMIN_PASSWORD)
        users = [self.log_in("user", webstack.USER_PASSWORD) for _ in range(70)]
        self.assertEqual(self.page_status(admin), 200, "the admin's session was evicted")
        # The user's own oldest sessions went instead, the newest stay.
        self.assertEqual(self.page_status(users[0]), 303)
        self.assertEqual(self.page_status(users[-1]), 200)
        alive = sum(self.page_status(s) == 200 for s in users)
        print(f"\n# user sessions alive after 70 logins: {alive}")
        self.assertLessEqual(alive, 32)
        self.assertEqual(self.page_status(self.log_in("admin", webstack.ADMIN_PASSWORD)), 200)

    def test_user_streams_do_not_take_the_admins(self):
        user = self.log_in("user", webstack.USER_PASSWORD)
        admin = self.log_in("admin", webstack.ADMIN_PASSWORD)
        streams = []
        opened = 0
        for _ in range(40):
            sock, data = self.open_stream(user)
            opened += b"event: hello" in data
            streams.append(sock)
        sock, data = self.open_stream(admin)
        streams.append(sock)
        status_line = data.split(b"\r\n", 1)[0].decode()
        print(f"\n# the user opened {opened} of 40 streams; the admin got {status_line}")
        self.assertIn(b"event: hello", data, "the admin's stream was refused")
        self.assertEqual(opened, 40)
        time.sleep(0.5)
        ended = [self.stream_ended(s) for s in streams]
        print(f"\n# user streams still open after 40: {ended[:40].count(False)}")
        # The user's oldest streams were ended, the newest and the admin's run.
        self.assertLessEqual(ended[:40].count(False), 16)
        self.assertTrue(ended[0])
        self.assertFalse(ended[39])
        self.assertFalse(ended[40])
        for s in streams:
            s.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
