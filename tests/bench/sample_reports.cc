#include "tests/bench/sample_reports.h"

#include <set>

#include "router/router.h"
#include "server/mapping.h"

namespace hotline::bench {
namespace {

struct Sample {
  std::vector<v1::DistressCategory> categories;
  v1::Urgency urgency;
  const char* jurisdiction;
  int age;
  int attends_school;  // -1 unknown, 0 no, 1 yes
};

// One per family of rules of config/routing.toml, each over a different community.
const Sample kSamples[] = {
    {{v1::DISTRESS_CATEGORY_BEGGING}, v1::URGENCY_URGENT, "110105", 9, -1},
    {{v1::DISTRESS_CATEGORY_ABUSE}, v1::URGENCY_URGENT, "110101002001", 7, -1},
    {{v1::DISTRESS_CATEGORY_DROPOUT}, v1::URGENCY_ROUTINE, "110105002002", 14, 0},
    {{v1::DISTRESS_CATEGORY_LEFT_BEHIND}, v1::URGENCY_ROUTINE, "110101001002", 10, 1},
    {{v1::DISTRESS_CATEGORY_OTHER}, v1::URGENCY_IMMEDIATE_DANGER, "110105001001", 6, -1},
    {{v1::DISTRESS_CATEGORY_PSYCHOLOGICAL_CRISIS}, v1::URGENCY_URGENT, "110105001002", 15, 1},
    {{v1::DISTRESS_CATEGORY_VAGRANCY, v1::DISTRESS_CATEGORY_BEGGING},
     v1::URGENCY_URGENT,
     "110101002002",
     12,
     0},
    {{v1::DISTRESS_CATEGORY_POVERTY}, v1::URGENCY_ROUTINE, "110105002001", 8, 1},
};

// About 130 characters, as an operator's summary of a call.
constexpr const char* kNarrative =
    "来电人称在地铁站出口多次看到该儿童独自乞讨，衣着单薄，身上有新旧伤痕，询问时孩子不愿"
    "说出家长姓名，只说晚上有人来接。来电人担心孩子被人控制，希望尽快有人到场核实情况。"
    "孩子自称读过两年小学，现在不上学了。";

v1::Report BuildReport(const Sample& s, int index) {
  v1::Report r;
  r.set_channel(v1::CHANNEL_PHONE);
  r.mutable_reporter()->set_anonymous(false);
  r.mutable_reporter()->set_name("张先生");
  r.mutable_reporter()->set_phone("1380000" + std::to_string(1000 + index));
  r.mutable_reporter()->set_relation(v1::REPORTER_RELATION_NEIGHBOR);
  v1::Child* child = r.add_children();
  child->set_name(index % 2 == 0 ? "小明" : "");
  child->set_sex(index % 2 == 0 ? v1::SEX_MALE : v1::SEX_FEMALE);
  child->set_jurisdiction_code(s.jurisdiction);
  child->mutable_age()->set_min_years(s.age);
  child->mutable_age()->set_max_years(s.age);
  child->set_address("地铁站B口附近");
  if (s.attends_school >= 0) child->set_attends_school(s.attends_school == 1);
  v1::Guardian* guardian = r.add_guardians();
  guardian->set_relation("母亲");
  guardian->set_situation("外出务工，联系不上");
  for (v1::DistressCategory c : s.categories) r.add_categories(c);
  r.set_urgency(s.urgency);
  r.set_narrative(kNarrative);
  return r;
}

}  // namespace

const std::vector<v1::Report>& SampleReports() {
  static const std::vector<v1::Report> kMix = [] {
    std::vector<v1::Report> mix;
    int index = 0;
    for (const Sample& s : kSamples) mix.push_back(BuildReport(s, index++));
    return mix;
  }();
  return kMix;
}

void FillSubmitRequest(const std::string& prefix, uint64_t seq, v1::SubmitReportRequest* out) {
  const std::vector<v1::Report>& mix = SampleReports();
  out->set_request_id(prefix + "-" + std::to_string(seq));
  *out->mutable_report() = mix[seq % mix.size()];
}

std::vector<std::string> DesksReached(const router::RoutingTable& table) {
  std::vector<std::string> desks;
  std::set<std::string> seen;
  for (const v1::Report& r : SampleReports()) {
    for (const router::RoutedTarget& t : router::Route(table, server::ToFacts(r)).targets) {
      if (seen.insert(t.desk_id).second) desks.push_back(t.desk_id);
    }
  }
  return desks;
}

RowShape AverageRowShape(const router::RoutingTable& table) {
  RowShape shape;
  const std::vector<v1::Report>& mix = SampleReports();
  for (const v1::Report& r : mix) {
    const router::Decision d = router::Route(table, server::ToFacts(r));
    shape.categories += r.categories_size();
    shape.jurisdictions += r.children_size();
    shape.assignments += static_cast<double>(d.targets.size());
    shape.events += 2 + static_cast<double>(d.targets.size());
  }
  const double n = static_cast<double>(mix.size());
  shape.categories /= n;
  shape.jurisdictions /= n;
  shape.assignments /= n;
  shape.events /= n;
  return shape;
}

}  // namespace hotline::bench
