#include "scheduler/load_messages.h"

#include "storage/serde.h"

namespace ibex::scheduler {
namespace {

using storage::ByteReader;
using storage::ByteWriter;

std::string_view AsView(std::span<const std::byte> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

Status Check(const ByteReader& r, const char* what) {
  if (r.ok() && r.remaining() == 0) return Status::OK();
  return Status::InvalidArgument(std::string("malformed ") + what + " message: " +
                                 (r.ok() ? "trailing bytes" : r.error()));
}

}  // namespace

std::string Encode(const LoadStart& m) {
  ByteWriter w;
  w.Put<uint64_t>(m.load_id);
  w.Put<uint64_t>(m.epoch);
  w.Put<uint32_t>(m.executors);
  w.PutString(m.table);
  const storage::CopyOptions& o = m.options;
  w.Put<uint8_t>(static_cast<uint8_t>(o.format));
  w.Put<uint8_t>(o.delimiter ? 1 : 0);
  w.Put<char>(o.delimiter.value_or(0));
  w.Put<uint8_t>(o.header ? 1 : 0);
  w.Put<uint8_t>(o.null_string ? 1 : 0);
  w.PutString(o.null_string.value_or(""));
  w.Put<int32_t>(o.threads);
  w.Put<uint32_t>(o.block_rows);
  w.Put<uint32_t>(static_cast<uint32_t>(m.files.size()));
  for (const storage::InputFile& f : m.files) {
    w.PutString(f.path);
    w.Put<uint64_t>(f.size);
  }
  w.Put<uint64_t>(m.range_begin);
  w.Put<uint64_t>(m.range_end);
  w.PutString(m.catalog);
  return std::move(w.buffer());
}

Result<LoadStart> DecodeLoadStart(std::span<const std::byte> bytes) {
  ByteReader r(AsView(bytes));
  LoadStart m;
  m.load_id = r.Get<uint64_t>();
  m.epoch = r.Get<uint64_t>();
  m.executors = r.Get<uint32_t>();
  m.table = r.GetString();
  storage::CopyOptions& o = m.options;
  o.format = static_cast<storage::FileFormat>(r.Get<uint8_t>());
  const bool has_delimiter = r.Get<uint8_t>() != 0;
  const char delimiter = r.Get<char>();
  if (has_delimiter) o.delimiter = delimiter;
  o.header = r.Get<uint8_t>() != 0;
  const bool has_null = r.Get<uint8_t>() != 0;
  std::string null_string = r.GetString();
  if (has_null) o.null_string = std::move(null_string);
  o.threads = r.Get<int32_t>();
  o.block_rows = r.Get<uint32_t>();
  const uint32_t nfiles = r.Get<uint32_t>();
  for (uint32_t i = 0; i < nfiles && r.ok(); ++i) {
    storage::InputFile f;
    f.path = r.GetString();
    f.size = r.Get<uint64_t>();
    m.files.push_back(std::move(f));
  }
  m.range_begin = r.Get<uint64_t>();
  m.range_end = r.Get<uint64_t>();
  m.catalog = r.GetString();
  IBEX_RETURN_IF_ERROR(Check(r, "load start"));
  if (o.block_rows == 0) return Status::InvalidArgument("load start: block_rows 0");
  return m;
}

std::string Encode(const LoadReport& m) {
  ByteWriter w;
  w.Put<uint64_t>(m.load_id);
  w.PutStatus(m.status);
  w.Put<uint8_t>(m.bad_row ? 1 : 0);
  w.Put<uint64_t>(m.file);
  w.Put<uint64_t>(m.offset);
  w.Put<int64_t>(m.rows_parsed);
  storage::WritePartitionInfo(&w, m.partition);
  storage::WriteTableStats(&w, m.delta);
  return std::move(w.buffer());
}

Result<LoadReport> DecodeLoadReport(std::span<const std::byte> bytes) {
  ByteReader r(AsView(bytes));
  LoadReport m;
  m.load_id = r.Get<uint64_t>();
  m.status = r.GetStatus();
  m.bad_row = r.Get<uint8_t>() != 0;
  m.file = r.Get<uint64_t>();
  m.offset = r.Get<uint64_t>();
  m.rows_parsed = r.Get<int64_t>();
  m.partition = storage::ReadPartitionInfo(&r);
  m.delta = storage::ReadTableStats(&r);
  IBEX_RETURN_IF_ERROR(Check(r, "load report"));
  return m;
}

std::string Encode(const LoadDecision& m) {
  ByteWriter w;
  w.Put<uint64_t>(m.load_id);
  w.Put<uint8_t>(static_cast<uint8_t>(m.verdict));
  w.PutString(m.catalog);
  return std::move(w.buffer());
}

Result<LoadDecision> DecodeLoadDecision(std::span<const std::byte> bytes) {
  ByteReader r(AsView(bytes));
  LoadDecision m;
  m.load_id = r.Get<uint64_t>();
  const uint8_t verdict = r.Get<uint8_t>();
  m.catalog = r.GetString();
  IBEX_RETURN_IF_ERROR(Check(r, "load decision"));
  if (verdict > static_cast<uint8_t>(LoadVerdict::kRelease)) {
    return Status::InvalidArgument("load decision: unknown verdict " + std::to_string(verdict));
  }
  m.verdict = static_cast<LoadVerdict>(verdict);
  return m;
}

std::string Encode(const LoadDone& m) {
  ByteWriter w;
  w.Put<uint64_t>(m.load_id);
  w.PutStatus(m.status);
  return std::move(w.buffer());
}

Result<LoadDone> DecodeLoadDone(std::span<const std::byte> bytes) {
  ByteReader r(AsView(bytes));
  LoadDone m;
  m.load_id = r.Get<uint64_t>();
  m.status = r.GetStatus();
  IBEX_RETURN_IF_ERROR(Check(r, "load done"));
  return m;
}

}  // namespace ibex::scheduler
