// The launchers run for real under Slurm: batch jobs of the local cluster of tools/dev-cluster
// (brought up here, or the tests fail — never skipped), with Open MPI from Debian for mpiexec.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDevCluster } from '../../../tools/dev-cluster/ensure.mjs';
import { MpiExecLauncher, SrunLauncher, SrunMPILauncher } from '../src/index.js';

let dir = '';
let partition = '';

beforeAll(() => {
  ({ partition } = ensureDevCluster());
  dir = mkdtempSync(join(tmpdir(), 'parsl-launchers-slurm-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What each copy reports: rank, size, node, and Slurm's task id, on one line. */
const REPORT = 'echo "copy $PARSL_LAUNCHER_RANK $PARSL_LAUNCHER_SIZE $SLURMD_NODENAME ${SLURM_PROCID:--} $CORES"';

interface Copy { rank: number; size: number; node: string; procid: string; cores: number }

/**
 * Submit `body` as a batch job of `nodes` nodes with `tasksPerNode` tasks each, wait for it to end
 * (polling squeue, bounded) and return its exit status, the copies' reports and the whole output.
 */
async function runJob(name: string, body: string, nodes: number, tasksPerNode: number, env: NodeJS.ProcessEnv = {}): Promise<{ status: number; copies: Copy[]; output: string }> {
  const script = join(dir, `${name}.sh`);
  const out = join(dir, `${name}.out`);
  writeFileSync(script, `#!/bin/bash\n${body}\n`);
  const id = execFileSync('sbatch', ['--parsable', `--partition=${partition}`, `--nodes=${nodes}`, `--ntasks-per-node=${tasksPerNode}`, '--time=2', `--output=${out}`, `--job-name=${name}`, script], {
    encoding: 'utf8', timeout: 30_000, env: { ...process.env, ...env },
  }).trim();
  const deadline = Date.now() + 60_000;
  let state = '';
  while (!/^(COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY)$/.test(state)) {
    if (Date.now() > deadline) {
      execFileSync('scancel', [id]);
      throw new Error(`job ${id} (${name}) did not end within 60 s; last state ${state}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    state = execFileSync('squeue', ['--noheader', '--states=all', `--jobs=${id}`, '--format=%T'], { encoding: 'utf8', timeout: 10_000 }).trim();
  }
  const exit = /ExitCode=(\d+):(\d+)/.exec(execFileSync('scontrol', ['--oneliner', 'show', 'job', id], { encoding: 'utf8', timeout: 10_000 }))!;
  const output = readFileSync(out, 'utf8');
  const copies = output.split('\n').filter((l) => l.startsWith('copy ')).map((l) => {
    const [, rank, size, node, procid, cores] = l.split(' ');
    return { rank: Number(rank), size: Number(size), node: node!, procid: procid!, cores: Number(cores) };
  }).sort((a, b) => a.rank - b.rank);
  return { status: Number(exit[1]) || Number(exit[2]), copies, output: `${state}\n${output}` };
}

const nodesOf = (copies: Copy[]): string[] => [...new Set(copies.map((c) => c.node))].sort();

// The jobs are independent: they run side by side, as Slurm fits them on the four nodes.
describe.concurrent('launchers under Slurm (real srun and mpiexec)', () => {
  it('SrunLauncher runs tasksPerNode copies on each of 2 nodes, ranks from SLURM_PROCID', async () => {
    const { status, copies, output } = await runJob('srun', new SrunLauncher({ debug: false }).wrap(REPORT, 2, 2), 2, 2);
    expect(status, output).toBe(0);
    expect(copies.map((c) => c.rank)).toEqual([0, 1, 2, 3]);
    expect(copies.every((c) => c.size === 4 && c.procid === String(c.rank))).toBe(true);
    expect(nodesOf(copies)).toHaveLength(2);
    for (const node of nodesOf(copies)) expect(copies.filter((c) => c.node === node)).toHaveLength(2);
    expect(copies.every((c) => c.cores === 2)).toBe(true); // SLURM_CPUS_ON_NODE of a 2-task-per-node job
  });

  it("SrunLauncher ends with srun's status: a failing copy fails the job", async () => {
    const { status, output } = await runJob('srun-fails', new SrunLauncher().wrap('[ "$PARSL_LAUNCHER_RANK" != 1 ] || exit 3', 1, 2), 2, 1);
    expect(status).not.toBe(0);
    expect(output).toMatch(/parsl-ts SrunLauncher: done, exit status [1-9]/);
  });

  it('SrunMPILauncher gives each copy its own node when there are as many copies as nodes', async () => {
    const { status, copies, output } = await runJob('srun-mpi-nodes', new SrunMPILauncher({ debug: false }).wrap(REPORT, 1, 2), 2, 1);
    expect(status, output).toBe(0);
    expect(copies.map((c) => c.rank)).toEqual([0, 1]);
    expect(copies.every((c) => c.size === 2 && c.procid === '0')).toBe(true); // each copy is task 0 of its own step
    expect(nodesOf(copies)).toHaveLength(2);
  });

  it('SrunMPILauncher gives each copy its share of tasks when there are more copies than nodes', async () => {
    const { status, copies, output } = await runJob('srun-mpi-tasks', new SrunMPILauncher({ debug: false }).wrap(REPORT, 2, 2), 2, 2);
    expect(status, output).toBe(0);
    expect(copies.map((c) => c.rank)).toEqual([0, 1, 2, 3]);
    expect(nodesOf(copies)).toHaveLength(2);
  });

  it("MpiExecLauncher runs the ranks with Debian's Open MPI across 2 nodes, tasksPerNode on each", async () => {
    const { status, copies, output } = await runJob('mpiexec', new MpiExecLauncher({ debug: false }).wrap(REPORT, 2, 2), 2, 2, {
      // Open MPI refuses to run as root (these tests do) unless told it may.
      OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1',
    });
    expect(status, output).toBe(0);
    expect(copies.map((c) => c.rank)).toEqual([0, 1, 2, 3]);
    expect(copies.every((c) => c.size === 4)).toBe(true);
    expect(nodesOf(copies)).toHaveLength(2);
    // --map-by ppr:2:node: ranks 0-1 on one node, 2-3 on the other.
    expect(copies[0]!.node).toBe(copies[1]!.node);
    expect(copies[2]!.node).toBe(copies[3]!.node);
    expect(copies[0]!.node).not.toBe(copies[2]!.node);
  });

  it('MpiExecLauncher with a failing rank ends with a non-zero status', async () => {
    const { status } = await runJob('mpiexec-fails', new MpiExecLauncher({ debug: false }).wrap('[ "$PARSL_LAUNCHER_RANK" != 1 ] || exit 5', 1, 2), 2, 1, {
      OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1',
    });
    expect(status).not.toBe(0);
  });
});
