// The ibex-datagen tool: exit 2 with a reason on bad flags, 0 with the files on success.
#include <cstdlib>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <sys/wait.h>

#include "tests/unit/datagen/tbl_test_util.h"

namespace {

int RunDatagen(const std::string& args) {
  const std::string command = std::string(IBEX_DATAGEN_BINARY) + " " + args + " >/dev/null 2>&1";
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(DatagenMainTest, BadFlagsExitWithTwo) {
  EXPECT_EQ(RunDatagen(""), 2);
  EXPECT_EQ(RunDatagen("--benchmark tpcds --scale-factor 1 --output /tmp/x"), 2);
  EXPECT_EQ(RunDatagen("--benchmark tpch --scale-factor abc --output /tmp/x"), 2);
  EXPECT_EQ(RunDatagen("--benchmark tpch --scale-factor -1 --output /tmp/x"), 2);
  EXPECT_EQ(RunDatagen("--benchmark tpch --scale-factor 1"), 2);
  EXPECT_EQ(RunDatagen("--benchmark tpch --scale-factor 1 --output /tmp/x --parts 2"), 2);
  EXPECT_EQ(RunDatagen("--benchmark tpch --scale-factor 1 --output /tmp/x --parts 2 --part 2"), 2);
  EXPECT_EQ(RunDatagen("--benchmark ssb --scale-factor 1 --output /tmp/x --tables lineitem"), 2);
  EXPECT_EQ(RunDatagen("--benchmark ssb --scale-factor 1 --output /tmp/x --frobnicate 3"), 2);
  EXPECT_EQ(RunDatagen("--help"), 0);
}

TEST(DatagenMainTest, WritesTheTables) {
  const std::string dir = ibex::datagen::testing::ScratchDir("main");
  EXPECT_EQ(RunDatagen("--benchmark=ssb --scale-factor=0.01 --output " + dir +
                       " --tables date,supplier --parts 2 --part 1 --no-sync"),
            0);
  EXPECT_TRUE(std::filesystem::exists(dir + "/date.tbl.1"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/supplier.tbl.1"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/part.tbl.1"));
  std::filesystem::remove_all(dir);
}

}  // namespace
