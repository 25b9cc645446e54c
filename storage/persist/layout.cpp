#include "storage/persist/layout.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>

namespace ibex::storage {
namespace {

std::optional<uint64_t> ParseNumber(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

// prefix + number, built by appending (g++ 12 warns falsely on "literal" + std::to_string).
std::string Join(std::string_view prefix, uint64_t n) {
  std::string out(prefix);
  out += std::to_string(n);
  return out;
}

}  // namespace

std::string ExpandDataDir(std::string_view pattern, int rank) {
  std::string out;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '%' && i + 1 < pattern.size() && pattern[i + 1] == 'r') {
      out += std::to_string(rank);
      ++i;
    } else {
      out += pattern[i];
    }
  }
  return out;
}

std::string CatalogPath(const std::string& root) { return root + "/CATALOG"; }

std::string PartitionDir(const std::string& root, int partition) {
  return root + Join("/p", static_cast<uint64_t>(partition));
}

std::string TableDir(const std::string& root, int partition, uint64_t table_id) {
  return PartitionDir(root, partition) + Join("/t", table_id);
}

std::string ManifestName(uint64_t epoch) { return Join("MANIFEST-", epoch); }

std::string BlockFileName(uint64_t block_id) {
  return Join("e", BlockEpoch(block_id)) +
         Join("-", block_id & ((uint64_t{1} << kBlockSeqBits) - 1)) + ".blk";
}

std::optional<uint64_t> ParseTableDirName(std::string_view name) {
  if (name.size() < 2 || name[0] != 't') return std::nullopt;
  return ParseNumber(name.substr(1));
}

std::optional<uint64_t> ParseManifestEpoch(std::string_view name) {
  constexpr std::string_view kPrefix = "MANIFEST-";
  if (name.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  return ParseNumber(name.substr(kPrefix.size()));
}

std::optional<uint64_t> ParseBlockFileId(std::string_view name) {
  constexpr std::string_view kSuffix = ".blk";
  if (name.size() < 6 || name[0] != 'e' || name.substr(name.size() - 4) != kSuffix) {
    return std::nullopt;
  }
  std::string_view mid = name.substr(1, name.size() - 5);
  const size_t dash = mid.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto epoch = ParseNumber(mid.substr(0, dash));
  auto seq = ParseNumber(mid.substr(dash + 1));
  if (!epoch || !seq || *seq >= (uint64_t{1} << kBlockSeqBits)) return std::nullopt;
  return MakeBlockId(*epoch, *seq);
}

void CrashPoint(std::string_view step) {
  const char* at = std::getenv("IBEX_CRASH_AT");
  if (at != nullptr && step == at) {
    std::fprintf(stderr, "ibex: IBEX_CRASH_AT=%s: killing myself\n", at);
    std::raise(SIGKILL);
  }
}

}  // namespace ibex::storage
