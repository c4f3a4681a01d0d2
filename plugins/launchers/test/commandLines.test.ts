// (a) The exact shell text each launcher generates, for every launcher and option combination.
// The command has quotes and a variable, so the expected text also shows how it is embedded.
import { describe, expect, it } from 'vitest';
import { ConfigError, type Launcher } from '@parsl-ts/core';
import * as launchers from '../src/index.js';

const CMD = `worker-pool --url 'ws://127.0.0.1:9000' --name "$HOSTNAME"`;

type LauncherName = 'SingleNodeLauncher' | 'SimpleLauncher' | 'SrunLauncher' | 'SrunMPILauncher' | 'MpiExecLauncher'
  | 'MpiRunLauncher' | 'AprunLauncher' | 'JsrunLauncher' | 'GnuParallelLauncher' | 'WrappedLauncher';

interface Case {
  launcher: LauncherName;
  options: Record<string, unknown>;
  tasksPerNode: number;
  nodesPerBlock: number;
  expected: string[];
}

function make(name: LauncherName, options: Record<string, unknown>): Launcher {
  const Class = launchers[name] as unknown as new (options: Record<string, unknown>) => Launcher;
  return new Class(options);
}

const cases: Case[] = [
  {
    launcher: 'SingleNodeLauncher', options: {}, tasksPerNode: 2, nodesPerBlock: 1,
    expected: [
      "export CORES=$(getconf _NPROCESSORS_ONLN)",
      "echo \"parsl-ts SingleNodeLauncher: $CORES core(s), starting 2 copies\"",
      "_parsl_cmd='export PARSL_LAUNCHER_RANK=\"$1\" PARSL_LAUNCHER_SIZE=2",
      "shift",
      "worker-pool --url '\\''ws://127.0.0.1:9000'\\'' --name \"$HOSTNAME\"'",
      "_parsl_pids=",
      "trap 'kill -TERM $_parsl_pids 2>/dev/null; exit 143' TERM INT HUP",
      "for _parsl_rank in $(seq 0 1); do",
      "  echo \"parsl-ts SingleNodeLauncher: starting copy $_parsl_rank\"",
      "  bash -c \"$_parsl_cmd\" parsl-launcher \"$_parsl_rank\" &",
      "  _parsl_pids=\"$_parsl_pids $!\"",
      "done",
      "_parsl_status=0",
      "_parsl_failed=0",
      "for _parsl_pid in $_parsl_pids; do",
      "  wait \"$_parsl_pid\" && _parsl_rc=0 || _parsl_rc=$?",
      "  if [ \"$_parsl_rc\" -ne 0 ]; then",
      "    _parsl_failed=$((_parsl_failed + 1))",
      "    [ \"$_parsl_status\" -ne 0 ] || _parsl_status=$_parsl_rc",
      "  fi",
      "done",
      "trap - TERM INT HUP",
      "echo \"parsl-ts SingleNodeLauncher: all copies done, $_parsl_failed of 2 failed\"",
      "(exit \"$_parsl_status\")",
    ],
  },
  {
    launcher: 'SingleNodeLauncher', options: { debug: false }, tasksPerNode: 1, nodesPerBlock: 1,
    expected: [
      "export CORES=$(getconf _NPROCESSORS_ONLN)",
      "_parsl_cmd='export PARSL_LAUNCHER_RANK=\"$1\" PARSL_LAUNCHER_SIZE=1",
      "shift",
      "worker-pool --url '\\''ws://127.0.0.1:9000'\\'' --name \"$HOSTNAME\"'",
      "_parsl_pids=",
      "trap 'kill -TERM $_parsl_pids 2>/dev/null; exit 143' TERM INT HUP",
      "for _parsl_rank in $(seq 0 0); do",
      "  bash -c \"$_parsl_cmd\" parsl-launcher \"$_parsl_rank\" &",
      "  _parsl_pids=\"$_parsl_pids $!\"",
      "done",
      "_parsl_status=0",
      "_parsl_failed=0",
      "for _parsl_pid in $_parsl_pids; do",
      "  wait \"$_parsl_pid\" && _parsl_rc=0 || _parsl_rc=$?",
      "  if [ \"$_parsl_rc\" -ne 0 ]; then",
      "    _parsl_failed=$((_parsl_failed + 1))",
      "    [ \"$_parsl_status\" -ne 0 ] || _parsl_status=$_parsl_rc",
      "  fi",
      "done",
      "trap - TERM INT HUP",
      "(exit \"$_parsl_status\")",
    ],
  },
  {
    launcher: 'SingleNodeLauncher', options: { debug: false, failOnAny: false }, tasksPerNode: 2, nodesPerBlock: 2,
    expected: [
      "export CORES=$(getconf _NPROCESSORS_ONLN)",
      "_parsl_cmd='export PARSL_LAUNCHER_RANK=\"$1\" PARSL_LAUNCHER_SIZE=4",
      "shift",
      "worker-pool --url '\\''ws://127.0.0.1:9000'\\'' --name \"$HOSTNAME\"'",
      "_parsl_pids=",
      "trap 'kill -TERM $_parsl_pids 2>/dev/null; exit 143' TERM INT HUP",
      "for _parsl_rank in $(seq 0 3); do",
      "  bash -c \"$_parsl_cmd\" parsl-launcher \"$_parsl_rank\" &",
      "  _parsl_pids=\"$_parsl_pids $!\"",
      "done",
      "_parsl_status=0",
      "_parsl_failed=0",
      "for _parsl_pid in $_parsl_pids; do",
      "  wait \"$_parsl_pid\" && _parsl_rc=0 || _parsl_rc=$?",
      "  if [ \"$_parsl_rc\" -ne 0 ]; then",
      "    _parsl_failed=$((_parsl_failed + 1))",
      "    [ \"$_parsl_status\" -ne 0 ] || _parsl_status=$_parsl_rc",
      "  fi",
      "done",
      "trap - TERM INT HUP",
      "[ \"$_parsl_failed\" -eq 4 ] || _parsl_status=0",
      "(exit \"$_parsl_status\")",
    ],
  },
  {
    launcher: 'SimpleLauncher', options: {}, tasksPerNode: 1, nodesPerBlock: 1,
    expected: [
      "worker-pool --url 'ws://127.0.0.1:9000' --name \"$HOSTNAME\"",
    ],
  },
  {
    launcher: 'SimpleLauncher', options: { debug: false }, tasksPerNode: 2, nodesPerBlock: 2,
    expected: [
      "echo 'parsl-ts SimpleLauncher: runs one copy of the command, but 2 task(s) per node on 2 node(s) were asked for: you may get fewer workers than expected' >&2",
      "worker-pool --url 'ws://127.0.0.1:9000' --name \"$HOSTNAME\"",
    ],
  },
  {
    launcher: 'SrunLauncher', options: {}, tasksPerNode: 2, nodesPerBlock: 3,
    expected: [
      "export CORES=${SLURM_CPUS_ON_NODE:-$(getconf _NPROCESSORS_ONLN)}",
      "export NODES=${SLURM_JOB_NUM_NODES:-1}",
      "echo \"parsl-ts SrunLauncher: $NODES node(s), $CORES core(s) per node, 6 task(s)\"",
      "srun --ntasks 6 --ntasks-per-node 2 bash -c 'export PARSL_LAUNCHER_RANK=\"${SLURM_PROCID:-0}\" PARSL_LAUNCHER_SIZE=6",
      "worker-pool --url '\\''ws://127.0.0.1:9000'\\'' --name \"$HOSTNAME\"' && _parsl_status=0 || _parsl_status=$?",
      "echo \"parsl-ts SrunLauncher: done, exit status $_parsl_status\"",
      "(exit \"$_parsl_status\")",
    ],
  },
  {
    launcher: 'SrunLauncher', options: { debug: false }, tasksPerNode: 1, nodesPerBlock: 1,
    expected: [
      "export CORES=${SLURM_CPUS_ON_NODE:-$(getconf _NPROCESSORS_ONLN)}",
      "export NODES=${SLURM_JOB_NUM_NODES:-1}",
      "srun --ntasks 1 --ntasks-per-node 1 bash -c 'export PARSL_LAUNCHER_RANK=\"${SLURM_PROCID:-0}\" PARSL_LAUNCHER_SIZE=1",
      "worker-pool --url '\\''ws://127.0.0.1:9000'\\'' --name \"$HOSTNAME\"'",
    ],
  },
  {
    launcher: 'SrunLauncher', options: { debug: false, overrides: '--mpi=pmi2 --cpu-bind=none' }, tasksPerNode: 4, nodesPerBlock: 2,
    expected: [
      "export CORES=${SLURM_CPUS_ON_NODE:-$(getconf _NPROCESSORS_ONLN)}",
      "export NODES=${SLURM_JOB_NUM_NODES:-1}",
      "srun --ntasks 8 --ntasks-per-node 4 --mpi=pmi2 --cpu-bind=none bash -c 'export PARSL_LAUNCHER_RANK=\"${SLURM_PROCID:-0}\" PARSL_LAUNCHER_SIZE=8",
      "worker-pool --url '\\''ws://127.0.0.1:9000'\\'' --name \"$HOSTNAME\"'",
    ],
  },
  {
    launcher: 'SrunLauncher', options: { debug: false, overrides: [ '--export', 'ALL,FOO=a b' ] }, tasksPerNode: 1, nodesPerBlock: 2,
    expected: [
      "export CORES=${SLURM_CPUS_ON_NODE:-$(getconf _NPROCESSORS_ONLN)}",
      "export NODES=${SLURM_JOB_NUM_NODES:-1}",
      "srun --ntasks 2 --ntasks-per-node 1 --export 'ALL,FOO=a b' bash -c 'export PARSL_LAUNCHER_RANK=\"${SLURM_PROCID:-0}\" PARSL_LAUNCHER_SIZE=2",
      "worker-pool --url '\\''ws://127.0.0.1:9000'\\'' --name \"$HOSTNAME\"'",
    ],
  },
  {
    launcher: 'SrunMPILauncher', options: { debug: false }, tasksPerNode: 2, nodesPerBlock: 2,
    expected: [
      "export CORES=${SLURM_CPUS_ON_NODE:-$(getconf _NPROCESSORS_ONLN)}",
      "export NODES=${SLURM_JOB_NUM_NODES:-1}",
      "_parsl_cmd='export PARSL_LAUNCHER_RANK=\"$1\" PARSL_LAUNCHER_SIZE=4",
      "shift",
      "worker-pool --url '\\''ws://127.0.0.1:9000'\\'' --name \"$HOSTNAME\"'",
      "_parsl_pids=",
      "trap 'kill -TERM $_parsl_pids 2>/dev/null; exit 143' TERM INT HUP",
      "if [ 4 -gt \"$NODES\" ]; then",
      "  _parsl_share=$((NODES * CORES / 4))",
      "  [ \"$_parsl_share\" -ge 1 ] || _parsl_share=1",
      "  for _parsl_rank in $(seq 0 3); do",
      "    srun --ntasks \"$_parsl_share\" bash -c \"$_parsl_cmd\" parsl-launcher \"$_parsl_rank\" &",
      "    _parsl_pids=\"$_parsl_pids $!\"",
      "  done",
      "else",
      "  _parsl_share=$((NODES / 4))",
      "  for _parsl_rank in $(seq 0 3); do",
      "    srun --exclusive --nodes \"$_parsl_share\" --ntasks \"$_parsl_share\" bash -c \"$_parsl_cmd\" parsl-launcher \"$_parsl_rank\" &",
      "    _parsl_pids=\"$_parsl_pids $!\"",
      "  done",
      "fi",
      "_parsl_status=0",
      "_parsl_failed=0",
      "for _parsl_pid in $_parsl_pids; do",
      "  wait \"$_parsl_pid\" && _parsl_rc=0 || _parsl_rc=$?",
      "  if [ \"$_parsl_rc\" -ne 0 ]; then",
      "    _parsl_failed=$((_parsl_failed + 1))",
      "    [ \"$_parsl_status\" -ne 0 ] || _parsl_status=$_parsl_rc",
      "  fi",
      "done",
      "trap - TERM INT HUP",
      "(exit \"$_parsl_status\")",
    ],
  },
  {
    launcher: 'SrunMPILauncher', options: { overrides: '-l' }, tasksPerNode: 1, nodesPerBlock: 1,
    expected: [
      "export CORES=${SLURM_CPUS_ON_NODE:-$(getconf _NPROCESSORS_ONLN)}",
      "export NODES=${SLURM_JOB_NUM_NODES:-1}",
      "echo \"parsl-ts SrunMPILauncher: $NODES node(s), $CORES core(s) per node, 1 srun step(s)\"",
      "_parsl_cmd='export PARSL_LAUNCHER_RANK=\"$1\" PARSL_LAUNCHER_SIZE=1",
      "shift",
      "worker-pool --url '\\''ws://127.0.0.1:9000'\\'' --name \"$HOSTNAME\"'",
      "_parsl_pids=",
      "trap 'kill -TERM $_parsl_pids 2>/dev/null; exit 143' TERM INT HUP",
      "if [ 1 -gt \"$NODES\" ]; then",
      "  _parsl_share=$((NODES * CORES / 1))",
      "  [ \"$_parsl_share\" -ge 1 ] || _parsl_share=1",
      "  for _parsl_rank in $(seq 0 0); do",
      "    srun --ntasks \"$_parsl_share\" -l bash -c \"$_parsl_cmd\" parsl-launcher \"$_parsl_rank\" &",
      "    _parsl_pids=\"$_parsl_pids $!\"",
      "  done",
      "else",
      "  _parsl_share=$((NODES / 1))",
      "  for _parsl_rank in $(seq 0 0); do",
      "    srun --exclusive --nodes \"$_parsl_share\" --ntasks \"$_parsl_share\" -l bash -c \"$_parsl_cmd\" parsl-launcher \"$_parsl_rank\" &",
      "    _parsl_pids=\"$_parsl_pids $!\"",
      "  done",
      "fi",
      "_parsl_status=0",
      "_parsl_failed=0",
      "for _parsl_pid in $_parsl_pids; do",
      "  wait \"$_parsl_pid\" && _parsl_rc=0 || _parsl_rc=$?",
      "  if [ \"$_parsl_rc\" -ne 0 ]; then",
      "    _parsl_failed=$((_parsl_failed + 1))",
      "    [ \"$_parsl_status\" -ne 0 ] || _parsl_status=$_parsl_rc",
      "  fi",
      "done",
      "trap - TERM INT HUP",
      "echo \"parsl-ts SrunMPILauncher: all copies done, $_parsl_failed of 1 failed\"",
      "(exit \"$_parsl_status\")",
    ],
  },
  {
    launcher: 'MpiExecLauncher', options: {}, tasksPerNode: 2, nodesPerBlock: 2,
    expected: [
      "export CORES=$(getconf _NPROCESSORS_ONLN)",
      "echo \"parsl-ts MpiExecLauncher: $CORES core(s), 4 MPI rank(s), 2 per node\"",
      "_parsl_hostfile=",
      "_parsl_mpiexec() {",
      "  set --",
      "  if [ -n \"${PBS_NODEFILE:-}\" ]; then",
      "    _parsl_hostfile=$(mktemp \"${TMPDIR:-/tmp}/parsl-hosts.XXXXXX\")",
      "    sort -u \"$PBS_NODEFILE\" > \"$_parsl_hostfile\"",
      "    set -- \"$@\" --hostfile \"$_parsl_hostfile\"",
      "  fi",
      "  if mpiexec --version 2>&1 | grep -qiE 'open mpi|openrte'; then",
      "    set -- \"$@\" --map-by ppr:2:node",
      "  else",
      "    set -- \"$@\" -ppn 2",
      "  fi",
      "  mpiexec --bind-to none -n 4 \"$@\" bash -c 'export PARSL_LAUNCHER_RANK=\"${PMI_RANK:-${OMPI_COMM_WORLD_RANK:-${PMIX_RANK:-0}}}\" PARSL_LAUNCHER_SIZE=4",
      "worker-pool --url '\\''ws://127.0.0.1:9000'\\'' --name \"$HOSTNAME\"'",
      "}",
      "_parsl_mpiexec && _parsl_status=0 || _parsl_status=$?",
      "[ -z \"$_parsl_hostfile\" ] || rm -f \"$_parsl_hostfile\"",
      "echo \"parsl-ts MpiExecLauncher: done, exit status $_parsl_status\"",
      "(exit \"$_parsl_status\")",
    ],
  },
  {
    launcher: 'MpiExecLauncher', options: { debug: false, ppnFlag: '-ppn' }, tasksPerNode: 4, nodesPerBlock: 2,
    expected: [
      "export CORES=$(getconf _NPROCESSORS_ONLN)",
      "_parsl_hostfile=",
      "_parsl_mpiexec() {",
      "  set --",
      "  if [ -n \"${PBS_NODEFILE:-}\" ]; then",
      "    _parsl_hostfile=$(mktemp \"${TMPDIR:-/tmp}/parsl-hosts.XXXXXX\")",
      "    sort -u \"$PBS_NODEFILE\" > \"$_parsl_hostfile\"",
      "    set -- \"$@\" --hostfile \"$_parsl_hostfile\"",
      "  fi",
      "  set -- \"$@\" -ppn 4",
      "  mpiexec --bind-to none -n 8 \"$@\" bash -c 'export PARSL_LAUNCHER_RANK=\"${PMI_RANK:-${OMPI_COMM_WORLD_RANK:-${PMIX_RANK:-0}}}\" PARSL_LAUNCHER_SIZE=8",
      "worker-pool --url '\\''ws://127.0.0.1:9000'\\'' --name \"$HOSTNAME\"'",
      "}",
      "_parsl_mpiexec && _parsl_status=0 || _parsl_status=$?",
      "[ -z \"$_parsl_hostfile\" ] || rm -f \"$_parsl_hostfile\"",
      "(exit \"$_parsl_status\")",
    ],
  },
  {
    launcher: 'MpiExecLauncher', options: { debug: false, ppnFlag: '', bindCmd: '' }, tasksPerNode: 1, nodesPerBlock: 3,
    expected: [
      "export CORES=$(getconf _NPROCESSORS_ONLN)",
      "_parsl_hostfile=",
      "_parsl_mpiexec() {",
      "  set --",
      "  if [ -n \"${PBS_NODEFILE:-}\" ]; then",
      "    _parsl_hostfile=$(mktemp \"${TMPDIR:-/tmp}/parsl-hosts.XXXXXX\")",
      "    sort -u \"$PBS_NODEFILE\" > \"$_parsl_hostfile\"",
      "    set -- \"$@\" --hostfile \"$_parsl_hostfile\"",
      "  fi",
      "  mpiexec -n 3 \"$@\" bash -c 'export PARSL_LAUNCHER_RANK=\"${PMI_RANK:-${OMPI_COMM_WORLD_RANK:-${PMIX_RANK:-0}}}\" PARSL_LAUNCHER_SIZE=3",
      "worker-pool --url '\\''ws://127.0.0.1:9000'\\'' --name \"$HOSTNAME\"'",
      "}",
      "_parsl_mpiexec && _parsl_status=0 || _parsl_status=$?",
      "[ -z \"$_parsl_hostfile\" ] || rm -f \"$_parsl_hostfile\"",
      "(exit \"$_parsl_status\")",
    ],
  },
  {
    launcher: 'MpiExecLauncher', options: { debug: false, overrides: [ '-genv', 'A', 'x y' ], ppnFlag: '--npernode' }, tasksPerNode: 2, nodesPerBlock: 1,
    expected: [
      "export CORES=$(getconf _NPROCESSORS_ONLN)",
      "_parsl_hostfile=",
      "_parsl_mpiexec() {",
      "  set --",
      "  if [ -n \"${PBS_NODEFILE:-}\" ]; then",
      "    _parsl_hostfile=$(mktemp \"${TMPDIR:-/tmp}/parsl-hosts.XXXXXX\")",
      "    sort -u \"$PBS_NODEFILE\" > \"$_parsl_hostfile\"",
      "    set -- \"$@\" --hostfile \"$_parsl_hostfile\"",
      "  fi",
      "  set -- \"$@\" --npernode 2",
      "  mpiexec --bind-to none -genv A 'x y' -n 2 \"$@\" bash -c 'export PARSL_LAUNCHER_RANK=\"${PMI_RANK:-${OMPI_COMM_WORLD_RANK:-${PMIX_RANK:-0}}}\" PARSL_LAUNCHER_SIZE=2",
      "worker-pool --url '\\''ws://127.0.0.1:9000'\\'' --name \"$HOSTNAME\"'",
      "}",
      "_parsl_mpiexec && _parsl_status=0 || _parsl_status=$?",
      "[ -z \"$_parsl_hostfile\" ] || rm -f \"$_parsl_hostfile\"",
      "(exit \"$_parsl_status\")",
    ],
  },
  {
    launcher: 'MpiRunLauncher', options: {}, tasksPerNode: 2, nodesPerBlock: 2,
    expected: [
      "export CORES=$(getconf _NPROCESSORS_ONLN)",
      "echo \"parsl-ts MpiRunLauncher: $CORES core(s), 4 MPI rank(s)\"",
      "mpirun -np 4 /bin/bash -c 'export PARSL_LAUNCHER_RANK=\"${PMI_RANK:-${OMPI_COMM_WORLD_RANK:-${PMIX_RANK:-0}}}\" PARSL_LAUNCHER_SIZE=4",
      "worker-pool --url '\\''ws://127.0.0.1:9000'\\'' --name \"$HOSTNAME\"' && _parsl_status=0 || _parsl_status=$?",
      "echo \"parsl-ts MpiRunLauncher: done, exit status $_parsl_status\"",
      "(exit \"$_parsl_status\")",
    ],
  },
  {
    launcher: 'MpiRunLauncher', options: { debug: false, bashLocation: '/usr/local/bin/bash', overrides: '--oversubscribe' }, tasksPerNode: 3, nodesPerBlock: 1,
    expected: [
      "export CORES=$(getconf _NPROCESSORS_ONLN)",
      "mpirun -np 3 --oversubscribe /usr/local/bin/bash -c 'export PARSL_LAUNCHER_RANK=\"${PMI_RANK:-${OMPI_COMM_WORLD_RANK:-${PMIX_RANK:-0}}}\" PARSL_LAUNCHER_SIZE=3",
      "worker-pool --url '\\''ws://127.0.0.1:9000'\\'' --name \"$HOSTNAME\"'",
    ],
  },
  {
    launcher: 'AprunLauncher', options: {}, tasksPerNode: 1, nodesPerBlock: 4,
    expected: [
      "echo \"parsl-ts AprunLauncher: 4 process(es), 1 per node\"",
      "aprun -n 4 -N 1 /bin/bash -c 'export PARSL_LAUNCHER_RANK=\"${ALPS_APP_PE:-0}\" PARSL_LAUNCHER_SIZE=4",
      "worker-pool --url '\\''ws://127.0.0.1:9000'\\'' --name \"$HOSTNAME\"' && _parsl_status=0 || _parsl_status=$?",
      "echo \"parsl-ts AprunLauncher: done, exit status $_parsl_status\"",
      "(exit \"$_parsl_status\")",
    ],
  },
  {
    launcher: 'AprunLauncher', options: { debug: false, overrides: '-cc none -j 1' }, tasksPerNode: 2, nodesPerBlock: 2,
    expected: [
      "aprun -n 4 -N 2 -cc none -j 1 /bin/bash -c 'export PARSL_LAUNCHER_RANK=\"${ALPS_APP_PE:-0}\" PARSL_LAUNCHER_SIZE=4",
      "worker-pool --url '\\''ws://127.0.0.1:9000'\\'' --name \"$HOSTNAME\"'",
    ],
  },
  {
    launcher: 'JsrunLauncher', options: {}, tasksPerNode: 6, nodesPerBlock: 2,
    expected: [
      "echo \"parsl-ts JsrunLauncher: 12 resource set(s), 6 per node\"",
      "jsrun -n 12 -r 6 /bin/bash -c 'export PARSL_LAUNCHER_RANK=\"${JSM_NAMESPACE_RANK:-${OMPI_COMM_WORLD_RANK:-0}}\" PARSL_LAUNCHER_SIZE=12",
      "worker-pool --url '\\''ws://127.0.0.1:9000'\\'' --name \"$HOSTNAME\"' && _parsl_status=0 || _parsl_status=$?",
      "echo \"parsl-ts JsrunLauncher: done, exit status $_parsl_status\"",
      "(exit \"$_parsl_status\")",
    ],
  },
  {
    launcher: 'JsrunLauncher', options: { debug: false, overrides: [ '-g', '1' ] }, tasksPerNode: 1, nodesPerBlock: 1,
    expected: [
      "jsrun -n 1 -r 1 -g 1 /bin/bash -c 'export PARSL_LAUNCHER_RANK=\"${JSM_NAMESPACE_RANK:-${OMPI_COMM_WORLD_RANK:-0}}\" PARSL_LAUNCHER_SIZE=1",
      "worker-pool --url '\\''ws://127.0.0.1:9000'\\'' --name \"$HOSTNAME\"'",
    ],
  },
  {
    launcher: 'GnuParallelLauncher', options: {}, tasksPerNode: 3, nodesPerBlock: 1,
    expected: [
      "export CORES=$(getconf _NPROCESSORS_ONLN)",
      "echo \"parsl-ts GnuParallelLauncher: $CORES core(s), starting 3 copies on 1 node(s)\"",
      "if ! parallel --version 2>/dev/null | grep -q 'GNU parallel'; then",
      "  echo 'parsl-ts GnuParallelLauncher: GNU parallel is not installed or is not the first parallel on PATH (Debian/Ubuntu: apt-get install parallel)' >&2",
      "  _parsl_status=127",
      "else",
      "  _parsl_joblog=$(mktemp \"${TMPDIR:-/tmp}/parsl-parallel.XXXXXX\")",
      "  seq 0 2 | parallel --jobs 3 --line-buffer --joblog \"$_parsl_joblog\" -q bash -c 'export PARSL_LAUNCHER_RANK=\"$1\" PARSL_LAUNCHER_SIZE=3 CORES=\"${CORES:-$(getconf _NPROCESSORS_ONLN)}\"",
      "shift",
      "worker-pool --url '\\''ws://127.0.0.1:9000'\\'' --name \"$HOSTNAME\"' parsl-launcher && _parsl_status=0 || _parsl_status=$?",
      "  if [ \"$_parsl_status\" -ne 0 ]; then",
      "    _parsl_first=$(tail -n +2 \"$_parsl_joblog\" | sort -n | awk -F '\\t' '$7 != 0 { print $7; exit } $8 != 0 { print 128 + $8; exit }')",
      "    [ -z \"$_parsl_first\" ] || _parsl_status=$_parsl_first",
      "  fi",
      "  rm -f \"$_parsl_joblog\"",
      "fi",
      "echo \"parsl-ts GnuParallelLauncher: done, exit status $_parsl_status\"",
      "(exit \"$_parsl_status\")",
    ],
  },
  {
    launcher: 'GnuParallelLauncher', options: { debug: false }, tasksPerNode: 2, nodesPerBlock: 2,
    expected: [
      "export CORES=$(getconf _NPROCESSORS_ONLN)",
      "if ! parallel --version 2>/dev/null | grep -q 'GNU parallel'; then",
      "  echo 'parsl-ts GnuParallelLauncher: GNU parallel is not installed or is not the first parallel on PATH (Debian/Ubuntu: apt-get install parallel)' >&2",
      "  _parsl_status=127",
      "else",
      "  _parsl_joblog=$(mktemp \"${TMPDIR:-/tmp}/parsl-parallel.XXXXXX\")",
      "  _parsl_nodes=$(mktemp \"${TMPDIR:-/tmp}/parsl-nodes.XXXXXX\")",
      "  _parsl_jobs=2",
      "  if [ -n \"${PBS_NODEFILE:-}\" ]; then",
      "    sort -u \"$PBS_NODEFILE\" > \"$_parsl_nodes\"",
      "  elif [ -n \"${SLURM_JOB_NODELIST:-}\" ] && command -v scontrol >/dev/null 2>&1; then",
      "    scontrol show hostnames \"$SLURM_JOB_NODELIST\" > \"$_parsl_nodes\"",
      "  else",
      "    echo 'parsl-ts GnuParallelLauncher: no node list ($PBS_NODEFILE or $SLURM_JOB_NODELIST): running all 4 copies on this node' >&2",
      "    echo : > \"$_parsl_nodes\"",
      "    _parsl_jobs=4",
      "  fi",
      "  seq 0 3 | parallel --jobs \"$_parsl_jobs\" --line-buffer --joblog \"$_parsl_joblog\" --sshloginfile \"$_parsl_nodes\" -q bash -c 'export PARSL_LAUNCHER_RANK=\"$1\" PARSL_LAUNCHER_SIZE=4 CORES=\"${CORES:-$(getconf _NPROCESSORS_ONLN)}\"",
      "shift",
      "worker-pool --url '\\''ws://127.0.0.1:9000'\\'' --name \"$HOSTNAME\"' parsl-launcher && _parsl_status=0 || _parsl_status=$?",
      "  if [ \"$_parsl_status\" -ne 0 ]; then",
      "    _parsl_first=$(tail -n +2 \"$_parsl_joblog\" | sort -n | awk -F '\\t' '$7 != 0 { print $7; exit } $8 != 0 { print 128 + $8; exit }')",
      "    [ -z \"$_parsl_first\" ] || _parsl_status=$_parsl_first",
      "  fi",
      "  rm -f \"$_parsl_joblog\" \"$_parsl_nodes\"",
      "fi",
      "(exit \"$_parsl_status\")",
    ],
  },
  {
    launcher: 'GnuParallelLauncher', options: { debug: false, overrides: '--env FOO' }, tasksPerNode: 1, nodesPerBlock: 1,
    expected: [
      "export CORES=$(getconf _NPROCESSORS_ONLN)",
      "if ! parallel --version 2>/dev/null | grep -q 'GNU parallel'; then",
      "  echo 'parsl-ts GnuParallelLauncher: GNU parallel is not installed or is not the first parallel on PATH (Debian/Ubuntu: apt-get install parallel)' >&2",
      "  _parsl_status=127",
      "else",
      "  _parsl_joblog=$(mktemp \"${TMPDIR:-/tmp}/parsl-parallel.XXXXXX\")",
      "  seq 0 0 | parallel --jobs 1 --line-buffer --joblog \"$_parsl_joblog\" --env FOO -q bash -c 'export PARSL_LAUNCHER_RANK=\"$1\" PARSL_LAUNCHER_SIZE=1 CORES=\"${CORES:-$(getconf _NPROCESSORS_ONLN)}\"",
      "shift",
      "worker-pool --url '\\''ws://127.0.0.1:9000'\\'' --name \"$HOSTNAME\"' parsl-launcher && _parsl_status=0 || _parsl_status=$?",
      "  if [ \"$_parsl_status\" -ne 0 ]; then",
      "    _parsl_first=$(tail -n +2 \"$_parsl_joblog\" | sort -n | awk -F '\\t' '$7 != 0 { print $7; exit } $8 != 0 { print 128 + $8; exit }')",
      "    [ -z \"$_parsl_first\" ] || _parsl_status=$_parsl_first",
      "  fi",
      "  rm -f \"$_parsl_joblog\"",
      "fi",
      "(exit \"$_parsl_status\")",
    ],
  },
  {
    launcher: 'WrappedLauncher', options: { prepend: 'singularity exec img.sif' }, tasksPerNode: 1, nodesPerBlock: 1,
    expected: [
      "singularity exec img.sif bash -c 'worker-pool --url '\\''ws://127.0.0.1:9000'\\'' --name \"$HOSTNAME\"'",
    ],
  },
  {
    launcher: 'WrappedLauncher', options: { prepend: 'time', raw: true }, tasksPerNode: 1, nodesPerBlock: 1,
    expected: [
      "time worker-pool --url 'ws://127.0.0.1:9000' --name \"$HOSTNAME\"",
    ],
  },
  {
    launcher: 'WrappedLauncher', options: { prepend: 'docker run --rm img' }, tasksPerNode: 2, nodesPerBlock: 1,
    expected: [
      "echo 'parsl-ts WrappedLauncher: runs one copy of the command, but 2 task(s) per node on 1 node(s) were asked for: you may get fewer workers than expected' >&2",
      "docker run --rm img bash -c 'worker-pool --url '\\''ws://127.0.0.1:9000'\\'' --name \"$HOSTNAME\"'",
    ],
  },
];

