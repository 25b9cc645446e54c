// Helpers for the datagen tests: a scratch folder per test, generating into it, and reading a
// .tbl file back as rows of fields (the trailing '|' checked and dropped).
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "storage/datagen/datagen.h"

namespace ibex::datagen::testing {

inline std::string ScratchDir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("ibex_datagen_test_" + std::to_string(::getpid()) + "_" + name);
  std::filesystem::remove_all(dir);
  return dir.string();
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

using Row = std::vector<std::string>;

// Every line must end in "|\n"; returns the fields of each line.
inline std::vector<Row> ReadTbl(const std::string& path) {
  const std::string text = ReadFile(path);
  std::vector<Row> rows;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t eol = text.find('\n', pos);
    EXPECT_NE(eol, std::string::npos) << path << ": last line not terminated";
    if (eol == std::string::npos) break;
    const std::string line = text.substr(pos, eol - pos);
    EXPECT_TRUE(!line.empty() && line.back() == '|') << path << ": no trailing '|': " << line;
    Row fields;
    size_t start = 0;
    for (size_t bar = line.find('|'); bar != std::string::npos; bar = line.find('|', start)) {
      fields.push_back(line.substr(start, bar - start));
      start = bar + 1;
    }
    rows.push_back(std::move(fields));
    pos = eol + 1;
  }
  return rows;
}

inline GenerateOptions Options(Benchmark benchmark, double sf, const std::string& dir) {
  GenerateOptions options;
  options.benchmark = benchmark;
  options.scale_factor = sf;
  options.output_dir = dir;
  options.sync = false;
  return options;
}

// Each field of the first 3000 rows (std::regex is slow) matches its column's pattern.
inline void ExpectFormats(const std::string& table, const std::vector<Row>& rows,
                          const std::vector<std::string>& columns) {
  std::vector<std::regex> patterns;
  for (const auto& c : columns) patterns.emplace_back(c);
  for (size_t r = 0; r < std::min<size_t>(rows.size(), 3000); ++r) {
    ASSERT_EQ(rows[r].size(), columns.size()) << table << " row " << r;
    for (size_t c = 0; c < columns.size(); ++c) {
      ASSERT_TRUE(std::regex_match(rows[r][c], patterns[c]))
          << table << " row " << r << " column " << c << ": '" << rows[r][c] << "'";
    }
  }
}

// A suite fixture that generates one benchmark at a scale factor once and reads every table.
template <Benchmark kBenchmark, int kScaleThousandths>
class GeneratedTables : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(ScratchDir(kBenchmark == Benchmark::kSsb ? "ssb" : "tpch"));
    auto result = Generate(Options(kBenchmark, kScaleThousandths / 1000.0, *dir_));
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    tables_ = new std::map<std::string, std::vector<Row>>();
    for (const auto& name : TableNames(kBenchmark))
      (*tables_)[name] = ReadTbl(*dir_ + "/" + name + ".tbl");
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete dir_;
    delete tables_;
  }
  static const std::vector<Row>& T(const std::string& name) { return tables_->at(name); }
  static const std::string& dir() { return *dir_; }

 private:
  static inline std::string* dir_ = nullptr;
  static inline std::map<std::string, std::vector<Row>>* tables_ = nullptr;
};

}  // namespace ibex::datagen::testing
