"""Harness for the end-to-end tests: runs the real `hotlined` and `hotline` binaries.

Environment (set by tests/e2e/CMakeLists.txt; defaults suit a build in <source>/build):
  HOTLINE_BIN_DIR     directory holding hotlined and hotline
  HOTLINE_PY_DIR      directory holding the generated Python stubs (hotline/v1/*_pb2*.py)
  HOTLINE_SOURCE_DIR  the repository (for config/routing.toml)
  HOTLINE_E2E_KEEP    when set, temporary directories are kept for inspection

Every Server runs on its own free port (127.0.0.1:0) in its own temporary directory, so test
modules can run in parallel. Servers are always stopped by close() (SIGTERM, then SIGKILL).
"""

import json
import os
import queue
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import uuid

SOURCE_DIR = os.path.abspath(
    os.environ.get("HOTLINE_SOURCE_DIR",
                   os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")))
BIN_DIR = os.path.abspath(os.environ.get("HOTLINE_BIN_DIR", os.path.join(SOURCE_DIR, "build", "bin")))
PY_DIR = os.path.abspath(os.environ.get("HOTLINE_PY_DIR", os.path.join(os.path.dirname(BIN_DIR), "py")))
if PY_DIR not in sys.path:
    sys.path.insert(0, PY_DIR)

import grpc  # noqa: E402
from hotline.v1 import (admin_pb2, admin_pb2_grpc, case_pb2, desk_pb2, desk_pb2_grpc,  # noqa: E402,F401
                        intake_pb2, intake_pb2_grpc)

HOTLINED = os.path.join(BIN_DIR, "hotlined")
HOTLINE = os.path.join(BIN_DIR, "hotline")
ROUTING_TABLE = os.path.join(SOURCE_DIR, "config", "routing.toml")

SERVING_RE = re.compile(r"^hotlined: serving on 127\.0\.0\.1:(\d+)$")
CASE_NUMBER_RE = re.compile(r"^HL-\d{4}-\d{6}$")
HASH_RE = re.compile(r"^[0-9a-f]{64}$")
CLI_ERROR_RE = re.compile(r"^hotline: ([A-Z_]+): (.+)$")
CJK_RE = re.compile(r"[\u4e00-\u9fff]")

KEEP = bool(os.environ.get("HOTLINE_E2E_KEEP"))


def new_request_id(prefix="e2e"):
    return f"{prefix}-{uuid.uuid4()}"


def make_tempdir(prefix="hotline-e2e-"):
    return tempfile.mkdtemp(prefix=prefix)


def remove_tempdir(path):
    if path and not KEEP:
        shutil.rmtree(path, ignore_errors=True)


def write_config(path, lines):
    """Writes a hotlined config from (key, value) pairs; returns the path."""
    with open(path, "w", encoding="utf-8") as f:
        f.write("# written by tests/e2e/harness.py\n")
        for key, value in lines:
            f.write(f"{key} = {toml_value(value)}\n")
    return path


def toml_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value))  # a TOML basic string for our plain values


class CliResult:
    def __init__(self, args, completed):
        self.args = args
        self.rc = completed.returncode
        self.stdout = completed.stdout
        self.stderr = completed.stderr

    def json(self):
        try:
            return json.loads(self.stdout)
        except ValueError as e:
            raise AssertionError(f"not JSON ({e}) from {self.describe()}") from None

    def error(self):
        """(STATUS_CODE_NAME, message) parsed from the one-line stderr, or None."""
        lines = self.stderr.strip().splitlines()
        if len(lines) != 1:
            return None
        m = CLI_ERROR_RE.match(lines[0])
        return (m.group(1), m.group(2)) if m else None

    def describe(self):
        return (f"hotline {' '.join(self.args)}\n  exit {self.rc}\n  stdout: {self.stdout[:3000]!r}"
                f"\n  stderr: {self.stderr[:3000]!r}")


