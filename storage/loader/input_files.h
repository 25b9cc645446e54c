// The input files of one COPY: the glob expanded into a sorted file list with sizes, the files
// memory-mapped, and the split of their bytes into ranges that parsing threads (one rank) or
// executors (many ranks) take. The files are seen as one concatenated byte space ("global
// offsets", in list order), so a range is a slice of it; a range owns the lines that START in
// it (a range begins at the first line start at or after its offset), so disjoint ranges that
// cover the files parse every line exactly once. CSV files that contain a double quote are not
// split (a quoted field may hold a newline): the range that holds their first byte takes them
// whole. Empty files hold no line and get no range.
//
// Thread safety: List and Map on one thread; a mapped InputFiles is read-only afterwards and
// may be read from any number of threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/loader/copy_options.h"

namespace ibex::storage {

struct InputFile {
  std::string path;
  uint64_t size = 0;
};

// The size of the ranges parsing threads take (one rank's share is cut into such ranges).
inline constexpr size_t kParseRangeBytes = 8 << 20;

// The lines that start in [begin, end) of file `file` (offsets within the file).
struct FileRange {
  size_t file = 0;
  size_t begin = 0;
  size_t end = 0;
};

class InputFiles {
 public:
  // The files matching `pattern` (a path or a glob), sorted by path, with their sizes.
  // NotFound when nothing matches.
  static Result<std::vector<InputFile>> List(const std::string& pattern);

  // Maps `files`. Fails when one is missing, unreadable, or no longer has its listed size
  // (InvalidArgument naming the file and both sizes). `populate` reads every page in at once
  // (one rank parsing everything); without it pages are read as the parser touches them (a
  // rank parsing only its share of big files).
  static Result<std::unique_ptr<InputFiles>> Map(const std::vector<InputFile>& files,
                                                 const CopyOptions& options, bool populate);
  ~InputFiles();
  InputFiles(const InputFiles&) = delete;
  InputFiles& operator=(const InputFiles&) = delete;

  size_t count() const { return files_.size(); }
  const std::string& path(size_t file) const { return files_[file].path; }
  std::string_view data(size_t file) const { return files_[file].data; }
  uint64_t total_bytes() const { return total_bytes_; }

  // Ranges of at most `range_bytes` (splittable files) covering the global byte range
  // [begin, end), in file order.
  std::vector<FileRange> Split(uint64_t begin, uint64_t end, size_t range_bytes) const;

  // InvalidArgument "path:line:column: reason" for byte `offset` of file `file`.
  Status ErrorAt(size_t file, size_t offset, const std::string& reason) const;

 private:
  struct Mapped {
    std::string path;
    std::string_view data;  // the mapping (empty for an empty file)
    uint64_t start = 0;     // global offset of its first byte
    bool splittable = true;
  };
  InputFiles() = default;

  std::vector<Mapped> files_;
  uint64_t total_bytes_ = 0;
};

// The first line start at or after `pos` in `data` (data.size() when there is none).
size_t LineStartAtOrAfter(std::string_view data, size_t pos);

}  // namespace ibex::storage
