// Parsers of qstat's answers: PBS Pro's `qstat -f -F json`, and the `qstat -f` text of PBS Pro,
// Torque and Slurm's Torque wrappers. Internal.
import type { SchedulerCommandResult } from '@parsl-ts/core';
import { jobKey } from './jobId.js';

/** What qstat said about one job. */
export interface PbsJobReport {
  /** The id as qstat printed it (`123.pbs01`, `56`). */
  readonly id: string;
  /** Its key (`123`), see jobKey. */
  readonly key: string;
  /** `job_state`: one letter (`Q`, `R`, `F`, `C`, ...). */
  readonly state: string;
  /** `Exit_status` (PBS Pro) or `exit_status` (Torque), once the job ended. Slurm's wrappers have none. */
  readonly exitStatus?: number;
  /** The server's `comment` (why it waits, how it ended). */
  readonly comment?: string;
  /** `resources_used.walltime` in seconds. */
  readonly usedWalltime?: number;
  /** `Resource_List.walltime` in seconds. */
  readonly requestedWalltime?: number;
}

/** `HH:MM:SS` (or seconds) to seconds; undefined otherwise. */
export function pbsDuration(text: unknown): number | undefined {
  if (typeof text === 'number' && Number.isFinite(text)) return text;
  if (typeof text !== 'string') return undefined;
  const hms = /^\s*(\d+):(\d{1,2}):(\d{1,2})\s*$/.exec(text);
  if (hms) return Number(hms[1]) * 3600 + Number(hms[2]) * 60 + Number(hms[3]);
  return /^\s*\d+\s*$/.test(text) ? Number(text) : undefined;
}

function integer(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) return Number(value);
  return undefined;
}

function report(id: string, attributes: (name: string) => unknown): PbsJobReport | undefined {
  const key = jobKey(id);
  const state = attributes('job_state');
  if (key === undefined || typeof state !== 'string' || state.trim() === '') return undefined;
  const exitStatus = integer(attributes('Exit_status') ?? attributes('exit_status'));
  const rawComment = attributes('comment');
  const comment = typeof rawComment === 'string' ? rawComment.trim() : undefined;
  const usedWalltime = pbsDuration(attributes('resources_used.walltime'));
  const requestedWalltime = pbsDuration(attributes('Resource_List.walltime'));
  return {
    id, key, state: state.trim(),
    ...(exitStatus !== undefined ? { exitStatus } : {}),
    ...(comment ? { comment } : {}),
    ...(usedWalltime !== undefined ? { usedWalltime } : {}),
    ...(requestedWalltime !== undefined ? { requestedWalltime } : {}),
  };
}

/**
 * Parse PBS Pro's `qstat -f -F json [-x]`: `{ "Jobs": { "<id>": { "job_state": ..., "Exit_status":
 * ..., "resources_used": { "walltime": ... }, ... } } }` (no `Jobs` key when it lists none).
 * Undefined when the text is not such a document (some PBS Pro versions print invalid JSON for
 * unusual environment values; the caller then reads the text form).
 */
export function parseQstatJson(stdout: string): Map<string, PbsJobReport> | undefined {
  let document: unknown;
  try {
    document = JSON.parse(stdout);
  } catch {
    return undefined;
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return undefined;
  const jobs = new Map<string, PbsJobReport>();
  const list = (document as { Jobs?: unknown }).Jobs;
  if (list === undefined) return jobs;
  if (typeof list !== 'object' || list === null) return undefined;
  for (const [id, job] of Object.entries(list as Record<string, unknown>)) {
    if (typeof job !== 'object' || job === null) return undefined;
    const fields = job as Record<string, unknown>;
    const parsed = report(id, (name) => {
      const dot = name.indexOf('.');
      if (dot < 0) return fields[name];
      const group = fields[name.slice(0, dot)];
      return typeof group === 'object' && group !== null ? (group as Record<string, unknown>)[name.slice(dot + 1)] : fields[name];
    });
    if (!parsed) return undefined;
    jobs.set(parsed.key, parsed);
  }
  return jobs;
}

/**
 * Parse `qstat -f` text. Each job starts with `Job Id: <id>`; attributes are `<name> = <value>`
 * lines. PBS Pro and Torque indent attributes with four spaces and continue long values on lines
 * indented with a tab (the value is cut anywhere, even inside a word, so continuations are joined
 * as they are); Slurm's Torque wrappers indent attributes with a tab and never wrap. So the
 * indentation of a job's first attribute line is its attribute indentation, and any other
 * indented line continues the value before it. A job without `job_state` is returned in
 * `unreadable`.
 */
export function parseQstatFull(stdout: string): { jobs: Map<string, PbsJobReport>; unreadable: string[] } {
  const jobs = new Map<string, PbsJobReport>();
  const unreadable: string[] = [];
  let id: string | undefined;
  let indent: string | undefined;
  let attributes = new Map<string, string>();
  let last: string | undefined;
  const finish = (): void => {
    if (id === undefined) return;
    const parsed = report(id, (name) => attributes.get(name));
    if (parsed) jobs.set(parsed.key, parsed);
    else unreadable.push(`Job Id: ${id}`);
    id = undefined;
  };
  for (const line of stdout.split(/\r?\n/)) {
    const start = /^Job Id:\s*(\S+)/.exec(line);
    if (start) {
      finish();
      id = start[1]!;
      indent = undefined;
      attributes = new Map();
      last = undefined;
      continue;
    }
    if (id === undefined || line.trim() === '') continue;
    const attribute = /^(\s+)([A-Za-z_][\w.]*) = ?(.*)$/.exec(line);
    if (attribute && (indent === undefined || attribute[1] === indent)) {
      indent ??= attribute[1];
      last = attribute[2]!;
      attributes.set(last, attribute[3]!);
    } else if (last !== undefined && /^\s/.test(line)) {
      // Joined as they are: the cut may fall inside a word or right after a space.
      attributes.set(last, `${attributes.get(last)}${line.replace(/^\t|^\s+/, '')}`);
    } else {
      unreadable.push(line);
    }
  }
  finish();
  return { jobs, unreadable };
}

/**
 * True when qstat refused an option it does not have (`-F json` or `-x` on Torque or on Slurm's
 * wrappers: `Unknown option: F` and usage text, status 2; PBS Pro and Torque print `usage:` or
 * `invalid option`).
 */
export function refusedOption(result: SchedulerCommandResult): boolean {
  if (result.exitCode === 0 || result.exitCode === null) return false;
  const text = `${result.stderr}\n${result.stdout}`;
  return /unknown option|invalid option|illegal option|unrecognized option|^\s*usage:/im.test(text) && !/^Job Id:|^\s*\{/m.test(result.stdout);
}

/**
 * The lines of qstat's or qdel's stderr that only say a job is unknown or over (`qstat: Unknown
 * Job Id 123.pbs01`, `Job has finished`, ...); the others are real errors.
 */
export function isGoneMessage(line: string): boolean {
  return /unknown job id|job has finished|has been deleted|already (completed|done|exiting)|invalid job id|no such job|job.*(completed|finished)/i.test(line);
}
