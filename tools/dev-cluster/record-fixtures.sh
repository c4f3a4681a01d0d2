#!/usr/bin/env bash
# record-fixtures.sh - record what the dev cluster's Slurm commands and PBS/Torque wrappers print,
# as test fixtures for the parsers of @parsl-ts/provider-slurm and @parsl-ts/provider-pbs.
#
#   bash tools/dev-cluster/record-fixtures.sh            # writes both plugins' test/fixtures/recorded
#
# Needs the cluster up (bash tools/dev-cluster/up.sh) and idle; takes about 2 minutes (one job
# must reach its 1-minute walltime). Each recording NAME is four files: NAME.cmd (the command line),
# NAME.out (stdout), NAME.err (stderr), NAME.rc (exit status). Job ids differ from run to run; the
# tests read them from the files, never hard-code them.
set -uo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
SLURM_OUT="$ROOT/plugins/provider-slurm/test/fixtures/recorded"
PBS_OUT="$ROOT/plugins/provider-pbs/test/fixtures/recorded"
mkdir -p "$SLURM_OUT" "$PBS_OUT"
W=$(mktemp -d /tmp/parsl-fixtures.XXXXXX)
cd "$W" || exit 1
log() { printf '[record-fixtures] %s\n' "$*"; }

# rec DIR NAME CMD... : run CMD, keep its outputs
rec() {
  local dir=$1 name=$2; shift 2
  printf '%s\n' "$*" > "$dir/$name.cmd"
  "$@" > "$dir/$name.out" 2> "$dir/$name.err"
  echo $? > "$dir/$name.rc"
}
state() { squeue -h -t all -j "$1" -o %T 2>/dev/null | head -n1; }
wait_state() { # JOBID REGEX SECONDS
  local t=$(( $3 * 10 ))
  for _ in $(seq 1 "$t"); do [[ "$(state "$1")" =~ ^($2)$ ]] && return 0; sleep 0.1; done
  log "job $1 is $(state "$1"), wanted $2"; return 1
}
FORMAT='JobID:|,StateCompact:|,State:|,Reason:|,exit_code:|'
NODES=$(sinfo -h -N -p debug -o %N | sort -u | grep -c .)

log "workdir $W, $NODES nodes"
# ---- Slurm: sbatch
rec "$SLURM_OUT" sbatch-ok sbatch --parsable -J fx-ok -o /dev/null --wrap 'sleep 2'
rec "$SLURM_OUT" sbatch-bad-partition sbatch --parsable -p nosuch --wrap true
rec "$SLURM_OUT" sbatch-too-many-nodes sbatch --parsable -N $((NODES + 5)) --wrap true
rec "$SLURM_OUT" sbatch-bad-constraint sbatch --parsable -C nosuchfeature --wrap true
rec "$SLURM_OUT" sbatch-too-much-memory sbatch --parsable --mem=999999 --wrap true
rec "$SLURM_OUT" sbatch-warning sbatch --parsable -N2 -n1 -o /dev/null --wrap true

