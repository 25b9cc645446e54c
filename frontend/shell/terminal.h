// The controlling terminal of the interactive shell. Under mpirun every rank is in its own
// process group and rank 0 is a background job of the terminal: reading it would stop the
// process (SIGTTIN) and Ctrl-C would go to mpirun, which ends the whole job. So the shell opens
// /dev/tty itself, makes its process group the terminal's foreground group (ignoring SIGTTOU
// meanwhile), and gives the terminal back — foreground group and terminal modes — on every
// exit path: destructor, exit(), and the fatal signals SIGTERM, SIGHUP, SIGQUIT and the crash
// signals (then re-raised).
// Launch as `mpirun --stdin none -n 3 ibex` (under Slurm: `srun --pty -n 3 ibex`).
// One instance per process, created and destroyed on the shell's thread.
#pragma once

#include <cstdio>
#include <memory>

#include "common/status.h"

namespace ibex::sql {

class ControllingTerminal {
 public:
  // Opens /dev/tty and takes the foreground. IoError when the process has no terminal.
  static Result<std::unique_ptr<ControllingTerminal>> Acquire();
  ~ControllingTerminal();
  ControllingTerminal(const ControllingTerminal&) = delete;
  ControllingTerminal& operator=(const ControllingTerminal&) = delete;

  std::FILE* in() const { return in_; }
  std::FILE* out() const { return out_; }
  // Whether Acquire() had to move the foreground to this process group.
  bool took_foreground() const { return took_foreground_; }

 private:
  ControllingTerminal() = default;

  std::FILE* in_ = nullptr;
  std::FILE* out_ = nullptr;
  bool took_foreground_ = false;
};

// Whether the process's standard input is /dev/null (mpirun --stdin none): then there is no
// input to read as a batch, and the shell goes interactive on /dev/tty.
bool StdinIsDevNull();

}  // namespace ibex::sql
