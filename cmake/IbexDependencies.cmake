# Finds every outside library once and exposes it as an imported target named ibex::<name>,
# so that layers declare what they use and nothing more. All come from Debian's packages
# (scripts/install-deps.sh); a missing one stops the configure with the package to install.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)

find_package(MPI REQUIRED COMPONENTS C)
# The deprecated MPI C++ bindings would otherwise be pulled in by <mpi.h> in C++ code.
add_compile_definitions(OMPI_SKIP_MPICXX=1 MPICH_SKIP_MPICXX=1)

macro(ibex_pkg target module package)
  pkg_check_modules(${target}_PC IMPORTED_TARGET GLOBAL ${module})
  if(NOT ${target}_PC_FOUND)
    message(FATAL_ERROR "ibex needs ${module}: install the Debian package '${package}' "
                        "(or run scripts/install-deps.sh)")
  endif()
  add_library(ibex::${target} ALIAS PkgConfig::${target}_PC)
endmacro()

ibex_pkg(ucx ucx libucx-dev)
ibex_pkg(hwloc hwloc libhwloc-dev)
ibex_pkg(numa numa libnuma-dev)
ibex_pkg(ibverbs libibverbs libibverbs-dev)
ibex_pkg(readline readline libreadline-dev)

find_package(Boost 1.74 REQUIRED)   # Spirit X3 is header-only
find_package(GTest REQUIRED)
find_package(benchmark QUIET)
