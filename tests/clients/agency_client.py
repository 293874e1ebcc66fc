#!/usr/bin/python3
"""A partner agency's integration with the hotline's Desk service — the example of the
README's "Integrating an agency".

It follows the hand-offs routed to one desk and works each new one through its life:

    WatchAssignments ──"assignment.created"──> GetAssignment -> Acknowledge
                                               -> PostUpdate -> Resolve

The stream is resumable: every message carries a cursor, which this client writes to
--cursor-file (atomically) once the message has been dealt with. Restarted, it reconnects
with that cursor and gets every later event exactly once, in order — including after a
server restart (it reconnects on UNAVAILABLE). Handling is idempotent, so an event seen again
after a crash between the action and the cursor write does no harm. When the hotline's
database was restored from a backup older than the saved cursor, the server refuses the
cursor (FAILED_PRECONDITION): this client stops and says so, and a person decides whether to
remove the cursor file and work the desk's events again from the start.

Usage:
    HOTLINE_TOKEN=... agency_client.py --server 127.0.0.1:50051 --desk police-110105 \\
        --cursor-file var/police-110105.cursor [--max-assignments N] [--tls-ca ca.pem]

The Python stubs come from the contract (see tests/clients/README.md); point --stubs (or
PYTHONPATH) at the folder holding hotline/v1/*_pb2*.py. Exit codes: 0 done, 1 the server
refused (bad token, desk not ours, …), 2 usage.
"""

import argparse
import os
import signal
import sys
import tempfile
import threading


def parse_args(argv):
    p = argparse.ArgumentParser(description="Works the hand-offs of one hotline desk.")
    p.add_argument("--server", default=os.environ.get("HOTLINE_SERVER", "127.0.0.1:50051"),
                   help="host:port of hotlined (env HOTLINE_SERVER)")
    p.add_argument("--token", default=os.environ.get("HOTLINE_TOKEN"),
                   help="the agency's bearer token (env HOTLINE_TOKEN; prefer the env)")
    p.add_argument("--desk", required=True, help="desk id the token is bound to, e.g. police-110105")
    p.add_argument("--cursor-file", required=True,
                   help="where the last cursor is kept between runs")
    p.add_argument("--max-assignments", type=int, default=0,
                   help="exit after handling this many assignments (0: run until stopped)")
    p.add_argument("--tls-ca", help="PEM file of the CA that signed the server's certificate; "
                                    "without it the connection is plaintext")
    p.add_argument("--stubs", default=os.environ.get("HOTLINE_PY_DIR"),
                   help="folder holding the generated hotline/v1 Python stubs (env HOTLINE_PY_DIR)")
    p.add_argument("--heartbeat-seconds", type=int, default=15)
    args = p.parse_args(argv)
    if not args.token:
        p.error("no token: pass --token or set HOTLINE_TOKEN")
    if args.max_assignments < 0:
        p.error("--max-assignments must be 0 or more")
    return args


ARGS = parse_args(sys.argv[1:])
if ARGS.stubs:
    sys.path.insert(0, ARGS.stubs)

import grpc  # noqa: E402
from hotline.v1 import case_pb2, desk_pb2, desk_pb2_grpc  # noqa: E402

# Answers to the stream that a retry will not change: stop and say why. (FAILED_PRECONDITION:
# the saved cursor is not in the hotline's event log any more, after a restore.)
FATAL = {grpc.StatusCode.UNAUTHENTICATED, grpc.StatusCode.PERMISSION_DENIED,
         grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.UNIMPLEMENTED,
         grpc.StatusCode.FAILED_PRECONDITION}
OPEN = {case_pb2.ASSIGNMENT_STATUS_PENDING, case_pb2.ASSIGNMENT_STATUS_ACKNOWLEDGED}


def log(message):
    # Case numbers, ids and codes only: the client never receives the reporter's identity,
    # and it keeps the case's personal data (narrative, names) out of its log too.
    print(f"agency_client: {message}", flush=True)


