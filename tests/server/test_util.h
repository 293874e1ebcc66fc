// Helpers shared by the server tests: a small routing table, valid requests that tests break
// one field at a time, matchers for validation refusals, and a temporary directory.
#pragma once

#include <catch2/catch.hpp>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "hotline/v1/intake.pb.h"
#include "router/loader.h"
#include "router/routing_table.h"

namespace hotline::server::testing {

// Jurisdictions 11 > 1101 > 110105 > 110105001 > 110105001001; a centre desk and a police
// desk (deadline 30m); rule 'begging' sends to the police, the default rule to the centre.
inline constexpr std::string_view kTable = R"(version = "t1"
default_ack_deadline = "2h"

[[jurisdiction]]
code = "11"
name = "北京市"

[[jurisdiction]]
code = "1101"
name = "市辖区"

[[jurisdiction]]
code = "110105"
name = "朝阳区"

[[jurisdiction]]
code = "110105001"
name = "建外街道"

[[jurisdiction]]
code = "110105001001"
name = "永安里社区"

[[desk]]
id = "center"
name = "未保中心"
type = "center"
jurisdiction = "11"

[[desk]]
id = "police-110105"
name = "朝阳分局"
type = "police"
jurisdiction = "110105"
ack_deadline = "30m"

[[rule]]
id = "begging"
cites = "art. 17"
when = { categories = ["begging"] }
targets = [ { type = "police" } ]

[[rule]]
id = "default"
cites = "art. 33"
default = true
targets = [ { desk = "center" } ]
)";

inline std::shared_ptr<const router::RoutingTable> SmallTable() {
  auto table = router::ParseRoutingTable(kTable, "server_test.toml");
  INFO(table.status().ToString());
  REQUIRE(table.ok());
  return *table;
}

// Personal data of the valid report, to look for in outputs that must not carry it.
inline constexpr std::string_view kReporterName = "Zhang San 张三";
inline constexpr std::string_view kReporterPhone = "13800000000";
inline constexpr std::string_view kReporterOrganization = "Chaoyang Primary School";
inline constexpr std::string_view kChildName = "Xiao Ming 小明";
inline constexpr std::string_view kNarrative = "child begging at the metro exit 地铁口乞讨";
inline constexpr std::string_view kGuardianPhone = "13911112222";

// A report that passes every rule: one child of 9 in 110105, begging, urgent.
inline v1::SubmitReportRequest ValidReportRequest() {
  v1::SubmitReportRequest request;
  request.set_request_id("req-2026.03:01_a");
  v1::Report* report = request.mutable_report();
  report->set_channel(v1::CHANNEL_PHONE);
  v1::Reporter* reporter = report->mutable_reporter();
  reporter->set_name(std::string(kReporterName));
  reporter->set_phone(std::string(kReporterPhone));
  reporter->set_relation(v1::REPORTER_RELATION_NEIGHBOR);
  reporter->set_organization(std::string(kReporterOrganization));
  v1::Child* child = report->add_children();
  child->set_name(std::string(kChildName));
  child->mutable_age()->set_min_years(9);
  child->mutable_age()->set_max_years(9);
  child->set_sex(v1::SEX_MALE);
  child->set_jurisdiction_code("110105");
  child->set_address("metro exit B, Jianguomen");
  child->set_school("Jianwai No. 2 Primary");
  v1::Guardian* guardian = report->add_guardians();
  guardian->set_name("Li Hua");
  guardian->set_relation("mother");
  guardian->set_phone(std::string(kGuardianPhone));
  guardian->set_situation("works nights");
  report->add_categories(v1::DISTRESS_CATEGORY_BEGGING);
  report->set_urgency(v1::URGENCY_URGENT);
  report->add_services_needed(v1::SERVICE_RESCUE);
  report->set_narrative(std::string(kNarrative));
  return request;
}

inline v1::SubmitInquiryRequest ValidInquiryRequest() {
  v1::SubmitInquiryRequest request;
  request.set_request_id("inq-1");
  v1::Inquiry* inquiry = request.mutable_inquiry();
  inquiry->set_channel(v1::CHANNEL_ONLINE);
  inquiry->set_topic("guardianship");
  inquiry->set_question("Who is the guardian when both parents are abroad?");
  inquiry->set_answer("Art. 80: the entrusted carer; the community registers it.");
  inquiry->mutable_contact()->set_name(std::string(kReporterName));
  inquiry->mutable_contact()->set_phone(std::string(kReporterPhone));
  return request;
}

// `count` copies of `unit`.
inline std::string Repeat(std::string_view unit, int count) {
  std::string out;
  for (int i = 0; i < count; ++i) out += unit;
  return out;
}

// The refusal the validation contract promises: INVALID_ARGUMENT, the message starting with
// exactly "<field>: " and containing `reason`. A Catch2 matcher, so a test states it in its
// own CHECK and a failure prints the status beside what was expected:
//   CHECK_THAT(ValidateAddNote(request), IsRefused("text", "is required"));
class IsRefused : public Catch::MatcherBase<absl::Status> {
 public:
  IsRefused(std::string field, std::string reason)
      : field_(std::move(field)), reason_(std::move(reason)) {}

  bool match(const absl::Status& status) const override {
    const std::string message(status.message());
    return status.code() == absl::StatusCode::kInvalidArgument &&
           message.starts_with(field_ + ": ") && message.find(reason_) != std::string::npos;
  }
  std::string describe() const override {
    return "is INVALID_ARGUMENT starting \"" + field_ + ": \" and containing \"" + reason_ + "\"";
  }

 private:
  std::string field_;
  std::string reason_;
};

// The status is OK: CHECK_THAT(ValidateListCases(request), IsAccepted()).
class IsAccepted : public Catch::MatcherBase<absl::Status> {
 public:
  bool match(const absl::Status& status) const override { return status.ok(); }
  std::string describe() const override { return "is OK"; }
};

// A fresh directory under the system temp directory, removed with its contents on
// destruction.
class TempDir {
 public:
  TempDir() {
    std::random_device random;
    path_ = std::filesystem::temp_directory_path() /
            ("hotline-server-test-" + std::to_string(random()) + std::to_string(random()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace hotline::server::testing
