"""Routing administration against a real `hotlined` (proto/hotline/v1/admin.proto).

Every table below is config/routing.toml with edits; expected lines and numbers are computed
from the edit and from what the test submitted, so the tests follow the table as it changes.

ValidateAndRefuseTest: an unknown key, an unknown desk, a shadowed rule and a failing [[expect]]
  are each reported by ValidateRoutingTable at their line, and ApplyRoutingTable refuses each
  (INVALID_ARGUMENT, "routing table:LINE: message") without changing anything.
ApplyDiffRollbackTest: apply makes a new version; cases keep the version that routed them;
  the diff shows the change; rollback restores the old text as a new version; a stale
  expected_version is ABORTED.
ReplayTest: a draft moving begging from the police to the community worker, replayed over 100
  stored reports, reports exactly the changed decisions.
EscalationTest: an unacknowledged hand-off escalates at its deadline along the rule's
  `escalate` chain and then to the centre, whose own hand-off becomes overdue; an acknowledged
  one does not escalate; a deadline that passed while the server was stopped escalates right
  after start.
DeskEditTest: PutDesk adds and replaces desks; DisableDesk is refused while the desk has open
  assignments and no replacement, or while a rule or expectation names it; with a replacement
  the open assignments move.
SighupTest: SIGHUP applies an edited routing.toml as a new version and refuses a broken one,
  leaving the version in force.
RemovedDeskTest: no open hand-off is left on a desk the table in force leaves out: applying or
  rolling back to a table without a desk that holds open hand-offs is refused, and reports
  routed on the old table while DisableDesk runs are routed again on the new one.
"""

import difflib
import hashlib
import json
import os
import re
import signal
import threading
import time
import unittest

import grpc

import harness
from harness import (ROUTING_TABLE, Server, admin_pb2, case_pb2, desk_pb2, intake_pb2, metadata,
                     sample_report, submit_request)

T = 10  # seconds per unary call

PENDING = case_pb2.ASSIGNMENT_STATUS_PENDING
ACKNOWLEDGED = case_pb2.ASSIGNMENT_STATUS_ACKNOWLEDGED
TRANSFERRED = case_pb2.ASSIGNMENT_STATUS_TRANSFERRED
ESCALATED = case_pb2.ASSIGNMENT_STATUS_ESCALATED
ERROR = admin_pb2.Diagnostic.SEVERITY_ERROR

BEGGING_A = "110105001001"   # 建外街道永安里东社区: police-110105, community-110105001001
BEGGING_B = "110101002001"   # 景山街道隆福寺社区: police-110101, community-110101002001
POVERTY = "110105002001"     # 朝外街道吉庆里社区: community-110105002001


# --- the table as text --------------------------------------------------------------------

def read_table():
    with open(ROUTING_TABLE, encoding="utf-8") as f:
        return f.read().splitlines(keepends=True)


def line_index(lines, pattern, start=0):
    """0-based index of the first line at or after `start` that matches `pattern`."""
    rx = re.compile(pattern)
    for i in range(start, len(lines)):
        if rx.search(lines[i]):
            return i
    raise AssertionError(f"the routing table has no line matching {pattern!r} after line {start}")


def header_before(lines, i, header):
    """0-based index of the last `header` line ("[[rule]]", ...) at or before line i."""
    return max(j for j in range(i + 1) if lines[j].startswith(header))


def rule_line(lines, rule_id):
    return line_index(lines, rf'^id = "{re.escape(rule_id)}"\s*$')


def replace_in_block(lines, block_start, pattern, new_line):
    """Replaces the first line matching `pattern` after `block_start`, before the next
    [[...]] header."""
    i = line_index(lines, pattern, block_start + 1)
    nxt = next((j for j in range(block_start + 1, len(lines)) if lines[j].startswith("[[")),
               len(lines))
    if i >= nxt:
        raise AssertionError(f"{pattern!r} is not in the block at line {block_start + 1}")
    lines[i] = new_line
    return i


def begging_expectation(lines):
    """(index of its [[expect]] line, its name) for the expectation about begging."""
    i = line_index(lines, r'^categories = \["begging"\]', line_index(lines, r"^\[\[expect\]\]"))
    head = header_before(lines, i, "[[expect]]")
    name_i = line_index(lines, r"^name = ", head)
    return head, json.loads(lines[name_i].split("=", 1)[1].strip())


def table_label(lines):
    i = line_index(lines, r"^version = ")
    return i, json.loads(lines[i].split("=", 1)[1].strip())


def replay_draft():
    """Begging goes to the community worker instead of the police; the begging expectation
    follows (a community code, its community desk)."""
    lines = read_table()
    replace_in_block(lines, rule_line(lines, "begging"), r"^targets = ",
                     'targets = [ { type = "community" } ]\n')
    head, _ = begging_expectation(lines)
    replace_in_block(lines, head, r"^jurisdiction = ", f'jurisdiction = "{BEGGING_A}"\n')
    replace_in_block(lines, head, r"^desks = ", f'desks = ["community-{BEGGING_A}"]\n')
    return "".join(lines)


def escalation_table(police_deadline="2s"):
    """Begging: the police within `police_deadline`, then the community worker within 2s, then
    the centre; the centre desk acknowledges within 2s."""
    lines = read_table()
    replace_in_block(lines, line_index(lines, r'^id = "center"\s*$'), r"^ack_deadline = ",
                     'ack_deadline = "2s"\n')
    i = replace_in_block(lines, rule_line(lines, "begging"), r"^targets = ",
                         f'targets = [ {{ type = "police", deadline = "{police_deadline}" }} ]\n')
    lines.insert(i + 1, 'escalate = [ { type = "community", deadline = "2s" } ]\n')
    return "".join(lines)


