// Ctrl-C in the shell. While an InterruptScope lives, SIGINT neither kills the process nor
// reaches readline: it cancels the active CancelToken (the running statement) and wakes the
// line reader through a self-pipe (the half-typed statement is dropped). Process-wide state
// (a signal handler needs it); one scope at a time, on the shell's thread.
#pragma once

#include "frontend/shell/runner.h"

namespace ibex::sql {

class InterruptScope {
 public:
  InterruptScope();
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;

  // Readable when a SIGINT came; poll it beside the input.
  int wake_fd() const;
  // True (once) if SIGINT came since the last call; drains the pipe.
  bool Consume();
  // The token a SIGINT cancels (nullptr: none).
  void SetToken(CancelToken* token);
};

}  // namespace ibex::sql
