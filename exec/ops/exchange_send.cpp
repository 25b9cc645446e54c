#include "exec/ops/exchange_send.h"

#include <algorithm>
#include <chrono>
#include <string>

#include "common/check.h"
#include "exec/chunk_serde.h"
#include "exec/partition_hash.h"
#include "storage/blocks/partitioning.h"

namespace ibex::exec {

namespace {

// A destination flushes early once it holds this many input chunks, which bounds the memory
// a rarely chosen destination keeps alive by selection (at most this many chunks per thread).
constexpr size_t kMaxHeldChunks = 64;

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

const char* KindName(optimizer::ExchangeKind kind) {
  switch (kind) {
    case optimizer::ExchangeKind::kShuffle:
      return "shuffle";
    case optimizer::ExchangeKind::kBroadcast:
      return "broadcast";
    case optimizer::ExchangeKind::kGather:
      return "gather";
  }
  return "?";
}

// Rows waiting for one destination: wire chunks (groups of slices, each at most kChunkRows
// rows), the input chunks and selections they point into, and their size bound.
struct Pending {
  std::vector<std::shared_ptr<const Chunk>> chunks;
  std::vector<std::shared_ptr<const std::vector<uint32_t>>> sels;
  std::vector<std::vector<ChunkSlice>> groups;
  size_t last_rows = 0;       // rows of groups.back()
  size_t overhead_bytes = 0;  // WireChunkOverheadBytes per group
  uint64_t row_bits = 0;      // SliceBoundBits of every slice

