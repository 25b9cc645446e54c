#!/usr/bin/env bash
# ibex --report-bindings under real mpirun with 1..4 ranks: one line per rank in rank order,
# rank 0 the coordinator, the rest executors; with --pin=auto on this machine the executors
# get cores of their own (or share round-robin when there are more executors than cores)
# and bind memory; --pin=launcher keeps mpirun's binding.
source "$(dirname "$0")/lib.sh"
ibex=$1
ncores=$(nproc)

for n in 1 2 3 4; do
  out=$(run_mpi "$n" "$ibex" --report-bindings) || fail "mpirun -n $n exited $?: $out"
  echo "$out"
  lines=$(echo "$out" | tail -n +2)
  [[ $(echo "$lines" | wc -l) -eq $n ]] || fail "$n ranks: expected $n report lines"
  for r in $(seq 0 $((n - 1))); do
    line=$(echo "$lines" | sed -n "$((r + 1))p")
    [[ $(echo "$line" | awk '{print $1}') == "$r" ]] || fail "line $((r + 1)) is not rank $r: $line"
    role=$(echo "$line" | awk '{print $2}')
    if [[ $n -eq 1 ]]; then
      [[ $role == coordinator+executor ]] || fail "single rank role: $line"
    elif [[ $r -eq 0 ]]; then
      [[ $role == coordinator ]] || fail "rank 0 role: $line"
      echo "$line" | grep -q "local" || fail "coordinator must not bind memory: $line"
    else
      [[ $role == executor ]] || fail "rank $r role: $line"
      echo "$line" | grep -q "bound" || fail "executor memory not bound: $line"
      cpus=$(echo "$line" | awk '{print $4}')
      want=$(( (r - 1) % ncores ))
      if [[ $((n - 1)) -le $ncores ]]; then
        # enough cores: each executor one disjoint share
        [[ $((n - 1)) -eq 1 && $cpus == "0-$((ncores - 1))" ]] || [[ $cpus == "$want" ]] ||
          fail "executor $r of $((n - 1)) on cpus '$cpus'"
      else
        [[ $cpus == "$want" ]] || fail "oversubscribed executor $r on cpus '$cpus', want $want"
      fi
    fi
  done
done

# --pin=launcher: Open MPI binds each of 2 ranks to its own core by default; ibex keeps it.
out=$(run_mpi 2 "$ibex" --report-bindings --pin=launcher) || fail "pin=launcher: $out"
echo "$out"
echo "$out" | tail -n +2 | awk '{print $4}' | sort -u | wc -l | grep -qx 2 ||
  fail "pin=launcher should keep one distinct core per rank"

# --pin=none: every rank on every core.
out=$(run_mpi 3 "$ibex" --report-bindings --pin=none) || fail "pin=none: $out"
echo "$out"
[[ $(echo "$out" | grep -c "0-$((ncores - 1)) (floating)") -eq 3 ]] || fail "pin=none must float"

# --workers overrides the executors' worker count.
out=$(run_mpi 3 "$ibex" --report-bindings --workers 5) || fail "--workers: $out"
[[ $(echo "$out" | tail -n +2 | awk '$2 == "executor" {print $7}' | sort -u) == 5 ]] ||
  fail "--workers 5 not applied: $out"
echo PASS
