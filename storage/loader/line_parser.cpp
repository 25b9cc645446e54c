#include "storage/loader/line_parser.h"

#include <charconv>
#include <cstring>

namespace ibex::storage {
namespace {

// Fast paths for the common shapes; false sends the field to the general parser of types.h,
// which either accepts it or explains why not.
inline bool FastInt64(const char* p, const char* e, int64_t* out) {
  bool negative = false;
  if (p < e && *p == '-') {
    negative = true;
    ++p;
  }
  if (p == e || e - p > 18) return false;
  int64_t v = 0;
  for (; p < e; ++p) {
    const unsigned d = static_cast<unsigned>(*p - '0');
    if (d > 9) return false;
    v = v * 10 + d;
  }
  *out = negative ? -v : v;
  return true;
}

inline bool FastDecimal64(const char* p, const char* e, int scale, int max_int_digits,
                          int64_t* out) {
  bool negative = false;
  if (p < e && *p == '-') {
    negative = true;
    ++p;
  }
  if (p == e || e - p > 18) return false;
  int64_t v = 0;
  int int_digits = 0;
  for (; p < e && *p != '.'; ++p) {
    const unsigned d = static_cast<unsigned>(*p - '0');
    if (d > 9) return false;
    v = v * 10 + d;
    ++int_digits;
  }
  if (int_digits > max_int_digits) return false;  // maybe leading zeros: the slow path decides
  int frac = 0;
  if (p < e) {
    ++p;                              // '.'
    if (e - p > scale) return false;  // rounding: the slow path
    for (; p < e; ++p, ++frac) {
      const unsigned d = static_cast<unsigned>(*p - '0');
      if (d > 9) return false;
      v = v * 10 + d;
    }
    if (frac == 0 && int_digits == 0) return false;
  } else if (int_digits == 0) {
    return false;
  }
  for (; frac < scale; ++frac) v *= 10;
  *out = negative ? -v : v;
  return true;
}

inline bool FastDate(const char* p, const char* e, int32_t* out) {
  if (e - p != 10 || p[4] != '-' || p[7] != '-') return false;
  int digits[8];
  static constexpr int kPos[8] = {0, 1, 2, 3, 5, 6, 8, 9};
  for (int i = 0; i < 8; ++i) {
    digits[i] = p[kPos[i]] - '0';
    if (static_cast<unsigned>(digits[i]) > 9) return false;
  }
  const int y = digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3];
  const unsigned m = static_cast<unsigned>(digits[4] * 10 + digits[5]);
  const unsigned d = static_cast<unsigned>(digits[6] * 10 + digits[7]);
  static constexpr unsigned kDays[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > kDays[m]) return false;
  if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return false;
  *out = DaysFromCivil(y, m, d);
  return true;
}

}  // namespace

RowBatch::RowBatch(const TableDef& def, size_t capacity) : capacity_(capacity) {
  columns_.reserve(def.columns.size());
  for (const ColumnDef& c : def.columns) {
    columns_.emplace_back(c.type, capacity);
    columns_.back().Resize(capacity);
  }
}

void RowBatch::Recycle(std::vector<ColumnVector> columns) {
  columns_ = std::move(columns);
  for (ColumnVector& c : columns_) {
    IBEX_CHECK_EQ(c.capacity(), capacity_);
    c.Recycle();
  }
  rows_ = 0;
}

std::vector<ColumnVector> RowBatch::Finish() {
  for (ColumnVector& c : columns_) c.Resize(rows_);
  return std::move(columns_);
}

LineParser::LineParser(const TableDef& def, const CopyOptions& options)
    : format_(options.format),
      delimiter_(options.effective_delimiter()),
      null_string_(options.effective_null()) {
  for (const ColumnDef& c : def.columns) {
    Kind kind = Kind::kString;
    switch (c.type.id()) {
      case TypeId::kBoolean:
        kind = Kind::kBool;
        break;
      case TypeId::kInteger:
        kind = Kind::kInt32;
        break;
      case TypeId::kBigint:
        kind = Kind::kInt64;
        break;
      case TypeId::kDouble:
        kind = Kind::kDouble;
        break;
      case TypeId::kDecimal:
        kind = c.type.is_wide_decimal() ? Kind::kDecimal128 : Kind::kDecimal64;
        break;
      case TypeId::kDate:
        kind = Kind::kDate;
        break;
      case TypeId::kVarchar:
      case TypeId::kChar:
        kind = Kind::kString;
        break;
    }
    columns_.push_back({kind, c.type, c.not_null, c.name});
  }
}

