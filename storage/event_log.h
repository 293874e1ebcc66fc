// The append-only, hash-chained event log: canonical bytes, hashing, appending (writer
// thread only) and verification (any read connection). Not thread-safe per connection.
//
// Hash chain specification (stable: changing it breaks every stored chain):
//   canonical = N(seq) N(case_number) N(time_ms) N(actor) N(type) N(payload)
//     where N(x) is the netstring "<decimal byte length>:<bytes>," of x; seq and time_ms are
//     written in decimal (e.g. "3:128,"); case_number is "" for system events.
//   hash      = lower-case hex( SHA-256( prev_hash || canonical ) )
//     where prev_hash is the previous event's hash as 64 hex characters, and 64 '0' for the
//     first event (seq 1). Sequence numbers start at 1 and have no gaps.
//   payload is canonical JSON (keys in a fixed order, no whitespace) with no personal data;
//   personal data is stored outside the hashed bytes (cases.detail, events.private) and
//   committed to by its hex SHA-256 in the payload ("detail_sha256", "private_sha256").
//
// Append-only: the triggers events_no_update (any column but `private`) and events_no_delete
// RAISE(ABORT). `private` may be updated alone, so retention can purge personal data without
// breaking the chain. To tamper deliberately (tests, forensics drills), open the file with
// any SQLite client and `DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/records.h"
#include "storage/sqlite_util.h"

namespace hotline::storage {

// prev_hash of the first event.
inline const std::string kGenesisHash(64, '0');

std::string CanonicalEventBytes(int64_t seq, std::string_view case_number, int64_t time_ms,
                                std::string_view actor, std::string_view type,
                                std::string_view payload);
std::string EventHash(std::string_view prev_hash, std::string_view canonical);

// The last event appended: seq 0 and kGenesisHash when the log is empty.
struct ChainHead {
  int64_t seq = 0;
  std::string hash = kGenesisHash;
};

// Reads the head from the database (inside the writer's transaction: authoritative).
absl::StatusOr<ChainHead> LoadChainHead(sqlite::Connection& db);

struct NewEvent {
  int64_t case_id = 0;      // 0: a system event
  std::string case_number;  // "" for system events
  int64_t time_ms = 0;
  std::string actor;
  std::string type;
  std::string payload;       // canonical JSON
  std::string private_data;  // "" for none (stored as NULL)
  std::string desk_id;       // assignment events: the desk concerned (the payload's desk_id)
};

// An event of no case (tokens, restores).
NewEvent SystemEvent(std::string_view actor, int64_t now_ms, std::string type, std::string payload);

// Inserts `e` as event head.seq + 1 chained to head.hash; advances `head` on success.
absl::StatusOr<EventRecord> AppendEvent(sqlite::Connection& db, ChainHead& head, const NewEvent& e);

// Events of one case, oldest first.
absl::StatusOr<std::vector<EventRecord>> LoadCaseEvents(sqlite::Connection& db, int64_t case_id);

// Events concerning any of `desks` (non-empty) with seq > after_seq, in seq order, at most
// `limit`.
absl::StatusOr<std::vector<EventRecord>> LoadDeskEvents(sqlite::Connection& db,
                                                         const std::vector<std::string>& desks,
                                                         int64_t after_seq, int limit);

// Walks every event in seq order, one row at a time, recomputing hashes and links.
absl::StatusOr<VerifyResult> VerifyChain(sqlite::Connection& db,
                                         std::vector<AuditAnchor> anchors = {});

}  // namespace hotline::storage
