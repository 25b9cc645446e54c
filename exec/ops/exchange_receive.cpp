#include "exec/ops/exchange_receive.h"

#include <algorithm>
#include <chrono>
#include <queue>
#include <string>

#include "exec/chunk_serde.h"
#include "exec/expr_compiler.h"

namespace ibex::exec {

namespace {
int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

ExchangeInbox::ExchangeInbox(std::vector<storage::DataType> types, int senders)
    : types_(std::move(types)), senders_(senders) {}

Status ExchangeInbox::AddBuffer(int source, std::span<const std::byte> bytes) {
  std::vector<Chunk> chunks;
  std::vector<uint32_t> sequences;
  Status parsed = DeserializeChunks(bytes, types_, &chunks, &sequences);
  if (!parsed.ok()) {
    parsed = Status::Corruption("from rank " + std::to_string(source) + ": " + parsed.message());
    Fail(parsed);
    return parsed;
  }
  bytes_received_.fetch_add(static_cast<int64_t>(bytes.size()), std::memory_order_relaxed);
  buffers_received_.fetch_add(1, std::memory_order_relaxed);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = runs_.find(source);
  if (it == runs_.end()) {
    if (static_cast<int>(runs_.size()) >= senders_) {
      error_ = Status::Corruption("exchange data from rank " + std::to_string(source) +
                                  " beyond the " + std::to_string(senders_) + " senders expected");
      cv_.notify_all();
      return error_;
    }
    it = runs_.emplace(source, std::vector<Entry>()).first;
  }
  for (size_t i = 0; i < chunks.size(); ++i) {
    it->second.push_back(Entry{sequences[i], std::move(chunks[i])});
  }
  return Status::OK();
}

void ExchangeInbox::MarkEnded() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ended_ = true;
  }
  cv_.notify_all();
}

void ExchangeInbox::Fail(Status why) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (error_.ok()) error_ = std::move(why);
  }
  cv_.notify_all();
}

Status ExchangeInbox::WaitComplete(const std::function<bool()>& cancelled) {
  const int64_t start = NowNs();
  std::unique_lock<std::mutex> lock(mu_);
  while (!ended_ && error_.ok()) {
    if (cancelled && cancelled()) return Status::Cancelled("query cancelled");
    cv_.wait(lock);
  }
  wait_ns_.fetch_add(NowNs() - start, std::memory_order_relaxed);
  return error_;
}

std::vector<Chunk> ExchangeInbox::TakeAll() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Chunk> out;
  for (auto& [source, entries] : runs_) {
    for (Entry& e : entries) out.push_back(std::move(e.chunk));
  }
  runs_.clear();
  return out;
}

std::vector<std::vector<Chunk>> ExchangeInbox::TakeRuns() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::vector<Chunk>> out;
  for (auto& [source, entries] : runs_) {
    // Buffers may arrive out of send order; their sequence numbers give it back (chunks of
    // one buffer share a number and stay in buffer order).
    std::stable_sort(entries.begin(), entries.end(),
                     [](const Entry& a, const Entry& b) { return a.sequence < b.sequence; });
    std::vector<Chunk> run;
    for (Entry& e : entries) run.push_back(std::move(e.chunk));
    out.push_back(std::move(run));
  }
  runs_.clear();
  return out;
}

ExchangeSource::ExchangeSource(ExchangeInbox* inbox, std::vector<optimizer::SortKey> merge_keys,
                               std::vector<storage::DataType> types)
    : inbox_(inbox), merge_keys_(std::move(merge_keys)), types_(std::move(types)) {}

std::string ExchangeSource::Name() const {
  return merging() ? "ExchangeReceive(merge)" : "ExchangeReceive";
}

Status ExchangeSource::Prepare(ExecContext& ctx) {
  IBEX_RETURN_IF_ERROR(inbox_->WaitComplete([&ctx] { return ctx.cancelled(); }));
  memory_ = std::make_unique<MemoryReservation>(ctx.memory, Name());
  if (!merging()) {
    chunks_ = inbox_->TakeAll();
    int64_t bytes = 0;
    for (const Chunk& c : chunks_) bytes += ChunkBytes(c);
    IBEX_RETURN_IF_ERROR(memory_->ResizeTo(bytes));
    stats.AddMemory(bytes);
    return Status::OK();
  }
  return Merge(inbox_->TakeRuns());
}

Status ExchangeSource::Merge(std::vector<std::vector<Chunk>> runs) {
  std::vector<SortKeyDef> keys;
  for (const optimizer::SortKey& k : merge_keys_) {
    IBEX_ASSIGN_OR_RETURN(ExprPtr e, CompileExpr(k.expr, {}));
    keys.push_back(SortKeyDef{std::move(e), SortSpec{k.descending, k.nulls_first}});
  }
  // Runs one after another in one chunk; run r is rows [start[r], start[r + 1]).
  std::vector<size_t> start = {0};
  std::vector<Chunk> all;
  for (auto& run : runs) {
    size_t rows = 0;
    for (Chunk& c : run) {
      rows += c.size;
      all.push_back(std::move(c));
    }
    start.push_back(start.back() + rows);
  }
  runs.clear();
  int64_t bytes = 0;
  for (const Chunk& c : all) bytes += ChunkBytes(c);
  // The runs and their concatenation are both alive for a moment.
  IBEX_RETURN_IF_ERROR(memory_->ResizeTo(2 * bytes));
  stats.AddMemory(2 * bytes);
  merged_ = ConcatChunks(all, types_);
  all.clear();
  IBEX_ASSIGN_OR_RETURN(RowOrder order, RowOrder::Make(merged_, keys));
  // k-way merge: a heap of run cursors, smallest current row on top (ties: lower run first,
  // as RowOrder breaks ties by row index).
  std::vector<size_t> cursor(start.begin(), start.end() - 1);
  auto greater = [&](size_t a, size_t b) {
    return order.Less(static_cast<uint32_t>(cursor[b]), static_cast<uint32_t>(cursor[a]));
  };
  std::priority_queue<size_t, std::vector<size_t>, decltype(greater)> heap(greater);
  for (size_t r = 0; r + 1 < start.size(); ++r) {
    if (start[r] < start[r + 1]) heap.push(r);
  }
  perm_.clear();
  perm_.reserve(merged_.size);
  while (!heap.empty()) {
    const size_t r = heap.top();
    heap.pop();
    perm_.push_back(static_cast<uint32_t>(cursor[r]));
    if (++cursor[r] < start[r + 1]) heap.push(r);
  }
  return Status::OK();
}

Result<ProduceResult> ExchangeSource::Produce(ExecContext& ctx, size_t order,
                                              const ChunkConsumer& push) {
  if (!merging()) {
    IBEX_RETURN_IF_ERROR(push(chunks_[order]));
    chunks_[order] = Chunk();  // pushed once: free it
    return ProduceResult::kDone;
  }
  for (size_t at = 0; at < perm_.size(); at += kChunkRows) {
    if (ctx.cancelled()) return Status::Cancelled("query cancelled");
    const size_t n = std::min(kChunkRows, perm_.size() - at);
    Chunk out = merged_.Gather(perm_.data() + at, n);
    IBEX_RETURN_IF_ERROR(push(out));
  }
  merged_ = Chunk();
  perm_.clear();
  return ProduceResult::kDone;
}

}  // namespace ibex::exec
