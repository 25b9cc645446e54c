// How much of the stack a recursive front-end pass (parser, binder) has used since it began:
// the second line of defence, beside their fixed nesting limits, against deep input running
// the thread's stack out (sanitizer and debug builds have much larger frames than release).
// Any thread: each pass measures its own thread's stack.
#pragma once

#include <cstdint>

namespace ibex::sql {

class StackBudget {
 public:
  // Call where the pass begins. The budget is half the thread's stack, at most 2 MiB.
  StackBudget();
  // True when the caller's frame lies deeper than the budget below where the pass began.
  bool Exhausted() const {
    uintptr_t here = Here();
    return base_ > here && base_ - here > budget_;
  }

 private:
  static uintptr_t Here() { return reinterpret_cast<uintptr_t>(__builtin_frame_address(0)); }
  uintptr_t base_;
  uintptr_t budget_;
};

}  // namespace ibex::sql
