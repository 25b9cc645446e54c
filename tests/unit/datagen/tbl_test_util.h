// Helpers for the datagen tests: a scratch folder per test, generating into it, and reading a
// .tbl file back as rows of fields (the trailing '|' checked and dropped).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

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

}  // namespace ibex::datagen::testing
