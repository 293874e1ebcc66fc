// A desk's acknowledgement deadline as a routing table's text sets it. The server's desk list
// gives only the deadline in effect (the desk's own, else the table default), and PutDesk
// reads 0 as "the table default": `desks put` without --ack-deadline reads the desk's own
// deadline here to keep it. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hotline::cli {

// A duration as the routing table writes it: a positive integer and s, m, h or d ("90s",
// "30m", "4h", "2d") -> seconds; nullopt when malformed.
std::optional<int64_t> ParseDurationSeconds(std::string_view text);

// The inverse, with the largest unit that divides exactly: 1800 -> "30m", 90 -> "90s".
std::string FormatDurationSeconds(int64_t seconds);

struct DeskDeadline {
  bool desk_found = false;             // the text has a [[desk]] with this id
  std::optional<int64_t> own_seconds;  // its ack_deadline, when it sets one
  int64_t default_seconds = 0;         // the table's default_ack_deadline (4h when unset)
};

// The deadlines `table_text` (a routing table the server accepted) sets for desk `desk_id`;
// nullopt when the text is not TOML or a deadline in it is malformed.
std::optional<DeskDeadline> ReadDeskDeadline(std::string_view table_text, std::string_view desk_id);

}  // namespace hotline::cli