inline bool LineParser::StoreField(size_t c, size_t row, std::string_view text, RowBatch* batch,
                                   std::string* reason) const {
  const Column& col = columns_[c];
  ColumnVector& out = batch->columns_[c];
  const char* p = text.data();
  const char* e = p + text.size();
  Status s;
  switch (col.kind) {
    case Kind::kInt32: {
      int64_t v;
      if (FastInt64(p, e, &v) && v >= INT32_MIN && v <= INT32_MAX) {
        out.mutable_data<int32_t>()[row] = static_cast<int32_t>(v);
        return true;
      }
      s = ParseInt32(text, &out.mutable_data<int32_t>()[row]);
      break;
    }
    case Kind::kInt64: {
      if (FastInt64(p, e, &out.mutable_data<int64_t>()[row])) return true;
      s = ParseInt64(text, &out.mutable_data<int64_t>()[row]);
      break;
    }
    case Kind::kDecimal64: {
      if (FastDecimal64(p, e, col.type.scale(), col.type.precision() - col.type.scale(),
                        &out.mutable_data<int64_t>()[row])) {
        return true;
      }
      s = ParseDecimal64(text, col.type.precision(), col.type.scale(),
                         &out.mutable_data<int64_t>()[row]);
      break;
    }
    case Kind::kDate: {
      if (FastDate(p, e, &out.mutable_data<int32_t>()[row])) return true;
      s = ParseDate(text, &out.mutable_data<int32_t>()[row]);
      break;
    }
    case Kind::kString: {
      const uint32_t limit = col.type.length();
      if ((limit == 0 || text.size() <= limit) &&
          (col.type.id() != TypeId::kChar || text.empty() || text.back() != ' ')) {
        out.mutable_data<std::string_view>()[row] = text;
        return true;
      }
      s = CheckString(col.type, &text);
      if (s.ok()) out.mutable_data<std::string_view>()[row] = text;
      break;
    }
    case Kind::kDouble:
      s = ParseDouble(text, &out.mutable_data<double>()[row]);
      break;
    case Kind::kDecimal128:
      s = ParseDecimal(text, col.type.precision(), col.type.scale(),
                       &out.mutable_data<int128_t>()[row]);
      break;
    case Kind::kBool:
      s = ParseBoolean(text, &out.mutable_data<uint8_t>()[row]);
      break;
  }
  if (s.ok()) return true;
  *reason = "column " + col.name + ": " + s.message();
  return false;
}

size_t LineParser::Parse(std::string_view data, size_t pos, size_t end, RowBatch* batch,
                         std::optional<ParseError>* error) const {
  const char* const base = data.data();
  const char* const limit = base + data.size();
  const size_t ncols = columns_.size();
  const char delim = delimiter_;
  const bool csv = format_ == FileFormat::kCsv;
  auto fail = [&](const char* at, std::string reason) {
    *error = ParseError{static_cast<size_t>(at - base), std::move(reason)};
  };
  std::string reason;
  std::string unescaped;
  while (pos < end && pos < data.size() && !batch->full()) {
    const char* p = base + pos;
    if (*p == '\n' || (*p == '\r' && p + 1 < limit && p[1] == '\n')) {  // blank line
      pos += *p == '\n' ? 1 : 2;
      continue;
    }
    const size_t row = batch->rows_;
    for (size_t c = 0; c < ncols; ++c) {
      const char* field_begin = p;
      std::string_view text;
      bool quoted = false;
      if (csv && p < limit && *p == '"') {
        // Quoted: up to the closing quote; "" stands for one quote.
        quoted = true;
        const char* q = p + 1;
        bool escaped = false;
        while (true) {
          q = static_cast<const char*>(std::memchr(q, '"', static_cast<size_t>(limit - q)));
          if (q == nullptr) {
            fail(field_begin, "unterminated quoted field");
            return pos;
          }
          if (q + 1 < limit && q[1] == '"') {
            escaped = true;
            q += 2;
            continue;
          }
          break;
        }
        text = std::string_view(p + 1, static_cast<size_t>(q - p - 1));
        if (escaped) {
          unescaped.clear();
          for (size_t i = 0; i < text.size(); ++i) {
            unescaped.push_back(text[i]);
            if (text[i] == '"') ++i;
          }
          text = batch->columns_[c].CopyString(unescaped);
        }
        p = q + 1;
        if (p < limit && *p != delim && *p != '\n' && *p != '\r') {
          fail(p, "column " + columns_[c].name + ": unexpected text after a quoted field");
          return pos;
        }
      } else {
        const char* q = p;
        while (q < limit && *q != delim && *q != '\n') ++q;
        const char* field_end = q;
        if (q < limit && *q == '\n' && q > p && q[-1] == '\r') --field_end;
        text = std::string_view(p, static_cast<size_t>(field_end - p));
        p = field_end;
      }
      // p is at the terminator: delimiter, '\r', '\n' or the end of the data.
      if (!quoted && null_string_ && text == *null_string_) {
        if (columns_[c].not_null) {
          fail(field_begin, "column " + columns_[c].name + ": NULL in a NOT NULL column");
          return pos;
        }
        batch->columns_[c].SetNull(row);
      } else if (!StoreField(c, row, text, batch, &reason)) {
        fail(field_begin, std::move(reason));
        return pos;
      }
      const bool at_line_end = p >= limit || *p == '\n' || *p == '\r';
      if (c + 1 < ncols) {
        if (at_line_end) {
          fail(p, "expected " + std::to_string(ncols) + " fields, found " + std::to_string(c + 1));
          return pos;
        }
        ++p;  // the delimiter
      } else if (!at_line_end) {
        // After the last field: .tbl lines end with a delimiter; anything else is extra.
        if (!csv && *p == delim && (p + 1 >= limit || p[1] == '\n' || p[1] == '\r')) {
          ++p;
        } else {
          fail(p, "more than " + std::to_string(ncols) + " fields");
          return pos;
        }
      }
    }
    if (p < limit && *p == '\r') ++p;
    if (p < limit && *p == '\n') ++p;
    ++batch->rows_;
    pos = static_cast<size_t>(p - base);
  }
  return pos;
}

}  // namespace ibex::storage