def apply_unified_diff(testcase, old_text, diff):
    """Applies a unified diff to old_text, checking every context and removed line and every
    hunk header count, and that each hunk has 3 lines of context where the text allows."""
    old = old_text.splitlines(keepends=True)
    dl = diff.splitlines(keepends=True)
    testcase.assertGreaterEqual(len(dl), 3, diff)
    testcase.assertTrue(dl[0].startswith("--- ") and dl[1].startswith("+++ "), diff[:500])
    out, pos, i = [], 0, 2
    hunk_rx = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
    while i < len(dl):
        m = hunk_rx.match(dl[i])
        testcase.assertIsNotNone(m, f"line {i + 1} of the diff is not a hunk header: {dl[i]!r}")
        a_start, a_count = int(m.group(1)), int(m.group(2) if m.group(2) is not None else 1)
        b_count = int(m.group(4) if m.group(4) is not None else 1)
        start = a_start - 1 if a_count > 0 else a_start
        testcase.assertGreaterEqual(start, pos, f"hunk {dl[i]!r} overlaps the previous one")
        out.extend(old[pos:start])
        pos = start
        i += 1
        body = []
        while i < len(dl) and not dl[i].startswith("@@ "):
            body.append(dl[i])
            i += 1
        seen_a = seen_b = 0
        for line in body:
            tag, text = line[0], line[1:]
            if tag in " -":
                testcase.assertLess(pos, len(old), f"hunk runs past the old text: {line!r}")
                testcase.assertEqual(text, old[pos], "diff context/removal does not match v1")
                pos += 1
                seen_a += 1
            if tag in " +":
                out.append(text)
                seen_b += 1
            testcase.assertIn(tag, " -+", f"bad diff line {line!r}")
        testcase.assertEqual((seen_a, seen_b), (a_count, b_count), f"hunk header {m.group(0)}")
        lead = next(k for k, line in enumerate(body) if line[0] != " ")
        trail = next(k for k, line in enumerate(reversed(body)) if line[0] != " ")
        testcase.assertEqual(lead, min(3, start), f"leading context of {m.group(0)}")
        testcase.assertEqual(trail, min(3, len(old) - pos), f"trailing context of {m.group(0)}")
    out.extend(old[pos:])
    return "".join(out)


# --- calls ----------------------------------------------------------------------------------

def ms(timestamp):
    return timestamp.seconds * 1000 + timestamp.nanos // 1000000


class RoutingAdminCase(unittest.TestCase):
    maxDiff = None

    def start_server(self, name, table_text=None):
        self.dir = harness.make_tempdir(f"hotline-e2e-{name}-")
        self.addCleanup(harness.remove_tempdir, self.dir)
        self.table_path = os.path.join(self.dir, "routing.toml")
        with open(self.table_path, "w", encoding="utf-8") as f:
            f.write(table_text if table_text is not None else "".join(read_table()))
        server = Server(self.dir, routing_table=self.table_path, name=name, log_level="info")
        self.addCleanup(server.close)
        self.admin_token = server.issue_token("admin", "admin.zhao")
        self.sup_token = server.issue_token("supervisor", "sup.qian")
        server.start()
        self.server = server
        return server

    # Admin
    def admin_call(self, rpc, request, token=None):
        return getattr(self.server.admin(), rpc)(
            request, metadata=metadata(token or self.admin_token), timeout=T)

    def admin_fails(self, rpc, request, code, token=None):
        with self.assertRaises(grpc.RpcError) as cm:
            self.admin_call(rpc, request, token)
        self.assertEqual(cm.exception.code(), code,
                         f"{rpc}: {cm.exception.code()} {cm.exception.details()}")
        return cm.exception.details()

    def versions(self):
        return self.admin_call("ListRoutingTableVersions",
                               admin_pb2.ListRoutingTableVersionsRequest()).versions

    def current(self):
        return self.admin_call("GetRoutingTable", admin_pb2.GetRoutingTableRequest(version=0))

    def validate(self, text):
        return self.admin_call("ValidateRoutingTable",
                               admin_pb2.ValidateRoutingTableRequest(text=text))

    def apply(self, text, expected_version, comment="e2e change"):
        return self.admin_call("ApplyRoutingTable", admin_pb2.ApplyRoutingTableRequest(
            text=text, comment=comment, expected_version=expected_version))

    def diff(self, from_version, to_version=0):
        return self.admin_call("DiffRoutingTables", admin_pb2.DiffRoutingTablesRequest(
            from_version=from_version, to_version=to_version))

    def desks(self):
        return self.admin_call("ListDesks", admin_pb2.ListDesksRequest())

    def applied_events(self):
        return [json.loads(p) for (p,) in self.server.query(
            "SELECT payload FROM events WHERE type = 'routing_table.applied' ORDER BY seq")]

    # Intake / Desk (as the supervisor)
    def submit(self, categories=("begging",), jurisdiction=BEGGING_A, urgency="urgent"):
        return self.server.intake().SubmitReport(
            submit_request(sample_report(categories=categories, jurisdiction=jurisdiction,
                                         urgency=urgency)),
            metadata=metadata(self.sup_token), timeout=T)

    def get_case(self, number):
        return self.server.intake().GetCase(intake_pb2.GetCaseRequest(case_number=number),
                                            metadata=metadata(self.sup_token), timeout=T)

    def history(self, number):
        return self.server.intake().GetCaseHistory(
            intake_pb2.GetCaseHistoryRequest(case_number=number),
            metadata=metadata(self.sup_token), timeout=T).events

    def routed_payload(self, number):
        routed = [e for e in self.history(number) if e.type == "case.routed"]
        self.assertEqual(len(routed), 1, f"case.routed events of {number}")
        payload = json.loads(routed[0].payload_json)
        # Canonical JSON: the literal text, not only the parsed value.
        self.assertIn(f'"routing_table_version":{payload.get("routing_table_version")}',
                      routed[0].payload_json)
        return payload

    def acknowledge(self, assignment_id):
        return self.server.desk().Acknowledge(
            desk_pb2.AcknowledgeRequest(assignment_id=assignment_id),
            metadata=metadata(self.sup_token), timeout=T)

    def overdue_cases(self):
        return {c.case_number for c in self.server.intake().ListCases(
            intake_pb2.ListCasesRequest(overdue=True, page_size=500),
            metadata=metadata(self.sup_token), timeout=T).cases}

    def wait_case(self, number, predicate, what, timeout=10.0):
        """Polls GetCase until predicate(case) holds; fails naming `what`."""
        deadline = time.monotonic() + timeout
        while True:
            c = self.get_case(number)
            if predicate(c):
                return c
            if time.monotonic() > deadline:
                self.fail(f"{what}: not within {timeout}s; assignments of {number}:\n"
                          + "\n".join(describe(a) for a in c.assignments))
            time.sleep(0.1)


def describe(a):
    return (f"  #{a.id} {a.desk_id} {case_pb2.AssignmentStatus.Name(a.status)} rule={a.rule_id} "
            f"replaces={a.replaces_assignment_id} deadline={ms(a.ack_deadline)} "
            f"overdue={ms(a.overdue_time) if a.HasField('overdue_time') else '-'} "
            f"resolution={a.resolution!r}")


def desks_of(case):
    return sorted(a.desk_id for a in case.assignments)


# --- 1. validation errors, each refused by apply -------------------------------------------

