// Parsers of squeue's and scontrol's answers about jobs. Internal.

/** What Slurm said about one job. */
export interface SlurmJobReport {
  /** Job id as Slurm prints it (`123`, `123_4`). */
  readonly id: string;
  /** State, long (`RUNNING`) or short (`R`) name. */
  readonly state: string;
  /** Pending reason or why it ended (`Resources`, `NonZeroExitCode`, `TimeLimit`, `None`). */
  readonly reason?: string;
  /** Exit status of the batch script, once it ended. */
  readonly exitCode?: number;
  /** Signal that ended the batch script, when one did. */
  readonly signal?: number;
}

/**
 * squeue's `--Format` for status: job id, state (short and long), reason, exit code, each ended
 * by `|` (width left open, so nothing is cut). The reason and exit code come in the same call, so
 * one squeue per poll answers for every job.
 */
export const SQUEUE_FORMAT = 'JobID:|,StateCompact:|,State:|,Reason:|,exit_code:|';

/** An exit code field: squeue's raw wait status (`768` = exit 3) or scontrol's `3:0` (code:signal). */
export function decodeExitCode(text: string | undefined): { exitCode?: number; signal?: number } {
  if (text === undefined) return {};
  const pair = /^(\d+):(\d+)$/.exec(text.trim());
  if (pair) {
    const signal = Number(pair[2]);
    return { exitCode: Number(pair[1]), ...(signal > 0 ? { signal } : {}) };
  }
  if (!/^\d+$/.test(text.trim())) return {};
  const raw = Number(text.trim());
  const signal = raw & 0x7f;
  return { exitCode: (raw >> 8) & 0xff, ...(signal > 0 ? { signal } : {}) };
}

/**
 * Parse `squeue --noheader --Format=<SQUEUE_FORMAT>` output. Lines that are not a job (blank, a
 * multi-cluster `CLUSTER: name` header) are skipped; a line that should be a job but does not
 * read as one is returned in `unreadable`.
 */
export function parseSqueue(stdout: string): { jobs: Map<string, SlurmJobReport>; unreadable: string[] } {
  const jobs = new Map<string, SlurmJobReport>();
  const unreadable: string[] = [];
  for (const raw of stdout.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || /^CLUSTER:/.test(line)) continue;
    const fields = line.split('|').map((field) => field.trim());
    const [id, short, long, reason, exit] = fields;
    if (fields.length < 5 || !/^\d+(_\d+)?$/.test(id ?? '') || (short === '' && long === '')) {
      unreadable.push(raw);
      continue;
    }
    jobs.set(id!, {
      id: id!, state: long || short!,
      ...(reason && reason !== '(null)' ? { reason } : {}),
      ...decodeExitCode(exit),
    });
  }
  return { jobs, unreadable };
}

/** True when squeue or scontrol said the job ids are unknown (purged or never existed). */
export function saysInvalidJobId(stderr: string): boolean {
  return /invalid job id/i.test(stderr);
}

/**
 * Parse `scontrol show job [-o] <id>`: the job's `JobId`, `JobState`, `Reason` and `ExitCode`
 * (one-line or multi-line form). Undefined when the text holds no job.
 */
export function parseScontrolJob(stdout: string): SlurmJobReport | undefined {
  const field = (name: string): string | undefined => new RegExp(`(?:^|\\s)${name}=(\\S*)`).exec(stdout)?.[1];
  const id = field('JobId');
  const state = field('JobState');
  if (id === undefined || state === undefined || !/^\d+/.test(id)) return undefined;
  const reason = field('Reason');
  const arrayTask = field('ArrayTaskId');
  const arrayJob = field('ArrayJobId');
  return {
    id: arrayJob && arrayTask && /^\d+$/.test(arrayTask) ? `${arrayJob}_${arrayTask}` : id,
    state,
    ...(reason && reason !== '(null)' ? { reason } : {}),
    ...decodeExitCode(field('ExitCode')),
  };
}
