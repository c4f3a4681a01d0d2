import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '@parsl-ts/core';

/**
 * Workers from the cctools factory (`work_queue_factory` / `vine_factory`), which submits worker
 * jobs to a batch system as the manager needs them (see the option `factory` of the executor).
 * Its workers start the cctools worker alone, so JavaScript tasks start Node.js for every task
 * on them (no runner pool).
 *
 * @since 0.1.0
 */
export interface WorkerFactoryOptions {
  /** The factory's batch system (`-T`): `slurm`, `condor`, `sge`, `pbs`, `local`, ... */
  batchType: string;
  /** Workers kept running (`--min-workers`). Default 1. */
  minWorkers?: number;
  /** Most workers (`--max-workers`). Default 10. */
  maxWorkers?: number;
  /** Cores per worker (`--cores`). Default: the executor's `workerCores`. */
  workerCores?: number;
  /** More factory options (e.g. `['--batch-options', '--partition=debug']`). Do not pass `--memory` to Debian's build with Slurm: its sbatch line is refused. */
  options?: readonly string[];
  /** The factory program. Default `vine_factory` for TaskVine, `work_queue_factory` for Work Queue. */
  command?: string;
}

/** A running factory process. */
export class WorkerFactory {
  private constructor(private readonly child: ChildProcess, private readonly logger: Logger | undefined) {}

  /** Start the factory toward the manager at `address:port`; its output goes to `factory.log` in `runDir`. */
  static start(options: WorkerFactoryOptions, manager: {
    readonly address: string; readonly port: number; readonly passwordFile: string | undefined; readonly backend: 'taskvine' | 'workqueue';
    readonly workerCores: number; readonly idleTimeout: number; readonly runDir: string; readonly logger: Logger | undefined;
  }): WorkerFactory {
    const scratch = join(manager.runDir, 'factory');
    mkdirSync(scratch, { recursive: true });
    const command = options.command ?? (manager.backend === 'taskvine' ? 'vine_factory' : 'work_queue_factory');
    const args = [
      '-T', options.batchType,
      '--min-workers', String(options.minWorkers ?? 1), '--max-workers', String(options.maxWorkers ?? 10),
      '--cores', String(options.workerCores ?? manager.workerCores), '-t', String(manager.idleTimeout),
      '--scratch-dir', scratch,
      ...(manager.passwordFile ? ['--password', manager.passwordFile] : []),
      ...(options.options ?? []),
      manager.address, String(manager.port),
    ];
    const log = openSync(join(manager.runDir, 'factory.log'), 'a');
    let child: ChildProcess;
    try {
      // A process group of its own: stopping the factory stops the workers it runs locally too.
      child = spawn(command, args, { stdio: ['ignore', log, log], detached: true, env: { USER: 'parsl-ts', ...process.env } });
    } finally {
      closeSync(log);
    }
    child.on('error', (error) => manager.logger?.error({ err: error }, `cannot run ${command}: ${error.message}`));
    child.on('exit', (code, signal) => manager.logger?.info(`${command} exited (${signal ?? `exit code ${code}`})`));
    manager.logger?.info({ command, args }, `started ${command} -T ${options.batchType} toward port ${manager.port}`);
    return new WorkerFactory(child, manager.logger);
  }

  /** Stop the factory (it removes the workers it started); killed after `timeoutMs`. */
  async stop(timeoutMs: number): Promise<void> {
    const child = this.child;
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const signal = (name: NodeJS.Signals): void => {
      try { process.kill(-child.pid!, name); } catch { /* gone */ }
    };
    signal('SIGTERM');
    const timer = setTimeout(() => signal('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
    this.logger?.info('factory stopped');
  }
}
