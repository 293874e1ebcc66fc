"""The administrator's and the TLS side of the `hotline` CLI, run as a user runs it: rules
validate|apply|show|versions|diff|rollback|explain --draft|replay, desks list|put|disable,
case list --overdue, and --tls-ca against a TLS server."""

import os
import re
import unittest

import harness
from harness import ROUTING_TABLE
from test_tls import make_pki


def table_text():
    with open(ROUTING_TABLE, encoding="utf-8") as f:
        return f.read()


class CliAdminTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.server = harness.Server(log_level="info", name="cli-admin")
        cls.server.start()
        cls.admin = cls.server.issue_token("admin", "admin-li")
        cls.op = cls.server.issue_token("operator", "op-wang")
        cls.dir = cls.server.dir

    @classmethod
    def tearDownClass(cls):
        cls.server.close()

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def run_cli(self, *args, token=None, json_output=False, lang=None, rc=0):
        r = self.server.cli(list(args), token=token or self.admin, json_output=json_output,
                            lang=lang)
        self.assertEqual(r.rc, rc, r.describe())
        return r

    def current_version(self):
        versions = self.run_cli("rules", "versions", json_output=True).json()["versions"]
        return [int(v["version"]) for v in versions if v.get("current")][0]

    def test_1_validate_reports_errors_with_file_and_line(self):
        ok = self.run_cli("rules", "validate", ROUTING_TABLE)
        self.assertRegex(ok.stdout, r"valid: 2026-11-28\.1 — 13 desks, 13 rules, 14 routing tests "
                                    r"passed\n$")
        lines = table_text().splitlines(keepends=True)
        i = next(n for n, l in enumerate(lines) if l.startswith('id = "police-110105"'))
        lines.insert(i + 1, 'colour = "blue"\n')
        broken = self.write("broken.toml", "".join(lines))
        bad = self.run_cli("rules", "validate", broken, rc=1)
        self.assertIn(f"{broken}:{i + 2}: error: unknown key 'colour' in [[desk]]", bad.stdout)
        self.assertTrue(bad.stdout.endswith("refused: the table has errors (above)\n"))
        # apply and replay show a broken table's errors the same way, one per line.
        before = self.current_version()
        for command in (["rules", "apply", broken, "--comment", "broken"],
                        ["rules", "replay", broken]):
            refused = self.run_cli(*command, rc=1)
            self.assertIn(f"{broken}:{i + 2}: error: unknown key 'colour' in [[desk]]; "
                          "allowed keys: id, name, type, jurisdiction, ack_deadline\n",
                          refused.stdout)
            self.assertTrue(refused.stdout.endswith("refused: the table has errors (above)\n"))
            self.assertEqual(refused.stderr, "")
        self.assertEqual(self.current_version(), before)
        zh = self.run_cli("rules", "validate", broken, lang="zh", rc=1)
        self.assertIn(f"{broken}:{i + 2}: 错误: unknown key 'colour'", zh.stdout)
        missing = self.run_cli("rules", "validate", os.path.join(self.dir, "nope.toml"), rc=2)
        self.assertIn("cannot read", missing.stderr)
        binary = os.path.join(self.dir, "binary.toml")
        with open(binary, "wb") as f:
            f.write(b"version = \"x\"\n\xff\xfe\x00 not text")
        empty = self.write("empty.toml", "")
        for path, reason in ((binary, "is not UTF-8 text"), (empty, "the file is empty")):
            for command in (["rules", "validate", path], ["rules", "explain", "--draft", path,
                                                          "--category", "begging", "--urgency",
                                                          "urgent", "--jurisdiction", "110105",
                                                          "--child-age", "9"]):
                r = self.run_cli(*command, rc=2)
                self.assertEqual(r.stderr, f"hotline: usage: {path}: {reason}"
                                 + (" (a routing table is a TOML text file)\n"
                                    if path == binary else "\n"))

    def test_2_apply_versions_diff_show_rollback(self):
        before = self.current_version()
        edited = table_text().replace('\nversion = "2026-11-28.1"\n', '\nversion = "cli-e2e"\n', 1)
        path = self.write("edited.toml", edited)
        applied = self.run_cli("rules", "apply", path, "--comment", "relabel from the CLI")
        self.assertIn(f"routing table version {before + 1} (cli-e2e) is in force, applied by "
                      "admin-li", applied.stdout)
        stale = self.run_cli("rules", "apply", path, "--comment", "again",
                             "--expected-version", str(before), rc=1)
        self.assertEqual(stale.error()[0], "ABORTED", stale.describe())
        events = self.server.count_events()
        twice = self.run_cli("rules", "apply", path, "--comment", "applied twice")
        self.assertIn(f"unchanged: routing table version {before + 1} (cli-e2e, applied by "
                      "admin-li) already has this text and stays in force", twice.stdout)
        self.assertEqual(self.current_version(), before + 1, "the same text made a new version")
        self.assertEqual(self.server.count_events(), events, "an unchanged apply stored events")

        versions = self.run_cli("rules", "versions")
        self.assertRegex(versions.stdout, rf"(?m)^{before + 1} \*\s+cli-e2e\s+.*admin-li\s+"
                                          r"relabel from the CLI$")
        diff = self.run_cli("rules", "diff", str(before))
        self.assertTrue(diff.stdout.startswith("# label: 2026-11-28.1 -> cli-e2e\n--- version "),
                        diff.stdout[:200])
        self.assertIn('\n-version = "2026-11-28.1"\n+version = "cli-e2e"\n', diff.stdout)
        shown = self.run_cli("rules", "show", str(before + 1))
        self.assertEqual(shown.stdout, edited)

        rolled = self.run_cli("rules", "rollback", str(before), "--comment", "undo the relabel")
        self.assertIn(f"routing table version {before + 2} (2026-11-28.1) is in force",
                      rolled.stdout)
        versions = self.run_cli("rules", "versions", lang="zh")
        self.assertIn("版本", versions.stdout)
        self.assertIn(f"（恢复版本 {before}）undo the relabel", versions.stdout)
        self.assertEqual(self.run_cli("rules", "diff", str(before)).stdout, "no difference\n")

    def test_3_explain_a_draft_and_replay_it(self):
        # The draft sends begging to the community worker instead of the police.
        draft = table_text().replace(
            'when = { categories = ["begging"] }\ntargets = [ { type = "police" } ]',
            'when = { categories = ["begging"] }\ntargets = [ { type = "community" } ]', 1)
        draft = draft.replace('jurisdiction = "110105"\nage = 9\ndesks = ["police-110105"]',
                              'jurisdiction = "110105001001"\nage = 9\n'
                              'desks = ["community-110105001001"]', 1)
        self.assertNotEqual(draft, table_text())
        path = self.write("draft.toml", draft)
        report = ["--category", "begging", "--urgency", "urgent", "--jurisdiction",
                  "110105001001", "--child-age", "9"]
        now = self.run_cli("rules", "explain", *report, json_output=True).json()
        self.assertEqual([a["deskId"] for a in now["assignments"]], ["police-110105"])
        drafted = self.run_cli("rules", "explain", *report, "--draft", path,
                               json_output=True).json()
        self.assertEqual([a["deskId"] for a in drafted["assignments"]], ["community-110105001001"])

        for _ in range(3):
            self.run_cli("report", *report, "--narrative", "乞讨", "--reporter-phone",
                         "13800000000", token=self.op)
        replay = self.run_cli("rules", "replay", path)
        m = re.match(r"^(\d+) reports replayed, (\d+) would be routed differently\n", replay.stdout)
        self.assertIsNotNone(m, replay.stdout)
        self.assertGreaterEqual(int(m.group(2)), 3)
        self.assertIn("community-110105001001: +", replay.stdout)
        self.assertIn("police-110105: -", replay.stdout)

    def test_4_desks_put_list_disable_and_overdue(self):
        put = self.run_cli("desks", "put", "youth-110105", "--name", "朝阳团区委青少年服务台",
                           "--type", "youth_league", "--jurisdiction", "110105",
                           "--ack-deadline", "2h", "--comment", "a new partner")
        self.assertIn("is in force", put.stdout)
        # The new version's warnings, at lines of its text (hotline rules show N prints it).
        self.assertRegex(put.stdout, r"(?m)^routing table version \d+:\d+: warning: desk "
                                     r"'youth-110105' is never targeted")
        listed = self.run_cli("desks", "list")
        self.assertRegex(listed.stdout, r"(?m)^youth-110105\s+朝阳团区委青少年服务台\s+youth_league\s+"
                                        r"110105\s+2h\s+0$")
        bad = self.run_cli("desks", "put", "x", "--name", "n", "--type", "police",
                           "--jurisdiction", "110105", "--ack-deadline", "soon",
                           "--comment", "c", rc=2)
        self.assertIn("--ack-deadline: 'soon' is not a duration", bad.stderr)
        for args in (["rules", "diff", "0"], ["rules", "rollback", "0", "--comment", "c"],
                     ["rules", "apply", "x.toml", "--comment", "c", "--expected-version", "-1"]):
            version = self.run_cli(*args, rc=2)
            self.assertIn("must be a version number, 1 or more", version.stderr, args)
            self.assertEqual(len(version.stderr.strip().splitlines()), 1, version.stderr)
        gone = self.run_cli("desks", "disable", "youth-110105", "--comment", "trial ended")
        self.assertIn("is in force", gone.stdout)
        self.assertNotIn("youth-110105", self.run_cli("desks", "list").stdout)
        refused = self.run_cli("desks", "disable", "center", "--comment", "no", rc=1)
        self.assertEqual(refused.error()[0], "FAILED_PRECONDITION", refused.describe())
        overdue = self.run_cli("case", "list", "--overdue", json_output=True, token=self.op).json()
        self.assertEqual(overdue.get("cases", []), [])  # deadlines are 30 minutes away


