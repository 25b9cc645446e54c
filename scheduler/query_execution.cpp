#include "scheduler/query_execution.h"

#include <chrono>
#include <cstdio>

#include "common/thread_name.h"

namespace ibex::scheduler {

namespace opt = ibex::optimizer;

namespace {

std::vector<storage::DataType> TypesOf(const opt::Schema& schema) {
  std::vector<storage::DataType> t;
  for (const opt::Field& f : schema) t.push_back(f.type);
  return t;
}

int64_t NanosSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0)
      .count();
}

}  // namespace

QueryExecution::QueryExecution(uint64_t query, opt::FragmentedPlan plan, int executors,
                               std::vector<storage::Value> params, bool analyze, QueryContext ctx)
    : query_(query),
      rank_(ctx.exchanges->fabric().rank()),
      plan_(std::move(plan)),
      layout_(LayOut(plan_, executors)),
      params_(std::move(params)),
      analyze_(analyze),
      ctx_(std::move(ctx)),
      memory_(ctx_.memory_limit) {}

QueryExecution::~QueryExecution() {
  {
    std::lock_guard lock(signal_->mu);
    signal_->stop = true;
  }
  signal_->cv.notify_all();
  if (drain_.joinable()) drain_.join();
  plans_.clear();
  bloom_senders_.clear();
  channels_.clear();
  inbound_.clear();
  ctx_.exchanges->ForgetQuery(query_);
}

Status QueryExecution::Open() {
  for (int f : layout_.ReceivedBy(rank_)) {
    Inbound in;
    in.fragment = f;
    const auto& senders = layout_.fragments[static_cast<size_t>(f)].ranks;
    in.inbox = std::make_unique<exec::ExchangeInbox>(
        TypesOf(plan_.fragments[static_cast<size_t>(f)].root.schema),
        static_cast<int>(senders.size()));
    IBEX_ASSIGN_OR_RETURN(in.receiver,
                          ctx_.exchanges->OpenReceiver(net::ExchangeKey{query_, static_cast<uint32_t>(f)},
                                                       senders));
    inbound_.push_back(std::move(in));
  }
  // Bloom filters this rank's probe-side fragments wait for.
  for (const opt::Fragment& f : plan_.fragments) {
    const int build = f.output.bloom_from;
    if (build < 0 || !layout_.RunsOn(f.id, rank_)) continue;
    const auto& senders = layout_.fragments[static_cast<size_t>(build)].ranks;
    Inbound in;
    in.fragment = build;
    in.bloom = std::make_shared<exec::BloomInbox>(
        plan_.fragments[static_cast<size_t>(build)].output.bloom_bits, static_cast<int>(senders.size()));
    IBEX_ASSIGN_OR_RETURN(in.receiver, ctx_.exchanges->OpenReceiver(
                                           net::ExchangeKey{query_, kBloomExchangeBit | static_cast<uint32_t>(build)},
                                           senders));
    inbound_.push_back(std::move(in));
  }
  if (!inbound_.empty()) drain_ = std::thread([this] { DrainLoop(); });
  return Status::OK();
}

// Takes every buffer that has arrived, into its inbox; sleeps on the signal in between. A
// receiver's WhenReady is armed at most once at a time (the flag), so wake-ups don't pile up.
void QueryExecution::DrainLoop() {
  NameThisThread("ibex-drain");
  std::shared_ptr<Signal> signal = signal_;
  while (true) {
    uint64_t seen;
    {
      std::lock_guard lock(signal->mu);
      if (signal->stop) return;
      seen = signal->count;
    }
    bool all_ended = true;
    for (Inbound& in : inbound_) {
      while (!in.ended && !cancelled_.load()) {
        net::ReceivedBuffer buffer;
        Result<net::ReceiveState> state = in.receiver->TryReceive(&buffer);
        if (!state.ok()) {
          if (in.inbox) in.inbox->Fail(state.status());
          if (in.bloom) in.bloom->Fail(state.status());
          in.ended = true;
          Cancel(state.status());
          break;
        }
        if (*state == net::ReceiveState::kBuffer) {
          Status added = in.inbox ? in.inbox->AddBuffer(buffer.source(), buffer.data())
                                  : in.bloom->AddBuffer(buffer.source(), buffer.data());
          buffer.Release();
          if (!added.ok()) {
            Status why = added.Annotate("rank " + std::to_string(rank_) + ": exchange " +
                                        std::to_string(in.fragment) + " from rank " +
                                        std::to_string(buffer.source()));
            if (in.inbox) in.inbox->Fail(why);
            if (in.bloom) in.bloom->Fail(why);
            in.ended = true;
            Cancel(why);
          }
          continue;
        }
        if (*state == net::ReceiveState::kEnd) {
          if (in.inbox) in.inbox->MarkEnded();
          if (in.bloom) in.bloom->MarkEnded();
          in.ended = true;
          break;
        }
        // kBlocked: arm a wake-up unless one is pending.
        if (!in.armed->exchange(true)) {
          std::shared_ptr<std::atomic<bool>> armed = in.armed;
          in.receiver->WhenReady([signal, armed] {
            armed->store(false);
            {
              std::lock_guard lock(signal->mu);
              ++signal->count;
            }
            signal->cv.notify_all();
          });
        }
        break;
      }
      all_ended = all_ended && in.ended;
    }
    if (all_ended || cancelled_.load()) return;
    std::unique_lock lock(signal->mu);
    signal->cv.wait(lock, [&] { return signal->stop || signal->count != seen; });
  }
}