# ---- Slurm: one of every state we can produce
TO=$(sbatch --parsable -J fx-timeout -t 1 -o /dev/null --wrap 'sleep 300')
OK=$(sbatch --parsable -J fx-done -o /dev/null --wrap 'true')
FAIL=$(sbatch --parsable -J fx-fail -o /dev/null --wrap 'exit 3')
KILLED=$(sbatch --parsable -J fx-signal -o /dev/null --wrap 'kill -9 $$')
CAN=$(sbatch --parsable -J fx-cancel -o /dev/null --wrap 'sleep 300')
HELD=$(sbatch --parsable -J fx-held -H -o /dev/null --wrap 'true')
wait_state "$CAN" RUNNING 10
scancel "$CAN"
FILL=()
for i in $(seq 1 "$NODES"); do FILL+=("$(sbatch --parsable --exclusive -N1 -J fx-fill$i -o /dev/null --wrap 'sleep 300')"); done
WAITING=$(sbatch --parsable -J fx-waiting -N1 --exclusive -o /dev/null --wrap 'true')
wait_state "$FAIL" FAILED 10; wait_state "$OK" COMPLETED 10; wait_state "$CAN" CANCELLED 10
wait_state "${FILL[0]}" RUNNING 10; sleep 2
ALL="$TO,$OK,$FAIL,$KILLED,$CAN,$HELD,${FILL[0]},$WAITING"
rec "$SLURM_OUT" squeue-states squeue --noheader --states=all --jobs="$ALL,999999" --Format="$FORMAT"
rec "$SLURM_OUT" squeue-active-only squeue --noheader --jobs="$ALL" --Format="$FORMAT"
rec "$SLURM_OUT" squeue-unknown-id squeue --noheader --states=all --jobs=999999 --Format="$FORMAT"
rec "$SLURM_OUT" squeue-default squeue
for j in OK FAIL KILLED CAN HELD WAITING; do
  rec "$SLURM_OUT" "scontrol-$(echo $j | tr A-Z a-z)" scontrol --oneliner show job "${!j}"
done
rec "$SLURM_OUT" scontrol-multiline scontrol show job "$FAIL"
rec "$SLURM_OUT" scontrol-unknown scontrol --oneliner show job 999999
rec "$SLURM_OUT" scancel-finished scancel "$OK" 999999
scancel "${FILL[@]}" "$WAITING" "$HELD"

# ---- PBS/Torque wrappers
printf '#!/bin/bash\n#PBS -l nodes=1:ppn=1\n#PBS -l walltime=00:05:00\nsleep 300\n' > long.pbs
printf '#!/bin/bash\n#PBS -l select=1:ncpus=1\ntrue\n' > short.pbs
printf '#!/bin/bash\nexit 3\n' > fail.pbs
rec "$PBS_OUT" qsub-ok qsub -N fx-run -o "$W/run.out" -e "$W/run.err" long.pbs
RUN=$(cat "$PBS_OUT/qsub-ok.out")
rec "$PBS_OUT" qsub-bad-queue qsub -N fx-badq -q nosuchqueue -o "$W/x.out" -e "$W/x.err" short.pbs
rec "$PBS_OUT" qsub-held qsub -h -N fx-hold -o "$W/h.out" -e "$W/h.err" short.pbs
HOLD=$(cat "$PBS_OUT/qsub-held.out")
DONE=$(qsub -N fx-done -o "$W/d.out" -e "$W/d.err" short.pbs)
FAILED=$(qsub -N fx-failed -o "$W/f.out" -e "$W/f.err" fail.pbs)
wait_state "$RUN" RUNNING 10; wait_state "$DONE" COMPLETED 10; wait_state "$FAILED" FAILED 10
rec "$PBS_OUT" qstat-f qstat -f "$RUN" "$HOLD" "$DONE" "$FAILED" 999999
rec "$PBS_OUT" qstat-plain qstat "$RUN" "$HOLD" "$DONE" "$FAILED"
rec "$PBS_OUT" qstat-unknown qstat -f 999999
rec "$PBS_OUT" qstat-json qstat -f -F json -x "$RUN"
rec "$PBS_OUT" qstat-history qstat -f -x "$RUN"
rec "$PBS_OUT" qdel-running qdel "$RUN" "$HOLD"
rec "$PBS_OUT" qdel-finished qdel "$DONE" 999999

# ---- the timeout (walltime 1 minute; slurmctld checks limits every 30 s)
log "waiting for job $TO to reach its walltime (up to 120 s)"
wait_state "$TO" TIMEOUT 120
rec "$SLURM_OUT" squeue-timeout squeue --noheader --states=all --jobs="$TO" --Format="$FORMAT"
rec "$SLURM_OUT" scontrol-timeout scontrol --oneliner show job "$TO"
cd / && rm -rf "$W"
log "done: $SLURM_OUT $PBS_OUT"
