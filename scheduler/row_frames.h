// Row frames: how a distributed COPY moves parsed rows between executors. One frame is one
// exchange buffer (at most the exchange's slot size) holding a run of rows of one table,
// column by column:
//
//   u32 rows, then per column: u8 has_nulls, [u64 validity words ceil(rows/64) if has_nulls],
//   fixed-width columns rows * width bytes; strings u32 length per row, then the bytes.
//
// The receiver decodes a frame into columns that own their data (one buffer per frame holds
// its strings), so the exchange slot can be released at once.
//
// Thread safety: pure functions; an encoder per thread.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <vector>

#include "common/status.h"
#include "storage/catalog.h"
#include "storage/loader/row_ops.h"

namespace ibex::scheduler {

// Encodes rows of `columns` into frames of at most `max_bytes`, handing each to `send`
// (the span is valid during the call). InvalidArgument when one row alone does not fit.
Status EncodeFrames(const storage::Columns& columns, size_t max_bytes, std::vector<std::byte>* scratch,
                    const std::function<Status(std::span<const std::byte>)>& send);

// Decodes one frame of rows of `def`. InvalidArgument naming the defect on a malformed frame.
Result<storage::Columns> DecodeFrame(const storage::TableDef& def, std::span<const std::byte> frame);

}  // namespace ibex::scheduler