class Server:
    """One hotlined process with its own directory, config, database and log file."""

    def __init__(self, parent_dir=None, routing_table=ROUTING_TABLE, log_level="trace",
                 max_message_bytes=1048576, max_batch=256, name="server"):
        self.dir = tempfile.mkdtemp(prefix=f"{name}-", dir=parent_dir) if parent_dir else make_tempdir()
        self.owns_dir = parent_dir is None
        self.db = os.path.join(self.dir, "hotline.db")
        self.config = os.path.join(self.dir, "hotlined.toml")
        self.log_path = os.path.join(self.dir, "hotlined.stderr")
        self.stdout_lines = []
        write_config(self.config, [
            ("listen", "127.0.0.1:0"),
            ("db", self.db),
            ("routing_table", os.path.abspath(routing_table)),
            ("log_level", log_level),
            ("max_message_bytes", max_message_bytes),
            ("max_batch", max_batch),
            ("shutdown_grace_seconds", 2),
        ])
        self.proc = None
        self.port = None
        self.address = None
        self._channel = None
        self._stdout_thread = None

    # --- process ------------------------------------------------------------------------

    def start(self, timeout=30):
        assert self.proc is None, "already running"
        log = open(self.log_path, "ab")
        try:
            self.proc = subprocess.Popen(
                [HOTLINED, "--config", self.config, "--listen", "127.0.0.1:0", "--db", self.db],
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log)
        finally:
            log.close()
        lines = queue.Queue()
        proc = self.proc

        def pump():
            for raw in proc.stdout:
                lines.put(raw.decode("utf-8", "replace").rstrip("\n"))
            lines.put(None)

        self._stdout_queue = lines
        self._stdout_thread = threading.Thread(target=pump, daemon=True)
        self._stdout_thread.start()
        try:
            first = lines.get(timeout=timeout)
        except queue.Empty:
            first = None
        m = SERVING_RE.match(first or "")
        if first is not None:
            self.stdout_lines.append(first)
        if not m:
            self.kill9()
            raise AssertionError(f"hotlined did not report serving (first stdout line {first!r}); "
                                 f"stderr:\n{self.read_log()[-4000:]}")
        self.port = int(m.group(1))
        self.address = f"127.0.0.1:{self.port}"
        return self

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=20):
        """SIGTERM and wait; returns the exit code (SIGKILL and AssertionError on a hang)."""
        self._close_channel()
        if self.proc is None:
            return None
        proc, self.proc = self.proc, None
        try:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
                    raise AssertionError(f"hotlined did not stop within {timeout}s of SIGTERM")
        finally:
            self._drain_stdout(proc)
        return proc.returncode

    def kill9(self):
        self._close_channel()
        if self.proc is None:
            return
        proc, self.proc = self.proc, None
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        self._drain_stdout(proc)

    def restart(self):
        self.stop()
        return self.start()

    def close(self):
        """Stops the server if it runs (SIGKILL when SIGTERM does not work) and removes the
        directory when this server owns it."""
        try:
            if self.running():
                try:
                    self.stop()
                except AssertionError:
                    pass
            else:
                self.kill9()
        finally:
            if self.owns_dir:
                remove_tempdir(self.dir)

    def _drain_stdout(self, proc):
        if self._stdout_thread is not None:
            self._stdout_thread.join(timeout=5)
            q = getattr(self, "_stdout_queue", None)
            while q is not None:
                try:
                    line = q.get_nowait()
                except queue.Empty:
                    break
                if line is not None:
                    self.stdout_lines.append(line)
            self._stdout_thread = None
        if proc.stdout is not None:
            proc.stdout.close()

    def read_log(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    # --- tokens ---------------------------------------------------------------------------

    def issue_token(self, role, name, desks=()):
        args = [HOTLINED, "token", "issue", "--config", self.config, "--db", self.db,
                "--role", role, "--name", name]
        for desk in desks:
            args += ["--desk", desk]
        p = subprocess.run(args, capture_output=True, text=True, timeout=30)
        if p.returncode != 0:
            raise AssertionError(f"token issue failed ({p.returncode}): {p.stderr}")
        lines = p.stdout.splitlines()
        if len(lines) != 1 or not lines[0].strip():
            raise AssertionError(f"token issue printed {p.stdout!r}, not exactly one token")
        return lines[0].strip()

    def revoke_tokens(self, name):
        p = subprocess.run([HOTLINED, "token", "revoke", "--config", self.config, "--db", self.db,
                            "--name", name], capture_output=True, text=True, timeout=30)
        if p.returncode != 0:
            raise AssertionError(f"token revoke failed ({p.returncode}): {p.stderr}")
        return p

    # --- gRPC -----------------------------------------------------------------------------

    def channel(self):
        if self._channel is None:
            self._channel = grpc.insecure_channel(
                self.address, options=[("grpc.max_send_message_length", 64 << 20),
                                       ("grpc.max_receive_message_length", 64 << 20)])
            grpc.channel_ready_future(self._channel).result(timeout=10)
        return self._channel

    def _close_channel(self):
        if self._channel is not None:
            self._channel.close()
            self._channel = None

    def intake(self):
        return intake_pb2_grpc.IntakeStub(self.channel())

    def admin(self):
        return admin_pb2_grpc.AdminStub(self.channel())

    def desk(self):
        return desk_pb2_grpc.DeskStub(self.channel())

    # --- CLI ------------------------------------------------------------------------------

    def cli(self, args, token=None, json_output=False, lang=None, timeout=60, server=None):
        """Runs `hotline --server ADDR [--token T] [--lang L] ARGS... [--json]`."""
        argv = ["--server", server or self.address]
        if token is not None:
            argv += ["--token", token]
        if lang is not None:
            argv += ["--lang", lang]
        argv += list(args)
        if json_output:
            argv.append("--json")
        env = dict(os.environ)
        for name in ("HOTLINE_SERVER", "HOTLINE_TOKEN", "HOTLINE_LANG", "LC_MESSAGES", "LANG"):
            env.pop(name, None)
        env["LC_ALL"] = "C.UTF-8"  # English unless --lang says otherwise
        p = subprocess.run([HOTLINE] + argv, capture_output=True, text=True, timeout=timeout,
                           env=env, stdin=subprocess.DEVNULL)
        return CliResult(argv, p)

    # --- database -------------------------------------------------------------------------

    def query(self, sql, params=()):
        con = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=10)
        try:
            return con.execute(sql, params).fetchall()
        finally:
            con.close()

    def count_events(self):
        return self.query("SELECT COUNT(*) FROM events")[0][0]


