import { join } from 'node:path';
import {
  cancelAndWaitForEnd, checkSubmitArguments, checkSubmitTemplate, describeValue, ErrorCodes, JobState, ProviderOptionReader, renderSubmitScript,
  runSchedulerCommand, SubmitScriptFolder, TERMINAL_JOB_STATES, withLauncherInstance,
  type BlockCountOptions, type ExecutionProvider, type JobStatus, type Launcher, type Logger, type SchedulerCommandResult,
} from '@parsl-ts/core';
import { builtinSrunLauncher } from './builtinLauncher.js';
import { formatJobRef, parseJobRef, parseSbatchOutput, type SlurmJobRef } from './jobId.js';
import { directiveValue } from './options.js';
import { SlurmCommandError, sbatchHint } from './SlurmCommandError.js';
import { parseScontrolJob, parseSqueue, saysInvalidJobId, SQUEUE_FORMAT, type SlurmJobReport } from './slurmOutput.js';
import { mapSlurmState } from './slurmStates.js';
import { DEFAULT_TEMPLATE, formatSlurmTime, sbatchDirectives } from './submitScript.js';

/**
 * Options of {@link SlurmProvider}: plain data (a `launcher` object aside), with Parsl's defaults.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const options: SlurmProviderOptions = { partition: 'debug', nodesPerBlock: 2, walltime: '01:00:00', maxBlocks: 4 };
 * ```
 */
export interface SlurmProviderOptions extends BlockCountOptions {
  /** Name in logs. Default `slurm`. */
  readonly label?: string;
  /** Partition (`--partition`). Default: the cluster's default partition. */
  readonly partition?: string;
  /** Account to charge (`--account`). Default: your default account. */
  readonly account?: string;
  /** Quality of service (`--qos`). Default: the account's default. */
  readonly qos?: string;
  /** Node features (`--constraint`, e.g. `'haswell&ib'`). Default none. */
  readonly constraint?: string;
  /** Longest a block may run: seconds, `HH:MM:SS` or `D-HH:MM:SS`. Slurm rounds it up to whole minutes. Default `00:10:00`, as Parsl. */
  readonly walltime?: number | string;
  /** Nodes per block (`--nodes`). Default 1. */
  readonly nodesPerBlock?: number;
  /** Cores per node: asks for `--cpus-per-task=floor(coresPerNode / tasksPerNode)`, and tells the executor. Default: not asked for. */
  readonly coresPerNode?: number;
  /** Memory per node in MB (`--mem=<n>M`); the executor may use it to size workers. Default: not asked for. */
  readonly memPerNode?: number;
  /** Whole nodes for each block (`--exclusive`). Default true, as Parsl. */
  readonly exclusive?: boolean;
  /** Extra lines for the script's header, typically `#SBATCH ...` lines (e.g. `'#SBATCH --gpus-per-node=4'`). Default none. */
  readonly schedulerOptions?: string;
  /** Shell text run in the job before the command (`module load ...`, `source venv/bin/activate`). Default none. */
  readonly workerInit?: string;
  /**
   * Wraps the command so that it runs on every node of the block (a {@link Launcher}, e.g.
   * `new SrunLauncher()` from `@parsl-ts/launchers`). Default: a built-in launcher that behaves
   * like `SrunLauncher` (one srun step, `tasksPerNode` tasks on each node).
   */
  readonly launcher?: Launcher;
  /**
   * The submit script, with `{{placeholders}}` (see the README for the list). It must start with
   * `#!` and contain `{{command}}`. Default: `#!/bin/bash`, the `#SBATCH` directives,
   * `schedulerOptions`, `export JOBNAME=...`, `env`, `workerInit`, then the wrapped command.
   */
  readonly template?: string;
  /** Extra environment variables, exported by the submit script. */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Where submit scripts and the jobs' stdout/stderr files go; every node must see it (a shared
   * file system). Default: `submit_scripts` in the executor's run directory, or else a new folder
   * in the system's temporary directory.
   */
  readonly scriptDir?: string;
  /** Seconds any Slurm command (sbatch, squeue, scontrol, scancel) may take before it is killed and counts as failed. Default 30. */
  readonly cmdTimeout?: number;
  /** How often the executor should poll `status`, in seconds. Default 60, as Parsl (squeue loads slurmctld). */
  readonly statusPollingInterval?: number;
  /** Seconds `cancelAll` waits for the cancelled jobs to leave the queue. Default 15. */
  readonly cancelWait?: number;
}

