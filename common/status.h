// Status and Result<T>: how ibex reports failures that come from the environment — files,
// the network, peer ranks, UCX, MPI, bad user input — as values, never as exceptions thrown
// across layers. A Status carries a code and a message with its context ("rank 2 (node7):
// ucp_put_nbx: Connection reset"); Annotate() prepends context as the error travels upward.
//
// Internal invariants are not Statuses: they are IBEX_CHECKs (common/check.h) and abort.
//
// Thread safety: Status and Result are values; distinct objects may be used from distinct
// threads, one object is not synchronized.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace ibex {

enum class StatusCode : uint8_t {
  kOk = 0,
  kInvalidArgument,  // bad user input: flags, SQL, files
  kNotFound,
  kAlreadyExists,
  kIoError,          // file system
  kCorruption,       // checksum or format mismatch in persisted data
  kNetworkError,     // UCX or MPI failure
  kPeerFailed,       // a rank died or became unreachable
  kCancelled,
  kTimeout,
  kOutOfMemory,      // a memory limit was reached
  kNotSupported,
  kInternal,
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK

  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string msg) { return {StatusCode::kInvalidArgument, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status AlreadyExists(std::string msg) { return {StatusCode::kAlreadyExists, std::move(msg)}; }
  static Status IoError(std::string msg) { return {StatusCode::kIoError, std::move(msg)}; }
  static Status Corruption(std::string msg) { return {StatusCode::kCorruption, std::move(msg)}; }
  static Status NetworkError(std::string msg) { return {StatusCode::kNetworkError, std::move(msg)}; }
  static Status PeerFailed(std::string msg) { return {StatusCode::kPeerFailed, std::move(msg)}; }
  static Status Cancelled(std::string msg) { return {StatusCode::kCancelled, std::move(msg)}; }
  static Status Timeout(std::string msg) { return {StatusCode::kTimeout, std::move(msg)}; }
  static Status OutOfMemory(std::string msg) { return {StatusCode::kOutOfMemory, std::move(msg)}; }
  static Status NotSupported(std::string msg) { return {StatusCode::kNotSupported, std::move(msg)}; }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }
  // An I/O error from errno, naming the call and the path: "open /x/y: No such file".
  // A status rebuilt from its parts (a status that crossed the network); kOk gives OK.
  static Status FromCode(StatusCode code, std::string msg) {
    return code == StatusCode::kOk ? Status() : Status(code, std::move(msg));
  }
  static Status FromErrno(std::string_view what, std::string_view path, int err);

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "IoError: open /x: No such file or directory"; "OK" when ok().
  std::string ToString() const;

  // Returns this status with "context: " put before its message; OK stays OK.
  Status Annotate(std::string_view context) const&;
  Status Annotate(std::string_view context) &&;

  bool operator==(const Status&) const = default;

 private:
  Status(StatusCode code, std::string msg) : code_(code), message_(std::move(msg)) {}

  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A value or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : state_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    if (std::get<Status>(state_).ok()) {
      state_ = Status::Internal("Result constructed from an OK status without a value");
    }
  }

  bool ok() const { return std::holds_alternative<T>(state_); }
  const Status& status() const& {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(state_);
  }
  Status status() && { return ok() ? Status::OK() : std::get<Status>(std::move(state_)); }

  // Precondition: ok().
  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> state_;
};

}  // namespace ibex

#define IBEX_CONCAT_INNER(a, b) a##b
#define IBEX_CONCAT(a, b) IBEX_CONCAT_INNER(a, b)

// Returns the Status of `expr` from the enclosing function when it is not OK.
#define IBEX_RETURN_IF_ERROR(expr)                   \
  do {                                               \
    ::ibex::Status ibex_status_ = (expr);            \
    if (!ibex_status_.ok()) return ibex_status_;     \
  } while (false)

// `lhs` = the value of the Result `expr`, or return its Status from the enclosing function.
#define IBEX_ASSIGN_OR_RETURN(lhs, expr) \
  IBEX_ASSIGN_OR_RETURN_IMPL(IBEX_CONCAT(ibex_result_, __LINE__), lhs, expr)
#define IBEX_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return std::move(tmp).status();   \
  lhs = std::move(tmp).value()
