# shellcheck shell=bash
# A private single-node Slurm cluster on 127.0.0.1, for tests. Sourced by bash drivers
# (tests/slurm/sbatch_scripts_test.sh); not executable on its own.
#
# Everything lives under one temporary folder: its own munge key and munged socket, its own
# slurm.conf (SLURM_CONF, never /etc/slurm), state, spool, logs, pid files, TmpFS, and two free
# TCP ports. Nothing is started by systemd; each daemon daemonizes and writes its pid file, and
# PrivateSlurmStop stops exactly those pids (after cancelling the cluster's own jobs), so a
# system Slurm or another test's cluster on the same machine is never touched.
#
#   PrivateSlurmMissing          prints the Slurm/munge programs that are not installed
#   PrivateSlurmStart DIR        creates DIR/..., starts munged, slurmctld and slurmd, waits
#                                (bounded) until the node is idle; exports SLURM_CONF. Returns
#                                non-zero (after printing the daemons' logs) if the cluster did
#                                not come up. The folders above DIR must be searchable by all
#                                (munged demands it of its socket's path).
#   PrivateSlurmStop             cancels its jobs, stops its daemons, kills leftovers of its jobs.
#                                Idempotent; safe to call from an EXIT trap at any stage.
#   PrivateSlurmDumpLogs         prints the daemons' logs (for a failing test).
#
# The verified recipe (versions, pitfalls) is in /work/shared/platform-notes.md, "Slurm on one
# machine, without systemd". Works as root and as an ordinary user: every daemon runs as the
# caller (SlurmUser = SlurmdUser = caller), who is then the only user that can run jobs.

PRIVATE_SLURM_DIR=""
PRIVATE_SLURM_PROGRAMS=(munged slurmctld slurmd sbatch srun scontrol squeue sinfo scancel)

PrivateSlurmMissing() {
  local prog missing=()
  for prog in "${PRIVATE_SLURM_PROGRAMS[@]}"; do
    command -v "$prog" >/dev/null 2>&1 || [[ -x /usr/sbin/$prog ]] || missing+=("$prog")
  done
  echo "${missing[*]}"
}

_PrivateSlurmProgram() {
  command -v "$1" 2>/dev/null || echo "/usr/sbin/$1"
}

# A TCP port below the ephemeral range that nothing on this machine has bound or connected.
_PrivateSlurmFreePort() {
  local port hex
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 12000))
    hex=$(printf ':%04X ' "$port")
    if ! grep -qi -- "$hex" /proc/net/tcp /proc/net/tcp6 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

# Waits (bounded) until `kill -0 PID` fails. Returns non-zero if the process outlived SECONDS.
_PrivateSlurmWaitGone() {
  local pid=$1 seconds=$2 deadline
  deadline=$((SECONDS + seconds))
  while kill -0 "$pid" 2>/dev/null; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

# Prints the pid in pid file FILE if that pid still runs program NAME (else it is gone, and the
# number may since belong to something else: leave it alone).
_PrivateSlurmDaemonPid() {
  local file=$1 name=$2 pid
  [[ -s "$file" ]] || return 0
  pid=$(<"$file")
  [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == "$name" ]] && echo "$pid"
  return 0
}

