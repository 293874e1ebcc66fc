#include "server/retention.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "server/mapping.h"

namespace hotline::server {

absl::StatusOr<int> PurgeExpired(storage::Store& store, int retention_days, int64_t now_ms) {
  if (retention_days <= 0) return 0;
  const int64_t before = now_ms - int64_t{retention_days} * 24 * 3600 * 1000;
  int purged = 0;
  for (;;) {
    absl::StatusOr<std::vector<storage::CaseRecord>> batch = store.ListPurgeable(before, 200);
    if (!batch.ok()) return batch.status();
    if (batch->empty()) break;
    for (const storage::CaseRecord& c : *batch) {
      absl::StatusOr<storage::CaseRecord> done =
          store.PurgeCase(c.id, RedactPersonalData(c.kind, c.detail), "system");
      if (!done.ok()) return done.status();
      ++purged;
    }
  }
  if (purged > 0) {
    if (absl::Status s = store.Checkpoint(); !s.ok()) {
      return absl::Status(s.code(), fmt::format("the personal data of {} case(s) was erased, "
                                                "but {}",
                                                purged, std::string(s.message())));
    }
    spdlog::info("retention: personal data of {} case(s) closed over {} days ago erased", purged,
                 retention_days);
  }
  return purged;
}

}  // namespace hotline::server
