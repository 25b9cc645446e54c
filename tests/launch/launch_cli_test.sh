#!/usr/bin/env bash
# Command-line behaviour of ibex: --help/--version exit 0, usage errors exit 2 with one clear
# message (printed once, not once per rank), a failing run exits 1 on every rank.
source "$(dirname "$0")/lib.sh"
ibex=$1

"$ibex" --help | grep -q "Usage:" || fail "--help"
"$ibex" --version | grep -Eq '^ibex [0-9]+\.[0-9]+\.[0-9]+$' || fail "--version"

err=$("$ibex" --pin sideways 2>&1); rc=$?
[[ $rc -eq 2 ]] || fail "usage error exit code $rc"
[[ $err == "ibex: --pin must be auto, launcher or none, not 'sideways'" ]] || fail "message: $err"

err=$(run_mpi 3 "$ibex" --no-such-flag 2>&1); rc=$?
[[ $rc -eq 2 ]] || fail "usage error under mpirun exited $rc"
[[ $(echo "$err" | grep -c "unknown argument '--no-such-flag'") -eq 1 ]] ||
  fail "usage error should be printed once: $err"

out=$(run_mpi 3 "$ibex" --help); rc=$?
[[ $rc -eq 0 && $(echo "$out" | grep -c "Usage:") -eq 1 ]] || fail "--help under mpirun"

# Plain run on 3 ranks: starts, agrees, shuts down with 0.
run_mpi 3 "$ibex" || fail "plain 3-rank run exited $?"
echo PASS
