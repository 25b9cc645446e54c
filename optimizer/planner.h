// The optimizer's entry point: a bound statement (frontend/binder/binder.h) becomes a physical
// plan (optimizer/physical_plan.h). Steps: plan the query (subqueries decorrelated, CTEs and
// views inlined, outer joins simplified, constants folded), order the joins by cost from the
// catalog's statistics with filters pushed into scans (and their zone-map ranges), prune
// unused columns, number the nodes. See docs/optimizer.md.
//
// Statement kinds: SELECT -> the query's plan; INSERT ... SELECT / VALUES -> a Sink over the
// rows (cast to the table's column types); EXPLAIN [ANALYZE] and PREPARE -> the plan of the
// inner statement (the caller prints ExplainText or keeps the plan); EXECUTE -> the prepared
// statement's plan with its $n replaced by the EXECUTE arguments. Others: NotSupported.
//
// Called on the coordinator; reads the catalog, which must not change during the call. Errors
// are InvalidArgument (the statement cannot be planned as written) or NotSupported (a valid
// shape the optimizer does not handle yet, named in the message).
#pragma once

#include <vector>

#include "common/status.h"
#include "frontend/binder/binder.h"
#include "optimizer/physical_plan.h"
#include "storage/catalog.h"

namespace ibex::optimizer {

Result<PhysicalPlan> PlanStatement(const sql::BoundStatement& bound,
                                   const storage::Catalog& catalog);

// Replaces every $n of `plan` by values[n-1] cast to the type $n is used as, and folds
// constants again. InvalidArgument when a value is missing or does not convert.
Status BindParameters(PhysicalPlan* plan, const std::vector<storage::Value>& values);

}  // namespace ibex::optimizer
