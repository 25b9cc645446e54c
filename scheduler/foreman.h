// Foreman: the coordinator's hand-out of block-granular work orders for one query. Every table
// scan of a fragment that runs on executors draws its blocks from the foreman at run time
// (exec/work_feed.h): an executor asks when its queue runs low and gets a batch — so each
// executor has a bounded number of orders outstanding — first from the blocks it owns (its
// partition: locality), then, once those are gone, unstarted blocks from the executor with the
// longest backlog (from the end of its queue), where that is allowed:
//   - the data directory is readable by every executor (SET work_stealing; by default when it
//     has no per-rank %r and every executor runs on the coordinator's node), and
//   - the scan's rows may be processed anywhere: on the way from the scan to its fragment's
//     output there are only filters, projections, partial aggregates, sorts/top-N and joins
//     whose other side is the same on every executor (replicated tables, broadcast inputs).
//     A co-located join, a final aggregate or a window over partitioned rows needs every row of
//     a key on its owner, so those scans never give blocks away.
// A REPLICATED table's scan reads the executor's own full copy: all of it on every executor of
// the fragment (or partition 0's copy on the one executor of a [one executor] fragment), never
// stolen.
//
// Block numbers: a table's blocks counted over every partition in catalog order (what
// exec::TableScan expects from its feed).
//
// Threads: one query's requests arrive on the network thread; a mutex guards the state.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "optimizer/fragment.h"
#include "scheduler/query_layout.h"
#include "storage/catalog.h"

namespace ibex::scheduler {

class Foreman {
 public:
  Foreman(const optimizer::FragmentedPlan& plan, const QueryLayout& layout,
          const storage::Catalog& catalog, bool allow_stealing);

  struct Batch {
    std::vector<uint64_t> orders;
    bool last = false;
  };
  // The next at most `want` orders of scan `node` of `fragment` for executor `rank`.
  Batch Next(int rank, int fragment, int node, uint32_t want);

  // Per executor: blocks handed out, of which taken from other executors' partitions.
  std::string Summary() const;
  int64_t stolen() const;

 private:
  struct Scan {
    bool stealable = false;
    std::map<int, std::deque<uint64_t>> queues;  // rank -> its unstarted blocks
  };

  mutable std::mutex mu_;
  std::map<std::pair<int, int>, Scan> scans_;  // (fragment, node)
  std::map<int, int64_t> granted_;             // rank -> blocks
  std::map<int, int64_t> stolen_;              // rank -> blocks from others
};

// Whether the rows of scan `scan_id` in `fragment` may be processed on any executor (above).
bool ScanIsRowLocal(const optimizer::Fragment& fragment, int scan_id,
                    const storage::Catalog& catalog);

}  // namespace ibex::scheduler
