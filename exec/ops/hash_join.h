// Hash join: JoinBuildSink collects the build side (per-worker chunk lists, concatenated at
// Finalize), encodes its keys and builds one KeyMap of distinct keys with a chain of rows per
// key; JoinProbeOp, a streaming operator of the probe side's pipeline, looks each probe row's
// key up, filters the candidate pairs by the residual, and emits by join type:
//   inner                      matching pairs
//   left / right / full        + unmatched rows of the preserved side(s) with NULLs; unmatched
//                              build rows are emitted by Finish after the last work order
//   semi / anti                probe rows with / without a match (null_aware: NOT IN rules)
//   mark                       probe rows + BOOLEAN mark (TRUE / FALSE / NULL, as NOT IN needs)
// Output columns are always the plan's left columns, then the right ones (semi/anti: left;
// mark: left + mark), whichever side was built. No keys: every build row is a candidate (a
// nested-loop join on the residual, or a cross product).
//
// Threads: the build sink as any sink; Execute concurrently after the build finished; the
// matched-row flags of the build side are atomics.
#pragma once

#include <atomic>
#include <memory>
#include <vector>

#include "exec/expr.h"
#include "exec/key_map.h"
#include "exec/operator.h"
#include "exec/row_key.h"

namespace ibex::exec {

enum class JoinKind : uint8_t { kInner, kLeft, kRight, kFull, kSemi, kAnti, kMark };

struct HashJoinDef {
  JoinKind kind = JoinKind::kInner;
  std::vector<ExprPtr> build_keys;  // over the build side's columns
  std::vector<ExprPtr> probe_keys;  // over the probe side's columns
  ExprPtr residual;                 // over left ++ right columns, or null
  bool build_is_left = false;
  bool null_aware = false;
  // Scalar subquery: a probe row with two matches (keyless: a build side of two rows) is an error.
  bool at_most_one_match = false;
  std::vector<DataType> left_types;
  std::vector<DataType> right_types;
};

class JoinBuildSink : public Sink {
 public:
  explicit JoinBuildSink(std::shared_ptr<const HashJoinDef> def) : def_(std::move(def)) {}
  std::string Name() const override { return "HashJoinBuild"; }
  std::unique_ptr<LocalState> MakeLocal(ExecContext& ctx) override;
  Status Consume(ExecContext& ctx, LocalState& local, Chunk& chunk) override;
  Status Combine(ExecContext& ctx, LocalState& local) override;
  Status Finalize(ExecContext& ctx) override;

 private:
  friend class JoinProbeOp;
  static constexpr uint32_t kEnd = UINT32_MAX;

  // Fast path for one integer-like key (INTEGER, BIGINT, DATE, narrow DECIMAL): keys inline
  // in an open-addressing table, multiplicative hashing, no encoding.
  // When the keys span a small range, `heads` is indexed directly by key - min (no hashing,
  // no key comparison: one load per probe).
  struct IntIndex {
    std::vector<int64_t> keys;
    std::vector<uint32_t> heads;  // slot -> first row, kEnd = empty slot
    int shift = 64;
    size_t mask = 0;
    bool direct = false;
    int64_t min = 0;
    int64_t max = -1;
    // Top bits of a murmur-style mix (packed keys and strided keys must spread too).
    static size_t Mix(int64_t k, int shift) {
      uint64_t x = static_cast<uint64_t>(k);
      x ^= x >> 33;
      x *= 0xff51afd7ed558ccdULL;
      x ^= x >> 33;
      x *= 0xc4ceb9fe1a85ec53ULL;
      return static_cast<size_t>(x >> shift);
    }
    size_t Slot(int64_t k) const { return Mix(k, shift); }
    uint32_t Find(int64_t k) const {
      for (size_t s = Slot(k);; s = (s + 1) & mask) {
        if (heads[s] == kEnd) return kEnd;
        if (keys[s] == k) return heads[s];
      }
    }
  };
  static bool IntKey(const DataType& t) {
    return t.physical() == PhysicalType::kInt32 || t.physical() == PhysicalType::kInt64;
  }

  std::shared_ptr<const HashJoinDef> def_;
  std::vector<Chunk> chunks_;
  Chunk rows_;  // the whole build side
  bool int_key_ = false;
  IntIndex index_;
  KeyMap map_;
  std::vector<uint32_t> first_;  // per distinct key: first row
  std::vector<uint32_t> next_;   // per row: next row with the same key
  bool has_null_key_ = false;
  std::unique_ptr<std::atomic<uint8_t>[]> matched_;
  std::unique_ptr<MemoryReservation> memory_;
  int64_t pending_bytes_ = 0;
};

class JoinProbeOp : public Operator {
 public:
  // used_outputs: which output columns (probe and build side in output order) anything above
  // reads, from the projection right above the join; empty: all. The others are not gathered:
  // they come out as constant NULLs, which the projection drops (a chain of joins otherwise
  // re-gathers every join key at every later join: Vector::Gather was 18 % of SSB).
  JoinProbeOp(std::shared_ptr<const HashJoinDef> def, JoinBuildSink* build,
              std::vector<bool> used_outputs = {});
  std::string Name() const override;
  std::unique_ptr<LocalState> MakeLocal(ExecContext& ctx) override;
  Status Execute(ExecContext& ctx, LocalState& local, Chunk& in, const ChunkConsumer& push) override;
  Status Finish(ExecContext& ctx, const ChunkConsumer& push) override;

 private:
  struct Scratch;  // per-worker buffers reused across chunks
  // Output chunk of pairs (probe rows, build rows); kNull (UINT32_MAX) = NULLs for that side.
  // `all_columns`: also the unused ones (the residual filter reads its pairs).
  Chunk Assemble(const Chunk& probe, const std::vector<uint32_t>& probe_rows,
                 const std::vector<uint32_t>& build_rows, bool all_columns = false) const;

  std::shared_ptr<const HashJoinDef> def_;
  JoinBuildSink* build_;
  std::vector<bool> used_outputs_;
  std::vector<Vector> unused_;  // a constant NULL per unused output column, else empty
};

}  // namespace ibex::exec
