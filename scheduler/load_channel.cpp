#include "scheduler/load_channel.h"

namespace ibex::scheduler {

void LoadSignal::Notify() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++generation_;
  }
  cv_.notify_all();
}

void LoadSignal::Abort(Status why) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (aborted_.ok()) aborted_ = std::move(why);
    ++generation_;
  }
  cv_.notify_all();
}

Status LoadSignal::aborted() const {
  std::lock_guard<std::mutex> lock(mu_);
  return aborted_;
}

uint64_t LoadSignal::generation() const {
  std::lock_guard<std::mutex> lock(mu_);
  return generation_;
}

Status LoadSignal::WaitChange(uint64_t seen) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return generation_ != seen || !aborted_.ok(); });
  return aborted_;
}

LoadSender::LoadSender(std::unique_ptr<net::ExchangeSender> sender,
                       std::shared_ptr<LoadSignal> signal)
    : sender_(std::move(sender)), signal_(std::move(signal)) {}

Status LoadSender::Send(int dest, std::span<const std::byte> bytes) {
  while (true) {
    IBEX_RETURN_IF_ERROR(signal_->aborted());
    uint64_t seen = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      seen = signal_->generation();
      IBEX_ASSIGN_OR_RETURN(net::SendState state, sender_->TrySend(dest, bytes));
      if (state == net::SendState::kOk) return Status::OK();
      // The wake may run inline (a credit came back meanwhile): it only bumps the generation.
      sender_->WhenUnblocked(dest, [signal = signal_] { signal->Notify(); });
    }
    IBEX_RETURN_IF_ERROR(signal_->WaitChange(seen));
  }
}

Status LoadSender::Finish() {
  std::lock_guard<std::mutex> lock(mu_);
  return sender_->Finish();
}

Status ReceiveAll(net::ExchangeReceiver* receiver, const std::shared_ptr<LoadSignal>& signal,
                  const std::function<Status(std::span<const std::byte>, int source)>& consume) {
  while (true) {
    IBEX_RETURN_IF_ERROR(signal->aborted());
    const uint64_t seen = signal->generation();
    net::ReceivedBuffer buffer;
    IBEX_ASSIGN_OR_RETURN(net::ReceiveState state, receiver->TryReceive(&buffer));
    if (state == net::ReceiveState::kEnd) return Status::OK();
    if (state == net::ReceiveState::kBuffer) {
      IBEX_RETURN_IF_ERROR(consume(buffer.data(), buffer.source()));
      continue;  // releasing the buffer returns its slot to the sender
    }
    receiver->WhenReady([signal] { signal->Notify(); });
    IBEX_RETURN_IF_ERROR(signal->WaitChange(seen));
  }
}

}  // namespace ibex::scheduler
