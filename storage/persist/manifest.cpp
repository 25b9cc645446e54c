#include "storage/persist/manifest.h"

#include "storage/persist/crc32c.h"
#include "storage/serde.h"

namespace ibex::storage {

std::string FrameFile(uint32_t magic, std::string_view payload) {
  ByteWriter w;
  w.Put<uint32_t>(magic);
  w.Put<uint32_t>(kPersistFormatVersion);
  w.Put<uint64_t>(payload.size());
  w.PutBytes(payload.data(), payload.size());
  w.Put<uint32_t>(Crc32c(w.buffer()));
  return std::move(w.buffer());
}

Result<std::string_view> UnframeFile(const std::string& path, std::string_view bytes,
                                     uint32_t magic) {
  constexpr size_t kOverhead = 4 + 4 + 8 + 4;
  if (bytes.size() < kOverhead) return Status::Corruption(path + ": truncated file");
  ByteReader r(bytes);
  const uint32_t got_magic = r.Get<uint32_t>();
  const uint32_t version = r.Get<uint32_t>();
  const uint64_t length = r.Get<uint64_t>();
  if (got_magic != magic) return Status::Corruption(path + ": wrong file type (bad magic)");
  if (length != bytes.size() - kOverhead) {
    return Status::Corruption(path + ": length " + std::to_string(length) + " does not match " +
                              "the file size " + std::to_string(bytes.size()));
  }
  uint32_t stored;
  std::memcpy(&stored, bytes.data() + bytes.size() - 4, 4);
  if (Crc32c(bytes.data(), bytes.size() - 4) != stored) {
    return Status::Corruption(path + ": checksum mismatch");
  }
  if (version != kPersistFormatVersion) {
    return Status::NotSupported(path + ": format version " + std::to_string(version) +
                                ", this build reads " + std::to_string(kPersistFormatVersion));
  }
  return bytes.substr(16, length);
}

std::string EncodeManifest(const Manifest& m) {
  ByteWriter w;
  w.Put<uint64_t>(m.table_id);
  w.Put<uint64_t>(m.epoch);
  w.Put<int32_t>(m.partition);
  w.Put<uint32_t>(static_cast<uint32_t>(m.blocks.blocks.size()));
  for (const BlockMeta& b : m.blocks.blocks) WriteBlockMeta(&w, b);
  return FrameFile(kManifestMagic, w.buffer());
}

Result<Manifest> DecodeManifest(const std::string& path, std::string_view bytes) {
  IBEX_ASSIGN_OR_RETURN(std::string_view payload, UnframeFile(path, bytes, kManifestMagic));
  ByteReader r(payload);
  Manifest m;
  m.table_id = r.Get<uint64_t>();
  m.epoch = r.Get<uint64_t>();
  m.partition = r.Get<int32_t>();
  const uint32_t n = r.Get<uint32_t>();
  for (uint32_t i = 0; i < n && r.ok(); ++i) m.blocks.blocks.push_back(ReadBlockMeta(&r));
  if (!r.ok() || r.remaining() != 0) {
    return Status::Corruption(
        path + ": malformed manifest: " + (r.ok() ? std::string("trailing bytes") : r.error()));
  }
  return m;
}

}  // namespace ibex::storage
