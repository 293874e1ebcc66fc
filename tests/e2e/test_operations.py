"""Operations (issue 5): backup while serving, restore, the database lock, retention purge.

Everything runs the real hotlined: `hotlined backup|restore|purge` are the commands an
operator types, the server answers over gRPC, and the database file is read with sqlite3
and searched byte by byte."""

import os
import re
import resource
import signal
import sqlite3
import subprocess
import threading
import time
import unittest

import grpc

import harness
from harness import (HOTLINED, case_pb2, desk_pb2, intake_pb2, metadata, sample_report,
                     submit_request)

REPORTER_NAME = "张三举报人"
REPORTER_PHONE = "13912345678"
CHILD_NAME = "李小明"
CHILD_ADDRESS = "朝阳区建国路八十八号三单元"
NARRATIVE = "孩子每天傍晚在天桥下乞讨，衣着单薄，自称没有家人照看。"
NOTE = "回访时家长情绪激动，邻居王阿姨愿意作证"


def run_hotlined(*args, timeout=60):
    return subprocess.run([HOTLINED, *args], capture_output=True, text=True, timeout=timeout)


def personal_report():
    r = sample_report(phone=REPORTER_PHONE, narrative=NARRATIVE, child_name=CHILD_NAME)
    r.reporter.name = REPORTER_NAME
    r.children[0].address = CHILD_ADDRESS
    return r


def file_bytes(path):
    """The database file and its -wal, concatenated (what someone copying the files gets)."""
    data = b""
    for suffix in ("", "-wal"):
        try:
            with open(path + suffix, "rb") as f:
                data += f.read()
        except FileNotFoundError:
            pass
    return data


