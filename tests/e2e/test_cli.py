"""End-to-end tests of the `hotline` CLI against a real `hotlined`.

The numbered tests run in order on one shared server; tests 03 and 04 start their own
servers (tampering and kill -9 must not disturb the shared one). Test 10 scans the log of
every server this module started for the personal data the other tests sent.
"""

import glob
import os
import re
import sqlite3
import subprocess
import unicodedata
import unittest

import harness
from harness import CASE_NUMBER_RE, CJK_RE, HASH_RE, Server, events_of, cases_of

# Personal data sent by these tests; none of it may ever appear in a server log.
PHONE = "13800000000"
PHONE_2 = "13912345678"
REPORTER_NAME = "Li Reporterwoman"
CHILD_NAME = "Wang Xiaohong"
CHILD_NAME_ZH = "王小红"
NARRATIVE = "E2E-NARRATIVE-7f3a: the girl sings for coins near the Jianguomen bridge every night"
NARRATIVE_2 = "E2E-NARRATIVE-c41d: the boy has not been to school since March and cries a lot"
NOTE_TEXT = "E2E-NOTE-9b1c: visited the family, the grandmother is seriously ill"
GUARDIAN_NAME = "Zhao Grandmother"
GUARDIAN_PHONE = "13511112222"
QUESTION = "E2E-QUESTION-51aa: how do I register a child without hukou"
ANSWER = "E2E-ANSWER-0e77: go to the local police station with the birth certificate"
SECRETS = [PHONE, PHONE_2, REPORTER_NAME, CHILD_NAME, CHILD_NAME_ZH, NARRATIVE, NARRATIVE_2,
           NOTE_TEXT, GUARDIAN_NAME, GUARDIAN_PHONE, QUESTION, ANSWER]

BEGGING_ARGS = ["--category", "begging", "--urgency", "urgent", "--jurisdiction", "110105",
                "--child-age", "9"]

ROOT = None


def setUpModule():
    global ROOT
    ROOT = harness.make_tempdir("hotline-e2e-cli-")


def tearDownModule():
    harness.remove_tempdir(ROOT)


def desk_ids(case):
    return [a.get("deskId") for a in case.get("assignments", [])]


class CliTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.server = Server(ROOT, name="shared")
        cls.addClassCleanup(cls.server.close)
        s = cls.server
        # Tokens are issued before the start: the store is created by the first of them.
        cls.op = s.issue_token("operator", "op-alice")
        cls.op_name = "op-alice"
        cls.op2 = s.issue_token("operator", "op-bob")
        cls.sup = s.issue_token("supervisor", "sup-carol")
        cls.aud = s.issue_token("auditor", "aud-dave")
        cls.adm = s.issue_token("admin", "adm-erin")
        cls.agency = s.issue_token("agency", "police-chaoyang", desks=["police-110105"])
        s.start()

    # --- helpers ------------------------------------------------------------------------

    def run_ok(self, args, token, json_output=False, lang=None, server=None):
        r = (server or self.server).cli(args, token=token, json_output=json_output, lang=lang)
        self.assertEqual(r.rc, 0, r.describe())
        if json_output:
            return r.json()
        return r

    def run_fails(self, args, token, code, rc=1, server=None):
        r = (server or self.server).cli(args, token=token)
        self.assertEqual(r.rc, rc, r.describe())
        err = r.error()
        self.assertIsNotNone(err, "stderr is not one line 'hotline: CODE: message':\n" + r.describe())
        self.assertEqual(err[0], code, r.describe())
        return err[1]

    def report(self, args, token=None, server=None, narrative=NARRATIVE, phone=PHONE):
        full = ["report"] + list(args) + ["--narrative", narrative, "--reporter-phone", phone]
        case = self.run_ok(full, token or self.op, json_output=True, server=server)
        self.assertRegex(case.get("caseNumber", ""), CASE_NUMBER_RE.pattern, case)
        return case

    def history(self, number, token=None, server=None):
        return events_of(self.run_ok(["case", "history", number], token or self.op,
                                     json_output=True, server=server))

    # --- 1 ------------------------------------------------------------------------------

    def test_01_report_routes_begging_to_police(self):
        case = self.report(BEGGING_ARGS + ["--child-name", CHILD_NAME])
        self.assertRegex(case["caseNumber"], r"^HL-\d{4}-\d{6}$")
        self.assertEqual(case.get("status"), "CASE_STATUS_ROUTED", case)
        self.assertEqual(case.get("kind"), "CASE_KIND_REPORT", case)
        self.assertEqual(desk_ids(case), ["police-110105"], case)
        self.assertEqual(case["assignments"][0].get("deskType"), "police", case)
        self.assertEqual(case["assignments"][0].get("status"), "ASSIGNMENT_STATUS_PENDING", case)
        self.assertEqual(case.get("createdBy"), self.op_name, case)
        self.assertTrue(case.get("routing", {}).get("steps"), f"no routing trace: {case}")
        # What the case says it is, it is in the database too.
        rows = self.server.query("SELECT COUNT(*) FROM cases WHERE case_number = ?",
                                 (case["caseNumber"],))
        self.assertEqual(rows[0][0], 1)

    # --- 2 ------------------------------------------------------------------------------

    def test_02_case_history_is_a_hash_chain(self):
        number = self.report(BEGGING_ARGS)["caseNumber"]
        events = self.history(number)
        self.assertEqual([e.get("type") for e in events],
                         ["report.received", "case.routed", "assignment.created"], events)
        seqs = [int(e["seq"]) for e in events]
        self.assertEqual(seqs, list(range(seqs[0], seqs[0] + 3)), "one transaction, no gaps")
        for e in events:
            self.assertRegex(e.get("hash", ""), HASH_RE.pattern, e)
            self.assertRegex(e.get("prevHash", ""), HASH_RE.pattern, e)
            self.assertEqual(e.get("caseNumber"), number, e)
        for prev, cur in zip(events, events[1:]):
            self.assertEqual(cur["prevHash"], prev["hash"], f"chain broken between {prev} and {cur}")
        # The first event links to the event stored just before it (a token or another case).
        rows = self.server.query("SELECT hash FROM events WHERE seq = ?", (seqs[0] - 1,))
        self.assertEqual(len(rows), 1)
        stored = rows[0][0]
        if isinstance(stored, bytes):
            stored = stored.hex() if len(stored) == 32 else stored.decode()
        self.assertEqual(events[0]["prevHash"], stored)

        readable = self.run_ok(["case", "history", number], self.op).stdout
        positions = [readable.find(t) for t in ("report.received", "case.routed",
                                                 "assignment.created")]
        self.assertTrue(all(p >= 0 for p in positions), readable)
        self.assertEqual(positions, sorted(positions), readable)

    # --- 3 ------------------------------------------------------------------------------

    def audited_server(self, name):
        """A server of its own, started, with an operator's and an auditor's token."""
        server = Server(ROOT, name=name)
        self.addCleanup(server.close)
        op = server.issue_token("operator", f"op-{name}")
        aud = server.issue_token("auditor", f"aud-{name}")
        server.start()
        return server, op, aud

    def test_03_audit_verify_detects_tampering(self):
        server, op, aud = self.audited_server("tamper")
        number = self.report(BEGGING_ARGS, token=op, server=server)["caseNumber"]
        self.report(["--category", "neglect", "--urgency", "routine", "--jurisdiction",
                     "110105001001"], token=op, server=server)

        ok = self.run_ok(["audit", "verify"], aud, server=server)
        m = re.search(r"audit log OK: (\d+) events, head ([0-9a-f]{64})", ok.stdout)
        self.assertIsNotNone(m, ok.describe())
        self.assertEqual(int(m.group(1)), server.count_events())

        # Tamper with the first case's report.received event while the server is down.
        server.stop()
        con = sqlite3.connect(server.db)
        try:
            triggers = [r[0] for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'events'")]
            self.assertTrue(triggers, "the events table has no triggers refusing UPDATE/DELETE")
            # The triggers do refuse an update.
            with self.assertRaises(sqlite3.DatabaseError):
                con.execute("UPDATE events SET actor = 'mallory' WHERE seq = 1")
            con.rollback()
            for name in triggers:
                con.execute(f'DROP TRIGGER "{name}"')
            seq, payload = con.execute(
                "SELECT e.seq, e.payload FROM events e JOIN cases c ON c.id = e.case_id "
                "WHERE c.case_number = ? AND e.type = 'report.received'", (number,)).fetchone()
            if isinstance(payload, bytes):
                tampered = payload.replace(b"urgent", b"routine") if b"urgent" in payload \
                    else payload + b" "
            else:
                tampered = payload.replace("urgent", "routine") if "urgent" in payload \
                    else payload + " "
            self.assertNotEqual(tampered, payload)
            con.execute("UPDATE events SET payload = ? WHERE seq = ?", (tampered, seq))
            con.commit()
        finally:
            con.close()

        server.start()
        r = server.cli(["audit", "verify"], token=aud)
        self.assertNotEqual(r.rc, 0, r.describe())
        self.assertEqual(r.rc, 3, "documented exit code of a broken chain\n" + r.describe())
        self.assertRegex(r.stderr, rf"audit log BROKEN at event {seq}: hash mismatch\b",
                         r.describe())
        # In Chinese, the problem is worded too, not only the frame around it.
        zh = server.cli(["audit", "verify"], token=aud, lang="zh")
        self.assertEqual(zh.rc, 3, zh.describe())
        self.assertIn(f"审计日志在事件 {seq} 处损坏：哈希不符", zh.stderr, zh.describe())
        self.assertNotIn("mismatch", zh.stderr, zh.describe())
        # The RPC says the same.
        answer = server.intake().VerifyAuditLog(harness.intake_pb2.VerifyAuditLogRequest(),
                                                metadata=harness.metadata(aud), timeout=10)
        self.assertFalse(answer.ok)
        self.assertEqual(answer.first_bad_seq, seq)
        self.assertEqual(answer.problem, "hash mismatch")
        self.assertEqual(answer.problem_kind, harness.intake_pb2.AUDIT_PROBLEM_HASH_MISMATCH)

    def test_03b_an_auditors_anchor_file_shows_events_cut_from_the_end(self):
        server, op, aud = self.audited_server("anchors")
        number = self.report(BEGGING_ARGS, token=op, server=server)["caseNumber"]
        anchors = os.path.join(server.dir, "anchors.txt")

        first = self.run_ok(["audit", "verify", "--anchor-file", anchors], aud, server=server)
        head = server.count_events()
        self.assertRegex(first.stdout, rf"head {head}:[0-9a-f]{{16}} added to {re.escape(anchors)}")
        with open(anchors, encoding="utf-8") as f:
            self.assertRegex(f.read(), rf"^{head}:[0-9a-f]{{64}} verified \S+Z\n$")
        # The server's log says the same head, for auditors who read logs kept elsewhere.
        self.run_ok(["case", "note", number, "called back; the child is with the school"], op,
                    server=server)
        second = self.run_ok(["audit", "verify", "--anchor-file", anchors], aud, server=server)
        self.assertIn("anchors: 1 found in the log", second.stdout)
        # An anchor file that cannot be written: the result and the anchor to keep are still
        # shown, then why the file was not written (exit 1).
        unwritable = os.path.join(server.dir, "no-such-dir", "anchors.txt")
        failed = server.cli(["audit", "verify", "--anchor-file", unwritable], token=aud)
        self.assertEqual(failed.rc, 1, failed.describe())
        self.assertIn("audit log OK", failed.stdout)
        self.assertRegex(failed.stdout, r"anchor to keep: \d+:[0-9a-f]{64}")
        self.assertIn(f"hotline: cannot write {unwritable}: No such file or directory",
                      failed.stderr)
        noted = server.count_events()
        self.assertGreater(noted, head)

        # Someone with the database removes the last event (the note) while the server is
        # down. The chain alone is still whole; the auditor's anchor is not in it any more.
        server.stop()
        self.assertIn(f"audit chain head seq={noted} hash=", server.read_log())
        con = sqlite3.connect(server.db)
        try:
            for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                       "AND tbl_name = 'events'").fetchall():
                con.execute(f'DROP TRIGGER "{name}"')
            con.execute("DELETE FROM events WHERE seq = ?", (noted,))
            con.commit()
        finally:
            con.close()
        server.start()
        self.run_ok(["audit", "verify"], aud, server=server)
        cut = server.cli(["audit", "verify", "--anchor-file", anchors], token=aud)
        self.assertEqual(cut.rc, 3, cut.describe())
        self.assertIn(f"audit log BROKEN at event {noted}: anchored event {noted} is missing: the "
                      f"log ends at event {noted - 1}; events were removed from its end",
                      cut.stderr)
        zh = server.cli(["audit", "verify", "--anchor-file", anchors], token=aud, lang="zh")
        self.assertEqual(zh.rc, 3, zh.describe())
        self.assertIn(f"锚定的事件 {noted} 不在日志中", zh.stderr)
        with open(anchors, encoding="utf-8") as f:
            self.assertEqual(len(f.read().splitlines()), 2, "a failed verification added a line")
        bad = server.cli(["audit", "verify", "--anchor", "12:nothex"], token=aud)
        self.assertEqual(bad.rc, 2, bad.describe())
        self.assertIn("--anchor: '12:nothex' is not SEQ:HASH", bad.stderr)

    # --- 4 ------------------------------------------------------------------------------

    def test_04_kill9_right_after_submit_keeps_the_case(self):
        server = Server(ROOT, name="kill9")
        self.addCleanup(server.close)
        op = server.issue_token("operator", "op-kill9")
        aud = server.issue_token("auditor", "aud-kill9")
        server.start()
        number = self.report(BEGGING_ARGS, token=op, server=server)["caseNumber"]
        server.kill9()

        server.start()
        case = self.run_ok(["case", "show", number], op, json_output=True, server=server)
        self.assertEqual(case.get("caseNumber"), number)
        self.assertEqual(desk_ids(case), ["police-110105"], case)
        self.assertEqual(case.get("status"), "CASE_STATUS_ROUTED", case)
        self.assertEqual([e.get("type") for e in self.history(number, op, server)],
                         ["report.received", "case.routed", "assignment.created"])
        verify = self.run_ok(["audit", "verify"], aud, server=server)
        self.assertIn("audit log OK", verify.stdout)

    # --- 5 ------------------------------------------------------------------------------

    def test_05_request_id_makes_submission_idempotent(self):
        rid = harness.new_request_id("e2e-idem")
        first = self.report(BEGGING_ARGS + ["--request-id", rid])
        self.assertEqual(first.get("requestId"), rid, first)
        count = self.server.count_events()
        again = self.report(BEGGING_ARGS + ["--request-id", rid])
        self.assertEqual(again["caseNumber"], first["caseNumber"])
        self.assertEqual(self.server.count_events(), count, "a replay must write nothing")
        rows = self.server.query("SELECT COUNT(*) FROM cases WHERE request_id = ?", (rid,))
        self.assertEqual(rows[0][0], 1)

        message = self.run_fails(["report"] + BEGGING_ARGS + [
            "--request-id", rid, "--narrative", NARRATIVE_2, "--reporter-phone", PHONE],
            self.op, "ALREADY_EXISTS")
        self.assertTrue(rid in message or "request_id" in message,
                        f"the message names neither the id nor the field: {message}")
        self.assertEqual(self.server.count_events(), count)

        # Another operator sending the same request id and body gets neither the case nor its
        # number (a replay answered the caller with the first operator's full case).
        message = self.run_fails(["report"] + BEGGING_ARGS + [
            "--request-id", rid, "--narrative", NARRATIVE, "--reporter-phone", PHONE],
            self.op2, "ALREADY_EXISTS")
        self.assertIn("another caller", message)
        self.assertNotIn(first["caseNumber"], message)
        self.assertEqual(self.server.count_events(), count)

        # A case number typed in lower case (last: reading a case is itself an event).
        typed = self.run_ok(["case", "show", first["caseNumber"].lower()], self.op,
                            json_output=True)
        self.assertEqual(typed["caseNumber"], first["caseNumber"])

    def test_05b_categories_in_another_order_are_the_same_request(self):
        # Categories and services are sets: a client rebuilding the request may list them in
        # another order, and its retry must find the case, not be refused as another request.
        rid = harness.new_request_id("e2e-idem-order")
        args = ["--urgency", "urgent", "--jurisdiction", "110105", "--child-age", "9",
                "--request-id", rid]
        first = self.report(args + ["--category", "begging", "--category", "neglect"])
        count = self.server.count_events()
        again = self.report(args + ["--category", "neglect", "--category", "begging"])
        self.assertEqual(again["caseNumber"], first["caseNumber"])
        self.assertEqual(self.server.count_events(), count, "a replay must write nothing")
        # The case keeps the order it was first given in.
        self.assertEqual(again["report"]["categories"], first["report"]["categories"])

    # --- 6 ------------------------------------------------------------------------------

    def test_06_one_report_reaches_several_desks_and_falls_back_to_center(self):
        # config/routing.toml: "dropout" targets school and community; "psychological-crisis"
        # (any child) targets community and medical, and there is no medical desk, so the
        # centre desk takes it. In community 110105001001 that is school-110105,
        # community-110105001001 and center.
        case = self.report(["--category", "dropout", "--category", "psychological_crisis",
                            "--urgency", "urgent", "--jurisdiction", "110105001001",
                            "--child-age", "14", "--attends-school", "yes",
                            "--child-school", "Chaoyang Middle School No. 3"],
                           narrative=NARRATIVE_2, phone=PHONE_2)
        by_desk = {a["deskId"]: a for a in case["assignments"]}
        self.assertEqual(set(by_desk), {"school-110105", "community-110105001001", "center"}, case)
        self.assertEqual(len(case["assignments"]), 3, "each desk is notified once")
        self.assertEqual({a.get("deskType") for a in case["assignments"]},
                         {"school", "community", "center"})
        self.assertEqual(by_desk["school-110105"].get("ruleId"), "dropout")
        self.assertEqual(by_desk["center"].get("ruleId"), "psychological-crisis")
        self.assertIn("fell back", by_desk["center"].get("resolution", ""), by_desk["center"])
        self.assertEqual(len([e for e in self.history(case["caseNumber"])
                              if e["type"] == "assignment.created"]), 3)

        # Illness targets type medical only: no medical desk from 110105 up, so centre.
        fallback = self.report(["--category", "illness", "--urgency", "routine",
                                "--jurisdiction", "110105", "--child-age", "6"])
        self.assertEqual(desk_ids(fallback), ["center"], fallback)
        a = fallback["assignments"][0]
        self.assertEqual(a.get("deskType"), "center")
        self.assertEqual(a.get("ruleId"), "illness")
        self.assertIn("fell back", a.get("resolution", ""), a)
        self.assertIn("medical", a.get("resolution", ""), a)

    # --- 7 ------------------------------------------------------------------------------

    def test_07_inquiry_list_show_note_close(self):
        inquiry = self.run_ok(["inquiry", "--topic", "household registration", "--question",
                               QUESTION, "--answer", ANSWER], self.op, json_output=True)
        self.assertRegex(inquiry.get("caseNumber", ""), CASE_NUMBER_RE.pattern)
        self.assertEqual(inquiry.get("kind"), "CASE_KIND_INQUIRY", inquiry)
        self.assertEqual(inquiry.get("status"), "CASE_STATUS_CLOSED", inquiry)
        self.assertEqual(inquiry.get("assignments", []), [])
        number = self.report(BEGGING_ARGS)["caseNumber"]

        # Listing: operators see their own cases, supervisors all.
        mine = cases_of(self.run_ok(["case", "list", "--limit", "500"], self.op, json_output=True))
        listed = [c["caseNumber"] for c in mine]
        self.assertIn(number, listed)
        self.assertIn(inquiry["caseNumber"], listed)
        self.assertEqual({c.get("createdBy") for c in mine}, {self.op_name})
        self.assertLess(listed.index(number), listed.index(inquiry["caseNumber"]), "newest first")
        theirs = cases_of(self.run_ok(["case", "list", "--limit", "500"], self.op2,
                                      json_output=True))
        self.assertEqual(theirs, [], "a second operator sees none of the first one's cases")
        every = [c["caseNumber"] for c in cases_of(self.run_ok(
            ["case", "list", "--limit", "500"], self.sup, json_output=True))]
        self.assertIn(number, every)
        self.assertIn(inquiry["caseNumber"], every)
        self.assertGreaterEqual(len(every), len(listed))
        inquiries = cases_of(self.run_ok(["case", "list", "--kind", "inquiry"], self.sup,
                                         json_output=True))
        self.assertEqual({c.get("kind") for c in inquiries}, {"CASE_KIND_INQUIRY"})
        readable_list = self.run_ok(["case", "list"], self.op).stdout
        self.assertIn(number, readable_list)

        # Show, readable.
        shown = self.run_ok(["case", "show", number], self.op).stdout
        self.assertIn(number, shown)
        self.assertIn("police-110105", shown)

        # Note, then history.
        self.run_ok(["case", "note", number, NOTE_TEXT], self.op)
        notes = [e for e in self.history(number) if e["type"] == "note.added"]
        self.assertEqual(len(notes), 1)
        self.assertEqual(notes[0].get("privateText"), NOTE_TEXT)
        self.assertEqual(notes[0].get("actor"), self.op_name)

        # Close: not by an operator; not with pending assignments unless withdrawn.
        count = self.server.count_events()
        self.run_fails(["case", "close", number, "--outcome", "referred"], self.op,
                       "PERMISSION_DENIED")
        message = self.run_fails(["case", "close", number, "--outcome", "referred"], self.sup,
                                 "FAILED_PRECONDITION")
        self.assertIn("police-110105", message, "the message lists the open assignments")
        self.assertEqual(self.server.count_events(), count)
        closed = self.run_ok(["case", "close", number, "--outcome", "referred", "--summary",
                              "handed to the police", "--withdraw-open"], self.sup,
                             json_output=True)
        self.assertEqual(closed.get("status"), "CASE_STATUS_CLOSED", closed)
        self.assertEqual(closed.get("outcome"), "referred", closed)
        self.assertEqual([a.get("status") for a in closed["assignments"]],
                         ["ASSIGNMENT_STATUS_WITHDRAWN"], closed)
        self.assertIn("closeTime", closed)
        types = [e["type"] for e in self.history(number)]
        self.assertIn("assignment.withdrawn", types)
        self.assertEqual(types[-1], "case.closed", types)
        self.assertLess(types.index("assignment.withdrawn"), types.index("case.closed"))
        # Closing twice is refused; a note after closing is kept.
        self.run_fails(["case", "close", number, "--outcome", "referred"], self.sup,
                       "FAILED_PRECONDITION")
        self.run_ok(["case", "note", number, "follow-up call made"], self.sup)

    # --- 8 ------------------------------------------------------------------------------

    def test_08_rules_explain_routes_without_storing(self):
        count = self.server.count_events()
        cases = self.server.query("SELECT COUNT(*) FROM cases")[0][0]
        readable = self.run_ok(["rules", "explain"] + BEGGING_ARGS, self.op)
        self.assertIn("police-110105", readable.stdout)
        self.assertIn("begging", readable.stdout)  # the rule in the trace
        explained = self.run_ok(["rules", "explain"] + BEGGING_ARGS, self.op, json_output=True)
        self.assertEqual(desk_ids(explained), ["police-110105"], explained)
        steps = explained.get("routing", {}).get("steps", [])
        self.assertIn("begging", [s.get("ruleId") for s in steps if s.get("matched")], steps)
        # Admins may explain too.
        self.run_ok(["rules", "explain"] + BEGGING_ARGS, self.adm)
        self.assertEqual(self.server.count_events(), count)
        self.assertEqual(self.server.query("SELECT COUNT(*) FROM cases")[0][0], cases)

    # --- 9 ------------------------------------------------------------------------------

    def test_09_chinese_labels_and_json_for_every_command(self):
        number = self.report(BEGGING_ARGS)["caseNumber"]
        for args in (["case", "show", number], ["case", "history", number],
                     ["rules", "explain"] + BEGGING_ARGS, ["case", "list", "--limit", "5"]):
            en = self.run_ok(args, self.op, lang="en").stdout
            zh = self.run_ok(args, self.op, lang="zh").stdout
            labels = set(CJK_RE.findall(zh)) - set(CJK_RE.findall(en))
            self.assertTrue(labels, f"no Chinese labels in `--lang zh {' '.join(args)}`:\n{zh}")
        zh_report = self.run_ok(["report"] + BEGGING_ARGS + [
            "--narrative", NARRATIVE, "--reporter-phone", PHONE], self.op, lang="zh").stdout
        self.assertRegex(zh_report, CJK_RE.pattern)
        zh_verify = self.run_ok(["audit", "verify"], self.aud, lang="zh")
        self.assertRegex(zh_verify.stdout + zh_verify.stderr, CJK_RE.pattern)

        # --json parses for every command, in either language.
        outputs = {
            "report": self.run_ok(["report"] + BEGGING_ARGS + ["--narrative", NARRATIVE,
                                                                "--reporter-phone", PHONE],
                                  self.op, json_output=True),
            "inquiry": self.run_ok(["inquiry", "--topic", "schooling", "--question", QUESTION,
                                    "--answer", ANSWER], self.op, json_output=True),
            "case list": self.run_ok(["case", "list"], self.op, json_output=True),
            "case show": self.run_ok(["case", "show", number], self.op, json_output=True),
            "case show zh": self.run_ok(["case", "show", number], self.op, json_output=True,
                                        lang="zh"),
            "case note": self.run_ok(["case", "note", number, "checked again"], self.op,
                                     json_output=True),
            "case history": self.run_ok(["case", "history", number], self.op, json_output=True),
            "case close": self.run_ok(["case", "close", number, "--outcome", "duplicate",
                                       "--withdraw-open"], self.sup, json_output=True),
            "audit verify": self.run_ok(["audit", "verify"], self.aud, json_output=True),
            "rules explain": self.run_ok(["rules", "explain"] + BEGGING_ARGS, self.op,
                                         json_output=True),
        }
        self.assertEqual(outputs["case show zh"], outputs["case show"])
        self.assertEqual(outputs["case note"].get("type"), "note.added")
        self.assertIs(outputs["audit verify"].get("ok"), True, outputs["audit verify"])
        self.assertEqual(outputs["case close"].get("status"), "CASE_STATUS_CLOSED")
        self.assertIn(number, [c["caseNumber"] for c in cases_of(outputs["case list"])])

    # --- 10 -----------------------------------------------------------------------------

    def test_10_auditor_sees_no_reporter_and_logs_hold_no_personal_data(self):
        case = self.report(BEGGING_ARGS + [
            "--child-name", CHILD_NAME_ZH, "--reporter-name", REPORTER_NAME,
            "--guardian", f"name={GUARDIAN_NAME};relation=grandmother;phone={GUARDIAN_PHONE}"])
        number = case["caseNumber"]
        self.assertEqual(case["report"]["reporter"].get("phone"), PHONE, "operators see it")
        self.run_ok(["case", "note", number, NOTE_TEXT], self.op)

        shown = self.run_ok(["case", "show", number], self.aud, json_output=True)
        self.assertEqual(shown.get("caseNumber"), number)
        reporter = shown.get("report", {}).get("reporter", {})
        self.assertNotIn("phone", reporter, shown)
        self.assertNotIn("name", reporter, shown)
        readable = self.run_ok(["case", "show", number], self.aud).stdout
        for secret in (PHONE, REPORTER_NAME):
            self.assertNotIn(secret, readable)
        history = self.run_ok(["case", "history", number], self.aud, json_output=True)
        self.assertNotIn(NOTE_TEXT, str(history), "auditors do not see note texts")
        self.assertIn("note.added", [e["type"] for e in events_of(history)])
        self.assertNotIn(NOTE_TEXT, self.run_ok(["case", "history", number], self.aud).stdout)
        listed = self.run_ok(["case", "list"], self.aud, json_output=True)
        self.assertNotIn(PHONE, str(listed))

        # Every server this module started, every line it logged.
        logs = glob.glob(os.path.join(ROOT, "*", "hotlined.stderr"))
        self.assertGreaterEqual(len(logs), 1)
        # Bearer tokens are secrets too.
        secrets = SECRETS + [self.op, self.op2, self.sup, self.aud, self.adm, self.agency]
        for path in logs:
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read()
            self.assertTrue(text.strip(), f"{path} is empty: does the server log at all?")
            for number_line, line in enumerate(text.splitlines(), 1):
                for secret in secrets:
                    self.assertNotIn(secret, line,
                                     f"{os.path.basename(os.path.dirname(path))} log line "
                                     f"{number_line} holds personal data: {line!r}")
        for line in self.server.stdout_lines:
            for secret in secrets:
                self.assertNotIn(secret, line)


