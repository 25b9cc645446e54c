// RangeParser: parses byte ranges of the input files (InputFiles::Split) on N threads into
// batches of rows, and RowRouter, which deals one thread's batches to the table's partitions
// by its distribution. The single-rank loader routes to its partitions' builders; an executor
// of a distributed COPY parses only its share of the bytes and routes to its own builder and to
// the other executors (scheduler/distributed_load.h).
//
// Strings in the batches point into the mapped input, or into a batch's own arena when a
// quoted CSV field had to be unescaped; such batches must outlive every copy of their rows
// (BatchKeeper), so the InputFiles and the keeper must outlive the rows handed on.
//
// Thread safety: Run on one thread; it calls each sink from the one thread that owns it.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "storage/catalog.h"
#include "storage/loader/copy_options.h"
#include "storage/loader/input_files.h"
#include "storage/loader/row_ops.h"

namespace ibex::storage {

// One parsing thread's receiver of filled batches.
class BatchSink {
 public:
  virtual ~BatchSink() = default;
  // A filled batch: the sink takes the columns (*batch left empty) or leaves them, and the
  // parser then refills them.
  virtual Status Consume(Columns* batch) = 0;
  // The thread's ranges are parsed without a bad row: hand on what is still buffered.
  virtual Status Finish() = 0;
};

// The first bad row: where (file index and byte offset in it) and why.
struct BadRow {
  size_t file = 0;
  size_t offset = 0;
  std::string reason;
};

class RangeParser {
 public:
  RangeParser(const InputFiles& files, const TableDef& def, const CopyOptions& options);

  // Parses `ranges` on `threads` threads (this one included), one sink per thread from
  // make_sink(thread). A sink's error stops every thread and is returned. A bad row stops the
  // ranges after its own; *bad_row is then the first one in range order and no sink is
  // finished. Returns the rows parsed.
  Result<int64_t> Run(const std::vector<FileRange>& ranges, int threads,
                      const std::function<std::unique_ptr<BatchSink>(int)>& make_sink,
                      std::optional<BadRow>* bad_row);

 private:
  const InputFiles& files_;
  const TableDef& def_;
  const CopyOptions& options_;
};

// Keeps batches alive whose arenas hold strings other batches point into.
class BatchKeeper {
 public:
  void Keep(Columns batch);

 private:
  std::mutex mu_;
  std::vector<Columns> kept_;
};

// One parsing thread's router. HASH tables: rows are scattered by PartitionOfHash(HashRow)
// into per-partition batches of block_rows, each emitted to its partition when full and at
// Finish. Other tables (and a single partition): whole batches are emitted as partition
// kWholeBatch, for the caller to deal (round robin, replicated) as it must.
class RowRouter : public BatchSink {
 public:
  static constexpr int kWholeBatch = -1;
  // `emit` takes the columns or leaves them (then they are reused or dropped).
  using Emit = std::function<Status(int partition, Columns* columns)>;

  RowRouter(const TableDef& def, size_t partitions, uint32_t block_rows, BatchKeeper* keeper,
            Emit emit);

  Status Consume(Columns* batch) override;
  Status Finish() override;

 private:
  const TableDef& def_;
  const size_t partitions_;
  const uint32_t block_rows_;
  BatchKeeper* keeper_;
  Emit emit_;
  std::vector<Columns> scatter_;  // per partition (hash only)
  std::vector<std::vector<uint32_t>> selection_;  // per partition: rows of the current batch
};

}  // namespace ibex::storage
