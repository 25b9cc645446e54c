// The shell's pieces in-process: result printers (alignment, footer, streaming, CSV/JSON
// quoting), Ctrl-C reaching the running statement's CancelToken, and how runner errors print.
#include "frontend/shell/shell.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <cstdio>

#include "frontend/shell/result_printer.h"

namespace ibex::sql {
namespace {

using storage::DataType;
using storage::Value;

// Output of a printer fed `rows`, through an in-memory FILE.
std::string Print(OutputFormat format, const std::vector<ast::OutputColumn>& columns,
                  const std::vector<std::vector<Value>>& rows) {
  char* data = nullptr;
  size_t size = 0;
  std::FILE* out = open_memstream(&data, &size);
  {
    auto printer = MakePrinter(format, out, false);
    EXPECT_TRUE(printer->Begin(columns).ok());
    for (const auto& row : rows) EXPECT_TRUE(printer->Row(row).ok());
    EXPECT_TRUE(printer->End().ok());
  }
  std::fclose(out);
  std::string text(data, size);
  std::free(data);
  return text;
}

const std::vector<ast::OutputColumn> kColumns = {
    {"name", SqlType::Varchar()}, {"n", SqlType::Integer()}, {"price", SqlType::Decimal(15, 2)}};

std::vector<std::vector<Value>> Rows() {
  return {{Value::String("alpha"), Value::Integer(7), Value::Decimal(123456, DataType::Decimal(15, 2))},
          {Value::String("b,\"q\""), Value::Null(DataType::Integer()), Value::Decimal(-5, DataType::Decimal(15, 2))}};
}

TEST(ShellTest, TableAlignsNumbersRightWithAFooter) {
  EXPECT_EQ(Print(OutputFormat::kTable, kColumns, Rows()),
            " name  |  n   |  price\n"
            "-------+------+---------\n"
            " alpha |    7 | 1234.56\n"
            " b,\"q\" | NULL |   -0.05\n"
            "(2 rows)\n");
  EXPECT_EQ(Print(OutputFormat::kTable, {{"x", SqlType::Integer()}}, {}), " x\n---\n(0 rows)\n");
}

TEST(ShellTest, TableStreamsAfterItsSampleRows) {
  std::vector<std::vector<Value>> rows;
  for (size_t i = 0; i < kTableWidthSampleRows + 500; ++i) {
    rows.push_back({Value::Integer(i < kTableWidthSampleRows ? 1 : 123456789)});
  }
  std::string text = Print(OutputFormat::kTable, {{"v", SqlType::Integer()}}, rows);
  // Widths come from the sample; later wider values print as they are.
  EXPECT_EQ(text.substr(0, 12), " v\n---\n 1\n 1");
  EXPECT_NE(text.find("\n 123456789\n"), std::string::npos);
  EXPECT_NE(text.find("(1500 rows)\n"), std::string::npos);
}

TEST(ShellTest, CsvAndJson) {
  EXPECT_EQ(Print(OutputFormat::kCsv, kColumns, Rows()),
            "name,n,price\nalpha,7,1234.56\n\"b,\"\"q\"\"\",,-0.05\n");
  EXPECT_EQ(Print(OutputFormat::kJson, kColumns, Rows()),
            "[\n{\"name\": \"alpha\", \"n\": 7, \"price\": 1234.56},\n"
            "{\"name\": \"b,\\\"q\\\"\", \"n\": null, \"price\": -0.05}\n]\n");
  EXPECT_EQ(Print(OutputFormat::kJson, kColumns, {}), "[]\n");
}

// A runner standing in for the engine: it streams two rows, or is interrupted by a SIGINT
// (what Ctrl-C sends) and reports what its CancelToken saw.
class FakeRunner : public StatementRunner {
 public:
  Status Execute(const BoundStatement& bound, ResultSink& sink, CancelToken& cancel) override {
    ++executed;
    std::string text = bound.text.substr(bound.ast->span.begin, bound.ast->span.end - bound.ast->span.begin);
    if (text.find("interrupt") != std::string::npos) {
      raise(SIGINT);  // the shell's handler, not the default action, must receive it
      saw_cancel = cancel.cancelled();
      return saw_cancel ? Status::Cancelled("query cancelled") : Status::OK();
    }
    if (text.find("positioned") != std::string::npos) {
      return Status::Internal(FormatSqlError(bound.text, SqlError{"engine says no", bound.ast->span.begin + 7, ""}));
    }
    IBEX_RETURN_IF_ERROR(sink.Begin(bound.outputs));
    IBEX_RETURN_IF_ERROR(sink.Row({Value::Integer(1)}));
    IBEX_RETURN_IF_ERROR(sink.Row({Value::Integer(2)}));
    return sink.End();
  }
  int executed = 0;
  bool saw_cancel = false;
};

TEST(ShellTest, CtrlCCancelsTheRunningStatementNotTheShell) {
  FakeRunner runner;
  storage::Catalog catalog;
  ShellOptions options;
  options.stop_on_error = false;
  options.commands = {"select 1 as interrupt", "select 1 as x"};
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  int rc = RunShell(options, runner, catalog);
  std::string out = testing::internal::GetCapturedStdout();
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(rc, 1);
  EXPECT_TRUE(runner.saw_cancel);
  EXPECT_EQ(runner.executed, 2);  // the shell went on after the cancelled statement
  EXPECT_EQ(err, "ERROR: canceling statement due to user request\n");
  EXPECT_EQ(out, " x\n---\n 1\n 2\n(2 rows)\n");
}

TEST(ShellTest, RunnerErrorsArePrintedAsTheyCome) {
  FakeRunner runner;
  storage::Catalog catalog;
  ShellOptions options;
  options.commands = {"select 1 as positioned"};
  testing::internal::CaptureStderr();
  EXPECT_EQ(RunShell(options, runner, catalog), 1);
  EXPECT_EQ(testing::internal::GetCapturedStderr(),
            "ERROR: engine says no at line 1, column 8\nselect 1 as positioned\n       ^\n");
}

}  // namespace
}  // namespace ibex::sql
