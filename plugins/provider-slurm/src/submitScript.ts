// The submit script: a template with {{placeholders}}, and the #SBATCH directives. Internal
// (the default template and the placeholder names are documented in the README).
import { bad } from './options.js';
import { shellQuote } from '@parsl-ts/core';

/**
 * The default submit script. `{{directives}}` and `{{schedulerOptions}}` come first: sbatch reads
 * `#SBATCH` lines only before the first command.
 */
export const DEFAULT_TEMPLATE = `#!/bin/bash
{{directives}}
{{schedulerOptions}}
# Submit script of the Slurm block {{jobName}}, written by @parsl-ts/provider-slurm.
export JOBNAME={{jobNameQuoted}}
{{environment}}

# workerInit
{{workerInit}}

# The command, wrapped by the launcher ({{launcher}})
{{command}}
`;

/** Every placeholder a template may use. */
export const PLACEHOLDERS = [
  'directives', 'schedulerOptions', 'jobName', 'jobNameQuoted', 'environment', 'workerInit', 'command', 'launcher',
  'nodesPerBlock', 'tasksPerNode', 'walltime', 'scriptDir', 'stdoutPath', 'stderrPath',
] as const;

/** The values of the placeholders for one job. */
export type TemplateValues = Readonly<Record<(typeof PLACEHOLDERS)[number], string>>;

const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

/** Check a user's template once, at construction: a `#!` line first, known placeholders, `{{command}}` present. */
export function checkTemplate(template: string): void {
  if (!template.startsWith('#!')) {
    bad('template', 'must start with a #! line (sbatch refuses a script without one)', "begin it with '#!/bin/bash'");
  }
  const known = new Set<string>(PLACEHOLDERS);
  const used = new Set<string>();
  for (const match of template.matchAll(PLACEHOLDER)) {
    if (!known.has(match[1]!)) bad('template', `uses an unknown placeholder {{${match[1]}}}`, `known placeholders: ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`);
    used.add(match[1]!);
  }
  if (!used.has('command')) bad('template', 'has no {{command}} placeholder, so the block would run nothing', 'put {{command}} where the launcher\'s command goes');
}

/** Fill a checked template. */
export function renderTemplate(template: string, values: TemplateValues): string {
  return template.replace(PLACEHOLDER, (_, name: string) => values[name as keyof TemplateValues]);
}

/** Seconds as Slurm's `--time`: `HH:MM:SS`, or `D-HH:MM:SS` from one day on (Slurm rounds up to whole minutes). */
export function formatSlurmTime(seconds: number): string {
  const total = Math.ceil(seconds);
  const days = Math.floor(total / 86400);
  const two = (n: number): string => String(n).padStart(2, '0');
  const hms = `${two(Math.floor((total % 86400) / 3600))}:${two(Math.floor((total % 3600) / 60))}:${two(total % 60)}`;
  return days > 0 ? `${days}-${hms}` : hms;
}

/** A directive's value, double-quoted when it has spaces (sbatch reads quotes in directives). */
function directiveWord(value: string): string {
  return /\s/.test(value) ? `"${value}"` : value;
}

/** A path for `--output`/`--error`: `%` is Slurm's pattern character, `%%` a literal one. */
function outputPath(path: string): string {
  return directiveWord(path.replace(/%/g, '%%'));
}

/** What the directives need to know about a job and the provider's settings. */
export interface DirectiveSettings {
  readonly jobName: string;
  readonly stdoutPath: string;
  readonly stderrPath: string;
  readonly nodesPerBlock: number;
  readonly tasksPerNode: number;
  readonly walltimeSeconds: number;
  readonly partition?: string;
  readonly account?: string;
  readonly qos?: string;
  readonly constraint?: string;
  readonly exclusive: boolean;
  readonly coresPerNode?: number;
  readonly memPerNode?: number;
}

/** The `#SBATCH` lines for a job. */
export function sbatchDirectives(s: DirectiveSettings): string {
  const lines = [
    `--job-name=${directiveWord(s.jobName)}`,
    `--output=${outputPath(s.stdoutPath)}`,
    `--error=${outputPath(s.stderrPath)}`,
    `--nodes=${s.nodesPerBlock}`,
    `--ntasks-per-node=${s.tasksPerNode}`,
    `--time=${formatSlurmTime(s.walltimeSeconds)}`,
  ];
  if (s.partition) lines.push(`--partition=${directiveWord(s.partition)}`);
  if (s.account) lines.push(`--account=${directiveWord(s.account)}`);
  if (s.qos) lines.push(`--qos=${directiveWord(s.qos)}`);
  if (s.constraint) lines.push(`--constraint=${directiveWord(s.constraint)}`);
  if (s.exclusive) lines.push('--exclusive');
  // As Parsl: the node's cores shared among the tasks of the node.
  if (s.coresPerNode !== undefined) lines.push(`--cpus-per-task=${Math.max(1, Math.floor(s.coresPerNode / s.tasksPerNode))}`);
  if (s.memPerNode !== undefined) lines.push(`--mem=${s.memPerNode}M`);
  return lines.map((line) => `#SBATCH ${line}`).join('\n');
}

/** `export NAME=value` lines for the jobs' extra environment. */
export function environmentLines(env: Readonly<Record<string, string>>): string {
  return Object.entries(env).map(([name, value]) => `export ${name}=${shellQuote(value)}`).join('\n');
}
