#include "storage/types.h"

#include <limits>

#include <gtest/gtest.h>

namespace ibex::storage {
namespace {

std::string RoundTrip(DataType type, std::string_view text) {
  auto v = Value::Parse(type, text);
  EXPECT_TRUE(v.ok()) << type.ToString() << " " << text << ": " << v.status().ToString();
  return v.ok() ? v->ToString() : "<error>";
}

TEST(DataTypeTest, ToStringAndParseAgree) {
  for (DataType t :
       {DataType::Boolean(), DataType::Integer(), DataType::Bigint(), DataType::Double(),
        DataType::Decimal(15, 2), DataType::Decimal(38, 10), DataType::Date(),
        DataType::Varchar(25), DataType::Varchar(), DataType::Char(1)}) {
    auto parsed = ParseDataType(t.ToString());
    ASSERT_TRUE(parsed.ok()) << t.ToString();
    EXPECT_EQ(*parsed, t) << t.ToString();
  }
  EXPECT_EQ(DataType::Decimal(15, 2).ToString(), "DECIMAL(15,2)");
  EXPECT_EQ(*ParseDataType("int"), DataType::Integer());
  EXPECT_EQ(*ParseDataType("numeric(10)"), DataType::Decimal(10, 0));
  EXPECT_EQ(*ParseDataType(" decimal( 15 , 2 ) "), DataType::Decimal(15, 2));
  EXPECT_FALSE(ParseDataType("decimal(40,2)").ok());
  EXPECT_FALSE(ParseDataType("decimal(5,6)").ok());
  EXPECT_FALSE(ParseDataType("blob").ok());
}

TEST(DataTypeTest, PhysicalTypes) {
  EXPECT_EQ(DataType::Decimal(18, 2).physical(), PhysicalType::kInt64);
  EXPECT_EQ(DataType::Decimal(19, 2).physical(), PhysicalType::kInt128);
  EXPECT_EQ(DataType::Date().physical(), PhysicalType::kInt32);
  EXPECT_EQ(DataType::Char(3).physical(), PhysicalType::kString);
}

TEST(ValueTest, ParseAndFormatEveryType) {
  EXPECT_EQ(RoundTrip(DataType::Boolean(), "TRUE"), "true");
  EXPECT_EQ(RoundTrip(DataType::Boolean(), "f"), "false");
  EXPECT_EQ(RoundTrip(DataType::Integer(), "-2147483648"), "-2147483648");
  EXPECT_EQ(RoundTrip(DataType::Integer(), "+17"), "17");
  EXPECT_EQ(RoundTrip(DataType::Bigint(), "9223372036854775807"), "9223372036854775807");
  EXPECT_EQ(RoundTrip(DataType::Double(), "0.1"), "0.1");
  EXPECT_EQ(RoundTrip(DataType::Double(), "1e300"), "1e+300");
  EXPECT_EQ(RoundTrip(DataType::Decimal(15, 2), "21168.23"), "21168.23");
  EXPECT_EQ(RoundTrip(DataType::Decimal(15, 2), "-0.04"), "-0.04");
  EXPECT_EQ(RoundTrip(DataType::Decimal(15, 2), "7"), "7.00");
  EXPECT_EQ(RoundTrip(DataType::Decimal(15, 2), ".5"), "0.50");
  EXPECT_EQ(RoundTrip(DataType::Decimal(15, 2), "1.005"), "1.01");  // half away from zero
  EXPECT_EQ(RoundTrip(DataType::Decimal(15, 2), "-1.005"), "-1.01");
  EXPECT_EQ(RoundTrip(DataType::Decimal(38, 4), "-12345678901234567890123456789012.3456"),
            "-12345678901234567890123456789012.3456");
  EXPECT_EQ(RoundTrip(DataType::Decimal(5, 0), "00012"), "12");
  EXPECT_EQ(RoundTrip(DataType::Date(), "1996-03-13"), "1996-03-13");
  EXPECT_EQ(RoundTrip(DataType::Date(), "2000-02-29"), "2000-02-29");
  EXPECT_EQ(RoundTrip(DataType::Date(), "1969-12-31"), "1969-12-31");
  EXPECT_EQ(RoundTrip(DataType::Varchar(5), "héllo"), "héllo");  // 5 characters, 6 bytes
  EXPECT_EQ(RoundTrip(DataType::Char(10), "TRUCK   "), "TRUCK");
}

TEST(ValueTest, RejectsBadTextWithAReason) {
  auto expect_error = [](DataType t, std::string_view text, std::string_view reason) {
    auto v = Value::Parse(t, text);
    ASSERT_FALSE(v.ok()) << t.ToString() << " accepted " << text;
    EXPECT_NE(v.status().message().find(reason), std::string::npos) << v.status().ToString();
  };
  expect_error(DataType::Integer(), "12x", "invalid INTEGER");
  expect_error(DataType::Integer(), "", "invalid INTEGER");
  expect_error(DataType::Integer(), "2147483648", "out of range");
  expect_error(DataType::Bigint(), "1.5", "invalid BIGINT");
  expect_error(DataType::Double(), "abc", "invalid DOUBLE");
  expect_error(DataType::Decimal(15, 2), "1.2.3", "invalid DECIMAL");
  expect_error(DataType::Decimal(15, 2), "-", "invalid DECIMAL");
  expect_error(DataType::Decimal(4, 2), "123.4", "out of range");
  expect_error(DataType::Decimal(4, 2), "99.999", "out of range");  // rounds to 100.00
  expect_error(DataType::Date(), "1995-02-29", "invalid DATE");
  expect_error(DataType::Date(), "1995-13-01", "invalid DATE");
  expect_error(DataType::Date(), "19950101", "invalid DATE");
  expect_error(DataType::Boolean(), "maybe", "invalid BOOLEAN");
  expect_error(DataType::Varchar(3), "abcd", "too long for VARCHAR(3)");
}

TEST(ValueTest, Decimal64FastPathMatchesGeneralParser) {
  for (std::string_view text : {"0", "0.04", "-0.04", "21168.23", "1.5", "99999999999.99", "-12.3",
                                "000.10", "1.239", "5."}) {
    int64_t fast = 0;
    int128_t slow = 0;
    ASSERT_TRUE(ParseDecimal64(text, 15, 2, &fast).ok()) << text;
    ASSERT_TRUE(ParseDecimal(text, 15, 2, &slow).ok()) << text;
    EXPECT_EQ(static_cast<int128_t>(fast), slow) << text;
  }
  int64_t v;
  EXPECT_FALSE(ParseDecimal64("1234567890123456.00", 15, 2, &v).ok());
}

TEST(ValueTest, DatesRoundTripOverTheCalendar) {
  for (int32_t d = DaysFromCivil(1899, 12, 25); d < DaysFromCivil(2101, 1, 5); d += 1) {
    std::string s;
    FormatDate(d, &s);
    int32_t back = 0;
    ASSERT_TRUE(ParseDate(s, &back).ok()) << s;
    ASSERT_EQ(back, d) << s;
  }
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
}

TEST(ValueTest, CompareAndInt128Extremes) {
  EXPECT_LT(Value::Integer(-3).Compare(Value::Integer(2)), 0);
  EXPECT_EQ(Value::Decimal(150, DataType::Decimal(10, 2))
                .Compare(Value::Decimal(1500, DataType::Decimal(10, 3))),
            0);
  EXPECT_GT(Value::String("b").Compare(Value::String("abc")), 0);
  // Mixed numeric types compare by value (zone maps against constants of another type).
  const DataType d2 = DataType::Decimal(10, 2);
  EXPECT_EQ(Value::Integer(3).Compare(Value::Bigint(3)), 0);
  EXPECT_LT(Value::Integer(3).Compare(Value::Decimal(301, d2)), 0);
  EXPECT_GT(Value::Integer(3).Compare(Value::Decimal(299, d2)), 0);
  EXPECT_EQ(Value::Decimal(300, d2).Compare(Value::Integer(3)), 0);
  EXPECT_LT(Value::Decimal(-301, d2).Compare(Value::Integer(-3)), 0);
  EXPECT_GT(Value::Decimal(-299, d2).Compare(Value::Integer(-3)), 0);
  EXPECT_LT(Value::Decimal(7, d2).Compare(Value::Double(0.071)), 0);
  EXPECT_GT(Value::Double(2.5).Compare(Value::Integer(2)), 0);
  EXPECT_EQ(Value::Null(DataType::Date()).ToString(), "NULL");
  std::string s;
  FormatInt128(std::numeric_limits<int128_t>::min(), &s);
  EXPECT_EQ(s, "-170141183460469231731687303715884105728");
}

}  // namespace
}  // namespace ibex::storage
