import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';
import {
  builtinSingleNodeLauncher, checkSubmitArguments, ConfigError, ErrorCodes, JobState, ProviderOptionReader, shellQuote, SubmitScriptFolder,
  withLauncherInstance,
  type BlockCountOptions, type ExecutionProvider, type JobStatus, type Launcher, type Logger,
} from '@parsl-ts/core';

/**
 * Options of {@link LocalProvider}: plain data, with Parsl's defaults.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const options: LocalProviderOptions = { maxBlocks: 3, workerInit: 'source ~/venv/bin/activate', walltime: '01:00:00' };
 * ```
 */
export interface LocalProviderOptions extends BlockCountOptions {
  /** Name in logs. Default `local`. */
  readonly label?: string;
  /** "Nodes" per block: the launcher starts `tasksPerNode × nodesPerBlock` copies here. Default 1. */
  readonly nodesPerBlock?: number;
  /**
   * Longest a block may run: seconds, or `HH:MM:SS`. A block over it is killed (its whole process
   * group) and reported as `timeout`. Default: no limit (Parsl's LocalProvider does not enforce one).
   */
  readonly walltime?: number | string;
  /** Shell text run in the submit script before the command (`module load ...`, `source venv/bin/activate`). Default none. */
  readonly workerInit?: string;
  /**
   * Wraps the command (a {@link Launcher}, e.g. `new SingleNodeLauncher()` from
   * `@parsl-ts/launchers`). Default: a built-in single-node launcher that behaves like
   * `SingleNodeLauncher` (copies in the background, waits for all, status of the first failure).
   */
  readonly launcher?: Launcher;
  /**
   * Where submit scripts and the jobs' stdout/stderr files go. Default: `submit_scripts` in the
   * executor's run directory (given through {@link LocalProvider.init}), or else a new folder in
   * the system's temporary directory.
   */
  readonly scriptDir?: string;
  /** Seconds that starting a job, or a job's exit after SIGKILL, may take before it counts as failed. Default 30, as Parsl. */
  readonly cmdTimeout?: number;
  /** Seconds between SIGTERM and SIGKILL when a job is cancelled or over its walltime. Default 5. */
  readonly cancelGrace?: number;
  /** How often the executor should poll `status`, in seconds. Default 5, as Parsl. */
  readonly statusPollingInterval?: number;
  /** Extra environment variables for the jobs (added to this process's environment). */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * What an executor tells its provider when it starts: where its run directory is and where to
 * log. Executors call {@link LocalProvider.init} with it before the first `submit`.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * provider.init({ runDir: context.runDir, logger: context.logger });
 * ```
 */
export interface LocalProviderContext {
  /** The executor's run directory; submit scripts go to `<runDir>/submit_scripts` unless `scriptDir` was set. */
  readonly runDir?: string;
  /** Logger for submissions, exits, timeouts and cancellations. */
  readonly logger?: Logger;
}

const OPTION_KEYS = [
  'label', 'initBlocks', 'minBlocks', 'maxBlocks', 'parallelism', 'nodesPerBlock', 'walltime', 'workerInit', 'launcher',
  'scriptDir', 'cmdTimeout', 'cancelGrace', 'statusPollingInterval', 'env',
];

interface Job {
  readonly id: string;
  readonly name: string;
  readonly pid: number;
  readonly scriptPath: string;
  readonly stdoutPath: string;
  readonly stderrPath: string;
  state: JobState;
  exitCode?: number;
  message?: string;
  /** Why we are stopping it, once we are. */
  stopping?: 'cancelled' | 'timeout';
  walltimeTimer?: NodeJS.Timeout;
  readonly exited: Promise<void>;
  readonly markExited: () => void;
}

/** Job ids are unique within the process: `local-1`, `local-2`, ... */
let jobCounter = 0;

/** Process groups of every running job of every LocalProvider in this process. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

/** Last resort when the process exits without cancelling its jobs: kill their groups (synchronously). */
function killLiveGroups(): void {
  for (const pgid of liveGroups) signalGroup(pgid, 'SIGKILL');
  liveGroups.clear();
}

function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is gone
  }
}

function within(promise: Promise<void>, ms: number): Promise<boolean> {
  return new Promise((done) => {
    const timer = setTimeout(() => done(false), ms);
    void promise.then(() => { clearTimeout(timer); done(true); });
  });
}

function fileName(jobName: string): string {
  const cleaned = jobName.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_').slice(0, 100);
  return cleaned === '' ? 'job' : cleaned;
}

/**
 * Runs blocks on this machine: each job is a bash submit script (`<scriptDir>/<jobName>.sh`:
 * `workerInit`, then the command wrapped by the launcher) started in its own process group, with
 * stdout and stderr in `<jobName>.stdout` and `<jobName>.stderr`. `status` answers from the
 * provider's own tracking of its child processes (never a command that could hang); `cancel` and
 * the walltime kill the whole process group (SIGTERM, then SIGKILL after `cancelGrace`).
 *
 * Nothing outlives it: when a job's script ends, what it left running in its group is killed (as a
 * batch scheduler does at the end of a job); {@link LocalProvider.cancelAll} stops every job; jobs
 * still running when this process exits are killed, and each job also stops itself when the
 * process that submitted it dies (even by SIGKILL), within a few seconds. Running jobs do not keep
 * the Node.js process alive. Processes that leave the job's process group on purpose (`setsid`,
 * daemons) are outside its reach.
 *
 * As Parsl's `LocalProvider`, with the same defaults (1 initial block, 0 to 1 blocks, parallelism 1,
 * 1 node per block, `cmdTimeout` 30 s).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const provider = new LocalProvider({ maxBlocks: 2, walltime: '00:30:00' });
 * const id = await provider.submit('echo hello from $PARSL_LAUNCHER_RANK', 2, 'block-0');
 * const [status] = await provider.status([id]); // { state: 'running', ... } then 'completed'
 * await provider.cancelAll();
 * ```
 */
export class LocalProvider implements ExecutionProvider {
  /** Name in logs. */
  readonly label: string;
  /** Blocks to start with. */
  readonly initBlocks: number;
  /** Blocks to keep even when idle. */
  readonly minBlocks: number;
  /** Never more blocks than this. */
  readonly maxBlocks: number;
  /** Slots provisioned per outstanding task the strategy aims for. */
  readonly parallelism: number;
  /** Nodes per block (copies of the command are `tasksPerNode × nodesPerBlock`). */
  readonly nodesPerBlock: number;
  /** Walltime of a block in seconds, or undefined for no limit. */
  readonly walltimeSeconds: number | undefined;
  /** How often to poll status, in seconds. */
  readonly statusPollingInterval: number;
  /** The launcher that wraps the command. */
  readonly launcher: Launcher;
  /** Shell text run before the command. */
  readonly workerInit: string;
  /** Seconds a job may take to start, or to exit after SIGKILL. */
  readonly cmdTimeout: number;
  /** Seconds between SIGTERM and SIGKILL. */
  readonly cancelGrace: number;
  /** Extra environment of the jobs. */
  readonly env: Readonly<Record<string, string>>;

