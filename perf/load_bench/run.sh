#!/usr/bin/env bash
# Load benchmark: ibex's loader (one rank, THREADS worker threads, into a data directory with
# fsync'd blocks and an atomic catalog commit) against DuckDB's COPY of the same .tbl files with
# the same number of threads, measured side by side in one run, ROUNDS times; prints the
# per-round totals, the medians and the ratios. DuckDB is measured twice: into a database file
# (durable, as ibex) and in memory (no writes at all, the harder target). Both wall time and
# CPU time (all threads) are reported: on a shared machine the CPU time is the steadier figure.
#
#   perf/load_bench/run.sh [BUILD_DIR] [DATA_DIR] [THREADS] [ROUNDS]
#
# BUILD_DIR (default build/release) holds ibex_load_bench and, for generating missing data,
# storage/datagen/ibex-datagen. DATA_DIR (default /tmp/ibex_load_bench) receives ssb-sf1/ and
# tpch-sf1/ .tbl files (generated when missing) and the scratch databases. DuckDB is the npm
# package @duckdb/node-api, installed here on first use (never a build or test dependency).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${1:-$repo/build/release}
data=${2:-/tmp/ibex_load_bench}
threads=${3:-2}
rounds=${4:-3}
schemas=${IBEX_SCHEMA_DIR:-$repo/benchmarks/schema}

bench=$build/perf/load_bench/ibex_load_bench
[[ -x $bench ]] || { echo "build first: cmake --build $build --target ibex_load_bench" >&2; exit 1; }
if [[ ! -d $here/node_modules/@duckdb/node-api ]]; then
  (cd "$here" && npm install --no-audit --no-fund @duckdb/node-api >/dev/null)
fi

mkdir -p "$data"
for b in ssb tpch; do
  if [[ ! -f $data/$b-sf1/.complete ]]; then
    gen=$build/storage/datagen/ibex-datagen
    [[ -x $gen ]] || { echo "no $data/$b-sf1 and no $gen to generate it" >&2; exit 1; }
    "$gen" --benchmark "$b" --scale-factor 1 --output "$data/$b-sf1" >/dev/null
    touch "$data/$b-sf1/.complete"
  fi
done

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
# "<wall> <cpu>" from a run's output.
times() { awk '/ total /{w=$(NF-1)} / cpu /{c=$(NF-1)} END {print w, c}'; }

for b in ssb tpch; do
  for k in ibex duckfile duckmem; do : >"$data/$b.$k.wall"; : >"$data/$b.$k.cpu"; done
  for ((r = 1; r <= rounds; r++)); do
    read -r iw ic < <("$bench" "$schemas/$b.sql" "$data/$b-sf1" "$data/ibex-db" "$threads" | times)
    read -r fw fc < <(node "$here/duckdb_load.mjs" "$schemas/$b.sql" "$data/$b-sf1" "$data/duck.db" "$threads" | times)
    read -r mw mc < <(node "$here/duckdb_load.mjs" "$schemas/$b.sql" "$data/$b-sf1" ":memory:" "$threads" | times)
    echo "$b round $r: wall (cpu) seconds: ibex $iw ($ic), duckdb file $fw ($fc), duckdb memory $mw ($mc)"
    echo "$iw" >>"$data/$b.ibex.wall"; echo "$ic" >>"$data/$b.ibex.cpu"
    echo "$fw" >>"$data/$b.duckfile.wall"; echo "$fc" >>"$data/$b.duckfile.cpu"
    echo "$mw" >>"$data/$b.duckmem.wall"; echo "$mc" >>"$data/$b.duckmem.cpu"
  done
  for m in wall cpu; do
    i=$(median <"$data/$b.ibex.$m"); f=$(median <"$data/$b.duckfile.$m"); d=$(median <"$data/$b.duckmem.$m")
    awk -v b="$b" -v m="$m" -v i="$i" -v f="$f" -v d="$d" -v t="$threads" 'BEGIN {
      printf "%s SF1, %d threads, median %s: ibex %.2f s | duckdb file %.2f s (ibex/duckdb %.2f) | duckdb memory %.2f s (ibex/duckdb %.2f)\n",
             b, t, m, i, f, i / f, d, i / d }'
  done
done
rm -rf "$data/ibex-db" "$data/duck.db" "$data/duck.db.wal"
