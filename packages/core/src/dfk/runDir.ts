import { mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ErrorCodes } from '../errors/codes.js';
import { ConfigError } from '../errors/usageErrors.js';

/**
 * Create the next run directory under `parent` (`runinfo/000`, `runinfo/001`, ...), as Parsl does.
 * Retries on a race with another process creating the same number.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const dir = makeRunDir('runinfo'); // '/abs/runinfo/003'
 * ```
 */
export function makeRunDir(parent: string): string {
  const base = resolve(parent);
  try {
    mkdirSync(base, { recursive: true });
  } catch (cause) {
    throw new ConfigError(`cannot create the run directory parent ${base}: ${(cause as Error).message}`, {
      code: ErrorCodes.RunDir, path: 'runDir', cause, hint: 'set runDir in the config to a writable folder',
    });
  }
  for (let attempt = 0; attempt < 100; attempt++) {
    const numbers = readdirSync(base).filter((n) => /^\d{3,}$/.test(n)).map(Number);
    const next = numbers.length === 0 ? 0 : Math.max(...numbers) + 1;
    const dir = join(base, String(next).padStart(3, '0'));
    try {
      mkdirSync(dir);
      return dir;
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new ConfigError(`cannot create the run directory ${dir}: ${(cause as Error).message}`, {
          code: ErrorCodes.RunDir, path: 'runDir', cause, hint: 'set runDir in the config to a writable folder',
        });
      }
    }
  }
  throw new ConfigError(`could not claim a run directory under ${base} after 100 attempts`, { code: ErrorCodes.RunDir, path: 'runDir' });
}
