# Shared helpers for launch test scripts. Sourced, not run.
set -uo pipefail
fail() { echo "FAIL: $*" >&2; exit 1; }
# mpirun with the suite's flags and a bound on its lifetime.
run_mpi() { # ranks, then the command
  local n=$1; shift
  # shellcheck disable=SC2086
  "$IBEX_MPIRUN" $IBEX_MPIRUN_FLAGS --timeout 40 -n "$n" "$@"
}
# The pid of rank R of the job whose ranks carry IBEX_TEST_MARK=MARK in their environment
# and run EXE (not a wrapper shell around it). grep -z on the environ file, no pipe: under
# pipefail, `tr | grep -q` fails when grep quits before tr has written a large environment
# (SIGPIPE), and the rank was missed now and then under ctest.
pid_of_rank() { # mark rank exe
  local mark=$1 r=$2 exe f pid
  exe=$(readlink -f "$3")
  for f in /proc/[0-9]*/environ; do
    pid=$(basename "$(dirname "$f")")
    [[ $(readlink "/proc/$pid/exe" 2>/dev/null) == "$exe" ]] || continue
    if grep -qzx "IBEX_TEST_MARK=$mark" "$f" 2>/dev/null &&
       grep -qzx "OMPI_COMM_WORLD_RANK=$r" "$f" 2>/dev/null; then
      echo "$pid"
      return 0
    fi
  done
  return 1
}
