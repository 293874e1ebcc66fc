"""The role × RPC matrix of README.md ("Roles"), checked against a real `hotlined`.

The table between `<!-- role-matrix:begin -->` and `<!-- role-matrix:end -->` is parsed at
import time; every row becomes one test (`test_row_Intake_GetCase`, …) that calls the RPC
with a well-formed request as each role of the table, with no token, with an unknown token
and with a revoked token:
- "–" is PERMISSION_DENIED and stores nothing;
- no token, an unknown or a revoked token is UNAUTHENTICATED for every RPC and stores nothing;
- any other cell succeeds: the request is built on something the caller may see and in a
  state where the call is legal (the operator's own case for "own", a case routed to
  police-110105 for the agency, bound to that desk), so anything but OK is a failure;
  "redacted" means the answer leaves out the reporter's name and phone, "without note texts"
  that note texts are left out, and Desk answers never carry the reporter's identity.
test_table_names_every_rpc keeps the table and the proto descriptors in step, and
ScopeTest checks that what lies outside a caller's scope is NOT_FOUND, never
PERMISSION_DENIED.
"""

import os
import re
import unittest

import grpc

import harness
from harness import (CASE_NUMBER_RE, Server, admin_pb2, case_pb2, desk_pb2, intake_pb2,
                     metadata, sample_report, submit_request)

README = os.path.join(harness.SOURCE_DIR, "README.md")
ROLES = ["operator", "agency", "supervisor", "admin", "auditor"]
DENIED_CELLS = {"–", "-", "—"}
AGENCY_DESK = "police-110105"
OTHER_POLICE = "police-110101"
T = 10  # seconds per call

REPORTER_NAME = "Roles Reporterson"
REPORTER_PHONE = "13600001111"
NOTE_TEXT = "ROLES-NOTE-4c2e: grandmother says the boy sleeps at the station"

NAMES = {"operator": "op-roles", "agency": "police-chaoyang-roles", "supervisor": "sup-roles",
         "admin": "adm-roles", "auditor": "aud-roles"}
OTHER_OPERATOR = "op-roles-other"
REVOKED_NAME = "sup-roles-leaving"


# --- the README table ------------------------------------------------------------------------

