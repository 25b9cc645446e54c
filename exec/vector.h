// Vector and Chunk: the data that flows between operators. A Vector holds one column's values
// for up to kChunkRows rows as a flat typed array (storage::PhysicalType: uint8_t, int32_t,
// int64_t, __int128, double, std::string_view), a byte-per-row null array (absent when no row
// is null) and a constant flag (one value standing for every row). A vector either owns its
// array or views a slice of memory someone else keeps alive (a block's ColumnVector, held by
// the chunk's keep-alive list), so cutting a block into chunks copies nothing.
//
// Thread safety: values; one thread writes a vector, then any number may read it.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "storage/blocks/column_vector.h"
#include "storage/types.h"

namespace ibex::exec {

using storage::DataType;
using storage::int128_t;
using storage::PhysicalType;
using storage::Value;

// Rows per chunk: big enough to amortize per-vector dispatch, small enough for L1/L2.
inline constexpr size_t kChunkRows = 2048;

// Bump allocator for string bytes that must outlive their source (computed strings, rows kept
// by hash tables and sorts). Never frees individual strings.
class StringArena {
 public:
  std::string_view Copy(std::string_view s);
  size_t bytes() const { return bytes_; }

 private:
  std::vector<std::unique_ptr<char[]>> blocks_;
  char* next_ = nullptr;
  size_t left_ = 0;
  size_t bytes_ = 0;
};

// The owners of memory a vector's values point into. Copying is two shared_ptr copies (no
// allocation) in the common case of at most one owner; more owners share one list.
class KeepAliveSet {
 public:
  void Add(const std::shared_ptr<const void>& owner);
  void AddAll(const KeepAliveSet& other);

 private:
  std::shared_ptr<const void> one_;
  std::shared_ptr<const std::vector<std::shared_ptr<const void>>> many_;
};

class Vector {
 public:
  Vector() = default;
  // An owned, zeroed vector of `n` rows, no nulls.
  Vector(DataType type, size_t n);
  // A constant vector: one value for every row.
  static Vector Constant(const Value& v);
  // A non-owning view of rows [offset, offset+n) of `cv` (nulls converted to bytes).
  static Vector View(const storage::ColumnVector& cv, size_t offset, size_t n);

  Vector(Vector&&) noexcept = default;
  Vector& operator=(Vector&&) noexcept = default;
  Vector(const Vector&) = delete;
  Vector& operator=(const Vector&) = delete;
  // A deep-enough copy: the array and nulls copied, strings still pointing where they did
  // (the caller keeps their memory alive).
  Vector Clone() const;
  // A view of this vector's values sharing its memory (nulls copied); read-only.
  Vector Ref() const;
  // The same view under another type of the same physical representation (a wider DECIMAL of
  // the same scale, INTEGER as DATE arithmetic): no copy.
  Vector Retyped(const DataType& type) const {
    Vector out = Ref();
    out.type_ = type;
    return out;
  }

  const DataType& type() const { return type_; }
  PhysicalType physical() const { return physical_; }
  size_t size() const { return size_; }
  bool is_constant() const { return constant_; }

  template <typename T>
  const T* data() const {
    return static_cast<const T*>(data_);
  }
  // Precondition: owned (made by the sizing constructor).
  template <typename T>
  T* mutable_data() {
    return reinterpret_cast<T*>(owned_.get());
  }

  // nullptr when no row is null; else nulls()[i] != 0 means row i is null (for a constant
  // vector only index 0 is meaningful).
  const uint8_t* nulls() const { return has_nulls_ ? nulls_.data() : nullptr; }
  // Allocates the null array (all zero) if needed and returns it.
  uint8_t* mutable_nulls();
  bool IsNull(size_t i) const { return has_nulls_ && nulls_[constant_ ? 0 : i] != 0; }
  void SetNull(size_t i) { mutable_nulls()[i] = 1; }
  // Drops the null array when no row is null (after a kernel wrote it).
  void CompactNulls();

  StringArena& arena();
  // Keeps the memory strings point into alive with this vector.
  void KeepAlive(const std::shared_ptr<const void>& owner) { keep_alive_.Add(owner); }
  std::shared_ptr<const void> SharedArena() const { return arena_; }
  // Makes this (1-row, owned) vector stand for every row.
  void MarkConstant() { constant_ = true; }
  // Keeps alive whatever the strings of `src` point into (its keep-alives and its arena).
  void AdoptStrings(const Vector& src);

  // Row i as a Value (slow: results, tests).
  Value GetValue(size_t i) const;
  // Sets row i from a Value of this vector's type (slow: values lists, tests).
  void SetValue(size_t i, const Value& v);

  // Rows `sel[0..n)` of this vector as a new owned vector (constant stays constant).
  Vector Gather(const uint32_t* sel, size_t n) const;
  // A constant vector expanded to `n` rows (others returned as a clone).
  Vector Flatten(size_t n) const;

 private:
  // An owned vector of `n` rows whose values the caller writes, every one: not zeroed (zeroing
  // the output of Gather, which overwrites it at once, was 3 % of TPC-H Q1).
  struct Uninitialized {};
  Vector(DataType type, size_t n, Uninitialized);

  DataType type_;
  PhysicalType physical_ = PhysicalType::kInt32;
  size_t size_ = 0;
  bool constant_ = false;
  bool has_nulls_ = false;
  const void* data_ = nullptr;
  std::shared_ptr<int128_t[]> owned_;  // shared with Ref()s (read-only there)
  std::vector<uint8_t> nulls_;
  std::shared_ptr<StringArena> arena_;
  KeepAliveSet keep_alive_;
};

// Columns of equal length and what keeps their strings' memory alive.
struct Chunk {
  std::vector<Vector> columns;
  size_t size = 0;

  // Rows sel[0..n) of every column.
  Chunk Gather(const uint32_t* sel, size_t n) const;
  Value GetValue(size_t column, size_t row) const { return columns[column].GetValue(row); }
};

// All rows of `chunks` (same column types) as one chunk, in order; strings stay where they
// were (the result keeps their memory alive). `types` gives the columns when chunks is empty.
Chunk ConcatChunks(const std::vector<Chunk>& chunks, const std::vector<DataType>& types);
// Bytes a chunk holds (memory accounting; strings counted by their views' lengths).
int64_t ChunkBytes(const Chunk& chunk);

}  // namespace ibex::exec
