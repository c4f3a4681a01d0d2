import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One recorded command, as tools/dev-cluster/record-fixtures.sh saves it: its command line,
 * stdout, stderr and exit status.
 *
 * @since 0.1.1
 */
export interface Recording {
  /** The command line. */
  readonly cmd: string;
  /** What it wrote to stdout. */
  readonly stdout: string;
  /** What it wrote to stderr. */
  readonly stderr: string;
  /** Its exit status. */
  readonly exitCode: number;
}

/**
 * Read the recording `name` from `folder` (`NAME.cmd`, `NAME.out`, `NAME.err`, `NAME.rc`): real
 * outputs of a scheduler, for parser tests that do not need the scheduler running.
 *
 * @since 0.1.1
 * @example
 * ```ts
 * const r = readRecording(fileURLToPath(new URL('./fixtures/recorded/', import.meta.url)), 'squeue-running');
 * ```
 */
export function readRecording(folder: string, name: string): Recording {
  const read = (ext: string): string => readFileSync(join(folder, `${name}.${ext}`), 'utf8');
  return { cmd: read('cmd').trim(), stdout: read('out'), stderr: read('err'), exitCode: Number(read('rc').trim()) };
}
