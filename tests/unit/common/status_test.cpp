#include "common/status.h"

#include <gtest/gtest.h>

#include "common/check.h"

namespace ibex {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return Status::InvalidArgument("odd: " + std::to_string(x));
  return x / 2;
}

Result<int> Quarter(int x) {
  IBEX_ASSIGN_OR_RETURN(int half, Half(x));
  IBEX_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

Status NeedsEven(int x) {
  IBEX_RETURN_IF_ERROR(Half(x).status());
  return Status::OK();
}

TEST(StatusTest, OkAndErrorsRenderWithTheirCode) {
  EXPECT_TRUE(Status::OK().ok());
  EXPECT_EQ(Status::OK().ToString(), "OK");
  Status s = Status::IoError("open /x: No such file");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kIoError);
  EXPECT_EQ(s.ToString(), "IoError: open /x: No such file");
}

TEST(StatusTest, AnnotatePrependsContextAndLeavesOkAlone) {
  Status s = Status::PeerFailed("connection reset").Annotate("rank 2 (node7)");
  EXPECT_EQ(s.message(), "rank 2 (node7): connection reset");
  EXPECT_TRUE(Status::OK().Annotate("ignored").ok());
}

TEST(StatusTest, FromErrnoNamesCallAndPath) {
  Status s = Status::FromErrno("open", "/no/such", ENOENT);
  EXPECT_EQ(s.code(), StatusCode::kIoError);
  EXPECT_EQ(s.message(), "open /no/such: No such file or directory");
}

TEST(ResultTest, PropagatesThroughMacros) {
  EXPECT_EQ(*Quarter(12), 3);
  Result<int> bad = Quarter(6);  // 6 -> 3 -> odd
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "odd: 3");
  EXPECT_TRUE(NeedsEven(4).ok());
  EXPECT_EQ(NeedsEven(5).code(), StatusCode::kInvalidArgument);
}

TEST(ResultTest, OkStatusWithoutValueBecomesInternalError) {
  Result<int> r{Status::OK()};
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
}

TEST(CheckDeathTest, PrintsBothOperands) {
  int a = 3, b = 4;
  EXPECT_DEATH(IBEX_CHECK_EQ(a, b) << "context here", "a == b \\(3 vs. 4\\).*context here");
  EXPECT_DEATH(IBEX_CHECK(a > b), "Check failed: a > b");
}

}  // namespace
}  // namespace ibex
