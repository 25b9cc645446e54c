#include "exec/csv_rows.h"

#include <cerrno>
#include <cstdio>

namespace ibex::exec {

Result<int64_t> WriteRowsAsCsv(const std::vector<Chunk>& chunks, const std::vector<int>& columns,
                               const std::string& path) {
  std::string text;
  int64_t rows = 0;
  for (const Chunk& c : chunks) {
    for (size_t r = 0; r < c.size; ++r) {
      for (size_t col = 0; col < columns.size(); ++col) {
        if (col > 0) text += ',';
        const int src = columns[col];
        if (src < 0) continue;
        const storage::Value v = c.GetValue(static_cast<size_t>(src), r);
        if (v.is_null()) continue;
        if (v.type().is_string()) {
          text += '"';
          for (char ch : v.str()) {
            if (ch == '"') text += '"';
            text += ch;
          }
          text += '"';
        } else {
          text += v.ToString();
        }
      }
      text += '\n';
      ++rows;
    }
  }
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return Status::FromErrno("fopen", path, errno);
  const size_t wrote = std::fwrite(text.data(), 1, text.size(), f);
  const bool closed = std::fclose(f) == 0;
  if (wrote != text.size() || !closed) return Status::IoError("cannot write " + path);
  return rows;
}

}  // namespace ibex::exec
