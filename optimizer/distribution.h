// Distribution of a physical plan over the executors (issue 7, first version): every node gets
// a trait — PARTITIONED(keys) (rows with equal keys on one executor, by storage's partitioning
// hash, so shuffled streams line up with HASH-distributed tables), RANDOM (spread, no key:
// round-robin tables), REPLICATED (every executor has all rows) or SINGLETON (one place) — and
// where a child's trait does not satisfy its parent an Exchange is inserted:
//   joins      co-located when both sides are partitioned on corresponding keys; a REPLICATED
//              build side needs nothing; otherwise the cheaper in bytes of broadcasting the
//              build side or shuffling the side(s) not yet partitioned on the keys
//   aggregates local when the input is partitioned on a subset of the group keys; otherwise
//              partial -> shuffle(keys) (gather without keys) -> final; DISTINCT aggregates
//              shuffle the input instead (never split)
//   ORDER BY   local sort, gather merging the sorted runs; ORDER BY LIMIT: local top-N of
//              limit + offset rows, merging gather, final top-N
//   windows    shuffle by the partition keys (gather without)
//   set ops    UNION ALL keeps its inputs' spread; the others shuffle every input by all columns
//   INSERT     rows shuffled to the table's distribution; counts gathered and summed
//   the root   gathered to one place
// A gather of a REPLICATED input reads one executor's copy.
//
// Runs on the coordinator after PlanStatement when the job has several executors. Pure.
#pragma once

#include "common/status.h"
#include "optimizer/physical_plan.h"
#include "storage/catalog.h"

namespace ibex::optimizer {

enum class TraitKind : uint8_t { kSingleton, kReplicated, kPartitioned, kRandom };

struct Trait {
  TraitKind kind = TraitKind::kRandom;
  std::vector<int> keys;  // kPartitioned: output positions, hashed in this order
};

// How joins that are not co-located move their inputs (SET join_distribution, as Trino's
// join_distribution_type): by the cheaper in bytes (automatic), or always by shuffling on the
// join keys (partitioned: no broadcast, e.g. when the cost model's estimates are off).
enum class JoinDistribution : uint8_t { kAutomatic, kPartitioned };

struct DistributeOptions {
  JoinDistribution joins = JoinDistribution::kAutomatic;
};

// Inserts exchanges (and splits aggregations and sorts) so that `plan` runs on `executors`
// executors; renumbers the nodes. With one executor the plan is left as it is.
Status Distribute(PhysicalPlan* plan, const storage::Catalog& catalog, int executors,
                  const DistributeOptions& options = {});

}  // namespace ibex::optimizer
