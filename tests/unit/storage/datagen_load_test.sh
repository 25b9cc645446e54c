#!/usr/bin/env bash
# Acceptance check of the storage issue: ibex-datagen writes SSB and TPC-H at SF 0.1, the
# loader loads every table (one process), and a second process finds them intact in the data
# directory (every block read with its checksums, row counts equal to the files' lines).
#
#   datagen_load_test.sh IBEX_DATAGEN IBEX_LOAD_BENCH SCHEMA_DIR
set -euo pipefail
datagen=$1
bench=$2
schemas=$3
work=$(mktemp -d /tmp/ibex_datagen_load_test.XXXXXX)
trap 'rm -rf "$work"' EXIT
for b in ssb tpch; do
  "$datagen" --benchmark "$b" --scale-factor 0.1 --output "$work/$b" --threads 2 >/dev/null
  "$bench" "$schemas/$b.sql" "$work/$b" "$work/$b-data" 2
  "$bench" "$schemas/$b.sql" "$work/$b" "$work/$b-data" --verify
done
