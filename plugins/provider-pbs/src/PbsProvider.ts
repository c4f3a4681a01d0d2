import { join } from 'node:path';
import {
  builtinSingleNodeLauncher, cancelAndWaitForEnd, checkSubmitArguments, checkSubmitTemplate, ConfigError, describeValue, ErrorCodes, JobState,
  ProviderOptionReader, renderSubmitScript, runSchedulerCommand, SubmitScriptFolder, TERMINAL_JOB_STATES,
  type BlockCountOptions, type ExecutionProvider, type JobStatus, type Launcher, type Logger, type SchedulerCommandResult,
} from '@parsl-ts/core';
import { jobKey, parseQsubOutput } from './jobId.js';
import { wordOption } from './options.js';
import { PbsCommandError, qsubHint } from './PbsCommandError.js';
import { mapPbsState, type PbsFlavor } from './pbsStates.js';
import { isGoneMessage, parseQstatFull, parseQstatJson, refusedOption, type PbsJobReport } from './qstatOutput.js';
import { DEFAULT_TEMPLATE, formatPbsTime } from './submitScript.js';

/**
 * Options both PBS providers take: plain data (a `launcher` object aside), with Parsl's defaults.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const options: PbsProviderOptions = { queue: 'debug', account: 'proj1', walltime: '01:00:00', nodesPerBlock: 2 };
 * ```
 */
export interface PbsProviderOptions extends BlockCountOptions {
  /** Name in logs. Default `pbspro` or `torque`. */
  readonly label?: string;
  /** Queue (`qsub -q`). Default: the server's default queue. */
  readonly queue?: string;
  /** Account or project to charge (`qsub -A`). Default: your default. */
  readonly account?: string;
  /** Longest a block may run: seconds or `HH:MM:SS` (`-l walltime`). Default `00:20:00`, as Parsl. */
  readonly walltime?: number | string;
  /** Nodes per block. Default 1. */
  readonly nodesPerBlock?: number;
  /** Extra lines for the script's header, typically `#PBS ...` lines (e.g. `'#PBS -l filesystems=home'`). Default none. */
  readonly schedulerOptions?: string;
  /** Shell text run in the job before the command (`module load ...`, `cd $PBS_O_WORKDIR`). Default none. */
  readonly workerInit?: string;
  /**
   * Wraps the command so that it runs on the block's nodes (a {@link Launcher}; for several nodes
   * per block, `new MpiExecLauncher()` from `@parsl-ts/launchers`, which reads `$PBS_NODEFILE`).
   * Default: a built-in launcher that behaves like `SingleNodeLauncher` (all copies on the job's
   * first node), as Parsl's default.
   */
  readonly launcher?: Launcher;
  /** The submit script, with `{{placeholders}}` (see the README). It must start with `#!` and contain `{{command}}`. */
  readonly template?: string;
  /** Extra environment variables, exported by the submit script. */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Where submit scripts and the jobs' stdout/stderr files go; every node must see it. Default:
   * `submit_scripts` in the executor's run directory, or else a new folder in the temporary directory.
   */
  readonly scriptDir?: string;
  /** Seconds any PBS command (qsub, qstat, qdel) may take before it is killed and counts as failed. Default 30. */
  readonly cmdTimeout?: number;
  /** How often the executor should poll `status`, in seconds. Default 60, as Parsl. */
  readonly statusPollingInterval?: number;
  /** Seconds `cancelAll` waits for the deleted jobs to end. Default 15. */
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
export interface PbsProviderContext {
  /** The executor's run directory; scripts go to `<runDir>/submit_scripts` unless `scriptDir` was set. */
  readonly runDir?: string;
  /** Logger for submissions, state changes and deletions. */
  readonly logger?: Logger;
}

/** The option names every PBS provider accepts. */
export const COMMON_OPTION_KEYS: readonly string[] = [
  'label', 'queue', 'account', 'walltime', 'nodesPerBlock', 'schedulerOptions', 'workerInit', 'launcher', 'initBlocks',
  'minBlocks', 'maxBlocks', 'parallelism', 'template', 'env', 'scriptDir', 'cmdTimeout', 'statusPollingInterval', 'cancelWait',
];

/** The ways of asking qstat about jobs, best first: PBS Pro's JSON with history, text with history, plain text. */
type QstatForm = 'json' | 'history' | 'text';
const QSTAT_ARGS: Readonly<Record<QstatForm, readonly string[]>> = { json: ['-f', '-F', 'json', '-x'], history: ['-f', '-x'], text: ['-f'] };

interface Job {
  readonly id: string;
  readonly name: string;
  readonly scriptPath: string;
  readonly stdoutPath: string;
  readonly stderrPath: string;
  deletedByUs: boolean;
  last?: JobStatus;
}

/** How cancelAll's log lines name things. */
const QDEL_WORDS = { scheduler: 'PBS', command: 'qdel', cancel: 'delete', cancelling: 'deleting', cancelled: 'deleted' } as const;

/** Characters Slurm's Torque wrappers carry through the shell string they build; paths with others break there. */
const SAFE_PATH = /^[A-Za-z0-9_.:@%+=,\/-]+$/;

function fileName(jobName: string): string {
  // PBS job names start with a letter.
  const cleaned = jobName.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 200);
  return /^[A-Za-z]/.test(cleaned) ? cleaned : `p${cleaned}`;
}

