/**
 * `parsl-ts doctor` against the local Slurm cluster of tools/dev-cluster (brought up here, or the
 * test fails): the scheduler answers `sbatch --test-only` and `squeue` for the configured
 * partition, and a process started by `srun` on a compute node reaches the interchange address.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDevCluster } from '../../../tools/dev-cluster/ensure.mjs';
import { externalAddresses } from '../src/doctor/interchangeProbe.js';
import { runCli } from './helpers.js';

const base = mkdtempSync(join(dirname(new URL(import.meta.url).pathname), '.doctor-slurm-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let partition = 'debug';
beforeAll(() => {
  partition = ensureDevCluster().partition;
}, 180_000);

describe('parsl-ts doctor on Slurm', () => {
  it('checks sbatch and squeue, and reaches the interchange from a compute node', async () => {
    const address = externalAddresses().find((a) => !a.includes(':'));
    expect(address, 'this machine has no non-loopback IPv4 address for workers to reach').toBeDefined();
    const dir = join(base, 'ok');
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), '{ "private": true, "type": "module" }\n');
    writeFileSync(join(dir, 'parsl.config.json'), JSON.stringify({
      executors: [{ package: '@parsl-ts/executor-htex', options: { label: 'cluster', address, provider: { package: '@parsl-ts/provider-slurm', options: { partition } } } }],
    }));
    const result = await runCli(['doctor', '--probe-node', '--json', '--timeout', '60'], { cwd: dir, timeoutMs: 150_000 });
    const report = JSON.parse(result.stdout) as { findings: { code: string; status: string; check: string; message: string }[] };
    const problems = report.findings.filter((f) => f.status !== 'ok');
    expect(problems).toEqual([]);
    expect(result.code).toBe(0);
    const messages = report.findings.map((f) => f.message);
    expect(messages).toContainEqual(expect.stringMatching(new RegExp(`^sbatch --test-only .*--partition=${partition} .*answered`)));
    expect(messages).toContainEqual(expect.stringMatching(/^squeue .*answered/));
    expect(messages).toContainEqual(expect.stringMatching(new RegExp(`a compute node \\(srun\\) reached ${address!.replace(/\./g, '\\.')}:\\d+`)));
  }, 180_000);
});