void QueryExecution::Cancel(const Status& why) {
  std::vector<exec::ExchangeSendSink*> senders;
  std::vector<std::shared_ptr<exec::WorkFeed>> feeds;
  {
    std::lock_guard lock(mu_);
    if (cancelled_.exchange(true)) return;
    cancel_reason_ = why.ok() ? Status::Cancelled("query cancelled") : why;
    senders = senders_;
    for (const auto& [key, feed] : feeds_) feeds.push_back(feed);
  }
  for (const auto& feed : feeds) feed->Fail(cancel_reason_);
  bloom_signal_->Abort(cancel_reason_);
  for (Inbound& in : inbound_) {
    if (in.inbox) in.inbox->Fail(cancel_reason_);
    if (in.bloom) in.bloom->Fail(cancel_reason_);
  }
  for (exec::ExchangeSendSink* s : senders) s->Wake();
  {
    std::lock_guard lock(signal_->mu);
    ++signal_->count;
  }
  signal_->cv.notify_all();
}

void QueryExecution::Grant(const WorkGrant& grant) {
  std::shared_ptr<exec::WorkFeed> feed;
  {
    std::lock_guard lock(mu_);
    auto it = feeds_.find({grant.fragment, grant.node});
    if (it != feeds_.end()) feed = it->second;
  }
  if (feed) feed->Grant(grant.orders, grant.last);
}

exec::ExchangeInbox* QueryExecution::InboxOf(int fragment) {
  for (Inbound& in : inbound_) {
    if (in.fragment == fragment && in.inbox) return in.inbox.get();
  }
  return nullptr;
}

std::shared_ptr<exec::BloomInbox> QueryExecution::BloomOf(int build_fragment) {
  for (Inbound& in : inbound_) {
    if (in.fragment == build_fragment && in.bloom) return in.bloom;
  }
  return nullptr;
}

Status QueryExecution::SendBloom(int build_fragment, const exec::BloomFilter& filter) {
  const opt::Fragment& f = plan_.fragments[static_cast<size_t>(build_fragment)];
  const std::vector<int>& dests = layout_.fragments[static_cast<size_t>(f.output.bloom_to)].ranks;
  IBEX_ASSIGN_OR_RETURN(std::unique_ptr<net::ExchangeSender> sender,
                        ctx_.exchanges->OpenSender(
                            net::ExchangeKey{query_, kBloomExchangeBit | static_cast<uint32_t>(build_fragment)},
                            dests));
  // Small and sent once, so the blocking sender of the distributed COPY serves: it waits for
  // credits on `bloom_signal_`, which Cancel aborts.
  auto blocking = std::make_unique<LoadSender>(std::move(sender), bloom_signal_);
  for (const std::string& piece : filter.Pieces(ctx_.exchanges->options().slot_bytes)) {
    const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(piece.data()),
                                           piece.size());
    for (int dest : dests) IBEX_RETURN_IF_ERROR(blocking->Send(dest, bytes));
  }
  Status finished = blocking->Finish();
  bloom_senders_.push_back(std::move(blocking));  // closed with the other channels
  return finished;
}

Status QueryExecution::Run() {
  for (int f : plan_.BottomUpOrder()) {
    if (!layout_.RunsOn(f, rank_)) continue;
    if (cancelled_.load()) break;
    Status st = RunFragment(f);
    if (!st.ok()) {
      // Our own failure ends the query everywhere (the caller tells the others); what we
      // report is the first reason.
      Cancel(st);
      break;
    }
  }
  std::lock_guard lock(mu_);
  return cancelled_.load() ? cancel_reason_ : Status::OK();
}

