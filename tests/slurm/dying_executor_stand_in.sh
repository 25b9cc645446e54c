#!/usr/bin/env bash
# Stand-in for ibex in tests/slurm/sbatch_scripts_test.sh's --enable-recovery check, run by
# slurm/ibex-mpirun.sbatch as IBEX_BIN. Rank 2 (an executor) dies by SIGKILL together with the
# rank's wrapper shell, so mpirun sees a rank killed by a signal; ranks 0 and 1 wait until it is
# dead, then 3 s more (mpirun without --enable-recovery kills the rest within about 2 s), and
# exit 0. Rank 0 printing "coordinator outlived" proves the coordinator survived.
set -u
rank=${OMPI_COMM_WORLD_RANK:?run me under mpirun}
marker=$PWD/rank2-dead.${SLURM_JOB_ID:-0}
if [[ "$rank" == 2 ]]; then
  : >"$marker"
  kill -KILL "$PPID" "$$"
fi
for _ in $(seq 1 200); do
  [[ -e "$marker" ]] && break
  sleep 0.1
done
[[ -e "$marker" ]] || { echo "rank $rank: rank 2 did not die" >&2; exit 1; }
sleep 3
[[ "$rank" != 0 ]] || echo "coordinator outlived the killed executor"
exit 0
