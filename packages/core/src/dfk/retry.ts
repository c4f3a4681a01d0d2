/**
 * What a retry handler sees about the failed try.
 *
 * @since 0.1.0
 */
export interface RetryContext {
  /** Task id. */
  readonly taskId: number;
  /** App name. */
  readonly appName: string;
  /** The try that failed (0 for the first). */
  readonly tryNumber: number;
  /** Cost charged so far, before this failure. */
  readonly failCost: number;
  /** Executor label the try ran on. */
  readonly executor: string;
}

/**
 * Decides how much a failure costs, as in Parsl's retry_handler: a task is retried while its
 * accumulated cost stays within `retries`. The default charges 1 per failure, so `retries: 2`
 * allows two retries. Return 0 to retry for free, `Infinity` to stop retrying at once.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const handler: RetryHandler = (error) => (error instanceof WorkerLost ? 0.5 : 1);
 * ```
 */
export type RetryHandler = (error: unknown, context: RetryContext) => number;

/** The default retry handler: every failure costs 1. */
export const defaultRetryHandler: RetryHandler = () => 1;
