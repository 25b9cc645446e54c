// Column encodings of a block: how one column's values of one block become bytes in a block
// file section and back. The block builder (block.h) calls EncodeColumn per column; the block
// reader calls DecodeColumn for each column a scan asks for.
//
// Section layout: u8 encoding, u8 has_nulls, [validity bitmap: ceil(rows/64) u64 words when
// has_nulls], then the payload:
//   kPlain             fixed-width values (rows * width), or for strings u32 offsets[rows+1]
//                      and the bytes
//   kDictionary        strings: u32 dict_size, u32 offsets[dict_size+1], bytes, u8 code
//                      width, bit-packed codes
//   kFrameOfReference  integers: i64 base, u8 bit width, bit-packed (value - base)
// Bit-packed data is followed by 8 bytes of padding so that unpacking may load whole words.
//
// Thread safety: pure functions over their arguments.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "storage/blocks/column_vector.h"
#include "storage/blocks/zone_map.h"
#include "storage/hyperloglog.h"
#include "storage/serde.h"

namespace ibex::storage {

enum class Encoding : uint8_t {
  kPlain = 0,
  kDictionary = 1,
  kFrameOfReference = 2,
};

std::string_view EncodingName(Encoding e);

// What encoding a column of a block got, and what was learnt on the way.
struct ColumnSummary {
  Encoding encoding = Encoding::kPlain;
  ZoneMap zone;
  HyperLogLog distinct;  // of the non-null values
};

// Appends the section of `column` to `out`. Fails only when a string column's bytes do not
// fit the 32-bit offsets of a section (more than 4 GiB of text in one block).
Status EncodeColumn(const ColumnVector& column, ByteWriter* out, ColumnSummary* summary);

// Decodes a section of `rows` values of `type`. `owner` holds the bytes of `section` and is
// kept alive by the result (string_views point into it). Malformed input: Corruption.
Result<ColumnVector> DecodeColumn(std::string_view section, DataType type, uint32_t rows,
                                  std::shared_ptr<const std::string> owner);

}  // namespace ibex::storage
