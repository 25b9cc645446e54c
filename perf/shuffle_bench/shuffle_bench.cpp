// ibex-shuffle-bench: all-to-all shuffle throughput of ibex's exchange layer (the engine's own
// Fabric and ExchangeService) against MPI_Alltoallv on the same bytes, in the same run.
// See perf/README.md for how to run it and what the figures mean.
//
// Per pattern and message size: every rank sends its rows (a traffic matrix, shuffle_plan.h)
// as messages of `msg` bytes (an 8-byte chunk index + payload) through one exchange.
// Producer (--produce): `copy` copies each message from the send array (the array MPI reads)
// into the buffer Acquire gives (on the store path: the receiver's slot itself); `generate`
// writes the deterministic payload straight into that buffer, the way the engine's
// partitioner writes rows into it (MPI's timed region then excludes filling its send array).
// Consumer (--consume): `copy` copies each slot into place in the receive array (what
// MPI_Alltoallv delivers); `fold` reads every byte in place (a checksum per message, the way
// operators consume slots; MPI's timed region excludes reading its receive array) and
// releases the slot. MPI_Alltoallv moves the same payload from and to the same arrays.
// Every byte of both results is verified after the timed region (fold: each message's
// checksum against the checksum of the expected bytes).
#include <mpi.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "net/rdma/exchange.h"
#include "net/rdma/fabric.h"
#include "perf/shuffle_bench/shuffle_plan.h"
#include "perf/shuffle_bench/svg_plot.h"

namespace ibex::perf {
namespace {

using net::ExchangeKey;
using net::ExchangeOptions;
using net::ExchangePath;
using net::ExchangeService;
using net::Fabric;
using Clock = std::chrono::steady_clock;

struct Args {
  std::vector<Pattern> patterns{Pattern::kUniform, Pattern::kZipf, Pattern::kIncast};
  std::vector<size_t> sizes{4 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20};
  uint64_t bytes_per_rank = 128ull << 20;
  int reps = 3;
  int warmup = 1;
  std::string csv;
  std::string plot;
  ExchangePath path = ExchangePath::kAuto;
  bool mpi = true;
  bool ibex = true;
  int spin_us = 50;
  bool generate = false;  // --produce generate
  bool fold = false;      // --consume fold
  uint32_t slots = 0;     // --slots: receive slots per sender rank; 0: ~16 MiB worth
};

size_t ParseSize(const std::string& s) {
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  std::string unit(end);
  if (unit == "K" || unit == "KiB" || unit == "k") v *= 1024;
  if (unit == "M" || unit == "MiB" || unit == "m") v *= 1024 * 1024;
  if (unit == "G" || unit == "GiB" || unit == "g") v *= 1024.0 * 1024 * 1024;
  return static_cast<size_t>(v);
}

std::vector<std::string> Split(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) out.push_back(item);
  return out;
}

bool ParseArgs(int argc, char** argv, Args* a, std::string* error) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (arg == "--patterns") {
      a->patterns.clear();
      for (auto& p : Split(value())) {
        Pattern pat;
        if (!ParsePattern(p, &pat)) {
          *error = "unknown pattern " + p;
          return false;
        }
        a->patterns.push_back(pat);
      }
    } else if (arg == "--sizes") {
      a->sizes.clear();
      for (auto& s : Split(value())) a->sizes.push_back(ParseSize(s));
    } else if (arg == "--bytes-per-rank") {
      a->bytes_per_rank = ParseSize(value());
    } else if (arg == "--reps") {
      a->reps = std::max(1, std::atoi(value().c_str()));
    } else if (arg == "--warmup") {
      a->warmup = std::max(0, std::atoi(value().c_str()));
    } else if (arg == "--csv") {
      a->csv = value();
    } else if (arg == "--plot") {
      a->plot = value();
    } else if (arg == "--path") {
      std::string p = value();
      a->path = p == "store" ? ExchangePath::kStore
                : p == "put" ? ExchangePath::kPut
                : p == "am" ? ExchangePath::kActiveMessage
                            : ExchangePath::kAuto;
    } else if (arg == "--spin-us") {
      a->spin_us = std::max(0, std::atoi(value().c_str()));
    } else if (arg == "--produce") {
      std::string v = value();
      if (v != "copy" && v != "generate") {
        *error = "--produce copy|generate";
        return false;
      }
      a->generate = v == "generate";
    } else if (arg == "--consume") {
      std::string v = value();
      if (v != "copy" && v != "fold") {
        *error = "--consume copy|fold";
        return false;
      }
      a->fold = v == "fold";
    } else if (arg == "--slots") {
      a->slots = static_cast<uint32_t>(std::max(0, std::atoi(value().c_str())));
    } else if (arg == "--no-ibex") {
      a->ibex = false;
    } else if (arg == "--no-mpi") {
      a->mpi = false;
    } else if (arg == "--help" || arg == "-h") {
      *error =
          "usage: ibex-shuffle-bench [--patterns uniform,zipf,incast] [--sizes 4K,64K,1M,4M]\n"
          "       [--bytes-per-rank 128M] [--reps 3] [--warmup 1] [--path auto|store|put|am]\n"
          "       [--produce copy|generate] [--consume copy|fold] [--slots N]\n"
          "       [--csv FILE] [--plot FILE.svg] [--no-mpi] [--no-ibex] [--spin-us 50]";
      return false;
    } else {
      *error = "unknown argument " + arg + " (--help)";
      return false;
    }
  }
  for (size_t s : a->sizes) {
    if (s < 64 || s % 8 != 0) {
      *error = "message sizes must be multiples of 8 and at least 64 bytes";
      return false;
    }
  }
  return true;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// Buffers of one (pattern, size): send and receive laid out as MPI_Alltoallv wants them.
