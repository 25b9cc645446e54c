#include "storage/datagen/text_pool.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "storage/datagen/word_lists.h"

namespace ibex::datagen {
namespace {

constexpr size_t kChunkBytes = 256 * 1024;
constexpr size_t kDefaultPoolBytes = 32 * 1024 * 1024;
constexpr uint64_t kDefaultPoolSeed = 0x7e47b001;

void AppendWord(std::string_view word, std::string& out) {
  out.append(word);
  out.push_back(' ');
}

// A phrase template is words of one letter each ("D J N", "J, J N"): the letter names the word
// class, a trailing comma is kept after the word.
void AppendPhrase(std::string_view pattern, RowRandom& rng, std::string& out) {
  const Grammar& g = CommentGrammar();
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    const WeightedList* list = nullptr;
    switch (c) {
      case 'N':
        list = &g.nouns;
        break;
      case 'V':
        list = &g.verbs;
        break;
      case 'J':
        list = &g.adjectives;
        break;
      case 'D':
        list = &g.adverbs;
        break;
      case 'X':
        list = &g.auxiliaries;
        break;
      default:
        continue;  // blanks between letters
    }
    out.append(list->Pick(rng));
    if (i + 1 < pattern.size() && pattern[i + 1] == ',') out.push_back(',');
    out.push_back(' ');
  }
}

}  // namespace

void TextPool::AppendSentence(RowRandom& rng, std::string& out) {
  const Grammar& g = CommentGrammar();
  const std::string_view sentence = g.sentences.Pick(rng);
  for (const char c : sentence) {
    switch (c) {
      case 'N':
        AppendPhrase(g.noun_phrases.Pick(rng), rng, out);
        break;
      case 'V':
        AppendPhrase(g.verb_phrases.Pick(rng), rng, out);
        break;
      case 'P':
        AppendWord(g.prepositions.Pick(rng), out);
        AppendWord("the", out);
        AppendPhrase(g.noun_phrases.Pick(rng), rng, out);
        break;
      case 'T':
        // The terminator takes the place of the blank after the last word.
        if (!out.empty() && out.back() == ' ') out.pop_back();
        AppendWord(g.terminators.Pick(rng), out);
        break;
      default:
        break;
    }
  }
}

TextPool::TextPool(size_t min_bytes, uint64_t seed, int threads) {
  const size_t chunks = std::max<size_t>(1, (min_bytes + kChunkBytes - 1) / kChunkBytes);
  std::vector<std::string> parts(chunks);
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < chunks; i = next++) {
      RowRandom rng(seed, i);
      std::string& part = parts[i];
      part.reserve(kChunkBytes + 256);
      while (part.size() < kChunkBytes) AppendSentence(rng, part);
    }
  };
  std::vector<std::jthread> workers;
  for (int t = 1; t < threads; ++t) workers.emplace_back(work);
  work();
  workers.clear();  // joins
  size_t total = 0;
  for (const auto& part : parts) total += part.size();
  text_.reserve(total);
  for (const auto& part : parts) text_ += part;
}

const TextPool& TextPool::Default() {
  static const TextPool pool(kDefaultPoolBytes, kDefaultPoolSeed,
                             static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  return pool;
}

}  // namespace ibex::datagen
