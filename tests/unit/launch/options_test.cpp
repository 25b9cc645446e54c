#include "mpi_launch/options.h"

#include <gtest/gtest.h>

namespace ibex::launch {
namespace {

Result<LaunchOptions> Parse(std::vector<std::string> args) { return ParseLaunchOptions(args); }

TEST(LaunchOptionsTest, DefaultsWithoutArguments) {
  Result<LaunchOptions> o = Parse({});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->pin, PinMode::kAuto);
  EXPECT_FALSE(o->report_bindings);
  EXPECT_FALSE(o->workers.has_value());
  EXPECT_EQ(o->format, OutputFormat::kTable);
  EXPECT_EQ(o->on_error, OnError::kStop);
}

TEST(LaunchOptionsTest, BothValueSpellingsAndRepeatedFiles) {
  Result<LaunchOptions> o = Parse({"--pin=launcher", "--workers", "3", "-f", "a.sql", "--file=b.sql",
                                   "--format", "csv", "--on-error=continue", "--data-dir",
                                   "/scratch/%r", "--report-bindings", "-c", "SELECT 1"});
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->pin, PinMode::kLauncher);
  EXPECT_EQ(o->workers, 3);
  EXPECT_EQ(o->files, (std::vector<std::string>{"a.sql", "b.sql"}));
  EXPECT_EQ(o->commands, std::vector<std::string>{"SELECT 1"});
  EXPECT_EQ(o->format, OutputFormat::kCsv);
  EXPECT_EQ(o->on_error, OnError::kContinue);
  EXPECT_EQ(o->data_dir, "/scratch/%r");
  EXPECT_TRUE(o->report_bindings);
}

TEST(LaunchOptionsTest, ErrorsNameTheOffendingArgument) {
  EXPECT_EQ(Parse({"--frobnicate"}).status().message(),
            "unknown argument '--frobnicate' (see ibex --help)");
  EXPECT_EQ(Parse({"--workers", "0"}).status().message(),
            "--workers needs a whole number from 1 to 4096, not '0'");
  EXPECT_EQ(Parse({"--workers", "2x"}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Parse({"-f"}).status().message(), "-f needs a value");
  EXPECT_EQ(Parse({"--pin=sideways"}).status().message(),
            "--pin must be auto, launcher or none, not 'sideways'");
  EXPECT_EQ(Parse({"--format", "xml"}).status().message(),
            "--format must be table, csv or json, not 'xml'");
  EXPECT_EQ(Parse({"--help=yes"}).status().message(), "--help takes no value");
}

TEST(LaunchOptionsTest, HelpMentionsEveryOption) {
  std::string usage = UsageText();
  for (const char* flag : {"--file", "--command", "--format", "--on-error", "--data-dir", "--pin",
                           "--workers", "--report-bindings", "--help", "--version"}) {
    EXPECT_NE(usage.find(flag), std::string::npos) << flag;
  }
  EXPECT_EQ(VersionText().rfind("ibex ", 0), 0u);
}

}  // namespace
}  // namespace ibex::launch
