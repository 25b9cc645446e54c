#!/usr/bin/env bash
# The foreman (issue 7, item 3) on 2 executors over one data directory: a table whose rows
# all hash to one executor's partition (40 blocks) is scanned by both executors when the scan
# is row-local (count/sum: partial aggregates), never when it is not (GROUP BY the partitioning
# key aggregates in place, so every row of a key must stay on its owner) or when stealing is
# off. The answers are the same every way.
# Usage: work_stealing_test.sh IBEX
set -euo pipefail
ibex=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rows=2621440  # 40 blocks of 64 Ki rows, so the executor that starts later still finds some left
python3 -c "
import sys
with open('$work/t.csv', 'w') as f:
    for i in range($rows):
        f.write(f'7,{i}\n')
"
cat >"$work/q.sql" <<SQL
CREATE TABLE t (k INTEGER, v BIGINT) PARTITION BY HASH(k);
COPY t FROM '$work/t.csv' (FORMAT csv);
EXPLAIN ANALYZE SELECT count(*), sum(v) FROM t;
SELECT count(*), sum(v) FROM t;
EXPLAIN ANALYZE SELECT k, count(*) FROM t GROUP BY k;
SELECT k, count(*) FROM t GROUP BY k;
SET work_stealing = 'off';
EXPLAIN ANALYZE SELECT count(*), sum(v) FROM t;
SELECT count(*), sum(v) FROM t;
SQL
read -r -a flags <<<"${IBEX_MPIRUN_FLAGS:-}"
out=$(timeout 90 "${IBEX_MPIRUN:-mpirun}" "${flags[@]}" -n 3 "$ibex" --workers 1 --data-dir "$work/data" \
        --format csv -f "$work/q.sql" 2>&1) || { echo "$out"; echo "FAIL: ibex failed"; exit 1; }
fail() { echo "FAIL: $*"; echo "$out"; exit 1; }
echo "$out" | grep -E "Work orders|blocks|^[0-9]+,[0-9]+$" || true
# Blocks by explain: the three EXPLAIN ANALYZE outputs in order.
mapfile -t summaries < <(awk '/Work orders/{getline a; getline b; print a " | " b}' <<<"$out")
[[ ${#summaries[@]} -eq 3 ]] || fail "expected 3 work-order summaries, got ${#summaries[@]}"
grep -q "from other executors' partitions" <<<"${summaries[0]}" ||
  fail "count/sum over a skewed table: no executor took over blocks (${summaries[0]})"
if grep -q "from other executors' partitions" <<<"${summaries[1]}"; then
  fail "GROUP BY the partitioning key moved blocks off their owner (${summaries[1]})"
fi
if grep -q "from other executors' partitions" <<<"${summaries[2]}"; then
  fail "work_stealing = off still moved blocks (${summaries[2]})"
fi
expected="$rows,$(( rows * (rows - 1) / 2 ))"
[[ $(grep -c "^$expected\$" <<<"$out") -eq 2 ]] || fail "count/sum is not $expected both ways"
grep -q "^7,$rows\$" <<<"$out" || fail "GROUP BY k is not 7,$rows"
echo "ok: ${summaries[0]}"
