// Which ranks run which fragment of a distributed query, and where each fragment's output
// goes. Computed identically by the coordinator and by every executor from the fragments and
// the executor count, so that nobody needs to be told who sends to whom:
//   kCoordinator -> {0}; kExecutors -> {1..E}; kOneExecutor -> {1}
//   a fragment's destinations = the ranks of its consumer; a shuffle's partition p goes to
//   destinations[p] = executor rank p + 1, which owns partition p of every HASH table, so a
//   shuffled stream lines up with the tables' own partitioning (co-located joins).
//
// Pure values.
#pragma once

#include <vector>

#include "optimizer/fragment.h"

namespace ibex::scheduler {

struct FragmentLayout {
  std::vector<int> ranks;         // where the fragment runs
  std::vector<int> destinations;  // where its output goes (empty for the root)
};

struct QueryLayout {
  int executors = 0;
  std::vector<FragmentLayout> fragments;  // index = fragment id

  bool RunsOn(int fragment, int rank) const;
  // Fragments whose output this rank receives (the exchanges it must open receivers for).
  std::vector<int> ReceivedBy(int rank) const;
  // Whether `rank` takes part in the query at all.
  bool Involves(int rank) const;
};

QueryLayout LayOut(const optimizer::FragmentedPlan& plan, int executors);

}  // namespace ibex::scheduler
