// Blocking use of the exchange layer for a distributed COPY's threads: the exchange API never
// blocks (kBlocked + a wake callback on the network thread), loader threads simply wait. A
// LoadSignal is what they wait on: the exchange callbacks bump its generation, and an abort
// (a decision from the coordinator, the coordinator's death, a local failure) wakes every
// waiter with the reason. No timeouts: every wait ends by an event.
//
// Thread safety: LoadSignal from any thread, its Notify/Abort also from the network thread.
// LoadSender::Send from any number of threads (serialized inside); ReceiveAll on one thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>

#include "common/status.h"
#include "net/rdma/exchange.h"

namespace ibex::scheduler {

class LoadSignal {
 public:
  // Wakes every waiter.
  void Notify();
  // From now on every wait returns `why` (the first reason wins).
  void Abort(Status why);
  Status aborted() const;
  uint64_t generation() const;
  // Returns when the generation differs from `seen`, or the aborted status.
  Status WaitChange(uint64_t seen);

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  uint64_t generation_ = 0;
  Status aborted_;
};

// One exchange sender shared by the parsing threads.
class LoadSender {
 public:
  LoadSender(std::unique_ptr<net::ExchangeSender> sender, std::shared_ptr<LoadSignal> signal);
  // Sends a copy of `bytes` to `dest`, waiting for a credit as long as needed.
  Status Send(int dest, std::span<const std::byte> bytes);
  // End of stream to every receiver.
  Status Finish();

 private:
  std::mutex mu_;  // one thread at a time in the sender
  std::unique_ptr<net::ExchangeSender> sender_;
  std::shared_ptr<LoadSignal> signal_;
};

// Receives every buffer of `receiver` until every sender ended, handing each to `consume`.
Status ReceiveAll(net::ExchangeReceiver* receiver, const std::shared_ptr<LoadSignal>& signal,
                  const std::function<Status(std::span<const std::byte>, int source)>& consume);

}  // namespace ibex::scheduler
