// SqlError: a user error in SQL text (syntax or semantics) with the byte offset it points at
// and an optional hint, and SqlResult<T>, a value or such an error. FormatSqlError renders the
// form every front-end error takes:
//   ERROR: <what> at line L, column C
//   <the offending line>
//   <caret under column C>
//   HINT: <hint>
// Called by the parser, binder and shell; values only, no shared state (any thread).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "common/status.h"

namespace ibex::sql {

struct SqlError {
  std::string message;  // "unknown table \"x\""
  size_t offset = 0;    // byte offset of the offending token in the statement text
  std::string hint;     // may be empty
  bool not_supported = false;
};

struct LineColumn {
  size_t line = 1;    // 1-based
  size_t column = 1;  // 1-based, in bytes
};
LineColumn OffsetToLineColumn(std::string_view text, size_t offset);

// The rendered error, ending without a newline. `first_line` is the line number of the text's
// first line (a statement read from line 40 of a file reports file lines).
std::string FormatSqlError(std::string_view text, const SqlError& error, size_t first_line = 1);

// The rendered error as an InvalidArgument (or NotSupported) Status.
Status ToStatus(std::string_view text, const SqlError& error);

template <typename T>
class [[nodiscard]] SqlResult {
 public:
  SqlResult(T value) : state_(std::move(value)) {}          // NOLINT
  SqlResult(SqlError error) : state_(std::move(error)) {}   // NOLINT
  bool ok() const { return state_.index() == 0; }
  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  const SqlError& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, SqlError> state_;
};

}  // namespace ibex::sql
