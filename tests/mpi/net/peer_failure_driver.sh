#!/bin/bash
# Runs net_peer_failure_test with N ranks under `mpirun --enable-recovery` and checks that
# every survivor reported the dead rank within 5 s. Bounded by mpirun's --timeout.
# Usage: peer_failure_driver.sh MPIRUN BINARY RANKS
set -u
mpirun=$1 binary=$2 ranks=$3
out=$("$mpirun" --oversubscribe --enable-recovery --mca btl_tcp_if_include lo \
      --mca oob_tcp_if_include lo --timeout 40 -n "$ranks" "$binary" 2>&1)
echo "$out"
ok=$(grep -c '^PEER-FAILURE-OK' <<<"$out")
bad=$(grep -c '^PEER-FAILURE-BAD' <<<"$out")
if [[ $ok -ne $((ranks - 1)) || $bad -ne 0 ]]; then
  echo "FAILED: $ok of $((ranks - 1)) survivors saw the failure correctly, $bad reported errors"
  exit 1
fi
echo "PASSED: all $ok survivors saw the failure"
