#!/usr/bin/env bash
# selftest.sh - exercise a cluster brought up by up.sh:
# sbatch/squeue/scancel/sinfo/scontrol/srun/salloc/sacct and qsub/qstat/qdel.
# Prints sample outputs and ends with "N passed, N failed". Exit 0 iff all pass.
#   SELFTEST_VERBOSE=1  print the raw command outputs (used to build README samples)
#   SELFTEST_SLOW=1     also test a walltime TIMEOUT (takes ~70 s)
set -uo pipefail

V="${SELFTEST_VERBOSE:-0}"
PASS=0; FAIL=0
W=$(mktemp -d /tmp/slurm-selftest.XXXXXX)
cd "$W" || exit 1
ok()   { PASS=$((PASS+1)); echo "ok   - $*"; }
bad()  { FAIL=$((FAIL+1)); echo "FAIL - $*"; }
show() { [ "$V" = 1 ] && { echo "\$ $*"; "$@" 2>&1 | sed 's/^/    /'; } || true; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# state JOBID -> slurm long state (works for finished jobs within MinJobAge)
state() { squeue -h -t all -j "$1" -o %T 2>/dev/null | head -n1; }
# wait_state JOBID REGEX SECONDS
wait_state() {
  local j=$1 re=$2 t=$(( $3 * 20 )) s
  for _ in $(seq 1 "$t"); do s=$(state "$j"); [[ "$s" =~ ^($re)$ ]] && return 0; sleep 0.05; done
  echo "   (job $j state '$(state "$j")', wanted $re)"; return 1
}

NODES=$(sinfo -h -N -p debug -o %N | sort -u | grep -c .)
echo "# workdir $W, $NODES node(s)"
show sinfo
show sinfo -N -o '%N %P %t %c %m'
scontrol ping | grep -q 'is UP' && ok "scontrol ping: controller UP" || bad "scontrol ping"
[ "$(sinfo -h -o %t -p debug | sort -u)" = idle ] && ok "sinfo: all nodes idle" || bad "sinfo: nodes not all idle: $(sinfo -h -o '%t %N')"

# ---- sbatch: file + sleep, PD/R seen, completes
cat > job.sh <<'EOF'
#!/bin/bash
#SBATCH -J selftest-job
#SBATCH -o job-%j.out
echo "started $SLURM_JOB_ID on $SLURMD_NODENAME" > marker-$SLURM_JOB_ID
sleep 3
echo done
EOF
T0=$(now_ms)
J=$(sbatch --parsable job.sh); rc=$?
[ $rc = 0 ] && [[ "$J" =~ ^[0-9]+$ ]] && ok "sbatch --parsable -> '$J'" || bad "sbatch rc=$rc out='$J'"
s=$(state "$J"); [[ "$s" =~ ^(PENDING|RUNNING)$ ]] && ok "squeue right after submit: $s" || bad "squeue after submit: '$s'"
show squeue
show squeue -h -j "$J" -o '%i %t'
wait_state "$J" RUNNING 10 && ok "job $J RUNNING after $(( $(now_ms) - T0 )) ms" || bad "job $J never RUNNING"
show squeue -o '%i|%P|%j|%u|%t|%T|%M|%l|%D|%C|%R'
show squeue -h -j "$J" -o '%i %t'
wait_state "$J" COMPLETED 15 && ok "job $J COMPLETED after $(( $(now_ms) - T0 )) ms" || bad "job $J not COMPLETED"
[ -s "marker-$J" ] && grep -q done "job-$J.out" && ok "job wrote marker + stdout" || bad "job outputs missing"
out=$(squeue -h -j "$J" -o '%i %t'); rc=$?
[ $rc = 0 ] && [ -z "$out" ] && ok "squeue -j <finished> -> rc=0, empty (finished jobs need -t all)" || bad "squeue -j finished: rc=$rc out='$out'"
show squeue -t all -h -j "$J" -o '%i %t %T %r'
scontrol show job "$J" | grep -q 'JobState=COMPLETED.*' && scontrol show job "$J" | grep -q 'ExitCode=0:0' && ok "scontrol show job: COMPLETED ExitCode=0:0" || bad "scontrol show job"
show scontrol show job "$J"
show scontrol show job -o "$J"
squeue -j 999999 >/dev/null 2>err.txt; rc=$?
[ $rc = 1 ] && grep -q 'Invalid job id' err.txt && ok "squeue -j <unknown> -> rc=1 'Invalid job id specified'" || bad "squeue unknown rc=$rc $(cat err.txt)"
sacct -X >/dev/null 2>err.txt; rc=$?
[ $rc != 0 ] && ok "sacct unavailable (rc=$rc: $(head -n1 err.txt))" || bad "sacct unexpectedly works"

# ---- scancel
J=$(sbatch --parsable -o /dev/null --wrap 'sleep 300')
wait_state "$J" RUNNING 10 || true
scancel "$J"; rc=$?
wait_state "$J" CANCELLED 10 && ok "scancel $J (rc=$rc) -> CANCELLED" || bad "scancel"
ec=$(scontrol show job "$J" | grep -oE 'ExitCode=[^ ]+'); [ -n "$ec" ] && ok "cancelled job $ec (varies run to run: 0:15, 0:9 or 1:0 - rely on state, not exit code)" || bad "no ExitCode"
scancel 999999 2>err.txt; rc=$?; ok "scancel <unknown> -> rc=$rc: $(head -n1 err.txt)"

# ---- failed job
J=$(sbatch --parsable -o /dev/null --wrap 'exit 3')
wait_state "$J" FAILED 10 && scontrol show job "$J" | grep -q 'ExitCode=3:0' && ok "exit 3 -> FAILED ExitCode=3:0" || bad "failed job"

# ---- pending because cluster is full
IDS=()
for i in $(seq 1 $((NODES+1))); do IDS+=("$(sbatch --parsable --exclusive -N1 -o /dev/null -J fill$i --wrap 'sleep 60')"); done
LAST=${IDS[-1]}
wait_state "${IDS[0]}" RUNNING 10 || true; sleep 1.2
s=$(squeue -h -j "$LAST" -o '%t %r')
[[ "$s" == "PD "* ]] && ok "job beyond capacity is pending: '$s'" || bad "expected PD, got '$s'"
show squeue
show qstat
show qstat -a
show qstat -n -1
show qstat -f "$LAST"
scancel "${IDS[@]}"
for j in "${IDS[@]}"; do wait_state "$j" CANCELLED 15 >/dev/null || true; done

# ---- srun inside sbatch on 2 nodes, and salloc
if [ "$NODES" -ge 2 ]; then
  J=$(sbatch --parsable -N2 -n2 -o srun-%j.out --wrap 'srun bash -c "echo task \$SLURM_PROCID on \$SLURMD_NODENAME host \$(hostname)"')
  wait_state "$J" COMPLETED 15 || true
  [ "$(grep -c '^task' "srun-$J.out")" = 2 ] && [ "$(awk '{print $4}' "srun-$J.out" | sort -u | grep -c .)" = 2 ] \
    && ok "srun inside sbatch -N2: 2 tasks on 2 distinct nodes" || bad "srun in sbatch: $(cat "srun-$J.out")"
  [ "$V" = 1 ] && sed 's/^/    /' "srun-$J.out"
  out=$(salloc -N2 -n2 srun bash -c 'echo $SLURMD_NODENAME' 2>salloc.err); rc=$?
  [ $rc = 0 ] && [ "$(echo "$out" | sort -u | grep -c node)" = 2 ] && ok "salloc -N2 srun: $(echo $out)" || bad "salloc rc=$rc $out $(cat salloc.err)"
  [ "$V" = 1 ] && sed 's/^/    (stderr) /' salloc.err
fi
out=$(srun -N1 -n2 hostname); [ "$(echo "$out" | grep -c .)" = 2 ] && ok "srun -N1 -n2 hostname" || bad "srun -N1 -n2: $out"

# ---- PBS / Torque wrappers
cat > pbs.sh <<'EOF'
#!/bin/bash
#PBS -l nodes=1:ppn=1,walltime=00:01:00
#PBS -N pbsname
echo "PBS_JOBID=$PBS_JOBID PBS_JOBNAME=$PBS_JOBNAME PBS_O_WORKDIR=$PBS_O_WORKDIR PBS_NODEFILE=${PBS_NODEFILE:-unset}"
echo to-stderr >&2
sleep 2
EOF
show qsub --sbatchline -N pbsname -o "$W/pbs.out" -e "$W/pbs.err" -l nodes=1:ppn=1,walltime=00:01:00 pbs.sh
Q=$(qsub -N pbsname -o "$W/pbs.out" -e "$W/pbs.err" -l nodes=1:ppn=1,walltime=00:01:00 pbs.sh); rc=$?
[ $rc = 0 ] && [[ "$Q" =~ ^[0-9]+$ ]] && ok "qsub -> '$Q' (bare number, no .server suffix)" || bad "qsub rc=$rc '$Q'"
st=$(qstat "$Q" | awk -v j="$Q" '$1==j{print $5}')
[[ "$st" =~ ^[QR]$ ]] && ok "qstat right after qsub: $st" || bad "qstat after qsub: '$st'"
show qstat "$Q"
wait_state "$Q" RUNNING 10 || true
show qstat -f "$Q"
wait_state "$Q" COMPLETED 15 && ok "qsub job completed" || bad "qsub job not completed"
st=$(qstat "$Q" | awk -v j="$Q" '$1==j{print $5}'); [ "$st" = C ] && ok "qstat finished job: C" || bad "qstat finished: '$st'"
show qstat "$Q"
show qstat -f "$Q"
grep -q "PBS_JOBID=$Q " pbs.out && grep -q to-stderr pbs.err && ok "qsub -o/-e honoured, PBS_* env set: $(head -n1 pbs.out)" || bad "qsub outputs: $(cat pbs.out pbs.err 2>&1)"
scontrol show job "$Q" | grep -q 'TimeLimit=00:01:00' && ok "walltime=00:01:00 -> TimeLimit=00:01:00" || bad "walltime not applied"
# #PBS -o/-e inside the script are overridden by qsub's own default -o/-e
cat > pbs2.sh <<'EOF'
#!/bin/bash
#PBS -N inscript
#PBS -o /tmp/never-written.out
echo hi
EOF
Q2=$(qsub pbs2.sh); wait_state "$Q2" COMPLETED 15 || true
[ -s "pbs2.sh.o$Q2" ] && [ -e "pbs2.sh.e$Q2" ] && ok "qsub without -o: output in ./pbs2.sh.o$Q2 (#PBS -o ignored)" || bad "qsub default output names: $(ls)"
[ "$(squeue -h -t all -j "$Q2" -o %j)" = inscript ] && ok "#PBS -N in script honoured (via sbatch's #PBS parsing)" || bad "#PBS -N"
# qdel
Q3=$(qsub -b y -o /dev/null -e /dev/null -l walltime=00:05:00 sleep 300)   # -b y = sbatch --wrap
wait_state "$Q3" RUNNING 10 || true
qdel "$Q3"; rc=$?
wait_state "$Q3" CANCELLED 10 && ok "qdel $Q3 (rc=$rc) -> CANCELLED; qstat shows $(qstat "$Q3" | awk -v j="$Q3" '$1==j{print $5}')" || bad "qdel"
qstat 999999 >out.txt 2>&1; rc=$?
[ $rc = 153 ] && ok "qstat <unknown> -> rc=153, output '$(cat out.txt)'" || bad "qstat unknown rc=$rc"
qdel 999999 >out.txt 2>&1; rc=$?; ok "qdel <unknown> -> rc=$rc: $(head -n1 out.txt)"
qstat -x >/dev/null 2>&1; rc=$?; [ $rc != 0 ] && ok "qstat -x unsupported (rc=$rc)" || bad "qstat -x works?"
out=$(qsub -N bad -q nosuchqueue pbs.sh 2>/dev/null); rc=$?
[ $rc != 0 ] && [[ "$out" == "There was an error"* ]] && ok "qsub error -> rc=$rc, message on STDOUT: $(echo "$out" | head -n1)" || bad "qsub bad queue rc=$rc out=$out"
echo 'echo hi' | qsub >/dev/null 2>&1; rc=$?; [ $rc != 0 ] && ok "qsub reading script from stdin unsupported (rc=$rc)" || bad "qsub stdin works?"
show qstat -Q
show qstat -q
show pbsnodes -a

# ---- latency: submit -> start -> done, 5 trivial jobs
TOT=0
for i in 1 2 3 4 5; do
  T0=$(now_ms)
  J=$(sbatch --parsable -o /dev/null --wrap "date +%s%N > $W/lat-\$SLURM_JOB_ID")
  while [ ! -s "$W/lat-$J" ]; do sleep 0.02; done
  while [ "$(state "$J")" != COMPLETED ]; do sleep 0.02; done
  T1=$(now_ms); ST=$(( $(cat "$W/lat-$J") / 1000000 - T0 ))
  echo "   job $J: submit->start ${ST} ms, submit->COMPLETED(squeue) $((T1-T0)) ms"
  TOT=$((TOT + T1 - T0))
  sleep 0.3
done
ok "mean submit->COMPLETED latency $((TOT/5)) ms"

if [ "${SELFTEST_SLOW:-0}" = 1 ]; then
  J=$(sbatch --parsable -t 1 -o /dev/null --wrap 'sleep 600')
  wait_state "$J" TIMEOUT 100 && ok "walltime exceeded -> TIMEOUT ($(scontrol show job "$J" | grep -o 'ExitCode=[^ ]*'), qstat $(qstat "$J" | awk -v j="$J" '$1==j{print $5}'))" || bad "timeout"
  show squeue -t all -h -j "$J" -o '%i %t %T %r'
fi

cd /; rm -rf "$W"
echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
