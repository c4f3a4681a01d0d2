/**
 * The scheduler commands a provider runs, and whether they are there and answer.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { DoctorCodes, type Finding } from './Finding.js';

/**
 * A batch scheduler `parsl-ts doctor` knows how to check.
 *
 * @since 0.1.0
 */
export type SchedulerName = 'slurm' | 'pbs';

/**
 * Which scheduler each first-party provider package drives.
 *
 * @since 0.1.0
 */
export const PROVIDER_SCHEDULERS: Readonly<Record<string, SchedulerName>> = {
  '@parsl-ts/provider-slurm': 'slurm',
  '@parsl-ts/provider-pbs': 'pbs',
};

/**
 * What is checked for a scheduler: every command must be on PATH, and the `probe` commands must
 * succeed (they talk to the scheduler's server without submitting anything).
 */
interface SchedulerCommands {
  readonly commands: readonly string[];
  readonly probes: ReadonlyArray<(settings: SchedulerSettings) => readonly string[]>;
}

/**
 * Settings of the configured provider that the probes use.
 *
 * @since 0.1.0
 */
export interface SchedulerSettings {
  /** Slurm partition, when the config names one. */
  readonly partition?: string | undefined;
  /** PBS queue, when the config names one. */
  readonly queue?: string | undefined;
}

const SCHEDULERS: Readonly<Record<SchedulerName, SchedulerCommands>> = {
  slurm: {
    commands: ['sbatch', 'squeue', 'scancel'],
    probes: [
      // Asks slurmctld whether a one-node job would be accepted, without submitting it.
      (s) => ['sbatch', '--test-only', '--nodes=1', '--time=1', ...(s.partition ? [`--partition=${s.partition}`] : []), '--wrap=true'],
      () => ['squeue', '--noheader', '--format=%i'],
    ],
  },
  pbs: {
    commands: ['qsub', 'qstat', 'qdel'],
    probes: [() => ['qstat']],
  },
};

/**
 * The absolute path of `command` on PATH, or undefined.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * which('sbatch'); // '/usr/bin/sbatch'
 * ```
 */
export function which(command: string, path: string = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * Run a command with a time limit; never rejects.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const { ok, output } = await tryCommand(['squeue', '--noheader'], 15_000);
 * ```
 */
export function tryCommand(argv: readonly string[], timeoutMs: number): Promise<{ ok: boolean; output: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => { output += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { output += d; });
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs);
    child.once('error', (error) => { clearTimeout(timer); resolve({ ok: false, output: error.message, timedOut }); });
    child.once('close', (code) => { clearTimeout(timer); resolve({ ok: code === 0 && !timedOut, output: output.trim(), timedOut }); });
  });
}

/**
 * Check that the commands of `scheduler` exist and that the scheduler answers.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const findings = await checkScheduler('slurm', { partition: 'debug' });
 * ```
 */
export async function checkScheduler(scheduler: SchedulerName, settings: SchedulerSettings = {}, timeoutMs = 15_000): Promise<Finding[]> {
  const spec = SCHEDULERS[scheduler];
  const findings: Finding[] = [];
  const missing = spec.commands.filter((c) => which(c) === undefined);
  if (missing.length > 0) {
    findings.push({
      code: DoctorCodes.SchedulerMissing, status: 'error', check: 'scheduler',
      message: `${scheduler}: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not on PATH (PATH=${process.env.PATH ?? ''})`,
      hint: scheduler === 'slurm'
        ? 'run the workflow on a machine that can submit Slurm jobs (a login node), or load the Slurm module (module load slurm)'
        : 'run the workflow where PBS is installed (a login node), or load its module; on a Slurm cluster, slurm-wlm-torque provides qsub/qstat/qdel wrappers',
    });
    return findings;
  }
  findings.push({ code: DoctorCodes.Ok, status: 'ok', check: 'scheduler', message: `${scheduler}: ${spec.commands.map((c) => which(c)).join(', ')}` });
  for (const probe of spec.probes) {
    const argv = probe(settings);
    const result = await tryCommand(argv, timeoutMs);
    const shown = argv.join(' ');
    if (result.ok) {
      findings.push({ code: DoctorCodes.Ok, status: 'ok', check: 'scheduler', message: `${shown} answered${result.output ? `: ${firstLine(result.output)}` : ''}` });
    } else {
      findings.push({
        code: DoctorCodes.SchedulerNoAnswer, status: 'error', check: 'scheduler',
        message: `${shown} ${result.timedOut ? `did not answer within ${timeoutMs / 1000} s` : 'failed'}${result.output ? `: ${firstLine(result.output)}` : ''}`,
        hint: `check that the ${scheduler} controller is up and reachable from here (${scheduler === 'slurm' ? 'scontrol ping; ' : ''}ask your cluster's admins), and that the partition/queue in the config exists`,
      });
    }
  }
  return findings;
}

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