describe('generated command lines', () => {
  it.each(cases.map((c) => [`${c.launcher} ${JSON.stringify(c.options)} ${c.tasksPerNode}x${c.nodesPerBlock}`, c] as const))('%s', (_, c) => {
    expect(make(c.launcher, c.options).wrap(CMD, c.tasksPerNode, c.nodesPerBlock)).toBe(c.expected.join('\n'));
  });

  it('covers every launcher the package exports', () => {
    const exported = Object.keys(launchers).filter((k) => k.endsWith('Launcher')).sort();
    expect([...new Set(cases.map((c) => c.launcher))].sort()).toEqual(exported);
  });

  it.each([
    ['SingleNodeLauncher', 'single-node'], ['SimpleLauncher', 'simple'], ['SrunLauncher', 'srun'], ['SrunMPILauncher', 'srun-mpi'],
    ['MpiExecLauncher', 'mpiexec'], ['MpiRunLauncher', 'mpirun'], ['AprunLauncher', 'aprun'], ['JsrunLauncher', 'jsrun'],
    ['GnuParallelLauncher', 'gnu-parallel'], ['WrappedLauncher', 'wrapped'],
  ] as const)('%s is named %s and is plain data', (launcher, name) => {
    const instance = make(launcher, launcher === 'WrappedLauncher' ? { prepend: 'time' } : {});
    expect(instance.name).toBe(name);
    // Plain data: a JSON round trip keeps every field (what msgpack would carry to a worker).
    const copy = JSON.parse(JSON.stringify(instance)) as Record<string, unknown>;
    expect(Object.keys(copy).sort()).toEqual(Object.keys(instance).sort());
  });
});

