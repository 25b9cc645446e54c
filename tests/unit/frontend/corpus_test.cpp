// Runs the statement corpus in corpus/*.test: good statements must parse and bind (DDL is
// applied, so later records see it), bad ones must fail with exactly the expected message.
//
// Format (records separated by blank lines, `#` lines are comments):
//   load tpch|ssb                 the benchmark schema into the corpus's catalog
//   statement ok                  then the SQL lines
//   statement error               then the SQL lines, a line "----", the expected message
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "tests/unit/frontend/frontend_test_util.h"

namespace ibex::sql {
namespace {

struct Record {
  std::string file;
  int line = 0;
  std::string kind;  // "load", "ok", "error"
  std::string argument;
  std::string sql;
  std::string expected;
};

std::vector<Record> ReadCorpus(const std::filesystem::path& path) {
  std::vector<Record> records;
  std::istringstream in(test::ReadFile(path.string()));
  std::string line;
  int number = 0;
  Record current;
  enum { kIdle, kSql, kExpected } state = kIdle;
  auto finish = [&] {
    if (state != kIdle) records.push_back(current);
    current = Record{};
    state = kIdle;
  };
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) {
      finish();
      continue;
    }
    if (state == kIdle) {
      if (line[0] == '#') continue;
      current.file = path.filename().string();
      current.line = number;
      if (line.rfind("load ", 0) == 0) {
        current.kind = "load";
        current.argument = line.substr(5);
        records.push_back(current);
        current = Record{};
        continue;
      }
      current.kind = line == "statement ok" ? "ok" : line == "statement error" ? "error" : "?" + line;
      state = kSql;
      continue;
    }
    if (state == kSql && line == "----") {
      state = kExpected;
      continue;
    }
    std::string& target = state == kSql ? current.sql : current.expected;
    if (!target.empty()) target += '\n';
    target += line;
  }
  finish();
  return records;
}

TEST(CorpusTest, EveryRecordGivesItsExpectedOutcome) {
  int files = 0, good = 0, bad = 0;
  for (const auto& entry : std::filesystem::directory_iterator(test::CorpusDir())) {
    if (entry.path().extension() != ".test") continue;
    ++files;
    storage::Catalog catalog;
    for (const Record& r : ReadCorpus(entry.path())) {
      SCOPED_TRACE(r.file + ":" + std::to_string(r.line));
      if (r.kind == "load") {
        std::string err = test::RunDdl(test::ReadFile(test::BenchmarksDir() + "/schema/" + r.argument + ".sql"), catalog);
        ASSERT_EQ(err, "");
        continue;
      }
      ASSERT_TRUE(r.kind == "ok" || r.kind == "error") << "bad record header: " << r.kind;
      std::string outcome = test::RunDdl(r.sql, catalog);
      if (r.kind == "ok") {
        EXPECT_EQ(outcome, "") << r.sql;
        ++good;
      } else {
        EXPECT_EQ(outcome, r.expected) << r.sql;
        // The actual text, verbatim, for updating the corpus after a deliberate change.
        if (outcome != r.expected) std::printf("ACTUAL %s:%d\n%s\nEND\n", r.file.c_str(), r.line, outcome.c_str());
        ++bad;
      }
    }
  }
  EXPECT_GE(files, 3);
  EXPECT_GE(good, 40);
  EXPECT_GE(bad, 40);
}

}  // namespace
}  // namespace ibex::sql
