import { ErrorCodes } from '../errors/codes.js';
import { ConfigError } from '../errors/usageErrors.js';
import type { Launcher } from '../interfaces/Launcher.js';
import { shellQuote } from './shellQuote.js';

/**
 * Every `{{placeholder}}` a submit script template may use: `directives` (the scheduler's header
 * lines), `schedulerOptions`, `jobName`, `jobNameQuoted`, `environment` (`export NAME=value`
 * lines), `workerInit`, `command` (wrapped by the launcher), `launcher` (its name),
 * `nodesPerBlock`, `tasksPerNode`, `walltime`, `scriptDir`, `stdoutPath` and `stderrPath`.
 *
 * @since 0.1.1
 * @example
 * ```ts
 * const list = SUBMIT_SCRIPT_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ');
 * ```
 */
export const SUBMIT_SCRIPT_PLACEHOLDERS = [
  'directives', 'schedulerOptions', 'jobName', 'jobNameQuoted', 'environment', 'workerInit', 'command', 'launcher',
  'nodesPerBlock', 'tasksPerNode', 'walltime', 'scriptDir', 'stdoutPath', 'stderrPath',
] as const;

const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

/**
 * The default submit script of a batch scheduler's provider: `#!/bin/bash`, the scheduler's
 * directives and `schedulerOptions` first (schedulers read them only before the first command),
 * then `export JOBNAME=...`, the extra environment, `workerInit` and the wrapped command.
 *
 * @param scheduler - Named in the script's comment, e.g. `Slurm`.
 * @param packageName - The provider's package, named in the comment too.
 * @since 0.1.1
 * @example
 * ```ts
 * const DEFAULT_TEMPLATE = defaultSubmitTemplate('Slurm', '@parsl-ts/provider-slurm');
 * ```
 */
export function defaultSubmitTemplate(scheduler: string, packageName: string): string {
  return `#!/bin/bash
{{directives}}
{{schedulerOptions}}
# Submit script of the ${scheduler} block {{jobName}}, written by ${packageName}.
export JOBNAME={{jobNameQuoted}}
{{environment}}

# workerInit
{{workerInit}}

# The command, wrapped by the launcher ({{launcher}})
{{command}}
`;
}

/**
 * Check a user's submit script template once, when the provider is built: it must start with a
 * `#!` line, use only {@link SUBMIT_SCRIPT_PLACEHOLDERS}, and contain `{{command}}`. Refuses it
 * with a {@link ConfigError} (`PARSL_INVALID_CONFIG`, path `<owner>.template`).
 *
 * @param owner - The provider's class name, for the error's path.
 * @param shebangReason - Why the `#!` line matters to this scheduler, added to that message.
 * @since 0.1.1
 * @example
 * ```ts
 * checkSubmitTemplate('SlurmProvider', template, 'sbatch refuses a script without one');
 * ```
 */
export function checkSubmitTemplate(owner: string, template: string, shebangReason?: string): void {
  const fail = (message: string, hint: string): never => {
    throw new ConfigError(message, { path: `${owner}.template`, hint, code: ErrorCodes.InvalidConfig });
  };
  if (!template.startsWith('#!')) fail(`must start with a #! line${shebangReason ? ` (${shebangReason})` : ''}`, "begin it with '#!/bin/bash'");
  const known = new Set<string>(SUBMIT_SCRIPT_PLACEHOLDERS);
  const used = new Set<string>();
  for (const match of template.matchAll(PLACEHOLDER)) {
    if (!known.has(match[1]!)) fail(`uses an unknown placeholder {{${match[1]}}}`, `known placeholders: ${SUBMIT_SCRIPT_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`);
    used.add(match[1]!);
  }
  if (!used.has('command')) fail('has no {{command}} placeholder, so the block would run nothing', 'put {{command}} where the launcher\'s command goes');
}

/**
 * A provider's settings that go into every submit script it writes. A provider whose fields
 * have these names passes itself.
 *
 * @since 0.1.1
 * @example
 * ```ts
 * const settings: SubmitScriptSettings = { template, schedulerOptions: '', env: {}, workerInit: 'module load node', launcher, nodesPerBlock: 2 };
 * ```
 */
export interface SubmitScriptSettings {
  /** The checked template (see {@link checkSubmitTemplate}). */
  readonly template: string;
  /** The user's extra header lines. */
  readonly schedulerOptions: string;
  /** Extra environment, written as `export NAME=value` lines (values quoted). */
  readonly env: Readonly<Record<string, string>>;
  /** Shell text run before the command. */
  readonly workerInit: string;
  /** Wraps the command; its name fills `{{launcher}}`. */
  readonly launcher: Launcher;
  /** Nodes of a block. */
  readonly nodesPerBlock: number;
}

/**
 * What is particular to one job's submit script.
 *
 * @since 0.1.1
 * @example
 * ```ts
 * const job: SubmitScriptJob = {
 *   directives: '#PBS -l walltime=00:20:00', jobName: 'block-0', command: 'parsl-ts-worker-pool ...', tasksPerNode: 1,
 *   walltime: '00:20:00', scriptDir: dir, stdoutPath: `${dir}/block-0.stdout`, stderrPath: `${dir}/block-0.stderr`,
 * };
 * ```
 */
export interface SubmitScriptJob {
  /** The scheduler's header lines (`#SBATCH ...`, `#PBS ...`). */
  readonly directives: string;
  /** The job's name; `{{jobNameQuoted}}` is it quoted for the shell. */
  readonly jobName: string;
  /** The worker command, before the launcher wraps it. */
  readonly command: string;
  /** Copies of the command per node. */
  readonly tasksPerNode: number;
  /** The walltime as the scheduler writes it (e.g. `01:00:00`). */
  readonly walltime: string;
  /** The folder of the script and the job's output files. */
  readonly scriptDir: string;
  /** Where the job's stdout goes. */
  readonly stdoutPath: string;
  /** Where the job's stderr goes. */
  readonly stderrPath: string;
}

/**
 * Fill a provider's submit script template for one job: every `{{placeholder}}` (spaces inside
 * the braces allowed) is replaced with its value, the command wrapped by the launcher and the
 * environment written as `export` lines.
 *
 * @since 0.1.1
 * @example
 * ```ts
 * const text = renderSubmitScript(this, { directives: sbatchDirectives(settings), jobName: name, command, tasksPerNode,
 *   walltime: formatSlurmTime(this.walltimeSeconds), scriptDir: this.scriptDir, stdoutPath, stderrPath });
 * ```
 */
export function renderSubmitScript(settings: SubmitScriptSettings, job: SubmitScriptJob): string {
  const values: Readonly<Record<(typeof SUBMIT_SCRIPT_PLACEHOLDERS)[number], string>> = {
    directives: job.directives,
    schedulerOptions: settings.schedulerOptions,
    jobName: job.jobName,
    jobNameQuoted: shellQuote(job.jobName),
    environment: Object.entries(settings.env).map(([name, value]) => `export ${name}=${shellQuote(value)}`).join('\n'),
    workerInit: settings.workerInit,
    command: settings.launcher.wrap(job.command, job.tasksPerNode, settings.nodesPerBlock),
    launcher: settings.launcher.name,
    nodesPerBlock: String(settings.nodesPerBlock),
    tasksPerNode: String(job.tasksPerNode),
    walltime: job.walltime,
    scriptDir: job.scriptDir,
    stdoutPath: job.stdoutPath,
    stderrPath: job.stderrPath,
  };
  return settings.template.replace(PLACEHOLDER, (_, name: string) => values[name as keyof typeof values]);
}
