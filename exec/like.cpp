#include "exec/like.h"

namespace ibex::exec {

LikeMatcher::LikeMatcher(std::string pattern) : pattern_(std::move(pattern)) {
  if (pattern_.find('_') != std::string::npos) {
    kind_ = Kind::kGeneral;
    return;
  }
  std::string cur;
  for (char c : pattern_) {
    if (c == '%') {
      if (!cur.empty()) pieces_.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) pieces_.push_back(cur);
  anchored_front_ = pattern_.empty() || pattern_.front() != '%';
  anchored_back_ = pattern_.empty() || pattern_.back() != '%';
  const bool has_percent = pattern_.find('%') != std::string::npos;
  if (!has_percent) {
    kind_ = Kind::kExact;
  } else if (pieces_.size() == 1 && anchored_front_ && !anchored_back_) {
    kind_ = Kind::kPrefix;
  } else if (pieces_.size() == 1 && !anchored_front_ && anchored_back_) {
    kind_ = Kind::kSuffix;
  } else if (pieces_.size() == 1 && !anchored_front_ && !anchored_back_) {
    kind_ = Kind::kContains;
  } else {
    kind_ = Kind::kPieces;
  }
}

bool LikeMatcher::Match(std::string_view s) const {
  switch (kind_) {
    case Kind::kExact:
      return s == pattern_;
    case Kind::kPrefix:
      return s.starts_with(pieces_[0]);
    case Kind::kSuffix:
      return s.ends_with(pieces_[0]);
    case Kind::kContains:
      return s.find(pieces_[0]) != std::string_view::npos;
    case Kind::kPieces: {
      if (pieces_.empty()) return true;  // only '%'
      size_t pos = 0;
      size_t first = 0;
      size_t last = pieces_.size();
      if (anchored_front_) {
        if (!s.starts_with(pieces_[0])) return false;
        pos = pieces_[0].size();
        first = 1;
      }
      if (anchored_back_) {
        if (last == first) return s.size() >= pos;
        --last;
      }
      for (size_t i = first; i < last; ++i) {
        const size_t at = s.find(pieces_[i], pos);
        if (at == std::string_view::npos) return false;
        pos = at + pieces_[i].size();
      }
      if (anchored_back_) {
        const std::string& tail = pieces_[last];
        return s.size() >= pos + tail.size() && s.ends_with(tail);
      }
      return true;
    }
    case Kind::kGeneral:
      return MatchGeneral(s, pattern_);
  }
  return false;
}

// Iterative wildcard matching with backtracking to the last '%'.
bool LikeMatcher::MatchGeneral(std::string_view s, std::string_view p) {
  size_t si = 0;
  size_t pi = 0;
  size_t star = std::string_view::npos;
  size_t mark = 0;
  while (si < s.size()) {
    if (pi < p.size() && (p[pi] == '_' || p[pi] == s[si])) {
      ++si;
      ++pi;
    } else if (pi < p.size() && p[pi] == '%') {
      star = pi++;
      mark = si;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '%') ++pi;
  return pi == p.size();
}

}  // namespace ibex::exec