def parse_role_matrix(path=README):
    """{"Intake.GetCase": {"operator": "own", ...}, ...} in table order, and the columns."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"<!-- role-matrix:begin -->\n(.*?)<!-- role-matrix:end -->", text, re.S)
    if not m:
        raise AssertionError(f"{path}: no role-matrix markers")
    lines = [line.strip() for line in m.group(1).splitlines() if line.strip()]
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines]
    for line, cells in zip(lines, rows):
        if not line.startswith("|") or not line.endswith("|"):
            raise AssertionError(f"{path}: role matrix line is not a table row: {line!r}")
    header, separator, body = rows[0], rows[1], rows[2:]
    if header[0] != "RPC" or not all(re.fullmatch(r"-{3,}", c) for c in separator):
        raise AssertionError(f"{path}: role matrix header {header!r} / {separator!r}")
    columns = header[1:]
    table = {}
    for cells in body:
        if len(cells) != len(header):
            raise AssertionError(f"{path}: row {cells!r} has {len(cells)} cells, "
                                 f"the header {len(header)}")
        if cells[0] in table:
            raise AssertionError(f"{path}: row {cells[0]} appears twice")
        if any(not c for c in cells):
            raise AssertionError(f"{path}: empty cell in row {cells!r}")
        table[cells[0]] = dict(zip(columns, cells[1:]))
    return table, columns


MATRIX, COLUMNS = parse_role_matrix()


def denied(cell):
    return cell in DENIED_CELLS


def proto_rpcs():
    """Every "Service.Method" of the hotline services in the generated descriptors."""
    names = set()
    for module in (intake_pb2, desk_pb2, admin_pb2, case_pb2):
        for service in module.DESCRIPTOR.services_by_name.values():
            if service.full_name.startswith("grpc.health"):
                continue
            for method in service.methods:
                names.add(f"{service.name}.{method.name}")
    return names


# --- fixtures and requests -------------------------------------------------------------------

def first_message(call):
    """The first message of a server stream (or its error), then cancels it."""
    try:
        return next(call)
    finally:
        call.cancel()


class World:
    """A running server, a token per role and helpers that build cases in a given state."""

    def __init__(self, server, tokens, other_operator):
        self.server = server
        self.tokens = tokens
        self.other_operator = other_operator
        self.intake = server.intake()
        self.desk = server.desk()
        self.admin = server.admin()
        self.n = 0
        with open(harness.ROUTING_TABLE, encoding="utf-8") as f:
            self.table_text = f.read()

    def md(self, role):
        return metadata(self.tokens[role])

    def report(self, jurisdiction="110105"):
        self.n += 1
        r = sample_report(jurisdiction=jurisdiction, phone=REPORTER_PHONE,
                          narrative=f"roles fixture {self.n}: a child begging")
        r.reporter.name = REPORTER_NAME
        return r

    def new_case(self, token=None, jurisdiction="110105", desks=(AGENCY_DESK,)):
        """A begging report recorded by the operator (routed to `desks`, checked)."""
        case = self.intake.SubmitReport(submit_request(self.report(jurisdiction)),
                                        metadata=metadata(token or self.tokens["operator"]),
                                        timeout=T)
        got = [a.desk_id for a in case.assignments]
        if got != list(desks):
            raise AssertionError(f"fixture {case.case_number} routed to {got}, not {list(desks)}")
        return case

    def acked_case(self):
        case = self.new_case()
        self.desk.Acknowledge(desk_pb2.AcknowledgeRequest(assignment_id=case.assignments[0].id),
                              metadata=self.md("supervisor"), timeout=T)
        return case

    def resolved_case(self):
        case = self.acked_case()
        self.desk.Resolve(desk_pb2.ResolveRequest(assignment_id=case.assignments[0].id,
                                                  outcome="child_safe",
                                                  summary="child returned home"),
                          metadata=self.md("supervisor"), timeout=T)
        return case

    def closed_case(self):
        case = self.new_case()
        self.intake.CloseCase(intake_pb2.CloseCaseRequest(case_number=case.case_number,
                                                          outcome="duplicate",
                                                          withdraw_open_assignments=True),
                              metadata=self.md("supervisor"), timeout=T)
        return case

    def table_version(self):
        return self.server.query("SELECT MAX(version) FROM routing_tables")[0][0]


class Prepared:
    """One ready call: invoke(metadata) -> answer, check(test, answer, cell)."""

    def __init__(self, invoke, check):
        self.invoke = invoke
        self.check = check


def check_reporter(test, case, cell, where):
    if "redacted" in cell:
        test.assertEqual((case.report.reporter.name, case.report.reporter.phone), ("", ""),
                         f"{where} ({cell!r}) carries the reporter's identity")
    else:
        test.assertEqual((case.report.reporter.name, case.report.reporter.phone),
                         (REPORTER_NAME, REPORTER_PHONE),
                         f"{where} ({cell!r}) should carry the reporter's identity")


def build_SubmitReport(w, role):
    req = submit_request(w.report())

    def check(t, r, cell):
        t.assertRegex(r.case_number, CASE_NUMBER_RE.pattern)
        t.assertEqual([a.desk_id for a in r.assignments], [AGENCY_DESK])
    return Prepared(lambda md: w.intake.SubmitReport(req, metadata=md, timeout=T), check)


def build_SubmitInquiry(w, role):
    req = intake_pb2.SubmitInquiryRequest(
        request_id=harness.new_request_id("roles"),
        inquiry=case_pb2.Inquiry(channel=case_pb2.CHANNEL_PHONE, topic="guardianship",
                                 question="who may apply for guardianship",
                                 answer="the civil affairs office explains the procedure"))

    def check(t, r, cell):
        t.assertEqual((r.kind, r.status), (case_pb2.CASE_KIND_INQUIRY, case_pb2.CASE_STATUS_CLOSED))
    return Prepared(lambda md: w.intake.SubmitInquiry(req, metadata=md, timeout=T), check)


def build_GetCase(w, role):
    case = w.new_case()
    req = intake_pb2.GetCaseRequest(case_number=case.case_number)

    def check(t, r, cell):
        t.assertEqual(r.case_number, case.case_number)
        check_reporter(t, r, cell, f"GetCase as {role}")
    return Prepared(lambda md: w.intake.GetCase(req, metadata=md, timeout=T), check)


def build_ListCases(w, role):
    case = w.new_case()
    req = intake_pb2.ListCasesRequest(page_size=10)

    def check(t, r, cell):
        t.assertTrue(r.cases, "empty list")
        t.assertEqual(r.cases[0].case_number, case.case_number, "newest first")
        if cell == "own":
            t.assertEqual({c.created_by for c in r.cases}, {NAMES["operator"]})
    return Prepared(lambda md: w.intake.ListCases(req, metadata=md, timeout=T), check)


def build_AddNote(w, role):
    case = w.new_case()
    req = intake_pb2.AddNoteRequest(case_number=case.case_number, text="roles: called back")

    def check(t, r, cell):
        t.assertEqual((r.type, r.case_number), ("note.added", case.case_number))
    return Prepared(lambda md: w.intake.AddNote(req, metadata=md, timeout=T), check)


def build_CloseCase(w, role):
    case = w.new_case()
    req = intake_pb2.CloseCaseRequest(case_number=case.case_number, outcome="referred",
                                      summary="handed to the district", withdraw_open_assignments=True)

    def check(t, r, cell):
        t.assertEqual(r.status, case_pb2.CASE_STATUS_CLOSED)
    return Prepared(lambda md: w.intake.CloseCase(req, metadata=md, timeout=T), check)


def build_ReopenCase(w, role):
    case = w.closed_case()
    req = intake_pb2.ReopenCaseRequest(case_number=case.case_number, reason="the child is back")

    def check(t, r, cell):
        t.assertNotEqual(r.status, case_pb2.CASE_STATUS_CLOSED)
        t.assertEqual([(a.desk_id, a.status) for a in r.assignments[1:]],
                      [("center", case_pb2.ASSIGNMENT_STATUS_PENDING)])
    return Prepared(lambda md: w.intake.ReopenCase(req, metadata=md, timeout=T), check)


def build_RecordFeedback(w, role):
    case = w.resolved_case()
    req = intake_pb2.RecordFeedbackRequest(case_number=case.case_number,
                                           note="told the caller the child is safe")

    def check(t, r, cell):
        t.assertEqual(r.feedback, case_pb2.FEEDBACK_STATE_GIVEN)
    return Prepared(lambda md: w.intake.RecordFeedback(req, metadata=md, timeout=T), check)


def build_GetCaseHistory(w, role):
    case = w.new_case()
    w.intake.AddNote(intake_pb2.AddNoteRequest(case_number=case.case_number, text=NOTE_TEXT),
                     metadata=w.md("supervisor"), timeout=T)
    req = intake_pb2.GetCaseHistoryRequest(case_number=case.case_number)

    def check(t, r, cell):
        t.assertEqual([e.type for e in r.events],
                      ["report.received", "case.routed", "assignment.created", "note.added"])
        expected = "" if "without note texts" in cell else NOTE_TEXT
        t.assertEqual(r.events[-1].private_text, expected, f"note text for {role} ({cell!r})")
    return Prepared(lambda md: w.intake.GetCaseHistory(req, metadata=md, timeout=T), check)


def build_ListCaseAccess(w, role):
    case = w.new_case()
    w.intake.GetCase(intake_pb2.GetCaseRequest(case_number=case.case_number),
                     metadata=w.md("supervisor"), timeout=T)
    req = intake_pb2.ListCaseAccessRequest(case_number=case.case_number)

    def check(t, r, cell):
        t.assertEqual([(a.actor, a.role, a.rpc) for a in r.accesses],
                      [(NAMES["supervisor"], "supervisor", "GetCase")])
    return Prepared(lambda md: w.intake.ListCaseAccess(req, metadata=md, timeout=T), check)


def build_VerifyAuditLog(w, role):
    def check(t, r, cell):
        t.assertTrue(r.ok, r)
        t.assertGreater(r.events_checked, 0)
    return Prepared(lambda md: w.intake.VerifyAuditLog(intake_pb2.VerifyAuditLogRequest(),
                                                       metadata=md, timeout=T), check)


def build_WatchAssignments(w, role):
    w.new_case()
    req = desk_pb2.WatchAssignmentsRequest(desk_ids=[AGENCY_DESK], heartbeat_seconds=1)

    def check(t, r, cell):
        t.assertEqual(r.WhichOneof("kind"), "event", r)
        t.assertEqual(r.event.assignment.desk_id, AGENCY_DESK)
        t.assertTrue(r.cursor)
    return Prepared(lambda md: first_message(w.desk.WatchAssignments(req, metadata=md, timeout=5)),
                    check)


def build_ListAssignments(w, role):
    case = w.new_case()
    req = desk_pb2.ListAssignmentsRequest(desk_ids=[AGENCY_DESK], page_size=5)

    def check(t, r, cell):
        t.assertTrue(r.assignments, "empty list")
        t.assertEqual(r.assignments[0].assignment.id, case.assignments[0].id, "newest first")
        t.assertEqual({a.assignment.desk_id for a in r.assignments}, {AGENCY_DESK})
    return Prepared(lambda md: w.desk.ListAssignments(req, metadata=md, timeout=T), check)


def build_GetAssignment(w, role):
    case = w.new_case()
    req = desk_pb2.GetAssignmentRequest(assignment_id=case.assignments[0].id)

    def check(t, r, cell):
        t.assertEqual((r.assignment.id, r.case.case_number),
                      (case.assignments[0].id, case.case_number))
        check_reporter(t, r.case, "redacted (every Desk answer)", f"GetAssignment as {role}")
    return Prepared(lambda md: w.desk.GetAssignment(req, metadata=md, timeout=T), check)


def build_Acknowledge(w, role):
    case = w.new_case()
    req = desk_pb2.AcknowledgeRequest(assignment_id=case.assignments[0].id)

    def check(t, r, cell):
        t.assertEqual(r.assignment.status, case_pb2.ASSIGNMENT_STATUS_ACKNOWLEDGED)
        t.assertEqual(r.case_status, case_pb2.CASE_STATUS_IN_PROGRESS)
    return Prepared(lambda md: w.desk.Acknowledge(req, metadata=md, timeout=T), check)


def build_PostUpdate(w, role):
    case = w.acked_case()
    req = desk_pb2.PostUpdateRequest(assignment_id=case.assignments[0].id,
                                     kind=desk_pb2.UPDATE_KIND_HOME_VISIT,
                                     text="visited, grandmother present")

    def check(t, r, cell):
        t.assertEqual((r.assignment_id, r.kind), (case.assignments[0].id,
                                                  desk_pb2.UPDATE_KIND_HOME_VISIT))
    return Prepared(lambda md: w.desk.PostUpdate(req, metadata=md, timeout=T), check)


def build_Decline(w, role):
    case = w.new_case()
    req = desk_pb2.DeclineRequest(assignment_id=case.assignments[0].id, reason="not a police matter")

    def check(t, r, cell):
        t.assertEqual(r.assignment.status, case_pb2.ASSIGNMENT_STATUS_DECLINED)
        t.assertEqual((r.successor.desk_id, r.successor.status),
                      ("center", case_pb2.ASSIGNMENT_STATUS_PENDING))
    return Prepared(lambda md: w.desk.Decline(req, metadata=md, timeout=T), check)


def build_Transfer(w, role):
    case = w.new_case()
    req = desk_pb2.TransferRequest(assignment_id=case.assignments[0].id, to_desk_id=OTHER_POLICE,
                                   reason="the child lives in 东城")

    def check(t, r, cell):
        t.assertEqual(r.assignment.status, case_pb2.ASSIGNMENT_STATUS_TRANSFERRED)
        t.assertEqual((r.successor.desk_id, r.successor.status),
                      (OTHER_POLICE, case_pb2.ASSIGNMENT_STATUS_PENDING))
    return Prepared(lambda md: w.desk.Transfer(req, metadata=md, timeout=T), check)


def build_Resolve(w, role):
    case = w.acked_case()
    req = desk_pb2.ResolveRequest(assignment_id=case.assignments[0].id, outcome="child_safe",
                                  summary="child taken home by the mother")

    def check(t, r, cell):
        t.assertEqual(r.assignment.status, case_pb2.ASSIGNMENT_STATUS_RESOLVED)
        t.assertEqual(r.case_status, case_pb2.CASE_STATUS_RESOLVED)
    return Prepared(lambda md: w.desk.Resolve(req, metadata=md, timeout=T), check)


def build_ExplainRoute(w, role):
    req = admin_pb2.ExplainRouteRequest(report=sample_report())

    def check(t, r, cell):
        t.assertEqual([a.desk_id for a in r.assignments], [AGENCY_DESK])
    return Prepared(lambda md: w.admin.ExplainRoute(req, metadata=md, timeout=T), check)


# Admin rpcs beyond ExplainRoute: used as soon as the README lists them.

def build_ValidateRoutingTable(w, role):
    req = admin_pb2.ValidateRoutingTableRequest(text=w.table_text)
    return Prepared(lambda md: w.admin.ValidateRoutingTable(req, metadata=md, timeout=T),
                    lambda t, r, cell: t.assertTrue(r.ok, r))


def build_GetRoutingTable(w, role):
    req = admin_pb2.GetRoutingTableRequest(version=0)
    return Prepared(lambda md: w.admin.GetRoutingTable(req, metadata=md, timeout=T),
                    lambda t, r, cell: t.assertTrue(r.current, r))


def build_ListRoutingTableVersions(w, role):
    req = admin_pb2.ListRoutingTableVersionsRequest()
    return Prepared(lambda md: w.admin.ListRoutingTableVersions(req, metadata=md, timeout=T),
                    lambda t, r, cell: t.assertTrue(r.versions))


def build_DiffRoutingTables(w, role):
    req = admin_pb2.DiffRoutingTablesRequest(from_version=1, to_version=0)
    return Prepared(lambda md: w.admin.DiffRoutingTables(req, metadata=md, timeout=T),
                    lambda t, r, cell: t.assertEqual(r.from_version, 1))


def build_ReplayRouting(w, role):
    w.new_case()
    req = admin_pb2.ReplayRoutingRequest(draft_text=w.table_text)
    return Prepared(lambda md: w.admin.ReplayRouting(req, metadata=md, timeout=T),
                    lambda t, r, cell: t.assertEqual(r.changed, 0))


def build_ListDesks(w, role):
    req = admin_pb2.ListDesksRequest()
    return Prepared(lambda md: w.admin.ListDesks(req, metadata=md, timeout=T),
                    lambda t, r, cell: t.assertIn(AGENCY_DESK, [d.id for d in r.desks]))


def distinct_table_text(w):
    """The table text with a comment line no earlier version has (applying the text in force
    again changes nothing, so it would not make a version)."""
    w.n += 1
    return w.table_text + f"\n# roles test {w.n}\n"


def build_ApplyRoutingTable(w, role):
    current = w.table_version()
    req = admin_pb2.ApplyRoutingTableRequest(text=distinct_table_text(w), comment="roles test",
                                             expected_version=current)
    return Prepared(lambda md: w.admin.ApplyRoutingTable(req, metadata=md, timeout=T),
                    lambda t, r, cell: t.assertEqual(r.version, current + 1))


def build_RollbackRoutingTable(w, role):
    # Version 1's text must not be the one in force, or rolling back to it changes nothing.
    w.admin.ApplyRoutingTable(
        admin_pb2.ApplyRoutingTableRequest(text=distinct_table_text(w), comment="roles fixture",
                                           expected_version=w.table_version()),
        metadata=w.md("admin"), timeout=T)
    current = w.table_version()
    req = admin_pb2.RollbackRoutingTableRequest(version=1, comment="roles test",
                                                expected_version=current)
    return Prepared(lambda md: w.admin.RollbackRoutingTable(req, metadata=md, timeout=T),
                    lambda t, r, cell: t.assertEqual((r.version, r.restored_from),
                                                     (current + 1, 1)))


def roles_desk(w):
    w.n += 1
    return admin_pb2.DeskInfo(id=f"roles-medical-{w.n}", name="roles test clinic", type="medical",
                              jurisdiction_code="110101")


def build_PutDesk(w, role):
    current = w.table_version()
    req = admin_pb2.PutDeskRequest(desk=roles_desk(w), comment="roles test",
                                   expected_version=current)
    return Prepared(lambda md: w.admin.PutDesk(req, metadata=md, timeout=T),
                    lambda t, r, cell: t.assertEqual(r.version, current + 1))


def build_DisableDesk(w, role):
    desk = roles_desk(w)
    w.admin.PutDesk(admin_pb2.PutDeskRequest(desk=desk, comment="roles fixture",
                                             expected_version=w.table_version()),
                    metadata=w.md("admin"), timeout=T)
    req = admin_pb2.DisableDeskRequest(desk_id=desk.id, comment="roles test",
                                       expected_version=w.table_version())
    return Prepared(lambda md: w.admin.DisableDesk(req, metadata=md, timeout=T),
                    lambda t, r, cell: t.assertEqual(list(r.moved), []))


BUILDERS = {f"{service}.{name[len('build_'):]}": fn
            for name, fn in list(globals().items()) if name.startswith("build_")
            for service in ("Intake", "Desk", "Admin")
            if f"{service}.{name[len('build_'):]}" in proto_rpcs()}


# --- the tests -------------------------------------------------------------------------------

class RoleMatrixTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.server = Server(name="roles")
        cls.addClassCleanup(cls.server.close)
        s = cls.server
        tokens = {role: s.issue_token(role, NAMES[role],
                                      desks=[AGENCY_DESK] if role == "agency" else ())
                  for role in ROLES}
        other = s.issue_token("operator", OTHER_OPERATOR)
        cls.revoked = s.issue_token("supervisor", REVOKED_NAME)
        s.start()
        cls.world = World(s, tokens, other)
        # The token to be revoked works until it is revoked (so the revocation is what the
        # UNAUTHENTICATED answers below are about), then it is revoked on the running server.
        s.intake().VerifyAuditLog(intake_pb2.VerifyAuditLogRequest(),
                                  metadata=metadata(cls.revoked), timeout=T)
        s.revoke_tokens(REVOKED_NAME)

    def outcome(self, prepared, md):
        """(code, answer-or-details, events stored by the call)."""
        before = self.server.count_events()
        try:
            answer = prepared.invoke(md)
            code = grpc.StatusCode.OK
        except grpc.RpcError as e:
            code, answer = e.code(), e.details()
        return code, answer, self.server.count_events() - before

    def check_row(self, rpc):
        self.assertIn(rpc, BUILDERS, f"no request builder for {rpc} in test_roles.py")
        build = BUILDERS[rpc]
        cells = MATRIX[rpc]
        for role in ROLES:
            cell = cells[role]
            with self.subTest(rpc=rpc, role=role, cell=cell):
                prepared = build(self.world, role)
                code, answer, stored = self.outcome(prepared, self.world.md(role))
                if denied(cell):
                    self.assertEqual(code, grpc.StatusCode.PERMISSION_DENIED,
                                     f"{rpc} as {role} (README: {cell!r}) answered {code}: "
                                     f"{answer if code != grpc.StatusCode.OK else 'OK'}")
                    self.assertEqual(stored, 0, f"refused {rpc} as {role} stored events")
                else:
                    self.assertEqual(code, grpc.StatusCode.OK,
                                     f"{rpc} as {role} (README: {cell!r}): {answer}")
                    prepared.check(self, answer, cell)
        for label, md in (("no token", []),
                          ("unknown token", metadata("hl_not-a-token-0000")),
                          ("revoked token", metadata(self.revoked))):
            with self.subTest(rpc=rpc, caller=label):
                prepared = build(self.world, "supervisor")
                code, answer, stored = self.outcome(prepared, md)
                self.assertEqual(code, grpc.StatusCode.UNAUTHENTICATED,
                                 f"{rpc} with {label} answered {code}")
                self.assertEqual(stored, 0, f"{rpc} with {label} stored events")

    def test_table_columns_are_the_roles(self):
        self.assertEqual(COLUMNS, ROLES)

    def test_table_names_every_rpc(self):
        rpcs = proto_rpcs()
        self.assertEqual(sorted(rpcs - set(MATRIX)), [],
                         "rpcs of the proto files missing from README's role matrix")
        self.assertEqual(sorted(set(MATRIX) - rpcs), [],
                         "rows of README's role matrix naming no rpc of the proto files")


def _row_test(rpc):
    def test(self):
        self.check_row(rpc)
    test.__doc__ = f"README role matrix row {rpc}"
    return test


for _rpc in MATRIX:
    setattr(RoleMatrixTest, "test_row_" + _rpc.replace(".", "_"), _row_test(_rpc))


class ScopeTest(unittest.TestCase):
    """Outside a caller's scope is NOT_FOUND, as for something that does not exist."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server(name="scope")
        cls.addClassCleanup(cls.server.close)
        s = cls.server
        tokens = {role: s.issue_token(role, NAMES[role],
                                      desks=[AGENCY_DESK] if role == "agency" else ())
                  for role in ROLES}
        other = s.issue_token("operator", OTHER_OPERATOR)
        s.start()
        cls.world = World(s, tokens, other)

    def not_found(self, call, what):
        before = self.server.count_events()
        with self.assertRaises(grpc.RpcError, msg=what) as caught:
            call()
        self.assertEqual(caught.exception.code(), grpc.StatusCode.NOT_FOUND,
                         f"{what}: {caught.exception.details()}")
        self.assertEqual(self.server.count_events(), before, f"{what} stored events")

    def test_agency_cannot_see_a_case_routed_to_other_desks(self):
        w = self.world
        case = w.new_case(jurisdiction="110101", desks=(OTHER_POLICE,))
        aid = case.assignments[0].id
        md = w.md("agency")
        self.not_found(lambda: w.intake.GetCase(
            intake_pb2.GetCaseRequest(case_number=case.case_number), metadata=md, timeout=T),
            "agency GetCase of another desk's case")
        for rpc, req in (
                ("GetAssignment", desk_pb2.GetAssignmentRequest(assignment_id=aid)),
                ("Acknowledge", desk_pb2.AcknowledgeRequest(assignment_id=aid)),
                ("Decline", desk_pb2.DeclineRequest(assignment_id=aid, reason="not ours")),
                ("Transfer", desk_pb2.TransferRequest(assignment_id=aid, to_desk_id="center",
                                                      reason="not ours"))):
            self.not_found(lambda: getattr(w.desk, rpc)(req, metadata=md, timeout=T),
                           f"agency {rpc} of another desk's assignment")
        # Acknowledged by its own desk, it is still out of reach for PostUpdate and Resolve.
        w.desk.Acknowledge(desk_pb2.AcknowledgeRequest(assignment_id=aid),
                           metadata=w.md("supervisor"), timeout=T)
        for rpc, req in (
                ("PostUpdate", desk_pb2.PostUpdateRequest(assignment_id=aid, text="x",
                                                          kind=desk_pb2.UPDATE_KIND_NOTE)),
                ("Resolve", desk_pb2.ResolveRequest(assignment_id=aid, outcome="child_safe",
                                                    summary="x"))):
            self.not_found(lambda: getattr(w.desk, rpc)(req, metadata=md, timeout=T),
                           f"agency {rpc} of another desk's assignment")
        listed = w.desk.ListAssignments(desk_pb2.ListAssignmentsRequest(page_size=500),
                                        metadata=md, timeout=T)
        self.assertNotIn(aid, [a.assignment.id for a in listed.assignments])
        self.assertEqual({a.assignment.desk_id for a in listed.assignments} - {AGENCY_DESK}, set())

    def test_operator_cannot_see_another_operators_case(self):
        w = self.world
        case = w.resolved_case()  # recorded by op-roles; feedback is due
        md = metadata(w.other_operator)
        number = case.case_number
        self.not_found(lambda: w.intake.GetCase(
            intake_pb2.GetCaseRequest(case_number=number), metadata=md, timeout=T),
            "GetCase of another operator's case")
        self.not_found(lambda: w.intake.GetCaseHistory(
            intake_pb2.GetCaseHistoryRequest(case_number=number), metadata=md, timeout=T),
            "GetCaseHistory of another operator's case")
        self.not_found(lambda: w.intake.AddNote(
            intake_pb2.AddNoteRequest(case_number=number, text="not mine"), metadata=md,
            timeout=T), "AddNote to another operator's case")
        self.not_found(lambda: w.intake.RecordFeedback(
            intake_pb2.RecordFeedbackRequest(case_number=number, note="called"), metadata=md,
            timeout=T), "RecordFeedback on another operator's case")
        listed = w.intake.ListCases(intake_pb2.ListCasesRequest(page_size=500), metadata=md,
                                    timeout=T)
        self.assertNotIn(number, [c.case_number for c in listed.cases])
        # The owner does see it.
        got = w.intake.GetCase(intake_pb2.GetCaseRequest(case_number=number),
                               metadata=w.md("operator"), timeout=T)
        self.assertEqual(got.case_number, number)


if __name__ == "__main__":
    unittest.main()
