#!/usr/bin/env bash
# Distributed load benchmark: COPY of one .tbl file (default SSB SF 1 lineorder, HASH by its
# first column) with 1 executor and with 2 executors, WORKERS parsing threads each, ROUNDS
# rounds per configuration, configurations alternating so that machine noise hits both; prints
# every round, the medians of wall time and of the executors' CPU time (user + system, all
# their threads), and the speed-up (1-executor median / 2-executor median). On a shared
# machine the wall-time speed-up says as much about the other jobs as about ibex: the CPU
# time tells what the second executor adds in work (shuffle, hashing, frames).
#
#   perf/load_bench/dist_run.sh [BUILD_DIR] [TBL_FILE] [DATA_DIR] [WORKERS] [ROUNDS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${1:-$repo/build/release}
tbl=${2:-/tmp/ibex_bench_data/ssb-sf1/lineorder.tbl}
data=${3:-/tmp/ibex_dist_load_bench}
workers=${4:-1}
rounds=${5:-3}
bench=$build/perf/load_bench/ibex_dist_load_bench
[[ -x $bench ]] || { echo "build first: cmake --build $build --target ibex_dist_load_bench" >&2; exit 1; }
[[ -f $tbl ]] || { echo "no $tbl: generate it with ibex-datagen --benchmark ssb --scale-factor 1" >&2; exit 1; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
flags=(--oversubscribe --bind-to none --mca btl_tcp_if_include lo --mca oob_tcp_if_include lo)
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
declare -A times cpus
for ((r = 0; r < rounds; r++)); do
  for e in 1 2; do
    out=$(mpirun "${flags[@]}" -n $((e + 1)) "$bench" "$repo/benchmarks/schema/ssb.sql" lineorder \
          "$tbl" "$data" "$workers" 1)
    grep '^round' <<<"$out" | sed "s/^round 1/round $((r + 1))/"
    times[$e]+="$(awk '/^MEDIAN/ {print $4}' <<<"$out") "
    cpus[$e]+="$(awk '/^CPU/ {print $4}' <<<"$out") "
  done
done
m1=$(tr ' ' '\n' <<<"${times[1]}" | grep . | median)
m2=$(tr ' ' '\n' <<<"${times[2]}" | grep . | median)
c1=$(tr ' ' '\n' <<<"${cpus[1]}" | grep . | median)
c2=$(tr ' ' '\n' <<<"${cpus[2]}" | grep . | median)
echo "median 1 executor x $workers worker(s): $m1 s wall, $c1 s executor CPU"
echo "median 2 executors x $workers worker(s): $m2 s wall, $c2 s executor CPU (both)"
awk -v a="$m1" -v b="$m2" 'BEGIN {printf "speed-up 2 vs 1 executors: %.2fx\n", a / b}'
