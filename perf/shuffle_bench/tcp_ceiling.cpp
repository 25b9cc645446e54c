// ibex-tcp-ceiling: what two processes on this node move between each other over loopback TCP
// with nothing in the way — no library, one socket, a sending thread and a receiving thread
// per process, both directions at once, each process pinned to its own vCPU like the ranks of
// `mpirun -n 2`. It bounds the TCP figures of ibex-shuffle-bench for 2 ranks: whatever a rank
// does per byte besides the kernel's two copies (into the socket, out of it) comes out of the
// same vCPU as the kernel's work.
//
// Both processes send `--mib` MiB to each other in 1 MiB messages, in each of three modes:
//   direct     the receiver reads straight into its final array (the kernel's two copies
//              only: what Open MPI's TCP BTL does for large messages);
//   bounce     the receiver reads into a 1 MiB buffer and copies it into the array (one user
//              copy per received byte: UCX's TCP transport before anybody consumes);
//   ibex-copy  the sender copies each message into a staging buffer before sending it and the
//              receiver copies twice (buffer -> slot -> array): ibex-shuffle-bench's copy
//              producer and consumer over UCX's TCP transport.
// Prints GB/s crossing between the two processes (both directions together), the median of
// --reps repetitions after one warm-up, the modes taking turns within each repetition.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include "perf/shuffle_bench/ceiling_common.h"

namespace {

using ibex::perf::ceiling::Now;
using ibex::perf::ceiling::Pin;
namespace ceiling = ibex::perf::ceiling;

constexpr size_t kMessage = size_t{1} << 20;

enum class Mode { kDirect, kBounce, kIbexCopy };

void Barrier(std::atomic<int>* b, int round) {
  b->fetch_add(1);
  while (b->load() < 2 * round) sched_yield();
}

bool SendAll(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t k = send(fd, p, n, 0);
    if (k <= 0) return false;
    p += k;
    n -= static_cast<size_t>(k);
  }
  return true;
}

bool RecvAll(int fd, char* p, size_t n) {
  while (n > 0) {
    ssize_t k = recv(fd, p, n, 0);
    if (k <= 0) return false;
    p += k;
    n -= static_cast<size_t>(k);
  }
  return true;
}

// One repetition; returns this process's seconds (negative on a socket error).
double Exchange(Mode mode, int fd, size_t messages, const char* send_array, char* recv_array,
                char* staging, char* bounce, char* slot, std::atomic<int>* barrier, int round) {
  Barrier(barrier, round);
  const double t0 = Now();
  bool sent_ok = true;
  std::thread sender([&] {
    for (size_t m = 0; m < messages && sent_ok; ++m) {
      const char* msg = send_array + m * kMessage;
      if (mode == Mode::kIbexCopy) {
        std::memcpy(staging, msg, kMessage);
        msg = staging;
      }
      sent_ok = SendAll(fd, msg, kMessage);
    }
  });
  bool recv_ok = true;
  for (size_t m = 0; m < messages && recv_ok; ++m) {
    char* dst = recv_array + m * kMessage;
    if (mode == Mode::kDirect) {
      recv_ok = RecvAll(fd, dst, kMessage);
    } else if (mode == Mode::kBounce) {
      recv_ok = RecvAll(fd, bounce, kMessage);
      std::memcpy(dst, bounce, kMessage);
    } else {
      recv_ok = RecvAll(fd, bounce, kMessage);
      std::memcpy(slot, bounce, kMessage);
      std::memcpy(dst, slot, kMessage);
    }
  }
  sender.join();
  double seconds = Now() - t0;
  return sent_ok && recv_ok ? seconds : -1;
}

}  // namespace

int main(int argc, char** argv) {
  ceiling::Args args;
  if (!ceiling::ParseArgs(argc, argv, "ibex-tcp-ceiling", &args)) return 2;
  const size_t mib = args.mib;
  const int reps = args.reps;
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (listener < 0 || bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      listen(listener, 1) != 0 || getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    std::perror("ibex-tcp-ceiling: listen on 127.0.0.1");
    return 1;
  }
  void* map = mmap(nullptr, sizeof(std::atomic<int>), PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (map == MAP_FAILED) {
    std::perror("ibex-tcp-ceiling: mmap");
    return 1;
  }
  auto* barrier = new (map) std::atomic<int>(0);
  const pid_t child = fork();
  if (child < 0) {
    std::perror("ibex-tcp-ceiling: fork");
    return 1;
  }
  const int me = child == 0 ? 1 : 0;
  int fd = -1;
  if (me == 1) {
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      std::perror("ibex-tcp-ceiling: connect");
      _exit(1);
    }
  } else {
    fd = accept(listener, nullptr, nullptr);
    if (fd < 0) {
      std::perror("ibex-tcp-ceiling: accept");
      return 1;
    }
  }
  close(listener);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  Pin(me);
  const size_t bytes = mib * kMessage;
  std::vector<char> send(bytes, static_cast<char>(me + 1)), recv(bytes, 0);
  std::vector<char> staging(kMessage, 0), bounce(kMessage, 0), slot(kMessage, 0);
  const Mode modes[] = {Mode::kDirect, Mode::kBounce, Mode::kIbexCopy};
  const char* names[] = {"direct", "bounce", "ibex-copy"};
  if (me == 0) std::printf("%-10s %10s   (GB/s between the two processes, both directions)\n", "mode", "median");
  // Modes alternate within each repetition: this VM's vCPUs change speed within seconds, and
  // only figures measured side by side compare.
  int round = 0;
  bool ok = true;
  std::vector<double> rates[3];
  for (int r = 0; r <= reps && ok; ++r) {
    for (int m = 0; m < 3 && ok; ++m) {
      const double seconds = Exchange(modes[m], fd, mib, send.data(), recv.data(), staging.data(),
                                      bounce.data(), slot.data(), barrier, ++round);
      ok = seconds > 0;
      if (ok && r > 0) rates[m].push_back(2.0 * static_cast<double>(bytes) / seconds / 1e9);  // r 0: warm-up
    }
  }
  for (int m = 0; m < 3 && ok && me == 0; ++m) {
    std::sort(rates[m].begin(), rates[m].end());
    std::printf("%-10s %10.2f   (%.2f-%.2f)\n", names[m], rates[m][rates[m].size() / 2], rates[m].front(), rates[m].back());
  }
  // Every byte arrived: the last array holds the peer's fill value.
  ok = ok && std::all_of(recv.begin(), recv.end(), [&](char c) { return c == static_cast<char>(2 - me); });
  close(fd);
  if (me == 1) _exit(ok ? 0 : 1);
  int status = 0;
  waitpid(child, &status, 0);
  if (!ok) std::fprintf(stderr, "ibex-tcp-ceiling: a socket failed or bytes were wrong\n");
  return ok && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
