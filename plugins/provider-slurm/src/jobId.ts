// Slurm job ids as sbatch prints them and as this provider hands them out. Internal.

/** A job: its id (`123`, or `123_4` for an array task) and, in a multi-cluster setup, its cluster. */
export interface SlurmJobRef {
  readonly id: string;
  readonly cluster?: string;
}

const ID = /^(\d+(?:_\d+)?)(?:;([A-Za-z0-9_.-]+))?$/;

/** `123` or `123;cluster` (as `sbatch --parsable` prints it) to a job reference; undefined if it is not one. */
export function parseJobRef(text: string): SlurmJobRef | undefined {
  const match = ID.exec(text.trim());
  if (!match) return undefined;
  return match[2] ? { id: match[1]!, cluster: match[2] } : { id: match[1]! };
}

/** The id this provider hands out: `123`, or `123;cluster` when sbatch named a cluster. */
export function formatJobRef(ref: SlurmJobRef): string {
  return ref.cluster ? `${ref.id};${ref.cluster}` : ref.id;
}

/**
 * The job id in sbatch's stdout. With `--parsable` it is `123` or `123;cluster` alone on a line;
 * sites' submit filters may print other lines around it (e.g. `sbatch: INFO: ...` or a banner), so
 * the last line that is an id wins. Without `--parsable`, `Submitted batch job 123 [on cluster X]`.
 */
export function parseSbatchOutput(stdout: string): SlurmJobRef | undefined {
  const lines = stdout.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '');
  for (let i = lines.length - 1; i >= 0; i--) {
    const ref = parseJobRef(lines[i]!);
    if (ref) return ref;
    const plain = /^Submitted batch job (\d+)(?: on cluster ([A-Za-z0-9_.-]+))?$/.exec(lines[i]!);
    if (plain) return plain[2] ? { id: plain[1]!, cluster: plain[2] } : { id: plain[1]! };
  }
  return undefined;
}
