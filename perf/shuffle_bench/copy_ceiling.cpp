// ibex-copy-ceiling: what two processes on this node can move between each other through
// shared memory, with nothing in the way — no library, no threads to hand over to, both sides
// spinning on a ring of 1 MiB slots. It bounds what ibex-shuffle-bench can show over shared
// memory for 2 ranks, and says which part of a gap to MPI_Alltoallv is the data path's work
// and which is synchronisation.
//
// Both processes send `--mib` MiB to each other in 1 MiB messages, in each of three modes:
//   single     the sender copies each message straight into the receiver's final array (one
//              copy per byte: what MPI's single-copy mechanisms do, CMA or XPMEM);
//   copy-copy  the sender copies into a slot, the receiver copies it out into its array (two
//              copies: ibex-shuffle-bench --consume copy);
//   copy-read  the sender copies into a slot, the receiver reads every byte in place (ibex's
//              engine and ibex-shuffle-bench --consume fold).
// Prints GB/s crossing between the two processes (both directions together), the median of
// --reps repetitions after one warm-up. The spinning is the point here (a ceiling, not a
// design: ibex itself never busy-waits; docs/net.md).
#include <sched.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "perf/shuffle_bench/ceiling_common.h"

namespace {

using ibex::perf::ceiling::Now;
using ibex::perf::ceiling::Pin;
namespace ceiling = ibex::perf::ceiling;

constexpr size_t kMessage = size_t{1} << 20;
constexpr size_t kSlots = 8;

struct alignas(64) Ring {
  std::atomic<uint64_t> head{0};  // messages published by the sender
  char pad[56];
  std::atomic<uint64_t> tail{0};  // messages consumed by the receiver
};

struct Shared {
  Ring rings[2];               // rings[r]: messages to rank r
  std::atomic<int> barrier{0};
};

enum class Mode { kSingle, kCopyCopy, kCopyRead };

void Barrier(Shared* s, int round) {
  s->barrier.fetch_add(1);
  while (s->barrier.load() < 2 * round) {
  }
}

// One repetition for rank `me`; returns its seconds.
double Exchange(Mode mode, int me, size_t messages, Shared* s, char* slots, char* finals,
                const char* send, char* recv, uint64_t* fold, int round) {
  const int peer = 1 - me;
  Ring& out = s->rings[peer];
  Ring& in = s->rings[me];
  char* out_slots = slots + static_cast<size_t>(peer) * kSlots * kMessage;
  char* in_slots = slots + static_cast<size_t>(me) * kSlots * kMessage;
  char* peer_final = finals + static_cast<size_t>(peer) * messages * kMessage;
  const uint64_t out0 = out.head.load();
  const uint64_t in0 = in.tail.load();
  Barrier(s, round);
  const double t0 = Now();
  size_t sent = 0, got = 0;
  while (sent < messages || got < messages) {
    if (sent < messages) {
      if (mode == Mode::kSingle) {
        std::memcpy(peer_final + sent * kMessage, send + sent * kMessage, kMessage);
        ++sent;
        out.head.store(out0 + sent, std::memory_order_release);
      } else if (out0 + sent - out.tail.load(std::memory_order_acquire) < kSlots) {
        std::memcpy(out_slots + ((out0 + sent) % kSlots) * kMessage, send + sent * kMessage, kMessage);
        ++sent;
        out.head.store(out0 + sent, std::memory_order_release);
      }
    }
    if (got < messages && in.head.load(std::memory_order_acquire) > in0 + got) {
      if (mode == Mode::kCopyCopy) {
        std::memcpy(recv + got * kMessage, in_slots + ((in0 + got) % kSlots) * kMessage, kMessage);
      } else if (mode == Mode::kCopyRead) {
        const auto* w = reinterpret_cast<const uint64_t*>(in_slots + ((in0 + got) % kSlots) * kMessage);
        uint64_t sum = 0;
        for (size_t i = 0; i < kMessage / 8; ++i) sum += w[i];
        *fold += sum;
      }
      ++got;
      in.tail.store(in0 + got, std::memory_order_release);
    }
  }
  return Now() - t0;
}

}  // namespace

int main(int argc, char** argv) {
  ceiling::Args args;
  if (!ceiling::ParseArgs(argc, argv, "ibex-copy-ceiling", &args)) return 2;
  const size_t mib = args.mib;
  const int reps = args.reps;
  const size_t messages = mib;
  const size_t bytes = messages * kMessage;
  // Shared: the control block, both rings' slots, both final arrays (mode single writes the
  // peer's). Private per process: the send and receive arrays.
  const size_t shared_bytes = sizeof(Shared) + 2 * kSlots * kMessage + 2 * bytes;
  void* map = mmap(nullptr, shared_bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (map == MAP_FAILED) {
    std::perror("ibex-copy-ceiling: mmap");
    return 1;
  }
  auto* shared = new (map) Shared();
  char* slots = static_cast<char*>(map) + sizeof(Shared);
  char* finals = slots + 2 * kSlots * kMessage;
  std::memset(slots, 0, 2 * kSlots * kMessage + 2 * bytes);  // touch every page before timing
  const pid_t child = fork();
  if (child < 0) {
    std::perror("ibex-copy-ceiling: fork");
    return 1;
  }
  const int me = child == 0 ? 1 : 0;
  Pin(me);
  std::vector<char> send(bytes, static_cast<char>(me + 1));
  std::vector<char> recv(bytes, 0);
  uint64_t fold = 0;
  int round = 0;
  const Mode modes[] = {Mode::kSingle, Mode::kCopyCopy, Mode::kCopyRead};
  const char* names[] = {"single", "copy-copy", "copy-read"};
  if (me == 0) std::printf("%-10s %10s   (GB/s between the two processes, both directions)\n", "mode", "median");
  for (int m = 0; m < 3; ++m) {
    std::vector<double> rates;
    for (int r = 0; r <= reps; ++r) {
      const double seconds =
          Exchange(modes[m], me, messages, shared, slots, finals, send.data(), recv.data(), &fold, ++round);
      if (r > 0) rates.push_back(2.0 * static_cast<double>(bytes) / seconds / 1e9);  // r 0: warm-up
    }
    std::sort(rates.begin(), rates.end());
    if (me == 0) std::printf("%-10s %10.2f   (%.2f-%.2f)\n", names[m], rates[rates.size() / 2], rates.front(), rates.back());
  }
  // The sums keep copy-read's reads from being optimized away; printing them does the same.
  if (me == 1) _exit(fold == 0 && reps > 0 ? 1 : 0);
  int status = 0;
  waitpid(child, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
