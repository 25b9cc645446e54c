// Fragments: a distributed physical plan (after Distribute) cut at its Exchange nodes. Each
// fragment is a subtree that runs without talking to anybody but through its exchanges: its
// leaves are scans, VALUES, or the receiving ends of exchanges (Exchange nodes without children,
// ExchangeSpec::fragment naming the sender); its root's output goes into exactly one exchange
// (described by `output`) — except fragment 0, the root, whose output is the query's result.
// The exchange a fragment sends into is identified by the fragment's id.
//
// Where a fragment runs (FragmentPlace) follows from what it reads:
//   kCoordinator  rank 0: the root, and everything above a gather (SINGLETON)
//   kExecutors    every executor, each over its own partitions (PARTITIONED / RANDOM)
//   kOneExecutor  the first executor only: the fragment's rows are the same on every executor
//                 (REPLICATED tables, broadcast inputs), so one copy is sent on
// With one executor there is nothing to place: every fragment but the root runs on it.
//
// Called by the coordinator's runtime (scheduler/) after Distribute; EXPLAIN prints the
// fragments. Pure functions on values.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "optimizer/physical_plan.h"
#include "storage/catalog.h"

namespace ibex::optimizer {

enum class FragmentPlace : uint8_t { kCoordinator = 0, kExecutors = 1, kOneExecutor = 2 };
const char* FragmentPlaceName(FragmentPlace place);

struct Fragment {
  int id = 0;  // index in FragmentedPlan::fragments; also the id of the exchange it feeds
  FragmentPlace place = FragmentPlace::kExecutors;
  PlanNode root;                // node ids as in the whole plan (EXPLAIN ANALYZE maps by them)
  ExchangeSpec output;          // the exchange this fragment sends into (unused for fragment 0)
  int consumer = -1;            // the fragment that receives it (-1 for fragment 0)
  std::vector<int> inputs;      // fragments this one receives from, in plan order
};

struct FragmentedPlan {
  std::vector<Fragment> fragments;  // [0] is the root; every fragment after its consumer
  int param_count = 0;
  std::vector<DataType> param_types;

  // Fragments in an order where each comes after every fragment it receives from.
  std::vector<int> BottomUpOrder() const;
};

// Cuts `plan` (with exchanges inserted by Distribute for `executors` executors) into
// fragments; `catalog` says which scanned tables are REPLICATED. With one executor (Distribute
// inserted nothing) the root is gathered to the coordinator from one fragment holding the
// whole plan — an ORDER BY's Sort/TopN by a merging gather right above it, so that the
// executor's workers cannot reorder its chunks. A plan that would need rows at the
// coordinator that only executors have is an Internal error (Distribute's traits prevent it).
Result<FragmentedPlan> CutFragments(const PhysicalPlan& plan, const storage::Catalog& catalog,
                                    int executors);

// The text EXPLAIN prints in a multi-rank job: one block per fragment, root first,
//   Fragment 1 [executors] -> shuffle keys=[lo_orderkey] to F0
//     HashAggregate[partial] ...
// then the fragment's plan indented as ExplainText does.
std::string ExplainFragments(const FragmentedPlan& plan);

// A fragment's plan as a standalone PhysicalPlan (for serialization to executors and for
// exec's builder): the fragment's root with the statement's parameters.
PhysicalPlan FragmentPlan(const FragmentedPlan& plan, int fragment);

}  // namespace ibex::optimizer
