#include "storage/loader/range_parser.h"

#include <algorithm>
#include <thread>

#include "storage/blocks/partitioning.h"
#include "storage/loader/line_parser.h"

namespace ibex::storage {

RangeParser::RangeParser(const InputFiles& files, const TableDef& def, const CopyOptions& options)
    : files_(files), def_(def), options_(options) {}

Result<int64_t> RangeParser::Run(const std::vector<FileRange>& ranges, int threads,
                                 const std::function<std::unique_ptr<BatchSink>(int)>& make_sink,
                                 std::optional<BadRow>* bad_row) {
  const LineParser parser(def_, options_);
  std::atomic<size_t> next_range{0};
  std::atomic<size_t> first_error_range{SIZE_MAX};
  std::atomic<bool> stop{false};
  std::atomic<int64_t> rows{0};
  std::mutex mu;  // guards what follows
  Status status;
  std::vector<std::pair<size_t, BadRow>> errors;  // (range, error)

  auto fail = [&](Status s) {
    std::lock_guard<std::mutex> lock(mu);
    if (status.ok()) status = std::move(s);
    stop = true;
  };
  auto worker = [&](int thread) {
    std::unique_ptr<BatchSink> sink = make_sink(thread);
    auto batch = std::make_unique<RowBatch>(def_, options_.block_rows);
    auto hand_on = [&]() -> Status {
      rows.fetch_add(static_cast<int64_t>(batch->rows()));
      Columns columns = batch->Finish();
      IBEX_RETURN_IF_ERROR(sink->Consume(&columns));
      if (columns.empty()) {
        batch = std::make_unique<RowBatch>(def_, options_.block_rows);
      } else {
        batch->Recycle(std::move(columns));
      }
      return Status::OK();
    };
    while (!stop) {
      const size_t r = next_range.fetch_add(1);
      if (r >= ranges.size()) break;
      if (r > first_error_range.load()) continue;  // an earlier range already failed
      const FileRange& range = ranges[r];
      std::string_view data = files_.data(range.file);
      size_t pos = LineStartAtOrAfter(data, range.begin);
      if (range.begin == 0 && options_.header) pos = LineStartAtOrAfter(data, 1);
      std::optional<ParseError> error;
      while (pos < range.end && !stop) {
        pos = parser.Parse(data, pos, range.end, batch.get(), &error);
        if (error) break;
        if (batch->full()) {
          Status s = hand_on();
          if (!s.ok()) return fail(std::move(s));
        }
      }
      if (error) {
        std::lock_guard<std::mutex> lock(mu);
        errors.push_back({r, {range.file, error->offset, std::move(error->reason)}});
        size_t cur = first_error_range.load();
        while (r < cur && !first_error_range.compare_exchange_weak(cur, r)) {
        }
      }
    }
    if (first_error_range.load() != SIZE_MAX || stop) return;
    if (batch->rows() > 0) {
      Status s = hand_on();
      if (!s.ok()) return fail(std::move(s));
    }
    Status s = sink->Finish();
    if (!s.ok()) return fail(std::move(s));
  };

  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker, t);
  worker(0);
  for (std::thread& t : pool) t.join();
  IBEX_RETURN_IF_ERROR(status);
  if (!errors.empty()) {
    auto first = std::min_element(errors.begin(), errors.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first < b.first : a.second.offset < b.second.offset;
    });
    *bad_row = std::move(first->second);
  }
  return rows.load();
}

void BatchKeeper::Keep(Columns batch) {
  std::lock_guard<std::mutex> lock(mu_);
  kept_.push_back(std::move(batch));
}

RowRouter::RowRouter(const TableDef& def, size_t partitions, uint32_t block_rows,
                     BatchKeeper* keeper, Emit emit)
    : def_(def),
      partitions_(partitions),
      block_rows_(block_rows),
      keeper_(keeper),
      emit_(std::move(emit)),
      scatter_(partitions),
      selection_(partitions) {}

Status RowRouter::Consume(Columns* batch) {
  const Distribution& dist = def_.distribution;
  if (dist.kind != DistributionKind::kHash || partitions_ == 1) {
    return emit_(kWholeBatch, batch);
  }
  // The partition of every row, then each partition's rows gathered column by column.
  const size_t rows = (*batch)[0].size();
  for (auto& s : selection_) s.clear();
  for (size_t r = 0; r < rows; ++r) {
    const size_t p = PartitionOfHash(HashRow(*batch, r, dist.hash_columns), partitions_);
    selection_[p].push_back(static_cast<uint32_t>(r));
  }
  for (size_t p = 0; p < partitions_; ++p) {
    const std::vector<uint32_t>& sel = selection_[p];
    for (size_t i = 0; i < sel.size();) {
      Columns& dst = scatter_[p];
      if (dst.empty()) dst = MakeColumns(def_, block_rows_, 0);  // the last one was taken
      const size_t at = dst[0].size();
      const size_t n = std::min<size_t>(block_rows_ - at, sel.size() - i);
      for (ColumnVector& c : dst) c.Resize(at + n);
      GatherRows(*batch, sel.data() + i, n, &dst, at);
      i += n;
      if (dst[0].size() == block_rows_) {
        IBEX_RETURN_IF_ERROR(emit_(static_cast<int>(p), &dst));
        // Columns the receiver left (written or sent as they were) are refilled: fresh
        // memory is slow to touch the first time.
        for (ColumnVector& c : dst) {
          c.Recycle();
          c.Resize(0);
        }
      }
    }
  }
  // Scattered strings point into the mapped input, which lives as long as the load, or into
  // this batch's own arena (unescaped CSV fields): only then must the batch be kept.
  bool owns_strings = false;
  for (const ColumnVector& c : *batch) owns_strings = owns_strings || c.owns_strings();
  if (owns_strings) {
    keeper_->Keep(std::move(*batch));
    batch->clear();
  }
  return Status::OK();
}

Status RowRouter::Finish() {
  for (size_t p = 0; p < scatter_.size(); ++p) {
    if (!scatter_[p].empty() && scatter_[p][0].size() > 0) {
      IBEX_RETURN_IF_ERROR(emit_(static_cast<int>(p), &scatter_[p]));
    }
  }
  scatter_.clear();
  return Status::OK();
}

}  // namespace ibex::storage