def metadata(token):
    return [("authorization", f"Bearer {token}")] if token is not None else []


def sample_report(categories=("begging",), urgency="urgent", jurisdiction="110105", age=9,
                  phone="13700000001", narrative="A child begging at the crossroads.",
                  child_name="", anonymous=False):
    """A valid Report built from short names; tests then break one thing."""
    r = case_pb2.Report()
    r.channel = case_pb2.CHANNEL_PHONE
    r.reporter.anonymous = anonymous
    if not anonymous:
        r.reporter.phone = phone
        r.reporter.relation = case_pb2.REPORTER_RELATION_PASSERBY
    child = r.children.add()
    child.name = child_name
    child.jurisdiction_code = jurisdiction
    if age is not None:
        child.age.min_years = age
        child.age.max_years = age
    for c in categories:
        r.categories.append(case_pb2.DistressCategory.Value("DISTRESS_CATEGORY_" + c.upper()))
    r.urgency = case_pb2.Urgency.Value("URGENCY_" + urgency.upper())
    r.narrative = narrative
    return r


def submit_request(report=None, request_id=None):
    return intake_pb2.SubmitReportRequest(
        request_id=request_id or new_request_id(), report=report or sample_report())


def events_of(history_json):
    """The event list of a `case history --json` answer (GetCaseHistoryResponse or a list)."""
    if isinstance(history_json, list):
        return history_json
    return history_json.get("events", [])


def cases_of(list_json):
    if isinstance(list_json, list):
        return list_json
    return list_json.get("cases", [])
