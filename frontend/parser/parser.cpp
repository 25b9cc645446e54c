#include "frontend/parser/parser.h"

#include <algorithm>
#include <array>

#include "frontend/parser/grammar_common.h"

namespace ibex::sql {
namespace grammar {

bool IsReserved(std::string_view word) {
  // Sorted, for binary search.
  static constexpr std::array<std::string_view, 64> kReserved = {
      "all",      "and",       "any",     "as",       "asc",     "between", "both",
      "by",       "case",      "cast",    "create",   "cross",   "date",    "default",
      "desc",     "distinct",  "drop",    "else",     "end",     "except",  "exists",
      "extract",  "false",     "fetch",   "for",      "from",    "full",    "group",
      "having",   "in",        "inner",   "insert",   "intersect", "interval", "into",
      "is",       "join",      "leading", "left",     "like",    "limit",   "natural",
      "not",      "null",      "nulls",   "offset",   "on",      "or",      "order",
      "outer",    "over",      "right",   "select",   "some",    "table",   "then",
      "to",       "trailing",  "true",    "union",    "using",   "values",  "when",
      "where"};
  static_assert(std::is_sorted(kReserved.begin(), kReserved.end()));
  if (word == "with" || word == "unique" || word == "window") return true;
  return std::binary_search(kReserved.begin(), kReserved.end(), word);
}

}  // namespace grammar

namespace {

// Operators that may continue an expression are listed as one "operator".
bool IsOperator(const std::string& e) {
  static constexpr std::array<std::string_view, 12> kOperators = {
      "\"*\"", "\"/\"", "\"%\"", "\"+\"", "\"-\"", "\"||\"",
      "\"=\"", "\"<>\"", "\"<\"", "\"<=\"", "\">\"", "\">=\""};
  return std::find(kOperators.begin(), kOperators.end(), e) != kOperators.end();
}

std::string Expected(std::vector<std::string> expected) {
  size_t operators = static_cast<size_t>(std::count_if(expected.begin(), expected.end(), IsOperator));
  if (operators > 1) {
    auto first = std::find_if(expected.begin(), expected.end(), IsOperator);
    *first = "operator";
    expected.erase(std::remove_if(expected.begin(), expected.end(), IsOperator), expected.end());
  }
  constexpr size_t kShown = 12;
  std::string out = expected.size() == 1 ? "expected " : "expected one of: ";
  for (size_t i = 0; i < expected.size() && i < kShown; ++i) {
    if (i > 0) out += ", ";
    out += expected[i];
  }
  if (expected.size() > kShown) out += ", ...";
  return out;
}

void FillViewText(std::string_view text, ast::Statement& stmt) {
  if (stmt.kind == ast::StatementKind::kCreateView && stmt.query) {
    stmt.view_text = std::string(text.substr(stmt.query->span.begin,
                                             stmt.query->span.end - stmt.query->span.begin));
  }
  if (stmt.inner) FillViewText(text, *stmt.inner);
}

}  // namespace

SqlResult<ast::StatementPtr> ParseStatement(std::string_view text, const std::vector<Token>& tokens,
                                            StatementRange range) {
  namespace x3 = boost::spirit::x3;
  grammar::ParseTracker tracker;
  grammar::Iterator first = tokens.data() + range.first;
  grammar::Iterator const last = tokens.data() + range.last;
  ast::StatementPtr stmt;
  try {
    bool ok = x3::parse(first, last,
                        x3::with<grammar::tracker_tag>(tracker)[grammar::statement >> grammar::end_of_statement],
                        stmt);
    if (ok && stmt) {
      stmt->span = {tokens[range.first].begin, tokens[range.last - 1].end};
      FillViewText(text, *stmt);
      return stmt;
    }
  } catch (const grammar::NestingTooDeep& e) {
    return SqlError{"nesting too deep (more than " + std::to_string(grammar::kMaxNesting) +
                        " levels)",
                    e.at->begin, "split the statement or use fewer nested parentheses"};
  }
  const Token* at = tracker.furthest != nullptr ? tracker.furthest : tokens.data() + range.first;
  std::string message;
  if (at->kind == TokenKind::kEnd) {
    message = "syntax error at end of input";
  } else {
    message = "syntax error at or near \"" + std::string(text.substr(at->begin, at->end - at->begin)) + "\"";
  }
  return SqlError{message, at->begin, Expected(tracker.expected)};
}

SqlResult<ast::StatementPtr> ParseOne(std::string_view text) {
  auto tokens = Tokenize(text);
  if (!tokens.ok()) return tokens.error();
  SplitResult split = SplitStatements(tokens.value());
  std::vector<StatementRange> all = split.statements;
  if (split.trailing_incomplete) all.push_back(split.trailing);
  if (all.empty()) return SqlError{"empty statement", 0, ""};
  if (all.size() > 1) {
    return SqlError{"expected one statement", tokens.value()[all[1].first].begin, ""};
  }
  return ParseStatement(text, tokens.value(), all[0]);
}

SqlResult<std::vector<ast::StatementPtr>> ParseScript(std::string_view text) {
  auto tokens = Tokenize(text);
  if (!tokens.ok()) return tokens.error();
  SplitResult split = SplitStatements(tokens.value());
  std::vector<StatementRange> all = split.statements;
  if (split.trailing_incomplete) all.push_back(split.trailing);
  std::vector<ast::StatementPtr> out;
  for (StatementRange r : all) {
    auto stmt = ParseStatement(text, tokens.value(), r);
    if (!stmt.ok()) return stmt.error();
    out.push_back(std::move(stmt).value());
  }
  return out;
}

}  // namespace ibex::sql
