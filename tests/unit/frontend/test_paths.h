// Where the frontend tests find their data: the shared benchmark texts and the corpus files
// (paths fixed at configure time, see tests/unit/frontend/CMakeLists.txt).
#pragma once

#include <string>

namespace ibex::sql::test {

inline std::string BenchmarksDir() { return IBEX_BENCHMARKS_DIR; }
inline std::string CorpusDir() { return IBEX_FRONTEND_CORPUS_DIR; }

}  // namespace ibex::sql::test
