"""The Desk service against a real `hotlined` (proto/hotline/v1/desk.proto).

StreamResumeTest: 1,000 reports from 4 concurrent submitters while one watcher follows two
desks, disconnects every 150 events and resumes from its last cursor, across one server
restart: every "assignment.created" of its desks arrives exactly once, in seq order, and they
are exactly the assignments of those desks in the database.

DeskLifecycleTest (one shared server): heartbeats; decline re-routing (next target of the
rule, skipping desks at work, else the centre; the centre cannot decline); transfer; illegal
transitions (FAILED_PRECONDITION naming the current status, nothing stored); the case status
following its assignments through close and reopen; feedback due to the reporter (art. 37);
"case.viewed" access events; and that no Desk answer, and no log line, carries the reporter's
name or phone (art. 74).
"""

import sys
import threading
import time
import unittest

import grpc

from harness import (Server, case_pb2, desk_pb2, desk_pb2_grpc, intake_pb2, intake_pb2_grpc,
                     metadata, sample_report, submit_request)

T = 10  # seconds per unary call
S = case_pb2  # statuses and enums

PENDING = S.ASSIGNMENT_STATUS_PENDING
ACKNOWLEDGED = S.ASSIGNMENT_STATUS_ACKNOWLEDGED
RESOLVED = S.ASSIGNMENT_STATUS_RESOLVED
DECLINED = S.ASSIGNMENT_STATUS_DECLINED
TRANSFERRED = S.ASSIGNMENT_STATUS_TRANSFERRED

FAILED_PRECONDITION = grpc.StatusCode.FAILED_PRECONDITION
RETRYABLE = {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED, grpc.StatusCode.UNKNOWN,
             grpc.StatusCode.INTERNAL, grpc.StatusCode.DEADLINE_EXCEEDED}


def status_name(value):
    return S.AssignmentStatus.Name(value)


# --- 1,000 reports, a watcher that keeps reconnecting, one restart ----------------------------

WATCHED = ["police-110105", "community-110105001001"]
# (categories, urgency, jurisdiction, desks the report reaches); 4 of every 5 reports give the
# watched desks 4 assignments in all, the rest go to other desks (gaps in the watched seqs).
LOAD_MIX = [
    (("begging",), "urgent", "110105", {"police-110105"}),
    (("begging",), "urgent", "110101", {"police-110101"}),
    (("left_behind",), "routine", "110105001001", {"community-110105001001"}),
    (("dropout",), "routine", "110105002002", {"school-110105", "community-110105002002"}),
    (("other",), "immediate_danger", "110105001001", {"police-110105", "community-110105001001"}),
]
REPORTS = 1000
SUBMITTERS = 4
RECONNECT_EVERY = 150


class Watcher(threading.Thread):
    """Follows WatchAssignments, cancels and resumes from its last cursor every `every`
    events, and reconnects (to the server's current address) when the stream breaks."""

    def __init__(self, server, token, desks, every):
        super().__init__(daemon=True)
        self.server, self.token, self.desks, self.every = server, token, desks, every
        self.cursor = ""
        self.events = []           # AssignmentEvent, in arrival order
        self.voluntary = 0         # reconnects after cancelling on purpose
        self.since_reconnect = 0   # events since the last reconnect on purpose
        self.dropped = 0           # streams the server ended (restart)
        self.errors = []           # anything else
        self.stop = threading.Event()
        self.lock = threading.Lock()

    def run(self):
        while not self.stop.is_set():
            channel = grpc.insecure_channel(self.server.address)
            stub = desk_pb2_grpc.DeskStub(channel)
            request = desk_pb2.WatchAssignmentsRequest(desk_ids=self.desks,
                                                       after_cursor=self.cursor,
                                                       heartbeat_seconds=1)
            call = stub.WatchAssignments(request, metadata=metadata(self.token))
            cancelled = False
            try:
                for message in call:
                    if message.HasField("event"):
                        with self.lock:
                            self.events.append(message.event)
                        self.since_reconnect += 1
                    self.cursor = message.cursor
                    if self.since_reconnect >= self.every or self.stop.is_set():
                        cancelled = True
                        call.cancel()
                        if self.since_reconnect >= self.every:
                            self.voluntary += 1
                            self.since_reconnect = 0
                        break
            except grpc.RpcError as e:
                if not (cancelled and e.code() == grpc.StatusCode.CANCELLED):
                    if e.code() in RETRYABLE:
                        self.dropped += 1
                    else:
                        self.errors.append(f"{e.code()}: {e.details()}")
                    time.sleep(0.1)
            finally:
                channel.close()

    def created(self):
        with self.lock:
            return [e for e in self.events if e.type == "assignment.created"]


