#!/usr/bin/env bash
# EXPLAIN ANALYZE on 2 executors (issue 7, items 7 and 8): SSB Q1.1 over hash-partitioned
# lineorder and replicated dimensions reports every fragment on every rank with rows, time and
# bytes, and moves only partial aggregation states: fewer than 1 KiB cross the network (the
# plan that gathers lineorder's rows would move megabytes even at SF 0.01).
# Usage: explain_analyze_test.sh IBEX DATAGEN BENCHMARKS_DIR RUNNER_DIR
set -euo pipefail
ibex=$1 datagen=$2 benchmarks=$3 runner=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$datagen" --benchmark ssb --scale-factor 0.01 --output "$work/ssb" >/dev/null
python3 - "$runner" "$work" "$benchmarks" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import slt_session
work, bench = sys.argv[2], sys.argv[3]
statements = slt_session.LoadStatements("ssb", f"{work}/ssb", f"{bench}/schema/ssb.sql", "partitioned")
query = open(f"{bench}/queries/ssb/q1.1.sql").read().strip().rstrip(";")
with open(f"{work}/q.sql", "w") as f:
    f.write(";\n".join(statements) + ";\nEXPLAIN ANALYZE " + query + ";\n")
PY
read -r -a flags <<<"${IBEX_MPIRUN_FLAGS:-}"
out=$(timeout 60 "${IBEX_MPIRUN:-mpirun}" "${flags[@]}" -n 3 "$ibex" --data-dir "$work/data" -f "$work/q.sql" 2>&1) || {
  echo "$out"; echo "FAIL: ibex exited with an error"; exit 1; }
echo "$out" | grep -E "Fragment|Total" || true
fail() { echo "FAIL: $*"; echo "$out"; exit 1; }
grep -q "Fragment 1 \[executors\] -> gather to F0" <<<"$out" || fail "no executors fragment gathered to F0"
for rank in 1 2; do
  grep -qE "Fragment 1 on rank $rank: time=[0-9.]+ms sent=[0-9.]+ [KMG]?i?B received=.* network_wait=" <<<"$out" ||
    fail "no per-rank report of fragment 1 on rank $rank"
done
grep -qE "Scan lineorder .* actual_rows=[1-9][0-9]* time=" <<<"$out" || fail "no per-operator rows and time"
total=$(sed -nE 's/.*Total: .* rows, ([0-9.]+) (B|KiB|MiB|GiB) sent over the network.*/\1 \2/p' <<<"$out")
[[ -n "$total" ]] || fail "no total bytes"
read -r n unit <<<"$total"
[[ "$unit" == "B" ]] && (( ${n%.*} < 1024 )) || fail "SSB Q1.1 moved $total over the network (bound: 1 KiB)"
echo "ok: SSB Q1.1 on 2 executors moved $total"
