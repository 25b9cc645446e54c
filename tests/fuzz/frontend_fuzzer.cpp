// libFuzzer target over the SQL front end: tokenizer, parser and binder (against the TPC-H
// schema), and catalog DDL. No input may crash, hang or trip a sanitizer. Built with clang
// when IBEX_BUILD_FUZZERS=ON (tests/fuzz/CMakeLists.txt); the same body runs in the fast
// suite as a deterministic mutation test (tests/unit/frontend/fuzz_test.cpp).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tests/fuzz/frontend_fuzz_body.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ibex::sql::test::FuzzFrontendOnce(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
