#!/usr/bin/env bash
# down.sh - stop the local Slurm cluster started by up.sh.
#
# Cancels all jobs, waits for them to finish, stops every slurmd and slurmctld
# (by the pids in their pidfiles), kills any leftover slurmstepd process trees,
# and stops munged if up.sh started it. Idempotent: if nothing is
# running it just says so and exits 0. Packages, config and logs are kept.
#
#   SLURM_LOCAL_KEEP_MUNGE=1   leave munged running
#   SLURM_LOCAL_JOB_WAIT=20    seconds to wait for cancelled jobs to finish
#
# Exit status: 0 = everything stopped; 1 = something could not be stopped.
set -euo pipefail

RUN_DIR=/run/slurm-local
KEEP_MUNGE="${SLURM_LOCAL_KEEP_MUNGE:-0}"
JOB_WAIT="${SLURM_LOCAL_JOB_WAIT:-20}"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
secs_since() { local d=$(( $(now_ms) - $1 )); printf '%d.%02d' $((d/1000)) $(((d%1000)/10)); }
T_START=$(now_ms)
log()  { printf '[dev-cluster down %6ss] %s\n' "$(secs_since "$T_START")" "$*"; }
die()  { printf '[dev-cluster down] ERROR: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root"
mkdir -p "$RUN_DIR"
if [ "${SLURM_LOCAL_LOCK_HELD:-0}" != 1 ]; then
  exec 9>"$RUN_DIR/lock"
  flock -w 300 9 || die "could not take lock $RUN_DIR/lock within 300s"
fi

# pid_of PIDFILE COMM -> prints pid if it is a live (non-zombie) process named COMM
pid_of() {
  local pf=$1 comm=$2 pid st
  [ -s "$pf" ] || return 1
  pid=$(tr -dc '0-9' < "$pf")
  [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 1
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$comm" ] || return 1
  st=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
  [ "$st" != "Z" ] && [ "$st" != "X" ] || return 1
  echo "$pid"
}
alive() { [ -r "/proc/$1/stat" ] && ! awk '{exit !($3=="Z"||$3=="X")}' "/proc/$1/stat" 2>/dev/null; }

# stop_pids SIGNAL_WAIT_SECS PID... : SIGTERM, wait, then SIGKILL survivors
stop_pids() {
  local wait_s=$1; shift
  local p left
  [ $# -gt 0 ] || return 0
  kill -TERM "$@" 2>/dev/null || true
  for _ in $(seq 1 $((wait_s*10))); do
    left=(); for p in "$@"; do alive "$p" && left+=("$p"); done
    [ ${#left[@]} = 0 ] && return 0
    sleep 0.1
  done
  log "SIGKILL to ${left[*]}"
  kill -KILL "${left[@]}" 2>/dev/null || true
  sleep 0.3
}

# descendants PID -> all descendant pids (depth first, children before parent not guaranteed)
descendants() {
  local c
  for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do echo "$c"; descendants "$c"; done
}

# slurmstepd processes (one per running job step); they outlive slurmd by design
stepd_pids() {
  local d pid exe
  for d in /proc/[0-9]*; do
    pid=${d#/proc/}
    [ "$(cat "$d/comm" 2>/dev/null)" = slurmstepd ] || continue
    exe=$(readlink "$d/exe" 2>/dev/null || true)
    case "$exe" in /usr/sbin/slurmstepd*|*/slurmstepd*) alive "$pid" && echo "$pid" ;; esac
  done
}

CTLD_PID=$(pid_of "$RUN_DIR/slurmctld.pid" slurmctld || true)
SLURMD_PIDS=()
for pf in "$RUN_DIR"/slurmd-*.pid; do
  [ -e "$pf" ] || continue
  n=${pf##*/slurmd-}; n=${n%.pid}
  p=$(pid_of "$pf" slurmd || true)
  [ -n "$p" ] && SLURMD_PIDS+=("$p") && log "slurmd $n running (pid $p)"
done
MUNGE_PID=""
if [ -e "$RUN_DIR/munged.started-by-us" ] && [ "$KEEP_MUNGE" != 1 ]; then
  MUNGE_PID=$(pid_of /run/munge/munged.pid munged || true)
fi
STEPDS=$(stepd_pids | tr '\n' ' ')

if [ -z "$CTLD_PID" ] && [ ${#SLURMD_PIDS[@]} = 0 ] && [ -z "$MUNGE_PID" ] && [ -z "${STEPDS// /}" ]; then
  rm -f "$RUN_DIR"/slurmd-*.pid "$RUN_DIR/slurmctld.pid" "$RUN_DIR/env"
  [ "$KEEP_MUNGE" = 1 ] || rm -f "$RUN_DIR/munged.started-by-us"
  log "already down: no slurmctld/slurmd/slurmstepd/munged of ours running"
  exit 0
fi

# 1. cancel all jobs while the controller is still there, and wait for them to end
if [ -n "$CTLD_PID" ]; then
  JOBS=$(timeout 10 squeue -h -o %A 2>/dev/null | sort -u | tr '\n' ' ' || true)
  if [ -n "${JOBS// /}" ]; then
    log "cancelling jobs: $JOBS"
    # shellcheck disable=SC2086
    timeout 10 scancel $JOBS 2>/dev/null || true
    for _ in $(seq 1 $((JOB_WAIT*10))); do
      [ -z "$(timeout 5 squeue -h -o %A 2>/dev/null)" ] && [ -z "$(stepd_pids)" ] && break
      sleep 0.1
    done
  fi
fi

# 2. slurmd's
if [ ${#SLURMD_PIDS[@]} -gt 0 ]; then
  log "stopping ${#SLURMD_PIDS[@]} slurmd: ${SLURMD_PIDS[*]}"
  stop_pids 10 "${SLURMD_PIDS[@]}"
fi
rm -f "$RUN_DIR"/slurmd-*.pid

# 3. leftover job steps (jobs that did not die on scancel, or controller already gone)
STEPDS=$(stepd_pids | tr '\n' ' ')
if [ -n "${STEPDS// /}" ]; then
  TREE=()
  for s in $STEPDS; do TREE+=("$s"); for d in $(descendants "$s"); do TREE+=("$d"); done; done
  log "killing leftover slurmstepd trees: ${TREE[*]}"
  stop_pids 2 "${TREE[@]}"
fi

# 4. slurmctld (its child slurmscriptd exits with it)
if [ -n "$CTLD_PID" ]; then
  KIDS=$(descendants "$CTLD_PID" | tr '\n' ' ')
  log "stopping slurmctld (pid $CTLD_PID)"
  # shellcheck disable=SC2086
  stop_pids 15 "$CTLD_PID" $KIDS
fi
rm -f "$RUN_DIR/slurmctld.pid"

# 5. munged, only if up.sh started it
if [ -n "$MUNGE_PID" ]; then
  log "stopping munged (pid $MUNGE_PID)"
  stop_pids 10 "$MUNGE_PID"
  rm -f /run/munge/munged.pid
fi
[ "$KEEP_MUNGE" = 1 ] || rm -f "$RUN_DIR/munged.started-by-us"
rm -f "$RUN_DIR/env"

# 6. verify
BAD=""
[ -n "$CTLD_PID" ] && alive "$CTLD_PID" && BAD+=" slurmctld:$CTLD_PID"
for p in "${SLURMD_PIDS[@]}"; do alive "$p" && BAD+=" slurmd:$p"; done
for p in $(stepd_pids); do BAD+=" slurmstepd:$p"; done
[ -n "$MUNGE_PID" ] && alive "$MUNGE_PID" && BAD+=" munged:$MUNGE_PID"
[ -z "$BAD" ] || die "still running after stop:$BAD"
log "DOWN. all daemons stopped"
