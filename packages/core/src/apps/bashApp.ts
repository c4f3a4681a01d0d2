import type { App } from './AppDefinition.js';
import type { AppOptions } from './AppOptions.js';
import { defineApp } from './defineApp.js';

/**
 * Make a shell command an app: the function returns a command line, which runs under
 * `/bin/bash -c` on a worker. The future resolves to 0 when it exits 0 and rejects with
 * `BashExitFailure` (carrying the exit code) otherwise. Give `stdout`/`stderr` (a path,
 * `[path, 'a']` to append, or `AUTO_LOGNAME`) in the options or in the call's last argument.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const gzip = bashApp((f: File) => `gzip -k ${f}`);
 * await gzip(new File('/tmp/data.txt'), { stdout: '/tmp/gzip.out' });
 * ```
 */
export function bashApp<A extends unknown[]>(fn: (...args: A) => string, options?: AppOptions): App<A, number> {
  return defineApp<A, number>('bash', fn, options);
}
