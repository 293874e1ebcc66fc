"""What the network can make the server hold before a call is authenticated (review finding:
clients without a token announcing 1 MB messages on 100 streams a connection, and never
finishing them, grew hotlined by 100 MB a connection until it crashed). A real HTTP/2 client
(python3-h2) that obeys flow control opens the streams; hotlined's gRPC memory quota must stop
it near the quota, keep serving operators, and stay alive. And idle connections that never
start HTTP/2 are closed, so they cannot use up the server's file descriptors."""

import os
import select
import socket
import struct
import time
import unittest

import h2.config
import h2.connection
import h2.events

import harness
from harness import metadata, submit_request

MESSAGE = 1_040_000  # announced, and never finished (one byte short)
QUOTA_MB = 64        # transport_memory_mb


def rss_mb(pid):
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    return 0


class Flooder:
    """One connection with `streams` SubmitReport streams and no token, each sending all but
    the last byte of a MESSAGE-byte message as fast as the server's windows allow."""

    def __init__(self, port, streams):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.conn = h2.connection.H2Connection(
            h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
        self.conn.initiate_connection()
        self.left = {}
        self.reset = 0
        self.open = True
        for _ in range(streams):
            sid = self.conn.get_next_available_stream_id()
            self.conn.send_headers(sid, [(":method", "POST"), (":scheme", "http"),
                                         (":path", "/hotline.v1.Intake/SubmitReport"),
                                         (":authority", "hotline"),
                                         ("content-type", "application/grpc"), ("te", "trailers")])
            self.conn.send_data(sid, b"\x00" + struct.pack(">I", MESSAGE))
            self.left[sid] = MESSAGE - 1
        self.pump()

    def pump(self):
        """Sends what the windows allow; returns True when something was sent."""
        sent = False
        for sid in list(self.left):
            stream = self.conn.streams.get(sid)
            while self.left[sid] > 0 and stream is not None and stream.open:
                n = min(self.conn.local_flow_control_window(sid), self.conn.max_outbound_frame_size,
                        self.left[sid])
                if n <= 0:
                    break
                self.conn.send_data(sid, b"\x0a" * n)
                self.left[sid] -= n
                sent = True
        data = self.conn.data_to_send()
        if data:
            try:
                self.sock.sendall(data)
            except OSError:
                self.open = False
        return sent

    def read(self):
        try:
            data = self.sock.recv(65536)
        except OSError:
            data = b""
        if not data:
            self.open = False
            return False
        try:
            events = self.conn.receive_data(data)
        except Exception:  # the server ended the connection
            self.open = False
            return False
        for e in events:
            if isinstance(e, (h2.events.StreamReset, h2.events.StreamEnded)):
                if self.left.pop(e.stream_id, None) is not None:
                    self.reset += 1
            elif isinstance(e, h2.events.ConnectionTerminated):
                self.open = False
        return self.pump()

    def held(self):
        return sum(MESSAGE - 1 - left for left in self.left.values())


class TransportTest(unittest.TestCase):
    def setUp(self):
        self.server = harness.Server(log_level="warn", name="transport")
        self.addCleanup(self.server.close)
        with open(self.server.config, "a", encoding="utf-8") as f:
            f.write(f"transport_memory_mb = {QUOTA_MB}\n")
        self.server.start()
        self.op = self.server.issue_token("operator", "op-transport")

    def test_unauthenticated_partial_messages_are_held_to_the_quota(self):
        flooders = [Flooder(self.server.port, 100) for _ in range(20)]  # 2 GB announced
        self.addCleanup(lambda: [f.sock.close() for f in flooders])
        quiet_since = time.monotonic()
        peak = 0
        while time.monotonic() - quiet_since < 3:
            live = [f for f in flooders if f.open]
            if not live:
                break
            ready, _, _ = select.select([f.sock for f in live], [], [], 0.5)
            for sock in ready:
                if next(f for f in live if f.sock is sock).read():
                    quiet_since = time.monotonic()
            peak = max(peak, rss_mb(self.server.proc.pid))
        held_mb = sum(f.held() for f in flooders) >> 20
        reset = sum(f.reset for f in flooders)
        # Without the quota the server took all 2 GB (RSS 2,037 MB) and then crashed.
        self.assertLess(held_mb, 2 * QUOTA_MB, f"the server accepted {held_mb} MB of partial "
                                               "messages")
        self.assertGreater(reset, 0, "no stream was refused")
        # The process as a whole, where no sanitizer's shadow memory and quarantine count in.
        if "ASAN_OPTIONS" not in os.environ:
            self.assertLess(peak, 6 * QUOTA_MB, f"RSS reached {peak} MB")
        self.assertTrue(self.server.running())
        # Operators are still served meanwhile.
        case = self.server.intake().SubmitReport(submit_request(), metadata=metadata(self.op),
                                                 timeout=10)
        self.assertTrue(case.case_number)

    def test_a_connection_that_never_starts_http2_is_closed(self):
        sock = socket.create_connection(("127.0.0.1", self.server.port))
        self.addCleanup(sock.close)
        sock.settimeout(30)
        start = time.monotonic()
        while sock.recv(1024):  # the server's own SETTINGS, then the end: closed
            pass
        self.assertLess(time.monotonic() - start, 20)  # gRPC's default was 120 s


if __name__ == "__main__":
    unittest.main()
