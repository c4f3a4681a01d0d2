// Read the recordings of tools/dev-cluster/record-fixtures.sh (real outputs of this project's
// local Slurm cluster (the PBS/Torque wrappers of slurm-wlm-torque)): NAME.cmd, NAME.out, NAME.err, NAME.rc in fixtures/recorded.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One recorded command: its command line, stdout, stderr and exit status. */
export interface Recording {
  readonly cmd: string;
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

const DIR = fileURLToPath(new URL('./fixtures/recorded/', import.meta.url));

/** The recording NAME. */
export function recorded(name: string): Recording {
  const read = (ext: string): string => readFileSync(`${DIR}${name}.${ext}`, 'utf8');
  return { cmd: read('cmd').trim(), stdout: read('out'), stderr: read('err'), exitCode: Number(read('rc').trim()) };
}

