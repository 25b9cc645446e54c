#include "storage/loader/input_files.h"

#include <algorithm>
#include <cstring>

#include <glob.h>
#include <sys/mman.h>
#include <unistd.h>

#include "storage/persist/file_util.h"

namespace ibex::storage {

Result<std::vector<InputFile>> InputFiles::List(const std::string& pattern) {
  glob_t g;
  const int rc = ::glob(pattern.c_str(), GLOB_NOSORT, nullptr, &g);
  std::vector<std::string> paths;
  if (rc == 0) {
    for (size_t i = 0; i < g.gl_pathc; ++i) paths.emplace_back(g.gl_pathv[i]);
  }
  ::globfree(&g);
  if (rc == GLOB_NOMATCH || paths.empty()) {
    return Status::NotFound("COPY: no file matches '" + pattern + "'");
  }
  if (rc != 0) return Status::IoError("COPY: cannot expand '" + pattern + "'");
  std::sort(paths.begin(), paths.end());
  std::vector<InputFile> files;
  for (std::string& p : paths) {
    uint64_t size = 0;
    IBEX_ASSIGN_OR_RETURN(int fd, OpenReadOnly(p, &size));
    ::close(fd);
    files.push_back({std::move(p), size});
  }
  return files;
}

Result<std::unique_ptr<InputFiles>> InputFiles::Map(const std::vector<InputFile>& files,
                                                     const CopyOptions& options, bool populate) {
  std::unique_ptr<InputFiles> out(new InputFiles());
  for (const InputFile& f : files) {
    uint64_t size = 0;
    IBEX_ASSIGN_OR_RETURN(int fd, OpenReadOnly(f.path, &size));
    if (size != f.size) {
      ::close(fd);
      return Status::InvalidArgument("COPY: " + f.path + " has " + std::to_string(size) +
                                     " bytes here but " + std::to_string(f.size) +
                                     " bytes where the file list was made");
    }
    Mapped m;
    m.path = f.path;
    m.start = out->total_bytes_;
    if (size > 0) {
      const int flags = MAP_PRIVATE | (populate ? MAP_POPULATE : 0);
      void* p = ::mmap(nullptr, size, PROT_READ, flags, fd, 0);
      if (p == MAP_FAILED) {
        const int err = errno;
        ::close(fd);
        return Status::FromErrno("mmap", f.path, err);
      }
      ::madvise(p, size, MADV_SEQUENTIAL);
      m.data = std::string_view(static_cast<const char*>(p), size);
      m.splittable = options.format == FileFormat::kTbl ||
                     std::memchr(m.data.data(), '"', m.data.size()) == nullptr;
    }
    ::close(fd);
    out->total_bytes_ += size;
    out->files_.push_back(std::move(m));
  }
  return out;
}

InputFiles::~InputFiles() {
  for (const Mapped& m : files_) {
    if (!m.data.empty()) ::munmap(const_cast<char*>(m.data.data()), m.data.size());
  }
}

std::vector<FileRange> InputFiles::Split(uint64_t begin, uint64_t end, size_t range_bytes) const {
  std::vector<FileRange> ranges;
  for (size_t f = 0; f < files_.size(); ++f) {
    const Mapped& m = files_[f];
    const uint64_t size = m.data.size();
    if (size == 0) continue;
    if (!m.splittable) {
      if (begin <= m.start && m.start < end) ranges.push_back({f, 0, size});
      continue;
    }
    const uint64_t lo = std::max(begin, m.start);
    const uint64_t hi = std::min(end, m.start + size);
    for (uint64_t at = lo; at < hi; at += range_bytes) {
      ranges.push_back({f, static_cast<size_t>(at - m.start),
                        static_cast<size_t>(std::min<uint64_t>(hi, at + range_bytes) - m.start)});
    }
  }
  return ranges;
}

Status InputFiles::ErrorAt(size_t file, size_t offset, const std::string& reason) const {
  std::string_view data = files_[file].data;
  offset = std::min(offset, data.size());
  size_t line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < offset;) {
    const void* nl = std::memchr(data.data() + i, '\n', offset - i);
    if (nl == nullptr) break;
    ++line;
    i = static_cast<size_t>(static_cast<const char*>(nl) - data.data()) + 1;
    line_start = i;
  }
  return Status::InvalidArgument(files_[file].path + ":" + std::to_string(line) + ":" +
                                 std::to_string(offset - line_start + 1) + ": " + reason);
}

size_t LineStartAtOrAfter(std::string_view data, size_t pos) {
  if (pos == 0) return 0;
  const void* nl = std::memchr(data.data() + pos - 1, '\n', data.size() - (pos - 1));
  return nl == nullptr ? data.size()
                       : static_cast<size_t>(static_cast<const char*>(nl) - data.data()) + 1;
}

}  // namespace ibex::storage
