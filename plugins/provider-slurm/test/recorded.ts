// Read the recordings of tools/dev-cluster/record-fixtures.sh (real outputs of this project's
// local Slurm cluster): NAME.cmd, NAME.out, NAME.err, NAME.rc in fixtures/recorded.
import { fileURLToPath } from 'node:url';
import { readRecording, type Recording } from '@parsl-ts/testing';

export type { Recording };

const DIR = fileURLToPath(new URL('./fixtures/recorded/', import.meta.url));

/** The recording NAME. */
export function recorded(name: string): Recording {
  return readRecording(DIR, name);
}

/** The job id in a recorded `scontrol --oneliner show job` of one job. */
export function recordedJobId(name: string): string {
  const id = /JobId=(\d+)/.exec(recorded(name).stdout)?.[1];
  if (!id) throw new Error(`recording ${name} names no job`);
  return id;
}
