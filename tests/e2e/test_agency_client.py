"""tests/clients/agency_client.py (the README's agency integration) against a real `hotlined`.

The client watches police-110105 with an agency token and works every new hand-off:
GetAssignment, Acknowledge, PostUpdate (an investigation finding, the desk being police),
Resolve. It keeps its cursor in a file: a second run resumes after the last event the first
one dealt with, so an assignment is never read or worked twice.
"""

import os
import subprocess
import time
import unittest

import harness
from harness import Server, case_pb2, desk_pb2, intake_pb2, metadata, sample_report, submit_request

CLIENT = os.path.join(harness.SOURCE_DIR, "tests", "clients", "agency_client.py")
DESK = "police-110105"
AGENCY = "chaoyang-police-client"
PHONE = "13655554444"


class AgencyClientTest(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        self.server = Server(name="agency-client")
        self.addCleanup(self.server.close)
        s = self.server
        self.op = s.issue_token("operator", "op-client")
        self.sup = s.issue_token("supervisor", "sup-client")
        self.agency = s.issue_token("agency", AGENCY, desks=[DESK])
        s.start()
        self.cursor_file = os.path.join(s.dir, "police-110105.cursor")
        self.intake = s.intake()
        self.desk = s.desk()

    def client(self, *extra, token=None):
        env = dict(os.environ)
        env["HOTLINE_TOKEN"] = token or self.agency
        env.pop("HOTLINE_SERVER", None)
        return subprocess.Popen(
            ["/usr/bin/python3", CLIENT, "--server", self.server.address, "--desk", DESK,
             "--cursor-file", self.cursor_file, "--stubs", harness.PY_DIR,
             "--heartbeat-seconds", "1", *extra],
            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True)

    def finish(self, proc, timeout=30):
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            self.fail(f"agency_client did not exit within {timeout}s\nstdout:\n{out}\nstderr:\n{err}")
        return proc.returncode, out, err

    def report(self):
        case = self.intake.SubmitReport(
            submit_request(sample_report(categories=("begging",), urgency="urgent",
                                         jurisdiction="110105", phone=PHONE)),
            metadata=metadata(self.op), timeout=10)
        # config/routing.toml, rule "begging": the police desk of 朝阳 (110105), only it.
        self.assertEqual([(a.desk_id, a.status) for a in case.assignments],
                         [(DESK, case_pb2.ASSIGNMENT_STATUS_PENDING)])
        return case

    def agency_reads(self, number):
        accesses = self.intake.ListCaseAccess(
            intake_pb2.ListCaseAccessRequest(case_number=number), metadata=metadata(self.sup),
            timeout=10).accesses
        return [(a.rpc, a.role) for a in accesses if a.actor == AGENCY]

    def assert_worked_once(self, case):
        aid = case.assignments[0].id
        got = self.desk.GetAssignment(desk_pb2.GetAssignmentRequest(assignment_id=aid),
                                      metadata=metadata(self.sup), timeout=10)
        self.assertEqual((got.assignment.status, got.assignment.outcome),
                         (case_pb2.ASSIGNMENT_STATUS_RESOLVED, "child_safe"), case.case_number)
        self.assertEqual([(u.kind, u.actor, u.assignment_id) for u in got.updates],
                         [(desk_pb2.UPDATE_KIND_INVESTIGATION_FINDING, AGENCY, aid)])
        self.assertIn(case.case_number, got.updates[0].text)
        history = self.intake.GetCaseHistory(
            intake_pb2.GetCaseHistoryRequest(case_number=case.case_number),
            metadata=metadata(self.sup), timeout=10).events
        worked = [(e.type, e.actor) for e in history if e.type.startswith("assignment.")
                  and e.type != "assignment.created"]
        self.assertEqual(worked, [("assignment.acknowledged", AGENCY),
                                  ("assignment.updated", AGENCY),
                                  ("assignment.resolved", AGENCY)], case.case_number)
        self.assertEqual(self.intake.GetCase(intake_pb2.GetCaseRequest(
            case_number=case.case_number), metadata=metadata(self.sup), timeout=10).status,
            case_pb2.CASE_STATUS_RESOLVED)
        # Read exactly once by the agency: a resumed run does not go over old ground.
        self.assertEqual(self.agency_reads(case.case_number), [("Desk.GetAssignment", "agency")],
                         case.case_number)

    def status_of(self, case):
        return self.desk.GetAssignment(
            desk_pb2.GetAssignmentRequest(assignment_id=case.assignments[0].id),
            metadata=metadata(self.sup), timeout=10).assignment.status

    def test_works_new_assignments_and_resumes_from_its_cursor(self):
        # Run 1 is watching before the reports arrive (live events).
        proc = self.client("--max-assignments", "2")
        time.sleep(1.0)
        first = [self.report() for _ in range(3)]
        rc, out, err = self.finish(proc)
        self.assertEqual(rc, 0, f"stdout:\n{out}\nstderr:\n{err}")
        self.assertEqual(out.count("resolved child_safe"), 2, out)
        with open(self.cursor_file, encoding="utf-8") as f:
            cursor_after_run_1 = f.read().strip()
        self.assertTrue(cursor_after_run_1, "no cursor saved")
        self.assertEqual([self.status_of(c) for c in first],
                         [case_pb2.ASSIGNMENT_STATUS_RESOLVED, case_pb2.ASSIGNMENT_STATUS_RESOLVED,
                          case_pb2.ASSIGNMENT_STATUS_PENDING])

        # Run 2 starts from the saved cursor: the third report (already in the log) and two
        # new ones, nothing of run 1 again.
        second = [self.report() for _ in range(2)]
        proc = self.client("--max-assignments", "3")
        rc, out, err = self.finish(proc)
        self.assertEqual(rc, 0, f"stdout:\n{out}\nstderr:\n{err}")
        self.assertIn(f"after cursor {cursor_after_run_1}", out)
        self.assertEqual(out.count("resolved child_safe"), 3, out)
        for case in first[:2]:
            self.assertNotIn(case.case_number, out, "run 2 went back to run 1's work")
        for case in first + second:
            self.assert_worked_once(case)
        self.assertNotIn(PHONE, out + err)

    def test_sigterm_stops_it_and_it_resumes_later(self):
        proc = self.client()
        time.sleep(1.0)
        case = self.report()
        deadline = time.monotonic() + 15
        while self.status_of(case) != case_pb2.ASSIGNMENT_STATUS_RESOLVED and \
                time.monotonic() < deadline:
            time.sleep(0.1)
        proc.terminate()
        rc, out, err = self.finish(proc, timeout=10)
        self.assertEqual(rc, 0, f"stdout:\n{out}\nstderr:\n{err}")
        self.assert_worked_once(case)
        later = self.report()
        rc, out, err = self.finish(self.client("--max-assignments", "1"))
        self.assertEqual(rc, 0, f"stdout:\n{out}\nstderr:\n{err}")
        self.assertNotIn(case.case_number, out)
        self.assert_worked_once(later)
        self.assert_worked_once(case)

    def test_a_refused_token_exits_1(self):
        rc, out, err = self.finish(self.client("--max-assignments", "1", token="hl_wrong-token"))
        self.assertEqual(rc, 1, f"stdout:\n{out}\nstderr:\n{err}")
        self.assertIn("refused: UNAUTHENTICATED", out)
        self.assertFalse(os.path.exists(self.cursor_file))


if __name__ == "__main__":
    unittest.main()
