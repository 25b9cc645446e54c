// What one fuzz input does to the front end: tokenize, split, parse every statement, bind it
// against a catalog holding the TPC-H schema, apply DDL to a copy, and render every error.
// Shared by the libFuzzer target and the mutation test of the fast suite. Any thread, one
// call at a time per thread.
#pragma once

#include <string_view>

namespace ibex::sql::test {

// Returns the number of statements that bound successfully (to keep the work observable).
int FuzzFrontendOnce(std::string_view text);

}  // namespace ibex::sql::test
