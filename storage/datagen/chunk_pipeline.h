// GenerateInOrder: the generators' parallel driver. The rows [begin, end) of a table (or of a
// pair of tables made together, like orders and lineitem) are cut into chunks; `threads`
// workers generate chunks into text buffers, one buffer per output file, while the calling
// thread appends the finished chunks to the files strictly in chunk order. At most 2·threads
// chunks are in flight, so memory stays bounded whatever the scale factor.
//
// Because every row draws from its own random stream (row_random.h), the bytes written do not
// depend on the thread count or on the chunk size.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"
#include "storage/datagen/tbl_file.h"

namespace ibex::datagen {

// Appends the rows [first, last) to buffers[k] for each output k (buffers arrive empty).
// Called concurrently from several workers on disjoint ranges.
using ChunkGenerator =
    std::function<void(int64_t first, int64_t last, std::vector<std::string>& buffers)>;

// files[k] receives buffers[k]; a null file means output k is not wanted (its buffer is
// dropped). Returns the first write error; the caller then drops (does not commit) the files.
Status GenerateInOrder(int64_t begin, int64_t end, int64_t chunk_rows, int threads,
                       std::span<TblFile* const> files, const ChunkGenerator& generate);

}  // namespace ibex::datagen
