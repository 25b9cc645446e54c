#!/usr/bin/env bash
# make demo: the main job on this machine.
#  1. 3 ranks (1 coordinator, 2 executors) under mpirun: each rank's role, host, cores, NUMA
#     node, workers and UCX transports.
#  2. The Star Schema Benchmark on one rank (coordinator and executor in one process, the
#     engine that is complete today): ibex-datagen writes SSB at DEMO_SF (default 0.1) once,
#     the shell loads it with COPY and runs the 13 queries with \timing.
# Multi-executor query execution is the distributed-execution issue; until it lands, SQL on
# several ranks answers "not supported yet".
set -euo pipefail
build_dir=${1:-build/release}
sf=${DEMO_SF:-0.1}
repo=$(cd "$(dirname "$0")/.." && pwd)
ibex="$build_dir/mpi_launch/ibex"
datagen="$build_dir/storage/datagen/ibex-datagen"
for tool in "$ibex" "$datagen"; do
  [[ -x "$tool" ]] || { echo "demo: $tool not built (run make build)" >&2; exit 1; }
done
if [[ $(id -u) -eq 0 ]]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi

echo "== 1. ibex on 3 ranks: placement and transports"
launch=(mpirun --oversubscribe --timeout 120 -n 3 "$ibex" --report-bindings)
echo "+ ${launch[*]}"
"${launch[@]}" </dev/null

data="$build_dir/demo-data/ssb-sf$sf"
if [[ ! -f "$data/lineorder.tbl" ]]; then
  echo
  echo "== generating SSB at scale factor $sf into $data"
  "$datagen" --benchmark ssb --scale-factor "$sf" --output "$data"
fi

script="$build_dir/demo-data/ssb-demo.sql"
{
  echo "-- SSB at scale factor $sf: schema, load, the 13 queries"
  cat "$repo/benchmarks/schema/ssb.sql"
  echo
  echo '\timing'
  for t in lineorder part supplier customer date; do
    table=$t; [[ $t == date ]] && table=dates
    echo "COPY $table FROM '$data/$t.tbl' (FORMAT tbl, DELIMITER '|');"
  done
  for q in "$repo"/benchmarks/queries/ssb/q*.sql; do
    echo
    echo "-- $(basename "$q")"
    cat "$q"
  done
} >"$script"

echo
echo "== 2. SSB SF $sf on one rank ($(nproc) worker threads)"
echo "+ $ibex -f $script"
"$ibex" -f "$script"
