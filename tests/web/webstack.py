# SPDX-License-Identifier: LGPL-2.1-or-later
"""phonesec-web for the hostile-client tests: a real phonesecd (no plugins)
on a private dbus-daemon, a real phonesec-web on 127.0.0.1, and plain
Python clients (sockets, ssl, http.client) that may pick their source
address in 127.0.0.0/8, so that each test can play many network peers.

Environment (set by meson, tests/web/meson.build):
  PHONESECD, PHONESEC_WEB, PHONESEC_SCHEMA_DIR, PHONESEC_BUS_CONF
  PHONESEC_WEB_WRAPPER    optional command prefix for phonesec-web (valgrind)
  CI                      "true": nothing may be skipped
"""

import http.client
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import unittest

START_TIMEOUT = 20  # seconds, for each process to come up
ADMIN_PASSWORD = "admin-pass-1"
USER_PASSWORD = "user-pass-1"
# Any 64 hex digits: the login form's CSRF token is a double-submit cookie.
LOGIN_TOKEN = "ab" * 32


def env_path(name):
    value = os.environ.get(name, "")
    if not value:
        if os.environ.get("CI") == "true":
            raise RuntimeError(f"{name} is not set")
        raise unittest.SkipTest(f"{name} is not set (run through meson test)")
    return value


def tls_context():
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the device certificate is self-signed
    return context


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.02)


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # [(name, value)], in order, names as sent
        self.body = body

    def header(self, name):
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def cookie(self, name):
        for key, value in self.headers:
            if key.lower() == "set-cookie" and value.startswith(name + "="):
                return value[len(name) + 1:].split(";", 1)[0]
        return None