class ValidateAndRefuseTest(RoutingAdminCase):

    def setUp(self):
        self.start_server("validate")

    def broken_tables(self):
        """(what, text, 1-based line, message fragment) for each kind of error."""
        out = []

        lines = read_table()
        i = line_index(lines, r'^id = "police-110105"\s*$')
        lines.insert(i + 1, 'colour = "blue"\n')
        out.append(("unknown key", "".join(lines), i + 2, "unknown key 'colour'"))

        lines = read_table()
        i = line_index(lines, r'\{\s*desk\s*=\s*"center"\s*\}', line_index(lines, r"^\[\[rule\]\]"))
        lines[i] = lines[i].replace('"center"', '"no-such-desk"', 1)
        out.append(("unknown desk", "".join(lines), i + 1, "names unknown desk 'no-such-desk'"))

        lines = read_table()
        b = rule_line(lines, "begging")
        begging_head = header_before(lines, b, "[[rule]]")
        replace_in_block(lines, begging_head, r"^continue = ", "continue = false\n")
        nxt = line_index(lines, r"^\[\[rule\]\]", b)
        lines[nxt:nxt] = ['[[rule]]\n', 'id = "begging-toddlers"\n', 'cites = "art. 11"\n',
                          'continue = true\n',
                          'when = { categories = ["begging"], age = [0, 5] }\n',
                          'targets = [ { type = "community" } ]\n', '\n']
        out.append(("shadowed rule", "".join(lines), nxt + 1,
                    f"rule 'begging-toddlers' is shadowed by rule 'begging' "
                    f"(line {begging_head + 1})"))

        lines = read_table()
        head, name = begging_expectation(lines)
        replace_in_block(lines, head, r"^desks = ", 'desks = ["police-110101"]\n')
        out.append(("failing expectation", "".join(lines), head + 1,
                    f"expectation '{name}' failed: expected desks [police-110101], "
                    f"routed to [police-110105]"))
        return out

    def test_each_error_is_reported_at_its_line_and_apply_refuses_it(self):
        # The control: the unedited table validates.
        good = "".join(read_table())
        v = self.validate(good)
        self.assertTrue(v.ok, [(d.line, d.message) for d in v.diagnostics])
        self.assertEqual([d for d in v.diagnostics if d.severity == ERROR], [])
        self.assertEqual((v.desks, v.rules, v.expectations),
                         (good.count("\n[[desk]]\n"), good.count("\n[[rule]]\n"),
                          good.count("\n[[expect]]\n")))
        self.assertEqual(v.label, table_label(read_table())[1])

        versions_before = [(x.version, x.sha256, x.current) for x in self.versions()]
        self.assertEqual([(x[0], x[2]) for x in versions_before], [(1, True)])
        current_before = self.current()
        events_before = self.server.count_events()

        for what, text, line, fragment in self.broken_tables():
            with self.subTest(what):
                v = self.validate(text)
                self.assertFalse(v.ok, what)
                errors = [(d.line, d.message) for d in v.diagnostics if d.severity == ERROR]
                self.assertEqual(len(errors), 1, f"{what}: error diagnostics {errors}")
                self.assertEqual(errors[0][0], line, f"{what}: {errors[0]}")
                self.assertIn(fragment, errors[0][1], what)
                self.assertEqual([d.line for d in v.diagnostics],
                                 sorted(d.line for d in v.diagnostics), "diagnostics in line order")

                details = self.admin_fails(
                    "ApplyRoutingTable",
                    admin_pb2.ApplyRoutingTableRequest(text=text, comment=f"try {what}",
                                                       expected_version=1),
                    grpc.StatusCode.INVALID_ARGUMENT)
                self.assertIn(f"routing table:{line}: {errors[0][1]}", details, what)

                self.assertEqual([(x.version, x.sha256, x.current) for x in self.versions()],
                                 versions_before, f"{what}: versions changed")
                now = self.current()
                self.assertEqual((now.version, now.text), (current_before.version,
                                                           current_before.text))
                self.assertEqual(self.server.count_events(), events_before,
                                 f"{what}: events were written")


# --- 2. apply, versions kept by cases, diff, rollback, stale expected_version -------------

class ApplyDiffRollbackTest(RoutingAdminCase):

    def setUp(self):
        self.start_server("apply")

    def test_apply_keeps_past_decisions_diff_rollback_and_stale_version(self):
        v1_text = "".join(read_table())
        v1 = self.current()
        self.assertEqual((v1.version, v1.author, v1.current, v1.restored_from),
                         (1, "system", True, 0))
        self.assertEqual(v1.text, v1_text)
        self.assertEqual(v1.sha256, hashlib.sha256(v1_text.encode()).hexdigest())

        before = self.submit(jurisdiction=BEGGING_A)
        self.assertEqual(before.routing_table_version, 1)
        self.assertEqual(desks_of(before), ["police-110105"])

        # v2: begging also reaches the community worker; the begging expectation follows.
        lines = read_table()
        li, old_label = table_label(lines)
        new_label = old_label + "-e2e"
        lines[li] = f'version = "{new_label}"\n'
        replace_in_block(lines, rule_line(lines, "begging"), r"^targets = ",
                         'targets = [ { type = "police" }, { type = "community" } ]\n')
        head, _ = begging_expectation(lines)
        replace_in_block(lines, head, r"^jurisdiction = ", f'jurisdiction = "{BEGGING_A}"\n')
        replace_in_block(lines, head, r"^desks = ",
                         f'desks = ["police-110105", "community-{BEGGING_A}"]\n')
        v2_text = "".join(lines)

        v2 = self.apply(v2_text, 1, comment="begging: the community worker too")
        self.assertEqual((v2.version, v2.label, v2.author, v2.comment, v2.restored_from,
                          v2.current),
                         (2, new_label, "admin.zhao", "begging: the community worker too", 0,
                          True))
        self.assertEqual(v2.text, v2_text)
        self.assertEqual(v2.sha256, hashlib.sha256(v2_text.encode()).hexdigest())
        self.assertEqual(self.current().version, 2)
        self.assertEqual([(x.version, x.current, x.text) for x in self.versions()],
                         [(2, True, ""), (1, False, "")])

        # The case routed before keeps its version and its decision.
        again = self.get_case(before.case_number)
        self.assertEqual(again.routing_table_version, 1)
        self.assertEqual(desks_of(again), ["police-110105"])
        self.assertEqual(self.routed_payload(before.case_number)["routing_table_version"], 1)

        after = self.submit(jurisdiction=BEGGING_A)
        self.assertEqual(after.routing_table_version, 2)
        self.assertEqual(desks_of(after), [f"community-{BEGGING_A}", "police-110105"])
        self.assertEqual(self.get_case(after.case_number).routing_table_version, 2)
        self.assertEqual(self.routed_payload(after.case_number)["routing_table_version"], 2)

        # The diff.
        d = self.diff(1, 0)
        self.assertEqual((d.from_version, d.to_version), (1, 2))
        self.assertEqual(list(d.summary), [f"label: {old_label} -> {new_label}",
                                           "rule changed: begging",
                                           "expectation changed: begging child in 朝阳: police"])
        self.assertEqual(apply_unified_diff(self, v1_text, d.unified_diff), v2_text)
        self.assertIn('\n+targets = [ { type = "police" }, { type = "community" } ]\n',
                      d.unified_diff)
        self.assertIn('\n-targets = [ { type = "police" } ]\n', d.unified_diff)

        # Rollback to v1: a new version with v1's text.
        events = self.server.count_events()
        v3 = self.admin_call("RollbackRoutingTable", admin_pb2.RollbackRoutingTableRequest(
            version=1, comment="undo begging change", expected_version=2))
        self.assertEqual((v3.version, v3.restored_from, v3.label, v3.current, v3.author,
                          v3.comment),
                         (3, 1, old_label, True, "admin.zhao", "undo begging change"))
        self.assertEqual(v3.text, v1_text)
        self.assertEqual(v3.sha256, v1.sha256)
        self.assertEqual(self.server.count_events(), events + 1)
        self.assertEqual([(x.version, x.restored_from, x.current) for x in self.versions()],
                         [(3, 1, True), (2, 0, False), (1, 0, False)])
        d13 = self.diff(1, 3)
        self.assertEqual((d13.unified_diff, list(d13.summary)), ("", []))
        self.assertEqual(list(self.diff(2, 3).summary),
                         [f"label: {new_label} -> {old_label}", "rule changed: begging",
                          "expectation changed: begging child in 朝阳: police"])

        rolled = self.submit(jurisdiction=BEGGING_A)
        self.assertEqual(rolled.routing_table_version, 3)
        self.assertEqual(desks_of(rolled), ["police-110105"])
        self.assertEqual(self.get_case(after.case_number).routing_table_version, 2)

        applied = self.applied_events()
        self.assertEqual([(p["version"], p.get("restored_from", 0), p["sha256"])
                          for p in applied],
                         [(1, 0, v1.sha256), (2, 0, v2.sha256), (3, 1, v1.sha256)])

        # Stale expected_version: ABORTED, nothing changes.
        events = self.server.count_events()
        listing = [(x.version, x.current) for x in self.versions()]
        self.admin_fails("ApplyRoutingTable", admin_pb2.ApplyRoutingTableRequest(
            text=v2_text, comment="based on v2", expected_version=2), grpc.StatusCode.ABORTED)
        self.admin_fails("RollbackRoutingTable", admin_pb2.RollbackRoutingTableRequest(
            version=2, comment="based on v1", expected_version=1), grpc.StatusCode.ABORTED)
        self.assertEqual([(x.version, x.current) for x in self.versions()], listing)
        self.assertEqual(self.server.count_events(), events)
        self.assertEqual(self.current().version, 3)