describe('option and argument checks', () => {
  const invalid: Array<[string, () => unknown, RegExp]> = [
    ['unknown option', () => new launchers.SrunLauncher({ overide: '-l' } as never), /SrunLauncher has no option "overide"/],
    ['debug not boolean', () => new launchers.SingleNodeLauncher({ debug: 'yes' } as never), /debug: must be true or false/],
    ['overrides with a newline', () => new launchers.SrunLauncher({ overrides: '-l\nrm -rf /' }), /overrides: must not contain a newline/],
    ['overrides of the wrong type', () => new launchers.AprunLauncher({ overrides: 3 } as never), /overrides: must be a string or a list of strings/],
    ['overrides list with a number', () => new launchers.JsrunLauncher({ overrides: ['-g', 1] } as never), /must be a string or a list of strings/],
    ['options not an object', () => new launchers.MpiRunLauncher('fast' as never), /must be an object/],
    ['WrappedLauncher without prepend', () => new launchers.WrappedLauncher({} as never), /WrappedLauncher.prepend: needs the command/],
    ['WrappedLauncher with a blank prepend', () => new launchers.WrappedLauncher({ prepend: '  ' }), /needs the command/],
    ['bashLocation not a string', () => new launchers.MpiRunLauncher({ bashLocation: 1 } as never), /bashLocation: must be a string/],
    ['tasksPerNode 0', () => new launchers.SingleNodeLauncher().wrap('x', 0, 1), /tasksPerNode: must be a whole number >= 1/],
    ['tasksPerNode 1.5', () => new launchers.SrunLauncher().wrap('x', 1.5, 1), /tasksPerNode: must be a whole number >= 1/],
    ['nodesPerBlock -1', () => new launchers.MpiExecLauncher().wrap('x', 1, -1), /nodesPerBlock: must be a whole number >= 1/],
    ['empty command', () => new launchers.GnuParallelLauncher().wrap('  ', 1, 1), /needs a command line/],
    ['command with NUL', () => new launchers.SimpleLauncher().wrap('a\0b', 1, 1), /NUL/],
  ];
  it.each(invalid)('%s is a coded ConfigError', (_, action, message) => {
    let error: unknown;
    try {
      action();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('PARSL_INVALID_CONFIG');
    expect((error as ConfigError).message).toMatch(message);
    expect((error as ConfigError).hint).toBeTruthy();
  });
});
