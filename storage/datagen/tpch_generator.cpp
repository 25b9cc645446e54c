#include "storage/datagen/tpch_generator.h"

#include <algorithm>

#include "storage/datagen/calendar.h"
#include "storage/datagen/row_fields.h"
#include "storage/datagen/text_pool.h"
#include "storage/datagen/word_lists.h"

namespace ibex::datagen {
namespace {

// One random stream per table (row_random.h).
constexpr uint64_t kPartStream = 0x1001;
constexpr uint64_t kPartsuppStream = 0x1002;
constexpr uint64_t kSupplierStream = 0x1003;
constexpr uint64_t kCustomerStream = 0x1004;
constexpr uint64_t kOrderStream = 0x1005;

constexpr int kLastOrderDay = kTotalDays - (121 + 30) - 1;  // 1998-08-02

struct Scale {
  int64_t parts;
  int64_t suppliers;
  int64_t customers;
  int64_t orders;
  int64_t clerks;
};

// ps_suppkey of the i-th (0..3) supplier of a part (spec clause 4.2.3).
int64_t PartSupplier(int64_t partkey, int64_t i, int64_t suppliers) {
  return (partkey + i * (suppliers / 4 + (partkey - 1) / suppliers)) % suppliers + 1;
}

void MakeRegions(int64_t first, int64_t last, std::vector<std::string>& out) {
  for (int64_t r = first; r < last; ++r) {
    AppendIntField(out[0], r);
    AppendField(out[0], RegionNames()[static_cast<size_t>(r)]);
    AppendField(out[0], RegionComments()[static_cast<size_t>(r)]);
    EndRow(out[0]);
  }
}

void MakeNations(int64_t first, int64_t last, std::vector<std::string>& out) {
  for (int64_t n = first; n < last; ++n) {
    const NationInfo& nation = Nations()[static_cast<size_t>(n)];
    AppendIntField(out[0], n);
    AppendField(out[0], nation.name);
    AppendIntField(out[0], nation.region);
    AppendField(out[0], nation.comment);
    EndRow(out[0]);
  }
}

void MakeParts(const Scale& s, int64_t first, int64_t last, std::vector<std::string>& out) {
  const TextPool& pool = TextPool::Default();
  std::string& part = out[0];
  std::string& partsupp = out[1];
  for (int64_t key = first + 1; key <= last; ++key) {
    RowRandom rng(kPartStream, static_cast<uint64_t>(key));
    AppendIntField(part, key);
    int colors[5];
    PickDistinct(rng, static_cast<int>(Colors().size()), 5, colors);
    for (int i = 0; i < 5; ++i) {
      if (i > 0) part.push_back(' ');
      part.append(Colors()[static_cast<size_t>(colors[i])]);
    }
    part.push_back('|');
    const int64_t mfgr = rng.Uniform(1, 5);
    const int64_t brand = rng.Uniform(1, 5);
    part.append("Manufacturer#");
    AppendIntField(part, mfgr);
    part.append("Brand#");
    AppendIntField(part, mfgr * 10 + brand);
    AppendField(part, PickUniform(PartTypes(), rng));
    AppendIntField(part, rng.Uniform(1, 50));
    AppendField(part, PickUniform(Containers(), rng));
    AppendCentsField(part, RetailPriceCents(key));
    pool.AppendComment(rng, 5, 22, part);
    part.push_back('|');
    EndRow(part);

    RowRandom ps_rng(kPartsuppStream, static_cast<uint64_t>(key));
    for (int64_t i = 0; i < 4; ++i) {
      AppendIntField(partsupp, key);
      AppendIntField(partsupp, PartSupplier(key, i, s.suppliers));
      AppendIntField(partsupp, ps_rng.Uniform(1, 9999));
      AppendCentsField(partsupp, ps_rng.Uniform(100, 100000));
      pool.AppendComment(ps_rng, 49, 198, partsupp);
      partsupp.push_back('|');
      EndRow(partsupp);
    }
  }
}

// s_comment, with dbgen's "Better Business Bureau" rows: 10 in 10,000 suppliers get
// "Customer " and, `noise` characters later, "Complaints" (half) or "Recommends" (half).
void AppendSupplierComment(RowRandom& rng, std::string& out) {
  static constexpr std::string_view kBase = "Customer ";
  static constexpr int kBbbLength = 19;  // "Customer " + "Complaints"
  const size_t start = out.size();
  TextPool::Default().AppendComment(rng, 25, 100, out);
  const auto length = static_cast<int64_t>(out.size() - start);
  const int64_t bad_press = rng.Uniform(1, 10000);
  const int64_t type = rng.Uniform(0, 100);
  const int64_t noise = rng.Uniform(0, length - kBbbLength);
  const int64_t offset = rng.Uniform(0, length - (kBbbLength + noise));
  if (bad_press <= 10) {
    const std::string_view word = type < 50 ? "Complaints" : "Recommends";
    const size_t at = start + static_cast<size_t>(offset);
    out.replace(at, kBase.size(), kBase);
    out.replace(at + kBase.size() + static_cast<size_t>(noise), word.size(), word);
  }
}

// key|name|address|nationkey|phone|acctbal| of a supplier or customer.
void AppendParty(RowRandom& rng, std::string_view tag, int64_t key, std::string& o) {
  AppendIntField(o, key);
  o.append(tag);
  AppendPadded(o, key, 9);
  o.push_back('|');
  AppendRandomString(rng, 10, 40, o);
  o.push_back('|');
  const auto nation = static_cast<int>(rng.Uniform(0, kNationCount - 1));
  AppendIntField(o, nation);
  AppendPhone(rng, nation, o);
  o.push_back('|');
  AppendCentsField(o, rng.Uniform(-99999, 999999));
}

void MakeSuppliers(int64_t first, int64_t last, std::vector<std::string>& out) {
  std::string& o = out[0];
  for (int64_t key = first + 1; key <= last; ++key) {
    RowRandom rng(kSupplierStream, static_cast<uint64_t>(key));
    AppendParty(rng, "Supplier#", key, o);
    AppendSupplierComment(rng, o);
    o.push_back('|');
    EndRow(o);
  }
}

void MakeCustomers(int64_t first, int64_t last, std::vector<std::string>& out) {
  std::string& o = out[0];
  for (int64_t key = first + 1; key <= last; ++key) {
    RowRandom rng(kCustomerStream, static_cast<uint64_t>(key));
    AppendParty(rng, "Customer#", key, o);
    AppendField(o, PickUniform(Segments(), rng));
    TextPool::Default().AppendComment(rng, 29, 116, o);
    o.push_back('|');
    EndRow(o);
  }
}

void AppendRate(std::string& out, int64_t hundredths) {  // 0..10 -> "0.00".."0.10"
  out.append("0.");
  AppendPadded(out, hundredths, 2);
  out.push_back('|');
}

void MakeOrders(const Scale& s, int64_t first, int64_t last, std::vector<std::string>& out) {
  const TextPool& pool = TextPool::Default();
  std::string& orders = out[0];
  std::string& lines = out[1];
  for (int64_t n = first + 1; n <= last; ++n) {
    RowRandom rng(kOrderStream, static_cast<uint64_t>(n));
    const int64_t orderkey = SparseOrderKey(n);
    const int64_t custkey = OrderCustomer(rng, s.customers);
    const auto order_day = static_cast<int>(rng.Uniform(0, kLastOrderDay));
    const std::string_view priority = PickUniform(Priorities(), rng);
    const int64_t clerk = rng.Uniform(1, s.clerks);
    const int64_t line_count = rng.Uniform(1, 7);
    int64_t total_cents = 0;
    int shipped = 0;
    for (int64_t line = 1; line <= line_count; ++line) {
      const int64_t quantity = rng.Uniform(1, 50);
      const int64_t discount = rng.Uniform(0, 10);
      const int64_t tax = rng.Uniform(0, 8);
      const int64_t partkey = rng.Uniform(1, s.parts);
      const int64_t suppkey = PartSupplier(partkey, rng.Uniform(0, 3), s.suppliers);
      const int ship_day = order_day + static_cast<int>(rng.Uniform(1, 121));
      const int commit_day = order_day + static_cast<int>(rng.Uniform(30, 90));
      const int receipt_day = ship_day + static_cast<int>(rng.Uniform(1, 30));
      const std::string_view flag =
          receipt_day <= kCurrentDay ? PickUniform(ReturnFlagsRA(), rng) : "N";
      const bool finished = ship_day <= kCurrentDay;
      shipped += finished ? 1 : 0;
      const int64_t eprice = quantity * RetailPriceCents(partkey);
      total_cents += (eprice * (100 - discount) / 100) * (100 + tax) / 100;

      AppendIntField(lines, orderkey);
      AppendIntField(lines, partkey);
      AppendIntField(lines, suppkey);
      AppendIntField(lines, line);
      AppendIntField(lines, quantity);
      AppendCentsField(lines, eprice);
      AppendRate(lines, discount);
      AppendRate(lines, tax);
      AppendField(lines, flag);
      AppendField(lines, finished ? "F" : "O");
      AppendField(lines, DayInfo(ship_day).Iso());
      AppendField(lines, DayInfo(commit_day).Iso());
      AppendField(lines, DayInfo(receipt_day).Iso());
      AppendField(lines, PickUniform(ShipInstructions(), rng));
      AppendField(lines, PickUniform(ShipModes(), rng));
      pool.AppendComment(rng, 10, 43, lines);
      lines.push_back('|');
      EndRow(lines);
    }
    AppendIntField(orders, orderkey);
    AppendIntField(orders, custkey);
    AppendField(orders, shipped == line_count ? "F" : shipped == 0 ? "O" : "P");
    AppendCentsField(orders, total_cents);
    AppendField(orders, DayInfo(order_day).Iso());
    AppendField(orders, priority);
    orders.append("Clerk#");
    AppendPadded(orders, clerk, 9);
    orders.push_back('|');
    AppendIntField(orders, 0);
    pool.AppendComment(rng, 19, 78, orders);
    orders.push_back('|');
    EndRow(orders);
  }
}

}  // namespace

bool PartsuppKeysAreUnique(double scale_factor) {
  const int64_t suppliers = ScaledRows(10000, scale_factor);
  const int64_t parts = ScaledRows(200000, scale_factor);
  if (suppliers < 4) return false;
  // Suppliers i and j of part p coincide iff (i-j)·(S/4 + (p-1)/S) ≡ 0 (mod S), |i-j| <= 3.
  for (int64_t step = suppliers / 4; step <= suppliers / 4 + (parts - 1) / suppliers; ++step) {
    for (int64_t d = 1; d <= 3; ++d) {
      if ((d * step) % suppliers == 0) return false;
    }
  }
  return true;
}

std::vector<TableJob> TpchJobs(double scale_factor) {
  const Scale s{ScaledRows(200000, scale_factor), ScaledRows(10000, scale_factor),
                ScaledRows(150000, scale_factor), ScaledRows(1500000, scale_factor),
                std::max<int64_t>(1000, ScaledRows(1000, scale_factor))};
  std::vector<TableJob> jobs;
  jobs.push_back({{"region"}, kRegionCount, 64, MakeRegions});
  jobs.push_back({{"nation"}, kNationCount, 64, MakeNations});
  jobs.push_back({{"supplier"}, s.suppliers, 8192, MakeSuppliers});
  jobs.push_back({{"customer"}, s.customers, 8192, MakeCustomers});
  jobs.push_back({{"part", "partsupp"},
                  s.parts,
                  4096,
                  [s](int64_t first, int64_t last, std::vector<std::string>& out) {
                    MakeParts(s, first, last, out);
                  }});
  jobs.push_back({{"orders", "lineitem"},
                  s.orders,
                  8192,
                  [s](int64_t first, int64_t last, std::vector<std::string>& out) {
                    MakeOrders(s, first, last, out);
                  }});
  return jobs;
}

}  // namespace ibex::datagen
