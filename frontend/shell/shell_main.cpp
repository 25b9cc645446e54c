// ibex-sql: the front end alone — the shell with a runner that executes nothing (catalog
// statements work, queries fail with "not supported yet"). For trying the grammar, binder
// and shell without MPI, and for the shell's batch tests. Flags as ibex's: -c SQL, -f FILE,
// --format table|csv|json, --on-error stop|continue, --timing, --interactive,
// --schema FILE (DDL run silently first).
#include <cstdio>
#include <cstring>
#include <string>

#include "frontend/shell/shell.h"

int main(int argc, char** argv) {
  using namespace ibex::sql;
  ShellOptions options;
  std::vector<std::string> schemas;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char* flag) -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "ibex-sql: %s needs a value\n", flag);
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "-c") {
      options.commands.push_back(value("-c"));
    } else if (a == "-f") {
      options.files.push_back(value("-f"));
    } else if (a == "--schema") {
      schemas.push_back(value("--schema"));
    } else if (a == "--format") {
      if (!ParseOutputFormat(value("--format"), &options.format)) {
        std::fprintf(stderr, "ibex-sql: --format takes table, csv or json\n");
        return 2;
      }
    } else if (a == "--on-error") {
      std::string v = value("--on-error");
      if (v != "stop" && v != "continue") {
        std::fprintf(stderr, "ibex-sql: --on-error takes stop or continue\n");
        return 2;
      }
      options.stop_on_error = v == "stop";
    } else if (a == "--timing") {
      options.timing = true;
    } else if (a == "--interactive") {
      options.force_interactive = true;
    } else {
      std::fprintf(stderr, "ibex-sql: unknown argument %s\n", a.c_str());
      return 2;
    }
  }
  ibex::storage::Catalog catalog;
  NotSupportedRunner runner;
  if (!schemas.empty()) {
    ShellOptions schema_options;
    schema_options.files = schemas;
    std::FILE* saved = stdout;
    stdout = std::fopen("/dev/null", "w");
    int rc = RunShell(schema_options, runner, catalog);
    std::fclose(stdout);
    stdout = saved;
    if (rc != 0) return rc;
  }
  return RunShell(options, runner, catalog);
}
