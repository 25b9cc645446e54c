#include "frontend/shell/terminal.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace ibex::sql {
namespace {

// What to restore, kept where signal handlers can reach it (plain data, written before the
// handlers are installed).
struct RestoreState {
  int fd = -1;
  pid_t previous_pgrp = -1;
  bool restore_pgrp = false;
  bool have_modes = false;
  termios modes{};
};
RestoreState g_restore;
volatile sig_atomic_t g_restored = 1;
// Termination by mpirun or the terminal, and crashes (a failed IBEX_CHECK aborts).
constexpr int kFatalSignals[] = {SIGTERM, SIGHUP, SIGQUIT, SIGABRT, SIGSEGV, SIGBUS, SIGFPE};
constexpr int kNumFatalSignals = sizeof(kFatalSignals) / sizeof(kFatalSignals[0]);
struct sigaction g_old_actions[kNumFatalSignals];

// Async-signal-safe: tcsetattr, tcsetpgrp and sigaction only.
void RestoreTerminal() {
  if (g_restored) return;
  g_restored = 1;
  if (g_restore.have_modes) tcsetattr(g_restore.fd, TCSANOW, &g_restore.modes);
  if (g_restore.restore_pgrp) {
    struct sigaction ignore {}, old{};
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGTTOU, &ignore, &old);
    tcsetpgrp(g_restore.fd, g_restore.previous_pgrp);
    sigaction(SIGTTOU, &old, nullptr);
  }
}

void OnFatalSignal(int sig) {
  RestoreTerminal();
  signal(sig, SIG_DFL);
  raise(sig);
}

void RestoreAtExit() { RestoreTerminal(); }

}  // namespace

bool StdinIsDevNull() {
  struct stat in {}, null {};
  if (fstat(STDIN_FILENO, &in) != 0 || stat("/dev/null", &null) != 0) return false;
  return S_ISCHR(in.st_mode) && in.st_rdev == null.st_rdev;
}

Result<std::unique_ptr<ControllingTerminal>> ControllingTerminal::Acquire() {
  int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno("open", "/dev/tty", errno);
  std::unique_ptr<ControllingTerminal> term(new ControllingTerminal());
  g_restore = RestoreState{};
  g_restore.fd = fd;
  g_restore.have_modes = tcgetattr(fd, &g_restore.modes) == 0;
  pid_t foreground = tcgetpgrp(fd);
  pid_t mine = getpgrp();
  if (foreground != mine) {
    struct sigaction ignore {}, old{};
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGTTOU, &ignore, &old);
    int rc = tcsetpgrp(fd, mine);
    int err = errno;
    sigaction(SIGTTOU, &old, nullptr);
    if (rc != 0) {
      close(fd);
      return Status::FromErrno("tcsetpgrp", "/dev/tty", err);
    }
    g_restore.previous_pgrp = foreground;
    g_restore.restore_pgrp = foreground > 0;
    term->took_foreground_ = true;
  }
  g_restored = 0;
  static bool at_exit_registered = false;
  if (!at_exit_registered) {
    std::atexit(RestoreAtExit);
    at_exit_registered = true;
  }
  for (int i = 0; i < kNumFatalSignals; ++i) {
    struct sigaction action {};
    action.sa_handler = OnFatalSignal;
    sigemptyset(&action.sa_mask);
    sigaction(kFatalSignals[i], &action, &g_old_actions[i]);
  }
  int out_fd = dup(fd);
  term->in_ = fdopen(fd, "r");
  term->out_ = out_fd >= 0 ? fdopen(out_fd, "w") : nullptr;
  if (term->in_ == nullptr || term->out_ == nullptr) {
    int err = errno;
    RestoreTerminal();
    return Status::FromErrno("fdopen", "/dev/tty", err);
  }
  return term;
}

ControllingTerminal::~ControllingTerminal() {
  if (out_ != nullptr) std::fflush(out_);
  RestoreTerminal();
  for (int i = 0; i < kNumFatalSignals; ++i) sigaction(kFatalSignals[i], &g_old_actions[i], nullptr);
  if (out_ != nullptr) std::fclose(out_);
  if (in_ != nullptr) std::fclose(in_);
}

}  // namespace ibex::sql
