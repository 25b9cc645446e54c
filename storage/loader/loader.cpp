#include "storage/loader/loader.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <thread>

#include <glob.h>
#include <sys/mman.h>
#include <unistd.h>

#include "storage/blocks/block.h"
#include "storage/blocks/partitioning.h"
#include "storage/loader/line_parser.h"
#include "storage/persist/file_util.h"
#include "storage/persist/layout.h"

namespace ibex::storage {
namespace {

constexpr size_t kRangeBytes = 8 << 20;

// A read-only memory map of one input file.
class MappedFile {
 public:
  static Result<std::unique_ptr<MappedFile>> Open(const std::string& path) {
    uint64_t size = 0;
    IBEX_ASSIGN_OR_RETURN(int fd, OpenReadOnly(path, &size));
    auto file = std::unique_ptr<MappedFile>(new MappedFile(path));
    file->size_ = static_cast<size_t>(size);
    if (file->size_ > 0) {
      void* p = ::mmap(nullptr, file->size_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
      if (p == MAP_FAILED) {
        const int err = errno;
        ::close(fd);
        return Status::FromErrno("mmap", path, err);
      }
      ::madvise(p, file->size_, MADV_SEQUENTIAL);
      file->data_ = static_cast<const char*>(p);
    }
    ::close(fd);
    return file;
  }
  ~MappedFile() {
    if (data_ != nullptr) ::munmap(const_cast<char*>(data_), size_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::string_view data() const { return {data_, size_}; }
  const std::string& path() const { return path_; }

 private:
  explicit MappedFile(std::string path) : path_(std::move(path)) {}
  std::string path_;
  const char* data_ = nullptr;
  size_t size_ = 0;
};

Result<std::vector<std::string>> ExpandPattern(const std::string& pattern) {
  glob_t g;
  const int rc = ::glob(pattern.c_str(), GLOB_NOSORT, nullptr, &g);
  std::vector<std::string> files;
  if (rc == 0) {
    for (size_t i = 0; i < g.gl_pathc; ++i) files.emplace_back(g.gl_pathv[i]);
  }
  ::globfree(&g);
  if (rc == GLOB_NOMATCH || files.empty()) {
    return Status::NotFound("COPY: no file matches '" + pattern + "'");
  }
  if (rc != 0) return Status::IoError("COPY: cannot expand '" + pattern + "'");
  std::sort(files.begin(), files.end());
  return files;
}

struct Range {
  size_t file;
  size_t begin;
  size_t end;
};

// The first line start at or after `pos`.
size_t LineStartAtOrAfter(std::string_view data, size_t pos) {
  if (pos == 0) return 0;
  const void* nl = std::memchr(data.data() + pos - 1, '\n', data.size() - (pos - 1));
  return nl == nullptr ? data.size()
                       : static_cast<size_t>(static_cast<const char*>(nl) - data.data()) + 1;
}

// -1, 0, 1 comparing row i of a with row j of b on the sort columns; NULLs first.
int CompareRows(const std::vector<ColumnVector>& a, size_t i, const std::vector<ColumnVector>& b,
                size_t j, const std::vector<int>& cols) {
  for (int c : cols) {
    const ColumnVector& x = a[c];
    const ColumnVector& y = b[c];
    const bool xn = x.IsNull(i);
    const bool yn = y.IsNull(j);
    if (xn || yn) {
      if (xn != yn) return xn ? -1 : 1;
      continue;
    }
    int r = 0;
    switch (x.type().physical()) {
      case PhysicalType::kBool:
        r = (x.data<uint8_t>()[i] > y.data<uint8_t>()[j]) -
            (x.data<uint8_t>()[i] < y.data<uint8_t>()[j]);
        break;
      case PhysicalType::kInt32:
        r = (x.data<int32_t>()[i] > y.data<int32_t>()[j]) -
            (x.data<int32_t>()[i] < y.data<int32_t>()[j]);
        break;
      case PhysicalType::kInt64:
        r = (x.data<int64_t>()[i] > y.data<int64_t>()[j]) -
            (x.data<int64_t>()[i] < y.data<int64_t>()[j]);
        break;
      case PhysicalType::kInt128:
        r = (x.data<int128_t>()[i] > y.data<int128_t>()[j]) -
            (x.data<int128_t>()[i] < y.data<int128_t>()[j]);
        break;
      case PhysicalType::kDouble:
        r = (x.data<double>()[i] > y.data<double>()[j]) -
            (x.data<double>()[i] < y.data<double>()[j]);
        break;
      case PhysicalType::kString: {
        const int cmp = x.data<std::string_view>()[i].compare(y.data<std::string_view>()[j]);
        r = (cmp > 0) - (cmp < 0);
        break;
      }
    }
    if (r != 0) return r;
  }
  return 0;
}

// Copies row `row` of `src` into row `dst_row` of `dst` (sized); strings stay views.
void CopyRow(const std::vector<ColumnVector>& src, size_t row, std::vector<ColumnVector>* dst,
             size_t dst_row) {
  for (size_t c = 0; c < src.size(); ++c) {
    const ColumnVector& s = src[c];
    ColumnVector& d = (*dst)[c];
    const size_t w = static_cast<size_t>(ElementWidth(s.type().physical()));
    std::memcpy(d.mutable_data<char>() + dst_row * w, s.data<char>() + row * w, w);
    if (s.IsNull(row)) d.SetNull(dst_row);
  }
}

// Everything the worker threads share.
class LoadJob {
 public:
  LoadJob(const Table& table, const CopyOptions& options, uint64_t epoch,
          const std::vector<PartitionStore*>& stores)
      : table_(table),
        options_(options),
        epoch_(epoch),
        stores_(stores),
        parser_(table.def, options),
        new_blocks_(stores.size()) {}

  Status Run(const std::string& pattern, LoadResult* result);

 private:
  struct FoundError {
    size_t range;
    ParseError error;
  };
  struct NewBlock {
    BlockMeta meta;
    std::vector<ColumnSummary> summaries;
  };

  void Worker();
  // A filled batch: to the partitions (by the distribution), sorted later or written now.
  // `scatter`: this thread's per-partition batches (hash distribution). When the columns were
  // only encoded and written (not kept), they are left in *columns for reuse, else it is empty.
  Status Emit(std::vector<ColumnVector>* columns, std::vector<std::vector<ColumnVector>>* scatter);
  Status Place(int partition, std::vector<ColumnVector>* columns);
  Status WriteBlock(int partition, const std::vector<ColumnVector>& columns);
  Status BuildSortedBlocks();
  void SetStatus(Status s) {
    std::lock_guard<std::mutex> lock(mu_);
    if (status_.ok()) status_ = std::move(s);
    stop_ = true;
  }
  Status MakeErrorStatus(const FoundError& e) const;

  const Table& table_;
  const CopyOptions& options_;
  const uint64_t epoch_;
  const std::vector<PartitionStore*>& stores_;
  LineParser parser_;

  std::vector<std::unique_ptr<MappedFile>> files_;
  std::vector<Range> ranges_;
  std::atomic<size_t> next_range_{0};
  std::atomic<size_t> first_error_range_{SIZE_MAX};
  std::atomic<uint64_t> next_seq_{0};
  std::atomic<uint64_t> next_partition_{0};
  std::atomic<bool> stop_{false};

  std::mutex mu_;  // guards what follows
  Status status_;
  std::vector<FoundError> errors_;
  std::vector<std::vector<NewBlock>> new_blocks_;                // per partition
  std::vector<std::vector<std::vector<ColumnVector>>> pending_;  // sort key: per partition chunks
  std::vector<std::vector<std::vector<ColumnVector>>> retired_;  // keeps scattered strings alive
  int64_t rows_ = 0;
};

Status LoadJob::WriteBlock(int partition, const std::vector<ColumnVector>& columns) {
  const uint64_t seq = next_seq_.fetch_add(1);
  if (seq >= (uint64_t{1} << kBlockSeqBits))
    return Status::InvalidArgument("COPY: too many blocks");
  IBEX_ASSIGN_OR_RETURN(EncodedBlock block, EncodeBlock(MakeBlockId(epoch_, seq), columns));
  const bool replicated = table_.def.distribution.kind == DistributionKind::kReplicated;
  for (size_t p = 0; p < stores_.size(); ++p) {
    if (replicated || static_cast<int>(p) == partition) {
      IBEX_RETURN_IF_ERROR(stores_[p]->WriteBlock(table_.table_id, block));
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (size_t p = 0; p < stores_.size(); ++p) {
    if (replicated || static_cast<int>(p) == partition) {
      new_blocks_[p].push_back({block.meta, block.columns});
    }
  }
  return Status::OK();
}

Status LoadJob::Place(int partition, std::vector<ColumnVector>* columns) {
  if (!table_.def.sort_key.empty()) {
    std::lock_guard<std::mutex> lock(mu_);
    pending_[static_cast<size_t>(partition)].push_back(std::move(*columns));
    columns->clear();
    return Status::OK();
  }
  return WriteBlock(partition, *columns);
}

Status LoadJob::Emit(std::vector<ColumnVector>* batch,
                     std::vector<std::vector<ColumnVector>>* scatter) {
  const size_t rows = (*batch)[0].size();
  {
    std::lock_guard<std::mutex> lock(mu_);
    rows_ += static_cast<int64_t>(rows);
  }
  const Distribution& dist = table_.def.distribution;
  const size_t nparts = stores_.size();
  if (dist.kind != DistributionKind::kHash || nparts == 1) {
    // Round-robin deals whole blocks; replicated and single partitions take everything.
    const int p = dist.kind == DistributionKind::kRoundRobin
                      ? static_cast<int>(next_partition_.fetch_add(1) % nparts)
                      : 0;
    return Place(p, batch);
  }
  std::vector<ColumnVector> columns = std::move(*batch);
  batch->clear();
  // Hash: scatter rows to the per-partition batches of this thread, emitting full ones.
  for (size_t r = 0; r < rows; ++r) {
    const size_t p = PartitionOfHash(HashRow(columns, r, dist.hash_columns), nparts);
    std::vector<ColumnVector>& dst = (*scatter)[p];
    if (dst.empty()) {
      RowBatch fresh(table_.def, options_.block_rows);
      dst = fresh.Finish();
    }
    const size_t at = dst[0].size();
    for (ColumnVector& c : dst) c.Resize(at + 1);
    CopyRow(columns, r, &dst, at);
    if (dst[0].size() == options_.block_rows) {
      IBEX_RETURN_IF_ERROR(Place(static_cast<int>(p), &dst));
      dst.clear();
    }
  }
  // Scattered strings point into the mapped input, which lives as long as the load, or into
  // this batch's own arena (unescaped CSV fields): only then must the batch outlive the load.
  bool owns_strings = false;
  for (const ColumnVector& c : columns) owns_strings = owns_strings || c.owns_strings();
  if (!owns_strings) {
    *batch = std::move(columns);  // back to the caller for reuse
    return Status::OK();
  }
  std::lock_guard<std::mutex> lock(mu_);
  retired_.back().push_back(std::move(columns));
  return Status::OK();
}

void LoadJob::Worker() {
  const size_t nparts = stores_.size();
  std::vector<std::vector<ColumnVector>> scatter(nparts);  // hash distribution only
  auto batch = std::make_unique<RowBatch>(table_.def, options_.block_rows);
  while (!stop_) {
    const size_t r = next_range_.fetch_add(1);
    if (r >= ranges_.size()) break;
    if (r > first_error_range_.load()) continue;  // an earlier range already failed
    const Range& range = ranges_[r];
    std::string_view data = files_[range.file]->data();
    size_t pos = LineStartAtOrAfter(data, range.begin);
    if (range.begin == 0 && options_.header) pos = LineStartAtOrAfter(data, 1);
    std::optional<ParseError> error;
    while (pos < range.end && !stop_) {
      pos = parser_.Parse(data, pos, range.end, batch.get(), &error);
      if (error) break;
      if (batch->full()) {
        std::vector<ColumnVector> columns = batch->Finish();
        Status s = Emit(&columns, &scatter);
        if (!s.ok()) return SetStatus(std::move(s));
        if (columns.empty()) {
          batch = std::make_unique<RowBatch>(table_.def, options_.block_rows);
        } else {
          batch->Recycle(std::move(columns));
        }
      }
    }
    if (error) {
      std::lock_guard<std::mutex> lock(mu_);
      errors_.push_back({r, std::move(*error)});
      size_t cur = first_error_range_.load();
      while (r < cur && !first_error_range_.compare_exchange_weak(cur, r)) {
      }
    }
  }
  if (first_error_range_.load() != SIZE_MAX || stop_) return;
  if (batch->rows() > 0) {
    std::vector<ColumnVector> columns = batch->Finish();
    Status s = Emit(&columns, &scatter);
    if (!s.ok()) return SetStatus(std::move(s));
  }
  for (size_t p = 0; p < nparts; ++p) {
    if (!scatter[p].empty() && scatter[p][0].size() > 0) {
      Status s = Place(static_cast<int>(p), &scatter[p]);
      if (!s.ok()) return SetStatus(std::move(s));
    }
  }
}

Status LoadJob::BuildSortedBlocks() {
  // Per partition: order all loaded rows by the sort key, then cut blocks in that order.
  struct Work {
    int partition;
    std::vector<std::pair<uint32_t, uint32_t>> rows;  // (chunk, row) in sorted order, one block
  };
  std::vector<Work> work;
  const std::vector<int>& key = table_.def.sort_key;
  for (size_t p = 0; p < pending_.size(); ++p) {
    const auto& chunks = pending_[p];
    std::vector<std::pair<uint32_t, uint32_t>> order;
    for (uint32_t c = 0; c < chunks.size(); ++c) {
      for (uint32_t r = 0; r < chunks[c][0].size(); ++r) order.emplace_back(c, r);
    }
    std::stable_sort(order.begin(), order.end(), [&](const auto& x, const auto& y) {
      return CompareRows(chunks[x.first], x.second, chunks[y.first], y.second, key) < 0;
    });
    for (size_t at = 0; at < order.size(); at += options_.block_rows) {
      const size_t end = std::min(order.size(), at + options_.block_rows);
      work.push_back({static_cast<int>(p),
                      {order.begin() + static_cast<ptrdiff_t>(at),
                       order.begin() + static_cast<ptrdiff_t>(end)}});
    }
  }
  std::atomic<size_t> next{0};
  auto run = [&] {
    while (!stop_) {
      const size_t w = next.fetch_add(1);
      if (w >= work.size()) return;
      const Work& item = work[w];
      RowBatch batch(table_.def, item.rows.size());
      std::vector<ColumnVector> cols = batch.Finish();
      for (ColumnVector& c : cols) c.Resize(item.rows.size());
      const auto& chunks = pending_[static_cast<size_t>(item.partition)];
      for (size_t i = 0; i < item.rows.size(); ++i) {
        CopyRow(chunks[item.rows[i].first], item.rows[i].second, &cols, i);
      }
      Status s = WriteBlock(item.partition, cols);
      if (!s.ok()) return SetStatus(std::move(s));
    }
  };
  std::vector<std::thread> threads;
  for (int t = 1; t < options_.threads; ++t) threads.emplace_back(run);
  run();
  for (std::thread& t : threads) t.join();
  return status_;
}

Status LoadJob::MakeErrorStatus(const FoundError& e) const {
  const Range& range = ranges_[e.range];
  std::string_view data = files_[range.file]->data();
  const size_t offset = std::min(e.error.offset, data.size());
  size_t line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < offset;) {
    const void* nl = std::memchr(data.data() + i, '\n', offset - i);
    if (nl == nullptr) break;
    ++line;
    i = static_cast<size_t>(static_cast<const char*>(nl) - data.data()) + 1;
    line_start = i;
  }
  return Status::InvalidArgument(files_[range.file]->path() + ":" + std::to_string(line) + ":" +
                                 std::to_string(offset - line_start + 1) + ": " + e.error.reason);
}

Status LoadJob::Run(const std::string& pattern, LoadResult* result) {
  IBEX_ASSIGN_OR_RETURN(std::vector<std::string> paths, ExpandPattern(pattern));
  for (size_t f = 0; f < paths.size(); ++f) {
    IBEX_ASSIGN_OR_RETURN(std::unique_ptr<MappedFile> file, MappedFile::Open(paths[f]));
    const std::string_view data = file->data();
    const bool splittable = options_.format == FileFormat::kTbl ||
                            std::memchr(data.data(), '"', data.size()) == nullptr;
    for (size_t at = 0; at < data.size() || at == 0; at += kRangeBytes) {
      const size_t end = splittable ? std::min(data.size(), at + kRangeBytes) : data.size();
      ranges_.push_back({f, at, end});
      if (!splittable || end == data.size()) break;
    }
    files_.push_back(std::move(file));
  }
  pending_.resize(stores_.size());
  retired_.resize(1);
  std::vector<std::thread> threads;
  for (int t = 1; t < options_.threads; ++t) threads.emplace_back([this] { Worker(); });
  Worker();
  for (std::thread& t : threads) t.join();
  if (!errors_.empty()) {
    const auto first =
        std::min_element(errors_.begin(), errors_.end(), [](const auto& a, const auto& b) {
          return a.range != b.range ? a.range < b.range : a.error.offset < b.error.offset;
        });
    return MakeErrorStatus(*first);
  }
  IBEX_RETURN_IF_ERROR(status_);
  if (!table_.def.sort_key.empty()) IBEX_RETURN_IF_ERROR(BuildSortedBlocks());
  CrashPoint("load.blocks_written");

  // New block lists, manifests, statistics.
  result->partitions = table_.partitions;
  result->delta.row_count = rows_;
  result->delta.columns.resize(table_.def.columns.size());
  for (size_t p = 0; p < stores_.size(); ++p) {
    auto& blocks = new_blocks_[p];
    std::sort(blocks.begin(), blocks.end(), [](const NewBlock& a, const NewBlock& b) {
      return a.meta.block_id < b.meta.block_id;
    });
    for (NewBlock& b : blocks) {
      result->partitions[p].blocks.push_back(b.meta);
      // A replicated table's statistics come from one copy.
      if (p > 0 && table_.def.distribution.kind == DistributionKind::kReplicated) continue;
      for (size_t c = 0; c < b.summaries.size(); ++c) {
        ColumnStats& s = result->delta.columns[c];
        const ZoneMap& z = b.summaries[c].zone;
        s.null_count += z.null_count;
        if (!z.min.is_null() && (s.min.is_null() || z.min.Compare(s.min) < 0)) s.min = z.min;
        if (!z.max.is_null() && (s.max.is_null() || z.max.Compare(s.max) > 0)) s.max = z.max;
        s.distinct.Merge(b.summaries[c].distinct);
      }
    }
    IBEX_RETURN_IF_ERROR(stores_[p]->WriteManifest(table_.table_id, epoch_, result->partitions[p]));
  }
  result->rows = rows_;
  result->files = static_cast<int>(paths.size());
  return Status::OK();
}

}  // namespace

Result<LoadResult> LoadFiles(const Table& table, const std::string& pattern,
                             const CopyOptions& options, uint64_t epoch,
                             const std::vector<PartitionStore*>& stores) {
  IBEX_CHECK_GE(options.threads, 1);
  IBEX_CHECK_GE(options.block_rows, 1u);
  IBEX_CHECK_EQ(stores.size(), table.partitions.size());
  LoadJob job(table, options, epoch, stores);
  LoadResult result;
  IBEX_RETURN_IF_ERROR(job.Run(pattern, &result));
  return result;
}

}  // namespace ibex::storage
