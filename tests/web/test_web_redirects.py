#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""phonesec-web's redirects never take their host from the request's Host
header: a Location built from `Host: evil.example` would send the browser
(and its next form post) to another site. Every Location is a path of
ours, relative to the page (RFC 7231 section 7.1.2)."""

import re
import unittest

import webstack

EVIL = {"Host": "evil.example"}


class RedirectTest(webstack.WebTestCase):
    def assertRedirect(self, response, path):
        self.assertEqual(response.status, 303, response.body[:200])
        location = response.header("Location")
        self.assertEqual(location, path)
        self.assertNotRegex(location, re.compile("evil", re.I))

    def session_headers(self, session):
        return {"Host": "evil.example", "Cookie": f"phonesec_session={session}"}

    def test_logged_out_redirects_are_relative(self):
        self.assertRedirect(self.stack.request("GET", "/", EVIL), "/login")
        self.assertRedirect(self.stack.request("GET", "/status", EVIL), "/login")
        self.assertRedirect(self.stack.request("GET", "/tab/system",
                                               {"Host": "evil.example:8443"}), "/login")
        self.assertRedirect(self.stack.request("GET", "/lang/fr?back=/tab/system", EVIL),
                            "/tab/system")
        # Not a path of ours: back to the root, still relative.
        self.assertRedirect(self.stack.request("GET", "/lang/en?back=//evil.example/", EVIL),
                            "/")

    def test_login_and_logged_in_redirects_are_relative(self):
        response = self.stack.login("admin", webstack.ADMIN_PASSWORD, headers=EVIL)
        self.assertRedirect(response, "/")
        session = response.cookie("phonesec_session")
        self.assertIsNotNone(session)
        headers = self.session_headers(session)
        self.assertRedirect(self.stack.request("GET", "/", headers), "/tab/system")
        page = self.stack.request("GET", "/tab/system", headers)
        self.assertEqual(page.status, 200)
        token = re.search(rb'name="csrf" value="([0-9a-f]{64})"', page.body).group(1).decode()
        generation = re.search(rb'name="generation" value="(\d+)"', page.body).group(1).decode()
        # A submit that changes nothing still answers with a page; one that
        # changes a value redirects to the saved page.
        form = {"Content-Type": "application/x-www-form-urlencoded", **headers}
        saved = self.stack.request("POST", "/tab/system", form,
                                   f"csrf={token}&generation={generation}"
                                   f"&Proxy_Port=3129".encode())
        self.assertRedirect(saved, "/tab/system?saved=1")
        logout = self.stack.request("POST", "/logout", form, f"csrf={token}".encode())
        self.assertRedirect(logout, "/login")


class PlainHttpRedirectTest(RedirectTest):
    https = False


if __name__ == "__main__":
    unittest.main(verbosity=2)