Status QueryExecution::RunFragment(int fragment) {
  const opt::Fragment& f = plan_.fragments[static_cast<size_t>(fragment)];
  const auto t0 = std::chrono::steady_clock::now();
  exec::FragmentBuild build;
  if (rank_ > 0) build.partition = rank_ - 1;
  build.exchange_source = [this](const opt::PlanNode& leaf) -> Result<std::unique_ptr<exec::Source>> {
    const auto& spec = leaf.As<opt::ExchangeSpec>();
    exec::ExchangeInbox* inbox = InboxOf(spec.fragment);
    if (inbox == nullptr) {
      return Status::Internal("rank " + std::to_string(rank_) + " has no receiver for exchange " +
                              std::to_string(spec.fragment));
    }
    return std::unique_ptr<exec::Source>(
        std::make_unique<exec::ExchangeSource>(inbox, spec.merge_keys, TypesOf(leaf.schema)));
  };
  if (ctx_.request_work) {
    build.scan_feed = [this, fragment](const opt::PlanNode& scan) {
      const WorkRequest request{query_, fragment, scan.id, ctx_.work_batch};
      auto feed = std::make_shared<exec::WorkFeed>(ctx_.work_batch,
                                                   [this, request] { ctx_.request_work(request); });
      {
        std::lock_guard lock(mu_);
        if (cancelled_.load()) feed->Fail(cancel_reason_);
        feeds_[{fragment, scan.id}] = feed;
      }
      feed->Prime();  // registered first: the grant finds it
      return feed;
    };
  }
  exec::ExchangeSendSink* sink = nullptr;
  std::shared_ptr<exec::BloomFilter> bloom_build;
  if (fragment != 0) {
    const FragmentLayout& where = layout_.fragments[static_cast<size_t>(fragment)];
    IBEX_ASSIGN_OR_RETURN(std::unique_ptr<net::ExchangeSender> sender,
                          ctx_.exchanges->OpenSender(
                              net::ExchangeKey{query_, static_cast<uint32_t>(fragment)},
                              where.destinations));
    exec::ExchangeSendSpec spec;
    spec.kind = f.output.kind;
    for (const opt::PlanExpr& k : f.output.keys) {
      if (k.kind != opt::ExprKind::kColumn) {
        return Status::NotSupported("exchange " + std::to_string(fragment) +
                                    ": shuffle keys must be columns");
      }
      spec.key_columns.push_back(k.column);
    }
    spec.destinations = where.destinations;
    spec.ordered = !f.output.merge_keys.empty();
    spec.slot_bytes = ctx_.exchanges->options().slot_bytes;
    if (f.output.bloom_to >= 0) spec.bloom_build = std::make_shared<exec::BloomFilter>(f.output.bloom_bits);
    if (f.output.bloom_from >= 0) {
      spec.bloom_probe = BloomOf(f.output.bloom_from);
      if (!spec.bloom_probe) {
        return Status::Internal("rank " + std::to_string(rank_) + " has no bloom filter receiver for fragment " +
                                std::to_string(f.output.bloom_from));
      }
    }
    bloom_build = spec.bloom_build;
    auto send = std::make_unique<exec::ExchangeSendSink>(sender.get(), std::move(spec),
                                                         TypesOf(f.root.schema));
    sink = send.get();
    build.root_sink = std::move(send);
    channels_.push_back(std::move(sender));
  }
  const opt::PhysicalPlan fragment_plan = opt::FragmentPlan(plan_, fragment);
  IBEX_ASSIGN_OR_RETURN(std::unique_ptr<exec::ExecPlan> exec,
                        exec::BuildExecPlan(fragment_plan, params_, std::move(build)));
  if (sink != nullptr) {
    std::lock_guard lock(mu_);
    senders_.push_back(sink);
    if (cancelled_.load()) sink->Wake();
  }
  exec::ExecContext ctx;
  ctx.memory = &memory_;
  ctx.store = ctx_.store;
  ctx.cache = ctx_.cache;
  ctx.cancelled_fn = [this] {
    return cancelled_.load(std::memory_order_relaxed) || (ctx_.user_cancelled && ctx_.user_cancelled());
  };
  Status st = ctx_.executor->Run(ctx, exec->pipelines);
  if (st.ok() && bloom_build) st = SendBloom(fragment, *bloom_build);

  FragmentReport report;
  report.fragment = fragment;
  report.time_ns = NanosSince(t0);
  if (sink != nullptr) {
    report.bytes_sent = sink->bytes_sent();
    report.network_wait_ns += sink->wait_ns();
  }
  for (const int input : f.inputs) {
    if (exec::ExchangeInbox* inbox = InboxOf(input)) {
      report.bytes_received += inbox->bytes_received();
      report.network_wait_ns += inbox->wait_ns();
    }
  }
  if (analyze_) {
    report.operators = exec::ExplainAnalyzeText(fragment_plan, *exec);
    exec::WorkFeed::Counters sum;
    {
      std::lock_guard lock(mu_);
      for (const auto& [key, feed] : feeds_) {
        if (key.first != fragment) continue;
        const exec::WorkFeed::Counters c = feed->counters();
        sum.orders += c.orders;
        sum.grants += c.grants;
        sum.wait_ns += c.wait_ns;
      }
    }
    if (ctx_.request_work) {
      char buf[160];
      std::snprintf(buf, sizeof(buf),
                    "work orders from the foreman: %lld blocks in %lld grants, workers waited %.2fms\n",
                    static_cast<long long>(sum.orders), static_cast<long long>(sum.grants),
                    sum.wait_ns / 1e6);
      report.operators += buf;
    }
    if (bloom_build) {
      char buf[128];
      std::snprintf(buf, sizeof(buf), "bloom filter built: %lld bits, %.1f%% set\n",
                    static_cast<long long>(bloom_build->bits()), 100.0 * bloom_build->FillRatio());
      report.operators += buf;
    }
    if (sink != nullptr && f.output.bloom_from >= 0) {
      report.operators += "bloom filter dropped " + std::to_string(sink->bloom_dropped()) + " rows\n";
    }
  }
  reports_.push_back(std::move(report));
  if (fragment == 0) result_ = exec->result;
  plans_.push_back(std::move(exec));
  return st;
}

}  // namespace ibex::scheduler
