// Persistence: reopening, executor-count mismatch, corruption detection, and crashes
// (a real SIGKILL of a child process) at every step of a load, a DDL and the epoch commit.
#include <cstdlib>
#include <iterator>
#include <set>

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "storage/local_store.h"
#include "storage/persist/layout.h"
#include "tests/unit/storage/storage_test_util.h"

namespace ibex::storage {
namespace {

using testing::ReadAllRows;
using testing::TempDir;
using testing::WriteText;

TableDef Items() {
  TableDef def;
  def.name = "items";
  def.columns = {
      {"id", DataType::Bigint(), true},         {"ok", DataType::Boolean(), false},
      {"x", DataType::Double(), false},         {"price", DataType::Decimal(12, 2), false},
      {"big", DataType::Decimal(25, 3), false}, {"day", DataType::Date(), false},
      {"name", DataType::Varchar(12), false},   {"tag", DataType::Char(3), false},
      {"n", DataType::Integer(), false}};
  return def;
}

// rows [from, to) of an items file; every 10th row has NULLs.
std::string ItemsText(int from, int to) {
  std::string s;
  for (int i = from; i < to; ++i) {
    if (i % 10 == 9) {
      s += std::to_string(i) + ",,,,,,,,\n";
      continue;
    }
    s += std::to_string(i) + "," + (i % 2 ? "true" : "false") + "," + std::to_string(i) + ".5," +
         std::to_string(i) + ".25,1234567890123456789012." + std::to_string(i % 1000) +
         ",2001-02-" + std::to_string(10 + i % 18) + ",name" + std::to_string(i % 7) + ",T" +
         std::to_string(i % 3) + "," + std::to_string(-i) + "\n";
  }
  return s;
}

CopyOptions SmallBlocks() {
  CopyOptions o;
  o.block_rows = 64;
  return o;
}

// Runs `body` in a forked child with IBEX_CRASH_AT=step; returns the child's wait status.
template <typename Body>
int RunChild(const char* step, Body body) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (step != nullptr) ::setenv("IBEX_CRASH_AT", step, 1);
    const bool ok = body();
    ::_exit(ok ? 0 : 1);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

int64_t RowCount(const LocalStore& store, std::string_view table) {
  auto rows = ReadAllRows(store, table);
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  return rows.ok() ? static_cast<int64_t>(rows->size()) : -1;
}

// Every file under the data directory is named by the committed state (no leftovers).
void ExpectNoLeftovers(const std::string& data, const LocalStore& store) {
  std::set<std::string> expected;
  for (const std::string& name : store.catalog().TableNames()) {
    const Table* t = store.catalog().FindTable(name);
    for (int p = 0; p < store.num_partitions(); ++p) {
      for (const BlockMeta& b : t->partitions[p].blocks) {
        expected.insert(TableDir(ExpandDataDir(data, p + 1), p, t->table_id) + "/" +
                        BlockFileName(b.block_id));
      }
    }
  }
  for (int p = 0; p < store.num_partitions(); ++p) {
    auto tables = ListDir(PartitionDir(ExpandDataDir(data, p + 1), p));
    ASSERT_TRUE(tables.ok());
    for (const std::string& t : *tables) {
      const std::string dir = PartitionDir(ExpandDataDir(data, p + 1), p) + "/" + t;
      auto files = ListDir(dir);
      ASSERT_TRUE(files.ok());
      int manifests = 0;
      for (const std::string& f : *files) {
        if (ParseManifestEpoch(f)) {
          ++manifests;
          continue;
        }
        EXPECT_EQ(expected.count(dir + "/" + f), 1u) << "left over: " << dir << "/" << f;
      }
      EXPECT_LE(manifests, 1) << dir;
    }
  }
}

TEST(PersistTest, ASecondProcessFindsLoadedTablesIntact) {
  TempDir dir;
  const std::string data = dir.path() + "/r%r";
  WriteText(dir.path() + "/items.csv", ItemsText(0, 1000));
  const int status = RunChild(nullptr, [&] {
    auto store = LocalStore::Open(data, 2);
    return store.ok() && (*store)->CreateTable(Items()).ok() &&
           (*store)->Copy("items", dir.path() + "/items.csv", SmallBlocks()).ok();
  });
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  auto store = LocalStore::Open(data, 2);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto rows = ReadAllRows(**store, "items");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 1000u);
  std::set<std::string> got(rows->begin(), rows->end());
  EXPECT_EQ(got.count("5|true|5.5|5.25|1234567890123456789012.500|2001-02-15|name5|T2|-5"), 1u);
  EXPECT_EQ(got.count("9|NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL"), 1u);
  EXPECT_EQ((*store)->catalog().FindTable("ITEMS")->stats.row_count, 1000);
  EXPECT_EQ((*store)->catalog().FindTable("items")->stats.null_fraction(1), 0.1);
  // The rank expansion put each partition under its own root.
  EXPECT_TRUE(FileExists(dir.path() + "/r0/CATALOG"));
  EXPECT_TRUE(FileExists(dir.path() + "/r1/p0"));
  EXPECT_TRUE(FileExists(dir.path() + "/r2/p1"));
}

TEST(PersistTest, ADifferentNumberOfExecutorsIsRefusedClearly) {
  TempDir dir;
  ASSERT_TRUE(LocalStore::Open(dir.path(), 3).ok());
  auto again = LocalStore::Open(dir.path(), 2);
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.status().message().find("holds 3 partitions"), std::string::npos);
  EXPECT_NE(again.status().message().find("this job has 2 executors"), std::string::npos);
}