/**
 * What an executor tells its provider when it starts.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * provider.init({ runDir: context.runDir, logger: context.logger });
 * ```
 */
export interface SlurmProviderContext {
  /** The executor's run directory; scripts go to `<runDir>/submit_scripts` unless `scriptDir` was set. */
  readonly runDir?: string;
  /** Logger for submissions, sbatch warnings, state changes and cancellations. */
  readonly logger?: Logger;
}

const OPTION_KEYS = [
  'label', 'partition', 'account', 'qos', 'constraint', 'walltime', 'nodesPerBlock', 'coresPerNode', 'memPerNode', 'exclusive',
  'schedulerOptions', 'workerInit', 'launcher', 'initBlocks', 'minBlocks', 'maxBlocks', 'parallelism', 'template', 'env',
  'scriptDir', 'cmdTimeout', 'statusPollingInterval', 'cancelWait',
];

/** A job this provider submitted. */
interface Job {
  readonly ref: SlurmJobRef;
  readonly name: string;
  readonly scriptPath: string;
  readonly stdoutPath: string;
  readonly stderrPath: string;
  /** Set by our own cancel, so that CANCELLED says who did it. */
  cancelledByUs: boolean;
  /** The last status, kept once it is terminal (Slurm forgets finished jobs after MinJobAge). */
  last?: JobStatus;
}

/** How cancelAll's log lines name things. */
const SCANCEL_WORDS = { scheduler: 'Slurm', command: 'scancel', cancel: 'cancel', cancelling: 'cancelling', cancelled: 'cancelled' } as const;

/** At most this many `scontrol show job` calls at once (one per job gone from squeue). */
const SCONTROL_PARALLEL = 4;

function fileName(jobName: string): string {
  const cleaned = jobName.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_').slice(0, 100);
  return cleaned === '' ? 'job' : cleaned;
}

/**
 * Gets blocks from Slurm, as Parsl's `SlurmProvider`. Each block is one batch job: a submit script
 * (`<scriptDir>/<jobName>.submit`: the `#SBATCH` directives, `schedulerOptions`, `env`,
 * `workerInit`, then the command wrapped by the launcher) given to `sbatch --parsable`, whose
 * output (`123`, or `123;cluster`) is the job id.
 *
 * `status` asks one `squeue --states=all` for every job at once (state, reason and exit code in the
 * same call); jobs it no longer lists are looked up with `scontrol show job`, and a job that has
 * ended keeps its last status here, so a job Slurm has forgotten still reads as it ended. Slurm's
 * states map to core's as documented in the README (e.g. `PD` pending, `PD (JobHeldUser)` held,
 * `R`/`CG` running, `CD` completed, `F`/`NF`/`OOM` failed, `CA` cancelled, `TO` timeout).
 * `cancel` is one `scancel`; `cancelAll` cancels every job still active and waits (up to
 * `cancelWait`) until none is left in the queue.
 *
 * Every command runs without a shell, with a time limit (`cmdTimeout`). A command that fails
 * raises {@link SlurmCommandError} (`PARSL_PROVIDER_SUBMIT` for sbatch, `PARSL_PROVIDER_COMMAND`
 * otherwise) quoting the command line, its exit status and stderr.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const provider = new SlurmProvider({ partition: 'debug', nodesPerBlock: 2, walltime: '00:30:00', launcher: new SrunLauncher() });
 * const id = await provider.submit('parsl-ts-worker-pool ...', 1, 'block-0'); // '123'
 * const [status] = await provider.status([id]);                                // { state: 'running', schedulerState: 'RUNNING', ... }
 * await provider.cancelAll();
 * ```
 */
