#include "frontend/shell/result_printer.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace ibex::sql {
namespace {

Status WriteOut(std::FILE* out, const std::string& text) {
  if (std::fwrite(text.data(), 1, text.size(), out) != text.size()) {
    return Status::FromErrno("write", "result output", errno);
  }
  return Status::OK();
}

// Display width in characters of UTF-8 text (continuation bytes do not count).
size_t Width(const std::string& s) {
  return static_cast<size_t>(std::count_if(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

class PrinterBase : public ResultSink {
 public:
  PrinterBase(std::FILE* out, bool terminal) : out_(out), terminal_(terminal) {}

  Status Message(const std::string& text) override {
    ClearProgress();
    return WriteOut(out_, text + "\n");
  }
  void Progress(double fraction, const std::string& what) override {
    if (!terminal_) return;
    int percent = static_cast<int>(std::clamp(fraction, 0.0, 1.0) * 100);
    std::fprintf(out_, "\r\033[K[%3d%%] %s", percent, what.c_str());
    std::fflush(out_);
    progress_shown_ = true;
  }

 protected:
  void ClearProgress() {
    if (progress_shown_) {
      std::fputs("\r\033[K", out_);
      progress_shown_ = false;
    }
  }

  std::FILE* out_;
  bool terminal_;
  bool progress_shown_ = false;
  std::vector<ast::OutputColumn> columns_;
};

class TablePrinter : public PrinterBase {
 public:
  using PrinterBase::PrinterBase;

  Status Begin(const std::vector<ast::OutputColumn>& columns) override {
    ClearProgress();
    columns_ = columns;
    widths_.clear();
    for (const auto& c : columns) widths_.push_back(Width(c.name));
    return Status::OK();
  }
  Status Row(const std::vector<storage::Value>& row) override {
    ClearProgress();
    std::vector<std::string> cells;
    for (const storage::Value& v : row) cells.push_back(v.ToString());
    ++rows_;
    if (!header_printed_) {
      for (size_t i = 0; i < cells.size() && i < widths_.size(); ++i) widths_[i] = std::max(widths_[i], Width(cells[i]));
      sample_.push_back(std::move(cells));
      if (sample_.size() >= kTableWidthSampleRows) return Flush();
      return Status::OK();
    }
    return WriteOut(out_, Line(cells));
  }
  Status End() override {
    ClearProgress();
    IBEX_RETURN_IF_ERROR(Flush());
    std::string footer = "(";
    footer += std::to_string(rows_);
    footer += rows_ == 1 ? " row)\n" : " rows)\n";
    return WriteOut(out_, footer);
  }

 private:
  bool RightAligned(size_t i) const { return i < columns_.size() && columns_[i].type.numeric(); }

  std::string Line(const std::vector<std::string>& cells) const {
    std::string line;
    for (size_t i = 0; i < cells.size(); ++i) {
      size_t width = i < widths_.size() ? widths_[i] : 0;
      size_t pad = width > Width(cells[i]) ? width - Width(cells[i]) : 0;
      line += i == 0 ? " " : " | ";
      if (RightAligned(i)) line.append(pad, ' ');
      line += cells[i];
      if (!RightAligned(i) && i + 1 < cells.size()) line.append(pad, ' ');
    }
    return line + "\n";
  }

  Status Flush() {
    if (header_printed_) return Status::OK();
    header_printed_ = true;
    std::string header, rule;
    for (size_t i = 0; i < columns_.size(); ++i) {
      const std::string& name = columns_[i].name;
      size_t pad = widths_[i] - Width(name);
      header += i == 0 ? " " : " | ";
      // Headers are centred, as psql does.
      header.append(pad / 2, ' ');
      header += name;
      if (i + 1 < columns_.size()) header.append(pad - pad / 2, ' ');
      if (i > 0) rule += '+';
      rule.append(widths_[i] + 2, '-');
    }
    std::string text = header + "\n" + rule + "\n";
    for (const auto& cells : sample_) text += Line(cells);
    sample_.clear();
    return WriteOut(out_, text);
  }

  std::vector<size_t> widths_;
  std::vector<std::vector<std::string>> sample_;
  bool header_printed_ = false;
  size_t rows_ = 0;
};

class CsvPrinter : public PrinterBase {
 public:
  using PrinterBase::PrinterBase;

  Status Begin(const std::vector<ast::OutputColumn>& columns) override {
    columns_ = columns;
    std::vector<std::string> names;
    for (const auto& c : columns) names.push_back(Quote(c.name));
    return WriteOut(out_, Join(names));
  }
  Status Row(const std::vector<storage::Value>& row) override {
    std::vector<std::string> cells;
    for (const storage::Value& v : row) cells.push_back(v.is_null() ? "" : Quote(v.ToString()));
    return WriteOut(out_, Join(cells));
  }
  Status End() override { return Status::OK(); }
  Status Message(const std::string& text) override {
    (void)text;  // CSV output stays machine-readable: no command tags
    return Status::OK();
  }

 private:
  static std::string Quote(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos && !s.empty()) return s;
    std::string out = "\"";
    for (char c : s) {
      if (c == '"') out += '"';
      out += c;
    }
    return out + "\"";
  }
  static std::string Join(const std::vector<std::string>& cells) {
    std::string line;
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) line += ',';
      line += cells[i];
    }
    return line + "\n";
  }
};

class JsonPrinter : public PrinterBase {
 public:
  using PrinterBase::PrinterBase;

