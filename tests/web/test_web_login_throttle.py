#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Login throttling holds against the three ways around it: another
account's success from the same address, attempts sent in parallel, and
failures from many addresses. An attempt is "checked" when its password
was looked at (401, "Wrong account or password"); a throttled one is
answered 429 before that. Plain HTTP: throttling does not depend on TLS,
and the flood of addresses below goes faster without handshakes."""

import concurrent.futures
import threading
import time
import unittest

import webstack

CHECKED = 401
THROTTLED = 429


class LoginThrottleTest(webstack.WebTestCase):
    https = False

    def attempt(self, account, password="wrong", source="127.0.0.1"):
        response = self.stack.login(account, password, source=source)
        if response.status == THROTTLED:
            self.assertIn(b"Too many failed logins", response.body)
        elif response.status == CHECKED:
            self.assertIn(b"Wrong account or password", response.body)
        return response.status

    def parallel_attempts(self, attempts):
        """Sends every (account, password, source) attempt at once: all
        connections are open and their requests written before any answer
        is read."""
        connections = [self.stack.http(source) for _, _, source in attempts]
        for c in connections:
            c.connect()
        barrier = threading.Barrier(len(attempts))

        def one(i):
            account, password, source = attempts[i]
            barrier.wait()
            return self.stack.login(account, password, source=source,
                                    connection=connections[i]).status

        with concurrent.futures.ThreadPoolExecutor(len(attempts)) as pool:
            statuses = list(pool.map(one, range(len(attempts))))
        for c in connections:
            c.close()
        return statuses

    def test_another_accounts_success_does_not_reset_the_address(self):
        a = "127.0.0.2"
        self.assertEqual([self.attempt("admin", source=a) for _ in range(3)], [CHECKED] * 3)
        self.assertEqual(self.attempt("admin", source=a), THROTTLED)
        time.sleep(1.2)
        # The attacker knows the user's password and logs in with it.
        self.assertEqual(self.attempt("user", webstack.USER_PASSWORD, source=a), 303)
        # The address keeps its three failures: the next one is its
        # fourth, and then it waits 2 s (after a reset, 2 more were free).
        statuses = [self.attempt("admin", source=a), self.attempt("admin", source=a)]
        self.assertEqual(statuses, [CHECKED, THROTTLED])

    def test_parallel_attempts_from_one_address(self):
        statuses = self.parallel_attempts([("admin", "wrong", "127.0.0.3")] * 40)
        print(f"\n# 40 parallel attempts from one address: {statuses.count(CHECKED)} checked")
        self.assertEqual(statuses.count(CHECKED), 3)
        self.assertEqual(statuses.count(THROTTLED), 37)

    def test_parallel_attempts_on_one_account_from_many_addresses(self):
        statuses = self.parallel_attempts([("admin", "wrong", f"127.0.1.{i}")
                                           for i in range(1, 41)])
        print(f"\n# 40 parallel attempts on admin from 40 addresses: "
              f"{statuses.count(CHECKED)} checked")
        self.assertEqual(statuses.count(CHECKED), 3)
        self.assertEqual(statuses.count(THROTTLED), 37)

    def test_parallel_right_passwords_all_get_in(self):
        # Counting attempts before their hash must not refuse right
        # passwords sent together (tabs restored, a script's workers):
        # they are checked a few at a time.
        statuses = self.parallel_attempts(
            [("admin", webstack.ADMIN_PASSWORD, "127.0.0.5"),
             ("user", webstack.USER_PASSWORD, "127.0.0.5")] * 16)
        self.assertEqual(statuses, [303] * 32)

    def test_failures_from_many_addresses_do_not_free_a_throttled_one(self):
        # An account name that does not exist: only the address counts.
        a = "127.0.0.4"
        statuses = []
        for pause in (0, 0, 0, 1.1, 2.1):
            time.sleep(pause)
            statuses.append(self.attempt("nobody", source=a))
        self.assertEqual(statuses, [CHECKED] * 5)  # now 4 s to wait
        started = time.monotonic()
        sources = [f"127.0.{4 + i // 256}.{i % 256}" for i in range(1024)]
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            flood = list(pool.map(lambda s: self.attempt("nobody", source=s), sources))
        elapsed = time.monotonic() - started
        print(f"\n# 1,024 addresses failed once in {elapsed:.1f} s")
        self.assertLess(elapsed, 3.5, "the flood must end while the address still waits")
        self.assertEqual(flood.count(CHECKED), 1024)
        self.assertEqual(self.attempt("nobody", source=a), THROTTLED)
        self.assertEqual(self.attempt("admin", webstack.ADMIN_PASSWORD, source=a), THROTTLED)


if __name__ == "__main__":
    unittest.main(verbosity=2)
