// The seam between the shell and whatever executes statements. The shell (frontend/shell/
// shell.h) parses and binds; catalog statements (CREATE/DROP TABLE/VIEW) it applies itself;
// everything else goes to a StatementRunner, which the composition root (mpi_launch/)
// implements on top of the optimizer, scheduler and executors. frontend/ knows nothing of MPI:
// ranks are only described through DescribeRanks().
//
// Threads: the shell calls a runner from its one thread; the runner may use any threads
// inside, but must call the ResultSink from the shell's thread (the one that called Execute).
// CancelToken::Cancel() may be called from any thread and from a signal handler.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "frontend/binder/binder.h"
#include "storage/types.h"

namespace ibex::sql {

// Set when the user pressed Ctrl-C (or anyone else cancels). Lock-free: signal-safe. A runner
// that sleeps while a query runs elsewhere (the distributed engine) can also be woken: Cancel
// writes 8 bytes to the notify descriptor (an eventfd) when one is set — write() is
// async-signal-safe.
class CancelToken {
 public:
  bool cancelled() const { return flag_.load(std::memory_order_relaxed); }
  void Cancel() {
    flag_.store(true, std::memory_order_relaxed);
    const int fd = notify_fd_.load(std::memory_order_relaxed);
    if (fd >= 0) {
      const uint64_t one = 1;
      [[maybe_unused]] ssize_t n = ::write(fd, &one, sizeof(one));
    }
  }
  void Reset() { flag_.store(false, std::memory_order_relaxed); }
  // -1: none. The caller owns the descriptor and unsets it before closing it.
  void set_notify_fd(int fd) { notify_fd_.store(fd, std::memory_order_relaxed); }

 private:
  std::atomic<bool> flag_{false};
  std::atomic<int> notify_fd_{-1};
  static_assert(std::atomic<bool>::is_always_lock_free);
  static_assert(std::atomic<int>::is_always_lock_free);
};

// Receives one statement's result as a stream: Begin, any number of Row calls, End. A sink
// prints as rows arrive (it does not hold the result whole). A non-OK status from a sink (an
// output file that cannot be written) should end the statement.
class ResultSink {
 public:
  virtual ~ResultSink() = default;
  virtual Status Begin(const std::vector<ast::OutputColumn>& columns) = 0;
  virtual Status Row(const std::vector<storage::Value>& row) = 0;
  virtual Status End() = 0;
  // A statement that returns no rows reports what it did ("COPY 6001215", "INSERT 0 3").
  virtual Status Message(const std::string& text) = 0;
  // Progress of a long statement, 0..1; shown as a transient line on a terminal only.
  virtual void Progress(double fraction, const std::string& what) {
    (void)fraction;
    (void)what;
  }
};

// A SET value as the engine reads it: '4GB' and 4GB alike (one pair of single quotes dropped).
inline std::string SettingText(const std::string& value) {
  if (value.size() >= 2 && value.front() == '\'' && value.back() == '\'') {
    return value.substr(1, value.size() - 2);
  }
  return value;
}

class StatementRunner {
 public:
  virtual ~StatementRunner() = default;

  // Runs a bound statement that is not a catalog statement: a query, INSERT, COPY, EXPLAIN,
  // EXECUTE (bound.prepared holds the prepared statement), CREATE TABLE AS (the shell has
  // created bound.create_table; fill it from bound.ast->query like INSERT ... SELECT; when
  // this fails, the shell drops the table again). Poll `cancel` often and return
  // Status::Cancelled promptly once it is set. A statement the engine cannot run yet returns
  // NotSupported; the shell positions the message at the statement. A message that already
  // starts with "ERROR: " (e.g. made with FormatSqlError from bound.text and a span) is
  // printed as it is.
  virtual Status Execute(const BoundStatement& bound, ResultSink& sink, CancelToken& cancel) = 0;

  // The shell has applied a DDL statement to the catalog: persist/broadcast it as needed.
  virtual Status CatalogChanged(const storage::Catalog& catalog) {
    (void)catalog;
    return Status::OK();
  }

  // SET name = value (name lower-cased, value as written): settings the engine acts on
  // (memory_limit). An error rejects the SET.
  virtual Status SettingChanged(const std::string& name, const std::string& value) {
    (void)name;
    (void)value;
    return Status::OK();
  }

  // The \ranks meta-command: ranks, roles, bindings, state — one line each.
  virtual std::string DescribeRanks() {
    return "rank 0: coordinator (no executors in this process)\n";
  }
};

// The runner of a front end without an engine: every statement that needs one fails with a
// clear "not supported yet".
class NotSupportedRunner : public StatementRunner {
 public:
  Status Execute(const BoundStatement& bound, ResultSink& sink, CancelToken& cancel) override;
};

// "SELECT", "INSERT", "COPY", ... for messages.
const char* StatementKindName(ast::StatementKind kind);

}  // namespace ibex::sql
