#include "storage/blocks/block.h"

#include <memory>

#include "storage/persist/crc32c.h"
#include "storage/persist/file_util.h"
#include "storage/serde.h"

namespace ibex::storage {
namespace {

constexpr size_t kFixedHeader = 4 + 4 + 8 + 4 + 4;
constexpr size_t kPerColumnHeader = 1 + 8 + 8 + 4;

}  // namespace

Result<EncodedBlock> EncodeBlock(uint64_t block_id, const std::vector<ColumnVector>& columns) {
  IBEX_CHECK(!columns.empty());
  const size_t rows = columns[0].size();
  IBEX_CHECK_LE(rows, size_t{UINT32_MAX});
  EncodedBlock block;
  block.meta.block_id = block_id;
  block.meta.row_count = static_cast<uint32_t>(rows);
  block.columns.resize(columns.size());
  std::vector<std::string> sections(columns.size());
  for (size_t c = 0; c < columns.size(); ++c) {
    IBEX_CHECK_EQ(columns[c].size(), rows);
    ByteWriter w;
    IBEX_RETURN_IF_ERROR(EncodeColumn(columns[c], &w, &block.columns[c]));
    sections[c] = std::move(w.buffer());
    block.meta.zones.push_back(block.columns[c].zone);
  }
  ByteWriter header;
  header.Put<uint32_t>(kBlockMagic);
  header.Put<uint32_t>(kBlockFormatVersion);
  header.Put<uint64_t>(block_id);
  header.Put<uint32_t>(static_cast<uint32_t>(rows));
  header.Put<uint32_t>(static_cast<uint32_t>(columns.size()));
  uint64_t offset = kFixedHeader + kPerColumnHeader * columns.size() + 4;
  size_t total = offset;
  for (size_t c = 0; c < columns.size(); ++c) {
    header.Put<uint8_t>(static_cast<uint8_t>(block.columns[c].encoding));
    header.Put<uint64_t>(offset);
    header.Put<uint64_t>(sections[c].size());
    header.Put<uint32_t>(Crc32c(sections[c]));
    offset += sections[c].size();
    total += sections[c].size();
  }
  header.Put<uint32_t>(Crc32c(header.buffer()));
  block.bytes = std::move(header.buffer());
  block.bytes.reserve(total);
  for (const std::string& s : sections) block.bytes.append(s);
  return block;
}

Result<Block> ReadBlockFile(const std::string& path, uint64_t block_id,
                            const std::vector<DataType>& types, const std::vector<int>& wanted) {
  const std::string where = path + ": block " + std::to_string(block_id);
  IBEX_ASSIGN_OR_RETURN(ReadableFile file, ReadableFile::Open(path));
  const size_t header_size = kFixedHeader + kPerColumnHeader * types.size() + 4;
  std::string header;
  if (file.size() < header_size) {
    return Status::Corruption(where + ": file of " + std::to_string(file.size()) +
                              " bytes is shorter than its header");
  }
  IBEX_RETURN_IF_ERROR(file.ReadAt(0, header_size, &header));
  uint32_t stored_crc;
  std::memcpy(&stored_crc, header.data() + header_size - 4, 4);
  if (Crc32c(header.data(), header_size - 4) != stored_crc) {
    return Status::Corruption(where + ": header checksum mismatch");
  }
  ByteReader r(header);
  const uint32_t magic = r.Get<uint32_t>();
  const uint32_t version = r.Get<uint32_t>();
  const uint64_t id = r.Get<uint64_t>();
  const uint32_t rows = r.Get<uint32_t>();
  const uint32_t ncols = r.Get<uint32_t>();
  if (magic != kBlockMagic) return Status::Corruption(where + ": not a block file");
  if (version != kBlockFormatVersion) {
    return Status::NotSupported(where + ": block format version " + std::to_string(version) +
                                ", this build reads " + std::to_string(kBlockFormatVersion));
  }
  if (id != block_id || ncols != types.size()) {
    return Status::Corruption(where + ": header names block " + std::to_string(id) + " with " +
                              std::to_string(ncols) + " columns");
  }
  struct Section {
    uint64_t offset;
    uint64_t length;
    uint32_t crc;
  };
  std::vector<Section> sections(ncols);
  for (uint32_t c = 0; c < ncols; ++c) {
    r.Get<uint8_t>();
    sections[c].offset = r.Get<uint64_t>();
    sections[c].length = r.Get<uint64_t>();
    sections[c].crc = r.Get<uint32_t>();
  }
  Block block;
  block.block_id = block_id;
  block.row_count = rows;
  block.columns.resize(ncols);
  std::vector<int> all;
  const std::vector<int>* cols = &wanted;
  if (wanted.empty()) {
    for (uint32_t c = 0; c < ncols; ++c) all.push_back(static_cast<int>(c));
    cols = &all;
  }
  for (int c : *cols) {
    IBEX_CHECK(c >= 0 && c < static_cast<int>(ncols)) << c;
    const Section& s = sections[c];
    auto bytes = std::make_shared<std::string>();
    Status read = file.ReadAt(s.offset, s.length, bytes.get());
    if (!read.ok()) return read.Annotate(where + " column " + std::to_string(c));
    if (Crc32c(*bytes) != s.crc) {
      return Status::Corruption(where + " column " + std::to_string(c) + ": checksum mismatch");
    }
    std::string_view view(*bytes);
    auto decoded = DecodeColumn(view, types[c], rows, std::move(bytes));
    if (!decoded.ok()) return decoded.status().Annotate(where + " column " + std::to_string(c));
    block.columns[c] = std::move(decoded).value();
  }
  return block;
}

}  // namespace ibex::storage
