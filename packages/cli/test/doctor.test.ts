/**
 * `parsl-ts doctor`: each check against the real thing — config files with real plugins, a run
 * directory that cannot be written, an interchange address that is not this machine's, PATH
 * without the scheduler, a real Slurm client whose controller does not answer.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkRunDir, executorFacts } from '../src/doctor/runDoctor.js';
import { isLoopback, probeInterchange } from '../src/doctor/interchangeProbe.js';
import { checkScheduler, which } from '../src/doctor/schedulers.js';
import { runCli } from './helpers.js';

// Inside the CLI package, so config files resolve the plugins the CLI has as devDependencies.
const base = mkdtempSync(join(dirname(new URL(import.meta.url).pathname), '.doctor-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let n = 0;
function project(config: unknown): string {
  const dir = join(base, `p${n++}`);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), '{ "private": true, "type": "module" }\n');
  if (config !== undefined) writeFileSync(join(dir, 'parsl.config.json'), JSON.stringify(config));
  return dir;
}

interface Report { findings: { code: string; status: string; check: string; message: string; hint?: string }[] }
async function doctor(cwd: string, args: string[] = [], env?: NodeJS.ProcessEnv): Promise<{ code: number | null; report: Report; stdout: string }> {
  const json = await runCli(['doctor', '--json', ...args], { cwd, env });
  const text = await runCli(['doctor', ...args], { cwd, env });
  expect(text.code).toBe(json.code);
  return { code: json.code, report: JSON.parse(json.stdout) as Report, stdout: text.stdout };
}

const htexLocal = (options: Record<string, unknown> = {}): unknown => ({
  executors: [{ package: '@parsl-ts/executor-htex', options: { label: 'htex', ...options, provider: { package: '@parsl-ts/provider-local' } } }],
});

describe('parsl-ts doctor', () => {
  it('passes a healthy HTEX config: core, plugins, config, interchange reached by another process, run directory', async () => {
    const dir = project(htexLocal());
    const { code, report, stdout } = await doctor(dir);
    expect(code).toBe(0);
    expect(report.findings.every((f) => f.status === 'ok')).toBe(true);
    expect(report.findings.map((f) => f.check)).toEqual(['core', 'plugins', 'config', 'interchange', 'run-dir']);
    expect(stdout).toMatch(/✓ interchange: executor htex: a process on this machine reached 127\.0\.0\.1:\d+/);
    expect(stdout).toContain('0 errors, 0 warnings, 5 ok');
  });

  it('reports config problems with their codes and hints, and an unwritable run directory', async () => {
    const dir = project({ executors: [{ package: '@acme/parsl-ts-executor-absent' }], runDir: '/proc/parsl-ts-cannot-write-here' });
    const { code, report, stdout } = await doctor(dir);
    expect(code).toBe(1);
    const byCode = new Map(report.findings.map((f) => [f.code, f]));
    expect(byCode.get('PARSL_PLUGIN_LOAD')?.hint).toContain('npm install @acme/parsl-ts-executor-absent');
    expect(byCode.get('PARSL_DOCTOR_RUN_DIR')?.message).toContain('/proc/parsl-ts-cannot-write-here');
    expect(stdout).toMatch(/✗ \[PARSL_DOCTOR_RUN_DIR\] run-dir: .*\n  hint: set "runDir"/);
  });

  it('says when there is no config, and still checks the environment', async () => {
    const { code, report } = await doctor(project(undefined));
    expect(code).toBe(0);
    expect(report.findings.find((f) => f.code === 'PARSL_DOCTOR_NO_CONFIG')?.status).toBe('warning');
    expect(report.findings.at(-1)?.check).toBe('run-dir');
  });

  it('refuses an interchange address that is not this machine\'s', async () => {
    // 192.0.2.0/24 is TEST-NET-1: never assigned to a host, so nothing can listen on it.
    const { code, report } = await doctor(project(htexLocal({ address: '192.0.2.7' })));
    expect(code).toBe(1);
    const finding = report.findings.find((f) => f.code === 'PARSL_DOCTOR_ADDRESS_UNREACHABLE');
    expect(finding?.message).toMatch(/cannot listen on 192\.0\.2\.7/);
    expect(finding?.hint).toContain('127.0.0.1');
  });

  it('refuses a loopback interchange address when workers come from a batch scheduler', async () => {
    const config = { executors: [{ package: '@parsl-ts/executor-htex', options: { label: 'cluster', provider: { package: '@parsl-ts/provider-slurm', options: { partition: 'debug' } } } }] };
    const emptyBin = mkdtempSync(join(tmpdir(), 'doctor-path-'));
    const { report } = await doctor(project(config), [], { PATH: emptyBin });
    rmSync(emptyBin, { recursive: true, force: true });
    const codes = report.findings.map((f) => f.code);
    expect(codes).toContain('PARSL_DOCTOR_ADDRESS_LOOPBACK');
    // With PATH holding only node, the Slurm commands are missing.
    expect(report.findings.find((f) => f.code === 'PARSL_DOCTOR_SCHEDULER_MISSING')?.message).toMatch(/sbatch, squeue, scancel are not on PATH/);
  });

  it('refuses bad options', async () => {
    const result = await runCli(['doctor', '--scheduler', 'lsf'], { cwd: project(undefined) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('[PARSL_CLI_BAD_OPTION] unknown scheduler "lsf"');
  });
});

describe('doctor checks', () => {
  it('executorFacts reads plugin entries and instances', () => {
    expect(executorFacts({ executors: [{ package: 'x', options: { label: 'a', address: '10.0.0.5', provider: { package: '@parsl-ts/provider-pbs', options: { queue: 'q' } } } }] }))
      .toEqual([{ label: 'a', hasProvider: true, address: '10.0.0.5', scheduler: 'pbs', settings: { partition: undefined, queue: 'q' } }]);
    expect(executorFacts({ executors: [{ label: 'b', options: {}, provider: { label: 'slurm', partition: 'debug' } }] }))
      .toEqual([{ label: 'b', hasProvider: true, address: '127.0.0.1', scheduler: 'slurm', settings: { partition: 'debug', queue: undefined } }]);
    expect(executorFacts({ executors: [{ package: '@parsl-ts/executor-threads' }] })[0]?.hasProvider).toBe(false);
    expect(executorFacts(undefined)).toEqual([]);
  });

  it('checkRunDir creates nothing it does not need', () => {
    const dir = mkdtempSync(join(tmpdir(), 'doctor-rundir-'));
    try {
      expect(checkRunDir(join(dir, 'a', 'b')).status).toBe('ok');
      expect(() => rmSync(join(dir, 'a'))).toThrow(); // removed already: rmSync without force throws
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('isLoopback', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost'].every(isLoopback)).toBe(true);
    expect(['10.0.0.1', '0.0.0.0', '192.168.1.2'].some(isLoopback)).toBe(false);
  });

  it('probeInterchange reaches a loopback address from another process', async () => {
    const findings = await probeInterchange({ label: 'x', address: '127.0.0.1', remoteWorkers: false });
    expect(findings).toEqual([expect.objectContaining({ status: 'ok', check: 'interchange' })]);
  });

  it.runIf(which('squeue') !== undefined || process.env.CI === 'true')('a Slurm controller that does not answer is an error naming the command (real Slurm client)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doctor-slurm-'));
    const previous = process.env.SLURM_CONF;
    try {
      // The real client, pointed at a controller port where nothing listens.
      writeFileSync(join(dir, 'slurm.conf'), 'ClusterName=nowhere\nSlurmctldHost=localhost(127.0.0.1)\nSlurmctldPort=1\nMessageTimeout=2\nNodeName=n1 CPUs=1\nPartitionName=p Nodes=n1 Default=YES\n');
      process.env.SLURM_CONF = join(dir, 'slurm.conf');
      const findings = await checkScheduler('slurm', {}, 10_000);
      const failing = findings.filter((f) => f.code === 'PARSL_DOCTOR_SCHEDULER_NO_ANSWER');
      expect(failing.map((f) => f.message.split(' ')[0])).toEqual(['sbatch', 'squeue']);
      expect(failing[1]?.message).toMatch(/contact slurm controller/i);
      expect(failing[0]?.hint).toContain('scontrol ping');
    } finally {
      if (previous === undefined) delete process.env.SLURM_CONF;
      else process.env.SLURM_CONF = previous;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
