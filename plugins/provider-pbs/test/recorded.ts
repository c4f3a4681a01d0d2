// Read the recordings of tools/dev-cluster/record-fixtures.sh (real outputs of this project's
// local Slurm cluster (the PBS/Torque wrappers of slurm-wlm-torque)): NAME.cmd, NAME.out, NAME.err, NAME.rc in fixtures/recorded.
import { fileURLToPath } from 'node:url';
import { readRecording, type Recording } from '@parsl-ts/testing';

export type { Recording };

const DIR = fileURLToPath(new URL('./fixtures/recorded/', import.meta.url));

/** The recording NAME. */
export function recorded(name: string): Recording {
  return readRecording(DIR, name);
}