# --- 3. replay -------------------------------------------------------------------------------

class ReplayTest(RoutingAdminCase):

    def setUp(self):
        self.start_server("replay")

    def test_replay_reports_exactly_the_changed_decisions(self):
        draft = replay_draft()
        v = self.validate(draft)
        self.assertTrue(v.ok, [(d.line, d.message) for d in v.diagnostics
                               if d.severity == ERROR])

        # 100 reports: 30 begging in each of two communities (police at intake), 40 poverty
        # (the community worker, before and after), interleaved.
        plan = []
        for k in range(100):
            if k % 5 in (0, 2):
                plan.append(("poverty", POVERTY, [f"community-{POVERTY}"],
                             [f"community-{POVERTY}"]))
            elif k % 2:
                plan.append(("begging", BEGGING_A, ["police-110105"], [f"community-{BEGGING_A}"]))
            else:
                plan.append(("begging", BEGGING_B, ["police-110101"], [f"community-{BEGGING_B}"]))
        cases = []  # (case number, create ms, before desks, after desks)
        for category, code, before, after in plan:
            c = self.submit(categories=(category,), jurisdiction=code)
            self.assertEqual(desks_of(c), before, f"{category} at {code}")
            cases.append((c.case_number, ms(c.create_time), before, after))
        changed = {n: (b, a) for n, _, b, a in cases if b != a}
        self.assertEqual(len(changed), 60)

        gains = {}
        for b, a in changed.values():
            for d in a:
                gains[d] = gains.get(d, 0) + 1
            for d in b:
                gains[d] = gains.get(d, 0) - 1
        expected_desk_changes = sorted(f"{d}: {n:+d}" for d, n in gains.items() if n)
        self.assertEqual(expected_desk_changes,
                         [f"community-{BEGGING_B}: +30", f"community-{BEGGING_A}: +30",
                          "police-110101: -30", "police-110105: -30"])

        versions = [(x.version, x.current) for x in self.versions()]
        events = self.server.count_events()
        r = self.admin_call("ReplayRouting", admin_pb2.ReplayRoutingRequest(
            draft_text=draft, max_examples=100))
        self.assertEqual(self.server.count_events(), events, "ReplayRouting wrote events")
        self.assertEqual([(x.version, x.current) for x in self.versions()], versions)

        self.assertEqual((r.reports, r.changed), (100, 60))
        self.assertEqual(sorted(r.desk_changes), expected_desk_changes)
        self.assertEqual(len(r.examples), 60)
        got = {e.case_number: (list(e.before_desks), list(e.after_desks)) for e in r.examples}
        self.assertEqual(got, changed)

        # Default max_examples is 10.
        r10 = self.admin_call("ReplayRouting", admin_pb2.ReplayRoutingRequest(draft_text=draft))
        self.assertEqual((r10.reports, r10.changed, len(r10.examples)), (100, 60, 10))
        for e in r10.examples:
            self.assertEqual((list(e.before_desks), list(e.after_desks)), changed[e.case_number])

        # `since`: only the reports created at or after it.
        since_ms = cases[50][1]
        later = [c for c in cases if c[1] >= since_ms]
        request = admin_pb2.ReplayRoutingRequest(draft_text=draft, max_examples=100)
        request.since.FromMilliseconds(since_ms)
        rs = self.admin_call("ReplayRouting", request)
        self.assertEqual((rs.reports, rs.changed),
                         (len(later), sum(1 for c in later if c[2] != c[3])))
        self.assertEqual({e.case_number for e in rs.examples},
                         {c[0] for c in later if c[2] != c[3]})

        # The draft with the current table is no change at all.
        same = self.admin_call("ReplayRouting", admin_pb2.ReplayRoutingRequest(
            draft_text="".join(read_table())))
        self.assertEqual((same.reports, same.changed, len(same.examples), list(same.desk_changes)),
                         (100, 0, 0, []))

    def test_preview_shows_a_changed_deadline(self):
        # A draft that keeps every desk but gives the police 5 minutes instead of 30: the
        # desks are the same, and the previews must still show the change.
        lines = read_table()
        replace_in_block(lines, line_index(lines, r'^id = "police-110105"\s*$'),
                         r"^ack_deadline = ", 'ack_deadline = "5m"\n')
        draft = "".join(lines)
        police = [self.submit(jurisdiction=BEGGING_A) for _ in range(3)]
        other = self.submit(jurisdiction=BEGGING_B)  # police-110101 keeps its deadline
        for c in police:
            self.assertEqual(desks_of(c), ["police-110105"])
            a = c.assignments[0]
            self.assertEqual(ms(a.ack_deadline) - ms(a.create_time), 30 * 60 * 1000)

        r = self.admin_call("ReplayRouting", admin_pb2.ReplayRoutingRequest(
            draft_text=draft, max_examples=100))
        self.assertEqual((r.reports, r.changed, r.deadline_changed), (4, 0, 3))
        self.assertEqual(list(r.desk_changes), ["police-110105: deadline 30m -> 5m on 3 reports"])
        self.assertEqual(sorted(e.case_number for e in r.examples),
                         sorted(c.case_number for c in police))
        self.assertNotIn(other.case_number, [e.case_number for e in r.examples])
        for e in r.examples:
            self.assertEqual(list(e.before_desks), list(e.after_desks))
            self.assertEqual([(d.desk_id, d.ack_deadline_seconds) for d in e.before],
                             [("police-110105", 1800)])
            self.assertEqual([(d.desk_id, d.ack_deadline_seconds) for d in e.after],
                             [("police-110105", 300)])

        # ExplainRoute: the deadline a desk would have, in force and with the draft.
        report = sample_report(categories=("begging",), jurisdiction=BEGGING_A)
        for text, seconds in (("", 1800), (draft, 300)):
            x = self.admin_call("ExplainRoute", admin_pb2.ExplainRouteRequest(
                report=report, draft_text=text))
            self.assertEqual([a.desk_id for a in x.assignments], ["police-110105"])
            a = x.assignments[0]
            self.assertEqual(ms(a.ack_deadline) - ms(a.create_time), seconds * 1000)