/**
 * What {@link PBSProProvider} and {@link TorqueProvider} share: a submit script (`#PBS`
 * directives, `schedulerOptions`, `env`, `workerInit`, the wrapped command) given to `qsub -N
 * <name> -o <stdout> -e <stderr> [-q queue] [-A account]` — output paths on qsub's command line,
 * where Slurm's Torque wrappers honour them (they ignore `#PBS -o/-e`) — whose last line that is a
 * job id (`123.server`, or a bare `123`) is the job id.
 *
 * `status` asks one `qstat -f` for every job at once; jobs are matched by number, so a server
 * suffix that differs between qsub and qstat does not matter. A job qstat no longer lists has
 * ended (Torque and PBS Pro without history drop finished jobs); an ended job keeps its last
 * status here. `cancel` is one `qdel`. Every command runs without a shell, with a time limit
 * (`cmdTimeout`); failures raise {@link PbsCommandError} quoting the command line, its exit
 * status and output.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const provider: PbsProvider = new TorqueProvider({ queue: 'batch' });
 * ```
 */
export abstract class PbsProvider implements ExecutionProvider {
  /** Name in logs. */
  readonly label: string;
  /** Queue, when set. */
  readonly queue: string | undefined;
  /** Account, when set. */
  readonly account: string | undefined;
  /** Walltime of a block, in seconds. */
  readonly walltimeSeconds: number;
  /** Nodes per block. */
  readonly nodesPerBlock: number;
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
  /** Seconds a PBS command may take. */
  readonly cmdTimeout: number;
  /** How often to poll status, in seconds. */
  readonly statusPollingInterval: number;
  /** Seconds cancelAll waits for deleted jobs to end. */
  readonly cancelWait: number;

  /** @internal Whose exit statuses to read. */
  protected abstract readonly flavor: PbsFlavor;
  /** @internal The qstat forms to try, best first. */
  protected abstract readonly qstatForms: readonly QstatForm[];
  /** The class name, for error paths. */
  protected readonly owner: string;

  readonly #scripts: SubmitScriptFolder;
  #logger: Logger | undefined;
  readonly #jobs = new Map<string, Job>(); // key -> job
  #form = 0;

  protected constructor(owner: string, defaultLabel: string, options: PbsProviderOptions, optionKeys: readonly string[]) {
    this.owner = owner;
    const o = new ProviderOptionReader(owner, options, "{ queue: 'debug' }");
    o.onlyKeys(optionKeys);
    this.label = o.string('label', defaultLabel, true);
    this.queue = wordOption(o, 'queue', 'debug');
    this.account = wordOption(o, 'account', 'my-project');
    this.walltimeSeconds = o.walltime(1200, { hint: "give seconds (3600) or 'HH:MM:SS' ('01:00:00')" });
    this.nodesPerBlock = o.wholeNumber('nodesPerBlock', 1, 1);
    this.schedulerOptions = o.string('schedulerOptions', '');
    this.workerInit = o.string('workerInit', '');
    const blocks = o.blockCounts();
    this.initBlocks = blocks.initBlocks;
    this.minBlocks = blocks.minBlocks;
    this.maxBlocks = blocks.maxBlocks;
    this.parallelism = blocks.parallelism;
    this.template = o.string('template', DEFAULT_TEMPLATE, true);
    checkSubmitTemplate(owner, this.template);
    this.env = o.env();
    this.cmdTimeout = o.number('cmdTimeout', 30, 0, Infinity, true);
    this.statusPollingInterval = o.number('statusPollingInterval', 60, 0, Infinity, true);
    this.cancelWait = o.number('cancelWait', 15, 0, Infinity);
    // The flavor is a field of the subclass, not set yet: the prefix follows the default label (pbspro or torque).
    this.#scripts = new SubmitScriptFolder({ owner, configured: o.string('scriptDir', ''), tempPrefix: `parsl-ts-${defaultLabel}-`, sharedWithNodes: true });
    this.launcher = o.launcher(builtinSingleNodeLauncher, 'MpiExecLauncher');
  }