export class SlurmProvider implements ExecutionProvider {
  /** Name in logs. */
  readonly label: string;
  /** Partition, when set. */
  readonly partition: string | undefined;
  /** Account, when set. */
  readonly account: string | undefined;
  /** QOS, when set. */
  readonly qos: string | undefined;
  /** Node features, when set. */
  readonly constraint: string | undefined;
  /** Walltime of a block, in seconds. */
  readonly walltimeSeconds: number;
  /** Nodes per block. */
  readonly nodesPerBlock: number;
  /** Cores per node, when set. */
  readonly coresPerNode: number | undefined;
  /** Memory per node in MB, when set. */
  readonly memPerNode: number | undefined;
  /** Whether blocks get whole nodes. */
  readonly exclusive: boolean;
  /** Extra header lines. */
  readonly schedulerOptions: string;
  /** Shell text run before the command. */
  readonly workerInit: string;
  /** The launcher that wraps the command. */
  readonly launcher: Launcher;
  /** Blocks to start with. */
  readonly initBlocks: number;
  /** Blocks to keep even when idle. */
  readonly minBlocks: number;
  /** Never more blocks than this. */
  readonly maxBlocks: number;
  /** Slots provisioned per outstanding task the strategy aims for. */
  readonly parallelism: number;
  /** The submit script template. */
  readonly template: string;
  /** Extra environment of the jobs. */
  readonly env: Readonly<Record<string, string>>;
  /** Seconds a Slurm command may take. */
  readonly cmdTimeout: number;
  /** How often to poll status, in seconds. */
  readonly statusPollingInterval: number;
  /** Seconds cancelAll waits for cancelled jobs to leave the queue. */
  readonly cancelWait: number;

  readonly #scripts: SubmitScriptFolder;
  #logger: Logger | undefined;
  readonly #jobs = new Map<string, Job>();

  constructor(options: SlurmProviderOptions = {}) {
    const o = new ProviderOptionReader('SlurmProvider', options, "{ partition: 'debug' }");
    o.onlyKeys(OPTION_KEYS);
    this.label = o.string('label', 'slurm', true);
    this.partition = directiveValue(o, 'partition', 'debug');
    this.account = directiveValue(o, 'account', 'my-project');
    this.qos = directiveValue(o, 'qos', 'normal');
    this.constraint = directiveValue(o, 'constraint', 'haswell');
    this.walltimeSeconds = o.walltime(600, { allowDays: true, hint: "give seconds (3600), 'HH:MM:SS' ('01:00:00') or 'D-HH:MM:SS' ('2-00:00:00')" });
    this.nodesPerBlock = o.wholeNumber('nodesPerBlock', 1, 1);
    this.coresPerNode = o.wholeNumber('coresPerNode', undefined, 1);
    this.memPerNode = o.wholeNumber('memPerNode', undefined, 1);
    this.exclusive = o.boolean('exclusive', true);
    this.schedulerOptions = o.string('schedulerOptions', '');
    this.workerInit = o.string('workerInit', '');
    const blocks = o.blockCounts();
    this.initBlocks = blocks.initBlocks;
    this.minBlocks = blocks.minBlocks;
    this.maxBlocks = blocks.maxBlocks;
    this.parallelism = blocks.parallelism;
    this.template = o.string('template', DEFAULT_TEMPLATE, true);
    checkSubmitTemplate('SlurmProvider', this.template, 'sbatch refuses a script without one');
    this.env = o.env();
    this.cmdTimeout = o.number('cmdTimeout', 30, 0, Infinity, true);
    this.statusPollingInterval = o.number('statusPollingInterval', 60, 0, Infinity, true);
    this.cancelWait = o.number('cancelWait', 15, 0, Infinity);
    this.#scripts = new SubmitScriptFolder({ owner: 'SlurmProvider', configured: o.string('scriptDir', ''), tempPrefix: 'parsl-ts-slurm-', sharedWithNodes: true });
    this.launcher = o.launcher(builtinSrunLauncher, 'SrunLauncher');
  }

