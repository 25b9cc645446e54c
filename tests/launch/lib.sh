# Shared helpers for launch test scripts. Sourced, not run.
set -uo pipefail
fail() { echo "FAIL: $*" >&2; exit 1; }
# mpirun with the suite's flags and a bound on its lifetime.
run_mpi() { # ranks, then the command
  local n=$1; shift
  # shellcheck disable=SC2086
  "$IBEX_MPIRUN" $IBEX_MPIRUN_FLAGS --timeout 40 -n "$n" "$@"
}
