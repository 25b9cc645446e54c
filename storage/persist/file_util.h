// Small POSIX file helpers for storage's persistence: durable writes (write, fsync, rename,
// fsync the folder), whole-file and positional reads, folder listing and removal. Every
// failure is an IoError naming the call and the path.
//
// Thread safety: functions; concurrent calls on distinct paths are fine.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace ibex::storage {

// Creates `dir` and its missing parents.
Status MakeDirs(const std::string& dir);
// Writes `bytes` to `path` (created or truncated), and fsyncs it when `sync`.
Status WriteFile(const std::string& path, std::string_view bytes, bool sync);
inline Status WriteFileSynced(const std::string& path, std::string_view bytes) {
  return WriteFile(path, bytes, /*sync=*/true);
}
// fsyncs an existing file.
Status FsyncFile(const std::string& path);
// Atomically replaces `path`: writes `path`.tmp, fsyncs, renames over `path`, fsyncs the folder.
Status WriteFileAtomic(const std::string& path, std::string_view bytes);
Status FsyncDir(const std::string& dir);
Result<std::string> ReadFile(const std::string& path);
bool FileExists(const std::string& path);
// Names (not paths) of the entries of `dir`, sorted; NotFound when `dir` does not exist.
Result<std::vector<std::string>> ListDir(const std::string& dir);
Status RemoveFile(const std::string& path);
// Removes `path` and everything below it; OK when it does not exist.
Status RemoveTree(const std::string& path);

// Opens `path` read-only and returns the descriptor (the caller closes it), with its size.
Result<int> OpenReadOnly(const std::string& path, uint64_t* size);

// An open read-only file for positional reads.
class ReadableFile {
 public:
  static Result<ReadableFile> Open(const std::string& path);
  ReadableFile(ReadableFile&& other) noexcept;
  ReadableFile& operator=(ReadableFile&& other) noexcept;
  ReadableFile(const ReadableFile&) = delete;
  ReadableFile& operator=(const ReadableFile&) = delete;
  ~ReadableFile();

  uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }
  // Reads exactly n bytes at offset into out (resized); short file: Corruption.
  Status ReadAt(uint64_t offset, size_t n, std::string* out) const;

 private:
  ReadableFile(int fd, uint64_t size, std::string path)
      : fd_(fd), size_(size), path_(std::move(path)) {}
  int fd_ = -1;
  uint64_t size_ = 0;
  std::string path_;
};

}  // namespace ibex::storage