class CliTlsTest(unittest.TestCase):
    def test_the_cli_over_tls(self):
        pki = harness.make_tempdir("hotline-e2e-cli-pki-")
        self.addCleanup(harness.remove_tempdir, pki)
        make_pki(pki)
        server = harness.Server(log_level="info", name="cli-tls")
        self.addCleanup(server.close)
        with open(server.config, "a", encoding="utf-8") as f:
            f.write(f'tls_cert = "{pki}/server.pem"\ntls_key = "{pki}/server.key"\n')
        server.start()
        op = server.issue_token("operator", "op-tls")
        report = ["report", "--category", "begging", "--urgency", "urgent", "--jurisdiction",
                  "110105", "--child-age", "9", "--narrative", "乞讨", "--reporter-phone",
                  "13800000000"]
        ok = server.cli(["--tls-ca", os.path.join(pki, "ca.pem")] + report, token=op,
                        json_output=True)
        self.assertEqual(ok.rc, 0, ok.describe())
        self.assertRegex(ok.json()["caseNumber"], harness.CASE_NUMBER_RE)
        plain = server.cli(["--timeout", "3"] + report, token=op)
        self.assertEqual(plain.rc, 4, plain.describe())  # unreachable: the outcome is unknown
        self.assertEqual(plain.error()[0], "UNAVAILABLE", plain.describe())
        self.assertEqual(len(server.query("SELECT 1 FROM cases")), 1)


if __name__ == "__main__":
    unittest.main()