# --- 4. escalation ---------------------------------------------------------------------------

class EscalationTest(RoutingAdminCase):

    def test_unacknowledged_escalates_along_the_chain_acknowledged_does_not(self):
        self.start_server("escalate", escalation_table("2s"))
        escalating = self.submit(jurisdiction=BEGGING_A)
        acked = self.submit(jurisdiction=BEGGING_B)
        centre_only = self.submit(categories=("other",), jurisdiction="110105", urgency="routine")
        self.assertEqual(desks_of(escalating), ["police-110105"])
        self.assertEqual(desks_of(acked), ["police-110101"])
        self.assertEqual(desks_of(centre_only), ["center"])
        a1 = escalating.assignments[0]
        self.assertEqual(ms(a1.ack_deadline) - ms(a1.create_time), 2000)
        change = self.acknowledge(acked.assignments[0].id)
        self.assertEqual(change.assignment.status, ACKNOWLEDGED)
        self.assertEqual(self.overdue_cases(), set(), "nothing is overdue yet")

        # Step 1: the police did not acknowledge: the community worker (the rule's chain).
        c = self.wait_case(escalating.case_number, lambda c: len(c.assignments) >= 2,
                           "escalation from police-110105")
        self.assertEqual(len(c.assignments), 2, "\n".join(describe(a) for a in c.assignments))
        old, new = c.assignments
        self.assertEqual((old.id, old.status), (a1.id, ESCALATED))
        self.assertGreaterEqual(ms(old.update_time), ms(old.ack_deadline), "escalated early")
        self.assertLessEqual(ms(old.update_time) - ms(old.ack_deadline), 1000, "escalated late")
        self.assertEqual((new.desk_id, new.status, new.replaces_assignment_id, new.rule_id),
                         (f"community-{BEGGING_A}", PENDING, old.id, "begging"))
        self.assertTrue(new.resolution.startswith(
            "escalated from police-110105 (not acknowledged by its deadline)"), new.resolution)
        self.assertEqual(ms(new.ack_deadline) - ms(new.create_time), 2000)

        # Step 2: the chain is used up: the centre desk.
        c = self.wait_case(escalating.case_number, lambda c: len(c.assignments) >= 3,
                           f"escalation from community-{BEGGING_A}")
        self.assertEqual(len(c.assignments), 3, "\n".join(describe(a) for a in c.assignments))
        second, centre = c.assignments[1], c.assignments[2]
        self.assertEqual(second.status, ESCALATED)
        self.assertGreaterEqual(ms(second.update_time), ms(second.ack_deadline))
        self.assertLessEqual(ms(second.update_time) - ms(second.ack_deadline), 1000)
        self.assertEqual((centre.desk_id, centre.status, centre.replaces_assignment_id),
                         ("center", PENDING, second.id))
        self.assertTrue(centre.resolution.startswith(
            f"escalated from community-{BEGGING_A} (not acknowledged by its deadline)"),
            centre.resolution)
        self.assertEqual(ms(centre.ack_deadline) - ms(centre.create_time), 2000)

        # Step 3: the centre's own hand-off stays pending and is marked overdue.
        c = self.wait_case(escalating.case_number,
                           lambda c: c.assignments[-1].HasField("overdue_time"),
                           "the centre's hand-off marked overdue")
        self.assertEqual(len(c.assignments), 3, "\n".join(describe(a) for a in c.assignments))
        centre = c.assignments[2]
        self.assertEqual(centre.status, PENDING)
        self.assertGreaterEqual(ms(centre.overdue_time), ms(centre.ack_deadline))
        self.assertLessEqual(ms(centre.overdue_time) - ms(centre.ack_deadline), 1000)

        c = self.wait_case(centre_only.case_number,
                           lambda c: c.assignments[0].HasField("overdue_time"),
                           "the centre-only case marked overdue")
        self.assertEqual(len(c.assignments), 1, "\n".join(describe(a) for a in c.assignments))
        self.assertEqual(c.assignments[0].status, PENDING)

        # The acknowledged one never escalated (its deadline passed seconds ago).
        a = self.get_case(acked.case_number)
        self.assertGreater(time.time() * 1000, ms(a.assignments[0].ack_deadline) + 2000)
        self.assertEqual([(x.desk_id, x.status) for x in a.assignments],
                         [("police-110101", ACKNOWLEDGED)])
        self.assertFalse(a.assignments[0].HasField("overdue_time"))
        self.assertNotIn("assignment.escalated", [e.type for e in self.history(acked.case_number)])

        self.assertEqual(
            [e.type for e in self.history(escalating.case_number)].count("assignment.escalated"),
            2)
        self.assertEqual(self.overdue_cases(), {escalating.case_number, centre_only.case_number})

    def test_deadline_passed_while_stopped_escalates_right_after_start(self):
        self.start_server("escalate-restart", escalation_table("4s"))
        case = self.submit(jurisdiction=BEGGING_A)
        a1 = case.assignments[0]
        self.assertEqual(ms(a1.ack_deadline) - ms(a1.create_time), 4000)
        self.assertEqual(self.server.stop(), 0)
        rows = self.server.query("SELECT status, ack_deadline_ms FROM assignments WHERE id = ?",
                                 (a1.id,))
        self.assertEqual(rows, [("pending", ms(a1.ack_deadline))],
                         "the hand-off must still be pending when the server stops")
        self.assertLess(time.time() * 1000, ms(a1.ack_deadline),
                        "the server took too long to stop: the deadline passed while running")
        time.sleep(max(0.0, ms(a1.ack_deadline) / 1000 - time.time()) + 1.0)

        started_ms = int(time.time() * 1000)
        self.server.start()
        c = self.wait_case(case.case_number, lambda c: len(c.assignments) >= 2,
                           "escalation after start", timeout=2.0)
        self.assertEqual(len(c.assignments), 2, "\n".join(describe(a) for a in c.assignments))
        old, new = c.assignments
        self.assertEqual(old.status, ESCALATED)
        self.assertGreaterEqual(ms(old.update_time), started_ms, "escalated before the restart")
        self.assertLessEqual(ms(old.update_time) - started_ms, 2000)
        self.assertEqual((new.desk_id, new.status, new.replaces_assignment_id),
                         (f"community-{BEGGING_A}", PENDING, old.id))
        self.assertTrue(new.resolution.startswith(
            "escalated from police-110105 (not acknowledged by its deadline)"), new.resolution)
        # The new hand-off's deadline counts from its creation, after the restart.
        self.assertEqual(ms(new.ack_deadline) - ms(new.create_time), 2000)
        self.assertGreaterEqual(ms(new.create_time), started_ms)


