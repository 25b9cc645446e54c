// The traffic matrix of one shuffle-benchmark run: how many bytes each rank sends to each
// other rank for the patterns uniform, zipf (skewed) and incast (all to rank 0), in whole
// messages. Pure, so ibex and MPI_Alltoallv move exactly the same bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ibex::perf {

enum class Pattern { kUniform, kZipf, kIncast };
const char* PatternName(Pattern p);
bool ParsePattern(const std::string& name, Pattern* out);

// bytes[src][dst]: multiples of `msg_payload`; self-traffic is zero (it crosses no link).
std::vector<std::vector<uint64_t>> TrafficMatrix(Pattern pattern, int ranks,
                                                 uint64_t bytes_per_rank, uint64_t msg_payload);

// The byte at `offset` of the stream src -> dst; fills and checks use it.
void FillStream(int src, int dst, uint64_t offset, std::byte* out, size_t bytes);
bool CheckStream(int src, int dst, uint64_t offset, const std::byte* in, size_t bytes);

// A consumer reading `bytes` (a multiple of 8) in place: a Fletcher-style checksum over 8
// independent 64-bit lanes (sums and sums of sums, so reordered words change it too).
uint64_t Fold(const std::byte* in, size_t bytes);

}  // namespace ibex::perf