  Status Begin(const std::vector<ast::OutputColumn>& columns) override {
    columns_ = columns;
    rows_ = 0;
    return WriteOut(out_, "[");
  }
  Status Row(const std::vector<storage::Value>& row) override {
    std::string line = rows_++ == 0 ? "\n{" : ",\n{";
    for (size_t i = 0; i < row.size() && i < columns_.size(); ++i) {
      if (i > 0) line += ", ";
      line += Escape(columns_[i].name);
      line += ": ";
      line += Json(row[i]);
    }
    return WriteOut(out_, line + "}");
  }
  Status End() override { return WriteOut(out_, rows_ == 0 ? "]\n" : "\n]\n"); }
  Status Message(const std::string& text) override {
    (void)text;
    return Status::OK();
  }

 private:
  static std::string Escape(const std::string& s) {
    std::string out = "\"";
    for (unsigned char c : s) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
          } else {
            out += static_cast<char>(c);
          }
      }
    }
    return out + "\"";
  }
  static std::string Json(const storage::Value& v) {
    if (v.is_null()) return "null";
    std::string text = v.ToString();
    switch (v.type().id()) {
      case storage::TypeId::kBoolean:
      case storage::TypeId::kInteger:
      case storage::TypeId::kBigint:
      case storage::TypeId::kDecimal:
        return text;
      case storage::TypeId::kDouble:
        return text.find_first_of("ni") == std::string::npos ? text : Escape(text);  // nan, inf
      default:
        return Escape(text);
    }
  }

  size_t rows_ = 0;
};

}  // namespace

bool ParseOutputFormat(const std::string& name, OutputFormat* format) {
  if (name == "table" || name == "aligned") {
    *format = OutputFormat::kTable;
  } else if (name == "csv") {
    *format = OutputFormat::kCsv;
  } else if (name == "json") {
    *format = OutputFormat::kJson;
  } else {
    return false;
  }
  return true;
}

std::unique_ptr<ResultSink> MakePrinter(OutputFormat format, std::FILE* out, bool terminal) {
  switch (format) {
    case OutputFormat::kCsv: return std::make_unique<CsvPrinter>(out, terminal);
    case OutputFormat::kJson: return std::make_unique<JsonPrinter>(out, terminal);
    case OutputFormat::kTable: break;
  }
  return std::make_unique<TablePrinter>(out, terminal);
}

}  // namespace ibex::sql
