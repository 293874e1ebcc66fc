"""Transport security (issue 5): TLS with the certificate and key from the config, optional
client certificates, plaintext refused on a non-loopback address unless the config says so,
and token revocation that takes effect at once.

Certificates are made for each run with the openssl command-line tool (a test CA, a server
certificate for 127.0.0.1, a client CA and a client certificate)."""

import os
import subprocess
import unittest

import grpc

import harness
from harness import HOTLINED, intake_pb2, intake_pb2_grpc, metadata, submit_request


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_pki(directory):
    """ca.pem/ca.key, server.pem/server.key (SAN IP 127.0.0.1), client-ca.*, client.*."""
    for ca in ("ca", "client-ca"):
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-keyout", f"{ca}.key", "-out", f"{ca}.pem", "-subj", f"/CN=hotline test {ca}",
                cwd=directory)
    with open(os.path.join(directory, "san.cnf"), "w", encoding="utf-8") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    for name, ca in (("server", "ca"), ("client", "client-ca")):
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key",
                "-out", f"{name}.csr", "-subj", f"/CN=hotline test {name}", cwd=directory)
        extra = ["-extfile", "san.cnf"] if name == "server" else []
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}.key",
                "-CAcreateserial", "-days", "2", "-out", f"{name}.pem", *extra, cwd=directory)


def read(directory, name):
    with open(os.path.join(directory, name), "rb") as f:
        return f.read()


class TlsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.pki = harness.make_tempdir("hotline-e2e-pki-")
        make_pki(cls.pki)

    @classmethod
    def tearDownClass(cls):
        harness.remove_tempdir(cls.pki)

    def start(self, client_ca=False):
        server = harness.Server(log_level="info", name="tls")
        self.addCleanup(server.close)
        with open(server.config, "a", encoding="utf-8") as f:
            f.write(f'tls_cert = "{self.pki}/server.pem"\ntls_key = "{self.pki}/server.key"\n')
            if client_ca:
                f.write(f'tls_client_ca = "{self.pki}/client-ca.pem"\n')
        server.start()
        self.op = server.issue_token("operator", "op-tls")
        return server

    def secure_stub(self, server, client_cert=False):
        credentials = grpc.ssl_channel_credentials(
            root_certificates=read(self.pki, "ca.pem"),
            private_key=read(self.pki, "client.key") if client_cert else None,
            certificate_chain=read(self.pki, "client.pem") if client_cert else None)
        channel = grpc.secure_channel(server.address, credentials)
        self.addCleanup(channel.close)
        return intake_pb2_grpc.IntakeStub(channel)

    def test_a_report_over_tls_and_a_plaintext_client_fails_cleanly(self):
        server = self.start()
        case = self.secure_stub(server).SubmitReport(submit_request(), metadata=metadata(self.op),
                                                     timeout=10)
        self.assertRegex(case.case_number, harness.CASE_NUMBER_RE)
        with grpc.insecure_channel(server.address) as plain:
            with self.assertRaises(grpc.RpcError) as caught:
                intake_pb2_grpc.IntakeStub(plain).SubmitReport(
                    submit_request(), metadata=metadata(self.op), timeout=5)
        self.assertEqual(caught.exception.code(), grpc.StatusCode.UNAVAILABLE)
        # The server did not fall over: TLS clients still work, and nothing was stored twice.
        self.secure_stub(server).SubmitReport(submit_request(), metadata=metadata(self.op),
                                              timeout=10)
        self.assertEqual(len(server.query("SELECT 1 FROM cases")), 2)
        self.assertEqual(server.stop(), 0)

    def test_client_certificates_when_configured(self):
        server = self.start(client_ca=True)
        with self.assertRaises(grpc.RpcError) as caught:
            self.secure_stub(server).SubmitReport(submit_request(), metadata=metadata(self.op),
                                                  timeout=5)
        self.assertEqual(caught.exception.code(), grpc.StatusCode.UNAVAILABLE)
        case = self.secure_stub(server, client_cert=True).SubmitReport(
            submit_request(), metadata=metadata(self.op), timeout=10)
        self.assertRegex(case.case_number, harness.CASE_NUMBER_RE)

    def test_revocation_takes_effect_at_once(self):
        server = self.start()
        stub = self.secure_stub(server)
        stub.SubmitReport(submit_request(), metadata=metadata(self.op), timeout=10)
        server.revoke_tokens("op-tls")
        with self.assertRaises(grpc.RpcError) as caught:
            stub.SubmitReport(submit_request(), metadata=metadata(self.op), timeout=10)
        self.assertEqual(caught.exception.code(), grpc.StatusCode.UNAUTHENTICATED)


class PlaintextPolicyTest(unittest.TestCase):
    def config(self, extra=""):
        directory = harness.make_tempdir("hotline-e2e-plain-")
        self.addCleanup(harness.remove_tempdir, directory)
        path = os.path.join(directory, "hotlined.toml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(f'db = "{directory}/h.db"\nrouting_table = "{harness.ROUTING_TABLE}"\n{extra}')
        return path

    def test_plaintext_on_a_network_address_is_refused(self):
        result = subprocess.run([HOTLINED, "--config", self.config(), "--listen", "0.0.0.0:0"],
                                capture_output=True, text=True, timeout=30)
        self.assertEqual(result.returncode, 1)
        self.assertIn("refusing to listen on 0.0.0.0:0 without TLS", result.stderr)
        self.assertNotIn("serving on", result.stdout)

    def test_allow_insecure_starts_with_a_warning(self):
        proc = subprocess.Popen([HOTLINED, "--config", self.config("allow_insecure = true\n"),
                                 "--listen", "0.0.0.0:0"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            line = proc.stdout.readline()
            self.assertRegex(line, r"^hotlined: serving on 0\.0\.0\.0:\d+$")
        finally:
            proc.terminate()
            _, err = proc.communicate(timeout=20)
        self.assertIn("WITHOUT TLS (allow_insecure = true)", err)

    def test_half_a_tls_config_is_refused(self):
        result = subprocess.run([HOTLINED, "--config", self.config('tls_cert = "/x.pem"\n')],
                                capture_output=True, text=True, timeout=30)
        self.assertEqual(result.returncode, 1)
        self.assertIn("tls_cert and tls_key go together", result.stderr)


if __name__ == "__main__":
    unittest.main()
