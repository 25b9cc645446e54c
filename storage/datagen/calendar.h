// The generators' calendar: days numbered from 1992-01-01 (day 0) to 1998-12-31 (day 2556),
// the span of TPC-H and SSB dates (dbgen's STARTDATE..ENDDATE, TOTDATE = 2557 days). Each day
// has its parts and its two text forms precomputed, so writing a date is a copy.
//
// Immutable after first use; any thread may read it.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace ibex::datagen {

constexpr int kTotalDays = 2557;   // 1992-01-01 .. 1998-12-31
constexpr int kCurrentDay = 1263;  // 1995-06-17, dbgen's CURRENTDATE

struct CalendarDay {
  int year;
  int month;        // 1..12
  int day;          // 1..31
  int day_of_year;  // 1..366
  int weekday;      // 0 = Sunday .. 6 = Saturday
  bool last_of_month;
  int32_t yyyymmdd;          // 19920101
  std::array<char, 10> iso;  // "1992-01-01", not terminated
  std::string_view Iso() const { return {iso.data(), iso.size()}; }
};

// Precondition: 0 <= day < kTotalDays.
const CalendarDay& DayInfo(int day);

}  // namespace ibex::datagen
