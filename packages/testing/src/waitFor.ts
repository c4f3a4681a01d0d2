import type { ExecutionProvider, JobStatus } from '@parsl-ts/core';

/**
 * Poll `check` every 100 ms until it returns something other than `undefined`, and resolve to
 * that value; reject with "timed out after N ms waiting for `what`" after `timeoutMs`. Unlike
 * {@link waitUntil}, which resolves to false, a wait that must succeed fails here, with what it
 * waited for.
 *
 * @since 0.1.1
 * @example
 * ```ts
 * const pid = await waitFor('the worker to start', () => processesMatching(marker)[0], 10_000);
 * ```
 */
export async function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Wait (see {@link waitFor}) until `provider` reports one of `states` for job `id`; resolves to
 * that status.
 *
 * @since 0.1.1
 * @example
 * ```ts
 * const status = await waitForJobState(provider, id, [JobState.completed, JobState.failed], 60_000);
 * ```
 */
export function waitForJobState(
  provider: Pick<ExecutionProvider, 'status'>, id: string, states: readonly string[], timeoutMs = 30_000,
): Promise<JobStatus> {
  return waitFor(`job ${id} to be ${states.join(' or ')}`, async () => {
    const [status] = await provider.status([id]);
    return status && states.includes(status.state) ? status : undefined;
  }, timeoutMs);
}
