#include "frontend/shell/shell.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "frontend/shell/interrupt.h"
#include "frontend/shell/line_reader.h"
#include "frontend/shell/session.h"
#include "frontend/shell/terminal.h"

namespace ibex::sql {
namespace {

std::string HistoryFile(const ShellOptions& options) {
  if (!options.history_file.empty()) return options.history_file;
  if (const char* env = std::getenv("IBEX_HISTORY")) return env;
  if (const char* home = std::getenv("HOME")) return std::string(home) + "/.ibex_history";
  return "";
}

}  // namespace

int RunShell(const ShellOptions& options, StatementRunner& runner, storage::Catalog& catalog) {
  SessionSettings settings;
  settings.format = options.format;
  settings.stop_on_error = options.stop_on_error;
  settings.timing = options.timing;
  InterruptScope interrupts;

  if (!options.commands.empty() || !options.files.empty()) {
    Session session(settings, runner, catalog, stdout, stderr, false, interrupts);
    for (const std::string& command : options.commands) {
      if (session.RunText(command) == Session::Flow::kQuit) return session.failed() ? 1 : 0;
    }
    for (const std::string& file : options.files) {
      std::FILE* f = std::fopen(file.c_str(), "r");
      if (f == nullptr) {
        std::fprintf(stderr, "ERROR: %s\n", Status::FromErrno("open", file, errno).message().c_str());
        return 1;
      }
      auto reader = MakeStreamReader(f, interrupts);
      Session::Flow flow = session.RunReader(*reader, false);
      std::fclose(f);
      if (flow == Session::Flow::kQuit) break;
    }
    std::fflush(stdout);
    return session.failed() ? 1 : 0;
  }

  bool interactive = options.force_interactive || isatty(STDIN_FILENO) || StdinIsDevNull();
  if (!interactive) {
    Session session(settings, runner, catalog, stdout, stderr, false, interrupts);
    auto reader = MakeStreamReader(stdin, interrupts);
    session.RunReader(*reader, false);
    std::fflush(stdout);
    return session.failed() ? 1 : 0;
  }

  auto terminal = ControllingTerminal::Acquire();
  if (!terminal.ok()) {
    std::fprintf(stderr, "ibex: no terminal for the interactive shell (%s); use -f FILE or -c SQL\n",
                 terminal.status().message().c_str());
    // Standard input /dev/null and no terminal (a batch job without statements): nothing to
    // do, which is not a failure.
    return StdinIsDevNull() && !options.force_interactive ? 0 : 1;
  }
  std::FILE* tty = (*terminal)->out();
  std::fprintf(tty, "%s\n", options.banner.c_str());
  std::fflush(tty);
  Session session(settings, runner, catalog, tty, tty, true, interrupts);
  {
    auto reader = MakeReadlineReader((*terminal)->in(), tty, HistoryFile(options), interrupts);
    session.RunReader(*reader, true);
  }
  std::fflush(tty);
  return 0;
}

}  // namespace ibex::sql
