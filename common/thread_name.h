// NameThisThread: give the calling thread a name that `top -H`, `ps -L`, perf and gdb show
// ("ibex-net", "ibex-worker-3", ...), so that a user profiling a rank sees which of its threads
// uses the CPU. Linux keeps at most 15 characters; longer names are cut, never rejected.
#pragma once

#include <pthread.h>

#include <string>

namespace ibex {

inline void NameThisThread(const std::string& name) {
  pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
}

}  // namespace ibex
