// The catalog: what tables and views exist, their columns and types, how each table is
// distributed over the executors' partitions, its sort key, every partition's list of blocks
// (with their zone maps), and statistics for the optimizer. The coordinator owns the one
// authoritative Catalog; the binder resolves names against it, the optimizer reads its
// statistics and zone maps, the loader and DDL produce a changed copy that the commit
// protocol (storage/persist/) makes durable with one atomic write.
//
// Names are looked up case-insensitively and kept as first written. Tables and views share
// one namespace. Every DDL (create/drop of a table or view) increments schema_version(), which
// plan caches key on; loads change data, not the schema, and leave it alone.
//
// Thread safety: none inside. Catalog is a value (copyable); the coordinator changes it on
// one thread, or guards it; pointers returned by Find* stay valid until the next change.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "storage/blocks/zone_map.h"
#include "storage/hyperloglog.h"
#include "storage/serde.h"
#include "storage/types.h"

namespace ibex::storage {

struct ColumnDef {
  std::string name;
  DataType type;
  bool not_null = false;

  bool operator==(const ColumnDef&) const = default;
};

enum class DistributionKind : uint8_t {
  kRoundRobin = 0,  // rows dealt to partitions in turn (the default)
  kHash = 1,        // PARTITION BY HASH(cols): rows with equal keys share a partition
  kReplicated = 2,  // REPLICATED: every partition holds every row (small dimension tables)
};

struct Distribution {
  DistributionKind kind = DistributionKind::kRoundRobin;
  std::vector<int> hash_columns;  // column indices; kHash only, non-empty then

  static Distribution RoundRobin() { return {}; }
  static Distribution Replicated() { return {DistributionKind::kReplicated, {}}; }
  static Distribution Hash(std::vector<int> columns) {
    return {DistributionKind::kHash, std::move(columns)};
  }
  bool operator==(const Distribution&) const = default;
};

// What a table looks like, as CREATE TABLE declares it.
struct TableDef {
  std::string name;
  std::vector<ColumnDef> columns;
  Distribution distribution;
  std::vector<int> sort_key;  // column indices of ORDER BY (cols); empty: load order

  // Index of the column named `name` (case-insensitive), or -1.
  int FindColumn(std::string_view column_name) const;
  // "PARTITION BY HASH(a, b)", "REPLICATED", "ROUND ROBIN".
  std::string DistributionString() const;

  bool operator==(const TableDef&) const = default;
};

// One block of one partition as the catalog knows it; the block file is named by its id
// (storage/persist/layout.h).
struct BlockMeta {
  uint64_t block_id = 0;
  uint32_t row_count = 0;
  std::vector<ZoneMap> zones;  // one per column

  bool operator==(const BlockMeta&) const = default;
};

// The binary form of a BlockMeta, shared by the catalog image and the partition manifests.
void WriteBlockMeta(ByteWriter* w, const BlockMeta& b);
BlockMeta ReadBlockMeta(ByteReader* r);

struct PartitionInfo {
  std::vector<BlockMeta> blocks;

  int64_t row_count() const;
  bool operator==(const PartitionInfo&) const = default;
};

struct ColumnStats {
  int64_t null_count = 0;
  Value min;  // NULL when no non-null value was seen
  Value max;
  HyperLogLog distinct;  // sketch of the non-null values

  uint64_t distinct_estimate() const { return distinct.Estimate(); }
  bool operator==(const ColumnStats&) const = default;
};

struct TableStats {
  int64_t row_count = 0;  // logical rows (a replicated table counts each row once)
  std::vector<ColumnStats> columns;

  double null_fraction(int column) const {
    return row_count == 0 ? 0.0 : static_cast<double>(columns[column].null_count) / row_count;
  }
  // Folds the statistics of newly loaded rows into these.
  void Merge(const TableStats& delta);
  bool operator==(const TableStats&) const = default;
};

// The binary forms of a partition's block list and of table statistics, shared by the
// catalog image and the messages of a distributed load.
void WritePartitionInfo(ByteWriter* w, const PartitionInfo& p);
PartitionInfo ReadPartitionInfo(ByteReader* r);
void WriteTableStats(ByteWriter* w, const TableStats& stats);
TableStats ReadTableStats(ByteReader* r);

// A table: its definition, its blocks per partition (index = partition number, 0-based;
// partition p lives on executor rank p + 1), and its statistics.
struct Table {
  uint64_t table_id = 0;  // unique in the catalog, never reused; names the table's folders
  TableDef def;
  std::vector<PartitionInfo> partitions;
  TableStats stats;

  int64_t stored_row_count() const;  // sum over partitions (replicas counted each time)
  bool operator==(const Table&) const = default;
};

// A view: its name, optional column names, and its SQL text (opaque to storage).
struct ViewDef {
  std::string name;
  std::vector<std::string> column_names;
  std::string sql;

  bool operator==(const ViewDef&) const = default;
};

class Catalog {
 public:
  // num_partitions: how many executor partitions every table is spread over (>= 1).
  explicit Catalog(int num_partitions = 1);

  int num_partitions() const { return num_partitions_; }
  uint64_t schema_version() const { return schema_version_; }
  // The epoch whose data this catalog describes (see docs/storage.md, commit protocol).
  uint64_t epoch() const { return epoch_; }
  void set_epoch(uint64_t epoch) { epoch_ = epoch; }

  // DDL. Errors: AlreadyExists (name taken by a table or view), InvalidArgument (no columns,
  // duplicate column names, bad column index in distribution or sort key).
  Status CreateTable(TableDef def, bool if_not_exists = false);
  Status DropTable(std::string_view name, bool if_exists = false);
  Status CreateView(ViewDef def, bool or_replace = false);
  Status DropView(std::string_view name, bool if_exists = false);

  // nullptr when absent.
  const Table* FindTable(std::string_view name) const;
  Table* FindMutableTable(std::string_view name);
  const ViewDef* FindView(std::string_view name) const;
  // NotFound "table 'x' does not exist" when absent.
  Result<const Table*> GetTable(std::string_view name) const;

  // Names in case-insensitive order.
  std::vector<std::string> TableNames() const;
  std::vector<std::string> ViewNames() const;

  // Brings the tables and views to those of `wanted` (the shell's catalog after a DDL
  // statement): drops what it lacks, creates what it adds, replaces changed views. Data of the
  // tables both hold is kept.
  Status ApplyDefinitions(const Catalog& wanted);

  // A self-describing binary image (the payload of the global catalog file).
  std::string Serialize() const;
  static Result<Catalog> Deserialize(std::string_view bytes);

  bool operator==(const Catalog&) const = default;

 private:
  int num_partitions_ = 1;
  uint64_t schema_version_ = 0;
  uint64_t epoch_ = 0;
  uint64_t next_table_id_ = 1;
  std::map<std::string, Table> tables_;   // key: lower-cased name
  std::map<std::string, ViewDef> views_;  // key: lower-cased name
};

// Lower-cases ASCII letters; catalog keys and name comparisons use it.
std::string ToLowerAscii(std::string_view s);

}  // namespace ibex::storage
