// The ibex shell: the entry the composition root calls on rank 0 (or in a single-rank run).
// Interactive (readline, history, prompts `ibex> ` / `  ...> `, meta-commands) when standard
// input is a terminal or /dev/null (mpirun --stdin none), on the controlling terminal taken
// as foreground; batch for -c and -f (in that order) or when standard input is a pipe/file.
// Knows nothing of MPI: statements run through the StatementRunner it is given.
#pragma once

#include <string>
#include <vector>

#include "frontend/shell/result_printer.h"
#include "frontend/shell/runner.h"
#include "storage/catalog.h"

namespace ibex::sql {

struct ShellOptions {
  std::vector<std::string> commands;  // -c SQL, run first, in order
  std::vector<std::string> files;     // -f FILE, in order
  OutputFormat format = OutputFormat::kTable;
  bool stop_on_error = true;  // --on-error stop|continue (batch input)
  bool timing = false;
  bool force_interactive = false;  // interactive even when stdin is a pipe
  // History file of the interactive shell; "" = $IBEX_HISTORY, else ~/.ibex_history.
  std::string history_file;
  std::string banner = "ibex SQL shell. Statements end with ';'. \\? for help, \\q to quit.";
};

// Runs the shell to its end. Returns the process exit status: 0 when every statement of a
// batch succeeded (an interactive session: 0 unless it could not start), 1 otherwise.
int RunShell(const ShellOptions& options, StatementRunner& runner, storage::Catalog& catalog);

}  // namespace ibex::sql
