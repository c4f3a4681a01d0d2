// SlurmProvider against the real local Slurm cluster (tools/dev-cluster): sbatch, squeue,
// scontrol and scancel for real.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { JobState, ParslError, type JobStatus } from '@parsl-ts/core';
import { SrunLauncher } from '@parsl-ts/launchers';
import { SlurmCommandError, SlurmProvider, type SlurmProviderOptions } from '../src/index.js';
import { activeJobs, devCluster, jobField, removeDir, tempDir, traceCommands, waitFor } from './cluster.js';

let dir = '';
const providers: SlurmProvider[] = [];
let partition = '';
let nodes = 0;

beforeAll(() => {
  ({ partition, nodes } = devCluster());
  dir = tempDir('provider');
});
afterEach(async () => {
  // Whatever a test did, none of its jobs stays in the queue.
  await Promise.all(providers.splice(0).map((p) => p.cancelAll()));
});
afterAll(() => removeDir(dir));

function provider(options: SlurmProviderOptions = {}): SlurmProvider {
  const p = new SlurmProvider({ partition, exclusive: false, scriptDir: dir, statusPollingInterval: 1, walltime: '00:05:00', ...options });
  providers.push(p);
  return p;
}

function waitForState(p: SlurmProvider, id: string, states: readonly string[], timeoutMs = 30_000): Promise<JobStatus> {
  return waitFor(`job ${id} to be ${states.join(' or ')}`, async () => {
    const [status] = await p.status([id]);
    return status && states.includes(status.state) ? status : undefined;
  }, timeoutMs);
}

