// TextPool: the pseudo-text that TPC-H comments are cut from (TPC-H spec clause 4.2.2.10,
// dbgen's text.c). Sentences are built from the dists.dss grammar — noun phrases, verb
// phrases, prepositional phrases "about the <noun phrase>", terminators glued to the last
// word — and concatenated into one pool; a comment of length in [min, max] is a substring at
// a random offset. So patterns like "%special%requests%" (Q13) occur with dbgen's frequency.
//
// The pool is a function of its size and seed only. It is built once (in parallel, by
// fixed-size chunks each with its own stream) and then read by any number of threads.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "storage/datagen/row_random.h"

namespace ibex::datagen {

class TextPool {
 public:
  TextPool(size_t min_bytes, uint64_t seed, int threads);

  // The pool every generator uses: 32 MiB from a fixed seed, built on first call.
  static const TextPool& Default();

  // Appends a substring of the pool whose length is uniform in [min_len, max_len].
  void AppendComment(RowRandom& rng, int min_len, int max_len, std::string& out) const {
    const int64_t length = rng.Uniform(min_len, max_len);
    const int64_t offset = rng.Uniform(0, static_cast<int64_t>(text_.size()) - max_len);
    out.append(text_, static_cast<size_t>(offset), static_cast<size_t>(length));
  }

  std::string_view text() const { return text_; }

  // Appends one grammar sentence ("furiously regular deposits sleep. ") to `out`.
  static void AppendSentence(RowRandom& rng, std::string& out);

 private:
  std::string text_;
};

}  // namespace ibex::datagen
