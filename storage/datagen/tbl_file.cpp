#include "storage/datagen/tbl_file.h"

#include <cerrno>
#include <cstdio>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ibex::datagen {

Status MakeDirectories(const std::string& dir) {
  if (dir.empty()) return Status::InvalidArgument("empty output directory");
  for (size_t pos = 1; pos <= dir.size(); ++pos) {
    if (pos != dir.size() && dir[pos] != '/') continue;
    const std::string prefix = dir.substr(0, pos);
    if (::mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) {
      return Status::FromErrno("mkdir", prefix, errno);
    }
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return Status::FromErrno("stat", dir, errno);
  if (!S_ISDIR(st.st_mode))
    return Status::InvalidArgument("output path is not a directory: " + dir);
  return Status::OK();
}

namespace {

// Removes "DIR/.<name>.tmp.*" left by an earlier run that was killed before its rename.
Status RemoveStaleTemporaries(const std::string& dir, const std::string& name) {
  const std::string prefix = "." + name + ".tmp.";
  DIR* listing = ::opendir(dir.c_str());
  if (listing == nullptr) return Status::FromErrno("opendir", dir, errno);
  Status status;
  while (const dirent* entry = ::readdir(listing)) {
    const std::string_view entry_name = entry->d_name;
    if (!entry_name.starts_with(prefix)) continue;
    const std::string path = dir + "/" + std::string(entry_name);
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
      status = Status::FromErrno("unlink", path, errno);
      break;
    }
  }
  ::closedir(listing);
  return status;
}

}  // namespace

Result<std::unique_ptr<TblFile>> TblFile::Create(const std::string& dir, const std::string& name,
                                                 bool sync) {
  IBEX_RETURN_IF_ERROR(RemoveStaleTemporaries(dir, name));
  std::string temp = dir + "/." + name + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::FromErrno("open", temp, errno);
  return std::unique_ptr<TblFile>(new TblFile(std::move(temp), dir + "/" + name, dir, fd, sync));
}

TblFile::~TblFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(temp_path_.c_str());
}

Status TblFile::Append(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::FromErrno("write", temp_path_, errno);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
    bytes_written_ += static_cast<uint64_t>(n);
  }
  return Status::OK();
}

Status TblFile::Commit() {
  if (sync_ && ::fsync(fd_) != 0) return Status::FromErrno("fsync", temp_path_, errno);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) return Status::FromErrno("close", temp_path_, errno);
  if (::rename(temp_path_.c_str(), final_path_.c_str()) != 0) {
    return Status::FromErrno("rename", temp_path_ + " -> " + final_path_, errno);
  }
  committed_ = true;
  if (sync_) {
    const int dir_fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd < 0) return Status::FromErrno("open", dir_, errno);
    const int rc = ::fsync(dir_fd);
    const int err = errno;
    ::close(dir_fd);
    if (rc != 0) return Status::FromErrno("fsync", dir_, err);
  }
  return Status::OK();
}

}  // namespace ibex::datagen