  readonly #scripts: SubmitScriptFolder;
  #logger: Logger | undefined;
  readonly #jobs = new Map<string, Job>();

  constructor(options: LocalProviderOptions = {}) {
    const o = new ProviderOptionReader('LocalProvider', options, '{ maxBlocks: 2 }');
    o.onlyKeys(OPTION_KEYS);
    this.label = o.string('label', 'local', true);
    const blocks = o.blockCounts();
    this.initBlocks = blocks.initBlocks;
    this.minBlocks = blocks.minBlocks;
    this.maxBlocks = blocks.maxBlocks;
    this.parallelism = blocks.parallelism;
    this.nodesPerBlock = o.wholeNumber('nodesPerBlock', 1, 1);
    // null means no limit too, as leaving it out does.
    this.walltimeSeconds = o.raw('walltime') === null ? undefined
      : o.walltime(undefined, { hint: "give seconds (3600) or 'HH:MM:SS' ('01:00:00'), or leave it out for no limit" });
    this.workerInit = o.string('workerInit', '');
    this.cmdTimeout = o.number('cmdTimeout', 30, 0, Infinity, true);
    this.cancelGrace = o.number('cancelGrace', 5, 0, Infinity);
    this.statusPollingInterval = o.number('statusPollingInterval', 5, 0, Infinity, true);
    this.env = o.env();
    this.#scripts = new SubmitScriptFolder({ owner: 'LocalProvider', configured: o.string('scriptDir', ''), tempPrefix: 'parsl-ts-local-', sharedWithNodes: false });
    this.launcher = o.launcher(builtinSingleNodeLauncher, 'SingleNodeLauncher');
  }

  /**
   * Build a provider from config-file options, where `launcher` may be a plugin entry
   * (`{ package, export?, options? }`); it is loaded through core and resolved from the working
   * directory. The plugin factory uses this.
   *
   * @since 0.1.0
   * @example
   * ```ts
   * const p = await LocalProvider.fromOptions({ launcher: { package: '@parsl-ts/launchers', export: 'SimpleLauncher' } });
   * ```
   */
  static async fromOptions(options: Readonly<Record<string, unknown>>): Promise<LocalProvider> {
    return new LocalProvider(await withLauncherInstance(options) as LocalProviderOptions);
  }

