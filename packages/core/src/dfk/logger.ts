import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger as PinoLogger } from 'pino';

/**
 * The structured logger used across parsl-ts (pino). Plugins receive a child logger scoped to
 * them through their context; they never create their own destination.
 *
 * @since 0.1.0
 */
export type Logger = PinoLogger;

/** Log levels accepted by the config. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent';

/**
 * Create the run's logger, writing JSON lines to `file` (asynchronously, flushed on close).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const { logger, close } = await createRunLogger('runinfo/000/parsl.log', 'info');
 * logger.info({ tasks: 3 }, 'started'); await close();
 * ```
 */
export async function createRunLogger(file: string, level: LogLevel): Promise<{ logger: Logger; close: () => Promise<void> }> {
  // pino loads here, not at import: workers and tools that never log a run do not pay for it.
  const { pino } = await import('pino');
  mkdirSync(dirname(file), { recursive: true });
  const destination = pino.destination({ dest: file, sync: false, mkdir: true });
  const logger = pino({ level, base: { pid: process.pid } }, destination);
  const close = () => new Promise<void>((resolve) => {
    try {
      destination.flushSync();
    } catch {
      // not ready yet (nothing written): nothing to flush
    }
    destination.end();
    const timer = setTimeout(resolve, 2000);
    timer.unref();
    destination.once('close', () => { clearTimeout(timer); resolve(); });
  });
  return { logger, close };
}

/**
 * A logger that drops everything; used by tools and tests that have no run directory.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const log = silentLogger(); log.info('nothing happens');
 * ```
 */
export function silentLogger(): Logger {
  const noop = (): void => undefined;
  const logger: Record<string, unknown> = {
    level: 'silent', trace: noop, debug: noop, info: noop, warn: noop, error: noop, fatal: noop, silent: noop,
    isLevelEnabled: () => false, flush: noop,
  };
  logger.child = () => logger;
  return logger as unknown as Logger;
}
