// The binder's typing rules: literal types from their exact text, type names of CREATE TABLE
// and CAST, numeric promotion for arithmetic and comparison, common supertypes (CASE, UNION,
// IN lists). Pure functions; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "frontend/ast/ast.h"
#include "frontend/binder/sql_type.h"

namespace ibex::sql {

// The type of an exact numeral ("0.06" -> DECIMAL(3,2), "12" -> INTEGER, "1e5" -> DOUBLE);
// nullopt when it does not fit any (more than 38 digits).
std::optional<SqlType> NumeralType(const std::string& text);

// The storage type a type name denotes; nullopt plus a reason when there is none.
std::optional<storage::DataType> ResolveTypeName(const ast::TypeName& name, std::string* why);

// Result type of `a op b` for op in + - * / %, numeric operands; nullopt if not numeric.
std::optional<SqlType> ArithmeticType(const std::string& op, const SqlType& a, const SqlType& b);

// A type both can be implicitly cast to; nullopt when there is none. UNKNOWN yields the other.
std::optional<SqlType> CommonType(const SqlType& a, const SqlType& b);

// Whether values of the two types can be compared (=, <, BETWEEN, IN): numeric with numeric,
// string with string, date with date, boolean with boolean; UNKNOWN with anything.
bool Comparable(const SqlType& a, const SqlType& b);

// "name", in double quotes, as error messages show names.
std::string Quoted(std::string_view name);

// Names compare case-insensitively (quoted identifiers keep their spelling for display).
bool SameName(std::string_view a, std::string_view b);

// Edit distance, for "perhaps you meant" hints.
size_t EditDistance(const std::string& a, const std::string& b);

// `perhaps you meant "x"` for the candidate closest to `name` (case-insensitive), or "" when
// none is close.
std::string PerhapsYouMeant(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace ibex::sql
