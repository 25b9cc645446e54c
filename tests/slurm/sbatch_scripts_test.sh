#!/usr/bin/env bash
# Test: the sbatch scripts in slurm/ run ibex on 3 ranks under a real single-node Slurm.
#
#   tests/slurm/sbatch_scripts_test.sh IBEX_BIN SLURM_SCRIPTS_DIR [IBEX_DATAGEN]
#
# Starts a private Slurm cluster on 127.0.0.1 (tests/slurm/private_slurm.sh: own munged, own
# slurm.conf, state, spool and ports; never /etc/slurm), submits
#   1. slurm/ibex-mpirun.sbatch  (mpirun --enable-recovery inside the allocation)
#   2. slurm/ibex-srun.sbatch    (srun --mpi=pmix)
#   3. both scripts with an ibex that fails (bad option): each job must end FAILED, exit code 2
#   4. slurm/ibex-mpirun.sbatch with a stand-in whose rank 2 is killed: rank 0 must survive it
#   5. slurm/ibex-mpirun.sbatch with IBEX_BIN pointing nowhere (must fail, clearly)
#   6. slurm/ibex-ssb-demo.sbatch at SF 0.01 (when IBEX_DATAGEN is given): generate, load the
#      partitioned schema on 2 executors, run the 13 SSB queries; each must answer
# waits for each with a bounded deadline, and checks its exit state and its output: the command
# it printed, 3 `--report-bindings` lines (rank 0 coordinator, ranks 1 and 2 executors) and the
# locked-memory warning. It stops exactly the daemons it started on every exit path.
#
# Runs as root and as an ordinary user (the private daemons then run as that user).
# Exit codes: 0 pass, 1 fail, 77 skipped (CTest SKIP_RETURN_CODE) when Slurm or munge is not
# installed. IBEX_SLURM_TEST_KEEP=1 keeps the work folder.
set -uo pipefail

readonly kSkip=77
# Everything the test waits for shares this budget, which stays well below the CTest TIMEOUT
# (tests/slurm/CMakeLists.txt) so that clean-up always runs: CTest kills with SIGKILL.
readonly kBudgetSeconds=100

ibex_bin=${1:?usage: $0 IBEX_BIN SLURM_SCRIPTS_DIR}
scripts_dir=${2:?usage: $0 IBEX_BIN SLURM_SCRIPTS_DIR}
datagen_bin=${3:-}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=private_slurm.sh
source "$here/private_slurm.sh"

Skip() {
  {
    echo "************************************************************************"
    echo "SKIPPED: the Slurm test did not run: $*"
    echo "************************************************************************"
  } | tee /dev/stderr
  exit "$kSkip"
}

failures=0
Fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# sbatch passes this environment to the jobs: the scripts' parameters must come from the test.
for var in $(compgen -e); do
  [[ "$var" != IBEX_* || "$var" == IBEX_SLURM_TEST_KEEP ]] || unset "$var"
done

missing_programs=$(PrivateSlurmMissing)
[[ -z "$missing_programs" ]] || Skip "not installed: $missing_programs (scripts/install-deps.sh installs slurm-wlm and munge)"
[[ -x "$ibex_bin" ]] || { echo "FAIL: ibex executable $ibex_bin not found" >&2; exit 1; }
ibex_bin=$(realpath "$ibex_bin")
scripts_dir=$(realpath "$scripts_dir")

# The two scripts are self-contained (Slurm runs a copy of each, which cannot source a sibling)
# and share everything from their #SBATCH lines to their "Launch" block: keep that identical.
CommonPart() {
  sed -n '/^#SBATCH /,/^# ---- Launch ----$/p' "$scripts_dir/$1" | grep -v '^me='
}
if ! diff <(CommonPart ibex-srun.sbatch) <(CommonPart ibex-mpirun.sbatch) >&2; then
  Fail "ibex-srun.sbatch and ibex-mpirun.sbatch differ before their Launch blocks (diff above)"
fi

start=$SECONDS
deadline=$((SECONDS + kBudgetSeconds))
work=$(mktemp -d "${TMPDIR:-/tmp}/ibex-slurm.XXXXXX")
chmod 755 "$work"  # munged needs every folder above its socket searchable by all
# shellcheck disable=SC2317  # invoked by the EXIT trap
Cleanup() {
  PrivateSlurmStop
  if [[ "${IBEX_SLURM_TEST_KEEP:-0}" == 1 ]]; then
    echo "kept $work"
  else
    rm -rf "$work"
  fi
}
trap Cleanup EXIT
trap 'exit 143' TERM INT HUP

# A second try, on other random ports, covers a port taken between its check and its bind.
cluster_up=0
for attempt in 1 2; do
  if PrivateSlurmStart "$work/cluster$attempt"; then
    cluster_up=1
    break
  fi
  PrivateSlurmStop
