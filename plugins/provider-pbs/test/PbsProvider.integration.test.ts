// PBSProProvider and TorqueProvider on the PBS/Torque commands of Debian's slurm-wlm-torque (qsub,
// qstat, qdel over the real local Slurm cluster of tools/dev-cluster).
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { JobState, ParslError } from '@parsl-ts/core';
import { MpiExecLauncher } from '@parsl-ts/launchers';
import { PBSProProvider, PbsCommandError, TorqueProvider, type PbsProvider, type PbsProviderOptions } from '../src/index.js';
import { activeJobs, devCluster, MPI_AS_ROOT, removeDir, tempDir, traceCommands, waitFor, waitForState } from './cluster.js';

let dir = '';
let queue = '';
let nodes = 0;
const providers: PbsProvider[] = [];

beforeAll(() => {
  ({ partition: queue, nodes } = devCluster());
  dir = tempDir('provider');
});
afterEach(async () => {
  await Promise.all(providers.splice(0).map((p) => p.cancelAll()));
});
afterAll(() => removeDir(dir));

const flavors = {
  PBSProProvider: (options: PbsProviderOptions) => new PBSProProvider(options),
  TorqueProvider: (options: PbsProviderOptions) => new TorqueProvider(options),
};

describe.each(Object.entries(flavors))('%s on the slurm-wlm-torque wrappers', (_, make) => {
  function provider(options: PbsProviderOptions = {}): PbsProvider {
    const p = make({ queue, scriptDir: dir, statusPollingInterval: 1, walltime: '00:05:00', ...options });
    providers.push(p);
    return p;
  }

  it('runs a 2-node block through MpiExecLauncher (hosts from $PBS_NODEFILE): one copy per node, then completed', async () => {
    const p = provider({ nodesPerBlock: 2, launcher: new MpiExecLauncher({ debug: false }), env: MPI_AS_ROOT });
    const id = await p.submit('echo "copy $PARSL_LAUNCHER_RANK of $PARSL_LAUNCHER_SIZE on $SLURMD_NODENAME"', 1, 'two-nodes');
    expect(id).toMatch(/^\d+$/); // the wrapper's ids have no server suffix
    const done = await waitForState(p, id, [JobState.completed, JobState.failed]);
    expect(done).toMatchObject({ state: 'completed', schedulerState: 'C' });
    const lines = readFileSync(done.stdoutPath!, 'utf8').trim().split('\n').sort();
    expect(lines.map((l) => l.replace(/node\d+$/, 'N'))).toEqual(['copy 0 of 2 on N', 'copy 1 of 2 on N']);
    expect(new Set(lines.map((l) => l.split(' on ')[1])).size).toBe(2);
  });

  it('asks one qstat for many jobs, in order; an unknown id is missing', async () => {
    const p = provider();
    const ids = await Promise.all([0, 1, 2].map((i) => p.submit('sleep 60', 1, `many-${i}`)));
    await p.status(ids); // the first poll finds the qstat form this server has
    const trace = traceCommands(['qstat']);
    try {
      const statuses = await p.status([ids[2]!, '999999', ids[0]!, ids[1]!]);
      expect(trace.calls('qstat')).toHaveLength(1);
      expect(trace.calls('qstat')[0]).toBe(`-f ${ids[2]} 999999 ${ids[0]} ${ids[1]}`);
      expect(statuses.map((s) => s.state)).toEqual([expect.stringMatching(/^(pending|running)$/), 'missing', expect.stringMatching(/^(pending|running)$/), expect.stringMatching(/^(pending|running)$/)]);
    } finally {
      trace.restore();
    }
  });

  it('a held job is queued (the wrapper shows Q), and qdel makes it cancelled by this provider', async () => {
    const p = provider({ schedulerOptions: '#PBS -h' });
    const id = await p.submit('true', 1, 'held');
    const held = await waitForState(p, id, [JobState.pending]);
    expect(held.schedulerState).toBe('Q');
    expect(await p.cancel([id, '999999', 'not-an-id'])).toEqual([true, true, false]);
    const cancelled = await waitForState(p, id, [JobState.cancelled]);
    expect(cancelled.message).toMatch(/deleted by this provider/);
  });

  it('a job that fails still reads completed: the wrapper shows every ended job as C with no exit status', async () => {
    const p = provider();
    const id = await p.submit('exit 3', 1, 'fails');
    const ended = await waitForState(p, id, [JobState.completed, JobState.failed]);
    expect(ended).toMatchObject({ state: 'completed', schedulerState: 'C' });
    expect(ended.message).toMatch(/reports no exit status/);
    expect(ended.exitCode).toBeUndefined();
  });

  it('cancelAll deletes every job still active and waits until none is left', async () => {
    const p = provider();
    const ids = await Promise.all([0, 1, 2].map((i) => p.submit('sleep 300', 1, `all-${i}`)));
    const finished = await p.submit('true', 1, 'all-finished');
    await waitForState(p, finished, [JobState.completed]);
    await waitFor('the sleepers to run', async () => ((await p.status(ids)).every((s) => s.state === 'running') ? true : undefined));
    expect((await p.cancelAll()).sort()).toEqual([...ids].sort());
    // qstat shows C as soon as Slurm marks the jobs cancelled; Slurm may list them as completing
    // for a moment more, while their processes are killed.
    await waitFor('the jobs to leave the queue', () => (activeJobs(ids).length === 0 ? true : undefined), 15_000);
    for (const status of await p.status(ids)) expect(status.state).toBe('cancelled');
  });

  it('refuses a bad queue with PARSL_PROVIDER_SUBMIT quoting what qsub printed (on stdout)', async () => {
    const p = provider({ queue: 'nosuchqueue' });
    const e = await p.submit('hostname', 1, 'bad-queue').catch((x: unknown) => x) as PbsCommandError;
    expect(e).toBeInstanceOf(ParslError);
    expect(e).toBeInstanceOf(PbsCommandError);
    expect(e.code).toBe('PARSL_PROVIDER_SUBMIT');
    expect(e.exitCode).toBe(1);
    expect(e.message).toContain('sbatch: error: invalid partition specified: nosuchqueue');
    expect(e.message).toMatch(/command: qsub -N bad-queue(\.\d+)? -o \S+ -e \S+ -q nosuchqueue \S+bad-queue(\.\d+)?\.submit/);
    expect(e.hint).toMatch(/queue/);
  });

  it('refuses more nodes than there are with PARSL_PROVIDER_SUBMIT quoting qsub', async () => {
    const p = provider({ nodesPerBlock: nodes + 1 });
    const e = await p.submit('hostname', 1, 'too-many').catch((x: unknown) => x) as PbsCommandError;
    expect(e.code).toBe('PARSL_PROVIDER_SUBMIT');
    expect(e.message).toMatch(/Batch job submission failed/);
  });
});

describe('PBSProProvider on a server without qstat -F json or -x', () => {
  it('falls back to qstat -f once, and keeps using it', async () => {
    const p = new PBSProProvider({ queue, scriptDir: dir });
    providers.push(p);
    const id = await p.submit('sleep 30', 1, 'fallback');
    const trace = traceCommands(['qstat']);
    try {
      await p.status([id]);
      await p.status([id]);
      expect(trace.calls('qstat')).toEqual([`-f -F json -x ${id}`, `-f -x ${id}`, `-f ${id}`, `-f ${id}`]);
    } finally {
      trace.restore();
    }
  });

  it('refuses a script folder with a space: the wrappers would split it', async () => {
    const p = new PBSProProvider({ queue, scriptDir: `${dir}/with space` });
    const e = await p.submit('true', 1, 'x').catch((x: unknown) => x) as ParslError;
    expect(e.code).toBe('PARSL_INVALID_CONFIG');
    expect(e.hint).toMatch(/scriptDir/);
  });
});
