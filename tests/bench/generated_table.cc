#include "tests/bench/generated_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <random>

#include "router/routing_table.h"

namespace hotline::bench {
namespace {

std::string City(int c) { return fmt::format("11{:02d}", c + 1); }
std::string District(int c, int d) { return fmt::format("{}{:02d}", City(c), d + 1); }
std::string Street(int c, int d, int s) { return fmt::format("{}{:03d}", District(c, d), s + 1); }

// A TOML list of quoted strings.
std::string List(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += fmt::format("{}\"{}\"", i ? ", " : "", items[i]);
  return out + "]";
}

// The categories the generator uses (all but "other", which the default rule takes).
std::vector<std::string> Categories() {
  std::vector<std::string> out;
  for (const std::string& c : router::KnownCategories()) {
    if (c != "other") out.push_back(c);
  }
  return out;
}

}  // namespace

std::string GenerateRoutingTable(const GeneratedTableSpec& spec) {
  std::mt19937 rng(20261201);
  const auto pick = [&rng](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  std::string out = "version = \"bench-generated\"\ndefault_ack_deadline = \"4h\"\n\n";
  out += "[[jurisdiction]]\ncode = \"11\"\nname = \"province\"\n\n";
  for (int c = 0; c < spec.cities; ++c) {
    out += fmt::format("[[jurisdiction]]\ncode = \"{}\"\nname = \"city {}\"\n\n", City(c), c);
    for (int d = 0; d < spec.districts_per_city; ++d) {
      out += fmt::format("[[jurisdiction]]\ncode = \"{}\"\nname = \"district {}\"\n\n",
                         District(c, d), d);
      for (int s = 0; s < spec.streets_per_district; ++s) {
        out += fmt::format("[[jurisdiction]]\ncode = \"{}\"\nname = \"street {}\"\n\n",
                           Street(c, d, s), s);
      }
    }
  }
  // Desks: the centre, then per street community and school desks, per district police,
  // medical and civil-affairs desks, until `desks` are listed.
  std::vector<std::string> desk_ids = {"center"};
  out +=
      "[[desk]]\nid = \"center\"\nname = \"centre\"\ntype = \"center\"\njurisdiction = \"11\"\n\n";
  const auto add_desk = [&](const std::string& type, const std::string& code) {
    if (static_cast<int>(desk_ids.size()) >= spec.desks) return;
    const std::string id = type + "-" + code;
    desk_ids.push_back(id);
    out += fmt::format(
        "[[desk]]\nid = \"{}\"\nname = \"{} {}\"\ntype = \"{}\"\njurisdiction = \"{}\"\n\n", id,
        type, code, type, code);
  };
  for (const char* type : {"police", "medical", "civil_affairs"}) {
    for (int c = 0; c < spec.cities; ++c) {
      for (int d = 0; d < spec.districts_per_city; ++d) add_desk(type, District(c, d));
    }
  }
  for (const char* type : {"community", "school"}) {
    for (int c = 0; c < spec.cities; ++c) {
      for (int d = 0; d < spec.districts_per_city; ++d) {
        for (int s = 0; s < spec.streets_per_district; ++s) add_desk(type, Street(c, d, s));
      }
    }
  }
  for (int c = 0; c < spec.cities; ++c) add_desk("women_federation", City(c));

  // Rules, as a national table would have them: most name a district (a few a city, a few
  // none), with one or two categories and sometimes an urgency, an age range, a reporter kind
  // or school attendance. A stopping rule (continue = false) names one street of its own, so no
  // rule is shadowed: a stopping rule covers a later rule only if every code of the later rule
  // lies under its street, and no other rule names a code under a stopping rule's street.
  const std::vector<std::string> categories = Categories();
  const std::vector<std::string>& urgencies = router::KnownUrgencies();
  const std::vector<std::string>& reporters = router::KnownReporterKinds();
  const std::vector<std::string> types = {"police", "community", "school", "medical",
                                          "civil_affairs"};
  const int streets = spec.cities * spec.districts_per_city * spec.streets_per_district;
  const int per_city = spec.districts_per_city * spec.streets_per_district;
  const auto pick_of = [&](const std::vector<std::string>& v) {
    return v[static_cast<size_t>(pick(static_cast<int>(v.size())))];
  };
  int next_stop_street = 0;
  for (int r = 0; r + 1 < spec.rules; ++r) {
    const bool stopping = r % 5 == 4 && next_stop_street < streets;
    std::string when;
    const auto add = [&when](const std::string& cond) {
      when += (when.empty() ? "" : ", ") + cond;
    };
    std::vector<std::string> cats = {pick_of(categories)};
    if (pick(3) == 0) cats.push_back(pick_of(categories));
    std::sort(cats.begin(), cats.end());
    cats.erase(std::unique(cats.begin(), cats.end()), cats.end());
    add("categories = " + List(cats));
    // The district whose desks a named target picks from.
    int city = pick(spec.cities), district = pick(spec.districts_per_city);
    const int scope = pick(100);
    if (stopping) {
      const int s = next_stop_street++;
      city = s / per_city;
      district = (s % per_city) / spec.streets_per_district;
      add("jurisdiction = " + List({Street(city, district, s % spec.streets_per_district)}));
    } else if (scope < 94) {
      add("jurisdiction = " + List({District(city, district)}));  // never a street: see above
    } else if (scope < 99) {
      add("jurisdiction = " + List({City(city)}));
    } else {
      add("urgency = " + List({pick_of(urgencies)}));  // a province-wide rule
    }
    if (scope < 99 && pick(3) == 0) add("urgency = " + List({pick_of(urgencies)}));
    if (pick(4) == 0) {
      const int lo = pick(15);
      add(fmt::format("age = [{}, {}]", lo, std::min(17, lo + 2 + pick(6))));
    }
    if (pick(8) == 0) add("reporter = " + List({pick_of(reporters)}));
    if (pick(10) == 0) add(fmt::format("attends_school = {}", pick(2) == 0 ? "true" : "false"));
    std::string targets;
    for (int k = 0, n = 1 + pick(2); k < n; ++k) {
      if (k > 0) targets += ", ";
      if (pick(4) == 0) {
        // A desk of the rule's district, by id.
        targets += fmt::format("{{ desk = \"{}-{}\" }}", pick(2) == 0 ? "police" : "medical",
                               District(city, district));
      } else {
        targets += fmt::format("{{ type = \"{}\", deadline = \"{}m\" }}", pick_of(types),
                               15 * (1 + pick(8)));
      }
    }
    out += fmt::format(
        "[[rule]]\nid = \"r{:05d}\"\ncites = \"art. 36\"\ncontinue = {}\nwhen = {{ {} }}\n"
        "targets = [ {} ]\n\n",
        r, stopping ? "false" : "true", when, targets);
  }
  out +=
      "[[rule]]\nid = \"default\"\ncites = \"art. 31, 33\"\ndefault = true\n"
      "targets = [ { desk = \"center\" } ]\n";
  return out;
}

std::vector<router::Facts> GenerateFacts(const GeneratedTableSpec& spec, int n) {
  std::mt19937 rng(7);
  const auto pick = [&rng](int k) { return static_cast<int>(rng() % static_cast<unsigned>(k)); };
  const std::vector<std::string> categories = Categories();
  std::vector<router::Facts> out;
  for (int i = 0; i < n; ++i) {
    router::Facts f;
    f.categories.push_back(categories[pick(static_cast<int>(categories.size()))]);
    if (pick(3) == 0) f.categories.push_back(categories[pick(static_cast<int>(categories.size()))]);
    f.urgency = router::KnownUrgencies()[pick(3)];
    f.reporter_kind =
        router::KnownReporterKinds()[pick(static_cast<int>(router::KnownReporterKinds().size()))];
    router::ChildFacts child;
    const int c = pick(spec.cities), d = pick(spec.districts_per_city);
    child.jurisdiction =
        pick(4) == 0 ? District(c, d) : Street(c, d, pick(spec.streets_per_district));
    const int age = pick(18);
    child.age_min = age;
    child.age_max = age;
    if (pick(2) == 0) child.attends_school = pick(2) == 0;
    f.children.push_back(child);
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace hotline::bench
