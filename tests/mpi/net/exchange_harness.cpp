#include "tests/mpi/net/exchange_harness.h"

#include <chrono>
#include <deque>
#include <string>

#include "common/hash.h"

namespace ibex::net::testing {
namespace {

constexpr size_t kHeader = 32;

}  // namespace

std::vector<std::byte> MakePayload(int source, int dest, uint64_t seq, size_t bytes) {
  std::vector<std::byte> out(std::max(bytes, kHeader));
  uint64_t header[4] = {static_cast<uint64_t>(source), static_cast<uint64_t>(dest), seq,
                        out.size()};
  std::memcpy(out.data(), header, kHeader);
  uint64_t state = HashInt(seq * 1315423911u + static_cast<uint64_t>(source) * 2654435761u + dest);
  for (size_t i = kHeader; i < out.size(); i += 8) {
    state = HashInt(state + i);
    std::memcpy(out.data() + i, &state, std::min<size_t>(8, out.size() - i));
  }
  return out;
}

std::string CheckPayload(std::span<const std::byte> data, int source, int dest, uint64_t* seq) {
  if (data.size() < kHeader) return "buffer of " + std::to_string(data.size()) + " bytes";
  uint64_t header[4];
  std::memcpy(header, data.data(), kHeader);
  if (header[0] != static_cast<uint64_t>(source) || header[1] != static_cast<uint64_t>(dest)) {
    return "buffer from " + std::to_string(header[0]) + " to " + std::to_string(header[1]) +
           " arrived as " + std::to_string(source) + "->" + std::to_string(dest);
  }
  if (header[3] != data.size()) return "length mismatch";
  *seq = header[2];
  std::vector<std::byte> expect = MakePayload(source, dest, header[2], data.size());
  if (std::memcmp(expect.data(), data.data(), data.size()) != 0) {
    return "payload corrupted (seq " + std::to_string(header[2]) + ")";
  }
  return {};
}

void Event::Set() {
  std::lock_guard<std::mutex> lock(mu_);
  set_ = true;
  cv_.notify_all();
}

bool Event::Wait(double seconds) {
  std::unique_lock<std::mutex> lock(mu_);
  bool ok = cv_.wait_for(lock, std::chrono::duration<double>(seconds), [&] { return set_; });
  set_ = false;
  return ok;
}

PumpResult Pump(ExchangeSender* sender, const SendPlan* plan, ExchangeReceiver* receiver,
                double seconds, int self_rank, size_t hold) {
  PumpResult result;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  auto event = std::make_shared<Event>();
  size_t dests = plan ? plan->sizes.size() : 0;
  std::vector<size_t> next(dests, 0);
  bool finished = sender == nullptr;
  bool ended = receiver == nullptr;
  std::deque<ReceivedBuffer> held;
  while (!finished || !ended) {
    if (std::chrono::steady_clock::now() > deadline) {
      result.status = Status::Timeout("pump did not finish in time");
      return result;
    }
    bool progress = false;
    bool send_blocked = false;
    if (!finished) {
      bool all_done = true;
      for (size_t d = 0; d < dests; ++d) {
        while (next[d] < plan->sizes[d].size()) {
          auto payload = MakePayload(self_rank, static_cast<int>(d), next[d], plan->sizes[d][next[d]]);
          Result<SendState> st = sender->TrySend(static_cast<int>(d), payload);
          if (!st.ok()) {
            result.status = st.status();
            return result;
          }
          if (*st == SendState::kBlocked) {
            ++result.blocked;
            send_blocked = true;
            sender->WhenUnblocked(static_cast<int>(d), [event] { event->Set(); });
            break;
          }
          ++next[d];
          ++result.sent;
          progress = true;
        }
        if (next[d] < plan->sizes[d].size()) all_done = false;
      }
      if (all_done) {
        result.status = sender->Finish();
        if (!result.status.ok()) return result;
        finished = true;
        progress = true;
      }
    }
    bool recv_blocked = false;
    while (!ended) {
      ReceivedBuffer buffer;
      Result<ReceiveState> st = receiver->TryReceive(&buffer);
      if (!st.ok()) {
        result.status = st.status();
        return result;
      }
      if (*st == ReceiveState::kEnd) {
        ended = true;
        progress = true;
        break;
      }
      if (*st == ReceiveState::kBlocked) {
        recv_blocked = true;
        receiver->WhenReady([event] { event->Set(); });
        break;
      }
      uint64_t seq = 0;  // order is not promised across paths; counts and contents are
      std::string err = CheckPayload(buffer.data(), buffer.source(), self_rank, &seq);
      if (!err.empty()) result.errors.push_back(err);
      ++result.received;
      progress = true;
      if (hold > 0) {
        held.push_back(std::move(buffer));
        if (held.size() > hold) held.pop_front();
        // A slow consumer: keeps `hold` buffers, releasing the oldest one each time.
      }
    }
    if (ended) held.clear();
    if (!progress && (send_blocked || finished) && (recv_blocked || ended)) {
      if (!held.empty()) {
        held.pop_front();  // the slow consumer catches up a little
        continue;
      }
      if (!event->Wait(std::chrono::duration<double>(deadline - std::chrono::steady_clock::now())
                           .count())) {
        result.status = Status::Timeout("pump waited without a wake-up");
        return result;
      }
    }
  }
  return result;
}

}  // namespace ibex::net::testing
