#include "exec/executor.h"

#include <sched.h>

#include <atomic>
#include <chrono>

#include "common/thread_name.h"
#include "exec/work_feed.h"

namespace ibex::exec {

int AvailableCpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    const int n = CPU_COUNT(&set);
    if (n > 0) return n;
  }
  const unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(hw);
}

// Workers are throughput threads; the network thread, the executor's service thread and the
// coordinator are latency threads that run for microseconds at a time and share the CPUs with
// them (2x1 on two cores: every CPU runs a worker). Under SCHED_OTHER a worker woken by a work
// grant preempts whatever runs on its CPU; traced on 3 ranks, it preempted the coordinator's
// network thread between two grants, which then sat 4.7 ms behind the worker while both
// executors waited for work. SCHED_BATCH keeps the CPU share (same weight, same nice) and only
// gives up that wake-up preemption; any user may select it. If it is refused (an unusual
// seccomp policy), the worker simply runs as SCHED_OTHER.
void Executor::RunAsBatchThread() {
  sched_param param{};
  param.sched_priority = 0;
  (void)sched_setscheduler(0, SCHED_BATCH, &param);
}

Executor::Executor(int threads) {
  if (threads <= 0) threads = AvailableCpus();
  for (int i = 0; i < threads; ++i) {
    workers_.emplace_back([this, i] {
      NameThisThread("ibex-worker-" + std::to_string(i));
      RunAsBatchThread();
      WorkerLoop();
    });
  }
}

Executor::~Executor() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  work_cv_.notify_all();
  for (auto& t : workers_) t.join();
}

void Executor::WorkerLoop() {
  uint64_t seen = 0;
  for (;;) {
    const std::function<void()>* task = nullptr;
    {
      std::unique_lock<std::mutex> lock(mu_);
      work_cv_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
      task = task_;
    }
    (*task)();
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (--running_ == 0) done_cv_.notify_all();
    }
  }
}

void Executor::RunOnAll(const std::function<void()>& task) {
  std::unique_lock<std::mutex> lock(mu_);
  task_ = &task;
  running_ = static_cast<int>(workers_.size());
  ++generation_;
  work_cv_.notify_all();
  done_cv_.wait(lock, [&] { return running_ == 0; });
  task_ = nullptr;
}

namespace {

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// One worker's chain: operator i pushes into operator i+1, the last into the sink. Times are
// charged to each stage exclusive of what it pushes downstream.
struct Chain {
  ExecContext* ctx;
  const Pipeline* p;
  std::vector<std::unique_ptr<LocalState>> op_states;
  std::unique_ptr<LocalState> sink_state;
  std::vector<ChunkConsumer> consumers;  // consumers[i]: input of stage i (ops..., sink)
  // outputs[i]: what operator i pushes into; built once (a std::function made per chunk
  // allocated its captures on the heap: a malloc and free per chunk and operator). An operator
  // is never re-entered while it runs, so its downstream time is one slot per stage.
  std::vector<ChunkConsumer> outputs;
  std::vector<int64_t> downstream_ns;

  void Build() {
    const size_t n = p->operators.size();
    consumers.resize(n + 1);
    outputs.resize(n);
    downstream_ns.assign(n, 0);
    consumers[n] = [this](Chunk& c) -> Status {
      const int64_t t0 = NowNs();
      Status s = p->sink->Consume(*ctx, *sink_state, c);
      p->sink->stats.time_ns.fetch_add(NowNs() - t0, std::memory_order_relaxed);
      return s;
    };
    for (size_t i = n; i-- > 0;) {
      outputs[i] = [this, i](Chunk& out) -> Status {
        p->operators[i]->stats.rows_out.fetch_add(static_cast<int64_t>(out.size), std::memory_order_relaxed);
        if (out.size == 0) return Status::OK();
        const int64_t d0 = NowNs();
        Status s = consumers[i + 1](out);
        downstream_ns[i] += NowNs() - d0;
        return s;
      };
      consumers[i] = [this, i](Chunk& c) -> Status {
        if (ctx->cancelled()) return Status::Cancelled("query cancelled");
        Operator* op = p->operators[i];
        const int64_t t0 = NowNs();
        downstream_ns[i] = 0;
        Status s = op->Execute(*ctx, *op_states[i], c, outputs[i]);
        op->stats.time_ns.fetch_add(NowNs() - t0 - downstream_ns[i], std::memory_order_relaxed);
        return s;
      };
    }
  }
};

}  // namespace

