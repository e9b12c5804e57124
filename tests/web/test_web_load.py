#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""32 clients at once for PHONESEC_WEB_LOAD_SECONDS (default 120) over
HTTPS, as browsers would use the UI: log in, load tabs, the status page
and its stream, static files, submit forms. Every answer must be the
expected one (0 errors), and nothing may pile up in phonesec-web: VmRSS,
descriptors and threads come back to where they were (under ASan,
LeakSanitizer judges leaks at exit instead of VmRSS)."""

import os
import re
import threading
import time
import unittest

import webstack

CLIENTS = 32
SECONDS = float(os.environ.get("PHONESEC_WEB_LOAD_SECONDS", "120"))
WARM_UP = 10  # s of load before the reference figures
RSS_GROWTH_KIB = 8 * 1024
TOKEN_RE = re.compile(rb'name="csrf" value="([0-9a-f]{64})"')
GENERATION_RE = re.compile(rb'name="generation" value="(\d+)"')


def count_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


class LoadTest(webstack.WebTestCase):
    def client(self, index, stop, counts, errors):
        account, password = (("admin", webstack.ADMIN_PASSWORD) if index % 2 == 0
                             else ("user", webstack.USER_PASSWORD))
        conn = None

        def call(method, path, headers=None, body=None, expect=(200,)):
            nonlocal conn
            if conn is None:
                conn = self.stack.http(timeout=30)
            try:
                response = self.stack.request(method, path, headers, body, connection=conn)
            except Exception:
                conn.close()
                conn = None
                raise
            counts[index] += 1
            if response.status not in expect:
                raise AssertionError(f"{method} {path}: {response.status} {response.body[:200]}")
            return response

        try:
            login = call("POST", "/login", {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"phonesec_login={webstack.LOGIN_TOKEN}"},
                f"csrf={webstack.LOGIN_TOKEN}&account={account}&password={password}".encode(),
                expect=(303,))
            cookie = {"Cookie": f"phonesec_session={login.cookie('phonesec_session')}"}
            form = dict(cookie, **{"Content-Type": "application/x-www-form-urlencoded"})
            n = 0
            while not stop.is_set():
                n += 1
                page = call("GET", "/tab/system", cookie)
                token = TOKEN_RE.search(page.body).group(1).decode()
                generation = GENERATION_RE.search(page.body).group(1).decode()
                call("GET", "/static/style.css")
                call("GET", "/status", cookie)
                # Nothing changed: the page again, with its notice.
                call("POST", "/tab/system", form,
                     f"csrf={token}&generation={generation}".encode())
                if n % 5 == 0:
                    # A change, racing the others': saved, a conflict, or
                    # nothing to change (this client's own value still).
                    call("POST", "/tab/system", form,
                         f"csrf={token}&generation={generation}"
                         f"&Proxy_Port={3000 + index}".encode(), expect=(200, 303, 409))
                if n % 7 == 0:
                    stream = self.stack.connect()
                    stream.sendall(b"GET /events HTTP/1.1\r\nHost: phone\r\nCookie: "
                                   + cookie["Cookie"].encode() + b"\r\n\r\n")
                    data = b""
                    while b"event: hello" not in data:
                        chunk = stream.recv(4096)
                        if not chunk:
                            raise AssertionError("/events ended before hello: " + repr(data))
                        data += chunk
                    stream.close()
                    counts[index] += 1
        except Exception as e:  # every failure is an error of the run
            errors.append(f"client {index} after {counts[index]} requests: "
                          f"{type(e).__name__}: {e}")
        finally:
            if conn is not None:
                conn.close()

    def test_32_clients(self):
        pid = self.stack.web.pid
        idle_fds = count_fds(pid)
        stop = threading.Event()
        counts = [0] * CLIENTS
        errors = []
        threads = [threading.Thread(target=self.client, args=(i, stop, counts, errors))
                   for i in range(CLIENTS)]
        started = time.monotonic()
        for t in threads:
            t.start()
        time.sleep(min(WARM_UP, SECONDS / 4))
        rss_warm = self.stack.rss_kib()
        time.sleep(max(0, SECONDS - (time.monotonic() - started)))
        rss_end = self.stack.rss_kib()
        stop.set()
        for t in threads:
            t.join(60)
        elapsed = time.monotonic() - started
        # The server notices closed connections at once; live-status streams
        # at their next keep-alive (15 s) or when another one ends them.
        time.sleep(1)
        fds = count_fds(pid)
        threads_now = self.stack.threads()
        print(f"\n# {CLIENTS} clients, {elapsed:.0f} s: {sum(counts)} requests "
              f"({sum(counts) / elapsed:.0f}/s), {len(errors)} errors; VmRSS "
              f"{rss_warm / 1024:.1f} MiB after warm-up, {rss_end / 1024:.1f} MiB at the end; "
              f"descriptors {idle_fds} before, {fds} after; threads {threads_now}")
        self.maxDiff = None
        self.assertEqual(errors, [])
        if not self.stack.sanitized():
            self.assertLess(rss_end - rss_warm, RSS_GROWTH_KIB)
        # Live-status streams the clients left may wait for their next
        # keep-alive: at most 16 per account.
        self.assertLessEqual(fds, idle_fds + 2 * 16)
        self.assertLess(threads_now, 40)


if __name__ == "__main__":
    unittest.main(verbosity=2)