done
((cluster_up)) || { echo "FAIL: the private Slurm cluster did not start (twice)" >&2; exit 1; }

# Waits (bounded by the test's budget) until job ID ends; prints "STATE EXITCODE".
WaitJob() {
  local id=$1 info state
  while :; do
    info=$(timeout 10 scontrol show job -o "$id" 2>&1)
    state=$(sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' <<<"$info")
    case "$state" in
      PENDING | CONFIGURING | RUNNING | COMPLETING | SUSPENDED | "") ;;
      *)
        echo "$state $(sed -n 's/.* ExitCode=\([0-9:]*\).*/\1/p' <<<"$info")"
        return 0
        ;;
    esac
    if ((SECONDS >= deadline)); then
      echo "TIMEOUT(test) -"
      echo "job $id did not end within the test's budget; last state: $info" >&2
      return 1
    fi
    sleep 0.25
  done
}

# Submits SCRIPT as job NAME with the ibex under test, plus more VAR=VALUE exports (no commas);
# sets job_out, job_state, job_exit.
RunJob() {
  local name=$1 script=$2 exports id result
  shift 2
  exports=$(IFS=,; echo "ALL,IBEX_BIN=$ibex_bin${*:+,$*}")
  job_out=$work/$name.out
  id=$(cd "$work" && timeout 20 sbatch --parsable --time=2 --output="$job_out" --export="$exports" \
    "$scripts_dir/$script") || {
    Fail "$name: sbatch $script was refused"
    job_state=REFUSED job_exit=-
    return
  }
  result=$(WaitJob "$id")
  read -r job_state job_exit <<<"$result"
  echo "== job $id ($name, $script): $job_state, exit code $job_exit, $((SECONDS - start)) s into the test"
  sed 's/^/   | /' "$job_out" 2>/dev/null
  if [[ "$job_state" == "TIMEOUT(test)" ]]; then
    # The budget is spent: later jobs could not finish either. The EXIT trap cleans up.
    PrivateSlurmDumpLogs
    echo "FAILED: job $id ($name) did not end within the test's ${kBudgetSeconds} s budget" >&2
    exit 1
  fi
}

# The output of a job that ran ibex on 3 ranks: the launcher line, the --report-bindings table
# (rank role host cpus numa memory workers network), the ulimit warning.
CheckIbexJob() {
  local name=$1 launcher=$2 rows memlock host cpus1 cpus2
  [[ "$job_state" == COMPLETED && "$job_exit" == 0:0 ]] ||
    Fail "$name: job ended $job_state with exit code $job_exit, expected COMPLETED 0:0"
  grep -qs "running: $launcher " "$job_out" || Fail "$name: the script did not print '$launcher ...'"
  rows=$(grep -sE '^ *[0-9]+ +(coordinator|executor)' "$job_out")
  host=$(hostname -s)  # ibex may print the full name: host[.domain]
  [[ $(grep -c . <<<"$rows") -eq 3 ]] || Fail "$name: expected 3 --report-bindings rows, got: ${rows:-none}"
  grep -Eq "^ *0 +coordinator +${host}[. ]" <<<"$rows" || Fail "$name: rank 0 is not the coordinator on $host"
  grep -Eq "^ *1 +executor +${host}[. ]" <<<"$rows" || Fail "$name: rank 1 is not an executor on $host"
  grep -Eq "^ *2 +executor +${host}[. ]" <<<"$rows" || Fail "$name: rank 2 is not an executor on $host"
  # --pin=auto under the launcher's hands-off binding: the 2 executors get different cores
  # (given 2 cores: the job is --exclusive, so it has them all).
  cpus1=$(awk '$1 == 1 { print $4 }' <<<"$rows")
  cpus2=$(awk '$1 == 2 { print $4 }' <<<"$rows")
  [[ -n "$cpus1" && -n "$cpus2" ]] || Fail "$name: no cpus column for the executors"
  if (($(nproc --all) >= 2)) && [[ "$cpus1" == "$cpus2" ]]; then
    Fail "$name: executors share cpus '$cpus1' on a machine with $(nproc --all) cores"
  fi
  memlock=$(sed -n 's/.*ulimit -l \([0-9a-z]*\)$/\1/p' "$job_out" | head -n 1)
  [[ -n "$memlock" ]] || Fail "$name: the script did not print ulimit -l"
  if [[ "$memlock" != unlimited ]] && ((memlock < 64 * 1024 * 1024)); then
    grep -qs "WARNING: ulimit -l is $memlock KiB" "$job_out" || Fail "$name: no warning for ulimit -l $memlock"
  fi
}

RunJob mpirun ibex-mpirun.sbatch
CheckIbexJob mpirun "mpirun --enable-recovery"

