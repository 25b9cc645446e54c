#!/bin/bash
# Kills one rank of a distributed COPY at a fault-injection step and checks what is left:
# each STEP runs `dist_load_driver crash` on 3 ranks under `mpirun --enable-recovery`
# (lineorder loaded once, then a second load during which RANK dies at STEP), then reopens the
# data directory in a second process (`dist_load_driver verify`): before the commit point the
# old state (one load), from the CATALOG rename on the new state (two). When an executor dies
# before the commit, the coordinator's COPY must fail within 5 s naming that rank.
#   dist_load_crash.sh DRIVER SCHEMA WORK RANK:STEP...
set -u
driver=$1 schema=$2 work=$3
shift 3
mkdir -p "$work"
failed=0
for case in "$@"; do
  rank=${case%%:*} step=${case#*:}
  out=$("$IBEX_MPIRUN" $IBEX_MPIRUN_FLAGS --enable-recovery --timeout 60 -n 3 \
        "$driver" crash "$schema" "$work" "$rank" "$step" 2>&1)
  result=$(grep '^COPY-RESULT' <<<"$out")
  case $step in
    load.*|commit.before_rename) expect=old ;;
    *) expect=new ;;
  esac
  ok=1
  if [[ $rank -ne 0 ]]; then
    if [[ $expect == old ]]; then
      # The COPY fails, naming the dead rank, within 5 s of the load's start.
      if ! grep -q "^COPY-RESULT error" <<<"$result" || ! grep -q "rank $rank" <<<"$result"; then ok=0; fi
      secs=$(awk '{print $3}' <<<"$result")
      if [[ -z $secs ]] || awk "BEGIN{exit !($secs > 5.0)}"; then ok=0; fi
    elif ! grep -q "^COPY-RESULT ok" <<<"$result"; then
      ok=0  # killed after the commit point: the load stands
    fi
  fi
  verify=$("$driver" verify "$schema" "$work" "$expect" 2>&1) || ok=0
  echo "rank $rank at $step: ${result:-no COPY result (rank 0 died)} | $verify"
  if [[ $ok -ne 1 ]]; then
    echo "FAILED: rank $rank at $step"
    echo "$out" | tail -20
    failed=1
  fi
done
[[ $failed -eq 0 ]] && echo PASSED
exit $failed