# --- 5. desks and SIGHUP ---------------------------------------------------------------------

class DeskEditTest(RoutingAdminCase):

    def setUp(self):
        self.start_server("desks")

    def put_desk(self, desk, expected_version, comment="desk edit"):
        return self.admin_call("PutDesk", admin_pb2.PutDeskRequest(
            desk=desk, comment=comment, expected_version=expected_version))

    def disable(self, desk_id, expected_version, replacement="", comment="desk removed"):
        return admin_pb2.DisableDeskRequest(desk_id=desk_id, replacement_desk_id=replacement,
                                            comment=comment, expected_version=expected_version)

    def desk_map(self):
        return {d.id: d for d in self.desks().desks}

    def test_put_desk_and_disable_desk(self):
        v1 = self.current()

        # PutDesk: a new desk.
        youth = admin_pb2.DeskInfo(id="youth-110105", name="朝阳团区委青少年维权岗",
                                   type="youth_league", jurisdiction_code="110105",
                                   ack_deadline_seconds=600)
        v2 = self.put_desk(youth, 1, comment="add the youth league desk")
        self.assertEqual((v2.version, v2.current, v2.author, v2.comment, v2.label),
                         (2, True, "admin.zhao", "add the youth league desk", v1.label))
        block = ('[[desk]]\nid = "youth-110105"\nname = "朝阳团区委青少年维权岗"\n'
                 'type = "youth_league"\njurisdiction = "110105"\nack_deadline = "10m"\n')
        self.assertEqual(v2.text.count(block), 1, v2.text)
        # Only lines added: the block and blank separators.
        old_lines, new_lines = v1.text.splitlines(True), v2.text.splitlines(True)
        ops = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes()
        self.assertEqual([op for op in ops if op[0] not in ("equal", "insert")], [])
        added = [line for op in ops if op[0] == "insert" for line in new_lines[op[3]:op[4]]]
        self.assertEqual("".join(line for line in added if line.strip()), block)
        self.assertEqual(list(self.diff(1, 2).summary), ["desk added: youth-110105"])
        d = self.desk_map()["youth-110105"]
        self.assertEqual((d.name, d.type, d.jurisdiction_code, d.ack_deadline_seconds,
                          d.open_assignments),
                         (youth.name, "youth_league", "110105", 600, 0))
        self.assertIn("desk 'youth-110105' is never targeted",
                      " | ".join(w.message for w in v2.warnings))

        # PutDesk: replacing a desk (new name; 0 = the table's default deadline, 4h).
        school = admin_pb2.DeskInfo(id="school-110105", name="朝阳区教委学校社工站",
                                    type="school", jurisdiction_code="110105")
        v3 = self.put_desk(school, 2, comment="rename the school desk")
        self.assertEqual(v3.version, 3)
        self.assertEqual(v3.text.count('id = "school-110105"'), 1)
        self.assertEqual(list(self.diff(2, 3).summary),
                         ["desk changed: school-110105 (name, ack_deadline)"])
        d = self.desk_map()["school-110105"]
        self.assertEqual((d.name, d.ack_deadline_seconds), (school.name, 4 * 3600))

        # Stale expected_version.
        self.admin_fails("PutDesk", admin_pb2.PutDeskRequest(
            desk=youth, comment="stale", expected_version=2), grpc.StatusCode.ABORTED)
        # A name is one line of text: the refusal names the field, not a TOML line.
        for bad, reason in (("two\nlines", "must be one line"),
                            ("bell\x07", "contains the control character U+0007"),
                            ("   ", "is required")):
            broken = admin_pb2.DeskInfo(id="youth-110105", name=bad, type="youth_league",
                                        jurisdiction_code="110105")
            details = self.admin_fails("PutDesk", admin_pb2.PutDeskRequest(
                desk=broken, comment="bad name", expected_version=3),
                grpc.StatusCode.INVALID_ARGUMENT)
            self.assertTrue(details.startswith("desk.name: "), details)
            self.assertIn(reason, details)

        # Two dropouts in 东城: school-110101 gets one pending and one acknowledged hand-off.
        d1 = self.submit(categories=("dropout",), jurisdiction="110101001001", urgency="routine")
        d2 = self.submit(categories=("dropout",), jurisdiction="110101002001", urgency="routine")
        self.assertEqual(desks_of(d1), ["community-110101001001", "school-110101"])
        self.assertEqual(desks_of(d2), ["community-110101002001", "school-110101"])
        s1 = next(a for a in d1.assignments if a.desk_id == "school-110101")
        s2 = next(a for a in d2.assignments if a.desk_id == "school-110101")
        self.assertEqual(self.acknowledge(s2.id).assignment.status, ACKNOWLEDGED)
        self.assertEqual(self.desk_map()["school-110101"].open_assignments, 2)

        versions = [(x.version, x.current) for x in self.versions()]
        events = self.server.count_events()
        text = self.current().text.splitlines(keepends=True)

        # Refused: open assignments and no replacement.
        details = self.admin_fails("DisableDesk", self.disable("school-110101", 3),
                                   grpc.StatusCode.FAILED_PRECONDITION)
        self.assertIn("school-110101 has 2 open assignments", details)

        # Refused: a rule names the desk (the centre is the immediate-danger escalation step).
        first_rule_naming_center = min(
            header_before(text, i, "[[rule]]") for i in range(len(text))
            if re.search(r'\{\s*desk\s*=\s*"center"', text[i])
            and i > line_index(text, r"^\[\[rule\]\]"))
        rule_id = json.loads(text[line_index(text, r"^id = ", first_rule_naming_center)]
                             .split("=", 1)[1].strip())
        details = self.admin_fails("DisableDesk", self.disable("center", 3, replacement="school-110105"),
                                   grpc.StatusCode.FAILED_PRECONDITION)
        self.assertRegex(details, rf"rule '{re.escape(rule_id)}' \(line "
                                  rf"{first_rule_naming_center + 1}\) (names|escalates to) desk "
                                  rf"'center'")

        # Refused: an expectation names the desk.
        first_expect = min(header_before(text, i, "[[expect]]") for i in range(len(text))
                           if text[i].startswith("desks = ") and '"police-110105"' in text[i])
        name = json.loads(text[line_index(text, r"^name = ", first_expect)].split("=", 1)[1]
                          .strip())
        details = self.admin_fails("DisableDesk",
                                   self.disable("police-110105", 3, replacement="center"),
                                   grpc.StatusCode.FAILED_PRECONDITION)
        self.assertIn(f"expectation '{name}' (line {first_expect + 1}) expects desk "
                      f"'police-110105'", details)

        self.assertEqual([(x.version, x.current) for x in self.versions()], versions)
        self.assertEqual(self.server.count_events(), events, "a refused DisableDesk wrote events")
        for case in (d1, d2):
            self.assertEqual(desks_of(self.get_case(case.case_number)), desks_of(case))
        events = self.server.count_events()

        # A dropout with a child in 东城 and one in 朝阳: school-110101 and school-110105 both
        # hold it. Moving school-110101's work to school-110105 must not give it the case twice.
        report = sample_report(categories=("dropout",), jurisdiction="110101001001",
                               urgency="routine")
        second = report.children.add()
        second.CopyFrom(report.children[0])
        second.jurisdiction_code = "110105002002"
        both = self.server.intake().SubmitReport(submit_request(report),
                                                 metadata=metadata(self.sup_token), timeout=T)
        self.assertEqual(desks_of(both), ["community-110101001001", "community-110105002002",
                                          "school-110101", "school-110105"])
        gone = next(a for a in both.assignments if a.desk_id == "school-110101")
        held = next(a for a in both.assignments if a.desk_id == "school-110105")

        # With a replacement: both open hand-offs move.
        r = self.admin_call("DisableDesk", self.disable("school-110101", 3,
                                                        replacement="school-110105"))
        self.assertEqual((r.version.version, r.version.current), (4, True))
        self.assertNotIn('id = "school-110101"', r.version.text)
        self.assertEqual(list(self.diff(3, 4).summary), ["desk removed: school-110101"])
        moved = sorted(r.moved, key=lambda a: a.replaces_assignment_id)
        self.assertEqual([(a.desk_id, a.status, a.replaces_assignment_id, a.case_number)
                          for a in moved],
                         sorted([("school-110105", PENDING, s1.id, d1.case_number),
                                 ("school-110105", PENDING, s2.id, d2.case_number)],
                                key=lambda t: t[2]))
        successor = {a.replaces_assignment_id: a for a in moved}
        for case, old in ((d1, s1), (d2, s2)):
            new = successor[old.id]
            c = self.get_case(case.case_number)
            by_id = {a.id: a for a in c.assignments}
            self.assertEqual(by_id[old.id].status, TRANSFERRED)
            self.assertEqual((by_id[new.id].desk_id, by_id[new.id].status),
                             ("school-110105", PENDING))
            types = [e.type for e in self.history(case.case_number)]
            self.assertIn("assignment.transferred", types)
            self.assertEqual(types.count("assignment.created"), 3, types)
        # The two-child case: its school-110101 hand-off ended into the one school-110105 held.
        c = self.get_case(both.case_number)
        self.assertEqual(sorted((a.desk_id, a.status) for a in c.assignments
                                if a.desk_id.startswith("school")),
                         [("school-110101", TRANSFERRED), ("school-110105", PENDING)])
        moves = [e for e in self.history(both.case_number) if e.type == "assignment.transferred"]
        self.assertEqual(len(moves), 1)
        self.assertIn(f'"held_assignment_id":{held.id}', moves[0].payload_json)
        self.assertIn(f'"assignment_id":{gone.id}', moves[0].payload_json)
        desks = self.desk_map()
        self.assertNotIn("school-110101", desks)
        self.assertEqual(desks["school-110105"].open_assignments, 3)
        self.assertEqual(self.desks().table_version, 4)
        self.assertEqual(len(self.applied_events()), 4)

        # A desk with no open assignments goes without a replacement.
        r = self.admin_call("DisableDesk", self.disable("youth-110105", 4))
        self.assertEqual((r.version.version, len(r.moved)), (5, 0))
        self.assertEqual(list(self.diff(4, 5).summary), ["desk removed: youth-110105"])
        self.assertNotIn("youth-110105", self.desk_map())