struct Layout {
  std::vector<std::vector<uint64_t>> matrix;
  std::vector<uint64_t> send_offset, recv_offset;  // by peer
  uint64_t send_total = 0, recv_total = 0, cross_total = 0;  // cross: over all ranks
};

Layout MakeLayout(Pattern p, int rank, int size, uint64_t bytes_per_rank, uint64_t payload) {
  Layout l;
  l.matrix = TrafficMatrix(p, size, bytes_per_rank, payload);
  l.send_offset.resize(size);
  l.recv_offset.resize(size);
  for (int d = 0; d < size; ++d) {
    l.send_offset[d] = l.send_total;
    l.send_total += l.matrix[rank][d];
    l.recv_offset[d] = l.recv_total;
    l.recv_total += l.matrix[d][rank];
  }
  for (int s = 0; s < size; ++s) {
    for (int d = 0; d < size; ++d) l.cross_total += s != d ? l.matrix[s][d] : 0;
  }
  return l;
}

// The benchmark's thread sleeps here when it can neither send nor receive; the exchange layer's
// callbacks (on the network thread) wake it. Notified after the unlock: notifying under the
// lock made the woken thread block again on the mutex the network thread still held (a futex
// wait and wake more per message; perf record -e syscalls:sys_enter_futex over TCP).
struct Waker {
  std::mutex mu;
  std::condition_variable cv;
  bool set = false;
  void Set() {
    {
      std::lock_guard<std::mutex> lock(mu);
      set = true;
    }
    cv.notify_one();
  }
  bool Wait() {
    std::unique_lock<std::mutex> lock(mu);
    bool ok = cv.wait_for(lock, std::chrono::seconds(60), [&] { return set; });
    set = false;
    return ok;
  }
};

// What the consumer of one ibex run leaves behind: the receive array (--consume copy) or the
// checksum of every message by source and chunk (--consume fold).
struct Received {
  std::vector<std::byte>* recv;
  std::vector<std::vector<uint64_t>> folds;
  uint64_t sleeps = 0;  // times the benchmark's thread waited for the exchange layer
};

