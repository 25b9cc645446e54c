#include "frontend/sql_error.h"

#include <algorithm>

namespace ibex::sql {

LineColumn OffsetToLineColumn(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  LineColumn lc;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++lc.line;
      lc.column = 1;
    } else {
      ++lc.column;
    }
  }
  return lc;
}

std::string FormatSqlError(std::string_view text, const SqlError& error, size_t first_line) {
  size_t offset = std::min(error.offset, text.size());
  LineColumn lc = OffsetToLineColumn(text, offset);
  size_t line_begin = text.rfind('\n', offset == 0 ? std::string_view::npos : offset - 1);
  line_begin = (offset == 0 || line_begin == std::string_view::npos) ? 0 : line_begin + 1;
  if (offset > 0 && text[offset - 1] == '\n') line_begin = offset;
  size_t line_end = text.find('\n', line_begin);
  if (line_end == std::string_view::npos) line_end = text.size();
  std::string_view line = text.substr(line_begin, line_end - line_begin);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

  std::string out = "ERROR: " + error.message + " at line " + std::to_string(lc.line + first_line - 1) +
                    ", column " + std::to_string(lc.column) + "\n" + std::string(line) + "\n";
  // Keep tabs in the caret line so the caret stays under the byte it names.
  for (size_t i = line_begin; i < offset; ++i) out += text[i] == '\t' ? '\t' : ' ';
  out += '^';
  if (!error.hint.empty()) out += "\nHINT: " + error.hint;
  return out;
}

Status ToStatus(std::string_view text, const SqlError& error) {
  std::string msg = FormatSqlError(text, error);
  return error.not_supported ? Status::NotSupported(std::move(msg))
                             : Status::InvalidArgument(std::move(msg));
}

}  // namespace ibex::sql
