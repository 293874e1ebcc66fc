"""Faults (issue 5): a database locked by another process, a full disk, a read-only database
file. Each write gets UNAVAILABLE or RESOURCE_EXHAUSTED with a clear message, reads keep
working, nothing partial is stored, and the server recovers by itself when the fault clears —
no restart.

The full disk is a small tmpfs the test mounts; the read-only file is made immutable with
chattr (root ignores file modes). Both need root, as in CI's container; without it they are
skipped and say so."""

import os
import signal
import sqlite3
import subprocess
import unittest

import grpc

import harness
from harness import intake_pb2, metadata, submit_request


class FaultsTest(unittest.TestCase):
    maxDiff = None

    def start_server(self, parent_dir=None):
        server = harness.Server(parent_dir, log_level="info", name="faults")
        self.addCleanup(server.close)
        with open(server.config, "a", encoding="utf-8") as f:
            f.write("db_busy_timeout_ms = 300\n")
        server.start()
        self.op = server.issue_token("operator", "op-faults")
        self.sup = server.issue_token("supervisor", "sup-faults")
        return server

    def submit(self, server):
        return server.intake().SubmitReport(submit_request(), metadata=metadata(self.op),
                                            timeout=20)

    def refused(self, server, code, *words):
        before = self.counts(server)
        with self.assertRaises(grpc.RpcError) as caught:
            self.submit(server)
        e = caught.exception
        self.assertEqual(e.code(), code, e.details())
        for w in words:
            self.assertIn(w, e.details())
        self.assertEqual(self.counts(server), before, "a refused write stored something")
        return e.details()

    def counts(self, server):
        return server.query("SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM events), "
                            "(SELECT count(*) FROM assignments)")[0]

    def reads_work(self, server, case_number):
        sup = server.intake()
        listed = sup.ListCases(intake_pb2.ListCasesRequest(), metadata=metadata(self.sup),
                               timeout=10)
        self.assertIn(case_number, [c.case_number for c in listed.cases])
        verify = sup.VerifyAuditLog(intake_pb2.VerifyAuditLogRequest(),
                                    metadata=metadata(self.sup), timeout=30)
        self.assertTrue(verify.ok, verify.problem)

    def test_a_locked_database_is_unavailable_then_recovers(self):
        server = self.start_server()
        first = self.submit(server)
        # Another process (an administrator's sqlite3, a backup tool) takes the write lock.
        other = sqlite3.connect(server.db, isolation_level=None, timeout=0)
        other.execute("BEGIN IMMEDIATE")
        try:
            details = self.refused(server, grpc.StatusCode.UNAVAILABLE, "database is locked")
            self.assertNotIn("13700000001", details)
            self.reads_work(server, first.case_number)
        finally:
            other.execute("ROLLBACK")
            other.close()
        second = self.submit(server)  # no restart
        self.assertNotEqual(second.case_number, first.case_number)
        self.reads_work(server, second.case_number)

    def mount_tmpfs(self, size):
        path = harness.make_tempdir("hotline-e2e-tmpfs-")
        self.addCleanup(harness.remove_tempdir, path)
        result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", path],
                                capture_output=True, text=True)
        if result.returncode != 0:
            self.skipTest(f"cannot mount a tmpfs to fill ({result.stderr.strip()}); "
                          "run as root to test disk faults")
        self.addCleanup(subprocess.run, ["umount", "-l", path], capture_output=True)
        return path

    def test_a_full_disk_is_resource_exhausted_then_recovers(self):
        disk = self.mount_tmpfs("8m")
        server = self.start_server(parent_dir=disk)
        first = self.submit(server)
        filler = os.path.join(disk, "filler")
        # Unbuffered: a buffered file would keep the part of its last block that did not
        # fit and raise ENOSPC again from close().
        with open(filler, "wb", buffering=0) as f:
            try:
                while True:
                    f.write(b"\0" * 65536)
            except OSError:
                pass  # the disk is full
        # Enough reports to need a new page of the WAL.
        details = None
        for _ in range(50):
            try:
                self.submit(server)
            except grpc.RpcError as e:
                self.assertEqual(e.code(), grpc.StatusCode.RESOURCE_EXHAUSTED, e.details())
                details = e.details()
                break
        self.assertIsNotNone(details, "50 reports fitted on a full disk")
        self.assertIn("disk full", details)
        self.refused(server, grpc.StatusCode.RESOURCE_EXHAUSTED, "disk full")
        self.reads_work(server, first.case_number)
        os.remove(filler)
        recovered = self.submit(server)  # no restart
        self.reads_work(server, recovered.case_number)
        self.assertEqual(server.stop(), 0)

    def set_immutable(self, paths, on):
        flag = "+i" if on else "-i"
        result = subprocess.run(["chattr", flag, *paths], capture_output=True, text=True)
        if on and result.returncode != 0:
            self.skipTest(f"cannot make the database read-only with chattr ({result.stderr.strip()})")
        if on:
            self.addCleanup(subprocess.run, ["chattr", "-i", *paths], capture_output=True)

    def test_a_read_only_database_file_is_unavailable_then_recovers(self):
        # Root ignores file modes, so "read-only" is the immutable attribute (ext4, as in CI).
        server = self.start_server()
        first = self.submit(server)
        # The database and its WAL; the -shm index is memory-mapped and has its own test below.
        files = [p for p in (server.db, server.db + "-wal") if os.path.exists(p)]
        self.set_immutable(files, True)
        try:
            details = None
            for _ in range(20):
                try:
                    self.submit(server)
                except grpc.RpcError as e:
                    details = e.details()
                    self.assertIn(e.code(), (grpc.StatusCode.UNAVAILABLE,
                                             grpc.StatusCode.RESOURCE_EXHAUSTED), details)
                    break
            self.assertIsNotNone(details, "writes kept succeeding on a read-only database file")
            self.reads_work(server, first.case_number)
        finally:
            self.set_immutable(files, False)
        recovered = self.submit(server)  # no restart
        self.reads_work(server, recovered.case_number)
        self.assertEqual(server.stop(), 0)

    def test_an_unwritable_wal_index_stops_the_server_with_a_clear_message(self):
        # SQLite memory-maps <db>-shm; the kernel answers a write to the mapping of an immutable
        # file with SIGBUS, which no SQLite call can turn into an error. hotlined must then say
        # why it stops, and lose nothing it acknowledged.
        server = self.start_server()
        acknowledged = [self.submit(server).case_number for _ in range(3)]
        shm = server.db + "-shm"
        os.sync()  # written back: the kernel write-protects the pages, the next write faults
        self.set_immutable([shm], True)
        try:
            died = False
            for _ in range(20):
                try:
                    acknowledged.append(self.submit(server).case_number)
                except grpc.RpcError as e:
                    self.assertEqual(e.code(), grpc.StatusCode.UNAVAILABLE, e.details())
                    died = True
                    break
                os.sync()
            if not died:
                self.skipTest("this kernel accepted writes to an immutable memory-mapped file")
            code = server.stop()
        finally:
            self.set_immutable([shm], False)
        self.assertEqual(code, -signal.SIGBUS, server.read_log()[-2000:])
        log = server.read_log()
        self.assertIn("fatal: SIGBUS", log)
        self.assertIn(shm, log)
        self.assertIn("Every acknowledged report was committed", log)
        self.assertNotIn("13700000001", log)  # no personal data on the way out
        server.start()  # recovers from the WAL: every acknowledged report, once
        rows = server.query("SELECT case_number FROM cases")
        stored = [r[0] for r in rows]
        for number in acknowledged:
            self.assertEqual(stored.count(number), 1, number)
        self.reads_work(server, acknowledged[-1])
        self.submit(server)
        self.assertEqual(server.stop(), 0)


if __name__ == "__main__":
    unittest.main()
