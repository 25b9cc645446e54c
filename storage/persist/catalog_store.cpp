#include "storage/persist/catalog_store.h"

#include <cerrno>
#include <cstdio>

#include "storage/persist/file_util.h"
#include "storage/persist/layout.h"
#include "storage/persist/manifest.h"

namespace ibex::storage {

Result<Catalog> CatalogStore::Open(const std::string& root, int num_partitions) {
  IBEX_RETURN_IF_ERROR(MakeDirs(root));
  const std::string path = CatalogPath(root);
  IBEX_RETURN_IF_ERROR(RemoveFile(path + ".tmp"));  // an uncommitted leftover
  if (!FileExists(path)) {
    Catalog empty(num_partitions);
    IBEX_RETURN_IF_ERROR(Commit(root, empty));
    return empty;
  }
  IBEX_ASSIGN_OR_RETURN(std::string bytes, ReadFile(path));
  IBEX_ASSIGN_OR_RETURN(std::string_view payload, UnframeFile(path, bytes, kCatalogFileMagic));
  auto catalog = Catalog::Deserialize(payload);
  if (!catalog.ok()) return catalog.status().Annotate(path);
  if (catalog->num_partitions() != num_partitions) {
    return Status::InvalidArgument(
        "data directory " + root + " holds " + std::to_string(catalog->num_partitions()) +
        " partitions (written by a job with " + std::to_string(catalog->num_partitions()) +
        " executors), but this job has " + std::to_string(num_partitions) +
        " executors; restart with " + std::to_string(catalog->num_partitions()) +
        " executors (re-partitioning is not supported yet)");
  }
  return std::move(catalog).value();
}

Status CatalogStore::Commit(const std::string& root, const Catalog& next) {
  const std::string path = CatalogPath(root);
  const std::string tmp = path + ".tmp";
  IBEX_RETURN_IF_ERROR(WriteFileSynced(tmp, FrameFile(kCatalogFileMagic, next.Serialize())));
  CrashPoint("commit.before_rename");
  if (::rename(tmp.c_str(), path.c_str()) != 0) return Status::FromErrno("rename", tmp, errno);
  CrashPoint("commit.after_rename");
  IBEX_RETURN_IF_ERROR(FsyncDir(root));
  CrashPoint("commit.after_fsync");
  return Status::OK();
}

}  // namespace ibex::storage