// One ibex shuffle of `l`; returns this rank's elapsed seconds or an error.
Result<double> RunIbex(ExchangeService& service, const Layout& l, const std::vector<std::byte>& send,
                       Received& out, const Args& args, size_t msg, uint64_t query, int rank,
                       int size) {
  const size_t payload = msg - 8;
  std::vector<int> senders, receivers;
  for (int r = 0; r < size; ++r) {
    if (l.matrix[rank][r] > 0) receivers.push_back(r);
    if (l.matrix[r][rank] > 0) senders.push_back(r);
  }
  ExchangeKey key{query, 1};
  IBEX_ASSIGN_OR_RETURN(auto sender, service.OpenSender(key, receivers));
  IBEX_ASSIGN_OR_RETURN(auto receiver, service.OpenReceiver(key, senders));
  auto waker = std::make_shared<Waker>();
  std::vector<uint64_t> next(size, 0);  // chunk index per destination
  std::vector<uint64_t> chunks(size, 0);
  for (int d = 0; d < size; ++d) chunks[d] = l.matrix[rank][d] / payload;
  int rc = MPI_Barrier(MPI_COMM_WORLD);
  if (rc != MPI_SUCCESS) return Status::NetworkError("MPI_Barrier");
  auto t0 = Clock::now();
  bool finished = false, ended = false;
  while (!finished || !ended) {
    bool progress = false, blocked_send = false, blocked_recv = false;
    if (!finished) {
      bool all = true;
      // Round-robin over destinations, a few messages each, so all links stay busy.
      for (int round = 0; round < 4; ++round) {
        for (int d : receivers) {
          if (next[d] >= chunks[d]) continue;
          net::StagingBuffer buf;
          IBEX_ASSIGN_OR_RETURN(net::SendState st, sender->Acquire(d, &buf));
          if (st == net::SendState::kBlocked) {
            blocked_send = true;
            continue;
          }
          uint64_t chunk = next[d]++;
          std::memcpy(buf.data.data(), &chunk, 8);
          if (args.generate) {
            FillStream(rank, d, chunk * payload, buf.data.data() + 8, payload);
          } else {
            std::memcpy(buf.data.data() + 8, send.data() + l.send_offset[d] + chunk * payload,
                        payload);
          }
          IBEX_RETURN_IF_ERROR(sender->Commit(buf, msg));
          progress = true;
        }
      }
      for (int d : receivers) all = all && next[d] >= chunks[d];
      if (all) {
        IBEX_RETURN_IF_ERROR(sender->Finish());
        finished = true;
        progress = true;
      }
    }
    for (int i = 0; i < 64 && !ended; ++i) {
      net::ReceivedBuffer buf;
      IBEX_ASSIGN_OR_RETURN(net::ReceiveState st, receiver->TryReceive(&buf));
      if (st == net::ReceiveState::kEnd) {
        ended = true;
        progress = true;
        break;
      }
      if (st == net::ReceiveState::kBlocked) {
        blocked_recv = true;
        break;
      }
      uint64_t chunk = 0;
      std::memcpy(&chunk, buf.data().data(), 8);
      uint64_t at = l.recv_offset[buf.source()] + chunk * payload;
      if (buf.data().size() != msg || (chunk + 1) * payload > l.matrix[buf.source()][rank]) {
        return Status::Corruption("message from rank " + std::to_string(buf.source()) +
                                  " with chunk " + std::to_string(chunk) + " out of range");
      }
      if (args.fold) {
        out.folds[buf.source()][chunk] = Fold(buf.data().data() + 8, payload);
      } else {
        std::memcpy(out.recv->data() + at, buf.data().data() + 8, payload);
      }
      progress = true;
    }
    if (!progress && (finished || blocked_send) && (ended || blocked_recv)) {
      // Nothing to do: sleep until the library says credits came back or data arrived.
      if (!finished) {
        for (int d : receivers) {
          if (next[d] < chunks[d]) sender->WhenUnblocked(d, [waker] { waker->Set(); });
        }
      }
      if (!ended) receiver->WhenReady([waker] { waker->Set(); });
      ++out.sleeps;
      if (!waker->Wait()) {
        net::ExchangeStats s = service.stats();
        std::string state;
        for (int d : receivers) {
          state += " to " + std::to_string(d) + ": " + std::to_string(next[d]) + "/" +
                   std::to_string(chunks[d]);
        }
        return Status::Timeout("ibex shuffle stalled for 60 s;" + state + ", received " +
                               std::to_string(receiver->buffers_received()) + ", flushes " +
                               std::to_string(s.flushes) + ", finished " +
                               std::to_string(finished) + ", ended " + std::to_string(ended));
      }
    }
  }
  double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  sender.reset();
  receiver.reset();
  return seconds;
}