  /**
   * Build a provider from config-file options, where `launcher` may be a plugin entry
   * (`{ package, export?, options? }`), loaded through core and resolved from the working
   * directory. The plugin factory uses this.
   *
   * @since 0.1.0
   * @example
   * ```ts
   * const p = await SlurmProvider.fromOptions({ partition: 'debug', launcher: { package: '@parsl-ts/launchers', export: 'SrunLauncher' } });
   * ```
   */
  static async fromOptions(options: Readonly<Record<string, unknown>>): Promise<SlurmProvider> {
    return new SlurmProvider(await withLauncherInstance(options) as SlurmProviderOptions);
  }

  /**
   * Tell the provider where the executor's run directory is and where to log. Submit scripts then
   * go to `<runDir>/submit_scripts` (unless `scriptDir` was set). Executors call it before the
   * first submit.
   *
   * @since 0.1.0
   * @example
   * ```ts
   * provider.init({ runDir: context.runDir, logger: context.logger });
   * ```
   */
  init(context: SlurmProviderContext): void {
    if (context.logger) this.#logger = context.logger;
    this.#scripts.useRunDir(context.runDir);
  }

  /** The folder submit scripts and job output go to (created on the first submit). */
  get scriptDir(): string {
    return this.#scripts.path;
  }

  /**
   * The submit script this provider would write for a job, without submitting anything: to check
   * a configuration, or to run it by hand with sbatch.
   *
   * @since 0.1.0
   * @example
   * ```ts
   * console.log(new SlurmProvider({ partition: 'debug' }).renderScript('hostname', 1, 'try'));
   * ```
   */
  renderScript(command: string, tasksPerNode: number, jobName: string): string {
    const name = fileName(String(jobName));
    return this.#scriptText(command, tasksPerNode, name, join(this.scriptDir, `${name}.stdout`), join(this.scriptDir, `${name}.stderr`));
  }

