// LIKE pattern matching, compiled once per pattern: exact, prefix ('abc%'), suffix ('%abc'),
// contains ('%abc%'), ordered pieces ('%special%requests%', 'a%b%c') and a general matcher
// when the pattern has '_' . No escape character (the front end accepts none).
//
// Thread safety: a compiled LikeMatcher is immutable; any thread may call Match.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ibex::exec {

class LikeMatcher {
 public:
  explicit LikeMatcher(std::string pattern);
  bool Match(std::string_view s) const;

 private:
  enum class Kind { kExact, kPrefix, kSuffix, kContains, kPieces, kGeneral };
  static bool MatchGeneral(std::string_view s, std::string_view p);

  std::string pattern_;
  Kind kind_ = Kind::kGeneral;
  // kPieces: the literal parts between '%'; anchored_front/back say whether the pattern
  // starts/ends without '%'.
  std::vector<std::string> pieces_;
  bool anchored_front_ = false;
  bool anchored_back_ = false;
};

}  // namespace ibex::exec