class SighupTest(RoutingAdminCase):

    def setUp(self):
        self.start_server("sighup")

    def wait_for(self, predicate, what, timeout=5.0):
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                self.fail(f"{what}: not within {timeout}s; log tail:\n"
                          f"{self.server.read_log()[-3000:]}")
            time.sleep(0.05)

    def test_sighup_applies_an_edited_file_and_refuses_a_broken_one(self):
        v1 = self.current()
        lines = read_table()
        li, old_label = table_label(lines)
        lines[li] = f'version = "{old_label}-hup"\n'
        replace_in_block(lines, line_index(lines, r'^id = "police-110105"\s*$'),
                         r"^ack_deadline = ", 'ack_deadline = "20m"\n')
        edited = "".join(lines)
        with open(self.table_path, "w", encoding="utf-8") as f:
            f.write(edited)
        self.server.proc.send_signal(signal.SIGHUP)
        self.wait_for(lambda: len(self.versions()) == 2, "SIGHUP applied the edited file")

        v2 = self.current()
        self.assertEqual((v2.version, v2.author, v2.label, v2.current, v2.text),
                         (2, "system", f"{old_label}-hup", True, edited))
        self.assertEqual(list(self.diff(1, 2).summary),
                         [f"label: {old_label} -> {old_label}-hup",
                          "desk changed: police-110105 (ack_deadline)"])
        self.assertEqual({d.id: d.ack_deadline_seconds for d in self.desks().desks}
                         ["police-110105"], 1200)
        self.assertEqual([p["version"] for p in self.applied_events()], [1, 2])
        c = self.submit(jurisdiction=BEGGING_A)
        self.assertEqual(c.routing_table_version, 2)
        a = c.assignments[0]
        self.assertEqual(ms(a.ack_deadline) - ms(a.create_time), 1200 * 1000)

        # A broken file: refused, version 2 stays in force.
        events = self.server.count_events()
        broken = edited.splitlines(keepends=True)
        i = line_index(broken, r'^id = "police-110105"\s*$')
        broken.insert(i + 1, 'colour = "blue"\n')
        with open(self.table_path, "w", encoding="utf-8") as f:
            f.write("".join(broken))
        self.server.proc.send_signal(signal.SIGHUP)
        self.wait_for(lambda: "routing table reload refused" in self.server.read_log(),
                      "the refusal logged")
        log = self.server.read_log()
        self.assertIn(f"{self.table_path}:{i + 2}: unknown key 'colour'", log)
        self.assertTrue(self.server.running())
        self.assertEqual([(x.version, x.current) for x in self.versions()],
                         [(2, True), (1, False)])
        self.assertEqual(self.current().version, 2)
        self.assertEqual(self.server.count_events(), events)
        c = self.submit(jurisdiction=BEGGING_A)
        self.assertEqual(c.routing_table_version, 2)
        self.assertNotEqual(v1.sha256, v2.sha256)


