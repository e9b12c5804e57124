#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""phonesecctl against a real phonesecd on a private bus.

Each test gets its own dbus-daemon (data/dev-bus.conf: the production policy
of phonesecd's name, no eavesdropping, no servicedir, so nothing is
auto-started) and, for the daemon tests, its own phonesecd with a fresh state
directory and no plugins. Only observable behaviour is checked: exit status,
standard output and error, and what busctl sees on the bus.

Environment (set by meson):
  PHONESECD             the daemon binary (build tree)
  PHONESECCTL           the client binary (build tree)
  PHONESEC_SCHEMA_DIR   core parameter schema
  PHONESEC_BUS_CONF     the bus configuration (data/dev-bus.conf)
  PHONESEC_PLUGIN_DIR   plugins of the build tree (may be empty: not used here)
  PHONESEC_SOURCE_ROOT  source tree (for the bash completion script)
  PHONESEC_DAEMON_WRAPPER  optional command prefix for phonesecd (valgrind)
"""

import json
import os
import re
import select
import shutil
import signal
import stat
import subprocess
import tempfile
import time
import unittest

BUS_NAME = "org.phonesec.PhoneSec1"
ROOT_PATH = "/org/phonesec/PhoneSec1"
CONFIG_IFACE = "org.phonesec.PhoneSec1.Config"
TIMEOUT = 20  # seconds, for every subprocess
START_TIMEOUT = 10  # seconds, for the daemon to own its name
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_NO_DAEMON = 3
EXIT_UNKNOWN_PARAMETER = 4
EXIT_INVALID_VALUE = 5
EXIT_PERMISSION_DENIED = 6
EXIT_CONFLICT = 7

def env_path(name):
    value = os.environ.get(name, "")
    if not value:
        # In CI nothing may be skipped: a missing variable is a broken setup.
        if os.environ.get("CI") == "true":
            raise RuntimeError(f"{name} is not set")
        raise unittest.SkipTest(f"{name} is not set (run through meson test)")
    return value


def read_line(stream, timeout):
    """One line from a pipe within timeout seconds, or None."""
    deadline = time.monotonic() + timeout
    data = b""
    fd = stream.fileno()
    while not data.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            return None
        chunk = os.read(fd, 1)
        if not chunk:
            return data.decode("utf-8", "replace") if data else None
        data += chunk
    return data.decode("utf-8", "replace")


def stop(process):
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


class PrivateBus:
    """A dbus-daemon of our own, reachable by uid 65534 too, with the
    production policy of phonesecd's name (data/dev-bus.conf includes
    org.phonesec.PhoneSec1.conf; no eavesdropping), as every other test."""

    def __init__(self, folder):
        os.chmod(folder, 0o755)
        self.process = subprocess.Popen(
            [
                "dbus-daemon",
                "--config-file=" + env_path("PHONESEC_BUS_CONF"),
                "--address=unix:path=" + os.path.join(folder, "bus"),
                "--nofork",
                "--print-address=1",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        line = read_line(self.process.stdout, START_TIMEOUT)
        if not line:
            stop(self.process)
            raise RuntimeError("dbus-daemon did not start: " + self.process.stderr.read().decode())
        self.address = line.strip()

    def stop(self):
        stop(self.process)
        for stream in (self.process.stdout, self.process.stderr):
            stream.close()


class CtlTestCase(unittest.TestCase):
    """Runs phonesecctl on a private bus; no daemon unless start_daemon()."""

    def setUp(self):
        self.ctl_path = env_path("PHONESECCTL")
        self.tmp = tempfile.mkdtemp(prefix="phonesecctl-test-")
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)
        self.bus = PrivateBus(self.tmp)
        self.addCleanup(self.bus.stop)
        self.address = self.bus.address
        self.daemon = None

    def env(self):
        env = dict(os.environ, LC_ALL="C.UTF-8", LANGUAGE="")
        env.pop("PHONESEC_BUS", None)
        return env

    def ctl(self, *args, user=False, input=None, bus=None, check=None):
        """Runs phonesecctl; check=N asserts exit status N."""
        command = [self.ctl_path, "--bus", bus or self.address, *args]
        if user:
            command = NOBODY + command
        result = subprocess.run(
            command,
            input=input,
            capture_output=True,
            encoding="utf-8",
            timeout=TIMEOUT,
            env=self.env(),
        )
        if check is not None:
            self.assertEqual(
                result.returncode,
                check,
                f"{' '.join(args)}: exit {result.returncode}\n"
                f"stdout: {result.stdout}\nstderr: {result.stderr}",
            )
        return result

    def start_daemon(self, plugins=()):
        """plugins: names of build-tree plugins to copy in (0644, as the
        loader wants them); none by default."""
        phonesecd = env_path("PHONESECD")
        schema_dir = env_path("PHONESEC_SCHEMA_DIR")
        state_dir = os.path.join(self.tmp, "state")
        plugin_dir = os.path.join(self.tmp, "no-plugins")
        os.makedirs(state_dir, exist_ok=True)
        os.makedirs(plugin_dir, exist_ok=True)
        for name in plugins:
            built = os.path.join(env_path("PHONESEC_PLUGIN_DIR"), name)
            for file in (f"{name}.so", f"{name}.plugin", f"{name}.schema"):
                shutil.copy(os.path.join(built, file), plugin_dir)
                os.chmod(os.path.join(plugin_dir, file), 0o644)
        self.daemon_log = os.path.join(self.tmp, "phonesecd.log")
        wrapper = os.environ.get("PHONESEC_DAEMON_WRAPPER", "").split()
        # Under valgrind the daemon needs far longer to come up.
        start_timeout = START_TIMEOUT * (10 if wrapper else 1)
        env = self.env()
        env.pop("NOTIFY_SOCKET", None)
        log = open(self.daemon_log, "ab")
        self.daemon = subprocess.Popen(
            wrapper + [
                phonesecd,
                "--bus", self.address,
                "--state-dir", state_dir,
                "--schema-dir", schema_dir,
                "--plugin-dir", plugin_dir,
            ],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            env=env,
        )
        log.close()
        self.addCleanup(stop, self.daemon)

        # Owning the name is not enough: wait for Manager.State "running"
        # (plugins activated), as clients in production would.
        deadline = time.monotonic() + start_timeout
        while time.monotonic() < deadline:
            if self.daemon.poll() is not None:
                self.fail(f"phonesecd exited with {self.daemon.returncode}:\n{self.daemon_stderr()}")
            if self.manager_state() == "running":
                return
            time.sleep(0.05)
        self.fail(f"phonesecd did not own {BUS_NAME} and run within {start_timeout} s:\n"
                  f"{self.daemon_stderr()}")

    def stop_daemon(self):
        stop(self.daemon)
        deadline = time.monotonic() + START_TIMEOUT
        while self.name_has_owner() and time.monotonic() < deadline:
            time.sleep(0.05)

    def daemon_stderr(self):
        with open(self.daemon_log, encoding="utf-8", errors="replace") as f:
            return f.read()

    def busctl(self, *args):
        return subprocess.run(
            ["busctl", "--address=" + self.address, *args],
            capture_output=True,
            encoding="utf-8",
            timeout=TIMEOUT,
        )

    def manager_state(self):
        result = self.busctl("get-property", BUS_NAME, ROOT_PATH,
                             "org.phonesec.PhoneSec1.Manager", "State")
        match = re.fullmatch(r's "(\w+)"\n', result.stdout) if result.returncode == 0 else None
        return match.group(1) if match else None

    def name_has_owner(self):
        result = self.busctl(
            "call", "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
            "NameHasOwner", "s", BUS_NAME,
        )
        return result.returncode == 0 and result.stdout.strip() == "b true"

    # Helpers reading the daemon through the CLI.
    def value(self, name, user=False):
        result = self.ctl("get", name, user=user, check=EXIT_OK)
        lines = result.stdout.splitlines()
        self.assertEqual(len(lines), 1, result.stdout)
        key, _, value = lines[0].partition("=")
        self.assertEqual(key, name)
        return value

    def generation(self):
        return json.loads(self.ctl("--json", "status", check=EXIT_OK).stdout)["Generation"]

    def assert_error_line(self, result, *needles):
        """The error is ours and readable: no GDBus prefix, names the thing."""
        self.assertTrue(result.stderr.startswith("phonesecctl: "), result.stderr)
        self.assertNotIn("GDBus.Error", result.stderr)
        for needle in needles:
            self.assertIn(needle, result.stderr)


class UsageTest(CtlTestCase):
    """Command-line mistakes are caught before any D-Bus call: exit 2."""

    def test_usage_errors_exit_2(self):
        for args in (
            [],
            ["frobnicate"],
            ["get", "--no-such-option"],
            ["set"],
            ["set", "Proxy_Mode"],
            ["set", "=Manual"],
            ["set", "--expect-generation", "abc", "Proxy_Mode=Auto"],
            ["set", "--expect-generation", "-1", "Proxy_Mode=Auto"],
            ["reset"],
            ["reset", "--all", "Proxy_Mode"],
            ["import"],
            ["import", "a.xml", "b.xml"],
            ["export", "extra"],
            ["status", "a", "b"],
            ["monitor", "extra"],
            ["plugins", "extra"],
            ["describe", "--choices", "Proxy_Mode", "Proxy_Port"],
            ["help", "frobnicate"],
        ):
            with self.subTest(args=args):
                result = self.ctl(*args, check=EXIT_USAGE)
                self.assert_error_line(result)
                self.assertEqual(result.stdout, "")

    def test_bad_bus_is_a_usage_error(self):
        result = self.ctl("get", bus="not-a-bus", check=EXIT_USAGE)
        self.assert_error_line(result, "not-a-bus")

    def test_help_lists_commands_and_exit_statuses(self):
        result = self.ctl("--help", check=EXIT_OK)
        for command in ("get", "set", "reset", "describe", "import", "export", "plugins",
                        "status", "monitor", "sip", "help"):
            self.assertRegex(result.stdout, rf"(?m)^  {command}\b")
        for status in range(8):
            self.assertRegex(result.stdout, rf"(?m)^  {status}  ")
        self.assertIn("PHONESEC_BUS", result.stdout)

    def test_sip_register_usage(self):
        for args in (["sip"], ["sip", "unregister", "1"], ["sip", "register"],
                     ["sip", "register", "one"], ["sip", "register", "1", "2"]):
            result = self.ctl(*args, check=EXIT_USAGE)
            self.assertIn("sip register", result.stderr)

    def test_help_command_shows_its_options(self):
        result = self.ctl("help", "set", check=EXIT_OK)
        for option in ("--dry-run", "--expect-generation", "--as-user", "--source", "--bus"):
            self.assertIn(option, result.stdout)
        self.assertEqual(self.ctl("set", "--help", check=EXIT_OK).stdout, result.stdout)

    def test_version(self):
        result = self.ctl("--version", check=EXIT_OK)
        self.assertRegex(result.stdout, r"^phonesecctl \S+\n$")


class NoDaemonTest(CtlTestCase):
    """Nobody owns the name, or there is no bus at all: exit 3."""

    def test_no_daemon_on_the_bus_exits_3(self):
        for args in (["get", "Proxy_Mode"], ["set", "Proxy_Mode=Auto"], ["status"],
                     ["plugins"], ["describe", "--names"], ["export"]):
            with self.subTest(args=args):
                result = self.ctl(*args, check=EXIT_NO_DAEMON)
                self.assert_error_line(result, "not running")

    def test_no_bus_exits_3(self):
        missing = "unix:path=" + os.path.join(self.tmp, "no-such-socket")
        result = self.ctl("get", "Proxy_Mode", bus=missing, check=EXIT_NO_DAEMON)
        self.assert_error_line(result)

    def test_bus_from_environment(self):
        env = self.env()
        env["PHONESEC_BUS"] = self.address
        result = subprocess.run([self.ctl_path, "get"], capture_output=True, encoding="utf-8",
                                timeout=TIMEOUT, env=env)
        # Reached our private bus (nobody there), not the system bus.
        self.assertEqual(result.returncode, EXIT_NO_DAEMON, result.stderr)
        self.assertIn("not running", result.stderr)


class DaemonTestCase(CtlTestCase):
    def setUp(self):
        super().setUp()
        self.start_daemon()

    def start_monitor(self, *args):
        monitor = subprocess.Popen(
            [self.ctl_path, "--bus", self.address, *args, "monitor"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=self.env(),
        )
        self.addCleanup(lambda: (stop(monitor), monitor.stdout.close(), monitor.stderr.close()))
        # The notice on stderr comes once every match rule is in force.
        self.assertIsNotNone(read_line(monitor.stderr, TIMEOUT), "monitor did not start")
        return monitor


class GetSetTest(DaemonTestCase):
    def test_get_default(self):
        self.assertEqual(self.value("Proxy_Mode"), "Off")

    def test_get_all_lists_name_value_lines(self):
        result = self.ctl("get", check=EXIT_OK)
        self.assertIn("Proxy_Mode=Off", result.stdout.splitlines())
        for line in result.stdout.splitlines():
            self.assertRegex(line, r"^[^=\s]+=")

    def test_set_changes_values_in_one_transaction(self):
        before = self.generation()
        result = self.ctl("set", "Proxy_Mode=Manual", "Proxy_Port=8080", check=EXIT_OK)
        self.assertEqual(int(result.stdout), before + 1)
        self.assertEqual(self.value("Proxy_Mode"), "Manual")
        self.assertEqual(self.value("Proxy_Port"), "8080")

        busctl = self.busctl("call", BUS_NAME, ROOT_PATH, CONFIG_IFACE, "Get", "as", "1",
                             "Proxy_Port")
        self.assertEqual(busctl.returncode, 0, busctl.stderr)
        self.assertIn('"Proxy_Port" u 8080', busctl.stdout)

    def test_set_value_may_contain_equals(self):
        self.ctl("set", "Proxy_Username=a=b=c", check=EXIT_OK)
        self.assertEqual(self.value("Proxy_Username"), "a=b=c")

    def test_bad_value_exits_5_and_changes_nothing(self):
        before = self.generation()
        result = self.ctl("set", "Proxy_Mode=Auto", "Proxy_Port=70000", check=EXIT_INVALID_VALUE)
        self.assert_error_line(result, "Proxy_Port")
        self.assertEqual(result.stdout, "")
        self.assertEqual(self.value("Proxy_Port"), "3128")
        self.assertEqual(self.value("Proxy_Mode"), "Off")
        self.assertEqual(self.generation(), before)

    def test_unknown_parameter_exits_4(self):
        for args in (["get", "No_Such_Parameter"], ["set", "No_Such_Parameter=1"],
                     ["reset", "No_Such_Parameter"], ["describe", "No_Such_Parameter"]):
            with self.subTest(args=args):
                result = self.ctl(*args, check=EXIT_UNKNOWN_PARAMETER)
                self.assert_error_line(result, "No_Such_Parameter")

    def test_stale_expected_generation_exits_7(self):
        generation = int(self.ctl("set", "Proxy_Mode=Auto", check=EXIT_OK).stdout)
        result = self.ctl("set", "--expect-generation", str(generation - 1), "Proxy_Mode=Manual",
                          check=EXIT_CONFLICT)
        self.assert_error_line(result)
        self.assertEqual(self.value("Proxy_Mode"), "Auto")

        result = self.ctl("set", "--expect-generation", str(generation), "Proxy_Mode=Manual",
                          check=EXIT_OK)
        self.assertEqual(int(result.stdout), generation + 1)
        self.assertEqual(self.value("Proxy_Mode"), "Manual")

    def test_dry_run_changes_nothing(self):
        before = self.generation()
        result = self.ctl("set", "--dry-run", "Proxy_Mode=Manual", check=EXIT_OK)
        self.assertEqual(int(result.stdout), before)
        self.assertEqual(self.value("Proxy_Mode"), "Off")
        self.ctl("set", "--dry-run", "Proxy_Port=70000", check=EXIT_INVALID_VALUE)

    def test_reset_names_and_all(self):
        self.ctl("set", "Proxy_Mode=Manual", "Proxy_Port=8080", check=EXIT_OK)
        self.ctl("reset", "Proxy_Port", check=EXIT_OK)
        self.assertEqual(self.value("Proxy_Port"), "3128")
        self.assertEqual(self.value("Proxy_Mode"), "Manual")
        self.ctl("reset", "--all", check=EXIT_OK)
        self.assertEqual(self.value("Proxy_Mode"), "Off")

    def test_json_values_are_typed(self):
        values = json.loads(self.ctl("--json", "get", check=EXIT_OK).stdout)
        described = json.loads(self.ctl("describe", "--json", check=EXIT_OK).stdout)
        self.assertEqual(values["Proxy_Mode"], "Off")
        self.assertIsInstance(values["Proxy_Port"], int)
        python_types = {"b": bool, "i": int, "u": int, "as": list, "s": str}
        for name, value in values.items():
            signature = described[name].get("signature")
            if signature in python_types:
                with self.subTest(name=name):
                    self.assertIsInstance(value, python_types[signature])
                    if signature != "b":
                        self.assertNotIsInstance(value, bool)

        self.assertEqual(json.loads(self.ctl("set", "--json", "Proxy_Port=8080",
                                             check=EXIT_OK).stdout),
                         {"generation": self.generation()})

    def test_json_strings_are_escaped(self):
        # Quotes, backslash, non-ASCII; then a control character if the
        # schema allows one in a plain string.
        for text in ('a"b\\c é€ ☎', "tab\there"):
            result = self.ctl("set", "Proxy_Username=" + text)
            if result.returncode == EXIT_INVALID_VALUE and "\t" in text:
                continue
            self.assertEqual(result.returncode, EXIT_OK, result.stderr)
            got = json.loads(self.ctl("get", "--json", "Proxy_Username", check=EXIT_OK).stdout)
            self.assertEqual(got, {"Proxy_Username": text})
            # Text output prints the value raw.
            self.assertEqual(self.value("Proxy_Username"), text)


class SecretTest(DaemonTestCase):
    SECRET = "s3cret-Pa55"

    def test_secret_is_write_only_everywhere(self):
        result = self.ctl("--verbose", "set", "Proxy_Password=" + self.SECRET, check=EXIT_OK)
        outputs = [result.stdout, result.stderr]
        self.assertEqual(self.value("Proxy_Password"), "")

        for args in (["get"], ["--json", "get"], ["get", "Proxy_Password"], ["export"],
                     ["describe"], ["--json", "describe"], ["--verbose", "describe"],
                     ["describe", "Proxy_Password"], ["status"], ["--json", "status"]):
            result = self.ctl(*args, check=EXIT_OK)
            outputs += [result.stdout, result.stderr]
        for output in outputs:
            self.assertNotIn(self.SECRET, output)

        described = json.loads(self.ctl("--json", "describe", "Proxy_Password",
                                        check=EXIT_OK).stdout)
        self.assertTrue(described["Proxy_Password"]["secret"])
        self.assertTrue(described["Proxy_Password"]["is-set"])


class DescribeTest(DaemonTestCase):
    def test_names_lists_visible_parameters(self):
        names = self.ctl("describe", "--names", check=EXIT_OK).stdout.splitlines()
        self.assertIn("Proxy_Mode", names)
        self.assertIn("Proxy_Port", names)
        self.assertEqual(len(names), len(set(names)))

    def test_choices_of_an_enum(self):
        choices = self.ctl("describe", "--choices", "Proxy_Mode", check=EXIT_OK).stdout
        self.assertEqual(set(choices.splitlines()), {"Auto", "Manual", "Off"})

    def test_table(self):
        result = self.ctl("describe", "Proxy_Mode", "Proxy_Port", check=EXIT_OK)
        lines = result.stdout.splitlines()
        self.assertEqual(len(lines), 3, result.stdout)
        self.assertTrue(lines[0].startswith("NAME"))
        self.assertIn("Manual", lines[1] + lines[2])
        self.assertIn("65535", lines[1] + lines[2])

    def test_marks_what_nothing_acts_on(self):
        # No plugin runs here: the core's TLS policy acts on TLS_Min_Version,
        # nothing on Firewall (no firewall plugin is installed).
        result = self.ctl("describe", "Firewall", "TLS_Min_Version", check=EXIT_OK)
        rows = {line.split()[0]: line for line in result.stdout.splitlines()[1:]}
        self.assertIn("not active on this phone", rows["Firewall"])
        self.assertNotIn("not active on this phone", rows["TLS_Min_Version"])
        described = json.loads(self.ctl("--json", "describe", "Firewall", "TLS_Min_Version",
                                        check=EXIT_OK).stdout)
        self.assertFalse(described["Firewall"]["active"])
        self.assertEqual(described["Firewall"]["acted-on-by"], [])
        self.assertEqual(described["TLS_Min_Version"]["acted-on-by"], ["core:tls-policy"])

    def test_json(self):
        described = json.loads(self.ctl("--json", "describe", "Proxy_Mode", check=EXIT_OK).stdout)
        self.assertEqual(described["Proxy_Mode"]["default"], "Off")
        self.assertIn("Manual", described["Proxy_Mode"]["choices"])


class ProfileTest(DaemonTestCase):
    @staticmethod
    def elements(xml):
        """(name, attributes, text) of each parameter element, in order."""
        return re.findall(r"<([A-Za-z][\w.-]*)((?:\s[^>]*)?)>([^<]*)</\1>", xml)

    def test_export_import_round_trip(self):
        self.ctl("set", "Proxy_Mode=Manual", "Proxy_Port=8080", "Proxy_Host=proxy.example.com",
                 check=EXIT_OK)
        profile = os.path.join(self.tmp, "profile.xml")
        self.ctl("export", "-o", profile, check=EXIT_OK)
        self.assertEqual(stat.S_IMODE(os.stat(profile).st_mode), 0o600)
        with open(profile, encoding="utf-8") as f:
            exported = self.elements(f.read())
        self.assertIn(("Proxy_Port", "", "8080"), [(n, "", t) for n, _, t in exported])
        self.assertEqual(self.elements(self.ctl("export", check=EXIT_OK).stdout), exported)

        self.ctl("reset", "--all", check=EXIT_OK)
        self.assertEqual(self.value("Proxy_Mode"), "Off")

        before = self.generation()
        result = self.ctl("import", profile, check=EXIT_OK)
        self.assertEqual(int(result.stdout), before + 1)
        self.assertEqual(self.value("Proxy_Mode"), "Manual")
        self.assertEqual(self.value("Proxy_Port"), "8080")
        self.assertEqual(self.value("Proxy_Host"), "proxy.example.com")
        self.assertEqual(self.elements(self.ctl("export", check=EXIT_OK).stdout), exported)

    def test_export_changed_only(self):
        self.ctl("set", "Proxy_Port=8080", check=EXIT_OK)
        xml = self.ctl("export", "--changed-only", check=EXIT_OK).stdout
        self.assertIn("Proxy_Port", xml)
        self.assertNotIn("<Proxy_Mode", xml)

    def test_import_from_stdin_skips_unknown_elements_with_a_warning(self):
        xml = ("<flat-profile>\n"
               "  <No_Such_Parameter>1</No_Such_Parameter>\n"
               "  <Proxy_Mode>Auto</Proxy_Mode>\n"
               "</flat-profile>\n")
        result = self.ctl("import", "-", input=xml, check=EXIT_OK)
        self.assertRegex(result.stdout, r"^\d+\n$")
        self.assert_error_line(result, "No_Such_Parameter")
        self.assertEqual(self.value("Proxy_Mode"), "Auto")

        result = self.ctl("--json", "import", "-", input=xml, check=EXIT_OK)
        self.assertIn("No_Such_Parameter", json.loads(result.stdout)["skipped"])

    def test_strict_import_rejects_everything(self):
        xml = ("<flat-profile><Proxy_Mode>Auto</Proxy_Mode>"
               "<Proxy_Port>70000</Proxy_Port></flat-profile>")
        result = self.ctl("import", "--strict", "-", input=xml, check=EXIT_INVALID_VALUE)
        self.assert_error_line(result, "Proxy_Port")
        self.assertEqual(self.value("Proxy_Mode"), "Off")

    def test_malformed_profile_exits_5(self):
        self.ctl("import", "-", input="<flat-profile><Proxy_Mode>", check=EXIT_INVALID_VALUE)

    def test_missing_file_fails(self):
        result = self.ctl("import", os.path.join(self.tmp, "missing.xml"), check=EXIT_FAILURE)
        self.assert_error_line(result, "missing.xml")


class StatusTest(DaemonTestCase):
    def test_status(self):
        result = self.ctl("status", check=EXIT_OK)
        for prop in ("Version", "State", "PendingRestart", "PreviousRunCrashed", "LineCount",
                     "StoreError", "Generation"):
            self.assertRegex(result.stdout, rf"(?m)^{prop}\s+=")

        status = json.loads(self.ctl("--json", "status", check=EXIT_OK).stdout)
        self.assertIsInstance(status["Generation"], int)
        self.assertIsInstance(status["PendingRestart"], bool)
        self.assertIsInstance(status["Version"], str)
        self.assertEqual(status["PluginStates"], {})

    def test_no_plugins(self):
        self.assertEqual(json.loads(self.ctl("--json", "plugins", check=EXIT_OK).stdout), [])
        self.ctl("plugins", check=EXIT_OK)

    def test_unknown_plugin_fails(self):
        result = self.ctl("status", "no-such-plugin", check=EXIT_FAILURE)
        self.assert_error_line(result, "no-such-plugin")


class MonitorTest(DaemonTestCase):
    def next_event(self, monitor, pattern):
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            line = read_line(monitor.stdout, deadline - time.monotonic())
            if line is None:
                break
            if re.search(pattern, line):
                return line
        self.fail(f"monitor printed no line matching {pattern!r}")

    def interrupt(self, monitor):
        monitor.send_signal(signal.SIGINT)
        self.assertEqual(monitor.wait(timeout=TIMEOUT), 0)

    def test_monitor_prints_changed(self):
        monitor = self.start_monitor()
        generation = int(self.ctl("set", "Proxy_Mode=Manual", "Proxy_Port=8080",
                                  check=EXIT_OK).stdout)
        line = self.next_event(monitor, r" Changed ")
        self.assertRegex(line, rf"^\d\d:\d\d:\d\d\.\d{{3}} Changed generation={generation} \S+\n$")
        self.assertIn("Proxy_Mode", line)
        self.assertIn("Proxy_Port", line)
        self.interrupt(monitor)

    def test_monitor_json_lines(self):
        monitor = self.start_monitor("--json")
        generation = int(self.ctl("set", "Proxy_Port=8080", check=EXIT_OK).stdout)
        event = json.loads(self.next_event(monitor, r'"event": "Changed"'))
        self.assertEqual(event["generation"], generation)
        self.assertIn("Proxy_Port", event["names"])
        self.assertIn("time", event)
        monitor.send_signal(signal.SIGTERM)
        self.assertEqual(monitor.wait(timeout=TIMEOUT), 0)

    def test_monitor_follows_a_daemon_restart(self):
        monitor = self.start_monitor()
        self.stop_daemon()
        self.next_event(monitor, r" DaemonStopped ")
        self.start_daemon()
        self.next_event(monitor, r" DaemonStarted ")
        self.ctl("set", "Proxy_Mode=Auto", check=EXIT_OK)
        self.next_event(monitor, r" Changed generation=\d+ .*Proxy_Mode")
        self.interrupt(monitor)


class JsonFormatTest(DaemonTestCase):
    """--json output is a contract for scripts: these are its exact bytes.

    Documents are indented by two spaces, one member or element per line,
    written "key": value; one-line documents (set, import, monitor) separate
    with ", " and ": ". Strings are UTF-8 with only '"', '\\' and control
    characters escaped. Python's json.dumps writes the same layout, so
    documents whose content is the daemon's business (describe, get of
    everything) are checked against it; the rest are written out in full.
    tests/unit/test-phonesecctl-format.c pins each value kind.
    """

    def setUp(self):
        CtlTestCase.setUp(self)
        self.start_daemon(plugins=["example"])

    def json_stdout(self, *args):
        return self.ctl("--json", *args, check=EXIT_OK).stdout

    def assert_pretty(self, text):
        value = json.loads(text)
        self.assertEqual(text, json.dumps(value, indent=2, ensure_ascii=False) + "\n")
        return value

    def assert_one_line(self, text):
        value = json.loads(text)
        self.assertEqual(text, json.dumps(value, ensure_ascii=False) + "\n")
        return value

    def test_get(self):
        self.ctl("set", "Proxy_Username=a\"b\\c/é€ ☎", check=EXIT_OK)
        self.assertEqual(
            self.json_stdout("get", "Proxy_Mode", "Proxy_Port", "Proxy_Username", "Example_Enable"),
            '{\n'
            '  "Proxy_Mode": "Off",\n'
            '  "Proxy_Port": 3128,\n'
            '  "Proxy_Username": "a\\"b\\\\c/é€ ☎",\n'
            '  "Example_Enable": true\n'
            '}\n')
        self.assert_pretty(self.json_stdout("get"))

    def test_describe(self):
        described = self.assert_pretty(self.json_stdout("describe", "Proxy_Mode"))
        self.assertEqual(described["Proxy_Mode"]["choices"], ["Auto", "Manual", "Off"])
        self.assertEqual(described["Proxy_Mode"]["acted-on-by"], [])
        self.assert_pretty(self.json_stdout("describe"))

    def test_status(self):
        version = self.ctl("--version", check=EXIT_OK).stdout.split()[1]
        # The network service starts once the plugins are active: wait for
        # it, then pin the bytes with its pid.
        deadline = time.monotonic() + 10
        while True:
            status = self.json_stdout("status")
            netd = json.loads(status)
            if netd["NetworkServiceState"] == "running" or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        self.assertGreater(netd["NetworkServicePid"], 0)
        self.assertEqual(
            status,
            '{\n'
            f'  "Version": "{version}",\n'
            '  "Plugins": [\n'
            '    "/org/phonesec/PhoneSec1/plugins/example"\n'
            '  ],\n'
            '  "State": "running",\n'
            '  "PendingRestart": false,\n'
            '  "PreviousRunCrashed": false,\n'
            '  "LineCount": 4,\n'
            '  "StoreError": "",\n'
            '  "Warnings": [],\n'
            '  "BlockingPlugins": {},\n'
            '  "NetworkServiceState": "running",\n'
            f'  "NetworkServicePid": {netd["NetworkServicePid"]},\n'
            '  "NetworkServiceRestarts": 0,\n'
            '  "NetworkServiceError": "",\n'
            '  "Generation": 0,\n'
            '  "PluginStates": {\n'
            '    "example": "active"\n'
            '  }\n'
            '}\n')

    def test_plugins_and_plugin_status(self):
        plugin = ('{\n'
                  '    "Name": "example",\n'
                  '    "Description": "Example plugin: a greeting with provisioning macros",\n'
                  '    "Version": "1.0",\n'
                  '    "State": "active",\n'
                  '    "Error": "",\n'
                  '    "LongestBlock": [\n'
                  '      "",\n'
                  '      0,\n'
                  '      0\n'
                  '    ],\n'
                  '    "Depends": [],\n'
                  '    "Parameters": [\n'
                  '      "Example_Enable",\n'
                  '      "Example_Greeting"\n'
                  '    ]\n'
                  '  }')
        self.assertEqual(self.json_stdout("plugins"), "[\n  " + plugin + "\n]\n")
        self.assertEqual(
            self.json_stdout("status", "example"),
            '{\n'
            '  "org.phonesec.PhoneSec1.Plugin": ' + plugin + ',\n'
            '  "org.phonesec.PhoneSec1.Example": {\n'
            '    "Greeting": "Hello from 00:11:22:33:44:55",\n'
            '    "Enabled": true,\n'
            '    "ChangeCount": 0,\n'
            '    "LastChanged": []\n'
            '  }\n'
            '}\n')

    def test_set_import_export(self):
        self.assertEqual(self.json_stdout("set", "Proxy_Port=8080"), '{"generation": 1}\n')
        xml = "<flat-profile><No_Such_Parameter>1</No_Such_Parameter></flat-profile>"
        result = self.ctl("--json", "import", "-", input=xml, check=EXIT_OK)
        self.assertEqual(
            result.stdout,
            '{"generation": 1, "skipped": {"No_Such_Parameter": "unknown parameter, ignored"}}\n')
        # export writes cfg.xml, --json or not.
        exported = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                    '<flat-profile>\n'
                    '  <Proxy_Port ua="rw">8080</Proxy_Port>\n'
                    '</flat-profile>\n')
        self.assertEqual(self.json_stdout("export", "--changed-only"), exported)
        self.assertEqual(self.ctl("export", "--changed-only", check=EXIT_OK).stdout, exported)

    def test_monitor(self):
        monitor = self.start_monitor("--json")
        self.ctl("set", 'Example_Greeting=Hi "é" \\ $PN', check=EXIT_OK)
        time_field = r'^\{"time": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}(Z|[+-]\d\d:\d\d)", '
        seen = {}
        deadline = time.monotonic() + TIMEOUT
        while len(seen) < 2 and time.monotonic() < deadline:
            line = read_line(monitor.stdout, deadline - time.monotonic())
            self.assertIsNotNone(line, f"monitor printed only {seen}")
            self.assertRegex(line, time_field)
            event = self.assert_one_line(line)
            if event["event"] == "Changed":
                seen["Changed"] = re.sub(time_field, "", line)
            elif event.get("interface") == "org.phonesec.PhoneSec1.Example":
                seen["Example"] = re.sub(time_field, "", line)
        self.assertEqual(seen.get("Changed"),
                         '"event": "Changed", "generation": 1, "names": ["Example_Greeting"]}\n')
        self.assertEqual(
            seen.get("Example"),
            '"event": "PropertiesChanged", "path": "/org/phonesec/PhoneSec1/plugins/example", '
            '"interface": "org.phonesec.PhoneSec1.Example", '
            '"changed": {"Greeting": "Hi \\"é\\" \\\\ CP-8841-3PCC", "ChangeCount": 1, '
            '"LastChanged": ["Example_Greeting"]}, "invalidated": []}\n')


@unittest.skipUnless(os.geteuid() == 0, "needs root to run the client as uid 65534")
class UserAccessTest(DaemonTestCase):
    """A non-admin caller (uid 65534) sees the user's view."""

    def test_bus_has_the_production_policy(self):
        # Only root may own phonesecd's name (org.phonesec.PhoneSec1.conf);
        # a permissive test bus would let the user queue for it.
        result = subprocess.run(
            NOBODY + ["busctl", "--address=" + self.address, "call", "org.freedesktop.DBus",
                      "/org/freedesktop/DBus", "org.freedesktop.DBus", "RequestName", "su",
                      BUS_NAME, "0"],
            capture_output=True, encoding="utf-8", timeout=TIMEOUT)
        self.assertNotEqual(result.returncode, 0, result.stdout)
        self.assertIn("denied", result.stderr.lower())

    def test_hidden_parameter_is_unknown_to_a_user(self):
        result = self.ctl("set", "PRT_Upload_Method=PUT", user=True,
                          check=EXIT_UNKNOWN_PARAMETER)
        self.assert_error_line(result, "PRT_Upload_Method")
        self.ctl("get", "PRT_Upload_Method", user=True, check=EXIT_UNKNOWN_PARAMETER)
        names = self.ctl("describe", "--names", user=True, check=EXIT_OK).stdout.splitlines()
        self.assertIn("Proxy_Mode", names)
        self.assertNotIn("PRT_Upload_Method", names)
        self.assertNotIn("PRT_Upload_Method", self.ctl("get", user=True, check=EXIT_OK).stdout)

    def test_admin_acting_as_user(self):
        self.ctl("set", "--as-user", "PRT_Upload_Method=PUT", check=EXIT_UNKNOWN_PARAMETER)
        self.ctl("set", "PRT_Upload_Method=PUT", check=EXIT_OK)

    def test_user_may_write_rw_parameters(self):
        self.ctl("set", "Proxy_Mode=Auto", user=True, check=EXIT_OK)
        self.assertEqual(self.value("Proxy_Mode"), "Auto")

    def test_read_only_parameter_is_denied_to_a_user(self):
        # The admin makes a parameter read-only for the user with ua="ro".
        self.ctl("import", "-", input='<flat-profile><Proxy_Mode ua="ro">Auto</Proxy_Mode>'
                 "</flat-profile>", check=EXIT_OK)
        self.assertEqual(self.value("Proxy_Mode", user=True), "Auto")
        result = self.ctl("set", "Proxy_Mode=Off", user=True, check=EXIT_PERMISSION_DENIED)
        self.assert_error_line(result, "Proxy_Mode")
        self.assertEqual(self.value("Proxy_Mode"), "Auto")


