"""End-to-end tests of what the `hotline` CLI accepts as input: tokens, addresses, digits
typed by Chinese input methods, and what it does when its output cannot be written.

Each test is named after the review finding it covers. One shared server; nothing here
depends on the order of the tests.
"""

import json
import os
import pty
import re
import select
import subprocess
import termios
import time
import unittest

import harness
from harness import Server

BEGGING_ARGS = ["--category", "begging", "--urgency", "urgent", "--jurisdiction", "110105",
                "--child-age", "9", "--narrative", "E2E-INPUT: a child begs at the metro exit",
                "--reporter-phone", "13800000000"]

ROOT = None


def setUpModule():
    global ROOT
    ROOT = harness.make_tempdir("hotline-e2e-cli-input-")


def tearDownModule():
    harness.remove_tempdir(ROOT)


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ("HOTLINE_SERVER", "HOTLINE_TOKEN", "HOTLINE_LANG", "LC_MESSAGES", "LANG")}
    env["LC_ALL"] = "C.UTF-8"
    env.update(extra)
    return env


def run_on_terminal(args, answers="", env=None, timeout=30):
    """Runs `hotline ARGS` with stdin a terminal, typing `answers`; returns (rc, output), the
    output being what the terminal showed (stdout and stderr together)."""
    main, secondary = pty.openpty()
    attrs = termios.tcgetattr(secondary)
    attrs[3] &= ~termios.ECHO  # the output is what the program wrote, not what was typed
    termios.tcsetattr(secondary, termios.TCSANOW, attrs)
    proc = subprocess.Popen([harness.HOTLINE] + list(args), stdin=secondary, stdout=secondary,
                            stderr=secondary, env=env or clean_env(), close_fds=True)
    os.close(secondary)
    os.write(main, answers.encode())
    output = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([main], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the terminal closed: the process ended
                break
            if not chunk:
                break
            output += chunk
        elif proc.poll() is not None:
            break
    else:
        proc.kill()
    os.close(main)
    return proc.wait(timeout=timeout), output.decode(errors="replace").replace("\r\n", "\n")


class CliInputTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        cls.server = Server(ROOT, name="input")
        cls.addClassCleanup(cls.server.close)
        cls.op = cls.server.issue_token("operator", "op-input")
        cls.adm = cls.server.issue_token("admin", "adm-input")
        cls.sup = cls.server.issue_token("supervisor", "sup-input")
        cls.server.start()

    def cases(self):
        return self.server.query("SELECT COUNT(*) FROM cases")[0][0]

    # --- review finding 1: tokens that crashed the client -----------------------------------

    def test_token_with_a_line_break_or_non_ascii_is_a_usage_error_not_a_crash(self):
        # Whitespace around a pasted token is not part of it.
        for token in (self.op + "\r", self.op + "\r\n", " " + self.op):
            r = self.server.cli(["case", "list"], token=token)
            self.assertEqual(r.rc, 0, r.describe())
        for token, what in ((self.op[:5] + "\r" + self.op[5:], "U+000D at character 6"),
                            ("王", "U+738B at character 1")):
            r = self.server.cli(["case", "list"], token=token)
            self.assertEqual((r.rc, r.stderr),
                             (2, "hotline: usage: --token/HOTLINE_TOKEN: a token has only visible "
                                 f"ASCII characters, but this one has {what}\n"), r.describe())
        p = subprocess.run([harness.HOTLINE, "--server", self.server.address, "case", "list"],
                           env=clean_env(HOTLINE_TOKEN="王"), capture_output=True, text=True,
                           timeout=30, stdin=subprocess.DEVNULL)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("--token/HOTLINE_TOKEN", p.stderr)

    def test_a_bad_or_missing_token_is_refused_before_any_question(self):
        before = self.cases()
        for token_args in (["--token", self.op + "\r\x01"], []):
            rc, shown = run_on_terminal(["--server", self.server.address] + token_args +
                                        ["report"], answers="1\n1\n110105\n9\n")
            self.assertEqual(rc, 2, shown)
            self.assertTrue(shown.startswith("hotline: usage: --token/HOTLINE_TOKEN: "), shown)
            self.assertEqual(shown.count("\n"), 1, "a question was asked: " + shown)
        self.assertEqual(self.cases(), before)


    # --- review finding 3: output that could not be written -------------------------------

    def run_into(self, args, stdout):
        return subprocess.run([harness.HOTLINE, "--server", self.server.address, "--token",
                               self.op] + args, stdout=stdout, stderr=subprocess.PIPE,
                              text=True, timeout=60, stdin=subprocess.DEVNULL, env=clean_env())

    def test_a_report_whose_answer_cannot_be_written_names_its_case_and_request_id(self):
        for extra in (["--json"], []):
            before = self.cases()
            with open("/dev/full", "w", encoding="utf-8") as full:
                p = self.run_into(["report"] + BEGGING_ARGS + extra, full)
            self.assertEqual(p.returncode, 4, p.stderr)
            m = re.fullmatch(r"hotline: (HL-\d{4}-\d{6}) is stored, but the answer could not be "
                             r"written to the output \(No space left on device\): the same "
                             r"command with --request-id (\S+) shows it again \(never a second "
                             r"case\)\n", p.stderr)
            self.assertIsNotNone(m, p.stderr)
            self.assertEqual(self.cases(), before + 1)
            again = self.server.cli(["report"] + BEGGING_ARGS + ["--request-id", m.group(2)],
                                    token=self.op, json_output=True)
            self.assertEqual(again.rc, 0, again.describe())
            self.assertEqual(again.json()["caseNumber"], m.group(1))
            self.assertEqual(self.cases(), before + 1)

    def test_a_list_that_cannot_be_written_fails(self):
        with open("/dev/full", "w", encoding="utf-8") as full:
            p = self.run_into(["case", "list"], full)
        self.assertEqual((p.returncode, p.stderr),
                         (4, "hotline: the answer could not be written to the output (No space "
                             "left on device), so it is not shown\n"))

    def test_a_report_whose_reader_went_away_names_its_case(self):
        p = subprocess.Popen([harness.HOTLINE, "--server", self.server.address, "--token",
                              self.op, "report"] + BEGGING_ARGS, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=clean_env())
        p.stdout.close()
        err = p.stderr.read().decode()
        p.stderr.close()
        self.assertEqual(p.wait(timeout=60), 4, err)
        self.assertRegex(err, r"^hotline: HL-\d{4}-\d{6} is stored, but the answer could not be "
                              r"written to the output \(Broken pipe\): .* --request-id \S+ ")

    def test_a_watch_whose_line_cannot_be_written_gives_the_cursor_before_it(self):
        sup = self.sup
        self.server.cli(["report"] + BEGGING_ARGS, token=self.op, json_output=True)
        first = self.server.cli(["desk", "watch", "--desk", "police-110105", "--max-events", "1"],
                                token=sup, json_output=True)
        self.assertEqual(first.rc, 0, first.describe())
        cursor = json.loads(first.stdout.splitlines()[-1])["cursor"]
        self.server.cli(["report"] + BEGGING_ARGS, token=self.op, json_output=True)
        # The next event's line cannot be written: a resume from the cursor printed must
        # start with it, so the cursor is the one the watch started after.
        with open("/dev/full", "w", encoding="utf-8") as full:
            p = subprocess.run([harness.HOTLINE, "--server", self.server.address, "--token", sup,
                                "desk", "watch", "--desk", "police-110105", "--after", cursor,
                                "--json"], stdout=full, stderr=subprocess.PIPE, text=True,
                               timeout=30, env=clean_env(), stdin=subprocess.DEVNULL)
        self.assertEqual((p.returncode, p.stderr), (0, f"last cursor: {cursor}\n"))
        resumed = self.server.cli(["desk", "watch", "--desk", "police-110105", "--after", cursor,
                                   "--max-events", "1"], token=sup, json_output=True)
        self.assertEqual(resumed.rc, 0, resumed.describe())
        self.assertNotEqual(json.loads(resumed.stdout.splitlines()[-1])["cursor"], cursor)

    # --- review finding 4: server addresses gRPC misread ----------------------------------

    def test_a_malformed_server_address_is_a_usage_error(self):
        port = self.server.address.rsplit(":", 1)[1]
        wrapped = f"127.0.0.1:{int(port) + 65536}"  # gRPC connected to `port` with this
        for address, reason in ((wrapped, "the port must be a number from 1 to 65535"),
                                ("127.0.0.1:-1", "the port must be a number from 1 to 65535"),
                                ("127.0.0.1:abc", "the port must be a number from 1 to 65535"),
                                ("", "no address given"),
                                (" " + self.server.address,
                                 "an address has no spaces or control characters"),
                                ("http://" + self.server.address,
                                 "give the address without a scheme such as http://")):
            p = subprocess.run([harness.HOTLINE, "--server", address, "--token", self.op,
                                "case", "list"], capture_output=True, text=True, timeout=30,
                               env=clean_env(), stdin=subprocess.DEVNULL)
            self.assertEqual((p.returncode, p.stderr),
                             (2, f'hotline: usage: --server/HOTLINE_SERVER: "{address}": {reason} '
                                 "(host:port, [IPv6]:port or unix:PATH, e.g. 127.0.0.1:50051)\n"))
        p = subprocess.run([harness.HOTLINE, "case", "list"], capture_output=True, text=True,
                           env=clean_env(HOTLINE_SERVER=wrapped, HOTLINE_TOKEN=self.op),
                           timeout=30, stdin=subprocess.DEVNULL)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("--server/HOTLINE_SERVER", p.stderr)
        ok = self.server.cli(["case", "list"], token=self.op,
                             server="localhost:" + port)
        self.assertEqual(ok.rc, 0, ok.describe())

    def test_an_unknown_hotline_lang_is_a_usage_error_like_an_unknown_lang_flag(self):
        def run(args, **env):
            return subprocess.run([harness.HOTLINE, "--server", self.server.address, "--token",
                                   self.op] + args + ["case", "list"], capture_output=True,
                                  text=True, timeout=30, env=clean_env(**env),
                                  stdin=subprocess.DEVNULL)
        p = run([], HOTLINE_LANG="fr")
        self.assertEqual((p.returncode, p.stderr),
                         (2, 'hotline: usage: HOTLINE_LANG: "fr" is not en or zh '
                             "(unset it, or give --lang)\n"))
        self.assertEqual(p.stdout, "")
        # --lang decides over it; an empty or locale-style value is fine.
        for args, env in ((["--lang", "en"], {"HOTLINE_LANG": "fr"}),
                          ([], {"HOTLINE_LANG": ""}), ([], {"HOTLINE_LANG": "zh_CN.UTF-8"})):
            p = run(args, **env)
            self.assertEqual(p.returncode, 0, (args, env, p.stderr))

    def test_command_line_mistakes_are_told_in_the_ui_language(self):
        def run(*args):
            return subprocess.run([harness.HOTLINE, "--server", self.server.address, "--token",
                                   self.adm] + list(args), capture_output=True, text=True,
                                  timeout=30, env=clean_env(), stdin=subprocess.DEVNULL)
        for args, expected in (
                (["--lang", "zh", "rules", "apply"], "用法错误：file：必须提供"),
                (["--lang", "zh", "rules", "apply", "t.toml", "--comment"],
                 "用法错误：--comment：缺少取值（TEXT）"),
                (["--lang", "zh", "case", "list", "--frob"],
                 "用法错误：无法识别的参数：--frob（参见 --help）"),
                (["rules", "apply", "t.toml"], "usage: --comment: is required"),
                (["rules", "replay", "t.toml", "--examples", "200"],
                 "usage: --examples: 200 is not between 1 and 100")):
            p = run(*args)
            self.assertEqual((p.returncode, p.stderr), (2, f"hotline: {expected}\n"), args)

    # --- review finding 5: full-width digits ----------------------------------------------

    def test_full_width_digits_are_read_in_flags_and_prompts(self):
        wide = str.maketrans("0123456789", "０１２３４５６７８９")
        args = ["report", "--category", "begging", "--urgency", "urgent", "--jurisdiction",
                "110105".translate(wide), "--child-age", "9".translate(wide), "--narrative",
                "E2E-INPUT: full-width digits", "--reporter-phone",
                "13800000000".translate(wide)]
        case = self.server.cli(args, token=self.op, json_output=True)
        self.assertEqual(case.rc, 0, case.describe())
        child = case.json()["report"]["children"][0]
        self.assertEqual(child["jurisdictionCode"], "110105", case.stdout)
        self.assertEqual(case.json()["report"]["reporter"]["phone"], "13800000000", case.stdout)

        # On a terminal: categories 8 (begging), urgency 2 (urgent), jurisdiction, age, the
        # narrative and the phone, every number typed in full-width digits.
        answers = "\n".join(["８", "２", "１１０１０５", "９", "E2E-INPUT: typed on a terminal",
                             "１３８００００００００"]) + "\n"
        before = self.cases()
        rc, shown = run_on_terminal(["--server", self.server.address, "--token", self.op,
                                     "report", "--json"], answers=answers)
        self.assertEqual(rc, 0, shown)
        self.assertNotIn("not one of the choices", shown)
        self.assertEqual(self.cases(), before + 1)
        row = self.server.query("SELECT case_number FROM cases ORDER BY rowid DESC LIMIT 1")[0]
        shown_case = self.server.cli(["case", "show", row[0]], token=self.op, json_output=True)
        report = shown_case.json()["report"]
        self.assertEqual(report["categories"], ["DISTRESS_CATEGORY_BEGGING"], shown_case.stdout)
        self.assertEqual(report["urgency"], "URGENCY_URGENT")
        self.assertEqual(report["children"][0]["jurisdictionCode"], "110105")
        self.assertEqual(report["children"][0]["age"].get("minYears"), 9)
        self.assertEqual(report["reporter"]["phone"], "13800000000")


    # --- review finding 6: desks put without --ack-deadline -------------------------------

    def desk_block(self, desk_id):
        shown = self.server.cli(["rules", "show"], token=self.adm, json_output=True)
        self.assertEqual(shown.rc, 0, shown.describe())
        text = shown.json()["text"]
        start = text.index(f'\nid = "{desk_id}"\n')  # not the header's commented example
        end = text.find("[[", start)
        return text[start:end if end >= 0 else len(text)]

    def test_desks_put_without_ack_deadline_keeps_the_desks_own(self):
        self.assertIn('ack_deadline = "30m"', self.desk_block("police-110105"))
        put = self.server.cli(["desks", "put", "police-110105", "--name", "朝阳分局未保岗",
                               "--type", "police", "--jurisdiction", "110105",
                               "--comment", "rename"], token=self.adm)
        self.assertEqual(put.rc, 0, put.describe())
        self.assertIn("acknowledgement deadline of police-110105: 30m, its own, kept "
                      "(--ack-deadline changes it)\n", put.stdout)
        block = self.desk_block("police-110105")
        self.assertIn("朝阳分局未保岗", block)
        self.assertIn('ack_deadline = "30m"', block)

        # A desk without its own deadline stays on the table default (not pinned to 4h).
        community = "community-110101001001"
        self.assertNotIn("ack_deadline", self.desk_block(community))
        put = self.server.cli(["desks", "put", community, "--name", "多福巷社区", "--type",
                               "community", "--jurisdiction", "110101001001", "--comment",
                               "rename"], token=self.adm)
        self.assertEqual(put.rc, 0, put.describe())
        self.assertIn(f"acknowledgement deadline of {community}: the table default, 4h\n",
                      put.stdout)
        self.assertNotIn("ack_deadline", self.desk_block(community))

        put = self.server.cli(["desks", "put", "police-110105", "--name", "朝阳分局未保岗",
                               "--type", "police", "--jurisdiction", "110105", "--ack-deadline",
                               "45m", "--comment", "faster"], token=self.adm)
        self.assertEqual(put.rc, 0, put.describe())
        self.assertIn("acknowledgement deadline of police-110105: 45m\n", put.stdout)
        self.assertIn('ack_deadline = "45m"', self.desk_block("police-110105"))


    # --- review finding 7: version numbers ------------------------------------------------

    def test_a_bad_version_number_is_a_plain_usage_error(self):
        for args, name in ((["rules", "show", "-1"], "version"),
                           (["rules", "show", "abc"], "version"),
                           (["rules", "show", "0"], "version"),
                           (["rules", "diff", "1", "abc"], "to"),
                           (["rules", "diff", "1", "-1"], "to")):
            r = self.server.cli(args, token=self.adm)
            self.assertEqual((r.rc, r.stderr),
                             (2, f"hotline: usage: {name}: must be a version number, 1 or more "
                                 "(hotline rules versions lists them)\n"), r.describe())
        self.assertEqual(self.server.cli(["rules", "show", "1"], token=self.adm).rc, 0)


    # --- review finding 8: Chinese prompts offered English names only ---------------------

    def test_chinese_prompts_list_and_accept_the_chinese_names(self):
        # 乞讨 (begging) and 紧急 (urgent) are what the Chinese UI shows for those values.
        answers = "\n".join(["乞讨，neglect", "紧急", "110105", "9", "E2E-INPUT: 中文界面",
                             "13800000000"]) + "\n"
        before = self.cases()
        rc, shown = run_on_terminal(["--server", self.server.address, "--token", self.op,
                                     "--lang", "zh", "report", "--json"], answers=answers)
        self.assertEqual(rc, 0, shown)
        self.assertIn("可选：1 忽视, 2 遗弃, 3 虐待", shown)
        self.assertIn("可选：1 紧急危险, 2 紧急, 3 一般", shown)
        self.assertNotIn("不在可选项中", shown)
        self.assertEqual(self.cases(), before + 1)
        row = self.server.query("SELECT case_number FROM cases ORDER BY rowid DESC LIMIT 1")[0]
        report = self.server.cli(["case", "show", row[0]], token=self.op,
                                 json_output=True).json()["report"]
        self.assertEqual(report["categories"],
                         ["DISTRESS_CATEGORY_BEGGING", "DISTRESS_CATEGORY_NEGLECT"])
        self.assertEqual(report["urgency"], "URGENCY_URGENT")


    # --- review finding 9: missing flags in a script, told in protobuf terms -------------

    def test_a_script_is_told_every_missing_flag_at_once_as_a_usage_error(self):
        before = self.cases()
        prefix = "hotline: usage: required flags missing (not on a terminal, nothing is asked): "
        for args, missing in (
                (["report"], "--category, --urgency, --jurisdiction, --narrative, "
                             "--reporter-phone (or --anonymous)"),
                (["report", "--category", "begging", "--jurisdiction", "110105",
                  "--narrative", "E2E-INPUT: no urgency", "--anonymous"], "--urgency"),
                (["report", "--category", "begging", "--urgency", "urgent", "--child-age", "9",
                  "--narrative", "E2E-INPUT: no jurisdiction", "--reporter-phone",
                  "13800000000"], "--jurisdiction"),
                (["rules", "explain"], "--category, --urgency, --jurisdiction"),
                (["inquiry", "--topic", "E2E-INPUT"], "--question, --answer")):
            r = self.server.cli(args, token=self.op)
            self.assertEqual((r.rc, r.stderr), (2, prefix + missing + "\n"), r.describe())
        for args in (["case", "list"], ["feedback", "due"]):
            for limit in ("-3", "0", "501"):
                r = self.server.cli(args + ["--limit", limit], token=self.op)
                self.assertEqual((r.rc, r.stderr),
                                 (2, f"hotline: usage: --limit: {limit} is not between 1 and "
                                     "500\n"), r.describe())
        self.assertEqual(self.server.cli(["case", "list", "--limit", "500"], token=self.op).rc, 0)
        self.assertEqual(self.cases(), before)


if __name__ == "__main__":
    unittest.main()
