// TblFile: one output file of a generator, written so that its final name never holds a
// half-written file. Bytes go to "DIR/.<name>.tmp.<pid>"; Commit() fsyncs it (optional),
// renames it to "DIR/<name>" and fsyncs the folder. A TblFile destroyed without a successful
// Commit() removes its temporary; Create() removes those of the same name a killed run left.
//
// Used by one thread at a time (the generators' writer thread).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace ibex::datagen {

class TblFile {
 public:
  static Result<std::unique_ptr<TblFile>> Create(const std::string& dir, const std::string& name,
                                                 bool sync);
  ~TblFile();
  TblFile(const TblFile&) = delete;
  TblFile& operator=(const TblFile&) = delete;

  Status Append(std::string_view bytes);
  Status Commit();

  const std::string& final_path() const { return final_path_; }
  uint64_t bytes_written() const { return bytes_written_; }

 private:
  TblFile(std::string temp_path, std::string final_path, std::string dir, int fd, bool sync)
      : temp_path_(std::move(temp_path)),
        final_path_(std::move(final_path)),
        dir_(std::move(dir)),
        fd_(fd),
        sync_(sync) {}

  std::string temp_path_;
  std::string final_path_;
  std::string dir_;
  int fd_;
  bool sync_;
  bool committed_ = false;
  uint64_t bytes_written_ = 0;
};

// Creates `dir` and its missing parents.
Status MakeDirectories(const std::string& dir);

}  // namespace ibex::datagen
