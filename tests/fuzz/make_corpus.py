#!/usr/bin/python3
"""Writes the generated part of the fuzzers' seed corpora (the outputs are kept in the tree).

  corpus/fuzz_report_validation/*.bin   serialized SubmitReportRequests, valid and invalid
                                        (and one SubmitInquiryRequest)
  corpus/fuzz_routing_table/many-rules.toml
                                        a valid table of more than 64 rules, so Route() uses
                                        its rule index (router/router.h)

The hand-written seeds of fuzz_routing_table (copies of config/routing.toml and
tests/router/testdata, and small edited variants) are not touched. Run from the repository
after a build (the Python stubs come from build/py):

  /usr/bin/python3 tests/fuzz/make_corpus.py [--py-dir build/py]
"""

import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def report_requests(case_pb2, intake_pb2):
    """(name, bytes) of each SubmitReportRequest seed."""

    def valid():
        r = intake_pb2.SubmitReportRequest(request_id="req-2026.03:01_a")
        rep = r.report
        rep.channel = case_pb2.CHANNEL_PHONE
        rep.reporter.name = "Zhang San 张三"
        rep.reporter.phone = "13800000000"
        rep.reporter.relation = case_pb2.REPORTER_RELATION_NEIGHBOR
        rep.reporter.organization = "Chaoyang Primary School"
        c = rep.children.add(name="Xiao Ming 小明", sex=case_pb2.SEX_MALE,
                             jurisdiction_code="110105", address="metro exit B",
                             school="Jianwai No. 2 Primary")
        c.age.min_years = 9
        c.age.max_years = 9
        rep.guardians.add(name="Li Hua", relation="mother", phone="13911112222",
                          situation="works nights")
        rep.categories.append(case_pb2.DISTRESS_CATEGORY_BEGGING)
        rep.urgency = case_pb2.URGENCY_URGENT
        rep.services_needed.append(case_pb2.SERVICE_RESCUE)
        rep.narrative = "child begging at the metro exit 地铁口乞讨"
        return r

    seeds = []

    def add(name, message_or_bytes):
        data = message_or_bytes
        if not isinstance(data, bytes):
            data = data.SerializeToString()
        seeds.append((name, data))

    add("valid-begging", valid())

    r = valid()
    r.request_id = "7f9c2ba4-e88f-11ee-a951-0242ac120002"
    rep = r.report
    rep.urgency = case_pb2.URGENCY_IMMEDIATE_DANGER
    rep.reporter.relation = case_pb2.REPORTER_RELATION_TEACHER
    rep.reporter.mandated_reporter = True
    del rep.categories[:]
    rep.categories.extend([case_pb2.DISTRESS_CATEGORY_ABUSE, case_pb2.DISTRESS_CATEGORY_NEGLECT])
    c = rep.children.add(name="妹妹", sex=case_pb2.SEX_FEMALE, jurisdiction_code="110101002001",
                         attends_school=False)
    c.age.min_years = 3
    c.age.max_years = 5
    rep.children[0].attends_school = True
    rep.services_needed.extend([case_pb2.SERVICE_SHELTER, case_pb2.SERVICE_MEDICAL])
    add("valid-two-children-immediate-danger", r)

    r = intake_pb2.SubmitReportRequest(request_id="anon-1")
    rep = r.report
    rep.channel = case_pb2.CHANNEL_ONLINE
    rep.reporter.anonymous = True
    rep.children.add(jurisdiction_code="11")
    rep.categories.append(case_pb2.DISTRESS_CATEGORY_OTHER)
    rep.urgency = case_pb2.URGENCY_ROUTINE
    rep.narrative = "x"
    add("valid-anonymous-minimal", r)

    r = valid()
    r.request_id = "ref:2026.11.28-0001"
    rep = r.report
    rep.channel = case_pb2.CHANNEL_AGENCY_REFERRAL
    rep.reporter.relation = case_pb2.REPORTER_RELATION_SOCIAL_WORKER
    rep.reporter.phone = "+8610123456789"
    del rep.categories[:]
    rep.categories.extend([case_pb2.DISTRESS_CATEGORY_PSYCHOLOGICAL_CRISIS,
                           case_pb2.DISTRESS_CATEGORY_DROPOUT,
                           case_pb2.DISTRESS_CATEGORY_DISABILITY])
    rep.children[0].jurisdiction_code = "110105002002"
    rep.children[0].age.min_years = 14
    rep.children[0].age.max_years = 16
    rep.guardians.add(name="Wang", relation="grandfather", address="雅宝里 3-2-101")
    add("valid-agency-referral", r)

    r = valid()
    r.report.reporter.relation = case_pb2.REPORTER_RELATION_SELF
    r.report.children[0].ClearField("age")
    r.report.categories[0] = case_pb2.DISTRESS_CATEGORY_TRAFFICKING
    add("valid-self-no-age", r)

    # Invalid: one rule broken each.
    r = valid()
    r.request_id = ""
    add("invalid-no-request-id", r)

    r = valid()
    r.request_id = "has space/and slash"
    add("invalid-request-id-characters", r)

    r = valid()
    r.report.children[0].jurisdiction_code = "999999"
    add("invalid-unknown-jurisdiction", r)

    r = valid()
    r.report.children[0].jurisdiction_code = "11010"
    add("invalid-malformed-jurisdiction", r)

    r = valid()
    r.report.children[0].age.min_years = 12
    r.report.children[0].age.max_years = 18
    add("invalid-age", r)

    r = valid()
    r.report.categories.append(case_pb2.DISTRESS_CATEGORY_BEGGING)
    add("invalid-repeated-category", r)

    r = valid()
    r.report.urgency = case_pb2.URGENCY_UNSPECIFIED
    add("invalid-no-urgency", r)

    r = valid()
    r.report.reporter.anonymous = True
    add("invalid-anonymous-with-phone", r)

    r = valid()
    r.report.reporter.phone = "12ab"
    add("invalid-phone", r)

    r = valid()
    for _ in range(21):
        r.report.children.add(jurisdiction_code="110105")
    add("invalid-too-many-children", r)

    r = valid()
    r.report.narrative = "x" * 20001
    add("invalid-narrative-too-long", r)

    # Out-of-range enum values: proto3 keeps them, validation must refuse them.
    r = valid()
    r.report.categories.append(99)
    r.report.children[0].sex = 42
    add("invalid-unknown-enum-values", r)

    # Bytes protobuf itself refuses: invalid UTF-8 in a string (the narrative, field 8 of
    # Report), a truncated message, unknown fields.
    good = valid().SerializeToString()
    narrative = "child begging at the metro exit 地铁口乞讨".encode()
    add("invalid-utf8-narrative", good.replace(narrative, b"\xff\xfe" + narrative[2:]))
    add("invalid-truncated", good[: len(good) // 2])
    add("unknown-fields", good + b"\xa0\x06\x01" + b"\xaa\x06\x03abc")

    # The body of SubmitInquiry: the target tries every input as one too.
    q = intake_pb2.SubmitInquiryRequest(request_id="inq-1")
    q.inquiry.channel = case_pb2.CHANNEL_ONLINE
    q.inquiry.topic = "guardianship"
    q.inquiry.question = "Who is the guardian when both parents are abroad?"
    q.inquiry.answer = "Art. 80: the entrusted carer; the community registers it."
    q.inquiry.contact.name = "Zhang San 张三"
    q.inquiry.contact.phone = "13800000000"
    add("valid-inquiry", q)

    add("empty", b"")
    return seeds


def many_rules_table(count=70):
    """A valid routing table of `count` rules before the default rule."""
    categories = ["neglect", "abandonment", "abuse", "exploitation", "trafficking",
                  "domestic_violence", "sexual_abuse", "begging", "vagrancy", "left_unattended",
                  "left_behind", "living_alone", "migrant", "dropout", "psychological_crisis",
                  "illness", "guardian_incapacity", "instigated_crime",
                  "no_household_registration", "disability", "poverty", "unknown_identity"]
    urgencies = ["immediate_danger", "urgent", "routine"]
    lines = ['# Generated by tests/fuzz/make_corpus.py: more than 64 rules, so Route() uses its',
             '# rule index.',
             'version = "many-rules-1"', 'default_ack_deadline = "4h"', '']
    codes = [("11", "北京市"), ("1101", "市辖区"), ("110101", "东城区"), ("110105", "朝阳区"),
             ("110105001", "建外街道"), ("110105001001", "永安里东社区")]
    for code, name in codes:
        lines += ["[[jurisdiction]]", f'code = "{code}"', f'name = "{name}"', ""]
    desks = [("center", "center", "11"), ("police-110101", "police", "110101"),
             ("police-110105", "police", "110105"), ("school-110105", "school", "110105"),
             ("community-110105001001", "community", "110105001001")]
    for desk_id, desk_type, code in desks:
        lines += ["[[desk]]", f'id = "{desk_id}"', f'name = "{desk_id} desk"',
                  f'type = "{desk_type}"', f'jurisdiction = "{code}"', ""]
    targets = ['{ type = "police" }', '{ type = "community", deadline = "30m" }',
               '{ desk = "school-110105" }', '{ type = "school" }']
    for i in range(count):
        # Every rule continues, so none shadows a later one.
        when = [f'categories = ["{categories[i % len(categories)]}"]']
        if i % 3 == 1:
            when.append(f'urgency = ["{urgencies[i % 3]}", "{urgencies[(i + 1) % 3]}"]')
        if i % 4 == 2:
            when.append('jurisdiction = ["110105"]' if i % 8 == 2 else 'jurisdiction = ["110101"]')
        if i % 5 == 3:
            when.append(f"age = [{i % 10}, {i % 10 + 5}]")
        if i % 7 == 4:
            when.append('reporter = ["mandated", "public"]')
        if i % 6 == 5:
            when.append("attends_school = true")
        lines += ["[[rule]]", f'id = "rule-{i:03d}"', f'cites = "art. {i % 80 + 1}"',
                  "continue = true", "when = { " + ", ".join(when) + " }",
                  f"targets = [ {targets[i % len(targets)]} ]"]
        if i % 9 == 0:
            lines.append('escalate = [ { type = "police", deadline = "10m" }, { desk = "center" } ]')
        lines.append("")
    lines += ["[[rule]]", 'id = "default"', 'cites = "art. 33"', "default = true",
              'targets = [ { desk = "center" } ]', ""]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--py-dir", default=os.path.join(ROOT, "build", "py"),
                        help="generated Python stubs (default: build/py)")
    args = parser.parse_args()
    sys.path.insert(0, args.py_dir)
    from hotline.v1 import case_pb2, intake_pb2  # noqa: E402 (generated at build time)

    out = os.path.join(HERE, "corpus", "fuzz_report_validation")
    os.makedirs(out, exist_ok=True)
    for name, data in report_requests(case_pb2, intake_pb2):
        with open(os.path.join(out, name + ".bin"), "wb") as f:
            f.write(data)

    out = os.path.join(HERE, "corpus", "fuzz_routing_table")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "many-rules.toml"), "w", encoding="utf-8") as f:
        f.write(many_rules_table())


if __name__ == "__main__":
    main()