  bool empty() const { return groups.empty(); }
  size_t bound_bytes() const { return overhead_bytes + static_cast<size_t>((row_bits + 7) / 8); }
  void Clear() { *this = Pending(); }
};

}  // namespace

struct ExchangeSendSink::Local : LocalState {
  std::vector<Pending> dests;
  std::vector<uint64_t> hashes;
  // Ordered mode: (work order, chunk) kept until Finalize.
  std::vector<std::pair<size_t, Chunk>> kept;
  int64_t kept_bytes = 0;
};

void ExchangeSendSink::Waker::Signal() {
  {
    std::lock_guard<std::mutex> lock(mu);
    ++generation;
  }
  cv.notify_all();
}

ExchangeSendSink::ExchangeSendSink(net::ExchangeSender* sender, ExchangeSendSpec spec,
                                   std::vector<storage::DataType> types)
    : sender_(sender),
      spec_(std::move(spec)),
      types_(std::move(types)),
      slot_bytes_(spec_.slot_bytes > 0 ? spec_.slot_bytes : net::ExchangeOptions{}.slot_bytes) {
  IBEX_CHECK(!spec_.destinations.empty());
  if (spec_.kind == optimizer::ExchangeKind::kGather) IBEX_CHECK_EQ(spec_.destinations.size(), 1u);
  if (spec_.kind == optimizer::ExchangeKind::kShuffle) IBEX_CHECK(!spec_.key_columns.empty());
}

ExchangeSendSink::~ExchangeSendSink() = default;

std::string ExchangeSendSink::Name() const {
  return std::string("ExchangeSend(") + KindName(spec_.kind) + (spec_.ordered ? ", ordered)" : ")");
}

std::unique_ptr<LocalState> ExchangeSendSink::MakeLocal(ExecContext& ctx) {
  if (memory_ == nullptr) memory_ = std::make_unique<MemoryReservation>(ctx.memory, Name());
  auto local = std::make_unique<Local>();
  local->dests.resize(spec_.destinations.size());
  return local;
}

void ExchangeSendSink::Wake() { waker_->Signal(); }

Status ExchangeSendSink::Consume(ExecContext& ctx, LocalState& local_state, Chunk& chunk) {
  auto& local = static_cast<Local&>(local_state);
  stats.rows_out.fetch_add(static_cast<int64_t>(chunk.size), std::memory_order_relaxed);
  if (spec_.ordered) {
    local.kept_bytes += ChunkBytes(chunk);
    local.kept.emplace_back(local.work_order, std::move(chunk));
    return Status::OK();
  }
  return Route(ctx, local, std::move(chunk));
}

Status ExchangeSendSink::Route(ExecContext& ctx, Local& local, Chunk&& chunk) {
  if (chunk.size == 0) return Status::OK();
  const size_t rows = chunk.size;
  auto shared = std::make_shared<const Chunk>(std::move(chunk));
  switch (spec_.kind) {
    case optimizer::ExchangeKind::kGather:
      return AddRows(ctx, local, 0, shared, {}, rows);
    case optimizer::ExchangeKind::kBroadcast:
      for (size_t d = 0; d < spec_.destinations.size(); ++d) {
        IBEX_RETURN_IF_ERROR(AddRows(ctx, local, d, shared, {}, rows));
      }
      return Status::OK();
    case optimizer::ExchangeKind::kShuffle: {
      HashPartitionKeys(*shared, spec_.key_columns, &local.hashes);
      if (spec_.bloom_build) {
        for (size_t i = 0; i < rows; ++i) spec_.bloom_build->Add(local.hashes[i]);
      }
      const BloomFilter* bloom = nullptr;
      if (spec_.bloom_probe) {
        IBEX_RETURN_IF_ERROR(spec_.bloom_probe->Wait());
        bloom = &spec_.bloom_probe->filter();
      }
      const size_t parts = spec_.destinations.size();
      std::vector<std::vector<uint32_t>> sels(parts);
      for (auto& s : sels) s.reserve(rows / parts + 16);
      size_t kept = 0;
      for (size_t i = 0; i < rows; ++i) {
        if (bloom != nullptr && !bloom->MayContain(local.hashes[i])) continue;
        sels[storage::PartitionOfHash(local.hashes[i], parts)].push_back(static_cast<uint32_t>(i));
        ++kept;
      }
      if (kept < rows) bloom_dropped_.fetch_add(static_cast<int64_t>(rows - kept), std::memory_order_relaxed);
      for (size_t d = 0; d < parts; ++d) {
        const size_t n = sels[d].size();
        if (n == 0) continue;
        if (n == rows) sels[d].clear();  // every row: a plain range
        IBEX_RETURN_IF_ERROR(AddRows(ctx, local, d, shared, std::move(sels[d]), n));
      }
      return Status::OK();
    }
  }
  return Status::OK();
}

Status ExchangeSendSink::AddRows(ExecContext& ctx, Local& local, size_t dest,
                                 const std::shared_ptr<const Chunk>& chunk,
                                 std::vector<uint32_t> sel, size_t rows) {
  const size_t overhead = WireChunkOverheadBytes(types_.size());
  // Shared: the selection outlives a flush in the middle of these rows.
  std::shared_ptr<const std::vector<uint32_t>> shared_sel;
  if (!sel.empty()) shared_sel = std::make_shared<const std::vector<uint32_t>>(std::move(sel));
  const uint32_t* sel_data = shared_sel ? shared_sel->data() : nullptr;
  bool held = false;
  size_t begin = 0;
  while (begin < rows) {
    Pending& p = local.dests[dest];
    const bool new_group = p.groups.empty() || p.last_rows == kChunkRows;
    const size_t fixed = p.overhead_bytes + (new_group ? overhead : 0);
    const uint64_t room_bits = fixed >= slot_bytes_ ? 0 : 8 * static_cast<uint64_t>(slot_bytes_ - fixed);
    const uint64_t budget = room_bits > p.row_bits ? room_bits - p.row_bits : 0;
    const size_t room = new_group ? kChunkRows : kChunkRows - p.last_rows;
    const ChunkSlice candidate{chunk.get(), sel_data, begin, std::min(rows - begin, room)};
    uint64_t bits = 0;
    const size_t n = budget == 0 ? 0 : RowsWithinBound(candidate, budget, &bits);
    if (n == 0) {
      if (p.empty()) {
        return Status::InvalidArgument("a row does not fit an exchange buffer of " +
                                       std::to_string(slot_bytes_) + " bytes (" +
                                       sender_->key().ToString() + ")");
      }
      IBEX_RETURN_IF_ERROR(Flush(ctx, local, dest));
      held = false;
      continue;
    }
    if (!held) {
      p.chunks.push_back(chunk);
      if (shared_sel) p.sels.push_back(shared_sel);
      held = true;
    }
    if (new_group) {
      p.groups.emplace_back();
      p.overhead_bytes += overhead;
      p.last_rows = 0;
    }
    p.groups.back().push_back(ChunkSlice{chunk.get(), sel_data, begin, n});
    p.last_rows += n;
    p.row_bits += bits;
    begin += n;
  }
  if (local.dests[dest].chunks.size() >= kMaxHeldChunks) return Flush(ctx, local, dest);
  return Status::OK();
}

Status ExchangeSendSink::Flush(ExecContext& ctx, Local& local, size_t dest) {
  Pending& p = local.dests[dest];
  if (p.empty()) return Status::OK();
  std::vector<size_t> sizes;
  size_t total = 0;
  for (const auto& group : p.groups) {
    sizes.push_back(SerializedSlicesBytes(group));
    total += sizes.back();
  }
  IBEX_CHECK_LE(total, p.bound_bytes());
  const int rank = spec_.destinations[dest];
  net::StagingBuffer buffer;
  IBEX_RETURN_IF_ERROR(AcquireBuffer(ctx, rank, &buffer));
  if (buffer.data.size() < total) {
    return Status::Internal("exchange buffer of " + std::to_string(buffer.data.size()) +
                            " bytes toward rank " + std::to_string(rank) + ", " +
                            std::to_string(total) + " needed: ExchangeSendSpec::slot_bytes (" +
                            std::to_string(slot_bytes_) + ") must be the service's slot size");
  }
  const uint32_t sequence = next_sequence_.fetch_add(1, std::memory_order_relaxed);
  size_t at = 0;
  for (size_t g = 0; g < p.groups.size(); ++g) {
    at += SerializeSlices(p.groups[g], sequence, buffer.data.subspan(at, sizes[g]));
  }
  {
    std::lock_guard<std::mutex> lock(sender_mu_);
    IBEX_RETURN_IF_ERROR(sender_->Commit(buffer, total));
  }
  bytes_sent_.fetch_add(static_cast<int64_t>(total), std::memory_order_relaxed);
  buffers_sent_.fetch_add(1, std::memory_order_relaxed);
  p.Clear();
  return Status::OK();
}

Status ExchangeSendSink::FlushAll(ExecContext& ctx, Local& local) {
  for (size_t d = 0; d < local.dests.size(); ++d) IBEX_RETURN_IF_ERROR(Flush(ctx, local, d));
  return Status::OK();
}

Status ExchangeSendSink::AcquireBuffer(ExecContext& ctx, int rank, net::StagingBuffer* buffer) {
  int64_t wait_start = -1;
  Status result;
  for (;;) {
    // Read the generation before testing for cancellation and credits: a Wake or an unblock
    // that comes after this point ends the wait below.
    uint64_t seen;
    {
      std::lock_guard<std::mutex> lock(waker_->mu);
      seen = waker_->generation;
    }
    if (ctx.cancelled()) {
      result = Status::Cancelled("query cancelled");
      break;
    }
    {
      std::lock_guard<std::mutex> lock(sender_mu_);
      Result<net::SendState> state = sender_->Acquire(rank, buffer);
      if (!state.ok()) {
        result = state.status();
        break;
      }
      if (*state == net::SendState::kOk) break;
      // May run inline (already unblocked): it only bumps the generation.
      sender_->WhenUnblocked(rank, [waker = waker_] { waker->Signal(); });
    }
    if (wait_start < 0) wait_start = NowNs();
    blocked_workers_.fetch_add(1, std::memory_order_relaxed);
    {
      std::unique_lock<std::mutex> lock(waker_->mu);
      waker_->cv.wait(lock, [&] { return waker_->generation != seen; });
    }
    blocked_workers_.fetch_sub(1, std::memory_order_relaxed);
  }
  if (wait_start >= 0) wait_ns_.fetch_add(NowNs() - wait_start, std::memory_order_relaxed);
  return result;
}

Status ExchangeSendSink::Combine(ExecContext& ctx, LocalState& local_state) {
  auto& local = static_cast<Local&>(local_state);
  if (!spec_.ordered) return FlushAll(ctx, local);
  if (local.kept.empty()) return Status::OK();
  IBEX_RETURN_IF_ERROR(memory_->ResizeTo(memory_->bytes() + local.kept_bytes));
  stats.AddMemory(memory_->bytes());
  for (auto& [order, chunk] : local.kept) held_.push_back(Held{order, held_.size(), std::move(chunk)});
  local.kept.clear();
  local.kept_bytes = 0;
  return Status::OK();
}

Status ExchangeSendSink::Finalize(ExecContext& ctx) {
  if (spec_.ordered) {
    std::sort(held_.begin(), held_.end(), [](const Held& a, const Held& b) {
      return a.order != b.order ? a.order < b.order : a.seq < b.seq;
    });
    Local local;
    local.dests.resize(spec_.destinations.size());
    for (Held& h : held_) IBEX_RETURN_IF_ERROR(Route(ctx, local, std::move(h.chunk)));
    held_.clear();
    IBEX_RETURN_IF_ERROR(FlushAll(ctx, local));
    memory_.reset();  // the kept input is gone
  }
  std::lock_guard<std::mutex> lock(sender_mu_);
  return sender_->Finish();
}

}  // namespace ibex::exec
