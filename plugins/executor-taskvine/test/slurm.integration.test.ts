/**
 * Workers as Slurm jobs on the local cluster of tools/dev-cluster (brought up here, or the test
 * fails saying how): each block of the TaskVine executor is a Slurm job running
 * `parsl-ts-taskvine-worker`, which starts a real work_queue_worker toward the manager. A workflow
 * with JavaScript and bash apps and files runs on both blocks; cleanup leaves no job in the queue.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { app, bashApp, File, loadConfig } from '@parsl-ts/core';
import { TaskVineExecutor } from '@parsl-ts/executor-taskvine';
import { SlurmProvider } from '@parsl-ts/provider-slurm';
import { waitUntil } from '@parsl-ts/testing';
import { ensureDevCluster } from '../../../tools/dev-cluster/ensure.mjs';

/** A SlurmProvider that remembers the jobs it submitted, to look for them in squeue. */
class RecordingSlurmProvider extends SlurmProvider {
  readonly submitted: string[] = [];
  override async submit(command: string, tasksPerNode: number, jobName: string): Promise<string> {
    const id = await super.submit(command, tasksPerNode, jobName);
    this.submitted.push(id);
    return id;
  }
}

/** Ids among `ids` that squeue still lists. */
function activeJobs(ids: readonly string[]): string[] {
  if (ids.length === 0) return [];
  const out = execFileSync('squeue', ['--noheader', `--jobs=${ids.join(',')}`, '--format=%i'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'pipe'] });
  return out.split('\n').map((line) => line.trim()).filter((id) => ids.includes(id));
}

let dir = '';
let partition = '';

beforeAll(() => {
  ({ partition } = ensureDevCluster());
  dir = mkdtempSync(join(tmpdir(), 'parsl-taskvine-slurm-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Where a task ran: the Slurm job and node of its worker. */
const whereAmI = app(async (x: number, ms: number) => {
  await new Promise((resolve) => setTimeout(resolve, ms));
  return { x2: x * 2, job: process.env.SLURM_JOB_ID ?? '', node: process.env.SLURMD_NODENAME ?? '' };
}, { name: 'whereAmI' });

const jobOfBash = bashApp((options: { inputs: File[]; outputs: File[]; stdout?: string }) => `tr a-z A-Z < '${options.inputs[0]}' > '${options.outputs[0]}'; echo "$SLURM_JOB_ID"`, { name: 'jobOfBash' });

describe('TaskVine workers as Slurm jobs (real Slurm)', () => {
  it('two blocks are Slurm jobs running work_queue_workers; a workflow runs on both; cleanup leaves no job', async () => {
    const provider = new RecordingSlurmProvider({
      partition, exclusive: false, walltime: '00:05:00', statusPollingInterval: 0.5, initBlocks: 2, minBlocks: 2, maxBlocks: 2,
    });
    const executor = new TaskVineExecutor({ label: 'vine', backend: 'workqueue', workerCores: 1, provider });
    const dfk = await loadConfig({ executors: [executor], runDir: join(dir, 'runinfo'), strategy: 'simple', strategyPeriod: 0.5 });
    try {
      expect(await waitUntil(() => executor.connectedWorkers === 2, 60_000)).toBe(true);
      expect(provider.submitted).toHaveLength(2);
      const results = await Promise.all(Array.from({ length: 12 }, (_, i) => whereAmI(i, 300)));
      expect(results.map((r) => r.x2)).toEqual(Array.from({ length: 12 }, (_, i) => i * 2));
      // Every task ran inside one of the blocks' jobs, on a node of the cluster, and both blocks worked.
      expect(new Set(results.map((r) => r.job))).toEqual(new Set(provider.submitted));
      expect(results.every((r) => /^node\d+$/.test(r.node))).toBe(true);
      writeFileSync(join(dir, 'words.txt'), 'through slurm\n');
      const upper = jobOfBash({ inputs: [new File(join(dir, 'words.txt'))], outputs: [new File(join(dir, 'WORDS.txt'))], stdout: join(dir, 'job.out') });
      expect(await upper).toBe(0);
      expect(readFileSync(join(dir, 'WORDS.txt'), 'utf8')).toBe('THROUGH SLURM\n');
      expect(provider.submitted).toContain(readFileSync(join(dir, 'job.out'), 'utf8').trim());
      expect(activeJobs(provider.submitted)).toHaveLength(2);
    } finally {
      await dfk.cleanup();
    }
    expect(await waitUntil(() => activeJobs(provider.submitted).length === 0, 20_000)).toBe(true);
  });
});
