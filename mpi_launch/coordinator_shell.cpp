#include "mpi_launch/coordinator_shell.h"

#include <cstdio>

#include "exec/local_runner.h"
#include "frontend/shell/shell.h"

namespace ibex::launch {
namespace {

class CoordinatorRunner : public sql::StatementRunner {
 public:
  explicit CoordinatorRunner(std::string ranks) : ranks_(std::move(ranks)) {}

  Status Execute(const sql::BoundStatement& bound, sql::ResultSink& sink,
                 sql::CancelToken& cancel) override {
    (void)sink;
    (void)cancel;
    return Status::NotSupported(
        std::string(sql::StatementKindName(bound.kind())) +
        " is not supported yet: the execution engine is not wired into ibex");
  }
  std::string DescribeRanks() override { return ranks_; }

 private:
  std::string ranks_;
};

}  // namespace

int RunCoordinatorShell(const LaunchOptions& options, const std::vector<RankReport>& ranks) {
  sql::ShellOptions shell;
  shell.commands = options.commands;
  shell.files = options.files;
  switch (options.format) {
    case OutputFormat::kTable:
      shell.format = sql::OutputFormat::kTable;
      break;
    case OutputFormat::kCsv:
      shell.format = sql::OutputFormat::kCsv;
      break;
    case OutputFormat::kJson:
      shell.format = sql::OutputFormat::kJson;
      break;
  }
  shell.stop_on_error = options.on_error == OnError::kStop;
  if (ranks.size() <= 1) {
    // One rank: coordinator and executor in this process, on the single-rank engine, with
    // the worker count its placement gave it (--workers, or its cores).
    auto local = exec::LocalRunner::Open(options.data_dir, ranks.empty() ? 0 : ranks.front().workers);
    if (!local.ok()) {
      std::fprintf(stderr, "ibex: %s\n", local.status().ToString().c_str());
      return 1;
    }
    storage::Catalog local_catalog = (*local)->catalog();
    (*local)->set_shell_catalog(&local_catalog);
    return sql::RunShell(shell, **local, local_catalog);
  }
  storage::Catalog catalog(static_cast<int>(ranks.size() > 1 ? ranks.size() - 1 : 1));
  CoordinatorRunner runner(FormatRankReports(ranks));
  return sql::RunShell(shell, runner, catalog);
}

}  // namespace ibex::launch
