#!/usr/bin/env bash
# Wraps the real ibex (IBEX_REAL) for tests/slurm/sbatch_scripts_test.sh's srun check: rank 2,
# an executor, is killed by SIGKILL 4 s after it starts — in the middle of the job's long
# query — under `srun --kill-on-bad-exit=0` (slurm/ibex-srun.sbatch), which leaves the other
# ranks running. The coordinator must fail the query naming the rank and say that the executor
# is gone for the next statement; the job must end (not hang).
set -u
rank=${SLURM_PROCID:-${OMPI_COMM_WORLD_RANK:?run me under srun or mpirun}}
if [[ "$rank" == 2 ]]; then
  # $$ is this shell's pid, which exec hands to ibex.
  (sleep 4 && kill -KILL $$) &
fi
exec "${IBEX_REAL:?set IBEX_REAL to the ibex executable}" "$@"
