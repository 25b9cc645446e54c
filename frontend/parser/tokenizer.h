// The SQL tokenizer: statement text -> tokens with byte offsets, ahead of the X3 grammar
// (frontend/parser/parser.h). Words are folded to lower case (keywords and unquoted
// identifiers are case-insensitive); "quoted" identifiers keep their case; string literals are
// unescaped ('' -> ', and E'..' backslash escapes); numerals keep their exact text; `--` and
// (nested) `/* */` comments are dropped. Pure function of its input; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "frontend/sql_error.h"

namespace ibex::sql {

enum class TokenKind : uint8_t {
  kWord,         // keyword or identifier, text folded to lower case
  kQuotedIdent,  // "Name", text without quotes, case kept
  kString,       // 'text', text unescaped
  kNumber,       // 12, 0.06, 1e5: text exactly as written
  kParam,        // $3: text "3"
  kOp,           // ( ) , ; . + - * / % = <> != < <= > >= ||
  kEnd,          // end of input; always the last token
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  uint32_t begin = 0;  // byte offsets into the text, [begin, end)
  uint32_t end = 0;
  std::string text;
};

// Every token of `text`, the last one kEnd. Errors: unterminated string, quoted identifier or
// comment (at its first byte), a character that starts no token.
SqlResult<std::vector<Token>> Tokenize(std::string_view text);

// A statement of a script: tokens [first, last) of a Tokenize() result, without its `;`.
struct StatementRange {
  size_t first = 0;
  size_t last = 0;
};

// Splits a token list at `;` tokens; empty statements are dropped. `complete` is false when
// text follows the last `;` (the shell then reads another line).
struct SplitResult {
  std::vector<StatementRange> statements;
  bool trailing_incomplete = false;  // non-empty statement after the last ';'
  StatementRange trailing;
};
SplitResult SplitStatements(const std::vector<Token>& tokens);

// True when the error means "the input stops inside a string/comment": more lines may fix it.
bool IsIncompleteInput(const SqlError& error);

}  // namespace ibex::sql