class StreamResumeTest(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        self.server = Server(name="desk-load", log_level="info")
        self.addCleanup(self.server.close)
        s = self.server
        self.ops = [s.issue_token("operator", f"op-load-{k}") for k in range(SUBMITTERS)]
        self.agency = s.issue_token("agency", "chaoyang-load", desks=WATCHED)
        s.start()
        self.submitted = 0
        self.lock = threading.Lock()
        self.failures = []

    def submitter(self, k, count):
        channel, address = None, None
        try:
            for n in range(count):
                categories, urgency, jurisdiction, desks = LOAD_MIX[(k * count + n) % len(LOAD_MIX)]
                request = submit_request(sample_report(categories=categories, urgency=urgency,
                                                       jurisdiction=jurisdiction, age=10),
                                         request_id=f"load-{k}-{n}")
                deadline = time.monotonic() + 60
                while True:
                    if address != self.server.address:
                        if channel is not None:
                            channel.close()
                        address = self.server.address
                        channel = grpc.insecure_channel(address)
                    try:
                        case = intake_pb2_grpc.IntakeStub(channel).SubmitReport(
                            request, metadata=metadata(self.ops[k]), timeout=T)
                        break
                    except grpc.RpcError as e:
                        if e.code() not in RETRYABLE or time.monotonic() > deadline:
                            raise
                        time.sleep(0.05)
                got = {a.desk_id for a in case.assignments}
                if got != desks:
                    self.failures.append(f"{case.case_number} routed to {got}, not {desks}")
                with self.lock:
                    self.submitted += 1
        except Exception as e:  # noqa: BLE001 - reported by the test
            self.failures.append(f"submitter {k}: {e!r}")
        finally:
            if channel is not None:
                channel.close()

    def test_every_created_event_exactly_once_across_reconnects_and_a_restart(self):
        watcher = Watcher(self.server, self.agency, WATCHED, RECONNECT_EVERY)
        watcher.start()
        threads = [threading.Thread(target=self.submitter, args=(k, REPORTS // SUBMITTERS))
                   for k in range(SUBMITTERS)]
        for t in threads:
            t.start()
        # Restart the server half-way through the load.
        deadline = time.monotonic() + 60
        while self.submitted < REPORTS // 2 and time.monotonic() < deadline and \
                any(t.is_alive() for t in threads):
            time.sleep(0.01)
        seen_at_restart = len(watcher.created())
        self.server.restart()
        for t in threads:
            t.join(timeout=120)
        self.assertEqual(self.failures, [])
        self.assertEqual(self.submitted, REPORTS)
        voluntary_during_load = watcher.voluntary

        expected = {row[0] for row in self.server.query(
            "SELECT id FROM assignments WHERE desk_id IN (?, ?)", tuple(WATCHED))}
        self.assertEqual(self.server.query("SELECT COUNT(*) FROM cases")[0][0], REPORTS)
        self.assertEqual(len(expected), REPORTS // len(LOAD_MIX) * 4)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and \
                not expected <= {e.assignment.id for e in watcher.created()}:
            time.sleep(0.05)
        time.sleep(1.5)  # room for a duplicate or a stray event to arrive
        watcher.stop.set()
        watcher.join(timeout=10)
        self.assertFalse(watcher.is_alive(), "the watcher did not stop")

        self.assertEqual(watcher.errors, [])
        created = watcher.created()
        ids = [e.assignment.id for e in created]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        self.assertEqual(duplicates, [], "assignments delivered more than once")
        self.assertEqual(sorted(expected - set(ids)), [], "assignments never delivered")
        self.assertEqual(sorted(set(ids) - expected), [], "delivered assignments of other desks")
        seqs = [e.seq for e in watcher.events]
        regressions = [(a, b) for a, b in zip(seqs, seqs[1:]) if b <= a]
        self.assertEqual(regressions[:5], [], "seqs not strictly increasing")
        self.assertEqual({e.type for e in watcher.events}, {"assignment.created"})
        for e in created:
            self.assertIn(e.assignment.desk_id, WATCHED)
            self.assertEqual(e.assignment.status, PENDING)
            self.assertEqual(e.case_summary.case_number, e.assignment.case_number)
        # The resume really happened: on purpose several times during the load, and once
        # because the server went away, with events seen before and after it.
        self.assertGreaterEqual(voluntary_during_load, 2, "too few reconnects during the load")
        self.assertEqual(watcher.voluntary, len(expected) // RECONNECT_EVERY)
        self.assertGreaterEqual(watcher.dropped, 1, "the restart did not break the stream")
        print(f"\ntest_desk: {len(expected)} events, {watcher.voluntary} reconnects "
              f"({voluntary_during_load} during the load), {watcher.dropped} dropped streams, "
              f"{seen_at_restart} events seen before the restart", file=sys.stderr)
        self.assertGreater(seen_at_restart, 0)
        self.assertLess(seen_at_restart, len(expected))

    def test_cancelled_streams_do_not_block_shutdown(self):
        # Watchers that hang up while events keep coming (cursor-resuming clients do that all
        # the time) must not keep the server from stopping: SIGTERM ends it within
        # shutdown_grace_seconds (2 in the harness) plus a margin.
        stop = threading.Event()
        opened = [0]

        def submit(k):
            channel = grpc.insecure_channel(self.server.address)
            stub = intake_pb2_grpc.IntakeStub(channel)
            n = 0
            while not stop.is_set():
                n += 1
                stub.SubmitReport(submit_request(sample_report(), request_id=f"cancel-{k}-{n}"),
                                  metadata=metadata(self.ops[k]), timeout=T)
            channel.close()

        def watch():
            channel = grpc.insecure_channel(self.server.address)
            stub = desk_pb2_grpc.DeskStub(channel)
            cursor = ""
            while not stop.is_set():
                call = stub.WatchAssignments(
                    desk_pb2.WatchAssignmentsRequest(after_cursor=cursor, heartbeat_seconds=1),
                    metadata=metadata(self.agency))
                opened[0] += 1
                try:
                    for i, m in enumerate(call):
                        cursor = m.cursor
                        if i == 3:
                            break
                except grpc.RpcError:
                    pass
                call.cancel()
            channel.close()

        threads = [threading.Thread(target=submit, args=(k,)) for k in range(2)]
        threads += [threading.Thread(target=watch) for _ in range(3)]
        for t in threads:
            t.start()
        time.sleep(3)
        stop.set()
        for t in threads:
            t.join(timeout=20)
        self.assertGreater(opened[0], 20)
        started = time.monotonic()
        self.assertEqual(self.server.stop(timeout=10), 0,
                         f"hotlined after {opened[0]} cancelled streams")
        self.assertLess(time.monotonic() - started, 10)


# --- the life of assignments on one server ---------------------------------------------------

REPORTER_NAME = "张三举报人"
REPORTER_PHONE = "13912345678"


class DeskLifecycleTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.server = Server(name="desk")
        cls.addClassCleanup(cls.server.close)
        s = cls.server
        cls.names = {}

        def token(role, name, desks=()):
            cls.names[name] = role
            return s.issue_token(role, name, desks=desks)

        cls.op = token("operator", "op-desk")
        cls.op_fb = token("operator", "op-feedback")
        cls.op_other = token("operator", "op-other")
        cls.sup = token("supervisor", "sup-desk")
        cls.aud = token("auditor", "aud-desk")
        cls.chaoyang = token("agency", "police-chaoyang", ["police-110105"])
        cls.dongcheng = token("agency", "police-dongcheng", ["police-110101"])
        cls.school = token("agency", "school-chaoyang", ["school-110105"])
        cls.yabaoli = token("agency", "community-yabaoli", ["community-110105002002"])
        s.start()
        cls.intake = s.intake()
        cls.desk = s.desk()

    # --- helpers ------------------------------------------------------------------------

    def submit(self, token=None, reporter_name="", **report):
        r = sample_report(**report)
        if reporter_name:
            r.reporter.name = reporter_name
        return self.intake.SubmitReport(submit_request(r), metadata=metadata(token or self.op),
                                        timeout=T)

    def begging(self, token=None, **kw):
        case = self.submit(token, **kw)
        self.assertEqual([(a.desk_id, a.status, a.rule_id) for a in case.assignments],
                         [("police-110105", PENDING, "begging")])
        return case

    def dropout(self):
        case = self.submit(categories=("dropout",), urgency="routine",
                           jurisdiction="110105002002", age=14)
        self.assertEqual(sorted((a.desk_id, a.status, a.rule_id) for a in case.assignments),
                         [("community-110105002002", PENDING, "dropout"),
                          ("school-110105", PENDING, "dropout")])
        self.assertEqual(case.status, S.CASE_STATUS_ROUTED)
        return case, {a.desk_id: a.id for a in case.assignments}

    def get_case(self, number, token=None):
        return self.intake.GetCase(intake_pb2.GetCaseRequest(case_number=number),
                                   metadata=metadata(token or self.sup), timeout=T)

    def history_types(self, number):
        h = self.intake.GetCaseHistory(intake_pb2.GetCaseHistoryRequest(case_number=number),
                                       metadata=metadata(self.sup), timeout=T)
        return [e.type for e in h.events]

    def ack(self, aid, token):
        return self.desk.Acknowledge(desk_pb2.AcknowledgeRequest(assignment_id=aid),
                                     metadata=metadata(token), timeout=T)

    def update(self, aid, token, kind=desk_pb2.UPDATE_KIND_INVESTIGATION_FINDING,
               text="the child begs with an adult who is not a relative"):
        return self.desk.PostUpdate(desk_pb2.PostUpdateRequest(assignment_id=aid, kind=kind,
                                                               text=text),
                                    metadata=metadata(token), timeout=T)

    def resolve(self, aid, token, outcome="child_safe"):
        return self.desk.Resolve(desk_pb2.ResolveRequest(assignment_id=aid, outcome=outcome,
                                                         summary="the child is back home"),
                                 metadata=metadata(token), timeout=T)

    def decline(self, aid, token, reason="not a matter for this desk"):
        return self.desk.Decline(desk_pb2.DeclineRequest(assignment_id=aid, reason=reason),
                                 metadata=metadata(token), timeout=T)

    def transfer(self, aid, token, to, reason="the family lives in 东城"):
        return self.desk.Transfer(desk_pb2.TransferRequest(assignment_id=aid, to_desk_id=to,
                                                           reason=reason),
                                  metadata=metadata(token), timeout=T)

    def refused(self, call, code, *words):
        """call() fails with `code`, its message contains every word (case-insensitively),
        and nothing is stored."""
        before = self.server.count_events()
        with self.assertRaises(grpc.RpcError) as caught:
            call()
        e = caught.exception
        details = e.details() or ""
        self.assertEqual(e.code(), code, details)
        for word in words:
            self.assertIn(word.lower(), details.lower(), f"{details!r} does not name {word!r}")
        self.assertEqual(self.server.count_events(), before, "a refused call stored events")
        return details

    def watch(self, token, desks=(), after="", heartbeat=1, until_heartbeat=True, limit=15):
        """Messages of one stream up to and including its first heartbeat."""
        call = self.desk.WatchAssignments(
            desk_pb2.WatchAssignmentsRequest(desk_ids=list(desks), after_cursor=after,
                                             heartbeat_seconds=heartbeat),
            metadata=metadata(token), timeout=limit)
        messages = []
        try:
            for m in call:
                messages.append((time.monotonic(), m))
                if until_heartbeat and m.HasField("heartbeat"):
                    break
        finally:
            call.cancel()
        return messages

    # --- heartbeats ---------------------------------------------------------------------

    def test_heartbeat_on_an_idle_stream(self):
        case = self.submit(categories=("dropout",), urgency="routine",
                           jurisdiction="110101001001", age=12)
        school = [a for a in case.assignments if a.desk_id == "school-110101"]
        self.assertEqual(len(school), 1, case.assignments)
        call = self.desk.WatchAssignments(
            desk_pb2.WatchAssignmentsRequest(desk_ids=["school-110101"], heartbeat_seconds=1),
            metadata=metadata(self.sup), timeout=15)
        got = []
        try:
            for m in call:
                got.append((time.monotonic(), m))
                if sum(1 for _, x in got if x.HasField("heartbeat")) == 2:
                    break
        finally:
            call.cancel()
        kinds = [m.WhichOneof("kind") for _, m in got]
        self.assertEqual(kinds, ["event", "heartbeat", "heartbeat"])
        (t0, event), (t1, beat1), (t2, beat2) = got
        self.assertEqual(event.event.assignment.id, school[0].id)
        self.assertLess(t1 - t0, 3.0, "no heartbeat within 3 s of silence")
        self.assertLess(t2 - t1, 3.0)
        self.assertGreater(t2 - t1, 0.5, "heartbeats faster than heartbeat_seconds")
        self.assertEqual(beat1.cursor, event.cursor, "a heartbeat repeats the last cursor")
        self.assertEqual(beat2.cursor, event.cursor)
        # Resuming from that cursor: nothing more for this desk, only heartbeats.
        again = self.watch(self.sup, ["school-110101"], after=beat2.cursor)
        self.assertEqual([m.WhichOneof("kind") for _, m in again], ["heartbeat"])

    def test_heartbeat_on_a_desk_without_events(self):
        start = time.monotonic()
        got = self.watch(self.sup, ["community-110101002002"])
        self.assertEqual([m.WhichOneof("kind") for _, m in got], ["heartbeat"])
        self.assertLess(got[0][0] - start, 3.0)

    def test_a_revoked_token_ends_its_open_stream(self):
        name = "police-chaoyang-leaver"
        token = self.server.issue_token("agency", name, desks=["police-110105"])
        call = self.desk.WatchAssignments(desk_pb2.WatchAssignmentsRequest(heartbeat_seconds=1),
                                          metadata=metadata(token), timeout=20)
        after_revoke = []
        with self.assertRaises(grpc.RpcError) as ended:
            revoked_at = None
            for m in call:
                if revoked_at is not None:
                    after_revoke.append(m)
                elif m.HasField("heartbeat"):  # caught up: revoke, then route a case to it
                    self.server.revoke_tokens(name)
                    revoked_at = time.monotonic()
                    case = self.begging()
        call.cancel()
        e = ended.exception
        self.assertEqual(e.code(), grpc.StatusCode.UNAUTHENTICATED, e.details())
        self.assertIn("revoked", e.details())
        self.assertLess(time.monotonic() - revoked_at, 5.0, "the stream outlived its token")
        self.assertEqual([m for m in after_revoke if m.HasField("event")], [],
                         f"events sent after the revocation (case {case.case_number})")

    def test_unknown_cursor_is_invalid_argument(self):
        self.refused(lambda: self.watch(self.sup, ["center"], after="not-a-cursor"),
                     grpc.StatusCode.INVALID_ARGUMENT, "after_cursor")

    # --- decline ------------------------------------------------------------------------

    def test_decline_by_police_goes_to_the_centre_which_cannot_decline(self):
        # Rule "begging" has a single target (type police): after police-110105 declines,
        # nothing of the rule is left, so the centre desk takes it.
        case = self.begging()
        old = case.assignments[0]
        change = self.decline(old.id, self.chaoyang, "the child is with its mother, no begging")
        self.assertEqual((change.assignment.id, change.assignment.status), (old.id, DECLINED))
        s = change.successor
        self.assertEqual((s.desk_id, s.status, s.replaces_assignment_id, s.case_number),
                         ("center", PENDING, old.id, case.case_number))
        self.assertNotEqual(s.id, old.id)
        for word in ("declined", "police-110105", "begging"):
            self.assertIn(word, s.resolution.lower(), f"successor resolution {s.resolution!r}")
        self.assertEqual(change.case_status, S.CASE_STATUS_ROUTED)
        stored = self.get_case(case.case_number)
        self.assertEqual([(a.id, a.desk_id, a.status) for a in stored.assignments],
                         [(old.id, "police-110105", DECLINED), (s.id, "center", PENDING)])
        types = self.history_types(case.case_number)
        self.assertEqual(types[-2:], ["assignment.declined", "assignment.created"])
        # The centre with nothing after it cannot decline; the declined one stays declined.
        self.refused(lambda: self.decline(s.id, self.sup), FAILED_PRECONDITION)
        self.refused(lambda: self.decline(old.id, self.chaoyang), FAILED_PRECONDITION, "declined")
        self.refused(lambda: self.ack(old.id, self.chaoyang), FAILED_PRECONDITION, "declined")
        self.assertEqual([a.status for a in self.get_case(case.case_number).assignments],
                         [DECLINED, PENDING])

    def test_decline_goes_to_the_next_target_of_the_rule(self):
        # Rule "dropout" targets [school, community]. Once the community worker has finished
        # (resolved), a decline by the school hands the case to the community desk again.
        case, ids = self.dropout()
        self.ack(ids["community-110105002002"], self.yabaoli)
        self.resolve(ids["community-110105002002"], self.yabaoli)
        change = self.decline(ids["school-110105"], self.school, "the boy is not enrolled here")
        s = change.successor
        self.assertEqual((s.desk_id, s.status, s.replaces_assignment_id),
                         ("community-110105002002", PENDING, ids["school-110105"]))
        for word in ("declined", "school-110105", "dropout"):
            self.assertIn(word, s.resolution.lower(), f"successor resolution {s.resolution!r}")

    def test_decline_skips_desks_already_working_on_the_case(self):
        # The community desk still holds its own assignment: the centre gets the school's.
        case, ids = self.dropout()
        change = self.decline(ids["school-110105"], self.school)
        s = change.successor
        self.assertEqual((s.desk_id, s.status, s.replaces_assignment_id),
                         ("center", PENDING, ids["school-110105"]))
        for word in ("declined", "school-110105", "dropout"):
            self.assertIn(word, s.resolution.lower(), f"successor resolution {s.resolution!r}")

    # --- transfer -----------------------------------------------------------------------

    def test_transfer_moves_the_work_to_the_other_desk(self):
        case = self.begging(jurisdiction="110105")
        old = case.assignments[0]
        self.ack(old.id, self.chaoyang)
        change = self.transfer(old.id, self.chaoyang, "police-110101")
        self.assertEqual(change.assignment.status, TRANSFERRED)
        new = change.successor
        self.assertEqual((new.desk_id, new.status, new.replaces_assignment_id),
                         ("police-110101", PENDING, old.id))
        self.assertIn("transfer", new.resolution.lower(), new.resolution)
        stored = self.get_case(case.case_number)
        self.assertEqual([(a.id, a.desk_id, a.status) for a in stored.assignments],
                         [(old.id, "police-110105", TRANSFERRED), (new.id, "police-110101", PENDING)])
        # The target desk sees it and can act on it.
        got = self.desk.GetAssignment(desk_pb2.GetAssignmentRequest(assignment_id=new.id),
                                      metadata=metadata(self.dongcheng), timeout=T)
        self.assertEqual((got.assignment.desk_id, got.assignment.status), ("police-110101", PENDING))
        listed = self.desk.ListAssignments(
            desk_pb2.ListAssignmentsRequest(statuses=[PENDING], page_size=500),
            metadata=metadata(self.dongcheng), timeout=T)
        self.assertIn(new.id, [a.assignment.id for a in listed.assignments])
        # The old desk can no longer act: its own assignment is final, the new one is not its.
        self.refused(lambda: self.ack(new.id, self.chaoyang), grpc.StatusCode.NOT_FOUND)
        self.refused(lambda: self.desk.GetAssignment(
            desk_pb2.GetAssignmentRequest(assignment_id=new.id), metadata=metadata(self.chaoyang),
            timeout=T), grpc.StatusCode.NOT_FOUND)
        self.refused(lambda: self.resolve(old.id, self.chaoyang), FAILED_PRECONDITION, "transferred")
        self.refused(lambda: self.transfer(new.id, self.dongcheng, "police-110101"),
                     grpc.StatusCode.INVALID_ARGUMENT, "to_desk_id")
        self.assertEqual(self.ack(new.id, self.dongcheng).assignment.status, ACKNOWLEDGED)

    def test_a_desk_that_handed_a_case_on_no_longer_reads_it(self):
        # Need to know (art. 74): the old desk reads its own hand-off and its updates, not the
        # case as it goes on (before, it read the live case, notes and all, until the purge).
        case = self.begging(jurisdiction="110105")
        old = case.assignments[0]
        self.ack(old.id, self.chaoyang)
        self.update(old.id, self.chaoyang, text="met the child at the station")
        self.assertEqual(self.get_case(case.case_number, self.chaoyang).case_number,
                         case.case_number)  # the control: it reads it while it holds it
        new = self.transfer(old.id, self.chaoyang, "police-110101").successor
        number = case.case_number
        details = self.refused(lambda: self.get_case(number, self.chaoyang),
                               grpc.StatusCode.NOT_FOUND)
        self.assertEqual(details, f"case {number} not found")  # as for a case that does not exist
        own = self.desk.GetAssignment(desk_pb2.GetAssignmentRequest(assignment_id=old.id),
                                      metadata=metadata(self.chaoyang), timeout=T)
        self.assertEqual((own.assignment.id, own.assignment.status), (old.id, TRANSFERRED))
        self.assertEqual([u.text for u in own.updates], ["met the child at the station"])
        self.assertFalse(own.HasField("case"))
        # The desk that took it over reads the case; once it resolved it, it still does
        # (it follows the case up, art. 37).
        self.ack(new.id, self.dongcheng)
        self.resolve(new.id, self.dongcheng)
        self.assertEqual(self.get_case(number, self.dongcheng).case_number, number)
        got = self.desk.GetAssignment(desk_pb2.GetAssignmentRequest(assignment_id=new.id),
                                      metadata=metadata(self.dongcheng), timeout=T)
        self.assertEqual(got.case.case_number, number)

    def accesses(self, number):
        return [(a.actor, a.role, a.rpc) for a in self.intake.ListCaseAccess(
            intake_pb2.ListCaseAccessRequest(case_number=number), metadata=metadata(self.aud),
            timeout=T).accesses]

    def test_review_a_desk_that_handed_on_reads_back_its_own_texts_and_that_is_recorded(self):
        # The reviewer's audit gap: GetAssignment on a transferred hand-off answered every
        # update's text (a supervisor's note too) and recorded no read of the case.
        case = self.begging(jurisdiction="110105")
        number, old = case.case_number, case.assignments[0].id
        self.ack(old, self.chaoyang)
        self.update(old, self.chaoyang, text="met the child at the station")
        self.update(old, self.sup, desk_pb2.UPDATE_KIND_NOTE, "supervisor: the mother is in rehab")
        self.transfer(old, self.chaoyang, "police-110101")
        before = self.accesses(number)
        got = self.desk.GetAssignment(desk_pb2.GetAssignmentRequest(assignment_id=old),
                                      metadata=metadata(self.chaoyang), timeout=T)
        self.assertFalse(got.HasField("case"))
        # What it wrote itself, and that the supervisor posted a note, without the note.
        self.assertEqual([(u.actor, u.kind, u.text) for u in got.updates],
                         [("police-chaoyang", desk_pb2.UPDATE_KIND_INVESTIGATION_FINDING,
                           "met the child at the station"),
                          ("sup-desk", desk_pb2.UPDATE_KIND_NOTE, "")])
        self.assertEqual(self.accesses(number),
                         before + [("police-chaoyang", "agency", "Desk.GetAssignment")],
                         "the texts were answered without a recorded read")
        # The supervisor (still on the case) reads both texts, recorded as before.
        sup = self.desk.GetAssignment(desk_pb2.GetAssignmentRequest(assignment_id=old),
                                      metadata=metadata(self.sup), timeout=T)
        self.assertEqual([u.text for u in sup.updates],
                         ["met the child at the station", "supervisor: the mother is in rehab"])
        self.assertEqual(self.accesses(number)[-1], ("sup-desk", "supervisor", "Desk.GetAssignment"))
        # A hand-off passed on before anything was written on it answers nothing personal, and
        # so is no read of the case.
        other = self.begging(jurisdiction="110105")
        self.transfer(other.assignments[0].id, self.chaoyang, "police-110101")
        before = self.server.count_events()
        bare = self.desk.GetAssignment(
            desk_pb2.GetAssignmentRequest(assignment_id=other.assignments[0].id),
            metadata=metadata(self.chaoyang), timeout=T)
        self.assertEqual((bare.HasField("case"), list(bare.updates)), (False, []))
        self.assertEqual(self.server.count_events(), before)

    def test_review_a_desk_that_handed_on_does_not_learn_how_the_case_goes_on(self):
        # The reviewer's leak: ListAssignments, the stream and a refused action on the old
        # hand-off told the transferring desk that the case was resolved, then closed.
        case = self.begging(jurisdiction="110105")
        number, old = case.case_number, case.assignments[0].id
        new = self.transfer(old, self.chaoyang, "police-110101").successor
        self.ack(new.id, self.dongcheng)
        self.resolve(new.id, self.dongcheng)

        def listed_status(token, aid):
            page = self.desk.ListAssignments(desk_pb2.ListAssignmentsRequest(page_size=500),
                                             metadata=metadata(token), timeout=T)
            return {a.assignment.id: a.case_summary.status for a in page.assignments}[aid]

        def refused_ack():
            details = self.refused(lambda: self.ack(old, self.chaoyang), FAILED_PRECONDITION,
                                   f"assignment {old} is transferred")
            for word in (number, "closed", "resolved"):
                self.assertNotIn(word, details)

        def streamed_statuses(token, desks, aid):
            return {m.event.case_summary.status for _, m in self.watch(token, desks)
                    if m.HasField("event") and m.event.assignment.id == aid}

        for now in (S.CASE_STATUS_RESOLVED, S.CASE_STATUS_CLOSED):
            if now == S.CASE_STATUS_CLOSED:
                self.intake.CloseCase(intake_pb2.CloseCaseRequest(case_number=number,
                                                                  outcome="child_safe"),
                                      metadata=metadata(self.sup), timeout=T)
            self.assertEqual(listed_status(self.chaoyang, old), S.CASE_STATUS_UNSPECIFIED)
            self.assertEqual(listed_status(self.dongcheng, new.id), now)  # the desk that resolved
            refused_ack()
            self.assertEqual(streamed_statuses(self.chaoyang, [], old),
                             {S.CASE_STATUS_UNSPECIFIED})
            self.assertEqual(streamed_statuses(self.dongcheng, [], new.id), {now})
            # Supervisors and auditors are unaffected.
            for token in (self.sup, self.aud):
                self.assertEqual(streamed_statuses(token, ["police-110105"], old), {now})
                page = self.desk.ListAssignments(
                    desk_pb2.ListAssignmentsRequest(desk_ids=["police-110105"], page_size=500),
                    metadata=metadata(token), timeout=T)
                self.assertEqual({a.assignment.id: a.case_summary.status
                                  for a in page.assignments}[old], now)

    def test_review_a_replayed_event_shows_the_assignment_as_it_was(self):
        # The reviewer saw a replayed "assignment.created" carry the outcome and update time of
        # the hand-off as it was later resolved.
        case = self.submit(jurisdiction="110101")  # begging: police-110101 (dongcheng)
        self.assertEqual([a.desk_id for a in case.assignments], ["police-110101"])
        aid = case.assignments[0].id
        self.ack(aid, self.dongcheng)
        self.update(aid, self.dongcheng)
        self.resolve(aid, self.dongcheng, "child_safe")
        events = [m.event for _, m in self.watch(self.dongcheng)
                  if m.HasField("event") and m.event.assignment.id == aid]
        self.assertEqual([(e.type, e.assignment.status, e.assignment.outcome) for e in events],
                         [("assignment.created", PENDING, ""),
                          ("assignment.acknowledged", ACKNOWLEDGED, ""),
                          ("assignment.updated", ACKNOWLEDGED, ""),
                          ("assignment.resolved", RESOLVED, "child_safe")])
        for e in events:
            self.assertEqual(e.assignment.update_time, e.time, e.type)
            self.assertFalse(e.assignment.HasField("overdue_time"), e.type)

    def test_transfer_to_a_desk_already_holding_the_case_is_refused(self):
        case, ids = self.dropout()  # school-110105 and community-110105002002
        details = self.refused(
            lambda: self.transfer(ids["school-110105"], self.school, "community-110105002002"),
            FAILED_PRECONDITION, "community-110105002002", "already holds", case.case_number,
            str(ids["community-110105002002"]))
        self.assertNotIn("reporter", details.lower())
        stored = self.get_case(case.case_number)
        self.assertEqual(sorted((a.desk_id, a.status) for a in stored.assignments),
                         [("community-110105002002", PENDING), ("school-110105", PENDING)])

    # --- illegal transitions ------------------------------------------------------------

    def test_illegal_transitions_name_the_current_status(self):
        a = self.begging().assignments[0].id
        self.refused(lambda: self.resolve(a, self.chaoyang), FAILED_PRECONDITION, "pending")
        self.refused(lambda: self.update(a, self.chaoyang), FAILED_PRECONDITION, "pending")
        self.ack(a, self.chaoyang)
        again = self.ack(a, self.chaoyang)  # a retry is harmless and changes nothing
        self.assertEqual(again.assignment.status, ACKNOWLEDGED)
        self.resolve(a, self.chaoyang)
        self.refused(lambda: self.ack(a, self.chaoyang), FAILED_PRECONDITION, "resolved")
        self.refused(lambda: self.resolve(a, self.chaoyang), FAILED_PRECONDITION, "resolved")
        self.refused(lambda: self.update(a, self.chaoyang), FAILED_PRECONDITION, "resolved")
        self.refused(lambda: self.decline(a, self.chaoyang), FAILED_PRECONDITION, "resolved")
        self.refused(lambda: self.transfer(a, self.chaoyang, "police-110101"),
                     FAILED_PRECONDITION, "resolved")

        d = self.begging().assignments[0].id
        self.decline(d, self.chaoyang)
        self.refused(lambda: self.decline(d, self.chaoyang), FAILED_PRECONDITION, "declined")
        self.refused(lambda: self.transfer(d, self.chaoyang, "police-110101"),
                     FAILED_PRECONDITION, "declined")

        open_case = self.begging()
        number, aid = open_case.case_number, open_case.assignments[0].id
        close = intake_pb2.CloseCaseRequest(case_number=number, outcome="resolved")
        details = self.refused(lambda: self.intake.CloseCase(close, metadata=metadata(self.sup),
                                                             timeout=T), FAILED_PRECONDITION)
        self.assertTrue(str(aid) in details or "police-110105" in details,
                        f"the message does not list the open assignment: {details!r}")
        reopen = intake_pb2.ReopenCaseRequest(case_number=number, reason="more information")
        self.refused(lambda: self.intake.ReopenCase(reopen, metadata=metadata(self.sup), timeout=T),
                     FAILED_PRECONDITION, "routed")
        close.withdraw_open_assignments = True
        closed = self.intake.CloseCase(close, metadata=metadata(self.sup), timeout=T)
        self.assertEqual(closed.status, S.CASE_STATUS_CLOSED)
        self.assertEqual([a.status for a in closed.assignments], [S.ASSIGNMENT_STATUS_WITHDRAWN])
        self.refused(lambda: self.intake.CloseCase(close, metadata=metadata(self.sup), timeout=T),
                     FAILED_PRECONDITION, "closed")
        self.refused(lambda: self.ack(aid, self.chaoyang), FAILED_PRECONDITION, "withdrawn")

    # --- the case follows its assignments -----------------------------------------------

    def test_case_status_follows_the_assignments(self):
        case, ids = self.dropout()
        number = case.case_number
        school, community = ids["school-110105"], ids["community-110105002002"]
        self.assertEqual(case.feedback, S.FEEDBACK_STATE_PENDING)
        change = self.ack(school, self.school)
        self.assertEqual(change.case_status, S.CASE_STATUS_IN_PROGRESS)
        self.assertEqual(self.get_case(number).status, S.CASE_STATUS_IN_PROGRESS)
        self.update(school, self.school, desk_pb2.UPDATE_KIND_HOME_VISIT, "visited the family")
        change = self.resolve(school, self.school, "re_enrolled")
        self.assertEqual((change.assignment.status, change.assignment.outcome),
                         (RESOLVED, "re_enrolled"))
        self.assertEqual(change.case_status, S.CASE_STATUS_IN_PROGRESS, "community still open")
        self.ack(community, self.yabaoli)
        change = self.resolve(community, self.yabaoli)
        self.assertEqual(change.case_status, S.CASE_STATUS_RESOLVED)
        stored = self.get_case(number)
        self.assertEqual((stored.status, stored.feedback),
                         (S.CASE_STATUS_RESOLVED, S.FEEDBACK_STATE_DUE))

        closed = self.intake.CloseCase(
            intake_pb2.CloseCaseRequest(case_number=number, outcome="resolved",
                                        summary="re-enrolled, family supported"),
            metadata=metadata(self.sup), timeout=T)
        self.assertEqual((closed.status, closed.outcome), (S.CASE_STATUS_CLOSED, "resolved"))
        self.assertTrue(closed.HasField("close_time"))

        reopened = self.intake.ReopenCase(
            intake_pb2.ReopenCaseRequest(case_number=number, reason="the boy left school again"),
            metadata=metadata(self.sup), timeout=T)
        self.assertEqual(reopened.status, S.CASE_STATUS_ROUTED)
        self.assertEqual(len(reopened.assignments), 3)
        center = reopened.assignments[-1]
        self.assertEqual((center.desk_id, center.status), ("center", PENDING))
        self.assertEqual(self.history_types(number)[-2:], ["case.reopened", "assignment.created"])

        # Resolved again, then reopened to a named desk.
        self.ack(center.id, self.sup)
        self.assertEqual(self.resolve(center.id, self.sup).case_status, S.CASE_STATUS_RESOLVED)
        reopened = self.intake.ReopenCase(
            intake_pb2.ReopenCaseRequest(case_number=number, reason="the school asks for it back",
                                         desk_id="school-110105"),
            metadata=metadata(self.sup), timeout=T)
        self.assertEqual(reopened.status, S.CASE_STATUS_ROUTED)
        self.assertEqual([(a.desk_id, a.status) for a in reopened.assignments[3:]],
                         [("school-110105", PENDING)])
        types = self.history_types(number)
        order = ["assignment.acknowledged", "assignment.updated", "assignment.resolved",
                 "case.closed", "case.reopened", "case.reopened"]
        it = iter(types)
        self.assertTrue(all(t in it for t in order), f"history {types} lacks {order} in order")

    # --- feedback (art. 37) -------------------------------------------------------------

    def due(self, token):
        r = self.intake.ListCases(intake_pb2.ListCasesRequest(feedback_due=True, page_size=500),
                                  metadata=metadata(token), timeout=T)
        for c in r.cases:
            self.assertEqual(c.feedback, S.FEEDBACK_STATE_DUE, c.case_number)
        return [c.case_number for c in r.cases]

    def test_feedback_is_due_once_resolved_and_given_once(self):
        named = self.begging(self.op_fb, phone="13700000077")
        anonymous = self.begging(self.op_fb, anonymous=True)
        self.assertEqual(named.feedback, S.FEEDBACK_STATE_PENDING)
        self.assertEqual(anonymous.feedback, S.FEEDBACK_STATE_NOT_NEEDED)
        self.assertEqual(self.due(self.op_fb), [])
        record = intake_pb2.RecordFeedbackRequest(case_number=named.case_number,
                                                  note="told the caller police went there")
        give = lambda: self.intake.RecordFeedback(record, metadata=metadata(self.op_fb),  # noqa
                                                  timeout=T)
        self.refused(give, FAILED_PRECONDITION)
        for case in (named, anonymous):
            aid = case.assignments[0].id
            self.ack(aid, self.chaoyang)
            self.assertEqual(self.resolve(aid, self.chaoyang).case_status, S.CASE_STATUS_RESOLVED)
        self.assertEqual(self.due(self.op_fb), [named.case_number])
        self.assertIn(named.case_number, self.due(self.sup))
        self.assertNotIn(named.case_number, self.due(self.op_other))
        self.assertEqual(self.get_case(anonymous.case_number).feedback,
                         S.FEEDBACK_STATE_NOT_NEEDED)

        given = give()
        self.assertEqual(given.feedback, S.FEEDBACK_STATE_GIVEN)
        self.assertEqual(self.due(self.op_fb), [])
        self.assertIn("feedback.given", self.history_types(named.case_number))
        self.refused(give, FAILED_PRECONDITION)
        self.refused(lambda: self.intake.RecordFeedback(
            intake_pb2.RecordFeedbackRequest(case_number=anonymous.case_number, note="n/a"),
            metadata=metadata(self.op_fb), timeout=T), FAILED_PRECONDITION)

    # --- access events ------------------------------------------------------------------

    def test_every_read_is_a_case_viewed_event(self):
        case = self.begging()
        number, aid = case.case_number, case.assignments[0].id
        get_case = intake_pb2.GetCaseRequest(case_number=number)
        get_assignment = desk_pb2.GetAssignmentRequest(assignment_id=aid)
        reads = [
            (lambda: self.intake.GetCase(get_case, metadata=metadata(self.op), timeout=T),
             ("op-desk", "operator", "GetCase")),
            (lambda: self.desk.GetAssignment(get_assignment, metadata=metadata(self.chaoyang),
                                             timeout=T),
             ("police-chaoyang", "agency", "Desk.GetAssignment")),
            (lambda: self.intake.GetCase(get_case, metadata=metadata(self.sup), timeout=T),
             ("sup-desk", "supervisor", "GetCase")),
            (lambda: self.intake.GetCase(get_case, metadata=metadata(self.chaoyang), timeout=T),
             ("police-chaoyang", "agency", "GetCase")),
            (lambda: self.desk.GetAssignment(get_assignment, metadata=metadata(self.sup),
                                             timeout=T),
             ("sup-desk", "supervisor", "Desk.GetAssignment")),
            (lambda: self.intake.GetCaseHistory(
                intake_pb2.GetCaseHistoryRequest(case_number=number), metadata=metadata(self.sup),
                timeout=T),
             ("sup-desk", "supervisor", "GetCaseHistory")),
            (lambda: self.desk.GetAssignment(get_assignment, metadata=metadata(self.aud),
                                             timeout=T),
             ("aud-desk", "auditor", "Desk.GetAssignment")),
        ]
        for read, who in reads:
            before = self.server.count_events()
            read()
            self.assertEqual(self.server.count_events() - before, 1, f"events stored by {who}")
        # Listing is not reading the case.
        before = self.server.count_events()
        self.desk.ListAssignments(desk_pb2.ListAssignmentsRequest(page_size=5),
                                  metadata=metadata(self.chaoyang), timeout=T)
        self.assertEqual(self.server.count_events(), before)

        access = lambda: self.intake.ListCaseAccess(  # noqa: E731
            intake_pb2.ListCaseAccessRequest(case_number=number), metadata=metadata(self.aud),
            timeout=T).accesses
        listed = access()
        self.assertEqual([(a.actor, a.role, a.rpc) for a in listed], [who for _, who in reads])
        seqs = [a.seq for a in listed]
        self.assertEqual(seqs, sorted(set(seqs)))
        rows = self.server.query(
            "SELECT e.seq FROM events e JOIN cases c ON c.id = e.case_id "
            "WHERE c.case_number = ? AND e.type = 'case.viewed' ORDER BY e.seq", (number,))
        self.assertEqual([r[0] for r in rows], seqs)
        for a in listed:
            self.assertTrue(a.HasField("time"))
        self.assertEqual([(a.actor, a.rpc) for a in access()], [(a.actor, a.rpc) for a in listed],
                         "ListCaseAccess is not itself a read")
        self.assertNotIn("case.viewed", self.history_types(number))

    # --- privacy (art. 74) --------------------------------------------------------------

    def test_desk_answers_and_logs_never_carry_the_reporter(self):
        name, phone = REPORTER_NAME.encode("utf-8"), REPORTER_PHONE.encode("utf-8")
        first = self.begging(reporter_name=REPORTER_NAME, phone=REPORTER_PHONE)
        second = self.begging(reporter_name=REPORTER_NAME, phone=REPORTER_PHONE)
        third = self.begging(reporter_name=REPORTER_NAME, phone=REPORTER_PHONE)
        # The data is there (a supervisor's Intake.GetCase shows it), so its absence below
        # means something.
        full = self.get_case(first.case_number).SerializeToString()
        self.assertIn(name, full)
        self.assertIn(phone, full)

        answers = []  # (what, message)

        def keep(what, message):
            answers.append((what, message))
            return message

        a1, a2, a3 = (c.assignments[0].id for c in (first, second, third))
        for who, token in (("agency", self.chaoyang), ("supervisor", self.sup),
                           ("auditor", self.aud)):
            for case in (first, second, third):
                keep(f"{who} GetAssignment", self.desk.GetAssignment(
                    desk_pb2.GetAssignmentRequest(assignment_id=case.assignments[0].id),
                    metadata=metadata(token), timeout=T))
            keep(f"{who} ListAssignments", self.desk.ListAssignments(
                desk_pb2.ListAssignmentsRequest(desk_ids=["police-110105"], page_size=500),
                metadata=metadata(token), timeout=T))
        keep("agency GetCase", self.get_case(first.case_number, self.chaoyang))
        keep("auditor GetCase", self.get_case(first.case_number, self.aud))
        keep("agency Acknowledge", self.ack(a1, self.chaoyang))
        keep("agency PostUpdate", self.update(a1, self.chaoyang, desk_pb2.UPDATE_KIND_HOME_VISIT,
                                              "visited the crossing, spoke with the child"))
        keep("agency Resolve", self.resolve(a1, self.chaoyang))
        keep("agency GetAssignment after updates", self.desk.GetAssignment(
            desk_pb2.GetAssignmentRequest(assignment_id=a1), metadata=metadata(self.chaoyang),
            timeout=T))
        keep("agency Transfer", self.transfer(a2, self.chaoyang, "police-110101"))
        keep("supervisor Acknowledge", self.ack(a3, self.sup))
        keep("supervisor PostUpdate", self.update(a3, self.sup))
        keep("supervisor Decline", self.decline(a3, self.sup))
        for who, token, desks in (("agency", self.chaoyang, []),
                                  ("supervisor", self.sup, ["police-110105", "police-110101",
                                                            "center"]),
                                  ("auditor", self.aud, ["police-110105", "center"])):
            messages = self.watch(token, desks)
            self.assertTrue(any(m.HasField("event") for _, m in messages))
            for _, m in messages:
                keep(f"{who} WatchAssignments", m)
        watched_cases = {m.event.assignment.case_number for what, m in answers
                         if what.endswith("WatchAssignments") and m.HasField("event")}
        self.assertLessEqual({first.case_number, second.case_number, third.case_number},
                             watched_cases)

        for what, message in answers:
            raw = message.SerializeToString()
            self.assertNotIn(name, raw, f"{what} carries the reporter's name")
            self.assertNotIn(phone, raw, f"{what} carries the reporter's phone")
        log = self.server.read_log()
        self.assertTrue(log, "the server wrote no log at all")
        self.assertNotIn(REPORTER_NAME, log)
        self.assertNotIn(REPORTER_PHONE, log)


if __name__ == "__main__":
    unittest.main()