  /** Cores per node, when the provider knows (PBSProProvider: `cpusPerNode`); executors size their workers with it. */
  get coresPerNode(): number | undefined {
    return undefined;
  }

  /** The `#PBS -l` lines that size a block with `tasksPerNode` copies on each node (select or nodes syntax). */
  protected abstract resourceDirectives(tasksPerNode: number): string[];

  /**
   * Tell the provider where the executor's run directory is and where to log. Submit scripts then
   * go to `<runDir>/submit_scripts` (unless `scriptDir` was set).
   *
   * @since 0.1.0
   * @example
   * ```ts
   * provider.init({ runDir: context.runDir, logger: context.logger });
   * ```
   */
  init(context: PbsProviderContext): void {
    if (context.logger) this.#logger = context.logger;
    this.#scripts.useRunDir(context.runDir);
  }

  /** The folder submit scripts and job output go to (created on the first submit). */
  get scriptDir(): string {
    return this.#scripts.path;
  }

  /**
   * The submit script this provider would write for a job, without submitting anything.
   *
   * @since 0.1.0
   * @example
   * ```ts
   * console.log(new PBSProProvider({ queue: 'debug' }).renderScript('hostname', 1, 'try'));
   * ```
   */
  renderScript(command: string, tasksPerNode: number, jobName: string): string {
    const name = fileName(String(jobName));
    return this.#scriptText(command, tasksPerNode, name, join(this.scriptDir, `${name}.stdout`), join(this.scriptDir, `${name}.stderr`));
  }

  /**
   * Write the submit script and give it to qsub; resolves with the job id as qsub printed it.
   * Rejects with {@link PbsCommandError} (`PARSL_PROVIDER_SUBMIT`) quoting qsub when it refuses the
   * job, fails or does not answer within `cmdTimeout`.
   */
  async submit(command: string, tasksPerNode: number, jobName: string): Promise<string> {
    checkSubmitArguments(this.owner, command, tasksPerNode);
    const dir = this.scriptDir;
    if (!SAFE_PATH.test(dir)) {
      throw new ConfigError(`the script folder ${JSON.stringify(dir)} has characters qsub cannot pass on (Slurm's Torque wrappers build a shell string)`, {
        path: `${this.owner}.scriptDir`, hint: 'set scriptDir (or the run directory) to a path of letters, digits and _ . - / only', code: ErrorCodes.InvalidConfig,
      });
    }
    this.#scripts.create();
    const { name, scriptPath } = this.#scripts.write(fileName(String(jobName)), '.submit',
      (name) => this.#scriptText(command, tasksPerNode, name, join(dir, `${name}.stdout`), join(dir, `${name}.stderr`)));
    const stdoutPath = join(dir, `${name}.stdout`);
    const stderrPath = join(dir, `${name}.stderr`);
    const args = ['-N', name, '-o', stdoutPath, '-e', stderrPath, ...(this.queue ? ['-q', this.queue] : []), ...(this.account ? ['-A', this.account] : []), scriptPath];
    const result = await this.#run('qsub', args);
    if (result.exitCode !== 0) throw new PbsCommandError(ErrorCodes.ProviderSubmit, `qsub refused the block ${name}`, result, qsubHint(result));
    const id = parseQsubOutput(result.stdout);
    if (id === undefined) {
      throw new PbsCommandError(ErrorCodes.ProviderSubmit, `qsub printed no job id for the block ${name}`, result,
        'qsub should print the job id (`123.server`); a site submit filter may have changed its output. A job may have been submitted: look for it with qstat');
    }
    this.#jobs.set(jobKey(id)!, { id, name, scriptPath, stdoutPath, stderrPath, deletedByUs: false });
    if (result.stderr.trim() !== '') this.#logger?.warn({ jobId: id, stderr: result.stderr.trim() }, `qsub accepted ${name} as job ${id} with warnings`);
    this.#logger?.info({ jobId: id, script: scriptPath }, `PBS job ${id} submitted (${name})`);
    return id;
  }

