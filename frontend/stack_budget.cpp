#include "frontend/stack_budget.h"

#include <pthread.h>

#include <algorithm>

namespace ibex::sql {
namespace {

constexpr uintptr_t kMaxBudget = uintptr_t{2} << 20;

// This thread's stack size (glibc reads /proc for the main thread: once per thread).
uintptr_t ThreadStackSize() {
  thread_local uintptr_t size = [] {
    pthread_attr_t attr;
    void* addr = nullptr;
    size_t bytes = 0;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
      pthread_attr_getstack(&attr, &addr, &bytes);
      pthread_attr_destroy(&attr);
    }
    return bytes == 0 ? uintptr_t{8} << 20 : static_cast<uintptr_t>(bytes);
  }();
  return size;
}

}  // namespace

StackBudget::StackBudget() : base_(Here()), budget_(std::min(kMaxBudget, ThreadStackSize() / 2)) {}

}  // namespace ibex::sql
