// The distributed COPY's wire forms: row frames (split to fit a buffer, nulls, strings,
// malformed input) and the control messages.
#include <gtest/gtest.h>

#include "scheduler/load_messages.h"
#include "scheduler/row_frames.h"

namespace ibex::scheduler {
namespace {

using storage::Columns;
using storage::DataType;

storage::TableDef Def() {
  storage::TableDef def;
  def.name = "t";
  def.columns = {{"a", DataType::Integer(), false},
                 {"b", DataType::Varchar(20), false},
                 {"c", DataType::Double(), false}};
  return def;
}

Columns MakeRows(size_t n) {
  Columns cols = storage::MakeColumns(Def(), n, n);
  for (size_t r = 0; r < n; ++r) {
    cols[0].mutable_data<int32_t>()[r] = static_cast<int32_t>(r * 7);
    cols[1].mutable_data<std::string_view>()[r] = cols[1].CopyString(std::string(r % 13, 'x'));
    cols[2].mutable_data<double>()[r] = r * 0.5;
    if (r % 5 == 3) cols[r % 3].SetNull(r);
  }
  return cols;
}

TEST(RowFramesTest, SplitsIntoFramesThatDecodeToTheSameRows) {
  const Columns rows = MakeRows(1000);
  std::vector<std::byte> scratch;
  std::vector<Columns> decoded;
  size_t frames = 0;
  ASSERT_TRUE(EncodeFrames(rows, 2048, &scratch, [&](std::span<const std::byte> frame) {
                EXPECT_LE(frame.size(), 2048u);
                ++frames;
                auto d = DecodeFrame(Def(), frame);
                if (!d.ok()) return d.status();
                decoded.push_back(std::move(d).value());
                return Status::OK();
              }).ok());
  EXPECT_GT(frames, 5u);
  size_t at = 0;
  for (const Columns& d : decoded) {
    for (size_t r = 0; r < d[0].size(); ++r, ++at) {
      for (size_t c = 0; c < 3; ++c) {
        EXPECT_EQ(d[c].GetValue(r), rows[c].GetValue(at)) << "row " << at << " column " << c;
      }
    }
  }
  EXPECT_EQ(at, 1000u);
}

TEST(RowFramesTest, RejectsARowLargerThanABufferAndMalformedFrames) {
  const Columns rows = MakeRows(20);
  std::vector<std::byte> scratch;
  auto sink = [](std::span<const std::byte>) { return Status::OK(); };
  EXPECT_EQ(EncodeFrames(rows, 16, &scratch, sink).code(), StatusCode::kInvalidArgument);
  std::vector<std::byte> frame;
  ASSERT_TRUE(EncodeFrames(rows, 1 << 20, &scratch, [&](std::span<const std::byte> f) {
                frame.assign(f.begin(), f.end());
                return Status::OK();
              }).ok());
  EXPECT_TRUE(DecodeFrame(Def(), frame).ok());
  for (size_t cut : {size_t{0}, size_t{3}, frame.size() / 2, frame.size() - 1}) {
    EXPECT_FALSE(DecodeFrame(Def(), std::span(frame).first(cut)).ok()) << cut;
  }
}

TEST(LoadMessagesTest, RoundTrip) {
  LoadStart start;
  start.load_id = 42;
  start.epoch = 7;
  start.executors = 3;
  start.table = "lineorder";
  start.options.format = storage::FileFormat::kCsv;
  start.options.delimiter = ';';
  start.options.null_string = "NA";
  start.options.header = true;
  start.options.block_rows = 99;
  start.files = {{"/a/b.csv", 10}, {"/a/c.csv", 20}};
  start.range_begin = 10;
  start.range_end = 20;
  start.catalog = storage::Catalog(3).Serialize();
  auto s = DecodeLoadStart(AsBytes(Encode(start)));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->table, "lineorder");
  EXPECT_EQ(s->options.delimiter, ';');
  EXPECT_EQ(s->options.null_string, "NA");
  EXPECT_TRUE(s->options.header);
  EXPECT_EQ(s->options.block_rows, 99u);
  ASSERT_EQ(s->files.size(), 2u);
  EXPECT_EQ(s->files[1].path, "/a/c.csv");
  EXPECT_EQ(s->files[1].size, 20u);
  EXPECT_EQ(s->range_end, 20u);
  EXPECT_EQ(s->catalog, start.catalog);

  LoadReport report;
  report.load_id = 42;
  report.status = Status::InvalidArgument("f:1:2: bad");
  report.bad_row = true;
  report.offset = 77;
  report.partition.blocks.push_back({123, 5, {}});
  report.delta.row_count = 5;
  auto r = DecodeLoadReport(AsBytes(Encode(report)));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, report.status);
  EXPECT_TRUE(r->bad_row);
  EXPECT_EQ(r->offset, 77u);
  EXPECT_EQ(r->partition, report.partition);
  EXPECT_EQ(r->delta, report.delta);

  auto d = DecodeLoadDecision(AsBytes(Encode(LoadDecision{42, LoadVerdict::kRelease, {}})));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->verdict, LoadVerdict::kRelease);
  std::string bytes = Encode(LoadDone{42, Status::IoError("disk")});
  EXPECT_EQ(DecodeLoadDone(AsBytes(bytes))->status, Status::IoError("disk"));
  bytes.pop_back();
  EXPECT_FALSE(DecodeLoadDone(AsBytes(bytes)).ok());
}

}  // namespace
}  // namespace ibex::scheduler
