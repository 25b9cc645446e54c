#!/usr/bin/env bash
# make demo: the main job on 3 ranks (1 coordinator, 2 executors) on this machine, printing
# each rank's role, host, cores, NUMA node, workers and UCX transports.
set -euo pipefail
build_dir=${1:-build/release}
ibex="$build_dir/mpi_launch/ibex"
[[ -x "$ibex" ]] || { echo "demo: $ibex not built (run make build)" >&2; exit 1; }
if [[ $(id -u) -eq 0 ]]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
mpirun_cmd=(mpirun --oversubscribe --timeout 120 -n 3 "$ibex" --report-bindings)
echo "+ ${mpirun_cmd[*]}"
"${mpirun_cmd[@]}"
