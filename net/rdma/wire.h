// Wire helpers for ibex's network messages: a little-endian writer and a bounds-checked reader,
// plus the envelope every control message starts with. The reader never reads past its span:
// each Read* returns false once the input is exhausted and the reader stays failed, so a
// handler decodes a whole message and checks ok() once.
//
// All ranks of a job run the same build on the same architecture (little-endian x86-64/arm64);
// the envelope's magic would expose a mismatch.
//
// Thread safety: plain values; one object per thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

namespace ibex::net {

class WireWriter {
 public:
  void U8(uint8_t v) { Raw(&v, 1); }
  void U16(uint16_t v) { Raw(&v, 2); }
  void U32(uint32_t v) { Raw(&v, 4); }
  void U64(uint64_t v) { Raw(&v, 8); }
  void Bytes(std::span<const std::byte> b) { Raw(b.data(), b.size()); }
  void Raw(const void* p, size_t n) {
    const auto* b = static_cast<const std::byte*>(p);
    buffer_.insert(buffer_.end(), b, b + n);
  }
  std::vector<std::byte>& buffer() { return buffer_; }
  std::vector<std::byte> Take() { return std::move(buffer_); }

 private:
  std::vector<std::byte> buffer_;
};

class WireReader {
 public:
  explicit WireReader(std::span<const std::byte> in) : in_(in) {}
  bool U8(uint8_t* v) { return Raw(v, 1); }
  bool U16(uint16_t* v) { return Raw(v, 2); }
  bool U32(uint32_t* v) { return Raw(v, 4); }
  bool U64(uint64_t* v) { return Raw(v, 8); }
  bool Raw(void* out, size_t n) {
    if (!ok_ || in_.size() - pos_ < n) {
      ok_ = false;
      return false;
    }
    std::memcpy(out, in_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  bool ok() const { return ok_; }
  size_t remaining() const { return ok_ ? in_.size() - pos_ : 0; }
  bool AtEnd() const { return ok_ && pos_ == in_.size(); }

 private:
  std::span<const std::byte> in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

inline constexpr uint32_t kWireMagic = 0x584249;  // "IBX"
inline constexpr uint8_t kWireVersion = 1;

// The envelope of a control message (the UCX AM header). 16 bytes on the wire.
struct ControlEnvelope {
  uint16_t type = 0;
  uint32_t source = 0;
  uint32_t payload_bytes = 0;

  static constexpr size_t kWireBytes = 16;
  void Write(WireWriter& w) const;
  // Checks size, magic and version; on failure sets *error and returns false.
  bool Read(std::span<const std::byte> in, std::string* error);
};

}  // namespace ibex::net
