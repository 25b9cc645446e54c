// Checks that a physical plan keeps the contracts of physical_plan.h and plan_expr.h: column
// references in range and typed as their input says, comparison operands and join keys of one
// type (decimals of one scale), arithmetic operands and results as the result-type rules say,
// every node's schema as wide as its kind implies, zone-map ranges on existing columns. The
// planner's tests run it over every plan; exec (or a fragment receiver) may run it on plans it
// did not build. Pure; any thread.
#pragma once

#include "common/status.h"
#include "optimizer/physical_plan.h"

namespace ibex::optimizer {

// OK, or InvalidArgument naming the node id and what is wrong.
Status ValidatePlan(const PhysicalPlan& plan);

}  // namespace ibex::optimizer
