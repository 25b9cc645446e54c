// The SQL parser: tokens of one statement -> ast::Statement, or a positioned SqlError. Syntax
// errors point at the furthest token the grammar reached and list what it expected there;
// nesting deeper than grammar::kMaxNesting is an error, not a stack overflow.
// Called by the shell, the binder (view texts) and tests; pure, any thread.
#pragma once

#include <string_view>
#include <vector>

#include "frontend/ast/ast.h"
#include "frontend/parser/tokenizer.h"
#include "frontend/sql_error.h"

namespace ibex::sql {

// Parses tokens [range.first, range.last) of `tokens` (from Tokenize(text)) as one statement.
SqlResult<ast::StatementPtr> ParseStatement(std::string_view text, const std::vector<Token>& tokens,
                                            StatementRange range);

// Tokenizes `text` and parses its one statement (a trailing `;` is allowed).
SqlResult<ast::StatementPtr> ParseOne(std::string_view text);

// Tokenizes and parses every `;`-separated statement of `text`.
SqlResult<std::vector<ast::StatementPtr>> ParseScript(std::string_view text);

}  // namespace ibex::sql
