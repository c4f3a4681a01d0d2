import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Name of the folder of a run directory that holds its checkpoints. */
export const CHECKPOINT_DIR = 'checkpoint';

/**
 * The checkpoint folders of every earlier run under `runDir` (`runinfo/000/checkpoint`,
 * `runinfo/001/checkpoint`, ...), oldest first. Only folders that hold at least one checkpoint are
 * listed, so a run that was killed before its first checkpoint is skipped. Pass the result as the
 * config's `checkpointFiles` to reuse the results of every earlier run (Parsl's `get_all_checkpoints`).
 *
 * @param runDir - the parent of the run directories (the config's `runDir`), default `runinfo`
 * @since 0.2.0
 * @example
 * ```ts
 * const dfk = await loadConfig({ checkpointMode: 'taskExit', checkpointFiles: getAllCheckpoints() });
 * ```
 */
export function getAllCheckpoints(runDir = 'runinfo'): string[] {
  const base = resolve(runDir);
  let runs: string[];
  try {
    runs = readdirSync(base).filter((name) => /^\d{3,}$/.test(name)).sort((a, b) => Number(a) - Number(b));
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const run of runs) {
    const dir = join(base, run, CHECKPOINT_DIR);
    if (holdsCheckpoint(dir)) found.push(dir);
  }
  return found;
}

/**
 * The checkpoint folder of the most recent run under `runDir` that wrote one, as a list of zero or
 * one folder (Parsl's `get_last_checkpoint`). With core's memoizer (and the SQLite memoizer) a
 * run's checkpoint also holds the results it reused from the checkpoints it loaded, so the last
 * one is enough to resume a chain of restarts.
 *
 * @param runDir - the parent of the run directories, default `runinfo`
 * @since 0.2.0
 * @example
 * ```ts
 * const dfk = await loadConfig({ checkpointMode: 'taskExit', checkpointFiles: getLastCheckpoint() });
 * ```
 */
export function getLastCheckpoint(runDir = 'runinfo'): string[] {
  const all = getAllCheckpoints(runDir);
  return all.length === 0 ? [] : [all[all.length - 1]!];
}

function holdsCheckpoint(dir: string): boolean {
  try {
    if (!statSync(dir).isDirectory()) return false;
    return readdirSync(dir).some((name) => !name.startsWith('.'));
  } catch {
    return false;
  }
}
