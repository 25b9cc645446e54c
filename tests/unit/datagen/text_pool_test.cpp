// The comment text pool: built only from the grammar's vocabulary, with terminators glued to
// words, deterministic for a seed whatever the thread count, and comments of the asked length.
#include "storage/datagen/text_pool.h"

#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "storage/datagen/word_lists.h"

namespace ibex::datagen {
namespace {

std::set<std::string> Vocabulary() {
  const Grammar& g = CommentGrammar();
  std::set<std::string> words{"the"};
  for (const WeightedList* list :
       {&g.nouns, &g.verbs, &g.adjectives, &g.adverbs, &g.prepositions, &g.auxiliaries}) {
    for (size_t i = 0; i < list->size(); ++i) {
      std::istringstream parts{std::string(list->word(i))};  // "pinto beans", "according to"
      for (std::string w; parts >> w;) words.insert(w);
    }
  }
  return words;
}

TEST(TextPoolTest, PoolIsMadeOfGrammarWords) {
  const TextPool pool(1 << 20, 42, 2);
  ASSERT_GE(pool.text().size(), 1u << 20);
  const auto vocabulary = Vocabulary();
  std::istringstream words{std::string(pool.text())};
  size_t count = 0, sentences = 0;
  for (std::string w; words >> w; ++count) {
    while (!w.empty() && std::string(",.;:?!-").find(w.back()) != std::string::npos) {
      if (w.back() != ',') ++sentences;
      w.pop_back();
    }
    ASSERT_TRUE(vocabulary.count(w)) << "'" << w << "' is not a grammar word";
  }
  EXPECT_GT(count, 100000u);
  EXPECT_GT(sentences, count / 20);
  EXPECT_EQ(pool.text().find("  "), std::string::npos) << "no double blanks";
}

TEST(TextPoolTest, DeterministicWhateverTheThreads) {
  const TextPool a(600000, 7, 1), b(600000, 7, 3), c(600000, 8, 1);
  EXPECT_EQ(a.text(), b.text());
  EXPECT_NE(a.text(), c.text());
}

TEST(TextPoolTest, CommentsHaveTheAskedLengths) {
  const TextPool& pool = TextPool::Default();
  std::set<size_t> lengths;
  for (uint64_t row = 0; row < 20000; ++row) {
    RowRandom rng(1, row);
    std::string comment;
    pool.AppendComment(rng, 19, 78, comment);
    ASSERT_GE(comment.size(), 19u);
    ASSERT_LE(comment.size(), 78u);
    lengths.insert(comment.size());
  }
  EXPECT_EQ(lengths.size(), 78u - 19u + 1u) << "every length occurs";
}

TEST(RowRandomTest, UniformCoversItsRangeEvenly) {
  RowRandom rng(3, 9);
  int counts[11] = {};
  for (int i = 0; i < 110000; ++i) {
    const int64_t v = rng.Uniform(0, 10);
    ASSERT_TRUE(v >= 0 && v <= 10);
    ++counts[v];
  }
  for (const int c : counts) EXPECT_NEAR(c, 10000, 500);
  EXPECT_NE(RowRandom(1, 2).Next(), RowRandom(2, 1).Next());
}

}  // namespace
}  // namespace ibex::datagen