# --- 6. no open hand-off on a desk the table leaves out ------------------------------------

def without_block(lines, header, id_pattern):
    """The lines without the `header` block ("[[desk]]", ...) whose id matches."""
    head = header_before(lines, line_index(lines, id_pattern), header)
    end = next((j for j in range(head + 1, len(lines)) if lines[j].startswith("[[")),
               len(lines))
    return lines[:head] + lines[end:]


def without_expectations(lines):
    """The table without its [[expect]] blocks (they name desks by id, and DisableDesk
    refuses a desk an expectation names)."""
    out, skipping = [], False
    for line in lines:
        if line.startswith("[["):
            skipping = line.startswith("[[expect]]")
        if not skipping:
            out.append(line)
    return out


class RemovedDeskTest(RoutingAdminCase):
    POLICE = "police-110105"

    def setUp(self):
        self.start_server("removed")
        self.apply("".join(without_expectations(read_table())), 1, comment="no expectations")

    def open_on(self, desk_id):
        return self.server.query(
            "SELECT count(*) FROM assignments WHERE desk_id = ? AND status IN "
            "('pending', 'acknowledged')", (desk_id,))[0][0]

    def disable_police(self):
        return self.admin_call("DisableDesk", admin_pb2.DisableDeskRequest(
            desk_id=self.POLICE, replacement_desk_id="police-110101", comment="merged",
            expected_version=self.current().version))

    def put_police_back(self):
        return self.admin_call("PutDesk", admin_pb2.PutDeskRequest(
            desk=admin_pb2.DeskInfo(id=self.POLICE, name="朝阳分局未成年人保护岗", type="police",
                                    jurisdiction_code="110105", ack_deadline_seconds=1800),
            comment="back", expected_version=self.current().version))

    def test_apply_and_rollback_may_not_leave_out_a_desk_with_open_hand_offs(self):
        c = self.submit()
        self.assertIn(self.POLICE, desks_of(c))
        versions = [(v.version, v.current) for v in self.versions()]
        events = self.server.count_events()
        text = "".join(without_block(without_expectations(read_table()), "[[desk]]",
                                     rf'^id = "{self.POLICE}"\s*$'))
        details = self.admin_fails(
            "ApplyRoutingTable", admin_pb2.ApplyRoutingTableRequest(
                text=text, comment="drop the police desk", expected_version=2),
            grpc.StatusCode.FAILED_PRECONDITION)
        self.assertIn(f"leaves out desks that still hold open hand-offs: {self.POLICE} (1); "
                      "disable each desk first", details)
        self.assertEqual([(v.version, v.current) for v in self.versions()], versions)
        self.assertEqual(self.server.count_events(), events)
        self.assertEqual(self.open_on(self.POLICE), 1)

        # Disabled with a replacement (version 3), back again (4), a report on it, then a
        # rollback to version 3, which has no such desk: refused.
        self.assertEqual(len(self.disable_police().moved), 1)
        self.put_police_back()
        self.assertIn(self.POLICE, desks_of(self.submit()))
        details = self.admin_fails(
            "RollbackRoutingTable", admin_pb2.RollbackRoutingTableRequest(
                version=3, comment="undo", expected_version=4),
            grpc.StatusCode.FAILED_PRECONDITION)
        self.assertIn(f"{self.POLICE} (1)", details)
        self.assertEqual(self.current().version, 4)

    def test_reports_routed_while_a_desk_is_disabled_are_routed_again(self):
        # Operators submit without a pause while the desk is disabled and put back, five
        # times: when DisableDesk answers, no open hand-off may be on the desk. Before, every
        # round left some: reports routed on the old table were stored after the move.
        stop = threading.Event()
        done, errors = [], []

        def operator():
            intake = self.server.intake()
            while not stop.is_set():
                try:
                    c = intake.SubmitReport(submit_request(sample_report(categories=("begging",),
                                                                         jurisdiction=BEGGING_A)),
                                            metadata=metadata(self.sup_token), timeout=T)
                    done.append(c.case_number)
                except grpc.RpcError as e:
                    errors.append(f"{e.code()}: {e.details()}")

        threads = [threading.Thread(target=operator) for _ in range(4)]
        for t in threads:
            t.start()
        try:
            left = []
            for _ in range(5):
                time.sleep(0.1)
                self.disable_police()
                time.sleep(0.05)  # reports routed on the old table are stored by now
                left.append(self.open_on(self.POLICE))
                self.put_police_back()
        finally:
            stop.set()
            for t in threads:
                t.join()
        self.assertEqual(errors, [])
        self.assertGreater(len(done), 20)
        self.assertEqual(left, [0] * 5, "open hand-offs on the disabled desk, per round")
        # Every report has an open hand-off on a desk of the table in force.
        self.assertEqual(self.server.query(
            "SELECT count(*) FROM cases c WHERE kind = 'report' AND NOT EXISTS (SELECT 1 FROM "
            "assignments a WHERE a.case_id = c.id AND a.status IN ('pending', 'acknowledged'))"),
            [(0,)])


if __name__ == "__main__":
    unittest.main()
