// The submit script of the PBS providers: a template with {{placeholders}}. Internal (the default
// template and the placeholder names are documented in the README).
import { bad } from './options.js';
import { shellQuote } from '@parsl-ts/core';

/** The default submit script: `#PBS` directives first (qsub, and sbatch under Slurm's wrappers, read them only before the first command). */
export const DEFAULT_TEMPLATE = `#!/bin/bash
{{directives}}
{{schedulerOptions}}
# Submit script of the PBS block {{jobName}}, written by @parsl-ts/provider-pbs.
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
export function checkTemplate(owner: string, template: string): void {
  if (!template.startsWith('#!')) bad(owner, 'template', 'must start with a #! line', "begin it with '#!/bin/bash'");
  const known = new Set<string>(PLACEHOLDERS);
  const used = new Set<string>();
  for (const match of template.matchAll(PLACEHOLDER)) {
    if (!known.has(match[1]!)) bad(owner, 'template', `uses an unknown placeholder {{${match[1]}}}`, `known placeholders: ${PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`);
    used.add(match[1]!);
  }
  if (!used.has('command')) bad(owner, 'template', 'has no {{command}} placeholder, so the block would run nothing', 'put {{command}} where the launcher\'s command goes');
}

/** Fill a checked template. */
export function renderTemplate(template: string, values: TemplateValues): string {
  return template.replace(PLACEHOLDER, (_, name: string) => values[name as keyof TemplateValues]);
}

/** Seconds as PBS's walltime `HH:MM:SS` (hours may exceed 24). */
export function formatPbsTime(seconds: number): string {
  const total = Math.ceil(seconds);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(Math.floor(total / 3600))}:${two(Math.floor((total % 3600) / 60))}:${two(total % 60)}`;
}

/** `export NAME=value` lines for the jobs' extra environment. */
export function environmentLines(env: Readonly<Record<string, string>>): string {
  return Object.entries(env).map(([name, value]) => `export ${name}=${shellQuote(value)}`).join('\n');
}
