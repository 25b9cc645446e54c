// Test harness for multi-rank exchange tests: deterministic checksummed payloads, an event the
// library's wake callbacks set, and a pump that sends and receives on one thread without
// deadlock (it waits only when both sides are blocked, and then on the library's callbacks).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "net/rdma/exchange.h"

namespace ibex::net::testing {

// Bytes of buffer `seq` from `source` to `dest`: a header (source, dest, seq, length) and a
// pseudo-random body, so a torn, lost, duplicated or misdirected buffer is detected.
std::vector<std::byte> MakePayload(int source, int dest, uint64_t seq, size_t bytes);
// Empty string when `data` is exactly MakePayload(source, dest, seq, ...), with seq and length
// read from the header; else what is wrong. *seq receives the sequence number.
std::string CheckPayload(std::span<const std::byte> data, int source, int dest, uint64_t* seq);

class Event {
 public:
  void Set();
  // True when set within `seconds`; resets it.
  bool Wait(double seconds);

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool set_ = false;
};

// One rank's part of an exchange: what to send to each destination.
struct SendPlan {
  std::vector<std::vector<size_t>> sizes;  // [dest] -> sizes of the buffers, in order
};

struct PumpResult {
  Status status;
  uint64_t sent = 0;
  uint64_t received = 0;
  uint64_t blocked = 0;  // times a send returned kBlocked
  std::vector<std::string> errors;  // payload problems
};

// Sends `plan` with `sender` (then Finish) while receiving from `receiver` until its end, on
// this thread. `hold` buffers are kept before being released (a slow consumer). Bounded by
// `seconds`.
PumpResult Pump(ExchangeSender* sender, const SendPlan* plan, ExchangeReceiver* receiver,
                double seconds, int self_rank, size_t hold = 0);

}  // namespace ibex::net::testing