describe('SlurmProvider on the local Slurm cluster', () => {
  it('runs a 2-node block: the built-in srun launcher starts one copy per node, and the job completes', async () => {
    const p = provider({ nodesPerBlock: 2 });
    const id = await p.submit('echo "copy $PARSL_LAUNCHER_RANK of $PARSL_LAUNCHER_SIZE on $SLURMD_NODENAME"', 1, 'two-nodes');
    expect(id).toMatch(/^\d+$/);
    const done = await waitForState(p, id, [JobState.completed, JobState.failed]);
    expect(done).toMatchObject({ state: 'completed', schedulerState: 'COMPLETED', exitCode: 0 });
    const lines = readFileSync(done.stdoutPath!, 'utf8').trim().split('\n').sort();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^copy 0 of 2 on node\d$/);
    expect(lines[1]).toMatch(/^copy 1 of 2 on node\d$/);
    expect(new Set(lines.map((l) => l.split(' on ')[1])).size).toBe(2);
    expect(jobField(id, 'NumNodes')).toBe('2');
  });

  it('reports a failed job with its exit status and stderr path, and a job that ended before the first poll', async () => {
    const p = provider();
    const id = await p.submit('echo broken >&2; exit 3', 1, 'fails');
    // srun's status is the launcher's, which is the script's.
    const failed = await waitForState(p, id, [JobState.failed, JobState.completed]);
    expect(failed).toMatchObject({ state: 'failed', schedulerState: 'FAILED', exitCode: 3 });
    expect(failed.message).toContain(failed.stderrPath);
    expect(readFileSync(failed.stderrPath!, 'utf8')).toContain('broken');
    // A provider that never saw the job running still resolves it: squeue --states=all keeps it.
    const [fresh] = await new SlurmProvider({ partition }).status([id]);
    expect(fresh).toMatchObject({ state: 'failed', exitCode: 3 });
  });

  it('asks one squeue for many jobs per poll, in order, with unknown ids as missing', async () => {
    const p = provider();
    const ids = await Promise.all([0, 1, 2, 3].map((i) => p.submit(i === 3 ? 'exit 4' : 'sleep 60', 1, `many-${i}`)));
    await waitForState(p, ids[3]!, [JobState.failed]);
    const trace = traceCommands(['squeue', 'scontrol']);
    try {
      const statuses = await p.status([ids[3]!, ids[0]!, '999999', ids[1]!, ids[2]!, 'not-an-id']);
      expect(trace.calls('squeue')).toHaveLength(1);
      expect(trace.calls('squeue')[0]).toContain('--states=all');
      expect(statuses.map((s) => s.state)).toEqual(['failed', expect.stringMatching(/^(pending|running)$/), 'missing', expect.stringMatching(/^(pending|running)$/), expect.stringMatching(/^(pending|running)$/), 'missing']);
      // squeue did not list 999999, so scontrol was asked about it, and only about it.
      expect(trace.calls('scontrol')).toEqual(['--oneliner show job 999999']);
      // The failed job is over: the next poll does not ask Slurm about it again.
      await p.status([ids[3]!]);
      expect(trace.calls('squeue')).toHaveLength(1);
    } finally {
      trace.restore();
    }
  });

  it('says held for a held job, and cancel makes it cancelled by this provider', async () => {
    const p = provider({ schedulerOptions: '#SBATCH --hold' });
    const id = await p.submit('true', 1, 'held');
    const held = await waitForState(p, id, [JobState.held]);
    expect(held.schedulerState).toBe('PENDING');
    expect(held.message).toMatch(/JobHeldUser/);
    expect(await p.cancel([id, '999999'])).toEqual([true, true]);
    const cancelled = await waitForState(p, id, [JobState.cancelled]);
    expect(cancelled.message).toMatch(/cancelled by this provider/);
  });

  it('cancelAll cancels every job still active, waits until none is left in the queue, and tolerates one scancel failing', async () => {
    const p = provider({ cancelWait: 20 });
    const ids = await Promise.all([0, 1, 2].map((i) => p.submit('sleep 300', 1, `all-${i}`)));
    const finished = await p.submit('true', 1, 'all-finished');
    await waitForState(p, finished, [JobState.completed]);
    await waitFor('the sleepers to run', async () => ((await p.status(ids)).every((s) => s.state === 'running') ? true : undefined));
    // The first scancel (all three at once) fails as a controller that does not answer would;
    // cancelAll then cancels them one by one.
    const trace = traceCommands(['scancel'], { scancel: '[ $# -gt 1 ] && { echo "scancel: error: Unable to contact slurm controller" >&2; exit 1; }' });
    let cancelled: string[];
    try {
      cancelled = await p.cancelAll();
      expect(trace.calls('scancel').length).toBe(4);
    } finally {
      trace.restore();
    }
    expect(cancelled.sort()).toEqual([...ids].sort());
    expect(activeJobs(ids)).toEqual([]);
    for (const status of await p.status(ids)) expect(status.state).toBe('cancelled');
    expect(await p.cancelAll()).toEqual([]);
  });

  it('refuses a bad partition with PARSL_PROVIDER_SUBMIT quoting sbatch, at once', async () => {
    const p = provider({ partition: 'nosuchpartition' });
    const started = Date.now();
    const error = await p.submit('hostname', 1, 'bad-partition').catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(error).toBeInstanceOf(SlurmCommandError);
    expect(error).toBeInstanceOf(ParslError);
    const e = error as SlurmCommandError;
    expect(e.code).toBe('PARSL_PROVIDER_SUBMIT');
    expect(e.exitCode).toBe(1);
    expect(e.message).toContain('sbatch: error: invalid partition specified: nosuchpartition');
    expect(e.message).toMatch(/command: sbatch --parsable \/.*bad-partition\.submit/);
    expect(e.hint).toMatch(/partition/);
  });

  it('refuses more nodes than the partition has with PARSL_PROVIDER_SUBMIT quoting sbatch', async () => {
    const p = provider({ nodesPerBlock: nodes + 1 });
    const e = await p.submit('hostname', 1, 'too-many').catch((x: unknown) => x) as SlurmCommandError;
    expect(e.code).toBe('PARSL_PROVIDER_SUBMIT');
    expect(e.stderr).toMatch(/Batch job submission failed/);
    expect(e.message).toContain(e.stderr.trim().split('\n').at(-1)!);
    expect(e.hint).toMatch(/nodesPerBlock/);
  });

  it('kills a command that does not answer within cmdTimeout and says so (no hang)', async () => {
    const trace = traceCommands(['sbatch', 'squeue'], { sbatch: 'sleep 30', squeue: 'sleep 30' });
    try {
      const p = provider({ cmdTimeout: 1 });
      const started = Date.now();
      const submit = await p.submit('hostname', 1, 'slow').catch((e: unknown) => e) as SlurmCommandError;
      expect(submit.code).toBe('PARSL_PROVIDER_SUBMIT');
      expect(submit.message).toMatch(/did not finish within its time limit/);
      expect(submit.hint).toMatch(/A job may have been submitted anyway/);
      const status = await p.status(['1']).catch((e: unknown) => e) as SlurmCommandError;
      expect(status.code).toBe('PARSL_PROVIDER_COMMAND');
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      trace.restore();
    }
  });

  it('runs the script under an SrunLauncher from @parsl-ts/launchers with workerInit and env', async () => {
    const p = provider({ nodesPerBlock: 2, launcher: new SrunLauncher(), workerInit: 'export FROM_INIT=init-ran', env: { FROM_ENV: 'a b' } });
    const id = await p.submit('echo "$FROM_INIT|$FROM_ENV|$JOBNAME|$SLURMD_NODENAME"', 2, 'srun-launcher');
    const done = await waitForState(p, id, [JobState.completed, JobState.failed]);
    expect(done.state).toBe('completed');
    const out = readFileSync(done.stdoutPath!, 'utf8');
    const copies = out.split('\n').filter((l) => l.startsWith('init-ran|a b|srun-launcher|'));
    expect(copies).toHaveLength(4);
    expect(new Set(copies.map((l) => l.split('|')[3])).size).toBe(2);
    expect(out).toContain('parsl-ts SrunLauncher: 2 node(s)');
    expect(execFileSync('cat', [p.scriptDir + '/srun-launcher.submit'], { encoding: 'utf8' })).toContain('#SBATCH --ntasks-per-node=2');
  });
});
