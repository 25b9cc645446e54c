// The coordinator's side of the commit protocol: the global catalog file CATALOG in the
// coordinator's data directory root. Commit() is the single commit point of every change (a
// load, a DDL): write CATALOG.tmp, fsync, rename over CATALOG, fsync the folder
// (docs/storage.md, "Epoch commit protocol").
//
// Thread safety: one coordinator thread commits; functions otherwise stateless.
#pragma once

#include <string>

#include "common/status.h"
#include "storage/catalog.h"

namespace ibex::storage {

class CatalogStore {
 public:
  // Reads the committed catalog under `root`, or creates an empty one (epoch 0) when the
  // folder holds none. Fails with InvalidArgument naming both counts when the data was
  // written with a different number of partitions (executors).
  static Result<Catalog> Open(const std::string& root, int num_partitions);

  // Makes `next` the committed catalog, atomically and durably.
  static Status Commit(const std::string& root, const Catalog& next);
};

}  // namespace ibex::storage