class WebStack:
    """dbus-daemon + phonesecd + phonesec-web in a folder of their own."""

    def __init__(self, https=True):
        self.https = https
        self.tmp = tempfile.mkdtemp(prefix="phonesec-web-test-")
        os.chmod(self.tmp, 0o755)
        self.processes = []
        self.web = None
        self.port = None
        self.context = tls_context()
        try:
            self._start()
        except BaseException:
            self.stop()
            raise

    def _log(self, name):
        return open(os.path.join(self.tmp, name + ".log"), "ab")

    def _spawn(self, argv, name):
        with self._log(name) as log:
            process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        self.processes.append(process)
        return process

    def log_text(self, name):
        with open(os.path.join(self.tmp, name + ".log"), encoding="utf-8", errors="replace") as f:
            return f.read()

    def _start(self):
        env_path("PHONESEC_BUS_CONF")
        bus = subprocess.Popen(
            ["dbus-daemon", "--config-file=" + env_path("PHONESEC_BUS_CONF"), "--nofork",
             f"--address=unix:path={self.tmp}/bus", "--print-address=1"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.processes.append(bus)
        self.bus_address = bus.stdout.readline().decode().strip()
        if not self.bus_address.startswith("unix:"):
            raise RuntimeError("dbus-daemon did not start")

        state = os.path.join(self.tmp, "state")
        plugins = os.path.join(self.tmp, "no-plugins")
        os.makedirs(state)
        os.makedirs(plugins)
        self._spawn([env_path("PHONESECD"), "--bus", self.bus_address, "--state-dir", state,
                     "--plugin-dir", plugins, "--schema-dir", env_path("PHONESEC_SCHEMA_DIR")],
                    "phonesecd")

        def running():
            result = subprocess.run(
                ["busctl", f"--address={self.bus_address}", "get-property",
                 "org.phonesec.PhoneSec1", "/org/phonesec/PhoneSec1",
                 "org.phonesec.PhoneSec1.Manager", "State"],
                capture_output=True, encoding="utf-8")
            return "running" in result.stdout

        wait_for(running, START_TIMEOUT, "phonesecd")

        web_state = os.path.join(self.tmp, "web")
        for account, password in (("admin", ADMIN_PASSWORD), ("user", USER_PASSWORD)):
            subprocess.run([env_path("PHONESEC_WEB"), "--state-dir", web_state,
                            "--set-password", account],
                           input=(password + "\n").encode(), check=True,
                           stdout=subprocess.DEVNULL)
        wrapper = os.environ.get("PHONESEC_WEB_WRAPPER", "").split()
        argv = wrapper + [env_path("PHONESEC_WEB"), "--bus", self.bus_address,
                          "--listen", "127.0.0.1:0", "--state-dir", web_state]
        if not self.https:
            argv.append("--http")
        self.web = self._spawn(argv, "phonesec-web")

        def listening():
            if self.web.poll() is not None:
                raise RuntimeError("phonesec-web exited: " + self.log_text("phonesec-web"))
            m = re.search(r"listening on https?://127\.0\.0\.1:(\d+)/",
                          self.log_text("phonesec-web"))
            return m and int(m.group(1))

        self.port = wait_for(listening, START_TIMEOUT * (10 if wrapper else 1), "phonesec-web")

    def stop(self):
        """Stops everything; returns phonesec-web's exit status."""
        status = None
        if self.web is not None and self.web.poll() is None:
            self.web.send_signal(signal.SIGTERM)
            try:
                status = self.web.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.web.kill()
                self.web.wait()
        elif self.web is not None:
            status = self.web.returncode
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            if process.stdout is not None:
                process.stdout.close()
        self.processes = []
        return status

    def cleanup(self, keep):
        if keep:
            print(f"# logs kept in {self.tmp}")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    # --- observing phonesec-web -------------------------------------------------

    def rss_kib(self):
        with open(f"/proc/{self.web.pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    def sanitized(self):
        """True when phonesec-web runs under AddressSanitizer: its quarantine
        keeps freed memory, so VmRSS says nothing of leaks (LeakSanitizer
        does, at exit: phonesec-web must then exit 0)."""
        with open(f"/proc/{self.web.pid}/maps", encoding="ascii", errors="replace") as f:
            return "libasan" in f.read()

    def threads(self):
        return len(os.listdir(f"/proc/{self.web.pid}/task"))

    # --- clients -----------------------------------------------------------------

    def tcp(self, source="127.0.0.1", timeout=10):
        """A bare TCP connection from @source that says nothing."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.bind((source, 0))
        sock.connect(("127.0.0.1", self.port))
        return sock

    def connect(self, source="127.0.0.1", timeout=10):
        """A connection ready for HTTP: TCP, then TLS when serving HTTPS."""
        sock = self.tcp(source, timeout)
        if self.https:
            sock = self.context.wrap_socket(sock)
        return sock

    def http(self, source="127.0.0.1", timeout=10):
        if self.https:
            return http.client.HTTPSConnection("127.0.0.1", self.port, timeout=timeout,
                                               context=self.context,
                                               source_address=(source, 0))
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout,
                                          source_address=(source, 0))

    def request(self, method, path, headers=None, body=None, source="127.0.0.1",
                timeout=10, connection=None):
        conn = connection or self.http(source, timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return Response(response.status, response.getheaders(), response.read())
        finally:
            if connection is None:
                conn.close()

    def login(self, account, password, source="127.0.0.1", headers=None, connection=None):
        """POST /login as the form does; the session cookie is
        Response.cookie("phonesec_session") when it worked."""
        body = (f"csrf={LOGIN_TOKEN}&account={account}&password={password}").encode()
        all_headers = {"Content-Type": "application/x-www-form-urlencoded",
                       "Cookie": f"phonesec_login={LOGIN_TOKEN}"}
        all_headers.update(headers or {})
        return self.request("POST", "/login", all_headers, body, source=source,
                            connection=connection)


class WebTestCase(unittest.TestCase):
    """One WebStack per test; phonesec-web must exit 0 on SIGTERM."""

    https = True

    def setUp(self):
        self.stack = WebStack(https=self.https)

    def tearDown(self):
        status = self.stack.stop()
        result = getattr(getattr(self, "_outcome", None), "result", None)
        failed = result is None or any(test is self for test, _ in
                                       result.errors + result.failures)
        self.stack.cleanup(keep=failed or status != 0)
        self.assertEqual(status, 0, "phonesec-web did not exit cleanly on SIGTERM")