class CompletionTest(DaemonTestCase):
    """The bash completion asks the daemon on the bus of the command line."""

    def complete(self, line):
        script = os.path.join(env_path("PHONESEC_SOURCE_ROOT"), "ui-bridge",
                              "phonesecctl.bash-completion")
        program = (
            'source "$1"; COMP_LINE=$2; COMP_POINT=${#COMP_LINE}; '
            "COMP_WORDS=(); COMP_CWORD=0; _phonesecctl; "
            'printf "%s\\n" "${COMPREPLY[@]}"'
        )
        result = subprocess.run(
            ["bash", "--norc", "--noprofile", "-c", program, "bash", script, line],
            capture_output=True,
            encoding="utf-8",
            timeout=TIMEOUT,
            env=self.env(),
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        return [word for word in result.stdout.splitlines() if word]

    def test_commands(self):
        self.assertEqual(self.complete(f"{self.ctl_path} --bus {self.address} des"), ["describe"])

    def test_parameter_names(self):
        words = self.complete(f"{self.ctl_path} --bus {self.address} get Proxy_Mo")
        self.assertIn("Proxy_Mode", words)
        words = self.complete(f"{self.ctl_path} --bus {self.address} set Proxy_Mo")
        self.assertIn("Proxy_Mode=", words)

    def test_enum_values_after_equals(self):
        # bash breaks words at "=": only the value part is completed.
        words = self.complete(f"{self.ctl_path} --bus {self.address} set Proxy_Mode=Ma")
        self.assertEqual(words, ["Manual"])

    def test_options(self):
        words = self.complete(f"{self.ctl_path} --bus {self.address} set --dry")
        self.assertEqual(words, ["--dry-run"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
