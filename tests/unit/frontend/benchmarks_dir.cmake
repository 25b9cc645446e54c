# IBEX_BENCHMARKS_DIR: the SSB and TPC-H texts (schema/, queries/). In this project's layout
# they live beside the repository (../shared/benchmarks); set the variable when they do not.
set(IBEX_BENCHMARKS_DIR "${IBEX_SOURCE_ROOT}/../shared/benchmarks" CACHE PATH
    "Folder with schema/ and queries/ of the SSB and TPC-H texts")
if(NOT EXISTS "${IBEX_BENCHMARKS_DIR}/schema/tpch.sql" AND EXISTS "/work/shared/benchmarks/schema/tpch.sql")
  set(IBEX_BENCHMARKS_DIR "/work/shared/benchmarks" CACHE PATH "" FORCE)
endif()
