#include "storage/datagen/calendar.h"

#include <vector>

#include "common/check.h"

namespace ibex::datagen {
namespace {

bool IsLeap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DaysInMonth(int year, int month) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return kDays[month - 1] + (month == 2 && IsLeap(year) ? 1 : 0);
}

std::vector<CalendarDay> BuildCalendar() {
  std::vector<CalendarDay> days;
  days.reserve(kTotalDays);
  int year = 1992, month = 1, day = 1, day_of_year = 1;
  int weekday = 3;  // 1992-01-01 was a Wednesday
  for (int i = 0; i < kTotalDays; ++i) {
    CalendarDay d{};
    d.year = year;
    d.month = month;
    d.day = day;
    d.day_of_year = day_of_year;
    d.weekday = weekday;
    d.last_of_month = day == DaysInMonth(year, month);
    d.yyyymmdd = year * 10000 + month * 100 + day;
    const int parts[3] = {year, month, day};
    char* p = d.iso.data();
    p[0] = static_cast<char>('0' + parts[0] / 1000);
    p[1] = static_cast<char>('0' + parts[0] / 100 % 10);
    p[2] = static_cast<char>('0' + parts[0] / 10 % 10);
    p[3] = static_cast<char>('0' + parts[0] % 10);
    p[4] = '-';
    p[5] = static_cast<char>('0' + parts[1] / 10);
    p[6] = static_cast<char>('0' + parts[1] % 10);
    p[7] = '-';
    p[8] = static_cast<char>('0' + parts[2] / 10);
    p[9] = static_cast<char>('0' + parts[2] % 10);
    days.push_back(d);

    weekday = (weekday + 1) % 7;
    ++day_of_year;
    if (++day > DaysInMonth(year, month)) {
      day = 1;
      if (++month > 12) {
        month = 1;
        ++year;
        day_of_year = 1;
      }
    }
  }
  return days;
}

}  // namespace

const CalendarDay& DayInfo(int day) {
  static const std::vector<CalendarDay> kDays = BuildCalendar();
  IBEX_CHECK(day >= 0 && day < kTotalDays) << "day " << day;
  return kDays[static_cast<size_t>(day)];
}

}  // namespace ibex::datagen