  /**
   * Write the submit script and give it to `sbatch --parsable`; resolves with the job id (`123`,
   * or `123;cluster`). Rejects with {@link SlurmCommandError} (`PARSL_PROVIDER_SUBMIT`) quoting
   * sbatch when it refuses the job, fails or does not answer within `cmdTimeout`.
   */
  async submit(command: string, tasksPerNode: number, jobName: string): Promise<string> {
    checkSubmitArguments('SlurmProvider', command, tasksPerNode);
    const dir = this.#scripts.create();
    const { name, scriptPath } = this.#scripts.write(fileName(String(jobName)), '.submit',
      (name) => this.#scriptText(command, tasksPerNode, name, join(dir, `${name}.stdout`), join(dir, `${name}.stderr`)));
    const result = await this.#run('sbatch', ['--parsable', scriptPath]);
    if (result.exitCode !== 0) {
      throw new SlurmCommandError(ErrorCodes.ProviderSubmit, `sbatch refused the block ${name}`, result, sbatchHint(result));
    }
    const ref = parseSbatchOutput(result.stdout);
    if (!ref) {
      throw new SlurmCommandError(ErrorCodes.ProviderSubmit, `sbatch printed no job id for the block ${name}`, result,
        'sbatch --parsable should print the job id (`123` or `123;cluster`); a site submit filter may have changed its output. A job may have been submitted: look for it with squeue');
    }
    const jobId = formatJobRef(ref);
    this.#jobs.set(jobId, {
      ref, name, scriptPath, stdoutPath: join(dir, `${name}.stdout`), stderrPath: join(dir, `${name}.stderr`), cancelledByUs: false,
    });
    if (result.stderr.trim() !== '') this.#logger?.warn({ jobId, stderr: result.stderr.trim() }, `sbatch accepted ${name} as job ${jobId} with warnings`);
    this.#logger?.info({ jobId, script: scriptPath }, `Slurm job ${jobId} submitted (${name})`);
    return jobId;
  }

  /**
   * Status of each job, in order. One `squeue --states=all` for all of them; jobs it does not list
   * are looked up with `scontrol show job`; `missing` for a job Slurm does not know (never
   * submitted, or forgotten before this provider saw it end). Rejects with
   * {@link SlurmCommandError} (`PARSL_PROVIDER_COMMAND`) when squeue fails or prints what it cannot read.
   */
  async status(jobIds: readonly string[]): Promise<JobStatus[]> {
    const refs = jobIds.map((id) => parseJobRef(String(id)));
    const toAsk = new Map<string, Map<string, SlurmJobRef>>(); // cluster ('' = none) -> id -> ref
    for (const ref of refs) {
      if (!ref || this.#ended(formatJobRef(ref))) continue;
      const cluster = ref.cluster ?? '';
      if (!toAsk.has(cluster)) toAsk.set(cluster, new Map());
      toAsk.get(cluster)!.set(ref.id, ref);
    }
    const reports = new Map<string, SlurmJobReport | null>(); // formatted id -> report (null: Slurm does not know it)
    for (const [cluster, byId] of toAsk) {
      const found = await this.#squeue([...byId.keys()], cluster);
      const absent = [...byId.values()].filter((ref) => !found.has(ref.id));
      for (const [id, report] of found) if (byId.has(id)) reports.set(formatJobRef(byId.get(id)!), report);
      for (let i = 0; i < absent.length; i += SCONTROL_PARALLEL) {
        const batch = absent.slice(i, i + SCONTROL_PARALLEL);
        const answers = await Promise.all(batch.map((ref) => this.#scontrol(ref)));
        batch.forEach((ref, k) => reports.set(formatJobRef(ref), answers[k]!));
      }
    }
    return refs.map((ref, i) => {
      if (!ref) return { state: JobState.missing, message: `${describeValue(jobIds[i])} is not a Slurm job id` };
      const jobId = formatJobRef(ref);
      const job = this.#jobs.get(jobId);
      if (job?.last && this.#ended(jobId)) return job.last;
      const report = reports.get(jobId);
      const status = report ? this.#toStatus(report, job) : this.#forgotten(jobId, job);
      if (job) {
        if (job.last?.state !== status.state) {
          this.#logger?.info({ jobId, state: status.state, schedulerState: status.schedulerState }, `Slurm job ${jobId}: ${status.message}`);
        }
        job.last = status;
      }
      return status;
    });
  }

  /**
   * Cancel jobs with one `scancel`. True for each job cancelled or already ended (scancel accepts
   * finished and unknown ids silently); false for a job scancel names in an error, and for ids that
   * are not Slurm job ids. Does not wait for the jobs to end (see {@link SlurmProvider.cancelAll}).
   */
  async cancel(jobIds: readonly string[]): Promise<boolean[]> {
    const refs = jobIds.map((id) => parseJobRef(String(id)));
    const byCluster = new Map<string, SlurmJobRef[]>();
    for (const ref of refs) {
      if (!ref) continue;
      const job = this.#jobs.get(formatJobRef(ref));
      if (this.#ended(formatJobRef(ref))) continue;
      if (job) job.cancelledByUs = true;
      const list = byCluster.get(ref.cluster ?? '') ?? [];
      list.push(ref);
      byCluster.set(ref.cluster ?? '', list);
    }
    const refused = new Set<string>();
    for (const [cluster, list] of byCluster) {
      for (const id of await this.#scancel(list.map((ref) => ref.id), cluster)) {
        const jobId = formatJobRef({ id, ...(cluster ? { cluster } : {}) });
        refused.add(jobId);
        const job = this.#jobs.get(jobId);
        if (job) job.cancelledByUs = false;
      }
    }
    return refs.map((ref) => ref !== undefined && !refused.has(formatJobRef(ref)));
  }

  /**
   * Cancel every job this provider submitted that has not ended, and wait (at most `cancelWait`
   * seconds) until Slurm reports each of them ended. Executors call it when they shut down. If one
   * `scancel` for all of them fails, each job is cancelled on its own, so one bad job cannot keep
   * the others running. Returns the ids it cancelled.
   *
   * @since 0.1.0
   * @example
   * ```ts
   * await provider.cancelAll(); // e.g. in the executor's shutdown()
   * ```
   */
  async cancelAll(): Promise<string[]> {
    const active = [...this.#jobs.keys()].filter((id) => !this.#ended(id));
    if (active.length === 0) return [];
    await cancelAndWaitForEnd(this, active, { waitSeconds: this.cancelWait, logger: this.#logger, words: SCANCEL_WORDS });
    return active;
  }

  async #squeue(ids: readonly string[], cluster: string): Promise<Map<string, SlurmJobReport>> {
    const args = ['--noheader', '--states=all', `--jobs=${ids.join(',')}`, `--Format=${SQUEUE_FORMAT}`, ...(cluster ? [`--clusters=${cluster}`] : [])];
    const result = await this.#run('squeue', args);
    // A list of ids none of which Slurm knows: rc 1 and "Invalid job id specified" (for one id).
    if (result.exitCode !== 0 && !result.timedOut && saysInvalidJobId(result.stderr)) return new Map();
    if (result.exitCode !== 0) {
      throw new SlurmCommandError(ErrorCodes.ProviderCommand, 'squeue failed', result,
        result.spawnError?.code === 'ENOENT' ? 'squeue is not on PATH: run the workflow where Slurm\'s client commands are installed'
          : 'check that slurmctld answers (`scontrol ping`); the next poll tries again');
    }
    const { jobs, unreadable } = parseSqueue(result.stdout);
    if (unreadable.length > 0) {
      throw new SlurmCommandError(ErrorCodes.ProviderCommand, `squeue printed ${unreadable.length} line(s) this provider cannot read`, result,
        'this provider reads `squeue --Format` with field suffixes (Slurm 22.05 prints it); report the lines above with your Slurm version');
    }
    return jobs;
  }

  /** One job squeue did not list: `scontrol show job`. null when Slurm does not know it. */
  async #scontrol(ref: SlurmJobRef): Promise<SlurmJobReport | null> {
    const result = await this.#run('scontrol', ['--oneliner', ...(ref.cluster ? [`--clusters=${ref.cluster}`] : []), 'show', 'job', ref.id]);
    if (result.exitCode !== 0 && !result.timedOut && saysInvalidJobId(result.stderr)) return null;
    const report = result.exitCode === 0 ? parseScontrolJob(result.stdout) : undefined;
    if (!report) {
      const error = new SlurmCommandError(ErrorCodes.ProviderCommand, `scontrol could not tell the state of job ${formatJobRef(ref)}`, result,
        'check that slurmctld answers (`scontrol ping`); the next poll tries again');
      this.#logger?.warn({ err: error, jobId: formatJobRef(ref) }, error.message);
      return { id: ref.id, state: 'UNKNOWN', reason: error.message };
    }
    return report;
  }

  /** scancel the ids; returns those scancel named in an error. */
  async #scancel(ids: readonly string[], cluster: string): Promise<string[]> {
    if (ids.length === 0) return [];
    const result = await this.#run('scancel', [...(cluster ? [`--clusters=${cluster}`] : []), ...ids]);
    if (result.exitCode === 0) {
      this.#logger?.info({ jobIds: ids }, `scancel ${ids.join(' ')}`);
      return [];
    }
    const refused: string[] = [];
    let attributed = false;
    for (const line of result.stderr.split('\n')) {
      const match = /job(?: id)? (\d+(?:_\d+)?)/i.exec(line);
      if (!match || !ids.includes(match[1]!)) continue;
      attributed = true;
      // Already over, or unknown: nothing left to cancel.
      if (!/already completing or completed|invalid job id|already done/i.test(line)) refused.push(match[1]!);
    }
    if (!attributed) {
      throw new SlurmCommandError(ErrorCodes.ProviderCommand, `scancel failed for job(s) ${ids.join(', ')}`, result,
        result.spawnError?.code === 'ENOENT' ? 'scancel is not on PATH: run the workflow where Slurm\'s client commands are installed'
          : 'check that slurmctld answers (`scontrol ping`), then cancel the jobs by hand with scancel');
    }
    if (refused.length > 0) this.#logger?.warn({ jobIds: refused, stderr: result.stderr.trim() }, 'scancel refused some jobs');
    return refused;
  }

  #toStatus(report: SlurmJobReport, job: Job | undefined): JobStatus {
    const { state, long } = mapSlurmState(report.state, report.reason);
    const reason = report.reason && report.reason !== 'None' ? report.reason : undefined;
    const terminal = TERMINAL_JOB_STATES.has(state);
    const exitCode = !terminal ? undefined : report.signal !== undefined && report.exitCode === 0 ? 128 + report.signal : report.exitCode;
    let message: string;
    switch (state) {
      case JobState.pending: message = `pending in Slurm (${long}${reason ? `, reason ${reason}` : ''})`; break;
      case JobState.held: message = `held in Slurm (${long}${reason ? `, reason ${reason}` : ''}); release it with scontrol release ${report.id}`; break;
      case JobState.running: message = long === 'RUNNING' ? 'running' : `running (${long})`; break;
      case JobState.completed: message = `completed (${long}, exit status ${report.exitCode ?? 0})`; break;
      case JobState.cancelled: message = job?.cancelledByUs ? `cancelled by this provider (${long})` : `cancelled from outside, e.g. by scancel or an administrator (${long}${reason ? `, ${reason}` : ''})`; break;
      case JobState.timeout: message = `ended at its walltime of ${formatSlurmTime(this.walltimeSeconds)} (${long})`; break;
      case JobState.failed: {
        const how = report.signal !== undefined ? `killed by signal ${report.signal}` : `exit status ${report.exitCode ?? 'unknown'}`;
        message = `failed in Slurm (${long}${reason ? `, ${reason}` : ''}, ${how})${job ? `; see ${job.stderrPath}` : ''}`;
        break;
      }
      default: message = `Slurm reports state ${long}${reason ? ` (${reason})` : ''}`;
    }
    return {
      state, schedulerState: long, message,
      ...(exitCode !== undefined ? { exitCode } : {}),
      ...(job ? { stdoutPath: job.stdoutPath, stderrPath: job.stderrPath } : {}),
    };
  }

  /** True once this provider has seen the job end (its status will not change again). */
  #ended(jobId: string): boolean {
    const last = this.#jobs.get(jobId)?.last;
    return last !== undefined && TERMINAL_JOB_STATES.has(last.state);
  }

  #forgotten(jobId: string, job: Job | undefined): JobStatus {
    return {
      state: JobState.missing,
      message: job
        ? `Slurm no longer knows job ${jobId} (it forgets finished jobs MinJobAge seconds after they end, 300 by default; last seen ${job.last?.schedulerState ?? 'never'})`
        : `Slurm does not know job ${jobId}`,
      ...(job ? { stdoutPath: job.stdoutPath, stderrPath: job.stderrPath } : {}),
    };
  }

  #run(program: string, args: readonly string[]): Promise<SchedulerCommandResult> {
    return runSchedulerCommand(program, args, { timeoutMs: this.cmdTimeout * 1000 });
  }

  #scriptText(command: string, tasksPerNode: number, name: string, stdoutPath: string, stderrPath: string): string {
    const directives = sbatchDirectives({
      jobName: name, stdoutPath, stderrPath, nodesPerBlock: this.nodesPerBlock, tasksPerNode, walltimeSeconds: this.walltimeSeconds,
      exclusive: this.exclusive,
      ...(this.partition ? { partition: this.partition } : {}),
      ...(this.account ? { account: this.account } : {}),
      ...(this.qos ? { qos: this.qos } : {}),
      ...(this.constraint ? { constraint: this.constraint } : {}),
      ...(this.coresPerNode !== undefined ? { coresPerNode: this.coresPerNode } : {}),
      ...(this.memPerNode !== undefined ? { memPerNode: this.memPerNode } : {}),
    });
    return renderSubmitScript(this, {
      directives, jobName: name, command, tasksPerNode, walltime: formatSlurmTime(this.walltimeSeconds), scriptDir: this.scriptDir, stdoutPath, stderrPath,
    });
  }
}
