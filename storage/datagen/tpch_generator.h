// The TPC-H tables (spec revision 2.x clause 4.2; dbgen 2.14): region, nation, part +
// partsupp, supplier, customer, orders + lineitem, as TableJobs for the datagen driver.
// Row counts at scale factor SF: part 200,000·SF (partsupp 4 per part), supplier 10,000·SF,
// customer 150,000·SF, orders 1,500,000·SF with 1..7 lineitems each, nation 25, region 5.
//
// The jobs' generators are called concurrently on disjoint row ranges.
#pragma once

#include <vector>

#include "storage/datagen/table_job.h"

namespace ibex::datagen {

std::vector<TableJob> TpchJobs(double scale_factor);

// Whether the spec's partsupp supplier formula gives each part 4 distinct suppliers at this
// scale factor. It does at SF 0.01 and from about SF 0.023 up, but not at every small SF
// (at SF 0.012, 120 suppliers, part 121 would get supplier 2 three times): dbgen has the same
// formula, and the datagen driver refuses those scale factors.
bool PartsuppKeysAreUnique(double scale_factor);

}  // namespace ibex::datagen