class CursorFile:
    """The last cursor, written atomically (temp file, fsync, rename)."""

    def __init__(self, path):
        self.path = path

    def load(self):
        try:
            with open(self.path, encoding="utf-8") as f:
                return f.read().strip()
        except FileNotFoundError:
            return ""

    def save(self, cursor):
        folder = os.path.dirname(os.path.abspath(self.path))
        fd, tmp = tempfile.mkstemp(prefix=".cursor-", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(cursor + "\n")
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise


class Agency:
    def __init__(self, args):
        self.args = args
        self.metadata = [("authorization", f"Bearer {args.token}")]
        self.cursor = CursorFile(args.cursor_file)
        self.handled = 0
        self.stopping = threading.Event()
        self.call = None

    def channel(self):
        if self.args.tls_ca:
            with open(self.args.tls_ca, "rb") as f:
                credentials = grpc.ssl_channel_credentials(root_certificates=f.read())
            return grpc.secure_channel(self.args.server, credentials)
        return grpc.insecure_channel(self.args.server)

    # --- the work on one assignment ------------------------------------------------------

    def handle(self, desk, assignment_id):
        """Takes one new assignment from PENDING to RESOLVED. Returns True when it did."""
        got = desk.GetAssignment(desk_pb2.GetAssignmentRequest(assignment_id=assignment_id),
                                 metadata=self.metadata, timeout=10)
        a = got.assignment
        if a.status not in OPEN:
            # Already done (a replay after a crash), or taken away: declined, transferred,
            # withdrawn because the case was closed, escalated.
            log(f"{a.case_number} assignment {a.id}: "
                f"{case_pb2.AssignmentStatus.Name(a.status)}, nothing to do")
            return False
        if a.status == case_pb2.ASSIGNMENT_STATUS_PENDING:
            desk.Acknowledge(desk_pb2.AcknowledgeRequest(assignment_id=a.id),
                             metadata=self.metadata, timeout=10)
        if not got.updates:  # a replay must not post the finding twice
            desk.PostUpdate(desk_pb2.PostUpdateRequest(
                assignment_id=a.id, kind=self.update_kind(a), text=self.finding(got)),
                metadata=self.metadata, timeout=10)
        change = desk.Resolve(desk_pb2.ResolveRequest(
            assignment_id=a.id, outcome="child_safe",
            summary=f"{a.desk_id}: child located and safe; family counselled"),
            metadata=self.metadata, timeout=10)
        log(f"{a.case_number} assignment {a.id}: resolved child_safe "
            f"(case {case_pb2.CaseStatus.Name(change.case_status)})")
        return True

    def handle_safely(self, desk, assignment_id):
        try:
            return self.handle(desk, assignment_id)
        except grpc.RpcError as e:
            # Someone else moved it meanwhile (a supervisor closed the case, a colleague
            # transferred it): skip it. Anything else breaks the stream and is retried.
            if e.code() in (grpc.StatusCode.FAILED_PRECONDITION, grpc.StatusCode.NOT_FOUND):
                log(f"assignment {assignment_id}: skipped ({e.code().name}: {e.details()})")
                return False
            raise

    @staticmethod
    def update_kind(a):
        # Police investigate (art. 53); every other desk visits the home.
        if a.desk_type == "police":
            return desk_pb2.UPDATE_KIND_INVESTIGATION_FINDING
        return desk_pb2.UPDATE_KIND_HOME_VISIT

    @staticmethod
    def finding(got):
        categories = ", ".join(case_pb2.DistressCategory.Name(c)[len("DISTRESS_CATEGORY_"):].lower()
                               for c in got.case.report.categories)
        children = len(got.case.report.children)
        return (f"{got.assignment.desk_id} checked case {got.case.case_number} "
                f"({categories}; {children} child(ren)): the child was found and is safe.")

    # --- the stream ----------------------------------------------------------------------

    def run(self):
        backoff = 0.2
        while not self.stopping.is_set():
            channel = self.channel()
            desk = desk_pb2_grpc.DeskStub(channel)
            after = self.cursor.load()
            request = desk_pb2.WatchAssignmentsRequest(
                desk_ids=[self.args.desk], after_cursor=after,
                heartbeat_seconds=self.args.heartbeat_seconds)
            log(f"watching {self.args.desk} after cursor {after or '(start)'}")
            self.call = desk.WatchAssignments(request, metadata=self.metadata)
            try:
                for message in self.call:
                    backoff = 0.2
                    event = message.event if message.HasField("event") else None
                    if event is not None and event.type == "assignment.created":
                        if self.handle_safely(desk, event.assignment.id):
                            self.handled += 1
                    # The cursor moves only once the event is dealt with.
                    self.cursor.save(message.cursor)
                    if self.args.max_assignments and self.handled >= self.args.max_assignments:
                        log(f"handled {self.handled} assignment(s); exiting")
                        self.call.cancel()
                        return 0
                    if self.stopping.is_set():
                        self.call.cancel()
                        return 0
            except grpc.RpcError as e:
                if self.stopping.is_set() and e.code() == grpc.StatusCode.CANCELLED:
                    return 0
                if e.code() in FATAL:
                    log(f"refused: {e.code().name}: {e.details()}")
                    return 1
                log(f"stream broken ({e.code().name}: {e.details()}); reconnecting in {backoff:.1f}s")
                self.stopping.wait(backoff)  # SIGTERM ends the wait
                backoff = min(backoff * 2, 10.0)
            finally:
                channel.close()
        return 0

    def stop(self, *_):
        self.stopping.set()
        if self.call is not None:
            self.call.cancel()


def main():
    agency = Agency(ARGS)
    signal.signal(signal.SIGTERM, agency.stop)
    signal.signal(signal.SIGINT, agency.stop)
    return agency.run()


if __name__ == "__main__":
    sys.exit(main())
