// Cardinality estimation from catalog statistics: per-column estimates (distinct values, range,
// null fraction) of a scan's columns, and the selectivity of a predicate over columns with such
// estimates. The textbook rules (System R): col = const 1/ndv, ranges by linear interpolation
// between min and max, equi-join 1/max(ndv), LIKE 0.1, AND multiplies (independence), OR by
// inclusion-exclusion, unknown shapes 0.25. Used by the planner's join ordering and by EXPLAIN's
// row estimates. Pure functions.
#pragma once

#include <optional>
#include <vector>

#include "optimizer/physical_plan.h"
#include "optimizer/plan_expr.h"
#include "storage/catalog.h"

namespace ibex::optimizer {

struct ColumnEstimate {
  double ndv = 0;             // distinct non-null values; 0: unknown
  std::optional<double> min;  // numeric/date columns: the range, as doubles
  std::optional<double> max;
  double null_fraction = 0;
};

// Estimates of `table`'s columns `columns` (table column indices), from its statistics.
std::vector<ColumnEstimate> TableColumnEstimates(const storage::Table& table,
                                                 const std::vector<int>& columns);

// The fraction of rows for which `pred` is TRUE, in [0, 1]; `columns`: estimates of the
// predicate's input columns (missing or ndv 0: unknown, defaults apply); `rows`: input rows.
double Selectivity(const PlanExpr& pred, const std::vector<ColumnEstimate>& columns, double rows);

// Distinct values of output column `column` of `node`, traced down to a scanned table column's
// statistics through filters, projections of plain columns, joins and group keys (capped by
// each node's estimated rows); nullopt when the column is computed or unknown.
std::optional<double> ColumnDistinct(const PlanNode& node, int column,
                                     const storage::Catalog& catalog);

// Estimated groups of an aggregation of `input` by `keys`: the product of the keys' distinct
// counts (unknown ones: a tenth of the input), at most the input rows, at least 1.
double GroupCount(const PlanNode& input, const std::vector<PlanExpr>& keys,
                  const storage::Catalog& catalog);

// A numeric view of a literal for range interpolation (numbers, dates), nullopt otherwise.
std::optional<double> NumericValue(const Value& v);

}  // namespace ibex::optimizer
