"""Per-principal limits (issue 5): a call rate (token bucket) and concurrent desk streams.
Exceeding either is RESOURCE_EXHAUSTED naming the limit; other principals are unaffected; the
limit frees up again."""

import time
import unittest

import grpc

import harness
from harness import desk_pb2, desk_pb2_grpc, intake_pb2, metadata


class LimitsTest(unittest.TestCase):
    def setUp(self):
        self.server = harness.Server(log_level="info", name="limits")
        self.addCleanup(self.server.close)
        with open(self.server.config, "a", encoding="utf-8") as f:
            f.write("rate_limit_per_second = 5\nmax_streams_per_principal = 2\n")
        self.server.start()
        self.op = self.server.issue_token("operator", "op-limits")
        self.other = self.server.issue_token("operator", "op-other")
        self.sup = self.server.issue_token("supervisor", "sup-limits")

    def list_cases(self, token):
        return self.server.intake().ListCases(intake_pb2.ListCasesRequest(page_size=1),
                                              metadata=metadata(token), timeout=10)

    def test_call_rate_per_principal(self):
        # A burst of twice the rate passes, then the bucket is empty.
        refused = None
        for i in range(30):
            try:
                self.list_cases(self.op)
            except grpc.RpcError as e:
                refused = (i, e)
                break
        self.assertIsNotNone(refused, "30 calls in a burst were all allowed at 5 calls/s")
        i, e = refused
        self.assertGreaterEqual(i, 9)   # the burst (10) minus what refilled meanwhile
        self.assertLessEqual(i, 14)
        self.assertEqual(e.code(), grpc.StatusCode.RESOURCE_EXHAUSTED)
        self.assertRegex(e.details(), r"^rate limit: more than 5 calls per second \(burst 10\) "
                                      r"by this principal; retry in \d+ ms$")
        # Another principal is not affected.
        self.list_cases(self.other)
        # And the bucket refills.
        time.sleep(0.5)
        self.list_cases(self.op)

    def test_concurrent_streams_per_principal(self):
        desk = desk_pb2_grpc.DeskStub(self.server.channel())
        request = desk_pb2.WatchAssignmentsRequest(desk_ids=["center"], heartbeat_seconds=1)
        first = desk.WatchAssignments(request, metadata=metadata(self.sup))
        second = desk.WatchAssignments(request, metadata=metadata(self.sup))
        # Each stream is open once it delivered its first message (a heartbeat).
        next(first)
        next(second)
        third = desk.WatchAssignments(request, metadata=metadata(self.sup))
        with self.assertRaises(grpc.RpcError) as caught:
            next(third)
        self.assertEqual(caught.exception.code(), grpc.StatusCode.RESOURCE_EXHAUSTED)
        self.assertIn("stream limit: this principal already has 2 open WatchAssignments streams",
                      caught.exception.details())
        # Closing one frees its slot.
        first.cancel()
        deadline = time.time() + 10
        while True:
            fourth = desk.WatchAssignments(request, metadata=metadata(self.sup))
            try:
                next(fourth)
                break
            except grpc.RpcError as e:
                self.assertEqual(e.code(), grpc.StatusCode.RESOURCE_EXHAUSTED)
                self.assertLess(time.time(), deadline, "a cancelled stream never freed its slot")
                time.sleep(0.2)
        fourth.cancel()
        second.cancel()


if __name__ == "__main__":
    unittest.main()
