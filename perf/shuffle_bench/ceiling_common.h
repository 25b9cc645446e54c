// What ibex-copy-ceiling and ibex-tcp-ceiling share: two forked processes, each pinned to its
// own vCPU like the ranks of `mpirun -n 2`, timed with the steady clock, and the same two flags.
#pragma once

#include <sched.h>

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace ibex::perf::ceiling {

inline double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

inline void Pin(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  (void)sched_setaffinity(0, sizeof(set), &set);  // best effort: fewer CPUs than 2 still runs
}

struct Args {
  size_t mib = 128;  // per direction
  int reps = 5;
};

// `--mib N --reps N`; anything else, or a value below 1, prints the usage of `program` and
// returns false.
inline bool ParseArgs(int argc, char** argv, const char* program, Args* out) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--mib" && i + 1 < argc) {
      out->mib = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--reps" && i + 1 < argc) {
      out->reps = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: %s [--mib N (per direction, default 128)] [--reps N]\n", program);
      return false;
    }
  }
  if (out->mib == 0 || out->reps < 1) {
    std::fprintf(stderr, "%s: --mib and --reps must be at least 1\n", program);
    return false;
  }
  return true;
}

}  // namespace ibex::perf::ceiling
