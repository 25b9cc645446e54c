// Projection pruning: removes from a plan every column no ancestor needs — scans read only the
// table columns that are used (by their filter or above), joins and projections carry only
// what is used, unused aggregates are dropped — and then removes projections that have become
// identities. Runs once over the finished plan tree (optimizer/planner.cpp). Pure.
#pragma once

#include "optimizer/physical_plan.h"

namespace ibex::optimizer {

// Prunes the tree under `root`; the root's own output columns are all kept.
void PruneColumns(PlanNode* root);

}  // namespace ibex::optimizer
