#include "mpi_launch/coordinator_shell.h"

#include <cstdio>

#include "exec/local_runner.h"
#include "frontend/shell/shell.h"
#include "scheduler/coordinator.h"

namespace ibex::launch {
int RunCoordinatorShell(const LaunchOptions& options, const std::vector<RankReport>& ranks,
                        net::Fabric& fabric, net::ExchangeService* exchanges) {
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
  auto coordinator = scheduler::Coordinator::Open(fabric, *exchanges, options.data_dir,
                                                 ranks.front().workers, FormatRankReports(ranks));
  if (!coordinator.ok()) {
    std::fprintf(stderr, "ibex: %s\n", coordinator.status().ToString().c_str());
    return 1;
  }
  storage::Catalog catalog = (*coordinator)->catalog();
  (*coordinator)->set_shell_catalog(&catalog);
  return sql::RunShell(shell, **coordinator, catalog);
}

}  // namespace ibex::launch
