#include "storage/catalog.h"

#include <cstring>
#include <set>

#include "common/check.h"
#include "storage/serde.h"

namespace ibex::storage {
namespace {

constexpr uint32_t kCatalogMagic = 0x54414349;  // "ICAT"
constexpr uint32_t kCatalogVersion = 1;

Status ValidateDef(const TableDef& def) {
  if (def.name.empty()) return Status::InvalidArgument("table name is empty");
  if (def.columns.empty()) {
    return Status::InvalidArgument("table '" + def.name + "' has no columns");
  }
  std::set<std::string> names;
  for (const ColumnDef& c : def.columns) {
    if (!names.insert(ToLowerAscii(c.name)).second) {
      return Status::InvalidArgument("table '" + def.name + "': column '" + c.name +
                                     "' is declared twice");
    }
  }
  const int n = static_cast<int>(def.columns.size());
  auto check_indices = [&](const std::vector<int>& cols, std::string_view what) -> Status {
    for (int c : cols) {
      if (c < 0 || c >= n) {
        return Status::InvalidArgument("table '" + def.name + "': " + std::string(what) +
                                       " names column #" + std::to_string(c) + " of " +
                                       std::to_string(n));
      }
    }
    return Status::OK();
  };
  if (def.distribution.kind == DistributionKind::kHash && def.distribution.hash_columns.empty()) {
    return Status::InvalidArgument("table '" + def.name + "': PARTITION BY HASH needs columns");
  }
  if (def.distribution.kind != DistributionKind::kHash && !def.distribution.hash_columns.empty()) {
    return Status::InvalidArgument("table '" + def.name + "': hash columns without HASH");
  }
  IBEX_RETURN_IF_ERROR(check_indices(def.distribution.hash_columns, "PARTITION BY HASH"));
  IBEX_RETURN_IF_ERROR(check_indices(def.sort_key, "ORDER BY"));
  return Status::OK();
}

void PutInts(ByteWriter& w, const std::vector<int>& v) {
  w.Put<uint32_t>(static_cast<uint32_t>(v.size()));
  for (int x : v) w.Put<int32_t>(x);
}

std::vector<int> GetInts(ByteReader& r) {
  const uint32_t n = r.Get<uint32_t>();
  std::vector<int> v;
  for (uint32_t i = 0; i < n && r.ok(); ++i) v.push_back(r.Get<int32_t>());
  return v;
}

void WriteTable(ByteWriter& w, const Table& t) {
  w.Put<uint64_t>(t.table_id);
  w.PutString(t.def.name);
  w.Put<uint32_t>(static_cast<uint32_t>(t.def.columns.size()));
  for (const ColumnDef& c : t.def.columns) {
    w.PutString(c.name);
    w.PutType(c.type);
    w.Put<uint8_t>(c.not_null ? 1 : 0);
  }
  w.Put<uint8_t>(static_cast<uint8_t>(t.def.distribution.kind));
  PutInts(w, t.def.distribution.hash_columns);
  PutInts(w, t.def.sort_key);
  w.Put<uint32_t>(static_cast<uint32_t>(t.partitions.size()));
  for (const PartitionInfo& p : t.partitions) WritePartitionInfo(&w, p);
  WriteTableStats(&w, t.stats);
}

Table ReadTable(ByteReader& r) {
  Table t;
  t.table_id = r.Get<uint64_t>();
  t.def.name = r.GetString();
  const uint32_t ncols = r.Get<uint32_t>();
  for (uint32_t i = 0; i < ncols && r.ok(); ++i) {
    ColumnDef c;
    c.name = r.GetString();
    c.type = r.GetType();
    c.not_null = r.Get<uint8_t>() != 0;
    t.def.columns.push_back(std::move(c));
  }
  t.def.distribution.kind = static_cast<DistributionKind>(r.Get<uint8_t>());
  t.def.distribution.hash_columns = GetInts(r);
  t.def.sort_key = GetInts(r);
  const uint32_t nparts = r.Get<uint32_t>();
  for (uint32_t p = 0; p < nparts && r.ok(); ++p) t.partitions.push_back(ReadPartitionInfo(&r));
  t.stats = ReadTableStats(&r);
  return t;
}

}  // namespace

void WritePartitionInfo(ByteWriter* w, const PartitionInfo& p) {
  w->Put<uint32_t>(static_cast<uint32_t>(p.blocks.size()));
  for (const BlockMeta& b : p.blocks) WriteBlockMeta(w, b);
}

PartitionInfo ReadPartitionInfo(ByteReader* r) {
  PartitionInfo part;
  const uint32_t nblocks = r->Get<uint32_t>();
  for (uint32_t b = 0; b < nblocks && r->ok(); ++b) part.blocks.push_back(ReadBlockMeta(r));
  return part;
}

void WriteTableStats(ByteWriter* w, const TableStats& stats) {
  w->Put<int64_t>(stats.row_count);
  w->Put<uint32_t>(static_cast<uint32_t>(stats.columns.size()));
  for (const ColumnStats& s : stats.columns) {
    w->Put<int64_t>(s.null_count);
    w->PutValue(s.min);
    w->PutValue(s.max);
    w->PutBytes(s.distinct.registers().data(), HyperLogLog::kRegisters);
  }
}

TableStats ReadTableStats(ByteReader* r) {
  TableStats stats;
  stats.row_count = r->Get<int64_t>();
  const uint32_t nstats = r->Get<uint32_t>();
  for (uint32_t i = 0; i < nstats && r->ok(); ++i) {
    ColumnStats s;
    s.null_count = r->Get<int64_t>();
    s.min = r->GetValue();
    s.max = r->GetValue();
    std::string_view regs = r->GetBytes(HyperLogLog::kRegisters);
    if (r->ok()) std::memcpy(s.distinct.mutable_registers().data(), regs.data(), regs.size());
    stats.columns.push_back(std::move(s));
  }
  return stats;
}

void WriteBlockMeta(ByteWriter* w, const BlockMeta& b) {
  w->Put<uint64_t>(b.block_id);
  w->Put<uint32_t>(b.row_count);
  w->Put<uint32_t>(static_cast<uint32_t>(b.zones.size()));
  for (const ZoneMap& z : b.zones) {
    w->PutValue(z.min);
    w->PutValue(z.max);
    w->Put<int64_t>(z.null_count);
  }
}

BlockMeta ReadBlockMeta(ByteReader* r) {
  BlockMeta b;
  b.block_id = r->Get<uint64_t>();
  b.row_count = r->Get<uint32_t>();
  const uint32_t nz = r->Get<uint32_t>();
  for (uint32_t z = 0; z < nz && r->ok(); ++z) {
    ZoneMap zone;
    zone.min = r->GetValue();
    zone.max = r->GetValue();
    zone.null_count = r->Get<int64_t>();
    b.zones.push_back(std::move(zone));
  }
  return b;
}

std::string ToLowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

int TableDef::FindColumn(std::string_view column_name) const {
  const std::string key = ToLowerAscii(column_name);
  for (size_t i = 0; i < columns.size(); ++i) {
    if (ToLowerAscii(columns[i].name) == key) return static_cast<int>(i);
  }
  return -1;
}

std::string TableDef::DistributionString() const {
  switch (distribution.kind) {
    case DistributionKind::kRoundRobin:
      return "ROUND ROBIN";
    case DistributionKind::kReplicated:
      return "REPLICATED";
    case DistributionKind::kHash: {
      std::string s = "PARTITION BY HASH(";
      for (size_t i = 0; i < distribution.hash_columns.size(); ++i) {
        if (i > 0) s += ", ";
        s += columns[distribution.hash_columns[i]].name;
      }
      return s + ")";
    }
  }
  return "?";
}

int64_t PartitionInfo::row_count() const {
  int64_t n = 0;
  for (const BlockMeta& b : blocks) n += b.row_count;
  return n;
}

int64_t Table::stored_row_count() const {
  int64_t n = 0;
  for (const PartitionInfo& p : partitions) n += p.row_count();
  return n;
}

void TableStats::Merge(const TableStats& delta) {
  if (columns.empty()) columns.resize(delta.columns.size());
  IBEX_CHECK_EQ(columns.size(), delta.columns.size());
  row_count += delta.row_count;
  for (size_t i = 0; i < columns.size(); ++i) {
    ColumnStats& s = columns[i];
    const ColumnStats& d = delta.columns[i];
    s.null_count += d.null_count;
    if (!d.min.is_null() && (s.min.is_null() || d.min.Compare(s.min) < 0)) s.min = d.min;
    if (!d.max.is_null() && (s.max.is_null() || d.max.Compare(s.max) > 0)) s.max = d.max;
    s.distinct.Merge(d.distinct);
  }
}

Catalog::Catalog(int num_partitions) : num_partitions_(num_partitions) {
  IBEX_CHECK_GE(num_partitions, 1);
}

Status Catalog::CreateTable(TableDef def, bool if_not_exists) {
  const std::string key = ToLowerAscii(def.name);
  if (tables_.count(key) > 0) {
    if (if_not_exists) return Status::OK();
    return Status::AlreadyExists("table '" + def.name + "' already exists");
  }
  if (views_.count(key) > 0) {
    return Status::AlreadyExists("'" + def.name + "' already exists as a view");
  }
  IBEX_RETURN_IF_ERROR(ValidateDef(def));
  Table t;
  t.table_id = next_table_id_++;
  t.partitions.resize(static_cast<size_t>(num_partitions_));
  t.stats.columns.resize(def.columns.size());
  t.def = std::move(def);
  tables_.emplace(key, std::move(t));
  ++schema_version_;
  return Status::OK();
}

Status Catalog::DropTable(std::string_view name, bool if_exists) {
  if (tables_.erase(ToLowerAscii(name)) == 0) {
    if (if_exists) return Status::OK();
    return Status::NotFound("table '" + std::string(name) + "' does not exist");
  }
  ++schema_version_;
  return Status::OK();
}

Status Catalog::CreateView(ViewDef def, bool or_replace) {
  const std::string key = ToLowerAscii(def.name);
  if (tables_.count(key) > 0) {
    return Status::AlreadyExists("'" + def.name + "' already exists as a table");
  }
  if (views_.count(key) > 0 && !or_replace) {
    return Status::AlreadyExists("view '" + def.name + "' already exists");
  }
  views_[key] = std::move(def);
  ++schema_version_;
  return Status::OK();
}

Status Catalog::DropView(std::string_view name, bool if_exists) {
  if (views_.erase(ToLowerAscii(name)) == 0) {
    if (if_exists) return Status::OK();
    return Status::NotFound("view '" + std::string(name) + "' does not exist");
  }
  ++schema_version_;
  return Status::OK();
}

const Table* Catalog::FindTable(std::string_view name) const {
  auto it = tables_.find(ToLowerAscii(name));
  return it == tables_.end() ? nullptr : &it->second;
}

Table* Catalog::FindMutableTable(std::string_view name) {
  auto it = tables_.find(ToLowerAscii(name));
  return it == tables_.end() ? nullptr : &it->second;
}

const ViewDef* Catalog::FindView(std::string_view name) const {
  auto it = views_.find(ToLowerAscii(name));
  return it == views_.end() ? nullptr : &it->second;
}

Result<const Table*> Catalog::GetTable(std::string_view name) const {
  const Table* t = FindTable(name);
  if (t == nullptr) return Status::NotFound("table '" + std::string(name) + "' does not exist");
  return t;
}

std::vector<std::string> Catalog::TableNames() const {
  std::vector<std::string> names;
  for (const auto& [key, t] : tables_) names.push_back(t.def.name);
  return names;
}

std::vector<std::string> Catalog::ViewNames() const {
  std::vector<std::string> names;
  for (const auto& [key, v] : views_) names.push_back(v.name);
  return names;
}

std::string Catalog::Serialize() const {
  ByteWriter w;
  w.Put<uint32_t>(kCatalogMagic);
  w.Put<uint32_t>(kCatalogVersion);
  w.Put<int32_t>(num_partitions_);
  w.Put<uint64_t>(schema_version_);
  w.Put<uint64_t>(epoch_);
  w.Put<uint64_t>(next_table_id_);
  w.Put<uint32_t>(static_cast<uint32_t>(tables_.size()));
  for (const auto& [key, t] : tables_) WriteTable(w, t);
  w.Put<uint32_t>(static_cast<uint32_t>(views_.size()));
  for (const auto& [key, v] : views_) {
    w.PutString(v.name);
    w.Put<uint32_t>(static_cast<uint32_t>(v.column_names.size()));
    for (const std::string& c : v.column_names) w.PutString(c);
    w.PutString(v.sql);
  }
  return std::move(w.buffer());
}

Result<Catalog> Catalog::Deserialize(std::string_view bytes) {
  ByteReader r(bytes);
  if (r.Get<uint32_t>() != kCatalogMagic) return Status::Corruption("not an ibex catalog image");
  const uint32_t version = r.Get<uint32_t>();
  if (version != kCatalogVersion) {
    return Status::NotSupported("catalog format version " + std::to_string(version) +
                                ", this build reads version " + std::to_string(kCatalogVersion));
  }
  const int32_t partitions = r.Get<int32_t>();
  if (!r.ok() || partitions < 1) return Status::Corruption("catalog image: bad partition count");
  Catalog c(partitions);
  c.schema_version_ = r.Get<uint64_t>();
  c.epoch_ = r.Get<uint64_t>();
  c.next_table_id_ = r.Get<uint64_t>();
  const uint32_t ntables = r.Get<uint32_t>();
  for (uint32_t i = 0; i < ntables && r.ok(); ++i) {
    Table t = ReadTable(r);
    if (!r.ok()) break;
    std::string key = ToLowerAscii(t.def.name);
    c.tables_.emplace(std::move(key), std::move(t));
  }
  const uint32_t nviews = r.Get<uint32_t>();
  for (uint32_t i = 0; i < nviews && r.ok(); ++i) {
    ViewDef v;
    v.name = r.GetString();
    const uint32_t ncols = r.Get<uint32_t>();
    for (uint32_t j = 0; j < ncols && r.ok(); ++j) v.column_names.push_back(r.GetString());
    v.sql = r.GetString();
    std::string key = ToLowerAscii(v.name);
    c.views_.emplace(std::move(key), std::move(v));
  }
  if (!r.ok()) return Status::Corruption("catalog image: " + r.error());
  if (r.remaining() != 0) return Status::Corruption("catalog image: trailing bytes");
  return c;
}

Status Catalog::ApplyDefinitions(const Catalog& wanted) {
  for (const std::string& name : TableNames()) {
    if (wanted.FindTable(name) == nullptr) IBEX_RETURN_IF_ERROR(DropTable(name, false));
  }
  for (const std::string& name : ViewNames()) {
    if (wanted.FindView(name) == nullptr) IBEX_RETURN_IF_ERROR(DropView(name, false));
  }
  for (const std::string& name : wanted.TableNames()) {
    if (FindTable(name) == nullptr) IBEX_RETURN_IF_ERROR(CreateTable(wanted.FindTable(name)->def, false));
  }
  for (const std::string& name : wanted.ViewNames()) {
    const ViewDef* v = wanted.FindView(name);
    const ViewDef* have = FindView(name);
    if (have == nullptr || !(*have == *v)) IBEX_RETURN_IF_ERROR(CreateView(*v, true));
  }
  return Status::OK();
}

}  // namespace ibex::storage