class UsageTest(unittest.TestCase):
    """Command lines the CLI refuses itself: one line, exit 2, nothing sent."""

    def test_unknown_command_and_text_that_is_not_utf8(self):
        server = Server(ROOT, name="usage")
        self.addCleanup(server.close)
        nowhere = "127.0.0.1:9"  # nothing is sent, so no server is needed
        r = server.cli(["frobnicate", "--json"], server=nowhere)
        self.assertEqual(r.rc, 2, r.describe())
        self.assertRegex(r.stderr, r'^hotline: usage: unknown command "frobnicate"; the commands '
                                   r'are: report, inquiry, case, .*\n$')
        for args, flag in ((["report", "--narrative", os.fsdecode(b"caf\xe9")], "--narrative"),
                           (["case", "note", "HL-2026-000001", "--text=" + os.fsdecode(b"\xff")],
                            "--text")):
            r = server.cli(args, server=nowhere)
            self.assertEqual(r.rc, 2, r.describe())
            self.assertEqual(r.stderr, f"hotline: usage: {flag}: is not valid UTF-8\n")
        r = server.cli(["--tls-ca", "/nonexistent/ca.pem", "case", "list"], server=nowhere)
        self.assertEqual((r.rc, r.stderr), (2, "hotline: usage: --tls-ca: cannot read a PEM "
                                               "certificate from /nonexistent/ca.pem\n"))

    def test_chinese_help_columns_line_up(self):
        server = Server(ROOT, name="help")
        self.addCleanup(server.close)
        r = server.cli(["--lang", "zh", "desks", "put", "--help"], server="127.0.0.1:9")
        self.assertEqual(r.rc, 0, r.describe())

        def width(text):
            return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)

        # The description starts at the same display column on every option line, whether
        # the option column holds "必填" (REQUIRED) or not.
        columns = set()
        for line in r.stdout.splitlines():
            m = re.match(r"^(  \S.*?\s{2,})(\S.*)$", line)
            if m:
                columns.add(width(m.group(1)))
        self.assertEqual(len(columns), 1, r.stdout)
        self.assertIn("必填", r.stdout)

    def test_hotlined_usage_errors_exit_2(self):
        p = subprocess.run([harness.HOTLINED, "token", "issue", "--role", "operator"],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("--name is required", p.stderr)


class UnreachableServerTest(unittest.TestCase):
    """A report the server may not have stored says how to send it again safely."""

    def test_report_to_a_stopped_server_exits_4_and_its_request_id_resends_it(self):
        server = Server(ROOT, name="unreachable")
        self.addCleanup(server.close)
        op = server.issue_token("operator", "op-unreachable")
        server.start()
        server.stop()
        args = BEGGING_ARGS + ["--narrative", NARRATIVE, "--reporter-phone", PHONE]
        down = server.cli(["--timeout", "3", "report"] + args, token=op)
        self.assertEqual(down.rc, 4, down.describe())
        code, message = down.error()
        self.assertEqual(code, "UNAVAILABLE", down.describe())
        m = re.search(r"not known to be stored: .* --request-id (\S+)$", message)
        self.assertIsNotNone(m, down.describe())
        rid = m.group(1)
        self.assertEqual(server.query("SELECT COUNT(*) FROM cases")[0][0], 0)

        server.start()
        first = server.cli(["report"] + args + ["--request-id", rid], token=op, json_output=True)
        self.assertEqual(first.rc, 0, first.describe())
        again = server.cli(["report"] + args + ["--request-id", rid], token=op, json_output=True)
        self.assertEqual(again.json()["caseNumber"], first.json()["caseNumber"])
        self.assertEqual(server.query("SELECT COUNT(*) FROM cases")[0][0], 1)


if __name__ == "__main__":
    unittest.main()