Result<double> RunMpi(const Layout& l, const std::vector<std::byte>& send,
                      std::vector<std::byte>& recv, int rank, int size) {
  std::vector<int> sc(size), sd(size), rc(size), rd(size);
  for (int r = 0; r < size; ++r) {
    if (l.matrix[rank][r] > INT32_MAX || l.send_offset[r] > INT32_MAX ||
        l.recv_offset[r] > INT32_MAX || l.matrix[r][rank] > INT32_MAX) {
      return Status::InvalidArgument("MPI_Alltoallv counts exceed int; use less --bytes-per-rank");
    }
    sc[r] = static_cast<int>(l.matrix[rank][r]);
    sd[r] = static_cast<int>(l.send_offset[r]);
    rc[r] = static_cast<int>(l.matrix[r][rank]);
    rd[r] = static_cast<int>(l.recv_offset[r]);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  auto t0 = Clock::now();
  int err = MPI_Alltoallv(send.data(), sc.data(), sd.data(), MPI_BYTE, recv.data(), rc.data(),
                          rd.data(), MPI_BYTE, MPI_COMM_WORLD);
  double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  if (err != MPI_SUCCESS) return Status::NetworkError("MPI_Alltoallv failed");
  return seconds;
}

bool Verify(const Layout& l, const std::vector<std::byte>& recv, int rank, int size) {
  for (int s = 0; s < size; ++s) {
    if (!CheckStream(s, rank, 0, recv.data() + l.recv_offset[s], l.matrix[s][rank])) return false;
  }
  return true;
}

// --consume fold: every message's checksum against that of the bytes it should have carried.
bool VerifyFolds(const Layout& l, const std::vector<std::vector<uint64_t>>& folds, size_t payload,
                 int rank, int size) {
  std::vector<std::byte> expect(payload);
  for (int s = 0; s < size; ++s) {
    for (uint64_t c = 0; c < l.matrix[s][rank] / payload; ++c) {
      FillStream(s, rank, c * payload, expect.data(), payload);
      if (folds[s][c] != Fold(expect.data(), payload)) return false;
    }
  }
  return true;
}

double MaxOverRanks(double v) {
  double out = 0;
  MPI_Allreduce(&v, &out, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  return out;
}

std::string MpiTransport() {
  const char* pml = std::getenv("OMPI_MCA_pml");
  const char* btl = std::getenv("OMPI_MCA_btl");
  std::string s = std::string("pml ") + (pml ? pml : "default(ob1)") + ", btl " +
                  (btl ? btl : "default(self,vader,tcp)");
  return s;
}

struct Row {
  Pattern pattern;
  size_t msg;
  int ranks;
  double ibex_gbps, mpi_gbps;
  std::string path;
};

int Main(int argc, char** argv) {
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_MULTIPLE, &provided);
  int rank = 0, size = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  Args args;
  std::string error;
  if (!ParseArgs(argc, argv, &args, &error)) {
    if (rank == 0) std::fprintf(stderr, "%s\n", error.c_str());
    MPI_Finalize();
    return 2;
  }
  net::FabricOptions fabric_options;
  fabric_options.spin = std::chrono::microseconds(args.spin_us);
  auto fabric = Fabric::Create(MPI_COMM_WORLD, fabric_options);
  if (!fabric.ok()) {
    std::fprintf(stderr, "rank %d: %s\n", rank, fabric.status().ToString().c_str());
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  if (rank == 0) {
    std::printf("ibex-shuffle-bench: %d ranks, %.0f MiB per rank, %d reps (median), %d warm-up\n",
                size, args.bytes_per_rank / 1048576.0, args.reps, args.warmup);
    std::printf("ibex transports: %s\n", (*fabric)->TransportSummary().c_str());
    std::printf("MPI  transports: %s\n", args.mpi ? MpiTransport().c_str() : "(not run)");
    std::printf("ibex producer: %s; consumer: %s\n",
                args.generate ? "generate payload in place in the acquired buffer (MPI's send "
                                "array is filled untimed)"
                              : "copy from the send array MPI reads",
                args.fold ? "checksum every byte in place in the slot (MPI's receive array is "
                            "not read in its timed region)"
                          : "copy into the receive array MPI writes");
    std::printf("GB/s = bytes between distinct ranks / slowest rank's time, aggregate over ranks\n\n");
    std::printf("%-8s %9s %6s %11s %12s %10s %7s %5s\n", "pattern", "msg", "ranks", "ibex GB/s",
                "ibex/rank", "MPI GB/s", "ratio", "path");
  }
  std::vector<Row> rows;
  std::vector<std::string> handshakes;  // rank 0's exchange counters per row, all runs
  uint64_t query = 1;
  bool all_ok = true;
  for (size_t msg : args.sizes) {
    ExchangeOptions o;
    o.slot_bytes = msg;
    // Enough slots for ~16 MiB in flight per peer, 4..64 of them.
    o.slots_per_peer = args.slots > 0 ? args.slots
                                      : static_cast<uint32_t>(std::clamp<size_t>((16u << 20) / msg, 4, 64));
    o.reserved_slots = 1;
    o.max_open_exchanges = 1;
    o.staging_buffers = static_cast<uint32_t>(
        std::clamp<size_t>((32u << 20) / msg, 8, 256));
    o.path = args.path;
    auto service = ExchangeService::Create(**fabric, o);
    if (!service.ok()) {
      std::fprintf(stderr, "rank %d: %s\n", rank, service.status().ToString().c_str());
      MPI_Abort(MPI_COMM_WORLD, 1);
    }
    std::string path = size > 1 ? net::ExchangePathName((*service)->path_to((rank + 1) % size)) : "-";
    for (Pattern p : args.patterns) {
      Layout l = MakeLayout(p, rank, size, args.bytes_per_rank, msg - 8);
      std::vector<std::byte> send(l.send_total), recv(l.recv_total);
      Received got{&recv, {}};
      if (args.fold) {
        for (int s = 0; s < size; ++s) got.folds.emplace_back(l.matrix[s][rank] / (msg - 8));
      }
      for (int d = 0; d < size; ++d) {
        FillStream(rank, d, 0, send.data() + l.send_offset[d], l.matrix[rank][d]);
      }
      std::vector<double> ibex_t, mpi_t;
      net::ExchangeStats before = (*service)->stats();
      for (int it = 0; it < args.warmup + args.reps; ++it) {
        bool ok = true;
        if (args.ibex) {
          std::memset(recv.data(), 0, recv.size());
          for (auto& f : got.folds) std::fill(f.begin(), f.end(), 0);
          auto t = RunIbex(**service, l, send, got, args, msg, query++, rank, size);
          if (!t.ok()) {
            std::fprintf(stderr, "rank %d: ibex: %s\n", rank, t.status().ToString().c_str());
            MPI_Abort(MPI_COMM_WORLD, 1);
          }
          double slowest = MaxOverRanks(*t);
          ok = args.fold ? VerifyFolds(l, got.folds, msg - 8, rank, size) : Verify(l, recv, rank, size);
          if (!ok) {
            std::fprintf(stderr, "rank %d: ibex result wrong (%s, %zu)\n", rank, PatternName(p), msg);
          }
          all_ok = all_ok && ok;
          if (it >= args.warmup) ibex_t.push_back(slowest);
        }
        if (args.mpi) {
          std::memset(recv.data(), 0, recv.size());
          auto m = RunMpi(l, send, recv, rank, size);
          if (!m.ok()) {
            std::fprintf(stderr, "rank %d: %s\n", rank, m.status().ToString().c_str());
            MPI_Abort(MPI_COMM_WORLD, 1);
          }
          double mslow = MaxOverRanks(*m);
          ok = Verify(l, recv, rank, size);
          if (!ok) std::fprintf(stderr, "rank %d: MPI result wrong\n", rank);
          all_ok = all_ok && ok;
          if (it >= args.warmup) mpi_t.push_back(mslow);
        }
      }
      // The payload bytes both moved between distinct ranks (the 8-byte chunk index is ibex's
      // own overhead and not counted).
      double bytes = static_cast<double>(l.cross_total);
      Row row{p, msg, size, args.ibex ? bytes / Median(ibex_t) / 1e9 : 0,
              args.mpi ? bytes / Median(mpi_t) / 1e9 : 0, path};
      rows.push_back(row);
      net::ExchangeStats after = (*service)->stats();
      uint64_t buffers = after.store_buffers + after.put_buffers + after.am_buffers -
                         before.store_buffers - before.put_buffers - before.am_buffers;
      if (rank == 0) {
        handshakes.push_back(std::string(PatternName(p)) + " " + std::to_string(msg) + " B: " +
                             std::to_string(buffers) + " buffers sent, " +
                             std::to_string(after.doorbells - before.doorbells) + " doorbells, " +
                             std::to_string(after.ready_notices - before.ready_notices) +
                             " ready notices, " + std::to_string(got.sleeps) +
                             " waits of the benchmark thread");
        char msg_label[32];
        std::snprintf(msg_label, sizeof(msg_label), msg >= (1 << 20) ? "%zu MiB" : "%zu KiB",
                      msg >= (1 << 20) ? msg >> 20 : msg >> 10);
        std::printf("%-8s %9s %6d %11.2f %12.2f %10.2f %7.2f %5s\n", PatternName(p), msg_label,
                    size, row.ibex_gbps, row.ibex_gbps / size, row.mpi_gbps,
                    row.mpi_gbps > 0 ? row.ibex_gbps / row.mpi_gbps : 0, path.c_str());
        std::fflush(stdout);
      }
    }
    Status st = (*service)->Shutdown();
    if (!st.ok()) std::fprintf(stderr, "rank %d: %s\n", rank, st.ToString().c_str());
  }
  int ok_in = all_ok ? 1 : 0, ok_all = 0;
  MPI_Allreduce(&ok_in, &ok_all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  if (rank == 0) {
    std::printf("\nverification: %s (every byte of every run, ibex and MPI)\n",
                ok_all ? "all bytes correct" : "FAILED");
    if (args.ibex) {
      std::printf("rank 0, warm-up and timed runs together:\n");
      for (const std::string& h : handshakes) std::printf("  %s\n", h.c_str());
    }
    if (!args.csv.empty()) {
      std::ofstream csv(args.csv);
      csv << "pattern,msg_bytes,ranks,bytes_per_rank,ibex_gbps,ibex_gbps_per_rank,mpi_gbps,ratio,"
             "ibex_path\n";
      for (const Row& r : rows) {
        csv << PatternName(r.pattern) << ',' << r.msg << ',' << r.ranks << ','
            << args.bytes_per_rank << ',' << r.ibex_gbps << ',' << r.ibex_gbps / r.ranks << ','
            << r.mpi_gbps << ',' << (r.mpi_gbps > 0 ? r.ibex_gbps / r.mpi_gbps : 0) << ','
            << r.path << '\n';
      }
      if (!csv) std::fprintf(stderr, "cannot write %s\n", args.csv.c_str());
    }
    if (!args.plot.empty()) {
      std::vector<PlotSeries> series;
      for (Pattern p : args.patterns) {
        PlotSeries ibex{std::string("ibex ") + PatternName(p), false, {}};
        PlotSeries mpi{std::string("MPI ") + PatternName(p), true, {}};
        for (const Row& r : rows) {
          if (r.pattern != p) continue;
          ibex.points.emplace_back(static_cast<double>(r.msg), r.ibex_gbps);
          mpi.points.emplace_back(static_cast<double>(r.msg), r.mpi_gbps);
        }
        series.push_back(ibex);
        if (args.mpi) series.push_back(mpi);
      }
      Status st = WriteSvgPlot(args.plot,
                               "ibex exchange vs MPI_Alltoallv, " + std::to_string(size) + " ranks",
                               series);
      if (!st.ok()) std::fprintf(stderr, "%s\n", st.ToString().c_str());
    }
  }
  Status st = (*fabric)->Shutdown();
  if (!st.ok()) std::fprintf(stderr, "rank %d: %s\n", rank, st.ToString().c_str());
  fabric->reset();
  MPI_Finalize();
  return ok_all ? 0 : 1;
}

}  // namespace
}  // namespace ibex::perf

int main(int argc, char** argv) { return ibex::perf::Main(argc, argv); }
