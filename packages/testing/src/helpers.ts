import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';

/**
 * Run `fn` and return what it threw or what its Promise rejected with (`undefined` if it
 * succeeded), so a test can check an error that may be raised synchronously or asynchronously.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const error = await captureError(() => app(1));
 * expect(error).toMatchObject({ code: 'PARSL_DFK_CLOSED' });
 * ```
 */
export async function captureError(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

/**
 * Poll `condition` every `intervalMs` until it is true or `timeoutMs` passed; resolves to the last
 * result (so the caller asserts on it). Every wait in the suite is bounded this way.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * expect(await waitUntil(() => processesMatching(marker).length === 0, 10_000)).toBe(true);
 * ```
 */
export async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Ids of the processes whose full command line contains `pattern` (`pgrep -f`), excluding this
 * process. Throws when `pgrep` is missing, rather than reporting "no process".
 *
 * @since 0.1.0
 * @example
 * ```ts
 * processesMatching('parsl-marker-1234'); // [] once the command is killed
 * ```
 */
export function processesMatching(pattern: string): number[] {
  const result = spawnSync('pgrep', ['-f', pattern], { encoding: 'utf8', timeout: 10_000 });
  if (result.error) throw new Error(`pgrep could not be run (install procps): ${result.error.message}`, { cause: result.error });
  if (result.status === 1) return [];
  if (result.status !== 0) throw new Error(`pgrep -f ${pattern} failed with status ${String(result.status)}: ${result.stderr}`);
  return result.stdout.split('\n').filter(Boolean).map(Number).filter((pid) => pid !== process.pid);
}

/**
 * A string unique to this test run, safe in command lines and `pgrep` patterns.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const marker = uniqueMarker('walltime'); // 'parsl-ts-walltime-3f9c...'
 * ```
 */
export function uniqueMarker(purpose: string): string {
  return `parsl-ts-${purpose}-${randomUUID().replaceAll('-', '')}`;
}

/**
 * `n` bytes of deterministic pseudo-random data (xorshift32), so a corrupted byte anywhere shows.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const data = pseudoRandomBytes(20 * 1024 * 1024);
 * ```
 */
export function pseudoRandomBytes(n: number, seed = 0x9e3779b9): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}
