#include "net/rdma/slot_credits.h"

#include <gtest/gtest.h>

namespace ibex::net {
namespace {

TEST(SlotCreditsTest, HandsOutEverySlotOnceAndTakesThemBack) {
  SlotCredits c(4, 1, 1);
  ExchangeKey e{1, 1};
  c.Open(e);
  std::vector<uint32_t> got;
  while (auto s = c.Take(e)) got.push_back(*s);
  EXPECT_EQ(got, (std::vector<uint32_t>{0, 1, 2, 3}));
  EXPECT_FALSE(c.CanTake(e));
  EXPECT_TRUE(c.Return(e, 2));
  EXPECT_FALSE(c.Return(e, 2)) << "double return must be rejected";
  EXPECT_EQ(c.Take(e), 2u);
}

TEST(SlotCreditsTest, ReserveKeepsSlotsForAnotherOpenExchange) {
  // 6 slots, 2 reserved per exchange, 2 exchanges: A may hold at most 4.
  SlotCredits c(6, 2, 2);
  ExchangeKey a{1, 1}, b{1, 2};
  c.Open(a);
  c.Open(b);
  int taken = 0;
  while (c.Take(a)) ++taken;
  EXPECT_EQ(taken, 4);
  EXPECT_EQ(c.used(a), 4u);
  EXPECT_TRUE(c.Take(b).has_value());
  EXPECT_TRUE(c.Take(b).has_value());
  EXPECT_FALSE(c.Take(b).has_value());
}

TEST(SlotCreditsTest, ReserveOfAThirdExchangeIsHonouredDynamically) {
  SlotCredits c(8, 2, 2);  // cap 6
  ExchangeKey a{1, 1}, b{1, 2}, x{1, 3};
  c.Open(a);
  c.Open(b);
  c.Open(x);
  int taken = 0;
  while (c.Take(a)) ++taken;
  EXPECT_EQ(taken, 4) << "8 slots minus the unfilled reserve of b and x";
  EXPECT_EQ(*c.Take(b), 4u);
  EXPECT_TRUE(c.Take(x));
}

TEST(SlotCreditsTest, ClosedExchangeNeedsNoReserve) {
  SlotCredits c(4, 2, 1);
  ExchangeKey a{1, 1}, b{1, 2};
  c.Open(a);
  c.Open(b);
  c.Close(b);
  int taken = 0;
  while (c.Take(a)) ++taken;
  EXPECT_EQ(taken, 4);
}

TEST(SlotCreditsTest, CreditForAnotherExchangeIsRejected) {
  SlotCredits c(4, 1, 1);
  ExchangeKey a{1, 1}, b{1, 2};
  c.Open(a);
  uint32_t s = *c.Take(a);
  EXPECT_FALSE(c.Return(b, s));
  EXPECT_FALSE(c.Return(a, 99));
  EXPECT_TRUE(c.Return(a, s));
}

}  // namespace
}  // namespace ibex::net
