#include "storage/datagen/ssb_generator.h"

#include <array>
#include <cmath>

#include "storage/datagen/calendar.h"
#include "storage/datagen/row_fields.h"
#include "storage/datagen/word_lists.h"

namespace ibex::datagen {
namespace {

constexpr uint64_t kPartStream = 0x2001;
constexpr uint64_t kSupplierStream = 0x2002;
constexpr uint64_t kCustomerStream = 0x2003;
constexpr uint64_t kOrderStream = 0x2004;

constexpr int kLastOrderDay = kTotalDays - (121 + 30) - 1;  // 1998-08-02, as TPC-H

struct Scale {
  int64_t parts;
  int64_t suppliers;
  int64_t customers;
  int64_t orders;
};

void MakeParts(int64_t first, int64_t last, std::vector<std::string>& out) {
  std::string& o = out[0];
  for (int64_t key = first + 1; key <= last; ++key) {
    RowRandom rng(kPartStream, static_cast<uint64_t>(key));
    // Three distinct colours: the first is p_color, the other two are p_name.
    int colors[3];
    PickDistinct(rng, static_cast<int>(Colors().size()), 3, colors);
    const int64_t mfgr = rng.Uniform(1, 5);
    const int64_t category = rng.Uniform(1, 5);
    const int64_t brand = rng.Uniform(1, 40);
    AppendIntField(o, key);
    o.append(Colors()[static_cast<size_t>(colors[1])]);
    o.push_back(' ');
    AppendField(o, Colors()[static_cast<size_t>(colors[2])]);
    o.append("MFGR#");
    AppendIntField(o, mfgr);
    o.append("MFGR#");
    AppendIntField(o, mfgr * 10 + category);
    o.append("MFGR#");
    AppendInt(o, mfgr * 10 + category);
    AppendIntField(o, brand);
    AppendField(o, Colors()[static_cast<size_t>(colors[0])]);
    AppendField(o, PickUniform(PartTypes(), rng));
    AppendIntField(o, rng.Uniform(1, 50));
    AppendField(o, PickUniform(Containers(), rng));
    EndRow(o);
  }
}

// c_city / s_city: the nation name cut or blank-padded to 9 characters, then a digit.
void AppendCity(RowRandom& rng, std::string_view nation, std::string& out) {
  const size_t start = out.size();
  out.append(nation.substr(0, 9));
  out.append(9 - (out.size() - start), ' ');
  AppendInt(out, rng.Uniform(0, 9));
}

// name|address|city|nation|region|phone| of a supplier or customer.
void AppendParty(RowRandom& rng, std::string_view tag, int64_t key, std::string& o) {
  AppendIntField(o, key);
  o.append(tag);
  AppendPadded(o, key, 9);
  o.push_back('|');
  AppendRandomString(rng, 10, 25, o);
  o.push_back('|');
  const auto nation = static_cast<int>(rng.Uniform(0, kNationCount - 1));
  const NationInfo& info = Nations()[static_cast<size_t>(nation)];
  AppendCity(rng, info.name, o);
  o.push_back('|');
  AppendField(o, info.name);
  AppendField(o, RegionNames()[static_cast<size_t>(info.region)]);
  AppendPhone(rng, nation, o);
  o.push_back('|');
}

void MakeSuppliers(int64_t first, int64_t last, std::vector<std::string>& out) {
  for (int64_t key = first + 1; key <= last; ++key) {
    RowRandom rng(kSupplierStream, static_cast<uint64_t>(key));
    AppendParty(rng, "Supplier#", key, out[0]);
    EndRow(out[0]);
  }
}

void MakeCustomers(int64_t first, int64_t last, std::vector<std::string>& out) {
  for (int64_t key = first + 1; key <= last; ++key) {
    RowRandom rng(kCustomerStream, static_cast<uint64_t>(key));
    AppendParty(rng, "Customer#", key, out[0]);
    AppendField(out[0], PickUniform(Segments(), rng));
    EndRow(out[0]);
  }
}

// The date dimension, as ssb-dbgen writes it. Its weekday is one day ahead of the calendar
// (1992-01-01, a Wednesday, is written "Thursday", day 5 of a week starting on Sunday); the
// official files and the reference answers have it so, and no query reads it.
void MakeDates(int64_t first, int64_t last, std::vector<std::string>& out) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "January", "February", "March",     "April",   "May",      "June",
      "July",    "August",   "September", "October", "November", "December"};
  static constexpr std::array<std::string_view, 7> kWeekdays = {
      "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
  std::string& o = out[0];
  for (int64_t i = first; i < last; ++i) {
    const CalendarDay& d = DayInfo(static_cast<int>(i));
    const int weekday = (d.weekday + 1) % 7;  // 0 = "Sunday"
    const std::string_view month = kMonths[static_cast<size_t>(d.month - 1)];
    AppendIntField(o, d.yyyymmdd);
    o.append(month);
    o.push_back(' ');
    AppendInt(o, d.day);
    o.append(", ");
    AppendIntField(o, d.year);
    AppendField(o, kWeekdays[static_cast<size_t>(weekday)]);
    AppendField(o, month);
    AppendIntField(o, d.year);
    AppendIntField(o, d.year * 100 + d.month);
    o.append(month.substr(0, 3));
    AppendIntField(o, d.year);
    AppendIntField(o, weekday + 1);
    AppendIntField(o, d.day);
    AppendIntField(o, d.day_of_year);
    AppendIntField(o, d.month);
    AppendIntField(o, d.day_of_year / 7 + 1);
    std::string_view season = "Fall";
    if (d.month >= 11) {
      season = "Christmas";
    } else if (d.month >= 5 && d.month <= 8) {
      season = "Summer";
    } else if (d.month <= 3) {
      season = "Winter";
    } else if (d.month == 4) {
      season = "Spring";
    }
    AppendField(o, season);
    AppendIntField(o, weekday == 6 ? 1 : 0);
    AppendIntField(o, d.last_of_month ? 1 : 0);
    static constexpr std::array<std::pair<int, int>, 10> kHolidays = {{{12, 24},
                                                                       {1, 1},
                                                                       {2, 20},
                                                                       {4, 20},
                                                                       {5, 20},
                                                                       {7, 20},
                                                                       {8, 20},
                                                                       {9, 20},
                                                                       {10, 20},
                                                                       {11, 20}}};
    bool holiday = false;
    for (const auto& [m, day] : kHolidays) holiday = holiday || (d.month == m && d.day == day);
    AppendIntField(o, holiday ? 1 : 0);
    AppendIntField(o, weekday != 0 && weekday != 6 ? 1 : 0);
    EndRow(o);
  }
}

void MakeLineorders(const Scale& s, int64_t first, int64_t last, std::vector<std::string>& out) {
  struct Line {
    int64_t partkey, suppkey, quantity, discount, tax, eprice, rprice;
    int commit_day;
    std::string_view shipmode;
  };
  std::string& o = out[0];
  Line lines[7];
  for (int64_t n = first + 1; n <= last; ++n) {
    RowRandom rng(kOrderStream, static_cast<uint64_t>(n));
    const int64_t orderkey = SparseOrderKey(n);
    const auto order_day = static_cast<int>(rng.Uniform(0, kLastOrderDay));
    const int64_t custkey = OrderCustomer(rng, s.customers);
    const std::string_view priority = PickUniform(Priorities(), rng);
    const int64_t line_count = rng.Uniform(1, 7);
    int64_t total = 0;
    for (int64_t i = 0; i < line_count; ++i) {
      Line& l = lines[i];
      l.partkey = rng.Uniform(1, s.parts);
      l.suppkey = rng.Uniform(1, s.suppliers);
      l.quantity = rng.Uniform(1, 50);
      l.discount = rng.Uniform(0, 10);
      l.tax = rng.Uniform(0, 8);
      l.commit_day = order_day + static_cast<int>(rng.Uniform(30, 90));
      l.shipmode = PickUniform(ShipModes(), rng);
      l.rprice = RetailPriceCents(l.partkey);
      l.eprice = l.rprice * l.quantity;
      total += (l.eprice * (100 - l.discount) / 100) * (100 + l.tax) / 100;
    }
    const int32_t order_date = DayInfo(order_day).yyyymmdd;
    for (int64_t i = 0; i < line_count; ++i) {
      const Line& l = lines[i];
      AppendIntField(o, orderkey);
      AppendIntField(o, i + 1);
      AppendIntField(o, custkey);
      AppendIntField(o, l.partkey);
      AppendIntField(o, l.suppkey);
      AppendIntField(o, order_date);
      AppendField(o, priority);
      AppendIntField(o, 0);
      AppendIntField(o, l.quantity);
      AppendIntField(o, l.eprice);
      AppendIntField(o, total);
      AppendIntField(o, l.discount);
      AppendIntField(o, l.eprice * (100 - l.discount) / 100);
      AppendIntField(o, 6 * l.rprice / 10);
      AppendIntField(o, l.tax);
      AppendIntField(o, DayInfo(l.commit_day).yyyymmdd);
      AppendField(o, l.shipmode);
      EndRow(o);
    }
  }
}

}  // namespace

int64_t SsbPartCount(double scale_factor) {
  if (scale_factor < 1.0) return ScaledRows(200000, scale_factor);
  return 200000 * static_cast<int64_t>(std::floor(1.0 + std::log2(scale_factor)));
}

std::vector<TableJob> SsbJobs(double scale_factor) {
  const Scale s{SsbPartCount(scale_factor), ScaledRows(2000, scale_factor),
                ScaledRows(30000, scale_factor), ScaledRows(1500000, scale_factor)};
  std::vector<TableJob> jobs;
  jobs.push_back({{"date"}, kTotalDays, 1024, MakeDates});
  jobs.push_back({{"supplier"}, s.suppliers, 8192, MakeSuppliers});
  jobs.push_back({{"customer"}, s.customers, 8192, MakeCustomers});
  jobs.push_back({{"part"}, s.parts, 8192, MakeParts});
  jobs.push_back({{"lineorder"},
                  s.orders,
                  8192,
                  [s](int64_t first, int64_t last, std::vector<std::string>& out) {
                    MakeLineorders(s, first, last, out);
                  }});
  return jobs;
}

}  // namespace ibex::datagen