class OperationsTest(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        self.server = harness.Server(log_level="info", name="ops")
        self.addCleanup(self.server.close)
        self.server.start()
        self.op = self.server.issue_token("operator", "wang.li")
        self.sup = self.server.issue_token("supervisor", "zhao.min")
        self.auditor = self.server.issue_token("auditor", "audit")

    def submit(self, report=None):
        return self.server.intake().SubmitReport(submit_request(report), metadata=metadata(self.op),
                                                 timeout=10)

    def test_backup_while_serving_is_consistent_and_verified(self):
        acked = []
        stop = threading.Event()
        errors = []

        def load():
            while not stop.is_set():
                try:
                    acked.append(self.submit().case_number)
                except Exception as e:  # noqa: BLE001 — reported below
                    errors.append(repr(e))
                    return

        threads = [threading.Thread(target=load) for _ in range(4)]
        for t in threads:
            t.start()
        time.sleep(0.5)
        before = len(acked)
        backup = os.path.join(self.server.dir, "backup.db")
        result = run_hotlined("backup", "--config", self.server.config, "--db", self.server.db,
                              "--to", backup)
        time.sleep(0.3)
        stop.set()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertRegex(result.stdout,
                         r"^backup .*backup\.db: (\d+) cases, (\d+) events verified, chain head "
                         r"[0-9a-f]{64}, \d+ bytes\n$")
        # Every report acknowledged before the backup began is in it, and every case in it is
        # whole (a report with its assignment and its events).
        with sqlite3.connect(f"file:{backup}?mode=ro", uri=True) as db:
            numbers = {row[0] for row in db.execute("SELECT case_number FROM cases")}
            half = db.execute(
                "SELECT count(*) FROM cases c WHERE kind = 'report' AND ("
                " NOT EXISTS (SELECT 1 FROM assignments a WHERE a.case_id = c.id) OR"
                " NOT EXISTS (SELECT 1 FROM events e WHERE e.case_id = c.id))").fetchone()[0]
        self.assertTrue(set(acked[:before]) <= numbers)
        self.assertEqual(half, 0)
        self.assertGreater(len(numbers), 0)
        # A backup never overwrites.
        again = run_hotlined("backup", "--config", self.server.config, "--db", self.server.db,
                             "--to", backup)
        self.assertEqual(again.returncode, 1)
        self.assertIn("exists; a backup never overwrites a file", again.stderr)

    def test_restore_needs_the_server_stopped_and_brings_the_backup_back(self):
        kept = self.submit()
        leaver = self.server.issue_token("operator", "leaver")
        backup = os.path.join(self.server.dir, "backup.db")
        self.assertEqual(run_hotlined("backup", "--config", self.server.config, "--db",
                                      self.server.db, "--to", backup).returncode, 0)
        lost = self.submit()  # after the backup: gone once it is restored
        self.server.revoke_tokens("leaver")  # after the backup too: must stay revoked

        # While the server runs: refused, nothing touched.
        running = run_hotlined("restore", "--config", self.server.config, "--db", self.server.db,
                               "--from", backup, "--force")
        self.assertEqual(running.returncode, 1)
        self.assertIn("is in use by a running hotlined", running.stderr)
        # A second server on the same database is refused the same way.
        second = run_hotlined("--config", self.server.config, "--db", self.server.db,
                              "--listen", "127.0.0.1:0", timeout=20)
        self.assertEqual(second.returncode, 1)
        self.assertIn("is in use by a running hotlined", second.stderr)
        # So is one reaching the database through another name: the lock is on the file.
        link = os.path.join(self.server.dir, "link.db")
        os.symlink(self.server.db, link)
        aliased = run_hotlined("--config", self.server.config, "--db", link,
                               "--listen", "127.0.0.1:0", timeout=20)
        self.assertEqual(aliased.returncode, 1)
        self.assertIn("is in use by a running hotlined", aliased.stderr)
        os.link(self.server.db, os.path.join(self.server.dir, "hard.db"))
        hard = run_hotlined("--config", self.server.config, "--db",
                            os.path.join(self.server.dir, "hard.db"), "--listen", "127.0.0.1:0",
                            timeout=20)
        self.assertEqual(hard.returncode, 1)
        self.assertIn("has 2 hard links", hard.stderr)
        os.unlink(os.path.join(self.server.dir, "hard.db"))

        self.assertEqual(self.server.stop(), 0)
        refused = run_hotlined("restore", "--config", self.server.config, "--db", self.server.db,
                               "--from", backup)
        self.assertEqual(refused.returncode, 1)
        self.assertIn("exists; pass --force to replace it", refused.stderr)
        restored = run_hotlined("restore", "--config", self.server.config, "--db",
                                self.server.db, "--from", backup, "--force")
        self.assertEqual(restored.returncode, 0, restored.stderr)
        self.assertIn("events verified", restored.stdout)
        kept_as = re.search(r"the database it replaced is kept as (\S+) ", restored.stdout)
        self.assertIsNotNone(kept_as, restored.stdout)
        self.assertTrue(os.path.exists(kept_as.group(1)))
        # The report acknowledged after the backup is named, so it can be entered again, and
        # its number is not given to another report.
        self.assertIn(f"warning: case(s) {lost.case_number} are in the replaced database, not in "
                      f"the backup: enter them again from {kept_as.group(1)}", restored.stderr)
        restore_event = re.search(r"recorded as audit event (\d+) \(database.restored\)",
                                  restored.stdout)
        self.assertIsNotNone(restore_event, restored.stdout)
        self.assertIn("kept 1 token revocation(s) made after the backup", restored.stdout)

        self.server.start()
        get = lambda n: self.server.intake().GetCase(  # noqa: E731
            intake_pb2.GetCaseRequest(case_number=n), metadata=metadata(self.sup), timeout=10)
        self.assertEqual(get(kept.case_number).case_number, kept.case_number)
        with self.assertRaises(harness.grpc.RpcError) as caught:
            get(lost.case_number)
        self.assertEqual(caught.exception.code(), harness.grpc.StatusCode.NOT_FOUND)
        after = self.submit()
        self.assertGreater(after.case_number, lost.case_number)
        with self.assertRaises(harness.grpc.RpcError) as revoked:
            self.server.intake().SubmitReport(submit_request(), metadata=metadata(leaver),
                                              timeout=10)
        self.assertEqual(revoked.exception.code(), harness.grpc.StatusCode.UNAUTHENTICATED)
        verify = self.server.intake().VerifyAuditLog(intake_pb2.VerifyAuditLogRequest(),
                                                     metadata=metadata(self.sup), timeout=30)
        self.assertTrue(verify.ok, verify.problem)

    def watch(self, desk, after=""):
        """The events of one desk's stream after `after`, up to its first heartbeat."""
        call = self.server.desk().WatchAssignments(
            desk_pb2.WatchAssignmentsRequest(desk_ids=[desk], after_cursor=after,
                                             heartbeat_seconds=1),
            metadata=metadata(self.sup), timeout=15)
        events = []
        try:
            for m in call:
                if m.HasField("heartbeat"):
                    break
                events.append(m)
        finally:
            call.cancel()
        return events

    def test_a_cursor_from_before_a_restore_is_refused_not_skipped(self):
        kept = self.submit()
        desk = kept.assignments[0].desk_id
        backup = os.path.join(self.server.dir, "backup.db")
        self.assertEqual(run_hotlined("backup", "--config", self.server.config, "--db",
                                      self.server.db, "--to", backup).returncode, 0)
        lost = self.submit()
        seen = self.watch(desk)
        by_case = {m.event.case_summary.case_number: m.cursor for m in seen
                   if m.event.type == "assignment.created"}
        kept_cursor, lost_cursor = by_case[kept.case_number], by_case[lost.case_number]

        self.assertEqual(self.server.stop(), 0)
        restored = run_hotlined("restore", "--config", self.server.config, "--db",
                                self.server.db, "--from", backup, "--force")
        self.assertEqual(restored.returncode, 0, restored.stderr)
        self.server.start()
        # The restore's event and the new reports take the lost report's sequence numbers:
        # resuming after the lost report's cursor by number alone would skip them.
        new = [self.submit() for _ in range(3)]
        with self.assertRaises(grpc.RpcError) as refused:
            self.watch(desk, after=lost_cursor)
        self.assertEqual(refused.exception.code(), grpc.StatusCode.FAILED_PRECONDITION)
        self.assertIn("restored from a backup", refused.exception.details())
        self.assertIn("without a cursor", refused.exception.details())
        # A cursor from before the backup is still this log's: every new report comes after it.
        after_kept = self.watch(desk, after=kept_cursor)
        self.assertEqual([m.event.case_summary.case_number for m in after_kept
                          if m.event.type == "assignment.created"],
                         [c.case_number for c in new])
        # And the CLI says so in one line, exit 1.
        cli = subprocess.run([harness.HOTLINE, "desk", "watch", "--desk", desk, "--after",
                              lost_cursor, "--server", self.server.address],
                             env={**os.environ, "HOTLINE_TOKEN": self.sup}, capture_output=True,
                             text=True, timeout=30)
        self.assertEqual(cli.returncode, 1, cli.stderr)
        self.assertIn("restored from a backup", cli.stderr)

    def test_a_reload_signal_during_start_up_is_held_and_applied(self):
        # `kill -HUP` right after a start (logrotate, `systemctl reload`) killed the server
        # while it opened the database and loaded the table, before its handler existed: 29
        # of 30 such starts in a review. hotlined now holds SIGHUP from its first
        # instructions until the handler is in place, then applies it.
        self.server.stop()
        log_path = os.path.join(self.server.dir, "hup.stderr")
        with open(log_path, "wb") as log:
            proc = subprocess.Popen([HOTLINED, "--config", self.server.config],
                                    stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL,
                                    text=True)

        def log_text():
            with open(log_path, encoding="utf-8", errors="replace") as f:
                return f.read()
        try:
            held = False
            deadline = time.monotonic() + 10
            while not held and proc.poll() is None and time.monotonic() < deadline:
                try:
                    with open(f"/proc/{proc.pid}/status", encoding="ascii") as f:
                        m = re.search(r"^SigBlk:\s*([0-9a-f]+)$", f.read(), re.M)
                except FileNotFoundError:
                    break
                held = m is not None and bool(int(m.group(1), 16) & (1 << (signal.SIGHUP - 1)))
            self.assertTrue(held, "SIGHUP was never held while hotlined started")
            proc.send_signal(signal.SIGHUP)  # before it serves: held, not fatal
            self.assertRegex(proc.stdout.readline().rstrip("\n"), harness.SERVING_RE)
            # Applied once the handler was in place: a reload of the unchanged table.
            deadline = time.monotonic() + 10
            while "is unchanged" not in log_text() and time.monotonic() < deadline:
                time.sleep(0.05)
            self.assertIn("is unchanged (routing table version 1 stays in force)", log_text())
            proc.terminate()
            self.assertEqual(proc.wait(timeout=20), 0, log_text())
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    def test_too_few_file_descriptors_is_a_clear_refusal_and_a_few_a_warning(self):
        # At 20 descriptors gRPC aborted the process; at 24 its failure read "the address is
        # in use". Each connection takes one, and gRPC accepts none again once they ran out.
        self.server.stop()

        def start(n):
            return subprocess.Popen(
                [HOTLINED, "--config", self.server.config], stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
                preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (n, n)))
        for n in (20, 24):
            proc = start(n)
            out, err = proc.communicate(timeout=30)
            self.assertEqual((proc.returncode, out), (1, ""), err)
            self.assertIn(f"hotlined: only {n} file descriptors (RLIMIT_NOFILE): hotlined needs "
                          "at least 64", err)
        proc = start(100)
        try:
            self.assertRegex(proc.stdout.readline().rstrip("\n"), harness.SERVING_RE)
            proc.terminate()
            _, err = proc.communicate(timeout=30)
            self.assertEqual(proc.returncode, 0, err)
            self.assertIn("warning only 100 file descriptors (RLIMIT_NOFILE): each connection takes "
                          "one", err)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    def test_a_mistyped_database_path_creates_nothing(self):
        typo = os.path.join(self.server.dir, "hotlnie.db")
        for args in (["purge", "--days", "30"], ["token", "revoke", "--name", "wang.li"],
                     ["backup", "--to", os.path.join(self.server.dir, "b.db")]):
            result = run_hotlined(*args, "--config", self.server.config, "--db", typo)
            self.assertEqual(result.returncode, 1, args)
            self.assertIn(f"database '{typo}' does not exist", result.stderr)
            self.assertEqual(result.stdout, "")
        self.assertFalse(os.path.exists(typo))
        self.assertFalse(os.path.exists(os.path.join(self.server.dir, "b.db")))
        # token issue may create a database (set-up does), and says so.
        issued = run_hotlined("token", "issue", "--config", self.server.config, "--db", typo,
                              "--role", "operator", "--name", "typo")
        self.assertEqual(issued.returncode, 0, issued.stderr)
        self.assertEqual(issued.stderr, f"hotlined: created a new database at {typo}\n")

    def test_a_corrupt_backup_is_refused(self):
        self.submit()
        backup = os.path.join(self.server.dir, "backup.db")
        self.assertEqual(run_hotlined("backup", "--config", self.server.config, "--db",
                                      self.server.db, "--to", backup).returncode, 0)
        with sqlite3.connect(backup) as db:
            db.execute("DROP TRIGGER events_no_update")
            db.execute("UPDATE events SET actor = 'mallory' WHERE seq = 2")
        self.assertEqual(self.server.stop(), 0)
        target = os.path.join(self.server.dir, "other.db")
        result = run_hotlined("restore", "--config", self.server.config, "--db", target,
                              "--from", backup)
        self.assertEqual(result.returncode, 1)
        self.assertIn("refusing to restore", result.stderr)
        self.assertIn("does not verify at event 2: hash mismatch", result.stderr)
        self.assertFalse(os.path.exists(target))

    def test_purge_erases_personal_data_and_keeps_statistics_and_the_chain(self):
        case = self.submit(personal_report())
        other = self.submit(personal_report())  # closed too recently: kept whole
        self.server.intake().AddNote(intake_pb2.AddNoteRequest(case_number=case.case_number,
                                                                text=NOTE),
                                     metadata=metadata(self.op), timeout=10)
        for c in (case, other):
            self.server.intake().CloseCase(
                intake_pb2.CloseCaseRequest(case_number=c.case_number, outcome="referred",
                                            summary="交由朝阳分局处理", withdraw_open_assignments=True),
                metadata=metadata(self.sup), timeout=10)
        self.assertEqual(self.server.stop(), 0)
        self.assertIn(REPORTER_NAME.encode(), file_bytes(self.server.db))  # the control

        # The case was closed 40 days ago; retention keeps 30.
        forty_days_ms = 40 * 24 * 3600 * 1000
        with sqlite3.connect(self.server.db) as db:
            db.execute("UPDATE cases SET closed_ms = closed_ms - ? WHERE case_number = ?",
                       (forty_days_ms, case.case_number))
        with open(self.server.config, "a", encoding="utf-8") as f:
            f.write("retention_days = 30\n")
        self.server.start()  # retention runs at start
        deadline = time.time() + 10
        while time.time() < deadline and "retention: personal data of 1 case" not in self.server.read_log():
            time.sleep(0.1)
        self.assertIn("retention: personal data of 1 case(s) closed over 30 days ago erased",
                      self.server.read_log())

        purged = self.server.intake().GetCase(intake_pb2.GetCaseRequest(case_number=case.case_number),
                                              metadata=metadata(self.sup), timeout=10)
        self.assertEqual(purged.report.reporter.name, "")
        self.assertEqual(purged.report.reporter.phone, "")
        self.assertEqual(purged.report.narrative, "")
        self.assertEqual(purged.report.children[0].name, "")
        self.assertEqual(purged.report.children[0].address, "")
        self.assertEqual(purged.outcome_summary, "")
        # Statistics stay: categories, urgency, jurisdiction, age, timeline and outcome.
        self.assertEqual(list(purged.report.categories), [case_pb2.DISTRESS_CATEGORY_BEGGING])
        self.assertEqual(purged.report.urgency, case_pb2.URGENCY_URGENT)
        self.assertEqual(purged.report.children[0].jurisdiction_code, "110105")
        self.assertEqual(purged.report.children[0].age.min_years, 9)
        self.assertEqual(purged.outcome, "referred")
        # The reply says the data was erased (empty fields alone would not say why).
        self.assertTrue(purged.HasField("purge_time"))
        self.assertGreaterEqual(purged.purge_time.seconds, purged.close_time.seconds)
        kept = self.server.intake().GetCase(intake_pb2.GetCaseRequest(case_number=other.case_number),
                                            metadata=metadata(self.sup), timeout=10)
        self.assertFalse(kept.HasField("purge_time"))
        shown = subprocess.run([harness.HOTLINE, "case", "show", case.case_number, "--server",
                                self.server.address],
                               env={**os.environ, "HOTLINE_TOKEN": self.sup}, capture_output=True,
                               text=True, timeout=30)
        self.assertEqual(shown.returncode, 0, shown.stderr)
        self.assertRegex(shown.stdout, r"Personal data erased +\d{4}-\d\d-\d\d \d\d:\d\d")
        history = self.server.intake().GetCaseHistory(
            intake_pb2.GetCaseHistoryRequest(case_number=case.case_number),
            metadata=metadata(self.sup), timeout=10)
        types = [e.type for e in history.events]
        self.assertEqual(types[-1], "case.purged", types)
        self.assertIn("note.added", types)
        self.assertEqual([e.private_text for e in history.events if e.private_text], [])
        listed = self.server.intake().ListCases(
            intake_pb2.ListCasesRequest(category=case_pb2.DISTRESS_CATEGORY_BEGGING),
            metadata=metadata(self.auditor), timeout=10)
        self.assertIn(case.case_number, [c.case_number for c in listed.cases])
        verify = self.server.intake().VerifyAuditLog(intake_pb2.VerifyAuditLogRequest(),
                                                     metadata=metadata(self.auditor), timeout=30)
        self.assertTrue(verify.ok, verify.problem)
        # A purged case stays closed: reopened, it would gather new personal data that no
        # purge would ever erase (a purge runs once per case).
        with self.assertRaises(grpc.RpcError) as refused:
            self.server.intake().ReopenCase(
                intake_pb2.ReopenCaseRequest(case_number=case.case_number,
                                             reason="the family called again"),
                metadata=metadata(self.sup), timeout=10)
        self.assertEqual(refused.exception.code(), grpc.StatusCode.FAILED_PRECONDITION)
        self.assertIn("cannot be reopened: record a new report", refused.exception.details())
        # The recently closed case is untouched.
        kept = self.server.intake().GetCase(intake_pb2.GetCaseRequest(case_number=other.case_number),
                                            metadata=metadata(self.sup), timeout=10)
        self.assertEqual(kept.report.reporter.name, REPORTER_NAME)

        # No byte of the purged case's personal data is left in the files: only the kept
        # case holds the name and phone, so purge that one too and search again.
        self.assertEqual(self.server.stop(), 0)
        with sqlite3.connect(self.server.db) as db:
            db.execute("UPDATE cases SET closed_ms = closed_ms - ? WHERE case_number = ?",
                       (forty_days_ms, other.case_number))
        result = run_hotlined("purge", "--config", self.server.config, "--db", self.server.db)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout,
                         "purged the personal data of 1 case(s) closed more than 30 days ago\n")
        data = file_bytes(self.server.db)
        for secret in (REPORTER_NAME, REPORTER_PHONE, CHILD_NAME, CHILD_ADDRESS, NARRATIVE, NOTE,
                       "交由朝阳分局处理"):
            self.assertNotIn(secret.encode(), data, f"{secret} is still in the database files")
        self.assertNotIn(REPORTER_NAME.encode(), self.server.read_log().encode())


if __name__ == "__main__":
    unittest.main()
