# Test registration helpers. Every test has a tier label — "fast" (make test, CI) or "full"
# (make check-full only) — and its own timeout, so no test can hang the suite.
#
#   ibex_add_unit_test(NAME n SOURCES ... LIBS ... [TIER fast|full] [TIMEOUT s])
#   ibex_add_mpi_test(NAME n RANKS k COMMAND exe args... [TRANSPORT tcp|default|both]
#                     [TIER fast|full] [TIMEOUT s])
#
# Multi-rank tests run under real mpirun, as root if need be, oversubscribed, on loopback.
# TRANSPORT tcp forces UCX onto TCP (UCX_TLS=tcp,self UCX_NET_DEVICES=lo); default leaves UCX
# to choose (shared memory on one node); both registers one test per transport.

find_program(IBEX_MPIRUN NAMES mpirun REQUIRED)

set(IBEX_MPIRUN_FLAGS --oversubscribe --mca btl_tcp_if_include lo --mca oob_tcp_if_include lo)
set(IBEX_MPI_ENV
    OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
    OMPI_MCA_rmaps_base_oversubscribe=1)

# Defaults shared by the registration functions (a macro: it sets the caller's variables).
macro(_ibex_test_defaults)
  if(NOT T_TIER)
    set(T_TIER fast)
  endif()
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 120)
  endif()
  if(NOT T_TRANSPORT)
    set(T_TRANSPORT both)
  endif()
endmacro()

function(ibex_add_unit_test)
  cmake_parse_arguments(T "" "NAME;TIER;TIMEOUT" "SOURCES;LIBS" ${ARGN})
  _ibex_test_defaults()
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
  add_test(NAME ${T_NAME} COMMAND ${T_NAME})
  set_tests_properties(${T_NAME} PROPERTIES LABELS ${T_TIER} TIMEOUT ${T_TIMEOUT})
endfunction()

function(_ibex_add_one_mpi_test name ranks transport tier timeout)
  set(env ${IBEX_MPI_ENV})
  if(transport STREQUAL "tcp")
    list(APPEND env UCX_TLS=tcp,self UCX_NET_DEVICES=lo)
  endif()
  # mpirun's own --timeout ends the whole job a little before CTest would, and says so.
  math(EXPR mpirun_timeout "${timeout} - 5")
  add_test(NAME ${name}
           COMMAND ${IBEX_MPIRUN} ${IBEX_MPIRUN_FLAGS} --timeout ${mpirun_timeout}
                   -n ${ranks} ${ARGN})
  set_tests_properties(${name} PROPERTIES LABELS "${tier};mpi" TIMEOUT ${timeout}
                                          ENVIRONMENT "${env}")
endfunction()

function(ibex_add_mpi_test)
  cmake_parse_arguments(T "" "NAME;RANKS;TRANSPORT;TIER;TIMEOUT" "COMMAND" ${ARGN})
  _ibex_test_defaults()
  if(T_TRANSPORT STREQUAL "both")
    _ibex_add_one_mpi_test(${T_NAME}.tcp ${T_RANKS} tcp ${T_TIER} ${T_TIMEOUT} ${T_COMMAND})
    _ibex_add_one_mpi_test(${T_NAME}.default ${T_RANKS} default ${T_TIER} ${T_TIMEOUT} ${T_COMMAND})
  else()
    _ibex_add_one_mpi_test(${T_NAME}.${T_TRANSPORT} ${T_RANKS} ${T_TRANSPORT} ${T_TIER}
                           ${T_TIMEOUT} ${T_COMMAND})
  endif()
endfunction()

# A test driven by a script that starts mpirun itself (to check output, kill ranks, drive a
# terminal ...). The script finds the launcher and its flags in IBEX_MPIRUN and
# IBEX_MPIRUN_FLAGS, and the UCX transport settings already in its environment.
#   ibex_add_script_test(NAME n SCRIPT path [ARGS ...] [TRANSPORT tcp|default|both|none]
#                        [TIER fast|full] [TIMEOUT s])
function(ibex_add_script_test)
  cmake_parse_arguments(T "" "NAME;SCRIPT;TRANSPORT;TIER;TIMEOUT" "ARGS" ${ARGN})
  _ibex_test_defaults()
  list(JOIN IBEX_MPIRUN_FLAGS " " flags)
  set(base_env ${IBEX_MPI_ENV} IBEX_MPIRUN=${IBEX_MPIRUN} "IBEX_MPIRUN_FLAGS=${flags}")
  if(T_TRANSPORT STREQUAL "both")
    set(variants tcp default)
  else()
    set(variants ${T_TRANSPORT})
  endif()
  foreach(v IN LISTS variants)
    set(env ${base_env})
    if(v STREQUAL "tcp")
      list(APPEND env UCX_TLS=tcp,self UCX_NET_DEVICES=lo)
    endif()
    set(name ${T_NAME}.${v})
    if(v STREQUAL "none")
      set(name ${T_NAME})
    endif()
    add_test(NAME ${name} COMMAND bash ${T_SCRIPT} ${T_ARGS})
    set_tests_properties(${name} PROPERTIES LABELS "${T_TIER};mpi" TIMEOUT ${T_TIMEOUT}
                                            ENVIRONMENT "${env}")
  endforeach()
endfunction()
