// The submit script's Slurm parts: the default template, the #SBATCH directives and --time.
// Internal (the default template and the placeholder names are documented in the README; core
// checks and fills templates).
import { defaultSubmitTemplate } from '@parsl-ts/core';

/**
 * The default submit script. `{{directives}}` and `{{schedulerOptions}}` come first: sbatch reads
 * `#SBATCH` lines only before the first command.
 */
export const DEFAULT_TEMPLATE = defaultSubmitTemplate('Slurm', '@parsl-ts/provider-slurm');

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