TEST(PersistTest, ALostCatalogDoesNotWipeThePartitions) {
  TempDir dir;
  WriteText(dir.path() + "/items.csv", ItemsText(0, 100));
  const std::string data = dir.path() + "/r%r";
  {
    auto store = LocalStore::Open(data, 1);
    ASSERT_TRUE((*store)->CreateTable(Items()).ok());
    ASSERT_TRUE((*store)->Copy("items", dir.path() + "/items.csv", SmallBlocks()).ok());
  }
  ASSERT_TRUE(RemoveFile(dir.path() + "/r0/CATALOG").ok());
  auto reopened = LocalStore::Open(data, 1);
  ASSERT_FALSE(reopened.ok());
  EXPECT_NE(reopened.status().message().find("refusing to remove it"), std::string::npos);
  EXPECT_TRUE(FileExists(TableDir(dir.path() + "/r1", 0, 1)));
}

TEST(PersistTest, CorruptBlocksAndCatalogAreErrorsNamingTheFile) {
  TempDir dir;
  WriteText(dir.path() + "/items.csv", ItemsText(0, 200));
  {
    auto store = LocalStore::Open(dir.path(), 1);
    ASSERT_TRUE((*store)->CreateTable(Items()).ok());
    {
      auto r = (*store)->Copy("items", dir.path() + "/items.csv", SmallBlocks());
      ASSERT_TRUE(r.ok()) << r.status().ToString();
    }
  }
  auto store = LocalStore::Open(dir.path(), 1);
  ASSERT_TRUE(store.ok());
  const Table* t = (*store)->catalog().FindTable("items");
  const BlockMeta& b = t->partitions[0].blocks[1];
  const std::string path = TableDir(dir.path(), 0, t->table_id) + "/" + BlockFileName(b.block_id);
  auto bytes = ReadFile(path);
  ASSERT_TRUE(bytes.ok());
  std::string bad = *bytes;
  bad[bad.size() - 10] ^= 1;  // inside the last column's section
  ASSERT_TRUE(WriteFileSynced(path, bad).ok());
  auto block = (*store)->ReadBlock("items", 0, 1, {});
  ASSERT_FALSE(block.ok());
  EXPECT_EQ(block.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(block.status().message(),
            path + ": block " + std::to_string(b.block_id) + " column 8: checksum mismatch");
  // The columns whose bytes are intact still read.
  EXPECT_TRUE((*store)->ReadBlock("items", 0, 1, {0, 6}).ok());
  // A damaged catalog refuses to open.
  auto cat = ReadFile(dir.path() + "/CATALOG");
  std::string bad_cat = *cat;
  bad_cat[40] ^= 4;
  ASSERT_TRUE(WriteFileSynced(dir.path() + "/CATALOG", bad_cat).ok());
  auto reopened = LocalStore::Open(dir.path(), 1);
  ASSERT_FALSE(reopened.ok());
  EXPECT_EQ(reopened.status().code(), StatusCode::kCorruption);
  EXPECT_NE(reopened.status().message().find(dir.path() + "/CATALOG"), std::string::npos);
}

TEST(PersistTest, DropTableRemovesItsFilesAndSchemaVersionMoves) {
  TempDir dir;
  WriteText(dir.path() + "/items.csv", ItemsText(0, 100));
  auto store = LocalStore::Open(dir.path(), 2);
  ASSERT_TRUE((*store)->CreateTable(Items()).ok());
  {
    auto r = (*store)->Copy("items", dir.path() + "/items.csv", SmallBlocks());
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  const uint64_t id = (*store)->catalog().FindTable("items")->table_id;
  const uint64_t version = (*store)->catalog().schema_version();
  ASSERT_TRUE(FileExists(TableDir(dir.path(), 0, id)));
  ASSERT_TRUE((*store)->DropTable("items").ok());
  EXPECT_EQ((*store)->catalog().schema_version(), version + 1);
  EXPECT_FALSE(FileExists(TableDir(dir.path(), 0, id)));
  EXPECT_FALSE(FileExists(TableDir(dir.path(), 1, id)));
  ASSERT_TRUE((*store)->CreateView({"v", {}, "select 1"}).ok());
  auto reopened = LocalStore::Open(dir.path(), 2);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->catalog().FindTable("items"), nullptr);
  EXPECT_EQ((*reopened)->catalog().FindView("V")->sql, "select 1");
  EXPECT_EQ((*reopened)->catalog().schema_version(), version + 2);
}

// The steps of a load and its commit, in order; a crash at one of the first five leaves the
// old state, at any later one the new state.
constexpr const char* kLoadSteps[] = {
    "load.block_written",   "load.blocks_written", "load.manifest_written", "load.before_commit",
    "commit.before_rename", "commit.after_rename", "commit.after_fsync",    "gc.partition_done"};
constexpr int kFirstNewStateStep = 5;

TEST(CrashTest, AKillAtAnyStepOfALoadLeavesTheOldOrTheNewState) {
  TempDir dir;
  WriteText(dir.path() + "/first.csv", ItemsText(0, 300));
  WriteText(dir.path() + "/second.csv", ItemsText(300, 800));
  for (int step = 0; step < static_cast<int>(std::size(kLoadSteps)); ++step) {
    SCOPED_TRACE(kLoadSteps[step]);
    TempDir data_dir;
    const std::string data = data_dir.path() + "/r%r";
    {
      auto store = LocalStore::Open(data, 2);
      ASSERT_TRUE(store.ok());
      ASSERT_TRUE((*store)->CreateTable(Items()).ok());
      ASSERT_TRUE((*store)->Copy("items", dir.path() + "/first.csv", SmallBlocks()).ok());
    }
    const int status = RunChild(kLoadSteps[step], [&] {
      auto store = LocalStore::Open(data, 2);
      return store.ok() && (*store)->Copy("items", dir.path() + "/second.csv", SmallBlocks()).ok();
    });
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "the child was not killed";
    auto store = LocalStore::Open(data, 2);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    const int64_t expected = step < kFirstNewStateStep ? 300 : 800;
    EXPECT_EQ(RowCount(**store, "items"), expected);
    EXPECT_EQ((*store)->catalog().FindTable("items")->stats.row_count, expected);
    ExpectNoLeftovers(data, **store);
    // The store keeps working after recovery.
    ASSERT_TRUE((*store)->Copy("items", dir.path() + "/first.csv", SmallBlocks()).ok());
    EXPECT_EQ(RowCount(**store, "items"), expected + 300);
  }
}

TEST(CrashTest, AKillDuringCreateOrDropTableLeavesTheOldOrTheNewState) {
  TempDir dir;
  WriteText(dir.path() + "/first.csv", ItemsText(0, 100));
  constexpr const char* kSteps[] = {"load.before_commit", "commit.before_rename",
                                    "commit.after_rename", "gc.partition_done"};
  for (int step = 0; step < 4; ++step) {
    SCOPED_TRACE(kSteps[step]);
    const bool committed = step >= 2;
    TempDir data;
    {
      auto store = LocalStore::Open(data.path(), 2);
      ASSERT_TRUE((*store)->CreateTable(Items()).ok());
      ASSERT_TRUE((*store)->Copy("items", dir.path() + "/first.csv", SmallBlocks()).ok());
    }
    int status = RunChild(kSteps[step], [&] {
      auto store = LocalStore::Open(data.path(), 2);
      TableDef other = Items();
      other.name = "other";
      return store.ok() && (*store)->CreateTable(other).ok();
    });
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    status = RunChild(kSteps[step], [&] {
      auto store = LocalStore::Open(data.path(), 2);
      return store.ok() && (*store)->DropTable("items").ok();
    });
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    auto store = LocalStore::Open(data.path(), 2);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    EXPECT_EQ((*store)->catalog().FindTable("other") != nullptr, committed);
    EXPECT_EQ((*store)->catalog().FindTable("items") == nullptr, committed);
    if (!committed) {
      EXPECT_EQ(RowCount(**store, "items"), 100);
    }
    ExpectNoLeftovers(data.path(), **store);
  }
}

}  // namespace
}  // namespace ibex::storage
