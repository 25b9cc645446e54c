#include "mpi_launch/options.h"

#include <charconv>

namespace ibex::launch {
namespace {

Result<int> ParsePositiveInt(const std::string& flag, const std::string& text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 1 || value > 4096) {
    return Status::InvalidArgument(flag + " needs a whole number from 1 to 4096, not '" + text +
                                   "'");
  }
  return value;
}

}  // namespace

Result<LaunchOptions> ParseLaunchOptions(const std::vector<std::string>& args) {
  LaunchOptions opts;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    std::optional<std::string> inline_value;
    if (arg.starts_with("--")) {
      if (size_t eq = arg.find('='); eq != std::string::npos) {
        inline_value = arg.substr(eq + 1);
        arg = arg.substr(0, eq);
      }
    }
    // The value of an option: "--x=v" or the next argument.
    auto value = [&]() -> Result<std::string> {
      if (inline_value) return *inline_value;
      if (i + 1 >= args.size()) return Status::InvalidArgument(arg + " needs a value");
      return args[++i];
    };
    auto no_value = [&]() -> Status {
      if (inline_value) return Status::InvalidArgument(arg + " takes no value");
      return Status::OK();
    };

    if (arg == "-h" || arg == "--help") {
      IBEX_RETURN_IF_ERROR(no_value());
      opts.help = true;
    } else if (arg == "-V" || arg == "--version") {
      IBEX_RETURN_IF_ERROR(no_value());
      opts.version = true;
    } else if (arg == "--report-bindings") {
      IBEX_RETURN_IF_ERROR(no_value());
      opts.report_bindings = true;
    } else if (arg == "--pin") {
      IBEX_ASSIGN_OR_RETURN(std::string v, value());
      IBEX_ASSIGN_OR_RETURN(opts.pin, ParsePinMode(v));
    } else if (arg == "--workers") {
      IBEX_ASSIGN_OR_RETURN(std::string v, value());
      IBEX_ASSIGN_OR_RETURN(opts.workers, ParsePositiveInt(arg, v));
    } else if (arg == "--data-dir") {
      IBEX_ASSIGN_OR_RETURN(opts.data_dir, value());
    } else if (arg == "-f" || arg == "--file") {
      IBEX_ASSIGN_OR_RETURN(std::string v, value());
      opts.files.push_back(std::move(v));
    } else if (arg == "-c" || arg == "--command") {
      IBEX_ASSIGN_OR_RETURN(std::string v, value());
      opts.commands.push_back(std::move(v));
    } else if (arg == "--format") {
      IBEX_ASSIGN_OR_RETURN(std::string v, value());
      if (v == "table") {
        opts.format = OutputFormat::kTable;
      } else if (v == "csv") {
        opts.format = OutputFormat::kCsv;
      } else if (v == "json") {
        opts.format = OutputFormat::kJson;
      } else {
        return Status::InvalidArgument("--format must be table, csv or json, not '" + v + "'");
      }
    } else if (arg == "--on-error") {
      IBEX_ASSIGN_OR_RETURN(std::string v, value());
      if (v == "stop") {
        opts.on_error = OnError::kStop;
      } else if (v == "continue") {
        opts.on_error = OnError::kContinue;
      } else {
        return Status::InvalidArgument("--on-error must be stop or continue, not '" + v + "'");
      }
    } else {
      return Status::InvalidArgument("unknown argument '" + args[i] + "' (see ibex --help)");
    }
  }
  return opts;
}

std::string UsageText() {
  return R"(ibex — an RDMA-accelerated, shared-nothing analytic SQL database for HPC clusters.

Usage:
  mpirun --stdin none -n N ibex [options]     interactive shell on rank 0
  mpirun -n N ibex -f queries.sql [options]   batch job
  srun --mpi=pmix -n N ibex [options]
  ibex [options]                              one process: coordinator and executor

Rank 0 is the coordinator (parses, plans, talks to you); ranks 1..N-1 are executors.

Options:
  -f, --file FILE          run the SQL statements in FILE (repeatable)
  -c, --command SQL        run SQL (repeatable)
      --format FMT         result format: table (default), csv or json
      --on-error MODE      stop (default) or continue after a failing statement
      --data-dir DIR       where tables are persisted; %r expands to the rank
      --pin MODE           auto (default): ibex places executors on NUMA domains;
                           launcher: keep mpirun's/srun's binding; none: bind nothing
      --workers N          worker threads per executor (default: its cores)
      --report-bindings    print each rank's role, host, cores, NUMA node, workers and
                           network transports
  -h, --help               this text
  -V, --version            the version

Exit status: 0 success, 1 a statement or the job failed, 2 bad usage.
)";
}

std::string VersionText() { return "ibex " IBEX_VERSION; }

}  // namespace ibex::launch
