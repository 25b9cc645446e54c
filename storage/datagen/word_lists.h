// The fixed vocabularies of TPC-H dbgen 2.14 (its dists.dss, reproduced in TPC-H spec clause
// 4.2.2.13 and 4.2.3) and of ssb-dbgen: weighted word lists for the comment grammar, the
// uniform value lists (colours, part types, containers, segments, priorities, ship modes and
// instructions), the 25 nations with their regions, and the official nation/region comments.
//
// Everything here is immutable static data, built on first use; any thread may read it.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/datagen/row_random.h"

namespace ibex::datagen {

// A list of words each with an integer weight; Pick() draws one with probability
// weight / total, by a lookup table of `total` entries (the totals are a few hundred).
class WeightedList {
 public:
  WeightedList(std::initializer_list<std::pair<std::string_view, int>> entries);

  std::string_view Pick(RowRandom& rng) const {
    return words_[slots_[static_cast<size_t>(
        rng.Uniform(0, static_cast<int64_t>(slots_.size()) - 1))]];
  }
  size_t size() const { return words_.size(); }
  std::string_view word(size_t i) const { return words_[i]; }

 private:
  std::vector<std::string_view> words_;
  std::vector<uint16_t> slots_;
};

// Draws one entry of a uniform list.
inline std::string_view PickUniform(std::span<const std::string_view> list, RowRandom& rng) {
  return list[static_cast<size_t>(rng.Uniform(0, static_cast<int64_t>(list.size()) - 1))];
}

// Comment grammar (dists.dss "grammar", "np", "vp" and the word classes).
struct Grammar {
  const WeightedList& sentences;     // "N V T", "N V P T", ...
  const WeightedList& noun_phrases;  // "N", "J N", "J, J N", "D J N"
  const WeightedList& verb_phrases;  // "V", "X V", "V D", "X V D"
  const WeightedList& nouns;
  const WeightedList& verbs;
  const WeightedList& adjectives;
  const WeightedList& adverbs;
  const WeightedList& prepositions;
  const WeightedList& auxiliaries;
  const WeightedList& terminators;
};
const Grammar& CommentGrammar();

std::span<const std::string_view> Colors();            // 92, p_name / p_color
std::span<const std::string_view> PartTypes();         // 150, "STANDARD ANODIZED TIN" ...
std::span<const std::string_view> Containers();        // 40, "SM CASE" ...
std::span<const std::string_view> Segments();          // 5, c_mktsegment
std::span<const std::string_view> Priorities();        // 5, o_orderpriority
std::span<const std::string_view> ShipModes();         // 7
std::span<const std::string_view> ShipInstructions();  // 4
std::span<const std::string_view> ReturnFlagsRA();     // "R", "A"

struct NationInfo {
  std::string_view name;
  int region;
  std::string_view comment;  // the official nation.tbl comment
};
constexpr int kNationCount = 25;
constexpr int kRegionCount = 5;
std::span<const NationInfo> Nations();
std::span<const std::string_view> RegionNames();
std::span<const std::string_view> RegionComments();

}  // namespace ibex::datagen
