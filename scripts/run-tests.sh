#!/usr/bin/env bash
# Runs a test tier with CTest and lists the slowest tests at the end.
#   scripts/run-tests.sh BUILD_DIR fast|all [extra ctest flags]
# Tests run one at a time (-j1): most are multi-rank jobs that oversubscribe the two cores
# already, and parallel jobs would only make their timing noisy.
set -uo pipefail
build_dir=$1; tier=$2; shift 2
log="$build_dir/last-test-run.log"
label=()
[[ "$tier" == "fast" ]] && label=(-L '^fast$')
start=$(date +%s)
ctest --test-dir "$build_dir" "${label[@]}" --output-on-failure --no-tests=error "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
echo
echo "Slowest tests:"
grep -E '^ *[0-9]+/[0-9]+ Test +#[0-9]+:' "$log" \
  | sed -E 's/^ *[0-9]+\/[0-9]+ Test +#[0-9]+: ([^ ]+) .* ([0-9.]+) sec$/\2 \1/' \
  | sort -rn | head -10 | awk '{printf "  %8.2f s  %s\n", $1, $2}'
echo "Tier '$tier' took $(( $(date +%s) - start )) s (exit $rc)"
exit $rc