# Sends SIGTERM to PIDS, waits (bounded) for each, then SIGKILL for any that stayed.
_PrivateSlurmTerminate() {
  local pid
  [[ $# -gt 0 ]] || return 0
  kill -TERM "$@" 2>/dev/null || true
  for pid in "$@"; do
    if ! _PrivateSlurmWaitGone "$pid" 15; then
      echo "private-slurm: pid $pid ignored SIGTERM for 15 s, sending SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
      _PrivateSlurmWaitGone "$pid" 5 || echo "private-slurm: pid $pid survived SIGKILL" >&2
    fi
  done
}

# Processes of this cluster's jobs: every job process inherits SLURM_CONF pointing into our
# folder (the batch script, srun, mpirun, the ranks); slurmstepd runs in our log folder. The
# driver and its own children inherit SLURM_CONF too but share its session; job processes run in
# sessions of their own under slurmstepd.
_PrivateSlurmJobPids() {
  local own_session path pid
  own_session=$(_PrivateSlurmSession $$)
  {
    grep -lsF "SLURM_CONF=$PRIVATE_SLURM_DIR/" /proc/[0-9]*/environ
    find /proc/[0-9]*/cwd -maxdepth 0 -lname "$PRIVATE_SLURM_DIR/*" 2>/dev/null
  } | while read -r path; do
    pid=${path#/proc/}
    pid=${pid%%/*}
    [[ "$(_PrivateSlurmSession "$pid")" == "$own_session" ]] || echo "$pid"
  done | sort -un
}

# The session id of PID, from /proc/PID/stat (the 4th field after the parenthesised command).
_PrivateSlurmSession() {
  local stat fields
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  read -r -a fields <<<"${stat##*) }"
  echo "${fields[3]}"
}

_PrivateSlurmWriteConf() {
  local dir=$1 ctld_port=$2 d_port=$3 node_line host memory
  # slurmd -C prints this node as Slurm sees it: NodeName=<host> CPUs=.. Boards=.. ... RealMemory=..
  node_line=$("$(_PrivateSlurmProgram slurmd)" -C | head -n 1)
  host=$(sed -n 's/^NodeName=\([^ ]*\).*/\1/p' <<<"$node_line")
  memory=$(sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' <<<"$node_line")
  [[ -n "$host" && -n "$memory" ]] || { echo "private-slurm: cannot parse 'slurmd -C': $node_line" >&2; return 1; }
  node_line=${node_line/RealMemory=$memory/RealMemory=$((memory * 9 / 10))}
  cat >"$dir/etc/slurm.conf" <<CONF
# Private single-node cluster written by tests/slurm/private_slurm.sh. Not /etc/slurm.
ClusterName=ibextest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$d_port
SlurmUser=$(id -un)
SlurmdUser=$(id -un)
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
PlugStackConfig=$dir/etc/plugstack.conf
TmpFS=$dir/tmp
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/affinity
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=pmix
SlurmdParameters=config_overrides
ReturnToService=2
# Finished jobs stay visible to 'scontrol show job' long enough for the test to read them.
MinJobAge=600
SchedulerParameters=batch_sched_delay=0
# Cancelled jobs get SIGKILL 5 s after SIGTERM (default 30 s).
KillWait=5
# Distinct job ids per cluster keep PMIx's per-job temporary names apart.
FirstJobId=$((1000 + RANDOM % 30000))
$node_line NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES OverSubscribe=YES State=UP
CONF
}

PrivateSlurmStart() {
  local dir=$1 ctld_port d_port deadline state
  PRIVATE_SLURM_DIR=$dir
  mkdir -p "$dir"/{etc,munge,state,spool,log,run,tmp}
  # munged insists that every folder above its socket is searchable by all.
  chmod 755 "$dir" "$dir/munge"
  : >"$dir/etc/plugstack.conf"

  # Clients inside and outside the cluster must not see an outer allocation's variables.
  local var
  for var in $(compgen -e); do
    case "$var" in SLURM_* | SBATCH_* | SALLOC_* | SRUN_*) unset "$var" ;; esac
  done

  if command -v mungekey >/dev/null 2>&1; then
    mungekey --create --keyfile="$dir/munge/munge.key" || return 1
  else
    (umask 077 && dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 status=none) || return 1
  fi
  chmod 600 "$dir/munge/munge.key"
  "$(_PrivateSlurmProgram munged)" --socket="$dir/munge/munge.socket" \
    --key-file="$dir/munge/munge.key" --log-file="$dir/log/munged.log" \
    --pid-file="$dir/run/munged.pid" --seed-file="$dir/munge/munged.seed" || {
    echo "private-slurm: munged did not start" >&2
    PrivateSlurmDumpLogs
    return 1
  }

  if ! ctld_port=$(_PrivateSlurmFreePort) || ! d_port=$(_PrivateSlurmFreePort); then
    echo "private-slurm: no free TCP port found" >&2
    return 1
  fi
  while [[ "$d_port" == "$ctld_port" ]]; do d_port=$(_PrivateSlurmFreePort); done
  _PrivateSlurmWriteConf "$dir" "$ctld_port" "$d_port" || return 1
  export SLURM_CONF=$dir/etc/slurm.conf
  echo "private-slurm: $dir (slurmctld port $ctld_port, slurmd port $d_port)"

  # -i: start from the empty state folder without complaining about missing state files.
  if ! "$(_PrivateSlurmProgram slurmctld)" -i -f "$SLURM_CONF" ||
    ! "$(_PrivateSlurmProgram slurmd)" -f "$SLURM_CONF"; then
    echo "private-slurm: a Slurm daemon did not start" >&2
    PrivateSlurmDumpLogs
    return 1
  fi

  # Both daemons daemonize before they bind their ports; the node reads "idle" once slurmctld
  # answers and slurmd has registered.
  deadline=$((SECONDS + 30))
  until state=$(timeout 5 sinfo -h -o %T 2>/dev/null) && [[ "$state" == "idle" ]]; do
    local daemon
    for daemon in slurmctld slurmd; do
      # A daemon that wrote its pid file and is gone has died (e.g. its port was taken).
      if [[ -s "$dir/run/$daemon.pid" && -z "$(_PrivateSlurmDaemonPid "$dir/run/$daemon.pid" "$daemon")" ]]; then
        echo "private-slurm: $daemon exited during start-up" >&2
        PrivateSlurmDumpLogs
        return 1
      fi
    done
    if ((SECONDS >= deadline)); then
      echo "private-slurm: node not idle after 30 s (sinfo says '${state}')" >&2
      PrivateSlurmDumpLogs
      return 1
    fi
    sleep 0.2
  done
}

PrivateSlurmStop() {
  local dir=$PRIVATE_SLURM_DIR pid leftovers
  [[ -n "$dir" && -d "$dir" ]] || return 0
  if [[ -s "$dir/run/slurmctld.pid" ]]; then
    # Cancel the cluster's jobs and let slurmd finish them (KillWait=5): slurmd ignores SIGTERM
    # while it is still ending job steps.
    timeout 10 scancel --quiet --user="$(id -un)" 2>/dev/null || true
    local deadline=$((SECONDS + 20))
    while [[ -n "$(timeout 5 squeue -h -o %i 2>/dev/null)" ]] && ((SECONDS < deadline)); do
      sleep 0.2
    done
  fi
  # shellcheck disable=SC2046  # the pid lists are meant to split
  _PrivateSlurmTerminate $(_PrivateSlurmDaemonPid "$dir/run/slurmd.pid" slurmd) \
    $(_PrivateSlurmDaemonPid "$dir/run/slurmctld.pid" slurmctld) \
    $(_PrivateSlurmDaemonPid "$dir/run/munged.pid" munged)
  # A job cut short by a timeout can outlive the daemons (slurmstepd runs on its own).
  leftovers=$(_PrivateSlurmJobPids)
  if [[ -n "$leftovers" ]]; then
    echo "private-slurm: killing leftover job processes: ${leftovers//$'\n'/ }" >&2
    # shellcheck disable=SC2086
    kill -KILL $leftovers 2>/dev/null || true
  fi
  PRIVATE_SLURM_DIR=""
}

PrivateSlurmDumpLogs() {
  local log
  for log in "$PRIVATE_SLURM_DIR"/log/*.log; do
    [[ -f "$log" ]] || continue
    echo "----- $log (last 40 lines) -----"
    tail -n 40 "$log"
  done
}