RunJob srun ibex-srun.sbatch
CheckIbexJob srun "srun --mpi=pmix"

# ibex failing must fail the job under both launchers. mpirun --enable-recovery alone would
# exit 0 here; the script must still pass rank 0's exit status (2: bad usage) on.
for launcher in mpirun srun; do
  RunJob "$launcher-ibex-fails" "ibex-$launcher.sbatch" IBEX_EXTRA_ARGS=--no-such-option
  [[ "$job_state" == FAILED && "$job_exit" == 2:0 ]] ||
    Fail "$launcher-ibex-fails: job ended $job_state $job_exit, expected FAILED with exit code 2:0"
done

# One executor killed by a signal must not take the coordinator with it (mpirun
# --enable-recovery), and the job's verdict is the coordinator's.
RunJob executor-dies ibex-mpirun.sbatch "IBEX_BIN=$here/dying_executor_stand_in.sh"
[[ "$job_state" == COMPLETED && "$job_exit" == 0:0 ]] ||
  Fail "executor-dies: job ended $job_state $job_exit, expected COMPLETED 0:0 (rank 0's verdict)"
grep -qs "coordinator outlived the killed executor" "$job_out" ||
  Fail "executor-dies: the coordinator did not outlive the killed executor"

# A real executor killed in the middle of a query under srun --kill-on-bad-exit=0 (the srun
# script's setting): the query fails within seconds naming rank 2, the next statement says the
# executor is gone, and the job ends with rank 0's verdict instead of hanging.
values=$(seq 0 299 | sed 's/.*/(&)/' | paste -sd, -)
cat >"$work/killed.sql" <<SQL
CREATE TABLE n (k INTEGER);
INSERT INTO n VALUES $values;
SELECT count(*) FROM n a, n b, n c, n d WHERE a.k + b.k + c.k + d.k = -1;
SELECT count(*) FROM n;
SQL
RunJob executor-killed-srun ibex-srun.sbatch "IBEX_BIN=$here/executor_killed_mid_query.sh" \
  "IBEX_REAL=$ibex_bin" "IBEX_QUERY_FILE=$work/killed.sql" "IBEX_EXTRA_ARGS=--on-error continue"
[[ "$job_state" == FAILED || "$job_state" == COMPLETED ]] ||
  Fail "executor-killed-srun: job ended $job_state $job_exit, expected it to end"
grep -Eqs "ERROR.*rank 2" "$job_out" || Fail "executor-killed-srun: no error naming rank 2"
grep -qs "executor gone: rank 2" "$job_out" ||
  Fail "executor-killed-srun: the next statement did not say that rank 2 is gone"

# A wrong IBEX_BIN is reported before anything is launched (the later IBEX_BIN wins).
RunJob missing-binary ibex-mpirun.sbatch IBEX_BIN=/nonexistent/ibex
[[ "$job_state" == FAILED && "$job_exit" == 2:0 ]] ||
  Fail "missing-binary: job ended $job_state $job_exit, expected FAILED with exit code 2:0"
grep -qs "IBEX_BIN=/nonexistent/ibex is not an executable" "$job_out" ||
  Fail "missing-binary: the script did not say that IBEX_BIN is missing"

# The SSB demo job: data generated into the work folder, 13 queries each named, answered, timed.
if [[ -n "$datagen_bin" ]]; then
  RunJob ssb-demo ibex-ssb-demo.sbatch "IBEX_DATAGEN=$(realpath "$datagen_bin")" IBEX_SSB_SF=0.01 \
    "IBEX_SSB_DIR=$work/ssb-sf0.01" "IBEX_REPO=$(dirname "$scripts_dir")"
  [[ "$job_state" == COMPLETED && "$job_exit" == 0:0 ]] ||
    Fail "ssb-demo: job ended $job_state $job_exit, expected COMPLETED 0:0"
  [[ $(grep -c '^COPY [0-9]' "$job_out") -eq 5 ]] || Fail "ssb-demo: expected 5 COPY results"
  # Each query: its label (SHOW query: a one-row table), then its own result "(N rows)".
  answered=$(awk '/^ ssb q[0-9.]+$/ { q = 1; k = 0 }
    /^\([0-9]+ rows?\)$/ && q && ++k == 2 { n++; q = 0 } END { print n + 0 }' "$job_out")
  [[ "$answered" -eq 13 ]] || Fail "ssb-demo: $answered of the 13 SSB queries answered"
  ! grep -q '^ERROR' "$job_out" || Fail "ssb-demo: the job printed an error"
fi

if ((failures > 0)); then
  PrivateSlurmDumpLogs
  echo "FAILED: $failures check(s), after $((SECONDS - start)) s"
  exit 1
fi
echo "PASSED: all Slurm jobs ended as expected, in $((SECONDS - start)) s (before clean-up)"
exit 0
