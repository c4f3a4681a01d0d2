// PBS job ids: `123.server` (PBS Pro, Torque), `123[].server` (arrays) or a bare `123` (Slurm's
// Torque wrappers). Internal.

const ID = /^(\d+(?:\[\d*\])?)(?:\.[A-Za-z0-9_.-]+)?$/;

/**
 * The part of a job id that identifies the job on its server: the number (with an array's `[]`).
 * qsub may print `123.pbs01` while qstat prints `123.pbs01.example.org`; both have key `123`.
 * Undefined when the text is not a job id.
 */
export function jobKey(id: string): string | undefined {
  return ID.exec(id.trim())?.[1];
}

/**
 * The job id in qsub's stdout: the last line that is an id (sites' submit filters may print
 * banners around it). Undefined when there is none.
 */
export function parseQsubOutput(stdout: string): string | undefined {
  const lines = stdout.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '');
  for (let i = lines.length - 1; i >= 0; i--) if (jobKey(lines[i]!) !== undefined) return lines[i]!;
  return undefined;
}
