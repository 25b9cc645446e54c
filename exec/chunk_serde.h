// The wire form of exec::Chunk in exchange buffers. An exchange sender (exec/ops/
// exchange_send.h) serializes rows straight into the buffer the network layer hands out (on
// the store path: the receiver's own memory); the receiving rank's drain thread deserializes
// each buffer into owned chunks right before the buffer's slot is released.
//
// A buffer holds one or more wire chunks back to back. The format is self-describing given
// the column types both ends know from the plan (the types are checked, not sent):
//   chunk   := header column*
//   header  := u32 magic 'XCHK' | u32 bytes of this chunk incl. header | u32 rows |
//              u32 sequence | u16 columns | u16 zero                          (20 bytes)
//   column  := u8 PhysicalType | u8 flags (1 constant, 2 nulls) | nulls? | values
//   nulls   := ceil(n/8) bytes, bit i set = value i is NULL
//   values  := n fixed-width values (native little-endian layout), or for strings
//              n u32 lengths, then the bytes of the n strings concatenated
// where n is 1 for a constant column, else rows. NULL strings have length 0. `sequence`
// numbers the buffers of an ordered stream (0 otherwise), so a receiver restores the
// sender's order whatever order buffers arrive in.
//
// Deserialization is bounds-checked throughout: malformed bytes give Status::Corruption,
// never a crash or an allocation larger than the input justifies.
//
// Thread safety: pure functions over caller-owned data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "common/status.h"
#include "exec/vector.h"

namespace ibex::exec {

inline constexpr size_t kWireChunkHeaderBytes = 20;
inline constexpr size_t kWireColumnHeaderBytes = 2;

// Rows of one chunk: sel == nullptr: rows [begin, begin + rows); else rows sel[begin],
// ..., sel[begin + rows - 1]. The chunk (and sel) must outlive the slice's use.
struct ChunkSlice {
  const Chunk* chunk = nullptr;
  const uint32_t* sel = nullptr;
  size_t begin = 0;
  size_t rows = 0;
};

// Exact serialized size of `chunk` as one wire chunk.
size_t SerializedChunkBytes(const Chunk& chunk);
// Writes `chunk` (sequence 0) into `out` and returns the bytes written, exactly
// SerializedChunkBytes(chunk). Precondition: out.size() >= that.
size_t SerializeChunk(const Chunk& chunk, std::span<std::byte> out);

// Several slices of chunks with the same column types as ONE wire chunk, their rows
// concatenated in order (what the exchange sender writes: rows gathered by selection from
// several input chunks, no intermediate copy). A column stays constant on the wire only when
// there is one slice and its vector is constant. Precondition: !slices.empty().
size_t SerializedSlicesBytes(std::span<const ChunkSlice> slices);
size_t SerializeSlices(std::span<const ChunkSlice> slices, uint32_t sequence,
                       std::span<std::byte> out);

// An upper bound of the serialized size that grows row by row (the sender's slot-fitting
// arithmetic): a wire chunk of slices s1..sk takes at most
//   WireChunkOverheadBytes(columns) + ceil((SliceBoundBits(s1) + ... + SliceBoundBits(sk)) / 8)
// bytes (a row costs one null bit per column plus its values; constants count per row).
size_t WireChunkOverheadBytes(size_t columns);
uint64_t SliceBoundBits(const ChunkSlice& slice);
// How many leading rows of `slice` fit in `budget_bits` of that bound (0 if not even one);
// *bits receives their bound.
size_t RowsWithinBound(const ChunkSlice& slice, uint64_t budget_bits, uint64_t* bits);

// Parses every wire chunk of `bytes` (columns of `types`) and appends them to *out. The
// chunks own their memory (strings are copied into the vectors' arenas), so `bytes` may be
// released afterwards. `sequences` (optional) receives each chunk's sequence number.
Status DeserializeChunks(std::span<const std::byte> bytes, const std::vector<DataType>& types,
                         std::vector<Chunk>* out, std::vector<uint32_t>* sequences = nullptr);

}  // namespace ibex::exec
