// Result<T>: a value or a client-side error message, for the pure parsing helpers of the CLI.
// A failed Result is a usage error (exit code 2) when it reaches a command. Not thread-safe.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace hotline::cli {

struct Error {
  std::string message;
};

template <typename T>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(state_); }
  // Requires ok().
  const T& value() const& { return std::get<T>(state_); }
  T& value() & { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  // Requires !ok().
  const std::string& error() const { return std::get<Error>(state_).message; }

 private:
  std::variant<T, Error> state_;
};

}  // namespace hotline::cli
