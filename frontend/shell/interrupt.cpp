#include "frontend/shell/interrupt.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>

#include "common/check.h"

namespace ibex::sql {
namespace {

int g_pipe[2] = {-1, -1};
std::atomic<CancelToken*> g_token{nullptr};
struct sigaction g_old_action;
static_assert(std::atomic<CancelToken*>::is_always_lock_free);

void OnInterrupt(int) {
  int saved = errno;
  if (CancelToken* t = g_token.load(std::memory_order_relaxed)) t->Cancel();
  char c = 'i';
  ssize_t rc = write(g_pipe[1], &c, 1);  // a full pipe already says "interrupted"
  (void)rc;
  errno = saved;
}

}  // namespace

InterruptScope::InterruptScope() {
  IBEX_CHECK_EQ(g_pipe[0], -1);
  IBEX_CHECK_EQ(pipe2(g_pipe, O_CLOEXEC | O_NONBLOCK), 0);
  struct sigaction action {};
  action.sa_handler = OnInterrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a blocking read returns EINTR
  sigaction(SIGINT, &action, &g_old_action);
}

InterruptScope::~InterruptScope() {
  sigaction(SIGINT, &g_old_action, nullptr);
  g_token.store(nullptr);
  close(g_pipe[0]);
  close(g_pipe[1]);
  g_pipe[0] = g_pipe[1] = -1;
}

int InterruptScope::wake_fd() const { return g_pipe[0]; }

bool InterruptScope::Consume() {
  char buf[64];
  bool any = false;
  while (read(g_pipe[0], buf, sizeof buf) > 0) any = true;
  return any;
}

void InterruptScope::SetToken(CancelToken* token) { g_token.store(token); }

}  // namespace ibex::sql