  /**
   * Status of each job, in order, from one `qstat -f` for all of them (PBS Pro: `-F json -x`
   * where the server has it). A job this provider submitted that qstat no longer lists has
   * ended (`completed`, no exit status); an id it never submitted and qstat does not know is
   * `missing`. Rejects with {@link PbsCommandError} (`PARSL_PROVIDER_COMMAND`) when qstat fails.
   */
  async status(jobIds: readonly string[]): Promise<JobStatus[]> {
    const keys = jobIds.map((id) => jobKey(String(id)));
    const ask = [...new Set(jobIds.filter((id, i) => keys[i] !== undefined && !this.#ended(keys[i]!)).map(String))];
    const reports = ask.length > 0 ? await this.#qstat(ask) : new Map<string, PbsJobReport>();
    return keys.map((key, i) => {
      if (key === undefined) return { state: JobState.missing, message: `${describeValue(jobIds[i])} is not a PBS job id` };
      const job = this.#jobs.get(key);
      if (job?.last && this.#ended(key)) return job.last;
      const report = reports.get(key);
      let status: JobStatus;
      if (report) {
        const mapped = mapPbsState(report, this.flavor, job?.deletedByUs ?? false);
        status = {
          state: mapped.state, schedulerState: report.state, message: mapped.message,
          ...(mapped.exitCode !== undefined ? { exitCode: mapped.exitCode } : {}),
          ...(job ? { stdoutPath: job.stdoutPath, stderrPath: job.stderrPath } : {}),
        };
      } else if (job) {
        status = job.deletedByUs
          ? { state: JobState.cancelled, message: 'deleted by this provider; qstat no longer lists it', stdoutPath: job.stdoutPath, stderrPath: job.stderrPath }
          : {
            state: JobState.completed, stdoutPath: job.stdoutPath, stderrPath: job.stderrPath,
            message: `qstat no longer lists job ${job.id}: it ended (servers drop finished jobs unless they keep history); last seen ${job.last?.schedulerState ?? 'never'}`,
          };
      } else {
        status = { state: JobState.missing, message: `qstat does not know job ${String(jobIds[i])}` };
      }
      if (job) {
        if (job.last?.state !== status.state) {
          this.#logger?.info({ jobId: job.id, state: status.state, schedulerState: status.schedulerState }, `PBS job ${job.id}: ${status.message}`);
        }
        job.last = status;
      }
      return status;
    });
  }

  /**
   * Delete jobs with one `qdel`. True for each job deleted, already ended or unknown; false for a
   * job qdel names in an error it gives for another reason (e.g. permission), and for ids that are
   * not PBS job ids. Does not wait for the jobs to end (see {@link PbsProvider.cancelAll}).
   */
  async cancel(jobIds: readonly string[]): Promise<boolean[]> {
    const keys = jobIds.map((id) => jobKey(String(id)));
    const ask: string[] = [];
    keys.forEach((key, i) => {
      if (key === undefined || this.#ended(key)) return;
      const job = this.#jobs.get(key);
      if (job) job.deletedByUs = true;
      ask.push(String(jobIds[i]));
    });
    const refused = ask.length > 0 ? await this.#qdel([...new Set(ask)]) : new Set<string>();
    for (const key of refused) {
      const job = this.#jobs.get(key);
      if (job) job.deletedByUs = false;
    }
    return keys.map((key) => key !== undefined && !refused.has(key));
  }

  /**
   * Delete every job this provider submitted that has not ended, and wait (at most `cancelWait`
   * seconds) until qstat shows each of them ended or gone. If one qdel for all of them fails, each
   * is deleted on its own. Returns the ids it deleted.
   *
   * @since 0.1.0
   * @example
   * ```ts
   * await provider.cancelAll(); // e.g. in the executor's shutdown()
   * ```
   */
  async cancelAll(): Promise<string[]> {
    const active = [...this.#jobs.entries()].filter(([key]) => !this.#ended(key)).map(([, job]) => job.id);
    if (active.length === 0) return [];
    await cancelAndWaitForEnd(this, active, { waitSeconds: this.cancelWait, logger: this.#logger, words: QDEL_WORDS });
    return active;
  }

  #ended(key: string): boolean {
    const last = this.#jobs.get(key)?.last;
    return last !== undefined && TERMINAL_JOB_STATES.has(last.state);
  }

  /** One qstat for `ids`, in the best form this server has (found on the first call, then kept). */
  async #qstat(ids: readonly string[]): Promise<Map<string, PbsJobReport>> {
    for (let form = this.#form; form < this.qstatForms.length; form++) {
      const which = this.qstatForms[form]!;
      const result = await this.#run('qstat', [...QSTAT_ARGS[which], ...ids]);
      if (refusedOption(result) && form + 1 < this.qstatForms.length) {
        this.#form = form + 1;
        this.#logger?.info({ refused: result.commandLine }, `qstat has no ${QSTAT_ARGS[which].join(' ')}; using qstat ${QSTAT_ARGS[this.qstatForms[form + 1]!].join(' ')}`);
        continue;
      }
      this.#checkQstat(result);
      if (which === 'json') {
        if (result.stdout.trim() === '') return new Map();
        const jobs = parseQstatJson(result.stdout);
        if (jobs) return jobs;
        // Some PBS Pro versions print invalid JSON for odd environment values: read the text form this time.
        this.#logger?.warn({ command: result.commandLine }, 'qstat printed JSON that does not parse; reading its text form instead');
        continue;
      }
      const { jobs, unreadable } = parseQstatFull(result.stdout);
      if (unreadable.length > 0) {
        throw new PbsCommandError(ErrorCodes.ProviderCommand, `qstat printed ${unreadable.length} line(s) this provider cannot read`, result,
          'this provider reads `qstat -f` of PBS Pro, Torque and Slurm\'s Torque wrappers; report the lines above if your scheduler prints others');
      }
      return jobs;
    }
    throw new PbsCommandError(ErrorCodes.ProviderCommand, 'qstat has none of the forms this provider reads',
      { commandLine: 'qstat -f', exitCode: null, signal: null, stdout: '', stderr: '', timedOut: false },
      'this provider needs `qstat -f <ids>`');
  }

  /** Throw unless qstat answered: a non-zero status is fine only when all it said is that jobs are unknown or over. */
  #checkQstat(result: SchedulerCommandResult): void {
    if (result.exitCode === 0) return;
    const problems = result.stderr.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !isGoneMessage(line));
    // Torque and Slurm's wrappers: status 153 and no output at all when no job is known.
    if (result.exitCode !== null && !result.timedOut && problems.length === 0) return;
    throw new PbsCommandError(ErrorCodes.ProviderCommand, 'qstat failed', result,
      result.spawnError?.code === 'ENOENT' ? 'qstat is not on PATH: run the workflow where the PBS client commands are installed'
        : 'check that the PBS server answers (`qstat -B`); the next poll tries again');
  }

  /** qdel the ids; returns the keys of those it refused for a reason other than being over. */
  async #qdel(ids: readonly string[]): Promise<Set<string>> {
    const result = await this.#run('qdel', ids);
    if (result.exitCode === 0) {
      this.#logger?.info({ jobIds: ids }, `qdel ${ids.join(' ')}`);
      return new Set();
    }
    const keys = new Set(ids.map((id) => jobKey(id)!));
    const refused = new Set<string>();
    let unexplained = result.timedOut || result.exitCode === null;
    // Slurm's wrapper prints its errors on stdout, PBS Pro and Torque on stderr.
    for (const line of `${result.stdout}\n${result.stderr}`.split('\n').map((l) => l.trim()).filter(Boolean)) {
      const named = [...line.matchAll(/\b(\d+(?:\[\d*\])?)(?:\.[A-Za-z0-9_.-]+)?\b/g)].map((m) => m[1]!).find((k) => keys.has(k));
      if (named === undefined) {
        if (!isGoneMessage(line)) unexplained = true;
      } else if (!isGoneMessage(line) && !/already completing or completed|invalid state/i.test(line)) {
        refused.add(named);
      }
    }
    if (unexplained) {
      throw new PbsCommandError(ErrorCodes.ProviderCommand, `qdel failed for job(s) ${ids.join(', ')}`, result,
        result.spawnError?.code === 'ENOENT' ? 'qdel is not on PATH: run the workflow where the PBS client commands are installed'
          : 'check that the PBS server answers (`qstat -B`), then delete the jobs by hand with qdel');
    }
    if (refused.size > 0) this.#logger?.warn({ jobIds: [...refused], output: `${result.stdout}${result.stderr}`.trim() }, 'qdel refused some jobs');
    return refused;
  }

  #run(program: string, args: readonly string[]): Promise<SchedulerCommandResult> {
    return runSchedulerCommand(program, args, { timeoutMs: this.cmdTimeout * 1000 });
  }

  #scriptText(command: string, tasksPerNode: number, name: string, stdoutPath: string, stderrPath: string): string {
    const directives = [
      '#PBS -S /bin/bash',
      '#PBS -m n',
      `#PBS -l walltime=${formatPbsTime(this.walltimeSeconds)}`,
      ...this.resourceDirectives(tasksPerNode),
    ].join('\n');
    return renderSubmitScript(this, {
      directives, jobName: name, command, tasksPerNode, walltime: formatPbsTime(this.walltimeSeconds), scriptDir: this.scriptDir, stdoutPath, stderrPath,
    });
  }
}
