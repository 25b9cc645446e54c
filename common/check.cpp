#include "common/check.h"

#include <cstdio>
#include <cstdlib>

namespace ibex::internal {

CheckFailure::CheckFailure(const char* file, int line, const std::string& what) {
  stream_ << file << ":" << line << ": " << what;
}

CheckFailure::~CheckFailure() {
  std::string msg = stream_.str();
  std::fprintf(stderr, "FATAL (ibex internal error): %s\n", msg.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace ibex::internal
