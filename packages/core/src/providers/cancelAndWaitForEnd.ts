import type { Logger } from '../dfk/logger.js';
import { TERMINAL_JOB_STATES, type ExecutionProvider } from '../interfaces/ExecutionProvider.js';

/**
 * How {@link cancelAndWaitForEnd} names things in its log lines, in the scheduler's words.
 *
 * @since 0.1.1
 * @example
 * ```ts
 * const words: CancelWords = { scheduler: 'PBS', command: 'qdel', cancel: 'delete', cancelling: 'deleting', cancelled: 'deleted' };
 * ```
 */
export interface CancelWords {
  /** The scheduler, e.g. `Slurm`. */
  readonly scheduler: string;
  /** Its cancel command, e.g. `scancel`. */
  readonly command: string;
  /** The verb, e.g. `cancel` (or `delete`). */
  readonly cancel: string;
  /** Its -ing form, e.g. `cancelling`. */
  readonly cancelling: string;
  /** Its past participle, e.g. `cancelled`. */
  readonly cancelled: string;
}

/**
 * Options of {@link cancelAndWaitForEnd}.
 *
 * @since 0.1.1
 * @example
 * ```ts
 * const options: CancelAndWaitOptions = { waitSeconds: 15, logger, words };
 * ```
 */
export interface CancelAndWaitOptions {
  /** Seconds to wait, at most, for the scheduler to report every job ended. */
  readonly waitSeconds: number;
  /** Where to log what failed and what is still active. */
  readonly logger?: Logger | undefined;
  /** The scheduler's words for the log lines. */
  readonly words: CancelWords;
}

/**
 * What a batch provider's `cancelAll` does: cancel `jobIds` with one `provider.cancel` call (or,
 * when that fails, one call per job, so that one bad job cannot keep the others running), then
 * poll `provider.status` every 250 ms until every job is in a terminal state or `waitSeconds`
 * have passed. Never rejects: failures are logged.
 *
 * @since 0.1.1
 * @example
 * ```ts
 * async cancelAll(): Promise<string[]> {
 *   const active = this.activeJobIds();
 *   if (active.length > 0) await cancelAndWaitForEnd(this, active, { waitSeconds: this.cancelWait, logger: this.logger, words });
 *   return active;
 * }
 * ```
 */
export async function cancelAndWaitForEnd(
  provider: Pick<ExecutionProvider, 'cancel' | 'status'>, jobIds: readonly string[], options: CancelAndWaitOptions,
): Promise<void> {
  const { logger, words } = options;
  try {
    await provider.cancel(jobIds);
  } catch (error) {
    logger?.warn({ err: error }, `${words.command} for every block failed; ${words.cancelling} them one by one`);
    const outcomes = await Promise.allSettled(jobIds.map((id) => provider.cancel([id])));
    outcomes.forEach((outcome, i) => {
      if (outcome.status === 'rejected') logger?.error({ err: outcome.reason, jobId: jobIds[i] }, `could not ${words.cancel} ${words.scheduler} job ${jobIds[i]}`);
    });
  }
  const deadline = Date.now() + options.waitSeconds * 1000;
  for (;;) {
    let left: readonly string[];
    try {
      const statuses = await provider.status(jobIds);
      left = jobIds.filter((_, i) => !TERMINAL_JOB_STATES.has(statuses[i]!.state));
    } catch (error) {
      logger?.warn({ err: error }, `could not check that the ${words.cancelled} blocks ended`);
      left = jobIds;
    }
    if (left.length === 0) return;
    if (Date.now() >= deadline) {
      logger?.warn({ jobIds: left }, `${words.scheduler} jobs still active ${options.waitSeconds} s after ${words.command}`);
      return;
    }
    await new Promise((done) => setTimeout(done, 250));
  }
}
