#include "exec/ops/hash_join.h"

#include <algorithm>

#include "common/prefetch.h"
#include "exec/cast.h"
#include "exec/eval.h"
#include "exec/ops/collect.h"

namespace ibex::exec {

namespace {

constexpr uint32_t kNull = UINT32_MAX;

// Rows `rows` of `v`; kNull entries become NULL.
Vector GatherOrNull(const Vector& v, const std::vector<uint32_t>& rows, bool any_null) {
  if (!any_null) return v.Gather(rows.data(), rows.size());
  std::vector<uint32_t> safe(rows);
  for (uint32_t& r : safe) {
    if (r == kNull) r = 0;
  }
  Vector out = v.size() == 0 && !v.is_constant() ? Vector(v.type(), rows.size())
                                                 : v.Gather(safe.data(), safe.size());
  if (out.is_constant()) out = out.Flatten(rows.size());
  uint8_t* nl = out.mutable_nulls();
  for (size_t i = 0; i < rows.size(); ++i) {
    if (rows[i] == kNull) nl[i] = 1;
  }
  return out;
}

// Two INTEGER/DATE keys fit one int64: the integer-key index serves them too.
bool PackableKeys(const std::vector<Vector>& keys) {
  return keys.size() == 2 && keys[0].physical() == PhysicalType::kInt32 &&
         keys[1].physical() == PhysicalType::kInt32;
}

Vector PackKeys(const std::vector<Vector>& keys, size_t n) {
  Vector out(DataType::Bigint(), n);
  int64_t* d = out.mutable_data<int64_t>();
  const int32_t* a = keys[0].data<int32_t>();
  const int32_t* b = keys[1].data<int32_t>();
  for (size_t i = 0; i < n; ++i) {
    d[i] = static_cast<int64_t>((static_cast<uint64_t>(static_cast<uint32_t>(a[i])) << 32) |
                                static_cast<uint32_t>(b[i]));
  }
  if (keys[0].nulls() != nullptr || keys[1].nulls() != nullptr) {
    for (size_t i = 0; i < n; ++i) {
      if (keys[0].IsNull(i) || keys[1].IsNull(i)) out.SetNull(i);
    }
  }
  return out;
}

}  // namespace

std::unique_ptr<LocalState> JoinBuildSink::MakeLocal(ExecContext& ctx) {
  if (memory_ == nullptr) memory_ = std::make_unique<MemoryReservation>(ctx.memory, Name());
  return std::make_unique<ChunkListLocal>();
}

Status JoinBuildSink::Consume(ExecContext& ctx, LocalState& local, Chunk& chunk) {
  (void)ctx;
  static_cast<ChunkListLocal&>(local).Add(chunk);
  return Status::OK();
}

Status JoinBuildSink::Combine(ExecContext& ctx, LocalState& local) {
  (void)ctx;
  return static_cast<ChunkListLocal&>(local).MoveTo(memory_.get(), &stats, &chunks_);
}

Status JoinBuildSink::Finalize(ExecContext& ctx) {
  (void)ctx;
  const std::vector<DataType>& types = def_->build_is_left ? def_->left_types : def_->right_types;
  rows_ = ConcatChunks(chunks_, types);
  chunks_.clear();
  const size_t n = rows_.size;
  if (n >= kNull) return Status::NotSupported("hash join build side above 4G rows");
  if (def_->at_most_one_match && def_->build_keys.empty() && n > 1) {
    return Status::InvalidArgument("more than one row returned by a subquery used as an expression");
  }
  next_.assign(n, kEnd);
  matched_.reset(new std::atomic<uint8_t>[std::max<size_t>(n, 1)]());
  if (!def_->build_keys.empty()) {
    std::vector<Vector> keys;
    for (const auto& k : def_->build_keys) {
      IBEX_ASSIGN_OR_RETURN(Vector v, Evaluate(*k, rows_));
      if (v.is_constant()) v = v.Flatten(n);
      keys.push_back(std::move(v));
    }
    int_key_ = (keys.size() == 1 && IntKey(keys[0].type())) || PackableKeys(keys);
    if (int_key_) {
      Vector packed;
      if (keys.size() == 2) packed = PackKeys(keys, n);
      const Vector& k = keys.size() == 2 ? packed : keys[0];
      const bool wide = k.physical() == PhysicalType::kInt64;
      auto key_at = [&](size_t i) -> int64_t { return wide ? k.data<int64_t>()[i] : k.data<int32_t>()[i]; };
      int64_t lo = INT64_MAX;
      int64_t hi = INT64_MIN;
      for (size_t i = 0; i < n; ++i) {
        if (k.IsNull(i)) continue;
        lo = std::min(lo, key_at(i));
        hi = std::max(hi, key_at(i));
      }
      // Direct addressing when the key range is at most 8 slots per row (or 1M slots).
      // (Measured and not taken: 32 slots per row made TPC-H Q5 and Q9 faster on one executor,
      // 0.85x and 0.68x, where lineitem probes orders in key order, and Q18 and Q21 2x slower.)
      const bool direct = lo <= hi && static_cast<uint64_t>(hi - lo) < std::max<uint64_t>(8 * n, 1u << 20);
      index_.direct = direct;
      index_.min = lo;
      index_.max = hi;
      if (direct) {
        index_.heads.assign(static_cast<size_t>(hi - lo) + 1, kEnd);
      } else {
        size_t cap = 16;
        int bits = 4;
        while (cap < 2 * n) {
          cap *= 2;
          ++bits;
        }
        index_.keys.assign(cap, 0);
        index_.heads.assign(cap, kEnd);
        index_.mask = cap - 1;
        index_.shift = 64 - bits;
      }
      for (size_t i = n; i-- > 0;) {
        if (k.IsNull(i)) {
          has_null_key_ = true;
          continue;
        }
        const int64_t key = key_at(i);
        size_t s;
        if (direct) {
          s = static_cast<size_t>(key - lo);
        } else {
          s = index_.Slot(key);
          while (index_.heads[s] != kEnd && index_.keys[s] != key) s = (s + 1) & index_.mask;
          if (index_.heads[s] == kEnd) index_.keys[s] = key;
        }
        next_[i] = index_.heads[s];
        index_.heads[s] = static_cast<uint32_t>(i);
      }
    }
    std::vector<const Vector*> cols;
    for (const Vector& v : keys) cols.push_back(&v);
    KeyBuffer kb;
    if (!int_key_) kb.Encode(cols, nullptr, n);
    bool inserted;
    // Insert from the last row so each chain lists rows in input order.
    for (size_t i = int_key_ ? 0 : n; i-- > 0;) {
      if (kb.HasNull(i)) {
        has_null_key_ = true;
        continue;
      }
      const uint32_t id = map_.FindOrInsert(kb.Key(i), kb.Hash(i), &inserted);
      if (inserted) first_.push_back(kEnd);
      next_[i] = first_[id];
      first_[id] = static_cast<uint32_t>(i);
    }
  }
  const int64_t bytes = ChunkBytes(rows_) + map_.MemoryBytes() + static_cast<int64_t>(n) * 9 +
                        static_cast<int64_t>(index_.keys.size() * 8 + index_.heads.size() * 4);
  IBEX_RETURN_IF_ERROR(memory_->ResizeTo(bytes));
  stats.AddMemory(bytes);
  stats.rows_out.store(static_cast<int64_t>(n));
  return Status::OK();
}

std::string JoinProbeOp::Name() const {
  static const char* kNames[] = {"inner", "left", "right", "full", "semi", "anti", "mark"};
  return std::string("HashJoin[") + kNames[static_cast<int>(def_->kind)] + "]";
}

JoinProbeOp::JoinProbeOp(std::shared_ptr<const HashJoinDef> def, JoinBuildSink* build,
                         std::vector<bool> used_outputs)
    : def_(std::move(def)), build_(build), used_outputs_(std::move(used_outputs)) {
  if (used_outputs_.empty()) return;
  std::vector<DataType> types = def_->left_types;  // output: left side, then right side
  types.insert(types.end(), def_->right_types.begin(), def_->right_types.end());
  unused_.resize(types.size());
  for (size_t c = 0; c < types.size() && c < used_outputs_.size(); ++c) {
    if (!used_outputs_[c]) unused_[c] = Vector::Constant(Value::Null(types[c]));
  }
}

Chunk JoinProbeOp::Assemble(const Chunk& probe, const std::vector<uint32_t>& probe_rows,
                            const std::vector<uint32_t>& build_rows, bool all_columns) const {
  const bool probe_null = std::find(probe_rows.begin(), probe_rows.end(), kNull) != probe_rows.end();
  const bool build_null = std::find(build_rows.begin(), build_rows.end(), kNull) != build_rows.end();
  Chunk out;
  out.size = probe_rows.size();
  // Output column `c` (0-based, left side first) is gathered unless nothing above reads it.
  auto add = [&](const Vector& v, const std::vector<uint32_t>& rows, bool nulls) {
    const size_t c = out.columns.size();
    if (!all_columns && c < used_outputs_.size() && !used_outputs_[c]) {
      out.columns.push_back(unused_[c].Ref());
    } else {
      out.columns.push_back(GatherOrNull(v, rows, nulls));
    }
  };
  auto add_probe = [&] {
    for (const Vector& v : probe.columns) add(v, probe_rows, probe_null);
  };
  auto add_build = [&] {
    for (const Vector& v : build_->rows_.columns) add(v, build_rows, build_null);
  };
  if (def_->build_is_left) {
    add_build();
    add_probe();
  } else {
    add_probe();
    add_build();
  }
  return out;
}

// The probe's per-chunk bookkeeping, kept by each worker from one chunk to the next instead of
// four vectors allocated and freed per chunk (malloc and free were ~10 % of SSB's probe time).
struct JoinProbeOp::Scratch : LocalState {
  std::vector<uint32_t> probe_rows;
  std::vector<uint32_t> build_rows;
  std::vector<uint8_t> probe_null_key;
  std::vector<uint8_t> hit;
  std::vector<uint32_t> slots;  // hashed index: each probe row's first slot
};

std::unique_ptr<LocalState> JoinProbeOp::MakeLocal(ExecContext&) { return std::make_unique<Scratch>(); }

// The pairs (probe row, build row) of one input chunk are handled in batches of at most
// kChunkRows: a probe row may match many build rows, and a many-to-many join would otherwise
// build one chunk of (input rows x matches) rows — gigabytes — and could not be cancelled
// until the operators after it had consumed all of it (cancellation is checked per chunk).
Status JoinProbeOp::Execute(ExecContext& ctx, LocalState& local, Chunk& in,
                            const ChunkConsumer& push) {
  Scratch& scratch = static_cast<Scratch&>(local);
  const HashJoinDef& d = *def_;
  const JoinBuildSink& b = *build_;
  const size_t n = in.size;
  const bool preserve_probe = d.kind == JoinKind::kFull ||
                              (d.kind == JoinKind::kLeft && !d.build_is_left) ||
                              (d.kind == JoinKind::kRight && d.build_is_left);
  const bool preserve_build = d.kind == JoinKind::kFull ||
                              (d.kind == JoinKind::kLeft && d.build_is_left) ||
                              (d.kind == JoinKind::kRight && !d.build_is_left);
  const bool emits_pairs = d.kind == JoinKind::kInner || d.kind == JoinKind::kLeft ||
                           d.kind == JoinKind::kRight || d.kind == JoinKind::kFull;
  std::vector<uint32_t>& probe_rows = scratch.probe_rows;
  std::vector<uint32_t>& build_rows = scratch.build_rows;
  std::vector<uint8_t>& probe_null_key = scratch.probe_null_key;
  std::vector<uint8_t>& hit = scratch.hit;  // probe rows with a match that passed the residual
  probe_rows.clear();
  build_rows.clear();
  probe_null_key.assign(n, 0);
  hit.assign(n, 0);
  int64_t last_matched = -1;       // the last such probe row of the batches before
  Status batch_status;
  // Filters the batch, records its matches and emits its rows; false once it failed.
  auto flush = [&]() -> bool {
    if (probe_rows.empty() || !batch_status.ok()) return batch_status.ok();
    if (ctx.cancelled()) {
      batch_status = Status::Cancelled("query cancelled");
      return false;
    }
    if (d.residual != nullptr) {
      Chunk pairs = Assemble(in, probe_rows, build_rows, /*all_columns=*/true);
      std::vector<uint32_t> sel;
      Result<size_t> m = EvaluateFilter(*d.residual, pairs, &sel);
      if (!m.ok()) {
        batch_status = m.status();
        return false;
      }
      for (size_t k = 0; k < *m; ++k) {
        probe_rows[k] = probe_rows[sel[k]];
        build_rows[k] = build_rows[sel[k]];
      }
      probe_rows.resize(*m);
      build_rows.resize(*m);
    }
    if (d.at_most_one_match) {
      for (size_t k = 0; k < probe_rows.size(); ++k) {
        const int64_t before = k == 0 ? last_matched : static_cast<int64_t>(probe_rows[k - 1]);
        if (static_cast<int64_t>(probe_rows[k]) == before) {
          batch_status = Status::InvalidArgument(
              "more than one row returned by a subquery used as an expression");
          return false;
        }
      }
    }
    for (uint32_t p : probe_rows) hit[p] = 1;
    if (!probe_rows.empty()) last_matched = probe_rows.back();
    if (emits_pairs && !probe_rows.empty()) {
      if (preserve_build) {
        for (uint32_t r : build_rows) b.matched_[r].store(1, std::memory_order_relaxed);
      }
      Chunk out = Assemble(in, probe_rows, build_rows);
      batch_status = push(out);
    }
    probe_rows.clear();
    build_rows.clear();
    return batch_status.ok();
  };
  // Adds a pair; false when the batch it completed failed.
  auto add = [&](size_t i, uint32_t r) -> bool {
    probe_rows.push_back(static_cast<uint32_t>(i));
    build_rows.push_back(r);
    return probe_rows.size() < kChunkRows || flush();
  };
  if (!d.probe_keys.empty()) {
    std::vector<Vector> keys;
    for (size_t k = 0; k < d.probe_keys.size(); ++k) {
      IBEX_ASSIGN_OR_RETURN(Vector v, Evaluate(*d.probe_keys[k], in));
      const DataType& bt = d.build_keys[k]->type;
      if (v.type().physical() != bt.physical() || ScaleOf(v.type()) != ScaleOf(bt)) {
        IBEX_ASSIGN_OR_RETURN(v, CastVector(v, bt, n));
      }
      if (v.is_constant()) v = v.Flatten(n);
      keys.push_back(std::move(v));
    }
    probe_rows.reserve(std::min(n, kChunkRows));
    build_rows.reserve(std::min(n, kChunkRows));
    if (b.int_key_) {
      Vector packed;
      if (keys.size() == 2) packed = PackKeys(keys, n);
      const Vector& k = keys.size() == 2 ? packed : keys[0];
      const uint8_t* nl = k.nulls();
      const JoinBuildSink::IntIndex& index = b.index_;
      const uint32_t* heads = index.heads.data();
      const int64_t* slot_keys = index.keys.data();
      const uint32_t* next = b.next_.data();
      const size_t mask = index.mask;
      const int shift = index.shift;
      const int64_t lo = index.min;
      const uint64_t span = static_cast<uint64_t>(index.max - index.min);
      auto emit = [&](size_t i, uint32_t r) -> bool {
        for (; r != JoinBuildSink::kEnd; r = next[r]) {
          if (!add(i, r)) return false;
        }
        return true;
      };
      // A hashed index beyond the L2 cache (TPC-H Q5's 227 k orders of a year: 6 MiB) misses
      // on nearly every probe, ~39 ns each: the chunk's slots are computed first and each probe
      // prefetches the slot kPrefetchAhead rows later. (Not for the direct index, where it was
      // measured slower on SSB's dimension joins: their indexes mostly fit the cache.)
      constexpr size_t kPrefetchAhead = 16;
      const bool prefetch = !index.direct && index.heads.size() * 12 > (size_t{1} << 20);
      std::vector<uint32_t>& slots = scratch.slots;
      auto probe = [&](auto* data) {
        if (prefetch) {
          slots.resize(n);
          for (size_t i = 0; i < n; ++i) {
            slots[i] = static_cast<uint32_t>(JoinBuildSink::IntIndex::Mix(static_cast<int64_t>(data[i]), shift));
          }
          for (size_t i = 0; i < std::min(n, kPrefetchAhead); ++i) {
            PrefetchForRead(heads + slots[i]);
            PrefetchForRead(slot_keys + slots[i]);
          }
        }
        for (size_t i = 0; i < n; ++i) {
          if (prefetch && i + kPrefetchAhead < n) {
            PrefetchForRead(heads + slots[i + kPrefetchAhead]);
            PrefetchForRead(slot_keys + slots[i + kPrefetchAhead]);
          }
          if (nl != nullptr && nl[i] != 0) {
            probe_null_key[i] = 1;
            continue;
          }
          const int64_t key = static_cast<int64_t>(data[i]);
          uint32_t r = JoinBuildSink::kEnd;
          if (index.direct) {
            const uint64_t off = static_cast<uint64_t>(key) - static_cast<uint64_t>(lo);
            if (off <= span) r = heads[off];
          } else {
            for (size_t s = prefetch ? slots[i] : JoinBuildSink::IntIndex::Mix(key, shift);; s = (s + 1) & mask) {
              if (heads[s] == JoinBuildSink::kEnd) break;
              if (slot_keys[s] == key) {
                r = heads[s];
                break;
              }
            }
          }
          if (r != JoinBuildSink::kEnd && !emit(i, r)) return;
        }
      };
      if (k.physical() == PhysicalType::kInt64) {
        probe(k.data<int64_t>());
      } else {
        probe(k.data<int32_t>());
      }
    }
    std::vector<const Vector*> cols;
    for (const Vector& v : keys) cols.push_back(&v);
    KeyBuffer kb;
    if (!b.int_key_) kb.Encode(cols, nullptr, n);
    for (size_t i = 0; i < (b.int_key_ ? 0 : n) && batch_status.ok(); ++i) {
      if (kb.HasNull(i)) {
        probe_null_key[i] = 1;
        continue;
      }
      const uint32_t id = b.map_.Find(kb.Key(i), kb.Hash(i));
      if (id == KeyMap::kNotFound) continue;
      for (uint32_t r = b.first_[id]; r != JoinBuildSink::kEnd; r = b.next_[r]) {
        if (!add(i, r)) break;
      }
    }
  } else {
    const auto m = static_cast<uint32_t>(b.rows_.size);
    for (size_t i = 0; i < n && batch_status.ok(); ++i) {
      for (uint32_t r = 0; r < m; ++r) {
        if (!add(i, r)) break;
      }
    }
  }
  flush();
  IBEX_RETURN_IF_ERROR(batch_status);
  if (emits_pairs) {
    if (!preserve_probe) return Status::OK();
    for (size_t i = 0; i < n; ++i) {
      if (hit[i] == 0) {
        probe_rows.push_back(static_cast<uint32_t>(i));
        build_rows.push_back(kNull);
      }
    }
    if (probe_rows.empty()) return Status::OK();
    Chunk out = Assemble(in, probe_rows, build_rows);
    return push(out);
  }
  // Semi, anti, mark: one output row per probe row, from `hit`.
  const bool build_empty = b.rows_.size == 0;
  if (d.kind == JoinKind::kMark) {
    Chunk out;
    out.size = n;
    for (const Vector& v : in.columns) out.columns.push_back(v.Ref());
    Vector mark(DataType::Boolean(), n);
    uint8_t* mv = mark.mutable_data<uint8_t>();
    for (size_t i = 0; i < n; ++i) {
      mv[i] = hit[i];
      if (hit[i] == 0 && d.null_aware && !build_empty &&
          (probe_null_key[i] != 0 || b.has_null_key_)) {
        mark.SetNull(i);
      }
    }
    mark.CompactNulls();
    out.columns.push_back(std::move(mark));
    return push(out);
  }
  std::vector<uint32_t> sel;
  const bool want = d.kind == JoinKind::kSemi;
  for (size_t i = 0; i < n; ++i) {
    bool emit = (hit[i] != 0) == want;
    if (!want && d.null_aware && emit) {
      // NOT IN: nothing qualifies when the subquery has a NULL; a NULL probe key only
      // when the subquery is empty.
      if (b.has_null_key_ && !build_empty) emit = false;
      if (probe_null_key[i] != 0 && !build_empty) emit = false;
    }
    if (emit) sel.push_back(static_cast<uint32_t>(i));
  }
  if (sel.empty()) return Status::OK();
  if (sel.size() == n) return push(in);
  Chunk out = in.Gather(sel.data(), sel.size());
  return push(out);
}

Status JoinProbeOp::Finish(ExecContext& ctx, const ChunkConsumer& push) {
  (void)ctx;
  const HashJoinDef& d = *def_;
  const bool preserve_build = d.kind == JoinKind::kFull ||
                              (d.kind == JoinKind::kLeft && d.build_is_left) ||
                              (d.kind == JoinKind::kRight && !d.build_is_left);
  if (!preserve_build) return Status::OK();
  const JoinBuildSink& b = *build_;
  const std::vector<DataType>& probe_types = d.build_is_left ? d.right_types : d.left_types;
  std::vector<uint32_t> rows;
  auto flush = [&]() -> Status {
    if (rows.empty()) return Status::OK();
    Chunk probe;
    probe.size = 0;
    for (const DataType& t : probe_types) probe.columns.emplace_back(t, 0);
    std::vector<uint32_t> probe_rows(rows.size(), kNull);
    Chunk out = Assemble(probe, probe_rows, rows);
    rows.clear();
    return push(out);
  };
  for (uint32_t r = 0; r < b.rows_.size; ++r) {
    if (b.matched_[r].load(std::memory_order_relaxed) == 0) {
      rows.push_back(r);
      if (rows.size() == kChunkRows) IBEX_RETURN_IF_ERROR(flush());
    }
  }
  return flush();
}

}  // namespace ibex::exec