Status Executor::RunPipeline(ExecContext& ctx, const Pipeline& p) {
  IBEX_RETURN_IF_ERROR(p.source->Prepare(ctx));
  const size_t orders = p.source->WorkOrders();
  std::atomic<size_t> cursor{0};
  std::mutex status_mu;
  Status first_error;
  std::atomic<bool> failed{false};
  std::deque<size_t> blocked;  // work orders to retry (guarded by status_mu)

  auto fail = [&](Status s) {
    std::lock_guard<std::mutex> lock(status_mu);
    if (first_error.ok()) first_error = std::move(s);
    failed.store(true);
  };

  std::function<void()> task = [&] {
    Chain chain{&ctx, &p, {}, nullptr, {}, {}, {}};
    {
      // Serialized: several operators and sinks set up their shared state (memory
      // reservations, the aggregate's global states) in the first MakeLocal. Concurrent first
      // calls corrupted HashAggregateSink::states_ (a crash in MergeTable, about 1 job in 200
      // under load, more often once grants arrived before the workers started).
      std::lock_guard<std::mutex> lock(status_mu);
      for (Operator* op : p.operators) chain.op_states.push_back(op->MakeLocal(ctx));
      chain.sink_state = p.sink->MakeLocal(ctx);
    }
    chain.Build();
    const ChunkConsumer& head = chain.consumers[0];
    int64_t downstream = 0;  // time spent above the source, not charged to it
    const ChunkConsumer source_push = [&](Chunk& c) -> Status {
      p.source->stats.rows_out.fetch_add(static_cast<int64_t>(c.size), std::memory_order_relaxed);
      if (c.size == 0) return Status::OK();
      const int64_t d0 = NowNs();
      Status s = head(c);
      downstream += NowNs() - d0;
      return s;
    };
    WorkFeed* feed = p.source->feed();
    for (;;) {
      if (failed.load(std::memory_order_relaxed)) return;
      size_t order = 0;
      bool have = false;
      {
        std::lock_guard<std::mutex> lock(status_mu);
        if (!blocked.empty()) {
          order = blocked.front();
          blocked.pop_front();
          have = true;
        }
      }
      if (!have && feed != nullptr) {
        // Orders granted by the coordinator's foreman (blocks until one comes or none will).
        Result<bool> next = feed->Next(&order);
        if (!next.ok()) {
          fail(next.status());
          return;
        }
        if (!*next) break;
      } else if (!have) {
        order = cursor.fetch_add(1);
        if (order >= orders) break;
      }
      chain.sink_state->work_order = p.order_base + order;
      for (auto& s : chain.op_states) s->work_order = p.order_base + order;
      const int64_t t0 = NowNs();
      downstream = 0;
      Result<ProduceResult> r = p.source->Produce(ctx, order, source_push);
      p.source->stats.time_ns.fetch_add(NowNs() - t0 - downstream, std::memory_order_relaxed);
      if (!r.ok()) {
        fail(r.status());
        return;
      }
      if (*r == ProduceResult::kBlocked) {
        std::lock_guard<std::mutex> lock(status_mu);
        blocked.push_back(order);
      }
    }
    std::lock_guard<std::mutex> lock(status_mu);
    if (failed.load()) return;
    // Combining is the sink's work too (EXPLAIN ANALYZE showed a hash aggregate at 89 ms of a
    // fragment's 225 when merging its table took another 100).
    const int64_t c0 = NowNs();
    Status s = p.sink->Combine(ctx, *chain.sink_state);
    p.sink->stats.time_ns.fetch_add(NowNs() - c0, std::memory_order_relaxed);
    if (!s.ok()) {
      if (first_error.ok()) first_error = std::move(s);
      failed.store(true);
    }
  };
  RunOnAll(task);
  IBEX_RETURN_IF_ERROR(first_error);
  // Operators with output after the last work order (outer joins): on this thread, feeding
  // the rest of the pipeline through a fresh chain.
  for (size_t i = 0; i < p.operators.size(); ++i) {
    Chain chain{&ctx, &p, {}, nullptr, {}, {}, {}};
    for (Operator* op : p.operators) chain.op_states.push_back(op->MakeLocal(ctx));
    chain.sink_state = p.sink->MakeLocal(ctx);
    chain.sink_state->work_order = p.order_base + orders;
    chain.Build();
    const ChunkConsumer& next = chain.consumers[i + 1];
    const ChunkConsumer counted = [&](Chunk& c) -> Status {
      p.operators[i]->stats.rows_out.fetch_add(static_cast<int64_t>(c.size));
      return c.size == 0 ? Status::OK() : next(c);
    };
    IBEX_RETURN_IF_ERROR(p.operators[i]->Finish(ctx, counted));
    IBEX_RETURN_IF_ERROR(p.sink->Combine(ctx, *chain.sink_state));
  }
  if (!p.finalize) return Status::OK();
  const int64_t t0 = NowNs();
  Status s = p.sink->Finalize(ctx);
  p.sink->stats.time_ns.fetch_add(NowNs() - t0, std::memory_order_relaxed);
  return s;
}

Status Executor::Run(ExecContext& ctx, const std::vector<Pipeline>& pipelines) {
  for (const Pipeline& p : pipelines) {
    if (ctx.cancelled()) return Status::Cancelled("query cancelled");
    IBEX_RETURN_IF_ERROR(RunPipeline(ctx, p));
  }
  return Status::OK();
}

}  // namespace ibex::exec
