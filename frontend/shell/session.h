// A shell session: turns lines into statements (multi-line until `;`, outside strings and
// comments), runs them — catalog statements against the catalog, SET/SHOW/PREPARE/EXECUTE/
// DEALLOCATE in the session, the rest through the StatementRunner — and interprets the
// meta-commands \q \? \d [name] \timing \i \o \format \ranks. Errors are printed positioned;
// the session remembers whether any statement failed (the exit status).
// Used by RunShell (frontend/shell/shell.h) on one thread.
#pragma once

#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "frontend/parser/tokenizer.h"
#include "frontend/shell/interrupt.h"
#include "frontend/shell/line_reader.h"
#include "frontend/shell/result_printer.h"
#include "frontend/shell/runner.h"

namespace ibex::sql {

struct SessionSettings {
  OutputFormat format = OutputFormat::kTable;
  bool stop_on_error = true;  // batch input only; an interactive session always goes on
  bool timing = false;
};

class Session {
 public:
  enum class Flow { kContinue, kQuit };

  // `out`/`err` are not owned. `terminal`: output goes to a terminal (progress lines).
  Session(SessionSettings settings, StatementRunner& runner, storage::Catalog& catalog, std::FILE* out,
          std::FILE* err, bool terminal, InterruptScope& interrupts);
  ~Session();

  // Reads and runs lines until end of input, \q, or (batch, stop on error) a failure.
  Flow RunReader(LineReader& reader, bool interactive);
  // Runs every statement of `text` (-c); a last statement without `;` runs too.
  Flow RunText(std::string_view text);

  bool failed() const { return failed_; }

 private:
  // Runs the complete statements at the start of *buffer and keeps the rest. Returns false
  // when a failure must stop the input.
  bool RunComplete(std::string* buffer, size_t* first_line, bool at_end, LineReader* history);
  bool RunStatement(const std::string& text, const std::vector<Token>& tokens, StatementRange range,
                    size_t first_line);
  bool Dispatch(BoundStatement& bound, size_t first_line);
  Flow MetaCommand(const std::string& line);
  void DescribeAll();
  void Describe(const std::string& name);
  void ReportSqlError(std::string_view text, const SqlError& error, size_t first_line);
  void ReportError(const std::string& message);
  // Reports a failed write of the session's own output (\d, command tags).
  void Emit(const Status& status);
  std::unique_ptr<ResultSink> Printer();

  SessionSettings settings_;
  StatementRunner& runner_;
  storage::Catalog& catalog_;
  std::FILE* default_out_;
  std::FILE* out_;
  std::FILE* err_;
  bool terminal_;
  InterruptScope& interrupts_;
  CancelToken cancel_;
  bool failed_ = false;
  bool interactive_ = false;
  int include_depth_ = 0;
  std::map<std::string, std::string> variables_;                           // SET/SHOW
  std::map<std::string, std::shared_ptr<const BoundStatement>> prepared_;  // PREPARE
};

}  // namespace ibex::sql
