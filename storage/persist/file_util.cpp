#include "storage/persist/file_util.h"

#include <algorithm>
#include <cerrno>
#include <filesystem>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ibex::storage {
namespace {

std::string ParentDir(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// Closes a descriptor on scope exit.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

Status MakeDirs(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError("mkdir " + dir + ": " + ec.message());
  return Status::OK();
}

Status WriteFile(const std::string& path, std::string_view bytes, bool sync) {
  Fd f;
  f.fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (f.fd < 0) return Status::FromErrno("open", path, errno);
  const char* p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    const ssize_t n = ::write(f.fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno("write", path, errno);
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (sync && ::fsync(f.fd) != 0) return Status::FromErrno("fsync", path, errno);
  const int fd = f.fd;
  f.fd = -1;
  if (::close(fd) != 0) return Status::FromErrno("close", path, errno);
  return Status::OK();
}

Status FsyncFile(const std::string& path) {
  Fd f;
  f.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (f.fd < 0) return Status::FromErrno("open", path, errno);
  if (::fsync(f.fd) != 0) return Status::FromErrno("fsync", path, errno);
  return Status::OK();
}

Status FsyncDir(const std::string& dir) {
  Fd f;
  f.fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (f.fd < 0) return Status::FromErrno("open", dir, errno);
  if (::fsync(f.fd) != 0) return Status::FromErrno("fsync", dir, errno);
  return Status::OK();
}

Status WriteFileAtomic(const std::string& path, std::string_view bytes) {
  const std::string tmp = path + ".tmp";
  IBEX_RETURN_IF_ERROR(WriteFileSynced(tmp, bytes));
  if (::rename(tmp.c_str(), path.c_str()) != 0) return Status::FromErrno("rename", tmp, errno);
  return FsyncDir(ParentDir(path));
}

Result<std::string> ReadFile(const std::string& path) {
  IBEX_ASSIGN_OR_RETURN(ReadableFile file, ReadableFile::Open(path));
  std::string out;
  IBEX_RETURN_IF_ERROR(file.ReadAt(0, file.size(), &out));
  return out;
}

bool FileExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

Result<std::vector<std::string>> ListDir(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    if (errno == ENOENT) return Status::NotFound("no folder " + dir);
    return Status::FromErrno("opendir", dir, errno);
  }
  std::vector<std::string> names;
  while (const dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(std::move(name));
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

Status RemoveFile(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return Status::FromErrno("unlink", path, errno);
  }
  return Status::OK();
}

Status RemoveTree(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  if (ec) return Status::IoError("remove " + path + ": " + ec.message());
  return Status::OK();
}

Result<int> OpenReadOnly(const std::string& path, uint64_t* size) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno("open", path, errno);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return Status::FromErrno("fstat", path, err);
  }
  *size = static_cast<uint64_t>(st.st_size);
  return fd;
}

Result<ReadableFile> ReadableFile::Open(const std::string& path) {
  uint64_t size = 0;
  IBEX_ASSIGN_OR_RETURN(int fd, OpenReadOnly(path, &size));
  return ReadableFile(fd, size, path);
}

ReadableFile::ReadableFile(ReadableFile&& other) noexcept
    : fd_(other.fd_), size_(other.size_), path_(std::move(other.path_)) {
  other.fd_ = -1;
}

ReadableFile& ReadableFile::operator=(ReadableFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    size_ = other.size_;
    path_ = std::move(other.path_);
    other.fd_ = -1;
  }
  return *this;
}

ReadableFile::~ReadableFile() {
  if (fd_ >= 0) ::close(fd_);
}

Status ReadableFile::ReadAt(uint64_t offset, size_t n, std::string* out) const {
  if (offset > size_ || n > size_ - offset) {
    return Status::Corruption(path_ + ": wants bytes " + std::to_string(offset) + ".." +
                              std::to_string(offset + n) + " of a " + std::to_string(size_) +
                              "-byte file (truncated?)");
  }
  out->resize(n);
  size_t done = 0;
  while (done < n) {
    const ssize_t r = ::pread(fd_, out->data() + done, n - done, static_cast<off_t>(offset + done));
    if (r < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno("pread", path_, errno);
    }
    if (r == 0) return Status::Corruption(path_ + ": unexpected end of file");
    done += static_cast<size_t>(r);
  }
  return Status::OK();
}

}  // namespace ibex::storage
