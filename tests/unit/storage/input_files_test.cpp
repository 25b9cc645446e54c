// InputFiles: however the concatenated bytes of the input files are cut between executors
// (and each share into thread ranges), every line is parsed exactly once; unsplittable CSV
// files go whole to one share; a file whose size changed is refused.
#include <algorithm>
#include <map>

#include "storage/loader/input_files.h"
#include "tests/unit/storage/storage_test_util.h"

namespace ibex::storage {
namespace {

using testing::TempDir;
using testing::WriteText;

// The lines that start in each range, as the parser sees them.
std::vector<std::string> LinesOf(const InputFiles& files, const std::vector<FileRange>& ranges,
                                 bool header) {
  std::vector<std::string> lines;
  for (const FileRange& r : ranges) {
    std::string_view data = files.data(r.file);
    size_t pos = LineStartAtOrAfter(data, r.begin);
    if (r.begin == 0 && header) pos = LineStartAtOrAfter(data, 1);
    while (pos < r.end) {
      size_t nl = data.find('\n', pos);
      if (nl == std::string_view::npos) nl = data.size();
      std::string line = files.path(r.file);
      line += ':';
      line.append(data.substr(pos, nl - pos));
      lines.push_back(std::move(line));
      pos = nl + 1;
    }
  }
  return lines;
}

TEST(InputFilesTest, EveryLineOnceWhateverTheCuts) {
  TempDir dir;
  std::vector<std::string> expected;
  for (int f = 0; f < 3; ++f) {
    std::string text = "header\n";
    for (int i = 0; i < 50 + f * 17; ++i) {
      std::string line = std::to_string(f * 1000 + i);
      line.append(static_cast<size_t>(i % 11), 'x');
      text += line + "\n";
      expected.push_back(dir.path() + "/in" + std::to_string(f) + ".csv:" + line);
    }
    WriteText(dir.path() + "/in" + std::to_string(f) + ".csv", text);
  }
  WriteText(dir.path() + "/in3.csv", "");  // empty: no range, no line
  std::sort(expected.begin(), expected.end());
  auto list = InputFiles::List(dir.path() + "/in*.csv");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 4u);
  CopyOptions options;
  options.header = true;
  auto files = InputFiles::Map(*list, options, /*populate=*/false);
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  const uint64_t total = (*files)->total_bytes();
  for (int shares : {1, 2, 3, 7}) {
    for (size_t range_bytes : {size_t{5}, size_t{64}, size_t{1} << 20}) {
      std::vector<std::string> got;
      for (int s = 0; s < shares; ++s) {
        auto part = LinesOf(**files, (*files)->Split(total * s / shares, total * (s + 1) / shares, range_bytes),
                            options.header);
        got.insert(got.end(), part.begin(), part.end());
      }
      std::sort(got.begin(), got.end());
      EXPECT_EQ(got, expected) << shares << " shares, ranges of " << range_bytes;
    }
  }
  // file:line:column of an offset.
  EXPECT_EQ((*files)->ErrorAt(1, 7 + 2, "bad").message(), dir.path() + "/in1.csv:2:3: bad");
}

TEST(InputFilesTest, QuotedCsvGoesWholeToTheShareHoldingItsStart) {
  TempDir dir;
  WriteText(dir.path() + "/q.csv", "a,\"multi\nline\"\nb,c\nd,e\n");
  auto list = InputFiles::List(dir.path() + "/q.csv");
  ASSERT_TRUE(list.ok());
  auto files = InputFiles::Map(*list, CopyOptions{}, true);
  ASSERT_TRUE(files.ok());
  auto first = (*files)->Split(0, 1, 4);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].begin, 0u);
  EXPECT_EQ(first[0].end, (*files)->data(0).size());
  EXPECT_TRUE((*files)->Split(1, (*files)->total_bytes(), 4).empty());
}

TEST(InputFilesTest, RefusesAFileOfAnotherSizeAndNamesIt) {
  TempDir dir;
  WriteText(dir.path() + "/a.tbl", "1|\n2|\n");
  auto list = InputFiles::List(dir.path() + "/a.tbl");
  ASSERT_TRUE(list.ok());
  WriteText(dir.path() + "/a.tbl", "1|\n");
  auto files = InputFiles::Map(*list, CopyOptions{}, false);
  ASSERT_FALSE(files.ok());
  EXPECT_NE(files.status().message().find("a.tbl has 3 bytes here but 6"), std::string::npos)
      << files.status().ToString();
  EXPECT_EQ(InputFiles::List(dir.path() + "/none*").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace ibex::storage
