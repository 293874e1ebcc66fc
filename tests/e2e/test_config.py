"""hotlined refuses to start on a bad routing table or config, naming file and line.

Each broken table is config/routing.toml with one edit; the expected line is computed from
the edit, so the tests follow the table as it changes."""

import os
import re
import sqlite3
import subprocess
import unittest

import harness
from harness import HOTLINED, ROUTING_TABLE, write_config


def read_table():
    with open(ROUTING_TABLE, encoding="utf-8") as f:
        return f.read().splitlines(keepends=True)


def line_index(lines, pattern, start=0):
    """0-based index of the first line at or after `start` that matches `pattern`."""
    rx = re.compile(pattern)
    for i in range(start, len(lines)):
        if rx.search(lines[i]):
            return i
    raise AssertionError(f"config/routing.toml has no line matching {pattern!r}")


class ConfigTest(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        self.dir = harness.make_tempdir("hotline-e2e-config-")
        self.addCleanup(harness.remove_tempdir, self.dir)
        self.db = os.path.join(self.dir, "hotline.db")

    def write_table(self, lines):
        path = os.path.join(self.dir, "routing.toml")
        with open(path, "w", encoding="utf-8") as f:
            f.writelines(lines)
        return path

    def write_config(self, routing_table, extra=()):
        path = os.path.join(self.dir, "hotlined.toml")
        write_config(path, [("listen", "127.0.0.1:0"), ("db", self.db),
                            ("routing_table", routing_table), ("log_level", "info")] + list(extra))
        return path

    def start_fails(self, config, listen="127.0.0.1:0"):
        """Runs hotlined (with --listen `listen`, unless None); it must exit non-zero without
        serving. Returns its stderr."""
        args = [HOTLINED, "--config", config] + (["--listen", listen] if listen else [])
        proc = subprocess.Popen(args,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        try:
            out, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            self.fail(f"hotlined did not exit on a bad configuration; stdout {out!r}")
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        self.assertNotEqual(proc.returncode, 0, f"stdout {out!r} stderr {err!r}")
        self.assertNotIn("serving on", out)
        self.assertRegex(err, r"(?m)^hotlined: ", err)
        return err

    def assert_names_line(self, err, path, line, *words):
        self.assertIn(f"{path}:{line}:", err, f"expected {path}:{line}: in\n{err}")
        for word in words:
            self.assertIn(word, err)

    def test_good_table_starts_and_stops_on_sigterm(self):
        # The control: the unedited copy starts and serves. Scripts wait for the serving line
        # and may send SIGTERM at once, so from that line on SIGTERM must stop it gracefully
        # (exit 0, not death by the signal); 20 tries catch a handler installed too late.
        lines = read_table()
        server = harness.Server(self.dir, routing_table=self.write_table(lines), name="good")
        self.addCleanup(server.close)
        codes = []
        for _ in range(20):
            server.start()
            codes.append(server.stop())
        self.assertEqual(codes, [0] * 20, "exit codes of start + immediate SIGTERM (-15: "
                         "killed by the signal)")
        self.assertEqual(len(server.stdout_lines), 20, server.stdout_lines)
        for line in server.stdout_lines:
            self.assertRegex(line, harness.SERVING_RE.pattern)
        # The first start created the database, and said so once.
        self.assertEqual(server.read_log().count("created a new, empty one"), 1)

    def test_unknown_key_in_a_desk(self):
        lines = read_table()
        i = line_index(lines, r'^id = "police-110105"')
        lines.insert(i + 1, 'colour = "blue"\n')
        path = self.write_table(lines)
        err = self.start_fails(self.write_config(path))
        self.assert_names_line(err, path, i + 2, "colour")

    def test_unknown_desk_in_a_target(self):
        lines = read_table()
        i = line_index(lines, r'\{\s*desk\s*=\s*"center"\s*\}', line_index(lines, r"^\[\[rule\]\]"))
        lines[i] = lines[i].replace('"center"', '"no-such-desk"', 1)
        path = self.write_table(lines)
        err = self.start_fails(self.write_config(path))
        self.assert_names_line(err, path, i + 1, "no-such-desk")

    def test_no_default_rule(self):
        lines = read_table()
        i = line_index(lines, r'^id = "default"')
        start = max(j for j in range(i) if lines[j].startswith("[[rule]]"))
        end = next((j for j in range(i, len(lines)) if lines[j].startswith("[[")), len(lines))
        self.assertFalse(any(l.startswith("[[rule]]") for l in lines[end:]),
                         "the default rule is the last rule")
        path = self.write_table(lines[:start] + lines[end:])
        err = self.start_fails(self.write_config(path))
        # A whole-file problem is pointed at the last rule, the one that should be the default.
        last_rule = max(j for j in range(start) if lines[j].startswith("[[rule]]"))
        self.assert_names_line(err, path, last_rule + 1, "no default rule")

    def test_warnings_are_logged_at_start(self):
        # A desk no rule can reach is a warning, not an error: the server starts and says so.
        lines = read_table()
        i = line_index(lines, r"^\[\[desk\]\]")
        lines[i:i] = ['[[desk]]\n', 'id = "orphan"\n', 'name = "无人指派"\n',
                      'type = "youth_league"\n', 'jurisdiction = "110105"\n', '\n']
        server = harness.Server(self.dir, routing_table=self.write_table(lines), name="warn",
                                log_level="info")
        self.addCleanup(server.close)
        server.start()
        server.stop()
        self.assertRegex(server.read_log(),
                         rf"routing\.toml:{i + 1}: warning: desk 'orphan' is never targeted")

    def test_unknown_key_in_config(self):
        config = os.path.join(self.dir, "hotlined.toml")
        write_config(config, [("listen", "127.0.0.1:0"), ("db", self.db),
                              ("routing_table", ROUTING_TABLE), ("colour", "blue"),
                              ("log_level", "info")])
        # write_config puts one comment line first: key n is on line n + 1.
        err = self.start_fails(config)
        self.assert_names_line(err, config, 5, "colour")

    def test_listen_must_be_host_and_port(self):
        for value in ("127.0.0.1:99999", "127.0.0.1", ":50051", "[::1:50051"):
            config = os.path.join(self.dir, "hotlined.toml")
            write_config(config, [("listen", value), ("db", self.db),
                                  ("routing_table", ROUTING_TABLE)])
            err = self.start_fails(config, listen=None)
            self.assert_names_line(err, config, 2, "listen", value)

    def test_a_port_in_use_is_refused_not_shared(self):
        # gRPC would set SO_REUSEPORT: a second server on the port would take half the calls
        # into its own database.
        first = harness.Server(self.dir, name="first")
        self.addCleanup(first.close)
        first.start()
        config = self.write_config(ROUTING_TABLE, [])
        err = self.start_fails(config, listen=first.address)
        self.assertIn(f"cannot listen on {first.address}: the address is in use", err)
        # gRPC's own complaint is a line of the log, not a raw "E1129 ..." line.
        self.assertNotRegex(err, r"(?m)^E\d{4} ")
        self.assertRegex(err, r"(?m)^\d{4}-\d\d-\d\dT[\d:.]+ error grpc: ")

    def test_a_database_in_a_missing_directory_names_the_directory(self):
        missing = os.path.join(self.dir, "no-such-dir")
        config = os.path.join(self.dir, "hotlined.toml")
        write_config(config, [("listen", "127.0.0.1:0"), ("db", os.path.join(missing, "h.db")),
                              ("routing_table", ROUTING_TABLE)])
        err = self.start_fails(config, listen=None)
        self.assertIn(f"cannot create database '{missing}/h.db': directory '{missing}' does "
                      "not exist", err)

    def test_a_missing_routing_table_creates_no_database(self):
        # Before, the database was created before the table was read, and an empty one was
        # left behind.
        missing = os.path.join(self.dir, "no-such-table.toml")
        err = self.start_fails(self.write_config(missing))
        self.assertIn(f"routing table {missing} does not exist", err)
        self.assertFalse(os.path.exists(self.db), os.listdir(self.dir))

    def test_a_routing_table_file_gone_after_the_import_is_a_warning(self):
        table = self.write_table(read_table())
        server = harness.Server(self.dir, routing_table=table, name="gone")
        self.addCleanup(server.close)
        server.start()
        self.assertEqual(server.stop(), 0)
        os.remove(table)
        server.start()  # the stored version 1 is in force
        self.assertIn(f"routing table {table} cannot be read; routing table version 1 from the "
                      "database is in force, and SIGHUP cannot apply the file until it can be "
                      "read", server.read_log())

    def test_a_clock_behind_the_last_event_is_a_warning_at_start(self):
        # Deadlines and case numbers follow the wall clock; a clock set back (a machine
        # restored from a snapshot) would silently date new events before old ones.
        server = harness.Server(self.dir, name="clock")
        self.addCleanup(server.close)
        server.start()
        self.assertEqual(server.stop(), 0)
        self.assertNotIn("behind the audit log", server.read_log())  # the control
        day_ms = 24 * 3600 * 1000
        with sqlite3.connect(server.db) as db:
            seq, time_ms, hash_ = db.execute(
                "SELECT seq, time_ms, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
            db.execute("INSERT INTO events (seq, time_ms, actor, type, payload, prev_hash, hash) "
                       "VALUES (?, ?, 'test', 'test.future', '{}', ?, ?)",
                       (seq + 1, time_ms + 3 * day_ms, hash_, "0" * 64))
        server.start()
        self.assertRegex(server.read_log(),
                         r"warning the system clock is 25\d{4} s behind the audit log's last "
                         r"event: new events, case numbers and deadlines will be dated before "
                         r"events already stored; check the clock")

    def test_an_empty_flag_value_is_a_usage_error(self):
        for flag in ("--listen", "--db", "--config"):
            with self.subTest(flag):
                proc = subprocess.run([HOTLINED, flag, ""], capture_output=True, text=True,
                                      timeout=30)
                self.assertEqual(proc.returncode, 2, proc.stderr)
                self.assertIn(f"{flag}: is empty", proc.stderr)

    def test_config_value_out_of_range(self):
        config = self.write_config(ROUTING_TABLE, [("max_batch", 0)])
        err = self.start_fails(config)
        self.assert_names_line(err, config, 6, "max_batch")


if __name__ == "__main__":
    unittest.main()
