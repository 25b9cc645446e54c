// The Star Schema Benchmark tables (O'Neil et al., as ssb-dbgen writes them): part,
// supplier, customer, date and lineorder, as TableJobs for the datagen driver. Row counts at
// scale factor SF: customer 30,000·SF, supplier 2,000·SF, part 200,000·⌊1+log2 SF⌋ (SF ≥ 1;
// 200,000·SF below 1), date 2,557 at every SF, lineorder 1..7 lines for each of 1,500,000·SF
// orders.
//
// The jobs' generators are called concurrently on disjoint row ranges.
#pragma once

#include <vector>

#include "storage/datagen/table_job.h"

namespace ibex::datagen {

std::vector<TableJob> SsbJobs(double scale_factor);

// The number of SSB parts at a scale factor.
int64_t SsbPartCount(double scale_factor);

}  // namespace ibex::datagen
