#!/bin/bash
# The issue's acceptance measurement: 2 ranks, 1 MiB messages, ibex vs MPI_Alltoallv over
# shared memory and with both forced onto TCP; RUNS alternating runs of each, 5 reps per run;
# prints every row and the median ratio per transport (the machine is shared and noisy, so
# only ratios from the same run are compared).
# Usage: perf/shuffle_bench/acceptance.sh [BENCH_BINARY] [RUNS] [EXTRA BENCH ARGS...]
# e.g. `... 5 --consume fold` (the engine's in-place consumer) or `... 5 --path put` (the
# put path instead of stores into the mapped slot).
set -euo pipefail
bench=${1:-build/release/perf/shuffle_bench/ibex-shuffle-bench}
runs=${2:-5}
shift $(( $# < 2 ? $# : 2 ))
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
common=(--mca btl_tcp_if_include lo --mca oob_tcp_if_include lo)
args=(--sizes 1M --patterns uniform,zipf,incast --bytes-per-rank 128M --reps 5 --warmup 1 "$@")
tmp=$(mktemp -d)
for i in $(seq 1 "$runs"); do
  mpirun -n 2 "${common[@]}" "$bench" "${args[@]}" --csv "$tmp/shm_$i.csv" > "$tmp/shm_$i.txt"
  mpirun -n 2 "${common[@]}" --mca pml ob1 --mca btl self,tcp \
    -x UCX_TLS=tcp,self -x UCX_NET_DEVICES=lo "$bench" "${args[@]}" --csv "$tmp/tcp_$i.csv" \
    > "$tmp/tcp_$i.txt"
done
for t in shm tcp; do
  echo "== $t: $(grep -h 'transports\|producer' "$tmp/${t}_1.txt" | tr '\n' ' ')"
  echo "pattern,msg_bytes,ranks,bytes_per_rank,ibex_gbps,ibex_gbps_per_rank,mpi_gbps,ratio,ibex_path"
  tail -q -n +2 "$tmp"/${t}_*.csv | sort -t, -k1,1 -k8,8g
  for p in uniform zipf incast; do
    mapfile -t ratios < <(grep -h "^$p," "$tmp"/${t}_*.csv | cut -d, -f8 | sort -g)
    mapfile -t ibex < <(grep -h "^$p," "$tmp"/${t}_*.csv | cut -d, -f5 | sort -g)
    mapfile -t mpi < <(grep -h "^$p," "$tmp"/${t}_*.csv | cut -d, -f7 | sort -g)
    m=$(( ${#ratios[@]} / 2 ))
    printf "median %s %-8s ibex %.2f GB/s  MPI %.2f GB/s  ratio %.2f  (%d runs, ratios %.2f-%.2f)\n" \
      "$t" "$p" "${ibex[$m]}" "${mpi[$m]}" "${ratios[$m]}" "${#ratios[@]}" "${ratios[0]}" \
      "${ratios[-1]}"
  done
done
rm -rf "$tmp"