  /**
   * Tell the provider where the executor's run directory is and where to log. Submit scripts then
   * go to `<runDir>/submit_scripts` (unless `scriptDir` was set). Call it before the first submit.
   *
   * @since 0.1.0
   * @example
   * ```ts
   * provider.init({ runDir: context.runDir, logger: context.logger });
   * ```
   */
  init(context: LocalProviderContext): void {
    if (context.logger) this.#logger = context.logger;
    this.#scripts.useRunDir(context.runDir);
  }

  /** The folder submit scripts and job output go to (created on the first submit). */
  get scriptDir(): string {
    return this.#scripts.path;
  }

  /**
   * Start a job that runs `command` through the launcher (`tasksPerNode` copies on each of
   * `nodesPerBlock` nodes) and return its id (`local-<n>`). Resolves once the process has started.
   */
  async submit(command: string, tasksPerNode: number, jobName: string): Promise<string> {
    checkSubmitArguments('LocalProvider', command, tasksPerNode);
    const wrapped = this.launcher.wrap(command, tasksPerNode, this.nodesPerBlock);
    const dir = this.#scripts.create();
    const id = `local-${++jobCounter}`;
    const { name, scriptPath } = this.#scripts.write(fileName(String(jobName)), '.sh', (name) => this.#scriptText(name, id, wrapped));
    const stdoutPath = join(dir, `${name}.stdout`);
    const stderrPath = join(dir, `${name}.stderr`);

    let out: number | undefined;
    let err: number | undefined;
    let child;
    try {
      out = openSync(stdoutPath, 'w');
      err = openSync(stderrPath, 'w');
      child = spawn('bash', [scriptPath], {
        cwd: dir, detached: true, stdio: ['ignore', out, err], env: { ...process.env, ...this.env },
      });
    } catch (cause) {
      throw this.#startError(name, cause);
    } finally {
      if (out !== undefined) closeSync(out);
      if (err !== undefined) closeSync(err);
    }
    const spawnError = new Promise<Error>((done) => child.once('error', done));
    child.on('error', (error) => this.#logger?.warn({ jobId: id, err: error }, `local job ${id}: ${error.message}`));
    if (child.pid === undefined) {
      const error = await Promise.race([spawnError, new Promise<Error>((done) => {
        setTimeout(() => done(new Error(`no process after ${this.cmdTimeout} s`)), this.cmdTimeout * 1000).unref();
      })]);
      throw this.#startError(name, error);
    }
    const pid = child.pid;
    let markExited!: () => void;
    const exited = new Promise<void>((done) => { markExited = done; });
    const job: Job = { id, name, pid, scriptPath, stdoutPath, stderrPath, state: JobState.running, exited, markExited };
    this.#jobs.set(id, job);
    liveGroups.add(pid);
    if (!exitHookInstalled) {
      process.on('exit', killLiveGroups);
      exitHookInstalled = true;
    }
    child.once('exit', (code, signal) => this.#onExit(job, code, signal));
    child.unref();
    if (this.walltimeSeconds !== undefined) {
      job.walltimeTimer = setTimeout(() => { void this.#stop(job, 'timeout'); }, this.walltimeSeconds * 1000);
      job.walltimeTimer.unref();
    }
    this.#logger?.info({ jobId: id, pid, script: scriptPath }, `local job ${id} (${name}) started as process group ${pid}`);
    return id;
  }

  /** Status of each job, in order: running, completed, failed, cancelled, timeout, or missing for ids it does not know. Never waits on anything. */
  async status(jobIds: readonly string[]): Promise<JobStatus[]> {
    return jobIds.map((id) => {
      const job = this.#jobs.get(id);
      if (!job) return { state: JobState.missing, message: `no job ${String(id)} was submitted through this provider` };
      return {
        state: job.state,
        message: job.message ?? `running as process group ${job.pid}`,
        ...(job.exitCode !== undefined ? { exitCode: job.exitCode } : {}),
        stdoutPath: job.stdoutPath,
        stderrPath: job.stderrPath,
      };
    });
  }

  /**
   * Cancel jobs: SIGTERM to each job's process group, SIGKILL after `cancelGrace` seconds.
   * Resolves when they have exited; true for each job that was cancelled or had already ended,
   * false for unknown ids (and for a job that did not exit even after SIGKILL).
   */
  async cancel(jobIds: readonly string[]): Promise<boolean[]> {
    return Promise.all(jobIds.map((id) => {
      const job = this.#jobs.get(id);
      return job ? this.#stop(job, 'cancelled') : Promise.resolve(false);
    }));
  }

  /**
   * Cancel every job of this provider that is still running, and wait for them to exit. Executors
   * call it when they shut down, so that no process is left. Returns the ids it cancelled.
   *
   * @since 0.1.0
   * @example
   * ```ts
   * await provider.cancelAll(); // e.g. in the executor's shutdown()
   * ```
   */
  async cancelAll(): Promise<string[]> {
    const running = [...this.#jobs.values()].filter((job) => job.state === JobState.running);
    await Promise.all(running.map((job) => this.#stop(job, 'cancelled')));
    return running.map((job) => job.id);
  }

  /**
   * The process id of a job's submit script, which is also its process group id; undefined for
   * unknown ids.
   *
   * @since 0.1.0
   * @example
   * ```ts
   * const pid = provider.pidOf(jobId); // kill -0 -- -$pid checks the group
   * ```
   */
  pidOf(jobId: string): number | undefined {
    return this.#jobs.get(jobId)?.pid;
  }

  #scriptText(name: string, id: string, wrapped: string): string {
    const grace = Math.max(1, Math.ceil(this.cancelGrace));
    return [
      '#!/bin/bash',
      `# Submit script of local job ${id} (${name}), written by @parsl-ts/provider-local.`,
      '# It runs in its own process group; cancelling the job kills the whole group.',
      `export JOBNAME=${shellQuote(name)}`,
      `export PARSL_LOCAL_JOB_ID=${shellQuote(id)}`,
      '',
      '# Stop this job if the process that submitted it goes away without cancelling it.',
      `_parsl_submitter=${process.pid}`,
      '( trap \'\' TERM',
      '  while kill -0 "$_parsl_submitter" 2>/dev/null; do sleep 2; done',
      `  kill -TERM -- -$$ 2>/dev/null; sleep ${grace}; kill -KILL -- -$$ 2>/dev/null ) </dev/null >/dev/null 2>&1 &`,
      '',
      '# workerInit',
      this.workerInit,
      '',
      `# The command, wrapped by the launcher (${this.launcher.name})`,
      wrapped,
      '',
    ].join('\n');
  }

  #startError(name: string, cause: unknown): ConfigError {
    return new ConfigError(`local job ${name} could not be started: ${(cause as Error)?.message ?? String(cause)}`, {
      code: ErrorCodes.ProviderSubmit, path: 'LocalProvider', cause,
      hint: 'bash must be on PATH and the script folder writable; see the cause',
    });
  }

  #onExit(job: Job, code: number | null, signal: NodeJS.Signals | null): void {
    if (job.walltimeTimer) clearTimeout(job.walltimeTimer);
    // The script is over: whatever it left behind in its group goes too (as at the end of a batch job).
    signalGroup(job.pid, 'SIGKILL');
    liveGroups.delete(job.pid);
    const exitCode = code ?? (signal ? 128 + (osConstants.signals[signal] ?? 0) : 1);
    job.exitCode = exitCode;
    const how = signal ? `killed by ${signal}` : `exit status ${exitCode}`;
    if (job.stopping === 'cancelled') {
      job.state = JobState.cancelled;
      job.message = `cancelled (${how})`;
    } else if (job.stopping === 'timeout') {
      job.state = JobState.timeout;
      job.message = `killed after its walltime of ${this.walltimeSeconds} s (${how})`;
    } else if (exitCode === 0) {
      job.state = JobState.completed;
      job.message = 'completed (exit status 0)';
    } else {
      job.state = JobState.failed;
      job.message = `failed (${how}); see ${job.stderrPath}`;
    }
    const level = job.state === JobState.completed || job.state === JobState.cancelled ? 'info' : 'warn';
    this.#logger?.[level]({ jobId: job.id, exitCode, state: job.state }, `local job ${job.id}: ${job.message}`);
    job.markExited();
  }

  async #stop(job: Job, reason: 'cancelled' | 'timeout'): Promise<boolean> {
    if (job.state !== JobState.running) return true;
    job.stopping ??= reason;
    if (reason === 'timeout') this.#logger?.warn({ jobId: job.id }, `local job ${job.id} reached its walltime of ${this.walltimeSeconds} s: killing it`);
    signalGroup(job.pid, 'SIGTERM');
    if (await within(job.exited, this.cancelGrace * 1000)) return true;
    signalGroup(job.pid, 'SIGKILL');
    if (await within(job.exited, this.cmdTimeout * 1000)) return true;
    this.#logger?.error({ jobId: job.id, pid: job.pid }, `local job ${job.id} did not exit after SIGKILL`);
    return false;
  }
}
