// Little-endian binary encoding helpers for storage's own files (block files, manifests, the
// catalog image). ByteWriter appends to a string; ByteReader reads from a borrowed byte range
// and remembers the first failure (truncation or a bad tag) instead of returning one per field,
// so a reader checks ok() once at the end.
//
// Thread safety: one object per thread.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

#include "common/status.h"
#include "storage/types.h"

namespace ibex::storage {

class ByteWriter {
 public:
  template <typename T>
  void Put(T v) {
    static_assert(std::is_trivially_copyable_v<T>);
    buf_.append(reinterpret_cast<const char*>(&v), sizeof(T));
  }
  void PutBytes(const void* data, size_t n) { buf_.append(static_cast<const char*>(data), n); }
  void PutString(std::string_view s) {
    Put<uint32_t>(static_cast<uint32_t>(s.size()));
    buf_.append(s);
  }
  void PutType(const DataType& type);
  void PutValue(const Value& v);
  // A Status as its code and message (statuses that travel between ranks).
  void PutStatus(const Status& s);

  std::string& buffer() { return buf_; }
  size_t size() const { return buf_.size(); }

 private:
  std::string buf_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : data_(bytes) {}

  template <typename T>
  T Get() {
    static_assert(std::is_trivially_copyable_v<T>);
    T v{};
    if (!Need(sizeof(T))) return v;
    std::memcpy(&v, data_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }
  // A view of the next n bytes (empty on truncation).
  std::string_view GetBytes(size_t n) {
    if (!Need(n)) return {};
    std::string_view s = data_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  std::string GetString() {
    const uint32_t n = Get<uint32_t>();
    return std::string(GetBytes(n));
  }
  DataType GetType();
  Value GetValue();
  // A Status written by PutStatus; an unknown code fails the reader.
  Status GetStatus();

  void Fail(std::string reason) {
    if (ok_) error_ = std::move(reason);
    ok_ = false;
  }
  bool ok() const { return ok_; }
  const std::string& error() const { return error_; }
  size_t position() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }

 private:
  bool Need(size_t n) {
    if (!ok_) return false;
    if (data_.size() - pos_ < n) {
      Fail("truncated at byte " + std::to_string(pos_));
      return false;
    }
    return true;
  }

  std::string_view data_;
  size_t pos_ = 0;
  bool ok_ = true;
  std::string error_;
};

}  // namespace ibex::storage
