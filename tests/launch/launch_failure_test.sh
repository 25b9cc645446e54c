#!/usr/bin/env bash
# A dying rank ends the job cleanly, under mpirun --enable-recovery (without it mpirun kills
# every rank itself):
#  1. rank 0 (the coordinator, waiting in its shell) is killed: both executors notice over
#     their control endpoints, say that the coordinator failed, and exit within 5 s.
#  2. an executor is killed: the coordinator names it when the job ends, the surviving
#     executor is released, nothing hangs.
source "$(dirname "$0")/lib.sh"
ibex=$1
work=$(mktemp -d)
trap 'exec 3>&- 2>/dev/null; [[ -n ${job:-} ]] && kill -9 "$job" 2>/dev/null; rm -rf "$work"' EXIT
mark="ibex-failure-test-$$-$RANDOM"

start_job() { # starts 3 ranks whose shell reads a fifo we hold open; waits until all are up
  mkfifo "$work/in"
  # shellcheck disable=SC2086
  IBEX_TEST_MARK=$mark "$IBEX_MPIRUN" $IBEX_MPIRUN_FLAGS --enable-recovery --timeout 60 \
    -x IBEX_TEST_MARK -n 3 "$ibex" --report-bindings <"$work/in" >"$work/out" 2>"$work/err" &
  job=$!
  exec 3>"$work/in"
  for _ in $(seq 1 200); do  # bounded: the report line of rank 2 means every rank is up
    grep -q "^ *2  executor" "$work/out" 2>/dev/null && return 0
    sleep 0.1
  done
  fail "job did not start: $(cat "$work/out" "$work/err")"
}

wait_job() { # seconds -> waits at most that long for mpirun to exit
  local limit=$1 start=$SECONDS
  while kill -0 "$job" 2>/dev/null; do
    (( SECONDS - start > limit )) && fail "job still running ${limit}s after the failure: $(cat "$work/err")"
    sleep 0.1
  done
  wait "$job" 2>/dev/null
  job=
}

# 1. The coordinator dies.
start_job
coordinator=$(pid_of_rank "$mark" 0 "$ibex") || fail "rank 0 not found"
kill -9 "$coordinator"
t0=$SECONDS
wait_job 10
cat "$work/err"
(( SECONDS - t0 <= 5 )) || fail "executors took $((SECONDS - t0)) s to end"
for r in 1 2; do
  grep -q "ibex: rank $r (.*): the coordinator failed: rank 0 (.*)" "$work/err" ||
    fail "executor $r did not report the coordinator's failure"
done
exec 3>&-
rm -f "$work/in" "$work/out" "$work/err"

# 2. An executor dies while the coordinator waits for input; then the input ends.
start_job
victim=$(pid_of_rank "$mark" 2 "$ibex") || fail "rank 2 not found"
kill -9 "$victim"
sleep 3  # the control endpoint sees a dead peer within ~1-3 s (docs/net.md)
exec 3>&-  # end of input: the coordinator ends the job
wait_job 10
cat "$work/err"
grep -q "ibex: executor rank 2 (.*) failed" "$work/err" || fail "coordinator did not name rank 2"
echo PASS
