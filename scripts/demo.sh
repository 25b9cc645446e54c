#!/usr/bin/env bash
# make demo: the main job on this machine, distributed.
#  1. ibex-datagen writes the Star Schema Benchmark at DEMO_SF (default 4: 2.5 GB) once, into
#     <build>/demo-data/. Measured on the shared 2-core build machine: ~12 s to generate, ~9 s
#     to load on 2 executors, ~5 s for the 13 queries; DEMO_SF=8 takes about a minute.
#  2. 3 ranks under mpirun (rank 0 the coordinator, ranks 1 and 2 executors): each rank's role,
#     host, cores, NUMA node, workers and UCX transports; then the shell in batch mode creates
#     the tables with their distribution (lineorder hash-partitioned on lo_orderkey over the
#     two executors, the dimensions replicated: perf/engine_bench/bench_sql.py), loads them
#     with COPY (each executor parses its share of the files) and runs the 13 queries with
#     \timing, printing every result and its time.
# Environment: DEMO_SF (scale factor), DEMO_RANKS (default 3: the coordinator and 2 executors).
set -euo pipefail
build_dir=${1:-build/release}
sf=${DEMO_SF:-4}
ranks=${DEMO_RANKS:-3}
repo=$(cd "$(dirname "$0")/.." && pwd)
ibex="$build_dir/mpi_launch/ibex"
datagen="$build_dir/storage/datagen/ibex-datagen"
for tool in "$ibex" "$datagen"; do
  [[ -x "$tool" ]] || { echo "demo: $tool not built (run make build)" >&2; exit 1; }
done
if [[ $(id -u) -eq 0 ]]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
start=$SECONDS

data="$build_dir/demo-data/ssb-sf$sf"
if [[ ! -f "$data/.complete" ]]; then
  echo "== 1. generating SSB at scale factor $sf into $data"
  rm -rf "$data"
  "$datagen" --benchmark ssb --scale-factor "$sf" --output "$data"
  touch "$data/.complete"
else
  echo "== 1. SSB at scale factor $sf: already in $data"
fi

script="$build_dir/demo-data/ssb-demo.sql"
python3 "$repo/perf/engine_bench/bench_sql.py" --benchmark ssb --data "$data" \
  --schema partitioned --timing --labels >"$script"

echo
echo "== 2. SSB SF $sf on $ranks ranks (coordinator + $((ranks - 1)) executors): load, 13 queries"
# The job's own temporary data directory (ibex makes and removes it); the shell stops at the
# first error. --timeout bounds the whole job.
launch=(mpirun --oversubscribe --timeout 600 -n "$ranks" "$ibex" --report-bindings -f "$script")
echo "+ ${launch[*]}"
"${launch[@]}" </dev/null
echo
echo "== demo done in $((SECONDS - start)) s (script: $script)"
