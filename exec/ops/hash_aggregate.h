// Hash aggregation, grouped or global. As a sink: each worker aggregates its chunks into its
// own group table (KeyMap of encoded group keys -> dense group ids) and aggregate states
// (typed arrays indexed by group id); Combine merges a worker's table into the global one;
// Finalize folds in DISTINCT aggregates (kept as sets of (group key, value) until then) and
// adds the single group of a global aggregate over no rows. As a source (AggregateSource):
// one work order per kChunkRows groups, keys decoded from the table, states finalized.
//
// Result types follow optimizer/plan_expr.h: COUNT -> BIGINT; SUM(integer) -> BIGINT with
// overflow checks; SUM(DECIMAL) -> DECIMAL(38,s) in a 128-bit accumulator; AVG, STDDEV,
// VARIANCE -> DOUBLE; MIN/MAX -> the argument's type.
//
// Threads: Consume concurrently (distinct local states); Combine serialized; Produce
// concurrently after Finalize.
#pragma once

#include <memory>
#include <vector>

#include "exec/expr.h"
#include "exec/key_map.h"
#include "exec/operator.h"

namespace ibex::exec {

class IntGroups;

enum class AggKind : uint8_t {
  kCountStar, kCount, kSum, kAvg, kMin, kMax, kStddevSamp, kStddevPop, kVarSamp, kVarPop,
};

// Two-phase aggregation (issue 7; optimizer/physical_plan.h AggPhase): kPartial emits after
// the group keys each aggregate's state columns (COUNT: BIGINT; SUM: its result type; MIN/MAX:
// the value; AVG: sum (DECIMAL(38,s) / BIGINT / DOUBLE) and BIGINT count; STDDEV/VAR: BIGINT
// count, DOUBLE sum, DOUBLE sum of squares); kFinal reads them back and emits the results.
enum class AggMode : uint8_t { kSingle, kPartial, kFinal };

struct AggregateDef {
  AggKind kind = AggKind::kCountStar;
  ExprPtr arg;  // null for COUNT(*); unused in kFinal
  bool distinct = false;
  DataType type;  // result type
  // kFinal: the input columns holding this aggregate's partial states, and their types.
  int state_column = -1;
  std::vector<DataType> state_types;
};

// The partial state column types of an aggregate (kPartial output, kFinal input).
std::vector<DataType> PartialStateTypes(AggKind kind, const DataType& arg, const DataType& result);

// The per-group states of one aggregate (one implementation per function and input type).
class AggState {
 public:
  virtual ~AggState() = default;
  virtual void Resize(size_t groups) = 0;
  // Folds rows into groups[i]; arg is null for COUNT(*).
  virtual Status Update(const uint32_t* groups, const Vector* arg, size_t n) = 0;
  // Folds other's group g into this one's mapping[g].
  virtual Status Merge(const AggState& other, const uint32_t* mapping, size_t other_groups) = 0;
  virtual Status Finalize(size_t begin, size_t end, Vector* out) const = 0;
  virtual int64_t BytesPerGroup() const = 0;
  // kPartial: the state columns of groups [begin, end), of PartialStateTypes.
  virtual Status FinalizePartial(size_t begin, size_t end, const std::vector<DataType>& types,
                                 std::vector<Vector>* out) const {
    Vector v(types[0], end - begin);
    IBEX_RETURN_IF_ERROR(Finalize(begin, end, &v));
    out->push_back(std::move(v));
    return Status::OK();
  }
  // kFinal: folds rows of partial state columns into groups[i].
  virtual Status UpdatePartial(const uint32_t* groups, const std::vector<const Vector*>& states,
                               size_t n) {
    return Update(groups, states[0], n);
  }
};

class HashAggregateSink : public Sink {
 public:
  HashAggregateSink(std::vector<ExprPtr> keys, std::vector<AggregateDef> aggregates,
                    AggMode mode = AggMode::kSingle);
  ~HashAggregateSink() override;

  std::string Name() const override { return "HashAggregate"; }
  std::unique_ptr<LocalState> MakeLocal(ExecContext& ctx) override;
  Status Consume(ExecContext& ctx, LocalState& local, Chunk& chunk) override;
  Status Combine(ExecContext& ctx, LocalState& local) override;
  Status Finalize(ExecContext& ctx) override;

  // After Finalize.
  size_t groups() const;
  Result<Chunk> Output(size_t begin, size_t end) const;

  struct Table;  // a group table and its states (per worker, and the global one)

 private:
  Status MergeTable(Table& local);
  size_t GroupCount(const Table& t) const;
  size_t GlobalGroups() const;

  std::vector<ExprPtr> keys_;
  std::vector<DataType> key_types_;
  std::vector<AggregateDef> aggs_;
  AggMode mode_ = AggMode::kSingle;
  bool int_key_ = false;  // one integer-like key or two INTEGER keys: IntGroups (ints_)
  bool packed_ = false;   // two INTEGER keys packed into one int64
  // 1-4 string keys and no DISTINCT: rows whose strings are short enough (ShortStringKey) find
  // their group through a cache of packed keys in front of the encoded KeyMap.
  bool short_strings_ = false;
  std::unique_ptr<IntGroups> ints_;
  KeyMap map_;
  std::vector<std::unique_ptr<AggState>> states_;
  std::vector<KeyMap> distinct_;  // per aggregate (empty unless distinct): group key ++ value
  std::unique_ptr<MemoryReservation> memory_;
};

class AggregateSource : public Source {
 public:
  explicit AggregateSource(const HashAggregateSink* sink) : sink_(sink) {}
  std::string Name() const override { return "AggregateOutput"; }
  size_t WorkOrders() const override { return (sink_->groups() + kChunkRows - 1) / kChunkRows; }
  Result<ProduceResult> Produce(ExecContext& ctx, size_t order, const ChunkConsumer& push) override;

 private:
  const HashAggregateSink* sink_;
};

// The state for one aggregate of the given kind, argument type and result type; in kFinal
// `arg` is the first partial state column's type.
Result<std::unique_ptr<AggState>> MakeAggState(AggKind kind, const DataType& arg,
                                               const DataType& result);

}  // namespace ibex::exec
