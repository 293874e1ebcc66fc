"""Bad requests against a real `hotlined`: each gets the right status code, a message that
names the field or the reason, and stores nothing (the number of events is unchanged)."""

import unittest

import grpc

from harness import (Server, admin_pb2, case_pb2, desk_pb2, intake_pb2, metadata,
                     sample_report, submit_request)

INVALID = grpc.StatusCode.INVALID_ARGUMENT
SUBMIT_PATH = "/hotline.v1.Intake/SubmitReport"


class BadRequestTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.server = Server(name="bad")
        cls.addClassCleanup(cls.server.close)
        s = cls.server
        cls.op = s.issue_token("operator", "op-anna")
        cls.op2 = s.issue_token("operator", "op-ben")
        cls.sup = s.issue_token("supervisor", "sup-cleo")
        cls.aud = s.issue_token("auditor", "aud-dan")
        cls.agency = s.issue_token("agency", "police-chaoyang", desks=["police-110105"])
        s.start()
        cls.intake = s.intake()
        # One good case of the first operator, for the NOT_FOUND and close checks.
        cls.case = cls.intake.SubmitReport(submit_request(), metadata=metadata(cls.op), timeout=10)

    # --- helpers ------------------------------------------------------------------------

    def refused(self, call, code, *words):
        """Runs call(), expects an RpcError with `code` whose details contain every word, and
        checks that no event was stored."""
        before = self.server.count_events()
        with self.assertRaises(grpc.RpcError) as caught:
            call()
        error = caught.exception
        details = error.details() or ""
        self.assertEqual(error.code(), code, f"details: {details!r}")
        for word in words:
            self.assertIn(word, details, f"{error.code()}: {details!r} does not name {word!r}")
        self.assertEqual(self.server.count_events(), before, "a refused call stored events")
        return details

    def submit(self, report=None, token=None, request_id=None, request=None):
        token = self.op if token is None else token
        req = request or submit_request(report, request_id)
        return lambda: self.intake.SubmitReport(req, metadata=metadata(token), timeout=10)

    def bad_report(self, *words, **changes):
        return self.refused(self.submit(sample_report(**changes)), INVALID, *words)

    # --- report content -----------------------------------------------------------------

    def test_no_categories(self):
        self.bad_report("report.categories", categories=())

    def test_age_19(self):
        self.bad_report("report.children[0].age", "19", age=19)

    def test_min_age_above_max_age(self):
        r = sample_report()
        r.children[0].age.min_years = 12
        r.children[0].age.max_years = 8
        self.refused(self.submit(r), INVALID, "report.children[0].age", "min_years")

    def test_unknown_jurisdiction(self):
        self.bad_report("report.children[0].jurisdiction_code", "310101", jurisdiction="310101")

    def test_malformed_jurisdiction(self):
        self.bad_report("report.children[0].jurisdiction_code", jurisdiction="11010")

    def test_narrative_of_100_kb(self):
        self.bad_report("report.narrative", "20000", narrative="x" * 100 * 1024)

    def test_invalid_utf8_in_narrative(self):
        # Serialize a good request whose narrative holds a marker, then swap the marker for
        # bytes that are not UTF-8 (same length, so every length prefix stays right).
        marker = b"MARKER-UTF8"
        req = submit_request(sample_report(narrative=marker.decode()))
        raw = req.SerializeToString()
        self.assertEqual(raw.count(marker), 1)
        raw = raw.replace(marker, b"\xff\xfe\xc3\x28bad-utf")
        send = self.server.channel().unary_unary(
            SUBMIT_PATH, request_serializer=None, response_deserializer=case_pb2.Case.FromString)
        self.refused(lambda: send(raw, metadata=metadata(self.op), timeout=10), INVALID,
                     "narrative")
        # protobuf's own complaint is a line of the server's log, in its format, naming the
        # field and not the bytes (before: a raw "[libprotobuf ERROR ...]" line on stderr).
        log = self.server.read_log()
        self.assertNotIn("[libprotobuf", log)
        self.assertRegex(log, r"\n\d{4}-\d\d-\d\dT[\d:.]+ error protobuf: String field "
                              r"'hotline\.v1\.Report\.narrative' contains invalid UTF-8")
        self.assertNotIn("bad-utf", log)

    def test_unknown_urgency_value(self):
        r = sample_report()
        r.urgency = 99
        self.refused(self.submit(r), INVALID, "report.urgency", "99")

    def test_unknown_category_value(self):
        r = sample_report()
        r.categories[0] = 99
        self.refused(self.submit(r), INVALID, "report.categories[0]", "99")

    def test_unspecified_urgency(self):
        r = sample_report()
        r.urgency = case_pb2.URGENCY_UNSPECIFIED
        self.refused(self.submit(r), INVALID, "report.urgency")

    def test_duplicate_category(self):
        self.bad_report("report.categories[1]", "repeated", categories=("begging", "begging"))

    def test_no_children(self):
        r = sample_report()
        del r.children[:]
        self.refused(self.submit(r), INVALID, "report.children")

    def test_21_children(self):
        r = sample_report()
        for _ in range(20):
            r.children.add().CopyFrom(r.children[0])
        self.assertEqual(len(r.children), 21)
        self.refused(self.submit(r), INVALID, "report.children", "20")

    def test_phone_abc(self):
        self.bad_report("report.reporter.phone", phone="abc")

    def test_anonymous_with_phone(self):
        r = sample_report(anonymous=True)
        r.reporter.phone = "13700000009"
        self.refused(self.submit(r), INVALID, "report.reporter", "anonymous")

    def test_not_anonymous_without_phone(self):
        self.bad_report("report.reporter.phone", "anonymous", phone="")

    def test_missing_request_id(self):
        req = intake_pb2.SubmitReportRequest(report=sample_report())
        self.refused(self.submit(request=req), INVALID, "request_id")

    def test_request_id_with_space(self):
        self.refused(self.submit(request_id="two words"), INVALID, "request_id")

    def test_message_larger_than_max_message_bytes(self):
        # max_message_bytes is 1 MiB in the harness config; send 2 MB.
        r = sample_report()
        r.guardians.add().situation = "y" * (2 * 1024 * 1024)
        details = self.refused(self.submit(r), grpc.StatusCode.RESOURCE_EXHAUSTED)
        self.assertRegex(details.lower(), r"larger than|too large|exceed")

    # --- authentication and roles -------------------------------------------------------

    def test_no_token(self):
        call = lambda: self.intake.SubmitReport(submit_request(), timeout=10)  # noqa: E731
        self.refused(call, grpc.StatusCode.UNAUTHENTICATED, "authorization")

    def test_garbage_token(self):
        self.refused(self.submit(token="hl_not-a-real-token"), grpc.StatusCode.UNAUTHENTICATED)
        bad_scheme = lambda: self.intake.SubmitReport(  # noqa: E731
            submit_request(), metadata=[("authorization", "Basic Zm9vOmJhcg==")], timeout=10)
        self.refused(bad_scheme, grpc.StatusCode.UNAUTHENTICATED, "Bearer")

    def test_revoked_token_is_refused_at_once(self):
        token = self.server.issue_token("operator", "op-leaving")
        listed = self.intake.ListCases(intake_pb2.ListCasesRequest(), metadata=metadata(token),
                                       timeout=10)
        self.assertEqual(len(listed.cases), 0)
        self.server.revoke_tokens("op-leaving")
        self.refused(self.submit(token=token), grpc.StatusCode.UNAUTHENTICATED)
        list_call = lambda: self.intake.ListCases(  # noqa: E731
            intake_pb2.ListCasesRequest(), metadata=metadata(token), timeout=10)
        self.refused(list_call, grpc.StatusCode.UNAUTHENTICATED)

    def test_agency_may_not_submit(self):
        self.refused(self.submit(token=self.agency), grpc.StatusCode.PERMISSION_DENIED,
                     "SubmitReport", "agency")

    def test_auditor_may_not_submit(self):
        self.refused(self.submit(token=self.aud), grpc.StatusCode.PERMISSION_DENIED,
                     "SubmitReport", "auditor")

    def test_operator_may_not_close(self):
        req = intake_pb2.CloseCaseRequest(case_number=self.case.case_number, outcome="resolved",
                                          withdraw_open_assignments=True)
        call = lambda: self.intake.CloseCase(req, metadata=metadata(self.op), timeout=10)  # noqa
        self.refused(call, grpc.StatusCode.PERMISSION_DENIED, "CloseCase", "operator")

    def test_agency_may_not_read_cases_of_other_desks(self):
        # A case routed only to 东城区 (110101) desks does not exist for 朝阳's police: the
        # answer is word for word the one for a case number that was never issued.
        other = self.intake.SubmitReport(submit_request(sample_report(jurisdiction="110101")),
                                         metadata=metadata(self.op), timeout=10)
        self.assertNotIn("police-110105", [a.desk_id for a in other.assignments])
        req = intake_pb2.GetCaseRequest(case_number=other.case_number)
        call = lambda: self.intake.GetCase(req, metadata=metadata(self.agency), timeout=10)  # noqa
        hidden = self.refused(call, grpc.StatusCode.NOT_FOUND, other.case_number)
        missing_number = "HL-2000-999999"
        req = intake_pb2.GetCaseRequest(case_number=missing_number)
        missing = self.refused(call, grpc.StatusCode.NOT_FOUND, missing_number)
        self.assertEqual(hidden.replace(other.case_number, "N"), missing.replace(missing_number, "N"))

    # --- desk actions -------------------------------------------------------------------

    def test_desk_actions_check_their_fields_before_the_assignment(self):
        # Each desk action through the real server: a bad field is INVALID_ARGUMENT naming it,
        # and the assignment (the agency's own, pending) is left as it was.
        desk = self.server.desk()
        aid = next(a.id for a in self.case.assignments if a.desk_id == "police-110105")
        calls = {
            "Acknowledge": (desk.Acknowledge, desk_pb2.AcknowledgeRequest(assignment_id=0),
                            "assignment_id"),
            "PostUpdate": (desk.PostUpdate,
                           desk_pb2.PostUpdateRequest(
                               assignment_id=aid, kind=desk_pb2.UPDATE_KIND_INVESTIGATION_FINDING,
                               text=""),
                           "text"),
            "Decline": (desk.Decline, desk_pb2.DeclineRequest(assignment_id=aid, reason=""),
                        "reason"),
            "Decline, no id": (desk.Decline,
                               desk_pb2.DeclineRequest(assignment_id=-5, reason="not ours"),
                               "assignment_id"),
            "Transfer": (desk.Transfer,
                         desk_pb2.TransferRequest(assignment_id=aid, to_desk_id="", reason="x"),
                         "to_desk_id"),
            "Resolve": (desk.Resolve,
                        desk_pb2.ResolveRequest(assignment_id=aid, outcome="", summary="done"),
                        "outcome"),
        }
        for name, (rpc, request, field) in calls.items():
            with self.subTest(name):
                call = lambda: rpc(request, metadata=metadata(self.agency), timeout=10)  # noqa
                self.refused(call, INVALID, field)
        case = self.intake.GetCase(intake_pb2.GetCaseRequest(case_number=self.case.case_number),
                                   metadata=metadata(self.op), timeout=10)
        status = next(a.status for a in case.assignments if a.id == aid)
        self.assertEqual(status, case_pb2.ASSIGNMENT_STATUS_PENDING)

    def test_every_service_checks_the_fields_it_is_sent(self):
        # One bad field per call, through the real server: the service's own validation
        # answers INVALID_ARGUMENT naming the field, before any lookup or write. Each field is
        # one only the service checks (a malformed case number would otherwise be NOT_FOUND),
        # so the test fails if a service stops calling its validator.
        desk, admin = self.server.desk(), self.server.admin()
        inquiry = case_pb2.Inquiry(channel=case_pb2.CHANNEL_PHONE, topic="guardianship",
                                   question="", answer="the civil affairs office explains it")
        calls = [
            ("SubmitInquiry", self.op, "inquiry.question", self.intake.SubmitInquiry,
             intake_pb2.SubmitInquiryRequest(request_id="bad-inquiry-1", inquiry=inquiry)),
            ("AddNote", self.op, "case_number", self.intake.AddNote,
             intake_pb2.AddNoteRequest(case_number="HL-26-1", text="called back")),
            ("CloseCase", self.sup, "case_number", self.intake.CloseCase,
             intake_pb2.CloseCaseRequest(case_number="HL-26-1", outcome="referred")),
            ("GetCaseHistory", self.sup, "case_number", self.intake.GetCaseHistory,
             intake_pb2.GetCaseHistoryRequest(case_number="HL-26-1")),
            ("ReopenCase", self.sup, "case_number", self.intake.ReopenCase,
             intake_pb2.ReopenCaseRequest(case_number="HL-26-1", reason="the child is back")),
            ("RecordFeedback", self.op, "case_number", self.intake.RecordFeedback,
             intake_pb2.RecordFeedbackRequest(case_number="HL-26-1", note="told the caller")),
            ("ListCaseAccess", self.sup, "case_number", self.intake.ListCaseAccess,
             intake_pb2.ListCaseAccessRequest(case_number="case 1")),
            ("ExplainRoute", self.sup, "report.categories", admin.ExplainRoute,
             admin_pb2.ExplainRouteRequest(report=sample_report(categories=()))),
            ("ListAssignments", self.agency, "page_size", desk.ListAssignments,
             desk_pb2.ListAssignmentsRequest(page_size=501)),
            ("GetAssignment", self.agency, "assignment_id", desk.GetAssignment,
             desk_pb2.GetAssignmentRequest(assignment_id=0)),
            ("WatchAssignments", self.agency, "heartbeat_seconds",
             lambda req, **kw: next(desk.WatchAssignments(req, **kw)),
             desk_pb2.WatchAssignmentsRequest(heartbeat_seconds=301)),
        ]
        for name, token, field, rpc, request in calls:
            with self.subTest(name):
                call = lambda: rpc(request, metadata=metadata(token), timeout=10)  # noqa
                self.refused(call, INVALID, field)

    def test_a_draft_with_a_key_of_40000_parts_is_refused_and_the_server_lives(self):
        # toml++ nests a table per part of a dotted key, recursively: this two-line draft,
        # which any operator may send to ExplainRoute, overflowed the server's stack.
        admin = self.server.admin()
        draft = 'version = "x"\n' + ".".join(["a"] * 40000) + " = 1\n"
        for token, rpc, request in [
                (self.op, admin.ExplainRoute,
                 admin_pb2.ExplainRouteRequest(report=sample_report(), draft_text=draft)),
                (self.sup, admin.ValidateRoutingTable,
                 admin_pb2.ValidateRoutingTableRequest(text=draft))]:
            with self.subTest(type(request).__name__):
                try:
                    reply = rpc(request, metadata=metadata(token), timeout=10)
                except grpc.RpcError as e:
                    self.assertEqual(e.code(), INVALID, e.details())
                    self.assertIn("draft_text:2: a key has more than 16 dotted parts",
                                  e.details())
                else:  # Validate answers with diagnostics
                    self.assertFalse(reply.ok)
                    self.assertEqual([(d.line, d.message) for d in reply.diagnostics],
                                     [(2, "a key has more than 16 dotted parts; each part nests "
                                          "a table, and no more are taken")])
        self.assertTrue(self.server.running())
        self.submit()

    # --- reading ------------------------------------------------------------------------

    def test_page_size_1000(self):
        req = intake_pb2.ListCasesRequest(page_size=1000)
        call = lambda: self.intake.ListCases(req, metadata=metadata(self.sup), timeout=10)  # noqa
        self.refused(call, INVALID, "page_size")

    def test_malformed_page_token(self):
        req = intake_pb2.ListCasesRequest(page_token="not-a-token!")
        call = lambda: self.intake.ListCases(req, metadata=metadata(self.sup), timeout=10)  # noqa
        self.refused(call, INVALID, "page_token")

    def test_malformed_case_number(self):
        req = intake_pb2.GetCaseRequest(case_number="XX-1")
        call = lambda: self.intake.GetCase(req, metadata=metadata(self.sup), timeout=10)  # noqa
        self.refused(call, INVALID, "case_number")

    def test_other_operators_case_is_not_found(self):
        number = self.case.case_number
        req = intake_pb2.GetCaseRequest(case_number=number)
        # The owner and a supervisor see it; another operator gets NOT_FOUND, like for a case
        # that does not exist.
        self.intake.GetCase(req, metadata=metadata(self.op), timeout=10)
        self.intake.GetCase(req, metadata=metadata(self.sup), timeout=10)
        call = lambda: self.intake.GetCase(req, metadata=metadata(self.op2), timeout=10)  # noqa
        self.refused(call, grpc.StatusCode.NOT_FOUND, number)
        history = intake_pb2.GetCaseHistoryRequest(case_number=number)
        call = lambda: self.intake.GetCaseHistory(  # noqa: E731
            history, metadata=metadata(self.op2), timeout=10)
        self.refused(call, grpc.StatusCode.NOT_FOUND, number)
        note = intake_pb2.AddNoteRequest(case_number=number, text="not mine")
        call = lambda: self.intake.AddNote(note, metadata=metadata(self.op2), timeout=10)  # noqa
        self.refused(call, grpc.StatusCode.NOT_FOUND, number)
        missing = intake_pb2.GetCaseRequest(case_number=number[:8] + "999999")
        call = lambda: self.intake.GetCase(missing, metadata=metadata(self.sup), timeout=10)  # noqa
        self.refused(call, grpc.StatusCode.NOT_FOUND)

    # --- the same through the CLI -------------------------------------------------------

    def cli_refused(self, args, token, code, *words, rc=1):
        before = self.server.count_events()
        r = self.server.cli(args, token=token)
        self.assertEqual(r.rc, rc, r.describe())
        self.assertEqual(r.stdout, "", r.describe())
        err = r.error()
        self.assertIsNotNone(err, "stderr is not one line 'hotline: CODE: message'\n" +
                             r.describe())
        self.assertEqual(err[0], code, r.describe())
        for word in words:
            self.assertIn(word, err[1], r.describe())
        self.assertEqual(self.server.count_events(), before)

    def report_args(self, **changes):
        args = {"--category": "begging", "--urgency": "urgent", "--jurisdiction": "110105",
                "--child-age": "9", "--narrative": "a child begging",
                "--reporter-phone": "13700000002"}
        args.update(changes)
        out = ["report"]
        for k, v in args.items():
            out += [k, v]
        return out

    def test_cli_unknown_jurisdiction(self):
        self.cli_refused(self.report_args(**{"--jurisdiction": "310101"}), self.op,
                         "INVALID_ARGUMENT", "report.children[0].jurisdiction_code", "310101")

    def test_cli_age_19(self):
        self.cli_refused(self.report_args(**{"--child-age": "19"}), self.op, "INVALID_ARGUMENT",
                         "report.children[0].age")

    def test_cli_garbage_token(self):
        self.cli_refused(self.report_args(), "hl_garbage", "UNAUTHENTICATED")

    def test_cli_agency_may_not_list(self):
        self.cli_refused(["case", "list"], self.agency, "PERMISSION_DENIED", "ListCases")

    def test_cli_other_operators_case(self):
        self.cli_refused(["case", "show", self.case.case_number], self.op2, "NOT_FOUND",
                         self.case.case_number)

    def test_cli_usage_error_exits_2(self):
        before = self.server.count_events()
        r = self.server.cli(self.report_args(**{"--urgency": "whenever"}), token=self.op)
        self.assertEqual(r.rc, 2, r.describe())
        self.assertIn("whenever", r.stderr, r.describe())
        self.assertEqual(self.server.count_events(), before)


if __name__ == "__main__":
    unittest.main()
