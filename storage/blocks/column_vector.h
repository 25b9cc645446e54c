// ColumnVector: the values of one column of one block in memory, as a flat typed array plus
// an optional validity bitmap. It is what the block reader hands to operators and what the
// loader fills before a block is encoded. Access is by raw pointer to the typed array
// (data<int32_t>(), data<std::string_view>() ...), so loops over it make no virtual calls.
//
// Physical element types (DataType::physical()): kBool uint8_t, kInt32 int32_t, kInt64
// int64_t, kInt128 __int128, kDouble double, kString std::string_view. Values at null
// positions are zero / empty. Strings point into memory the vector owns (its arena) or keeps
// alive (KeepAlive: a block's file buffer, a mapped input file), so a vector can be moved
// freely and its string_views stay valid as long as the vector lives.
//
// Thread safety: one writer; after filling, any number of concurrent readers.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "common/check.h"
#include "storage/types.h"

namespace ibex::storage {

class ColumnVector {
 public:
  ColumnVector() = default;
  // Room for `capacity` values; size() starts at 0.
  ColumnVector(DataType type, size_t capacity);

  ColumnVector(ColumnVector&&) noexcept = default;
  ColumnVector& operator=(ColumnVector&&) noexcept = default;

  const DataType& type() const { return type_; }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  // Precondition: n <= capacity(). New positions are zero and valid.
  void Resize(size_t n);

  template <typename T>
  T* mutable_data() {
    return reinterpret_cast<T*>(storage_.get());
  }
  template <typename T>
  const T* data() const {
    return reinterpret_cast<const T*>(storage_.get());
  }

  // Bit i set = row i is not null. nullptr when no row is null.
  const uint64_t* validity() const { return null_count_ > 0 ? validity_.data() : nullptr; }
  bool IsNull(size_t i) const {
    return null_count_ > 0 && (validity_[i >> 6] & (uint64_t{1} << (i & 63))) == 0;
  }
  // Marks row i null and zeroes its value.
  void SetNull(size_t i);
  // Makes the vector reusable for refilling: size() = capacity(), no nulls, no strings kept.
  // The values are NOT zeroed: a refill must write every row (or SetNull it).
  void Recycle();
  int64_t null_count() const { return null_count_; }
  // Replaces the validity bitmap (ceil(size/64) words) and its null count.
  void SetValidity(std::vector<uint64_t> bits, int64_t null_count);

  // Copies `s` into the vector's arena and returns a view that lives as long as the vector.
  std::string_view CopyString(std::string_view s);
  // Whether some string_view points into this vector's own arena (CopyString was used).
  bool owns_strings() const { return !arena_.empty(); }
  // Keeps `owner` alive as long as this vector (memory its string_views point into).
  void KeepAlive(std::shared_ptr<const void> owner) { keep_alive_.push_back(std::move(owner)); }

  // The value of row i as a Value (slow; tests and zone maps of single values).
  Value GetValue(size_t i) const;

 private:
  DataType type_;
  size_t size_ = 0;
  size_t capacity_ = 0;
  std::unique_ptr<int128_t[]> storage_;  // int128 elements give 16-byte alignment
  std::vector<uint64_t> validity_;
  int64_t null_count_ = 0;
  std::vector<std::unique_ptr<char[]>> arena_;
  size_t arena_left_ = 0;
  char* arena_next_ = nullptr;
  std::vector<std::shared_ptr<const void>> keep_alive_;
};

}  // namespace ibex::storage
