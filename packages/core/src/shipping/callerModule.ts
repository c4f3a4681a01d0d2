import { pathToFileURL } from 'node:url';

// The package root (not dist/): test runners map stack frames through source maps to src/.
const CORE_DIR = new URL('../..', import.meta.url).href;

/**
 * The URL of the module that called into core (the first stack frame outside @parsl-ts/core),
 * used to ship apps by reference without asking users for `import.meta.url`.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const url = callerModuleUrl(); // 'file:///home/me/flow/apps.ts'
 * ```
 */
export function callerModuleUrl(): string | undefined {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 20;
  Error.captureStackTrace(holder);
  Error.stackTraceLimit = limit;
  for (const line of (holder.stack ?? '').split('\n').slice(1)) {
    const match = /\(?((?:file:\/\/|\/)[^():]+(?:\.[cm]?[jt]sx?))(?::\d+){0,2}\)?\s*$/.exec(line.trim());
    if (!match) continue;
    const location = match[1]!;
    const url = location.startsWith('file:') ? location : pathToFileURL(location).href;
    if (url.startsWith(CORE_DIR)) continue;
    return url;
  }
  return undefined;
}
